"""The cross-board view: which boards help a household, with what, since when — in one
place (one assistance chain per household, domain-rules §5) — and the report of
possible duplicate help and of gaps for the city or a district/county.

What a board sees of the others: programme names, amounts and dates of every board;
the psychological notes of a care board (care-need type, risk tier, the volunteers'
notes on the person's state) only when it is that care board, or a board named
responsible (责任主体) for the case, or an administrator.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.funds.models import FundEntry
from core.funds.needs import need_of
from core.models import Case, CarePlan, CaseResponsibility, Household, Need, Person, PlanMeasure, Region

CARE_BOARDS = ("youth_league", "womens_federation")
SEES_ALL_NOTES = ("admin",)
OPEN_STAGES = ("received", "in_review", "awaiting_joint_review", "included", "active")


@dataclass
class Row:
    """One line of help a household receives (or received) from one board."""

    household_id: int
    case_id: int | None
    board: str
    kind: str  # material | care | grant
    programme_key: str
    need: str | None
    monthly_fen: int | None = None
    one_off_fen: int | None = None
    paid_fen: int = 0
    since: dt.date | None = None
    until: dt.date | None = None
    active: bool = True
    person_id: int | None = None
    measure_id: int | None = None
    notes: str | None = None  # None: hidden from this viewer, or none recorded
    notes_hidden: bool = False

    def as_json(self, names: dict[str, str] | None = None) -> dict[str, Any]:
        return {
            "household_id": self.household_id, "case_id": self.case_id, "board": self.board, "kind": self.kind,
            "programme_key": self.programme_key, "programme": (names or {}).get(self.programme_key, self.programme_key),
            "need": self.need, "monthly_fen": self.monthly_fen, "one_off_fen": self.one_off_fen,
            "paid_fen": self.paid_fen, "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None, "active": self.active,
            "notes": self.notes, "notes_hidden": self.notes_hidden,
        }


def may_see_notes(viewer: Any, row_board: str, responsible: Iterable[str]) -> bool:
    """The care boards' psychological notes: the care board itself, a responsible board, an administrator."""
    if row_board not in CARE_BOARDS:
        return True
    role = getattr(viewer, "role", None)
    if role in SEES_ALL_NOTES:
        return True
    board = getattr(viewer, "board", None)
    return role in ("board_staff", "coordinator") and board is not None and (
        board == row_board or board in set(responsible))


def _care_notes(session: Session, needs: Sequence[Need]) -> dict[int, str]:
    """Each care need's type, risk tier and the latest volunteer note on the person's state."""
    from core.models import Assignment
    from core.volunteering.models import Visit

    out: dict[int, str] = {}
    for need in needs:
        parts = [f"{need.need_type} · risk {need.risk}"]
        visit = session.execute(
            select(Visit).join(Assignment, Assignment.id == Visit.assignment_id)
            .where(Assignment.need_id == need.id).order_by(Visit.visited_on.desc(), Visit.id.desc()).limit(1)
        ).scalar_one_or_none()
        if visit is not None:
            parts.append(f"{visit.visited_on.isoformat()} {visit.person_state}"
                         + (f": {visit.state_note}" if visit.state_note else ""))
        out[need.id] = " — ".join(parts)
    return out


def rows_for_households(session: Session, viewer: Any, household_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Every measure of every case of these households, and fund grants paid to them, per household."""
    ids = sorted(set(household_ids))
    result: dict[int, list[Row]] = {h: [] for h in ids}
    if not ids:
        return result
    cases = list(session.execute(select(Case).where(Case.household_id.in_(ids))).scalars())
    case_by_id = {c.id: c for c in cases}
    responsible: dict[int, set[str]] = defaultdict(set)
    for case_id, board in session.execute(
            select(CaseResponsibility.case_id, CaseResponsibility.board)
            .where(CaseResponsibility.case_id.in_(list(case_by_id) or [-1]))).all():
        responsible[case_id].add(board)
    measures = list(session.execute(
        select(PlanMeasure, CarePlan.case_id).join(CarePlan, CarePlan.id == PlanMeasure.plan_id)
        .where(CarePlan.case_id.in_(list(case_by_id) or [-1])).order_by(PlanMeasure.id)).all())
    from core.casework.models import CareMeasureNeed

    links = dict(session.execute(select(CareMeasureNeed.measure_id, CareMeasureNeed.need_id).where(
        CareMeasureNeed.measure_id.in_([m.id for m, _ in measures] or [-1]))).all())
    needs = {n.id: n for n in session.execute(select(Need).where(Need.id.in_(list(links.values()) or [-1]))).scalars()}
    notes = _care_notes(session, list(needs.values()))
    paid: dict[int, int] = defaultdict(int)
    grants: list[FundEntry] = []
    for entry in session.execute(select(FundEntry).where(FundEntry.household_id.in_(ids))).scalars():
        if entry.measure_id is not None:
            paid[entry.measure_id] += -entry.amount_fen
        elif entry.kind in ("payment", "grant"):
            grants.append(entry)
    from core.models import LedgerEntry

    for data, amount in session.execute(select(LedgerEntry.data, LedgerEntry.amount_fen).where(
            LedgerEntry.kind == "payment", LedgerEntry.case_id.in_(list(case_by_id) or [-1]))).all():
        measure_id = (data or {}).get("measure_id")
        if measure_id is not None and not (data or {}).get("fund_entry_id"):
            paid[measure_id] += amount or 0
    for measure, case_id in measures:
        case = case_by_id[case_id]
        need = needs.get(links.get(measure.id, -1))
        row = Row(household_id=case.household_id, case_id=case_id, board=measure.board, kind=measure.kind,
                  programme_key=measure.programme_key or "", need=need_of(measure.programme_key,
                                                                          need.category if need else None),
                  monthly_fen=measure.monthly_fen, one_off_fen=measure.one_off_fen, paid_fen=paid.get(measure.id, 0),
                  since=measure.start_month, until=measure.end_month, active=measure.status == "active",
                  person_id=measure.person_id, measure_id=measure.id)
        if measure.kind == "care" or measure.board in CARE_BOARDS:
            if may_see_notes(viewer, measure.board, responsible.get(case_id, set())):
                row.notes = notes.get(need.id) if need else None
            else:
                row.notes_hidden = True
        result[case.household_id].append(row)
    for entry in grants:
        board = entry.purpose_key.split(".", 1)[0] if entry.purpose_key else ""
        result[entry.household_id].append(Row(
            household_id=entry.household_id, case_id=entry.case_id, board=board, kind="grant",
            programme_key=entry.purpose_key or "", need=need_of(entry.purpose_key), one_off_fen=-entry.amount_fen,
            paid_fen=-entry.amount_fen, since=entry.entry_date, until=entry.entry_date, active=False))
    for rows in result.values():
        rows.sort(key=lambda r: (not r.active, r.board, r.since or dt.date.min))
    return result


def household_rows(session: Session, viewer: Any, household_id: int) -> list[Row]:
    return rows_for_households(session, viewer, [household_id])[household_id]


def cross_board_for_cases(session: Session, viewer: Any, case_ids: Iterable[int]) -> dict[int, list[Row]]:
    """For the joint-review page: each case's household's help from every board, by case id."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    households = dict(session.execute(select(Case.id, Case.household_id).where(Case.id.in_(ids))).all())
    by_household = rows_for_households(session, viewer, households.values())
    return {case_id: by_household.get(households[case_id], []) for case_id in ids if case_id in households}


# -- the overlaps-and-gaps report ------------------------------------------------------------------------


@dataclass
class Overlap:
    household_id: int
    region_code: str
    need: str
    boards: list[str]
    rows: list[Row]


@dataclass
class Gap:
    household_id: int
    region_code: str
    case_id: int | None
    reasons: list[str] = field(default_factory=list)  # "eligible:<programme>" | "warning:<kind>"
    eligible: list[str] = field(default_factory=list)
    warnings: list[int] = field(default_factory=list)


@dataclass
class Report:
    area: str
    overlaps: list[Overlap]
    gaps: list[Gap]


def area_prefix(code: str | None) -> str:
    return (code or "").rstrip("0")


def cross_board_report(session: Session, viewer: Any, area: str | None, enabled: Iterable[str] | None = None) -> Report:
    """Possible duplicate help (several boards, one need, all active) and gaps (eligible or
    warned, served by no board) among the households of ``area`` (a city or district code)."""
    from core.scheduler.models import EarlyWarning

    prefix = area_prefix(area)
    household_filter = Household.region_code.startswith(prefix) if prefix else None
    on = set(enabled) if enabled is not None else None

    # households with an active measure or a case: those are the candidates for both lists
    query = select(Household.id, Household.region_code).join(Case, Case.household_id == Household.id).distinct()
    if household_filter is not None:
        query = query.where(household_filter)
    regions = dict(session.execute(query).all())
    # households in the area with open warnings but no case at all
    warned = select(Household.id, Household.region_code).join(Person, Person.household_id == Household.id).join(
        EarlyWarning, EarlyWarning.person_id == Person.id).where(EarlyWarning.state == "open")
    if household_filter is not None:
        warned = warned.where(household_filter)
    regions.update(dict(session.execute(warned).all()))

    rows = rows_for_households(session, viewer, regions)
    overlaps: list[Overlap] = []
    served: set[int] = set()
    for household_id, items in rows.items():
        active = [r for r in items if r.active and (on is None or r.board in on)]
        if active:
            served.add(household_id)
        by_need: dict[str, list[Row]] = defaultdict(list)
        for row in active:
            if row.need:
                by_need[row.need].append(row)
        for need, same in sorted(by_need.items()):
            boards = sorted({r.board for r in same})
            if len(boards) > 1:
                overlaps.append(Overlap(household_id, regions[household_id], need, boards, same))

    gaps: dict[int, Gap] = {}
    # eligible by the latest case's stored pre-check, on enabled boards, with no active help
    latest: dict[int, Case] = {}
    for case in session.execute(select(Case).where(Case.household_id.in_(list(regions) or [-1]))
                                .order_by(Case.received_on, Case.id)).scalars():
        latest[case.household_id] = case
    for household_id, case in latest.items():
        if household_id in served or case.stage == "rejected":
            continue
        eligible = [f["programme_key"] for f in case.findings or []
                    if f.get("status") == "eligible" and f.get("programme_key")
                    and (on is None or f["programme_key"].split(".", 1)[0] in on)]
        if eligible:
            gap = gaps.setdefault(household_id, Gap(household_id, regions[household_id], case.id))
            gap.eligible = sorted(set(eligible))
            gap.reasons += [f"eligible:{k}" for k in gap.eligible]
    # open warnings about the household's cases or people, with no active help
    case_households = dict(session.execute(select(Case.id, Case.household_id)
                                           .where(Case.household_id.in_(list(regions) or [-1]))).all())
    person_households = dict(session.execute(select(Person.id, Person.household_id)
                                             .where(Person.household_id.in_(list(regions) or [-1]))).all())
    for warning in session.execute(select(EarlyWarning).where(
            EarlyWarning.state == "open",
            or_(EarlyWarning.case_id.in_(list(case_households) or [-1]),
                EarlyWarning.person_id.in_(list(person_households) or [-1]))).order_by(EarlyWarning.id)).scalars():
        if on is not None and warning.board is not None and warning.board not in on:
            continue
        household_id = case_households.get(warning.case_id) or person_households.get(warning.person_id)
        if household_id is None or household_id in served:
            continue
        gap = gaps.setdefault(household_id, Gap(household_id, regions[household_id],
                                                warning.case_id or (latest[household_id].id if household_id in latest else None)))
        gap.warnings.append(warning.id)
        gap.reasons.append(f"warning:{warning.kind}")
    return Report(area or "", sorted(overlaps, key=lambda o: (o.household_id, o.need)),
                  [gaps[h] for h in sorted(gaps)])


def area_choices(session: Session, city: str = "230600") -> list[Region]:
    """The city and its districts and counties, for the report's area selector."""
    return list(session.execute(select(Region).where(
        or_(Region.code == city, Region.parent_code == city)).order_by(Region.code)).scalars())
