"""Scheduler tables: warnings (the per-user inbox), the record of every job run, the
monitoring baseline that early warnings compare against, and APScheduler's own job store.

``scheduler_job`` is APScheduler 3.11's ``SQLAlchemyJobStore`` table (id, next run time,
pickled job state), declared here and created by migration ``0005_scheduler`` so that
Alembic owns the whole schema: the job store's ``create(checkfirst=True)`` then finds it
and does nothing, the web processes never need CREATE rights, and ``downgrade base``
leaves no stray table (reliability-security-anchors §5.8: "treat the table as code").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, Enum, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

WARNING_STATES = ("open", "acknowledged", "resolved")
WARNING_LEVELS = ("info", "warning", "urgent")
# S8 §3(4) names the four ways to handle a monitoring warning (apply, refer, joint review,
# verify and terminate); the others are the scheduler's own follow-ups.
SUGGESTED_ACTIONS = (
    "apply_programme",
    "refer",
    "joint_review",
    "verify_termination",
    "re_assess",
    "visit",
    "re_match",
    "renew",
    "file_report",
    "follow_up",
)
RUN_TRIGGERS = ("schedule", "catch_up", "manual", "cli")
RUN_OUTCOMES = ("running", "ok", "error", "skipped")


def _enum(name: str, *values: str) -> Enum:
    # Same portable enums as core.models: a CHECK constraint, no native type.
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


class EarlyWarning(Base):
    """One early warning (预警) for the people who must act on it.

    Who sees it: ``board`` (None: every board), ``audience`` (a role, None: every staff
    role of that board), ``region_code`` (the users whose region covers it) and
    ``addressee_id`` (one user who always sees it, e.g. the grid worker whose report is
    missing). The text is a message template chosen by ``kind`` with ``params``, so it is
    shown in the reader's language. ``dedup_key`` is unique: a job that runs again for the
    same period finds its warning already there and adds nothing.
    """

    __tablename__ = "warning"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    board: Mapped[str | None] = mapped_column(String(64), index=True)
    audience: Mapped[str | None] = mapped_column(String(32))
    region_code: Mapped[str | None] = mapped_column(String(12), index=True)
    addressee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("care_case.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(_enum("warning_level", *WARNING_LEVELS), default="warning")
    action: Mapped[str | None] = mapped_column(_enum("warning_action", *SUGGESTED_ACTIONS))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    dedup_key: Mapped[str] = mapped_column(String(240), unique=True)
    job_id: Mapped[str | None] = mapped_column(String(120))
    period_key: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(_enum("warning_state", *WARNING_STATES), default="open", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution_note: Mapped[str] = mapped_column(Text, default="")


class JobRun(Base):
    """One run of one job: when, for which period, how it ended and what it found.

    ``claim_key`` (``<job id>@<period>``) is unique and set only for scheduled and
    catch-up runs, so a second scheduler process, a coalesce edge or a restart inside the
    misfire grace cannot run the same job twice for the same period
    (reliability-security-anchors §5.8). A failed run gives its claim back so the
    period can be retried; manual runs claim nothing (their effects are deduplicated by
    the warnings' keys instead).
    """

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(120), index=True)
    board: Mapped[str | None] = mapped_column(String(64))
    period_key: Mapped[str] = mapped_column(String(32))
    claim_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    trigger: Mapped[str] = mapped_column(_enum("job_run_trigger", *RUN_TRIGGERS))
    # the day the job judged things on, and the first day its run covered (catch-up range)
    run_on: Mapped[dt.date] = mapped_column(Date)
    covered_from: Mapped[dt.date | None] = mapped_column(Date)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(_enum("job_run_outcome", *RUN_OUTCOMES), default="running")
    summary: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    warnings_created: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class MonitorBaseline(Base):
    """What the early-warning job saw of a household last time (income, expenditure,
    deaths, illness, jobs), so the next run warns about what changed since, once."""

    __tablename__ = "monitor_baseline"

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    taken_on: Mapped[dt.date] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SchedulerJob(Base):
    """APScheduler's job store row (``SQLAlchemyJobStore(tablename="scheduler_job")``).

    Never written by this code: APScheduler inserts, updates and deletes it. Column names
    and kinds match ``apscheduler/jobstores/sqlalchemy.py`` (3.11): ``id`` Unicode(191),
    ``next_run_time`` a float epoch, ``job_state`` the pickled job.
    """

    __tablename__ = "scheduler_job"

    id: Mapped[str] = mapped_column(String(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float, index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)
