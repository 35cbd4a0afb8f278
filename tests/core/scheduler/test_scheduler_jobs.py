"""Each job finds exactly what it should on a small data set, and a second run for the same
period changes nothing (the controllable clock stands still; nothing sleeps)."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal
from typing import Any

import pytest
import scheduler_builders as B
from sqlalchemy import select

from core.casework.models import CaseEvaluation, CaseRemoval, GridReport
from core.models import LedgerEntry, Person, Standard, User
from core.scheduler.models import JobRun, MonitorBaseline
from core.scheduler.registry import spec_of
from core.scheduler.runner import execute


def run(platform: Any, clock: Any, job_id: str) -> JobRun:
    """Run a job by id as "run now" does (no period claim); a board's job comes from plugins/<board>/jobs.py."""
    owner, key = job_id.split(":")
    if owner == "core":
        result = execute(platform, job_id, clock=clock, trigger="manual")  # no claim: the job body itself must be idempotent
    else:
        jobs = importlib.import_module(f"plugins.{owner}.jobs").JOBS
        spec = spec_of(next(j for j in jobs if j.key == key), owner)
        result = execute(platform, job_id, clock=clock, trigger="manual", spec=spec)
    assert result.outcome == "ok", result.error
    return result


def twice_changes_nothing(platform: Any, clock: Any, session: Any, job_id: str, *models: Any) -> None:
    """Run again for the same period: no new warning, no new row in ``models``."""
    before = [B.count_rows(session, m) for m in models]
    warnings_before = len(B.warnings(session))
    again = run(platform, clock, job_id)
    assert again.warnings_created == 0
    assert len(B.warnings(session)) == warnings_before
    assert [B.count_rows(session, m) for m in models] == before


# -- re-evaluation due ---------------------------------------------------------------------------


def test_re_evaluation_reassesses_due_cases_flags_and_never_removes(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    # due and no longer qualifying: a wage far above the dibao line
    lapsed = B.case(session, next_evaluation_on=B.DAY, programmes=("civil_affairs.dibao",), income_fen=900000)
    not_due = B.case(session, next_evaluation_on=B.DAY + dt.timedelta(days=1), programmes=("civil_affairs.dibao",),
                     income_fen=900000)
    other_board = B.case(session, board="trade_union", next_evaluation_on=B.DAY - dt.timedelta(days=3))
    removed = B.case(session, stage="removed", next_evaluation_on=B.DAY - dt.timedelta(days=3))
    session.commit()

    result = run(platform, clock, "civil_affairs:re_evaluation_due")

    evaluations = session.execute(select(CaseEvaluation)).scalars().all()
    assert [e.case_id for e in evaluations] == [lapsed.id]
    assert evaluations[0].flagged and evaluations[0].still_qualifies is False
    flagged = B.warnings(session, "re_evaluation_flagged")
    assert [(w.case_id, w.board, w.action, w.audience) for w in flagged] == [
        (lapsed.id, "civil_affairs", "verify_termination", "board_staff")]
    assert "civil_affairs.dibao" in flagged[0].params["programmes"]
    session.expire_all()
    assert session.get(type(lapsed), lapsed.id).stage == "active"  # flagged for staff, never removed automatically
    assert {c.id for c in (not_due, other_board, removed)}.isdisjoint({e.case_id for e in evaluations})
    assert "re-assessed 1, flagged 1" in result.summary
    twice_changes_nothing(platform, clock, session, "civil_affairs:re_evaluation_due", CaseEvaluation, LedgerEntry)


# -- deadlines ---------------------------------------------------------------------------------------


def test_deadlines_about_to_be_missed_and_missed(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    rejected = B.case(session, stage="rejected")
    soon = B.deadline(session, rejected, "written_notice", B.DAY + dt.timedelta(days=2))  # Fri: 2 working days
    late = B.deadline(session, B.case(session, stage="in_review"), "review", B.DAY - dt.timedelta(days=1))
    B.deadline(session, B.case(session, stage="in_review"), "review", B.DAY + dt.timedelta(days=20))  # far off
    B.deadline(session, B.case(session, stage="rejected"), "written_notice", B.DAY, done_on=B.DAY)  # done
    B.deadline(session, B.case(session, board="trade_union", stage="in_review"), "review", B.DAY)  # other board
    session.commit()

    run(platform, clock, "civil_affairs:deadlines")

    found = {(w.kind, w.case_id, w.due_on) for w in B.warnings(session)}
    assert found == {("deadline_soon", rejected.id, soon.due_on), ("deadline_missed", late.case_id, late.due_on)}
    assert {w.level for w in B.warnings(session, "deadline_missed")} == {"urgent"}
    twice_changes_nothing(platform, clock, session, "civil_affairs:deadlines")


# -- visits --------------------------------------------------------------------------------------------


def test_visit_cadence_by_risk_tier_and_category_escalates_when_long_overdue(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    day = B.DAY
    vol = B.volunteer(session)
    civil_case = B.case(session, responsible=("civil_affairs", "youth_league"))
    high = B.need(session, risk=3, name="高风险", case_id=civil_case.id)  # weekly; last visit 10 days ago
    B.matched(session, high, vol, started_on=day - dt.timedelta(days=60), visits=(day - dt.timedelta(days=10),))
    key = B.need(session, risk=2, name="重点")  # monthly; 10 days ago: fine
    B.matched(session, key, vol, started_on=day - dt.timedelta(days=60), visits=(day - dt.timedelta(days=10),))
    general = B.need(session, risk=1, every=120, name="一般")  # quarterly (the tier is stricter than 120)
    B.matched(session, general, vol, started_on=day - dt.timedelta(days=200), visits=(day - dt.timedelta(days=95),))
    bereaved = B.need(session, risk=1, every=90, category="bereaved_family", name="失独", board="youth_league")
    B.matched(session, bereaved, vol, started_on=day - dt.timedelta(days=40))  # monthly by category; never visited
    long_high = B.need(session, risk=3, name="久未探访", case_id=civil_case.id)  # weekly; 30 days: long overdue
    B.matched(session, long_high, vol, started_on=day - dt.timedelta(days=90), visits=(day - dt.timedelta(days=30),))
    B.need(session, risk=3, name="未匹配")  # unmatched: the matching job's business
    B.matched(session, B.need(session, board="womens_federation", risk=3, name="妇联"), vol,
              started_on=day - dt.timedelta(days=90))  # another board's need
    session.commit()

    run(platform, clock, "youth_league:visit_cadence")

    overdue = {w.person_id: w for w in B.warnings(session, "visit_overdue")}
    assert set(overdue) == {high.person_id, general.person_id, bereaved.person_id, long_high.person_id}
    assert overdue[high.person_id].due_on == day - dt.timedelta(days=3)
    assert overdue[general.person_id].due_on == day - dt.timedelta(days=5)
    assert overdue[bereaved.person_id].due_on == day - dt.timedelta(days=10)
    assert {(w.board, w.audience) for w in overdue.values()} == {("youth_league", "coordinator")}
    escalated = B.warnings(session, "visit_long_overdue")
    # 23 days late ≥ 14: the need's board and the case's responsible boards, each once
    assert sorted((w.person_id, w.board, w.audience) for w in escalated) == [
        (long_high.person_id, "civil_affairs", "board_staff"), (long_high.person_id, "youth_league", "board_staff")]
    twice_changes_nothing(platform, clock, session, "youth_league:visit_cadence")
    # a week later nothing new happened for the same missed due dates: still one warning each
    clock.advance(days=7)
    run(platform, clock, "youth_league:visit_cadence")
    assert len(B.warnings(session, "visit_overdue")) == 4


# -- grid workers' reports -------------------------------------------------------------------------------


def test_missing_zero_report_warns_the_street_and_the_worker(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    """Weekly by default: ISO weeks, Monday to Sunday, each due 3 days after its Sunday."""
    worker = session.execute(select(User).where(User.username == "grid")).scalar_one()
    worker.created_at = dt.datetime(2026, 2, 2, tzinfo=dt.timezone.utc)  # Monday of 2026-W06
    worker.region_code = B.community(session)
    session.add(GridReport(reporter_id=worker.id, period=dt.date(2026, 2, 2), kind="zero"))
    session.add(GridReport(reporter_id=worker.id, period=dt.date(2026, 2, 9), kind="periodic", note="上报 1 户"))
    session.commit()

    run(platform, clock, "core:zero_reports")  # Wed 4 March: the week of 16 Feb was due on 25 Feb

    missing = B.warnings(session, "zero_report_missing")
    assert [(w.addressee_id, w.params["period"], w.due_on, w.region_code) for w in missing] == [
        (worker.id, "2026-W08", dt.date(2026, 2, 25), "230602001")]  # the worker's street
    twice_changes_nothing(platform, clock, session, "core:zero_reports")

    clock.advance(days=1)  # Thu 5 March: the week of Mon 23 Feb – Sun 1 March was due on 4 March
    run(platform, clock, "core:zero_reports")
    assert [w.params["period"] for w in B.warnings(session, "zero_report_missing")] == ["2026-W08", "2026-W09"]


def test_a_monthly_setting_makes_the_job_expect_one_report_a_month(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    _standard(session, "core.grid_report_every", "30", dt.date(2025, 1, 1), unit="days")
    worker = session.execute(select(User).where(User.username == "grid")).scalar_one()
    worker.created_at = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    worker.region_code = B.community(session)
    session.add(GridReport(reporter_id=worker.id, period=dt.date(2025, 12, 1), kind="zero"))
    session.add(GridReport(reporter_id=worker.id, period=dt.date(2026, 1, 1), kind="periodic", note="上报 1 户"))
    session.commit()

    run(platform, clock, "core:zero_reports")  # 4 March: February's report was due on 3 March

    missing = B.warnings(session, "zero_report_missing")
    assert [(w.addressee_id, w.params["period"], w.due_on, w.region_code) for w in missing] == [
        (worker.id, "2026-02", dt.date(2026, 3, 3), "230602001")]


# -- early warnings on data changes ---------------------------------------------------------------------


def test_data_changes_warn_once_with_a_suggested_action(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    from core.volunteering.models import Concern

    watched = B.case(session, income_fen=200000, responsible=("civil_affairs", "trade_union"))
    person = session.get(Person, watched.subject_id)
    spouse = Person(household_id=person.household_id, name="李桂芳", birth_date=dt.date(1972, 1, 1), sex="F",
                    employment="employed", relation="spouse")
    father = Person(household_id=person.household_id, name="张老汉", birth_date=dt.date(1940, 1, 1), sex="M",
                    relation="father")
    session.add_all([spouse, father])
    quiet = B.case(session, income_fen=100000)
    session.commit()

    first = run(platform, clock, "core:data_changes")  # the first run only records the baseline
    assert first.warnings_created == 0 and B.count_rows(session, MonitorBaseline) == 2

    session.expire_all()
    item = session.get(Person, watched.subject_id).incomes[0]
    item.monthly_fen = 80000  # −60 %
    spouse = session.get(Person, spouse.id)
    spouse.employment, spouse.serious_illness = "unemployed", True
    session.get(Person, father.id).deceased_on = B.DAY - dt.timedelta(days=2)
    vol = B.volunteer(session)
    need = B.need(session, case_id=quiet.id)
    assignment = B.matched(session, need, vol, started_on=B.DAY - dt.timedelta(days=30))
    session.add(Concern(assignment_id=assignment.id, volunteer_id=vol.id, person_id=need.person_id,
                        board="youth_league", kind="risk", description="孩子情绪低落"))
    session.commit()
    clock.advance(days=1)

    run(platform, clock, "core:data_changes")

    found = {(w.kind, w.board, w.action) for w in B.warnings(session) if w.case_id == watched.id}
    expected = {(kind, board, action) for board in ("civil_affairs", "trade_union") for kind, action in (
        ("income_drop", "apply_programme"), ("member_died", "verify_termination"), ("serious_illness", "refer"),
        ("job_lost", "refer"))}
    assert found == expected
    assert B.warnings(session, "income_drop")[0].params["percent"] == 60
    concern = B.warnings(session, "volunteer_concern")
    assert [(w.board, w.action, w.person_id) for w in concern] == [("youth_league", "joint_review", need.person_id)]
    assert not [w for w in B.warnings(session) if w.case_id == quiet.id and w.kind != "volunteer_concern"]
    twice_changes_nothing(platform, clock, session, "core:data_changes")


# -- standards, price-linked subsidy ---------------------------------------------------------------------


def _standard(session: Any, key: str, value: str, on: dt.date, unit: str = "percent") -> Standard:
    row = Standard(key=key, region_code="230600", area="all", value=Decimal(value), unit=unit, effective_from=on)
    session.add(row)
    session.flush()
    return row


def test_new_standards_taking_effect_tell_their_board(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    dibao = _standard(session, "civil_affairs.dibao_standard", "760", B.DAY, "yuan/month")
    _standard(session, "civil_affairs.dibao_standard", "800", B.DAY + dt.timedelta(days=30), "yuan/month")  # later
    core_figure = _standard(session, "core.visit_long_overdue_days", "10", B.DAY - dt.timedelta(days=3), "days")
    session.commit()

    run(platform, clock, "core:standards_effective")

    found = [(w.object_id, w.board, w.audience) for w in B.warnings(session, "standard_effective")]
    assert sorted(found, key=str) == sorted([(str(dibao.id), "civil_affairs", "board_staff"),
                                             (str(core_figure.id), None, "admin")], key=str)
    twice_changes_nothing(platform, clock, session, "core:standards_effective")


def test_price_linked_subsidy_follows_the_cpi_an_administrator_enters(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    enrolled = B.case(session, programmes=("civil_affairs.dibao",))
    B.case(session, programmes=("civil_affairs.dibao", "civil_affairs.price_subsidy"))  # already has it
    B.case(session, programmes=("civil_affairs.heating_subsidy",))  # not covered
    session.commit()
    run(platform, clock, "civil_affairs:price_subsidy")  # shipped CPI 2.5 % < 3.5 %: nothing
    assert B.warnings(session) == []

    _standard(session, "civil_affairs.cpi_yoy", "3.8", B.DAY.replace(day=1))  # entered for March
    session.commit()
    run(platform, clock, "civil_affairs:price_subsidy")
    assert [w.params["month"] for w in B.warnings(session, "price_subsidy_triggered")] == ["2026-03"]
    assert [w.case_id for w in B.warnings(session, "price_subsidy_case")] == [enrolled.id]
    twice_changes_nothing(platform, clock, session, "civil_affairs:price_subsidy")


# -- grace periods, identifications, certificates ------------------------------------------------------------


def test_grace_periods_and_enrolments_expiring_within_30_days(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    from core.models import PlanMeasure

    ending = B.case(session, stage="removed")
    session.add(CaseRemoval(case_id=ending.id, board="civil_affairs", decided_on=dt.date(2025, 10, 20),
                            ground="income_rose_employment", reason="就业", grace_months=5,
                            stops_from=dt.date(2026, 4, 1)))
    later = B.case(session, stage="removed")
    session.add(CaseRemoval(case_id=later.id, board="civil_affairs", decided_on=dt.date(2026, 1, 20),
                            ground="income_rose_employment", reason="就业", grace_months=6,
                            stops_from=dt.date(2026, 8, 1)))
    rigid = B.case(session, programmes=("civil_affairs.rigid_expenditure",))
    rigid_measure = session.execute(select(PlanMeasure)).scalars().all()[-1]
    rigid_measure.end_month = dt.date(2026, 3, 1)  # the identification lapses on 31 March
    session.commit()

    run(platform, clock, "civil_affairs:grace_periods")

    assert [(w.kind, w.case_id) for w in B.warnings(session)] == [
        ("grace_period_expiring", ending.id), ("identification_expiring", rigid.id)]
    twice_changes_nothing(platform, clock, session, "civil_affairs:grace_periods")


def test_volunteer_checks_and_certificates_expiring(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    from core.volunteering.models import VolunteerCertification, VolunteerInsurance

    expiring = B.volunteer(session, name="甲", checked_on=B.DAY - dt.timedelta(days=350))  # lapses in 15 days
    B.volunteer(session, name="乙", checked_on=B.DAY - dt.timedelta(days=100))
    B.volunteer(session, name="丙", state="left", checked_on=B.DAY - dt.timedelta(days=360))  # left: ignored
    certified = B.volunteer(session, name="丁", board="womens_federation")
    session.add(VolunteerCertification(volunteer_id=certified.id, kind="心理咨询师", expires_on=B.DAY + dt.timedelta(days=20)))
    session.add(VolunteerInsurance(volunteer_id=certified.id, valid_from=dt.date(2025, 4, 1), valid_until=dt.date(2026, 3, 31)))
    session.commit()

    run(platform, clock, "core:volunteer_checks")

    found = sorted((w.kind, w.object_id, w.board) for w in B.warnings(session))
    assert found == sorted([("background_check_expiring", str(expiring.id), "youth_league"),
                            ("certification_expiring", str(certified.id), "womens_federation"),
                            ("insurance_expiring", str(certified.id), "womens_federation")])
    twice_changes_nothing(platform, clock, session, "core:volunteer_checks")


# -- matching upkeep ---------------------------------------------------------------------------------------------


def test_matching_upkeep_prepares_one_re_match_proposal(platform, clock, session) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("core.matchruns.services")
    from core.matchruns.models import MatchRun

    left = B.volunteer(session, state="left")
    released = B.need(session, name="释放")
    session.add(B.Assignment(need_id=released.id, volunteer_id=left.id, state="ended"))  # the volunteer left
    B.need(session, name="新需求")  # newly approved
    B.volunteer(session, name="新志愿者")
    matched_need = B.need(session, name="已匹配")
    B.matched(session, matched_need, B.volunteer(session, name="在岗"), started_on=B.DAY)
    session.commit()

    run(platform, clock, "core:matching_upkeep")

    proposals = B.warnings(session, "rematch_proposal") + B.warnings(session, "rematch_needed")
    assert [(w.board, w.params["count"], w.audience) for w in proposals] == [("youth_league", 2, "coordinator")]
    if proposals[0].kind == "rematch_proposal":
        run_row = session.get(MatchRun, int(proposals[0].object_id))
        assert run_row.status == "draft" and run_row.boards == ["youth_league"]
    twice_changes_nothing(platform, clock, session, "core:matching_upkeep", MatchRun)
