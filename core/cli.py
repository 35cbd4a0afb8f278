"""The ``carematch`` command: init, serve, boards, db, demo, and what boards add."""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from pathlib import Path
from typing import Any, Iterator

import click
from flask import Flask
from flask_babel import gettext as _

from core.app import Platform, create_app


class Context:
    """Builds the app lazily, so ``carematch --help`` needs no database."""

    def __init__(self) -> None:
        self._app: Flask | None = None

    @property
    def app(self) -> Flask:
        if self._app is None:
            self._app = create_app({"AUTO_MIGRATE": False})
        return self._app

    @property
    def platform(self) -> Platform:
        return self.app.extensions["carematch"]


pass_context = click.make_pass_decorator(Context, ensure=True)


@click.group()
@click.version_option(package_name="carematch")
def cli() -> None:
    """CareMatch (精准关爱): the "3+2" precise care-and-assistance platform.

    The database is CAREMATCH_DATABASE_URL (default: a SQLite file in ./instance,
    or in CAREMATCH_INSTANCE).
    """


def initialise(platform: Platform, *, admin_username: str, admin_password: str | None, enable_boards: bool) -> str | None:
    """Migrate, seed regions and default standards, enable the boards, create the administrator.

    Idempotent: running it again changes nothing that exists. Returns the
    administrator's password when one was generated.
    """
    from sqlalchemy import select

    from core.auth import create_user
    from core.models import User
    from core.regions import seed_regions
    from core.standards import seed_default_standards

    platform.migrate()
    generated = None
    with platform.session() as session:
        seed_regions(session)
        seed_default_standards(session, platform.boards)
        if enable_boards and not platform.boards.enabled(session):
            for key in platform.boards.installed:
                platform.boards.set_enabled(session, key, True)
        if session.execute(select(User).where(User.username == admin_username)).scalar_one_or_none() is None:
            if admin_password is None:
                admin_password = generated = secrets.token_urlsafe(12)
            create_user(session, admin_username, admin_password, role="admin", display_name="系统管理员",
                        region_code="230600")
        session.commit()
    return generated


@cli.command()
@click.option("--admin-username", default="admin", show_default=True)
@click.option("--admin-password", envvar="CAREMATCH_ADMIN_PASSWORD", help="Default: a random one, printed once.")
@click.option("--no-boards", is_flag=True, help="Leave every board disabled.")
@pass_context
def init(ctx: Context, admin_username: str, admin_password: str | None, no_boards: bool) -> None:
    """Create or migrate the database, seed regions and standards, create an administrator."""
    generated = initialise(ctx.platform, admin_username=admin_username, admin_password=admin_password,
                           enable_boards=not no_boards)
    click.echo(f"database ready: {ctx.platform.engine.url.render_as_string(hide_password=True)}")
    if generated:
        click.echo(f"administrator {admin_username!r} created with password: {generated}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--with-scheduler", is_flag=True,
              help="Also run the scheduled jobs in this process (one machine only; see README).")
@pass_context
def serve(ctx: Context, host: str, port: int, threads: int, with_scheduler: bool) -> None:
    """Serve the web application with waitress."""
    serve_app(ctx.app, host, port, threads, with_scheduler=with_scheduler)


def serve_app(app: Flask, host: str, port: int, threads: int = 8, *, with_scheduler: bool = False) -> None:
    import waitress

    platform: Platform = app.extensions["carematch"]
    if platform.needs_migration():
        if platform.engine.url.get_backend_name() == "sqlite":
            platform.migrate()
        else:
            raise click.ClickException("数据库需要迁移, 请先运行 `carematch db upgrade` (the database needs `carematch db upgrade` first)")
    scheduler = None
    if with_scheduler:
        from core.scheduler.service import start_embedded

        # Embedded for one-machine use only: with several web processes, run one
        # `carematch scheduler` instead so exactly one process owns the jobs.
        scheduler = start_embedded(app)
        click.echo("scheduler running in this process")
    click.echo(f"CareMatch on http://{host}:{port}/  (Ctrl+C to stop)")
    try:
        waitress.serve(app, host=host, port=port, threads=threads)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


# -- boards ---------------------------------------------------------------------------


@cli.group()
def boards() -> None:
    """List, enable and disable the installed boards."""


@boards.command("list")
@pass_context
def boards_list(ctx: Context) -> None:
    """Show every installed board and whether it is enabled."""
    host = ctx.platform.boards
    with ctx.platform.session() as session:
        enabled = host.enabled(session)
    for key, board in sorted(host.installed.items()):
        state = "enabled " if key in enabled else "disabled"
        click.echo(f"{key:<22} {state}  {board.info.kind:<10} {board.info.name_zh} ({board.info.name_en}) [{board.distribution}]")


def _set_board(ctx: Context, board: str, enabled: bool) -> None:
    from core.plugins import BoardError

    with ctx.platform.session() as session:
        try:
            changed = ctx.platform.boards.set_enabled(session, board, enabled)
        except BoardError as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
    word = "enabled" if enabled else "disabled"
    click.echo(f"{board} {word}" if changed else f"{board} was already {word}")


@boards.command("enable")
@click.argument("board")
@pass_context
def boards_enable(ctx: Context, board: str) -> None:
    """Enable BOARD: its programmes, pages, menu items and jobs appear."""
    _set_board(ctx, board, True)


@boards.command("disable")
@click.argument("board")
@pass_context
def boards_disable(ctx: Context, board: str) -> None:
    """Disable BOARD: it contributes nothing; its data is kept."""
    _set_board(ctx, board, False)


# -- database -------------------------------------------------------------------------


@cli.group("db")
def db_group() -> None:
    """Schema migrations (Alembic): core first, then every installed board."""


@db_group.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
@pass_context
def db_upgrade(ctx: Context, revision: str) -> None:
    """Migrate the database up to REVISION (default: every head)."""
    from core import migrate

    migrate.upgrade(ctx.platform.engine, ctx.platform.boards, revision)
    click.echo("database upgraded")


@db_group.command("downgrade")
@click.option("--revision", required=True, help="'base' removes every table.")
@click.confirmation_option(prompt="Downgrading can drop tables and their data. Continue?")
@pass_context
def db_downgrade(ctx: Context, revision: str) -> None:
    """Migrate the database down to REVISION."""
    from core import migrate

    migrate.downgrade(ctx.platform.engine, ctx.platform.boards, revision)
    click.echo(f"database downgraded to {revision}")


@db_group.command("pending")
@pass_context
def db_pending(ctx: Context) -> None:
    """Exit 1 when migrations are pending."""
    if ctx.platform.needs_migration():
        click.echo("migrations pending")
        sys.exit(1)
    click.echo("database is up to date")


# -- assessment ------------------------------------------------------------------------


@cli.command()
@click.option("--household", "household_id", type=int, help="A stored household's id.")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A household in the what-if JSON format (docs/assessment.md); nothing is stored.")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Assess on this day (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--all", "every", is_flag=True,
              help="Every stored household (screening the register): a tally per programme.")
@click.option("--region", help="With --all: only households under this region code.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="With --all: also write one CSV row per finding to this file.")
@click.option("--processes", type=click.IntRange(min=0), default=0,
              help="With --all: worker processes (default 0: one per CPU, one for under 1,000 households each).")
@pass_context
def assess(ctx: Context, household_id: int | None, path: Path | None, on: Any, as_json: bool, lang: str,
           every: bool, region: str | None, out_path: Path | None, processes: int) -> None:
    """Run every enabled board's programmes over a household and explain each finding."""
    import datetime as dt
    import json

    from core import assessing
    from core import assessment as engine

    day = on.date() if on else dt.date.today()
    if every:
        if household_id is not None or path is not None:
            raise click.UsageError("--all assesses the stored households: leave out --household and --file")
        if out_path is not None and not out_path.parent.is_dir():  # before minutes of work, not after
            raise click.UsageError(f"--out: 没有文件夹 {out_path.parent} (no folder {out_path.parent})")
        _assess_every_household(ctx, day, region, out_path, processes or (os.cpu_count() or 1), as_json, lang)
        return
    if (household_id is None) == (path is None):
        raise click.UsageError("give exactly one of --household ID, --file household.json or --all")
    with ctx.platform.session() as session:
        try:
            if path is not None:
                snapshot = engine.snapshot_from_json(json.loads(path.read_text(encoding="utf-8-sig")))
                result = assessing.assess_snapshot(session, ctx.platform.boards, snapshot, day)
            else:
                result = assessing.assess_household(session, ctx.platform.boards, household_id, day)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"{path} 不是有效的 JSON (is not valid JSON): {exc}") from None
        except (engine.SnapshotError, engine.MissingStandard, LookupError) as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    from core.standards import standard_names

    from core.web import area_label

    names = standard_names(ctx.platform.boards)
    programmes = _programmes(ctx)
    with _speaking(ctx, lang):
        click.echo(_("household %(id)s  %(region)s %(area)s  on %(on)s", id=result.household_id,
                     region=result.region_code, area=area_label(result.area), on=result.on.isoformat()))
        for finding in result.findings:
            amount = ""
            if finding.benefit is not None and finding.benefit.monthly_fen:
                amount = "  " + _("%(amount)s/month", amount=engine.format_fen(finding.benefit.monthly_fen))
            programme = programmes.get(finding.programme_key)
            title = programme.name(lang) if programme else finding.programme_key
            click.echo(f"\n{title} ({finding.programme_key})  {finding.status_label(lang)}{amount}")
            for line in finding.explain(lang, names):
                click.echo(f"    - {line}")


@contextlib.contextmanager
def _speaking(ctx: Context, lang: str) -> Iterator[None]:
    """Messages from the catalogs in ``lang``, as the pages have them (gettext needs the app)."""
    from flask_babel import force_locale

    with ctx.app.app_context(), force_locale(lang):
        yield


def _programmes(ctx: Context) -> dict[str, Any]:
    return {p.key: p for p in ctx.platform.boards.collect("register_programmes", set(ctx.platform.boards.installed))}


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes: a Chinese character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - _columns(text))
    return fill + text if right else text + fill


def _assess_every_household(ctx: Context, day: Any, region: str | None, out_path: Path | None, processes: int,
                             as_json: bool, lang: str = "zh") -> None:
    import json
    import time

    from core import assessing
    from core.assessment import format_fen

    started = time.perf_counter()
    with ctx.platform.session() as session:
        result = assessing.assess_all(session, ctx.platform.boards, day, region=region, processes=processes,
                                      csv_path=out_path)
    seconds = time.perf_counter() - started
    if as_json:
        click.echo(json.dumps({
            "on": day.isoformat(), "region": region, "households": result.households,
            "programmes": {key: vars(tally) for key, tally in sorted(result.programmes.items())},
        }, ensure_ascii=False, indent=2))
        return
    programmes = _programmes(ctx)
    with _speaking(ctx, lang):
        click.echo(_("%(households)s households assessed on %(on)s in %(seconds)s s (%(rate)s/s, %(processes)s "
                     "process(es))", households=f"{result.households:,}", on=day.isoformat(), seconds=f"{seconds:.1f}",
                     rate=f"{result.households / max(seconds, 1e-9):,.0f}", processes=result.processes))
        columns = (_("programme"), _("eligible"), _("not receiving"), _("needs info"), _("not eligible"),
                   _("monthly total"), _("one-off total"))
        rows = []
        for key, tally in sorted(result.programmes.items()):
            not_receiving = f"{tally.not_receiving:,}" if tally.pays else "-"
            programme = programmes.get(key)
            rows.append((f"{programme.name(lang) if programme else key} ({key})", f"{tally.eligible:,}", not_receiving,
                         f"{tally.needs_information:,}", f"{tally.not_eligible:,}", format_fen(tally.monthly_fen),
                         format_fen(tally.one_off_fen)))
            rows.extend(("  " + (programme.label_name(label, lang) if programme else label) + f" ({label})",
                         f"{count:,}") for label, count in sorted(tally.labels.items()))
        widths = [max(_columns(row[i]) for row in [columns, *rows] if i < len(row)) for i in range(7)]
        for row in [columns, *rows]:
            click.echo(" ".join(_pad(cell, width, right=i > 0)
                                for i, (cell, width) in enumerate(zip(row, widths))).rstrip())
        click.echo(_("not receiving: eligible for a benefit the household does not receive now (the households "
                     "active discovery visits: 主动发现)"))
        if out_path:
            click.echo(_("findings written to %(path)s", path=out_path))


# -- matching --------------------------------------------------------------------------


@cli.command("match")
@click.option("--instance", "instance_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Solve a carematch.instance/1 file; no database is used.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="With --instance: where to write the carematch.plan/1 (stdout if omitted).")
@click.option("--why-not", "why_not_pair", nargs=2, metavar="RECIPIENT VOLUNTEER", default=None,
              help="With --instance: explain why VOLUNTEER does not serve RECIPIENT.")
@click.option("--scope", help="Match a region of the database: a city, district/county or street code.")
@click.option("--board", "boards", multiple=True, help="With --scope: a care board (repeat for both; default: all).")
@click.option("--category", "categories", multiple=True,
              help="With --scope: left_behind_child, elderly_alone or bereaved_family (default: all).")
@click.option("--publish", "publish_it", is_flag=True,
              help="With --scope: publish the plan at once (default: a dry run that leaves a draft).")
@click.option("--dry-run", "dry_run", is_flag=True, help="With --scope: only compute and show the draft (the default).")
@click.option("--time-limit", type=float, default=30.0, show_default=True, help="Seconds for the solver.")
@click.pass_context
def match(click_ctx: click.Context, instance_path: Path | None, out_path: Path | None,
          why_not_pair: tuple[str, str] | None, scope: str | None, boards: tuple[str, ...],
          categories: tuple[str, ...], publish_it: bool, dry_run: bool, time_limit: float) -> None:
    """Match volunteers to care recipients (匹配志愿者与关爱对象): a file, or a scope of the database."""
    if (instance_path is None) == (scope is None):
        raise click.UsageError("give exactly one of --instance FILE or --scope AREA")
    if publish_it and dry_run:
        raise click.UsageError("--publish and --dry-run exclude each other")
    if instance_path is not None:
        from core.matching.cli import match_command

        click_ctx.invoke(match_command, instance_path=instance_path, out_path=out_path, time_limit=time_limit,
                         why_not_pair=why_not_pair)
        return
    from core.matchruns.cli import _fail, match_scope
    from core.matchruns.services import MatchRunError

    platform = click_ctx.ensure_object(Context).platform
    try:
        run, lines = match_scope(platform, scope, boards, categories=categories, time_limit_s=time_limit,
                                 publish_it=publish_it)
    except MatchRunError as exc:
        raise _fail(exc) from None
    for line in lines:
        click.echo(line)
    if not publish_it:
        click.echo(f"draft run {run.id} kept: review it at /match-runs/{run.id} or publish with "
                   f"`carematch match-run publish {run.id}`")


# -- demo ------------------------------------------------------------------------------


@cli.command()
@click.option("--households", default=3000, show_default=True, type=int)
@click.option("--seed", default=20201, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Seed the data and stop.")
@click.option("--with-scheduler", is_flag=True, help="Also run the scheduled jobs in this process.")
@pass_context
def demo(ctx: Context, households: int, seed: int, host: str, port: int, no_serve: bool,
         with_scheduler: bool) -> None:
    """Seed a synthetic Daqing data set (one user per role, printed with passwords) and serve it."""
    from core.demo import seed_demo

    initialise(ctx.platform, admin_username="admin", admin_password="admin-demo-2026", enable_boards=True)
    with ctx.platform.session() as session:
        summary = seed_demo(session, households=households, seed=seed, boards=ctx.platform.boards)
        session.commit()
    click.echo(summary.describe())
    # the quarterly data comparison, once now, so the active-discovery page has its leads
    from core.scheduler.runner import execute

    screening = execute(ctx.platform, "core:discovery_screening", trigger="cli")
    click.echo(f"  数据比对 (data comparison): {screening.summary or screening.error}")
    if not no_serve:
        serve_app(ctx.app, host, port, with_scheduler=with_scheduler)


def _add_plugin_commands(group: click.Group) -> None:
    # Board commands need the plugin manager only, not a database, so --help stays cheap.
    from core.plugins import BoardHost, get_plugin_manager

    host = BoardHost(get_plugin_manager())
    for key in sorted(host.installed):
        host.call_on(key, "register_commands", cli=group)


def _add_core_commands(group: click.Group) -> None:
    from core.backup import backup_command, restore_command
    from core.casework.cli import case_group
    from core.excel.cli import export_group, import_command
    from core.funds.cli import funds_group
    from core.matchruns.cli import match_runs_group
    from core.scheduler.cli import jobs_group, scheduler_command
    from core.volunteering.cli import volunteers_group

    for command in (case_group, match_runs_group, import_command, export_group, funds_group, volunteers_group,
                    scheduler_command, jobs_group, backup_command, restore_command):
        group.add_command(command)


def main(argv: list[str] | None = None) -> Any:
    _add_core_commands(cli)
    _add_plugin_commands(cli)
    return cli.main(args=argv, prog_name="carematch")
