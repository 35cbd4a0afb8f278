"""Casework pages and the JSON API: the main path through forms, refusals shown and writing
nothing, access by role and board, grid workers' pages and the calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from casework_builders import actor, id_number, ledger_count, open_case
from core.casework.models import GridReport, Holiday, JointReviewMeeting
from core.models import AuditEvent, Case, Household, LedgerEntry

D = dt.date


def _intake_form(**extra: str) -> dict[str, str]:
    return {"channel": "application", "region_code": "230602", "area_type": "urban", "address": "萨尔图区测试路8号",
            "name_0": "王桂兰", "id_number_0": id_number(D(1950, 3, 4)), "relation_0": "head",
            "summary": "独居老人, 无固定收入", **extra}


def _case_id(response: Any) -> int:
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _walk_review(client: Any, case_id: int) -> None:
    assert client.post(f"/cases/{case_id}/pre-check").status_code == 302
    client.post(f"/cases/{case_id}/impact", data={"level": "high", "notes": "无收入来源"})
    client.post(f"/cases/{case_id}/home-visit", data={"investigator_1": "王敏",
                                                      "investigator_2": "刘洋", "findings": "属实",
                                                      "investigators_signed": "1", "household_signed": "1"})
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    import re

    present = re.findall(r'name="present" value="([^"]+)"', page)
    client.post(f"/cases/{case_id}/documents", data={"present": present, "notes": "齐全"})
    # the preliminary opinion is posted for 7 days (S2 Art. 19), then the case goes to the joint review
    client.post(f"/cases/{case_id}/public-notice", data={"location": "社区公示栏", "amount_yuan": "500"})
    client.post(f"/cases/{case_id}/submit", data={"on": (dt.date.today() + dt.timedelta(days=7)).isoformat()})


def test_board_staff_walk_a_case_through_the_pages(app, client, login, session) -> None:
    login("civil")
    assert client.get("/cases/new").status_code == 200
    response = client.post("/cases/new", data=_intake_form())
    assert response.status_code == 302
    case_id = _case_id(response)
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "王桂兰" in page and 'data-deadline="investigation_start"' in page
    # the members and time limits in words, not their stored codes
    assert "<td>启动调查</td>" in page and "<td>户主</td>" in page and "(investigation_start)" not in page

    _walk_review(client, case_id)
    assert session.get(Case, case_id).stage == "awaiting_joint_review"
    queue = client.get("/cases/").get_data(as_text=True)
    assert f"#{case_id}" in queue

    login("reviewer")
    assert f"#{case_id}" in client.get("/joint-review/").get_data(as_text=True)
    response = client.post("/joint-review/", data={
        "held_on": "2026-03-12", "member_name_0": "王主任", "member_board_0": "civil_affairs", "minutes": "审议",
        "case_id": [str(case_id)], f"decision_{case_id}": "include", f"reasons_{case_id}": "符合条件",
        f"boards_{case_id}": ["civil_affairs", "youth_league"]})
    assert response.status_code == 302
    meeting = session.execute(select(JointReviewMeeting)).scalar_one()
    assert "王主任" in client.get(f"/joint-review/{meeting.id}").get_data(as_text=True)
    session.expire_all()
    assert session.get(Case, case_id).stage == "included"

    login("youth")
    person_id = session.get(Case, case_id).subject_id
    client.post(f"/cases/{case_id}/measures/care", data={
        "person_id": str(person_id), "need_type": "youth_league.companionship", "category": "elderly_alone",
        "risk": "3", "required_skills": "companionship, first_aid", "visit_every_days": "7"})
    session.expire_all()
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'data-measure="youth_league.companionship"' in page
    for kind in ("intake", "step", "submitted", "decision", "responsible", "plan", "care_need"):
        assert f'data-kind="{kind}"' in page, kind
    # the ledger's stored texts keep the keys; the page names the boards for the reader
    assert "首报板块 城乡低保板块" in page and "责任主体: 共青团志愿服务板块" in page and "首报板块 civil_affairs" not in page
    stored = [e.summary for e in session.execute(select(LedgerEntry).where(LedgerEntry.case_id == case_id)).scalars()]
    assert any("首报板块 civil_affairs" in text for text in stored)


def test_a_refused_step_is_shown_and_changes_nothing(app, client, login, session) -> None:
    login("civil")
    case_id = _case_id(client.post("/cases/new", data=_intake_form()))
    client.post(f"/cases/{case_id}/pre-check")
    before = ledger_count(session)
    response = client.post(f"/cases/{case_id}/home-visit", data={"investigator_1": "王敏", "findings": "属实",
                                                                 "investigators_signed": "1", "household_signed": "1"},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "入户调查须有两名以上调查人员" in text and "two investigators" in text
    assert ledger_count(session) == before


def test_intake_errors_keep_the_form(client, login, session) -> None:
    login("civil")
    response = client.post("/cases/new", data=_intake_form(region_code="230000"))
    assert response.status_code == 422
    assert "outside the configured region" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Household)) == 0


def test_another_board_cannot_read_or_act_on_a_case(app, client, login, session) -> None:
    case = open_case(session)
    login("union")
    assert client.get(f"/cases/{case.id}").status_code == 403
    assert client.get(f"/api/cases/{case.id}").status_code == 403
    response = client.post(f"/cases/{case.id}/pre-check", follow_redirects=False)
    assert response.status_code == 302  # refused by the service: flashed, nothing changed
    session.expire_all()
    assert session.get(Case, case.id).stage == "received"
    login("vol")
    assert client.get(f"/cases/{case.id}").status_code == 403
    assert client.get("/cases/").status_code == 403
    login("auditor")
    assert client.get(f"/cases/{case.id}").status_code == 200
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "read_case")) == 1


def test_anonymous_users_are_sent_to_log_in(client) -> None:
    for url in ("/cases/", "/joint-review/", "/grid/", "/calendar"):
        assert client.get(url).status_code in (302, 401)


def test_a_grid_worker_reports_a_household_and_files_a_zero_report(app, client, login, session) -> None:
    login("grid")
    assert client.get("/grid/").status_code == 200
    assert client.get("/grid/report-person").status_code == 200
    response = client.post("/grid/report-person", data={**_intake_form(), "board": "womens_federation"})
    assert response.status_code == 302
    case = session.execute(select(Case)).scalar_one()
    assert (case.channel, case.first_reporter_board) == ("discovery", "womens_federation")
    today = dt.date.today()
    this_monday = today - dt.timedelta(days=today.weekday())  # weekly by default: ISO weeks from Monday
    last_monday = this_monday - dt.timedelta(days=7)
    assert f"{this_monday:%G-W%V}" in client.get("/grid/").get_data(as_text=True)
    client.post("/grid/periodic", data={"period": (last_monday + dt.timedelta(days=6)).isoformat(), "zero": "1"})
    response = client.post("/grid/periodic", data={"period": dt.date.today().isoformat(), "zero": "1"},
                           follow_redirects=True)
    assert "不能零报告" in response.get_data(as_text=True)
    reports = session.execute(select(GridReport)).scalars().all()
    assert [(r.kind, r.period) for r in reports] == [("zero", last_monday)]
    assert f"{last_monday:%G-W%V}" in client.get("/grid/").get_data(as_text=True)
    assert client.get("/cases/").status_code == 403


def test_an_administrator_edits_the_calendar_and_staff_only_read_it(client, login, session) -> None:
    login("civil")
    assert "2026-10-01" in client.get("/calendar").get_data(as_text=True)
    assert client.post("/calendar", data={"day": "2026-03-03", "kind": "holiday"}).status_code == 403
    login("root")
    client.post("/calendar", data={"day": "2026-03-03", "kind": "holiday", "name": "地方假日", "source_note": "市政府通知"})
    assert session.execute(select(Holiday).where(Holiday.day == D(2026, 3, 3))).scalar_one().name == "地方假日"


def test_the_json_api_runs_the_main_transitions(app, client, login, session) -> None:
    login("civil")
    body = {"household": {"region_code": "230603", "area_type": "urban", "address": "龙凤区",
                          "members": [{"name": "赵大勇", "id_number": id_number(D(1975, 1, 9), "230603")}]},
            "received_on": "2026-03-02", "summary": "失业"}
    response = client.post("/api/cases", json=body)
    assert response.status_code == 201, response.get_json()
    case_id = response.get_json()["id"]
    assert response.get_json()["deadlines"][0]["key"] == "investigation_start"
    assert client.post(f"/api/cases/{case_id}/pre-check", json={"on": "2026-03-03"}).status_code == 200
    refused = client.post(f"/api/cases/{case_id}/home-visit", json={"investigators": ["王敏"], "findings": "x",
                                                                    "investigators_signed": True,
                                                                    "household_signed": True})
    assert refused.status_code == 409 and "two investigators" in refused.get_json()["en"]
    client.post(f"/api/cases/{case_id}/impact", json={"level": "medium", "notes": "失业"})
    client.post(f"/api/cases/{case_id}/home-visit", json={"investigators": ["王敏", "刘洋"], "findings": "属实",
                                                          "investigators_signed": True, "household_signed": True})
    from core.casework import services as cw  # the document keys come from the case's candidates

    case = session.get(Case, case_id)
    keys = [i["key"] for i in cw.document_checklist(case, cw.programmes(app.extensions["carematch"].boards,
                                                                        cw.enabled_boards(session)))]
    client.post(f"/api/cases/{case_id}/documents", json={"present": {k: True for k in keys}})
    early = client.post(f"/api/cases/{case_id}/submit", json={})  # no notice yet
    assert early.status_code == 409 and "7 days" in early.get_json()["en"]
    posted = client.post(f"/api/cases/{case_id}/public-notice", json={"location": "社区公示栏", "amount_fen": 50000})
    assert posted.get_json()["notices"][0]["published"] == {"name": "赵大勇", "household_size": 1, "amount_fen": 50000}
    data = client.post(f"/api/cases/{case_id}/submit",
                       json={"on": (dt.date.today() + dt.timedelta(days=7)).isoformat()}).get_json()
    assert data["stage"] == "awaiting_joint_review", data
    assert client.post("/api/joint-review", json={"decisions": []}).status_code == 403  # board staff: not a panel
    login("reviewer")
    response = client.post("/api/joint-review", json={
        "held_on": "2026-03-12", "members": [{"name": "王主任", "board": "civil_affairs"}],
        "decisions": [{"case_id": case_id, "decision": "include", "reasons": "符合", "boards": ["civil_affairs"]}]})
    assert response.status_code == 201, response.get_json()
    assert client.get(f"/api/cases/{case_id}").get_json()["stage"] == "included"


def test_the_api_wants_json(client, login) -> None:
    login("civil")
    assert client.post("/api/cases", data={"x": "1"}).status_code == 415


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_forms_need_the_csrf_token_but_the_json_api_does_not(app, client, login) -> None:
    # log in with a token taken from the login page
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    from tests.conftest import PASSWORD

    assert client.post("/login", data={"username": "civil", "password": PASSWORD, "csrf_token": token}).status_code == 302
    assert client.post("/cases/new", data=_intake_form()).status_code == 400
    body = {"household": {"region_code": "230602", "area_type": "urban", "address": "",
                          "members": [{"name": "赵大勇", "id_number": id_number()}]}}
    assert client.post("/api/cases", json=body).status_code == 201


def test_the_pre_check_findings_name_the_standards_their_reasons_used(client, login, session) -> None:  # type: ignore[no-untyped-def]
    login("civil")
    case_id = _case_id(client.post("/cases/new", data=_intake_form()))
    assert client.post(f"/cases/{case_id}/pre-check").status_code == 302
    stored = [r for f in session.get(Case, case_id).findings for r in f["reasons"]]
    assert any("civil_affairs.dibao_standard = " in r["zh"] for r in stored)  # what was stored keeps the key
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    findings = page.split('id="findings"', 1)[1].split("</table>", 1)[0]
    assert "低保标准 = " in findings and "civil_affairs.dibao_standard = " not in findings
