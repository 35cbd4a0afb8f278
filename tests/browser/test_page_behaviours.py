"""The small behaviours of static/carematch.js, which replaced inline scripts for the CSP:
a running match run refreshes itself, the administrator's board choice on the case queue
applies at once. The ``page`` fixture fails any test whose page hits a CSP violation."""

from __future__ import annotations

import re

import pytest

from core.matchruns import services

pytestmark = pytest.mark.browser


def test_a_running_match_run_page_reloads_itself(page, log_in, live_server, app) -> None:  # type: ignore[no-untyped-def]
    platform = app.extensions["carematch"]
    with platform.session() as session:
        run = services.create_run(session, platform.boards, platform.boards.enabled(session), services.SYSTEM,
                                  region="230602", boards=["youth_league"], time_limit_s=5)
        session.commit()
        run_id = run.id
    log_in(page, live_server, "youth")
    page.goto(f"{live_server}/match-runs/{run_id}")
    assert page.locator("progress").count() == 1
    # the reload is the next navigation of the page's frame (about 2 s later)
    frame = page.wait_for_event("framenavigated", timeout=8000)
    assert frame.url == f"{live_server}/match-runs/{run_id}"


def test_the_board_choice_on_the_case_queue_applies_without_a_button(page, log_in, live_server) -> None:  # type: ignore[no-untyped-def]
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/cases")
    page.select_option("select[name=board]", "trade_union")
    page.wait_for_url(re.compile(r".*/cases/?\?board=trade_union$"))
    assert page.locator("select[name=board]").input_value() == "trade_union"
