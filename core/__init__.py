"""CareMatch core: the shared model, workflow, matcher, scheduler, web shell, CLI and plugin host.

Core never imports a plugin; plugins import only :mod:`core.api`.
"""
