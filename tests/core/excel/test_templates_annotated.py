"""Templates round-trip through the import; a rejected file comes back annotated where it is wrong."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from sqlalchemy import func, select

from core.excel import importing
from core.excel.kinds import KINDS, get_kind
from core.excel.safety import assign
from core.excel.templates import TEMPLATE_VERSION, build_annotated, build_template
from core.models import Person
from tests.core.excel.conftest import Actor, families


def _fill(template: bytes, rows_by_sheet: dict[str, list[list[Any]]]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(template))
    for title, rows in rows_by_sheet.items():
        ws = wb[title]
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                assign(ws.cell(row=r, column=c), value)  # typed text, never a formula
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_every_template_has_instructions_text_columns_and_drop_downs() -> None:
    for key, kind in KINDS.items():
        wb = openpyxl.load_workbook(io.BytesIO(build_template(kind)))
        assert wb.sheetnames[0] == "填写说明", key
        guide = " ".join(str(c) for row in wb["填写说明"].iter_rows(values_only=True) for c in row if c)
        assert TEMPLATE_VERSION in guide and "更新规则" in guide and "Update rules" in guide
        assert wb["选项"].sheet_state == "hidden"
        for spec in kind.sheets:
            ws = wb[spec.title]
            headers = [c.value for c in ws[1]]
            assert headers == [c.printed for c in spec.columns]
            for index, column in enumerate(spec.columns, start=1):
                if column.text:
                    assert ws.cell(row=2, column=index).number_format == "@"
            assert ws.freeze_panes == "A2"
            if any(c.choices for c in spec.columns):
                assert ws.data_validations.dataValidation


def test_a_filled_household_template_imports(session: Any, admin_actor: Actor) -> None:
    hh, mem = families(3)
    template = build_template(get_kind("households"))
    data = _fill(template, {"家庭": hh, "家庭成员": mem})
    before = session.execute(select(func.count()).select_from(Person)).scalar_one()
    outcome = importing.run(session, get_kind("households"), data, actor=admin_actor)
    assert outcome.status == "done", outcome.report
    assert outcome.report["warnings"] == []  # the template's pre-formatted empty rows are not "empty rows"
    session.commit()
    assert session.execute(select(func.count()).select_from(Person)).scalar_one() == before + 9


def test_the_annotated_copy_marks_bad_cells_with_comments_and_a_reason_column(session: Any, admin_actor: Actor) -> None:
    hh, mem = families(4)
    mem[2][2] = "230602200001010000"  # bad check character, members row 4, column C
    mem[5][1] = "=HYPERLINK(\"http://x\")"  # formula-like text must come back as text
    template = build_template(get_kind("households"))
    data = _fill(template, {"家庭": hh, "家庭成员": mem})
    outcome = importing.run(session, get_kind("households"), data, actor=admin_actor)
    assert outcome.status == "rejected"
    annotated = openpyxl.load_workbook(io.BytesIO(build_annotated(data, outcome.report)))
    assert annotated.sheetnames[0] == "错误汇总"
    ws = annotated["家庭成员"]
    bad = ws["C4"]
    assert bad.comment is not None and "校验码" in bad.comment.text
    assert bad.fill.fgColor.rgb.endswith("FFC7CE")
    reason_col = len(get_kind("households").sheets[1].columns) + 1
    assert ws.cell(row=1, column=reason_col).value == "错误原因"
    assert "校验码" in ws.cell(row=4, column=reason_col).value
    assert ws["B7"].data_type == "s" and ws["B7"].value.startswith("=HYPERLINK")
    summary_rows = list(annotated["错误汇总"].iter_rows(values_only=True))
    assert summary_rows[0][0] == "工作表" and any(r[1] == 4 and r[2] == "C" for r in summary_rows[1:])
