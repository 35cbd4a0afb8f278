"""Concurrent payments from one fund: never an overdraft, and sum(entries) == balance after.

Runs on the suite's database (SQLite: writers serialised by the write lock taken first);
the PostgreSQL test proves the row lock (SELECT … FOR UPDATE) when the suite runs there.
"""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select

from core.funds import services as fs
from core.funds.models import Fund, FundEntry
from core.models import User
from funds_builders import fund, household

TEMP = "civil_affairs.temporary_assistance"


def _pay_concurrently(app, fund_id: int, household_id: int, threads: int, amount_fen: int):  # type: ignore[no-untyped-def]
    platform = app.extensions["carematch"]
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        with platform.session() as session:
            user = session.execute(select(User).where(User.username == "civil")).scalar_one()
            barrier.wait(timeout=60)
            try:
                fs.pay_from_fund(session, user, fund_id, amount_fen, TEMP, household_id=household_id)
                session.commit()
                result = "paid"
            except fs.FundError as exc:
                session.rollback()
                result = "refused" if "not enough" in exc.en else f"error: {exc}"
            except Exception as exc:  # noqa: BLE001 - reported in the assertion below
                session.rollback()
                result = f"error: {exc!r}"
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(60)
    return outcomes


def _check(session, fund_id: int, outcomes: list[str], paid: int, refused: int, balance: int) -> None:  # type: ignore[no-untyped-def]
    assert sorted(outcomes) == ["paid"] * paid + ["refused"] * refused, outcomes
    session.expire_all()
    row = session.get(Fund, fund_id)
    assert row.balance_fen == balance == fs.entries_sum(session, fund_id)
    entries = session.scalars(select(FundEntry).where(FundEntry.fund_id == fund_id).order_by(FundEntry.id)).all()
    assert all(e.balance_after_fen >= 0 for e in entries)
    assert fs.check_balances(session) == []


def test_concurrent_payments_never_overdraw(app, session) -> None:  # type: ignore[no-untyped-def]
    home = household(session)
    f = fund(session, balance_fen=1_000, purposes=[TEMP])
    outcomes = _pay_concurrently(app, f.id, home.id, threads=6, amount_fen=300)
    _check(session, f.id, outcomes, paid=3, refused=3, balance=100)


def test_concurrent_payments_on_postgresql_use_the_row_lock(app, session) -> None:  # type: ignore[no-untyped-def]
    if not os.environ.get("CAREMATCH_TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL only: set CAREMATCH_TEST_DATABASE_URL=postgresql+psycopg://… to run it")
    assert app.extensions["carematch"].engine.dialect.name == "postgresql"
    home = household(session)
    f = fund(session, balance_fen=10_000, purposes=[TEMP])
    # ten threads: within the connection pool (5 + 10 overflow), so every one reaches the barrier
    outcomes = _pay_concurrently(app, f.id, home.id, threads=10, amount_fen=1_100)
    _check(session, f.id, outcomes, paid=9, refused=1, balance=100)
