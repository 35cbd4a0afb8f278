"""Worked examples for the civil-affairs programmes, computed by hand, on the board's own defaults.

Defaults used (plugins/civil_affairs/standards.py, example values from the Erdao report):
urban dibao 710 yuan/month, rural 6000 yuan/year (= 500/month), marginal 1.5 ×, assets
24 months of the standard per member, 特困 basic 1130 urban / 860 rural, care 178 / 356 / 712,
temporary assistance township limit 1000, county limit 10000.
"""

import datetime as dt
from decimal import Decimal

import pytest

from core.api import (
    ELIGIBLE,
    NEEDS_INFORMATION,
    NOT_ELIGIBLE,
    AssetItem,
    DisabilityCert,
    ExpenditureItem,
    HardshipEvent,
    HouseholdSnapshot,
    HouseholdView,
    IncomeItem,
    MemberSnapshot,
    SelfCareAssessment,
    StandardRecord,
    StandardTable,
    Supporter,
)
from plugins.civil_affairs.programmes import PROGRAMMES
from plugins.civil_affairs.standards import DEFAULT_STANDARDS

ON = dt.date(2024, 6, 1)
TABLE = StandardTable(DEFAULT_STANDARDS)
BY_KEY = {p.key: p for p in PROGRAMMES}
YUAN = 100  # fen per yuan


def born(age: int, *, days_after_birthday: int = 0) -> dt.date:
    """A birth date that makes the person exactly ``age`` on ON (birthday ``days_after_birthday`` days ago)."""
    return (ON - dt.timedelta(days=days_after_birthday)).replace(year=ON.year - age)


def person(pid, age=40, sex="M", **kw) -> MemberSnapshot:
    birth = kw.pop("birth_date", None) or born(age, days_after_birthday=30)
    kw.setdefault("inclusion", "head" if pid == "a" else "spouse" if pid == "b" else "minor_child")
    return MemberSnapshot(pid, kw.pop("name", pid.upper()), birth, sex, **kw)


def income(yuan, category="wage", **kw) -> IncomeItem:
    return IncomeItem(category, int(Decimal(str(yuan)) * YUAN), **kw)


def household(*members, area="urban", region="230602", **kw) -> HouseholdSnapshot:
    return HouseholdSnapshot("h1", region, area, tuple(members), **kw)


def run(key, snapshot, on=ON, table=TABLE):
    view = HouseholdView(snapshot, on)
    return BY_KEY[key].evaluate(view, table.in_force(snapshot.region_code, snapshot.area, on))


def family_of_three(total_income_yuan, **kw):
    return household(
        person("a", incomes=(income(total_income_yuan),)),
        person("b", sex="F"),
        person("c", age=10, sex="F", student_level="compulsory"),
        **kw,
    )


# --- dibao ----------------------------------------------------------------------------------------


def test_dibao_worked_example_family_of_three():
    finding = run("civil_affairs.dibao", family_of_three(900))
    # urban household of three, 900 yuan/month countable income, standard 710:
    # 3 × 710 − 900 = 1230 yuan/month
    assert finding.status == ELIGIBLE
    assert finding.benefit.monthly_fen == (3 * 710 - 900) * YUAN
    text = " ".join(finding.explain("en"))
    assert "civil_affairs.dibao_standard = 710 yuan/month (in force from 2020-01-01)" in text
    assert "S2 Art. 23" in text and "1230.00" in text


def test_dibao_income_exactly_at_the_standard_is_not_eligible_one_fen_below_is():
    at = run("civil_affairs.dibao", household(person("a", incomes=(income(710),))))
    assert at.status == NOT_ELIGIBLE  # the rule is "below": 710 is not below 710
    below = run("civil_affairs.dibao", household(person("a", incomes=(income("709.99"),))))
    assert below.status == ELIGIBLE and below.benefit.monthly_fen == 1  # 710.00 − 709.99 = 0.01


def test_dibao_rural_yearly_standard_converted_exactly():
    snapshot = household(person("a", incomes=(income(600),)), person("b", sex="F"), area="rural", region="230621")
    finding = run("civil_affairs.dibao", snapshot)
    # 6000 yuan/year = 500 yuan/month; 2 × 500 − 600 = 400
    assert finding.benefit.monthly_fen == (2 * 500 - 600) * YUAN


def test_dibao_exempt_income_is_not_counted():
    exempt = household(
        person("a", incomes=(income(1000), income(500, "transfer", exempt_reason="veterans_preferential"))),
        person("b", sex="F"),
    )
    finding = run("civil_affairs.dibao", exempt)
    # the 500 of 优待抚恤金 is exempt (S2 Art. 13): 2 × 710 − 1000 = 420
    assert finding.benefit.monthly_fen == (2 * 710 - 1000) * YUAN
    counted = household(person("a", incomes=(income(1000), income(500, "transfer"))), person("b", sex="F"))
    # counted, 1500 is not below 2 × 710 = 1420
    assert run("civil_affairs.dibao", counted).status == NOT_ELIGIBLE


def test_dibao_employment_cost_is_deducted_from_wage():
    snapshot = household(person("a", incomes=(IncomeItem("wage", 1000 * YUAN, employment_cost_fen=200 * YUAN),)))
    # 1000 wage − 200 employment cost = 800 countable; 800 ≥ 710: not eligible; with 150 cost: 850 … still not
    assert run("civil_affairs.dibao", snapshot).status == NOT_ELIGIBLE
    snapshot = household(person("a", incomes=(IncomeItem("wage", 900 * YUAN, employment_cost_fen=200 * YUAN),)))
    assert run("civil_affairs.dibao", snapshot).benefit.monthly_fen == (710 - (900 - 200)) * YUAN


def test_dibao_excluded_members_are_not_counted():
    snapshot = household(
        person("a", incomes=(income(1000),)),
        person("b", sex="F"),
        person("p", inclusion="excluded_prison", incomes=(income(3000),)),
    )
    finding = run("civil_affairs.dibao", snapshot)
    # the imprisoned member and their income are out (S2 Art. 7): 2 × 710 − 1000 = 420
    assert finding.benefit.monthly_fen == 420 * YUAN
    assert any(r.key == "civil_affairs.members_excluded" for r in finding.reasons)


def test_dibao_asset_limit():
    limit_fen = 24 * 710 * 2 * YUAN  # 24 months × 710 × 2 members = 34080 yuan
    ok = family_of_three(0, assets=(AssetItem("deposit", 24 * 710 * 3 * YUAN),))
    assert run("civil_affairs.dibao", ok).status == ELIGIBLE  # exactly at the limit of a household of 3
    over = household(person("a"), person("b", sex="F"), assets=(AssetItem("deposit", limit_fen + 1), AssetItem("house", 10**9, exempt=True)))
    finding = run("civil_affairs.dibao", over)
    assert finding.status == NOT_ELIGIBLE
    assert any(r.key == "civil_affairs.assets_over" for r in finding.reasons)


def test_dibao_standard_changes_on_its_effective_date():
    raised = StandardRecord("civil_affairs.dibao_standard", "230600", "urban", Decimal("760"), "yuan/month", dt.date(2024, 7, 1), None, "test")
    table = StandardTable([*DEFAULT_STANDARDS, raised])
    snapshot = family_of_three(900)
    day_before = run("civil_affairs.dibao", snapshot, on=dt.date(2024, 6, 30), table=table)
    day_of = run("civil_affairs.dibao", snapshot, on=dt.date(2024, 7, 1), table=table)
    assert day_before.benefit.monthly_fen == (3 * 710 - 900) * YUAN  # 1230
    assert day_of.benefit.monthly_fen == (3 * 760 - 900) * YUAN  # 1380


def test_dibao_rigid_expenditure_deduction_for_serious_illness():
    snapshot = household(
        person("a", incomes=(income(2500),), serious_illness=True),
        person("b", sex="F"),
        person("c", age=10, sex="F"),
        expenditures=(ExpenditureItem("medical", 12000 * YUAN, dt.date(2024, 1, 15)),),
    )
    finding = run("civil_affairs.dibao", snapshot)
    # 12000 medical spending in 12 months / 12 = 1000 a month deducted (S2 Art. 13):
    # 3 × 710 − (2500 − 1000) = 630; without the deduction 2500 ≥ 2130 would not qualify
    assert finding.benefit.monthly_fen == (3 * 710 - (2500 - 1000)) * YUAN
    batches = run("civil_affairs.four_batches", snapshot)
    assert batches.labels[0] == "expenditure_deduction" and "bottom_line" not in batches.labels


def test_dibao_spending_older_than_twelve_months_is_not_deducted():
    snapshot = household(
        person("a", incomes=(income(800),), serious_illness=True),
        expenditures=(ExpenditureItem("medical", 12000 * YUAN, dt.date(2023, 6, 1)),),  # 12 months ago: outside (on − 12 months, on]
    )
    assert run("civil_affairs.dibao", snapshot).status == NOT_ELIGIBLE


def test_dibao_review_every_six_months_when_a_member_can_work():
    assert run("civil_affairs.dibao", family_of_three(900)).review_every_months == 6
    elderly = household(person("a", age=70, labour_capacity="none", incomes=(income(300),)))
    assert run("civil_affairs.dibao", elderly).review_every_months is None  # the programme's 12 months


def test_dibao_grace_period_for_enrolled_household_whose_member_found_work():
    snapshot = household(
        person("a", employment="employed", incomes=(income(2000),)),
        person("b", sex="F"),
        enrolled_programmes=frozenset({"civil_affairs.dibao"}),
    )
    finding = run("civil_affairs.dibao", snapshot)
    assert finding.status == NOT_ELIGIBLE and finding.grace_period_months == 6
    assert run("civil_affairs.four_batches", snapshot).labels == ("gradual_exit",)


# --- marginal and single-person ---------------------------------------------------------------------


def test_marginal_household_boundary_at_one_and_a_half_times_the_standard():
    # 1.5 × 710 = 1065 yuan per member
    assert run("civil_affairs.marginal_household", household(person("a", incomes=(income(800),)))).status == ELIGIBLE
    assert run("civil_affairs.marginal_household", household(person("a", incomes=(income("1064.99"),)))).status == ELIGIBLE
    assert run("civil_affairs.marginal_household", household(person("a", incomes=(income(1065),)))).status == NOT_ELIGIBLE
    assert run("civil_affairs.marginal_household", household(person("a", incomes=(income(700),)))).status == NOT_ELIGIBLE  # dibao


def test_single_person_dibao_grade_three_intellectual_but_not_grade_three_physical():
    def snap(category):
        return household(
            person("a", incomes=(income(1800),)),
            person("b", sex="F", disabilities=(DisabilityCert(category, 3),)),
        )
    # per capita 1800 / 2 = 900: marginal (710 ≤ 900 < 1065)
    intellectual = run("civil_affairs.dibao_single_person", snap(5))
    assert intellectual.status == ELIGIBLE and intellectual.subjects == ("b",)
    assert intellectual.benefit.monthly_fen == 710 * YUAN  # a household of one with no own income: 710 − 0
    assert run("civil_affairs.dibao_single_person", snap(4)).status == NOT_ELIGIBLE


def test_single_person_route_for_jobless_severely_disabled_adult_outside_marginal():
    snapshot = household(
        person("a", incomes=(income(5000),)),
        person("b", age=18, sex="F", inclusion="adult_dependent_child", employment="never", disabilities=(DisabilityCert(4, 1),),
               incomes=(income(100, "transfer"),)),
    )
    finding = run("civil_affairs.dibao_single_person", snapshot)
    # S3 §1(1): the adult applies alone; 710 − 100 own income = 610
    assert finding.status == ELIGIBLE and finding.benefit.monthly_fen == 610 * YUAN
    younger = household(person("a", incomes=(income(5000),)),
                        person("b", age=17, sex="F", disabilities=(DisabilityCert(4, 1),)))
    assert run("civil_affairs.dibao_single_person", younger).status == NOT_ELIGIBLE


# --- 特困 ------------------------------------------------------------------------------------------


def elder(age=70, failed=0, **kw):
    items = [False] * failed + [True] * (6 - failed)
    assessment = SelfCareAssessment(dt.date(2024, 1, 1), *items)
    return person("a", age=age, labour_capacity="none", self_care=assessment, **kw)


@pytest.mark.parametrize("failed, care_yuan", [(0, 178), (1, 356), (3, 356), (4, 712)])
def test_tekun_care_tier_from_the_six_item_assessment(failed, care_yuan):
    finding = run("civil_affairs.tekun", household(elder(failed=failed)))
    # all achieved = self-care (178); 1-3 failed = partial (356); ≥ 4 failed = full (712) (S6 Art. 21)
    assert finding.status == ELIGIBLE
    assert finding.benefit.monthly_fen == (1130 + care_yuan) * YUAN


def test_tekun_age_sixty_is_no_labour_capacity_fifty_nine_is_not():
    at_60 = run("civil_affairs.tekun", household(person("a", birth_date=born(60))))  # 60th birthday today
    assert at_60.status == ELIGIBLE and at_60.benefit.monthly_fen == 1130 * YUAN  # no assessment yet: basic only
    day_before_60 = ON.replace(year=ON.year - 60) + dt.timedelta(days=1)  # turns 60 tomorrow
    assert run("civil_affairs.tekun", household(person("a", birth_date=day_before_60))).status == NOT_ELIGIBLE


def test_tekun_minor_fifteen_sixteen_eighteen():
    orphan = dict(father_status="deceased", mother_status="deceased", inclusion="head")
    assert run("civil_affairs.tekun", household(person("a", birth_date=born(15), **orphan))).status == ELIGIBLE
    assert run("civil_affairs.tekun", household(person("a", birth_date=born(16), **orphan))).status == NOT_ELIGIBLE
    enrolled = frozenset({"civil_affairs.tekun"})
    # already supported: cover continues to 18 (S6 Art. 24 ¶2) …
    assert run("civil_affairs.tekun", household(person("a", birth_date=born(16), **orphan), enrolled_programmes=enrolled)).status == ELIGIBLE
    assert run("civil_affairs.tekun", household(person("a", birth_date=born(18), **orphan), enrolled_programmes=enrolled)).status == NOT_ELIGIBLE
    # … and beyond 18 while still at high school
    in_school = person("a", birth_date=born(18), student_level="high_school", **orphan)
    assert run("civil_affairs.tekun", household(in_school, enrolled_programmes=enrolled)).status == ELIGIBLE


def test_tekun_minor_with_a_parent_present_has_a_supporter():
    child = person("a", birth_date=born(10), father_status="present", mother_status="deceased", inclusion="head")
    finding = run("civil_affairs.tekun", household(child))
    assert finding.status == NOT_ELIGIBLE
    assert any(r.key == "civil_affairs.tekun.supporter" for r in finding.reasons)


@pytest.mark.parametrize(
    "category, grade, qualifies",
    [(4, 2, True), (4, 3, False), (5, 3, True), (5, 4, False), (6, 3, True), (1, 1, True), (1, 2, False), (2, 1, False)],
)
def test_tekun_disability_grades_that_mean_no_labour_capacity(category, grade, qualifies):
    member = person("a", age=40, disabilities=(DisabilityCert(category, grade),))
    finding = run("civil_affairs.tekun", household(member))
    # S6 Art. 5: intellectual/mental 1-3, physical 1-2, visual 1
    assert (finding.status == ELIGIBLE) is qualifies


def test_tekun_expired_certificate_does_not_count():
    member = person("a", age=40, disabilities=(DisabilityCert(4, 1, valid_until=dt.date(2024, 5, 31)),))
    assert run("civil_affairs.tekun", household(member)).status == NOT_ELIGIBLE


def test_tekun_contracted_land_gets_the_rural_rate_and_supporters_decide():
    farmer = elder(contracted_land=True, supporters=(Supporter("子", "child", False, "imprisoned"),))
    finding = run("civil_affairs.tekun", household(farmer))
    # S6 Art. 19: rural basic 860 + self-care tier 178
    assert finding.benefit.monthly_fen == (860 + 178) * YUAN
    supported = elder(supporters=(Supporter("子", "child", True),))
    assert run("civil_affairs.tekun", household(supported)).status == NOT_ELIGIBLE


def test_tekun_income_at_the_dibao_standard_is_a_livelihood():
    assert run("civil_affairs.tekun", household(elder(incomes=(income(710, "transfer"),)))).status == NOT_ELIGIBLE
    assert run("civil_affairs.tekun", household(elder(incomes=(income("709.99", "transfer"),)))).status == ELIGIBLE
    # the old-age allowance is not income for 特困 (S6 Art. 6)
    allowance = elder(incomes=(income(900, "transfer", exempt_reason="old_age_allowance"),))
    assert run("civil_affairs.tekun", household(allowance)).status == ELIGIBLE


def test_tekun_unrecorded_spouse_needs_information():
    couple = household(person("a", age=70), person("b", age=68, sex="F"))
    assert run("civil_affairs.tekun", couple).status == NEEDS_INFORMATION


# --- temporary assistance -------------------------------------------------------------------------------


def test_temporary_emergency_assistance_first_with_paperwork_deadline():
    event = HardshipEvent("fire", ON - dt.timedelta(days=10))
    finding = run("civil_affairs.temporary_assistance", household(person("a", incomes=(income(5000),)), person("b", sex="F"), events=(event,)))
    # no income test for the emergency type; 710 × 2 members × 3 months = 4260 yuan
    assert finding.status == ELIGIBLE and finding.benefit.one_off_fen == 710 * 2 * 3 * YUAN
    assert finding.follow_up_by == ON + dt.timedelta(days=10)
    assert finding.approval.level == "county" and finding.approval_limit_fen == 10000 * YUAN  # 1000 < 4260 ≤ 10000


def test_temporary_township_limit_boundary():
    def with_loss(yuan):
        return household(person("a"), events=(HardshipEvent("accident", ON, loss_fen=yuan * YUAN),))
    assert run("civil_affairs.temporary_assistance", with_loss(1000)).approval.level == "township"  # exactly the limit
    assert run("civil_affairs.temporary_assistance", with_loss(1001)).approval.level == "county"


def test_temporary_old_event_is_not_an_emergency():
    old = household(person("a"), events=(HardshipEvent("fire", ON - dt.timedelta(days=91)),))
    assert run("civil_affairs.temporary_assistance", old).status == NOT_ELIGIBLE


def test_temporary_expenditure_type_with_staged_payments():
    snapshot = household(
        person("a", incomes=(income(1000),)), person("b", sex="F"),
        expenditures=(ExpenditureItem("medical", 9000 * YUAN, dt.date(2024, 4, 10)),),
    )
    finding = run("civil_affairs.temporary_assistance", snapshot)
    # 9000 spent in 3 months against 3 × 1000 income: gap 6000; cap 710 × 2 × 6 = 8520 → 6000,
    # above the township limit 1000: three stages of 2000
    assert finding.status == ELIGIBLE and finding.benefit.one_off_fen == 6000 * YUAN
    assert finding.benefit.stages == (2000 * YUAN,) * 3
    bearable = household(person("a", incomes=(income(4000),)),
                         expenditures=(ExpenditureItem("medical", 9000 * YUAN, dt.date(2024, 4, 10)),))
    assert run("civil_affairs.temporary_assistance", bearable).status == NOT_ELIGIBLE  # 9000 ≤ 3 × 4000


# --- rigid expenditure, subsidies ---------------------------------------------------------------------


def test_rigid_expenditure_household_ratio_must_be_above():
    def snap(spent):
        return household(person("a", incomes=(income(2400),)), person("b", sex="F"),
                         expenditures=(ExpenditureItem("medical", spent * YUAN, dt.date(2024, 2, 1)),))
    # per capita 1200 ≥ 1065: not marginal; yearly income 2400 × 12 = 28800, per capita 14400 < 30945
    assert run("civil_affairs.rigid_expenditure", snap(15000)).status == ELIGIBLE  # 15000 / 28800 = 0.52 > 0.5
    assert run("civil_affairs.rigid_expenditure", snap(14400)).status == NOT_ELIGIBLE  # exactly 0.5


def test_utility_subsidy_urban_dibao_only():
    finding = run("civil_affairs.utility_subsidy", family_of_three(900))
    assert finding.status == ELIGIBLE and finding.benefit.monthly_fen == 14 * YUAN
    assert [(l.quantity, l.unit) for l in finding.benefit.lines[:2]] == [(Decimal(10), "kWh/month"), (Decimal(5), "t/month")]
    rural = household(person("a", incomes=(income(100),)), area="rural", region="230621")
    assert run("civil_affairs.utility_subsidy", rural).status == NOT_ELIGIBLE
    assert run("civil_affairs.utility_subsidy", family_of_three(3000)).status == NOT_ELIGIBLE


def test_heating_subsidy_central_capped_at_sixty_square_metres_and_self_heating_range():
    central = run("civil_affairs.heating_subsidy", family_of_three(900, heating="central", heated_area_m2=Decimal(70)))
    assert central.benefit.one_off_fen == 60 * 25 * YUAN  # min(70, 60) × 25
    own = run("civil_affairs.heating_subsidy", family_of_three(900, heating="self"))
    assert own.benefit.lines[0].one_off_fen == 380 * YUAN and own.benefit.lines[0].max_fen == 660 * YUAN
    assert run("civil_affairs.heating_subsidy", family_of_three(900)).status == NEEDS_INFORMATION


def test_card_subsidy_by_number_of_classified_categories():
    one = household(person("a", age=40, incomes=(income(300),)), person("c", age=10))
    assert run("civil_affairs.card_subsidy", one).benefit.monthly_fen == 25 * YUAN  # minor only
    two = household(person("a", age=65, incomes=(income(300),)), person("c", age=10))
    assert run("civil_affairs.card_subsidy", two).benefit.monthly_fen == 50 * YUAN  # elderly and minor
    none = household(person("a", age=40, incomes=(income(300),)))
    assert run("civil_affairs.card_subsidy", none).status == NOT_ELIGIBLE


def test_festival_subsidy_per_household_and_per_tekun_person():
    assert run("civil_affairs.festival_subsidy", family_of_three(900)).benefit.one_off_fen == 500 * YUAN
    assert run("civil_affairs.festival_subsidy", household(elder())).benefit.one_off_fen == 500 * YUAN


def test_price_subsidy_triggered_by_cpi_at_the_threshold():
    assert run("civil_affairs.price_subsidy", family_of_three(900)).status == NOT_ELIGIBLE  # default CPI 2.5 %
    cpi = StandardRecord("civil_affairs.cpi_yoy", "230600", "all", Decimal("3.5"), "percent", dt.date(2024, 6, 1), None, "test")
    table = StandardTable([*DEFAULT_STANDARDS, cpi])
    finding = run("civil_affairs.price_subsidy", family_of_three(900), table=table)
    # CPI 3.5 % ≥ 3.5 % triggers: 25 yuan × 3 people
    assert finding.status == ELIGIBLE and finding.benefit.monthly_fen == 3 * 25 * YUAN
    assert run("civil_affairs.price_subsidy", family_of_three(900), on=dt.date(2024, 5, 31), table=table).status == NOT_ELIGIBLE


def test_medical_insurance_sponsorship_per_person():
    assert run("civil_affairs.medical_insurance_sponsorship", family_of_three(900)).benefit.one_off_fen == 3 * 280 * YUAN


def test_education_grant_high_school_and_university():
    snapshot = household(
        person("a", incomes=(income(900),)),
        person("c", age=16, student_level="high_school", entered_current_level_on=dt.date(2023, 9, 1)),
        person("d", age=18, student_level="undergraduate", entered_current_level_on=dt.date(2023, 9, 1), inclusion="adult_dependent_child"),
    )
    finding = run("civil_affairs.education_grant", snapshot)
    assert finding.benefit.one_off_fen == (5000 + 10000) * YUAN
    long_ago = household(person("a", incomes=(income(900),)),
                         person("c", age=17, student_level="high_school", entered_current_level_on=dt.date(2022, 9, 1)))
    assert run("civil_affairs.education_grant", long_ago).status == NOT_ELIGIBLE


def test_four_batches_none_for_a_comfortable_household():
    finding = run("civil_affairs.four_batches", family_of_three(9000))
    assert finding.status == NOT_ELIGIBLE and finding.labels == ()


def test_every_programme_declares_documents_or_is_a_classification():
    for programme in PROGRAMMES:
        assert programme.key.startswith("civil_affairs.")
        assert programme.name_zh and programme.name_en
    assert BY_KEY["civil_affairs.dibao"].grace_period_applies
    assert {d.key for d in BY_KEY["civil_affairs.dibao"].required_documents} >= {"application", "income_asset_declaration"}
