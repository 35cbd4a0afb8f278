"""An administrator switches a board off and on again in a real browser."""

from __future__ import annotations


import pytest


pytestmark = pytest.mark.browser



def test_disabling_a_board_removes_its_menu_item_and_pages_until_reenabled(page, log_in, live_server) -> None:  # type: ignore[no-untyped-def]
    log_in(page, live_server, "root")
    nav = page.locator("nav.main-nav")
    assert nav.get_by_text("共青团志愿服务板块").count() == 1

    page.goto(f"{live_server}/boards/youth_league/")
    assert page.locator("h1").inner_text() == "共青团志愿服务板块"

    page.goto(f"{live_server}/boards")
    row = page.locator("tr[data-board=youth_league]")
    row.get_by_role("button", name="停用").click()
    assert page.locator("tr[data-board=youth_league] td.state").inner_text() == "已停用"
    assert nav.get_by_text("共青团志愿服务板块").count() == 0
    response = page.goto(f"{live_server}/boards/youth_league/")
    assert response is not None and response.status == 404

    page.goto(f"{live_server}/boards")
    page.locator("tr[data-board=youth_league]").get_by_role("button", name="启用").click()
    assert page.locator("tr[data-board=youth_league] td.state").inner_text() == "已启用"
    assert nav.get_by_text("共青团志愿服务板块").count() == 1
    response = page.goto(f"{live_server}/boards/youth_league/")
    assert response is not None and response.status == 200


def test_the_language_switch_turns_the_page_english(page, log_in, live_server) -> None:  # type: ignore[no-untyped-def]
    log_in(page, live_server, "root")
    page.get_by_role("button", name="English").click()
    assert page.locator("nav.main-nav").get_by_text("Boards", exact=True).count() == 1
    page.get_by_role("button", name="中文").click()
    assert page.locator("nav.main-nav").get_by_text("板块", exact=True).count() == 1
