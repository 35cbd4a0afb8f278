"""Volunteering services: eligibility rules, the volunteer's own view of their assignments
(only what a visit needs), accept/decline, visit logs and service hours, concerns and
mandatory reports, and the coordinators' registry.

Views and the CLI stay thin over these functions. Nothing here commits: the caller owns
the transaction (one transaction per change).

Rules cited:
- S12 (未成年人保护法) Art. 62: criminal-record check at onboarding and every year for
  anyone in close contact with minors; domain-rules §9 applies it to child-facing
  volunteers.
- S12 Art. 11, S9 §4(1): mandatory reporting (强制报告) of a child alone or missing, a
  guardian unable or not performing, suspected abuse.
- S14 (志愿服务记录与证明出具办法) Art. 4–11: service entries with hours, made within 10
  working days of the activity; Art. 14–17: free, truthful certificates.
- S13 (志愿服务条例) Art. 15, 17: tasks fit the volunteer's age; accident insurance.
- domain-rules §12.6: volunteers see the minimum — given name or alias, approximate area
  until the visit, care needs; never ID number, income, bank or disability-certificate
  details; no child data without guardian consent and a valid check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from core.db import utcnow
from core.idnumber import IdNumberError, age_on, mask_id_number, mask_phone, parse_id_number
from core.models import (
    Assignment,
    AuditEvent,
    CaseResponsibility,
    Household,
    LedgerEntry,
    Need,
    Person,
    Region,
    User,
    Volunteer,
)
from core.volunteering.models import (
    CONCERN_KINDS,
    MANDATORY_KINDS,
    PERSON_STATES,
    VISIT_MODES,
    AssignmentEvent,
    Concern,
    Notification,
    Visit,
    VolunteerBackgroundCheck,
    VolunteerCertification,
    VolunteerConsent,
    VolunteerInsurance,
    VolunteerProfile,
)

LOCAL_TZ = ZoneInfo("Asia/Shanghai")  # the city's calendar decides "today" and working days

# Criminal-record check validity: S12 Art. 62 "re-check every year". The matcher
# integration uses the same rule (background_check_clear and checked within 365 days).
CHECK_VALID_DAYS = 365
# S14 Art. 11: service entries within 10 working days after the activity.
RECORD_WITHIN_WORKING_DAYS = 10
ADULT_AGE = 18  # Civil Code Art. 17–19: under 18 has limited capacity → guardian consent
CHILD_AGE = 18  # 未成年人: anyone under 18 is a minor under S12
# Need types or skills that mean psychological counselling: a volunteer under 18 is never
# matched to them (S13 Art. 15, tasks must fit the volunteer's age; domain-rules §9).
COUNSELLING_MARKERS = ("psych", "counsel", "心理", "咨询", "疏导")
ACTIVE_ASSIGNMENT_STATES = ("proposed", "accepted")

# Volunteer states (issue 6): applied → approved → active → paused → left.
STATE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "applied": ("approved", "left"),
    "approved": ("active", "left"),
    "active": ("paused", "left"),
    "paused": ("active", "left"),
    "left": (),
}

# Compound surnames (复姓) that are more than one character, so the given name is right.
_COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
    "令狐", "端木", "呼延", "独孤", "南宫", "万俟", "闻人", "西门", "澹台", "公冶", "宗政", "濮阳", "太叔", "申屠",
)


class VolunteeringError(ValueError):
    """A refused request; ``code`` picks the translated message in views and the CLI."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class NotYours(LookupError):
    """An assignment or record the user may not see: answered with 404 and audited."""


def local_today() -> dt.date:
    return dt.datetime.now(LOCAL_TZ).date()


# -- eligibility ------------------------------------------------------------------------------


def background_check_expires_on(volunteer: Volunteer) -> dt.date | None:
    """The last day a clear check is valid for child-facing work (S12 Art. 62, yearly)."""
    if volunteer.background_checked_on is None:
        return None
    return volunteer.background_checked_on + dt.timedelta(days=CHECK_VALID_DAYS)


def eligible_for_child_facing(volunteer: Volunteer, on_date: dt.date) -> bool:
    """True when ``volunteer`` may be matched to a child on ``on_date``.

    S12 Art. 62 (applied to volunteers, domain-rules §9): a clear criminal-record check
    at onboarding, re-checked every year. The check must be clear, not dated in the
    future and at most 365 days old. The matcher integration applies the same rule.
    """
    checked = volunteer.background_checked_on
    if not volunteer.background_check_clear or checked is None:
        return False
    return 0 <= (on_date - checked).days <= CHECK_VALID_DAYS


def volunteer_is_minor(volunteer: Volunteer, on_date: dt.date) -> bool:
    return age_on(volunteer.birth_date, on_date) < ADULT_AGE


def is_counselling(need: Need) -> bool:
    """Psychological counselling, told by the need type or a required skill."""
    words = [need.need_type or "", *(need.required_skills or [])]
    return any(marker in w.lower() for w in words for marker in COUNSELLING_MARKERS)


def is_child_facing(need: Need, on_date: dt.date) -> bool:
    """A need for a minor: the left-behind-child category, a need flagged for the check
    (casework flags every minor), or a recipient under 18 on ``on_date``."""
    if need.needs_background_check or need.category == "left_behind_child":
        return True
    person = need.person
    return person is not None and age_on(person.birth_date, on_date) < CHILD_AGE


def has_guardian_consent(session: Session, volunteer: Volunteer, on_date: dt.date) -> bool:
    """A volunteer under 18 needs a guardian's consent in force (domain-rules §9)."""
    row = session.execute(
        select(VolunteerConsent.id).where(
            VolunteerConsent.volunteer_id == volunteer.id,
            VolunteerConsent.given_on <= on_date,
            or_(VolunteerConsent.withdrawn_on.is_(None), VolunteerConsent.withdrawn_on > on_date),
        )
    ).first()
    return row is not None


def recipient_consent_in_force(session: Session, person_id: int, on_date: dt.date, *, child: bool = True) -> bool:
    """The separate consent to show the recipient's data to the volunteer (PIPL Art. 23, 29-31).

    The one source of truth is core.privacy's ``consent`` table (kind
    ``share_with_volunteers``): a child needs one in force (a guardian's under 14); an
    adult is shared with unless they withdrew it, which stops the sharing at once.
    """
    from core.privacy.consent import shares_with_volunteers

    return shares_with_volunteers(session, person_id, on_date, child=child)


def ineligibility(session: Session, volunteer: Volunteer, need: Need, on_date: dt.date) -> list[str]:
    """Why ``volunteer`` may not take ``need`` on ``on_date`` (empty: may). Codes, not prose."""
    reasons: list[str] = []
    if volunteer.state != "active":
        reasons.append("volunteer_not_active")
    if is_child_facing(need, on_date) and not eligible_for_child_facing(volunteer, on_date):
        reasons.append("background_check_expired")
    if volunteer_is_minor(volunteer, on_date):
        if is_counselling(need):
            reasons.append("minor_counselling")
        if not has_guardian_consent(session, volunteer, on_date):
            reasons.append("minor_without_consent")
    return reasons


# -- the volunteer's own assignments ---------------------------------------------------------


def volunteer_for_user(session: Session, user_id: int) -> Volunteer | None:
    return session.execute(select(Volunteer).where(Volunteer.user_id == user_id)).scalar_one_or_none()


def audit(session: Session, user_id: int | None, action: str, object_type: str | None = None,
          object_id: Any = None, reason: str = "", remote_addr: str | None = None) -> None:
    session.add(AuditEvent(user_id=user_id, action=action, object_type=object_type,
                           object_id=None if object_id is None else str(object_id), reason=reason,
                           remote_addr=remote_addr))


def own_assignment(session: Session, user_id: int, assignment_id: int, *, remote_addr: str | None = None) -> Assignment:
    """The assignment if it is the user's own; otherwise the attempt is audited and
    :class:`NotYours` raised (the view answers 404, so ids of others' work do not leak)."""
    assignment = session.get(Assignment, assignment_id)
    volunteer = volunteer_for_user(session, user_id)
    if assignment is None or volunteer is None or assignment.volunteer_id != volunteer.id:
        audit(session, user_id, "denied_read", "assignment", assignment_id,
              "not the volunteer's own assignment" if assignment is not None else "no such assignment",
              remote_addr)
        raise NotYours(assignment_id)
    return assignment


def display_name(name: str) -> str:
    """The given name (名) without the surname: enough to greet, not to identify.

    Chinese names drop the one- or two-character surname; other names keep the first word.
    """
    name = (name or "").strip()
    if not name:
        return ""
    if " " in name:
        return name.split()[0]
    if len(name) >= 3 and name[:2] in _COMPOUND_SURNAMES:
        return name[2:]
    return name[1:] if len(name) >= 2 else name


def approximate_area(session: Session, region_code: str | None) -> str:
    """The region's name with its parent (e.g. 萨尔图区 · 某街道), never the street address."""
    if not region_code:
        return ""
    region = session.get(Region, region_code)
    if region is None:
        return ""
    names = [region.name]
    parent = region.parent
    if parent is not None and parent.level not in ("province", "city"):
        names.insert(0, parent.name)
    return " · ".join(names)


def coordinator_of(session: Session, board: str, region_code: str | None = None) -> User | None:
    """The coordinator a volunteer contacts for a need of ``board``: one whose region covers
    the need's region if there is one, else any active coordinator of the board."""
    rows = session.execute(
        select(User).where(User.role == "coordinator", User.board == board, User.active.is_(True)).order_by(User.id)
    ).scalars().all()
    return _pick_coordinator(rows, region_code)


def _pick_coordinator(rows: list[User], region_code: str | None) -> User | None:
    """:func:`coordinator_of`'s choice among the board's active coordinators (ordered by id)."""
    if region_code:
        covering = [u for u in rows if u.region_code and region_code.startswith(u.region_code.rstrip("0"))]
        # the most local one first (the longest region code)
        covering.sort(key=lambda u: -len((u.region_code or "").rstrip("0")))
        if covering:
            return covering[0]
    return rows[0] if rows else None


def last_visit(session: Session, assignment_id: int) -> Visit | None:
    return session.execute(
        select(Visit).where(Visit.assignment_id == assignment_id, Visit.confirmation != "rejected")
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    ).scalars().first()


def next_visit_due(assignment: Assignment, previous: Visit | None) -> dt.date | None:
    """The need's cadence counted from the last visit, or from the start of the assignment."""
    if assignment.state != "accepted":
        return None
    every = dt.timedelta(days=assignment.need.visit_every_days or 30)
    if previous is not None:
        return previous.visited_on + every
    start = assignment.started_on or assignment.created_at.astimezone(LOCAL_TZ).date()
    return start + every


def agreed_slots(volunteer: Volunteer, need: Need) -> list[str]:
    """The slots both sides can do; the need's own when none overlap (agree by phone)."""
    common = [s for s in (need.slots or []) if s in set(volunteer.slots or [])]
    return common or list(need.slots or [])


@dataclass(frozen=True)
class AssignmentCard:
    """What a volunteer may see about one assignment: a whitelist (domain-rules §12.6).

    Adding a field here is a privacy decision; the access tests compare the JSON keys.
    """

    id: int
    state: str
    name: str  # given name or alias
    area: str  # approximate area
    address: str | None  # exact address only once accepted
    category: str
    need_type: str
    languages: list[str]
    slots: list[str]
    visit_every_days: int
    next_visit_due: dt.date | None
    overdue: bool
    last_visit_on: dt.date | None
    last_visit_mode: str | None
    coordinator_name: str
    coordinator_phone: str
    child: bool
    withheld: bool  # child data held back: no guardian consent or no valid check
    started_on: dt.date | None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("next_visit_due", "last_visit_on", "started_on"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


CARD_FIELDS = tuple(AssignmentCard.__dataclass_fields__)


def assignment_card(session: Session, assignment: Assignment, on_date: dt.date) -> AssignmentCard:
    """The volunteer's view of ``assignment``: only what a visit needs."""
    return assignment_cards(session, [assignment], on_date)[0]


def _last_visits(session: Session, assignment_ids: list[int]) -> dict[int, Visit]:
    """:func:`last_visit` for many assignments in one query (latest by date, then id)."""
    if not assignment_ids:
        return {}
    ranked = select(
        Visit.id,
        func.row_number().over(partition_by=Visit.assignment_id,
                               order_by=(Visit.visited_on.desc(), Visit.id.desc())).label("rn"),
    ).where(Visit.assignment_id.in_(assignment_ids), Visit.confirmation != "rejected").subquery()
    rows = session.execute(select(Visit).join(ranked, ranked.c.id == Visit.id).where(ranked.c.rn == 1)).scalars()
    return {v.assignment_id: v for v in rows}


def _areas(session: Session, region_codes: set[str]) -> dict[str, str]:
    """:func:`approximate_area` for many regions: the regions and their parents in one query."""
    codes = sorted(c for c in region_codes if c)
    if not codes:
        return {}
    parents = select(Region.parent_code).where(Region.code.in_(codes), Region.parent_code.is_not(None))
    regions = {r.code: r for r in session.execute(
        select(Region).where(or_(Region.code.in_(codes), Region.code.in_(parents)))).scalars()}
    areas: dict[str, str] = {}
    for code in codes:
        region = regions.get(code)
        if region is None:
            areas[code] = ""
            continue
        names = [region.name]
        parent = regions.get(region.parent_code) if region.parent_code else None
        if parent is not None and parent.level not in ("province", "city"):
            names.insert(0, parent.name)
        areas[code] = " · ".join(names)
    return areas


def _coordinators_by_board(session: Session, boards: set[str]) -> dict[str, list[User]]:
    """The active coordinators of each board (ordered by id), one query for all boards."""
    found: dict[str, list[User]] = {b: [] for b in boards}
    if boards:
        for user in session.execute(select(User).where(
                User.role == "coordinator", User.board.in_(sorted(boards)), User.active.is_(True)
        ).order_by(User.id)).scalars():
            found[user.board].append(user)
    return found


def assignment_cards(session: Session, assignments: list[Assignment], on_date: dt.date) -> list[AssignmentCard]:
    """The volunteer's view of each of ``assignments`` (same order), with a fixed number of
    queries whatever their number: consents, last visits, coordinators and regions are read
    once for the whole list. Needs, people and households are read through the
    relationships; :func:`my_assignments` loads them with the assignments.

    The fields and the withheld rule are :class:`AssignmentCard`'s (domain-rules §12.6).
    """
    from core.privacy.consent import shares_with_volunteers_many

    if not assignments:
        return []
    needs = [a.need for a in assignments]
    people = [n.person for n in needs]
    households = [session.get(Household, p.household_id) if p.household_id else None for p in people]
    consents = shares_with_volunteers_many(session, people, on_date)
    previous_of = _last_visits(session, [a.id for a in assignments])
    coordinators = _coordinators_by_board(session, {n.board for n in needs})
    picked: dict[tuple[str, str | None], User | None] = {}
    cards = []
    withheld_of = []
    for assignment, need, person, household in zip(assignments, needs, people, households):
        volunteer = assignment.volunteer
        child = is_child_facing(need, on_date)
        as_child, as_adult = consents[person.id]
        # domain-rules §12.6: no child data without guardian consent and a completed check.
        withheld = child and not (as_child and eligible_for_child_facing(volunteer, on_date)) \
            or not child and not as_adult
        withheld_of.append(withheld)
        cards.append((assignment, need, person, household, volunteer, child, withheld))
    # location is sensitive (PIPL Art. 28): region names only for the cards that show them
    areas = _areas(session, {h.region_code for h, w in zip(households, withheld_of) if h is not None and not w})
    result = []
    for assignment, need, person, household, volunteer, child, withheld in cards:
        previous = previous_of.get(assignment.id)
        due = next_visit_due(assignment, previous)
        region_code = household.region_code if household else None
        key = (need.board, region_code)
        if key not in picked:
            picked[key] = _pick_coordinator(coordinators[need.board], region_code)
        coordinator = picked[key]
        accepted = assignment.state == "accepted"
        result.append(AssignmentCard(
            id=assignment.id,
            state=assignment.state,
            name="" if withheld else display_name(person.name),
            area="" if withheld else areas.get(region_code or "", ""),
            address=(household.address or None) if (accepted and household and not withheld) else None,
            category=need.category,
            need_type="" if withheld else need.need_type,
            languages=[] if withheld else list(need.languages or person.languages or []),
            slots=agreed_slots(volunteer, need),
            visit_every_days=need.visit_every_days,
            next_visit_due=due,
            overdue=bool(due and due < on_date),
            last_visit_on=previous.visited_on if previous else None,
            last_visit_mode=previous.mode if previous else None,
            coordinator_name=coordinator.display_name if coordinator else "",
            coordinator_phone=(coordinator.phone or "") if coordinator else "",
            child=child,
            withheld=withheld,
            started_on=assignment.started_on,
        ))
    return result


def my_assignments(session: Session, user_id: int, on_date: dt.date,
                   volunteer: Volunteer | None = None) -> list[AssignmentCard]:
    """The volunteer's open assignments (new ones first, then by next visit due).

    ``volunteer`` is the user's own volunteer record when the caller has it already.
    The assignments come with their need, person and household in one query, and the
    cards are built in a fixed number of queries (:func:`assignment_cards`).
    """
    if volunteer is None:
        volunteer = volunteer_for_user(session, user_id)
    if volunteer is None:
        return []
    rows = session.execute(
        select(Assignment).where(Assignment.volunteer_id == volunteer.id,
                                 Assignment.state.in_(ACTIVE_ASSIGNMENT_STATES)).order_by(Assignment.id)
        .options(joinedload(Assignment.need).joinedload(Need.person).joinedload(Person.household))
    ).unique().scalars().all()
    cards = assignment_cards(session, list(rows), on_date)
    cards.sort(key=lambda c: (c.state != "proposed", c.next_visit_due or dt.date.max, c.id))
    return cards


# -- accept and decline -------------------------------------------------------------------------


def _ledger(session: Session, *, kind: str, summary: str, person: Person | None, board: str | None,
            actor_id: int | None, data: dict[str, Any] | None = None) -> None:
    session.add(LedgerEntry(kind=kind, summary=summary, person_id=person.id if person else None,
                            household_id=person.household_id if person else None, board=board,
                            data=data or {}, actor_id=actor_id))


def notify(session: Session, *, kind: str, subject: str, body: str = "", user_id: int | None = None,
           board: str | None = None, urgent: bool = False, object_type: str | None = None,
           object_id: Any = None, data: dict[str, Any] | None = None) -> Notification:
    row = Notification(user_id=user_id, board=board, kind=kind, subject=subject, body=body, urgent=urgent,
                       object_type=object_type, object_id=None if object_id is None else str(object_id),
                       data=data or {})
    session.add(row)
    return row


def _coordinators(session: Session, board: str) -> list[User]:
    return list(session.execute(
        select(User).where(User.role == "coordinator", User.board == board, User.active.is_(True))
    ).scalars())


def notify_coordinators(session: Session, board: str, *, fallback: bool = True, **kwargs: Any) -> int:
    """One notification per active coordinator of ``board``; a board-wide one if there is
    none (unless ``fallback`` is off because the caller notifies the board anyway)."""
    users = _coordinators(session, board)
    for user in users:
        notify(session, user_id=user.id, board=board, **kwargs)
    if not users and fallback:
        notify(session, board=board, **kwargs)
    return max(len(users), 1)


def accept_assignment(session: Session, assignment: Assignment, user_id: int, on_date: dt.date) -> None:
    """The volunteer takes a proposed assignment. A declined (or ended) one cannot be
    accepted again: the decline is an exclusion the matcher reads."""
    if assignment.state != "proposed":
        raise VolunteeringError(f"not_proposed_{assignment.state}",
                                f"assignment {assignment.id} is {assignment.state}, not proposed")
    problems = ineligibility(session, assignment.volunteer, assignment.need, on_date)
    if problems:
        raise VolunteeringError(problems[0], f"volunteer may not take this need: {', '.join(problems)}")
    assignment.state = "accepted"
    assignment.started_on = assignment.started_on or on_date
    session.add(AssignmentEvent(assignment_id=assignment.id, kind="accepted", user_id=user_id))
    _ledger(session, kind="assignment", summary=f"志愿者 {assignment.volunteer.name} 接受结对 (assignment accepted)",
            person=assignment.need.person, board=assignment.need.board, actor_id=user_id,
            data={"assignment_id": assignment.id, "volunteer_id": assignment.volunteer_id, "state": "accepted"})
    session.flush()


def decline_assignment(session: Session, assignment: Assignment, user_id: int, reason: str) -> None:
    """The volunteer declines a proposed assignment with a reason.

    The row stays with state "declined": the matcher integration reads such rows as
    exclusions, so the pair is not proposed again. The coordinator is notified.
    """
    reason = (reason or "").strip()
    if not reason:
        raise VolunteeringError("reason_required", "a decline needs a reason")
    if assignment.state != "proposed":
        raise VolunteeringError(f"not_proposed_{assignment.state}",
                                f"assignment {assignment.id} is {assignment.state}, not proposed")
    assignment.state = "declined"
    assignment.ended_on = local_today()
    session.add(AssignmentEvent(assignment_id=assignment.id, kind="declined", reason=reason[:2000], user_id=user_id))
    need = assignment.need
    _ledger(session, kind="assignment", summary=f"志愿者 {assignment.volunteer.name} 婉拒结对 (assignment declined)",
            person=need.person, board=need.board, actor_id=user_id,
            data={"assignment_id": assignment.id, "volunteer_id": assignment.volunteer_id, "state": "declined"})
    notify_coordinators(session, need.board, kind="assignment_declined",
                        subject=f"志愿者 {assignment.volunteer.name} 婉拒结对 #{assignment.id}",
                        body=reason[:2000], object_type="assignment", object_id=assignment.id,
                        data={"need_id": need.id, "volunteer_id": assignment.volunteer_id})
    session.flush()


def declined_pairs(session: Session) -> set[tuple[int, int]]:
    """(need_id, volunteer_id) pairs a volunteer has declined: exclusions for the next run."""
    return {(n, v) for n, v in session.execute(
        select(Assignment.need_id, Assignment.volunteer_id).where(Assignment.state == "declined"))}


# -- visits and hours ------------------------------------------------------------------------------


def record_due_on(session: Session, visited_on: dt.date) -> dt.date:
    """The last day a visit may be recorded without a coordinator's confirmation:
    the 10th working day after the activity (S14 Art. 11), from the stored
    working-day calendar (public holidays and 调休 make-up days)."""
    from core.casework.calendar import WorkingCalendar

    return WorkingCalendar.load(session).add_working_days(visited_on, RECORD_WITHIN_WORKING_DAYS)


@dataclass(frozen=True)
class VisitInput:
    visited_on: dt.date
    mode: str
    minutes: int
    activities: str
    person_state: str
    state_note: str = ""


def log_visit(session: Session, assignment: Assignment, user_id: int, data: VisitInput,
              today: dt.date | None = None) -> Visit:
    """Record a visit on an accepted assignment; its hours accrue to the volunteer's record.

    S14 Art. 11: entries within 10 working days of the activity count at once; later
    ones wait for a coordinator's confirmation (state "pending").
    """
    today = today or local_today()
    if assignment.state != "accepted":
        raise VolunteeringError("not_accepted", "visits are logged on accepted assignments only")
    if data.mode not in VISIT_MODES:
        raise VolunteeringError("bad_mode", f"unknown visit mode {data.mode!r}")
    if data.person_state not in PERSON_STATES:
        raise VolunteeringError("bad_state", f"unknown person state {data.person_state!r}")
    if data.visited_on > today:
        raise VolunteeringError("future_visit", "a visit cannot be in the future")
    if assignment.started_on and data.visited_on < assignment.started_on:
        raise VolunteeringError("before_start", "the visit is before the assignment started")
    if not 0 < data.minutes <= 24 * 60:
        raise VolunteeringError("bad_minutes", "duration must be between 1 minute and 24 hours")
    due = record_due_on(session, data.visited_on)
    late = today > due
    need = assignment.need
    visit = Visit(assignment_id=assignment.id, volunteer_id=assignment.volunteer_id, person_id=need.person_id,
                  visited_on=data.visited_on, mode=data.mode, minutes=data.minutes,
                  activities=data.activities.strip()[:4000], person_state=data.person_state,
                  state_note=data.state_note.strip()[:4000], record_due_on=due,
                  confirmation="pending" if late else "confirmed", recorded_by=user_id)
    session.add(visit)
    session.flush()
    _ledger(session, kind="visit", summary=f"志愿者探访 ({data.mode}, {data.minutes} 分钟)",
            person=need.person, board=need.board, actor_id=user_id,
            data={"visit_id": visit.id, "assignment_id": assignment.id, "visited_on": data.visited_on.isoformat(),
                  "mode": data.mode, "minutes": data.minutes, "person_state": data.person_state,
                  "confirmation": visit.confirmation})
    if late:
        notify_coordinators(session, need.board, kind="visit_late",
                            subject=f"逾期登记的探访 #{visit.id} 待确认 (late visit entry to confirm)",
                            object_type="visit", object_id=visit.id)
    if data.person_state == "urgent":
        # A visit that finds the person in urgent need is a risk signal in itself.
        notify_coordinators(session, need.board, kind="visit_urgent", urgent=True,
                            subject=f"探访发现紧急情况 #{visit.id} (visit found an urgent situation)",
                            body=data.state_note[:2000], object_type="visit", object_id=visit.id)
    return visit


def confirm_visit(session: Session, visit: Visit, coordinator_id: int, accept: bool) -> None:
    """A coordinator confirms (or rejects) a visit recorded after the 10-working-day limit."""
    if visit.confirmation != "pending":
        raise VolunteeringError("not_pending", "only a pending visit can be confirmed")
    visit.confirmation = "confirmed" if accept else "rejected"
    visit.confirmed_by = coordinator_id
    visit.confirmed_at = utcnow()
    session.flush()


@dataclass
class HoursSummary:
    confirmed_minutes: int = 0
    pending_minutes: int = 0
    visits: list[Visit] = field(default_factory=list)

    @property
    def hours(self) -> float:
        # S14 Art. 9: hours are counted in hours; one decimal is what a certificate shows.
        return round(self.confirmed_minutes / 60, 1)

    @property
    def pending_hours(self) -> float:
        return round(self.pending_minutes / 60, 1)


def service_hours(session: Session, volunteer_id: int, *, since: dt.date | None = None,
                  until: dt.date | None = None, with_visits: bool = True) -> HoursSummary:
    """The volunteer's service record: confirmed hours count, pending ones are shown apart.

    ``with_visits=False`` gives the totals only, summed by the database: the assignments
    page shows the hours on every visit of the volunteer and must not read years of visits.
    """
    condition = [Visit.volunteer_id == volunteer_id, Visit.confirmation != "rejected"]
    if since:
        condition.append(Visit.visited_on >= since)
    if until:
        condition.append(Visit.visited_on <= until)
    summary = HoursSummary()
    if not with_visits:
        for confirmation, minutes in session.execute(
                select(Visit.confirmation, func.sum(Visit.minutes)).where(*condition).group_by(Visit.confirmation)):
            if confirmation == "confirmed":
                summary.confirmed_minutes += int(minutes or 0)
            else:
                summary.pending_minutes += int(minutes or 0)
        return summary
    query = select(Visit).where(*condition)
    for visit in session.execute(query.order_by(Visit.visited_on.desc(), Visit.id.desc())).scalars():
        summary.visits.append(visit)
        if visit.confirmation == "confirmed":
            summary.confirmed_minutes += visit.minutes
        else:
            summary.pending_minutes += visit.minutes
    return summary


@dataclass(frozen=True)
class Certificate:
    """A service-hours certificate (S14 Art. 14–17): hours, content, recording unit, verifiable."""

    number: str
    volunteer_name: str
    id_number_masked: str
    board: str
    issued_on: dt.date
    hours: float
    visits: int
    first_on: dt.date | None
    last_on: dt.date | None
    verification: str


def certificate(session: Session, volunteer: Volunteer, on_date: dt.date) -> Certificate:
    """The certificate of confirmed hours up to ``on_date``. The verification code is a hash
    of the facts it states, so a coordinator can check a printed copy against the record."""
    hours = service_hours(session, volunteer.id, until=on_date)
    confirmed = [v for v in hours.visits if v.confirmation == "confirmed"]
    number = f"CM-{volunteer.board}-{volunteer.id:06d}-{on_date:%Y%m%d}"
    digest = hashlib.sha256(
        f"{number}|{volunteer.id}|{hours.confirmed_minutes}|{len(confirmed)}".encode()).hexdigest()[:12].upper()
    return Certificate(
        number=number, volunteer_name=volunteer.name, id_number_masked=mask_id_number(volunteer.id_number),
        board=volunteer.board, issued_on=on_date, hours=hours.hours, visits=len(confirmed),
        first_on=min((v.visited_on for v in confirmed), default=None),
        last_on=max((v.visited_on for v in confirmed), default=None), verification=digest,
    )


# -- concerns and mandatory reports -----------------------------------------------------------------


def responsible_boards(session: Session, need: Need) -> list[str]:
    """The need's board and every board the joint review named responsible for its case."""
    boards = [need.board]
    if need.case_id is not None:
        for board in session.execute(
            select(CaseResponsibility.board).where(CaseResponsibility.case_id == need.case_id)
        ).scalars():
            if board not in boards:
                boards.append(board)
    return boards


def raise_concern(session: Session, assignment: Assignment, user_id: int, kind: str, description: str = "") -> Concern:
    """A volunteer's risk signal: to the coordinator and the responsible board(s) at once.

    For a child, the three mandatory-report triggers (S12 Art. 11; S9 §4(1)) are marked
    mandatory and escalated with a timestamp; the page tells the volunteer to call the
    police (110) as the law requires — the platform records, it does not replace the call.
    """
    if kind not in CONCERN_KINDS:
        raise VolunteeringError("bad_kind", f"unknown concern kind {kind!r}")
    if assignment.state not in ACTIVE_ASSIGNMENT_STATES:
        raise VolunteeringError("not_open", "concerns are raised on open assignments")
    need = assignment.need
    mandatory = kind in MANDATORY_KINDS
    if mandatory and not is_child_facing(need, local_today()):
        raise VolunteeringError("not_a_child", "the mandatory-report triggers are for children")
    if not mandatory and not description.strip():
        raise VolunteeringError("description_required", "describe the concern")
    now = utcnow()
    concern = Concern(assignment_id=assignment.id, volunteer_id=assignment.volunteer_id, person_id=need.person_id,
                      board=need.board, kind=kind, mandatory=mandatory, description=description.strip()[:4000],
                      raised_at=now, escalated_at=now if mandatory else None)
    session.add(concern)
    session.flush()
    subject = (f"强制报告: {kind} — 结对 #{assignment.id} (mandatory report)" if mandatory
               else f"志愿者反映风险 — 结对 #{assignment.id} (risk signal)")
    payload = {"concern_id": concern.id, "need_id": need.id, "kind": kind, "raised_at": now.isoformat()}
    notify_coordinators(session, need.board, fallback=False,
                        kind="mandatory_report" if mandatory else "concern", urgent=True,
                        subject=subject, body=concern.description, object_type="concern", object_id=concern.id,
                        data=payload)
    for board in responsible_boards(session, need):
        notify(session, board=board, kind="mandatory_report" if mandatory else "concern", urgent=True,
               subject=subject, body=concern.description, object_type="concern", object_id=concern.id, data=payload)
    _ledger(session, kind="concern", summary=subject, person=need.person, board=need.board, actor_id=user_id,
            data=payload | {"mandatory": mandatory, "escalated_at": now.isoformat() if mandatory else None})
    session.flush()
    return concern


def acknowledge_concern(session: Session, concern: Concern, user_id: int, close: bool = False) -> None:
    concern.status = "closed" if close else "acknowledged"
    concern.acknowledged_by = concern.acknowledged_by or user_id
    concern.acknowledged_at = concern.acknowledged_at or utcnow()
    session.flush()


# -- registry (coordinators) ----------------------------------------------------------------------------


@dataclass
class Registration:
    """The national registration fields (S14 Art. 5) and what matching needs."""

    board: str
    name: str
    id_number: str
    phone: str
    region_code: str
    lat: float
    lon: float
    skills: list[str] = field(default_factory=list)
    service_categories: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    slots: list[str] = field(default_factory=list)
    capacity: int = 1
    max_km: float | None = None
    data_entry_consent: bool = True
    user_id: int | None = None


def register_volunteer(session: Session, reg: Registration, actor_id: int | None, on_date: dt.date | None = None) -> Volunteer:
    """A new volunteer in state "applied". Birth date and sex come from the ID number
    (GB 11643); an organisation enters the data only with the volunteer's consent (S14 Art. 6)."""
    on_date = on_date or local_today()
    if not reg.data_entry_consent:
        raise VolunteeringError("no_consent", "the volunteer's consent to data entry is required (S14 Art. 6)")
    if not reg.name.strip():
        raise VolunteeringError("name_required", "name is required")
    try:
        rid = parse_id_number(reg.id_number.strip(), today=on_date)
    except IdNumberError as exc:
        raise VolunteeringError("bad_id_number", str(exc)) from exc
    if session.execute(select(Volunteer.id).where(Volunteer.id_number == rid.number)).first():
        raise VolunteeringError("duplicate", "a volunteer with this ID number is already registered")
    if session.get(Region, reg.region_code) is None:
        raise VolunteeringError("bad_region", f"unknown region {reg.region_code}")
    volunteer = Volunteer(user_id=reg.user_id, board=reg.board, name=reg.name.strip(), id_number=rid.number,
                          birth_date=rid.birth_date, sex=rid.sex, phone=reg.phone.strip() or None,
                          region_code=reg.region_code, lat=reg.lat, lon=reg.lon, skills=list(reg.skills),
                          languages=list(reg.languages), slots=list(reg.slots), capacity=max(1, reg.capacity),
                          max_km=reg.max_km, state="applied")
    session.add(volunteer)
    session.flush()
    session.add(VolunteerProfile(volunteer_id=volunteer.id, service_categories=list(reg.service_categories),
                                 data_entry_consent=True, applied_on=on_date))
    audit(session, actor_id, "volunteer_register", "volunteer", volunteer.id)
    session.flush()
    return volunteer


def profile_of(session: Session, volunteer: Volunteer) -> VolunteerProfile:
    profile = session.get(VolunteerProfile, volunteer.id)
    if profile is None:
        # volunteers made before the registry (imports, the matcher's demo data)
        profile = VolunteerProfile(volunteer_id=volunteer.id, service_categories=[])
        session.add(profile)
        session.flush()
    return profile


def record_background_check(session: Session, volunteer: Volunteer, checked_on: dt.date, clear: bool,
                            actor_id: int | None, reference: str = "") -> VolunteerBackgroundCheck:
    """A criminal-record query result (入职查询, S12 Art. 62); the latest one is mirrored on
    the volunteer row the matcher reads."""
    if checked_on > local_today():
        raise VolunteeringError("future_check", "the check date cannot be in the future")
    row = VolunteerBackgroundCheck(volunteer_id=volunteer.id, checked_on=checked_on, clear=clear,
                                   reference=reference.strip()[:100], recorded_by=actor_id)
    session.add(row)
    latest = volunteer.background_checked_on
    if latest is None or checked_on >= latest:
        volunteer.background_checked_on = checked_on
        volunteer.background_check_clear = clear
    audit(session, actor_id, "volunteer_check", "volunteer", volunteer.id, "clear" if clear else "not clear")
    if not clear:
        # S12 Art. 62: such a person may not work with minors; their child-facing
        # assignments are released at once with a note for the coordinator.
        release_assignments(session, volunteer, actor_id, "criminal-record check not clear",
                            only=lambda a: is_child_facing(a.need, checked_on))
    session.flush()
    return row


def add_certification(session: Session, volunteer: Volunteer, kind: str, expires_on: dt.date | None,
                      number: str = "", issuer: str = "", issued_on: dt.date | None = None) -> VolunteerCertification:
    row = VolunteerCertification(volunteer_id=volunteer.id, kind=kind.strip(), number=number.strip(),
                                 issuer=issuer.strip(), issued_on=issued_on, expires_on=expires_on)
    session.add(row)
    session.flush()
    return row


def add_insurance(session: Session, volunteer: Volunteer, valid_from: dt.date, valid_until: dt.date,
                  insurer: str = "", policy_number: str = "") -> VolunteerInsurance:
    if valid_until < valid_from:
        raise VolunteeringError("bad_dates", "insurance ends before it starts")
    row = VolunteerInsurance(volunteer_id=volunteer.id, valid_from=valid_from, valid_until=valid_until,
                             insurer=insurer.strip(), policy_number=policy_number.strip())
    session.add(row)
    session.flush()
    return row


def record_guardian_consent(session: Session, volunteer: Volunteer, guardian_name: str, given_on: dt.date,
                            actor_id: int | None, relation: str = "", phone: str | None = None) -> VolunteerConsent:
    row = VolunteerConsent(volunteer_id=volunteer.id, guardian_name=guardian_name.strip(), given_on=given_on,
                           guardian_relation=relation.strip(), guardian_phone=phone, recorded_by=actor_id)
    session.add(row)
    session.flush()
    return row


def record_recipient_consent(session: Session, person_id: int, guardian_name: str, given_on: dt.date,
                             actor_id: int | None) -> Any:
    """A guardian's consent to share a child's data with the volunteer: a ``consent`` row."""
    from core.privacy.consent import give

    return give(session, actor_id, session.get(Person, person_id), "share_with_volunteers", given_on=given_on,
                given_by="guardian", guardian_name=guardian_name)


def insurance_valid(session: Session, volunteer_id: int, on_date: dt.date) -> bool:
    return session.execute(select(VolunteerInsurance.id).where(
        VolunteerInsurance.volunteer_id == volunteer_id, VolunteerInsurance.valid_from <= on_date,
        VolunteerInsurance.valid_until >= on_date)).first() is not None


def release_assignments(session: Session, volunteer: Volunteer, actor_id: int | None, note: str,
                        only: Any = None) -> list[Assignment]:
    """End the volunteer's open assignments with a hand-over note; the needs go back to the
    next match run (a need with no open assignment is unmatched)."""
    released = []
    rows = session.execute(select(Assignment).where(
        Assignment.volunteer_id == volunteer.id, Assignment.state.in_(ACTIVE_ASSIGNMENT_STATES))).scalars().all()
    for assignment in rows:
        if only is not None and not only(assignment):
            continue
        assignment.state = "ended"
        assignment.ended_on = local_today()
        assignment.note = (assignment.note + "\n" if assignment.note else "") + f"交接 (hand-over): {note}"
        session.add(AssignmentEvent(assignment_id=assignment.id, kind="released", reason=note[:2000], user_id=actor_id))
        _ledger(session, kind="handover", summary=f"志愿者 {volunteer.name} 的结对已释放, 待下次匹配 (released)",
                person=assignment.need.person, board=assignment.need.board, actor_id=actor_id,
                data={"assignment_id": assignment.id, "note": note[:2000]})
        notify_coordinators(session, assignment.need.board, kind="assignment_released",
                            subject=f"结对 #{assignment.id} 已释放 (released)", body=note[:2000],
                            object_type="assignment", object_id=assignment.id)
        released.append(assignment)
    session.flush()
    return released


def change_state(session: Session, volunteer: Volunteer, new_state: str, actor_id: int | None, note: str = "",
                 on_date: dt.date | None = None) -> list[Assignment]:
    """Move a volunteer along applied → approved → active → paused → left.

    Approval needs the registration consent and, under 18, a guardian's consent. Pausing
    or leaving releases every open assignment with the hand-over note (required).
    Returns the released assignments.
    """
    on_date = on_date or local_today()
    if new_state not in STATE_TRANSITIONS.get(volunteer.state, ()):
        raise VolunteeringError("bad_transition", f"a volunteer cannot go from {volunteer.state} to {new_state}")
    profile = profile_of(session, volunteer)
    if new_state in ("approved", "active") and volunteer_is_minor(volunteer, on_date) \
            and not has_guardian_consent(session, volunteer, on_date):
        raise VolunteeringError("minor_without_consent", "a volunteer under 18 needs a guardian's consent")
    released: list[Assignment] = []
    if new_state in ("paused", "left"):
        if not note.strip():
            raise VolunteeringError("handover_required", "a hand-over note is required")
        released = release_assignments(session, volunteer, actor_id, note.strip())
    old = volunteer.state
    volunteer.state = new_state
    if new_state == "approved":
        profile.approved_on, profile.approved_by = on_date, actor_id
    if new_state == "left":
        profile.left_on = on_date
    if note.strip():
        profile.state_note = note.strip()[:4000]
    audit(session, actor_id, "volunteer_state", "volunteer", volunteer.id, f"{old} -> {new_state}")
    session.flush()
    return released


# -- coordinator views ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerRow:
    volunteer: Volunteer
    check_expires_on: dt.date | None
    check_ok: bool
    open_assignments: int
    hours: float
    overdue: int

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.volunteer.phone)


def visible_volunteers_query(user_role: str, user_board: str | None) -> Any:
    """Coordinators see their own board's volunteers; administrators every board's."""
    query = select(Volunteer)
    if user_role != "admin":
        query = query.where(Volunteer.board == (user_board or ""))
    return query


def list_volunteers(session: Session, *, role: str, board_of_user: str | None, on_date: dt.date,
                    board: str | None = None, region_code: str | None = None, skill: str | None = None,
                    state: str | None = None, check_expiring_days: int | None = None) -> list[VolunteerRow]:
    query = visible_volunteers_query(role, board_of_user)
    if board:
        query = query.where(Volunteer.board == board)
    if region_code:
        query = query.where(Volunteer.region_code.startswith(region_code.rstrip("0") or region_code))
    if state:
        query = query.where(Volunteer.state == state)
    volunteers = session.execute(query.order_by(Volunteer.name, Volunteer.id)).scalars().all()
    if skill:
        volunteers = [v for v in volunteers if skill in (v.skills or [])]
    if check_expiring_days is not None:
        horizon = on_date + dt.timedelta(days=check_expiring_days)
        volunteers = [v for v in volunteers
                      if (exp := background_check_expires_on(v)) is None or exp <= horizon]
    ids = [v.id for v in volunteers]
    open_counts = dict(session.execute(
        select(Assignment.volunteer_id, func.count()).where(
            Assignment.volunteer_id.in_(ids), Assignment.state.in_(ACTIVE_ASSIGNMENT_STATES))
        .group_by(Assignment.volunteer_id)).all()) if ids else {}
    minutes = dict(session.execute(
        select(Visit.volunteer_id, func.sum(Visit.minutes)).where(
            Visit.volunteer_id.in_(ids), Visit.confirmation == "confirmed").group_by(Visit.volunteer_id)).all()) if ids else {}
    overdue = overdue_counts(session, ids, on_date)
    return [VolunteerRow(v, background_check_expires_on(v), eligible_for_child_facing(v, on_date),
                         open_counts.get(v.id, 0), round((minutes.get(v.id) or 0) / 60, 1), overdue.get(v.id, 0))
            for v in volunteers]


@dataclass(frozen=True)
class OverdueVisit:
    assignment: Assignment
    due: dt.date
    last_on: dt.date | None
    days_late: int


def overdue_visits(session: Session, volunteer_ids: Iterable[int] | None, on_date: dt.date,
                   board: str | None = None) -> list[OverdueVisit]:
    """Accepted assignments whose next visit is past due, worst first."""
    query = select(Assignment).where(Assignment.state == "accepted")
    if volunteer_ids is not None:
        query = query.where(Assignment.volunteer_id.in_(list(volunteer_ids)))
    if board:
        query = query.join(Need, Need.id == Assignment.need_id).where(Need.board == board)
    result = []
    for assignment in session.execute(query).scalars():
        previous = last_visit(session, assignment.id)
        due = next_visit_due(assignment, previous)
        if due is not None and due < on_date:
            result.append(OverdueVisit(assignment, due, previous.visited_on if previous else None, (on_date - due).days))
    result.sort(key=lambda o: -o.days_late)
    return result


def overdue_counts(session: Session, volunteer_ids: list[int], on_date: dt.date) -> dict[int, int]:
    counts: dict[int, int] = {}
    if not volunteer_ids:
        return counts
    for item in overdue_visits(session, volunteer_ids, on_date):
        counts[item.assignment.volunteer_id] = counts.get(item.assignment.volunteer_id, 0) + 1
    return counts


def onboarding_queue(session: Session, *, role: str, board_of_user: str | None, on_date: dt.date) -> list[dict[str, Any]]:
    """Applied and approved volunteers with what is still missing before they can start."""
    query = visible_volunteers_query(role, board_of_user).where(Volunteer.state.in_(("applied", "approved")))
    items = []
    for volunteer in session.execute(query.order_by(Volunteer.created_at)).scalars():
        missing = []
        if volunteer.background_checked_on is None:
            missing.append("check")
        elif not eligible_for_child_facing(volunteer, on_date):
            missing.append("check_expired")
        if not insurance_valid(session, volunteer.id, on_date):
            missing.append("insurance")
        if volunteer_is_minor(volunteer, on_date) and not has_guardian_consent(session, volunteer, on_date):
            missing.append("guardian_consent")
        items.append({"volunteer": volunteer, "missing": missing})
    return items


def may_manage(role: str, board_of_user: str | None, volunteer: Volunteer) -> bool:
    return role == "admin" or (role == "coordinator" and board_of_user == volunteer.board)


def assignment_history(session: Session, volunteer_id: int) -> list[Assignment]:
    return list(session.execute(select(Assignment).where(Assignment.volunteer_id == volunteer_id)
                                .order_by(Assignment.id.desc())).scalars())


def pending_visits(session: Session, *, role: str, board_of_user: str | None) -> list[Visit]:
    query = select(Visit).where(Visit.confirmation == "pending").join(Volunteer, Volunteer.id == Visit.volunteer_id)
    if role != "admin":
        query = query.where(Volunteer.board == (board_of_user or ""))
    return list(session.execute(query.order_by(Visit.recorded_at)).scalars())


def open_concerns(session: Session, *, role: str, board_of_user: str | None) -> list[Concern]:
    query = select(Concern).where(Concern.status != "closed")
    if role != "admin":
        query = query.where(Concern.board == (board_of_user or ""))
    return list(session.execute(query.order_by(Concern.mandatory.desc(), Concern.raised_at.desc())).scalars())


def notifications_for(session: Session, user_id: int, board: str | None, limit: int = 50) -> list[Notification]:
    cond = Notification.user_id == user_id
    if board:
        cond = or_(cond, (Notification.user_id.is_(None)) & (Notification.board == board))
    return list(session.execute(select(Notification).where(cond)
                                .order_by(Notification.created_at.desc()).limit(limit)).scalars())
