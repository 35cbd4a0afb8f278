"""Eligibility rules, accept/decline, visits and hours, concerns: the services on their own."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from volunteering_builders import TODAY, assign, recipient, user_id, volunteer

from core.casework.calendar import WorkingCalendar
from core.models import Assignment, LedgerEntry
from core.volunteering import services as S
from core.volunteering.models import AssignmentEvent, Concern, Notification, Visit


def test_eligible_for_child_facing_needs_a_clear_check_within_365_days(session) -> None:  # type: ignore[no-untyped-def]
    on = dt.date(2026, 6, 1)
    v = volunteer(session, checked_on=on - dt.timedelta(days=365))
    assert S.eligible_for_child_facing(v, on)
    v.background_checked_on = on - dt.timedelta(days=366)
    assert not S.eligible_for_child_facing(v, on)  # expired: re-check every year (S12 Art. 62)
    v.background_checked_on = on
    v.background_check_clear = False
    assert not S.eligible_for_child_facing(v, on)  # not clear
    v.background_check_clear = True
    v.background_checked_on = None
    assert not S.eligible_for_child_facing(v, on)  # never checked
    v.background_checked_on = on + dt.timedelta(days=1)
    assert not S.eligible_for_child_facing(v, on)  # a check dated after the day does not count


def test_expired_check_blocks_accepting_a_child_assignment(session) -> None:  # type: ignore[no-untyped-def]
    child = recipient(session, name="赵小宝", birth=dt.date(2016, 1, 1), category="left_behind_child",
                      board="youth_league", needs_check=True)
    v = volunteer(session, board="youth_league", checked_on=TODAY - dt.timedelta(days=400))
    a = assign(session, child, v)
    assert "background_check_expired" in S.ineligibility(session, v, child, TODAY)
    with pytest.raises(S.VolunteeringError) as err:
        S.accept_assignment(session, a, v.user_id, TODAY)
    assert err.value.code == "background_check_expired"
    assert a.state == "proposed"
    # renewed check: accepted
    S.record_background_check(session, v, TODAY, True, None, reference="Q-1")
    S.accept_assignment(session, a, v.user_id, TODAY)
    assert a.state == "accepted"


def test_an_adult_need_does_not_require_the_check(session) -> None:  # type: ignore[no-untyped-def]
    need = recipient(session)
    v = volunteer(session, checked_on=None)
    assert S.ineligibility(session, v, need, TODAY) == []


def test_minor_volunteers_need_guardian_consent_and_never_do_counselling(session) -> None:  # type: ignore[no-untyped-def]
    need = recipient(session, need_type="psychological_counselling")
    young = volunteer(session, birth=TODAY.replace(year=TODAY.year - 16), checked_on=TODAY)
    reasons = S.ineligibility(session, young, need, TODAY)
    assert {"minor_counselling", "minor_without_consent"} <= set(reasons)
    S.record_guardian_consent(session, young, "李父", TODAY, None, relation="father")
    assert S.ineligibility(session, young, need, TODAY) == ["minor_counselling"]
    plain = recipient(session, name="刘桂芝")
    assert S.ineligibility(session, young, plain, TODAY) == []


def test_decline_keeps_the_row_declined_and_a_second_accept_is_refused(session) -> None:  # type: ignore[no-untyped-def]
    need = recipient(session)
    v = volunteer(session)
    coordinator = user_id(session, "women")
    a = assign(session, need, v)
    with pytest.raises(S.VolunteeringError):
        S.decline_assignment(session, a, v.user_id, "  ")  # a reason is required
    S.decline_assignment(session, a, v.user_id, "too far from my home")
    session.commit()
    session.expire_all()
    row = session.get(Assignment, a.id)
    assert row.state == "declined"
    assert (need.id, v.id) in S.declined_pairs(session)
    with pytest.raises(S.VolunteeringError) as err:
        S.accept_assignment(session, row, v.user_id, TODAY)
    assert err.value.code == "not_proposed_declined"
    assert session.get(Assignment, a.id).state == "declined"
    event = session.execute(select(AssignmentEvent).where(AssignmentEvent.assignment_id == a.id)).scalar_one()
    assert event.kind == "declined" and event.reason == "too far from my home"
    note = session.execute(select(Notification).where(Notification.kind == "assignment_declined")).scalar_one()
    assert note.user_id == coordinator


def test_visit_within_ten_working_days_counts_at_once_later_waits_for_confirmation(session) -> None:  # type: ignore[no-untyped-def]
    need = recipient(session)
    v = volunteer(session)
    a = assign(session, need, v, state="accepted", started_on=dt.date(2025, 1, 1))
    cal = WorkingCalendar.load(session)
    visited = dt.date(2025, 9, 26)  # a Friday before the National Day week (holidays 1-8 Oct, 9/28 a make-up day)
    due = cal.add_working_days(visited, 10)
    assert S.record_due_on(session, visited) == due
    assert due > visited + dt.timedelta(days=14)  # the holiday week does not count
    on_time = S.log_visit(session, a, v.user_id, S.VisitInput(visited, "home", 90, "chat, groceries", "stable"),
                          today=due)
    assert on_time.confirmation == "confirmed"
    late = S.log_visit(session, a, v.user_id, S.VisitInput(visited, "phone", 30, "call", "well"),
                       today=due + dt.timedelta(days=1))
    assert late.confirmation == "pending"
    hours = S.service_hours(session, v.id)
    assert (hours.confirmed_minutes, hours.pending_minutes, hours.hours) == (90, 30, 1.5)
    totals = S.service_hours(session, v.id, with_visits=False)  # summed by the database, as the page does
    assert (totals.confirmed_minutes, totals.pending_minutes, totals.visits) == (90, 30, [])
    S.confirm_visit(session, late, user_id(session, "women"), accept=True)
    assert S.service_hours(session, v.id).hours == 2.0
    assert S.service_hours(session, v.id, with_visits=False).hours == 2.0
    assert session.execute(select(LedgerEntry).where(LedgerEntry.kind == "visit")).scalars().all()


def test_visits_are_refused_on_a_proposed_assignment_or_in_the_future(session) -> None:  # type: ignore[no-untyped-def]
    need = recipient(session)
    v = volunteer(session)
    a = assign(session, need, v)
    with pytest.raises(S.VolunteeringError):
        S.log_visit(session, a, v.user_id, S.VisitInput(TODAY, "home", 60, "", "well"))
    a.state, a.started_on = "accepted", TODAY
    with pytest.raises(S.VolunteeringError):
        S.log_visit(session, a, v.user_id, S.VisitInput(TODAY + dt.timedelta(days=1), "home", 60, "", "well"))
    with pytest.raises(S.VolunteeringError):
        S.log_visit(session, a, v.user_id, S.VisitInput(TODAY, "carrier pigeon", 60, "", "well"))


def test_mandatory_report_for_a_child_escalates_at_once(session) -> None:  # type: ignore[no-untyped-def]
    child = recipient(session, name="赵小宝", birth=dt.date(2016, 1, 1), category="left_behind_child",
                      board="youth_league", needs_check=True)
    v = volunteer(session, board="youth_league", checked_on=TODAY)
    a = assign(session, child, v, state="accepted", started_on=TODAY)
    concern = S.raise_concern(session, a, v.user_id, "child_alone_or_missing")
    assert concern.mandatory and concern.escalated_at is not None
    notes = session.execute(select(Notification).where(Notification.kind == "mandatory_report")).scalars().all()
    assert any(n.user_id == user_id(session, "youth") for n in notes)  # the coordinator
    assert any(n.user_id is None and n.board == "youth_league" for n in notes)  # the responsible board
    assert all(n.urgent for n in notes)


def test_mandatory_triggers_are_for_children_and_a_risk_needs_words(session) -> None:  # type: ignore[no-untyped-def]
    need = recipient(session)
    v = volunteer(session)
    a = assign(session, need, v, state="accepted", started_on=TODAY)
    with pytest.raises(S.VolunteeringError):
        S.raise_concern(session, a, v.user_id, "suspected_abuse")
    with pytest.raises(S.VolunteeringError):
        S.raise_concern(session, a, v.user_id, "risk", "")
    concern = S.raise_concern(session, a, v.user_id, "risk", "she has not eaten for two days")
    assert not concern.mandatory and concern.escalated_at is None
    assert session.execute(select(Concern)).scalar_one().board == "womens_federation"


def test_pausing_releases_assignments_with_a_hand_over_note(session) -> None:  # type: ignore[no-untyped-def]
    v = volunteer(session)
    a1 = assign(session, recipient(session), v, state="accepted", started_on=TODAY)
    a2 = assign(session, recipient(session, name="刘桂芝"), v)
    with pytest.raises(S.VolunteeringError):
        S.change_state(session, v, "paused", None, "")  # the hand-over note is required
    released = S.change_state(session, v, "paused", None, "Mrs Wang prefers mornings; key with neighbour")
    assert {r.id for r in released} == {a1.id, a2.id}
    assert a1.state == a2.state == "ended" and "prefers mornings" in a1.note
    assert v.state == "paused"
    with pytest.raises(S.VolunteeringError):
        S.change_state(session, v, "approved", None)  # not a transition


def test_registration_takes_birth_date_and_sex_from_the_id_number(session) -> None:  # type: ignore[no-untyped-def]
    from core.idnumber import make_id_number

    number = make_id_number("230602", dt.date(1990, 5, 17), 123)
    v = S.register_volunteer(session, S.Registration(
        board="youth_league", name="陈晓", id_number=number, phone="13700000000", region_code="230602",
        lat=46.6, lon=125.0, skills=["tutoring"], service_categories=["education"]), actor_id=None)
    assert v.birth_date == dt.date(1990, 5, 17) and v.sex == "M" and v.state == "applied"
    assert S.profile_of(session, v).service_categories == ["education"]
    with pytest.raises(S.VolunteeringError):
        S.register_volunteer(session, S.Registration(
            board="youth_league", name="陈晓", id_number=number, phone="", region_code="230602", lat=0, lon=0),
            actor_id=None)


def test_display_name_drops_the_surname() -> None:
    assert S.display_name("王秀兰") == "秀兰"
    assert S.display_name("欧阳明月") == "明月"
    assert S.display_name("Anna Petrova") == "Anna"
