"""Active discovery (主动发现): the quarterly data comparison finds households eligible for a
benefit they do not receive, board staff see their board's leads in their region, open a
discovery case from one or set it aside with a reason, and a handled lead stays quiet."""

from __future__ import annotations

import datetime as dt
from typing import Any

import scheduler_builders as B
from sqlalchemy import select
from test_scheduler_jobs import run

from core import access
from core.casework.models import DiscoveryLead
from core.models import Case, LedgerEntry, Need, Person


def _leads(session: Any, household_id: int | None = None, state: str | None = "open") -> list[DiscoveryLead]:
    session.expire_all()
    query = select(DiscoveryLead).order_by(DiscoveryLead.id)
    if household_id is not None:
        query = query.where(DiscoveryLead.household_id == household_id)
    if state is not None:
        query = query.where(DiscoveryLead.state == state)
    return list(session.execute(query).scalars())


def _register(session: Any) -> tuple[int, int, int]:
    # 王秀英, 50, alone in 萨尔图区 (urban), no income, no assets, able to work: not 特困 (S6 Art. 5),
    # but dibao: 710 × 1 − 0 = 710 yuan a month (Daqing's urban standard, S1 Art. 12 difference method)
    poor, person = B.household(session, name="王秀英", birth=dt.date(1975, 8, 1))
    person.labour_capacity = "full"
    # the same situation, already receiving dibao through an active case: nothing to discover
    enrolled = B.case(session, programmes=("civil_affairs.dibao",))
    session.get(Person, enrolled.subject_id).labour_capacity = "full"
    # 3,000 yuan a month of wages: above every standard
    _comfortable, _ = B.household(session, name="赵志刚", income_fen=300000, employment="employed")
    session.commit()
    return poor.id, enrolled.household_id, _comfortable.id


def test_the_data_comparison_finds_who_is_eligible_and_not_receiving(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    poor, enrolled, comfortable = _register(session)

    result = run(platform, clock, "core:discovery_screening")

    dibao = [(lead.programme_key, lead.monthly_fen, lead.board, lead.region_code) for lead in _leads(session, poor)
             if lead.programme_key == "civil_affairs.dibao"]
    assert dibao == [("civil_affairs.dibao", 71000, "civil_affairs", "230602001001")]
    assert "civil_affairs.dibao" not in {lead.programme_key for lead in _leads(session, enrolled)}
    assert _leads(session, comfortable) == []
    # one warning per board and district, pointing to the list, not one per household
    warning = [w for w in B.warnings(session, "discovery_leads") if w.board == "civil_affairs"]
    assert [(w.region_code, w.action, w.object_type, w.audience) for w in warning] == [
        ("230602", "apply_programme", "discovery", "board_staff")]
    assert warning[0].params["count"] == len([lead for lead in _leads(session) if lead.board == "civil_affairs"])
    assert "leads" in result.summary

    # the same quarter again: the open leads are kept, not doubled (same rows: a page opened
    # before the run still acts on them), and nobody is warned twice
    before = sorted((lead.id, lead.household_id, lead.programme_key) for lead in _leads(session))
    again = run(platform, clock, "core:discovery_screening")
    assert again.warnings_created == 0
    assert sorted((lead.id, lead.household_id, lead.programme_key) for lead in _leads(session)) == before
    # a household that now receives dibao drops out of the next run
    B.case(session, programmes=("civil_affairs.dibao",),
           person=session.execute(select(Person).where(Person.household_id == poor)).scalar_one())
    session.commit()
    run(platform, clock, "core:discovery_screening")
    assert "civil_affairs.dibao" not in {lead.programme_key for lead in _leads(session, poor)}


def test_leads_are_scoped_to_the_board_and_the_region(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    poor, _, _ = _register(session)
    run(platform, clock, "core:discovery_screening")

    def visible(**viewer: Any) -> set[tuple[int, str]]:
        clause = access.lead_clause(access.Viewer(1, **viewer))
        return {(lead.household_id, lead.board) for lead in session.execute(
            select(DiscoveryLead).where(clause)).scalars()}

    assert (poor, "civil_affairs") in visible(role="board_staff", board="civil_affairs", region_code="230602")
    assert (poor, "civil_affairs") not in visible(role="board_staff", board="trade_union", region_code="230600")
    assert (poor, "civil_affairs") not in visible(role="board_staff", board="civil_affairs", region_code="230621")
    assert (poor, "civil_affairs") in visible(role="auditor", region_code="230600")
    assert visible(role="coordinator", board="youth_league", region_code="230600") == set()
    assert visible(role="volunteer", region_code="230602") == set()


def test_staff_open_a_discovery_case_from_a_lead_and_it_stays_quiet(platform, clock, session, client, login) -> None:  # type: ignore[no-untyped-def]
    poor, _, _ = _register(session)
    run(platform, clock, "core:discovery_screening")
    lead = next(lead for lead in _leads(session, poor) if lead.programme_key == "civil_affairs.dibao")

    login("civil")
    civil_leads = len([row for row in _leads(session) if row.board == "civil_affairs"])
    home = client.get("/").get_data(as_text=True)  # the home page's work queues count them
    assert f'<strong>{civil_leads}</strong> <a href="/discovery">待核实的主动发现线索</a>' in home
    page = client.get("/discovery").get_data(as_text=True)
    assert f'data-lead="{lead.id}"' in page and "城乡最低生活保障" in page and "¥710.00" in page
    assert "按主动发现受理" in page
    assert client.get("/discovery?page=99999999999999999999").status_code == 200  # the last page
    assert session.execute(select(access.AuditEvent).where(access.AuditEvent.object_type == "discovery_leads")).first()
    api = client.get("/api/discovery?programme=civil_affairs.dibao").get_json()
    assert [row["household_id"] for row in api["leads"]] == [poor]
    # the checklist for door-to-door verification: a real workbook, the export audited
    sheet = client.get("/discovery/leads.xlsx?programme=civil_affairs.dibao")
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "no-store"
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(sheet.data)).active.iter_rows(values_only=True))
    header = rows.index(("家庭编号", "所在区划", "住址", "户主", "项目", "月待遇(元)", "一次性待遇(元)", "比对日期", "核实结果"))
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in rows[header + 1:]] == [(poor, "测试路 1 号", "王秀英", "城乡最低生活保障", 710)]
    assert session.execute(select(access.AuditEvent).where(access.AuditEvent.action == "export",
                                                           access.AuditEvent.object_type == "discovery_leads")).first()

    login("union")  # another board's staff may neither see nor act on it
    assert f'data-lead="{lead.id}"' not in client.get("/discovery").get_data(as_text=True)
    client.post(f"/discovery/{lead.id}/case")
    assert _leads(session, poor)[0].state == "open"

    login("civil")
    response = client.post(f"/discovery/{lead.id}/case")
    assert response.status_code == 302
    case = session.execute(select(Case).where(Case.household_id == poor)).scalar_one()
    assert (case.channel, case.owner_board, case.first_reporter_board) == ("discovery", "civil_affairs", "civil_affairs")
    assert "数据比对发现: 符合城乡最低生活保障条件但未享受" in case.summary
    handled = _leads(session, poor, state=None)
    assert {(row.state, row.case_id) for row in handled if row.board == "civil_affairs"} == {("case_opened", case.id)}
    assert session.execute(select(LedgerEntry).where(LedgerEntry.case_id == case.id, LedgerEntry.kind == "intake")).first()

    # next quarter: the case is in review, and the handled lead is not raised again
    clock.advance(days=92)
    run(platform, clock, "core:discovery_screening")
    assert [row for row in _leads(session, poor) if row.board == "civil_affairs"] == []


def test_a_lead_is_set_aside_only_with_a_reason(platform, clock, session, client, login) -> None:  # type: ignore[no-untyped-def]
    poor, _, _ = _register(session)
    run(platform, clock, "core:discovery_screening")
    lead = next(lead for lead in _leads(session, poor) if lead.programme_key == "civil_affairs.dibao")
    login("civil")

    client.post(f"/discovery/{lead.id}/dismiss", data={"note": "  "})
    assert _leads(session, poor, state=None)[0].state == "open"
    follow = client.get("/discovery").get_data(as_text=True)
    assert "请说明不予处理的理由" in follow

    client.post(f"/discovery/{lead.id}/dismiss", data={"note": "户籍已迁出, 登记信息过时"})
    dismissed = session.get(DiscoveryLead, lead.id)
    session.refresh(dismissed)
    assert (dismissed.state, dismissed.note) == ("dismissed", "户籍已迁出, 登记信息过时")
    assert "户籍已迁出" in client.get("/discovery?state=dismissed").get_data(as_text=True)
    assert "户籍已迁出" not in client.get("/discovery?state=bogus").get_data(as_text=True)  # unknown: open ones


def _left_behind_child(session: Any, name: str) -> tuple[int, Person]:
    # a grandmother raising a 9-year-old whose parents both work away: a left-behind child
    # (under 16, both parents away; youth_league's target, domain-rules §7)
    home, grandmother = B.household(session, name=f"{name}的奶奶", birth=dt.date(1958, 3, 1), income_fen=150000)
    child = Person(household_id=home.id, name=name, birth_date=dt.date(2017, 5, 1), sex="M", relation="grandchild",
                   father_status="away_working", mother_status="away_working", guardian_id=grandmother.id)
    session.add(child)
    session.flush()
    return home.id, child


def test_care_boards_learn_of_the_people_they_do_not_care_for_yet(platform, clock, session, client, login) -> None:  # type: ignore[no-untyped-def]
    alone, _ = _left_behind_child(session, "小军")
    served, child = _left_behind_child(session, "小华")
    session.add(Need(person_id=child.id, board="youth_league", need_type="youth_league.companionship",
                     category="left_behind_child", risk=2, status="approved"))
    session.commit()

    run(platform, clock, "core:discovery_screening")

    youth = {lead.household_id for lead in _leads(session) if lead.board == "youth_league"}
    assert alone in youth and served not in youth
    warning = [w for w in B.warnings(session, "discovery_care_leads") if w.board == "youth_league"]
    assert [(w.audience, w.action, w.region_code) for w in warning] == [("coordinator", "visit", "230602")]

    login("youth")
    lead = next(lead for lead in _leads(session, alone) if lead.board == "youth_league")
    page = client.get("/discovery").get_data(as_text=True)
    assert f'data-lead="{lead.id}"' in page and "尚无本板块关爱需求" in page
    assert client.post(f"/discovery/{lead.id}/case").status_code == 302
    case = session.execute(select(Case).where(Case.household_id == alone)).scalar_one()
    assert (case.channel, case.owner_board) == ("discovery", "youth_league")
