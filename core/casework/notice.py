"""Public notices (公示): the township's preliminary opinion before the joint review (S2 Art. 19;
S6 Art. 14) and a proposed termination before benefits stop (S6 Art. 25).

A notice is posted for the ``public_notice`` time limit (7 calendar days) and publishes only
the applicant's name, the household size and the amount (S2 Art. 24; S3 §4(2)). An objection
received while it runs is recorded (who, when, what) and answered by a re-investigation; the
case then needs a new notice. A case whose track requires a notice goes to the joint review
only after a notice that ended without an objection; a case enrolled in a programme whose
rules require a termination notice is removed only after one.

Like :mod:`core.casework.services`, every function checks before it writes, writes ledger
entries and only flushes; a :class:`TransitionError` leaves nothing behind once rolled back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.casework import ledger
from core.casework.calendar import due_date
from core.casework.ledger import Actor
from core.casework.models import PUBLISHED_FIELDS, NoticeObjection, PublicNotice
from core.models import Case, Person

# Tracks whose rules require the preliminary opinion to be posted: dibao (S2 Art. 19, either
# approval tier) and 特困 (S6 Art. 14), when civil affairs reviews the case. Care cases are never
# posted: their subjects are often children, and no rule asks for it.
NOTICE_TRACKS = ("dibao", "dibao_delegated", "tekun")
PRELIMINARY = "preliminary_opinion"
TERMINATION = "termination"


def _cw() -> Any:
    from core.casework import services

    return services


def _error(zh: str, en: str) -> Exception:
    return _cw().TransitionError(zh, en)


# -- reading ---------------------------------------------------------------------------------------


def notices_for(session: Session, case_id: int, purpose: str | None = None) -> list[PublicNotice]:
    query = select(PublicNotice).where(PublicNotice.case_id == case_id)
    if purpose is not None:
        query = query.where(PublicNotice.purpose == purpose)
    return list(session.execute(query.order_by(PublicNotice.id)).scalars())


def latest_notice(session: Session, case_id: int, purpose: str) -> PublicNotice | None:
    rows = notices_for(session, case_id, purpose)
    return rows[-1] if rows else None


def objections_for(session: Session, case_id: int) -> list[NoticeObjection]:
    return list(session.execute(
        select(NoticeObjection).where(NoticeObjection.case_id == case_id).order_by(NoticeObjection.id)
    ).scalars())


def open_objections(session: Session, case_id: int) -> list[NoticeObjection]:
    return [o for o in objections_for(session, case_id) if o.resolved_on is None]


def notice_required(session: Session, case: Case) -> bool:
    """Whether the case's preliminary opinion must be posted before the joint review: a dibao or
    特困 track, reviewed by the board that runs that procedure (a care board's case whose household
    the pre-check also found dibao-eligible is not posted by the care board)."""
    cw = _cw()
    return cw._default_track(case.owner_board) == "dibao" and cw.detail_of(session, case).track in NOTICE_TRACKS


def termination_notice_programmes(session: Session, case: Case, catalogue: dict[str, Any]) -> list[str]:
    """The case's active programmes whose rules require a termination notice (S6 Art. 25)."""
    plan = _cw().plan_of(session, case.id)
    return sorted({m.programme_key for m in (plan.measures if plan else [])
                   if m.status == "active" and m.kind == "material"
                   and getattr(catalogue.get(m.programme_key or ""), "termination_notice_required", False)})


def is_running(notice: PublicNotice, on: dt.date) -> bool:
    return notice.state == "posted" and notice.starts_on <= on < notice.ends_on


# -- posting ---------------------------------------------------------------------------------------


def _published(session: Session, case: Case, amount_fen: int | None) -> dict[str, Any]:
    """The whitelist and nothing else: name, household size, amount."""
    subject = session.get(Person, case.subject_id) if case.subject_id else None
    members = [p for p in case.household.members if p.deceased_on is None]
    if subject is None and members:
        subject = members[0]
    published = {"name": subject.name if subject is not None else "", "household_size": len(members),
                 "amount_fen": amount_fen}
    assert tuple(published) == PUBLISHED_FIELDS
    return published


def _proposed_amount(case: Case) -> int | None:
    """The monthly amount the pre-check computed for the owner board's eligible programme."""
    for finding in case.findings or []:
        if finding.get("status") == "eligible" and finding.get("board") == case.owner_board:
            monthly = (finding.get("benefit") or {}).get("monthly_fen")
            if monthly:
                return int(monthly)
    return None


def _check_new_notice(session: Session, case: Case, purpose: str, location: str, starts_on: dt.date) -> None:
    if not location.strip():
        raise _error("须填写公示地点", "the notice needs a location")
    pending = open_objections(session, case.id)
    if pending:
        raise _error(f"有未处理的异议 {pending[0].id}, 须先重新调查",
                     f"objection {pending[0].id} is still open: re-investigate first")
    # a new notice follows the re-investigation, never precedes it
    answered = [o.resolved_on for o in objections_for(session, case.id) if o.resolved_on is not None]
    if answered and starts_on < max(answered):
        raise _error(f"新公示不能早于重新调查结论 {max(answered)}",
                     f"a new notice cannot start before the re-investigation concluded on {max(answered)}")
    previous = latest_notice(session, case.id, purpose)
    if previous is not None and previous.state == "posted" and starts_on < previous.ends_on:
        raise _error(f"公示 {previous.id} 尚未期满 ({previous.ends_on})",
                     f"notice {previous.id} runs until {previous.ends_on}")


def _post(session: Session, actor: Actor, case: Case, purpose: str, board: str, location: str, starts_on: dt.date,
          published: dict[str, Any], proposal: dict[str, Any], deadline_key: str) -> PublicNotice:
    cw = _cw()
    ends_on = due_date(session, "public_notice", starts_on)
    notice = PublicNotice(case_id=case.id, purpose=purpose, board=board, location=location.strip(),
                          starts_on=starts_on, ends_on=ends_on, published=published, proposal=proposal,
                          state="posted", posted_by=actor.id)
    session.add(notice)
    session.flush()
    row = cw._set_deadline(session, case, deadline_key, "public_notice", starts_on)
    assert row.due_on == ends_on
    cw._close_deadline(session, case, "reinvestigation", starts_on)
    amount = published.get("amount_fen")
    word = "拟终止公示 (termination notice)" if purpose == TERMINATION else "初审意见公示 (notice of the preliminary opinion)"
    ledger.append(session, kind="public_notice", case=case, actor=actor, board=board, amount_fen=amount,
                  summary=f"{word}: {location.strip()}, {starts_on} 至 {ends_on} 期满",
                  data={"notice_id": notice.id, "purpose": purpose, "starts_on": starts_on.isoformat(),
                        "ends_on": ends_on.isoformat(), "published": published, **proposal})
    return notice


def post_public_notice(session: Session, actor: Actor, case_id: int, *, location: str, starts_on: dt.date,
                       amount_fen: int | None = None) -> PublicNotice:
    """Post the preliminary opinion of a reviewed case for 7 days (S2 Art. 19; S6 Art. 14).

    Refused before the four review steps are complete, before a date on which a step was
    recorded, while an objection is open or another notice runs. The amount defaults to the
    pre-check's computed monthly amount. For 特困 the township stage (15 working days) ends here.
    """
    cw = _cw()
    case = cw.get_case(session, case_id)
    cw._require_owner(actor, case)
    cw._require_stage(case, cw.IN_REVIEW)
    missing = cw.review_complete(session, case)
    if missing:
        raise _error("审核步骤未完成, 不能公示: " + "、".join(cw.STEP_NAMES_ZH[s] for s in missing),
                     "review steps missing or incomplete, nothing to post: " + ", ".join(missing))
    last_step = max(s.done_on for s in cw.latest_steps(session, case.id).values())
    if starts_on < last_step:
        raise _error(f"公示日期早于审核步骤 ({last_step})", f"the notice cannot start before the review step of {last_step}")
    _check_new_notice(session, case, PRELIMINARY, location, starts_on)
    amount = amount_fen if amount_fen is not None else _proposed_amount(case)
    if amount is None or amount < 0:
        raise _error("须填写拟保障金额", "the notice needs the proposed amount")
    notice = _post(session, actor, case, PRELIMINARY, case.owner_board, location, starts_on,
                   _published(session, case, amount), {}, "public_notice")
    if cw.detail_of(session, case).track == "tekun":
        # S6 Art. 13: the township's investigation and preliminary opinion are done
        cw._close_deadline(session, case, "review", starts_on)
    return notice


def post_termination_notice(session: Session, actor: Actor, case_id: int, *, ground: str, reason: str,
                            location: str, starts_on: dt.date) -> PublicNotice:
    """Post a proposed termination for 7 days (S6 Art. 25); :func:`services.remove_case` then
    stops benefits from the month after a decision taken once it ended without objection."""
    cw = _cw()
    case = cw.get_case(session, case_id)
    board = cw._require_responsible(actor, case)
    cw._require_stage(case, cw.ACTIVE, cw.INCLUDED)
    if ground not in cw.REMOVAL_GROUNDS:
        raise _error(f"未知的剔除依据 {ground}", f"unknown removal ground {ground!r}")
    if not reason.strip():
        raise _error("拟终止须写明理由", "a proposed termination needs written reasons")
    _check_new_notice(session, case, TERMINATION, location, starts_on)
    plan = cw.plan_of(session, case.id)
    monthly = sum(m.monthly_fen or 0 for m in (plan.measures if plan else [])
                  if m.status == "active" and m.kind == "material" and m.board == board)
    return _post(session, actor, case, TERMINATION, board, location, starts_on, _published(session, case, monthly),
                 {"ground": ground, "reason": reason.strip()}, "termination_notice")


# -- objections --------------------------------------------------------------------------------------


def record_objection(session: Session, actor: Actor, case_id: int, *, objector: str, received_on: dt.date,
                     content: str) -> NoticeObjection:
    """An objection to the notice running on ``received_on``: the notice is interrupted and the
    case is re-investigated (S2 Art. 19; S6 Art. 14, 25)."""
    cw = _cw()
    case = cw.get_case(session, case_id)
    running = [n for n in notices_for(session, case.id) if n.state == "posted" and n.starts_on <= received_on]
    notice = running[-1] if running else None
    if notice is None or received_on >= notice.ends_on:
        raise _error(f"{received_on} 没有正在进行的公示", f"no notice of case {case.id} runs on {received_on}")
    if notice.purpose == PRELIMINARY:
        cw._require_owner(actor, case)
        cw._require_stage(case, cw.IN_REVIEW)
    else:
        cw._require_responsible(actor, case)
        cw._require_stage(case, cw.ACTIVE, cw.INCLUDED)
    if not objector.strip():
        raise _error("须填写异议人", "the objection needs the objector's name")
    if not content.strip():
        raise _error("须填写异议内容", "the objection needs its content")
    objection = NoticeObjection(notice_id=notice.id, case_id=case.id, objector=objector.strip(),
                                received_on=received_on, content=content.strip(), recorded_by=actor.id)
    session.add(objection)
    notice.state = "objected"
    session.flush()
    cw._close_deadline(session, case, "public_notice" if notice.purpose == PRELIMINARY else "termination_notice",
                       received_on)
    if notice.purpose == TERMINATION or cw.detail_of(session, case).track == "tekun":
        # S6 Art. 14, 25: re-investigate and form a new opinion within 15 working days
        cw._set_deadline(session, case, "reinvestigation", "review.tekun", received_on)
    ledger.append(session, kind="objection", case=case, actor=actor, board=notice.board,
                  summary=f"公示异议 ({objector.strip()}, {received_on}): {content.strip()} (objection to the notice)",
                  data={"objection_id": objection.id, "notice_id": notice.id, "objector": objector.strip(),
                        "received_on": received_on.isoformat()})
    return objection


def record_reinvestigation(session: Session, actor: Actor, objection_id: int, *, founded: bool, findings: str,
                           on: dt.date) -> NoticeObjection:
    """The re-investigation's conclusion on an objection (founded or not, with findings); the
    case may then get a new notice. When the objection is founded the board records the
    affected review steps again before posting."""
    cw = _cw()
    objection = session.get(NoticeObjection, objection_id)
    if objection is None:
        raise _error(f"没有异议 {objection_id}", f"there is no objection {objection_id}")
    case = cw.get_case(session, objection.case_id)
    notice = session.get(PublicNotice, objection.notice_id)
    assert notice is not None
    if notice.purpose == PRELIMINARY:
        cw._require_owner(actor, case)
    else:
        cw._require_responsible(actor, case)
    if objection.resolved_on is not None:
        raise _error(f"异议 {objection_id} 已重新调查", f"objection {objection_id} was already answered")
    if on < objection.received_on:
        raise _error("调查日期早于异议日期", "the re-investigation cannot conclude before the objection was received")
    if not findings.strip():
        raise _error("须填写重新调查情况", "the re-investigation needs its findings")
    objection.resolved_on, objection.founded = on, founded
    objection.findings, objection.resolved_by = findings.strip(), actor.id
    session.flush()
    word = "异议成立 (founded)" if founded else "异议不成立 (unfounded)"
    ledger.append(session, kind="reinvestigation", case=case, actor=actor, board=notice.board,
                  summary=f"重新调查 {on}: {word}: {findings.strip()} (re-investigation)",
                  data={"objection_id": objection.id, "notice_id": notice.id, "founded": founded})
    return objection


# -- gates used by services --------------------------------------------------------------------------


def _cleared(session: Session, case: Case, purpose: str, on: dt.date) -> PublicNotice:
    label_zh = "拟终止公示" if purpose == TERMINATION else "初审意见公示"
    label_en = "termination notice" if purpose == TERMINATION else "notice of the preliminary opinion"
    notice = latest_notice(session, case.id, purpose)
    pending = open_objections(session, case.id)
    if pending:
        raise _error(f"有未处理的异议 {pending[0].id}", f"objection {pending[0].id} is still open")
    if notice is None or notice.state != "posted":
        raise _error(f"须先进行{label_zh} 7 天", f"a {label_en} must run for 7 days first")
    if on < notice.ends_on:
        raise _error(f"{label_zh}于 {notice.ends_on} 期满", f"the {label_en} runs until {notice.ends_on}")
    return notice


def clear_for_submission(session: Session, case: Case, on: dt.date) -> None:
    """Refuse submission until the preliminary opinion was posted after the last review step
    and ended without objection; then start the county stage: 15 working days for 特困
    (S6 Art. 15), 10 for dibao (S2 Art. 20) unless approval is delegated to the township."""
    cw = _cw()
    if not notice_required(session, case):
        return
    notice = _cleared(session, case, PRELIMINARY, on)
    changed = [s for s, row in cw.latest_steps(session, case.id).items() if row.done_on > notice.starts_on]
    if changed:
        raise _error("公示后审核步骤有变化, 须重新公示", "review steps changed after the notice: post a new notice")
    cw._close_deadline(session, case, "public_notice", on)
    track = cw.detail_of(session, case).track
    if track in ("tekun", "dibao"):
        cw._set_deadline(session, case, "county_review", f"county_review.{track}", on)


def clear_for_removal(session: Session, case: Case, catalogue: dict[str, Any], ground: str, on: dt.date) -> None:
    """Refuse a removal of a programme that needs a termination notice until one ran for 7 days
    without objection, for the same ground."""
    cw = _cw()
    needing = termination_notice_programmes(session, case, catalogue)
    if not needing:
        return
    try:
        notice = _cleared(session, case, TERMINATION, on)
    except cw.TransitionError as exc:
        raise _error(f"{'、'.join(needing)} 终止前须公示 7 天 (S6 Art. 25): {exc.zh}",
                     f"{', '.join(needing)} can end only after a 7-day termination notice: {exc.en}") from None
    if notice.proposal.get("ground") != ground:
        raise _error(f"公示的终止依据为 {notice.proposal.get('ground')}",
                     f"the notice announced the ground {notice.proposal.get('ground')!r}, not {ground!r}")
    cw._close_deadline(session, case, "termination_notice", on)
