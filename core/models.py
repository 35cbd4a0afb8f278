"""Core's shared model: regions, households and people, cases and plans, the ledger,
volunteers and assignments, users, audit, board settings and dated standards.

Field choices follow domain-rules §12.1–12.2. Money is integer fen; standards are
exact decimals; timestamps are UTC. Board tables live in the boards' own
``models.py`` with a ``<board>_`` prefix and may reference these tables, never the
other way round.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

# The household vocabularies are the assessment engine's, so a stored value is always one
# the rules understand (the engine is pure Python and imports nothing from here).
from core.assessment.snapshot import EMPLOYMENT_STATUSES as EMPLOYMENT
from core.assessment.snapshot import (
    EVENT_KINDS,
    EXPENDITURE_KINDS,
    HEATING_KINDS,
    INCLUSION_REASONS,
    INCOME_CATEGORIES,
)
from core.assessment.snapshot import LABOUR_CAPACITIES as LABOUR_CAPACITY
from core.assessment.snapshot import PARENT_STATUSES as PARENT_STATUS
from core.assessment.snapshot import STUDENT_LEVELS
from core.db import Base, DecimalText, Fen, UTCDateTime, utcnow
from core.privacy.columns import INDEX_LENGTH, EncryptedIdentifier, index_default, link_blind_index

# ID numbers are encrypted at rest; exact lookups and uniqueness go through a keyed blind
# index beside them (core.privacy.columns, migration 0011).
_PERSON_ID = EncryptedIdentifier(index="id_number_index")
_VOLUNTEER_ID = EncryptedIdentifier(index="id_number_index")
_CERTIFICATE_NUMBER = EncryptedIdentifier(index="number_index", context="disability_certificate.number")


def _enum(name: str, *values: str) -> Enum:
    # Portable enums: a CHECK constraint on both SQLite and PostgreSQL, no native type
    # to ALTER when a value is added later.
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


REGION_LEVELS = ("province", "city", "district", "county", "street", "town", "community", "village", "grid")
ROLES = ("admin", "board_staff", "coordinator", "volunteer", "grid_worker", "reviewer", "auditor")
AREA_TYPES = ("urban", "rural")
CASE_CHANNELS = ("application", "proxy", "discovery")
CARE_CATEGORIES = ("left_behind_child", "elderly_alone", "bereaved_family", "other")


class Region(Base):
    """The region tree with official codes (GB/T 2260 and NBS 9/12-digit codes, domain-rules §8.2)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[str] = mapped_column(_enum("region_level", *REGION_LEVELS))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    active_from: Mapped[dt.date | None] = mapped_column(Date)
    active_to: Mapped[dt.date | None] = mapped_column(Date)

    parent: Mapped[Region | None] = relationship(remote_side=[code])


class User(Base):
    """A person who logs in. Board staff and coordinators are bound to one board; scope is a region."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "role NOT IN ('board_staff', 'coordinator') OR board IS NOT NULL", name="board_bound_roles"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(_enum("user_role", *ROLES))
    board: Mapped[str | None] = mapped_column(String(64))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    phone: Mapped[str | None] = mapped_column(String(20))
    locale: Mapped[str] = mapped_column(String(8), default="zh")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # bumped on logout-everywhere, password change and disable: sessions carry it
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PluginSetting(Base):
    """Installed is not enabled: whether a board is on, and who last changed it."""

    __tablename__ = "plugin_setting"

    board: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Standard(Base):
    """A dated, regional policy figure (低保标准, 特困标准, approval limits …), domain-rules §12.1.

    Rows are never edited in place: a change closes the old row (``effective_to``) and
    adds a new one, so every past calculation can be reproduced.
    """

    __tablename__ = "standard"
    __table_args__ = (Index("ix_standard_lookup", "key", "region_code", "area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(String(12))
    area: Mapped[str] = mapped_column(_enum("standard_area", "urban", "rural", "all"))
    value: Mapped[Decimal] = mapped_column(DecimalText)
    unit: Mapped[str] = mapped_column(String(40))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    source_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("standard.id"))


class Household(Base):
    """A hukou household (户) with its members."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    area_type: Mapped[str] = mapped_column(_enum("area_type", *AREA_TYPES))
    address: Mapped[str] = mapped_column(String(255), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # S2 Art. 11: a near relative of staff is registered and filed separately
    near_relative_of_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    only_child_deceased: Mapped[bool] = mapped_column(Boolean, default=False)  # 失独
    # heating subsidies: central heating is paid per m² up to a cap, self-heating a flat range
    heating: Mapped[str | None] = mapped_column(_enum("heating_kind", *HEATING_KINDS))
    heated_area_m2: Mapped[Decimal | None] = mapped_column(DecimalText)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    members: Mapped[list[Person]] = relationship(back_populates="household", order_by="Person.id")
    assets: Mapped[list[AssetItem]] = relationship(back_populates="household", cascade="all, delete-orphan")
    expenditures: Mapped[list[ExpenditureItem]] = relationship(
        back_populates="household", cascade="all, delete-orphan"
    )
    events: Mapped[list[HardshipEvent]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="HardshipEvent.occurred_on"
    )

    __mapper_args__ = {"version_id_col": version}


class HardshipEvent(Base):
    """A sudden event that may call for emergency temporary assistance (S7 §2(1)): fire,
    accident, sudden grave illness, disaster."""

    __tablename__ = "hardship_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    kind: Mapped[str] = mapped_column(
        _enum("hardship_event_kind", *EVENT_KINDS)
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    loss_fen: Mapped[int] = mapped_column(Fen, default=0)
    description: Mapped[str] = mapped_column(String(200), default="")

    household: Mapped[Household] = relationship(back_populates="events")


class Person(Base):
    """A resident. Birth date and sex come from the ID number (domain-rules §12.2)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str | None] = mapped_column(_PERSON_ID)
    id_number_index: Mapped[str | None] = mapped_column(
        String(INDEX_LENGTH), unique=True, default=index_default("id_number", _PERSON_ID))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(_enum("sex", "M", "F"))
    phone: Mapped[str | None] = mapped_column(String(20))
    relation: Mapped[str] = mapped_column(String(32), default="head")  # 与户主关系
    included: Mapped[bool] = mapped_column(Boolean, default=True)
    inclusion_reason: Mapped[str] = mapped_column(_enum("inclusion_reason", *INCLUSION_REASONS), default="head")
    labour_capacity: Mapped[str] = mapped_column(_enum("labour_capacity", *LABOUR_CAPACITY), default="full")
    student_level: Mapped[str] = mapped_column(_enum("student_level", *STUDENT_LEVELS), default="none")
    entered_current_level_on: Mapped[dt.date | None] = mapped_column(Date)  # 升学: education grants
    employment: Mapped[str] = mapped_column(_enum("employment", *EMPLOYMENT), default="never")
    union_member: Mapped[bool] = mapped_column(Boolean, default=False)
    serious_illness: Mapped[bool] = mapped_column(Boolean, default=False)
    contracted_land: Mapped[bool] = mapped_column(Boolean, default=False)
    lives_alone: Mapped[bool] = mapped_column(Boolean, default=False)
    long_term_care: Mapped[bool] = mapped_column(Boolean, default=False)  # assessed need of long-term care
    # requests for rehabilitation or an assistive device (残联)
    service_requests: Mapped[list[str]] = mapped_column(JSON, default=list)
    father_status: Mapped[str | None] = mapped_column(_enum("father_status", *PARENT_STATUS))
    mother_status: Mapped[str | None] = mapped_column(_enum("mother_status", *PARENT_STATUS))
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    deceased_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[Household | None] = relationship(back_populates="members")
    guardian: Mapped[Person | None] = relationship(remote_side=[id])
    disabilities: Mapped[list[DisabilityCertificate]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    incomes: Mapped[list[IncomeItem]] = relationship(back_populates="person", cascade="all, delete-orphan")
    self_care: Mapped[list[SelfCareAssessment]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="SelfCareAssessment.assessed_on"
    )
    supporters: Mapped[list[Supporter]] = relationship(back_populates="person", cascade="all, delete-orphan")


class DisabilityCertificate(Base):
    """残疾人证: 20 characters = ID number + category 1-7 + grade 1-4 (domain-rules §8.3)."""

    __tablename__ = "disability_certificate"
    __table_args__ = (
        CheckConstraint("category BETWEEN 1 AND 7", name="category_range"),
        CheckConstraint("grade BETWEEN 1 AND 4", name="grade_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    number: Mapped[str] = mapped_column(_CERTIFICATE_NUMBER)  # embeds the holder's ID number
    number_index: Mapped[str] = mapped_column(
        String(INDEX_LENGTH), unique=True, default=index_default("number", _CERTIFICATE_NUMBER))
    category: Mapped[int] = mapped_column(Integer)
    grade: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="disabilities")


class IncomeItem(Base):
    """One of the five national income categories (S2 Art. 13), monthly, with an exemption reason."""

    __tablename__ = "income_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    category: Mapped[str] = mapped_column(_enum("income_category", *INCOME_CATEGORIES))
    description: Mapped[str] = mapped_column(String(200), default="")
    monthly_fen: Mapped[int] = mapped_column(Fen)
    employment_cost_fen: Mapped[int] = mapped_column(Fen, default=0)
    exempt_reason: Mapped[str | None] = mapped_column(String(64))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="incomes")


class AssetItem(Base):
    __tablename__ = "asset_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # deposit, securities, vehicle, house, …
    description: Mapped[str] = mapped_column(String(200), default="")
    value_fen: Mapped[int] = mapped_column(Fen)
    exempt: Mapped[bool] = mapped_column(Boolean, default=False)

    household: Mapped[Household] = relationship(back_populates="assets")


class ExpenditureItem(Base):
    """Rigid expenditure over the last 12 months (刚性支出, S5 Art. 5)."""

    __tablename__ = "expenditure_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    kind: Mapped[str] = mapped_column(_enum("expenditure_kind", *EXPENDITURE_KINDS))
    description: Mapped[str] = mapped_column(String(200), default="")
    amount_fen: Mapped[int] = mapped_column(Fen)
    incurred_on: Mapped[dt.date | None] = mapped_column(Date)

    household: Mapped[Household] = relationship(back_populates="expenditures")


class SelfCareAssessment(Base):
    """The six-item self-care assessment of S6 Art. 20-23; True means done independently."""

    __tablename__ = "self_care_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    eating: Mapped[bool] = mapped_column(Boolean)
    dressing: Mapped[bool] = mapped_column(Boolean)
    transferring: Mapped[bool] = mapped_column(Boolean)
    toileting: Mapped[bool] = mapped_column(Boolean)
    walking_indoors: Mapped[bool] = mapped_column(Boolean)
    bathing: Mapped[bool] = mapped_column(Boolean)
    assessor: Mapped[str] = mapped_column(String(100), default="")

    person: Mapped[Person] = relationship(back_populates="self_care")


class Supporter(Base):
    """A legal supporter (法定义务人) of a person and, if unable, the S6 Art. 8 reason."""

    __tablename__ = "supporter"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    relationship_kind: Mapped[str] = mapped_column(String(32))  # spouse, parent, child, grandparent, sibling
    able: Mapped[bool] = mapped_column(Boolean, default=True)
    unable_reason: Mapped[str | None] = mapped_column(String(64))

    person: Mapped[Person] = relationship(back_populates="supporters")


class Case(Base):
    """One household's way through intake, review, joint review, plan and evaluation.

    The board that receives it owns its review (首报负责制) and is its first reporter.
    """

    __tablename__ = "care_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    channel: Mapped[str] = mapped_column(_enum("case_channel", *CASE_CHANNELS))
    first_reporter_board: Mapped[str] = mapped_column(String(64), index=True)
    owner_board: Mapped[str] = mapped_column(String(64), index=True)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    stage: Mapped[str] = mapped_column(String(32), default="received", index=True)
    received_on: Mapped[dt.date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[list[Any] | None] = mapped_column(JSON)
    review_due_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    household: Mapped[Household] = relationship()
    subject: Mapped[Person | None] = relationship()
    responsible: Mapped[list[CaseResponsibility]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class CaseResponsibility(Base):
    """A board named responsible (责任主体) for a case by the joint review."""

    __tablename__ = "case_responsibility"
    __table_args__ = (UniqueConstraint("case_id", "board", name="one_per_board"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"), index=True)
    board: Mapped[str] = mapped_column(String(64), index=True)
    named_on: Mapped[dt.date] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="responsible")


class CarePlan(Base):
    """One person, one plan (一人一策): the measures decided for a case."""

    __tablename__ = "care_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"), unique=True)
    goals: Mapped[str] = mapped_column(Text, default="")
    review_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    measures: Mapped[list[PlanMeasure]] = relationship(back_populates="plan", cascade="all, delete-orphan")


class PlanMeasure(Base):
    """A material measure (programme enrolment with its amount) or a care measure (a need)."""

    __tablename__ = "plan_measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plan.id"), index=True)
    kind: Mapped[str] = mapped_column(_enum("measure_kind", "material", "care"))
    board: Mapped[str] = mapped_column(String(64), index=True)
    programme_key: Mapped[str | None] = mapped_column(String(100))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    monthly_fen: Mapped[int | None] = mapped_column(Fen)
    one_off_fen: Mapped[int | None] = mapped_column(Fen)
    start_month: Mapped[dt.date | None] = mapped_column(Date)  # first day of the month
    end_month: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(_enum("measure_status", "active", "ended"), default="active")

    plan: Mapped[CarePlan] = relationship(back_populates="measures")


class Need(Base):
    """A care need that feeds the matcher: who needs what kind of volunteer, how urgently."""

    __tablename__ = "care_need"
    __table_args__ = (
        CheckConstraint("risk BETWEEN 1 AND 3", name="risk_range"),
        CheckConstraint("volunteers_needed IN (1, 2)", name="team_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("care_case.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    board: Mapped[str] = mapped_column(String(64), index=True)
    need_type: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(_enum("care_category", *CARE_CATEGORIES))
    risk: Mapped[int] = mapped_column(Integer, default=2)
    required_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs_background_check: Mapped[bool] = mapped_column(Boolean, default=False)
    gender_pref: Mapped[str | None] = mapped_column(String(1))
    gender_hard: Mapped[bool] = mapped_column(Boolean, default=False)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    language_hard: Mapped[bool] = mapped_column(Boolean, default=False)
    slots: Mapped[list[str]] = mapped_column(JSON, default=list)
    volunteers_needed: Mapped[int] = mapped_column(Integer, default=1)
    visit_every_days: Mapped[int] = mapped_column(Integer, default=30)
    status: Mapped[str] = mapped_column(
        _enum("need_status", "proposed", "approved", "ended"), default="proposed", index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship()


class Volunteer(Base):
    """A registered volunteer of a care board (志愿服务条例 Art. 7; S14 Art. 5 fields)."""

    __tablename__ = "volunteer"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    board: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str | None] = mapped_column(_VOLUNTEER_ID)
    id_number_index: Mapped[str | None] = mapped_column(
        String(INDEX_LENGTH), unique=True, default=index_default("id_number", _VOLUNTEER_ID))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(_enum("volunteer_sex", "M", "F"))
    phone: Mapped[str | None] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    slots: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    max_km: Mapped[float | None] = mapped_column(Float)
    # 未成年人保护法 Art. 62: checked at onboarding and re-checked every year
    background_checked_on: Mapped[dt.date | None] = mapped_column(Date)
    background_check_clear: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(
        _enum("volunteer_state", "applied", "approved", "active", "paused", "left"), default="applied", index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assignment(Base):
    """A volunteer caring for a need, from a published match or by hand."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("care_need.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    state: Mapped[str] = mapped_column(
        _enum("assignment_state", "proposed", "accepted", "declined", "ended"), default="proposed", index=True
    )
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    need: Mapped[Need] = relationship()
    volunteer: Mapped[Volunteer] = relationship()


class LedgerEntry(Base):
    """台账: every decision, enrolment, payment, visit and change for a person, append-only.

    Nothing is edited in place; a correction is a new entry whose ``corrects_id``
    names the old one (enforced below and by a test).
    """

    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("care_case.id"), index=True)
    board: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    amount_fen: Mapped[int | None] = mapped_column(Fen)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))


class AuditEvent(Base):
    """Who did or read what, when and why; append-only like the ledger."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))  # login, read_person, export, board_enable …
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    remote_addr: Mapped[str | None] = mapped_column(String(64))


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a ledger or audit row."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_append_only_rows(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, (LedgerEntry, AuditEvent)) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError(
                f"{type(obj).__name__} {obj.id} 只能追加, 不能修改或删除 (is append-only: add a correcting entry instead)"
            )
from core.casework import models as _casework_models  # noqa: E402,F401
from core.matchruns import models as _matchruns_models  # noqa: E402,F401
from core.volunteering import models as _volunteering_models  # noqa: E402,F401
from core.excel import models as _excel_models  # noqa: E402,F401
from core.scheduler import models as _scheduler_models  # noqa: E402,F401
from core import security_models as _security_models  # noqa: E402,F401
from core.funds import models as _funds_models  # noqa: E402,F401
from core.privacy import models as _privacy_models  # noqa: E402,F401


link_blind_index(Person.id_number, "id_number_index")
link_blind_index(Volunteer.id_number, "id_number_index")
link_blind_index(DisabilityCertificate.number, "number_index")
