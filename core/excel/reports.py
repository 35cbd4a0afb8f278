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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.excel.safety import safe_csv_value
from core.models import Assignment, CarePlan, Case, Household, Need, Person, PlanMeasure, Region

CATEGORY_LABELS = {"left_behind_child": "留守儿童", "elderly_alone": "独居老人", "bereaved_family": "失独家庭",
                   "other": "其他"}
UNMATCHED_LABELS = {
    "awaiting_approval": "待审批",
    "no_assignment": "尚未匹配志愿者",
    "declined": "志愿者已婉拒, 待重新匹配",
    "no_feasible_volunteer": "没有符合条件的志愿者",
    "capacity_taken": "合适的志愿者已满额",
    "team_incomplete": "团队人数不足",
}


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


def cases_by_stage(session: Session, reader: Reader, board_names: dict[str, str]) -> Table:
    query = select(Case.owner_board, Case.stage, func.count()).group_by(Case.owner_board, Case.stage)
    if (board := scope_of(reader)) is not None:
        query = query.where(Case.owner_board == board)
    table = Table("cases", "各板块案件所处阶段", ["板块", "阶段", "案件数"])
    for owner, stage, count in sorted(session.execute(query).all()):
        table.rows.append([board_names.get(owner, owner), stage, count])
    return table


def _district_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Region.code, Region.name).where(Region.level.in_(("district", "county")))).all())


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


def coverage(session: Session, reader: Reader) -> Table:
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
    districts = _district_names(session)
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
        district = districts.get((region or "")[:6], (region or "")[:6] or "未知")
        counts[(district, CATEGORY_LABELS.get(category, category), outcome)] += 1
    table = Table("coverage", "关爱需求覆盖情况(按区县和类别)", ["区县", "类别", "结果", "原因", "需求数"])
    for (district, category, outcome), count in sorted(counts.items()):
        matched = outcome == "matched"
        table.rows.append([district, category, "已匹配" if matched else "未匹配",
                           "" if matched else UNMATCHED_LABELS.get(outcome, outcome), count])
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
            bucket = "1-7天" if late <= 7 else "8-30天" if late <= 30 else "30天以上"
            buckets[(board_names.get(owner, owner), bucket)] += 1
    table = Table("overdue", "逾期未走访", ["板块", "逾期", "结对数"])
    order = {"1-7天": 0, "8-30天": 1, "30天以上": 2}
    for (owner, bucket), count in sorted(buckets.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        table.rows.append([owner, bucket, count])
    return table


def warnings_open(session: Session, reader: Reader, board_names: dict[str, str]) -> Table:
    """Open early warnings (scheduler) and open volunteer concerns, by board and kind."""
    table = Table("warnings", "未处理的预警", ["板块", "类别", "数量"])
    counts: Counter[tuple[str, str]] = Counter()
    board = scope_of(reader)
    try:
        from core.scheduler.models import EarlyWarning

        query = select(EarlyWarning.board, EarlyWarning.kind, func.count()).where(
            EarlyWarning.state != "resolved").group_by(EarlyWarning.board, EarlyWarning.kind)
        if board is not None:
            query = query.where(EarlyWarning.board == board)
        for owner, kind, count in session.execute(query):
            counts[(board_names.get(owner or "", owner or "全部"), kind)] += count
    except ImportError:
        table.note = "预警模块未安装"
    from core.volunteering.models import Concern

    query = select(Concern.board, Concern.kind, func.count()).where(Concern.status == "open").group_by(
        Concern.board, Concern.kind)
    if board is not None:
        query = query.where(Concern.board == board)
    for owner, kind, count in session.execute(query):
        counts[(board_names.get(owner, owner), f"志愿者反映: {kind}")] += count
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
    table = Table("money", "各项目每月发放金额(元)", ["项目", "月份", "金额(元)"])
    for (key, month), fen in sorted(totals.items()):
        table.rows.append([names.get(key, key), month.strftime("%Y-%m"), f"{fen / 100:.2f}"])
    return table


def dashboard(session: Session, reader: Reader, *, today: dt.date | None = None,
              board_names: dict[str, str] | None = None, programme_names: dict[str, str] | None = None) -> dict[str, Table]:
    today = today or dt.date.today()
    names = board_names or {}
    return {
        "cases": cases_by_stage(session, reader, names),
        "coverage": coverage(session, reader),
        "overdue": visits_overdue(session, reader, today, names),
        "warnings": warnings_open(session, reader, names),
        "money": money_by_month(session, reader, today, programme_names=programme_names),
    }


CHARTS = ("cases", "coverage", "overdue", "warnings", "money")
__all__ = ["Table", "dashboard", "CHARTS", "Any"]
