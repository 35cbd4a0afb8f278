"""Alembic is the only way the schema is made: up to head and back down, on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from core import migrate
from core.db import Base, make_engine
from core.plugins import BoardHost, get_plugin_manager

PG_URL = os.environ.get("CAREMATCH_TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_or_skip() -> str:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[test]'")
    engine = make_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except Exception as exc:
        pytest.skip(f"no PostgreSQL server answers at {PG_URL}: {exc.__class__.__name__}")
    finally:
        engine.dispose()
    return PG_URL


def _round_trip(url: str) -> None:
    boards = BoardHost(get_plugin_manager())
    boards.import_models()
    engine = make_engine(url)
    migrate.upgrade(engine, boards)
    assert not migrate.pending(engine, boards)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
        assert diff == [], f"the models and the migrations disagree: {diff}"
        assert {"household", "person", "ledger_entry", "standard"} <= set(inspect(connection).get_table_names())
    migrate.downgrade(engine, boards, "base")
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_migrations_go_up_and_down_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _round_trip(f"sqlite:///{tmp_path / 'm.sqlite3'}")


@pytest.mark.postgres
def test_migrations_go_up_and_down_on_postgresql() -> None:
    url = _postgres_or_skip()
    # a schema of its own (per process), so the run never touches the suite's tables
    # nor another run's on the same server
    schema = f"migration_test_{os.getpid()}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    separator = "&" if "?" in url else "?"
    try:
        _round_trip(f"{url}{separator}options=-csearch_path%3D{schema}")
    finally:
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


def test_a_fresh_sqlite_instance_is_created_and_migrated_on_first_run(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from core.app import create_app

    monkeypatch.delenv("CAREMATCH_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert (tmp_path / "instance" / "carematch.sqlite3").exists()
    assert not app.extensions["carematch"].needs_migration()
    assert (tmp_path / "instance" / "secret_key").read_text()
    app.extensions["carematch"].engine.dispose()
