"""Every invalid transition is refused with a bilingual message and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import pytest
from sqlalchemy import func, select

from casework_builders import MONDAY, actor, boards_of, household, include, ledger_count, open_case, run_review
from core.casework import services as cw
from core.casework.models import CaseStep, JointReviewMeeting, Referral
from core.models import Case, Household, PlanMeasure

D = dt.date


def refused(session: Any, action: Callable[[], Any], match: str | None = None) -> cw.TransitionError:
    """Run ``action``, expect a TransitionError, roll back and check nothing was written."""
    before = (ledger_count(session), session.scalar(select(func.count()).select_from(Case)),
              session.scalar(select(func.count()).select_from(CaseStep)))
    with pytest.raises(cw.TransitionError, match=match) as info:
        action()
    session.rollback()
    after = (ledger_count(session), session.scalar(select(func.count()).select_from(Case)),
             session.scalar(select(func.count()).select_from(CaseStep)))
    assert after == before
    message = str(info.value)
    assert "(" in message and message.endswith(")")  # "中文 (English)"
    return info.value


# -- intake --------------------------------------------------------------------------------


def test_intake_outside_the_configured_region_is_refused(session) -> None:
    outside = household(region="110101")  # Beijing Dongcheng: not one of Daqing's five districts, four counties
    refused(session, lambda: cw.open_case(session, actor(session, "civil"), board="civil_affairs",
                                          channel="application", received_on=MONDAY, household=outside), "outside")
    assert session.scalar(select(func.count()).select_from(Household)) == 0


def test_a_second_open_case_for_the_same_id_number_or_household_is_refused(session) -> None:
    first = open_case(session)
    subject = first.subject
    again = cw.NewHousehold("230602", "urban", "", [cw.NewMember(subject.name, subject.id_number)])
    refused(session, lambda: cw.open_case(session, actor(session, "union"), board="trade_union",
                                          channel="application", received_on=MONDAY, household=again),
            "already has open case")
    refused(session, lambda: cw.open_case(session, actor(session, "civil"), board="civil_affairs",
                                          channel="application", received_on=MONDAY,
                                          household_id=first.household_id), "open case")


def test_intake_by_the_wrong_role_board_or_channel_is_refused(session) -> None:
    args = dict(channel="application", received_on=MONDAY)
    refused(session, lambda: cw.open_case(session, actor(session, "union"), board="civil_affairs",
                                          household=household(), **args), "cannot receive")
    refused(session, lambda: cw.open_case(session, actor(session, "grid"), board="civil_affairs",
                                          household=household(), **args), "discovery")
    refused(session, lambda: cw.open_case(session, actor(session, "auditor"), board="civil_affairs",
                                          household=household(), **args), "only board staff")
    refused(session, lambda: cw.open_case(session, actor(session, "civil"), board="civil_affairs", channel="proxy",
                                          received_on=MONDAY, household=household()), "proxy")
    bad_id = cw.NewHousehold("230602", "urban", "", [cw.NewMember("张三", "230602196805170000")])
    refused(session, lambda: cw.open_case(session, actor(session, "civil"), board="civil_affairs",
                                          household=bad_id, **args), "invalid ID")


@pytest.mark.boards("trade_union")
def test_intake_for_a_disabled_board_is_refused(session) -> None:
    refused(session, lambda: cw.open_case(session, actor(session, "civil"), board="civil_affairs",
                                          channel="application", received_on=MONDAY, household=household()),
            "not enabled")


# -- review ------------------------------------------------------------------------------------


def test_no_review_step_by_a_board_that_does_not_own_the_case(app, session) -> None:
    case = open_case(session)
    refused(session, lambda: cw.record_pre_check(session, actor(session, "union"), case.id, boards_of(app), MONDAY),
            "owned by civil_affairs")
    refused(session, lambda: cw.record_pre_check(session, actor(session, "root"), case.id, boards_of(app), MONDAY),
            "only board staff")


def test_steps_need_the_pre_check_first(app, session) -> None:
    case = open_case(session)
    refused(session, lambda: cw.record_impact_assessment(session, actor(session, "civil"), case.id, level="high",
                                                         notes="x", on=MONDAY), "pre-check must come first")


def test_a_home_visit_needs_two_investigators_signatures_and_findings(app, session) -> None:
    case = open_case(session)
    civil = actor(session, "civil")
    cw.record_pre_check(session, civil, case.id, boards_of(app), MONDAY)
    session.commit()
    visit = dict(visited_on=MONDAY, findings="情况属实", investigators_signed=True, household_signed=True)
    refused(session, lambda: cw.record_home_visit(session, civil, case.id, **{**visit, "investigators": ["王敏"]}),
            "two investigators")
    refused(session, lambda: cw.record_home_visit(session, civil, case.id,
                                                  **{**visit, "investigators": ["王敏", "王敏"]}), "two investigators")
    refused(session, lambda: cw.record_home_visit(session, civil, case.id, **{**visit, "investigators": ["王敏", "刘洋"],
                                                                              "household_signed": False}), "signed")
    refused(session, lambda: cw.record_home_visit(session, civil, case.id, **{**visit, "investigators": ["王敏", "刘洋"],
                                                                              "findings": " "}), "findings")
    refused(session, lambda: cw.record_impact_assessment(session, civil, case.id, level="huge", notes="x", on=MONDAY),
            "impact level")


def test_no_submission_before_the_four_steps_nor_with_missing_documents(app, session) -> None:
    case = open_case(session)
    civil = actor(session, "civil")
    refused(session, lambda: cw.submit_for_joint_review(session, civil, case.id, MONDAY), "only allowed when")
    run_review(session, app, case, "civil", submit=False)
    checklist = cw.document_checklist(case, cw.programmes(boards_of(app), cw.enabled_boards(session)))
    if checklist:
        cw.record_document_check(session, civil, case.id, boards_of(app), present={}, notes="缺少材料", on=MONDAY)
        session.commit()
        error = refused(session, lambda: cw.submit_for_joint_review(session, civil, case.id, MONDAY), "document_check")
        assert "要件甄别" in error.zh


# -- joint review ---------------------------------------------------------------------------------


def _decide(session: Any, username: str, case: Any, decision: str = "include", reasons: str = "同意",
            boards: list[str] | None = None) -> Any:
    return lambda: cw.hold_joint_review(
        session, actor(session, username), held_on=MONDAY, members=[{"name": "王主任", "board": "civil_affairs"}],
        minutes="", decisions=[cw.DecisionInput(case.id, decision, reasons,
                                                ["civil_affairs"] if boards is None else boards)])


def test_no_inclusion_without_the_four_review_steps(app, session) -> None:
    case = open_case(session)
    refused(session, _decide(session, "reviewer", case), "only allowed when")
    cw.record_pre_check(session, actor(session, "civil"), case.id, boards_of(app), MONDAY)
    session.commit()
    refused(session, _decide(session, "reviewer", case), "only allowed when")
    assert session.scalar(select(func.count()).select_from(JointReviewMeeting)) == 0


def test_joint_review_needs_a_panel_member_reasons_and_responsible_boards(app, session) -> None:
    case = run_review(session, app, open_case(session), "civil")
    refused(session, _decide(session, "civil", case), "joint-review members")
    refused(session, _decide(session, "reviewer", case, reasons=" "), "needs reasons")
    refused(session, _decide(session, "reviewer", case, boards=[]), "responsible board")
    refused(session, _decide(session, "reviewer", case, boards=["red_cross"]), "not enabled")
    refused(session, _decide(session, "reviewer", case, decision="maybe"), "unknown decision")
    refused(session, lambda: cw.hold_joint_review(session, actor(session, "reviewer"), held_on=MONDAY, members=[],
                                                  minutes="", decisions=[cw.DecisionInput(case.id, "include", "同意",
                                                                                          ["civil_affairs"])]),
            "members")


def test_one_bad_decision_refuses_the_whole_meeting(app, session) -> None:
    good = run_review(session, app, open_case(session), "civil")
    bad = open_case(session, household=household())
    refused(session, lambda: cw.hold_joint_review(
        session, actor(session, "reviewer"), held_on=MONDAY, members=[{"name": "王主任", "board": "civil_affairs"}],
        minutes="", decisions=[cw.DecisionInput(good.id, "include", "同意", ["civil_affairs"]),
                               cw.DecisionInput(bad.id, "include", "同意", ["civil_affairs"])]))
    assert session.get(Case, good.id).stage == "awaiting_joint_review"


def test_a_case_cannot_be_decided_twice(app, session) -> None:
    case = run_review(session, app, open_case(session), "civil")
    include(session, case, ["civil_affairs"])
    refused(session, _decide(session, "reviewer", case), "only allowed when")


# -- plan --------------------------------------------------------------------------------------------


def _first_programme(app: Any, session: Any, board: str) -> str:
    catalogue = cw.programmes(boards_of(app), cw.enabled_boards(session))
    return next(k for k, p in sorted(catalogue.items()) if p.board == board)


def test_no_enrolment_without_a_joint_review_decision(app, session) -> None:
    case = run_review(session, app, open_case(session), "civil")
    key = _first_programme(app, session, "civil_affairs")
    refused(session, lambda: cw.add_material_measure(session, actor(session, "civil"), case.id, boards_of(app),
                                                     programme_key=key, note="x"), "not a responsible board")


def test_no_enrolment_by_a_board_not_named_responsible_or_in_another_boards_programme(app, session) -> None:
    case = run_review(session, app, open_case(session), "civil")
    include(session, case, ["civil_affairs"])
    union_key = _first_programme(app, session, "trade_union")
    refused(session, lambda: cw.add_material_measure(session, actor(session, "union"), case.id, boards_of(app),
                                                     programme_key=union_key, note="x"), "not a responsible board")
    refused(session, lambda: cw.add_material_measure(session, actor(session, "civil"), case.id, boards_of(app),
                                                     programme_key=union_key, note="x"), "belongs to trade_union")
    refused(session, lambda: cw.add_material_measure(session, actor(session, "civil"), case.id, boards_of(app),
                                                     programme_key="civil_affairs.nothing", note="x"),
            "no enabled programme")
    civil_key = _first_programme(app, session, "civil_affairs")
    refused(session, lambda: cw.add_material_measure(session, actor(session, "civil"), case.id, boards_of(app),
                                                     programme_key=civil_key, monthly_fen=-1, note="x"), "negative")
    assert session.scalar(select(func.count()).select_from(PlanMeasure)) == 0


def test_a_care_measure_is_checked(app, session) -> None:
    case = run_review(session, app, open_case(session), "civil")
    include(session, case, ["civil_affairs", "youth_league"])
    youth = actor(session, "youth")
    person = case.household.members[0].id
    args = dict(person_id=person, need_type="youth_league.companionship", category="other", risk=2,
                required_skills=[], visit_every_days=30)
    refused(session, lambda: cw.add_care_measure(session, youth, case.id, **{**args, "risk": 4}), "risk tier")
    refused(session, lambda: cw.add_care_measure(session, youth, case.id, **{**args, "category": "pets"}), "category")
    refused(session, lambda: cw.add_care_measure(session, youth, case.id, **{**args, "visit_every_days": 0}), "cadence")
    refused(session, lambda: cw.add_care_measure(session, youth, case.id, **{**args, "person_id": 999999}), "member")
    refused(session, lambda: cw.add_care_measure(session, actor(session, "women"), case.id, **args), "responsible")


def test_measures_change_and_end_only_by_their_board_with_a_reason(app, session) -> None:
    case = run_review(session, app, open_case(session), "civil")
    include(session, case, ["civil_affairs", "youth_league"])
    key = _first_programme(app, session, "civil_affairs")
    measure = cw.add_material_measure(session, actor(session, "civil"), case.id, boards_of(app), programme_key=key,
                                      monthly_fen=30000, note="人工核定")
    session.commit()
    civil = actor(session, "civil")
    refused(session, lambda: cw.change_measure(session, civil, measure.id, reason="", monthly_fen=1), "reason")
    refused(session, lambda: cw.change_measure(session, civil, measure.id, reason="x"), "nothing to change")
    refused(session, lambda: cw.change_measure(session, actor(session, "youth"), measure.id, reason="x",
                                               monthly_fen=1), "belongs to civil_affairs")
    refused(session, lambda: cw.record_payment(session, civil, measure.id, month=D(2026, 1, 1), amount_fen=1),
            "before the start month")
    cw.end_measure(session, civil, measure.id, reason="转入特困", on=D(2026, 6, 5))
    session.commit()
    refused(session, lambda: cw.end_measure(session, civil, measure.id, reason="again", on=D(2026, 6, 5)), "ended")


# -- referral, evaluation, removal ----------------------------------------------------------------------


def test_referrals_are_checked(app, session) -> None:
    case = open_case(session)
    civil = actor(session, "civil")
    refused(session, lambda: cw.refer_case(session, civil, case.id, to_board="civil_affairs", reason="x", on=MONDAY),
            "itself")
    refused(session, lambda: cw.refer_case(session, civil, case.id, to_board="trade_union", reason=" ", on=MONDAY),
            "reason")
    refused(session, lambda: cw.refer_case(session, actor(session, "union"), case.id, to_board="youth_league",
                                           reason="x", on=MONDAY), "owned by")
    referral = cw.refer_case(session, civil, case.id, to_board="trade_union", reason="职工", on=MONDAY)
    session.commit()
    refused(session, lambda: cw.refer_case(session, civil, case.id, to_board="youth_league", reason="x", on=MONDAY),
            "pending referral")
    refused(session, lambda: cw.answer_referral(session, actor(session, "disabled"), referral.id, accept=True,
                                                note="", on=MONDAY), "sent to trade_union")
    cw.answer_referral(session, actor(session, "union"), referral.id, accept=True, note="", on=MONDAY)
    session.commit()
    refused(session, lambda: cw.answer_referral(session, actor(session, "union"), referral.id, accept=True,
                                                note="", on=MONDAY), "already answered")
    refused(session, lambda: cw.record_pre_check(session, civil, case.id, boards_of(app), MONDAY), "owned by trade_union")
    assert session.get(Referral, referral.id).state == "accepted"


def test_evaluation_and_removal_are_checked(app, session) -> None:
    case = open_case(session)
    civil = actor(session, "civil")
    refused(session, lambda: cw.remove_case(session, civil, case.id, boards_of(app), ground="other", reason="x",
                                            on=MONDAY), "not a responsible board")
    run_review(session, app, case, "civil")
    include(session, case, ["civil_affairs"])
    refused(session, lambda: cw.reassess_case(session, actor(session, "union"), case.id, boards_of(app), MONDAY),
            "not a responsible board")
    refused(session, lambda: cw.remove_case(session, civil, case.id, boards_of(app), ground="whim", reason="x",
                                            on=MONDAY), "unknown removal ground")
    refused(session, lambda: cw.remove_case(session, civil, case.id, boards_of(app), ground="other", reason=" ",
                                            on=MONDAY), "written reasons")
    refused(session, lambda: cw.remove_case(session, civil, case.id, boards_of(app), ground="death", reason="x",
                                            on=MONDAY, grace_months=3), "grace period applies only")
    refused(session, lambda: cw.remove_case(session, civil, case.id, boards_of(app), ground="income_rose_employment",
                                            reason="x", on=MONDAY, grace_months=3), "allows a grace period")
    refused(session, lambda: cw.evaluate_effect(session, civil, case.id, effect="", on=MONDAY), "written opinion")
    cw.remove_case(session, civil, case.id, boards_of(app), ground="voluntary_exit", reason="本人申请退出", on=MONDAY)
    session.commit()
    refused(session, lambda: cw.remove_case(session, civil, case.id, boards_of(app), ground="other", reason="x",
                                            on=MONDAY), "only allowed when")
    refused(session, lambda: cw.record_written_notice(session, civil, case.id, on=MONDAY, note=""), "only allowed when")


def test_grid_reports_only_by_grid_workers(session) -> None:
    refused(session, lambda: cw.file_grid_report(session, actor(session, "civil"), period=MONDAY, zero=True),
            "grid workers")
    refused(session, lambda: cw.file_grid_report(session, actor(session, "grid"), period=MONDAY, zero=False),
            "zero report")
    cw.file_grid_report(session, actor(session, "grid"), period=MONDAY, zero=True)  # weekly by default
    session.commit()
    refused(session, lambda: cw.file_grid_report(session, actor(session, "grid"), period=MONDAY + dt.timedelta(days=6),
                                                 zero=True), "2026-W10 was already filed")  # Sunday: the same week
    assert cw.file_grid_report(session, actor(session, "grid"), period=MONDAY + dt.timedelta(days=7),
                               zero=True).period == MONDAY + dt.timedelta(days=7)


def test_an_unknown_case_is_a_clear_error(session) -> None:
    refused(session, lambda: cw.submit_for_joint_review(session, actor(session, "civil"), 424242, MONDAY),
            "no case 424242")


def test_a_pre_check_without_the_standards_it_needs_is_refused(app, session) -> None:
    from core.models import Standard

    case = open_case(session)
    for row in session.execute(select(Standard)).scalars():
        session.delete(row)
    session.commit()
    refused(session, lambda: cw.record_pre_check(session, actor(session, "civil"), case.id, boards_of(app), MONDAY),
            "pre-check could not run")
    assert session.get(Case, case.id).findings is None
