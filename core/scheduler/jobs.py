"""Core's own jobs (ids ``core:<job>``): what is not one board's business.

- ``core:data_changes``: early warnings on household changes and volunteers' concerns
  (S8 §3(4): each warning comes with the suggested way to handle it).
- ``core:zero_reports``: a grid worker's missing periodic report, "nothing to report"
  included (零报告, domain-rules §5 [L-CC]).
- ``core:standards_effective``: a new standard taking effect.
- ``core:matching_upkeep``: a re-match proposal when needs lose or lack a volunteer.
- ``core:volunteer_checks``: criminal-record checks (S12 Art. 62, yearly), certificates and
  accident insurance (S13 Art. 17) expiring within 30 days.
- ``core:upload_retention``: uploaded workbooks deleted once their retention period is over
  (PIPL Art. 47; ``core.excel.retention``).
- ``core:discovery_screening``: the quarterly data comparison (数据比对): households eligible for a
  benefit they do not receive, or in a care board's group without a care need, become leads
  for active discovery (``core.casework.discovery``).

Every job only looks at enabled boards' data: a disabled board contributes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Callable, Iterator

from sqlalchemy import select

from core.boards import Job
from core.excel.retention import upload_retention
from core.models import Assignment, Case, Household, Need, Person, Region, Standard, User, Volunteer
from core.scheduler.checks import setting

# The grid report period (ISO week by default, a calendar month when the standard
# ``core.grid_report_every`` is 30) is defined once, in core.casework.calendar
# (``grid_report_bounds``), for filing and for this job alike.
STREET_LEVELS = ("street", "town")


# -- early warnings on data changes --------------------------------------------------------------


def household_facts(household: Household, today: dt.date) -> dict[str, Any]:
    """What the early-warning job compares from one run to the next."""
    members = [p for p in household.members if p.included]
    income = sum(item.monthly_fen for p in members if p.deceased_on is None for item in p.incomes
                 if (item.valid_from is None or item.valid_from <= today)
                 and (item.valid_to is None or item.valid_to >= today))
    year_ago = today - dt.timedelta(days=365)
    spending = sum(e.amount_fen for e in household.expenditures
                   if e.incurred_on is None or year_ago < e.incurred_on <= today)
    return {
        "income_fen": int(income),
        "expenditure_fen": int(spending),
        "deceased": sorted(p.id for p in household.members if p.deceased_on is not None),
        "ill": sorted(p.id for p in household.members if p.serious_illness),
        "employed": sorted(p.id for p in household.members if p.employment == "employed"),
    }


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def data_changes(ctx: Any) -> str:
    """Compare each monitored household (one with an open case) with what the last run saw.

    Warnings and their suggested action (S8 §3(4)): income drop past
    ``core.warning_income_drop_percent`` → apply a programme; rigid expenditure rise past
    ``core.warning_expenditure_rise_percent`` → apply a programme (temporary assistance,
    S7 §2(1)); a member's death → verify for termination (re-check within 3 months, S3
    §1(3)); serious illness or loss of a job → refer. The first run only records the
    baseline. Volunteers' concerns become warnings too (joint review; a mandatory report →
    refer). Running twice changes nothing: the baseline is updated in the same transaction.
    """
    from core.casework.services import OPEN_STAGES
    from core.scheduler.models import MonitorBaseline
    from core.volunteering.models import Concern

    session, today, enabled = ctx.session, ctx.today, ctx.enabled_boards()
    cases = session.execute(select(Case).where(Case.stage.in_(OPEN_STAGES)).order_by(Case.id)).scalars().all()
    by_household: dict[int, list[Case]] = {}
    for case in cases:
        boards = sorted(r.board for r in case.responsible) or [case.owner_board]
        if set(boards) & enabled:
            by_household.setdefault(case.household_id, []).append(case)
    drop_pct = setting(ctx, "core.warning_income_drop_percent")
    rise_pct = setting(ctx, "core.warning_expenditure_rise_percent")
    counted = 0
    for household_id, household_cases in sorted(by_household.items()):
        household = session.get(Household, household_id)
        now_facts = household_facts(household, today)
        baseline = session.get(MonitorBaseline, household_id)
        if baseline is None:
            session.add(MonitorBaseline(household_id=household_id, data=now_facts, taken_on=today, updated_at=ctx.now))
            continue
        before = baseline.data or {}
        events: list[tuple[str, str, dict[str, Any], str, int | None, str]] = []  # kind, key, params, action, person, level
        old_income, new_income = int(before.get("income_fen", 0)), now_facts["income_fen"]
        if old_income > 0 and new_income < old_income and (old_income - new_income) * 100 >= drop_pct * old_income:
            events.append(("income_drop", f"{old_income}->{new_income}",
                           {"before": _yuan(old_income), "after": _yuan(new_income),
                            "percent": round((old_income - new_income) * 100 / old_income)},
                           "apply_programme", None, "warning"))
        old_spend, new_spend = int(before.get("expenditure_fen", 0)), now_facts["expenditure_fen"]
        if new_spend > old_spend and (old_spend == 0 or (new_spend - old_spend) * 100 >= rise_pct * old_spend):
            events.append(("expenditure_rise", f"{old_spend}->{new_spend}",
                           {"before": _yuan(old_spend), "after": _yuan(new_spend),
                            "percent": round((new_spend - old_spend) * 100 / old_spend) if old_spend else "∞"},
                           "apply_programme", None, "warning"))
        for person_id in sorted(set(now_facts["deceased"]) - set(before.get("deceased", []))):
            person = session.get(Person, person_id)
            events.append(("member_died", f"person:{person_id}", {"person": person.name, "on": person.deceased_on},
                           "verify_termination", person_id, "urgent"))
        for person_id in sorted(set(now_facts["ill"]) - set(before.get("ill", []))):
            person = session.get(Person, person_id)
            events.append(("serious_illness", f"person:{person_id}:{today}", {"person": person.name}, "refer",
                           person_id, "warning"))
        for person_id in sorted(set(before.get("employed", [])) - set(now_facts["employed"])):
            person = session.get(Person, person_id)
            if person.employment == "unemployed":
                events.append(("job_lost", f"person:{person_id}:{today}", {"person": person.name}, "refer",
                               person_id, "warning"))
        for kind, key, params, action, person_id, level in events:
            for case in household_cases:
                for board in (sorted(r.board for r in case.responsible) or [case.owner_board]):
                    if board not in enabled:
                        continue
                    if ctx.warn(kind, f"household:{household_id}:case:{case.id}:{key}", params=params, board=board,
                                audience="board_staff", region_code=household.region_code, case_id=case.id,
                                person_id=person_id, action=action, level=level) is not None:
                        counted += 1
            if kind in ("member_died", "serious_illness"):
                counted += _event_visits(ctx, household, kind, key, params)
        baseline.data, baseline.taken_on, baseline.updated_at = now_facts, today, ctx.now
    concerns = 0
    for concern in session.execute(select(Concern).where(Concern.status == "open").order_by(Concern.id)).scalars():
        if concern.board not in enabled:
            continue
        person = session.get(Person, concern.person_id)
        need = session.get(Assignment, concern.assignment_id).need
        if ctx.warn("volunteer_concern", f"concern:{concern.id}", params={"person": person.name,
                    "description": concern.description or concern.kind}, board=concern.board,
                    region_code=person.household.region_code if person.household else None, case_id=need.case_id,
                    person_id=person.id, action="refer" if concern.mandatory else "joint_review",
                    level="urgent" if concern.mandatory else "warning", object_type="concern",
                    object_id=concern.id) is not None:
            concerns += 1
    return f"households monitored {len(by_household)}, change warnings {counted}, concerns {concerns}"


def _event_visits(ctx: Any, household: Household, kind: str, key: str, params: dict[str, Any]) -> int:
    """A death or serious illness in a family with care needs: the coordinator visits within 24 h
    (bereaved-parent families "promptly on accident, serious illness, disaster or death",
    domain-rules §7.3; high-risk elderly "within 24 h after a major event", §7.2)."""
    member_ids = [p.id for p in household.members]
    needs = ctx.session.execute(
        select(Need).where(Need.person_id.in_(member_ids), Need.status == "approved")
    ).scalars().all()
    event = {"member_died": "death in the family 家中有人去世", "serious_illness": "serious illness 重病"}[kind]
    created = 0
    for need in needs:
        if need.board not in ctx.enabled_boards():
            continue
        if ctx.warn("event_visit", f"need:{need.id}:{key}", params={"person": need.person.name, "event": event},
                    board=need.board, audience="coordinator", region_code=household.region_code,
                    person_id=need.person_id, case_id=need.case_id, action="visit", level="urgent",
                    due_on=ctx.today + dt.timedelta(days=1), object_type="need", object_id=need.id) is not None:
            created += 1
    return created


# -- zero reports --------------------------------------------------------------------------------------


def report_periods(first_due: dt.date, last_due: dt.date, grace_days: int,
                   kind: str | Callable[[dt.date], str] = "week") -> Iterator[tuple[dt.date, dt.date, dt.date]]:
    """(period start, period end, due date) of every report period whose due date is in the range.

    ``kind`` is "week" or "month", or a function of a day giving the kind in force that day
    (the period containing a day is :func:`core.casework.calendar.period_bounds` of it).
    """
    from core.casework.calendar import period_bounds

    kind_on = kind if callable(kind) else (lambda _day: kind)
    # walk from a period early enough to reach ``first_due``
    day = first_due - dt.timedelta(days=grace_days + 40)
    while True:
        start, following = period_bounds(day, kind_on(day))
        end = following - dt.timedelta(days=1)
        due = end + dt.timedelta(days=grace_days)
        if due > last_due:
            return
        if due >= first_due:
            yield start, end, due
        day = following


def street_of(session: Any, code: str | None) -> str | None:
    """The street/town (街道/乡镇) a region lies in, else the region itself."""
    region = session.get(Region, code) if code else None
    while region is not None:
        if region.level in STREET_LEVELS:
            return region.code
        region = region.parent
    return code


def zero_reports(ctx: Any) -> str:
    """Every grid worker files one report per period, "nothing to report" included (零报告); a
    report still missing after ``core.grid_report_grace_days`` warns the street/town (board staff
    whose area covers the worker's street: there is no separate street-office role) and the
    worker. Covers every period whose due date passed since the last run (catch-up range)."""
    from core.casework.calendar import grid_report_period, period_label
    from core.casework.models import GridReport

    session, today = ctx.session, ctx.today
    grace = setting(ctx, "core.grid_report_grace_days")
    workers = session.execute(
        select(User).where(User.role == "grid_worker", User.active.is_(True)).order_by(User.id)
    ).scalars().all()
    filed = {(r.reporter_id, r.period) for r in session.execute(select(GridReport)).scalars()}
    # the window's start: since the last run, and never less than two periods back
    first_due = min(ctx.window_start(62), today - dt.timedelta(days=62))
    missing = 0
    periods: dict[str | None, list[tuple[dt.date, dt.date, dt.date, str]]] = {}
    for worker in workers:
        if worker.region_code not in periods:  # the period standard may differ by region
            periods[worker.region_code] = [
                (start, end, due, period_label(start, "week" if (end - start).days == 6 else "month"))
                for start, end, due in report_periods(
                    first_due, today - dt.timedelta(days=1), grace,
                    lambda day, code=worker.region_code: grid_report_period(session, day, code))]
        for start, end, due, label in periods[worker.region_code]:
            if worker.created_at.date() > end or (worker.id, start) in filed:
                continue
            if ctx.warn("zero_report_missing", f"worker:{worker.id}:period:{start}",
                        params={"worker": worker.display_name, "period": label, "due": due}, board=None,
                        audience="board_staff", region_code=street_of(session, worker.region_code), addressee_id=worker.id,
                        action="file_report", due_on=due, object_type="user", object_id=worker.id) is not None:
                missing += 1
    return f"grid workers {len(workers)}, missing reports {missing}"


# -- standards ------------------------------------------------------------------------------------------


def standards_effective(ctx: Any) -> str:
    """A standard taking effect (a new dibao line, a new CPI figure …) tells its board to re-assess
    the cases it affects; a ``core.*`` figure tells the administrators."""
    session, today = ctx.session, ctx.today
    start = ctx.window_start(31)
    rows = session.execute(
        select(Standard).where(Standard.effective_from >= start, Standard.effective_from <= today)
        .order_by(Standard.effective_from, Standard.id)
    ).scalars().all()
    count = 0
    for row in rows:
        owner = row.key.split(".", 1)[0]
        board = owner if owner in ctx.boards.installed else None
        if board is not None and board not in ctx.enabled_boards():
            continue
        if ctx.warn("standard_effective", f"standard:{row.id}",
                    params={"key": row.key, "value": str(row.value), "unit": row.unit, "on": row.effective_from,
                            "region": row.region_code},
                    board=board, audience="board_staff" if board else "admin", region_code=row.region_code,
                    action="re_assess", level="info", object_type="standard", object_id=row.id) is not None:
            count += 1
    return f"standards taking effect {count}"


# -- matching upkeep ------------------------------------------------------------------------------------


def matching_upkeep(ctx: Any) -> str:
    """Approved needs with no open assignment (a volunteer left or paused and the pair was
    released, or the need is new) get a re-match proposal: a draft match run for the board,
    solved now, for the coordinator to review and publish. The run keeps current pairs as
    continuity (the matcher's continuity weight, spec/matching.md). The same set of
    unmatched needs is proposed once; when match runs are unavailable, the coordinator is
    warned to prepare one by hand.
    """
    session, enabled = ctx.session, ctx.enabled_boards()
    care = sorted(b for b in enabled if b in ctx.boards.installed and ctx.boards.installed[b].info.kind == "care")
    proposals = 0
    for board in care:
        open_needs = select(Assignment.need_id).where(Assignment.state.in_(("proposed", "accepted")))
        needs = session.execute(
            select(Need).where(Need.board == board, Need.status == "approved", Need.id.not_in(open_needs))
            .order_by(Need.id)
        ).scalars().all()
        if not needs:
            continue
        ids = [n.id for n in needs]
        digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]
        key = f"needs:{digest}"
        from core.scheduler.models import EarlyWarning

        if session.execute(select(EarlyWarning.id).where(
                EarlyWarning.dedup_key.in_([f"{board}:rematch_proposal:{key}", f"{board}:rematch_needed:{key}"]))
        ).first() is not None:
            continue
        run_id = _prepare_run(ctx, board)
        params = {"count": len(ids), "run": run_id or "—", "needs": ", ".join(map(str, ids[:50]))}
        if run_id is not None:
            ctx.warn("rematch_proposal", key, params=params, board=board, audience="coordinator", action="re_match",
                     object_type="match_run", object_id=run_id)
        else:
            ctx.warn("rematch_needed", key, params=params, board=board, audience="coordinator", action="re_match")
        proposals += 1
    return f"re-match proposals {proposals}"


def _prepare_run(ctx: Any, board: str) -> int | None:
    """A solved draft run for ``board`` over the whole configured region, or None if it cannot be made."""
    try:
        from core.matchruns import services as runs
        from core.regions import DAQING
    except ImportError:
        return None
    try:
        # its own session: create_run commits, and the job's transaction must stay the job's
        with ctx.sessions() as session:
            run = runs.create_run(session, ctx.boards, ctx.enabled_boards(), runs.SYSTEM, region=DAQING,
                                  boards=[board], time_limit_s=10.0, as_of=ctx.today)
            run_id = run.id
        runs.solve_run(ctx.sessions, run_id)
        return run_id
    except Exception as exc:  # the warning still goes out, without a run
        ctx.note(f"{board}: no re-match run ({exc.__class__.__name__}: {exc})")
        return None


# -- volunteers' checks, certificates, insurance ------------------------------------------------------------


def volunteer_checks(ctx: Any) -> str:
    """Warn the board's coordinators 30 days (``core.warning_expiry_days_ahead``) before a
    volunteer's criminal-record check lapses (S12 Art. 62: re-checked yearly), a certificate
    expires (S13 Art. 16) or the accident insurance ends (S13 Art. 17)."""
    from core.volunteering.models import VolunteerCertification, VolunteerInsurance
    from core.volunteering.services import background_check_expires_on

    session, today, enabled = ctx.session, ctx.today, ctx.enabled_boards()
    horizon = today + dt.timedelta(days=setting(ctx, "core.warning_expiry_days_ahead"))
    volunteers = session.execute(
        select(Volunteer).where(Volunteer.state.in_(("approved", "active")), Volunteer.board.in_(sorted(enabled)))
        .order_by(Volunteer.id)
    ).scalars().all()
    count = 0

    def warn(kind: str, volunteer: Volunteer, ends: dt.date, key: str, **params: Any) -> None:
        nonlocal count
        if ctx.warn(kind, f"volunteer:{volunteer.id}:{key}:{ends}", params={"volunteer": volunteer.name,
                    "ends": ends, **params}, board=volunteer.board, audience="coordinator",
                    region_code=volunteer.region_code, action="renew", due_on=ends, object_type="volunteer",
                    object_id=volunteer.id, level="urgent" if ends < today else "warning") is not None:
            count += 1

    for volunteer in volunteers:
        expires = background_check_expires_on(volunteer)
        if volunteer.background_check_clear and expires is not None and expires <= horizon:
            warn("background_check_expiring", volunteer, expires, "check")
        for cert in session.execute(select(VolunteerCertification).where(
                VolunteerCertification.volunteer_id == volunteer.id, VolunteerCertification.expires_on.is_not(None),
                VolunteerCertification.expires_on <= horizon)).scalars():
            warn("certification_expiring", volunteer, cert.expires_on, f"certification:{cert.id}",  # type: ignore[arg-type]
                 certificate=cert.kind)
        latest = session.execute(select(VolunteerInsurance).where(VolunteerInsurance.volunteer_id == volunteer.id)
                                 .order_by(VolunteerInsurance.valid_until.desc())).scalars().first()
        if latest is not None and latest.valid_until <= horizon:
            warn("insurance_expiring", volunteer, latest.valid_until, "insurance")
    return f"volunteers checked {len(volunteers)}, expiring {count}"


# -- active discovery: the data comparison ----------------------------------------------------


def discovery_screening(ctx: Any) -> str:
    """Compare the register with the rules (数据比对, domain-rules §12: quarterly or half-yearly):
    every stored household assessed with every enabled programme. The open leads are replaced
    by what is found, and each board gets one warning per district pointing to the list rather
    than one per household: its staff, how many households there qualify for one of its
    benefits and do not receive it (S8 §3(4): apply a programme); a care board's coordinators,
    how many have someone in its care group and no care need yet (visit them)."""
    from core.casework.discovery import QUIET_DAYS_KEY, refresh_leads

    found = refresh_leads(ctx.session, ctx.boards, ctx.today, enabled=ctx.enabled_boards(),
                          quiet_days=setting(ctx, QUIET_DAYS_KEY))
    installed = ctx.boards.installed
    for (board, district), count in sorted(found.leads.items()):
        care = board in installed and installed[board].info.kind == "care"
        ctx.warn("discovery_care_leads" if care else "discovery_leads", f"{district}:{ctx.today}",
                 params={"count": count, "on": ctx.today}, board=board,
                 audience="coordinator" if care else "board_staff", region_code=district,
                 action="visit" if care else "apply_programme", level="info", object_type="discovery",
                 object_id=district)
    return f"households assessed {found.households}, leads {found.total}, held back as handled {found.quiet}"


# Core's jobs; times are Daqing time, before office hours so the inbox is ready at 08:00.
CORE_JOBS: list[Job] = [
    Job("standards_effective", standards_effective, trigger="cron", trigger_args={"hour": 0, "minute": 30},
        description="New standards taking effect: tell the board to re-assess"),
    Job("data_changes", data_changes, trigger="cron", trigger_args={"hour": 6, "minute": 0},
        description="Early warnings on household changes and volunteers' concerns (S8 §3(4))"),
    Job("volunteer_checks", volunteer_checks, trigger="cron", trigger_args={"hour": 6, "minute": 30},
        description="Criminal-record checks, certificates and insurance expiring within 30 days"),
    Job("zero_reports", zero_reports, trigger="cron", trigger_args={"hour": 7, "minute": 0},
        description="Grid workers' periodic reports (zero reports included) that are missing"),
    Job("matching_upkeep", matching_upkeep, trigger="cron", trigger_args={"hour": 7, "minute": 30},
        description="Re-match proposals for needs that lost or lack a volunteer"),
    Job("discovery_screening", discovery_screening, trigger="cron",
        trigger_args={"month": "1,4,7,10", "day": 1, "hour": 5, "minute": 0},
        description="Data comparison: households eligible for a benefit they do not receive (主动发现, quarterly)"),
    Job("upload_retention", upload_retention, trigger="cron", trigger_args={"hour": 3, "minute": 0},
        description="Delete uploaded Excel files whose retention period is over; the import records stay (PIPL Art. 47)"),
]
