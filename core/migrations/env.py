"""Alembic environment shared by core and every board (aesthetics R13).

Core's revisions live in ``core/migrations/versions``; each board ships its own
``plugins/<board>/migrations/versions`` with ``branch_labels = ("<board>",)`` and
``depends_on`` a core revision, so ``upgrade heads`` migrates core first and then
every installed board. ``render_as_batch`` makes the same scripts work on SQLite
(move-and-copy) and PostgreSQL (plain ALTER).
"""

from __future__ import annotations

import importlib

from alembic import context
from sqlalchemy import engine_from_config, pool

from core.db import Base

config = context.config
for module in ["core.models", *config.attributes.get("model_modules", [])]:
    importlib.import_module(module)
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = engine_from_config(
            config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.", poolclass=pool.NullPool
        )
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
