"""The whole path of a case, once per programme family: intake, four review steps, joint
review, plan, payment, referral, re-evaluation and removal, with the ledger of every step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from casework_builders import MONDAY, actor, boards_of, household, include, ledger_kinds, open_case, run_review
from core.casework import ledger
from core.casework import services as cw
from core.casework.models import CaseDetail, CaseRemoval
from core.models import CaseResponsibility, DisabilityCertificate, LedgerEntry, Need, PlanMeasure

D = dt.date


def _material_programme(app: Any, session: Any, case: Any, board: str) -> tuple[str, str]:
    """A programme of ``board`` for the case: one the pre-check found eligible if any
    (no note needed), otherwise the board's first material programme with a note."""
    catalogue = cw.programmes(boards_of(app), cw.enabled_boards(session))
    for finding in case.findings or []:
        programme = catalogue.get(finding["programme_key"])
        if finding["board"] == board and finding["status"] == "eligible" and getattr(programme, "kind", "material") == "material":
            return finding["programme_key"], ""
    for key, programme in sorted(catalogue.items()):
        if programme.board == board and getattr(programme, "kind", "material") == "material":
            return key, "联审认定困难, 人工确认纳入"
    pytest.skip(f"{board} has no material programme")


def _union_worker(case: Any, session: Any) -> None:
    head = case.household.members[0]
    head.union_member, head.employment = True, "employed"


def _disabled_member(case: Any, session: Any) -> None:
    head = case.household.members[0]
    session.add(DisabilityCertificate(person_id=head.id, number=f"{head.id_number}42", category=4, grade=2))


@pytest.mark.parametrize(
    ("board", "username", "prepare"),
    [("civil_affairs", "civil", None), ("trade_union", "union", _union_worker),
     ("disabled_federation", "disabled", _disabled_member)],
)
def test_an_assistance_case_goes_from_application_to_removal(app, session, board: str, username: str,
                                                             prepare: Any) -> None:
    case = open_case(session, username=username, board=board, household=household(members=3))
    assert (case.stage, case.first_reporter_board, case.owner_board) == ("received", board, board)
    if prepare is not None:
        prepare(case, session)
        session.commit()

    run_review(session, app, case, username)
    assert case.stage == "awaiting_joint_review"
    assert case.findings is not None  # the pre-check stored the engine's findings with the case
    own = [f for f in case.findings if f["board"] == board]
    assert own, f"no finding of {board}"
    assert [d.done_on is not None for d in cw.deadlines(session, case.id) if d.key == "investigation_start"] == [True]

    include(session, case, [board])
    assert case.stage == "included"
    assert [r.board for r in case.responsible] == [board]

    who = actor(session, username)
    key, note = _material_programme(app, session, case, board)
    measure = cw.add_material_measure(session, who, case.id, boards_of(app), programme_key=key, note=note)
    session.commit()
    assert case.stage == "active"
    assert measure.start_month == D(2026, 4, 1)  # S2 Art. 21: from the month after approval (12 Mar)
    finding = next((f for f in case.findings or [] if f["programme_key"] == key), None)
    if finding and finding["status"] == "eligible" and finding.get("benefit"):
        assert measure.monthly_fen == (finding["benefit"]["monthly_fen"] or None)

    cw.record_payment(session, who, measure.id, month=D(2026, 4, 1), amount_fen=measure.monthly_fen or 10000)
    cw.change_measure(session, who, measure.id, reason="收入变化, 调整金额", monthly_fen=12345)
    session.commit()
    assert measure.monthly_fen == 12345

    evaluation = cw.reassess_case(session, who, case.id, boards_of(app), D(2027, 3, 1))
    cw.evaluate_effect(session, who, case.id, effect="生活基本稳定", on=D(2027, 3, 2))
    session.commit()
    assert evaluation.next_due_on is not None and evaluation.next_due_on > D(2027, 3, 1)

    removal = cw.remove_case(session, who, case.id, boards_of(app), ground="no_longer_qualifies",
                             reason="家庭收入超过标准", on=D(2027, 3, 20))
    session.commit()
    assert case.stage == "removed"
    assert removal.stops_from == D(2027, 4, 1)  # S6 Art. 26: stop from the next month
    assert measure.status == "ended" and measure.end_month == D(2027, 3, 1)

    kinds = ledger_kinds(session, case.id)
    for kind in ("intake", "step", "submitted", "decision", "responsible", "plan", "enrolment", "payment",
                 "measure_changed", "evaluation", "measure_ended", "removal"):
        assert kind in kinds, kind
    assert kinds.count("step") == 4
    assert kinds[0] == "intake" and kinds[-1] == "removal"


@pytest.mark.parametrize(("board", "username"), [("youth_league", "youth"), ("womens_federation", "women")])
def test_a_care_case_found_by_a_grid_worker_becomes_a_need_for_the_matcher(app, session, board: str,
                                                                            username: str) -> None:
    case = open_case(session, username="grid", board=board, channel="discovery",
                     household=household(members=3), summary="父母外出务工, 孩子与祖母同住")
    assert case.channel == "discovery" and case.first_reporter_board == board
    assert case.reported_by == actor(session, "grid").id

    run_review(session, app, case, username)
    include(session, case, [board])
    child = case.household.members[-1]
    measure = cw.add_care_measure(session, actor(session, username), case.id, person_id=child.id,
                                  need_type=f"{board}.companionship", category="left_behind_child", risk=3,
                                  required_skills=["tutoring", "child_psychology"], visit_every_days=7)
    session.commit()
    need = cw.need_of(session, measure.id)
    assert need is not None
    assert (need.status, need.risk, need.category, need.board) == ("approved", 3, "left_behind_child", board)
    assert need.needs_background_check  # a minor: 未成年人保护法 Art. 62
    assert need.required_skills == ["tutoring", "child_psychology"]

    cw.change_measure(session, actor(session, username), measure.id, reason="风险降低", risk=2, visit_every_days=14)
    session.commit()
    assert (need.risk, need.visit_every_days) == (2, 14)
    cw.end_measure(session, actor(session, username), measure.id, reason="父母返乡", on=D(2026, 9, 15))
    session.commit()
    assert need.status == "ended"
    assert ledger_kinds(session, case.id).count("measure_changed") == 1


def test_a_referral_moves_ownership_during_review_and_keeps_one_history(app, session) -> None:
    case = open_case(session, username="civil", board="civil_affairs")
    referral = cw.refer_case(session, actor(session, "civil"), case.id, to_board="trade_union",
                             reason="申请人为在职困难职工", on=MONDAY)
    session.commit()
    assert any(d.key == f"referral:{referral.id}" for d in cw.deadlines(session, case.id))
    cw.answer_referral(session, actor(session, "union"), referral.id, accept=True, note="接收", on=MONDAY)
    session.commit()
    assert (case.owner_board, case.first_reporter_board) == ("trade_union", "civil_affairs")
    run_review(session, app, case, "union")  # the receiving board now owns the review
    kinds = ledger_kinds(session, case.id)
    assert kinds[:3] == ["intake", "referral", "referral_answer"]


def test_a_referral_after_inclusion_adds_a_responsible_board_and_a_decline_needs_a_reason(app, session) -> None:
    case = open_case(session)
    run_review(session, app, case, "civil")
    include(session, case, ["civil_affairs"])
    civil = actor(session, "civil")
    referral = cw.refer_case(session, civil, case.id, to_board="youth_league", reason="孩子需要学业辅导", on=MONDAY)
    with pytest.raises(cw.TransitionError):
        cw.answer_referral(session, actor(session, "youth"), referral.id, accept=False, note="", on=MONDAY)
    cw.answer_referral(session, actor(session, "youth"), referral.id, accept=True, note="", on=MONDAY)
    session.commit()
    assert sorted(r.board for r in case.responsible) == ["civil_affairs", "youth_league"]
    assert case.owner_board == "civil_affairs"
    second = cw.refer_case(session, civil, case.id, to_board="trade_union", reason="核实职工身份", on=MONDAY)
    cw.answer_referral(session, actor(session, "union"), second.id, accept=False, note="非在职职工", on=MONDAY)
    session.commit()
    assert second.state == "declined"
    assert session.scalar(select(CaseResponsibility).where(CaseResponsibility.board == "trade_union")) is None


def test_a_rejected_case_gets_a_written_notice_deadline_of_three_working_days(app, session) -> None:
    case = open_case(session)
    run_review(session, app, case, "civil")
    cw.hold_joint_review(session, actor(session, "reviewer"), held_on=D(2026, 9, 30),
                         members=[{"name": "王主任", "board": "civil_affairs"}], minutes="",
                         decisions=[cw.DecisionInput(case.id, "reject", "家庭存款超过规定", [])])
    session.commit()
    assert case.stage == "rejected"
    notice = next(d for d in cw.deadlines(session, case.id) if d.key == "written_notice")
    assert notice.due_on == D(2026, 10, 10)  # across National Day, to the make-up Saturday
    cw.record_written_notice(session, actor(session, "civil"), case.id, on=D(2026, 10, 9), note="已送达")
    session.commit()
    assert notice.done_on == D(2026, 10, 9)
    assert ledger_kinds(session, case.id)[-1] == "written_notice"


def test_a_near_relative_of_staff_is_filed_separately(app, session) -> None:
    case = open_case(session, near_relative_of_staff=True)
    detail = session.get(CaseDetail, case.id)
    assert detail.separately_filed and case.household.near_relative_of_staff
    assert ledger_kinds(session, case.id) == ["intake", "separate_filing"]


def test_the_review_limit_can_be_extended_to_45_working_days_with_a_reason(app, session) -> None:
    case = open_case(session)
    before = case.review_due_on
    cw.extend_review(session, actor(session, "civil"), case.id, "户籍与居住地分离")
    session.commit()
    assert case.review_due_on > before
    assert next(d for d in cw.deadlines(session, case.id) if d.key == "review").limit_key == "review.extended"


def test_a_grace_period_and_a_hand_over_on_removal(app, session) -> None:
    case = open_case(session)
    run_review(session, app, case, "civil")
    include(session, case, ["civil_affairs"])
    civil = actor(session, "civil")
    catalogue = cw.programmes(boards_of(app), cw.enabled_boards(session))
    graced = [k for k, p in sorted(catalogue.items()) if p.board == "civil_affairs" and p.grace_period_applies]
    if not graced:
        pytest.skip("no civil-affairs programme allows a grace period")
    cw.add_material_measure(session, civil, case.id, boards_of(app), programme_key=graced[0], monthly_fen=50000,
                            note="按测算金额")
    session.commit()
    with pytest.raises(cw.TransitionError, match="6"):
        cw.remove_case(session, civil, case.id, boards_of(app), ground="income_rose_employment",
                       reason="就业后收入超标", on=D(2026, 8, 10), grace_months=7)
    session.rollback()
    other = next((k for k, p in sorted(catalogue.items()) if k != graced[0]), None)
    removal = cw.remove_case(session, civil, case.id, boards_of(app), ground="income_rose_employment",
                             reason="就业后收入超标", on=D(2026, 8, 10), grace_months=6, handover_programme=other)
    session.commit()
    assert removal.stops_from == D(2027, 3, 1)  # Sep 2026 + 6 months of grace
    measure = session.execute(select(PlanMeasure)).scalars().first()
    assert measure.end_month == D(2027, 2, 1)
    if other:
        assert ledger_kinds(session, case.id)[-1] == "handover"
    assert session.get(CaseRemoval, removal.id).grace_months == 6


def test_a_death_in_the_household_brings_the_re_check_within_three_months(app, session) -> None:
    case = open_case(session, household=household(members=2))
    run_review(session, app, case, "civil")
    include(session, case, ["civil_affairs"])
    spouse = case.household.members[1]
    cw.record_member_death(session, actor(session, "civil"), case.id, person_id=spouse.id, died_on=D(2026, 5, 10))
    session.commit()
    assert session.get(CaseDetail, case.id).next_evaluation_on == D(2026, 8, 10)  # S3 §1(3)
    queue = cw.board_queue(session, "civil_affairs", D(2026, 7, 20))
    assert case in queue["due_for_re_evaluation"]
    assert ledger.for_person(session, spouse.id)[-1].kind == "member_death"


def test_the_ledger_is_append_only_and_a_correction_references_the_old_entry(app, session) -> None:
    case = open_case(session)
    entry = session.execute(select(LedgerEntry).where(LedgerEntry.case_id == case.id)).scalars().first()
    correction = ledger.correct(session, actor(session, "civil"), entry.id, "更正: 受理渠道为代为申请")
    session.commit()
    assert correction.corrects_id == entry.id and correction.case_id == case.id
    entry.summary = "changed"
    with pytest.raises(Exception, match="append-only"):
        session.flush()
    session.rollback()
    assert [e.kind for e in ledger.for_household(session, case.household_id)] == ["intake", "correction"]


def test_the_board_queue_sorts_cases_into_new_review_joint_review_active_and_overdue(app, session) -> None:
    fresh = open_case(session)
    reviewing = open_case(session, household=household())
    cw.record_pre_check(session, actor(session, "civil"), reviewing.id, boards_of(app), MONDAY)
    waiting = open_case(session, household=household())
    run_review(session, app, waiting, "civil")
    active = open_case(session, household=household())
    run_review(session, app, active, "civil")
    include(session, active, ["civil_affairs"])
    session.commit()
    queue = cw.board_queue(session, "civil_affairs", MONDAY + dt.timedelta(days=14))
    assert queue["new"] == [fresh]
    assert queue["in_review"] == [reviewing]
    assert queue["awaiting_joint_review"] == [waiting]
    assert queue["active"] == [active]
    assert fresh in queue["overdue"]  # investigation not started within 3 working days
    assert reviewing not in queue["overdue"]
    assert cw.board_queue(session, "trade_union", MONDAY)["new"] == []


def test_a_grid_worker_files_a_zero_report_or_a_periodic_one(app, session) -> None:
    """Weekly by default (no stored ``core.grid_report_every``): ISO weeks, Monday to Sunday."""
    grid = actor(session, "grid")
    zero = cw.file_grid_report(session, grid, period=D(2026, 2, 25), zero=True)  # Wed → week of Mon 23 Feb
    session.commit()
    assert (zero.kind, zero.period, zero.case_ids) == ("zero", D(2026, 2, 23), [])
    with pytest.raises(cw.TransitionError, match="2026-W09"):  # Sunday 1 March ends that same week
        cw.file_grid_report(session, grid, period=D(2026, 3, 1), zero=True)
    case = open_case(session, username="grid", board="civil_affairs", channel="discovery", on=D(2026, 3, 5))
    with pytest.raises(cw.TransitionError, match="不能零报告"):  # Sunday 8 March: the week of Mon 2 March
        cw.file_grid_report(session, grid, period=D(2026, 3, 8), zero=True)
    report = cw.file_grid_report(session, grid, period=D(2026, 3, 2), zero=False, note="发现一户")
    session.commit()
    assert (report.period, report.case_ids) == (D(2026, 3, 2), [case.id])
    with pytest.raises(cw.TransitionError):
        cw.file_grid_report(session, grid, period=D(2026, 3, 4), zero=False, note="again")
    following = cw.file_grid_report(session, grid, period=D(2026, 3, 9), zero=True)  # the next week: nobody
    assert following.period == D(2026, 3, 9)


def test_a_monthly_setting_makes_the_grid_report_a_calendar_month(app, session) -> None:
    from core.casework.calendar import grid_report_bounds
    from core.models import Standard

    session.add(Standard(key="core.grid_report_every", region_code="230600", area="all", value=30, unit="days",
                         effective_from=D(2025, 1, 1)))
    session.commit()
    assert grid_report_bounds(session, D(2026, 3, 17)) == ("month", D(2026, 3, 1), D(2026, 4, 1))
    grid = actor(session, "grid")
    case = open_case(session, username="grid", board="civil_affairs", channel="discovery", on=D(2026, 3, 20))
    with pytest.raises(cw.TransitionError, match="2026-03"):
        cw.file_grid_report(session, grid, period=D(2026, 3, 2), zero=True)  # 20 March is in the month
    report = cw.file_grid_report(session, grid, period=D(2026, 3, 2), zero=False, note="发现一户")
    session.commit()
    assert (report.period, report.case_ids) == (D(2026, 3, 1), [case.id])


def test_needs_of_a_case_are_visible_to_the_matcher_as_approved(app, session) -> None:
    case = open_case(session, username="youth", board="youth_league", household=household(members=3))
    run_review(session, app, case, "youth")
    include(session, case, ["youth_league", "civil_affairs"])
    cw.add_care_measure(session, actor(session, "youth"), case.id, person_id=case.household.members[0].id,
                        need_type="youth_league.companionship", category="other", risk=1, required_skills=[],
                        visit_every_days=30)
    session.commit()
    needs = session.execute(select(Need).where(Need.status == "approved")).scalars().all()
    assert [n.case_id for n in needs] == [case.id]
    assert needs[0].needs_background_check is False  # an adult


def test_a_special_hardship_case_runs_on_the_15_working_day_township_limit(app, session) -> None:
    # An 80-year-old living alone without income or supporters: 特困 (S6 Art. 4).
    case = open_case(session, household=household(born=D(1946, 1, 5)))
    case.household.members[0].lives_alone = True
    session.commit()
    cw.record_pre_check(session, actor(session, "civil"), case.id, boards_of(app), MONDAY)
    session.commit()
    statuses = {f["programme_key"]: f["status"] for f in case.findings}
    if statuses.get("civil_affairs.tekun") != "eligible":
        pytest.skip(f"the engine does not find this household 特困-eligible: {statuses}")
    detail = session.get(CaseDetail, case.id)
    assert detail.track == "tekun"
    review = next(d for d in cw.deadlines(session, case.id) if d.key == "review")
    assert (review.limit_key, review.due_on) == ("review.tekun", D(2026, 3, 23))  # 15 working days after 2 Mar
