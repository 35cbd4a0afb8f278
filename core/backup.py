"""``carematch backup`` and ``carematch restore``: a consistent copy of the whole database.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a live database page by
page under SQLite's own locking, so a backup taken while the web processes write is still a
consistent snapshot; restore copies the file back the same way (other connections wait) after
``PRAGMA integrity_check`` of the backup. PostgreSQL: ``pg_dump -Fc`` (custom format,
compressed, one consistent snapshot) and ``pg_restore --clean --if-exists``; the password is
passed in ``PGPASSWORD``, never on the command line.

A backup holds every personal record: it is written with mode 0600; keep it encrypted at rest
and off the database host (SECURITY.md).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import click
from sqlalchemy.engine import URL, Engine, make_url


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    seconds: float
    size: int


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def backup(engine: Engine, destination: Path) -> Outcome:
    """Write a backup of the database behind ``engine`` to ``destination``."""
    url = engine.url
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    started = time.perf_counter()
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(str(_sqlite_path(url)))
        target = sqlite3.connect(str(partial))
        try:
            with target:
                source.backup(target, pages=1024)  # in steps, so writers are not held for long
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        result = subprocess.run([_tool("pg_dump"), "--format=custom", "--file", str(partial), *args,
                                 "--dbname", url.database or "postgres"], env=env, capture_output=True, text=True)
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"no backup method for {url.get_backend_name()}")
    partial.chmod(0o600)
    partial.replace(destination)  # a half-written file never carries the final name
    return Outcome(destination, time.perf_counter() - started, destination.stat().st_size)


def restore(engine: Engine, source: Path) -> Outcome:
    """Replace the database behind ``engine`` with the backup in ``source``."""
    url = engine.url
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    started = time.perf_counter()
    engine.dispose()  # our own pooled connections must not hold the old database open
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            try:
                check = backup_db.execute("PRAGMA integrity_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"{source} is not a SQLite backup: {exc}") from exc
            if check != "ok":
                raise BackupError(f"the backup fails SQLite's integrity check: {check}")
            target_path = _sqlite_path(url)
            target_path.parent.mkdir(parents=True, exist_ok=True)
            target = sqlite3.connect(str(target_path), timeout=30)
            try:
                with target:
                    backup_db.backup(target)
            finally:
                target.close()
        finally:
            backup_db.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                                 *args, "--dbname", url.database or "postgres", str(source)],
                                env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"no restore method for {url.get_backend_name()}")
    return Outcome(source, time.perf_counter() - started, source.stat().st_size)


def default_name(engine: Engine, folder: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if engine.url.get_backend_name() == "sqlite" else "dump"
    return folder / f"carematch-{stamp}.{suffix}"


def _platform():  # type: ignore[no-untyped-def]
    from core.cli import Context

    return click.get_current_context().ensure_object(Context).platform


@click.command("backup")
@click.argument("destination", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(destination: Path | None) -> None:
    """Back up the whole database to DESTINATION (default: instance/backups/carematch-<time>.*)."""
    platform = _platform()
    if destination is None:
        from core.cli import Context

        app = click.get_current_context().ensure_object(Context).app
        destination = default_name(platform.engine, Path(app.instance_path) / "backups")
    try:
        outcome = backup(platform.engine, destination)
    except BackupError as exc:
        raise click.ClickException(f"备份失败 (backup failed): {exc}") from exc
    click.echo(f"备份完成 (backup written): {outcome.path}  {outcome.size:,} bytes in {outcome.seconds:.2f} s")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the whole database with the backup in SOURCE (stop the web processes first)."""
    platform = _platform()
    where = platform.engine.url.render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"用备份替换整个数据库 {where}? (replace the whole database with {source}?)", abort=True)
    try:
        outcome = restore(platform.engine, source)
    except BackupError as exc:
        raise click.ClickException(f"恢复失败 (restore failed): {exc}") from exc
    click.echo(f"恢复完成 (restored) {where} from {source} in {outcome.seconds:.2f} s")
    if platform.needs_migration():
        click.echo("数据库需要迁移, 请运行 `carematch db upgrade` (the restored database is older than the code: "
                   "run `carematch db upgrade`)")
    else:
        click.echo("迁移已是最新 (migrations at head)")
