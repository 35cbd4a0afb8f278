"""The volunteer's "my assignments" page reads a fixed number of SQL statements whatever
the number of assignments (no N+1: a card used to cost about ten queries), and the batched
cards are the same as the one-card path's, field for field (the privacy whitelist and the
withheld rule do not depend on how the cards were read)."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any, Iterator

import pytest
from sqlalchemy import event, select
from volunteering_builders import TODAY, assign, mount, recipient, volunteer

from core.models import Assignment, Region, User
from core.volunteering import services as S
from core.volunteering.models import Visit

# login session, volunteer, assignments with need/person/household, consents, last
# visits, coordinators, regions, the audit row, service hours, enabled boards, the
# warning count: 11 today; 12 leaves one statement of slack, never one per card.
MAX_STATEMENTS = 12


@pytest.fixture(autouse=True)
def _mounted(app):  # type: ignore[no-untyped-def]
    mount(app)


@contextmanager
def counting(engine: Any) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _five(session) -> tuple[Any, list[Assignment]]:  # type: ignore[no-untyped-def]
    v = volunteer(session, checked_on=TODAY)
    names = ("王秀兰", "刘桂芝", "张淑珍", "陈玉梅", "杨凤英")
    made = []
    for i, name in enumerate(names):
        state = "accepted" if i % 2 else "proposed"
        made.append(assign(session, recipient(session, name=name), v, state=state,
                           started_on=TODAY - dt.timedelta(days=40) if state == "accepted" else None))
    # a child without a guardian's consent: withheld
    child = recipient(session, name="赵小宝", birth=dt.date(2016, 1, 1), category="left_behind_child",
                      needs_check=True)
    made.append(assign(session, child, v, state="accepted", started_on=TODAY))
    for a, days in ((made[1], 3), (made[1], 10), (made[3], 50)):
        session.add(Visit(assignment_id=a.id, volunteer_id=v.id, person_id=a.need.person_id,
                          visited_on=TODAY - dt.timedelta(days=days), mode="home", minutes=60,
                          person_state="well", record_due_on=TODAY))
    coordinator = session.execute(select(User).where(User.role == "coordinator")).scalars().first()
    if coordinator is not None:
        coordinator.board = "womens_federation"
    session.commit()
    return v, made


def test_my_assignments_page_reads_a_bounded_number_of_statements(app, client, login, session) -> None:  # type: ignore[no-untyped-def]
    _five(session)
    login("vol")
    assert len(client.get("/api/my/assignments").get_json()["assignments"]) == 6
    engine = app.extensions["carematch"].engine
    for url in ("/my/assignments", "/api/my/assignments"):
        with counting(engine) as statements:
            assert client.get(url).status_code == 200
        queries = [s for s in statements if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))]
        assert len(queries) <= MAX_STATEMENTS, f"{url}: {len(queries)} statements\n" + "\n---\n".join(queries)
        # (the API limiter counts calls in its own table and transaction)
        inserts = [s for s in queries if s.lstrip().upper().startswith("INSERT") and "rate_counter" not in s]
        assert len(inserts) == 1 and "audit_event" in inserts[0]  # the read is logged, once


def test_batched_cards_equal_the_single_card_path(session) -> None:  # type: ignore[no-untyped-def]
    v, made = _five(session)
    batched = {c.id: c for c in S.my_assignments(session, v.user_id, TODAY)}
    assert set(batched) == {a.id for a in made}
    for a in made:
        session.expire_all()
        single = S.assignment_card(session, session.get(Assignment, a.id), TODAY)
        assert single == batched[a.id]
        # and the same as the one-at-a-time helpers the card is built from
        assert single.last_visit_on == (S.last_visit(session, a.id).visited_on if S.last_visit(session, a.id) else None)
    child = batched[made[-1].id]
    assert child.withheld and child.name == "" and child.area == "" and child.address is None
    shown = batched[made[1].id]
    assert not shown.withheld and shown.area == S.approximate_area(session, made[1].need.person.household.region_code)
    assert shown.last_visit_on == TODAY - dt.timedelta(days=3) and shown.address
    assert session.get(Region, "230602") is not None
