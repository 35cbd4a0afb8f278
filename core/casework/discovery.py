"""Active discovery (主动发现) from the data comparison: leads, and what staff do with them.

The source reports ask townships and boards to find eligible people themselves rather
than wait for applications: "加强数据比对和摸底排查, 逐户逐人核实确定兜底保障对象 …
确保应保尽保" (seeds/004, Erdao district) and first-report responsibility (S1 Art. 17;
S2 Art. 6 ¶2; S6 Art. 11: townships must proactively find eligible people and help them
apply). Domain-rules §12 models it as a data-comparison run, quarterly or half-yearly, whose
findings are handled by applying a programme (S8 §3(4)).

:func:`refresh_leads` runs the comparison (every stored household, every enabled
programme, :func:`core.assessing.screen_register`) and keeps one lead per household and
programme whose benefit the household qualifies for and does not receive. Staff of the
programme's board open a discovery case from a lead (:func:`open_case_from_lead`) or
dismiss it with a reason (:func:`dismiss_lead`); a handled (household, programme) is not
raised again for ``core.discovery_quiet_days`` (a dated standard, 365 by default).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.orm import Session

from core.access import lead_clause
from core.assessing import screen_register
from core.casework import services as cw
from core.casework.ledger import Actor
from core.casework.models import LEAD_STATES, DiscoveryLead
from core.db import utcnow
from core.models import Case, Household, Need, Person
from core.plugins import BoardHost

QUIET_DAYS_KEY = "core.discovery_quiet_days"
# who acts on a board's leads: the assistance boards' staff, the care boards' coordinators
LEAD_ROLES = ("board_staff", "coordinator")
WRITE_BATCH = 5000


@dataclass
class LeadRefresh:
    """What one data comparison found: leads per (board, district), and how many were held back."""

    on: dt.date
    households: int = 0
    leads: Counter[tuple[str, str]] = field(default_factory=Counter)
    quiet: int = 0  # handled within the quiet period: not raised again

    @property
    def total(self) -> int:
        return sum(self.leads.values())


def district_of(region_code: str) -> str:
    """The district or county (6-digit code) a region lies in: where warnings about it go."""
    return region_code[:6]


def refresh_leads(session: Session, boards: BoardHost, on: dt.date, *, enabled: set[str],
                  quiet_days: int) -> LeadRefresh:
    """Bring the open leads up to what the register shows on ``on`` (one transaction: the
    caller commits). Leads already handled stay; only programmes of ``enabled`` boards count.

    The whole register is read and assessed first, writing nothing; the open leads are then
    updated at the end, so on SQLite the write lock is held for the replacement only and not
    for the assessment: measured on 100,000 households, another connection's write waited at
    most 5.0 s (p50 16 ms) during the 21 s run, instead of the whole 20 s."""
    result = LeadRefresh(on)
    since = dt.datetime.combine(on - dt.timedelta(days=quiet_days), dt.time(), tzinfo=dt.timezone.utc)
    handled = set(session.execute(
        select(DiscoveryLead.household_id, DiscoveryLead.programme_key)
        .where(DiscoveryLead.state != "open", DiscoveryLead.handled_at >= since)).all())
    # a care board already serves a household when one of its members has a live need of that board
    cared_for = set(session.execute(
        select(Person.household_id, Need.board).join(Person, Person.id == Need.person_id)
        .where(Need.status != "ended").distinct()).all())
    found: list[Any] = []
    for hit in screen_register(session, boards, on):
        if hit.board not in enabled or (hit.care and (hit.household_id, hit.board) in cared_for):
            continue
        if (hit.household_id, hit.programme_key) in handled:
            result.quiet += 1
            continue
        found.append(hit)
        result.leads[(hit.board, district_of(hit.region_code))] += 1
    result.households = session.scalar(select(func.count()).select_from(Household)) or 0
    # A lead found again keeps its row (and id: a page opened before the run still acts on it),
    # with this run's figures; the others are removed, the new ones added. Bulk statements:
    # a whole register gives 100,000s of leads.
    kept = dict(((h, p), i) for i, h, p in session.execute(
        select(DiscoveryLead.id, DiscoveryLead.household_id, DiscoveryLead.programme_key)
        .where(DiscoveryLead.state == "open")).all())
    again: list[dict[str, Any]] = []
    fresh: list[dict[str, Any]] = []
    for hit in found:
        row = {"found_on": on, "household_id": hit.household_id, "region_code": hit.region_code, "board": hit.board,
               "programme_key": hit.programme_key, "monthly_fen": hit.monthly_fen, "one_off_fen": hit.one_off_fen,
               "labels": list(hit.labels)}
        lead_id = kept.pop((hit.household_id, hit.programme_key), None)
        if lead_id is None:
            fresh.append(dict(row, state="open", note=""))
        else:
            again.append(dict(row, id=lead_id))
    gone = sorted(kept.values())
    for start in range(0, len(gone), WRITE_BATCH):
        session.execute(delete(DiscoveryLead).where(DiscoveryLead.id.in_(gone[start:start + WRITE_BATCH])))
    for start in range(0, len(again), WRITE_BATCH):
        session.execute(update(DiscoveryLead), again[start:start + WRITE_BATCH])
    for start in range(0, len(fresh), WRITE_BATCH):
        session.execute(insert(DiscoveryLead), fresh[start:start + WRITE_BATCH])
    session.flush()
    return result


def _lead_for(session: Session, actor: Actor, lead_id: int) -> DiscoveryLead:
    lead = session.get(DiscoveryLead, lead_id)
    if lead is None:
        raise cw.TransitionError(f"没有线索 {lead_id}", f"there is no lead {lead_id}")
    if actor.role not in LEAD_ROLES or actor.board != lead.board:
        raise cw.TransitionError("只有该项目所属板块的工作人员可以处理这条线索",
                                 "only staff of the programme's board can handle this lead")
    if lead.state != "open":
        raise cw.TransitionError("这条线索已处理", "this lead has already been handled")
    return lead


def open_case_from_lead(session: Session, actor: Actor, lead_id: int, *, on: dt.date,
                        programmes: Mapping[str, Any] | None = None) -> Case:
    """A discovery case (主动发现) for the lead's household, owned by the actor's board as
    first reporter (首报负责制); every open lead of that household for the board is marked
    as handled by it. A household that already has an open case gets none (one open case
    per household): the error names the case, to refer or add a measure there."""
    lead = _lead_for(session, actor, lead_id)
    programme = (programmes or {}).get(lead.programme_key)
    zh, en = (programme.name_zh, programme.name_en) if programme else (lead.programme_key, lead.programme_key)
    case = cw.open_case(
        session, actor, board=lead.board, channel="discovery", received_on=on, household_id=lead.household_id,
        summary=f"数据比对发现: 符合{zh}条件但未享受 (data comparison {lead.found_on}: eligible for {en}, not receiving it)")
    now = utcnow()
    for other in session.execute(select(DiscoveryLead).where(
            DiscoveryLead.household_id == lead.household_id, DiscoveryLead.board == lead.board,
            DiscoveryLead.state == "open")).scalars():
        other.state, other.case_id, other.handled_by, other.handled_at = "case_opened", case.id, actor.id, now
    session.flush()
    return case


def dismiss_lead(session: Session, actor: Actor, lead_id: int, *, note: str) -> DiscoveryLead:
    """Set a lead aside with the reason (e.g. the register is out of date, the family declined)."""
    lead = _lead_for(session, actor, lead_id)
    if not note.strip():
        raise cw.TransitionError("请说明不予处理的理由", "give the reason for dismissing the lead")
    lead.state, lead.handled_by, lead.handled_at, lead.note = "dismissed", actor.id, utcnow(), note.strip()
    session.flush()
    return lead


def visible_leads(viewer: Any, enabled: Iterable[str], *, state: str | None = "open", programme: str | None = None,
                  region: str | None = None) -> Select[Any]:
    """The leads ``viewer`` may see (core.access.lead_clause) of the enabled boards: a disabled
    board's leads are kept but not listed, like its warnings. ``state`` None or unknown: all."""
    query = select(DiscoveryLead).where(lead_clause(viewer), DiscoveryLead.board.in_(sorted(enabled)))
    if state in LEAD_STATES:
        query = query.where(DiscoveryLead.state == state)
    if programme:
        query = query.where(DiscoveryLead.programme_key == programme)
    if region:
        query = query.where(DiscoveryLead.region_code.startswith(region, autoescape=True))
    return query


def open_case_ids(session: Session, household_ids: set[int]) -> dict[int, int]:
    """The open case of each of these households that has one (one open case per household)."""
    if not household_ids:
        return {}
    rows = session.execute(select(Case.household_id, Case.id).where(
        Case.household_id.in_(sorted(household_ids)), Case.stage.in_(cw.OPEN_STAGES)).order_by(Case.id)).all()
    return {household_id: case_id for household_id, case_id in reversed(rows)}


def lead_json(lead: DiscoveryLead) -> dict[str, Any]:
    return {"id": lead.id, "found_on": lead.found_on.isoformat(), "household_id": lead.household_id,
            "region_code": lead.region_code, "board": lead.board, "programme_key": lead.programme_key,
            "monthly_fen": lead.monthly_fen, "one_off_fen": lead.one_off_fen, "labels": list(lead.labels or []),
            "state": lead.state, "case_id": lead.case_id, "note": lead.note}
