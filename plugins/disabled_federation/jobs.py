"""市残联's scheduled jobs (ids ``disabled_federation:<job>``), registered through ``register_jobs``.

Each job receives a ``core.api.JobContext``; the checks it runs are core's
(``ctx.checks``) for this board's own cases and needs. Times are Daqing time.
"""

from __future__ import annotations

from typing import Any

from core.api import Job, common_jobs


def identifications_expiring(ctx: Any) -> str:
    """Enrolments ending within 30 days, and disability certificates (残疾人证) of people in
    this board's cases expiring within 30 days."""
    return f"{ctx.checks.identifications_expiring()}; {ctx.checks.disability_certificates_expiring()}"


JOBS = [
    *common_jobs(visits="Overdue visits of disabled-federation care needs", identifications=False),
    Job("identifications_expiring", identifications_expiring, trigger="cron", trigger_args={"hour": 5, "minute": 40},
        description="Enrolments and disability certificates expiring within 30 days"),
]
