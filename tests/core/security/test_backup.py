"""Restore drill: back up a database with data, change the data, restore, and prove the rows,
the integrity and the migration head are back and the app works on the restored copy.
Backups are encrypted by default: a wrong key or a damaged file is refused and the database
stays as it was; retention keeps the newest N backups and never the one just written."""

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
    assert "encrypted" in result.output and "NOT encrypted" not in result.output
    head = dump.read_bytes()[:4096]
    assert head.startswith(backup_module.MAGIC)  # sealed by default, with the key derived from the data key
    assert b"SQLite format 3" not in head and b"PGDMP" not in head and b"drill" not in dump.read_bytes()
    assert not list(dump.parent.glob("*partial*"))  # no plain scratch copy left behind
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


# The server the PostgreSQL drill makes its scratch database on: the suite's, else CI's default
# server. Only the server is used; the named database is never touched.
PG_SERVER_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_server_or_skip() -> Any:
    from sqlalchemy.engine import make_url

    from core.db import make_engine

    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")
    base = make_url(os.environ.get(PG_URL_ENV) or PG_SERVER_DEFAULT)
    admin = make_engine(base.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect():
            pass
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"no PostgreSQL server answers at {base.render_as_string(hide_password=True)}: "
                    f"{exc.__class__.__name__}")
    return base, admin


@pytest.mark.postgres
def test_postgresql_backup_restore_drill(tmp_path: Path) -> None:
    """Runs wherever a PostgreSQL server answers (CI's SQLite run included): the test makes and
    drops its own scratch database ``<suite database>_drill_<random>`` on that server."""
    base, admin = _postgres_server_or_skip()
    scratch = f"{base.database or 'carematch'}_drill_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{scratch}"'))
    url = base.set(database=scratch).render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "SECRET_KEY": "drill", "WTF_CSRF_ENABLED": False, "AUTO_MIGRATE": False})
    figures: dict[str, Any] = {}
    try:
        from core.cli import initialise

        initialise(app.extensions["carematch"], admin_username="root", admin_password=PASSWORD, enable_boards=True)
        _drill(app, tmp_path, figures)
        _wrong_key_changes_nothing(app, tmp_path)
    finally:
        app.extensions["carematch"].engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()
    print(f"\nPostgreSQL drill: {figures}")


# -- encryption, wrong keys, damage ------------------------------------------------------------


def _sqlite_app(tmp_path: Path) -> Any:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "SECRET_KEY": "drill", "WTF_CSRF_ENABLED": False, "AUTO_MIGRATE": True})
    from core.cli import initialise

    initialise(app.extensions["carematch"], admin_username="root", admin_password=PASSWORD, enable_boards=False)
    return app


def _wrong_key_changes_nothing(app: Any, tmp_path: Path) -> None:
    """Back up under key A, change the data, restore with key B: refused, nothing changed."""
    platform = app.extensions["carematch"]
    key_a, key_b = tmp_path / "a.key", tmp_path / "b.key"
    key_a.write_text("a1" * 32)
    key_b.write_text("b2" * 32)
    dump = tmp_path / "keyed" / "k.bak"
    runner = CliRunner()
    result = runner.invoke(backup_module.backup_command, [str(dump), "--key-file", str(key_a)], obj=_context(app))
    assert result.exit_code == 0, result.output
    with platform.session() as s:
        create_user(s, "after_keyed_backup", PASSWORD, role="auditor", region_code="230600")
        s.commit()
    before = _fingerprint(platform.engine)
    wrong = runner.invoke(backup_module.restore_command, [str(dump), "--yes", "--key-file", str(key_b)],
                          obj=_context(app))
    assert wrong.exit_code != 0
    assert "wrong backup key" in wrong.output and "database is unchanged" in wrong.output
    assert _fingerprint(platform.engine) == before
    # the configured key (derived from the data key) is not key A either
    assert runner.invoke(backup_module.restore_command, [str(dump), "--yes"], obj=_context(app)).exit_code != 0
    assert _fingerprint(platform.engine) == before
    right = runner.invoke(backup_module.restore_command, [str(dump), "--yes", "--key-file", str(key_a)],
                          obj=_context(app))
    assert right.exit_code == 0, right.output
    with platform.session() as s:
        assert s.execute(select(User).where(User.username == "after_keyed_backup")).scalar_one_or_none() is None


def test_sqlite_restore_with_a_wrong_key_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    app = _sqlite_app(tmp_path)
    try:
        _wrong_key_changes_nothing(app, tmp_path)
    finally:
        app.extensions["carematch"].engine.dispose()


def test_a_damaged_or_truncated_encrypted_backup_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    app = _sqlite_app(tmp_path)
    platform = app.extensions["carematch"]
    try:
        dump = tmp_path / "d.bak"
        assert CliRunner().invoke(backup_module.backup_command, [str(dump)], obj=_context(app)).exit_code == 0
        good = dump.read_bytes()
        before = _fingerprint(platform.engine)
        damaged = bytearray(good)
        damaged[backup_module.HEADER_BYTES + 100] ^= 0x01
        for variant, expected in ((bytes(damaged), "damaged or altered"),
                                  (good[:-1000], "damaged or altered"),
                                  (good[:backup_module.HEADER_BYTES - 1], "not an encrypted")):
            dump.write_bytes(variant)
            with pytest.raises(backup_module.BackupError, match=expected):
                backup_module.restore(platform.engine, dump)
            assert _fingerprint(platform.engine) == before
    finally:
        platform.engine.dispose()


@pytest.mark.parametrize("size", [0, 1, backup_module.CHUNK, 2 * backup_module.CHUNK, 2 * backup_module.CHUNK + 12345])
def test_the_chunked_stream_round_trips_and_refuses_cut_or_reordered_chunks(size: int) -> None:
    import io

    plain = os.urandom(size)
    key = bytes(range(32))
    sealed = io.BytesIO()
    backup_module.encrypt_stream(io.BytesIO(plain), sealed, key)
    data = sealed.getvalue()
    chunks = max(1, -(-size // backup_module.CHUNK))
    assert len(data) == backup_module.HEADER_BYTES + size + chunks * backup_module.TAG

    def opened(blob: bytes) -> bytes:
        path = Path(f"/tmp/carematch-stream-{os.getpid()}-{uuid.uuid4().hex}")
        try:
            path.write_bytes(blob)
            out = io.BytesIO()
            backup_module.decrypt_file(path, out, key)
            return out.getvalue()
        finally:
            path.unlink()

    assert opened(data) == plain
    if chunks >= 2:
        step = backup_module.CHUNK + backup_module.TAG
        body = data[backup_module.HEADER_BYTES:]
        cut = data[:backup_module.HEADER_BYTES] + body[:step]  # the last chunk(s) dropped at a boundary
        with pytest.raises(backup_module.BackupError, match="damaged"):
            opened(cut)
        swapped = data[:backup_module.HEADER_BYTES] + body[step:2 * step] + body[:step] + body[2 * step:]
        with pytest.raises(backup_module.BackupError, match="damaged"):
            opened(swapped)


# -- retention ---------------------------------------------------------------------------------


def test_keep_prunes_the_oldest_backups_and_never_the_one_just_written(tmp_path: Path) -> None:
    app = _sqlite_app(tmp_path)
    folder = tmp_path / "instance" / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    old = [folder / f"carematch-2026010{d}-020000.sqlite3.enc" for d in range(1, 6)]
    for path in old:
        path.write_bytes(b"old")
    unrelated = [folder / "notes.txt", folder / "carematch-manual.dump", folder / "carematch-20260101-020000.sqlite3.partial"]
    for path in unrelated:
        path.write_bytes(b"keep me")
    try:
        result = CliRunner().invoke(backup_module.backup_command, ["--keep", "3"], obj=_context(app))
        assert result.exit_code == 0, result.output
        names = sorted(p.name for p in folder.iterdir() if backup_module.BACKUP_NAME.match(p.name))
        assert len(names) == 3 and names[:2] == [old[3].name, old[4].name]  # the two newest old ones
        assert names[2].startswith("carematch-2") and names[2].endswith(".sqlite3.enc")  # the new one
        assert all(p.exists() for p in unrelated)
        assert result.output.count("old backup deleted") == 3

        # a backup written under a name that sorts first is still never deleted, even at --keep 1
        stale_name = folder / "carematch-20000101-000000.sqlite3.enc"
        result = CliRunner().invoke(backup_module.backup_command, [str(stale_name), "--keep", "1"], obj=_context(app))
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in folder.iterdir() if backup_module.BACKUP_NAME.match(p.name)) == [stale_name.name]
        assert backup_module.restore(app.extensions["carematch"].engine, stale_name).encrypted

        # a folder as DESTINATION: a stamped name inside it, and that folder's own retention
        result = CliRunner().invoke(backup_module.backup_command, [str(folder), "--keep", "2"], obj=_context(app))
        assert result.exit_code == 0, result.output
        names = sorted(p.name for p in folder.iterdir() if backup_module.BACKUP_NAME.match(p.name))
        assert len(names) == 2 and names[0] == stale_name.name and names[1] > "carematch-2026"

        assert CliRunner().invoke(backup_module.backup_command, ["--keep", "0"], obj=_context(app)).exit_code != 0
    finally:
        app.extensions["carematch"].engine.dispose()


def test_no_encrypt_writes_a_plain_backup_that_restores(tmp_path: Path) -> None:
    app = _sqlite_app(tmp_path)
    try:
        dump = tmp_path / "plain.sqlite3"
        result = CliRunner().invoke(backup_module.backup_command, [str(dump), "--no-encrypt"], obj=_context(app))
        assert result.exit_code == 0 and "NOT encrypted" in result.output
        assert dump.read_bytes().startswith(b"SQLite format 3") and (dump.stat().st_mode & 0o777) == 0o600
        result = CliRunner().invoke(backup_module.restore_command, [str(dump), "--yes"], obj=_context(app))
        assert result.exit_code == 0, result.output
    finally:
        app.extensions["carematch"].engine.dispose()
