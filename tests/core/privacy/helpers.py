"""Small builders for the privacy tests: rows made directly, no services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from core.auth import create_user
from core.idnumber import make_id_number
from core.models import Case, Household, Person, User

PASSWORD = "correct horse battery staple"
_seq = [100]


def household(session: Any, region: str = "230602", born: dt.date = dt.date(1970, 1, 1), name: str = "张三",
              phone: str = "13912345678") -> tuple[Household, Person]:
    _seq[0] += 1
    record = Household(region_code=region, area_type="urban", address="测试街1号")
    session.add(record)
    session.flush()
    person = Person(household_id=record.id, name=name, id_number=make_id_number(region[:6], born, _seq[0]),
                    birth_date=born, sex="M" if _seq[0] % 2 else "F", relation="head", phone=phone)
    session.add(person)
    session.flush()
    return record, person


def case(session: Any, record: Household, person: Person, board: str = "civil_affairs") -> Case:
    row = Case(household_id=record.id, subject_id=person.id, channel="application", first_reporter_board=board,
               owner_board=board, received_on=dt.date(2026, 3, 2), stage="received")
    session.add(row)
    session.flush()
    return row


def user(session: Any, username: str, role: str, board: str | None = None, region: str | None = "230600") -> User:
    existing = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if existing is not None:
        return existing
    return create_user(session, username, PASSWORD, role=role, board=board, region_code=region)
