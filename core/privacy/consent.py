"""Consent records: give, withdraw, and the one question every sharing path asks.

The ``consent`` table is the single source of truth for both kinds of consent. The
volunteering module's older ``recipient_consent`` check now reads it
(``core.volunteering.services.recipient_consent_in_force`` delegates to
:func:`shares_with_volunteers`); migration 0009 copied its rows here and 0016 dropped the
old ``recipient_consent`` table (after carrying over any row 0009 could not see).

Rules (PIPL Art. 13-15, 23, 29-31; domain-rules §10, §12.6):

* sensitive data and sharing with the care boards' volunteers are separate consents;
* a person under 14 (age from the birth date on the day) consents through a guardian;
* withdrawal is at once: a consent withdrawn today is no longer in force today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.idnumber import age_on
from core.models import AuditEvent, Person
from core.privacy.models import CONSENT_KINDS, GIVERS, LEGAL_BASES, Consent

GUARDIAN_AGE = 14  # PIPL Art. 31: under 14, a parent's or guardian's consent


class ConsentError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def needs_guardian(person: Person, on: dt.date) -> bool:
    return age_on(person.birth_date, on) < GUARDIAN_AGE


def _in_force(kind: str, on: dt.date) -> Any:
    return (Consent.kind == kind) & (Consent.given_on <= on) & or_(Consent.withdrawn_on.is_(None),
                                                                   Consent.withdrawn_on > on)


def in_force(session: Session, person_id: int, kind: str, on: dt.date) -> Consent | None:
    return session.execute(select(Consent).where(Consent.person_id == person_id, _in_force(kind, on))
                           .order_by(Consent.given_on.desc(), Consent.id.desc())).scalars().first()


def withdrawn(session: Session, person_id: int, kind: str, on: dt.date) -> bool:
    """A consent of ``kind`` was given and withdrawn, and none is in force now."""
    if in_force(session, person_id, kind, on) is not None:
        return False
    return session.execute(select(Consent.id).where(
        Consent.person_id == person_id, Consent.kind == kind, Consent.withdrawn_on.is_not(None),
        Consent.withdrawn_on <= on)).first() is not None


def shares_with_volunteers(session: Session, person_id: int, on: dt.date, *, child: bool = True) -> bool:
    """May the matched volunteer see this person's minimum data on ``on``?

    A child (or anyone the volunteering module treats as child-facing) needs a consent in
    force, for an under-14 given by a guardian. An adult is shared with unless they have
    withdrawn (or refused) the sharing consent; withdrawal stops it at once.
    """
    if child:
        row = in_force(session, person_id, "share_with_volunteers", on)
        if row is None:
            return False
        person = session.get(Person, person_id)
        if person is not None and needs_guardian(person, on) and row.given_by != "guardian":
            return False
        return True
    return not withdrawn(session, person_id, "share_with_volunteers", on)


def shares_with_volunteers_many(session: Session, persons: Iterable[Person], on: dt.date) -> dict[int, tuple[bool, bool]]:
    """:func:`shares_with_volunteers` for many people in one query (a volunteer's page of cards).

    Answers ``{person_id: (as a child, as an adult)}`` with exactly the rules of
    :func:`shares_with_volunteers` (``child=True`` and ``child=False``): the consent in force
    is the latest given (then highest id) not withdrawn on ``on``; a child under 14 needs it
    given by a guardian; an adult is shared with unless a withdrawal and no consent in force.
    """
    people = {p.id: p for p in persons}
    rows: dict[int, list[Consent]] = {pid: [] for pid in people}
    if people:
        for row in session.execute(select(Consent).where(
                Consent.person_id.in_(sorted(people)), Consent.kind == "share_with_volunteers")).scalars():
            rows[row.person_id].append(row)
    answers: dict[int, tuple[bool, bool]] = {}
    for pid, consents in rows.items():
        current = [c for c in consents if c.given_on <= on and (c.withdrawn_on is None or c.withdrawn_on > on)]
        row = max(current, key=lambda c: (c.given_on, c.id)) if current else None
        as_child = row is not None and not (needs_guardian(people[pid], on) and row.given_by != "guardian")
        as_adult = row is not None or not any(c.withdrawn_on is not None and c.withdrawn_on <= on for c in consents)
        answers[pid] = (as_child, as_adult)
    return answers


def give(session: Session, actor_id: int | None, person: Person, kind: str, *, given_on: dt.date,
         given_by: str = "self", guardian_person_id: int | None = None, guardian_name: str = "",
         legal_basis: str = "consent", note: str = "") -> Consent:
    if kind not in CONSENT_KINDS:
        raise ConsentError("bad_kind", f"unknown consent kind {kind!r}")
    if legal_basis not in LEGAL_BASES:
        raise ConsentError("bad_basis", f"unknown legal basis {legal_basis!r}")
    if given_by not in GIVERS:
        raise ConsentError("bad_giver", f"unknown giver {given_by!r}")
    guardian_name = (guardian_name or "").strip()
    if needs_guardian(person, given_on) and (given_by != "guardian" or not (guardian_person_id or guardian_name)):
        raise ConsentError("guardian_required", "a child under 14 consents through a parent or guardian (PIPL Art. 31)")
    if given_by == "guardian" and not (guardian_person_id or guardian_name):
        raise ConsentError("guardian_required", "name the guardian who gives the consent")
    if guardian_person_id is not None and session.get(Person, guardian_person_id) is None:
        raise ConsentError("bad_guardian", "no such guardian")
    row = Consent(person_id=person.id, kind=kind, legal_basis=legal_basis, given_by=given_by,
                  guardian_person_id=guardian_person_id if given_by == "guardian" else None,
                  guardian_name=guardian_name if given_by == "guardian" else "", given_on=given_on, note=note or "",
                  recorded_by=actor_id)
    session.add(row)
    session.flush()
    session.add(AuditEvent(user_id=actor_id, action="consent_given", object_type="person", object_id=str(person.id),
                           reason=f"{kind} ({given_by}, {legal_basis}) consent #{row.id}"))
    return row


def withdraw(session: Session, actor_id: int | None, consent_id: int, *, on: dt.date, note: str = "") -> Consent:
    row = session.get(Consent, consent_id)
    if row is None:
        raise ConsentError("missing", "no such consent")
    if row.withdrawn_on is not None:
        raise ConsentError("already_withdrawn", "this consent has already been withdrawn")
    row.withdrawn_on = max(on, row.given_on)
    row.withdrawn_by = actor_id
    if note:
        row.note = (row.note + "\n" if row.note else "") + note
    session.add(AuditEvent(user_id=actor_id, action="consent_withdrawn", object_type="person",
                           object_id=str(row.person_id), reason=f"{row.kind} consent #{row.id}"))
    return row


def for_people(session: Session, person_ids: list[int]) -> list[Consent]:
    if not person_ids:
        return []
    return list(session.execute(select(Consent).where(Consent.person_id.in_(person_ids))
                                .order_by(Consent.person_id, Consent.given_on, Consent.id)).scalars())


def household_context(session: Session, viewer: Any, household: Any) -> dict[str, Any]:
    """What the household page's consent section needs: the rows, and whether the viewer
    may record consent (staff of a board: admin, board staff, coordinators)."""
    from flask import current_app

    members = list(household.members)
    routes = "privacy.give_consent" in current_app.view_functions
    today = dt.date.today()
    return {
        "consent_rows": for_people(session, [p.id for p in members]),
        "consent_people": {p.id: p for p in members},
        "consent_needs_guardian": {p.id: needs_guardian(p, today) for p in members},
        "consent_may_edit": routes and getattr(viewer, "role", "") in ("admin", "board_staff", "coordinator"),
        "consent_kinds": CONSENT_KINDS,
        "consent_bases": LEGAL_BASES,
        "consent_today": today,
    }
