"""The scheduler's clock: real time in production, a hand-set one in tests and ``jobs run --on``.

Jobs never call ``date.today()``: they read ``ctx.today``/``ctx.now`` from the clock the
runner hands them, so a test can put the whole system on any day without sleeping, and
an administrator can re-run a job "as of" a past day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol
from zoneinfo import ZoneInfo

# The city's calendar decides "today", working days and cron times (APScheduler is
# given the same zone explicitly: reliability-security-anchors §5.8).
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
CONFIG_KEY = "SCHEDULER_CLOCK"


class Clock(Protocol):
    """What jobs may ask about time."""

    def now(self) -> dt.datetime:
        """The current instant, timezone-aware (UTC)."""

    def today(self) -> dt.date:
        """Today's date in Daqing."""


class SystemClock:
    """Real time."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def today(self) -> dt.date:
        return self.now().astimezone(LOCAL_TZ).date()


class FixedClock:
    """A clock that stands still until moved: ``FixedClock(date(2026, 3, 2)).advance(days=7)``."""

    def __init__(self, when: dt.date | dt.datetime):
        self.set(when)

    def set(self, when: dt.date | dt.datetime) -> FixedClock:
        if isinstance(when, dt.datetime):
            if when.tzinfo is None:
                when = when.replace(tzinfo=LOCAL_TZ)
            self._now = when.astimezone(dt.timezone.utc)
        else:
            # a bare day means 08:00 local time that day: after the night's jobs, in office hours
            self._now = dt.datetime.combine(when, dt.time(8, 0), tzinfo=LOCAL_TZ).astimezone(dt.timezone.utc)
        return self

    def advance(self, **delta: float) -> FixedClock:
        self._now += dt.timedelta(**delta)
        return self

    def now(self) -> dt.datetime:
        return self._now

    def today(self) -> dt.date:
        return self._now.astimezone(LOCAL_TZ).date()


def clock_of(config: Any) -> Clock:
    """The clock configured for a platform (``config["SCHEDULER_CLOCK"]``), else real time."""
    clock = config.get(CONFIG_KEY) if hasattr(config, "get") else None
    return clock if clock is not None else SystemClock()
