"""Left-behind children (S9 §1): under 16 on the assessment day, parents away; risk tiers and visit
cadence from the defaults (high 7 days, key 30, general 90)."""

import datetime as dt

from core.api import ELIGIBLE, NOT_ELIGIBLE, DisabilityCert, HouseholdSnapshot, HouseholdView, MemberSnapshot, StandardTable
from plugins.youth_league.programmes import NEED_TYPES, PROGRAMMES, SKILLS
from plugins.youth_league.standards import DEFAULT_STANDARDS

ON = dt.date(2024, 6, 1)
TABLE = StandardTable(DEFAULT_STANDARDS)
CARE = PROGRAMMES[0]


def child(birth, father="away_working", mother="away_working", **kw):
    kw.setdefault("guardian_id", "g")
    return MemberSnapshot("c", "小明", birth, "M", inclusion="minor_child", father_status=father, mother_status=mother, **kw)


def grandmother():
    return MemberSnapshot("g", "奶奶", dt.date(1955, 1, 1), "F")


def run(*members):
    snapshot = HouseholdSnapshot("h", "230624", "rural", (grandmother(), *members))
    return CARE.evaluate(HouseholdView(snapshot, ON), TABLE.in_force("230624", "rural", ON))


def test_age_fifteen_is_left_behind_sixteen_is_not():
    fifteen = dt.date(2008, 6, 2)  # turns 16 tomorrow
    sixteen = dt.date(2008, 6, 1)  # 16th birthday today
    assert run(child(fifteen)).status == ELIGIBLE
    assert run(child(sixteen)).status == NOT_ELIGIBLE


def test_parent_situations():
    birth = dt.date(2014, 3, 1)
    assert run(child(birth, "away_working", "unable")).status == ELIGIBLE
    assert run(child(birth, "present", "away_working")).status == NOT_ELIGIBLE
    assert run(child(birth, "deceased", "deceased")).status == NOT_ELIGIBLE  # orphan: another scheme (S11)


def test_key_tier_both_away_gets_companionship_and_tutoring_monthly_with_background_check():
    finding = run(child(dt.date(2014, 3, 1), student_level="compulsory"))
    needs = {n.need_type: n for n in finding.care_needs}
    assert set(needs) == {"youth_league.companionship", "youth_league.tutoring"}
    assert all(n.risk == 2 and n.visit_every_days == 30 and n.needs_background_check for n in needs.values())
    assert needs["youth_league.tutoring"].required_skills == ("tutoring",)


def test_high_tier_under_eight_weekly_with_counselling():
    finding = run(child(dt.date(2017, 6, 2)))  # 6 years old
    assert {n.risk for n in finding.care_needs} == {3}
    assert {n.visit_every_days for n in finding.care_needs} == {7}
    assert "youth_league.psych_counselling" in {n.need_type for n in finding.care_needs}


def test_general_tier_one_away_other_unable_quarterly_and_sign_language():
    finding = run(child(dt.date(2012, 1, 1), "away_working", "unable"))
    assert [(n.risk, n.visit_every_days) for n in finding.care_needs] == [(1, 90)]
    deaf = run(child(dt.date(2012, 1, 1), "away_working", "unable", disabilities=(DisabilityCert(2, 3),)))
    assert "sign_language" in deaf.care_needs[0].required_skills and deaf.care_needs[0].risk == 3


def test_child_living_alone_triggers_mandatory_report_reason():
    finding = run(child(dt.date(2012, 1, 1), lives_alone=True))
    assert any(r.key == "youth_league.mandatory_report" for r in finding.reasons)


def test_need_types_use_declared_skills():
    skill_keys = {s.key for s in SKILLS}
    for need_type in NEED_TYPES:
        assert need_type.key.startswith("youth_league.") and set(need_type.required_skills) <= skill_keys
