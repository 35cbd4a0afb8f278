"""Casework tables: the recorded review steps, joint-review meetings and decisions, referrals,
the working-day calendar and its dated time limits, per-step deadlines, evaluations,
removals and grid workers' reports.

They extend core's ``care_case``/``care_plan``/``plan_measure``/``care_need`` without
changing them (DESIGN.md "Flow of a case"); every change they record is also written
to the append-only ledger by :mod:`core.casework.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Fen, UTCDateTime, utcnow
from core.models import Case

STEPS = ("pre_check", "impact_assessment", "home_visit", "document_check")
STEP_NAMES_ZH = {
    "pre_check": "信息初判",
    "impact_assessment": "影响评价",
    "home_visit": "入户见面",
    "document_check": "要件甄别",
}
TRACKS = ("dibao", "dibao_delegated", "tekun", "temporary", "rigid_expenditure", "other")
DAY_KINDS = ("holiday", "workday")
LIMIT_UNITS = ("working_days", "days", "months")
DECISIONS = ("include", "reject")
REFERRAL_STATES = ("pending", "accepted", "declined")
EVALUATION_KINDS = ("re_assessment", "effect")
GRID_REPORT_KINDS = ("periodic", "zero")


def _enum(name: str, *values: str) -> Enum:
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


class CaseDetail(Base):
    """Casework facts about a case that core's ``care_case`` does not hold: the review track
    (which time limit applies), the near-relative filing, the applicant or proxy, approval
    and the next re-evaluation."""

    __tablename__ = "case_detail"

    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"), primary_key=True)
    track: Mapped[str] = mapped_column(_enum("case_track", *TRACKS), default="other")
    # S2 Art. 22: 30 working days may be extended to 45 for objections, split hukou, hard investigations
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    # S2 Art. 11: a near relative of staff is registered and filed separately
    separately_filed: Mapped[bool] = mapped_column(Boolean, default=False)
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    proxy_name: Mapped[str] = mapped_column(String(100), default="")
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    next_evaluation_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship()


class CaseStep(Base):
    """One of the four review steps, recorded by the owning board. A step may be recorded
    again (e.g. a document check after missing papers arrive); the latest counts."""

    __tablename__ = "case_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"), index=True)
    step: Mapped[str] = mapped_column(_enum("case_step_kind", *STEPS))
    board: Mapped[str] = mapped_column(String(64))
    done_on: Mapped[dt.date] = mapped_column(Date)
    complete: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class JointReviewMeeting(Base):
    """A joint review meeting (联审联评): date, members by board, minutes."""

    __tablename__ = "joint_review_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    # [{"name": "王敏", "board": "civil_affairs"}, …]
    members: Mapped[list[Any]] = mapped_column(JSON, default=list)
    minutes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    decisions: Mapped[list[JointReviewDecision]] = relationship(
        back_populates="meeting", order_by="JointReviewDecision.id"
    )


class JointReviewDecision(Base):
    """A case included or rejected by a meeting, with reasons and the responsible boards."""

    __tablename__ = "joint_review_decision"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id", name="one_per_meeting"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("joint_review_meeting.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"), index=True)
    decision: Mapped[str] = mapped_column(_enum("joint_review_outcome", *DECISIONS))
    reasons: Mapped[str] = mapped_column(Text)
    boards: Mapped[list[str]] = mapped_column(JSON, default=list)
    decided_on: Mapped[dt.date] = mapped_column(Date)

    meeting: Mapped[JointReviewMeeting] = relationship(back_populates="decisions")


class Referral(Base):
    """A case passed from one board to another (转介), accepted or declined by the receiver."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"), index=True)
    from_board: Mapped[str] = mapped_column(String(64))
    to_board: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(_enum("referral_state", *REFERRAL_STATES), default="pending", index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    answer_note: Mapped[str] = mapped_column(Text, default="")


class Holiday(Base):
    """One day of the working-day calendar that differs from Monday–Friday: a public holiday
    (``holiday``) or a make-up working day on a weekend (``workday``, 调休). Edited by an
    administrator; the State Council publishes the next year's schedule each autumn."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(_enum("calendar_day_kind", *DAY_KINDS))
    name: Mapped[str] = mapped_column(String(100), default="")
    source_note: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TimeLimit(Base):
    """A dated time limit (S2 Art. 15 "within 3 working days" …): data, never a constant.

    Like standards, a row is never edited in place: a change closes the old row and adds
    a new one, so a deadline computed in the past can be reproduced.
    """

    __tablename__ = "time_limit"
    __table_args__ = (
        UniqueConstraint("key", "effective_from", name="key_from"),
        CheckConstraint("amount > 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(_enum("time_limit_unit", *LIMIT_UNITS))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    source_note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseDeadline(Base):
    """A due date of one step of one case, computed from a time limit and the calendar."""

    __tablename__ = "case_deadline"
    __table_args__ = (UniqueConstraint("case_id", "key", name="one_per_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    limit_key: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    done_on: Mapped[dt.date | None] = mapped_column(Date)


class CaseEvaluation(Base):
    """A re-assessment (does the household still qualify?) or an effect evaluation of the plan."""

    __tablename__ = "case_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"), index=True)
    kind: Mapped[str] = mapped_column(_enum("evaluation_kind", *EVALUATION_KINDS))
    evaluated_on: Mapped[dt.date] = mapped_column(Date)
    board: Mapped[str] = mapped_column(String(64))
    still_qualifies: Mapped[bool | None] = mapped_column(Boolean)
    effect: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[list[Any] | None] = mapped_column(JSON)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    next_due_on: Mapped[dt.date | None] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseRemoval(Base):
    """剔除: why the case leaves, when benefits stop, any grace period, any hand-over."""

    __tablename__ = "case_removal"
    __table_args__ = (CheckConstraint("grace_months BETWEEN 0 AND 6", name="grace_cap"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"), unique=True)
    board: Mapped[str] = mapped_column(String(64))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    ground: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    grace_months: Mapped[int] = mapped_column(Integer, default=0)
    stops_from: Mapped[dt.date] = mapped_column(Date)  # first day of the month benefits stop
    handover_board: Mapped[str | None] = mapped_column(String(64))
    handover_programme: Mapped[str | None] = mapped_column(String(100))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CareMeasureNeed(Base):
    """Links a care measure of a plan to the care need it feeds to the matcher."""

    __tablename__ = "care_measure_need"

    measure_id: Mapped[int] = mapped_column(ForeignKey("plan_measure.id"), primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("care_need.id"), unique=True)


class GridReport(Base):
    """A grid worker's periodic report; ``zero`` is the explicit "nothing to report" (零报告)."""

    __tablename__ = "grid_report"
    __table_args__ = (UniqueConstraint("reporter_id", "period", name="one_per_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    period: Mapped[dt.date] = mapped_column(Date)  # first day of the reported month
    kind: Mapped[str] = mapped_column(_enum("grid_report_kind", *GRID_REPORT_KINDS))
    note: Mapped[str] = mapped_column(Text, default="")
    case_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# -- public notices (公示) and objections -------------------------------------------------------

NOTICE_PURPOSES = ("preliminary_opinion", "termination")
NOTICE_STATES = ("posted", "objected")
# S2 Art. 24; S3 §4(2): only the applicant's name, the household size and the amount are published.
PUBLISHED_FIELDS = ("name", "household_size", "amount_fen")


class PublicNotice(Base):
    """A public notice (公示) of the township's preliminary opinion (S2 Art. 19; S6 Art. 14) or of
    a proposed termination (S6 Art. 25): where and when it is posted and exactly what it shows.

    ``ends_on`` is ``starts_on`` + the ``public_notice`` time limit (7 calendar days); the notice
    runs from ``starts_on`` up to, not including, ``ends_on``. An objection received in that
    window sets ``state`` to ``objected``: the case is re-investigated and a new notice posted.
    """

    __tablename__ = "public_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"), index=True)
    purpose: Mapped[str] = mapped_column(_enum("public_notice_purpose", *NOTICE_PURPOSES))
    board: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    # only the keys in PUBLISHED_FIELDS
    published: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # a termination notice: the proposed ground and reasons (not published)
    proposal: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(_enum("public_notice_state", *NOTICE_STATES), default="posted")
    posted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    posted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class NoticeObjection(Base):
    """An objection to a public notice (who, when, what) and the re-investigation that answers it."""

    __tablename__ = "notice_objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("public_notice.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"), index=True)
    objector: Mapped[str] = mapped_column(String(100))
    received_on: Mapped[dt.date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the re-investigation: None while open
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    founded: Mapped[bool | None] = mapped_column(Boolean)
    findings: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


# -- active discovery (主动发现): leads from the data comparison ------------------------------------

LEAD_STATES = ("open", "case_opened", "dismissed")


class DiscoveryLead(Base):
    """A household the latest data comparison (数据比对, job ``core:discovery_screening``) found
    eligible for a benefit it does not receive: a lead for the board's staff, who open a
    discovery case from it (主动发现) or dismiss it with a reason.

    Each run replaces the open leads; handled ones stay as the record of what was done, and
    a handled (household, programme) is not raised again for a year.
    """

    __tablename__ = "discovery_lead"

    id: Mapped[int] = mapped_column(primary_key=True)
    found_on: Mapped[dt.date] = mapped_column(Date, index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    board: Mapped[str] = mapped_column(String(64), index=True)
    programme_key: Mapped[str] = mapped_column(String(120))
    monthly_fen: Mapped[int] = mapped_column(Fen, default=0)
    one_off_fen: Mapped[int] = mapped_column(Fen, default=0)
    labels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(_enum("discovery_lead_state", *LEAD_STATES), default="open", index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("care_case.id"))
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    handled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
