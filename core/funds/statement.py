"""The xlsx statement of one fund: month balances, then every entry with the balance after it.

Written with the Excel exports' sheet writer (title block, header row, A4 landscape,
no formula from user text); donors of anonymous gifts are never named.
"""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from sqlalchemy.orm import Session

from core.excel.exporting import LOCAL, Export, Reader, _meta, _naive_local, _save, _Sheet, _yuan
from core.funds.models import Fund
from core.funds.services import entries_of, month_balances

KIND_ZH = {"income": "捐赠收入", "allocation": "拨入", "payment": "项目支出", "grant": "临时救助支出", "correction": "更正"}
MONTH_HEADERS = ("月份", "期初余额(元)", "收入(元)", "支出(元)", "期末余额(元)", "笔数")
ENTRY_HEADERS = ("编号", "日期", "类别", "金额(元)", "余额(元)", "捐赠人", "限定用途", "收据号", "项目", "家庭编号",
                 "案件编号", "措施编号", "备注", "更正记录")


def statement(session: Session, reader: Reader, fund: Fund, *, unit: str = "大庆市精准关爱平台",
              now: dt.datetime | None = None) -> Export:
    now = now or dt.datetime.now(dt.timezone.utc)
    entries = entries_of(session, fund.id)
    first = entries[0].entry_date.isoformat() if entries else "—"
    period = f"{first} 至 {now.astimezone(LOCAL).date().isoformat()}"
    heading = f"资金对账单 — {fund.name_zh} (余额 {_yuan(fund.balance_fen)} 元)"
    wb = Workbook(write_only=True)
    months = _Sheet(wb, "月度余额", heading, _meta(unit, period, reader, now), MONTH_HEADERS, (10, 16, 14, 14, 16, 8))
    for row in month_balances(entries):
        months.append([f"{row.month:%Y-%m}", _yuan(row.opening_fen), _yuan(row.income_fen), _yuan(row.spending_fen),
                       _yuan(row.closing_fen), row.entries], text_columns=(0,))
    sheet = _Sheet(wb, "明细", heading, _meta(unit, period, reader, now), ENTRY_HEADERS,
                   (8, 11, 12, 13, 13, 18, 20, 20, 30, 9, 9, 9, 30, 9))
    for e in entries:
        sheet.append([e.id, e.entry_date, KIND_ZH.get(e.kind, e.kind), _yuan(e.amount_fen), _yuan(e.balance_after_fen),
                      "匿名" if e.anonymous else e.donor, e.restrictions, e.receipt_no or "", e.purpose_key or "",
                      e.household_id, e.case_id, e.measure_id, e.note, e.corrects_id], text_columns=(7,))
    stamp = _naive_local(now).strftime("%Y%m%d")
    return Export(_save(wb), f"资金对账单_{fund.id}_{stamp}.xlsx", sheet.rows, False)
