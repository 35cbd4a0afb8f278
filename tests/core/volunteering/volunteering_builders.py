"""Small hand-made data for the volunteering tests: a household, a person with a need,
a volunteer (optionally bound to a login) and an assignment between them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.idnumber import make_id_number
from core.volunteering.services import local_today
from core.models import Assignment, Household, Need, Person, Region, User, Volunteer

TODAY = local_today()  # the city's date (Asia/Shanghai), as the services use
_seq = iter(range(10, 999))


def user_id(session: Session, username: str) -> int:
    return session.execute(select(User.id).where(User.username == username)).scalar_one()


def community(session: Session, code: str = "230602001001", name: str = "测试社区", parent: str = "230602") -> str:
    """A community below 萨尔图区, so the approximate area has two levels."""
    if session.get(Region, code) is None:
        session.add(Region(code=code, name=name, level="community", parent_code=parent))
        session.flush()
    return code


def recipient(session: Session, *, name: str = "王秀兰", birth: dt.date = dt.date(1940, 3, 1), sex: str = "F",
              category: str = "elderly_alone", board: str = "womens_federation", need_type: str = "companionship",
              address: str = "萨尔图区友谊路 12 号 3 单元 501", skills: list[str] | None = None,
              needs_check: bool = False, every: int = 30, id_number: str | None = "auto") -> Need:
    household = Household(region_code=community(session), area_type="urban", address=address)
    session.add(household)
    session.flush()
    if id_number == "auto":
        id_number = make_id_number("230602", birth, next(_seq))
    person = Person(household_id=household.id, name=name, birth_date=birth, sex=sex, id_number=id_number,
                    phone="13800001111")
    session.add(person)
    session.flush()
    need = Need(person_id=person.id, board=board, need_type=need_type, category=category, risk=2,
                required_skills=skills or [], needs_background_check=needs_check, slots=["sat_am", "wed_pm"],
                visit_every_days=every, status="approved")
    session.add(need)
    session.flush()
    return need


def volunteer(session: Session, *, username: str | None = "vol", name: str = "李志强", board: str = "womens_federation",
              birth: dt.date = dt.date(1995, 6, 1), checked_on: dt.date | None = None, clear: bool = True,
              state: str = "active") -> Volunteer:
    v = Volunteer(user_id=user_id(session, username) if username else None, board=board, name=name,
                  id_number=make_id_number("230602", birth, next(_seq)), birth_date=birth, sex="M",
                  phone="13900002222", region_code="230602", lat=46.6, lon=125.0, skills=["companionship"],
                  languages=["zh"], slots=["sat_am"], capacity=2, max_km=10,
                  background_checked_on=checked_on, background_check_clear=clear if checked_on else False,
                  state=state)
    session.add(v)
    session.flush()
    return v


def assign(session: Session, need: Need, vol: Volunteer, state: str = "proposed", **kw: Any) -> Assignment:
    a = Assignment(need_id=need.id, volunteer_id=vol.id, state=state, **kw)
    session.add(a)
    session.flush()
    return a


def mount(app: Any) -> Any:
    """Register the volunteering blueprint until the integrator wires it into core.app."""
    if "volunteering" not in app.blueprints:
        from core.volunteering.views import bp

        app.register_blueprint(bp)
    return app
