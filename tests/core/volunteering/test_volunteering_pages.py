"""Object-level access and the pages: a volunteer reads only their own assignments and only
the allowed fields; other attempts answer 404 and are audited; coordinators see only their
board's volunteers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from volunteering_builders import TODAY, assign, mount, recipient, user_id, volunteer

from core.models import Assignment, AuditEvent
from core.volunteering import services as S
from core.volunteering.models import Concern, Visit


@pytest.fixture(autouse=True)
def _mounted(app):  # type: ignore[no-untyped-def]
    mount(app)


def _audits(session, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


FORBIDDEN = ("id_number", "phone", "income", "bank", "disability", "birth_date", "household_id", "lat", "lon")


def test_a_volunteer_sees_only_the_allowed_fields_of_their_own_assignment(client, login, session) -> None:  # type: ignore[no-untyped-def]
    need = recipient(session)
    mine = volunteer(session)
    a = assign(session, need, mine)
    session.commit()
    login("vol")
    data = client.get("/api/my/assignments").get_json()["assignments"]
    assert [c["id"] for c in data] == [a.id]
    card = data[0]
    assert set(card) == set(S.CARD_FIELDS)
    # the coordinator's own work phone is the one phone a volunteer is meant to see
    assert not any(f in key for key in set(card) - {"coordinator_phone"} for f in FORBIDDEN)
    assert card["name"] == "秀兰"  # given name, not the full name
    assert card["address"] is None  # exact address only once accepted
    assert card["area"] == "萨尔图区 · 测试社区"
    page = client.get(f"/my/assignments/{a.id}").get_data(as_text=True)
    person = need.person
    assert person.id_number not in page and "王秀兰" not in page and "友谊路" not in page
    assert person.phone not in page
    assert _audits(session, "read_assignment")


def test_another_volunteers_assignment_answers_404_and_is_audited(client, login, session) -> None:  # type: ignore[no-untyped-def]
    other = volunteer(session, username="grid", name="别人")  # any other login will do
    theirs = assign(session, recipient(session), other)
    volunteer(session)
    session.commit()
    login("vol")
    for url in (f"/my/assignments/{theirs.id}", f"/api/my/assignments/{theirs.id}", "/my/assignments/99999"):
        assert client.get(url).status_code == 404
    assert client.post(f"/my/assignments/{theirs.id}/accept").status_code == 404
    assert client.post(f"/my/visits/new?assignment={theirs.id}", data={
        "visited_on": TODAY.isoformat(), "mode": "home", "minutes": "60", "person_state": "well"}).status_code == 404
    denied = _audits(session, "denied_read")
    assert len(denied) == 5
    assert {d.object_id for d in denied} == {str(theirs.id), "99999"}
    assert session.get(Assignment, theirs.id).state == "proposed"
    assert "别人" not in client.get("/my/assignments").get_data(as_text=True)


def test_other_roles_cannot_open_volunteer_pages_and_volunteers_not_coordinator_pages(client, login, session) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    assert client.get("/my/assignments").status_code == 403
    assert client.get("/volunteers").status_code == 403
    client.post("/logout")
    login("vol")
    assert client.get("/volunteers").status_code == 403
    assert client.get("/volunteers/1").status_code == 403


def test_accept_shows_the_address_decline_persists_and_cannot_be_accepted_again(client, login, session) -> None:  # type: ignore[no-untyped-def]
    v = volunteer(session)
    first = assign(session, recipient(session), v)
    second = assign(session, recipient(session, name="刘桂芝"), v)
    session.commit()
    login("vol")
    client.post(f"/my/assignments/{first.id}/accept")
    assert "友谊路" in client.get(f"/my/assignments/{first.id}").get_data(as_text=True)
    assert client.post(f"/my/assignments/{second.id}/decline", data={"reason": ""}).status_code == 302
    session.expire_all()
    assert session.get(Assignment, second.id).state == "proposed"  # no reason, no decline
    client.post(f"/my/assignments/{second.id}/decline", data={"reason": "moving away"})
    client.post(f"/my/assignments/{second.id}/accept")
    session.expire_all()
    assert session.get(Assignment, first.id).state == "accepted"
    assert session.get(Assignment, second.id).state == "declined"
    assert [c["id"] for c in client.get("/api/my/assignments").get_json()["assignments"]] == [first.id]


def test_logging_a_visit_adds_hours(client, login, session) -> None:  # type: ignore[no-untyped-def]
    v = volunteer(session)
    a = assign(session, recipient(session), v, state="accepted", started_on=TODAY - dt.timedelta(days=3))
    session.commit()
    login("vol")
    r = client.post("/my/visits/new", data={"assignment": a.id, "visited_on": TODAY.isoformat(), "mode": "video",
                                            "minutes": "90", "activities": "talked", "person_state": "stable"})
    assert r.status_code == 302
    assert session.execute(select(Visit)).scalar_one().confirmation == "confirmed"
    page = client.get("/my/hours").get_data(as_text=True)
    assert 'id="hours-total">1.5<' in page
    cert = client.get("/my/certificate").get_data(as_text=True)
    assert "1.5" in cert and v.id_number not in cert


def test_child_data_is_withheld_without_guardian_consent(client, login, session) -> None:  # type: ignore[no-untyped-def]
    child = recipient(session, name="赵小宝", birth=dt.date(2016, 1, 1), category="left_behind_child",
                      board="youth_league", needs_check=True)
    v = volunteer(session, board="youth_league", checked_on=TODAY)
    a = assign(session, child, v, state="accepted", started_on=TODAY)
    session.commit()
    login("vol")
    card = client.get(f"/api/my/assignments/{a.id}").get_json()
    assert card["withheld"] and card["name"] == "" and card["address"] is None and card["need_type"] == ""
    assert card["area"] == ""
    assert "小宝" not in client.get(f"/my/assignments/{a.id}").get_data(as_text=True)
    S.record_recipient_consent(session, child.person_id, "赵父", TODAY, None)
    session.commit()
    card = client.get(f"/api/my/assignments/{a.id}").get_json()
    assert not card["withheld"] and card["name"] == "小宝" and card["address"]
    # the check lapses: withheld again
    v2 = session.get(type(v), v.id)
    v2.background_checked_on = TODAY - dt.timedelta(days=400)
    session.commit()
    assert client.get(f"/api/my/assignments/{a.id}").get_json()["withheld"]


def test_mandatory_report_is_one_click(client, login, session) -> None:  # type: ignore[no-untyped-def]
    child = recipient(session, name="赵小宝", birth=dt.date(2016, 1, 1), category="left_behind_child",
                      board="youth_league", needs_check=True)
    v = volunteer(session, board="youth_league", checked_on=TODAY)
    a = assign(session, child, v, state="accepted", started_on=TODAY)
    session.commit()
    login("vol")
    page = client.get(f"/my/assignments/{a.id}").get_data(as_text=True)
    assert 'value="suspected_abuse"' in page
    client.post(f"/my/assignments/{a.id}/concern", data={"kind": "suspected_abuse"})
    concern = session.execute(select(Concern)).scalar_one()
    assert concern.mandatory and concern.escalated_at is not None
    client.post("/logout")
    login("youth")
    inbox = client.get("/volunteers/inbox").get_data(as_text=True)
    assert f"#{a.id}" in inbox


def test_coordinators_see_only_their_boards_volunteers(client, login, session) -> None:  # type: ignore[no-untyped-def]
    ours = volunteer(session, username=None, name="团员甲", board="youth_league", checked_on=TODAY - dt.timedelta(days=350))
    theirs = volunteer(session, username=None, name="妇联乙", board="womens_federation")
    session.commit()
    login("youth")
    listing = client.get("/volunteers").get_data(as_text=True)
    assert "团员甲" in listing and "妇联乙" not in listing
    assert "团员甲" in client.get("/volunteers?expiring=30").get_data(as_text=True)
    assert "团员甲" not in client.get("/volunteers?expiring=5").get_data(as_text=True)
    assert client.get(f"/volunteers/{ours.id}").status_code == 200
    assert client.get(f"/volunteers/{theirs.id}").status_code == 404
    assert any(a.object_id == str(theirs.id) for a in _audits(session, "denied_read"))
    assert ours.id_number not in client.get(f"/volunteers/{ours.id}").get_data(as_text=True)  # masked


def test_coordinator_registers_approves_and_activates(client, login, session) -> None:  # type: ignore[no-untyped-def]
    from core.idnumber import make_id_number

    login("women")
    number = make_id_number("230602", dt.date(1988, 2, 2), 78)  # even: female
    r = client.post("/volunteers/new", data={"name": "周敏", "id_number": number, "phone": "13600000000",
                                            "region_code": "230602", "lat": "46.6", "lon": "125.0",
                                            "skills": "companionship, psychological_comfort", "languages": "zh, mn",
                                            "slots": "sat_am", "capacity": "2", "max_km": "8", "consent": "1"})
    assert r.status_code == 302
    vid = int(r.headers["Location"].rsplit("/", 1)[1])
    assert "周敏" in client.get("/volunteers/onboarding").get_data(as_text=True)
    client.post(f"/volunteers/{vid}/records", data={"record": "check", "checked_on": TODAY.isoformat(), "clear": "1"})
    client.post(f"/volunteers/{vid}/state", data={"state": "approved"})
    client.post(f"/volunteers/{vid}/state", data={"state": "active"})
    from core.models import Volunteer

    session.expire_all()
    row = session.get(Volunteer, vid)
    assert (row.state, row.board, row.sex, row.background_checked_on) == ("active", "womens_federation", "F", TODAY)


def test_overdue_visits_per_volunteer(client, login, session) -> None:  # type: ignore[no-untyped-def]
    v = volunteer(session)
    assign(session, recipient(session, every=7), v, state="accepted", started_on=TODAY - dt.timedelta(days=20))
    session.commit()
    login("women")
    page = client.get("/volunteers/overdue").get_data(as_text=True)
    assert v.name in page
    assert S.overdue_visits(session, [v.id], TODAY)[0].days_late == 13
