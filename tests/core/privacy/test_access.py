"""The one scoping layer (core.access): region prefixes, board scopes, denied reads logged."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core import access
from core.access import Viewer, region_prefix
from core.casework.models import Referral
from core.models import AuditEvent, Case, CaseResponsibility, Household, Need, Person, Volunteer
from helpers import case, household, user


def test_region_prefixes() -> None:
    assert region_prefix("230600") == "2306"
    assert region_prefix("230602") == "230602"
    assert region_prefix("230602001") == "230602001"
    assert region_prefix("230602001000") == "230602001"
    assert region_prefix("230602000000") == "230602"
    assert region_prefix("230602001003") == "230602001003"
    assert region_prefix(None) is None and region_prefix("") is None


def _ids(session, stmt) -> set[int]:  # type: ignore[no-untyped-def]
    return set(session.execute(stmt).scalars())


def test_case_scope_by_role_board_and_region(session) -> None:  # type: ignore[no-untyped-def]
    h1, p1 = household(session, "230602")
    h2, p2 = household(session, "230603")
    mine = case(session, h1, p1, "civil_affairs")
    far = case(session, h2, p2, "civil_affairs")
    union_case = case(session, h1, p1, "trade_union")
    referred = case(session, h2, p2, "disabled_federation")
    session.add(Referral(case_id=referred.id, from_board="disabled_federation", to_board="civil_affairs",
                         reason="r", state="pending"))
    session.add(CaseResponsibility(case_id=union_case.id, board="civil_affairs", named_on=dt.date(2026, 3, 3)))
    session.flush()
    every = {mine.id, far.id, union_case.id, referred.id}
    q = select(Case.id)
    assert _ids(session, access.scope_cases(q, Viewer(1, "admin", None, None))) >= every
    city_civil = Viewer(2, "board_staff", "civil_affairs", "230600")
    assert _ids(session, access.scope_cases(q, city_civil)) & every == every
    district_civil = Viewer(3, "board_staff", "civil_affairs", "230602")
    assert _ids(session, access.scope_cases(q, district_civil)) & every == {mine.id, union_case.id}
    union = Viewer(4, "board_staff", "trade_union", "230600")
    assert _ids(session, access.scope_cases(q, union)) & every == {union_case.id}
    assert _ids(session, access.scope_cases(q, Viewer(5, "auditor", None, "230603"))) & every == {far.id, referred.id}
    assert _ids(session, access.scope_cases(q, Viewer(6, "volunteer", None, "230602"))) == set()
    assert _ids(session, access.scope_cases(q, Viewer(7, "board_staff", "civil_affairs", None))) == set()
    assert access.can_read_case(session, district_civil, mine)
    assert not access.can_read_case(session, district_civil, far)


def test_household_people_needs_and_volunteer_scopes(session) -> None:  # type: ignore[no-untyped-def]
    h1, p1 = household(session, "230602")
    h2, p2 = household(session, "230603")
    grid = Viewer(8, "grid_worker", None, "230602")
    assert h1.id in _ids(session, access.scope_households(select(Household.id), grid))
    assert h2.id not in _ids(session, access.scope_households(select(Household.id), grid))
    assert _ids(session, access.scope_people(select(Person.id), grid)) & {p1.id, p2.id} == {p1.id}
    assert _ids(session, access.scope_households(select(Household.id), Viewer(9, "volunteer", None, "230602"))) == set()
    n1 = Need(person_id=p1.id, board="youth_league", need_type="youth_league.companionship", category="other")
    n2 = Need(person_id=p2.id, board="womens_federation", need_type="x", category="other")
    session.add_all([n1, n2])
    session.flush()
    youth = Viewer(10, "coordinator", "youth_league", "230600")
    assert _ids(session, access.scope_needs(select(Need.id), youth)) & {n1.id, n2.id} == {n1.id}
    v1 = Volunteer(board="youth_league", name="志愿者甲", birth_date=dt.date(1990, 1, 1), sex="F",
                   region_code="230602", lat=46.6, lon=125.1)
    v2 = Volunteer(board="youth_league", name="志愿者乙", birth_date=dt.date(1990, 1, 1), sex="F",
                   region_code="230603", lat=46.6, lon=125.1)
    v3 = Volunteer(board="womens_federation", name="志愿者丙", birth_date=dt.date(1990, 1, 1), sex="F",
                   region_code="230602", lat=46.6, lon=125.1)
    session.add_all([v1, v2, v3])
    session.flush()
    local_youth = Viewer(11, "coordinator", "youth_league", "230602")
    assert _ids(session, access.scope_volunteers(select(Volunteer.id), local_youth)) & {v1.id, v2.id, v3.id} == {v1.id}
    assert _ids(session, access.scope_volunteers(select(Volunteer.id), youth)) & {v1.id, v2.id, v3.id} == {v1.id, v2.id}


def test_a_case_outside_scope_is_refused_and_logged(session, client, login) -> None:  # type: ignore[no-untyped-def]
    h, p = household(session, "230603")
    row = case(session, h, p, "civil_affairs")
    user(session, "civil_sartu", "board_staff", "civil_affairs", "230602")
    session.commit()
    login("civil_sartu")
    assert client.get(f"/cases/{row.id}").status_code == access.DENIED_CASE_STATUS
    denied = session.execute(select(AuditEvent).where(AuditEvent.action == "denied_read")).scalars().all()
    assert [(d.object_type, d.object_id) for d in denied] == [("care_case", str(row.id))]
    login("civil")  # the city-wide staff of the owning board
    assert client.get(f"/cases/{row.id}").status_code == 200


def test_the_queue_shows_only_the_viewers_region(session, client, login) -> None:  # type: ignore[no-untyped-def]
    h1, p1 = household(session, "230602", name="本区甲")
    h2, p2 = household(session, "230603", name="外区乙")
    case(session, h1, p1)
    case(session, h2, p2)
    user(session, "civil_sartu", "board_staff", "civil_affairs", "230602")
    session.commit()
    login("civil_sartu")
    page = client.get("/cases/").get_data(as_text=True)
    assert "本区甲" in page or f"/cases/" in page
    assert "外区乙" not in page


def test_a_household_outside_the_region_answers_404_and_is_logged(session, client, login) -> None:  # type: ignore[no-untyped-def]
    h, _p = household(session, "230603")
    user(session, "auditor_sartu", "auditor", None, "230602")
    session.commit()
    login("auditor_sartu")
    assert client.get(f"/households/{h.id}").status_code == 404
    assert client.get(f"/api/households/{h.id}/assessment").status_code == 404
    denied = session.execute(select(AuditEvent).where(AuditEvent.action == "denied_read")).scalars().all()
    assert {(d.object_type, d.object_id) for d in denied} == {("household", str(h.id))}
    assert not session.execute(select(AuditEvent).where(AuditEvent.action == "read_household")).scalars().all()
