"""市民政局's scheduled jobs (ids ``civil_affairs:<job>``), registered through ``register_jobs``.

Each job receives a ``core.api.JobContext``; the checks it runs are core's
(``ctx.checks``) for this board's own cases. Times are Daqing time.
"""

from __future__ import annotations

from typing import Any

from core.api import Job

# Standard keys of this board (the same keys as programmes.py / standards.py).
S_CPI = "civil_affairs.cpi_yoy"
S_FOOD_CPI = "civil_affairs.food_cpi_yoy"
S_CPI_TRIGGER = "civil_affairs.price_trigger_cpi"
S_FOOD_TRIGGER = "civil_affairs.price_trigger_food_cpi"
COVERED = ("civil_affairs.dibao", "civil_affairs.dibao_single_person", "civil_affairs.tekun")
PRICE = "civil_affairs.price_subsidy"


def re_evaluation_due(ctx: Any) -> str:
    """Re-assess cases whose review date has come (S2 Art. 31); flag, never remove."""
    return ctx.checks.re_evaluations_due()


def deadlines(ctx: Any) -> str:
    """Time limits about to end or passed (written notice ≤ 3 working days, S2 Art. 21; review, S2 Art. 22)."""
    return ctx.checks.deadlines()


def grace_periods(ctx: Any) -> str:
    """Grace periods (渐退期, S2 Art. 33) and enrolments (e.g. rigid-expenditure identification,
    12 months) ending within 30 days."""
    return f"{ctx.checks.grace_periods_expiring()}; {ctx.checks.identifications_expiring()}"


def visit_cadence(ctx: Any) -> str:
    """Overdue visits of this board's care needs (special-hardship elderly: at least monthly)."""
    return ctx.checks.visit_cadence()


def price_subsidy(ctx: Any) -> str:
    """The price-linked subsidy (发改价格〔2021〕1553号): when the CPI an administrator entered for
    this month reaches its trigger, tell staff once for the month, and name each dibao or
    特困 case not yet enrolled in it."""
    cpi, food = ctx.standard(S_CPI, 0), ctx.standard(S_FOOD_CPI, 0)
    cpi_trigger, food_trigger = ctx.standard(S_CPI_TRIGGER, "Infinity"), ctx.standard(S_FOOD_TRIGGER, "Infinity")
    month = f"{ctx.today:%Y-%m}"
    if not (cpi >= cpi_trigger or food >= food_trigger):
        return f"{month}: CPI {cpi}% / food CPI {food}% below the triggers: nothing to do"
    ctx.warn("price_subsidy_triggered", f"month:{month}", params={"cpi": str(cpi), "food": str(food), "month": month},
             audience="board_staff", action="apply_programme", level="info")
    cases = ctx.checks.enrolled_cases(COVERED, lacking=PRICE)
    for case in cases:
        ctx.warn("price_subsidy_case", f"month:{month}:case:{case.id}", params={"case": case.id, "month": month},
                 case_id=case.id, region_code=ctx.checks.region_of(case), audience="board_staff",
                 action="apply_programme")
    return f"{month}: triggered, {len(cases)} cases to enrol"


JOBS = [
    Job("re_evaluation_due", re_evaluation_due, trigger="cron", trigger_args={"hour": 5, "minute": 0},
        description="Re-assess dibao and 特困 cases whose review date has come"),
    Job("deadlines", deadlines, trigger="cron", trigger_args={"hour": 5, "minute": 30},
        description="Written-notice and review time limits about to be missed"),
    Job("grace_periods", grace_periods, trigger="cron", trigger_args={"hour": 5, "minute": 40},
        description="Grace periods and identifications expiring within 30 days"),
    Job("visit_cadence", visit_cadence, trigger="cron", trigger_args={"hour": 6, "minute": 10},
        description="Overdue visits of civil-affairs care needs"),
    # daily, so a CPI entered mid-month is acted on the next morning; warnings are per month
    Job("price_subsidy", price_subsidy, trigger="cron", trigger_args={"hour": 5, "minute": 50},
        description="Price-linked subsidy triggered by the month's CPI"),
]
