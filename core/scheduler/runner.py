"""Running one job: look it up, check its board is enabled, claim its period, run, record.

APScheduler's SQL job store keeps only ``core.scheduler.runner:run_job`` and the job id
(reliability-security-anchors §5.8: module-level callables, small arguments), so the
function a job runs is looked up in the hooks at run time: a board's new code needs no
job-store change, and a board switched off is seen at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.db import utcnow
from core.scheduler.clock import Clock, clock_of
from core.scheduler.context import JobContext
from core.scheduler.models import JobRun
from core.scheduler.registry import JobSpec, get_spec

log = logging.getLogger(__name__)

CLAIMING_TRIGGERS = ("schedule", "catch_up")
# A run still "running" this long after it started died with its process.
ABANDONED_AFTER = dt.timedelta(hours=6)

# The platform of the scheduler running in this process, bound by
# core.scheduler.service.start() (not at import time: aesthetics R5).
_bound: dict[str, Any] = {}


def bind(platform: Any) -> None:
    """Tell ``run_job`` which platform this process's scheduler works for."""
    _bound["platform"] = platform


def bound_platform() -> Any:
    platform = _bound.get("platform")
    if platform is None:
        raise RuntimeError("no platform is bound: start the scheduler with core.scheduler.service.start()")
    return platform


def run_job(job_id: str, trigger: str = "schedule") -> None:
    """APScheduler's entry point (stored as ``core.scheduler.runner:run_job``)."""
    execute(bound_platform(), job_id, trigger=trigger)


def last_success(session: Any, job_id: str) -> JobRun | None:
    """The job's latest successful run."""
    return session.execute(
        select(JobRun).where(JobRun.job_id == job_id, JobRun.outcome == "ok")
        .order_by(JobRun.run_on.desc(), JobRun.started_at.desc(), JobRun.id.desc())
    ).scalars().first()


def execute(platform: Any, job_id: str, *, clock: Clock | None = None, trigger: str = "manual",
            user_id: int | None = None, spec: JobSpec | None = None) -> JobRun:
    """Run ``job_id`` now and return its ``job_run`` record (detached, safe to read).

    - A board job whose board is disabled is not run: the record says "skipped".
    - A scheduled or catch-up run first claims ``<job>@<period>``; if another run
      already holds the claim, this one is recorded as skipped and does nothing.
    - The job's changes and its "ok" record are committed together; on an exception
      everything the job did is rolled back, the error is recorded and the claim is
      given back so the period can be retried.
    """
    clock = clock or clock_of(platform.config)
    spec = spec or get_spec(platform.boards, job_id)
    today, started = clock.today(), clock.now()
    period_key = spec.period_key(today, started)
    with platform.session() as session:
        previous = last_success(session, spec.id)
        covered_from = previous.run_on + dt.timedelta(days=1) if previous is not None else None
        run = JobRun(job_id=spec.id, board=spec.board, period_key=period_key, trigger=trigger, run_on=today,
                     covered_from=covered_from, started_at=started, outcome="running", user_id=user_id,
                     claim_key=f"{spec.id}@{period_key}" if trigger in CLAIMING_TRIGGERS else None)
        if spec.board is not None and spec.board not in platform.boards.enabled(session):
            run.claim_key, run.outcome, run.finished_at = None, "skipped", started
            run.summary = "skipped: board disabled"
            session.add(run)
            session.commit()
            return run
        session.add(run)
        try:
            session.commit()
        except IntegrityError:
            # another scheduler (or a restart inside the misfire grace) already runs this period
            session.rollback()
            run = JobRun(job_id=spec.id, board=spec.board, period_key=period_key, trigger=trigger, run_on=today,
                         covered_from=covered_from, started_at=started, finished_at=started, outcome="skipped",
                         summary=f"skipped: already run for {period_key}", user_id=user_id)
            session.add(run)
            session.commit()
            return run
        run_id = run.id
        ctx = JobContext(platform=platform, session=session, clock=clock, job_id=spec.id, board=spec.board,
                         period_key=period_key, since=covered_from, trigger=trigger)
        try:
            result = spec.func(ctx)
            run = session.get(JobRun, run_id)  # type: ignore[assignment]
            run.outcome = "ok"
            run.finished_at = clock.now()
            run.warnings_created = ctx.created
            run.summary = _summary(ctx, result)
            session.commit()
        except Exception as exc:  # a job's failure is recorded, never allowed to kill the scheduler
            session.rollback()
            log.exception("job %s failed", spec.id)
            run = session.get(JobRun, run_id)  # type: ignore[assignment]
            run.outcome, run.finished_at, run.claim_key = "error", clock.now(), None
            run.error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:4000]
            run.summary = "; ".join(ctx.notes)[:4000]
            session.commit()
        return run


def _summary(ctx: JobContext, result: Any) -> str:
    parts = list(ctx.notes)
    if isinstance(result, str) and result:
        parts.insert(0, result)
    elif isinstance(result, dict) and result:
        parts.insert(0, ", ".join(f"{k}: {v}" for k, v in result.items()))
    parts.append(f"warnings raised: {ctx.created}")
    return "; ".join(parts)[:4000]


def fail_abandoned(platform: Any, now: dt.datetime | None = None) -> int:
    """Mark runs left "running" by a dead process as errors and release their claims; returns how many."""
    cutoff = (now or utcnow()) - ABANDONED_AFTER
    with platform.session() as session:
        result = session.execute(
            update(JobRun).where(JobRun.outcome == "running", JobRun.started_at < cutoff)
            .values(outcome="error", claim_key=None, error="abandoned: the process running it stopped",
                    finished_at=utcnow())
        )
        session.commit()
        return int(result.rowcount or 0)
