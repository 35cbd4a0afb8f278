"""Active discovery in a real browser: the administrator runs the data comparison now, civil
affairs staff find the household on 主动发现 and open a discovery case from the lead."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.idnumber import make_id_number
from core.models import Household, Person

pytestmark = pytest.mark.browser



def test_from_the_data_comparison_to_a_discovery_case(page, log_in, live_server, session) -> None:  # type: ignore[no-untyped-def]
    # alone in 萨尔图区, 51, able to work, no income and no assets: dibao 710 yuan a month
    home = Household(region_code="230602", area_type="urban", address="萨尔图区中央大街7号")
    session.add(home)
    session.flush()
    session.add(Person(household_id=home.id, name="孙丽华", birth_date=dt.date(1975, 2, 2), sex="F",
                       id_number=make_id_number("230602", dt.date(1975, 2, 2), 421), labour_capacity="full"))
    session.commit()

    log_in(page, live_server, "root")
    page.goto(f"{live_server}/admin/jobs")
    page.locator("tr", has_text="core:discovery_screening").get_by_role("button", name="立即执行").click()
    assert "leads" in page.locator("tr", has_text="core:discovery_screening").inner_text()

    log_in(page, live_server, "civil")
    page.locator("nav.main-nav").get_by_text("主动发现").click()
    page.wait_for_url(re.compile(r".*/discovery$"))
    page.select_option("select[name=programme]", "civil_affairs.dibao")  # the select submits itself
    page.wait_for_url(re.compile(r".*programme=civil_affairs.dibao.*"))
    row = page.locator("tr[data-lead]", has_text="萨尔图区中央大街7号")
    assert "¥710.00" in row.inner_text()
    row.get_by_role("button", name="按主动发现受理").click()
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    assert "数据比对发现: 符合城乡最低生活保障条件但未享受" in page.content()
    assert page.locator("tr[data-kind=intake]").count() == 1
