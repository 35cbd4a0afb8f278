"""Core's own jobs (filled in below)."""

CORE_JOBS: list = []
