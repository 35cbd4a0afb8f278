"""The checks a board's jobs run for the board's own cases and needs (``ctx.checks``).

Boards call these from ``plugins/<board>/jobs.py`` through the job context, so a plugin
needs nothing from core but ``core.api.Job``. Each check reads the casework and
volunteering services (never re-implementing them), raises warnings through
``ctx.warn`` (once per situation) and returns a short summary for the job's record.

Configurable figures are dated standards with ``core.*`` keys (migration 0005 seeds them;
the defaults below apply when a row is missing).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import func, select

from core.models import Assignment, Case, CaseResponsibility, DisabilityCertificate, Need, Person, PlanMeasure

# Defaults of the core.* standards (the seeded rows say where each comes from).
DEFAULTS: dict[str, int] = {
    "core.visit_every_days_risk3": 7,
    "core.visit_every_days_risk2": 30,
    "core.visit_every_days_risk1": 90,
    "core.visit_every_days_elderly_alone": 30,
    "core.visit_every_days_bereaved_family": 30,
    "core.visit_long_overdue_days": 14,
    "core.warning_income_drop_percent": 30,
    "core.warning_expenditure_rise_percent": 50,
    "core.warning_expiry_days_ahead": 30,
    "core.deadline_warning_working_days": 3,
    "core.grid_report_grace_days": 3,
    "core.grid_report_every": 7,  # 7 = ISO weeks, 30 = calendar months (core.casework.calendar.grid_report_period)
    "core.discovery_quiet_days": 365,
}
OPEN_CASE_STAGES = ("included", "active")
DEADLINE_LABELS = {
    "review": "审核时限 (review)",
    "investigation_start": "启动调查 (investigation start)",
    "written_notice": "书面告知 (written notice)",
    "referral": "转介答复 (referral answer)",
}


@dataclass(frozen=True)
class SystemActor:
    """The scheduler acting for a board in casework services (ledger rows name no user)."""

    board: str
    id: int | None = None
    role: str = "board_staff"
    region_code: str | None = None


def setting(ctx: Any, key: str, region_code: str | None = None) -> int:
    """A ``core.*`` figure as an integer, from the standards in force today."""
    return int(ctx.standard(key, DEFAULTS[key], region_code=region_code))


def responsible(case: Case) -> list[str]:
    return sorted(r.board for r in case.responsible)


def lead_board(case: Case) -> str:
    """The board that re-assesses a case: its owner if responsible (首报负责制), else the first responsible board."""
    boards = responsible(case)
    if not boards or case.owner_board in boards:
        return case.owner_board
    return boards[0]


def region_of(case: Case | None) -> str | None:
    return case.household.region_code if case is not None and case.household is not None else None


def end_of_month(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def visit_cadence_days(ctx: Any, need: Need, region_code: str | None = None) -> int:
    """Days between visits: the strictest of the risk tier, the category rule and the plan's own cadence.

    Tiers (domain-rules §7.2, §12.5): high (risk 3) weekly, key (2) monthly, general (1)
    quarterly. Categories: special-hardship elderly at least monthly (2022 national
    guideline); bereaved-parent families monthly (§7.3, local default). The need's own
    ``visit_every_days`` (agreed in the plan) applies when it is stricter still.
    """
    risk = need.risk if need.risk in (1, 2, 3) else 2
    days = [setting(ctx, f"core.visit_every_days_risk{risk}", region_code)]
    if need.category == "elderly_alone":
        days.append(setting(ctx, "core.visit_every_days_elderly_alone", region_code))
    if need.category == "bereaved_family":
        days.append(setting(ctx, "core.visit_every_days_bereaved_family", region_code))
    if need.visit_every_days and need.visit_every_days > 0:
        days.append(need.visit_every_days)
    return max(1, min(days))


class BoardChecks:
    """The checks of one board job (``ctx.checks``)."""

    def __init__(self, ctx: Any):
        self.ctx = ctx
        self.board: str = ctx.board
        self.session = ctx.session

    # -- re-evaluation ------------------------------------------------------------------------

    def re_evaluations_due(self) -> str:
        """Re-assess the board's cases whose re-evaluation date has come (S2 Art. 31: every 12 or 6 months;
        S3 §1(3): within 3 months of a death).

        A case that no longer qualifies is flagged for board staff with "verify for
        termination": nothing is removed automatically (a removal needs written reasons
        and a legal ground, S2 Art. 32). Running again the same day finds nothing: the
        re-assessment moved the case's next date on.
        """
        from core.casework import services as cw
        from core.casework.models import CaseDetail

        ctx, today = self.ctx, self.ctx.today
        rows = self.session.execute(
            select(Case, CaseDetail).join(CaseDetail, CaseDetail.case_id == Case.id)
            .where(CaseDetail.next_evaluation_on <= today, Case.stage.in_(OPEN_CASE_STAGES))
            .order_by(Case.id)
        ).all()
        done = flagged = failed = 0
        for case, detail in rows:
            if lead_board(case) != self.board:
                continue
            due = detail.next_evaluation_on
            try:
                evaluation = cw.reassess_case(self.session, SystemActor(self.board), case.id, ctx.boards, today)
            except cw.TransitionError as exc:
                failed += 1
                ctx.warn("re_evaluation_failed", f"case:{case.id}:due:{due}", params={"case": case.id, "reason": exc.en},
                         case_id=case.id, region_code=region_of(case), audience="board_staff", action="re_assess",
                         due_on=due)
                continue
            done += 1
            if evaluation.flagged:
                flagged += 1
                lapsed = _lapsed_programmes(self.session, case.id, evaluation.findings or [])
                ctx.warn("re_evaluation_flagged", f"case:{case.id}:evaluation:{evaluation.id}",
                         params={"on": today, "programmes": ", ".join(lapsed) or "—"}, case_id=case.id,
                         person_id=case.subject_id, region_code=region_of(case), audience="board_staff",
                         action="verify_termination", level="urgent")
        return f"re-assessed {done}, flagged {flagged}, failed {failed}"

    # -- time limits ----------------------------------------------------------------------------

    def deadlines(self) -> str:
        """Warn before a case's time limit ends (written notice ≤ 3 working days, S2 Art. 21; the
        review limit, S2 Art. 22; investigation start, S2 Art. 15; a referral's answer) and when
        it has passed. Re-evaluation dates are :meth:`re_evaluations_due`'s."""
        from core.casework.calendar import WorkingCalendar
        from core.casework.models import CaseDeadline, Referral

        ctx, today = self.ctx, self.ctx.today
        horizon = WorkingCalendar.load(self.session).add_working_days(
            today, setting(ctx, "core.deadline_warning_working_days"))
        rows = self.session.execute(
            select(CaseDeadline, Case).join(Case, Case.id == CaseDeadline.case_id)
            .where(CaseDeadline.done_on.is_(None), CaseDeadline.due_on <= horizon,
                   CaseDeadline.key != "re_evaluation", Case.stage != "removed")
            .order_by(CaseDeadline.due_on, CaseDeadline.id)
        ).all()
        soon = missed = 0
        for deadline, case in rows:
            acting = case.owner_board
            base_key = deadline.key.split(":", 1)[0]
            if base_key == "referral":
                referral = self.session.get(Referral, int(deadline.key.split(":", 1)[1]))
                if referral is None or referral.state != "pending":
                    continue
                acting = referral.to_board
            if acting != self.board:
                continue
            late = deadline.due_on < today
            kind = "deadline_missed" if late else "deadline_soon"
            created = ctx.warn(kind, f"deadline:{deadline.id}:due:{deadline.due_on}",
                               params={"case": case.id, "step": DEADLINE_LABELS.get(base_key, base_key),
                                       "due": deadline.due_on},
                               case_id=case.id, region_code=region_of(case), action="follow_up",
                               due_on=deadline.due_on, level="urgent" if late else "warning")
            if created is not None:
                missed += late
                soon += not late
        return f"deadlines about to end {soon}, passed {missed}"

    # -- grace periods and identifications --------------------------------------------------------

    def grace_periods_expiring(self) -> str:
        """Warn 30 days (``core.warning_expiry_days_ahead``) before a grace period ends (渐退期,
        ≤ 6 months, S2 Art. 33; S3 §1(3): "alert before expiry", domain-rules §12.5)."""
        from core.casework.models import CaseRemoval

        ctx, today = self.ctx, self.ctx.today
        horizon = today + dt.timedelta(days=setting(ctx, "core.warning_expiry_days_ahead"))
        rows = self.session.execute(
            select(CaseRemoval).where(CaseRemoval.board == self.board, CaseRemoval.grace_months > 0,
                                      CaseRemoval.stops_from > today, CaseRemoval.stops_from <= horizon)
        ).scalars().all()
        count = 0
        for removal in rows:
            case = self.session.get(Case, removal.case_id)
            if ctx.warn("grace_period_expiring", f"removal:{removal.id}", params={"case": removal.case_id,
                        "stops": removal.stops_from}, case_id=removal.case_id, region_code=region_of(case),
                        audience="board_staff", action="re_assess", due_on=removal.stops_from) is not None:
                count += 1
        return f"grace periods ending soon {count}"

    def identifications_expiring(self) -> str:
        """Warn 30 days before an enrolment with an end month lapses (e.g. the rigid-expenditure
        identification expires after 12 months, domain-rules §12.5), so it is re-assessed in time."""
        from core.models import CarePlan

        ctx, today = self.ctx, self.ctx.today
        horizon = today + dt.timedelta(days=setting(ctx, "core.warning_expiry_days_ahead"))
        rows = self.session.execute(
            select(PlanMeasure, CarePlan).join(CarePlan, CarePlan.id == PlanMeasure.plan_id)
            .where(PlanMeasure.board == self.board, PlanMeasure.kind == "material", PlanMeasure.status == "active",
                   PlanMeasure.end_month.is_not(None), PlanMeasure.end_month <= horizon)
        ).all()
        count = 0
        for measure, plan in rows:
            ends = end_of_month(measure.end_month)  # type: ignore[arg-type]
            if ends < today or ends > horizon:
                continue
            case = self.session.get(Case, plan.case_id)
            if case is None or case.stage not in OPEN_CASE_STAGES:
                continue
            if ctx.warn("identification_expiring", f"measure:{measure.id}:ends:{ends}",
                        params={"case": case.id, "programme": measure.programme_key or "—", "ends": ends},
                        case_id=case.id, person_id=measure.person_id, region_code=region_of(case),
                        audience="board_staff", action="re_assess", due_on=ends) is not None:
                count += 1
        return f"enrolments ending soon {count}"

    def disability_certificates_expiring(self) -> str:
        """Warn 30 days before a disability certificate (残疾人证, domain-rules §8.3) of someone in
        one of the board's open cases expires: programmes keyed on it would lapse."""
        ctx, today = self.ctx, self.ctx.today
        horizon = today + dt.timedelta(days=setting(ctx, "core.warning_expiry_days_ahead"))
        households = {case.household_id: case for case in self._cases()}
        if not households:
            return "certificates expiring 0"
        rows = self.session.execute(
            select(DisabilityCertificate, Person).join(Person, Person.id == DisabilityCertificate.person_id)
            .where(Person.household_id.in_(list(households)), Person.deceased_on.is_(None),
                   DisabilityCertificate.valid_until.is_not(None), DisabilityCertificate.valid_until >= today,
                   DisabilityCertificate.valid_until <= horizon)
        ).all()
        count = 0
        for certificate, person in rows:
            case = households[person.household_id]  # type: ignore[index]
            if ctx.warn("disability_certificate_expiring", f"certificate:{certificate.id}:{certificate.valid_until}",
                        params={"person": person.name, "ends": certificate.valid_until}, case_id=case.id,
                        person_id=person.id, region_code=region_of(case), audience="board_staff", action="renew",
                        due_on=certificate.valid_until) is not None:
                count += 1
        return f"certificates expiring {count}"

    # -- visits -------------------------------------------------------------------------------------

    def visit_cadence(self) -> str:
        """Overdue visits of the board's approved, matched needs (cadence: :func:`visit_cadence_days`).

        The coordinator is warned when a visit is overdue; the responsible boards (the
        need's and those the joint review named) when it is long overdue
        (``core.visit_long_overdue_days``). One warning per missed due date.
        """
        from core.volunteering.models import Visit
        from core.volunteering.services import LOCAL_TZ, responsible_boards

        ctx, today = self.ctx, self.ctx.today
        needs = self.session.execute(
            select(Need).where(Need.board == self.board, Need.status == "approved").order_by(Need.id)
        ).scalars().all()
        overdue = escalated = 0
        for need in needs:
            assignments = self.session.execute(select(Assignment).where(Assignment.need_id == need.id)).scalars().all()
            accepted = [a for a in assignments if a.state == "accepted"]
            if not accepted:
                continue  # unmatched: the matching upkeep job proposes a volunteer
            region = need.person.household.region_code if need.person.household is not None else None
            last = self.session.scalar(
                select(func.max(Visit.visited_on)).where(Visit.assignment_id.in_([a.id for a in assignments]),
                                                          Visit.confirmation != "rejected"))
            start = last or min(a.started_on or a.created_at.astimezone(LOCAL_TZ).date() for a in accepted)
            every = visit_cadence_days(ctx, need, region)
            due = start + dt.timedelta(days=every)
            if due >= today:
                continue
            late = (today - due).days
            params = {"person": need.person.name, "risk": need.risk, "due": due, "every": every,
                      "last": last or "—", "late": late}
            if ctx.warn("visit_overdue", f"need:{need.id}:due:{due}", params=params, audience="coordinator",
                        region_code=region, person_id=need.person_id, case_id=need.case_id, action="visit",
                        due_on=due, object_type="need", object_id=need.id,
                        level="urgent" if need.risk == 3 else "warning") is not None:
                overdue += 1
            if late >= setting(ctx, "core.visit_long_overdue_days", region):
                for board in responsible_boards(self.session, need):
                    if ctx.warn("visit_long_overdue", f"need:{need.id}:due:{due}", params=params, board=board,
                                audience="board_staff", region_code=region, person_id=need.person_id,
                                case_id=need.case_id, action="visit", due_on=due, object_type="need",
                                object_id=need.id, level="urgent") is not None:
                        escalated += 1
        return f"visits overdue {overdue}, escalated {escalated}"

    # -- helpers for board-specific jobs ---------------------------------------------------------------

    def _cases(self) -> list[Case]:
        responsible_ids = select(CaseResponsibility.case_id).where(CaseResponsibility.board == self.board)
        return list(self.session.execute(
            select(Case).where((Case.owner_board == self.board) | Case.id.in_(responsible_ids))
            .where(Case.stage.in_(OPEN_CASE_STAGES)).order_by(Case.id)
        ).scalars())

    def enrolled_cases(self, programmes: Iterable[str], lacking: str | None = None) -> list[Case]:
        """The board's open cases with an active enrolment in one of ``programmes`` and, when
        ``lacking`` is given, none in that programme (e.g. dibao without the price subsidy)."""
        from core.models import CarePlan

        wanted = set(programmes)
        result = []
        for case in self._cases():
            plan = self.session.execute(select(CarePlan).where(CarePlan.case_id == case.id)).scalar_one_or_none()
            active = {m.programme_key for m in (plan.measures if plan else []) if m.kind == "material"
                      and m.status == "active"}
            if active & wanted and (lacking is None or lacking not in active):
                result.append(case)
        return result

    def region_of(self, case: Case) -> str | None:
        """The region of a case's household (for ``ctx.warn(region_code=...)``)."""
        return region_of(case)


def _lapsed_programmes(session: Any, case_id: int, findings: list[dict[str, Any]]) -> list[str]:
    from core.models import CarePlan

    plan = session.execute(select(CarePlan).where(CarePlan.case_id == case_id)).scalar_one_or_none()
    by_key = {f.get("programme_key"): f for f in findings}
    return sorted(m.programme_key for m in (plan.measures if plan else [])
                  if m.kind == "material" and m.status == "active" and m.programme_key
                  and by_key.get(m.programme_key, {}).get("status") != "eligible")
