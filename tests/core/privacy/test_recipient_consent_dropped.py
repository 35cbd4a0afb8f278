"""The old ``recipient_consent`` table is gone (migration 0016): the ``consent`` table is the one
source of truth. Rows left in the old table are carried over once, never twice; the downgrade
recreates the table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import inspect, select, text

from core import migrate
from core.db import Base, make_engine, make_session_factory
from core.plugins import BoardHost, get_plugin_manager
from core.privacy import consent as C
from core.privacy.models import Consent
from helpers import household

ROOT = Path(__file__).resolve().parents[3]


def test_nothing_reads_or_maps_the_old_table() -> None:
    assert "recipient_consent" not in Base.metadata.tables
    readers = [path for folder in ("core", "plugins") for path in (ROOT / folder).rglob("*.py")
               if "migrations" not in path.parts and "FROM recipient_consent" in path.read_text(encoding="utf-8")]
    assert readers == []


def test_migration_0016_carries_left_over_rows_once_and_its_downgrade_recreates_the_table(database_url: str) -> None:
    boards = BoardHost(get_plugin_manager())
    boards.import_models()
    engine = make_engine(database_url)
    try:
        assert "recipient_consent" not in inspect(engine).get_table_names()
        migrate.downgrade(engine, boards, "0004_volunteering")  # only 0016 is undone
        assert "recipient_consent" in inspect(engine).get_table_names()
        day = dt.date(2026, 3, 2)
        with make_session_factory(engine)() as session:
            _h, carried = household(session, born=dt.date(2016, 5, 1), name="旧表儿童")
            _h, already = household(session, born=dt.date(2017, 5, 1), name="已迁儿童")
            C.give(session, None, already, "share_with_volunteers", given_on=day, given_by="guardian",
                   guardian_name="李母")
            session.commit()
            carried_id, already_id = carried.id, already.id
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO recipient_consent (person_id, guardian_name, given_on) VALUES"
                              " (:a, '王父', :d), (:b, '李母', :d)"), {"a": carried_id, "b": already_id, "d": day})
        migrate.upgrade(engine, boards)
        assert "recipient_consent" not in inspect(engine).get_table_names()
        assert not migrate.pending(engine, boards)
        with make_session_factory(engine)() as session:
            rows = session.execute(select(Consent.person_id, Consent.guardian_name, Consent.given_by).where(
                Consent.person_id.in_([carried_id, already_id]), Consent.kind == "share_with_volunteers")).all()
            assert sorted(rows) == sorted([(carried_id, "王父", "guardian"), (already_id, "李母", "guardian")])
            assert C.shares_with_volunteers(session, carried_id, day)
    finally:
        engine.dispose()
