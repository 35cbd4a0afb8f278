"""Exports: masking by role and board, the public notice's three fields, service hours,
no formula from user data, and an audit entry for every export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from core.idnumber import make_id_number
from core.models import (Assignment, AuditEvent, CarePlan, Case, Household, LedgerEntry, Need, Person, PlanMeasure,
                         Volunteer)

HEAD_ID = make_id_number("230602", dt.date(1960, 2, 3), 11)
PHONE = "13912345678"
EVIL = "=HYPERLINK(\"http://evil.example\",\"click\")"


@pytest.fixture
def ledger_data(session: Any) -> dict[str, Any]:
    hh = Household(region_code="230602", area_type="urban", address="萨尔图区1号")
    session.add(hh)
    session.flush()
    head = Person(household_id=hh.id, name="王秀英", id_number=HEAD_ID, birth_date=dt.date(1960, 2, 3), sex="M",
                  phone=PHONE, relation="head", inclusion_reason="head")
    spouse = Person(household_id=hh.id, name="李桂兰", id_number=make_id_number("230602", dt.date(1962, 1, 1), 22),
                    birth_date=dt.date(1962, 1, 1), sex="F", relation="spouse", inclusion_reason="spouse")
    away = Person(household_id=hh.id, name="王强", id_number=make_id_number("230602", dt.date(1990, 1, 1), 33),
                  birth_date=dt.date(1990, 1, 1), sex="M", relation="child", inclusion_reason="excluded_prison",
                  included=False)
    session.add_all([head, spouse, away])
    session.flush()
    case = Case(household_id=hh.id, subject_id=head.id, channel="application", first_reporter_board="civil_affairs",
                owner_board="civil_affairs", received_on=dt.date(2026, 1, 5), stage="enrolled")
    session.add(case)
    session.flush()
    plan = CarePlan(case_id=case.id)
    session.add(plan)
    session.flush()
    session.add(PlanMeasure(plan_id=plan.id, kind="material", board="civil_affairs",
                            programme_key="civil_affairs.urban_dibao", person_id=head.id, monthly_fen=71000,
                            start_month=dt.date(2026, 1, 1), status="active"))
    session.add_all([
        LedgerEntry(household_id=hh.id, person_id=head.id, case_id=case.id, board="civil_affairs", kind="decision",
                    summary=EVIL, amount_fen=71000),
        LedgerEntry(household_id=hh.id, person_id=head.id, board="trade_union", kind="payment",
                    summary="金秋助学", amount_fen=100000),
    ])
    volunteer = Volunteer(board="youth_league", name="赵志愿", id_number=make_id_number("230603", dt.date(1995, 5, 5), 41),
                          birth_date=dt.date(1995, 5, 5), sex="M", phone="13700000000", region_code="230603",
                          lat=46.5, lon=125.1, state="active")
    session.add(volunteer)
    session.flush()
    need = Need(person_id=head.id, board="youth_league", need_type="companionship", category="elderly_alone")
    session.add(need)
    session.flush()
    assignment = Assignment(need_id=need.id, volunteer_id=volunteer.id, state="accepted")
    session.add(assignment)
    session.flush()
    from core.volunteering.models import Visit

    session.add_all([
        Visit(assignment_id=assignment.id, volunteer_id=volunteer.id, person_id=head.id,
              visited_on=dt.date(2026, 3, 1), mode="home", minutes=90, activities="+聊天 陪伴", person_state="well",
              record_due_on=dt.date(2026, 3, 13)),
        Visit(assignment_id=assignment.id, volunteer_id=volunteer.id, person_id=head.id,
              visited_on=dt.date(2026, 3, 8), mode="phone", minutes=30, activities="电话问候", person_state="stable",
              record_due_on=dt.date(2026, 3, 20), confirmation="pending"),
    ])
    session.commit()
    return {"household": hh.id, "head": head.id, "volunteer": volunteer.id}


def _sheet_values(data: bytes, title: str | None = None) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[title] if title else wb.worksheets[0]
    return list(ws.iter_rows(values_only=True))


def _text(rows: list[tuple[Any, ...]]) -> str:
    return " ".join(str(v) for row in rows for v in row if v is not None)


def test_admin_sees_identifiers_and_the_export_is_audited(excel_app: Any, client: Any, login: Any,
                                                          ledger_data: dict[str, Any], session: Any) -> None:
    login("root")
    response = client.get(f"/exports/ledger.xlsx?person={ledger_data['head']}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    rows = _sheet_values(response.data)
    assert rows[0][0].startswith("台账") and "导出人" in _text(rows[:5])
    # the header row stays in view and repeats on every printed page: frozen below it, printed through it
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    header = next(i for i, row in enumerate(rows, start=1) if row[0] == "日期时间")
    assert sheet.freeze_panes == f"A{header + 1}" and sheet.print_title_rows == f"$1:${header}"
    assert HEAD_ID in _text(rows) and PHONE in _text(rows)
    events = session.execute(select(AuditEvent).where(AuditEvent.action == "export")).scalars().all()
    assert len(events) == 1 and events[0].object_type == "ledger" and "2 rows" in events[0].reason


def test_a_board_sees_its_own_rows_unmasked_and_nothing_of_other_boards(excel_app: Any, client: Any, login: Any,
                                                                         ledger_data: dict[str, Any]) -> None:
    login("civil")
    rows = _sheet_values(client.get("/exports/ledger.xlsx").data)
    text = _text(rows)
    assert HEAD_ID in text and "金秋助学" not in text  # the trade union's entry is not theirs
    assert client.get("/exports/ledger.xlsx?board=trade_union").status_code == 403


def test_everyone_else_gets_masked_identifiers(excel_app: Any, client: Any, login: Any,
                                               ledger_data: dict[str, Any]) -> None:
    login("auditor")
    text = _text(_sheet_values(client.get("/exports/ledger.xlsx").data))
    assert HEAD_ID not in text and PHONE not in text
    assert HEAD_ID[:6] + "********" + HEAD_ID[-4:] in text and "139****5678" in text
    client.post("/logout")
    login("youth")  # a coordinator is board-bound but not the owning board's staff
    assert HEAD_ID not in _text(_sheet_values(client.get("/exports/ledger.xlsx").data))
    client.post("/logout")
    login("grid")
    assert client.get("/exports/ledger.xlsx").status_code == 403


def test_user_text_never_becomes_a_formula(excel_app: Any, client: Any, login: Any, ledger_data: dict[str, Any]) -> None:
    login("root")
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/exports/ledger.xlsx").data))
    cells = [c for row in wb.worksheets[0].iter_rows() for c in row if c.value == EVIL]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not [c for row in wb.worksheets[0].iter_rows() for c in row if c.data_type == "f"]


def test_the_public_notice_has_exactly_name_household_size_and_amount(excel_app: Any, client: Any, login: Any,
                                                                      ledger_data: dict[str, Any], session: Any) -> None:
    login("civil")
    response = client.get("/exports/public-notice.xlsx?programme=civil_affairs.urban_dibao")
    assert response.status_code == 200
    rows = [r for r in _sheet_values(response.data) if any(v is not None for v in r)]
    header_at = next(i for i, r in enumerate(rows) if r[0] == "姓名")
    assert [v for v in rows[header_at] if v is not None] == ["姓名", "家庭人口", "金额(元/月)"]
    body = rows[header_at + 1:]
    assert body == [("王秀英", 2, 710)]  # the member serving a sentence is not counted (S2 Art. 13)
    text = _text(rows)
    assert HEAD_ID not in text and HEAD_ID[-4:] not in text and PHONE[-4:] not in text
    assert "导出人" not in text  # a posted list names no clerk
    assert session.execute(select(AuditEvent).where(AuditEvent.object_type == "public_notice")).scalar_one()
    client.post("/logout")
    login("union")
    assert client.get("/exports/public-notice.xlsx?programme=civil_affairs.urban_dibao").status_code == 403


def test_service_hours_per_visit_with_confirmed_totals(excel_app: Any, client: Any, login: Any,
                                                       ledger_data: dict[str, Any]) -> None:
    login("youth")
    response = client.get("/exports/service-hours.xlsx")
    assert response.status_code == 200
    rows = _sheet_values(response.data, "服务时长")
    visits = [r for r in rows if r[0] == "赵志愿"]
    assert len(visits) == 2 and visits[0][7] == 1.5
    assert visits[0][6] == "+聊天 陪伴"  # kept as text, not a formula
    assert "13700000000" not in _text(rows)  # a coordinator sees masked numbers
    totals = _sheet_values(response.data, "合计")
    assert ("赵志愿", 1.5) in totals  # the pending half hour does not count yet
    client.post("/logout")
    login("civil")
    assert client.get("/exports/service-hours.xlsx?board=youth_league").status_code == 403
