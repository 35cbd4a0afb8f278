"""Builders of small hand-made needs, volunteers and households for the match-run tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import Assignment, Household, Need, Person, Volunteer

TODAY = dt.date.today()
SARTU = "230602"      # 萨尔图区
LONGFENG = "230603"   # 龙凤区
# a point in Sartu; 0.01° of latitude is about 1.1 km
LAT, LON = 46.60, 125.02


class Maker:
    """Adds rows with sensible defaults; every call flushes so ids are known."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.n = 0

    def need(self, *, board: str = "youth_league", region: str = SARTU, lat: float = LAT, lon: float = LON,
             birth_date: dt.date = dt.date(1950, 1, 1), category: str = "elderly_alone", risk: int = 2,
             status: str = "approved", **fields: Any) -> Need:
        self.n += 1
        household = Household(region_code=region, area_type="urban", lat=lat, lon=lon)
        person = Person(name=f"P{self.n}", birth_date=birth_date, sex="F", household=household)
        fields.setdefault("slots", ["mon_am"])
        need = Need(person=person, board=board, need_type=f"{board}.visit", category=category, risk=risk,
                    status=status, **fields)
        self.session.add_all([household, person, need])
        self.session.flush()
        return need

    def volunteer(self, *, board: str = "youth_league", region: str = SARTU, lat: float = LAT, lon: float = LON,
                  birth_date: dt.date = dt.date(1990, 1, 1), sex: str = "F", state: str = "active",
                  **fields: Any) -> Volunteer:
        self.n += 1
        fields.setdefault("slots", ["mon_am"])
        fields.setdefault("capacity", 2)
        volunteer = Volunteer(board=board, name=f"V{self.n}", birth_date=birth_date, sex=sex, region_code=region,
                              lat=lat, lon=lon, state=state, **fields)
        self.session.add(volunteer)
        self.session.flush()
        return volunteer

    def assignment(self, need: Need, volunteer: Volunteer, state: str = "accepted") -> Assignment:
        row = Assignment(need_id=need.id, volunteer_id=volunteer.id, state=state, started_on=TODAY)
        self.session.add(row)
        self.session.flush()
        return row
