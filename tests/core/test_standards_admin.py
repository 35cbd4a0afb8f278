"""Administrators change standards in the web UI; history is kept and dates decide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.models import AuditEvent, Standard
from core.standards import StandardError, in_force, revise_standard


def _seed(session) -> Standard:  # type: ignore[no-untyped-def]
    row = Standard(key="test.dibao", region_code="230600", area="urban", value=Decimal("710"), unit="CNY/month",
                   effective_from=dt.date(2020, 1, 1), source_note="示例值")
    session.add(row)
    session.commit()
    return row


def test_a_revision_closes_the_old_value_the_day_before(session) -> None:  # type: ignore[no-untyped-def]
    old = _seed(session)
    new = revise_standard(session, key="test.dibao", region_code="230600", area="urban", value="760",
                          unit="CNY/month", effective_from=dt.date(2027, 1, 1), source_note="2027 notice", user_id=None)
    session.commit()
    assert old.effective_to == dt.date(2026, 12, 31)
    assert new.supersedes_id == old.id and new.value == Decimal("760")
    on_new_years_eve = {s.key: s.value for s in in_force(session, dt.date(2026, 12, 31)) if s.key == "test.dibao"}
    on_new_years_day = {s.key: s.value for s in in_force(session, dt.date(2027, 1, 1)) if s.key == "test.dibao"}
    assert on_new_years_eve == {"test.dibao": Decimal("710")}
    assert on_new_years_day == {"test.dibao": Decimal("760")}


@pytest.mark.parametrize("value", ["abc", "-5", "NaN", ""])
def test_a_bad_value_is_refused_and_nothing_changes(session, value: str) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    with pytest.raises(StandardError):
        revise_standard(session, key="test.dibao", region_code="230600", area="urban", value=value, unit="",
                        effective_from=dt.date(2027, 1, 1), source_note="", user_id=None)
    session.rollback()
    assert len(session.execute(select(Standard).where(Standard.key == "test.dibao")).scalars().all()) == 1


def test_a_value_cannot_be_slipped_in_before_the_latest(session) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    with pytest.raises(StandardError, match="must start after"):
        revise_standard(session, key="test.dibao", region_code="230600", area="urban", value="700", unit="",
                        effective_from=dt.date(2019, 6, 1), source_note="", user_id=None)


def test_the_admin_page_adds_a_value_and_audits_it(login, client, session) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    login("root")
    response = client.post("/standards/test.dibao", data={"region_code": "230600", "area": "urban", "value": "760.50",
                                                           "effective_from": "2027-01-01", "source_note": "n"})
    assert response.status_code == 302
    page = client.get("/standards/test.dibao").get_data(as_text=True)
    assert "760.50" in page and "710" in page
    assert session.execute(select(AuditEvent).where(AuditEvent.action == "standard_revise")).scalar_one()


def test_the_admin_page_shows_a_clear_error_for_a_bad_value(login, client, session) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    login("root")
    page = client.post("/standards/test.dibao", data={"value": "七百", "effective_from": "2027-01-01"})
    assert page.status_code == 200 and "不是有效数字" in page.get_data(as_text=True)


def test_board_staff_may_read_but_not_change_standards(login, client, session) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    login("civil")
    assert client.get("/standards").status_code == 200
    assert client.post("/standards/test.dibao", data={"value": "1", "effective_from": "2027-01-01"}).status_code == 403


def test_every_stored_standard_has_a_name_in_both_languages(app, session) -> None:  # type: ignore[no-untyped-def]
    from core.models import Standard
    from core.standards import standard_names

    names = standard_names(app.extensions["carematch"].boards)
    keys = set(session.scalars(select(Standard.key)))
    assert len(keys) > 70  # core's and the five boards' shipped standards
    unnamed = sorted(k for k in keys if not (names.get(k) and all(names[k])))
    assert unnamed == []


def test_explanations_and_the_standards_page_name_the_standard(login, client, session) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    page = client.get("/standards").get_data(as_text=True)
    assert "低保标准<br>" in page and "<code>civil_affairs.dibao_standard</code>" in page  # name, and the key to edit
    form = {"region_code": "230602", "area": "urban", "on": "2026-11-22", "m0_name": "王建国", "m0_birth_date": "1980-03-01",
            "m0_sex": "M", "m0_inclusion": "head", "m0_wage": "900"}
    findings = client.post("/assess/form", data=form).get_data(as_text=True)
    assert "低保标准 = 710元/月" in findings and "civil_affairs.dibao_standard =" not in findings
    client.post("/locale", data={"locale": "en"})
    findings = client.post("/assess/form", data=form).get_data(as_text=True)
    assert "dibao standard = 710 yuan/month" in findings


def test_the_standards_pages_give_values_units_regions_and_areas_in_the_reader_s_language(login, client) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    page = client.get("/standards?on=2026-11-22").get_data(as_text=True)
    # shipped: urban dibao 710 yuan/month and rural 6000 yuan/year in Daqing; the 特困 elderly age is national
    assert '<td class="nowrap">大庆市</td><td class="nowrap">城镇</td>\n        <td class="num">710元/月</td>' in page
    assert '<td class="num">6,000元/年</td>' in page
    assert '<td class="nowrap">全国</td><td class="nowrap">城乡</td>\n        <td class="num">60周岁</td>' in page
    board_page = client.get("/boards/civil_affairs/").get_data(as_text=True)
    assert '<td class="num">710元/月</td>' in board_page
    client.post("/locale", data={"locale": "en"})
    page = client.get("/standards?on=2026-11-22").get_data(as_text=True)
    assert '<td class="nowrap">Daqing</td><td class="nowrap">urban</td>\n        <td class="num">710 yuan/month</td>' in page
    assert '<td class="nowrap">national</td><td class="nowrap">urban and rural</td>\n        <td class="num">60 years of age</td>' in page
    assert '<td class="num">2.5%</td>' in page  # the CPI figure entered monthly


def test_a_new_value_keeps_the_unit_of_its_region_and_area(login, client, session) -> None:  # type: ignore[no-untyped-def]
    # the shipped dibao standard is monthly in town (710 yuan/month) and yearly in the country
    # (6000 yuan/year): a new rural value must stay yearly, whatever row the page listed last
    login("root")
    response = client.post("/standards/civil_affairs.dibao_standard", data={
        "region_code": "230600", "area": "rural", "value": "6500", "effective_from": "2027-03-01"})
    assert response.status_code == 302
    newest = session.execute(select(Standard).where(Standard.key == "civil_affairs.dibao_standard",
                                                    Standard.area == "rural").order_by(Standard.id.desc())).scalars().first()
    assert (newest.value, newest.unit) == (Decimal("6500"), "yuan/year")
    page = client.get("/standards/civil_affairs.dibao_standard").get_data(as_text=True)
    assert "<h1>低保标准 <code>civil_affairs.dibao_standard</code></h1>" in page
    assert "6,500元/年" in page and "此后施行" in page  # dated 2027: not in force yet


@pytest.mark.parametrize("region, value, unit, refusal", [
    ("230600", "1e30", "", "at most 12 digits"),
    ("230600", "0.12345", "", "4 after"),
    ("<script>", "760", "", "no region"),
    ("999999", "760", "", "no region"),
    ("230600", "760", "CNY/year", "this standard is in 'CNY/month'"),
])
def test_a_value_outside_what_a_standard_holds_is_refused(session, region: str, value: str, unit: str,
                                                          refusal: str) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    with pytest.raises(StandardError, match=refusal):
        revise_standard(session, key="test.dibao", region_code=region, area="urban", value=value, unit=unit,
                        effective_from=dt.date(2027, 1, 1), source_note="", user_id=None)
