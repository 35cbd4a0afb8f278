"""The dashboard's figures: each chart is a :class:`Table` (the numbers behind it, downloadable
as CSV) computed here, and drawn by :mod:`core.excel.charts`.

Scope: administrators, reviewers and auditors see every board; board staff and
coordinators see their own board only. No figure names a person.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.excel.safety import safe_csv_value
from core.models import Assignment, CarePlan, Case, Household, Need, Person, PlanMeasure, Region

# Every label is a message (English msgid, Chinese in the catalog): the figures, their CSV
# and the charts come out in the reader's language.
CATEGORY_LABELS = {"left_behind_child": _l("Left-behind children"), "elderly_alone": _l("Elderly living alone"),
                   "bereaved_family": _l("Bereaved-parent families"), "other": _l("Other")}
UNMATCHED_LABELS = {
    "awaiting_approval": _l("Awaiting approval"),
    "no_assignment": _l("No volunteer matched yet"),
    "declined": _l("The volunteer declined: to be re-matched"),
    "no_feasible_volunteer": _l("No volunteer meets the requirements"),
    "capacity_taken": _l("Suitable volunteers are fully booked"),
    "team_incomplete": _l("Not enough volunteers for the team"),
}
OVERDUE_BUCKETS = (("1-7", _l("1–7 days")), ("8-30", _l("8–30 days")), ("30+", _l("over 30 days")))


class Reader(Protocol):
    role: str
    board: str | None


@dataclass
class Table:
    """A chart's data: ``columns`` then ``rows``; ``key`` names the CSV download."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""

    def csv(self) -> bytes:
        """UTF-8 with a byte-order mark, so Excel/WPS open the Chinese text correctly."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([safe_csv_value(v) for v in row])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def scope_of(reader: Reader) -> str | None:
    return reader.board if reader.role in ("board_staff", "coordinator") else None


def cases_by_stage(session: Session, reader: Reader, board_names: dict[str, str],
                   stage_names: dict[str, str] | None = None) -> Table:
    query = select(Case.owner_board, Case.stage, func.count()).group_by(Case.owner_board, Case.stage)
    if (board := scope_of(reader)) is not None:
        query = query.where(Case.owner_board == board)
    table = Table("cases", _("Cases by board and stage"), [_("Board"), _("Stage"), _("Number of cases")])
    stages = stage_names or {}
    for owner, stage, count in sorted(session.execute(query).all()):
        table.rows.append([board_names.get(owner, owner), stages.get(stage, stage), count])
    return table


def _district_names(session: Session, english: bool = False) -> dict[str, str]:
    return {code: (en if english and en else zh) for code, zh, en in session.execute(
        select(Region.code, Region.name, Region.name_en).where(Region.level.in_(("district", "county"))))}


def _latest_unassigned(session: Session) -> dict[int, str]:
    """need id -> the matcher's reason in the latest draft or published run that covered it."""
    try:
        from core.matchruns.models import MatchRun
    except ImportError:  # the match-run module is optional for this report
        return {}
    reasons: dict[int, str] = {}
    runs = session.execute(select(MatchRun.plan).where(MatchRun.status.in_(("draft", "published")))
                           .order_by(MatchRun.id.desc()).limit(20)).scalars()
    for plan in runs:
        for entry in (plan or {}).get("unassigned", []):
            recipient = str(entry.get("recipient", ""))
            if recipient.startswith("n") and recipient[1:].isdigit():
                reasons.setdefault(int(recipient[1:]), str(entry.get("reason", "")))
    return reasons


def coverage(session: Session, reader: Reader, english: bool = False) -> Table:
    """Care needs by district/county and category: matched, and unmatched with the reason."""
    query = (select(Need.id, Need.category, Need.status, Household.region_code)
             .join(Person, Person.id == Need.person_id).outerjoin(Household, Household.id == Person.household_id)
             .where(Need.status != "ended"))
    if (board := scope_of(reader)) is not None:
        query = query.where(Need.board == board)
    needs = session.execute(query).all()
    states: dict[int, set[str]] = defaultdict(set)
    ids = [n.id for n in needs]
    for start in range(0, len(ids), 500):
        for need_id, state in session.execute(select(Assignment.need_id, Assignment.state)
                                              .where(Assignment.need_id.in_(ids[start:start + 500]))):
            states[need_id].add(state)
    matcher = _latest_unassigned(session)
    districts = _district_names(session, english)
    counts: Counter[tuple[str, str, str]] = Counter()
    for need_id, category, status, region in needs:
        assigned = states.get(need_id, set())
        if assigned & {"proposed", "accepted"}:
            outcome = "matched"
        elif status == "proposed":
            outcome = "awaiting_approval"
        elif need_id in matcher:
            outcome = matcher[need_id]
        elif "declined" in assigned:
            outcome = "declined"
        else:
            outcome = "no_assignment"
        district = districts.get((region or "")[:6], (region or "")[:6] or _("unknown"))
        counts[(district, str(CATEGORY_LABELS.get(category, category)), outcome)] += 1
    table = Table("coverage", _("Care needs covered, by district or county and category"),
                  [_("District or county"), _("Category"), _("Outcome"), _("Reason"), _("Needs")])
    for (district, category, outcome), count in sorted(counts.items()):
        matched = outcome == "matched"
        table.rows.append([district, category, _("Matched") if matched else _("Not matched"),
                           "" if matched else str(UNMATCHED_LABELS.get(outcome, outcome)), count])
    return table


def visits_overdue(session: Session, reader: Reader, today: dt.date, board_names: dict[str, str]) -> Table:
    """Accepted assignments whose last visit (or start) is older than the need's visit interval."""
    from core.volunteering.models import Visit

    last = (select(Visit.assignment_id, func.max(Visit.visited_on).label("last")).group_by(Visit.assignment_id)
            .subquery())
    query = (select(Need.board, Need.visit_every_days, Assignment.started_on, Assignment.created_at, last.c.last)
             .join(Need, Need.id == Assignment.need_id).outerjoin(last, last.c.assignment_id == Assignment.id)
             .where(Assignment.state == "accepted"))
    if (board := scope_of(reader)) is not None:
        query = query.where(Need.board == board)
    buckets: Counter[tuple[str, str]] = Counter()
    for owner, every, started, created, last_visit in session.execute(query):
        since = last_visit or started or created.date()
        late = (today - since).days - (every or 30)
        if late > 0:
            bucket = 0 if late <= 7 else 1 if late <= 30 else 2
            buckets[(board_names.get(owner, owner), bucket)] += 1
    table = Table("overdue", _("Visits overdue"), [_("Board"), _("Overdue by"), _("Pairs")])
    for (owner, bucket), count in sorted(buckets.items()):
        table.rows.append([owner, str(OVERDUE_BUCKETS[bucket][1]), count])
    return table


def warnings_open(session: Session, reader: Reader, board_names: dict[str, str],
                  kind_names: dict[str, str] | None = None) -> Table:
    """Open early warnings (scheduler) and open volunteer concerns, by board and kind."""
    kinds = kind_names or {}
    table = Table("warnings", _("Warnings not yet resolved"), [_("Board"), _("Kind"), _("Count")])
    counts: Counter[tuple[str, str]] = Counter()
    board = scope_of(reader)
    try:
        from core.scheduler.models import EarlyWarning

        query = select(EarlyWarning.board, EarlyWarning.kind, func.count()).where(
            EarlyWarning.state != "resolved").group_by(EarlyWarning.board, EarlyWarning.kind)
        if board is not None:
            query = query.where(EarlyWarning.board == board)
        for owner, kind, count in session.execute(query):
            counts[(board_names.get(owner or "", owner or _("every board")), kinds.get(kind, kind))] += count
    except ImportError:
        table.note = _("The warnings module is not installed.")
    from core.volunteering.models import Concern

    query = select(Concern.board, Concern.kind, func.count()).where(Concern.status == "open").group_by(
        Concern.board, Concern.kind)
    if board is not None:
        query = query.where(Concern.board == board)
    for owner, kind, count in session.execute(query):
        counts[(board_names.get(owner, owner), _("Volunteer's concern: %(kind)s", kind=kinds.get(f"concern:{kind}", kind)))] += count
    table.rows = [[owner, kind, count] for (owner, kind), count in sorted(counts.items())]
    return table


def money_by_month(session: Session, reader: Reader, today: dt.date, months: int = 12,
                   programme_names: dict[str, str] | None = None) -> Table:
    """Monthly amounts of active material measures, by programme, over the last ``months`` months."""
    names = programme_names or {}
    first = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    query = (select(PlanMeasure.programme_key, PlanMeasure.monthly_fen, PlanMeasure.start_month, PlanMeasure.end_month,
                    PlanMeasure.status)
             .join(CarePlan, CarePlan.id == PlanMeasure.plan_id)
             .where(PlanMeasure.kind == "material", PlanMeasure.monthly_fen.is_not(None)))
    if (board := scope_of(reader)) is not None:
        query = query.where(PlanMeasure.board == board)
    month_list: list[dt.date] = []
    cursor = first
    while cursor <= today:
        month_list.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    totals: Counter[tuple[str, dt.date]] = Counter()
    for key, fen, start, end, status in session.execute(query):
        for month in month_list:
            if (start is None or start <= month) and (end is None or end >= month) and \
                    (status == "active" or (end is not None and end >= month)):
                totals[(key or "", month)] += int(fen or 0)
    table = Table("money", _("Monthly amounts by programme (yuan)"), [_("Programme"), _("Month"), _("Amount (yuan)")])
    for (key, month), fen in sorted(totals.items()):
        table.rows.append([names.get(key, key), month.strftime("%Y-%m"), f"{fen / 100:.2f}"])
    return table


def dashboard(session: Session, reader: Reader, *, today: dt.date | None = None,
              board_names: dict[str, str] | None = None, programme_names: dict[str, str] | None = None,
              stage_names: dict[str, str] | None = None, kind_names: dict[str, str] | None = None,
              english: bool = False) -> dict[str, Table]:
    """Every chart's table; ``*_names`` name the stored codes for the reader (the caller's
    locale), ``kind_names`` both warning kinds and ``concern:<kind>``."""
    today = today or dt.date.today()
    names = board_names or {}
    return {
        "cases": cases_by_stage(session, reader, names, stage_names),
        "coverage": coverage(session, reader, english),
        "overdue": visits_overdue(session, reader, today, names),
        "warnings": warnings_open(session, reader, names, kind_names),
        "money": money_by_month(session, reader, today, programme_names=programme_names),
    }


CHARTS = ("cases", "coverage", "overdue", "warnings", "money")
__all__ = ["Table", "dashboard", "CHARTS", "Any"]
