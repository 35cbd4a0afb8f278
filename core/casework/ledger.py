"""The ledger (台账): append-only, per person and per household (domain-rules §11: "一人一档案").

Every casework service writes through :func:`append`; a correction is a new entry that
names the old one (:func:`correct`). Core's ``before_flush`` listener refuses any
update or delete of a ledger row.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.models import Case, LedgerEntry

KINDS = (
    "intake",
    "separate_filing",
    "step",
    "submitted",
    "extension",
    "decision",
    "responsible",
    "written_notice",
    "plan",
    "enrolment",
    "care_need",
    "measure_changed",
    "measure_ended",
    "payment",
    "visit",
    "assignment",
    "referral",
    "referral_answer",
    "evaluation",
    "member_death",
    "removal",
    "handover",
    "correction",
    "public_notice",
    "objection",
    "reinvestigation",
)


class Actor(Protocol):
    """Who acts: a ``core.auth.SessionUser`` or a ``core.models.User``."""

    id: int
    role: str
    board: str | None


def append(
    session: Session,
    *,
    kind: str,
    summary: str,
    actor: Actor | None,
    case: Case | None = None,
    household_id: int | None = None,
    person_id: int | None = None,
    board: str | None = None,
    amount_fen: int | None = None,
    data: dict[str, Any] | None = None,
    corrects_id: int | None = None,
) -> LedgerEntry:
    """Add one ledger entry; household and person default to the case's."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    if case is not None:
        household_id = household_id if household_id is not None else case.household_id
        person_id = person_id if person_id is not None else case.subject_id
    entry = LedgerEntry(
        household_id=household_id,
        person_id=person_id,
        case_id=case.id if case is not None else None,
        board=board if board is not None else (actor.board if actor is not None else None),
        kind=kind,
        summary=summary,
        amount_fen=amount_fen,
        data=data or {},
        actor_id=actor.id if actor is not None else None,
        corrects_id=corrects_id,
    )
    session.add(entry)
    session.flush()
    return entry


def correct(session: Session, actor: Actor, entry_id: int, summary: str, *, amount_fen: int | None = None,
            data: dict[str, Any] | None = None) -> LedgerEntry:
    """Correct an entry: a new entry referencing the old one; the old one stays as it was."""
    old = session.get(LedgerEntry, entry_id)
    if old is None:
        from core.casework.services import TransitionError

        raise TransitionError(f"没有台账记录 {entry_id}", f"no ledger entry {entry_id}")
    entry = LedgerEntry(
        household_id=old.household_id,
        person_id=old.person_id,
        case_id=old.case_id,
        board=old.board,
        kind="correction",
        summary=summary,
        amount_fen=amount_fen,
        data={"corrects_kind": old.kind, **(data or {})},
        actor_id=actor.id,
        corrects_id=old.id,
    )
    session.add(entry)
    session.flush()
    return entry


def for_case(session: Session, case_id: int) -> list[LedgerEntry]:
    """The case's timeline, oldest first."""
    return list(session.execute(
        select(LedgerEntry).where(LedgerEntry.case_id == case_id).order_by(LedgerEntry.at, LedgerEntry.id)
    ).scalars())


def for_person(session: Session, person_id: int) -> list[LedgerEntry]:
    """Every entry about one person, oldest first."""
    return list(session.execute(
        select(LedgerEntry).where(LedgerEntry.person_id == person_id).order_by(LedgerEntry.at, LedgerEntry.id)
    ).scalars())


def for_household(session: Session, household_id: int) -> list[LedgerEntry]:
    """Every entry about a household or any of its cases, oldest first."""
    case_ids = select(Case.id).where(Case.household_id == household_id)
    return list(session.execute(
        select(LedgerEntry)
        .where(or_(LedgerEntry.household_id == household_id, LedgerEntry.case_id.in_(case_ids)))
        .order_by(LedgerEntry.at, LedgerEntry.id)
    ).scalars())
