"""User administration: list, create, disable/enable (sessions die), reset, end sessions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.models import AuditEvent, User
from tests.conftest import PASSWORD

ROLES_OTHER_THAN_ADMIN = ("civil", "youth", "grid", "reviewer", "auditor", "vol")


def _id(session, username: str) -> int:  # type: ignore[no-untyped-def]
    return session.execute(select(User.id).where(User.username == username)).scalar_one()


@pytest.mark.parametrize("username", ROLES_OTHER_THAN_ADMIN)
def test_only_administrators_open_the_user_pages(client, login, session, username: str) -> None:  # type: ignore[no-untyped-def]
    login(username)
    target = _id(session, "civil")
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users/new", data={"username": "x1", "role": "auditor"}).status_code == 403
    assert client.post(f"/admin/users/{target}/active", data={"active": "0"}).status_code == 403
    assert client.post(f"/admin/users/{target}/password").status_code == 403


def test_list_and_search(client, login) -> None:  # type: ignore[no-untyped-def]
    login("root")
    page = client.get("/admin/users").get_data(as_text=True)
    for name in ("root", "civil", "vol", "auditor"):
        assert name in page
    page = client.get("/admin/users?q=civ").get_data(as_text=True)
    assert "civil" in page and ">vol<" not in page
    assert client.get("/admin/users?role=volunteer").status_code == 200


def test_create_a_user_who_must_change_the_temporary_password(app, client, login, session) -> None:  # type: ignore[no-untyped-def]
    login("root")
    refused = client.post("/admin/users/new", data={"username": "zhang", "role": "board_staff", "region_code": "230600"})
    assert refused.status_code == 400  # board staff need a board
    assert client.post("/admin/users/new", data={"username": "civil", "role": "auditor"}).status_code == 400
    assert client.post("/admin/users/new", data={"username": "x2", "role": "auditor", "region_code": "999999"}).status_code == 400
    page = client.post("/admin/users/new", data={"username": "zhang", "display_name": "张三", "role": "board_staff",
                                                 "board": "civil_affairs", "region_code": "230602"})
    assert page.status_code == 200
    password = re.search(r'<code class="big">([^<]+)</code>', page.get_data(as_text=True)).group(1)
    user = session.execute(select(User).where(User.username == "zhang")).scalar_one()
    assert (user.role, user.board, user.region_code, user.display_name) == ("board_staff", "civil_affairs", "230602", "张三")
    # first login: straight to the password page, and nothing else opens until it is changed
    newcomer = app.test_client()
    response = newcomer.post("/login", data={"username": "zhang", "password": password})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    assert newcomer.get("/cases/").headers["Location"].endswith("/account/password")
    assert newcomer.post("/account/password", data={"current": password, "new": "my own passphrase",
                                                    "repeat": "my own passphrase"}).status_code == 302
    assert newcomer.get("/cases/").status_code == 200


def test_disable_ends_sessions_and_enable_lets_the_user_back(app, client, login, session) -> None:  # type: ignore[no-untyped-def]
    victim = app.test_client()
    assert victim.post("/login", data={"username": "civil", "password": PASSWORD}).status_code == 302
    login("root")
    uid = _id(session, "civil")
    assert client.post(f"/admin/users/{uid}/active", data={"active": "0"}).status_code == 302
    assert victim.get("/").status_code == 302  # the live session died
    page = victim.post("/login", data={"username": "civil", "password": PASSWORD})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and ("disabled" in text.lower() or "停用" in text)
    assert client.post(f"/admin/users/{uid}/active", data={"active": "1"}).status_code == 302
    assert victim.post("/login", data={"username": "civil", "password": PASSWORD}).status_code == 302
    actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(uid)))]
    assert actions.count("user_disable") == 1 and actions.count("user_enable") == 1


def test_an_administrator_cannot_disable_themselves(client, login, session) -> None:  # type: ignore[no-untyped-def]
    login("root")
    uid = _id(session, "root")
    client.post(f"/admin/users/{uid}/active", data={"active": "0"})
    session.expire_all()
    assert session.get(User, uid).active


def test_reset_password_and_end_sessions(app, client, login, session) -> None:  # type: ignore[no-untyped-def]
    victim = app.test_client()
    assert victim.post("/login", data={"username": "grid", "password": PASSWORD}).status_code == 302
    login("root")
    uid = _id(session, "grid")
    assert client.post(f"/admin/users/{uid}/sessions").status_code == 302
    assert victim.get("/").status_code == 302
    assert victim.post("/login", data={"username": "grid", "password": PASSWORD}).status_code == 302
    page = client.post(f"/admin/users/{uid}/password")
    temporary = re.search(r'<code class="big">([^<]+)</code>', page.get_data(as_text=True)).group(1)
    assert victim.get("/").status_code == 302
    assert victim.post("/login", data={"username": "grid", "password": PASSWORD}).status_code == 200
    assert victim.post("/login", data={"username": "grid", "password": temporary}).headers["Location"].endswith("/account/password")
    assert client.get(f"/admin/users/{uid}").status_code == 200
    assert client.get("/admin/users/999999").status_code == 404
