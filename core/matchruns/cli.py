"""``carematch match-run …``: match runs from the command line (plain functions + a click group).

The functions take a :class:`core.app.Platform` and act with full rights (the
operator at the console is trusted like an administrator); the click group
``match_runs_group`` is registered by ``core/cli.py``. :func:`match_scope` is the
database side of ``carematch match --scope AREA [--board B] [--dry-run|--publish]``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

import click

from core.matchruns import services
from core.matchruns.models import MatchRun
from core.matchruns.services import MatchRunError


def _boards(platform: Any, session: Any, boards: Sequence[str]) -> list[str]:
    # no --board: every enabled care board
    return list(boards) or services.care_boards(platform.boards, platform.boards.enabled(session))


def create_run(platform: Any, scope: str, boards: Sequence[str] = (), categories: Sequence[str] = (),
               time_limit_s: float = 20.0) -> MatchRun:
    """Build, store and solve a run for ``scope`` (waits for the solver); returns the run."""
    with platform.session() as session:
        run = services.create_run(session, platform.boards, platform.boards.enabled(session), services.SYSTEM,
                                  region=scope, boards=_boards(platform, session, boards),
                                  categories=categories, time_limit_s=time_limit_s)
        services.solve_run(session, run.id)
        session.refresh(run)
        return run


def summary_lines(platform: Any, run_id: int) -> list[str]:
    """A short text summary of a run: scope, status, coverage, changes, unassigned reasons."""
    with platform.session() as session:
        run = services.get_run(session, services.SYSTEM, run_id)
        s = services.summarise(session, run)
    lines = [
        f"match run #{s['id']}  {s['status']}  scope {s['scope']['region']} "
        f"boards {','.join(s['scope']['boards'])}"
        + (f" categories {','.join(s['scope']['categories'])}" if s["scope"]["categories"] else ""),
    ]
    if s["error"]:
        lines.append(f"error: {s['error']}")
    if s["objective"] is not None:
        lines.append(f"objective {s['objective']}  bound {s['bound']}  ({s['plan_status']})  "
                     f"covered {s['covered']}/{s['recipients']}  volunteers {s['volunteers']}")
        lines.append("covered by risk: " + ", ".join(
            f"{k}: {v['covered']}/{v['total']}" for k, v in sorted(s["coverage"]["risk"].items(), reverse=True)))
        lines.append("covered by category: " + ", ".join(
            f"{k}: {v['covered']}/{v['total']}" for k, v in sorted(s["coverage"]["category"].items())))
        c = s["diff"]["counts"]
        lines.append(f"changes: kept {c['kept']}, new {c['new']}, moved {c['moved']}, ended {c['ended']}")
        for u in s["unassigned"]:
            lines.append(f"  unassigned {u['recipient']}: {u['reason']}: {u['detail']}")
    if s["stale"]:
        lines.append("STALE: the scope changed since this run started; re-run before publishing")
    if s["notes"]:
        lines.append(f"notes: {len(s['notes'])} (see `match-run export` / the run page)")
    return lines


def publish(platform: Any, run_id: int) -> services.PublishResult:
    """Publish a draft (one transaction; refused when stale or when another publish won)."""
    with platform.session() as session:
        return services.publish_run(session, services.SYSTEM, run_id)


def export(platform: Any, run_id: int, instance_path: Path | None, plan_path: Path | None) -> None:
    """Write the run's stored instance and/or plan JSON for audit and replay."""
    with platform.session() as session:
        run = services.get_run(session, services.SYSTEM, run_id)
        if instance_path is not None:
            instance_path.write_text(json.dumps(run.instance, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if plan_path is not None:
            if run.plan is None:
                raise MatchRunError("the run has no plan yet")
            plan_path.write_text(json.dumps(run.plan, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def dry_run_weights(platform: Any, run_id: int, weights: dict[str, Any]) -> dict[str, Any]:
    """How many of the run's assignments other weights would move; nothing is stored."""
    with platform.session() as session:
        run = services.get_run(session, services.SYSTEM, run_id)
        return services.dry_run_weights(run, weights)


def match_scope(platform: Any, scope: str, boards: Sequence[str] = (), *, categories: Sequence[str] = (),
                time_limit_s: float = 20.0, publish_it: bool = False) -> tuple[MatchRun, list[str]]:
    """``carematch match --scope``: run, summarise, and publish when asked (a dry run stays a draft)."""
    run = create_run(platform, scope, boards, categories, time_limit_s)
    lines = summary_lines(platform, run.id)
    if publish_it:
        if run.status != "draft":
            raise MatchRunError("only a finished draft can be published (status: %(status)s)", status=run.status)
        result = publish(platform, run.id)
        lines.append(f"published: {len(result.created)} proposed, {len(result.ended)} ended, "
                     f"{len(result.kept)} kept, {len(result.notified)} volunteers notified")
    return run, lines


# --------------------------------------------------------------------------- click


def _platform() -> Any:
    # late import: core.cli imports this module to register the group
    from core.cli import Context

    return click.get_current_context().ensure_object(Context).platform


def _fail(exc: Exception) -> click.ClickException:
    params = getattr(exc, "params", {}) or {}
    message = str(exc)
    try:
        message = message % params if params else message
    except (KeyError, TypeError, ValueError):
        pass
    return click.ClickException(message)


@click.group("match-run")
def match_runs_group() -> None:
    """Match runs over the database: create, show, publish, export, dry-run weights."""


@match_runs_group.command("create")
@click.option("--scope", required=True, help="region code: 230600 city, 230602 district, a street code …")
@click.option("--board", "boards", multiple=True, help="care board (repeat; default: every enabled care board)")
@click.option("--category", "categories", multiple=True,
              type=click.Choice(["left_behind_child", "elderly_alone", "bereaved_family"]))
@click.option("--time-limit", type=float, default=20.0, show_default=True, help="seconds for the solver")
@click.option("--publish", "publish_it", is_flag=True, help="publish the draft at once")
def create_command(scope: str, boards: tuple[str, ...], categories: tuple[str, ...], time_limit: float,
                   publish_it: bool) -> None:
    """Build and solve a run for a scope; prints its summary (a draft unless --publish)."""
    try:
        _, lines = match_scope(_platform(), scope, boards, categories=categories, time_limit_s=time_limit,
                               publish_it=publish_it)
    except MatchRunError as exc:
        raise _fail(exc) from None
    for line in lines:
        click.echo(line)


@match_runs_group.command("show")
@click.argument("run_id", type=int)
def show_command(run_id: int) -> None:
    """Summarise a run."""
    try:
        lines = summary_lines(_platform(), run_id)
    except MatchRunError as exc:
        raise _fail(exc) from None
    for line in lines:
        click.echo(line)


@match_runs_group.command("publish")
@click.argument("run_id", type=int)
def publish_command(run_id: int) -> None:
    """Publish a draft: new pairs proposed, dropped pairs ended, ledger and notifications written."""
    try:
        result = publish(_platform(), run_id)
    except MatchRunError as exc:
        raise _fail(exc) from None
    click.echo(f"published run #{run_id}: {len(result.created)} proposed, {len(result.ended)} ended, "
               f"{len(result.kept)} kept, {len(result.notified)} volunteers notified")


@match_runs_group.command("export")
@click.argument("run_id", type=int)
@click.option("--instance", "instance_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False, path_type=Path))
def export_command(run_id: int, instance_path: Path | None, plan_path: Path | None) -> None:
    """Write the run's carematch.instance/1 and carematch.plan/1 documents."""
    if instance_path is None and plan_path is None:
        raise click.UsageError("give --instance and/or --plan")
    try:
        export(_platform(), run_id, instance_path, plan_path)
    except MatchRunError as exc:
        raise _fail(exc) from None
    click.echo(" ".join(str(p) for p in (instance_path, plan_path) if p is not None))


@match_runs_group.command("dry-run-weights")
@click.argument("run_id", type=int)
@click.option("--weights", "weights_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSON like {"continuity": 0, "risk": {"3": 2000}} (missing keys: defaults)')
def dry_run_command(run_id: int, weights_path: Path) -> None:
    """Re-solve a run with other weights and report how many assignments would move."""
    from core.matchruns.settings import SettingsError

    try:
        weights = json.loads(weights_path.read_text(encoding="utf-8"))
        answer = dry_run_weights(_platform(), run_id, weights.get("weights", weights))
    except (MatchRunError, SettingsError, json.JSONDecodeError) as exc:
        raise _fail(exc) from None
    click.echo(f"would move {answer['would_move']} assignments, add {answer['would_add']}; "
               f"recipients changed {answer['recipients_changed']}; covered {answer['covered_before']} -> "
               f"{answer['covered_after']}; objective {answer['objective']} ({answer['status']})")
