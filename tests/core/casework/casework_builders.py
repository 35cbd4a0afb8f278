"""Shared helpers for the casework tests: users as actors, households, and a case walked
through the four review steps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from core.casework import notice
from core.casework import services as cw
from core.idnumber import make_id_number
from core.models import LedgerEntry, User

MONDAY = dt.date(2026, 3, 2)  # an ordinary week: no holiday for the next 20 working days
_sequence = iter(range(100, 999))


def actor(session: Any, username: str) -> User:
    return session.execute(select(User).where(User.username == username)).scalar_one()


def boards_of(app: Any) -> Any:
    return app.extensions["carematch"].boards


def id_number(born: dt.date = dt.date(1968, 5, 17), region: str = "230602") -> str:
    return make_id_number(region, born, next(_sequence))


def household(region: str = "230602", members: int = 1, born: dt.date = dt.date(1968, 5, 17),
              area: str = "urban") -> cw.NewHousehold:
    people = [cw.NewMember("张建国", id_number(born, region[:6]), "head")]
    if members > 1:
        people.append(cw.NewMember("李秀英", id_number(dt.date(1970, 2, 3), region[:6]), "spouse"))
    for i in range(2, members):
        people.append(cw.NewMember(f"张小{i}", id_number(dt.date(2015, 6, i), region[:6]), "child"))
    return cw.NewHousehold(region_code=region, area_type=area, address="萨尔图区某街道1号", members=people)


def open_case(session: Any, username: str = "civil", board: str = "civil_affairs", channel: str = "application",
              on: dt.date = MONDAY, **kwargs: Any) -> Any:
    kwargs.setdefault("household", household())
    case = cw.open_case(session, actor(session, username), board=board, channel=channel, received_on=on, **kwargs)
    session.commit()
    return case


def all_documents(case: Any, app: Any, session: Any) -> dict[str, bool]:
    catalogue = cw.programmes(boards_of(app), cw.enabled_boards(session))
    return {item["key"]: True for item in cw.document_checklist(case, catalogue)}


def run_review(session: Any, app: Any, case: Any, username: str, on: dt.date = MONDAY, submit: bool = True) -> Any:
    """The four review steps, recorded by ``username`` (of the owning board), then submission."""
    who = actor(session, username)
    boards = boards_of(app)
    cw.record_pre_check(session, who, case.id, boards, on + dt.timedelta(days=1))
    cw.record_impact_assessment(session, who, case.id, level="high", notes="家庭主要劳动力患病, 生活困难",
                                on=on + dt.timedelta(days=2))
    cw.record_home_visit(session, who, case.id, visited_on=on + dt.timedelta(days=3), investigators=["王敏", "刘洋"],
                         findings="住房简陋, 无稳定收入", investigators_signed=True, household_signed=True)
    cw.record_document_check(session, who, case.id, boards, present=all_documents(case, app, session),
                             notes="材料齐全", on=on + dt.timedelta(days=4))
    if submit:
        submitted_on = on + dt.timedelta(days=4)
        if notice.notice_required(session, case):
            # the preliminary opinion is posted for 7 days (S2 Art. 19; S6 Art. 14) before submission
            notice.post_public_notice(session, who, case.id, location="社区公示栏", starts_on=submitted_on,
                                      amount_fen=None if notice._proposed_amount(case) else 50000)
            submitted_on += dt.timedelta(days=7)
        cw.submit_for_joint_review(session, who, case.id, submitted_on)
    session.commit()
    return case


def include(session: Any, case: Any, boards: list[str], on: dt.date = MONDAY + dt.timedelta(days=14)) -> Any:
    meeting = cw.hold_joint_review(
        session, actor(session, "reviewer"), held_on=on,
        members=[{"name": "王主任", "board": "civil_affairs"}, {"name": "赵部长", "board": "trade_union"}],
        minutes="逐户审议", decisions=[cw.DecisionInput(case.id, "include", "符合条件, 同意纳入", boards)])
    session.commit()
    return meeting


def ledger_count(session: Any) -> int:
    return session.scalar(select(func.count()).select_from(LedgerEntry))


def ledger_kinds(session: Any, case_id: int) -> list[str]:
    return [e.kind for e in session.execute(
        select(LedgerEntry).where(LedgerEntry.case_id == case_id).order_by(LedgerEntry.id)).scalars()]
