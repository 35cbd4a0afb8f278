"""Volunteering tables: what the registry keeps beside core's ``volunteer`` row, the
responses to assignments, visits with their service hours, concerns and notifications.

They extend core's ``volunteer``/``assignment``/``person`` tables without changing them
(1:1 or 1:n side tables); core never imports this module except through the one import
line at the end of :mod:`core.models`, so the metadata is complete for Alembic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

VISIT_MODES = ("home", "phone", "video")
# How the volunteer found the person: a short scale a volunteer can pick on a phone.
PERSON_STATES = ("well", "stable", "worse", "urgent")
CONFIRMATIONS = ("confirmed", "pending", "rejected")
ASSIGNMENT_EVENTS = ("accepted", "declined", "released")
# S12 Art. 11 / S9 §4(1): the three mandatory-report triggers, plus an ordinary risk signal.
CONCERN_KINDS = ("risk", "child_alone_or_missing", "guardian_unable", "suspected_abuse")
MANDATORY_KINDS = ("child_alone_or_missing", "guardian_unable", "suspected_abuse")
CONCERN_STATES = ("open", "acknowledged", "closed")


def _enum(name: str, *values: str) -> Enum:
    # Same portable enums as core: a CHECK constraint, no native type.
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


class VolunteerProfile(Base):
    """Registry facts that core's ``volunteer`` row does not hold (1:1).

    S14 Art. 5 lists "service categories" among the basic registration fields; S14 Art. 6
    lets an organisation enter the data only with the volunteer's consent.
    """

    __tablename__ = "volunteer_profile"

    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), primary_key=True)
    service_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    data_entry_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    applied_on: Mapped[dt.date | None] = mapped_column(Date)
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    state_note: Mapped[str] = mapped_column(Text, default="")


class VolunteerCertification(Base):
    """A qualification with its expiry, e.g. a psychological counsellor certificate (S13 Art. 16)."""

    __tablename__ = "volunteer_certification"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(64), default="")
    issuer: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)


class VolunteerInsurance(Base):
    """Personal accident insurance, required before tasks with a risk of injury (S13 Art. 17)."""

    __tablename__ = "volunteer_insurance"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    insurer: Mapped[str] = mapped_column(String(100), default="")
    policy_number: Mapped[str] = mapped_column(String(64), default="")
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)


class VolunteerConsent(Base):
    """A guardian's consent for a volunteer under 18 (Civil Code Art. 19; domain-rules §9)."""

    __tablename__ = "volunteer_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    guardian_name: Mapped[str] = mapped_column(String(100))
    guardian_relation: Mapped[str] = mapped_column(String(32), default="")
    guardian_phone: Mapped[str | None] = mapped_column(String(20))
    given_on: Mapped[dt.date] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class VolunteerBackgroundCheck(Base):
    """One criminal-record query (入职查询, S12 Art. 62): at onboarding and every year after.

    The latest row is mirrored onto ``volunteer.background_checked_on``/``_clear``, which
    the matcher reads; this table keeps the history.
    """

    __tablename__ = "volunteer_background_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    checked_on: Mapped[dt.date] = mapped_column(Date)
    clear: Mapped[bool] = mapped_column(Boolean)
    reference: Mapped[str] = mapped_column(String(100), default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssignmentEvent(Base):
    """A volunteer's answer to an assignment, or its release on pause/leave, with the reason
    or hand-over note. The matcher reads the ``assignment`` row's state; this is the why."""

    __tablename__ = "assignment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    kind: Mapped[str] = mapped_column(_enum("assignment_event_kind", *ASSIGNMENT_EVENTS))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Visit(Base):
    """A logged visit and its service hours (S14 Art. 4, 11: activity, date, content, hours).

    Entered more than 10 working days after the activity, it waits for a coordinator's
    confirmation before its hours count (S14 Art. 11).
    """

    __tablename__ = "visit"
    __table_args__ = (CheckConstraint("minutes > 0 AND minutes <= 1440", name="minutes_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    visited_on: Mapped[dt.date] = mapped_column(Date, index=True)
    mode: Mapped[str] = mapped_column(_enum("visit_mode", *VISIT_MODES))
    minutes: Mapped[int] = mapped_column(Integer)
    activities: Mapped[str] = mapped_column(Text, default="")
    person_state: Mapped[str] = mapped_column(_enum("visit_person_state", *PERSON_STATES))
    state_note: Mapped[str] = mapped_column(Text, default="")
    record_due_on: Mapped[dt.date] = mapped_column(Date)
    confirmation: Mapped[str] = mapped_column(_enum("visit_confirmation", *CONFIRMATIONS), default="confirmed",
                                              index=True)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Concern(Base):
    """A risk signal raised by a volunteer; for a child, a mandatory report (强制报告, S12 Art. 11)
    escalated at once with its timestamp."""

    __tablename__ = "concern"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    board: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(_enum("concern_kind", *CONCERN_KINDS))
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(_enum("concern_status", *CONCERN_STATES), default="open", index=True)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Notification(Base):
    """A message to one user, or to every staff member of a board when ``user_id`` is empty."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    board: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
