"""Builders for the Excel tests: workbooks made in the test, good and bad, and the blueprint."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, Iterator

import openpyxl
import pytest

from core.idnumber import make_id_number

HH_HEADERS = ["户主身份证号*", "所在区划*", "城乡类别*", "详细地址", "纬度", "经度", "失独家庭", "工作人员近亲属"]
MEMBER_HEADERS = ["户主身份证号*", "姓名*", "身份证号*", "与户主关系*", "纳入原因", "联系电话", "劳动能力"]


@dataclass(frozen=True)
class Actor:
    id: int
    role: str
    board: str | None


def person_id(n: int, *, born: dt.date = dt.date(1970, 5, 17), area: str = "230602") -> str:
    """A valid, distinct ID number for test person ``n``."""
    return make_id_number(area, born + dt.timedelta(days=n // 900), n % 900 + 1)


def child_id(n: int) -> str:
    return make_id_number("230603", dt.date(2016, 3, 1) + dt.timedelta(days=n // 900), n % 900 + 1)


def households_book(households: list[list[Any]], members: list[list[Any]], *,
                    hh_headers: list[str] = HH_HEADERS, member_headers: list[str] = MEMBER_HEADERS,
                    edit: Any = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "家庭"
    ws.append(hh_headers)
    for row in households:
        ws.append(row)
    ws2 = wb.create_sheet("家庭成员")
    ws2.append(member_headers)
    for row in members:
        ws2.append(row)
    if edit is not None:
        edit(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _given(n: int) -> str:
    return "".join(chr(0x4E00 + 37 * int(d) + 11) for d in str(n))  # digits are refused in names


def family(n: int, *, size: int = 3, region: str = "230602 萨尔图区") -> tuple[list[Any], list[list[Any]]]:
    """Household ``n``: head, spouse, and minor children to make ``size`` members."""
    head = person_id(3 * n)
    hh = [head, region, "城镇", f"萨尔图区幸福街{n}号"]
    members = [[head, f"张{_given(n)}", head, "户主", None, "13800138000"]]
    if size >= 2:
        members.append([head, f"李{_given(n)}", person_id(3 * n + 1), "配偶", None, None])
    for k in range(size - 2):
        members.append([head, f"张小{_given(n)}", child_id(3 * n + k), "子女", None, None])
    return hh, members


def families(count: int, start: int = 0) -> tuple[list[list[Any]], list[list[Any]]]:
    hh, mem = [], []
    for n in range(start, start + count):
        h, m = family(n)
        hh.append(h)
        mem.extend(m)
    return hh, mem


@pytest.fixture
def excel_app(app: Any) -> Iterator[Any]:
    """The app with the excel blueprint mounted (until the integrator registers it)."""
    if "excel" not in app.blueprints:
        from core.excel.views import bp

        app.register_blueprint(bp)
    yield app


@pytest.fixture
def admin_actor() -> Actor:
    return Actor(1, "admin", None)
