"""Database rows → a `carematch.instance/1` for one scope (the only such module, R15).

A scope is a region (its code's prefix: city 4 digits, district/county 6, street 9,
community 12), one or more care boards and optionally some categories. From it come:

* recipients: approved ``care_need`` rows whose person's household lies in the region
  (``"n<need id>"``, located at the household);
* volunteers: active volunteers of the boards registered in the region (``"v<id>"``);
* continuity: accepted assignments → ``current_volunteers``;
* exclusions: declined assignments, and a volunteer who is a member of the
  recipient's own household (conflict of interest) → ``excluded_volunteers``.

Safeguards computed on the run date (``as_of``): a volunteer's ``background_check``
is true only for a clear check at most 365 days old (未成年人保护法 Art. 62, re-checked
yearly); volunteers under 18 lose the counselling skills, so they are never matched
to psychological counselling; every minor recipient needs a background-checked
volunteer whatever the need row says (spec: "true for every minor"). A volunteer's
capacity is reduced by the assignments it already holds outside this scope.

What could not be put in the instance is reported as notes, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.matching import Instance, Params, Recipient, Volunteer, Weights, instance_from_json
from core.matching.instance import CATEGORIES
from core.matchruns.settings import BoardSettings
from core.models import Assignment, Household, Need, Person, Region
from core.models import Volunteer as VolunteerRow

BACKGROUND_CHECK_VALID_DAYS = 365
ADULT_AGE = 18
# skills a volunteer under 18 may hold (e.g. in training) but never use in a match
COUNSELLING_SKILLS = frozenset({"psych_counselling", "grief_counselling"})
ACTIVE_ASSIGNMENT_STATES = ("proposed", "accepted")
PREFIX_BY_LEVEL = {"province": 2, "city": 4, "district": 6, "county": 6, "street": 9, "town": 9,
                   "community": 12, "village": 12, "grid": 12}


def recipient_id(need_id: int) -> str:
    """The instance id of a care need."""
    return f"n{need_id}"


def volunteer_id(volunteer_pk: int) -> str:
    """The instance id of a volunteer."""
    return f"v{volunteer_pk}"


def parse_id(instance_id: str) -> int:
    """The database id behind an instance id (``"n12"`` → 12)."""
    return int(instance_id[1:])


@dataclass(frozen=True)
class Scope:
    """What a run covers: a region code, the boards and the categories (empty: all)."""

    region: str
    boards: tuple[str, ...]
    categories: tuple[str, ...] = ()

    def key(self) -> str:
        """The optimistic-lock key of exactly this scope."""
        return f"scope:{self.region}:{'+'.join(sorted(self.boards))}:{'+'.join(sorted(self.categories)) or '*'}"


@dataclass
class ScopeRows:
    """The rows a scope reads; enough to build the instance and its fingerprint."""

    scope: Scope
    prefix: str
    needs: list[Need]
    volunteers: list[VolunteerRow]       # active ones, in the region and boards
    assignments: list[Assignment]        # every row on the scope's needs or volunteers
    household_ids: dict[int, set[str]] = field(default_factory=dict)  # household → members' ID numbers


def region_prefix(session: Session, code: str) -> str:
    """The code prefix every region inside ``code`` shares (``230600`` city → ``2306``)."""
    region = session.get(Region, code)
    if region is not None:
        return code[: PREFIX_BY_LEVEL.get(region.level, len(code))]
    # an unknown code: strip the trailing zero pairs that mark a higher level
    trimmed = code
    while len(trimmed) > 2 and trimmed.endswith("00"):
        trimmed = trimmed[:-2]
    return trimmed


def read_scope(session: Session, scope: Scope) -> ScopeRows:
    """Read the needs, volunteers and assignments of ``scope`` (no writes)."""
    prefix = region_prefix(session, scope.region)
    need_query = (
        select(Need)
        .join(Person, Need.person_id == Person.id)
        .join(Household, Person.household_id == Household.id)
        .where(Need.status == "approved", Need.board.in_(scope.boards), Household.region_code.startswith(prefix))
        .options(joinedload(Need.person).joinedload(Person.household))
        .order_by(Need.id)
    )
    if scope.categories:
        need_query = need_query.where(Need.category.in_(scope.categories))
    needs = list(session.execute(need_query).unique().scalars())
    volunteers = list(session.execute(
        select(VolunteerRow)
        .where(VolunteerRow.state == "active", VolunteerRow.board.in_(scope.boards),
               VolunteerRow.region_code.startswith(prefix))
        .order_by(VolunteerRow.id)
    ).scalars())
    need_ids = [n.id for n in needs]
    vol_ids = [v.id for v in volunteers]
    assignments = list(session.execute(
        select(Assignment)
        .where(Assignment.need_id.in_(need_ids) | Assignment.volunteer_id.in_(vol_ids))
        .order_by(Assignment.id)
    ).scalars()) if (need_ids or vol_ids) else []
    household_ids: dict[int, set[str]] = {}
    volunteer_numbers = {v.id_number for v in volunteers if v.id_number}
    households = {n.person.household_id for n in needs}
    if volunteer_numbers and households:
        for hh, number in session.execute(
            select(Person.household_id, Person.id_number)
            .where(Person.household_id.in_(households), Person.id_number.in_(volunteer_numbers))
        ):
            household_ids.setdefault(hh, set()).add(number)
    return ScopeRows(scope, prefix, needs, volunteers, assignments, household_ids)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Completed years on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def background_check_valid(volunteer: VolunteerRow, as_of: dt.date) -> bool:
    """A clear check done at most 365 days before ``as_of`` (not in the future)."""
    checked = volunteer.background_checked_on
    return bool(volunteer.background_check_clear and checked is not None
                and 0 <= (as_of - checked).days <= BACKGROUND_CHECK_VALID_DAYS)


def fingerprint(rows: ScopeRows, as_of: dt.date) -> str:
    """sha256 over every field of the scope's rows that can change a plan or a publish.

    Compared at publish time (with the publish date as ``as_of``, so a background
    check that lapsed in between also counts as a change).
    """
    def need_state(n: Need) -> list[Any]:
        household = n.person.household
        return [n.id, n.status, n.board, n.category, n.risk, sorted(n.required_skills or []),
                n.needs_background_check, n.gender_pref, n.gender_hard, sorted(n.languages or []),
                n.language_hard, sorted(n.slots or []), n.volunteers_needed, n.person_id,
                household.lat if household else None, household.lon if household else None,
                str(n.person.birth_date), n.person.deceased_on is not None]

    def volunteer_state(v: VolunteerRow) -> list[Any]:
        return [v.id, v.state, v.board, v.sex, v.lat, v.lon, sorted(v.skills or []), sorted(v.languages or []),
                sorted(v.slots or []), v.capacity, v.max_km, str(v.birth_date), background_check_valid(v, as_of)]

    document = {
        "needs": [need_state(n) for n in rows.needs],
        "volunteers": [volunteer_state(v) for v in rows.volunteers],
        "assignments": [[a.id, a.need_id, a.volunteer_id, a.state, str(a.ended_on)] for a in rows.assignments],
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def params_for(settings: Mapping[str, BoardSettings]) -> tuple[Params, list[dict[str, Any]]]:
    """Instance params for a run over these boards, and notes on any disagreement.

    The travel cap is the largest board cap (each volunteer is held to its own
    board's cap through its ``max_km``); weights are the first board's when the
    boards disagree, and a note says so.
    """
    notes: list[dict[str, Any]] = []
    ordered = [settings[b] for b in sorted(settings)]
    first = ordered[0]
    if any(dict(s.weights) != dict(first.weights) for s in ordered[1:]):
        notes.append({"kind": "weights_from_board", "board": first.board,
                      "detail": "boards have different weights; this run uses the first board's"})
    w = first.weights
    weights = Weights(risk={int(k): int(v) for k, v in w["risk"].items()}, km=w["km"],
                      continuity=w["continuity"], gender_pref=w["gender_pref"], language_pref=w["language_pref"])
    return Params(max_km=max(s.max_km for s in ordered), weights=weights), notes


def build_instance(rows: ScopeRows, settings: Mapping[str, BoardSettings], as_of: dt.date, *,
                   known_skills: Iterable[str] = ()) -> tuple[Instance, list[dict[str, Any]]]:
    """The matching instance of ``rows`` judged on ``as_of``, and notes on what was left out or changed."""
    params, notes = params_for(settings)
    vocabulary = set(known_skills)

    # needs that cannot become recipients
    recipients_needs: list[Need] = []
    for need in rows.needs:
        household = need.person.household
        reason = None
        if need.category not in CATEGORIES:
            reason = "category_not_matched"
        elif household is None or household.lat is None or household.lon is None:
            reason = "no_location"
        elif need.person.deceased_on is not None and need.person.deceased_on <= as_of:
            reason = "person_deceased"
        if reason:
            notes.append({"kind": "need_skipped", "need": need.id, "reason": reason})
        else:
            recipients_needs.append(need)
    recipient_need_ids = {n.id for n in recipients_needs}

    # capacity already promised outside this instance
    used_elsewhere: dict[int, int] = {}
    for a in rows.assignments:
        if a.state in ACTIVE_ASSIGNMENT_STATES and a.need_id not in recipient_need_ids:
            used_elsewhere[a.volunteer_id] = used_elsewhere.get(a.volunteer_id, 0) + 1

    volunteers: list[Volunteer] = []
    for row in rows.volunteers:
        skills = set(row.skills or [])
        if age_on(row.birth_date, as_of) < ADULT_AGE and skills & COUNSELLING_SKILLS:
            skills -= COUNSELLING_SKILLS
            notes.append({"kind": "minor_volunteer_counselling_removed", "volunteer": row.id})
        checked = background_check_valid(row, as_of)
        if not checked and row.background_check_clear:
            notes.append({"kind": "background_check_expired", "volunteer": row.id,
                          "checked_on": str(row.background_checked_on)})
        board_settings = settings[row.board]
        capacity = row.capacity if board_settings.capacity_cap is None else min(row.capacity,
                                                                                 board_settings.capacity_cap)
        if used_elsewhere.get(row.id):
            notes.append({"kind": "capacity_used_elsewhere", "volunteer": row.id, "count": used_elsewhere[row.id]})
        capacity = max(0, capacity - used_elsewhere.get(row.id, 0))
        own_km = row.max_km if row.max_km is not None else board_settings.max_km
        volunteers.append(Volunteer(
            id=volunteer_id(row.id), lat=row.lat, lon=row.lon, gender=row.sex, skills=frozenset(skills),
            background_check=checked, languages=frozenset(row.languages or []),
            slots=frozenset(row.slots or []), capacity=capacity,
            max_km=float(min(own_km, board_settings.max_km)),
        ))
    in_instance = {parse_id(v.id) for v in volunteers}

    current: dict[int, list[int]] = {}
    excluded: dict[int, set[int]] = {}
    for a in rows.assignments:
        if a.need_id not in recipient_need_ids:
            continue
        if a.state == "accepted":
            if a.volunteer_id in in_instance:
                current.setdefault(a.need_id, []).append(a.volunteer_id)
            else:
                notes.append({"kind": "current_volunteer_unavailable", "need": a.need_id,
                              "volunteer": a.volunteer_id})
        elif a.state == "declined" and a.volunteer_id in in_instance:
            excluded.setdefault(a.need_id, set()).add(a.volunteer_id)
    for row in rows.volunteers:
        if not row.id_number:
            continue
        for need in recipients_needs:
            if row.id_number in rows.household_ids.get(need.person.household_id, set()):
                excluded.setdefault(need.id, set()).add(row.id)
                notes.append({"kind": "conflict_of_interest", "need": need.id, "volunteer": row.id})

    recipients: list[Recipient] = []
    for need in recipients_needs:
        person, household = need.person, need.person.household
        minor = age_on(person.birth_date, as_of) < ADULT_AGE
        if minor and not need.needs_background_check:
            notes.append({"kind": "minor_needs_background_check", "need": need.id})
        unknown = sorted(set(need.required_skills or []) - vocabulary) if vocabulary else []
        if unknown:
            notes.append({"kind": "unknown_skill", "need": need.id, "skills": unknown})
        languages = need.languages or person.languages or []
        slots = frozenset(need.slots or [])
        recipients.append(Recipient(
            id=recipient_id(need.id), category=need.category, lat=household.lat, lon=household.lon,
            risk=need.risk, required_skills=frozenset(need.required_skills or []),
            needs_background_check=bool(need.needs_background_check or minor),
            gender_pref=need.gender_pref or None, gender_hard=bool(need.gender_hard),
            languages=frozenset(languages), language_hard=bool(need.language_hard), slots=slots,
            # no slots recorded: any time suits (spec rule 4 would otherwise rule everyone out)
            min_common_slots=1 if slots else 0,
            volunteers_needed=need.volunteers_needed,
            current_volunteers=tuple(volunteer_id(v) for v in sorted(set(current.get(need.id, [])))),
            excluded_volunteers=tuple(volunteer_id(v) for v in sorted(excluded.get(need.id, set()))),
        ))
    built = Instance(params=params, volunteers=tuple(volunteers), recipients=tuple(recipients))
    # through the spec loader: the stored JSON is then exactly what a replay will read
    return instance_from_json(built.to_json()), notes


def active_pairs(session: Session, need_ids: Iterable[int]) -> dict[tuple[int, int], Assignment]:
    """The proposed or accepted assignments on these needs, keyed by (need id, volunteer id)."""
    ids = list(need_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Assignment).where(Assignment.need_id.in_(ids), Assignment.state.in_(ACTIVE_ASSIGNMENT_STATES))
        .order_by(Assignment.id)
    ).scalars()
    return {(a.need_id, a.volunteer_id): a for a in rows}
