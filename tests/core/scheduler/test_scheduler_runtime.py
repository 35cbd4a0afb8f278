"""The scheduler's machinery: jobs from hooks with board-prefixed ids, a disabled board's jobs
skipped, one run per period, failures recorded and retried, the job store surviving a
restart, and one catch-up run after downtime. No test waits for real time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import scheduler_builders as B
from sqlalchemy import select

from core.boards import Job
from core.scheduler import runner, service
from core.scheduler.models import SchedulerJob
from core.scheduler.registry import JobError, collect_jobs, infer_period, spec_of


def _enable(platform: Any, board: str, on: bool = True) -> None:
    with platform.session() as s:
        platform.boards.set_enabled(s, board, on)
        s.commit()


def test_jobs_come_from_core_and_the_hooks_with_board_prefixed_ids(with_test_board, platform) -> None:  # type: ignore[no-untyped-def]
    specs = collect_jobs(platform.boards)
    assert {"core:data_changes", "core:zero_reports", "core:standards_effective", "core:matching_upkeep",
            "core:volunteer_checks", "sched_test:tick"} <= set(specs)
    tick = specs["sched_test:tick"]
    assert (tick.board, tick.key, tick.period) == ("sched_test", "tick", "day")
    assert all(spec.board is None for job_id, spec in specs.items() if job_id.startswith("core:"))


def test_every_board_job_file_declares_valid_jobs() -> None:
    import importlib

    for board in ("civil_affairs", "trade_union", "disabled_federation", "youth_league", "womens_federation"):
        jobs = importlib.import_module(f"plugins.{board}.jobs").JOBS
        specs = [spec_of(job, board) for job in jobs]
        assert {s.id for s in specs} >= {f"{board}:deadlines", f"{board}:visit_cadence", f"{board}:re_evaluation_due"}
        for spec in specs:
            spec.make_trigger()
            assert callable(spec.func) and spec.description


def test_periods_are_inferred_from_triggers_and_bad_jobs_refused() -> None:
    def f(ctx: Any) -> None:
        return None

    assert infer_period(Job("a", f, trigger_args={"hour": 5})) == "day"
    assert infer_period(Job("a", f, trigger_args={"day_of_week": "mon", "hour": 5})) == "week"
    assert infer_period(Job("a", f, trigger_args={"day": 1, "hour": 5})) == "month"
    assert infer_period(Job("a", f, trigger="interval", trigger_args={"minutes": 15})) == "run"
    with pytest.raises(JobError):
        spec_of(Job("Bad:Key", f), "youth_league")
    with pytest.raises(JobError):
        spec_of("not a job", "youth_league")  # type: ignore[arg-type]
    spec = spec_of(Job("a", f, trigger_args={"day_of_week": "mon", "hour": 5}), "youth_league")
    assert spec.period_key(dt.date(2026, 3, 4)) == "2026-W10"


def test_a_disabled_boards_job_is_skipped_and_recorded(with_test_board, platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    B.CALLS.clear()
    skipped = runner.execute(platform, "sched_test:tick", clock=clock, trigger="schedule")
    assert (skipped.outcome, skipped.summary) == ("skipped", "skipped: board disabled")
    assert B.CALLS == [] and B.warnings(session) == []

    _enable(platform, "sched_test")
    ran = runner.execute(platform, "sched_test:tick", clock=clock, trigger="schedule")
    assert ran.outcome == "ok" and B.CALLS == ["2026-03-04"] and len(B.warnings(session)) == 1

    _enable(platform, "sched_test", False)
    clock.advance(days=1)
    assert runner.execute(platform, "sched_test:tick", clock=clock, trigger="schedule").outcome == "skipped"
    assert B.CALLS == ["2026-03-04"]


def test_one_run_per_period_however_often_the_scheduler_fires(with_test_board, platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    _enable(platform, "sched_test")
    B.CALLS.clear()
    first = runner.execute(platform, "sched_test:tick", clock=clock, trigger="schedule")
    second = runner.execute(platform, "sched_test:tick", clock=clock, trigger="catch_up")  # e.g. a restart in the grace
    assert first.outcome == "ok" and second.outcome == "skipped" and "already run for 2026-03-04" in second.summary
    assert B.CALLS == ["2026-03-04"]
    manual = runner.execute(platform, "sched_test:tick", clock=clock, trigger="manual")  # "run now" runs, adds nothing
    assert manual.outcome == "ok" and manual.warnings_created == 0 and len(B.warnings(session)) == 1
    clock.advance(days=1)
    assert runner.execute(platform, "sched_test:tick", clock=clock, trigger="schedule").outcome == "ok"
    assert len(B.warnings(session)) == 2


def test_a_failing_job_is_rolled_back_recorded_and_its_period_retried(platform, clock, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from core.scheduler import jobs

    def broken(ctx: Any) -> None:
        ctx.warn("standard_effective", "half-done", params={})
        raise RuntimeError("boom")

    spec = spec_of(Job("broken", broken, trigger_args={"hour": 1}), None)
    failed = runner.execute(platform, spec.id, clock=clock, trigger="schedule", spec=spec)
    assert failed.outcome == "error" and "RuntimeError: boom" in failed.error and failed.claim_key is None
    assert B.warnings(session) == []  # what it did before failing was rolled back
    fixed = spec_of(Job("broken", jobs.standards_effective, trigger_args={"hour": 1}), None)
    assert runner.execute(platform, spec.id, clock=clock, trigger="schedule", spec=fixed).outcome == "ok"


def test_a_scheduler_restart_keeps_the_jobs(with_test_board, platform, clock) -> None:  # type: ignore[no-untyped-def]
    first = service.start(platform, paused=True, catch_up_missed=False)
    try:
        stored = {job.id: job.next_run_time for job in first.get_jobs(jobstore="default")}
    finally:
        first.shutdown(wait=False)
    assert "core:data_changes" in stored and "sched_test:tick" in stored
    with platform.session() as s:
        assert set(s.execute(select(SchedulerJob.id)).scalars()) == set(stored)

    second = service.start(platform, paused=True, catch_up_missed=False)
    try:
        jobs = second.get_jobs(jobstore="default")
        assert {job.id: job.next_run_time for job in jobs} == stored  # same jobs, same next runs: nothing re-added
        assert all(job.func_ref == service.RUN_JOB and list(job.args) == [job.id] for job in jobs)
        assert all(job.coalesce and job.misfire_grace_time == 3600 and job.max_instances == 1 for job in jobs)
    finally:
        second.shutdown(wait=False)


def test_a_removed_jobs_schedule_is_dropped_on_start(platform) -> None:  # type: ignore[no-untyped-def]
    scheduler = service.start(platform, paused=True, catch_up_missed=False)
    try:
        scheduler.add_job(service.RUN_JOB, "cron", hour=4, args=["gone:job"], id="gone:job", jobstore="default")
        report = service.sync_jobs(scheduler, collect_jobs(platform.boards))
        assert report["removed"] == ["gone:job"] and not report["added"]
    finally:
        scheduler.shutdown(wait=False)


def test_after_downtime_each_missed_job_runs_once_covering_the_missed_range(with_test_board, platform, clock) -> None:  # type: ignore[no-untyped-def]
    _enable(platform, "sched_test")
    specs = collect_jobs(platform.boards)
    ran = runner.execute(platform, "sched_test:tick", clock=clock, trigger="schedule")  # 4 March, 08:00
    assert service.missed_jobs(platform, specs, clock.now()) == []  # next tick is 5 March 03:00
    clock.advance(days=3)  # the scheduler was down until 7 March
    assert service.missed_jobs(platform, specs, clock.now()) == ["sched_test:tick"]  # never-run jobs: nothing missed
    runs = service.catch_up(platform, clock=clock)
    assert [(r.job_id, r.trigger, r.outcome, r.covered_from, r.run_on) for r in runs] == [
        ("sched_test:tick", "catch_up", "ok", ran.run_on + dt.timedelta(days=1), dt.date(2026, 3, 7))]
    assert service.catch_up(platform, clock=clock) == []


def test_the_runner_needs_a_bound_platform(platform, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(runner, "_bound", {})
    with pytest.raises(RuntimeError):
        runner.run_job("core:data_changes")
    runner.bind(platform)
    runner.run_job("core:standards_effective", "manual")
    with platform.session() as s:
        assert B.runs(s, "core:standards_effective")[-1].outcome == "ok"


def test_abandoned_runs_release_their_claim(platform, clock) -> None:  # type: ignore[no-untyped-def]
    from core.scheduler.models import JobRun

    with platform.session() as s:
        s.add(JobRun(job_id="core:zero_reports", period_key="2026-03-04", claim_key="core:zero_reports@2026-03-04",
                     trigger="schedule", run_on=B.DAY, started_at=clock.now() - dt.timedelta(hours=7)))
        s.commit()
    assert runner.fail_abandoned(platform, clock.now()) == 1
    assert runner.execute(platform, "core:zero_reports", clock=clock, trigger="schedule").outcome == "ok"


def test_an_embedded_scheduler_starts_with_the_app_and_runs_one_catch_up(with_test_board, app, platform, clock) -> None:  # type: ignore[no-untyped-def]
    import time

    _enable(platform, "sched_test")
    runner.execute(platform, "sched_test:tick", clock=clock, trigger="schedule")
    clock.advance(days=2)  # down for two days: the embedded scheduler queues one catch-up at start
    scheduler = service.start_embedded(app)

    def catch_ups() -> list[Any]:
        with platform.session() as s:
            return [r for r in B.runs(s, "sched_test:tick") if r.trigger == "catch_up"]

    try:
        assert app.extensions["carematch_scheduler"] is scheduler and scheduler.running
        assert "core:zero_reports" in {job.id for job in scheduler.get_jobs(jobstore="default")}
        deadline = time.monotonic() + 20  # the catch-up runs at once in the scheduler's worker thread
        while not catch_ups() and time.monotonic() < deadline:
            time.sleep(0.05)
        while scheduler.get_jobs(jobstore="memory") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
    assert [(r.outcome, r.covered_from) for r in catch_ups()] == [("ok", B.DAY + dt.timedelta(days=1))]
