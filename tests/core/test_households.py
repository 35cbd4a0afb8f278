"""The assessment service from every surface: household page, what-if calculator, JSON API, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.idnumber import make_id_number
from core.models import AuditEvent, Household, IncomeItem, Person

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "household.json"


def _household(session) -> int:  # type: ignore[no-untyped-def]
    """An urban household of three in Sartu with 900 yuan a month of wages (the issue's worked example)."""
    household = Household(region_code="230602", area_type="urban", address="萨尔图区测试街1号")
    session.add(household)
    session.flush()
    people = [
        ("王建国", dt.date(1980, 3, 1), 11, "head", "head"),
        ("刘芳", dt.date(1982, 7, 9), 22, "配偶", "spouse"),
        ("王小明", dt.date(2015, 5, 5), 33, "子女", "minor_child"),
    ]
    for name, born, seq, relation, reason in people:
        number = make_id_number("230602", born, seq)
        session.add(Person(household_id=household.id, name=name, id_number=number, birth_date=born,
                           sex="M" if seq % 2 else "F", relation=relation, inclusion_reason=reason,
                           phone="13912345678"))
    session.flush()
    head = session.execute(select(Person).where(Person.name == "王建国")).scalar_one()
    session.add(IncomeItem(person_id=head.id, category="wage", monthly_fen=90000))
    session.commit()
    return household.id


def test_the_household_page_shows_the_worked_example_and_logs_the_read(login, client, session) -> None:  # type: ignore[no-untyped-def]
    household_id = _household(session)
    login("civil")
    page = client.get(f"/households/{household_id}?on=2026-11-22").get_data(as_text=True)
    # 3 × 710 − 900 = 1230 yuan a month (S2 Art. 23, difference method)
    assert "¥1,230.00" in page
    assert "13912345678" in page  # board staff see the full phone number
    reads = session.execute(select(AuditEvent).where(AuditEvent.action == "read_household")).scalars().all()
    assert [r.object_id for r in reads] == [str(household_id)]


def test_the_members_table_names_relations_in_the_page_language_and_leaves_blanks_blank(login, client, session) -> None:  # type: ignore[no-untyped-def]
    household_id = _household(session)
    session.execute(Person.__table__.update().where(Person.name == "王小明").values(phone=None, relation="child"))
    session.commit()
    login("civil")
    page = client.get(f"/households/{household_id}").get_data(as_text=True)
    members = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    # stored codes read as words (户主, 子女); free text typed by staff stays as typed (配偶)
    assert "<td>户主</td>" in members and "<td>子女</td>" in members and "<td>配偶</td>" in members
    assert ">head<" not in members and "None" not in members
    client.post("/locale", data={"locale": "en"})
    members = client.get(f"/households/{household_id}").get_data(as_text=True).split("<tbody>", 1)[1]
    assert "<td>Head of household</td>" in members and "<td>Child</td>" in members


def test_coordinators_see_masked_identifiers(login, client, session) -> None:  # type: ignore[no-untyped-def]
    household_id = _household(session)
    login("youth")
    page = client.get(f"/households/{household_id}").get_data(as_text=True)
    assert "139****5678" in page and "13912345678" not in page
    assert "230602********" in page


def test_the_api_returns_the_findings_with_reasons(login, client, session) -> None:  # type: ignore[no-untyped-def]
    household_id = _household(session)
    login("civil")
    body = client.get(f"/api/households/{household_id}/assessment?on=2026-11-22").get_json()
    dibao = next(f for f in body["findings"] if f["programme_key"] == "civil_affairs.dibao")
    assert dibao["status"] == "eligible"
    assert dibao["benefit"]["lines"][0]["monthly_fen"] == 123000
    assert any(r["rule"] for r in dibao["reasons"])


def test_a_disabled_board_contributes_no_finding(login, client, session, app) -> None:  # type: ignore[no-untyped-def]
    household_id = _household(session)
    app.extensions["carematch"].boards.set_enabled(session, "civil_affairs", False)
    session.commit()
    login("union")
    body = client.get(f"/api/households/{household_id}/assessment").get_json()
    boards = {f["board"] for f in body["findings"]}
    assert "civil_affairs" not in boards and "trade_union" in boards


def test_the_what_if_page_assesses_the_documented_example_and_stores_nothing(login, client, session) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    before = session.query(Household).count()
    page = client.post("/assess", data={"household": EXAMPLE.read_text(encoding="utf-8"), "on": "2026-11-22"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-programme="civil_affairs.dibao"' in text
    assert "¥630.00" in text  # 3 × 710 − 1500 countable = 630 (docs/assessment.md)
    assert session.query(Household).count() == before


@pytest.mark.parametrize("body, message", [
    ("{not json", "不是有效的 JSON"),
    ('{"household_id": "x", "region_code": "230602", "area": "urban", "members": [{"name": "无名"}]}', "出生日期"),
])
def test_the_what_if_page_explains_bad_input(login, client, body: str, message: str) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    text = client.post("/assess", data={"household": body}).get_data(as_text=True)
    assert "flash error" in text and message in text


def test_the_what_if_api_takes_json_only(login, client) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    assert client.post("/api/assess", data="x=1").status_code == 415
    response = client.post("/api/assess?on=2026-11-22", json=json.loads(EXAMPLE.read_text(encoding="utf-8")))
    assert response.status_code == 200
    dibao = next(f for f in response.get_json()["findings"] if f["programme_key"] == "civil_affairs.dibao")
    assert dibao["status"] == "eligible"


def test_volunteers_cannot_assess(login, client, session) -> None:  # type: ignore[no-untyped-def]
    household_id = _household(session)
    login("vol")
    assert client.get(f"/households/{household_id}").status_code == 403
    assert client.post("/api/assess", json={}).status_code == 403


def test_the_assess_command_reads_a_file_or_a_stored_household(monkeypatch, tmp_path, database_url, session) -> None:  # type: ignore[no-untyped-def]
    from core.cli import cli

    household_id = _household(session)
    monkeypatch.setenv("CAREMATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("CAREMATCH_INSTANCE", str(tmp_path / "instance"))
    runner = CliRunner()
    result = runner.invoke(cli, ["assess", "--file", str(EXAMPLE), "--date", "2026-11-22", "--json"], catch_exceptions=False)
    assert result.exit_code == 0
    keys = {f["programme_key"]: f["status"] for f in json.loads(result.output)["findings"]}
    assert keys["civil_affairs.dibao"] == "eligible"
    table = runner.invoke(cli, ["assess", "--household", str(household_id), "--date", "2026-11-22", "--lang", "en"])
    assert table.exit_code == 0 and "1230.00/month" in table.output
    assert runner.invoke(cli, ["assess"]).exit_code != 0
