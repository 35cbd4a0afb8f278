"""The web shell: health, login and lockout, sessions, deny-by-default, CSRF, boards, language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import AuditEvent, User
from core.web import access_rule
from tests.conftest import PASSWORD


def test_healthz_reports_the_database_and_enabled_boards(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert "youth_league" in body["boards"]


def test_pages_need_a_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/boards")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_page_is_chinese_by_default(client) -> None:  # type: ignore[no-untyped-def]
    text = client.get("/login").get_data(as_text=True)
    assert "登录" in text and "用户名" in text


def test_wrong_password_says_so_without_revealing_whether_the_user_exists(client) -> None:  # type: ignore[no-untyped-def]
    wrong = client.post("/login", data={"username": "civil", "password": "nope"}).get_data(as_text=True)
    unknown = client.post("/login", data={"username": "nobody", "password": "nope"}).get_data(as_text=True)
    assert "用户名或密码错误" in wrong and "用户名或密码错误" in unknown


def test_five_failures_lock_the_account_even_for_the_right_password(client, session) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        client.post("/login", data={"username": "civil", "password": "nope"})
    response = client.post("/login", data={"username": "civil", "password": PASSWORD})
    assert response.status_code == 200 and "锁定" in response.get_data(as_text=True)
    user = session.execute(select(User).where(User.username == "civil")).scalar_one()
    assert user.locked_until is not None


def test_passwords_are_stored_as_argon2id_hashes(session) -> None:  # type: ignore[no-untyped-def]
    user = session.execute(select(User).where(User.username == "civil")).scalar_one()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_logout_ends_every_session_of_the_user(app, login, client) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    other = app.test_client()
    other.post("/login", data={"username": "civil", "password": PASSWORD})
    assert other.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302
    assert other.get("/").status_code == 302  # the other browser's cookie died too


def test_a_disabled_account_cannot_use_its_session(app, login, client, session) -> None:  # type: ignore[no-untyped-def]
    login("union")
    user = session.execute(select(User).where(User.username == "union")).scalar_one()
    user.active = False
    session.commit()
    assert client.get("/").status_code == 302


def test_login_and_logout_are_audited(login, client, session) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    client.post("/logout")
    actions = session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions[-2:] == ["login", "logout"]


def test_login_does_not_redirect_off_site(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/login?next=//evil.example/x", data={"username": "civil", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_every_endpoint_declares_who_may_open_it(app) -> None:  # type: ignore[no-untyped-def]
    missing = [rule.endpoint for rule in app.url_map.iter_rules() if access_rule(app, rule.endpoint) is None]
    assert missing == [], f"endpoints without an access rule (deny by default): {missing}"


def test_an_endpoint_without_a_rule_is_refused(app, login, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/forgotten")
    def forgotten():  # type: ignore[no-untyped-def]
        return "secret"

    login("root")
    assert client.get("/forgotten").status_code == 403


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_a_form_post_without_its_csrf_token_is_refused(client, session) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/login", data={"username": "civil", "password": PASSWORD})
    assert response.status_code == 400
    response = client.post("/boards/youth_league/enabled", data={"enabled": "0"})
    assert response.status_code == 400


def test_board_staff_may_switch_only_their_own_board(login, client) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    assert client.post("/boards/youth_league/enabled", data={"enabled": "0"}).status_code == 403
    assert client.post("/boards/civil_affairs/enabled", data={"enabled": "0"}).status_code == 302
    assert client.get("/boards/civil_affairs/").status_code == 404


def test_volunteers_and_grid_workers_cannot_open_the_boards_page(login, client) -> None:  # type: ignore[no-untyped-def]
    login("vol")
    assert client.get("/boards").status_code == 403


def _navigation(html: str) -> str:
    start = html.index('<nav class="main-nav"')
    return html[start:html.index("</nav>", start)]


def test_disabling_a_board_hides_its_menu_item_and_pages(login, client) -> None:  # type: ignore[no-untyped-def]
    login("root")
    assert "妇联志愿服务板块" in _navigation(client.get("/").get_data(as_text=True))
    client.post("/boards/womens_federation/enabled", data={"enabled": "0"})
    assert "妇联志愿服务板块" not in _navigation(client.get("/").get_data(as_text=True))
    assert client.get("/boards/womens_federation/").status_code == 404
    client.post("/boards/womens_federation/enabled", data={"enabled": "1"})
    assert client.get("/boards/womens_federation/").status_code == 200


def test_the_english_switch_translates_pages(login, client) -> None:  # type: ignore[no-untyped-def]
    login("root")
    client.post("/locale", data={"locale": "en", "next": "/boards"})
    text = client.get("/boards").get_data(as_text=True)
    assert "Lead body" in text and "牵头单位" not in text
    client.post("/locale", data={"locale": "zh"})
    assert "牵头单位" in client.get("/boards").get_data(as_text=True)


def test_a_board_page_shows_its_standards_in_force(login, client) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    text = client.get("/boards/civil_affairs/").get_data(as_text=True)
    assert "现行标准" in text and "civil_affairs." in text


def test_a_row_id_beyond_the_integer_range_is_a_404_not_a_server_error(login, client) -> None:  # type: ignore[no-untyped-def]
    # found by fuzzing on PostgreSQL, whose INTEGER refuses 16391590915321008
    login("root")
    assert client.get("/api/cases/16391590915321008").status_code == 404
    assert client.get("/households/2147483648").status_code == 404
    assert client.get("/households/0").status_code == 404


def test_board_staff_and_coordinators_land_on_their_boards_work(login, client, session) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from core.models import Household, Need, Person

    household = Household(region_code="230602", area_type="urban", address="萨尔图区测试街2号")
    session.add(household)
    session.flush()
    child = Person(household_id=household.id, name="李小花", birth_date=dt.date(2016, 4, 1), sex="F")
    session.add(child)
    session.flush()
    for board in ("youth_league", "youth_league", "womens_federation"):
        session.add(Need(person_id=child.id, board=board, need_type=f"{board}.companionship",
                         category="left_behind_child", risk=2, required_skills=["companionship"],
                         slots=["sat_am"], status="approved"))
    session.commit()

    login("youth")
    page = client.get("/").get_data(as_text=True)
    work = page.split('aria-label="本板块待办"', 1)[1].split("</ul>", 1)[0]
    assert "新受理" in work and "#q-overdue" in work  # the case queues, linked to the cases page
    assert "<strong>2</strong> <a href=\"/match-runs\">尚无志愿者的关爱需求</a>" in work  # its own board's needs only
    client.post("/logout")
    login("civil")
    page = client.get("/").get_data(as_text=True)
    assert "本板块待办" in page and "尚无志愿者的关爱需求" not in page  # an assistance board has no care needs
    client.post("/logout")
    login("reviewer")
    page = client.get("/").get_data(as_text=True)
    assert '<strong>0</strong> <a href="/joint-review/">待联审个案</a>' in page
    client.post("/logout")
    login("admin")
    page = client.get("/").get_data(as_text=True)
    assert "本板块待办" not in page and "我的待办" not in page
