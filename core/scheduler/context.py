"""What a job receives: :class:`JobContext` (exported to boards as ``core.api.JobContext``).

A job is a function of one argument, the context. It reads time from ``ctx.today`` /
``ctx.now`` (never the system clock), works in ``ctx.session`` (the runner commits once
when the job returns, or rolls back when it raises: a job never commits), and reports
through ``ctx.warn(...)``, which raises each warning once per dedup key, so a job run
twice for the same period changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.scheduler.clock import Clock
from core.scheduler.models import EarlyWarning
from core.scheduler.warnings import raise_warning


@dataclass
class JobContext:
    """One run of one job: the platform, a session, the clock, the board, the period.

    ``since`` is the first day this run covers: the day after the last successful run's
    day, or None when the job never ran. After downtime a single catch-up run therefore
    covers the whole missed range (see ``core.scheduler.service``); jobs that look back
    (reports due, standards taking effect) use :meth:`window_start`.
    """

    platform: Any
    session: Session
    clock: Clock
    job_id: str
    board: str | None
    period_key: str
    since: dt.date | None = None
    trigger: str = "manual"
    created: int = 0
    notes: list[str] = field(default_factory=list)
    _enabled: set[str] | None = None

    # -- time ---------------------------------------------------------------------------------

    @property
    def today(self) -> dt.date:
        """Today in Daqing, by the run's clock."""
        return self.clock.today()

    @property
    def now(self) -> dt.datetime:
        """Now (UTC, timezone-aware), by the run's clock."""
        return self.clock.now()

    def window_start(self, default_days: int) -> dt.date:
        """The first day to look at: ``since`` when the job ran before, else ``default_days`` back."""
        if self.since is not None and self.since <= self.today:
            return self.since
        return self.today - dt.timedelta(days=default_days)

    # -- the platform ---------------------------------------------------------------------------

    @property
    def sessions(self) -> Any:
        """The session factory, for work that must commit on its own (rarely needed)."""
        return self.platform.sessions

    @property
    def boards(self) -> Any:
        """The plugin host (``core.plugins.BoardHost``)."""
        return self.platform.boards

    def enabled_boards(self) -> set[str]:
        """The enabled boards, read once per run."""
        if self._enabled is None:
            self._enabled = set(self.platform.boards.enabled(self.session))
        return self._enabled

    def standard(self, key: str, default: Any, *, region_code: str | None = None,
                 on: dt.date | None = None) -> Decimal:
        """A stored standard in force on ``on`` (default today) for the region, else ``default``.

        Standards are dated regional data (domain-rules §12.1): the most specific region
        whose code covers ``region_code`` wins; a malformed value falls back to the default.
        """
        return standard_value(self.session, key, on or self.today, default, region_code=region_code)

    # -- reporting -------------------------------------------------------------------------------

    def warn(self, kind: str, key: str, **fields: Any) -> EarlyWarning | None:
        """Raise a warning once: ``key`` names the situation (``f"need:{id}:due:{day}"``).

        The stored dedup key is ``<board or core>:<kind>:<key>``; ``board`` defaults to the
        job's board. Other keyword arguments are those of
        :func:`core.scheduler.warnings.raise_warning` (params, audience, region_code,
        case_id, person_id, addressee_id, level, action, due_on, object_type, object_id).
        Returns the new warning, or None when it was already raised.
        """
        fields.setdefault("board", self.board)
        owner = fields["board"] or "core"
        warning = raise_warning(self.session, kind=kind, dedup_key=f"{owner}:{kind}:{key}", job_id=self.job_id,
                                period_key=self.period_key, **fields)
        if warning is not None:
            self.created += 1
        return warning

    def note(self, text: str) -> None:
        """Add a line to the run's summary (shown on the jobs page)."""
        self.notes.append(text)

    @property
    def checks(self) -> Any:
        """The standard checks a board job can run for its own board (:class:`core.scheduler.checks.BoardChecks`)."""
        from core.scheduler.checks import BoardChecks

        if not self.board:
            raise RuntimeError("checks are for board jobs; core jobs call core.scheduler.jobs directly")
        return BoardChecks(self)


def standard_value(session: Session, key: str, on: dt.date, default: Any, *,
                   region_code: str | None = None) -> Decimal:
    """The value of standard ``key`` in force on ``on`` for ``region_code`` (most specific region wins)."""
    from core.models import Standard

    rows = session.execute(
        select(Standard).where(Standard.key == key, Standard.effective_from <= on)
        .where((Standard.effective_to.is_(None)) | (Standard.effective_to >= on))
    ).scalars().all()
    best: tuple[tuple[int, dt.date, int], Any] | None = None
    for row in rows:
        prefix = (row.region_code or "").rstrip("0")
        if region_code and not region_code.startswith(prefix):
            continue
        # the most specific region, then the latest start (a row not closed yet by its successor)
        rank = (len(prefix), row.effective_from, row.id)
        if best is None or rank > best[0]:
            best = (rank, row.value)
    try:
        return Decimal(best[1]) if best is not None else Decimal(str(default))
    except (InvalidOperation, TypeError, ValueError):
        return Decimal(str(default))
