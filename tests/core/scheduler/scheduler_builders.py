"""Small hand-made data for the scheduler tests: households, cases with plans and deadlines,
needs with volunteers and visits, grid workers, and a throw-away board with one job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.api import BoardInfo, Job, hookimpl
from core.casework.models import CaseDeadline, CaseDetail
from core.idnumber import make_id_number
from core.models import (
    Assignment,
    Case,
    CarePlan,
    CaseResponsibility,
    Household,
    IncomeItem,
    Need,
    Person,
    PlanMeasure,
    Region,
    User,
    Volunteer,
)
from core.scheduler.models import EarlyWarning, JobRun

DAY = dt.date(2026, 3, 4)  # a Wednesday, a working day
_seq = iter(range(100, 999))


def user_id(session: Session, username: str) -> int:
    return session.execute(select(User.id).where(User.username == username)).scalar_one()


def community(session: Session, code: str = "230602001001") -> str:
    """A street and a community below 萨尔图区, so warnings can be scoped to the street."""
    if session.get(Region, "230602001") is None:
        session.add(Region(code="230602001", name="测试街道", level="street", parent_code="230602"))
        session.flush()
    if session.get(Region, code) is None:
        session.add(Region(code=code, name="测试社区", level="community", parent_code="230602001"))
        session.flush()
    return code


def household(session: Session, *, name: str = "张建国", income_fen: int = 0, birth: dt.date = dt.date(1970, 5, 1),
              employment: str = "never", region: str | None = None) -> tuple[Household, Person]:
    home = Household(region_code=region or community(session), area_type="urban", address="测试路 1 号")
    session.add(home)
    session.flush()
    person = Person(household_id=home.id, name=name, birth_date=birth, sex="M", employment=employment,
                    id_number=make_id_number("230602", birth, next(_seq)), labour_capacity="none")
    session.add(person)
    session.flush()
    if income_fen:
        session.add(IncomeItem(person_id=person.id, category="wage", monthly_fen=income_fen))
        session.flush()
    return home, person


def case(session: Session, *, board: str = "civil_affairs", responsible: tuple[str, ...] | None = None,
         stage: str = "active", next_evaluation_on: dt.date | None = None, programmes: tuple[str, ...] = (),
         income_fen: int = 0, person: Person | None = None) -> Case:
    if person is None:
        home, person = household(session, income_fen=income_fen)
    c = Case(household_id=person.household_id, subject_id=person.id, channel="application",
             first_reporter_board=board, owner_board=board, stage=stage, received_on=DAY - dt.timedelta(days=400))
    session.add(c)
    session.flush()
    session.add(CaseDetail(case_id=c.id, track="dibao" if board == "civil_affairs" else "other",
                           next_evaluation_on=next_evaluation_on, approved_on=DAY - dt.timedelta(days=380)))
    for b in (responsible if responsible is not None else (board,)):
        session.add(CaseResponsibility(case_id=c.id, board=b, named_on=DAY - dt.timedelta(days=380)))
    if programmes:
        plan = CarePlan(case_id=c.id)
        session.add(plan)
        session.flush()
        for key in programmes:
            session.add(PlanMeasure(plan_id=plan.id, kind="material", board=key.split(".")[0], programme_key=key,
                                    person_id=person.id, monthly_fen=10000, start_month=dt.date(2025, 1, 1)))
    session.flush()
    session.refresh(c)
    return c


def deadline(session: Session, case_: Case, key: str, due_on: dt.date, done_on: dt.date | None = None) -> CaseDeadline:
    row = CaseDeadline(case_id=case_.id, key=key, limit_key=key, starts_on=due_on - dt.timedelta(days=5),
                       due_on=due_on, done_on=done_on)
    session.add(row)
    session.flush()
    return row


def need(session: Session, *, board: str = "youth_league", risk: int = 2, category: str = "left_behind_child",
         every: int = 30, status: str = "approved", case_id: int | None = None, name: str = "小明") -> Need:
    _home, person = household(session, name=name, birth=dt.date(2015, 4, 1))
    n = Need(person_id=person.id, board=board, need_type="companionship", category=category, risk=risk,
             visit_every_days=every, status=status, case_id=case_id)
    session.add(n)
    session.flush()
    return n


def volunteer(session: Session, *, board: str = "youth_league", name: str = "李志强", state: str = "active",
              checked_on: dt.date | None = None) -> Volunteer:
    birth = dt.date(1995, 6, 1)
    v = Volunteer(board=board, name=name, id_number=make_id_number("230602", birth, next(_seq)), birth_date=birth,
                  sex="M", region_code="230602", lat=46.6, lon=125.0, skills=["companionship"], languages=["zh"],
                  slots=["sat_am"], capacity=3, state=state, background_checked_on=checked_on,
                  background_check_clear=checked_on is not None)
    session.add(v)
    session.flush()
    return v


def matched(session: Session, n: Need, v: Volunteer, *, started_on: dt.date, visits: tuple[dt.date, ...] = ()) -> Assignment:
    from core.volunteering.models import Visit

    a = Assignment(need_id=n.id, volunteer_id=v.id, state="accepted", started_on=started_on)
    session.add(a)
    session.flush()
    for day in visits:
        session.add(Visit(assignment_id=a.id, volunteer_id=v.id, person_id=n.person_id, visited_on=day, mode="home",
                          minutes=60, person_state="stable", record_due_on=day + dt.timedelta(days=14)))
    session.flush()
    return a


def warnings(session: Session, kind: str | None = None) -> list[EarlyWarning]:
    query = select(EarlyWarning).order_by(EarlyWarning.id)
    if kind:
        query = query.where(EarlyWarning.kind == kind)
    session.expire_all()
    return list(session.execute(query).scalars())


def count_rows(session: Session, model: Any) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def runs(session: Session, job_id: str) -> list[JobRun]:
    session.expire_all()
    return list(session.execute(select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.id)).scalars())


# -- a throw-away board with one job --------------------------------------------------------------

CALLS: list[str] = []


def tick(ctx: Any) -> str:
    """Raise one warning per day: a second run on the same day adds nothing."""
    CALLS.append(ctx.period_key)
    ctx.warn("standard_effective", f"tick:{ctx.today}", params={"key": "sched_test.tick", "value": 1, "unit": "",
             "on": ctx.today, "region": "230600"}, level="info")
    return "ticked"


class SchedTestBoard:
    """Installed for a test only (``extra_plugins``); starts disabled like any new board."""

    @hookimpl
    def board_info(self) -> BoardInfo:
        return BoardInfo(key="sched_test", name_zh="调度测试", name_en="Scheduler test", lead_body_zh="测试",
                         lead_body_en="Test", kind="care")

    @hookimpl
    def register_jobs(self) -> list[Job]:
        return [Job("tick", tick, trigger="cron", trigger_args={"hour": 3, "minute": 0}, description="Tick once a day")]
