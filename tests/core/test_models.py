"""Model invariants: exact money and standards, append-only ledger and audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.models import AppendOnlyError, AuditEvent, Household, LedgerEntry, Standard


def test_a_standard_keeps_its_exact_decimal(session) -> None:  # type: ignore[no-untyped-def]
    session.add(Standard(key="test.ratio", region_code="230600", area="all", value=Decimal("1.5"), unit="ratio",
                         effective_from=dt.date(2026, 1, 1)))
    session.commit()
    session.expire_all()
    stored = session.execute(select(Standard).where(Standard.key == "test.ratio")).scalar_one()
    assert stored.value == Decimal("1.5") and isinstance(stored.value, Decimal)


def test_a_float_is_refused_as_a_standard_value(session) -> None:  # type: ignore[no-untyped-def]
    session.add(Standard(key="test.float", region_code="230600", area="all", value=0.1, unit="x",
                         effective_from=dt.date(2026, 1, 1)))
    with pytest.raises(Exception, match="float"):
        session.flush()


def test_ledger_entries_cannot_be_edited_or_deleted(session) -> None:  # type: ignore[no-untyped-def]
    entry = LedgerEntry(kind="decision", summary="纳入低保", amount_fen=123000)
    session.add(entry)
    session.commit()
    entry.summary = "changed"
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    session.delete(session.get(LedgerEntry, entry.id))
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    # a correction is a new entry that names the old one
    session.add(LedgerEntry(kind="correction", summary="金额更正", amount_fen=120000, corrects_id=entry.id))
    session.commit()
    assert session.get(LedgerEntry, entry.id).summary == "纳入低保"


def test_audit_events_cannot_be_deleted(session) -> None:  # type: ignore[no-untyped-def]
    event = AuditEvent(action="read_person", object_type="person", object_id="1")
    session.add(event)
    session.commit()
    session.delete(event)
    with pytest.raises(AppendOnlyError):
        session.flush()


def test_concurrent_household_edits_are_detected(app) -> None:  # type: ignore[no-untyped-def]
    platform = app.extensions["carematch"]
    with platform.session() as s:
        household = Household(region_code="230602", area_type="urban", address="测试路1号")
        s.add(household)
        s.commit()
        hid = household.id
    first, second = platform.session(), platform.session()
    a, b = first.get(Household, hid), second.get(Household, hid)
    a.address = "A"
    b.address = "B"
    first.commit()
    from sqlalchemy.orm.exc import StaleDataError

    with pytest.raises(StaleDataError):
        second.commit()
    first.close()
    second.close()
