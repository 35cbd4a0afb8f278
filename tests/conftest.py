"""Shared fixtures: a migrated database per test (SQLite by default, PostgreSQL when
CAREMATCH_TEST_DATABASE_URL names one), the app, a client, users of every role.

The schema is made by the real Alembic migrations once per session; each test then
gets a copy of that SQLite file (or, on PostgreSQL, emptied tables), so tests stay
fast and never share rows.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import text

from core.app import create_app
from core.db import make_engine
from core.plugins import BoardHost, get_plugin_manager

# One ID-number data key for the whole run (core.privacy.crypto): the template database is
# encrypted once and copied into every test, whose instance folders differ. Test-only key.
os.environ.setdefault("CAREMATCH_DATA_KEY", "5e" * 32)

PG_URL_ENV = "CAREMATCH_TEST_DATABASE_URL"
ALL_BOARDS = ("civil_affairs", "disabled_federation", "trade_union", "womens_federation", "youth_league")
PASSWORD = "correct horse battery staple"

# One user per role; board-bound roles get a board.
USERS = {
    "admin": dict(role="admin", region_code="230600"),
    "civil": dict(role="board_staff", board="civil_affairs", region_code="230600"),
    "union": dict(role="board_staff", board="trade_union", region_code="230600"),
    "disabled": dict(role="board_staff", board="disabled_federation", region_code="230600"),
    "youth": dict(role="coordinator", board="youth_league", region_code="230600"),
    "women": dict(role="coordinator", board="womens_federation", region_code="230600"),
    "grid": dict(role="grid_worker", region_code="230602"),
    "reviewer": dict(role="reviewer", region_code="230600"),
    "auditor": dict(role="auditor", region_code="230600"),
    "vol": dict(role="volunteer", region_code="230602"),
}


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {os.environ.get(PG_URL_ENV) or 'SQLite (embedded default)'}"


def _seed(url: str) -> None:
    from core.app import Platform
    from core.auth import create_user
    from core.cli import initialise
    from core.db import make_session_factory

    boards = BoardHost(get_plugin_manager())
    boards.import_models()
    engine = make_engine(url)
    platform = Platform(engine, make_session_factory(engine), boards, {})
    initialise(platform, admin_username="root", admin_password=PASSWORD, enable_boards=True)
    with platform.session() as session:
        for username, fields in USERS.items():
            create_user(session, username, PASSWORD, display_name=username, **fields)
        session.commit()
    engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The migrated and seeded database every test starts from."""
    pg_url = os.environ.get(PG_URL_ENV)
    if pg_url:
        engine = make_engine(pg_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _seed(pg_url)
        engine = make_engine(pg_url)
        with engine.connect() as conn:
            tables = [r[0] for r in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
            dump = {t: [dict(r._mapping) for r in conn.execute(text(f'SELECT * FROM "{t}"'))] for t in tables}
        engine.dispose()
        return {"kind": "postgresql", "url": pg_url, "tables": tables, "rows": dump}
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _seed(f"sqlite:///{path}")
    return {"kind": "sqlite", "path": path}


def _fresh_database(template: dict[str, Any], tmp_path: Path) -> str:
    if template["kind"] == "sqlite":
        target = tmp_path / "carematch.sqlite3"
        shutil.copyfile(template["path"], target)
        return f"sqlite:///{target}"
    url = template["url"]
    engine = make_engine(url)
    from core.db import Base

    with engine.begin() as conn:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in template["tables"]) + " RESTART IDENTITY CASCADE"))
        for table in Base.metadata.sorted_tables:
            rows = template["rows"].get(table.name)
            if rows:
                conn.execute(table.insert(), rows)
                if "id" in table.c:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 1) FROM \"{table.name}\"))"))
    engine.dispose()
    return url


@pytest.fixture
def database_url(database_template: dict[str, Any], tmp_path: Path) -> str:
    return _fresh_database(database_template, tmp_path)


@pytest.fixture
def app(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Any]:
    """The app on a fresh copy of the seeded database; all five boards enabled unless
    ``@pytest.mark.boards("youth_league", …)`` names the only ones to enable."""
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "AUTO_MIGRATE": False,
    }
    if request.node.get_closest_marker("browser"):
        config["WTF_CSRF_ENABLED"] = True  # a real browser posts the real tokens
    config.update(getattr(request, "param", {}) or {})
    app = create_app(config, extra_plugins=getattr(request.node, "extra_plugins", ()))
    marker = request.node.get_closest_marker("boards")
    if marker is not None:
        platform = app.extensions["carematch"]
        with platform.session() as session:
            for key in platform.boards.installed:
                platform.boards.set_enabled(session, key, key in marker.args)
            session.commit()
    yield app
    app.extensions["carematch"].engine.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def session(app: Any) -> Iterator[Any]:
    with app.extensions["carematch"].session() as s:
        yield s


@pytest.fixture
def login(client: Any):  # type: ignore[no-untyped-def]
    """``login("civil")`` logs the test client in as one of USERS (or "root")."""

    def _login(username: str, password: str = PASSWORD) -> Any:
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, f"login as {username} failed"
        return response

    return _login
