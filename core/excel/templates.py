"""Downloadable import templates and the annotated copy of a rejected file.

A template has an instructions sheet (填写说明: columns, required marks, update rules, one
English line each), one sheet per data table with a frozen header row, ID and phone
columns pre-formatted as text (Excel keeps 15 significant digits), and drop-down lists
fed from a hidden "选项" sheet. The template version is stamped on the instructions
sheet and in the workbook properties.

The annotated copy streams the uploaded file (read-only) into a new workbook (write-only),
so it works for the largest accepted files: every bad cell is filled red and carries a
comment with the reason, each data sheet gains an "错误原因" column, and an "错误汇总"
sheet lists every fault.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from typing import Any, Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from core.excel.importing import ImportKind
from core.excel.safety import assign, text_cell
from core.regions import SEED_REGIONS

TEMPLATE_VERSION = "excel-1"
TEMPLATE_ROWS = 20000  # rows with drop-down validation
TEXT_ROWS = 1000  # rows pre-formatted as text cell by cell; the column style covers the rest
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
REQUIRED_FONT = Font(bold=True, color="C00000")
BOLD = Font(bold=True)


def region_choices(regions: Iterable[tuple[str, str]] | None = None) -> list[str]:
    """"230602 萨尔图区" labels: people pick a name, the import reads the leading code."""
    pairs = regions or [(r.code, r.name) for r in SEED_REGIONS if r.level in ("district", "county")]
    return [f"{code} {name}" for code, name in pairs]


def build_template(kind: ImportKind, regions: Iterable[tuple[str, str]] | None = None) -> bytes:
    """The .xlsx template of ``kind``."""
    wb = Workbook()
    guide = wb.active
    guide.title = "填写说明"
    lists = wb.create_sheet("选项")
    list_columns: dict[tuple[str, ...], str] = {}

    def list_range(values: list[str]) -> str:
        key = tuple(values)
        if key not in list_columns:
            col = get_column_letter(len(list_columns) + 1)
            for i, value in enumerate(values, start=1):
                lists[f"{col}{i}"] = value
            list_columns[key] = f"{quote_sheetname(lists.title)}!${col}$1:${col}${len(values)}"
        return list_columns[key]

    for spec in kind.sheets:
        ws = wb.create_sheet(spec.title)
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            cell = ws.cell(row=1, column=index, value=column.printed)
            cell.font = REQUIRED_FONT if column.required else BOLD
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.column_dimensions[letter].width = column.width
            if column.text:
                # text format for every row people will type in: an 18-digit ID typed into a
                # General cell becomes 2.30602E+17 and loses its last three digits
                ws.column_dimensions[letter].number_format = "@"
                for row in range(2, TEXT_ROWS + 2):
                    ws.cell(row=row, column=index).number_format = "@"
            values = [label for _, label in column.choices] if column.choices else (
                region_choices(regions) if column.key == "region_code" else [])
            if values:
                dv = DataValidation(type="list", formula1=list_range(values), allow_blank=not column.required,
                                    showErrorMessage=column.key != "region_code")
                dv.error = "请从下拉列表中选择 (pick a value from the list)"
                dv.errorTitle = column.header
                dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
        ws.row_dimensions[1].height = 30
    lists.sheet_state = "hidden"
    _write_guide(guide, kind)
    wb.properties.title = f"{kind.title} 导入模板"
    wb.properties.subject = TEMPLATE_VERSION
    wb.properties.creator = "CareMatch 精准关爱"
    wb.active = 0  # open on the instructions: the first thing a new user needs
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _write_guide(ws: Any, kind: ImportKind) -> None:
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 70
    ws.column_dimensions["D"].width = 50
    rows: list[tuple[Any, ...]] = [
        (f"{kind.title} 导入模板 填写说明",),
        (f"{kind.title_en}: import template. Fill in the data sheets, keep the headers, upload the file as .xlsx.",),
        ("模板版本", TEMPLATE_VERSION, f"生成日期 {dt.date.today().isoformat()}"),
        (),
        ("填写要求",),
        ("", "", "标有 * 的列必须填写; 请不要修改、删除或合并列标题, 不要合并单元格。",
         "Columns marked * are required; keep the headers; no merged cells."),
        ("", "", "身份证号、电话列已设为文本格式; 请直接输入, 不要改成数字格式(Excel只保留15位有效数字)。",
         "ID and phone columns are text: never turn them into numbers."),
        ("", "", "日期写成 2026-01-31; 金额以元为单位, 最多两位小数。", "Dates as 2026-01-31; amounts in yuan."),
        ("", "", "可以只上传有数据的行; 空行会被跳过。每一行错误都会在导入结果中列出, 可下载标注了错误的文件。",
         "Every faulty row is reported; download the annotated copy to fix them."),
        (),
        ("更新规则", "", "Update rules"),
    ]
    rows += [("", "", zh, en) for zh, en in zip(kind.rules, kind.rules_en)]
    for spec in kind.sheets:
        rows += [(), (f"工作表\u201c{spec.title}\u201d", "", spec.title_en), ("列", "必填", "说明", "Note")]
        rows += [(c.header, "是" if c.required else "", c.note, c.note_en) for c in spec.columns]
    for row in rows:
        ws.append(list(row))
    ws["A1"].font = Font(bold=True, size=14)
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.value in ("填写要求", "更新规则", "列") or (isinstance(cell.value, str) and cell.value.startswith("工作表")):
                cell.font = BOLD


# -- the annotated copy -----------------------------------------------------------------------------


def build_annotated(data: bytes, report: dict[str, Any]) -> bytes:
    """A copy of the uploaded workbook with every reported fault marked where it is."""
    by_sheet: dict[str, dict[int, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for error in report.get("errors", []):
        by_sheet[error["sheet"]][error["row"]].append(error)
    source = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out = Workbook(write_only=True)
    summary = out.create_sheet("错误汇总")
    summary.append([_bold(summary, h) for h in ("工作表", "行号", "列", "列名", "填写的值", "错误原因")])
    for error in report.get("errors", []):
        summary.append([text_cell(summary, error[k]) for k in ("sheet", "row", "column", "header", "value", "reason")])
    if report.get("error_count", 0) > len(report.get("errors", [])):
        summary.append([f"另有 {report['error_count'] - len(report['errors'])} 处错误未列出 (more faults not listed)"])
    try:
        for ws in source.worksheets:
            if ws.title in ("错误汇总",):
                continue
            target = out.create_sheet(ws.title)
            faults = by_sheet.get(ws.title, {})
            width = ws.max_column or 1
            header_done = False
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                cells: list[Any] = []
                row_faults = faults.get(number, [])
                bad_columns = defaultdict(list)
                for fault in row_faults:
                    bad_columns[fault["column"]].append(fault["reason"])
                for index in range(max(width, len(row))):
                    value = row[index] if index < len(row) else None
                    cell = WriteOnlyCell(target)
                    assign(cell, value)
                    if isinstance(value, str):
                        cell.number_format = "@"
                    reasons = bad_columns.get(get_column_letter(index + 1))
                    if reasons:
                        cell.fill = BAD_FILL
                        cell.comment = Comment("\n".join(reasons), "CareMatch", width=300, height=120)
                    cells.append(cell)
                if faults and not header_done and number < min(faults):
                    cells.append(_bold(target, "错误原因"))
                    header_done = True
                elif row_faults:
                    reason = WriteOnlyCell(target, value="; ".join(
                        (f"[{f['column']}] " if f["column"] else "") + f["reason"] for f in row_faults))
                    reason.fill = BAD_FILL
                    cells.append(reason)
                target.append(cells)
    finally:
        source.close()
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _bold(ws: Any, value: Any) -> Any:
    cell = text_cell(ws, value)
    cell.font = BOLD
    return cell


__all__ = ["build_template", "build_annotated", "TEMPLATE_VERSION", "region_choices"]
