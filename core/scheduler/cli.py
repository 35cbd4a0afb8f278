"""``carematch scheduler`` (the one process that runs the jobs) and ``carematch jobs list|run|catch-up``."""

from __future__ import annotations

import datetime as dt

import click

from core.cli import Context, pass_context


@click.command("scheduler")
@pass_context
def scheduler_command(ctx: Context) -> None:
    """Run the job scheduler in the foreground until Ctrl+C / SIGTERM.

    Run exactly one per database: web processes never run jobs themselves. Missed runs
    after downtime are caught up once at start.
    """
    from core.scheduler.service import run_forever

    platform = ctx.platform
    if platform.needs_migration():
        raise click.ClickException("数据库需要迁移, 请先运行 `carematch db upgrade` (the database needs `carematch db upgrade` first)")
    click.echo("CareMatch scheduler running (Ctrl+C to stop)")
    run_forever(platform)
    click.echo("scheduler stopped")


@click.group("jobs")
def jobs_group() -> None:
    """List the scheduled jobs, or run one now."""


@jobs_group.command("list")
@pass_context
def jobs_list(ctx: Context) -> None:
    """Every job: id, schedule, board state, last result and next run."""
    from core.scheduler.service import job_overview

    platform = ctx.platform
    with platform.session() as session:
        rows = job_overview(platform, session)
    for row in rows:
        spec, last = row["spec"], row["last"]
        state = "" if row["enabled"] else " [board disabled]"
        last_text = f"{last.outcome} {last.run_on} ({last.trigger})" if last else "never run"
        next_text = row["next_run"].astimezone().strftime("%Y-%m-%d %H:%M") if row["next_run"] else "—"
        click.echo(f"{spec.id:<40} {str(spec.make_trigger()):<40} last: {last_text:<28} next: {next_text}{state}")


def _clock(on: dt.datetime | None):  # type: ignore[no-untyped-def]
    from core.scheduler.clock import FixedClock

    return FixedClock(on.date()) if on is not None else None


@jobs_group.command("run")
@click.argument("job_id")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge as of this day (YYYY-MM-DD) instead of today.")
@pass_context
def jobs_run(ctx: Context, job_id: str, on: dt.datetime | None) -> None:
    """Run JOB_ID now (e.g. `core:zero_reports`, `civil_affairs:deadlines`); a repeat adds nothing."""
    from core.scheduler.registry import JobError
    from core.scheduler.runner import execute

    try:
        run = execute(ctx.platform, job_id, clock=_clock(on), trigger="cli")
    except JobError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{job_id}: {run.outcome} — {run.error or run.summary}")
    if run.outcome == "error":
        raise SystemExit(1)


@jobs_group.command("catch-up")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge as of this day (YYYY-MM-DD) instead of today.")
@pass_context
def jobs_catch_up(ctx: Context, on: dt.datetime | None) -> None:
    """Run once every job whose schedule fired since its last successful run (what the scheduler does at start)."""
    from core.scheduler.service import catch_up

    runs = catch_up(ctx.platform, clock=_clock(on))
    for run in runs:
        click.echo(f"{run.job_id}: {run.outcome} — {run.error or run.summary}")
    if not runs:
        click.echo("nothing was missed")
