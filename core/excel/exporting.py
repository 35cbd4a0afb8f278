"""Excel exports: the ledger (台账), the public-notice list (公示) and volunteer service hours.

Rules every export follows:

* a title block (unit, period, exported by, export time) above a fixed column order,
  A4 landscape, fit to width, title and header rows repeated on every printed page;
* ID and phone numbers masked (:func:`core.idnumber.mask_id_number`, ``mask_phone``)
  unless the reader may see them: administrators, and the staff of the board that owns
  the row (domain-rules §10, §12.6);
* no text from user data becomes a formula (:func:`core.excel.safety.assign`);
* every export is written to the audit log (``AuditEvent(action="export")``) by
  :func:`record_export`, in the caller's transaction;
* the public notice carries exactly name, household size and amount (S2 Art. 24;
  domain-rules §1.4) and nothing else — not even a masked ID.

Files are streamed with openpyxl's write-only mode, so a city-wide ledger stays small in memory.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Protocol, Sequence
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from core.excel.safety import assign
from core.idnumber import mask_id_number, mask_phone
from core.models import AuditEvent, Case, CarePlan, Household, LedgerEntry, Person, PlanMeasure, User, Volunteer

LOCAL = ZoneInfo("Asia/Shanghai")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
UNMASKED_ROLES = ("admin",)
BOARD_BOUND = ("board_staff", "coordinator")


class Reader(Protocol):
    id: int
    role: str
    board: str | None
    display_name: str


def may_see_identifiers(reader: Reader, owning_board: str | None) -> bool:
    """Admins see ID and phone numbers; so do the staff of the board that owns the row."""
    if reader.role in UNMASKED_ROLES:
        return True
    return reader.role == "board_staff" and owning_board is not None and reader.board == owning_board


def board_scope(reader: Reader) -> str | None:
    """The one board a board-bound reader is limited to (None: every board)."""
    return reader.board if reader.role in BOARD_BOUND else None


@dataclass(frozen=True)
class Export:
    data: bytes
    filename: str
    rows: int
    masked: bool  # True when at least one identifier was masked


def record_export(session: Session, reader: Reader, what: str, params: dict[str, Any], rows: int,
                  remote_addr: str | None = None) -> AuditEvent:
    """The audit entry of an export: who, what, with which filters, how many rows."""
    shown = ", ".join(f"{k}={v}" for k, v in sorted(params.items()) if v not in (None, ""))
    event = AuditEvent(user_id=reader.id, action="export", object_type=what, object_id=str(params.get("id") or "")[:64] or None,
                       reason=f"{what} ({shown}) {rows} rows", remote_addr=remote_addr)
    session.add(event)
    return event


# -- the sheet writer -----------------------------------------------------------------------------


class _Sheet:
    """A write-only sheet with a title block, a header row and safe cells."""

    def __init__(self, wb: Workbook, title: str, heading: str, meta: Sequence[str], headers: Sequence[str],
                 widths: Sequence[int]):
        self.ws = wb.create_sheet(title)
        ws = self.ws
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        header_row = 3 + len(meta)  # the title, the meta lines, a blank row, then the headers
        ws.print_title_rows = f"1:{header_row}"
        ws.freeze_panes = f"A{header_row + 1}"
        ws.append([self._cell(heading, TITLE)])
        for line in meta:
            ws.append([self._cell(line)])
        ws.append([])
        header_cells = []
        for header in headers:
            cell = self._cell(header, BOLD)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
            header_cells.append(cell)
        self.ws.append(header_cells)
        self.rows = 0

    def _cell(self, value: Any, font: Font | None = None) -> WriteOnlyCell:
        cell = assign(WriteOnlyCell(self.ws), value)
        if font is not None:
            cell.font = font
        return cell

    def append(self, values: Iterable[Any], text_columns: Sequence[int] = ()) -> None:
        cells = []
        for index, value in enumerate(values):
            cell = assign(WriteOnlyCell(self.ws), value)
            if index in text_columns:
                cell.number_format = "@"
            elif isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(value, (dt.datetime, dt.date)):
                cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
            cells.append(cell)
        self.ws.append(cells)
        self.rows += 1


def _meta(unit: str, period: str, reader: Reader, now: dt.datetime) -> list[str]:
    return [
        f"单位: {unit}",
        f"统计期间: {period}",
        f"导出人: {reader.display_name}    导出时间: {now.astimezone(LOCAL):%Y-%m-%d %H:%M}",
    ]


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _naive_local(moment: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: show the city's local time
    return None if moment is None else moment.astimezone(LOCAL).replace(tzinfo=None)


# -- the ledger -----------------------------------------------------------------------------------


LEDGER_HEADERS = ("日期时间", "板块", "类别", "姓名", "身份证号", "联系电话", "家庭编号", "案件编号", "摘要", "金额(元)", "经办人")
LEDGER_WIDTHS = (17, 12, 12, 10, 21, 14, 9, 9, 50, 12, 10)


def ledger(session: Session, reader: Reader, *, board: str | None = None, person_id: int | None = None,
           household_id: int | None = None, since: dt.date | None = None, until: dt.date | None = None,
           board_names: dict[str, str] | None = None, unit: str = "大庆市精准关爱平台",
           now: dt.datetime | None = None) -> Export:
    """The per-person / per-household / per-board ledger as .xlsx, newest last, masked as the reader must see it."""
    now = now or dt.datetime.now(dt.timezone.utc)
    scope = board_scope(reader)
    if scope is not None:
        if board not in (None, scope):
            raise PermissionError("a board's staff export their own board's ledger only")
        board = scope
    names = board_names or {}
    actor = aliased(User)
    query = (
        select(LedgerEntry, Person.name, Person.id_number, Person.phone, actor.display_name)
        .outerjoin(Person, Person.id == LedgerEntry.person_id)
        .outerjoin(actor, actor.id == LedgerEntry.actor_id)
        .order_by(LedgerEntry.at, LedgerEntry.id)
    )
    if board is not None:
        query = query.where(LedgerEntry.board == board)
    if person_id is not None:
        query = query.where(LedgerEntry.person_id == person_id)
    if household_id is not None:
        query = query.where(LedgerEntry.household_id == household_id)
    if since is not None:
        query = query.where(LedgerEntry.at >= dt.datetime.combine(since, dt.time(), LOCAL))
    if until is not None:
        query = query.where(LedgerEntry.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), LOCAL))

    subject = "全部板块" if board is None else names.get(board, board)
    if person_id is not None:
        who = session.execute(select(Person.name).where(Person.id == person_id)).scalar_one_or_none() or str(person_id)
        subject = f"{who} 个人台账" + ("" if board is None else f" ({names.get(board, board)})")
    period = f"{since.isoformat() if since else '开始'} 至 {until.isoformat() if until else now.astimezone(LOCAL).date().isoformat()}"
    wb = Workbook(write_only=True)
    sheet = _Sheet(wb, "台账", f"台账 — {subject}", _meta(unit, period, reader, now), LEDGER_HEADERS, LEDGER_WIDTHS)
    masked = False
    for entry, name, id_number, phone, actor_name in session.execute(query).yield_per(2000):
        visible = may_see_identifiers(reader, entry.board)
        masked = masked or (not visible and bool(id_number or phone))
        sheet.append([
            _naive_local(entry.at), names.get(entry.board or "", entry.board or ""), entry.kind, name or "",
            (id_number or "") if visible else mask_id_number(id_number), (phone or "") if visible else mask_phone(phone),
            entry.household_id, entry.case_id, entry.summary, _yuan(entry.amount_fen), actor_name or "",
        ], text_columns=(4, 5))
    stamp = now.astimezone(LOCAL).strftime("%Y%m%d")
    return Export(_save(wb), f"台账_{subject}_{stamp}.xlsx".replace("/", "_"), sheet.rows, masked)


# -- the public notice ----------------------------------------------------------------------------

PUBLIC_NOTICE_HEADERS = ("姓名", "家庭人口", "金额(元/月)")


@dataclass(frozen=True)
class NoticeRow:
    name: str
    household_size: int
    monthly_fen: int


def public_notice_rows(session: Session, programme_key: str, *, board: str | None = None,
                       on: dt.date | None = None) -> list[NoticeRow]:
    """Active enrolments of one programme: the applicant's name, the household size, the amount.

    Household size counts the members included in the household (S2 Art. 13 scope);
    the amount is the monthly total of the programme's active measures for the household.
    """
    on = on or dt.date.today()
    month = on.replace(day=1)
    query = (
        select(Case.household_id, Case.subject_id, func.sum(PlanMeasure.monthly_fen))
        .join(CarePlan, CarePlan.id == PlanMeasure.plan_id)
        .join(Case, Case.id == CarePlan.case_id)
        .where(PlanMeasure.programme_key == programme_key, PlanMeasure.kind == "material",
               PlanMeasure.status == "active",
               (PlanMeasure.start_month.is_(None)) | (PlanMeasure.start_month <= month),
               (PlanMeasure.end_month.is_(None)) | (PlanMeasure.end_month >= month))
        .group_by(Case.household_id, Case.subject_id)
    )
    if board is not None:
        query = query.where(PlanMeasure.board == board)
    enrolments = session.execute(query).all()
    if not enrolments:
        return []
    household_ids = {h for h, _, _ in enrolments}
    sizes = dict(session.execute(
        select(Person.household_id, func.count()).where(
            Person.household_id.in_(household_ids), Person.included.is_(True), Person.deceased_on.is_(None))
        .group_by(Person.household_id)).all())
    heads = dict(session.execute(
        select(Person.household_id, Person.name).where(Person.household_id.in_(household_ids),
                                                         Person.relation == "head")).all())
    subject_ids = {s for _, s, _ in enrolments if s is not None}
    subjects = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(subject_ids))).all()) if subject_ids else {}
    merged: dict[int, NoticeRow] = {}
    for household_id, subject_id, monthly in enrolments:
        name = subjects.get(subject_id) or heads.get(household_id) or ""
        previous = merged.get(household_id)
        total = int(monthly or 0) + (previous.monthly_fen if previous else 0)
        merged[household_id] = NoticeRow(previous.name if previous else name, int(sizes.get(household_id, 0)), total)
    return sorted(merged.values(), key=lambda r: r.name)


def public_notice(session: Session, reader: Reader, programme_key: str, *, programme_name: str | None = None,
                  unit: str = "大庆市精准关爱平台", on: dt.date | None = None, now: dt.datetime | None = None) -> Export:
    """The public-notice list: exactly name, household size and amount (S2 Art. 24)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    on = on or now.astimezone(LOCAL).date()
    scope = board_scope(reader)
    if scope is not None and not programme_key.startswith(scope + "."):
        raise PermissionError("a board's staff publish their own board's programmes only")
    rows = public_notice_rows(session, programme_key, board=scope, on=on)
    title = programme_name or programme_key
    wb = Workbook(write_only=True)
    # The title block names the programme and the notice period only: no reader name here,
    # this sheet is posted on a notice board (the export itself is audited instead).
    sheet = _Sheet(wb, "公示名单", f"{title} 公示名单",
                   [f"单位: {unit}", f"公示日期: {on.isoformat()} 起 7 日"], PUBLIC_NOTICE_HEADERS, (16, 10, 14))
    for row in rows:
        sheet.append([row.name, row.household_size, _yuan(row.monthly_fen)])
    return Export(_save(wb), f"{title}_公示名单_{on:%Y%m%d}.xlsx".replace("/", "_"), sheet.rows, False)


# -- volunteer service hours ----------------------------------------------------------------------

HOURS_HEADERS = ("志愿者", "身份证号", "联系电话", "板块", "服务日期", "服务方式", "服务内容", "服务时长(小时)", "确认状态")


def service_hours(session: Session, reader: Reader, *, board: str | None = None, volunteer_id: int | None = None,
                  since: dt.date | None = None, until: dt.date | None = None, board_names: dict[str, str] | None = None,
                  unit: str = "大庆市精准关爱平台", now: dt.datetime | None = None) -> Export:
    """Service records per visit (S14 Art. 4-11: date, content, hours) with a total per volunteer."""
    from core.volunteering.models import Visit  # the volunteering module owns visits

    now = now or dt.datetime.now(dt.timezone.utc)
    scope = board_scope(reader)
    if scope is not None:
        if board not in (None, scope):
            raise PermissionError("a board's staff export their own board's volunteers only")
        board = scope
    names = board_names or {}
    query = (select(Visit, Volunteer).join(Volunteer, Volunteer.id == Visit.volunteer_id)
             .order_by(Volunteer.name, Volunteer.id, Visit.visited_on, Visit.id))
    if board is not None:
        query = query.where(Volunteer.board == board)
    if volunteer_id is not None:
        query = query.where(Volunteer.id == volunteer_id)
    if since is not None:
        query = query.where(Visit.visited_on >= since)
    if until is not None:
        query = query.where(Visit.visited_on <= until)
    period = f"{since.isoformat() if since else '开始'} 至 {until.isoformat() if until else now.astimezone(LOCAL).date().isoformat()}"
    wb = Workbook(write_only=True)
    sheet = _Sheet(wb, "服务时长", "志愿服务记录" + ("" if board is None else f" — {names.get(board, board)}"),
                   _meta(unit, period, reader, now), HOURS_HEADERS, (10, 21, 14, 12, 11, 10, 40, 12, 10))
    totals: dict[int, tuple[str, Decimal]] = {}
    modes = {"home": "入户", "phone": "电话", "video": "视频", "outing": "外出", "group": "集体活动"}
    confirmations = {"confirmed": "已确认", "pending": "待确认", "rejected": "未确认"}
    for visit, volunteer in session.execute(query).yield_per(2000):
        visible = may_see_identifiers(reader, volunteer.board)
        hours = (Decimal(visit.minutes) / 60).quantize(Decimal("0.01"))
        sheet.append([
            volunteer.name, volunteer.id_number or "" if visible else mask_id_number(volunteer.id_number),
            volunteer.phone or "" if visible else mask_phone(volunteer.phone), names.get(volunteer.board, volunteer.board),
            visit.visited_on, modes.get(visit.mode, visit.mode), visit.activities, hours,
            confirmations.get(visit.confirmation, visit.confirmation),
        ], text_columns=(1, 2))
        if visit.confirmation == "confirmed":
            name, total = totals.get(volunteer.id, (volunteer.name, Decimal(0)))
            totals[volunteer.id] = (name, total + hours)
    summary = _Sheet(wb, "合计", "志愿服务时长合计(仅计已确认记录)", _meta(unit, period, reader, now),
                     ("志愿者", "服务时长合计(小时)"), (14, 18))
    for _id, (name, total) in totals.items():
        summary.append([name, total])
    stamp = now.astimezone(LOCAL).strftime("%Y%m%d")
    return Export(_save(wb), f"志愿服务时长_{stamp}.xlsx", sheet.rows, False)


__all__ = ["ledger", "public_notice", "public_notice_rows", "service_hours", "record_export", "may_see_identifiers",
           "Export"]


# -- active discovery: the households to check (摸底排查) -------------------------------------------

LEAD_HEADERS = ("家庭编号", "所在区划", "住址", "户主", "项目", "月待遇(元)", "一次性待遇(元)", "比对日期", "核实结果")


def discovery_leads(session: Session, reader: Reader, leads: Sequence[Any], *, region_names: dict[str, str],
                    programme_names: dict[str, str], unit: str = "大庆市精准关爱平台",
                    now: dt.datetime | None = None) -> Export:
    """The open discovery leads as a checklist for door-to-door verification (摸底排查):
    household, place, address, head, programme and amounts, with an empty column for what
    the visit found. ``leads`` are already scoped to the reader (core.access.lead_clause)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    household_ids = sorted({lead.household_id for lead in leads})
    addresses: dict[int, str] = {}
    heads: dict[int, str] = {}
    for start in range(0, len(household_ids), 500):
        chunk = household_ids[start:start + 500]
        addresses.update(session.execute(select(Household.id, Household.address).where(Household.id.in_(chunk))).all())
        heads.update(session.execute(select(Person.household_id, Person.name).where(
            Person.household_id.in_(chunk), Person.relation == "head")).all())
    found = max((lead.found_on for lead in leads), default=now.astimezone(LOCAL).date())
    wb = Workbook(write_only=True)
    sheet = _Sheet(wb, "待核实家庭", "主动发现: 符合条件但未享受待遇的家庭",
                   _meta(unit, f"数据比对 {found.isoformat()}", reader, now), LEAD_HEADERS,
                   (10, 14, 36, 10, 22, 12, 14, 11, 24))
    for lead in leads:
        sheet.append([lead.household_id, region_names.get(lead.region_code, lead.region_code),
                      addresses.get(lead.household_id, ""), heads.get(lead.household_id, ""),
                      programme_names.get(lead.programme_key, lead.programme_key),
                      _yuan(lead.monthly_fen) if lead.monthly_fen else None,
                      _yuan(lead.one_off_fen) if lead.one_off_fen else None, lead.found_on, ""])
    return Export(_save(wb), f"主动发现_待核实家庭_{found:%Y%m%d}.xlsx", sheet.rows, False)
