"""The batch loader (``snapshots_of``) builds exactly the snapshots ``snapshot_of`` builds,
and ``assess_households`` gives exactly ``assess_household``'s findings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core import models as m
from core.assessing import assess_household, assess_households, snapshot_of, snapshots_of

ON = dt.date(2024, 6, 1)


def _household(session, region="230602", area="urban", **fields) -> m.Household:
    household = m.Household(region_code=region, area_type=area, address="测试路1号", **fields)
    session.add(household)
    session.flush()
    return household


def _person(session, household, name, birth, sex="F", **fields) -> m.Person:
    person = m.Person(household_id=household.id, name=name, birth_date=birth, sex=sex, **fields)
    session.add(person)
    session.flush()
    return person


def _build(session) -> list[int]:
    # 1. an elderly couple with incomes (one expired, one not yet started), certificates,
    #    two self-care assessments (one after the day), supporters, assets, spending, events
    a = _household(session, heating="central", heated_area_m2=Decimal("62.5"), near_relative_of_staff=True)
    head = _person(session, a, "张大爷", dt.date(1940, 3, 2), "M", inclusion_reason="head", labour_capacity="none",
                   employment="retired", union_member=True, serious_illness=True, service_requests=["rehabilitation"])
    wife = _person(session, a, "李奶奶", dt.date(1944, 2, 29), "F", inclusion_reason="spouse", lives_alone=False,
                   long_term_care=True, deceased_on=dt.date(2024, 7, 1))
    session.add_all([
        m.IncomeItem(person_id=head.id, category="transfer", monthly_fen=45000),
        m.IncomeItem(person_id=head.id, category="transfer", monthly_fen=15000, exempt_reason="basic_pension",
                     description="基础养老金", valid_from=dt.date(2020, 1, 1)),
        m.IncomeItem(person_id=head.id, category="wage", monthly_fen=99900, valid_to=dt.date(2024, 5, 31)),
        m.IncomeItem(person_id=wife.id, category="property", monthly_fen=12000, employment_cost_fen=500,
                     valid_from=dt.date(2024, 6, 2)),
        m.IncomeItem(person_id=wife.id, category="other", monthly_fen=3000, valid_to=ON),
        m.DisabilityCertificate(person_id=head.id, number="23060219400302001X41", category=4, grade=1),
        m.DisabilityCertificate(person_id=head.id, number="23060219400302001X52", category=5, grade=2,
                                valid_until=dt.date(2023, 1, 1)),
        m.SelfCareAssessment(person_id=head.id, assessed_on=dt.date(2023, 1, 5), eating=True, dressing=False,
                             transferring=False, toileting=True, walking_indoors=True, bathing=False),
        m.SelfCareAssessment(person_id=head.id, assessed_on=dt.date(2024, 5, 20), eating=True, dressing=True,
                             transferring=False, toileting=True, walking_indoors=True, bathing=True),
        m.SelfCareAssessment(person_id=head.id, assessed_on=dt.date(2024, 8, 1), eating=False, dressing=False,
                             transferring=False, toileting=False, walking_indoors=False, bathing=False),
        m.SelfCareAssessment(person_id=wife.id, assessed_on=dt.date(2024, 7, 1), eating=True, dressing=True,
                             transferring=True, toileting=True, walking_indoors=True, bathing=True),
        m.Supporter(person_id=head.id, name="张一", relationship_kind="child", able=False, unable_reason="imprisoned"),
        m.Supporter(person_id=head.id, name="张二", relationship_kind="child", able=True),
        m.AssetItem(household_id=a.id, kind="deposit", value_fen=1200000),
        m.AssetItem(household_id=a.id, kind="house", value_fen=30000000, exempt=True, description="自住房"),
        m.ExpenditureItem(household_id=a.id, kind="medical", amount_fen=2500000, incurred_on=dt.date(2024, 1, 10)),
        m.ExpenditureItem(household_id=a.id, kind="rehabilitation", amount_fen=300000),
        m.HardshipEvent(household_id=a.id, kind="fire", occurred_on=dt.date(2024, 5, 1), loss_fen=800000),
        m.HardshipEvent(household_id=a.id, kind="sudden_illness", occurred_on=dt.date(2024, 3, 1)),
    ])
    # 2. grandparents raising left-behind children, rural, enrolled in dibao (one active and one ended measure)
    b = _household(session, region="230621", area="rural", heating="self")
    grandma = _person(session, b, "王奶奶", dt.date(1958, 9, 9), "F", inclusion_reason="head", contracted_land=True)
    child = _person(session, b, "王小宝", dt.date(2014, 6, 1), "M", inclusion_reason="minor_child",
                    student_level="compulsory", father_status="away_working", mother_status="away_working",
                    guardian_id=grandma.id, entered_current_level_on=dt.date(2020, 9, 1))
    _person(session, b, "王小妹", dt.date(2009, 6, 2), "F", inclusion_reason="minor_child", student_level="high_school",
            father_status="deceased", mother_status="away_working", entered_current_level_on=dt.date(2023, 9, 1))
    _person(session, b, "王叔", dt.date(1985, 1, 1), "M", inclusion_reason="excluded_prison", relation="子")
    session.add(m.IncomeItem(person_id=child.id, category="transfer", monthly_fen=20000,
                             exempt_reason="de_facto_child_subsidy"))
    case = m.Case(household_id=b.id, channel="application", first_reporter_board="civil_affairs",
                  owner_board="civil_affairs", received_on=dt.date(2024, 1, 2))
    session.add(case)
    session.flush()
    plan = m.CarePlan(case_id=case.id)
    session.add(plan)
    session.flush()
    session.add_all([
        m.PlanMeasure(plan_id=plan.id, kind="material", board="civil_affairs", programme_key="civil_affairs.dibao",
                      monthly_fen=50000, status="active"),
        m.PlanMeasure(plan_id=plan.id, kind="material", board="civil_affairs", programme_key="civil_affairs.tekun",
                      status="ended"),
        m.PlanMeasure(plan_id=plan.id, kind="care", board="youth_league", programme_key="youth_league.left_behind_care",
                      status="active"),
        m.PlanMeasure(plan_id=plan.id, kind="material", board="trade_union", programme_key=None, status="active"),
    ])
    # 3. a household with one member and nothing else; 4. an empty household
    c = _household(session, region="230604", only_child_deceased=True)
    _person(session, c, "赵阿姨", dt.date(1950, 12, 31), "F", lives_alone=True)
    d = _household(session, region="230605", area="rural")
    session.flush()
    return [a.id, b.id, c.id, d.id]


def test_snapshots_of_equals_snapshot_of(session) -> None:
    ids = _build(session)
    session.commit()
    session.expire_all()
    one_by_one = [snapshot_of(session, i, ON) for i in ids]
    assert [len(s.members) for s in one_by_one] == [2, 4, 1, 0]  # the fixture exercises what it means to
    assert one_by_one[0].members[0].self_care.assessed_on == dt.date(2024, 5, 20)
    assert one_by_one[1].enrolled_programmes == frozenset({"civil_affairs.dibao"})
    assert len(one_by_one[0].members[0].incomes) == 2 and len(one_by_one[0].members[1].incomes) == 1
    session.expire_all()
    assert list(snapshots_of(session, ids, ON)) == one_by_one
    # any order, repeated ids, batch boundaries inside the list
    order = [ids[2], ids[0], ids[3], ids[1], ids[0]]
    assert list(snapshots_of(session, order, ON, batch_size=2)) == [one_by_one[ids.index(i)] for i in order]
    # a batch that is exactly a range of ids, given out of order and with a repeat (read as BETWEEN),
    # and one with a gap (read as IN): the same snapshots either way
    shuffled = [ids[1], ids[0], ids[2], ids[1]]
    assert list(snapshots_of(session, shuffled, ON, batch_size=4)) == [one_by_one[ids.index(i)] for i in shuffled]
    assert list(snapshots_of(session, [ids[0], ids[3]], ON)) == [one_by_one[0], one_by_one[3]]
    # another day: the self-care assessment and incomes in force change with it
    later = dt.date(2024, 9, 1)
    assert list(snapshots_of(session, ids, later)) == [snapshot_of(session, i, later) for i in ids]


def test_snapshots_of_unknown_household(session) -> None:
    ids = _build(session)
    with pytest.raises(LookupError):
        list(snapshots_of(session, ids + [max(ids) + 1000], ON))


def test_assess_households_equals_assess_household(session, app) -> None:
    ids = _build(session)
    session.commit()
    boards = app.extensions["carematch"].boards
    batch = [a.to_json() for a in assess_households(session, boards, ids[:3], ON)]
    assert batch == [assess_household(session, boards, i, ON).to_json() for i in ids[:3]]
    assert len(batch[0]["findings"]) == 25


def test_the_collector_pause_while_a_batch_is_built_restores_the_state_it_found() -> None:
    import gc

    from core.assessing import _without_cyclic_gc

    def build(fail: bool) -> bool:
        if fail:
            raise RuntimeError("query failed")
        return gc.isenabled()

    was_enabled = gc.isenabled()
    try:
        gc.enable()
        assert _without_cyclic_gc(build, False) is False  # paused while building
        assert gc.isenabled()
        with pytest.raises(RuntimeError):
            _without_cyclic_gc(build, True)
        assert gc.isenabled()  # resumed after an error too
        gc.disable()
        _without_cyclic_gc(build, False)
        assert not gc.isenabled()  # an application's own choice is kept
    finally:
        (gc.enable if was_enabled else gc.disable)()
