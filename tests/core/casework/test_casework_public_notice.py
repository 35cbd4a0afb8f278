"""Public notices (公示): the preliminary opinion runs 7 days before the joint review, objections
lead to a re-investigation and a new notice; the delegated dibao track and the 特困 county stage
with worked dates across the 2026 Mid-Autumn and National Day holidays; the termination notice
before a 特困 removal. Every refusal is bilingual and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import pytest
from sqlalchemy import func, select

from casework_builders import (
    MONDAY,
    actor,
    all_documents,
    boards_of,
    household,
    include,
    ledger_count,
    ledger_kinds,
    open_case,
    run_review,
)
from core.casework import notice, tracks
from core.casework import services as cw
from core.casework.models import CaseDetail, CaseRemoval, NoticeObjection, PublicNotice

D = dt.date


def refused(session: Any, action: Callable[[], Any], en_part: str) -> cw.TransitionError:
    """The action is refused with a bilingual message and, rolled back, leaves nothing behind."""
    before = (ledger_count(session), session.scalar(select(func.count()).select_from(PublicNotice)),
              session.scalar(select(func.count()).select_from(NoticeObjection)))
    with pytest.raises(cw.TransitionError) as info:
        action()
    session.rollback()
    assert info.value.zh and info.value.en and en_part in info.value.en, info.value.en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.zh)
    after = (ledger_count(session), session.scalar(select(func.count()).select_from(PublicNotice)),
             session.scalar(select(func.count()).select_from(NoticeObjection)))
    assert after == before
    return info.value


def deadline(session: Any, case_id: int, key: str) -> Any:
    return next((d for d in cw.deadlines(session, case_id) if d.key == key), None)


def reviewed(session: Any, app: Any, **kwargs: Any) -> Any:
    case = open_case(session, **kwargs)
    return run_review(session, app, case, "civil", on=kwargs.get("on", MONDAY), submit=False)


# -- the preliminary opinion ------------------------------------------------------------------------


def test_the_notice_publishes_name_household_size_and_amount_only(app, session) -> None:
    case = reviewed(session, app, household=household(members=3))
    civil = actor(session, "civil")
    posted = notice.post_public_notice(session, civil, case.id, location="东风社区公示栏", starts_on=D(2026, 3, 9),
                                       amount_fen=123400)
    session.commit()
    assert (posted.starts_on, posted.ends_on, posted.state) == (D(2026, 3, 9), D(2026, 3, 16), "posted")
    assert posted.published == {"name": "张建国", "household_size": 3, "amount_fen": 123400}
    entry = [e for e in cw.ledger.for_case(session, case.id) if e.kind == "public_notice"][-1]
    assert entry.data["published"] == posted.published and entry.amount_fen == 123400
    numbers = [p.id_number for p in case.household.members]
    assert not any(n in str(entry.data) or n in entry.summary for n in numbers)
    assert "萨尔图区某街道" not in str(posted.published)
    row = deadline(session, case.id, "public_notice")
    assert (row.limit_key, row.due_on, row.done_on) == ("public_notice", D(2026, 3, 16), None)


def test_no_joint_review_before_a_notice_that_ended_without_objection(app, session) -> None:
    case = reviewed(session, app)
    civil = actor(session, "civil")
    refused(session, lambda: cw.submit_for_joint_review(session, civil, case.id, D(2026, 3, 20)), "must run for 7 days")
    notice.post_public_notice(session, civil, case.id, location="社区公示栏", starts_on=D(2026, 3, 9), amount_fen=50000)
    session.commit()
    refused(session, lambda: cw.submit_for_joint_review(session, civil, case.id, D(2026, 3, 15)), "runs until 2026-03-16")
    refused(session, lambda: notice.post_public_notice(session, civil, case.id, location="又一处", starts_on=D(2026, 3, 10),
                                                       amount_fen=1), "runs until")
    cw.submit_for_joint_review(session, civil, case.id, D(2026, 3, 16))
    session.commit()
    assert case.stage == "awaiting_joint_review"
    assert deadline(session, case.id, "public_notice").done_on == D(2026, 3, 16)


def test_an_objection_sends_the_case_back_to_investigation_and_a_new_notice(app, session) -> None:
    case = reviewed(session, app)
    civil, union = actor(session, "civil"), actor(session, "union")
    first = notice.post_public_notice(session, civil, case.id, location="社区公示栏", starts_on=D(2026, 3, 9),
                                      amount_fen=50000)
    session.commit()
    refused(session, lambda: notice.record_objection(session, union, case.id, objector="邻居", received_on=D(2026, 3, 10),
                                                     content="x"), "owned by civil_affairs")
    refused(session, lambda: notice.record_objection(session, civil, case.id, objector="邻居", received_on=D(2026, 3, 16),
                                                     content="家里有车"), "no notice")
    refused(session, lambda: notice.record_objection(session, civil, case.id, objector="", received_on=D(2026, 3, 11),
                                                     content="家里有车"), "objector")
    objection = notice.record_objection(session, civil, case.id, objector="邻居李某", received_on=D(2026, 3, 11),
                                        content="申请人家中有一辆轿车")
    session.commit()
    assert first.state == "objected" and case.stage == "in_review"
    refused(session, lambda: cw.submit_for_joint_review(session, civil, case.id, D(2026, 3, 20)), "still open")
    refused(session, lambda: notice.post_public_notice(session, civil, case.id, location="社区公示栏",
                                                       starts_on=D(2026, 3, 12), amount_fen=50000), "still open")
    refused(session, lambda: notice.record_reinvestigation(session, civil, objection.id, founded=False, findings="",
                                                           on=D(2026, 3, 13)), "findings")

    notice.record_reinvestigation(session, civil, objection.id, founded=False,
                                  findings="车辆已于2025年过户, 车管所记录为证", on=D(2026, 3, 13))
    session.commit()
    refused(session, lambda: notice.record_reinvestigation(session, civil, objection.id, founded=True, findings="x",
                                                           on=D(2026, 3, 14)), "already answered")
    refused(session, lambda: notice.post_public_notice(session, civil, case.id, location="社区公示栏",
                                                       starts_on=D(2026, 3, 12), amount_fen=50000), "re-investigation")
    second = notice.post_public_notice(session, civil, case.id, location="社区公示栏", starts_on=D(2026, 3, 13),
                                       amount_fen=50000)
    session.commit()
    assert second.ends_on == D(2026, 3, 20)
    cw.submit_for_joint_review(session, civil, case.id, D(2026, 3, 20))
    session.commit()
    kinds = ledger_kinds(session, case.id)
    assert kinds[-5:] == ["public_notice", "objection", "reinvestigation", "public_notice", "submitted"]


def test_a_review_step_recorded_after_the_notice_needs_a_new_notice(app, session) -> None:
    case = reviewed(session, app)
    civil = actor(session, "civil")
    notice.post_public_notice(session, civil, case.id, location="社区公示栏", starts_on=D(2026, 3, 9), amount_fen=50000)
    session.commit()
    cw.record_document_check(session, civil, case.id, boards_of(app), present=all_documents(case, app, session),
                             notes="补充材料", on=D(2026, 3, 12))
    session.commit()
    refused(session, lambda: cw.submit_for_joint_review(session, civil, case.id, D(2026, 3, 16)), "changed after")


def test_a_notice_needs_the_four_steps_a_location_and_a_date_after_them(app, session) -> None:
    civil = actor(session, "civil")
    case = open_case(session)
    refused(session, lambda: notice.post_public_notice(session, civil, case.id, location="社区", starts_on=MONDAY,
                                                       amount_fen=1), "only allowed when")
    run_review(session, app, case, "civil", submit=False)
    refused(session, lambda: notice.post_public_notice(session, civil, case.id, location=" ", starts_on=D(2026, 3, 9),
                                                       amount_fen=1), "location")
    refused(session, lambda: notice.post_public_notice(session, civil, case.id, location="社区", starts_on=D(2026, 3, 5),
                                                       amount_fen=1), "before the review step")


def test_care_cases_are_not_posted(app, session) -> None:
    case = open_case(session, username="youth", board="youth_league", household=household(members=3))
    run_review(session, app, case, "youth")  # submits without a notice: a care board's track
    assert case.stage == "awaiting_joint_review"
    assert notice.notices_for(session, case.id) == []


# -- tracks and their time limits --------------------------------------------------------------------


def test_delegated_approval_puts_dibao_on_the_20_day_track_across_the_holidays(app, session) -> None:
    tracks.set_approval_delegated(session, "230602", True, D(2026, 1, 1), "县民政局授权乡镇审批 (test)", None)
    session.commit()
    assert tracks.approval_delegated(session, "230602001", D(2026, 9, 22))  # a street inherits its district's
    assert not tracks.approval_delegated(session, "230602", D(2025, 12, 31))
    assert not tracks.approval_delegated(session, "230603", D(2026, 9, 22))

    delegated = open_case(session, on=D(2026, 9, 22))
    other = open_case(session, on=D(2026, 9, 22), household=household(region="230603"))
    assert session.get(CaseDetail, delegated.id).track == "dibao_delegated"
    assert session.get(CaseDetail, other.id).track == "dibao"
    # Tue 22 Sep 2026: Mid-Autumn 25-27 Sep, National Day 1-7 Oct, make-up Sat 10 Oct
    assert delegated.review_due_on == D(2026, 10, 27)  # 20 working days
    assert other.review_due_on == D(2026, 11, 10)  # 30 working days

    run_review(session, app, delegated, "civil", on=D(2026, 9, 22), submit=False)  # the pre-check keeps the track
    assert session.get(CaseDetail, delegated.id).track == "dibao_delegated"
    assert delegated.review_due_on == D(2026, 10, 27)

    tracks.set_approval_delegated(session, "230602", False, D(2026, 10, 1), "收回 (test)", None)
    session.commit()
    later = open_case(session, on=D(2026, 10, 9), household=household())
    assert session.get(CaseDetail, later.id).track == "dibao"
    with pytest.raises(ValueError):
        tracks.set_approval_delegated(session, "230602", True, D(2026, 9, 1), "", None)


def _as_tekun(session: Any, case: Any) -> None:
    """The pre-check's 特困 finding (an engine fixture would need a full 特困 household): the track."""
    detail = session.get(CaseDetail, case.id)
    detail.track = "tekun"
    cw._reset_review_deadline(session, case, detail)
    session.commit()


def test_the_tekun_county_stage_runs_15_working_days_after_the_notice(app, session) -> None:
    case = open_case(session, on=D(2026, 9, 8))
    civil = actor(session, "civil")
    run_review(session, app, case, "civil", on=D(2026, 9, 8), submit=False)
    _as_tekun(session, case)
    assert deadline(session, case.id, "review").due_on == D(2026, 9, 29)  # township: 15 working days
    notice.post_public_notice(session, civil, case.id, location="村务公开栏", starts_on=D(2026, 9, 22), amount_fen=86000)
    session.commit()
    assert deadline(session, case.id, "review").done_on == D(2026, 9, 22)  # the township stage ended
    assert deadline(session, case.id, "public_notice").due_on == D(2026, 9, 29)  # 7 calendar days, holidays too
    cw.submit_for_joint_review(session, civil, case.id, D(2026, 9, 29))
    session.commit()
    county = deadline(session, case.id, "county_review")
    assert (county.limit_key, county.starts_on, county.due_on) == ("county_review.tekun", D(2026, 9, 29), D(2026, 10, 26))
    include(session, case, ["civil_affairs"], on=D(2026, 10, 20))
    assert deadline(session, case.id, "county_review").done_on == D(2026, 10, 20)


def test_a_tekun_objection_starts_a_15_day_reinvestigation(app, session) -> None:
    case = open_case(session, on=D(2026, 9, 8))
    civil = actor(session, "civil")
    run_review(session, app, case, "civil", on=D(2026, 9, 8), submit=False)
    _as_tekun(session, case)
    notice.post_public_notice(session, civil, case.id, location="村务公开栏", starts_on=D(2026, 9, 22), amount_fen=86000)
    notice.record_objection(session, civil, case.id, objector="村民王某", received_on=D(2026, 9, 24), content="有赡养人")
    session.commit()
    row = deadline(session, case.id, "reinvestigation")
    assert (row.limit_key, row.due_on) == ("review.tekun", D(2026, 10, 22))  # Thu 24 Sep, across both holidays
    objection = notice.open_objections(session, case.id)[0]
    notice.record_reinvestigation(session, civil, objection.id, founded=False, findings="赡养人无赡养能力",
                                  on=D(2026, 10, 12))
    notice.post_public_notice(session, civil, case.id, location="村务公开栏", starts_on=D(2026, 10, 12), amount_fen=86000)
    session.commit()
    assert deadline(session, case.id, "reinvestigation").done_on == D(2026, 10, 12)


# -- termination notice ------------------------------------------------------------------------------


def _enrolled_in_tekun(app: Any, session: Any) -> tuple[Any, Any]:
    case = open_case(session)
    run_review(session, app, case, "civil")
    include(session, case, ["civil_affairs"])
    measure = cw.add_material_measure(session, actor(session, "civil"), case.id, boards_of(app),
                                      programme_key="civil_affairs.tekun", monthly_fen=86000,
                                      note="联审认定特困, 人工确认纳入")
    session.commit()
    return case, measure


def test_removing_a_tekun_case_needs_a_7_day_notice_first(app, session) -> None:
    case, measure = _enrolled_in_tekun(app, session)
    civil = actor(session, "civil")
    boards = boards_of(app)
    assert notice.termination_notice_programmes(session, case, cw.programmes(boards, cw.enabled_boards(session))) \
        == ["civil_affairs.tekun"]
    refused(session, lambda: cw.remove_case(session, civil, case.id, boards, ground="supporter_able",
                                            reason="赡养人已有赡养能力", on=D(2026, 6, 10)), "termination notice")
    posted = notice.post_termination_notice(session, civil, case.id, ground="supporter_able",
                                            reason="赡养人已有赡养能力", location="社区公示栏", starts_on=D(2026, 6, 10))
    session.commit()
    assert posted.published == {"name": "张建国", "household_size": 1, "amount_fen": 86000}
    assert deadline(session, case.id, "termination_notice").due_on == D(2026, 6, 17)
    refused(session, lambda: cw.remove_case(session, civil, case.id, boards, ground="supporter_able",
                                            reason="赡养人已有赡养能力", on=D(2026, 6, 16)), "runs until 2026-06-17")
    refused(session, lambda: cw.remove_case(session, civil, case.id, boards, ground="moved_away",
                                            reason="迁出", on=D(2026, 6, 30)), "announced the ground")
    removal = cw.remove_case(session, civil, case.id, boards, ground="supporter_able", reason="赡养人已有赡养能力",
                             on=D(2026, 6, 30))
    session.commit()
    assert removal.stops_from == D(2026, 7, 1) and measure.end_month == D(2026, 6, 1)  # from the next month
    kinds = ledger_kinds(session, case.id)
    assert kinds[-3:] == ["public_notice", "measure_ended", "removal"], kinds


def test_an_objection_to_a_termination_is_reinvestigated_and_posted_again(app, session) -> None:
    case, _measure = _enrolled_in_tekun(app, session)
    civil, youth = actor(session, "civil"), actor(session, "youth")
    boards = boards_of(app)
    refused(session, lambda: notice.post_termination_notice(session, youth, case.id, ground="supporter_able",
                                                            reason="x", location="社区", starts_on=D(2026, 6, 10)),
            "not a responsible board")
    refused(session, lambda: notice.post_termination_notice(session, civil, case.id, ground="bored",
                                                            reason="x", location="社区", starts_on=D(2026, 6, 10)),
            "unknown removal ground")
    notice.post_termination_notice(session, civil, case.id, ground="supporter_able", reason="赡养人已有赡养能力",
                                   location="社区公示栏", starts_on=D(2026, 6, 10))
    objection = notice.record_objection(session, civil, case.id, objector="本人", received_on=D(2026, 6, 12),
                                        content="赡养人长期患病, 无力赡养")
    session.commit()
    assert deadline(session, case.id, "reinvestigation").due_on == D(2026, 7, 6)  # 15 working days across the Dragon Boat Festival (19 Jun)
    refused(session, lambda: cw.remove_case(session, civil, case.id, boards, ground="supporter_able",
                                            reason="赡养人已有赡养能力", on=D(2026, 6, 30)), "still open")
    notice.record_reinvestigation(session, civil, objection.id, founded=False, findings="赡养人收入稳定, 有赡养能力",
                                  on=D(2026, 6, 20))
    session.commit()
    refused(session, lambda: cw.remove_case(session, civil, case.id, boards, ground="supporter_able",
                                            reason="赡养人已有赡养能力", on=D(2026, 6, 30)), "must run for 7 days")
    notice.post_termination_notice(session, civil, case.id, ground="supporter_able", reason="复查后仍拟终止",
                                   location="社区公示栏", starts_on=D(2026, 6, 22))
    session.commit()
    removal = cw.remove_case(session, civil, case.id, boards, ground="supporter_able", reason="复查后终止",
                             on=D(2026, 7, 2))
    session.commit()
    assert removal.stops_from == D(2026, 8, 1)
    assert session.scalar(select(func.count()).select_from(CaseRemoval).where(CaseRemoval.case_id == case.id)) == 1


def test_a_dibao_removal_needs_no_termination_notice(app, session) -> None:
    case = open_case(session)
    run_review(session, app, case, "civil")
    include(session, case, ["civil_affairs"])
    civil = actor(session, "civil")
    cw.add_material_measure(session, civil, case.id, boards_of(app), programme_key="civil_affairs.dibao",
                            monthly_fen=50000, note="人工确认")
    session.commit()
    removal = cw.remove_case(session, civil, case.id, boards_of(app), ground="no_longer_qualifies", reason="收入超标",
                             on=D(2026, 6, 10))
    session.commit()
    assert removal.stops_from == D(2026, 7, 1)


def test_the_dibao_county_stage_runs_10_working_days_across_the_national_day_holiday(app, session) -> None:
    # S2 Art. 20. Submitted Tue 29 Sep 2026: 30 Sep is day 1; 1-7 Oct are holidays; 8, 9 Oct,
    # the make-up Saturday 10 Oct, then 12-16 Oct and Mon 19 Oct make days 2-10.
    case = open_case(session, on=D(2026, 9, 8))
    civil = actor(session, "civil")
    run_review(session, app, case, "civil", on=D(2026, 9, 8), submit=False)
    notice.post_public_notice(session, civil, case.id, location="社区公示栏", starts_on=D(2026, 9, 22), amount_fen=123000)
    session.commit()
    cw.submit_for_joint_review(session, civil, case.id, D(2026, 9, 29))
    session.commit()
    county = deadline(session, case.id, "county_review")
    assert (county.limit_key, county.starts_on, county.due_on) == ("county_review.dibao", D(2026, 9, 29), D(2026, 10, 19))
