"""Programmes, household snapshots, standards and findings: the pure assessment engine."""

__all__: list[str] = []
