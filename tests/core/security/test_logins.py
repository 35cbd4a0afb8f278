"""Logins: lockout and its time-based unlock, password policy and change, sessions that die."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import core.auth as auth
from core.models import AuditEvent, User
from core.security_models import UserCredential
from tests.conftest import PASSWORD

NEW_PASSWORD = "a quite different passphrase"


def _user(session, username: str) -> User:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.execute(select(User).where(User.username == username)).scalar_one()


def test_five_failures_lock_the_account_and_it_unlocks_after_15_minutes(client, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for _ in range(auth.MAX_FAILED_LOGINS):
        assert client.post("/login", data={"username": "civil", "password": "wrong password!"}).status_code == 200
    user = _user(session, "civil")
    assert user.locked_until is not None
    # the right password is refused while locked
    page = client.post("/login", data={"username": "civil", "password": PASSWORD})
    assert page.status_code == 200 and "15" in page.get_data(as_text=True)
    # 14 minutes later: still locked
    real_now = auth.utcnow()
    monkeypatch.setattr(auth, "utcnow", lambda: real_now + dt.timedelta(minutes=14))
    assert client.post("/login", data={"username": "civil", "password": PASSWORD}).status_code == 200
    # 16 minutes later: the lock has run out and the password works again
    monkeypatch.setattr(auth, "utcnow", lambda: real_now + dt.timedelta(minutes=16))
    assert client.post("/login", data={"username": "civil", "password": PASSWORD}).status_code == 302
    user = _user(session, "civil")
    assert user.failed_logins == 0 and user.locked_until is None


@pytest.mark.parametrize("password, ok", [
    ("short1", False),
    ("1234567890", False),
    ("qwertyuiop", False),
    ("woaini1314520", False),
    ("aaaaaaaaaaaa", False),
    ("civil-is-my-name", False),   # contains the username
    ("x" * 257, False),
    ("tall mountain river", True),
    ("大庆市精准关爱平台密码", True),
    ("Tr0ub4dor&3xyz", True),
])
def test_password_policy(password: str, ok: bool) -> None:
    from flask import Flask
    from flask_babel import Babel

    app = Flask("t")
    Babel(app)
    with app.app_context():
        assert (auth.password_problem(password, username="civil") is None) is ok


def test_password_change_needs_the_current_password_and_ends_other_sessions(app, client, session) -> None:  # type: ignore[no-untyped-def]
    other = app.test_client()
    for c in (client, other):
        assert c.post("/login", data={"username": "civil", "password": PASSWORD}).status_code == 302
    assert client.get("/account/password").status_code == 200
    wrong = client.post("/account/password", data={"current": "not it at all", "new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert wrong.status_code == 400
    weak = client.post("/account/password", data={"current": PASSWORD, "new": "1234567890", "repeat": "1234567890"})
    assert weak.status_code == 400
    differ = client.post("/account/password", data={"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD + "x"})
    assert differ.status_code == 400
    ok = client.post("/account/password", data={"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert ok.status_code == 302
    # this browser stays logged in, the other session is dead
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    user = _user(session, "civil")
    assert auth.verify_password(user.password_hash, NEW_PASSWORD)
    assert session.get(UserCredential, user.id).password_changed_at is not None
    actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(user.id)))]
    assert "password_change" in actions and "password_change_failed" in actions
    # the old password no longer opens the account, the new one does
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "civil", "password": PASSWORD}).status_code == 200
    assert fresh.post("/login", data={"username": "civil", "password": NEW_PASSWORD}).status_code == 302


def test_logout_kills_the_old_cookie(app, client, login) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    cookie = client.get_cookie("session").value
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/").status_code == 302


def test_the_password_hash_is_argon2id_with_at_least_owasp_parameters(session) -> None:  # type: ignore[no-untyped-def]
    user = _user(session, "civil")
    assert user.password_hash.startswith("$argon2id$")
    params = dict(p.split("=") for p in user.password_hash.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2 and int(params["p"]) >= 1
