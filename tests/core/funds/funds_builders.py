"""Shared helpers for the funds tests: the blueprint until core registers it, users as
actors, funds, and hand-made households with cases and measures of several boards."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from core.funds import services as fs
from core.idnumber import make_id_number
from core.models import Case, CarePlan, CaseResponsibility, Household, Need, Person, PlanMeasure, User

_sequence = iter(range(300, 999))


def with_funds(app: Any) -> Any:
    from core.funds.views import bp

    if "funds" not in app.blueprints:
        app.register_blueprint(bp)
    return app


def actor(session: Any, username: str) -> User:
    return session.execute(select(User).where(User.username == username)).scalar_one()


def fund(session: Any, username: str = "civil", *, balance_fen: int = 0, **kwargs: Any) -> Any:
    kwargs.setdefault("name_zh", "测试资金")
    kwargs.setdefault("owner_kind", "board")
    kwargs.setdefault("board", "civil_affairs")
    row = fs.open_fund(session, actor(session, username), fs.NewFund(**kwargs))
    if balance_fen:
        fs.record_income(session, actor(session, username if username != "root" else "root"), row.id,
                         amount_fen=balance_fen, on=dt.date(2026, 1, 5), donor="大庆某商会")
    session.commit()
    return row


def household(session: Any, region: str = "230602", name: str = "张建国", born: dt.date = dt.date(1968, 5, 17)) -> Household:
    home = Household(region_code=region, area_type="urban", address="萨尔图区某街道1号")
    session.add(home)
    session.flush()
    session.add(Person(household_id=home.id, name=name, id_number=make_id_number(region[:6], born, next(_sequence)),
                       birth_date=born, sex="M"))
    session.flush()
    return home


def case(session: Any, home: Household, board: str = "civil_affairs", *, stage: str = "active",
         findings: list[dict[str, Any]] | None = None, responsible: tuple[str, ...] = ()) -> Case:
    row = Case(household_id=home.id, subject_id=home.members[0].id, channel="application", first_reporter_board=board,
               owner_board=board, stage=stage, received_on=dt.date(2026, 3, 2), findings=findings)
    session.add(row)
    session.flush()
    for b in responsible or (board,):
        session.add(CaseResponsibility(case_id=row.id, board=b, named_on=dt.date(2026, 3, 12)))
    session.add(CarePlan(case_id=row.id))
    session.flush()
    return row


def material(session: Any, row: Case, board: str, key: str, monthly_fen: int | None = 50000,
             start: dt.date = dt.date(2026, 4, 1), status: str = "active") -> PlanMeasure:
    plan = session.execute(select(CarePlan).where(CarePlan.case_id == row.id)).scalar_one()
    measure = PlanMeasure(plan_id=plan.id, kind="material", board=board, programme_key=key, monthly_fen=monthly_fen,
                          start_month=start, status=status)
    session.add(measure)
    session.flush()
    return measure


def care(session: Any, row: Case, board: str, need_type: str, category: str, risk: int = 3) -> PlanMeasure:
    from core.casework.models import CareMeasureNeed

    plan = session.execute(select(CarePlan).where(CarePlan.case_id == row.id)).scalar_one()
    person = row.household.members[0]
    measure = PlanMeasure(plan_id=plan.id, kind="care", board=board, programme_key=need_type, person_id=person.id,
                          start_month=dt.date(2026, 4, 1), status="active")
    need = Need(case_id=row.id, person_id=person.id, board=board, need_type=need_type, category=category, risk=risk,
                status="approved")
    session.add_all([measure, need])
    session.flush()
    session.add(CareMeasureNeed(measure_id=measure.id, need_id=need.id))
    session.flush()
    return measure
