"""The working-day calendar: public holidays, make-up working days and dated time limits."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from casework_builders import actor, household, open_case
from core.casework import calendar as cal
from core.casework import services as cw
from core.casework.models import Holiday, TimeLimit

D = dt.date


def test_national_day_2026_pushes_three_working_days_to_the_make_up_saturday(session) -> None:
    working = cal.WorkingCalendar.load(session)
    # Wed 30 Sep + 3 working days: 1–7 Oct are holidays; Thu 8, Fri 9, Sat 10 (调休 make-up day)
    assert working.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert working.is_working_day(D(2026, 9, 20))  # a Sunday worked before the holiday
    assert not working.is_working_day(D(2026, 10, 5))
    assert not working.is_working_day(D(2026, 10, 11))  # an ordinary Sunday


def test_spring_festival_2026_and_its_make_up_saturdays(session) -> None:
    working = cal.WorkingCalendar.load(session)
    assert working.is_working_day(D(2026, 2, 14)) and working.is_working_day(D(2026, 2, 28))
    assert not any(working.is_working_day(D(2026, 2, d)) for d in range(15, 24))
    # Fri 13 Feb + 1 = Sat 14 (make-up); + 2 = Tue 24 Feb, the first day after the holiday
    assert working.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert working.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_2025_national_day_and_mid_autumn_run_eight_days(session) -> None:
    working = cal.WorkingCalendar.load(session)
    assert working.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert working.is_working_day(D(2025, 10, 11)) and working.is_working_day(D(2025, 9, 28))


def test_without_a_calendar_only_weekends_are_skipped() -> None:
    plain = cal.WorkingCalendar()
    assert plain.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 5)
    assert plain.working_days_between(D(2026, 3, 2), D(2026, 3, 9)) == 5
    assert plain.add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)


def test_the_migration_seeds_exactly_the_shipped_calendar_and_time_limits(session) -> None:
    stored = {(h.day, h.kind, h.name) for h in session.execute(select(Holiday)).scalars()}
    shipped = {(r["day"], r["kind"], r["name"]) for r in cal.shipped_calendar_days()}
    assert stored == shipped
    limits = {(t.key, t.amount, t.unit) for t in session.execute(select(TimeLimit)).scalars()}
    assert limits == {(k, n, u) for k, n, u, _ in cal.SHIPPED_LIMITS}
    assert cal.seed_calendar(session) == 0  # idempotent


def test_a_case_received_before_national_day_has_its_investigation_due_after_it(session) -> None:
    case = open_case(session, on=D(2026, 9, 30))
    due = {d.key: d.due_on for d in cw.deadlines(session, case.id)}
    assert due["investigation_start"] == D(2026, 10, 10)  # S2 Art. 15: 3 working days
    working = cal.WorkingCalendar.load(session)
    assert due["review"] == working.add_working_days(D(2026, 9, 30), 30)  # S2 Art. 22: 30 working days
    assert case.review_due_on == due["review"]


def test_an_administrator_moves_a_holiday_and_new_deadlines_follow(session) -> None:
    admin = actor(session, "root")
    cal.set_calendar_day(session, D(2026, 3, 3), "holiday", "地方假日", "test", admin.id)
    session.commit()
    case = open_case(session, on=D(2026, 3, 2))
    due = {d.key: d.due_on for d in cw.deadlines(session, case.id)}
    assert due["investigation_start"] == D(2026, 3, 6)  # Tue 3 is now a holiday: Wed, Thu, Fri
    cal.set_calendar_day(session, D(2026, 3, 3), None, "", "", admin.id)
    assert session.execute(select(Holiday).where(Holiday.day == D(2026, 3, 3))).scalar_one_or_none() is None


def test_a_time_limit_change_is_dated_and_keeps_the_old_row(session) -> None:
    admin = actor(session, "root")
    cal.set_time_limit(session, "investigation_start", 2, "working_days", D(2026, 6, 1), "local rule", admin.id)
    session.commit()
    assert cal.time_limit(session, "investigation_start", D(2026, 5, 29)).amount == 3
    assert cal.time_limit(session, "investigation_start", D(2026, 6, 1)).amount == 2
    early = open_case(session, on=D(2026, 5, 29))  # Fri: old rule, 3 working days (Wed 3 Jun)
    late = open_case(session, on=D(2026, 6, 1), household=household())  # Mon: new rule, Wed 3 Jun
    due = lambda c: {d.key: d.due_on for d in cw.deadlines(session, c.id)}["investigation_start"]  # noqa: E731
    assert due(early) == D(2026, 6, 3)
    assert due(late) == D(2026, 6, 3)
    with pytest.raises(ValueError):
        cal.set_time_limit(session, "investigation_start", 4, "working_days", D(2026, 1, 1), "older", admin.id)


def test_months_are_clamped_to_the_end_of_the_month() -> None:
    assert cal.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert cal.add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)
    assert cal.first_of_next_month(D(2026, 12, 9)) == D(2027, 1, 1)


def test_the_2026_schedule_is_the_published_one_and_migration_0017_says_so(database_url: str) -> None:
    """国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025), day by day; a day an
    administrator re-noted keeps its own note through the migration and back."""
    from sqlalchemy import update

    from core import migrate
    from core.db import make_engine, make_session_factory
    from core.plugins import BoardHost, get_plugin_manager

    published_holidays = {
        *[dt.date(2026, 1, d) for d in (1, 2, 3)],
        *[dt.date(2026, 2, d) for d in range(15, 24)],
        *[dt.date(2026, 4, d) for d in (4, 5, 6)],
        *[dt.date(2026, 5, d) for d in range(1, 6)],
        *[dt.date(2026, 6, d) for d in (19, 20, 21)],
        *[dt.date(2026, 9, d) for d in (25, 26, 27)],
        *[dt.date(2026, 10, d) for d in range(1, 8)],
    }
    published_workdays = {dt.date(2026, 1, 4), dt.date(2026, 2, 14), dt.date(2026, 2, 28), dt.date(2026, 5, 9),
                          dt.date(2026, 9, 20), dt.date(2026, 10, 10)}
    boards = BoardHost(get_plugin_manager())
    boards.import_models()
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    in_2026 = Holiday.day.between(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    try:
        with factory() as session:
            rows = session.execute(select(Holiday.day, Holiday.kind, Holiday.source_note).where(in_2026)).all()
            assert {d for d, kind, _ in rows if kind == "holiday"} == published_holidays
            assert {d for d, kind, _ in rows if kind == "workday"} == published_workdays
            assert {note for _, _, note in rows} == {cal.HOLIDAY_SOURCE_2026}
            session.execute(update(Holiday).where(Holiday.day == dt.date(2026, 10, 1)).values(source_note="本地更正"))
            session.commit()
        migrate.downgrade(engine, boards, "0013_dibao_county_limit")  # only 0017 is undone
        with factory() as session:
            notes = dict(session.execute(select(Holiday.day, Holiday.source_note).where(in_2026)).all())
            assert notes.pop(dt.date(2026, 10, 1)) == "本地更正"
            assert len(set(notes.values())) == 1 and "please verify" in notes[dt.date(2026, 1, 1)]
        migrate.upgrade(engine, boards)
        with factory() as session:
            notes = dict(session.execute(select(Holiday.day, Holiday.source_note).where(in_2026)).all())
            assert notes.pop(dt.date(2026, 10, 1)) == "本地更正"
            assert set(notes.values()) == {cal.HOLIDAY_SOURCE_2026}
    finally:
        engine.dispose()
