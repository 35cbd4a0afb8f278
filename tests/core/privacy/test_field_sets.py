"""Field sets per role and the psychological notes rule."""

from __future__ import annotations

import dataclasses
import datetime as dt

from core import access
from core.access import FIELD_SETS, Viewer
from core.models import Assignment, CaseResponsibility, Need, Volunteer
from core.volunteering.models import Concern, Visit
from core.volunteering.services import AssignmentCard
from helpers import case, household


def test_volunteers_receive_no_identifiers_income_or_assessment() -> None:
    assert FIELD_SETS["volunteer"] == frozenset()
    card_fields = {f.name for f in dataclasses.fields(AssignmentCard)}
    forbidden = {"id_number", "income", "bank", "disability", "assessment", "phone", "birth_date"}
    assert not card_fields & forbidden
    for role in ("coordinator", "grid_worker"):
        assert not FIELD_SETS[role] & {"id_number", "income", "bank", "disability", "assessment"}


def test_person_fields_mask_identifiers_unless_needed(session) -> None:  # type: ignore[no-untyped-def]
    _h, person = household(session)
    full = access.person_fields(Viewer(1, "board_staff", "civil_affairs", "230600"), person)
    masked = access.person_fields(Viewer(2, "coordinator", "youth_league", "230600"), person)
    assert full["id_number"] == person.id_number and full["phone"] == person.phone
    assert masked["id_number"] != person.id_number and "*" in masked["id_number"]
    assert masked["phone"] == "139****5678"


def _care_case(session):  # type: ignore[no-untyped-def]
    h, p = household(session, "230602")
    row = case(session, h, p, "civil_affairs")
    need = Need(case_id=row.id, person_id=p.id, board="youth_league", need_type="youth_league.companionship",
                category="elderly_alone")
    volunteer = Volunteer(board="youth_league", name="志愿者", birth_date=dt.date(1990, 1, 1), sex="F",
                          region_code="230602", lat=46.6, lon=125.1, state="active")
    session.add_all([need, volunteer])
    session.flush()
    assignment = Assignment(need_id=need.id, volunteer_id=volunteer.id, state="accepted")
    session.add(assignment)
    session.flush()
    session.add(Visit(assignment_id=assignment.id, volunteer_id=volunteer.id, person_id=p.id,
                      visited_on=dt.date(2026, 3, 5), mode="home", minutes=60, activities="聊天",
                      person_state="worse", state_note="情绪低落-秘密", record_due_on=dt.date(2026, 3, 19)))
    session.add(Concern(assignment_id=assignment.id, volunteer_id=volunteer.id, person_id=p.id,
                        board="youth_league", kind="risk", description="有轻生念头-秘密"))
    session.commit()
    return row


def test_psychological_notes_only_for_the_care_board_or_a_responsible_assistance_board(client, login, session) -> None:  # type: ignore[no-untyped-def]
    row = _care_case(session)
    login("civil")  # owns the case, not named responsible
    page = client.get(f"/cases/{row.id}").get_data(as_text=True)
    assert "情绪低落-秘密" not in page and "有轻生念头-秘密" not in page
    session.add(CaseResponsibility(case_id=row.id, board="civil_affairs", named_on=dt.date(2026, 3, 6)))
    session.commit()
    page = client.get(f"/cases/{row.id}").get_data(as_text=True)
    assert "情绪低落-秘密" in page and "有轻生念头-秘密" in page
    login("auditor")
    assert "有轻生念头-秘密" not in client.get(f"/cases/{row.id}").get_data(as_text=True)
    assert access.may_see_care_notes(session, Viewer(9, "coordinator", "youth_league", "230600"), row.id,
                                     "youth_league")
