"""Security headers on every answer, no inline code in any template, and session timeouts."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.auth import session_expiry
from core.headers import CONTENT_SECURITY_POLICY
from core.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted([*ROOT.glob("core/templates/**/*.html"), *ROOT.glob("plugins/*/templates/**/*.html")])


def test_every_answer_carries_the_security_headers(client: Any, login: Any) -> None:
    answers = [client.get("/login"), client.get("/healthz")]
    login("civil")
    answers += [client.get("/"), client.get("/api/openapi.json"), client.get("/no-such-page")]
    for response in answers:
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS promise


def test_static_files_may_be_cached(client: Any) -> None:
    response = client.get("/static/carematch.js")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("app", [{"HTTPS": True}], indirect=True)
def test_https_deployments_get_hsts_and_secure_cookies(client: Any, login: Any) -> None:
    response = login("civil")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_carry_no_inline_script_or_style(template: Path) -> None:
    # The policy forbids them, so the browser would silently drop them.
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>: use static/carematch.js"
    assert not re.search(r"\sstyle\s*=", text), "style attribute: use a class in static/carematch.css"
    assert not re.search(r"<style\b", text), "<style> block: use static/carematch.css"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler: use a data attribute"


# -- session timeouts (ASVS §7.3) ------------------------------------------------------------------


def test_session_expiry_rules() -> None:
    now = 1_800_000_000.0
    alive = {"started": int(now) - 3600, "seen": int(now) - 30}
    assert session_expiry(alive, now, idle_minutes=30, absolute_hours=12) is None
    assert alive["seen"] == int(now) - 30  # seen under a minute ago: the cookie is not rewritten
    moving = {"started": int(now) - 3600, "seen": int(now) - 600}
    assert session_expiry(moving, now, idle_minutes=30, absolute_hours=12) is None
    assert moving["seen"] == int(now)
    # idle: exactly 30 minutes is still alive, one second more is not
    assert session_expiry({"started": int(now) - 3600, "seen": int(now) - 1800}, now,
                          idle_minutes=30, absolute_hours=12) is None
    assert session_expiry({"started": int(now) - 3600, "seen": int(now) - 1801}, now,
                          idle_minutes=30, absolute_hours=12) == "idle"
    # absolute: 12 hours after login, however busy
    assert session_expiry({"started": int(now) - 12 * 3600 - 1, "seen": int(now)}, now,
                          idle_minutes=30, absolute_hours=12) == "absolute"
    # a cookie from before these rules has no login time
    assert session_expiry({"seen": int(now)}, now, idle_minutes=30, absolute_hours=12) == "absolute"


def _age(client: Any, **seconds: int) -> None:
    with client.session_transaction() as cookie:
        for key, delta in seconds.items():
            cookie[key] -= delta


def test_an_idle_session_ends_and_the_user_logs_in_again(app: Any, client: Any, login: Any) -> None:
    login("civil")
    assert client.get("/").status_code == 200
    _age(client, seen=31 * 60)
    response = client.get("/households")
    assert response.status_code == 302
    assert "/login?next=/households" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "没有操作" in page  # the message in the default language (Chinese)
    assert client.get("/").status_code == 302  # logged out for good, not only this once
    with app.extensions["carematch"].session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "session_expired")).one()
        assert event.reason == "idle" and event.user_id is not None


def test_activity_keeps_a_session_alive_until_its_absolute_end(client: Any, login: Any) -> None:
    login("civil")
    _age(client, seen=25 * 60)
    assert client.get("/").status_code == 200
    with client.session_transaction() as cookie:
        assert abs(cookie["seen"] - time.time()) < 5  # the request moved "last seen" on
    _age(client, started=12 * 3600 + 5)
    assert client.get("/").status_code == 302


def test_an_expired_api_session_answers_401_in_json(client: Any, login: Any) -> None:
    login("vol")
    assert client.get("/api/my/assignments").status_code == 200
    _age(client, seen=31 * 60)
    response = client.get("/api/my/assignments", headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert "Log in again" in response.get_json()["error"] or "重新登录" in response.get_json()["error"]


# -- several worker processes starting on a fresh instance ------------------------------------------

START = """
import hashlib, sys
from core.app import create_app
app = create_app()
print(hashlib.sha256(app.config["SECRET_KEY"].encode()).hexdigest())
"""


def test_worker_processes_starting_together_share_one_secret_and_one_migration(tmp_path: Path) -> None:
    # gunicorn starts its workers at once; on a fresh SQLite instance they used to race to
    # create the tables ("table region already exists") and to write the session secret.
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("CAREMATCH_DATABASE_URL", "CAREMATCH_SECRET_KEY")}
    env["CAREMATCH_INSTANCE"] = str(tmp_path / "instance")
    workers = [subprocess.Popen([sys.executable, "-c", START], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [w.communicate(timeout=240) for w in workers]
    assert [w.returncode for w in workers] == [0, 0, 0], [err[-2000:] for _out, err in results]
    assert len({out.strip() for out, _err in results}) == 1  # one secret for all
    assert (tmp_path / "instance" / "carematch.sqlite3").exists()
