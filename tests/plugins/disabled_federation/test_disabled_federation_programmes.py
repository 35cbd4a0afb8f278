"""Worked examples for the disabled federation on its default (assumed) standards: living subsidy
80/month, nursing subsidy 80/month, rehabilitation up to 3000, devices up to 2000; the low-income
line cross-reads the dibao standard (710 urban × 1.5 = 1065)."""

import datetime as dt

from core.api import (
    ELIGIBLE,
    NOT_ELIGIBLE,
    DisabilityCert,
    ExpenditureItem,
    HouseholdSnapshot,
    HouseholdView,
    IncomeItem,
    MemberSnapshot,
    SelfCareAssessment,
    StandardTable,
    snapshot_from_json,
)
from core.idnumber import make_id_number
from plugins.civil_affairs.standards import DEFAULT_STANDARDS as CIVIL
from plugins.disabled_federation.programmes import PROGRAMMES
from plugins.disabled_federation.standards import DEFAULT_STANDARDS

ON = dt.date(2024, 6, 1)
TABLE = StandardTable([*DEFAULT_STANDARDS, *CIVIL])
BY_KEY = {p.key: p for p in PROGRAMMES}
YUAN = 100


def disabled(category, grade, income_yuan=0, **kw):
    return MemberSnapshot("a", "A", dt.date(1980, 1, 1), "M", disabilities=(DisabilityCert(category, grade),),
                          incomes=(IncomeItem("wage", income_yuan * YUAN),), **kw)


def run(key, *members, **kw):
    snapshot = HouseholdSnapshot("h", "230604", "urban", tuple(members), **kw)
    return BY_KEY[key].evaluate(HouseholdView(snapshot, ON), TABLE.in_force("230604", "urban", ON))


def test_living_subsidy_needs_a_low_income_household():
    # single person: line 1.5 × 710 = 1065
    assert run("disabled_federation.living_subsidy", disabled(4, 3, 1064)).benefit.monthly_fen == 80 * YUAN
    assert run("disabled_federation.living_subsidy", disabled(4, 3, 1065)).status == NOT_ELIGIBLE
    enrolled = run("disabled_federation.living_subsidy", disabled(4, 3, 3000), enrolled_programmes=frozenset({"civil_affairs.dibao"}))
    assert enrolled.status == ELIGIBLE


def test_living_subsidy_uses_a_parsed_certificate_number_and_rejects_expired_ones():
    number = make_id_number("230604", dt.date(1980, 1, 1), 31)
    snapshot = snapshot_from_json({"region_code": "230604", "area": "urban", "members": [
        {"name": "A", "id_number": number, "disability_certificates": [{"number": number + "62"}]}]}, today=ON)
    finding = BY_KEY["disabled_federation.living_subsidy"].evaluate(HouseholdView(snapshot, ON), TABLE.in_force("230604", "urban", ON))
    assert finding.status == ELIGIBLE and "grade 2 mental" in finding.explain("en")[0]
    expired = MemberSnapshot("a", "A", dt.date(1980, 1, 1), "M", disabilities=(DisabilityCert(4, 3, valid_until=dt.date(2024, 5, 31)),))
    assert run("disabled_federation.living_subsidy", expired).status == NOT_ELIGIBLE


def test_nursing_subsidy_grade_two_intellectual_yes_grade_three_no():
    needs_care = dict(long_term_care=True)
    assert run("disabled_federation.nursing_subsidy", disabled(5, 2, **needs_care)).benefit.monthly_fen == 80 * YUAN
    assert run("disabled_federation.nursing_subsidy", disabled(5, 3, **needs_care)).status == NOT_ELIGIBLE
    # grade 1 without a care need is not enough; a failed self-care item shows the need
    assert run("disabled_federation.nursing_subsidy", disabled(4, 1)).status == NOT_ELIGIBLE
    assessed = SelfCareAssessment(dt.date(2024, 1, 1), True, True, True, True, True, False)
    assert run("disabled_federation.nursing_subsidy", disabled(4, 1, self_care=assessed)).status == ELIGIBLE


def test_rehabilitation_reimbursed_up_to_the_cap_and_devices_assessed():
    spend = (ExpenditureItem("rehabilitation", 4500 * YUAN, dt.date(2024, 2, 1)),)
    finding = run("disabled_federation.rehabilitation", disabled(4, 2, requests=("rehabilitation", "assistive_device")), expenditures=spend)
    # rehabilitation spending 4500, cap 3000 → 3000; device 0 now, up to 2000 after assessment
    assert finding.benefit.one_off_fen == 3000 * YUAN
    assert [l.max_fen for l in finding.benefit.lines] == [3000 * YUAN, 2000 * YUAN]
    assert run("disabled_federation.rehabilitation", disabled(4, 2)).status == NOT_ELIGIBLE


def test_no_certificate_is_not_eligible_for_any_programme():
    plain = MemberSnapshot("a", "A", dt.date(1980, 1, 1), "M")
    assert all(run(p.key, plain).status == NOT_ELIGIBLE for p in PROGRAMMES)
