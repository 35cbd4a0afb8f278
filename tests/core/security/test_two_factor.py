"""Optional TOTP second factor for administrators (RFC 6238): enrol with a provisioning URI,
a second step at login, no code accepted twice, recovery codes stored hashed and used once."""

from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import select

import core.auth as auth
from core.models import User
from core.security_models import RecoveryCode, UserCredential
from tests.conftest import PASSWORD


def _enrol(client, session) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    page = client.post("/account/two-factor", data={"action": "start"}).get_data(as_text=True)
    uri = re.search(r"(otpauth://totp/[^<\s]+)", page).group(1)
    assert "issuer=CareMatch" in uri
    secret = pyotp.parse_uri(uri.replace("&amp;", "&")).secret
    assert client.post("/account/two-factor", data={"action": "confirm", "code": "000000"}).status_code == 400
    page = client.post("/account/two-factor", data={"action": "confirm", "code": pyotp.TOTP(secret).now()})
    assert page.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{6}-[0-9a-f]{6})</code>", page.get_data(as_text=True))
    assert len(codes) == auth.RECOVERY_CODES
    return secret, codes


def test_enrol_then_login_needs_the_code(app, client, login, session) -> None:  # type: ignore[no-untyped-def]
    login("root")
    secret, codes = _enrol(client, session)
    root = session.execute(select(User).where(User.username == "root")).scalar_one()
    stored = list(session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == root.id)))
    assert len(stored) == len(codes) and all(h.startswith("$argon2id$") for h in stored)
    assert not any(code in h for code in codes for h in stored)

    browser = app.test_client()
    first = browser.post("/login", data={"username": "root", "password": PASSWORD})
    assert first.headers["Location"].endswith("/login/second-factor")
    assert browser.get("/").status_code == 302  # not logged in yet
    assert browser.post("/login/second-factor", data={"code": "123456"}).status_code == 200
    assert browser.get("/").status_code == 302
    # the code of the current step, but with the enrolment's step already used: take the next step
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    ok = browser.post("/login/second-factor", data={"code": next_code})
    assert ok.status_code == 302 and browser.get("/").status_code == 200
    # the same code is never accepted twice (replay)
    other = app.test_client()
    other.post("/login", data={"username": "root", "password": PASSWORD})
    assert other.post("/login/second-factor", data={"code": next_code}).status_code == 200
    assert other.get("/").status_code == 302
    # a recovery code works once
    assert other.post("/login/second-factor", data={"code": codes[0]}).status_code == 302
    assert other.get("/").status_code == 200
    third = app.test_client()
    third.post("/login", data={"username": "root", "password": PASSWORD})
    assert third.post("/login/second-factor", data={"code": codes[0]}).status_code == 200
    assert third.get("/").status_code == 302


def test_wrong_codes_count_towards_the_lockout(app, client, login, session) -> None:  # type: ignore[no-untyped-def]
    login("root")
    _enrol(client, session)
    browser = app.test_client()
    browser.post("/login", data={"username": "root", "password": PASSWORD})
    for _ in range(auth.MAX_FAILED_LOGINS):
        browser.post("/login/second-factor", data={"code": "999999"})
    session.expire_all()
    assert session.execute(select(User).where(User.username == "root")).scalar_one().locked_until is not None


def test_the_second_step_expires_and_needs_the_password_first(app, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/login/second-factor").status_code == 302  # no password step: back to login


def test_only_administrators_enrol_and_an_admin_can_remove_a_lost_factor(app, client, login, session) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    assert client.get("/account/two-factor").status_code == 403
    client.post("/logout")
    login("root")
    _enrol(client, session)
    root = session.execute(select(User).where(User.username == "root")).scalar_one()
    # turning it off needs the password
    assert client.post("/account/two-factor", data={"action": "disable", "password": "nope"}).status_code == 400
    assert client.post("/account/two-factor", data={"action": "disable", "password": PASSWORD}).status_code == 302
    session.expire_all()
    assert not session.get(UserCredential, root.id).totp_enabled
    assert not list(session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == root.id)))
