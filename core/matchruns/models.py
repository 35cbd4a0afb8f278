"""Match-run tables: a run's frozen instance and plan, per-board matching settings, the
optimistic-lock rows that make publishing race-free, and volunteer notifications.

A run stores the exact ``carematch.instance/1`` it solved and the ``carematch.plan/1`` it
got, so it can be exported, replayed and audited long after the database has moved on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, Enum, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

RUN_STATUSES = ("running", "draft", "failed", "published", "superseded")


def _enum(name: str, *values: str) -> Enum:
    # Portable enums, as in core.models: a CHECK constraint, no native type.
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


class MatchRun(Base):
    """One matching run over a scope (region prefix × boards × categories).

    ``running`` while the solver works in the background, then ``draft`` (or
    ``failed``); a draft becomes ``published`` or, when a coordinator re-runs it
    with pins or forbidden pairs, ``superseded`` by its child run.
    """

    __tablename__ = "match_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    boards: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every category
    status: Mapped[str] = mapped_column(_enum("match_run_status", *RUN_STATUSES), default="running", index=True)
    time_limit_s: Mapped[float] = mapped_column(Float, default=20.0)
    # background checks and ages are judged on this day (stored so a replay agrees)
    run_on: Mapped[dt.date] = mapped_column(Date)
    instance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    pinned: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[recipient, volunteer], …]
    forbidden: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # what was left out of the instance and why (no location, category "other", …)
    notes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # sha256 of the scope's needs, volunteers and assignments when the run started
    fingerprint: Mapped[str] = mapped_column(String(64))
    # match_scope_lock.version of this scope when the run started (optimistic lock)
    scope_version: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("match_run.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class MatchScopeLock(Base):
    """A counter per scope key, bumped by every publish in that scope.

    Keys are ``board:<board>`` (serialises every publish touching a board, so an
    overlapping scope's fingerprint is checked after the other publish committed)
    and ``scope:<region>:<boards>`` (a run remembers its version; a publish whose
    version moved on lost the race and is refused).
    """

    __tablename__ = "match_scope_lock"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("match_run.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class MatchSetting(Base):
    """A care board's matching weights and caps (defaults: spec/matching.md "Objective")."""

    __tablename__ = "match_setting"

    board: Mapped[str] = mapped_column(String(64), primary_key=True)
    max_km: Mapped[float] = mapped_column(Float, default=15.0)
    # upper bound on any volunteer's stated capacity; None: the volunteer's own figure
    capacity_cap: Mapped[int | None] = mapped_column(Integer)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class MatchNotification(Base):
    """What a publish changed for one volunteer: needs newly proposed and pairs ended."""

    __tablename__ = "match_notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_run.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
