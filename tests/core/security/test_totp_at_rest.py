"""TOTP secrets are encrypted at rest with the data key (migration 0014): the database holds
``v1:`` ciphertext that does not contain the secret, the login's second step still works,
the migration encrypts an existing plain secret and its downgrade gives it back."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select, text

from core import migrate
from core.db import make_engine
from core.models import User
from core.plugins import BoardHost, get_plugin_manager
from core.privacy import crypto
from core.security_models import UserCredential
from tests.conftest import PASSWORD


def _stored_secret(session, user_id: int) -> str:  # type: ignore[no-untyped-def]
    return session.execute(text("SELECT totp_secret FROM user_credential WHERE user_id = :u"), {"u": user_id}).scalar_one()


def test_the_enrolled_secret_is_stored_encrypted_and_still_logs_in(app, client, login, session) -> None:  # type: ignore[no-untyped-def]
    login("root")
    page = client.post("/account/two-factor", data={"action": "start"}).get_data(as_text=True)
    secret = pyotp.parse_uri(re.search(r"(otpauth://totp/[^<\s]+)", page).group(1).replace("&amp;", "&")).secret
    assert client.post("/account/two-factor", data={"action": "confirm", "code": pyotp.TOTP(secret).now()}).status_code == 200

    root = session.execute(select(User).where(User.username == "root")).scalar_one()
    raw = _stored_secret(session, root.id)
    assert raw.startswith(crypto.PREFIX) and secret not in raw
    assert session.get(UserCredential, root.id).totp_secret == secret  # the ORM opens it

    browser = app.test_client()
    browser.post("/login", data={"username": "root", "password": PASSWORD})
    # the enrolment used the current step: the next step's code opens the session
    assert browser.post("/login/second-factor", data={"code": pyotp.TOTP(secret).at(time.time() + 30)}).status_code == 302
    assert browser.get("/").status_code == 200


def test_a_secret_does_not_open_in_another_column_or_under_another_key(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sealed = crypto.seal("JBSWY3DPEHPK3PXP", context=b"user_credential.totp_secret")
    assert crypto.unseal(sealed, context=b"user_credential.totp_secret") == "JBSWY3DPEHPK3PXP"
    with pytest.raises(crypto.DataKeyError):
        crypto.unseal(sealed, context=b"id_number")
    monkeypatch.setenv("CAREMATCH_DATA_KEY", "a1" * 32)
    crypto.reset()
    try:
        with pytest.raises(crypto.DataKeyError, match="CAREMATCH_DATA_KEY"):
            crypto.unseal(sealed, context=b"user_credential.totp_secret")
    finally:
        monkeypatch.undo()
        crypto.reset()


def test_migration_0014_encrypts_existing_secrets_and_its_downgrade_decrypts(tmp_path: Path) -> None:
    boards = BoardHost(get_plugin_manager())
    boards.import_models()
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    migrate.upgrade(engine, boards, "0010_logins")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO user_account (id, username, password_hash, display_name, role, locale, active,"
            " session_version, failed_logins, created_at) VALUES (1, 'a', 'x', 'a', 'admin', 'zh', 1, 0, 0,"
            " '2026-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO user_credential (user_id, must_change_password, totp_secret, totp_enabled)"
                          " VALUES (1, 0, 'JBSWY3DPEHPK3PXP', 1)"))
    migrate.upgrade(engine, boards, "0014_totp_secret_at_rest")
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT totp_secret FROM user_credential")).scalar_one()
    assert raw.startswith(crypto.PREFIX) and "JBSWY3DPEHPK3PXP" not in raw
    assert crypto.unseal(raw, context=b"user_credential.totp_secret") == "JBSWY3DPEHPK3PXP"
    migrate.downgrade(engine, boards, "0010_logins")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT totp_secret FROM user_credential")).scalar_one() == "JBSWY3DPEHPK3PXP"
    engine.dispose()
