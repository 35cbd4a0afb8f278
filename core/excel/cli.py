"""``carematch import KIND FILE`` and ``carematch export …``: the same services as the web pages.

The CLI acts as the system (no logged-in user): imports are recorded with no actor,
exports as an administrator's would be — the shell user already has the database.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from core.cli import Context, pass_context
from core.excel import importing
from core.excel.kinds import KINDS
from core.excel.safety import FileRejected, check_upload


def _echo_report(outcome: importing.Outcome, limit: int = 50) -> None:
    for message in outcome.report.get("file_errors", []):
        click.echo(f"错误 (error): {message}", err=True)
    for warning in outcome.report.get("warnings", []):
        click.echo(f"提示 (note): {warning}", err=True)
    errors = outcome.report.get("errors", [])
    for e in errors[:limit]:
        where = f"{e['sheet']}!{e['column']}{e['row']}" if e["column"] else f"{e['sheet']} 第{e['row']}行"
        click.echo(f"{where}\t{e['header']}\t{e['value']}\t{e['reason']}", err=True)
    hidden = outcome.report.get("error_count", len(errors)) - min(limit, len(errors))
    if hidden > 0:
        click.echo(f"… 另有 {hidden} 处错误 (and {hidden} more: use --report FILE for the annotated copy)", err=True)


@click.command("import")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--good-rows-only", is_flag=True, help="Write the good rows even when some rows are wrong.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="When rows are wrong, write the annotated copy of FILE here.")
@pass_context
def import_command(ctx: Context, kind: str, file: Path, good_rows_only: bool, report_path: Path | None) -> None:
    """Import FILE (.xlsx, from the template) as KIND: every row checked first, all or nothing."""
    data = file.read_bytes()
    try:
        check_upload(data, file.name)
    except FileRejected as exc:
        raise click.ClickException(str(exc)) from None
    platform = ctx.platform
    bar_state: dict[str, Any] = {"bar": None, "phase": None, "at": 0}

    def progress(phase: str, done: int, total: int) -> None:
        if bar_state["phase"] != phase:
            if bar_state["bar"] is not None:
                bar_state["bar"].__exit__(None, None, None)
            label = {"reading": "检查 (checking)", "writing": "写入 (writing)"}.get(phase, phase)
            bar_state.update(bar=click.progressbar(length=max(total, 1), label=label, file=sys.stderr).__enter__(),
                             phase=phase, at=0)
        bar = bar_state["bar"]
        step = min(done, max(total, 1)) - bar_state["at"]
        if step > 0:
            bar.update(step)
            bar_state["at"] += step

    with platform.session() as session:
        try:
            outcome = importing.run(session, KINDS[kind], data, actor=None, good_rows_only=good_rows_only,
                                    progress=progress)
        finally:
            if bar_state["bar"] is not None:
                bar_state["bar"].__exit__(None, None, None)
        if outcome.status != "done":
            session.rollback()
            _echo_report(outcome)
            if report_path is not None and outcome.report.get("errors"):
                from core.excel.templates import build_annotated

                report_path.write_bytes(build_annotated(data, outcome.report))
                click.echo(f"annotated copy: {report_path}", err=True)
            raise click.ClickException(
                f"{outcome.bad_rows} 行有错误, 未写入任何数据 ({outcome.bad_rows} bad rows of {outcome.total_rows}: nothing written)"
                if not outcome.report.get("file_errors") else "未写入任何数据 (nothing written)")
        from core.models import AuditEvent

        session.add(AuditEvent(action="import", object_type="file", object_id=file.name[:64],
                               reason=f"cli {kind}: {outcome.good_rows} rows, {outcome.created} created, "
                                      f"{outcome.updated} updated"))
        session.commit()
    if outcome.bad_rows:
        _echo_report(outcome)
    click.echo(f"imported {outcome.good_rows} rows: {outcome.created} created, {outcome.updated} updated"
               + (f", {outcome.bad_rows} bad rows skipped" if outcome.bad_rows else ""))


@click.group("export")
def export_group() -> None:
    """Write ledgers, public-notice lists and service-hour records as .xlsx.

    Every export acts as a named user (``--as``), so the same masking and board
    limits apply as on the web, and it is recorded in the audit log.
    """


_as_option = click.option("--as", "username", required=True, help="The user the export is made for.")
_out_option = click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))


def _reader(session: Any, username: str) -> Any:
    from sqlalchemy import select

    from core.auth import SessionUser
    from core.models import User

    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        raise click.ClickException(f"没有这个有效用户 (no active user {username!r})")
    return SessionUser.of(user)


def _write_export(ctx: Context, username: str, out_path: Path, what: str, params: dict[str, Any], make: Any) -> None:
    from core.excel.exporting import record_export

    with ctx.platform.session() as session:
        reader = _reader(session, username)
        try:
            export = make(session, reader)
        except PermissionError:
            raise click.ClickException(f"{username} 无权导出 (may not export this)") from None
        record_export(session, reader, what, params, export.rows, remote_addr="cli")
        session.commit()  # the audit entry is kept before the file is written
    out_path.write_bytes(export.data)
    click.echo(f"{export.rows} rows written to {out_path}" + (" (identifiers masked)" if export.masked else ""))


def _board_names(ctx: Context) -> dict[str, str]:
    return {key: board.info.name_zh for key, board in ctx.platform.boards.installed.items()}


@export_group.command("ledger")
@_as_option
@_out_option
@click.option("--board")
@click.option("--person", "person_id", type=int)
@click.option("--household", "household_id", type=int)
@pass_context
def export_ledger(ctx: Context, username: str, out_path: Path, board: str | None, person_id: int | None,
                  household_id: int | None) -> None:
    """The ledger (台账) of a board, a person or a household."""
    from core.excel.exporting import ledger

    _write_export(ctx, username, out_path, "ledger", dict(board=board, person=person_id, household=household_id),
                  lambda session, reader: ledger(session, reader, board=board, person_id=person_id,
                                                 household_id=household_id, since=None, until=None,
                                                 board_names=_board_names(ctx)))


@export_group.command("public-notice")
@_as_option
@_out_option
@click.option("--programme", required=True, help="A programme key, e.g. civil_affairs.dibao.")
@pass_context
def export_public_notice(ctx: Context, username: str, out_path: Path, programme: str) -> None:
    """The public-notice list (公示): name, household size and amount only."""
    from core.excel.exporting import public_notice

    _write_export(ctx, username, out_path, "public_notice", {"programme": programme},
                  lambda session, reader: public_notice(session, reader, programme))


@export_group.command("service-hours")
@_as_option
@_out_option
@click.option("--board")
@click.option("--volunteer", "volunteer_id", type=int)
@pass_context
def export_service_hours(ctx: Context, username: str, out_path: Path, board: str | None,
                         volunteer_id: int | None) -> None:
    """Volunteer service records with hours, and a total per volunteer."""
    from core.excel.exporting import service_hours

    _write_export(ctx, username, out_path, "service_hours", dict(board=board, volunteer=volunteer_id),
                  lambda session, reader: service_hours(session, reader, board=board, volunteer_id=volunteer_id,
                                                        since=None, until=None, board_names=_board_names(ctx)))
