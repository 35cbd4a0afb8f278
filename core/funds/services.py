"""Funds as services: sources from the boards, opening a fund, income with a receipt,
payments drawn from a fund, month balances.

Every service takes a session and the acting user, checks before it changes anything,
and only flushes: the caller commits once, or rolls back on :class:`FundError` so a
refused payment changes nothing. A payment or income locks the fund row first
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers) and the fund's
``version`` column makes a lost update impossible either way, so the balance can never
go below zero and always equals the sum of the fund's entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Protocol, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.boards import FundSource
from core.funds.models import ENTRY_KINDS, OWNER_KINDS, Fund, FundEntry, FundSourceRow  # noqa: F401 - re-exported
from core.funds.needs import need_of
from core.models import AuditEvent, Case, Household, PlanMeasure, PluginSetting, Region

ADMIN_ROLES = ("admin",)
STAFF_ROLES = ("board_staff", "coordinator")
READ_ROLES = ("admin", "board_staff", "coordinator", "reviewer", "auditor")


class Actor(Protocol):
    id: int
    role: str
    board: str | None


class FundError(Exception):
    """A refused fund operation; the message is bilingual: "中文 (English)"."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} ({en})")
        self.zh = zh
        self.en = en


def yuan_text(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f}"


# -- sources ------------------------------------------------------------------------------------------


def sync_sources(session: Session, boards: Any) -> list[FundSourceRow]:
    """Store every installed board's fund sources (``register_fund_sources``); never deletes.

    Every installed board, enabled or not: a disabled board's funds stay listed, read-only.
    """
    declared: list[tuple[str, FundSource]] = []
    for key in sorted(boards.installed):
        for answer in boards.call_on(key, "register_fund_sources"):
            for source in answer or []:
                if not source.key.startswith(f"{key}."):
                    raise FundError(f"资金来源 {source.key} 应以 {key}. 开头",
                                    f"fund source {source.key} must start with {key}.")
                declared.append((key, source))
    existing = {row.key: row for row in session.execute(select(FundSourceRow)).scalars()}
    for board, source in declared:
        row = existing.get(source.key)
        if row is None:
            row = FundSourceRow(key=source.key, board=board)
            session.add(row)
            existing[source.key] = row
        if (row.name_zh, row.name_en, row.kind, row.description_zh, row.description_en) != (
                source.name_zh, source.name_en, source.kind, source.description_zh, source.description_en):
            row.name_zh, row.name_en, row.kind = source.name_zh, source.name_en, source.kind
            row.description_zh, row.description_en = source.description_zh, source.description_en
    session.flush()
    return sorted(existing.values(), key=lambda r: r.key)


# -- who may do what ---------------------------------------------------------------------------------


def enabled_boards(session: Session) -> set[str]:
    return set(session.execute(select(PluginSetting.board).where(PluginSetting.enabled.is_(True))).scalars())


def is_read_only(session: Session, fund: Fund, enabled: Iterable[str] | None = None) -> bool:
    """A fund of a disabled board (or a source of one), or a closed fund, takes no income and no payment."""
    on = set(enabled) if enabled is not None else enabled_boards(session)
    if not fund.active:
        return True
    boards = {fund.board} | ({fund.source.board} if fund.source is not None else set())
    return any(b is not None and b not in on for b in boards)


def may_read(actor: Actor, fund: Fund) -> bool:
    return actor.role in READ_ROLES


def may_operate(actor: Actor, fund: Fund) -> bool:
    """Record income: administrators, and the staff of the fund's board."""
    if actor.role in ADMIN_ROLES:
        return True
    return actor.role in STAFF_ROLES and actor.board is not None and actor.board == fund.board


def may_pay(actor: Actor, fund: Fund, purpose_key: str) -> bool:
    """Pay: administrators; the fund's board; and a board whose programme the fund names
    explicitly (an earmarked donation for civil-affairs temporary assistance, say)."""
    if may_operate(actor, fund):
        return True
    return (actor.role in STAFF_ROLES and actor.board is not None and purpose_key in (fund.purposes or [])
            and purpose_key.startswith(f"{actor.board}."))


def purpose_allowed(fund: Fund, purpose_key: str) -> bool:
    """Is ``purpose_key`` (a programme key) one the fund may pay for?

    A fund lists programme keys or need categories; an empty list means any programme of
    the fund's board (or any programme at all for a city fund with no board).
    """
    allowed = list(fund.purposes or [])
    if not allowed:
        return fund.board is None or purpose_key.startswith(f"{fund.board}.")
    return purpose_key in allowed or need_of(purpose_key) in allowed


# -- opening a fund ----------------------------------------------------------------------------------


@dataclass
class NewFund:
    name_zh: str
    owner_kind: str  # board | town | city
    board: str | None
    name_en: str = ""
    source_key: str | None = None
    region_code: str | None = None
    purposes: Sequence[str] = ()
    floor_fen: int = 0


def open_fund(session: Session, actor: Actor, data: NewFund) -> Fund:
    """Open a fund: administrators for any owner, board staff for their own board."""
    if actor.role not in ADMIN_ROLES and not (actor.role in STAFF_ROLES and actor.board and actor.board == data.board):
        raise FundError("只有管理员或本板块工作人员可以设立资金", "only an administrator or the board's staff can open a fund")
    if data.owner_kind not in OWNER_KINDS:
        raise FundError(f"未知的资金归属 {data.owner_kind}", f"unknown owner kind {data.owner_kind!r}")
    if not data.name_zh.strip():
        raise FundError("资金须有名称", "a fund needs a name")
    if data.floor_fen < 0:
        raise FundError("底线金额不能为负", "the floor cannot be negative")
    if data.owner_kind == "town":
        region = session.get(Region, data.region_code) if data.region_code else None
        if region is None:
            raise FundError("乡镇备用金须指明乡镇(街道)", "a town's reserve fund needs its town or street")
    if data.owner_kind == "board" and not data.board:
        raise FundError("板块资金须指明板块", "a board's fund needs its board")
    source = None
    if data.source_key:
        source = session.execute(select(FundSourceRow).where(FundSourceRow.key == data.source_key)).scalar_one_or_none()
        if source is None:
            raise FundError(f"没有资金来源 {data.source_key}", f"no fund source {data.source_key!r}")
    fund = Fund(name_zh=data.name_zh.strip(), name_en=data.name_en.strip(), source_id=source.id if source else None,
                owner_kind=data.owner_kind, board=data.board or None, region_code=data.region_code or None,
                purposes=[p.strip() for p in data.purposes if p and p.strip()], floor_fen=data.floor_fen,
                balance_fen=0, active=True, created_by=actor.id)
    if is_read_only(session, fund):
        raise FundError("该板块未启用, 不能设立资金", "the board is disabled: no fund can be opened for it")
    session.add(fund)
    session.flush()
    session.add(AuditEvent(user_id=actor.id, action="fund_open", object_type="fund", object_id=str(fund.id)))
    return fund


# -- moving money --------------------------------------------------------------------------------------


def lock_fund(session: Session, fund_id: int) -> Fund:
    """The fund row, freshly read and locked for this transaction (FOR UPDATE on PostgreSQL).

    SQLite has no row locks: a no-op write first takes the database's write lock (waiting
    on the busy timeout), so the balance read next is the latest and no other writer can
    move it before this transaction ends.
    """
    if session.get_bind().dialect.name == "sqlite":
        table = Fund.__table__
        session.execute(update(table).where(table.c.id == fund_id).values(balance_fen=table.c.balance_fen))
    fund = session.execute(
        select(Fund).where(Fund.id == fund_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if fund is None:
        raise FundError(f"没有编号为 {fund_id} 的资金", f"there is no fund {fund_id}")
    return fund


def _post(session: Session, fund: Fund, entry: FundEntry) -> FundEntry:
    # One place where the balance moves: the entry and the balance change in one flush.
    new_balance = fund.balance_fen + entry.amount_fen
    if new_balance < 0:  # checked by the callers with a clearer message; never trust only them
        raise FundError("余额不足", "insufficient balance")
    entry.balance_after_fen = new_balance
    fund.balance_fen = new_balance
    session.add(entry)
    session.flush()
    return entry


def _receipt_number(session: Session, fund: Fund, on: dt.date) -> str:
    # Under the fund's lock: the next number of this fund's receipts this year.
    prefix = f"JZ{on.year}-{fund.id:04d}-"
    count = session.scalar(
        select(func.count()).select_from(FundEntry)
        .where(FundEntry.fund_id == fund.id, FundEntry.receipt_no.startswith(prefix))
    ) or 0
    return f"{prefix}{count + 1:05d}"


def record_income(session: Session, actor: Actor, fund_id: int, *, amount_fen: int, on: dt.date,
                  donor: str = "", anonymous: bool = False, restrictions: str = "", note: str = "",
                  kind: str = "income") -> FundEntry:
    """A donation or an allocation into a fund, with a receipt number generated."""
    if kind not in ("income", "allocation"):
        raise FundError(f"收入类型无效 {kind}", f"invalid income kind {kind!r}")
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise FundError("收入金额须为正数", "an income must be a positive amount")
    fund = lock_fund(session, fund_id)
    if not may_operate(actor, fund):
        raise FundError(f"无权向资金「{fund.name_zh}」记录收入", f"you may not record income into fund {fund.id}")
    if is_read_only(session, fund):
        raise FundError(f"资金「{fund.name_zh}」所属板块未启用或资金已关闭, 只读",
                        f"fund {fund.id} is read-only: its board is disabled or the fund is closed")
    donor = donor.strip()
    if not anonymous and not donor:
        raise FundError("请填写捐赠人或选择匿名", "name the donor or mark the donation anonymous")
    entry = FundEntry(fund_id=fund.id, entry_date=on, kind=kind, amount_fen=amount_fen,
                      donor="" if anonymous else donor[:200], anonymous=anonymous, restrictions=restrictions.strip(),
                      receipt_no=_receipt_number(session, fund, on), note=note.strip(), actor_id=actor.id)
    return _post(session, fund, entry)


def pay_from_fund(session: Session, actor: Actor, fund_id: int, amount_fen: int, purpose_key: str, *,
                  case_id: int | None = None, measure_id: int | None = None, household_id: int | None = None,
                  note: str = "", on: dt.date | None = None, month: dt.date | None = None,
                  kind: str = "payment") -> FundEntry:
    """Draw a programme payment or a temporary-assistance grant from a fund.

    Refused, with the reason, when the fund is read-only, the actor may not pay from it,
    the purpose is not one the fund allows, or the balance does not cover the amount. A
    payment that takes a reserve fund below its floor raises a (deduplicated) warning.
    """
    if kind not in ("payment", "grant"):
        raise FundError(f"支出类型无效 {kind}", f"invalid payment kind {kind!r}")
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise FundError("支出金额须为正数", "a payment must be a positive amount")
    if not purpose_key:
        raise FundError("支出须指明项目", "a payment must name the programme it pays for")
    on = on or dt.date.today()
    fund = lock_fund(session, fund_id)
    if is_read_only(session, fund):
        raise FundError(f"资金「{fund.name_zh}」所属板块未启用或资金已关闭, 只读, 不能支出",
                        f"fund {fund.id} is read-only (its board is disabled or it is closed): no payment")
    if not may_pay(actor, fund, purpose_key):
        raise FundError(f"无权从资金「{fund.name_zh}」支出", f"you may not pay from fund {fund.id}")
    if not purpose_allowed(fund, purpose_key):
        allowed = "、".join(fund.purposes) if fund.purposes else f"{fund.board}.*"
        raise FundError(f"资金「{fund.name_zh}」的用途不包括 {purpose_key} (限: {allowed})",
                        f"fund {fund.id} may not pay for {purpose_key}; it may pay for {allowed}")
    if amount_fen > fund.balance_fen:
        raise FundError(f"资金「{fund.name_zh}」余额 {yuan_text(fund.balance_fen)} 元, 不足支付 {yuan_text(amount_fen)} 元",
                        f"fund {fund.id} holds {yuan_text(fund.balance_fen)} yuan, "
                        f"not enough for {yuan_text(amount_fen)} yuan")
    if measure_id is not None:
        measure = session.get(PlanMeasure, measure_id)
        if measure is None:
            raise FundError(f"没有帮扶措施 {measure_id}", f"there is no measure {measure_id}")
        case_id = case_id or measure.plan.case_id
    if case_id is not None:
        case = session.get(Case, case_id)
        if case is None:
            raise FundError(f"没有个案 {case_id}", f"there is no case {case_id}")
        household_id = household_id or case.household_id
    if household_id is not None and session.get(Household, household_id) is None:
        raise FundError(f"没有家庭 {household_id}", f"there is no household {household_id}")
    before = fund.balance_fen
    entry = _post(session, fund, FundEntry(
        fund_id=fund.id, entry_date=on, kind=kind, amount_fen=-amount_fen, purpose_key=purpose_key,
        household_id=household_id, case_id=case_id, measure_id=measure_id,
        month=month.replace(day=1) if month else None, note=note.strip(), actor_id=actor.id))
    if fund.floor_fen and fund.balance_fen < fund.floor_fen <= before:
        _warn_below_floor(session, fund, entry)
    return entry


def _warn_below_floor(session: Session, fund: Fund, entry: FundEntry) -> None:
    from core.scheduler.warnings import raise_warning

    raise_warning(
        session, kind="fund_below_floor", dedup_key=f"fund_below_floor:{fund.id}:{entry.id}",
        params={"fund": fund.name_zh, "balance": yuan_text(fund.balance_fen), "floor": yuan_text(fund.floor_fen)},
        board=fund.board, region_code=fund.region_code, object_type="fund", object_id=fund.id,
        level="urgent" if fund.balance_fen == 0 else "warning", action="follow_up")


def correct_entry(session: Session, actor: Actor, entry_id: int, *, note: str, on: dt.date | None = None) -> FundEntry:
    """Reverse an entry with a new one naming it (the old one stays as it was)."""
    old = session.get(FundEntry, entry_id)
    if old is None:
        raise FundError(f"没有资金记录 {entry_id}", f"no fund entry {entry_id}")
    if not note.strip():
        raise FundError("更正须说明理由", "a correction needs a reason")
    if session.scalar(select(func.count()).select_from(FundEntry).where(FundEntry.corrects_id == old.id)):
        raise FundError(f"资金记录 {entry_id} 已更正", f"fund entry {entry_id} is already corrected")
    fund = lock_fund(session, old.fund_id)
    if not may_operate(actor, fund):
        raise FundError("无权更正该资金记录", "you may not correct this fund's entries")
    if is_read_only(session, fund):
        raise FundError("资金只读", "the fund is read-only")
    if fund.balance_fen - old.amount_fen < 0:
        raise FundError("余额不足以冲回该笔收入", "the balance does not cover reversing this income")
    return _post(session, fund, FundEntry(
        fund_id=fund.id, entry_date=on or dt.date.today(), kind="correction", amount_fen=-old.amount_fen,
        purpose_key=old.purpose_key, household_id=old.household_id, case_id=old.case_id, measure_id=old.measure_id,
        note=note.strip(), actor_id=actor.id, corrects_id=old.id))


# -- reading ---------------------------------------------------------------------------------------------


def entries_of(session: Session, fund_id: int) -> list[FundEntry]:
    return list(session.execute(
        select(FundEntry).where(FundEntry.fund_id == fund_id).order_by(FundEntry.id)).scalars())


def entries_sum(session: Session, fund_id: int) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(FundEntry.amount_fen), 0))
                              .where(FundEntry.fund_id == fund_id)) or 0)


def check_balances(session: Session) -> list[tuple[int, int, int]]:
    """Funds whose cached balance differs from the sum of their entries: (fund, balance, sum). Empty when sound."""
    sums = dict(session.execute(select(FundEntry.fund_id, func.sum(FundEntry.amount_fen)).group_by(FundEntry.fund_id)).all())
    return [(f.id, f.balance_fen, int(sums.get(f.id) or 0))
            for f in session.execute(select(Fund)).scalars() if f.balance_fen != int(sums.get(f.id) or 0)]


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    opening_fen: int
    income_fen: int
    spending_fen: int
    closing_fen: int
    entries: int


def month_balances(entries: Sequence[FundEntry]) -> list[MonthRow]:
    """Opening, income, spending and closing balance per calendar month, oldest first."""
    months: dict[dt.date, list[FundEntry]] = {}
    for entry in sorted(entries, key=lambda e: (e.entry_date, e.id)):
        months.setdefault(entry.entry_date.replace(day=1), []).append(entry)
    rows = []
    balance = 0
    for month in sorted(months):
        items = months[month]
        income = sum(e.amount_fen for e in items if e.amount_fen > 0)
        spending = -sum(e.amount_fen for e in items if e.amount_fen < 0)
        rows.append(MonthRow(month, balance, income, spending, balance + income - spending, len(items)))
        balance += income - spending
    return rows


def visible_funds(session: Session, actor: Actor) -> list[Fund]:
    if actor.role not in READ_ROLES:
        return []
    return list(session.execute(select(Fund).order_by(Fund.board, Fund.id)).scalars())


def entry_json(entry: FundEntry) -> dict[str, Any]:
    return {
        "id": entry.id, "date": entry.entry_date.isoformat(), "kind": entry.kind, "amount_fen": entry.amount_fen,
        "balance_after_fen": entry.balance_after_fen, "donor": None if entry.anonymous else entry.donor,
        "anonymous": entry.anonymous, "restrictions": entry.restrictions, "receipt_no": entry.receipt_no,
        "purpose_key": entry.purpose_key, "household_id": entry.household_id, "case_id": entry.case_id,
        "measure_id": entry.measure_id, "month": entry.month.isoformat() if entry.month else None,
        "note": entry.note, "corrects_id": entry.corrects_id,
    }


def fund_json(fund: Fund, read_only: bool) -> dict[str, Any]:
    return {
        "id": fund.id, "name_zh": fund.name_zh, "name_en": fund.name_en, "owner_kind": fund.owner_kind,
        "board": fund.board, "region_code": fund.region_code, "source": fund.source.key if fund.source else None,
        "purposes": list(fund.purposes or []), "floor_fen": fund.floor_fen, "balance_fen": fund.balance_fen,
        "below_floor": bool(fund.floor_fen and fund.balance_fen < fund.floor_fen), "read_only": read_only,
    }


__all__ = ["ENTRY_KINDS", "FundError", "NewFund", "open_fund", "record_income", "pay_from_fund", "correct_entry",
           "sync_sources", "month_balances", "entries_of", "entries_sum", "check_balances", "is_read_only"]
