"""Every scheduled job: core's own (``core:<job>``) and the boards' (``<board>:<job>``), from hooks.

Boards' jobs are collected from **every installed board**, enabled or not, and the
runner skips a disabled board's job at run time (recorded as "skipped: board
disabled"). So enabling or disabling a board in the web UI takes effect at the next run
without touching the scheduler process, and the jobs page shows what is switched off.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.boards import Job
from core.scheduler.clock import LOCAL_TZ

CORE = "core"
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
PERIODS = ("day", "week", "month", "run")


class JobError(LookupError):
    """An unknown job id, or a job a board declared wrongly."""


@dataclass(frozen=True)
class JobSpec:
    """A job as the scheduler sees it: its id, owner, function, trigger and idempotency period."""

    id: str
    board: str | None  # None: core's own job
    key: str
    func: Callable[..., Any]
    trigger: str = "cron"
    trigger_args: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    period: str = "day"

    def make_trigger(self) -> BaseTrigger:
        """The APScheduler trigger, always in Daqing time."""
        if self.trigger == "cron":
            return CronTrigger(timezone=LOCAL_TZ, **self.trigger_args)
        if self.trigger == "interval":
            return IntervalTrigger(timezone=LOCAL_TZ, **self.trigger_args)
        raise JobError(f"job {self.id}: trigger {self.trigger!r} is not supported (cron or interval)")

    def period_key(self, today: dt.date, now: dt.datetime | None = None) -> str:
        """The period a run on ``today`` belongs to: a second run in the same period is a repeat."""
        if self.period == "month":
            return f"{today:%Y-%m}"
        if self.period == "week":
            year, week, _ = today.isocalendar()
            return f"{year}-W{week:02d}"
        if self.period == "day":
            return today.isoformat()
        return (now or dt.datetime.now(dt.timezone.utc)).astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def infer_period(job: Job) -> str:
    """How often a job's work is due, from its trigger (or ``func.period`` when the board says).

    A cron job with ``day`` runs monthly, with ``day_of_week`` (and no ``day``) weekly,
    otherwise daily; an interval job by its length. Idempotency is judged per period.
    """
    explicit = getattr(job.func, "period", None)
    if explicit in PERIODS:
        return str(explicit)
    args = job.trigger_args or {}
    if job.trigger == "cron":
        if "day" in args or "month" in args:
            return "month"
        if "day_of_week" in args:
            return "week"
        if str(args.get("hour", "")).isdigit():
            return "day"
        return "run"  # several times a day
    if job.trigger == "interval":
        days = float(args.get("weeks", 0)) * 7 + float(args.get("days", 0))
        if days >= 28:
            return "month"
        if days >= 7:
            return "week"
        if days >= 1:
            return "day"
    return "run"


def spec_of(job: Job, owner: str | None) -> JobSpec:
    """Validate a board's (or core's) ``Job`` and give it its id ``<owner>:<key>``."""
    if not isinstance(job, Job):
        raise JobError(f"{owner or CORE}: register_jobs() must return core.api.Job objects, not {type(job).__name__}")
    if not _KEY.match(job.key):
        raise JobError(f"{owner or CORE}: job key {job.key!r} must be lower_case (the board prefix is added by core)")
    if not callable(job.func):
        raise JobError(f"{owner or CORE}:{job.key}: func is not callable")
    return JobSpec(id=f"{owner or CORE}:{job.key}", board=owner, key=job.key, func=job.func, trigger=job.trigger,
                   trigger_args=dict(job.trigger_args or {}), description=job.description, period=infer_period(job))


def collect_jobs(boards: Any) -> dict[str, JobSpec]:
    """Core's jobs then every installed board's, by id (refuses duplicates and bad declarations)."""
    from core.scheduler.jobs import CORE_JOBS

    specs: dict[str, JobSpec] = {}
    for job in CORE_JOBS:
        spec = spec_of(job, None)
        specs[spec.id] = spec
    for key in sorted(boards.installed):
        for answer in boards.call_on(key, "register_jobs"):
            for job in answer or []:
                spec = spec_of(job, key)
                if spec.id in specs:
                    raise JobError(f"board {key!r} declares job {job.key!r} twice")
                specs[spec.id] = spec
    for spec in specs.values():
        spec.make_trigger()  # a bad trigger fails at start-up, not at 3 a.m.
    return specs


def get_spec(boards: Any, job_id: str) -> JobSpec:
    specs = collect_jobs(boards)
    if job_id not in specs:
        raise JobError(f"no job {job_id!r}; `carematch jobs list` shows them")
    return specs[job_id]
