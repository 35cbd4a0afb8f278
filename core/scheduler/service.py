"""The scheduler: APScheduler 3.11 with its SQL job store in the platform's database.

One process owns the jobs (``carematch scheduler``, or ``serve``/``demo`` with
``--with-scheduler`` on a single machine): web workers never start one
(reliability-security-anchors §5.8: several schedulers sharing a job store run jobs twice).
Should a second one be started by mistake, the per-period claim in ``job_run`` still
lets only one of them run a job for a given period.

Missed runs are handled deliberately:

- ``coalesce=True``: many missed fire times of one job become one run.
- ``misfire_grace_time`` of one hour: a run late by less than that (a short restart)
  still happens; APScheduler's 1-second default would silently drop it.
- Catch-up on start: for every job whose trigger fired since its last successful run
  (the scheduler was down longer than the grace), **one** run is made at once and it
  covers the whole missed range: ``ctx.since`` is the day after the last successful run.
  One run rather than one per missed period because every job judges the state as of
  today (a case still due for re-evaluation is still due; a visit still overdue is still
  overdue) and the jobs that look back over periods (zero reports, standards taking
  effect) walk the range themselves; N replays would only raise warnings about states
  that no longer hold. A job that has never run is not caught up: nothing was missed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from core.scheduler import runner
from core.scheduler.clock import LOCAL_TZ, clock_of
from core.scheduler.models import JobRun, SchedulerJob
from core.scheduler.registry import JobSpec, collect_jobs

log = logging.getLogger(__name__)

JOBSTORE_TABLE = "scheduler_job"
MISFIRE_GRACE_SECONDS = 3600
RUN_JOB = "core.scheduler.runner:run_job"
CATCH_UP_PREFIX = "catch-up:"


def build_scheduler(platform: Any, *, threads: int = 4) -> BackgroundScheduler:
    """A scheduler on the platform's database, not started.

    The SQL store (``scheduler_job``, created by migration 0005) keeps the schedule across
    restarts; one-off catch-up runs go to a memory store, never pickled into the database.
    """
    return BackgroundScheduler(
        jobstores={
            "default": SQLAlchemyJobStore(engine=platform.engine, tablename=JOBSTORE_TABLE),
            "memory": MemoryJobStore(),
        },
        executors={"default": ThreadPoolExecutor(threads)},
        job_defaults={"coalesce": True, "misfire_grace_time": MISFIRE_GRACE_SECONDS, "max_instances": 1},
        timezone=LOCAL_TZ,
    )


def sync_jobs(scheduler: BackgroundScheduler, specs: dict[str, JobSpec]) -> dict[str, list[str]]:
    """Make the stored schedule equal the declared jobs; returns what was added, changed, removed.

    A job whose trigger is unchanged is left alone, so its stored next run time (maybe a
    run still inside the misfire grace) survives a restart. Jobs no board declares any
    more (an uninstalled board) are removed.
    """
    report: dict[str, list[str]] = {"added": [], "changed": [], "kept": [], "removed": []}
    stored = {job.id: job for job in scheduler.get_jobs(jobstore="default")}
    for job_id, job in stored.items():
        if job_id not in specs:
            scheduler.remove_job(job_id, jobstore="default")
            report["removed"].append(job_id)
    for spec in specs.values():
        trigger = spec.make_trigger()
        name = spec.description or spec.id
        current = stored.get(spec.id)
        if current is not None and str(current.trigger) == str(trigger) and current.name == name \
                and list(current.args) == [spec.id]:
            report["kept"].append(spec.id)
            continue
        scheduler.add_job(RUN_JOB, trigger=trigger, args=[spec.id], id=spec.id, name=name, jobstore="default",
                          replace_existing=True)
        report["changed" if current is not None else "added"].append(spec.id)
    return report


def missed_jobs(platform: Any, specs: dict[str, JobSpec], now: dt.datetime) -> list[str]:
    """Jobs whose trigger fired after their last successful run and before ``now``."""
    missed = []
    with platform.session() as session:
        for spec in specs.values():
            last = runner.last_success(session, spec.id)
            if last is None:
                continue
            fire = spec.make_trigger().get_next_fire_time(None, last.started_at + dt.timedelta(seconds=1))
            if fire is not None and fire <= now:
                missed.append(spec.id)
    return missed


def catch_up(platform: Any, *, clock: Any = None) -> list[Any]:
    """Run every missed job once, here and now (the CLI and tests); returns the job runs."""
    clock = clock or clock_of(platform.config)
    specs = collect_jobs(platform.boards)
    return [runner.execute(platform, job_id, clock=clock, trigger="catch_up", spec=specs[job_id])
            for job_id in missed_jobs(platform, specs, clock.now())]


def start(platform: Any, *, paused: bool = False, catch_up_missed: bool = True,
          threads: int = 4) -> BackgroundScheduler:
    """Start this process's scheduler: bind the runner, sync the jobs, queue catch-ups, go."""
    runner.bind(platform)
    runner.fail_abandoned(platform)
    specs = collect_jobs(platform.boards)
    scheduler = build_scheduler(platform, threads=threads)
    scheduler.start(paused=True)
    report = sync_jobs(scheduler, specs)
    log.info("scheduler jobs: %s", {k: len(v) for k, v in report.items()})
    if catch_up_missed:
        now = clock_of(platform.config).now()
        for job_id in missed_jobs(platform, specs, now):
            _queue_catch_up(scheduler, job_id)

    def _listener(event: JobExecutionEvent) -> None:
        # A fire time dropped past the grace while we were running (a stalled process):
        # run it once now; the period claim keeps it from doubling a run that did happen.
        if event.code == EVENT_JOB_MISSED and not event.job_id.startswith(CATCH_UP_PREFIX):
            log.warning("job %s missed its run at %s: catching up", event.job_id, event.scheduled_run_time)
            _queue_catch_up(scheduler, event.job_id)
        elif event.code == EVENT_JOB_ERROR:
            log.error("job %s raised: %s", event.job_id, event.exception)

    scheduler.add_listener(_listener, EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    if not paused:
        scheduler.resume()
    return scheduler


def _queue_catch_up(scheduler: BackgroundScheduler, job_id: str) -> None:
    scheduler.add_job(RUN_JOB, trigger="date", run_date=dt.datetime.now(LOCAL_TZ), args=[job_id, "catch_up"],
                      id=f"{CATCH_UP_PREFIX}{job_id}", name=f"catch-up {job_id}", jobstore="memory",
                      replace_existing=True, misfire_grace_time=None)


def start_embedded(app: Any) -> BackgroundScheduler:
    """A scheduler inside a web process (``serve``/``demo --with-scheduler``): one machine, one process.

    Never with several web processes: each would start its own scheduler.
    """
    scheduler = start(app.extensions["carematch"])
    app.extensions["carematch_scheduler"] = scheduler
    return scheduler


def run_forever(platform: Any, stop: threading.Event | None = None) -> None:
    """``carematch scheduler``: run until SIGINT/SIGTERM (or ``stop`` is set), then shut down cleanly."""
    import signal

    stop = stop or threading.Event()
    scheduler = start(platform)
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    finally:
        scheduler.shutdown(wait=True)


# -- what the jobs page shows -----------------------------------------------------------------------


def stored_next_runs(session: Any) -> dict[str, dt.datetime | None]:
    """Next run times as the scheduler process stored them (read without unpickling anything)."""
    rows = session.execute(select(SchedulerJob.id, SchedulerJob.next_run_time)).all()
    return {job_id: (dt.datetime.fromtimestamp(ts, dt.timezone.utc) if ts is not None else None)
            for job_id, ts in rows}


def job_overview(platform: Any, session: Any) -> list[dict[str, Any]]:
    """Every job with its last run, last successful run, next run and whether its board is on."""
    specs = collect_jobs(platform.boards)
    enabled = platform.boards.enabled(session)
    stored = stored_next_runs(session)
    now = clock_of(platform.config).now()
    rows = []
    for spec in specs.values():
        last = session.execute(
            select(JobRun).where(JobRun.job_id == spec.id).order_by(JobRun.started_at.desc(), JobRun.id.desc())
        ).scalars().first()
        if spec.id in stored:
            next_run, scheduled = stored[spec.id], True
        else:
            next_run, scheduled = spec.make_trigger().get_next_fire_time(None, now), False
        rows.append({"spec": spec, "last": last, "last_ok": runner.last_success(session, spec.id),
                     "next_run": next_run, "scheduled": scheduled,
                     "enabled": spec.board is None or spec.board in enabled})
    return rows
