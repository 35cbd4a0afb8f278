"""Privacy: the access log viewer, consent records and ID-number encryption (issue 9).

The scoping rules themselves live in :mod:`core.access`.
"""
