"""Restore drill: back up a database with data, change the data, restore, and prove the rows,
the integrity and the migration head are back and the app works on the restored copy."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select, text

from core import backup as backup_module
from core.app import create_app
from core.auth import create_user
from core.cli import Context
from core.models import User
from tests.conftest import PASSWORD, PG_URL_ENV


def _fingerprint(engine: Any) -> dict[str, tuple[int, str]]:
    """Rows per table and a checksum of their content, table by table."""
    out = {}
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
            digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
            out[table] = (len(rows), digest)
    return out


def _context(app: Any) -> Context:
    ctx = Context()
    ctx._app = app
    return ctx


def _drill(app: Any, tmp_path: Path, figures: dict[str, Any]) -> None:
    platform = app.extensions["carematch"]
    with platform.session() as s:
        for i in range(50):
            create_user(s, f"drill{i}", PASSWORD, role="auditor", display_name=f"演练 {i}", region_code="230600")
        s.commit()
    before = _fingerprint(platform.engine)
    runner = CliRunner()
    dump = tmp_path / "backups" / "drill.bak"
    t0 = time.perf_counter()
    result = runner.invoke(backup_module.backup_command, [str(dump)], obj=_context(app))
    figures["backup_s"] = time.perf_counter() - t0
    assert result.exit_code == 0, result.output
    assert dump.exists() and (dump.stat().st_mode & 0o777) == 0o600
    figures["size"] = dump.stat().st_size

    # the data changes after the backup: an edit, a new row, a deletion
    with platform.session() as s:
        s.execute(select(User).where(User.username == "drill0")).scalar_one().display_name = "changed"
        create_user(s, "after_backup", PASSWORD, role="auditor", region_code="230600")
        s.delete(s.execute(select(User).where(User.username == "drill1")).scalar_one())
        s.commit()
    assert _fingerprint(platform.engine) != before

    refused = runner.invoke(backup_module.restore_command, [str(dump)], input="n\n", obj=_context(app))
    assert refused.exit_code != 0  # asks first
    t0 = time.perf_counter()
    result = runner.invoke(backup_module.restore_command, [str(dump), "--yes"], obj=_context(app))
    figures["restore_s"] = time.perf_counter() - t0
    assert result.exit_code == 0, result.output
    assert "migrations at head" in result.output
    after = _fingerprint(platform.engine)
    assert after == before, {t: (before.get(t), after.get(t)) for t in set(before) | set(after) if before.get(t) != after.get(t)}
    figures["tables"] = len(after)
    figures["rows"] = sum(n for n, _ in after.values())
    assert not platform.needs_migration()  # alembic current == heads
    with platform.session() as s:
        names = set(s.scalars(select(User.username)))
    assert {"drill0", "drill1"} <= names and "after_backup" not in names
    # smoke test on the restored database: log in and open pages
    client = app.test_client()
    assert client.post("/login", data={"username": "drill0", "password": PASSWORD}).status_code == 302
    assert client.get("/healthz").json["database"] == "ok"
    assert client.get("/").status_code == 200


def test_sqlite_backup_restore_drill(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "SECRET_KEY": "drill", "WTF_CSRF_ENABLED": False, "AUTO_MIGRATE": True})
    figures: dict[str, Any] = {}
    try:
        from core.cli import initialise

        initialise(app.extensions["carematch"], admin_username="root", admin_password=PASSWORD, enable_boards=True)
        _drill(app, tmp_path, figures)
        check = sqlite3.connect(str(tmp_path / "live.sqlite3")).execute("PRAGMA integrity_check").fetchone()[0]
        assert check == "ok"
    finally:
        app.extensions["carematch"].engine.dispose()
    print(f"\nSQLite drill: {figures}")


def test_sqlite_backup_of_a_live_database_while_it_is_written(tmp_path: Path) -> None:
    """The backup API gives a consistent copy even with a writer holding connections open."""
    path = tmp_path / "busy.sqlite3"
    writer = sqlite3.connect(str(path))
    writer.execute("CREATE TABLE t (n INTEGER)")
    writer.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(10_000)])
    writer.commit()
    writer.execute("BEGIN")
    writer.execute("INSERT INTO t VALUES (-1)")  # uncommitted: must not appear in the copy
    from core.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    out = backup_module.backup(engine, tmp_path / "copy.sqlite3")
    writer.rollback()
    copy = sqlite3.connect(str(out.path))
    assert copy.execute("SELECT count(*), min(n) FROM t").fetchone() == (10_000, 0)
    engine.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    from core.db import make_engine

    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"PK\x03\x04 definitely not sqlite" * 100)
    engine = make_engine(f"sqlite:///{tmp_path / 'target.sqlite3'}")
    with pytest.raises(backup_module.BackupError):
        backup_module.restore(engine, bogus)
    engine.dispose()


@pytest.mark.postgres
def test_postgresql_backup_restore_drill(tmp_path: Path) -> None:
    base = os.environ.get(PG_URL_ENV)
    if not base:
        pytest.skip(f"{PG_URL_ENV} is not set: the PostgreSQL drill needs a server to make a scratch database on")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")
    from sqlalchemy.engine import make_url

    from core.db import make_engine

    scratch = f"carematch_drill_{uuid.uuid4().hex[:8]}"
    server = make_url(base).set(database="postgres")
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{scratch}"'))
    url = make_url(base).set(database=scratch).render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "SECRET_KEY": "drill", "WTF_CSRF_ENABLED": False, "AUTO_MIGRATE": False})
    figures: dict[str, Any] = {}
    try:
        from core.cli import initialise

        initialise(app.extensions["carematch"], admin_username="root", admin_password=PASSWORD, enable_boards=True)
        _drill(app, tmp_path, figures)
    finally:
        app.extensions["carematch"].engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()
    print(f"\nPostgreSQL drill: {figures}")
