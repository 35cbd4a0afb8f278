"""Schema migrations: Alembic is the only way the schema is made outside tests.

``upgrade`` runs core's revisions and then every installed board's (their data stays
when a board is disabled, so their schema must too).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

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


def upgrade(engine: Engine, boards: BoardHost | None = None, revision: str = "heads") -> None:
    cfg = alembic_config(engine, boards)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, boards: BoardHost | None = None, revision: str = "base") -> None:
    cfg = alembic_config(engine, boards)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def pending(engine: Engine, boards: BoardHost | None = None) -> bool:
    """True when the database is not at every head (a fresh file, or code newer than the schema)."""
    cfg = alembic_config(engine, boards)
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current != heads
