"""Funds pages and JSON API, the household cross-board view and the overlaps-and-gaps report.

Thin over :mod:`core.funds.services` and :mod:`core.funds.crossboard`: every write view
runs one service in one transaction, commits on success, and on a refusal rolls back
(nothing changes) and shows the reason.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.funds import crossboard
from core.funds import services as fs
from core.funds.models import Fund, FundSourceRow
from core.funds.needs import NEEDS
from core.models import AuditEvent, Household, Region
from core.web import db, enabled_boards, locale_code, platform, roles

bp = Blueprint("funds", __name__)

READ = ("admin", "board_staff", "coordinator", "reviewer", "auditor")
WRITE = ("admin", "board_staff", "coordinator")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

KIND_LABELS: dict[str, Any] = {"income": _l("Donation"), "allocation": _l("Allocation"), "payment": _l("Programme payment"),
                               "grant": _l("Temporary assistance grant"), "correction": _l("Correction")}
OWNER_LABELS: dict[str, Any] = {"board": _l("Board"), "town": _l("Town reserve"), "city": _l("City")}
SOURCE_KIND_LABELS: dict[str, Any] = {"donation": _l("Donation drive"), "appeal": _l("Public appeal"),
                                      "allocation": _l("Allocation"), "reserve": _l("Reserve fund")}
NEED_LABELS: dict[str, Any] = {
    "basic_living": _l("Basic living"), "temporary_hardship": _l("Sudden hardship"), "education": _l("Education"),
    "medical": _l("Medical costs"), "festival": _l("Festival support"), "disability_support": _l("Disability support"),
    "left_behind_child": _l("Left-behind child"), "elderly_alone": _l("Elderly person alone"),
    "bereaved_family": _l("Bereaved-parent family"), "psychological": _l("Psychological care"),
}


# -- helpers ---------------------------------------------------------------------------------------------


def _fen(value: Any) -> int:
    """Yuan as typed ("710" or "710.50") to fen; at most two decimals."""
    try:
        amount = Decimal(str(value or "").strip().replace(",", ""))
    except InvalidOperation:
        raise fs.FundError(f"金额无效: {value}", f"invalid amount {value!r}") from None
    if amount != amount.quantize(Decimal("0.01")):
        raise fs.FundError("金额最多两位小数", "an amount has at most two decimals")
    return int(amount * 100)


def _date(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fs.FundError(f"日期格式无效: {value}", f"invalid date {value!r} (use YYYY-MM-DD)") from None


def _refusal(exc: fs.FundError) -> str:
    return exc.en if locale_code().startswith("en") else exc.zh


def board_names() -> dict[str, str]:
    locale = locale_code()
    return {key: b.info.name(locale) for key, b in platform().boards.installed.items()}


def programme_names(boards: Any = None) -> dict[str, str]:
    """Programme and care-need names of every installed board (a disabled board's past help is still named)."""
    boards = boards or platform().boards
    english = locale_code().startswith("en")
    names: dict[str, str] = {}
    installed = set(boards.installed)
    for programme in boards.collect("register_programmes", installed):
        names[programme.key] = programme.name_en if english else programme.name_zh
    for need in boards.collect("register_need_types", installed):
        names.setdefault(need.key, need.name_en if english else need.name_zh)
    names.update({key: str(label) for key, label in NEED_LABELS.items()})  # needs have no dot: no clash
    return names


def _fund_or_404(fund_id: int) -> Fund:
    fund = db().get(Fund, fund_id)
    if fund is None or not fs.may_read(current_user, fund):
        abort(404)
    return fund


@bp.app_context_processor
def _funds_helpers() -> dict[str, Any]:
    return {"fund_kind_labels": KIND_LABELS, "fund_owner_labels": OWNER_LABELS, "need_labels": NEED_LABELS,
            "fund_source_kind_labels": SOURCE_KIND_LABELS}


# -- funds -----------------------------------------------------------------------------------------------


@bp.route("/funds/")
@roles(*READ)
def index():  # type: ignore[no-untyped-def]
    session = db()
    sources = fs.sync_sources(session, platform().boards)
    session.commit()
    on = enabled_boards()
    funds = fs.visible_funds(session, current_user)
    rows = [{"fund": f, "read_only": fs.is_read_only(session, f, on), "may_operate": fs.may_operate(current_user, f),
             "below_floor": bool(f.floor_fen and f.balance_fen < f.floor_fen)} for f in funds]
    regions = list(session.execute(select(Region).where(Region.level.in_(("city", "district", "county", "street", "town")))
                                   .order_by(Region.code)).scalars())
    may_open = current_user.role == "admin" or (current_user.role in WRITE and current_user.board in on)
    return render_template("funds/index.html", rows=rows, sources=sources, regions=regions, may_open=may_open,
                           board_names=board_names(), enabled=on, total=sum(f.balance_fen for f in funds),
                           programme_names=programme_names(), needs=NEEDS)


@bp.route("/funds/new", methods=["POST"])
@roles(*WRITE)
def create():  # type: ignore[no-untyped-def]
    session = db()
    form = request.form
    try:
        board = form.get("board") or None
        if current_user.role != "admin":
            board = current_user.board
        fund = fs.open_fund(session, current_user, fs.NewFund(
            name_zh=form.get("name_zh", ""), name_en=form.get("name_en", ""), owner_kind=form.get("owner_kind", "board"),
            board=board, source_key=form.get("source_key") or None, region_code=form.get("region_code") or None,
            purposes=[p for p in form.getlist("purposes") if p] + [
                p.strip() for p in form.get("purposes_text", "").replace("，", ",").split(",") if p.strip()],
            floor_fen=_fen(form.get("floor") or "0")))
        session.commit()
    except fs.FundError as exc:
        session.rollback()
        flash(_refusal(exc), "error")
        return redirect(url_for("funds.index"))
    flash(_("Fund opened."), "info")
    return redirect(url_for("funds.show", fund_id=fund.id))


@bp.route("/funds/<int:fund_id>")
@roles(*READ)
def show(fund_id: int):  # type: ignore[no-untyped-def]
    session = db()
    fund = _fund_or_404(fund_id)
    entries = fs.entries_of(session, fund.id)
    return render_template("funds/fund.html", fund=fund, entries=list(reversed(entries)),
                           months=list(reversed(fs.month_balances(entries))),
                           read_only=fs.is_read_only(session, fund, enabled_boards()),
                           may_operate=fs.may_operate(current_user, fund),
                           may_pay=current_user.role in WRITE and (fs.may_operate(current_user, fund) or any(
                               p.startswith(f"{current_user.board}.") for p in fund.purposes or [])),
                           board_names=board_names(), programme_names=programme_names(),
                           today=dt.date.today())


def _write(fund_id: int, action: Any, success: str) -> Any:
    session = db()
    _fund_or_404(fund_id)
    try:
        entry = action(session)
        session.commit()
    except fs.FundError as exc:
        session.rollback()
        flash(_refusal(exc), "error")
    else:
        flash(success + (f" {_('Receipt')}: {entry.receipt_no}" if entry.receipt_no else ""), "info")
    return redirect(url_for("funds.show", fund_id=fund_id))


@bp.route("/funds/<int:fund_id>/income", methods=["POST"])
@roles(*WRITE)
def income(fund_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    return _write(fund_id, lambda s: fs.record_income(
        s, current_user, fund_id, amount_fen=_fen(form.get("amount")), on=_date(form.get("on")),
        donor=form.get("donor", ""), anonymous=bool(form.get("anonymous")), restrictions=form.get("restrictions", ""),
        note=form.get("note", ""), kind="allocation" if form.get("kind") == "allocation" else "income"),
        _("Income recorded."))


@bp.route("/funds/<int:fund_id>/pay", methods=["POST"])
@roles(*WRITE)
def pay(fund_id: int):  # type: ignore[no-untyped-def]
    form = request.form

    def action(session: Any) -> Any:
        def number(name: str) -> int | None:
            value = form.get(name)
            if not value:
                return None
            try:
                return int(value)
            except ValueError:
                raise fs.FundError(f"{name} 应为整数", f"{name} must be a whole number") from None

        purpose = form.get("purpose_key", "").strip()
        return fs.pay_from_fund(session, current_user, fund_id, _fen(form.get("amount")), purpose,
                                case_id=number("case_id"), measure_id=number("measure_id"),
                                household_id=number("household_id"), note=form.get("note", ""),
                                on=_date(form.get("on")),
                                kind="grant" if purpose.startswith("civil_affairs.temporary") else "payment")

    return _write(fund_id, action, _("Payment recorded."))


@bp.route("/funds/<int:fund_id>/statement.xlsx")
@roles(*READ)
def statement(fund_id: int):  # type: ignore[no-untyped-def]
    from core.excel.exporting import record_export
    from core.funds.statement import statement as make_statement

    session = db()
    fund = _fund_or_404(fund_id)
    export = make_statement(session, current_user, fund)
    record_export(session, current_user, "fund_statement", {"id": fund.id}, export.rows, remote_addr=request.remote_addr)
    session.commit()
    return send_file(io.BytesIO(export.data), mimetype=XLSX, as_attachment=True, download_name=export.filename)


# -- the cross-board view ----------------------------------------------------------------------------------


def _audit_household(household_id: int, reason: str) -> None:
    db().add(AuditEvent(user_id=current_user.id, action="read_household", object_type="household",
                        object_id=str(household_id), reason=reason, remote_addr=request.remote_addr))


@bp.route("/households/<int:household_id>/boards")
@roles(*READ)
def household_boards(household_id: int):  # type: ignore[no-untyped-def]
    session = db()
    household = session.get(Household, household_id)
    if household is None:
        abort(404)
    _audit_household(household_id, "cross-board view")
    session.commit()
    rows = crossboard.household_rows(session, current_user, household_id)
    return render_template("funds/household_boards.html", household=household, rows=rows,
                           board_names=board_names(), programme_names=programme_names())


@bp.route("/reports/cross-board")
@roles(*READ)
def report():  # type: ignore[no-untyped-def]
    session = db()
    area = request.args.get("area") or (current_user.region_code or "230600")
    if not area.isdigit() or session.get(Region, area) is None:
        abort(400, description=_("Unknown area code."))
    result = crossboard.cross_board_report(session, current_user, area, enabled_boards())
    session.add(AuditEvent(user_id=current_user.id, action="read_report", object_type="cross_board",
                           object_id=area, remote_addr=request.remote_addr))
    session.commit()
    return render_template("funds/report.html", report=result, area=area, areas=crossboard.area_choices(session),
                           board_names=board_names(), programme_names=programme_names())


# -- JSON API ----------------------------------------------------------------------------------------------


@bp.route("/api/funds")
@roles(*READ)
def api_funds():  # type: ignore[no-untyped-def]
    session = db()
    on = enabled_boards()
    return jsonify(funds=[fs.fund_json(f, fs.is_read_only(session, f, on))
                          for f in fs.visible_funds(session, current_user)])


@bp.route("/api/funds/<int:fund_id>/entries")
@roles(*READ)
def api_entries(fund_id: int):  # type: ignore[no-untyped-def]
    session = db()
    fund = db().get(Fund, fund_id)
    if fund is None or not fs.may_read(current_user, fund):
        return jsonify(error=_("No such fund.")), 404
    entries = fs.entries_of(session, fund.id)
    return jsonify(fund=fs.fund_json(fund, fs.is_read_only(session, fund, enabled_boards())),
                   entries=[fs.entry_json(e) for e in entries],
                   months=[{"month": f"{m.month:%Y-%m}", "opening_fen": m.opening_fen, "income_fen": m.income_fen,
                            "spending_fen": m.spending_fen, "closing_fen": m.closing_fen} for m in
                           fs.month_balances(entries)])


@bp.route("/api/households/<int:household_id>/boards")
@roles(*READ)
def api_household_boards(household_id: int):  # type: ignore[no-untyped-def]
    session = db()
    if session.get(Household, household_id) is None:
        return jsonify(error=_("No such household.")), 404
    _audit_household(household_id, "cross-board API")
    session.commit()
    names = programme_names()
    return jsonify(household_id=household_id,
                   rows=[r.as_json(names) for r in crossboard.household_rows(session, current_user, household_id)])


def sources_of(session: Any) -> list[FundSourceRow]:
    return list(session.execute(select(FundSourceRow).order_by(FundSourceRow.key)).scalars())
