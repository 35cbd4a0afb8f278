"""Rate limits on login and the API: 429 with Retry-After and a message in both languages,
counted in the database (shared by every web process)."""

from __future__ import annotations

import pytest

import core.auth as auth
from tests.conftest import PASSWORD

LOW = {"LOGIN_RATE_LIMIT": "3/minute", "API_RATE_LIMIT": "4/minute"}


@pytest.mark.parametrize("app", [LOW], indirect=True)
def test_login_answers_429_after_the_limit_per_address_and_username(client) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        assert client.post("/login", data={"username": "civil", "password": "wrong password"}).status_code == 200
    blocked = client.post("/login", data={"username": "civil", "password": PASSWORD})
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    text = blocked.get_data(as_text=True)
    assert "Too many requests" in text and "请求过于频繁" in text
    # another username from the same address is counted apart
    assert client.post("/login", data={"username": "union", "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("app", [LOW], indirect=True)
def test_api_answers_429_per_user(app, client, login) -> None:  # type: ignore[no-untyped-def]
    login("vol")
    statuses = [client.get("/api/my/assignments").status_code for _ in range(5)]
    assert statuses[:4] == [200] * 4 and statuses[4] == 429
    blocked = client.get("/api/my/assignments")
    assert blocked.is_json and "Too many requests" in blocked.json["error"] and blocked.headers["Retry-After"]
    # pages are not the API: not limited by it
    assert client.get("/my/assignments").status_code == 200
    # another user has their own allowance
    other = app.test_client()
    assert other.post("/login", data={"username": "civil", "password": PASSWORD}).status_code == 302
    assert other.get("/api/warnings").status_code == 200


def test_the_window_rolls_over(app) -> None:  # type: ignore[no-untyped-def]
    engine = app.extensions["carematch"].engine
    limit = auth.parse_limit("2/minute")
    t = 1_000_000_020.0
    assert auth.hit(engine, "k", limit, now=t) is None
    assert auth.hit(engine, "k", limit, now=t + 1) is None
    assert auth.hit(engine, "k", limit, now=t + 2) == 60 - int(t) % 60 - 2
    assert auth.hit(engine, "k", limit, now=t + 3) is not None
    assert auth.hit(engine, "k", limit, now=t + 60) is None  # next window


@pytest.mark.parametrize("text, parsed", [
    ("10/minute", (10, 60)), ("100 per hour", (100, 3600)), ("5/30 seconds", (5, 30)), ("", None), (None, None),
])
def test_parse_limit(text, parsed) -> None:  # type: ignore[no-untyped-def]
    assert auth.parse_limit(text) == parsed


def test_a_bad_limit_fails_at_start_up() -> None:
    with pytest.raises(ValueError):
        auth.parse_limit("ten a minute")
