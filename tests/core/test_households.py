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


WORKED_EXAMPLE_FORM = {
    "region_code": "230602", "area": "urban", "on": "2026-11-22",
    "m0_name": "王建国", "m0_birth_date": "1980-03-01", "m0_sex": "M", "m0_relation": "head", "m0_inclusion": "head",
    "m0_wage": "900",
    "m1_name": "刘芳", "m1_birth_date": "1982-07-09", "m1_sex": "F", "m1_relation": "spouse", "m1_inclusion": "spouse",
    "m2_name": "王小明", "m2_birth_date": "2015-05-05", "m2_sex": "M", "m2_relation": "child",
    "m2_inclusion": "minor_child",
}


def test_the_what_if_form_assesses_the_worked_example_and_stores_nothing(login, client, session) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    before = session.query(Household).count()
    assert 'href="/assess/form"' in client.get("/").get_data(as_text=True)  # the navigation's 试算
    text = client.post("/assess/form", data=WORKED_EXAMPLE_FORM).get_data(as_text=True)
    # 3 × 710 − 900 = 1230 yuan a month (S2 Art. 23, difference method), as on the household page
    assert 'data-programme="civil_affairs.dibao"' in text and "¥1,230.00" in text
    assert "&#34;monthly_yuan&#34;: &#34;900&#34;" in text  # the JSON it built, to refine in the JSON calculator
    assert 'value="王小明"' in text  # the form keeps what was typed
    assert session.query(Household).count() == before


def test_the_what_if_form_builds_the_documented_json() -> None:
    from core.households import household_from_form

    form = dict(WORKED_EXAMPLE_FORM, heating="central", heated_area_m2="56", assets_yuan="12000", medical_yuan="3000",
                m0_pension="150.5", m0_disability_category="4", m0_disability_grade="2", m0_union_member="on",
                m0_able_supporter="on", m2_father_status="away_working", m3_birth_date="2000-01-01")
    data = household_from_form(form, dt.date(2026, 11, 22))
    assert [m["name"] for m in data["members"]] == ["王建国", "刘芳", "王小明"]  # a row without a name is left out
    head = data["members"][0]
    assert head["relation"] == "户主" and head["union_member"] and not head["serious_illness"]
    assert head["incomes"] == [{"category": "wage", "monthly_yuan": "900"},
                               {"category": "transfer", "monthly_yuan": "150.5"}]
    assert head["disability_certificates"] == [{"category": 4, "grade": 2}]
    assert head["supporters"] == [{"name": "赡养人", "relationship": "child", "able": True}]
    assert data["members"][2]["father_status"] == "away_working"
    assert data["assets"] == [{"kind": "deposit", "value_yuan": "12000", "description": "存款等可计财产"}]
    assert data["expenditures"][0]["incurred_on"] == "2026-11-22"
    assert (data["heating"], data["heated_area_m2"]) == ("central", "56")


@pytest.mark.parametrize("change, message", [
    ({"m1_birth_date": ""}, "出生日期"),  # neither ID number nor birth date
    ({"m0_wage": "-5"}, "月收入"),
    ({"m0_disability_category": "4"}, "等级"),  # a category without its grade
])
def test_the_what_if_form_names_the_faulty_field(login, client, session, change: dict, message: str) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    text = client.post("/assess/form", data=dict(WORKED_EXAMPLE_FORM, **change)).get_data(as_text=True)
    assert "flash error" in text and message in text and "¥1,230.00" not in text


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
