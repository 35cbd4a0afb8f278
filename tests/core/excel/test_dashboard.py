"""The dashboard: figures scoped by board, charts as inline SVG with escaped text, CSV behind each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.models import Need, Person
from core.excel.charts import stacked_bars
from tests.core.excel.test_exports import ledger_data  # noqa: F401  (fixture)


def _bereaved_family_need(session: Any, ledger_data: dict[str, Any]) -> None:
    head = session.get(Person, ledger_data["head"])
    session.add(Need(person_id=head.id, board="womens_federation", need_type="home_visit", category="bereaved_family",
                     status="approved"))
    session.commit()


def test_dashboard_shows_every_chart_with_its_numbers(excel_app: Any, client: Any, login: Any,
                                                      ledger_data: dict[str, Any], session: Any) -> None:  # noqa: F811
    _bereaved_family_need(session, ledger_data)
    login("root")
    page = client.get("/dashboard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") == 4 and "暂无数据" in html and "cdn" not in html.lower()  # no warnings yet
    assert "萨尔图区" in html and "已匹配" in html and "尚未匹配志愿者" in html
    money = client.get("/dashboard/data/money.csv")
    assert money.status_code == 200 and money.data.startswith("\ufeff".encode())
    assert "710.00" in money.data.decode("utf-8-sig")
    coverage = client.get("/dashboard/data/coverage.csv").data.decode("utf-8-sig")
    assert "区县,类别,结果,原因,需求数" in coverage
    overdue = client.get("/dashboard/data/overdue.csv").data.decode("utf-8-sig")
    assert "30天以上" in overdue  # the last visit was in March 2026
    assert client.get("/dashboard/data/nope.csv").status_code == 404
    assert "<td>active</td>" not in html  # stages and warning kinds are named, not shown as codes


def test_the_dashboard_speaks_english_when_asked(excel_app: Any, client: Any, login: Any,
                                                 ledger_data: dict[str, Any], session: Any) -> None:  # noqa: F811
    _bereaved_family_need(session, ledger_data)
    login("root")
    client.post("/locale", data={"locale": "en"})
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Care needs covered, by district or county and category" in html and "Sartu District" in html
    assert "Bereaved-parent families" in html and "No volunteer matched yet" in html
    assert "已匹配" not in html and "失独家庭" not in html and "暂无数据" not in html
    assert "板块" not in html.split("<main", 1)[1]  # boards by their English names too
    coverage = client.get("/dashboard/data/coverage.csv").data.decode("utf-8-sig")
    assert coverage.startswith("District or county,Category,Outcome,Reason,Needs")


def test_board_staff_see_their_board_only(excel_app: Any, client: Any, login: Any,
                                          ledger_data: dict[str, Any]) -> None:  # noqa: F811
    login("union")
    money = client.get("/dashboard/data/money.csv").data.decode("utf-8-sig")
    assert "710.00" not in money  # the dibao measure belongs to civil affairs
    client.post("/logout")
    login("vol")
    assert client.get("/dashboard").status_code == 403


def test_chart_text_is_escaped() -> None:
    svg = str(stacked_bars([("<script>alert(1)</script>", "a&b", 3)], title="<t>"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_csv_cells_never_start_a_formula(value: str) -> None:
    from core.excel.reports import Table

    text = Table("t", "t", ["a"], [[value]]).csv().decode("utf-8-sig")
    assert text.splitlines()[1] == "'" + value


def test_the_navigation_links_to_imports_and_dashboard(excel_app: Any, client: Any, login: Any) -> None:
    login("civil")
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/dashboard"' in html and 'href="/imports"' in html
