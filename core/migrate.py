"""Schema migrations: Alembic is the only way the schema is made outside tests.

``upgrade`` runs core's revisions and then every installed board's (their data stays
when a board is disabled, so their schema must too).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from core.plugins import BoardHost

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine, boards: BoardHost | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    locations = [str(MIGRATIONS / "versions")]
    if boards is not None:
        locations += [str(d) for b in boards.installed.values() if (d := b.migrations_directory())]
    # os.pathsep keeps paths with spaces intact
    cfg.set_main_option("path_separator", "os")
    import os

    cfg.set_main_option("version_locations", os.pathsep.join(locations))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    cfg.attributes["model_modules"] = boards.model_modules() if boards is not None else []
    return cfg


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction for the run. On SQLite, batch mode rebuilds a table (copy, drop, rename),
    and dropping a table other rows reference fails while foreign keys are enforced; so, as
    SQLite's own ALTER TABLE procedure says, enforcement is off for the run (the pragma only
    takes effect outside a transaction), every reference is checked before the commit, and
    enforcement is back on before the connection returns to the pool."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration left rows with broken references: {broken[:10]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def upgrade(engine: Engine, boards: BoardHost | None = None, revision: str = "heads") -> None:
    cfg = alembic_config(engine, boards)
    with _migrating(engine) as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, boards: BoardHost | None = None, revision: str = "base") -> None:
    cfg = alembic_config(engine, boards)
    with _migrating(engine) as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def pending(engine: Engine, boards: BoardHost | None = None) -> bool:
    """True when the database is not at every head (a fresh file, or code newer than the schema)."""
    cfg = alembic_config(engine, boards)
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current != heads
