"""``carematch backup`` and ``carematch restore``: a consistent copy of the whole database.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a live database page by
page under SQLite's own locking, so a backup taken while the web processes write is still a
consistent snapshot; restore copies the file back the same way (other connections wait) after
``PRAGMA integrity_check`` of the backup. PostgreSQL: ``pg_dump -Fc`` (custom format,
compressed, one consistent snapshot) and ``pg_restore --clean --if-exists``; the password is
passed in ``PGPASSWORD``, never on the command line.

A backup holds every personal record. It is written with mode 0600 and, by default,
encrypted (:class:`BackupCipher`): AES-256-GCM in 1 MiB chunks (the STREAM construction: a
per-file key from HKDF over a random salt, the chunk's number and a last-chunk flag in the
nonce, the header as associated data), so a truncated, reordered or altered file is refused
and a large dump never has to fit in memory. The backup key is ``CAREMATCH_BACKUP_KEY`` (64
hex characters), else the file ``CAREMATCH_BACKUP_KEY_FILE``, else one derived from the data
key (core.privacy.crypto, HKDF label ``carematch/backup/v1``), so an installation that keeps
its data key safe can read its backups with nothing more; a separate backup key lets the
backups travel to a store whose operators never hold the data key. The header carries a key
check, so a wrong key is told apart from a damaged file, and a restore decrypts and verifies
the whole file before it touches the database. Retention (``--keep N``) prunes the oldest
backups of the folder by their name stamp, never the one just written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

import click
from sqlalchemy.engine import URL, Engine, make_url


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    seconds: float
    size: int
    encrypted: bool = False
    pruned: tuple[Path, ...] = ()


# -- encryption ------------------------------------------------------------------------------

MAGIC = b"CAREMATCH-BACKUP-1\n"
SALT_BYTES = 16
CHECK_BYTES = 16
HEADER_BYTES = len(MAGIC) + SALT_BYTES + CHECK_BYTES
CHUNK = 1 << 20  # plaintext bytes per sealed chunk
TAG = 16
ENCRYPTED_SUFFIX = ".enc"


def backup_key_source() -> str:
    """Where the backup key comes from (for messages; never the key)."""
    if os.environ.get("CAREMATCH_BACKUP_KEY"):
        return "CAREMATCH_BACKUP_KEY"
    if os.environ.get("CAREMATCH_BACKUP_KEY_FILE"):
        return f"the backup key file {os.environ['CAREMATCH_BACKUP_KEY_FILE']}"
    from core.privacy import crypto

    return f"the data key ({crypto.key_source()})"


def backup_key(key_file: Path | None = None) -> bytes:
    """The 32-byte backup key: ``key_file``, else the environment, else derived from the data key."""
    text = None
    if key_file is not None:
        text = Path(key_file).read_text().strip()
    elif os.environ.get("CAREMATCH_BACKUP_KEY"):
        text = os.environ["CAREMATCH_BACKUP_KEY"]
    elif os.environ.get("CAREMATCH_BACKUP_KEY_FILE"):
        text = Path(os.environ["CAREMATCH_BACKUP_KEY_FILE"]).read_text().strip()
    from core.privacy import crypto

    if text is None:
        return _hkdf(crypto.master_key(), None, b"carematch/backup/v1")
    return crypto.key_from_hex(text, "the backup key", BackupError)


def _hkdf(key: bytes, salt: bytes | None, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def _nonce(counter: int, last: bool) -> bytes:
    # 11-byte chunk number and a last-chunk flag: a chunk cannot move, and a file cut at a
    # chunk boundary lacks its flagged last chunk
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class BackupCipher:
    """One file's AES-256-GCM stream: ``header`` then sealed chunks of ``CHUNK`` bytes (+ tag)."""

    def __init__(self, key: bytes, salt: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        file_key = _hkdf(key, salt, b"carematch/backup/file/v1")
        self.check = hmac.new(file_key, b"carematch backup key check", hashlib.sha256).digest()[:CHECK_BYTES]
        self.header = MAGIC + salt + self.check
        self._aead = AESGCM(file_key)

    def seal(self, counter: int, chunk: bytes, last: bool) -> bytes:
        return self._aead.encrypt(_nonce(counter, last), chunk, self.header)

    def open(self, counter: int, sealed: bytes, last: bool) -> bytes:
        from cryptography.exceptions import InvalidTag

        try:
            return self._aead.decrypt(_nonce(counter, last), sealed, self.header)
        except InvalidTag:
            raise BackupError(f"the encrypted backup is damaged or altered at chunk {counter} "
                              "(the key is right; the file is not)") from None


def _read_full(stream: BinaryIO, size: int) -> bytes:
    parts, missing = [], size
    while missing:
        part = stream.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def encrypt_stream(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    """Seal everything ``source`` yields into ``target`` (one chunk ahead, to flag the last)."""
    cipher = BackupCipher(key, secrets.token_bytes(SALT_BYTES))
    target.write(cipher.header)
    counter, chunk = 0, _read_full(source, CHUNK)
    while True:
        following = _read_full(source, CHUNK) if len(chunk) == CHUNK else b""
        last = not following
        target.write(cipher.seal(counter, chunk, last))
        if last:
            return
        counter, chunk = counter + 1, following


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def decrypt_file(source: Path, target: BinaryIO, key: bytes) -> None:
    """Open an encrypted backup into ``target``; refuses a wrong key before writing a byte."""
    with open(source, "rb") as handle:
        header = _read_full(handle, HEADER_BYTES)
        if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
            raise BackupError(f"{source} is not an encrypted CareMatch backup")
        cipher = BackupCipher(key, header[len(MAGIC):len(MAGIC) + SALT_BYTES])
        if not hmac.compare_digest(cipher.check, header[len(MAGIC) + SALT_BYTES:]):
            raise BackupError(f"wrong backup key: {source} was encrypted with another key than "
                              f"{backup_key_source()}; nothing was restored")
        counter, sealed = 0, _read_full(handle, CHUNK + TAG)
        while True:
            following = _read_full(handle, CHUNK + TAG) if len(sealed) == CHUNK + TAG else b""
            target.write(cipher.open(counter, sealed, last=not following))
            if not following:
                return
            counter, sealed = counter + 1, following


def _private_file(path: Path) -> BinaryIO:
    """A new file only its owner can read, from the first byte (no chmod window)."""
    path.unlink(missing_ok=True)
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


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


def _dump(engine: Engine, target: BinaryIO, scratch: Path, key: bytes | None) -> None:
    """Write the database behind ``engine`` into the open private file ``target``, sealed
    with ``key`` when given (``scratch``: a path SQLite's copy may use for a moment)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        # the backup API writes a database file, not a stream: a private scratch copy next
        # to the target (same disk, mode 0600), sealed and removed at once when encrypting
        _private_file(scratch).close()
        try:
            source = sqlite3.connect(str(_sqlite_path(url)))
            copy = sqlite3.connect(str(scratch))
            try:
                with copy:
                    source.backup(copy, pages=1024)  # in steps, so writers are not held for long
            finally:
                copy.close()
                source.close()
            with open(scratch, "rb") as plain:
                if key is None:
                    shutil.copyfileobj(plain, target, CHUNK)
                else:
                    encrypt_stream(plain, target, key)
        finally:
            scratch.unlink(missing_ok=True)
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        with tempfile.TemporaryFile() as errors:
            # pg_dump streams to us: the plain dump never touches the disk when encrypting
            dump = subprocess.Popen([_tool("pg_dump"), "--format=custom", *args, "--dbname", url.database or "postgres"],
                                    env=env, stdout=subprocess.PIPE, stderr=errors)
            assert dump.stdout is not None
            try:
                if key is None:
                    shutil.copyfileobj(dump.stdout, target, CHUNK)
                else:
                    encrypt_stream(dump.stdout, target, key)
            finally:
                dump.stdout.close()
                code = dump.wait()
            if code != 0:
                errors.seek(0)
                raise BackupError(f"pg_dump failed: {errors.read().decode(errors='replace').strip()}")
    else:
        raise BackupError(f"no backup method for {url.get_backend_name()}")


def backup(engine: Engine, destination: Path, *, key: bytes | None = None, keep: int | None = None) -> Outcome:
    """Write a backup of the database behind ``engine`` to ``destination``.

    ``key``: seal it (see the module's docstring); ``keep``: then keep only the ``keep``
    newest backups of ``destination``'s folder (:func:`prune`).
    """
    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1: the backup just written is always kept")
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    started = time.perf_counter()
    try:
        with _private_file(partial) as target:
            _dump(engine, target, destination.with_name(destination.name + ".sqlite-partial"), key)
            target.flush()
            os.fsync(target.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(destination)  # a half-written file never carries the final name
    seconds = time.perf_counter() - started
    pruned = tuple(prune(destination.parent, keep, destination)) if keep is not None else ()
    return Outcome(destination, seconds, destination.stat().st_size, encrypted=key is not None, pruned=pruned)


# carematch-YYYYmmdd-HHMMSS[-ffffff].sqlite3|dump[.enc]: the only files retention may delete
BACKUP_NAME = re.compile(r"^carematch-(\d{8}-\d{6}(?:-\d{6})?)\.(?:sqlite3|dump)(?:\.enc)?$")


def prune(folder: Path, keep: int, written: Path | None = None) -> list[Path]:
    """Delete all but the ``keep`` newest backups in ``folder`` (by the stamp in their names).

    Only files named like :func:`default_name`'s are considered, so nothing else in the
    folder is ever deleted, and ``written`` (the backup just made) always stays and counts
    as one of the ``keep``.
    """
    if keep < 1:
        raise BackupError("--keep must be at least 1: the backup just written is always kept")
    written_resolved = written.resolve() if written is not None else None
    others = [(m.group(1), path) for path in Path(folder).iterdir()
              if path.is_file() and (m := BACKUP_NAME.match(path.name)) and path.resolve() != written_resolved]
    others.sort(reverse=True)  # the stamp sorts in time order
    room = keep - 1 if written_resolved is not None else keep
    removed = []
    for _stamp, path in others[room:]:
        path.unlink()
        removed.append(path)
    return removed


def restore(engine: Engine, source: Path, *, key: bytes | None = None) -> Outcome:
    """Replace the database behind ``engine`` with the backup in ``source``.

    An encrypted backup is opened and verified in full (into a private temporary file)
    before the database is touched: a wrong key or a damaged file changes nothing.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    started = time.perf_counter()
    if not is_encrypted(source):
        _restore_plain(engine, source)
        return Outcome(source, time.perf_counter() - started, source.stat().st_size)
    with tempfile.TemporaryDirectory(prefix="carematch-restore-") as folder:  # mode 0700
        plain = Path(folder) / "backup"
        with _private_file(plain) as target:
            decrypt_file(source, target, key if key is not None else backup_key())
        _restore_plain(engine, plain, shown_as=source)
    return Outcome(source, time.perf_counter() - started, source.stat().st_size, encrypted=True)


def _restore_plain(engine: Engine, source: Path, shown_as: Path | None = None) -> None:
    url = engine.url
    shown = shown_as or source
    engine.dispose()  # our own pooled connections must not hold the old database open
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            try:
                check = backup_db.execute("PRAGMA integrity_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"{shown} is not a SQLite backup: {exc}") from exc
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


def default_name(engine: Engine, folder: Path, *, encrypted: bool = False) -> Path:
    now = dt.datetime.now()
    suffix = ("sqlite3" if engine.url.get_backend_name() == "sqlite" else "dump") + (ENCRYPTED_SUFFIX if encrypted else "")
    path = folder / f"carematch-{now:%Y%m%d-%H%M%S}.{suffix}"
    if path.exists():  # two backups in one second: the microseconds keep them apart (and in order)
        path = folder / f"carematch-{now:%Y%m%d-%H%M%S-%f}.{suffix}"
    return path


def _cli_context():  # type: ignore[no-untyped-def]
    """The carematch command's context: its platform and Flask app."""
    from core.cli import Context

    return click.get_current_context().ensure_object(Context)


def _key_or_fail(key_file: Path | None) -> bytes:
    try:
        return backup_key(key_file)
    except (BackupError, OSError) as exc:
        raise click.ClickException(f"备份密钥不可用 (the backup key cannot be read): {exc}") from exc


@click.command("backup")
@click.argument("destination", required=False, type=click.Path(path_type=Path))
@click.option("--encrypt/--no-encrypt", default=True, show_default=True,
              help="Seal the backup with the backup key (CAREMATCH_BACKUP_KEY, CAREMATCH_BACKUP_KEY_FILE, "
                   "else derived from the data key).")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file holding the backup key (64 hex characters) instead of the configured one.")
@click.option("--keep", type=click.IntRange(min=1), envvar="CAREMATCH_BACKUP_KEEP",
              help="Then keep only the KEEP newest carematch-*.sqlite3|dump[.enc] files of the folder "
                   "(never the one just written). Default: keep all.")
def backup_command(destination: Path | None, encrypt: bool, key_file: Path | None, keep: int | None) -> None:
    """Back up the whole database to DESTINATION, a file or an existing folder (default:
    instance/backups); in a folder the file is named carematch-<time>.sqlite3|dump[.enc]."""
    context = _cli_context()
    platform = context.platform
    key = _key_or_fail(key_file) if encrypt else None
    if destination is None:
        destination = default_name(platform.engine, Path(context.app.instance_path) / "backups", encrypted=encrypt)
    elif destination.is_dir():  # e.g. /backups/daily with its own --keep: tiers by folder
        destination = default_name(platform.engine, destination, encrypted=encrypt)
    try:
        outcome = backup(platform.engine, destination, key=key, keep=keep)
    except BackupError as exc:
        raise click.ClickException(f"备份失败 (backup failed): {exc}") from exc
    sealed = "已加密 (encrypted)" if outcome.encrypted else "未加密 (NOT encrypted)"
    click.echo(f"备份完成 (backup written): {outcome.path}  {outcome.size:,} bytes in {outcome.seconds:.2f} s, {sealed}")
    for path in outcome.pruned:
        click.echo(f"已删除旧备份 (old backup deleted): {path}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file holding the key the backup was encrypted with, instead of the configured one.")
def restore_command(source: Path, yes: bool, key_file: Path | None) -> None:
    """Replace the whole database with the backup in SOURCE (stop the web processes first).

    An encrypted backup is opened and checked in full first: with a wrong key or a damaged
    file the database is left as it was."""
    context = _cli_context()
    platform = context.platform
    where = platform.engine.url.render_as_string(hide_password=True)
    key = _key_or_fail(key_file) if is_encrypted(source) else None
    if not yes:
        click.confirm(f"用备份替换整个数据库 {where}? (replace the whole database with {source}?)", abort=True)
    try:
        outcome = restore(platform.engine, source, key=key)
    except BackupError as exc:
        raise click.ClickException(f"恢复失败, 数据库未改动 (restore failed, the database is unchanged): {exc}") from exc
    click.echo(f"恢复完成 (restored) {where} from {source} in {outcome.seconds:.2f} s")
    if platform.needs_migration():
        click.echo("数据库需要迁移, 请运行 `carematch db upgrade` (the restored database is older than the code: "
                   "run `carematch db upgrade`)")
        return
    click.echo("迁移已是最新 (migrations at head)")
    # PIPL Art. 47: uploads deleted since the backup was made come back with it; the
    # retention period they passed is applied again now, not at the next night's run.
    from core.excel.retention import purge_expired_uploads
    from core.scheduler.clock import clock_of

    clock = clock_of(context.app.config)
    with platform.session() as session:
        purged, days = purge_expired_uploads(session, clock.now(), clock.today())
        session.commit()
    click.echo(f"已按 {days} 天保留期限删除上传文件 {len(purged)} 个 (uploaded workbooks past the {days}-day "
               f"retention deleted again: {len(purged)})")
