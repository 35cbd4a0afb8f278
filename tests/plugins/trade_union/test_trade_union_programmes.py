"""Worked examples for the trade-union programmes on the board's default (assumed) standards:
hardship line 1.5 × dibao standard (710 urban → 1065), relief 1000, grants 2000 / 5000,
medical relief (spending − 5000) × 0.5 capped at 20000, festival visit 500, district limit 2000."""

import datetime as dt

from core.api import (
    ELIGIBLE,
    NOT_ELIGIBLE,
    ExpenditureItem,
    HardshipEvent,
    HouseholdSnapshot,
    HouseholdView,
    IncomeItem,
    MemberSnapshot,
    StandardTable,
)
from plugins.civil_affairs.standards import DEFAULT_STANDARDS as CIVIL
from plugins.trade_union.programmes import PROGRAMMES
from plugins.trade_union.standards import DEFAULT_STANDARDS

ON = dt.date(2024, 6, 1)
TABLE = StandardTable([*DEFAULT_STANDARDS, *CIVIL])  # the hardship line cross-reads the dibao standard
BY_KEY = {p.key: p for p in PROGRAMMES}
YUAN = 100


def member(pid, age=45, **kw):
    return MemberSnapshot(pid, pid.upper(), ON.replace(year=ON.year - age) - dt.timedelta(days=10), kw.pop("sex", "M"), **kw)


def worker(income_yuan, **kw):
    return member("a", union_member=True, employment="employed", incomes=(IncomeItem("wage", income_yuan * YUAN),), **kw)


def household(*members, **kw):
    return HouseholdSnapshot("h", "230603", "urban", tuple(members), **kw)


def run(key, snapshot):
    return BY_KEY[key].evaluate(HouseholdView(snapshot, ON), TABLE.in_force(snapshot.region_code, snapshot.area, ON))


def test_hardship_relief_income_line_is_one_and_a_half_times_dibao():
    # two members: line 1065 per member = 2130; income 2129 qualifies, 2130 does not
    below = run("trade_union.hardship_relief", household(worker(2129), member("b", inclusion="spouse", sex="F")))
    assert below.status == ELIGIBLE and below.benefit.one_off_fen == 1000 * YUAN
    assert below.approval.level == "district_union"  # 1000 ≤ the district limit 2000
    at = run("trade_union.hardship_relief", household(worker(2130), member("b", inclusion="spouse", sex="F")))
    assert at.status == NOT_ELIGIBLE


def test_hardship_relief_needs_a_union_member_in_work_or_retired():
    not_member = member("a", employment="employed", incomes=(IncomeItem("wage", 500 * YUAN),))
    assert run("trade_union.hardship_relief", household(not_member)).status == NOT_ELIGIBLE
    never_worked = member("a", union_member=True, employment="never")
    assert run("trade_union.hardship_relief", household(never_worked)).status == NOT_ELIGIBLE


def test_hardship_from_illness_disaster_or_schooling_despite_income():
    assert run("trade_union.hardship_relief", household(worker(5000, serious_illness=True))).status == ELIGIBLE
    fire = household(worker(5000), events=(HardshipEvent("fire", ON - dt.timedelta(days=180)),))
    assert run("trade_union.hardship_relief", fire).status == ELIGIBLE
    old_fire = household(worker(5000), events=(HardshipEvent("fire", ON - dt.timedelta(days=181)),))
    assert run("trade_union.hardship_relief", old_fire).status == NOT_ELIGIBLE
    # schooling: education spending above 0.3 × yearly income 5000 × 12 = 60000 → above 18000
    school = household(worker(5000), expenditures=(ExpenditureItem("education", 18001 * YUAN, dt.date(2024, 3, 1)),))
    assert run("trade_union.hardship_relief", school).status == ELIGIBLE
    school_at = household(worker(5000), expenditures=(ExpenditureItem("education", 18000 * YUAN, dt.date(2024, 3, 1)),))
    assert run("trade_union.hardship_relief", school_at).status == NOT_ELIGIBLE


def test_education_grant_for_children_of_hardship_households():
    kids = (
        member("c", age=15, inclusion="minor_child", student_level="high_school", entered_current_level_on=dt.date(2023, 9, 1)),
        member("d", age=18, inclusion="adult_dependent_child", student_level="undergraduate", entered_current_level_on=dt.date(2023, 9, 1)),
    )
    finding = run("trade_union.education_grant", household(worker(1000), *kids))
    assert finding.benefit.one_off_fen == (2000 + 5000) * YUAN
    assert finding.approval.level == "city_union"  # 7000 > district limit 2000
    assert run("trade_union.education_grant", household(worker(9000), *kids)).status == NOT_ELIGIBLE


def test_medical_relief_share_above_deductible_and_cap():
    def spent(yuan):
        return household(worker(6000), expenditures=(ExpenditureItem("medical", yuan * YUAN, dt.date(2024, 1, 5)),))
    # (13000 − 5000) × 0.5 = 4000
    assert run("trade_union.medical_relief", spent(13000)).benefit.one_off_fen == 4000 * YUAN
    # (60000 − 5000) × 0.5 = 27500, capped at 20000
    assert run("trade_union.medical_relief", spent(60000)).benefit.one_off_fen == 20000 * YUAN
    assert run("trade_union.medical_relief", spent(5000)).status == NOT_ELIGIBLE  # not above the deductible


def test_festival_visit_for_hardship_households():
    assert run("trade_union.festival_visit", household(worker(800))).benefit.one_off_fen == 500 * YUAN
    assert run("trade_union.festival_visit", household(worker(8000))).status == NOT_ELIGIBLE


def test_every_trade_union_standard_says_it_is_an_assumption():
    assert all("assumption" in s.source_note and "example value" in s.source_note for s in DEFAULT_STANDARDS)
