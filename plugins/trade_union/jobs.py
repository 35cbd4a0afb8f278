"""市总工会's scheduled jobs (ids ``trade_union:<job>``), registered through ``register_jobs``.

Each job receives a ``core.api.JobContext``; the checks it runs are core's
(``ctx.checks``) for this board's own cases and needs. Times are Daqing time.
"""

from __future__ import annotations

from typing import Any

from core.api import Job


def re_evaluation_due(ctx: Any) -> str:
    """Re-assess this board's cases whose review date has come; flag, never remove."""
    return ctx.checks.re_evaluations_due()


def deadlines(ctx: Any) -> str:
    """Time limits of this board's cases about to end or passed."""
    return ctx.checks.deadlines()


def identifications_expiring(ctx: Any) -> str:
    """Enrolments of this board ending within 30 days."""
    return ctx.checks.identifications_expiring()


def visit_cadence(ctx: Any) -> str:
    """Overdue visits by risk tier (high weekly, key monthly, general quarterly) and category;
    long overdue ones go to the responsible boards too."""
    return ctx.checks.visit_cadence()


JOBS = [
    Job("re_evaluation_due", re_evaluation_due, trigger="cron", trigger_args={"hour": 5, "minute": 0},
        description="Re-assess cases whose review date has come"),
    Job("deadlines", deadlines, trigger="cron", trigger_args={"hour": 5, "minute": 30},
        description="Case time limits about to be missed"),
    Job("identifications_expiring", identifications_expiring, trigger="cron", trigger_args={"hour": 5, "minute": 40},
        description="Enrolments expiring within 30 days"),
    Job("visit_cadence", visit_cadence, trigger="cron", trigger_args={"hour": 6, "minute": 10},
        description="Overdue visits of trade-union care needs"),
]
