"""The jobs every board runs over its own cases and needs, so a board's ``jobs.py`` lists
only what is its own. Each job delegates to core's checks (``ctx.checks``)."""

from __future__ import annotations

from typing import Any

from core.boards import Job


def re_evaluation_due(ctx: Any) -> str:
    """Re-assess the board's cases whose review date has come (S2 Art. 31); flag, never remove."""
    return ctx.checks.re_evaluations_due()


def deadlines(ctx: Any) -> str:
    """Time limits of the board's cases about to end or passed (written notice ≤ 3 working days,
    S2 Art. 21; review, S2 Art. 22)."""
    return ctx.checks.deadlines()


def identifications_expiring(ctx: Any) -> str:
    """Enrolments of the board ending within 30 days."""
    return ctx.checks.identifications_expiring()


def visit_cadence(ctx: Any) -> str:
    """Overdue visits by risk tier (high weekly, key monthly, general quarterly) and category;
    long overdue ones go to the responsible boards too."""
    return ctx.checks.visit_cadence()


def common_jobs(*, visits: str, identifications: bool = True) -> list[Job]:
    """The shared jobs of a board; ``visits`` describes its visit-cadence job on the jobs page.

    ``identifications=False`` leaves out the expiring-enrolments job for a board that
    checks expiries in a job of its own.
    """
    jobs = [
        Job("re_evaluation_due", re_evaluation_due, trigger="cron", trigger_args={"hour": 5, "minute": 0},
            description="Re-assess cases whose review date has come"),
        Job("deadlines", deadlines, trigger="cron", trigger_args={"hour": 5, "minute": 30},
            description="Case time limits about to be missed"),
    ]
    if identifications:
        jobs.append(Job("identifications_expiring", identifications_expiring, trigger="cron",
                        trigger_args={"hour": 5, "minute": 40}, description="Enrolments expiring within 30 days"))
    jobs.append(Job("visit_cadence", visit_cadence, trigger="cron", trigger_args={"hour": 6, "minute": 10},
                    description=visits))
    return jobs
