"""A live server and a Playwright page on Debian's Chromium.

Playwright must not download a browser of its own: it drives /usr/bin/chromium
(`apt-get install chromium`, done by .ci/run). Where Chromium or Playwright is
missing the browser tests skip with that reason.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from typing import Any, Iterator

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("CAREMATCH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Chromium's own background traffic is refused on a closed network; keep it quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """The test app served on a free loopback port by a werkzeug thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}: run `apt-get install chromium` (the CI script does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed: pip install -e '.[test]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _page_refusing_csp_violations(context: Any) -> Iterator[Any]:
    # Every journey doubles as a check of the Content-Security-Policy: a page that relies on
    # an inline script or style attribute shows up as a console violation and fails its test.
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not violations, f"the Content-Security-Policy refused something: {violations}"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A desktop-sized page in a fresh browser context (its own cookies)."""
    yield from _page_refusing_csp_violations(
        browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN"))


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A phone-sized page (volunteers use the platform on their phones)."""
    yield from _page_refusing_csp_violations(
        browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                            locale="zh-CN"))


def _log_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


@pytest.fixture
def log_in() -> Any:
    """``log_in(page, live_server, "civil")``: a fresh login as one of the test users."""
    return _log_in
