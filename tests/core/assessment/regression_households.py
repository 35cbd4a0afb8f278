"""Seeded households and scenarios for the assessment regression check.

The fingerprints in ``assessment_fingerprints.txt`` were computed from this generator
with the engine as it was before the performance work (commit 663bb6f); the test
recomputes them with the current engine, so any change in a finding's status, amounts,
reasons (template keys, parameters, standards, rendered texts), subjects, labels,
approval or facts shows up as a changed household.

The generator is deliberately wider than the benchmark's: deceased and excluded
members, several and expired certificates, id-number-less members, recorded supporters
of every kind, central heating with an area, events with losses, undated spending,
every enrolment, near relatives of staff. Scenarios add a yearly dibao standard that is
not a whole number of fen a month, a region-specific override and a triggered CPI link.

Do not change this module: the stored fingerprints depend on every random draw.
Regenerate with ``python tests/core/assessment/test_assessment_regression.py --write``
only from an engine known to be right.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from decimal import Decimal

from core.assessment import (
    AssetItem,
    DisabilityCert,
    ExpenditureItem,
    HardshipEvent,
    HouseholdSnapshot,
    IncomeItem,
    MemberSnapshot,
    SelfCareAssessment,
    StandardRecord,
    Supporter,
)

BOARDS = ("civil_affairs", "trade_union", "disabled_federation", "youth_league", "womens_federation")
COUNTIES = ("230602", "230603", "230604", "230605", "230606", "230621", "230622", "230623", "230624")
ENROLMENTS = (
    "civil_affairs.dibao",
    "civil_affairs.tekun",
    "civil_affairs.marginal_household",
    "civil_affairs.dibao_single_person",
)
EXEMPT = ("basic_pension", "scholarship", "old_age_allowance", "social_assistance")
PARENT = ("present", "away_working", "deceased", "missing", "unable", "imprisoned")
UNABLE = ("tekun", "dibao_aged_60_plus", "imprisoned", "missing", "no_civil_capacity")
RELATIONSHIPS = ("spouse", "parent", "child", "grandparent", "grandchild", "sibling", "other")


def load_boards():
    programmes, standards = [], []
    for board in BOARDS:
        programmes += importlib.import_module(f"plugins.{board}.programmes").PROGRAMMES
        standards += importlib.import_module(f"plugins.{board}.standards").DEFAULT_STANDARDS
    return programmes, standards


def scenarios():
    """(name, day, extra standard records) — the records are added to every board's defaults."""
    start = dt.date(2021, 1, 1)
    return [
        ("defaults", dt.date(2024, 6, 1), []),
        ("leap_day", dt.date(2024, 2, 29), []),
        (
            "overrides",
            dt.date(2025, 1, 15),
            [
                # 9,100 yuan a year: 758.33… yuan a month, not a whole number of fen
                StandardRecord("civil_affairs.dibao_standard", "230602", "rural", Decimal("9100"), "yuan/year", start),
                StandardRecord("civil_affairs.dibao_standard", "230603", "urban", Decimal("733.5"), "yuan/month", start),
                StandardRecord("civil_affairs.cpi_yoy", "230600", "all", Decimal("3.6"), "percent", dt.date(2024, 12, 1)),
                StandardRecord("civil_affairs.marginal_income_multiplier", "230604", "all", Decimal("1.35"), "ratio", start),
                StandardRecord("civil_affairs.rigid_deduction_share", "230600", "all", Decimal("0.7"), "ratio", dt.date(2024, 1, 1)),
            ],
        ),
    ]


def _birth(rng: random.Random, on: dt.date, age: int) -> dt.date:
    if rng.random() < 0.01:
        return dt.date(on.year - age, 2, 29) if (on.year - age) % 4 == 0 else dt.date(on.year - age, 3, 1)
    return on - dt.timedelta(days=age * 365 + rng.randrange(365))


def make_household(rng: random.Random, index: int, on: dt.date) -> HouseholdSnapshot:
    county = rng.choice(COUNTIES)
    region = county if rng.random() < 0.2 else f"{county}{rng.randrange(1, 12):03d}"
    area = rng.choice(("urban", "rural"))
    size = rng.choices((1, 2, 3, 4, 5, 6), weights=(20, 30, 22, 15, 8, 5))[0]
    low_income = rng.random() < 0.45
    head_age = rng.choice((rng.randrange(18, 60), rng.randrange(55, 100), rng.randrange(14, 20)))
    ages = [head_age]
    if size >= 2:
        ages.append(max(16, head_age + rng.randrange(-8, 8)))
    for _ in range(size - len(ages)):
        ages.append(rng.choice((rng.randrange(0, 18), rng.randrange(0, 16), rng.randrange(16, 30), rng.randrange(55, 95))))
    parents_away = rng.random() < 0.35
    members = []
    for position, age in enumerate(ages):
        pid = f"{index}-{position}"
        if position == 0:
            inclusion = "head"
        elif position == 1:
            inclusion = rng.choice(("spouse", "spouse", "spouse", "co_resident_supporter", "adult_dependent_child"))
        else:
            inclusion = "minor_child" if age < 18 else rng.choice(("adult_dependent_child", "co_resident_supporter"))
        if position >= 1 and rng.random() < 0.05:
            inclusion = rng.choice(("excluded_prison", "excluded_missing", "excluded_clergy", "excluded_rehab", "excluded_other"))
        incomes: tuple = ()
        if 16 <= age < 60 and rng.random() < 0.7:
            monthly = rng.randrange(0, 1600) if low_income else rng.randrange(1200, 9000)
            incomes = (IncomeItem(rng.choice(("wage", "wage", "business", "property")), monthly * 100 + rng.randrange(100),
                                  employment_cost_fen=rng.choice((0, 0, 5000, 20000, 999999))),)
        elif age >= 55 and rng.random() < 0.85:
            monthly = rng.randrange(0, 900) if low_income else rng.randrange(900, 4000)
            incomes = (IncomeItem("transfer", monthly * 100),)
        if rng.random() < 0.25:
            incomes += (IncomeItem("transfer", rng.randrange(50, 500) * 100, exempt_reason=rng.choice(EXEMPT)),)
        if rng.random() < 0.05:
            incomes += (IncomeItem("other", rng.randrange(1, 300) * 100),)
        disabilities: tuple = ()
        if rng.random() < 0.12:
            disabilities = tuple(
                DisabilityCert(rng.randrange(1, 8), rng.randrange(1, 5),
                               valid_until=rng.choice((None, None, on - dt.timedelta(days=rng.randrange(1, 400)),
                                                       on + dt.timedelta(days=rng.randrange(0, 400)))))
                for _ in range(rng.choice((1, 1, 1, 2)))
            )
        self_care = None
        if (age >= 55 or disabilities) and rng.random() < 0.45:
            self_care = SelfCareAssessment(on - dt.timedelta(days=rng.randrange(0, 700)), *[rng.random() > 0.3 for _ in range(6)])
        supporters: tuple = ()
        if rng.random() < 0.6:
            supporters = tuple(
                Supporter(f"义务人{k}", rng.choice(RELATIONSHIPS), able, None if able else rng.choice(UNABLE))
                for k, able in enumerate(rng.random() < 0.5 for _ in range(rng.choice((1, 1, 2))))
            )
        father = mother = None
        if age < 18 or rng.random() < 0.03:
            if parents_away:
                father, mother = rng.choice(PARENT), rng.choice(PARENT)
            elif rng.random() < 0.7:
                father = mother = "present"
        student = (
            "preschool" if 3 <= age < 6 else "compulsory" if 6 <= age < 15 else "high_school" if 15 <= age < 18
            else rng.choice(("undergraduate", "vocational", "postgraduate", "none")) if 18 <= age < 24 else "none"
        )
        entered = None
        if student != "none" and rng.random() < 0.5:
            entered = on - dt.timedelta(days=rng.randrange(0, 800))
        employment = rng.choice(("employed", "unemployed", "retired", "never"))
        deceased_on = None
        if rng.random() < 0.03:
            deceased_on = on - dt.timedelta(days=rng.randrange(-30, 700))
        members.append(
            MemberSnapshot(
                pid, f"居民{pid}", _birth(rng, on, age), rng.choice("MF"),
                relation="户主" if position == 0 else "家属",
                inclusion=inclusion,
                labour_capacity=rng.choice(("full", "partial", "none")) if rng.random() < 0.3 else ("none" if age >= 60 else "full"),
                student_level=student,
                entered_current_level_on=entered,
                employment=employment,
                union_member=rng.random() < 0.35,
                serious_illness=rng.random() < 0.06,
                contracted_land=rng.random() < (0.7 if area == "rural" else 0.1),
                lives_alone=size == 1 or rng.random() < 0.03,
                long_term_care=bool(disabilities) and rng.random() < 0.4,
                father_status=father,
                mother_status=mother,
                guardian_id=f"{index}-0" if father and rng.random() < 0.5 else None,
                deceased_on=deceased_on,
                disabilities=disabilities,
                self_care=self_care,
                supporters=supporters,
                incomes=incomes,
                requests=rng.choice(((), (), ("rehabilitation",), ("assistive_device",), ("rehabilitation", "assistive_device")))
                if disabilities else (),
            )
        )
    expenditures = tuple(
        ExpenditureItem(rng.choice(("medical", "education", "rehabilitation", "living", "other")), rng.randrange(0, 60000) * 100,
                        None if rng.random() < 0.1 else on - dt.timedelta(days=rng.randrange(0, 500)))
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 3)))
    )
    events = tuple(
        HardshipEvent(rng.choice(("fire", "traffic_accident", "accident", "sudden_illness", "disaster", "other")),
                      on - dt.timedelta(days=rng.randrange(-5, 200)), loss_fen=rng.choice((0, rng.randrange(1, 5000000))))
        for _ in range(rng.choice((0,) * 12 + (1, 2)))
    )
    assets = tuple(
        AssetItem(rng.choice(("deposit", "vehicle", "house")), rng.randrange(0, 120000) * 100, exempt=rng.random() < 0.3)
        for _ in range(rng.choice((0, 1, 1, 2)))
    )
    heating = rng.choice((None, "central", "self", "none")) if area == "urban" else rng.choice(("self", None))
    return HouseholdSnapshot(
        f"reg-{index}", region, area, tuple(members),
        assets=assets,
        expenditures=expenditures,
        events=events,
        near_relative_of_staff=rng.random() < 0.03,
        only_child_deceased=size <= 3 and rng.random() < 0.08,
        enrolled_programmes=frozenset(e for e in ENROLMENTS if rng.random() < (0.3 if low_income else 0.03)),
        heating=heating,
        heated_area_m2=Decimal(rng.randrange(200, 1500)) / 10 if heating == "central" and rng.random() < 0.8 else None,
    )


def households(count: int, on: dt.date, seed: int) -> list[HouseholdSnapshot]:
    rng = random.Random(seed)
    return [make_household(rng, i, on) for i in range(count)]
