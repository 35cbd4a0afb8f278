"""A volunteer on a phone: logs in, accepts an assignment, logs a visit, sees the hours."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core" / "volunteering"))
from volunteering_builders import TODAY, assign, mount, recipient, volunteer  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture
def mounted(app):  # type: ignore[no-untyped-def]
    # requested before live_server, so the blueprint is in place before the first request
    return mount(app)


def test_volunteer_accepts_logs_a_visit_and_sees_the_hours(mounted, session, live_server, phone_page) -> None:  # type: ignore[no-untyped-def]
    v = volunteer(session)
    a = assign(session, recipient(session), v, started_on=TODAY - dt.timedelta(days=2))
    session.commit()
    page = phone_page

    page.goto(f"{live_server}/login?next=/my/assignments")
    page.fill("input[name=username]", "vol")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/my/assignments$"))

    card = page.locator(".vol-card").first
    assert "秀兰" in card.inner_text() and "王" not in card.inner_text()
    # mobile-first: nothing wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card.locator("a").click()
    page.wait_for_url(re.compile(rf".*/my/assignments/{a.id}$"))
    assert "友谊路" not in page.content()  # no exact address before accepting

    page.click("#accept")
    page.wait_for_url(re.compile(rf".*/my/assignments/{a.id}$"))
    assert "友谊路" in page.locator(".vol-facts").inner_text()

    page.locator("a.vol-button").click()
    page.wait_for_url(re.compile(r".*/my/visits/new\?assignment=\d+$"))
    page.fill("input[name=minutes]", "90")
    page.check("input[name=mode][value=home]")
    page.fill("textarea[name=activities]", "聊天, 帮忙买菜")
    page.check("input[name=person_state][value=stable]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#save-visit")
    page.wait_for_url(re.compile(r".*/my/hours$"))
    assert page.locator("#hours-total").inner_text() == "1.5"
