"""市民政局's scheduled jobs (ids ``civil_affairs:<job>``), registered through ``register_jobs``.

Besides the jobs every board runs (``core.api.common_jobs``), civil affairs watches
grace periods and the price-linked subsidy. Each job receives a
``core.api.JobContext``; times are Daqing time.
"""

from __future__ import annotations

from typing import Any

from core.api import Job, common_jobs

# Standard keys of this board (the same keys as programmes.py / standards.py).
S_CPI = "civil_affairs.cpi_yoy"
S_FOOD_CPI = "civil_affairs.food_cpi_yoy"
S_CPI_TRIGGER = "civil_affairs.price_trigger_cpi"
S_FOOD_TRIGGER = "civil_affairs.price_trigger_food_cpi"
COVERED = ("civil_affairs.dibao", "civil_affairs.dibao_single_person", "civil_affairs.tekun")
PRICE = "civil_affairs.price_subsidy"


def grace_periods(ctx: Any) -> str:
    """Grace periods (渐退期, S2 Art. 33) and enrolments (e.g. rigid-expenditure identification,
    12 months) ending within 30 days."""
    return f"{ctx.checks.grace_periods_expiring()}; {ctx.checks.identifications_expiring()}"


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
    *common_jobs(visits="Overdue visits of civil-affairs care needs (special-hardship elderly at least monthly)",
                 identifications=False),
    Job("grace_periods", grace_periods, trigger="cron", trigger_args={"hour": 5, "minute": 40},
        description="Grace periods and identifications expiring within 30 days"),
    # daily, so a CPI entered mid-month is acted on the next morning; warnings are per month
    Job("price_subsidy", price_subsidy, trigger="cron", trigger_args={"hour": 5, "minute": 50},
        description="Price-linked subsidy triggered by the month's CPI"),
]
