"""Income, disability-certificate, volunteer and standard imports: validated, idempotent."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
from sqlalchemy import func, select

from core.excel import importing
from core.excel.kinds import get_kind
from core.idnumber import make_id_number
from core.models import DisabilityCertificate, IncomeItem, Standard, Volunteer
from tests.core.excel.conftest import Actor, families, households_book, person_id


def _book(title: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _run(session: Any, kind: str, data: bytes, actor: Any, **kw: Any) -> importing.Outcome:
    outcome = importing.run(session, get_kind(kind), data, actor=actor, **kw)
    session.commit() if outcome.status == "done" else session.rollback()
    return outcome


def _households(session: Any, actor: Actor) -> None:
    hh, mem = families(2)
    assert _run(session, "households", households_book(hh, mem), actor).status == "done"


def test_income_items_need_a_registered_person_and_reimport_updates(session: Any, admin_actor: Actor) -> None:
    _households(session, admin_actor)
    headers = ["身份证号*", "收入类别*", "收入说明", "月收入(元)*", "起始日期"]
    rows = [[person_id(0), "工资性收入", "超市工资", 1850.5, dt.date(2026, 1, 1)],
            [person_id(1), "转移净收入", "赡养费", "300", "2026-01-01"]]
    first = _run(session, "incomes", _book("收入", headers, rows), admin_actor)
    assert (first.status, first.created) == ("done", 2)
    rows[0][3] = 1900
    again = _run(session, "incomes", _book("收入", headers, rows), admin_actor)
    assert (again.created, again.updated) == (0, 1)
    assert session.execute(select(func.count()).select_from(IncomeItem)).scalar_one() == 2
    bad = _run(session, "incomes", _book("收入", headers, [[person_id(77), "工资", "x", -5, None]]), admin_actor)
    reasons = " ".join(e["reason"] for e in bad.report["errors"])
    assert bad.status == "rejected" and "不是可选值" in reasons and "负数" in reasons and "系统中没有此人" in reasons


def test_disability_certificates_read_category_and_grade_from_the_number(session: Any, admin_actor: Actor) -> None:
    _households(session, admin_actor)
    headers = ["残疾人证号*", "姓名", "发证日期"]
    number = person_id(0) + "42"
    first = _run(session, "disabilities", _book("残疾人证", headers, [[number, None, "2020-05-01"]]), admin_actor)
    assert first.status == "done", first.report
    cert = session.execute(select(DisabilityCertificate)).scalar_one()
    assert (cert.category, cert.grade) == (4, 2)
    again = _run(session, "disabilities", _book("残疾人证", headers, [[number, None, "2020-05-01"]]), admin_actor)
    assert (again.created, again.updated) == (0, 0)
    bad = _run(session, "disabilities", _book("残疾人证", headers, [[person_id(0) + "85", None, None]]), admin_actor)
    assert bad.status == "rejected" and "类别(1-7)" in bad.report["errors"][0]["reason"]


def test_volunteers_take_the_coordinators_board_and_match_on_id(session: Any) -> None:
    coordinator = Actor(6, "coordinator", "youth_league")
    headers = ["姓名*", "身份证号*", "联系电话", "所在区划*", "技能", "背景审查日期", "审查无不良记录"]
    vid = make_id_number("230604", dt.date(1998, 7, 1), 12)
    rows = [["周晓", vid, "13600000000", "让胡路区", "辅导、陪伴", "2026-03-01", "是"]]
    first = _run(session, "volunteers", _book("志愿者", headers, rows), coordinator)
    assert first.status == "done", first.report
    volunteer = session.execute(select(Volunteer).where(Volunteer.id_number == vid)).scalar_one()
    assert volunteer.board == "youth_league" and volunteer.sex == "F" and volunteer.skills == ["辅导", "陪伴"]
    assert volunteer.lat is not None and volunteer.background_check_clear
    again = _run(session, "volunteers", _book("志愿者", headers, rows), coordinator)
    assert (again.created, again.updated) == (0, 0)
    other = _run(session, "volunteers", _book("志愿者", headers, rows), Actor(7, "coordinator", "womens_federation"))
    assert other.status == "rejected" and "其他板块" in other.report["errors"][0]["reason"]


def test_standards_are_revised_not_overwritten(session: Any, admin_actor: Actor) -> None:
    current = session.execute(select(Standard).where(Standard.effective_to.is_(None))).scalars().first()
    headers = ["标准代码*", "区划代码*", "城乡*", "数值*", "生效日期*", "依据"]
    later = current.effective_from + dt.timedelta(days=400)
    area = {"urban": "城镇", "rural": "农村", "all": "全部"}[current.area]
    rows = [[current.key, current.region_code, area, str(current.value + 10), later, "大民发〔2027〕1号"]]
    first = _run(session, "standards", _book("标准", headers, rows), admin_actor)
    assert (first.status, first.created) == ("done", 1), first.report
    session.expire_all()
    assert session.get(Standard, current.id).effective_to == later - dt.timedelta(days=1)
    again = _run(session, "standards", _book("标准", headers, rows), admin_actor)
    assert again.status == "done" and again.created == 0
    rows[0][4] = current.effective_from  # earlier than the newest value: refused
    refused = _run(session, "standards", _book("标准", headers, rows), admin_actor)
    assert refused.status == "rejected"
