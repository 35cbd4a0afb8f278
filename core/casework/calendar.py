"""The working-day calendar (public holidays and make-up working days, 调休) and the dated
time limits every casework step runs on (domain-rules §1.4, §3.2, §12.5).

A day is a working day when it is Monday–Friday and not a public holiday, or when it is
a make-up working day. "Within N working days of D" counts from the next working day
after D (the day of acceptance itself is not counted), so the due date is the N-th
working day after D.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.casework.models import Holiday, TimeLimit

# -- the shipped calendar -----------------------------------------------------------------
# Source: State Council General Office notices on the holiday arrangements for 2025
# (国办发明电〔2024〕12号) and 2026 (dated 4 November 2025). Administrators may correct any
# day on the calendar page; the same data is inserted by migration 0002_casework.

HOLIDAY_SOURCE_2025 = "国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号)"
# Checked day by day against the published notice (migration 0017 updates stored rows).
HOLIDAY_SOURCE_2026 = "国务院办公厅关于2026年部分节假日安排的通知 (2025年11月4日); checked against the published text"


@dataclass(frozen=True)
class HolidaySpan:
    name: str
    first: dt.date
    last: dt.date
    makeup: tuple[dt.date, ...]
    source: str


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


HOLIDAY_SPANS: tuple[HolidaySpan, ...] = (
    HolidaySpan("元旦", _d("2025-01-01"), _d("2025-01-01"), (), HOLIDAY_SOURCE_2025),
    HolidaySpan("春节", _d("2025-01-28"), _d("2025-02-04"), (_d("2025-01-26"), _d("2025-02-08")), HOLIDAY_SOURCE_2025),
    HolidaySpan("清明节", _d("2025-04-04"), _d("2025-04-06"), (), HOLIDAY_SOURCE_2025),
    HolidaySpan("劳动节", _d("2025-05-01"), _d("2025-05-05"), (_d("2025-04-27"),), HOLIDAY_SOURCE_2025),
    HolidaySpan("端午节", _d("2025-05-31"), _d("2025-06-02"), (), HOLIDAY_SOURCE_2025),
    HolidaySpan("国庆节、中秋节", _d("2025-10-01"), _d("2025-10-08"), (_d("2025-09-28"), _d("2025-10-11")),
                HOLIDAY_SOURCE_2025),
    HolidaySpan("元旦", _d("2026-01-01"), _d("2026-01-03"), (_d("2026-01-04"),), HOLIDAY_SOURCE_2026),
    HolidaySpan("春节", _d("2026-02-15"), _d("2026-02-23"), (_d("2026-02-14"), _d("2026-02-28")), HOLIDAY_SOURCE_2026),
    HolidaySpan("清明节", _d("2026-04-04"), _d("2026-04-06"), (), HOLIDAY_SOURCE_2026),
    HolidaySpan("劳动节", _d("2026-05-01"), _d("2026-05-05"), (_d("2026-05-09"),), HOLIDAY_SOURCE_2026),
    HolidaySpan("端午节", _d("2026-06-19"), _d("2026-06-21"), (), HOLIDAY_SOURCE_2026),
    HolidaySpan("中秋节", _d("2026-09-25"), _d("2026-09-27"), (), HOLIDAY_SOURCE_2026),
    HolidaySpan("国庆节", _d("2026-10-01"), _d("2026-10-07"), (_d("2026-09-20"), _d("2026-10-10")), HOLIDAY_SOURCE_2026),
)


def shipped_calendar_days() -> list[dict[str, object]]:
    """The shipped holidays and make-up working days as rows for the ``holiday`` table."""
    rows: list[dict[str, object]] = []
    for span in HOLIDAY_SPANS:
        day = span.first
        while day <= span.last:
            rows.append({"day": day, "kind": "holiday", "name": span.name, "source_note": span.source})
            day += dt.timedelta(days=1)
        for makeup in span.makeup:
            rows.append({"day": makeup, "kind": "workday", "name": f"{span.name}调休上班", "source_note": span.source})
    return rows


# -- the shipped time limits ----------------------------------------------------------------

LIMITS_FROM = dt.date(2021, 7, 1)  # S6 (特困人员认定办法) in force; S2 as revised 2021

SHIPPED_LIMITS: tuple[tuple[str, int, str, str], ...] = (
    ("investigation_start", 3, "working_days", "S2 Art. 15: township starts the investigation within 3 working days of acceptance"),
    ("review.dibao", 30, "working_days", "S2 Art. 22: dibao decided within 30 working days of acceptance"),
    ("review.dibao_delegated", 20, "working_days", "S2 Art. 22; S3 §4(1): 20 working days where approval is delegated to the township"),
    ("review.extended", 45, "working_days", "S2 Art. 22: extendable to 45 working days (objection, split hukou, hard investigation)"),
    ("review.tekun", 15, "working_days", "S6 Art. 13: township investigation and preliminary opinion within 15 working days"),
    ("county_review.tekun", 15, "working_days", "S6 Art. 15: county confirms within 15 working days"),
    ("county_review.dibao", 10, "working_days", "S2 Art. 20: the county decides within 10 working days of receiving the file"),
    ("review.rigid_expenditure", 30, "working_days", "domain-rules §12.5: rigid-expenditure decision within 30 (45) working days"),
    ("review.temporary", 30, "working_days", "no national figure for the full procedure; local default, edit as needed"),
    ("review.other", 30, "working_days", "no national rule for union/disabled/care boards: the dibao limit is used as the local default"),
    ("written_notice", 3, "working_days", "S2 Art. 21; S6 Art. 17: written reasons for a denial within 3 working days"),
    ("adl_reassessment", 10, "working_days", "S6 Art. 23: reassess self-care within 10 working days of a reported change"),
    ("public_notice", 7, "days", "S2 Art. 19; S6 Art. 14: public notice for 7 days"),
    ("recheck.stable", 12, "months", "S2 Art. 31: households whose situation changes little are re-checked once a year"),
    ("recheck.unstable", 6, "months", "S2 Art. 31: unstable income or members able to work: every 6 months"),
    ("recheck.death", 3, "months", "S3 §1(3): re-check within 3 months of a member's death"),
    ("grace_period.max", 6, "months", "S2 Art. 33; S3 §1(3): grace period in principle at most 6 months"),
    ("referral_answer", 5, "working_days", "local default: the receiving board answers a referral within 5 working days"),
    ("care_plan.review", 12, "months", "domain-rules §11: plan review date; local default 12 months"),
)


def shipped_time_limits() -> list[dict[str, object]]:
    """The shipped time limits as rows for the ``time_limit`` table."""
    return [
        {"key": k, "amount": n, "unit": unit, "effective_from": LIMITS_FROM, "effective_to": None, "source_note": note}
        for k, n, unit, note in SHIPPED_LIMITS
    ]


def seed_calendar(session: Session) -> int:
    """Insert shipped holidays and time limits that are missing (idempotent); returns how many."""
    added = 0
    known_days = set(session.execute(select(Holiday.day)).scalars())
    for row in shipped_calendar_days():
        if row["day"] not in known_days:
            session.add(Holiday(**row))
            added += 1
    known_limits = {(k, f) for k, f in session.execute(select(TimeLimit.key, TimeLimit.effective_from))}
    for row in shipped_time_limits():
        if (row["key"], row["effective_from"]) not in known_limits:
            session.add(TimeLimit(**row))
            added += 1
    session.flush()
    return added


# -- working days ----------------------------------------------------------------------------


class WorkingCalendar:
    """Working days from the stored calendar; load once per operation, then pure."""

    def __init__(self, holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = ()):
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)

    @classmethod
    def load(cls, session: Session) -> WorkingCalendar:
        rows = session.execute(select(Holiday.day, Holiday.kind)).all()
        return cls((d for d, k in rows if k == "holiday"), (d for d, k in rows if k == "workday"))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (``start`` itself is not counted)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        counted = 0
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def first_of_next_month(day: dt.date) -> dt.date:
    """Benefits start (S2 Art. 21) and stop (S6 Art. 26) from the month after the decision."""
    return add_months(day.replace(day=1), 1)


# -- grid report periods ------------------------------------------------------------------------
# One definition for casework (filing, the grid pages) and the scheduler's zero-report job, so
# the two never disagree on what "this period" is. The standard ``core.grid_report_every``
# (days) chooses the period: 7 = ISO weeks (Monday to Sunday), 30 = calendar months; with no
# stored row the period is weekly (the issue: "weekly by default").

GRID_REPORT_EVERY = "core.grid_report_every"
GRID_REPORT_EVERY_DEFAULT = 7
REPORT_PERIOD_KINDS = ("week", "month")


def grid_report_period(session: Session, on: dt.date, region_code: str | None = None) -> str:
    """"week" or "month": the grid report period in force on ``on`` (a value of 28 days or
    more means calendar months, anything less ISO weeks)."""
    from core.scheduler.context import standard_value

    every = standard_value(session, GRID_REPORT_EVERY, on, GRID_REPORT_EVERY_DEFAULT, region_code=region_code)
    return "month" if every >= 28 else "week"


def period_bounds(day: dt.date, kind: str) -> tuple[dt.date, dt.date]:
    """(first day, first day of the next period) of the ``kind`` period containing ``day``."""
    if kind == "month":
        start = day.replace(day=1)
        return start, add_months(start, 1)
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=7)
    raise ValueError(f"unknown report period {kind!r}")


def period_label(start: dt.date, kind: str) -> str:
    """``2026-03`` for a month, ``2026-W10`` for an ISO week."""
    return f"{start:%Y-%m}" if kind == "month" else f"{start:%G-W%V}"


def grid_report_bounds(session: Session, day: dt.date,
                       region_code: str | None = None) -> tuple[str, dt.date, dt.date]:
    """(kind, start, next start) of the grid report period containing ``day``."""
    kind = grid_report_period(session, day, region_code)
    return (kind, *period_bounds(day, kind))


# -- time limits -------------------------------------------------------------------------------


class MissingTimeLimit(LookupError):
    pass


def time_limit(session: Session, key: str, on: dt.date) -> TimeLimit:
    """The time limit ``key`` in force on ``on``."""
    row = session.execute(
        select(TimeLimit)
        .where(TimeLimit.key == key, TimeLimit.effective_from <= on)
        .where((TimeLimit.effective_to.is_(None)) | (TimeLimit.effective_to >= on))
        .order_by(TimeLimit.effective_from.desc())
    ).scalars().first()
    if row is None:
        raise MissingTimeLimit(f"没有生效的时限 {key} ({on}) (no time limit {key!r} is in force on {on})")
    return row


def due_date(session: Session, key: str, start: dt.date, cal: WorkingCalendar | None = None) -> dt.date:
    """When a step that starts on ``start`` and is governed by time limit ``key`` is due."""
    limit = time_limit(session, key, start)
    if limit.unit == "working_days":
        return (cal or WorkingCalendar.load(session)).add_working_days(start, limit.amount)
    if limit.unit == "days":
        return start + dt.timedelta(days=limit.amount)
    return add_months(start, limit.amount)


def set_time_limit(session: Session, key: str, amount: int, unit: str, effective_from: dt.date,
                   source_note: str, user_id: int | None) -> TimeLimit:
    """Change a time limit from ``effective_from``: the row in force is closed, a new one added."""
    if amount <= 0:
        raise ValueError("a time limit must be positive")
    current = session.execute(
        select(TimeLimit).where(TimeLimit.key == key, TimeLimit.effective_to.is_(None))
    ).scalars().first()
    if current is not None:
        if current.effective_from >= effective_from:
            raise ValueError("新时限的生效日期必须晚于现行时限 (the new limit must start after the one in force)")
        current.effective_to = effective_from - dt.timedelta(days=1)
    row = TimeLimit(key=key, amount=amount, unit=unit, effective_from=effective_from, source_note=source_note,
                    created_by=user_id)
    session.add(row)
    session.flush()
    return row


def set_calendar_day(session: Session, day: dt.date, kind: str | None, name: str, source_note: str,
                     user_id: int | None) -> None:
    """Mark ``day`` as a holiday or make-up working day, or (``kind=None``) back to ordinary."""
    row = session.execute(select(Holiday).where(Holiday.day == day)).scalar_one_or_none()
    if kind is None:
        if row is not None:
            session.delete(row)
        session.flush()
        return
    if kind not in ("holiday", "workday"):
        raise ValueError(f"unknown calendar day kind {kind!r}")
    if row is None:
        row = Holiday(day=day)
        session.add(row)
    row.kind, row.name, row.source_note, row.changed_by = kind, name, source_note, user_id
    from core.db import utcnow

    row.changed_at = utcnow()
    session.flush()
