"""Women's Federation care programmes on the defaults: elderly 60+, high risk 80+, recent bereavement
12 months, visits high 7 / key 30 / general 90 days; left-behind age from the Youth League (16)."""

import datetime as dt

from core.api import ELIGIBLE, NOT_ELIGIBLE, HouseholdSnapshot, HouseholdView, MemberSnapshot, StandardTable
from plugins.womens_federation.programmes import NEED_TYPES, PROGRAMMES, SKILLS
from plugins.womens_federation.standards import DEFAULT_STANDARDS
from plugins.youth_league.standards import DEFAULT_STANDARDS as YOUTH

ON = dt.date(2024, 6, 1)
TABLE = StandardTable([*DEFAULT_STANDARDS, *YOUTH])
BY_KEY = {p.key: p for p in PROGRAMMES}


def run(key, *members, **kw):
    snapshot = HouseholdSnapshot("h", "230605", "urban", tuple(members), **kw)
    return BY_KEY[key].evaluate(HouseholdView(snapshot, ON), TABLE.in_force("230605", "urban", ON))


def parent(pid, birth, sex, **kw):
    return MemberSnapshot(pid, pid, birth, sex, inclusion="head" if pid == "a" else "spouse", **kw)


def test_bereaved_family_needs_two_named_contacts_and_grief_counselling():
    finding = run("womens_federation.bereaved_family_comfort",
                  parent("a", dt.date(1962, 1, 1), "M"), parent("b", dt.date(1964, 1, 1), "F"), only_child_deceased=True)
    need = finding.care_needs[0]
    assert finding.status == ELIGIBLE and need.category == "bereaved_family"
    assert need.contacts == ("township_cadre", "village_cadre") and need.required_skills == ("grief_counselling",)
    assert (need.risk, need.visit_every_days, need.needs_background_check) == (2, 30, False)
    assert run("womens_federation.bereaved_family_comfort", parent("a", dt.date(1962, 1, 1), "M")).status == NOT_ELIGIBLE


def test_bereaved_family_recent_death_is_high_risk():
    child = MemberSnapshot("c", "c", dt.date(1990, 1, 1), "M", inclusion="minor_child", deceased_on=dt.date(2024, 1, 10))
    finding = run("womens_federation.bereaved_family_comfort", parent("a", dt.date(1962, 1, 1), "M"), child, only_child_deceased=True)
    assert finding.care_needs[0].risk == 3 and finding.care_needs[0].visit_every_days == 7
    long_ago = MemberSnapshot("c", "c", dt.date(1990, 1, 1), "M", inclusion="minor_child", deceased_on=dt.date(2023, 6, 1))
    finding = run("womens_federation.bereaved_family_comfort", parent("a", dt.date(1962, 1, 1), "M"), long_ago, only_child_deceased=True)
    assert finding.care_needs[0].risk == 2  # exactly 12 months ago: outside the window


def test_proxy_mother_is_a_woman_volunteer_with_background_check():
    girl = MemberSnapshot("c", "c", dt.date(2013, 1, 1), "F", inclusion="minor_child", father_status="away_working", mother_status="away_working")
    need = run("womens_federation.proxy_mother", girl).care_needs[0]
    assert (need.gender_pref, need.gender_hard, need.needs_background_check) == ("F", True, True)
    assert need.risk == 2
    mother_home = MemberSnapshot("c", "c", dt.date(2013, 1, 1), "F", inclusion="minor_child", father_status="away_working", mother_status="unable")
    assert run("womens_federation.proxy_mother", mother_home).status == ELIGIBLE  # unable counts as not at home
    with_mother = MemberSnapshot("c", "c", dt.date(2013, 1, 1), "F", inclusion="minor_child", father_status="away_working", mother_status="present")
    assert run("womens_federation.proxy_mother", with_mother).status == NOT_ELIGIBLE


def test_elderly_women_alone_tiers_by_age():
    def woman(birth, **kw):
        return MemberSnapshot("a", "a", birth, "F", lives_alone=True, **kw)
    assert run("womens_federation.elderly_women_alone", woman(dt.date(1964, 6, 2))).status == NOT_ELIGIBLE  # 59, 60 tomorrow
    general = run("womens_federation.elderly_women_alone", woman(dt.date(1964, 6, 1))).care_needs[0]  # 60 today
    assert (general.risk, general.visit_every_days, general.category) == (1, 90, "elderly_alone")
    high = run("womens_federation.elderly_women_alone", woman(dt.date(1944, 6, 1))).care_needs[0]  # 80 today
    assert (high.risk, high.visit_every_days) == (3, 7)
    man = MemberSnapshot("a", "a", dt.date(1940, 1, 1), "M", lives_alone=True)
    assert run("womens_federation.elderly_women_alone", man).status == NOT_ELIGIBLE


def test_need_types_use_declared_skills():
    skill_keys = {s.key for s in SKILLS}
    assert all(set(n.required_skills) <= skill_keys and n.key.startswith("womens_federation.") for n in NEED_TYPES)
