"""``carematch funds …``: funds from the command line, acting as a named user (``--as``).

One command is one transaction; a refusal (read-only fund, purpose not allowed,
insufficient balance) exits 1 with its bilingual message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import click
from sqlalchemy import select

from core.cli import Context, pass_context


def _fen(text: str) -> int:
    amount = Decimal(text)
    if amount != amount.quantize(Decimal("0.01")):
        raise click.BadParameter("at most two decimals")
    return int(amount * 100)


def _run(ctx: Context, username: str, action: Callable[[Any, Any], Any]) -> Any:
    from core.funds.services import FundError, sync_sources
    from core.models import User

    with ctx.platform.session() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None or not user.active:
            raise click.ClickException(f"没有用户 {username} (no active user {username!r})")
        try:
            sync_sources(session, ctx.platform.boards)
            result = action(session, user)
            session.commit()
        except FundError as exc:
            session.rollback()
            raise click.ClickException(str(exc)) from None
        return result


as_option = click.option("--as", "username", required=True, help="The acting user's username.")


@click.group("funds")
def funds_group() -> None:
    """Funds: balances, income with receipts, payments drawn from a fund, statements."""


@funds_group.command("list")
@as_option
@pass_context
def funds_list(ctx: Context, username: str) -> None:
    """Every fund with its balance (read-only funds marked)."""
    from core.funds import services as fs

    def action(session: Any, user: Any) -> None:
        on = fs.enabled_boards(session)
        for fund in fs.visible_funds(session, user):
            flag = " [read-only]" if fs.is_read_only(session, fund, on) else ""
            floor = " [below floor]" if fund.floor_fen and fund.balance_fen < fund.floor_fen else ""
            click.echo(f"{fund.id}\t{fund.name_zh}\t{fund.board or '-'}\t{fs.yuan_text(fund.balance_fen)}{flag}{floor}")

    _run(ctx, username, action)


@funds_group.command("create")
@as_option
@click.option("--name", "name_zh", required=True)
@click.option("--name-en", default="")
@click.option("--owner", "owner_kind", type=click.Choice(["board", "town", "city"]), default="board")
@click.option("--board", default=None, help="Operating board (default: the user's board).")
@click.option("--source", "source_key", default=None, help="Fund source key, e.g. civil_affairs.township_reserve")
@click.option("--region", "region_code", default=None)
@click.option("--purpose", "purposes", multiple=True, help="A programme key or need it may pay for; repeat.")
@click.option("--floor", default="0", help="Reserve floor in yuan.")
@pass_context
def funds_create(ctx: Context, username: str, name_zh: str, name_en: str, owner_kind: str, board: str | None,
                 source_key: str | None, region_code: str | None, purposes: tuple[str, ...], floor: str) -> None:
    """Open a fund."""
    from core.funds import services as fs

    fund = _run(ctx, username, lambda s, u: fs.open_fund(s, u, fs.NewFund(
        name_zh=name_zh, name_en=name_en, owner_kind=owner_kind, board=board or u.board, source_key=source_key,
        region_code=region_code, purposes=purposes, floor_fen=_fen(floor))))
    click.echo(f"fund {fund.id} opened")


@funds_group.command("show")
@as_option
@click.argument("fund_id", type=int)
@pass_context
def funds_show(ctx: Context, username: str, fund_id: int) -> None:
    """A fund's month balances and entries."""
    from core.funds import services as fs

    def action(session: Any, user: Any) -> None:
        fund = session.get(fs.Fund, fund_id)
        if fund is None:
            raise fs.FundError(f"没有编号为 {fund_id} 的资金", f"there is no fund {fund_id}")
        click.echo(f"{fund.name_zh} balance {fs.yuan_text(fund.balance_fen)} floor {fs.yuan_text(fund.floor_fen)}")
        entries = fs.entries_of(session, fund.id)
        for m in fs.month_balances(entries):
            click.echo(f"{m.month:%Y-%m}\topening {fs.yuan_text(m.opening_fen)}\tin {fs.yuan_text(m.income_fen)}"
                       f"\tout {fs.yuan_text(m.spending_fen)}\tclosing {fs.yuan_text(m.closing_fen)}")
        for e in entries:
            who = "anonymous" if e.anonymous else (e.donor or e.purpose_key or "")
            click.echo(f"#{e.id}\t{e.entry_date}\t{e.kind}\t{fs.yuan_text(e.amount_fen)}\t"
                       f"{fs.yuan_text(e.balance_after_fen)}\t{who}\t{e.receipt_no or ''}")

    _run(ctx, username, action)


@funds_group.command("income")
@as_option
@click.argument("fund_id", type=int)
@click.option("--amount", required=True, help="Yuan, e.g. 200000 or 35.50")
@click.option("--donor", default="")
@click.option("--anonymous", is_flag=True)
@click.option("--restrictions", default="")
@click.option("--allocation", is_flag=True, help="A budget allocation rather than a donation.")
@click.option("--on", default=None, help="Date (YYYY-MM-DD); default today.")
@click.option("--note", default="")
@pass_context
def funds_income(ctx: Context, username: str, fund_id: int, amount: str, donor: str, anonymous: bool,
                 restrictions: str, allocation: bool, on: str | None, note: str) -> None:
    """Record a donation or an allocation; prints the receipt number."""
    from core.funds import services as fs

    entry = _run(ctx, username, lambda s, u: fs.record_income(
        s, u, fund_id, amount_fen=_fen(amount), on=dt.date.fromisoformat(on) if on else dt.date.today(),
        donor=donor, anonymous=anonymous, restrictions=restrictions, note=note,
        kind="allocation" if allocation else "income"))
    click.echo(f"entry {entry.id} receipt {entry.receipt_no} balance {fs.yuan_text(entry.balance_after_fen)}")


@funds_group.command("pay")
@as_option
@click.argument("fund_id", type=int)
@click.option("--amount", required=True, help="Yuan")
@click.option("--purpose", "purpose_key", required=True, help="Programme key, e.g. civil_affairs.temporary_assistance")
@click.option("--case", "case_id", type=int, default=None)
@click.option("--measure", "measure_id", type=int, default=None)
@click.option("--household", "household_id", type=int, default=None)
@click.option("--on", default=None)
@click.option("--note", default="")
@pass_context
def funds_pay(ctx: Context, username: str, fund_id: int, amount: str, purpose_key: str, case_id: int | None,
              measure_id: int | None, household_id: int | None, on: str | None, note: str) -> None:
    """Draw a payment or a temporary-assistance grant from a fund."""
    from core.funds import services as fs

    entry = _run(ctx, username, lambda s, u: fs.pay_from_fund(
        s, u, fund_id, _fen(amount), purpose_key, case_id=case_id, measure_id=measure_id, household_id=household_id,
        note=note, on=dt.date.fromisoformat(on) if on else None,
        kind="grant" if purpose_key.startswith("civil_affairs.temporary") else "payment"))
    click.echo(f"entry {entry.id} balance {fs.yuan_text(entry.balance_after_fen)}")


@funds_group.command("statement")
@as_option
@click.argument("fund_id", type=int)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@pass_context
def funds_statement(ctx: Context, username: str, fund_id: int, out: Path | None) -> None:
    """Write the fund's xlsx statement (audited as an export)."""
    from core.excel.exporting import record_export
    from core.funds import services as fs
    from core.funds.statement import statement

    def action(session: Any, user: Any) -> Any:
        fund = session.get(fs.Fund, fund_id)
        if fund is None:
            raise fs.FundError(f"没有编号为 {fund_id} 的资金", f"there is no fund {fund_id}")
        export = statement(session, user, fund)
        record_export(session, user, "fund_statement", {"id": fund.id, "via": "cli"}, export.rows)
        return export

    export = _run(ctx, username, action)
    target = out or Path(export.filename)
    target.write_bytes(export.data)
    click.echo(f"{target} ({export.rows} entries)")
