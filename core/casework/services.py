"""The case pipeline as services: intake, the four review steps, joint review, one person one
plan, referral, evaluation and removal, with their time limits.

Every service takes a session and the acting user, checks the transition before it
changes anything, writes ledger entries, and only flushes: the caller commits once
(one transaction per change) or rolls back when a :class:`TransitionError` is raised,
so a refused transition changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.casework import ledger, notice
from core.casework.calendar import (
    WorkingCalendar,
    add_months,
    due_date,
    first_of_next_month,
    grid_report_bounds,
    period_label,
    time_limit,
)
from core.casework.ledger import Actor
from core.casework.tracks import with_delegation
from core.casework.models import (
    STEP_NAMES_ZH,
    STEPS,
    CareMeasureNeed,
    CaseDeadline,
    CaseDetail,
    CaseEvaluation,
    CaseRemoval,
    CaseStep,
    GridReport,
    JointReviewDecision,
    JointReviewMeeting,
    Referral,
)
from core.idnumber import IdNumberError, parse_id_number
from core.models import (
    CARE_CATEGORIES,
    Case,
    CarePlan,
    CaseResponsibility,
    Household,
    Need,
    Person,
    PlanMeasure,
    PluginSetting,
)
from core.regions import in_configured_region

# -- stages -------------------------------------------------------------------------------

RECEIVED = "received"
IN_REVIEW = "in_review"
AWAITING = "awaiting_joint_review"
INCLUDED = "included"
ACTIVE = "active"
REJECTED = "rejected"
REMOVED = "removed"
STAGES = (RECEIVED, IN_REVIEW, AWAITING, INCLUDED, ACTIVE, REJECTED, REMOVED)
OPEN_STAGES = (RECEIVED, IN_REVIEW, AWAITING, INCLUDED, ACTIVE)
REVIEW_STAGES = (RECEIVED, IN_REVIEW, AWAITING)
STAGE_NAMES_ZH = {
    RECEIVED: "新受理",
    IN_REVIEW: "审核中",
    AWAITING: "待联审",
    INCLUDED: "已纳入",
    ACTIVE: "帮扶中",
    REJECTED: "未纳入",
    REMOVED: "已剔除",
}
IMPACT_LEVELS = ("low", "medium", "high")
REMOVAL_GROUNDS = (
    "no_longer_qualifies",  # S2 Art. 32; S6 Art. 24
    "income_rose_employment",  # S2 Art. 33: grace period may apply
    "death",
    "moved_away",
    "imprisonment",
    "supporter_able",
    "voluntary_exit",
    "non_cooperation",  # S2 Art. 29
    "other",
)
CASE_ROLES = ("board_staff", "coordinator")


class TransitionError(Exception):
    """A refused transition; the message is bilingual: "中文 (English)"."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} ({en})")
        self.zh = zh
        self.en = en


# -- input records --------------------------------------------------------------------------


@dataclass
class NewMember:
    name: str
    id_number: str
    relation: str = "head"
    phone: str | None = None


@dataclass
class NewHousehold:
    region_code: str
    area_type: str
    address: str
    members: list[NewMember]


@dataclass
class DecisionInput:
    case_id: int
    decision: str  # include | reject
    reasons: str
    boards: list[str] = field(default_factory=list)


# -- helpers ------------------------------------------------------------------------------------


def enabled_boards(session: Session) -> set[str]:
    return set(session.execute(select(PluginSetting.board).where(PluginSetting.enabled.is_(True))).scalars())


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise TransitionError(f"没有编号为 {case_id} 的个案", f"there is no case {case_id}")
    return case


def detail_of(session: Session, case: Case) -> CaseDetail:
    detail = session.get(CaseDetail, case.id)
    if detail is None:  # a case opened outside casework (demo data): give it a detail row
        detail = CaseDetail(case_id=case.id, track=_default_track(case.owner_board))
        session.add(detail)
        session.flush()
    return detail


def _intake_track(session: Session, board: str, region_code: str, on: dt.date) -> str:
    # the delegated dibao track where the region has delegated approval (core.casework.tracks)
    return with_delegation(session, _default_track(board), region_code, on)


def _default_track(board: str) -> str:
    # The dibao limit (S2 Art. 22) for civil affairs; other boards have no national
    # limit and use the local default ("review.other").
    return "dibao" if board == "civil_affairs" else "other"


def _require_board_user(actor: Actor) -> str:
    if actor.role not in CASE_ROLES or not actor.board:
        raise TransitionError("只有板块工作人员可以办理个案", "only board staff can act on cases")
    return actor.board


def _require_owner(actor: Actor, case: Case) -> None:
    # 首报负责制: the board that received the case owns its review.
    board = _require_board_user(actor)
    if board != case.owner_board:
        raise TransitionError(
            f"个案 {case.id} 由 {case.owner_board} 负责审核, {board} 不能办理",
            f"case {case.id} is owned by {case.owner_board}; {board} cannot act on it",
        )


def responsible_boards(case: Case) -> list[str]:
    return sorted(r.board for r in case.responsible)


def _require_responsible(actor: Actor, case: Case) -> str:
    board = _require_board_user(actor)
    if board not in responsible_boards(case):
        raise TransitionError(
            f"{board} 不是个案 {case.id} 的责任主体",
            f"{board} is not a responsible board of case {case.id}",
        )
    return board


def _require_stage(case: Case, *stages: str) -> None:
    if case.stage not in stages:
        zh = "、".join(STAGE_NAMES_ZH[s] for s in stages)
        raise TransitionError(
            f"个案 {case.id} 当前为「{STAGE_NAMES_ZH.get(case.stage, case.stage)}」, 此操作只适用于: {zh}",
            f"case {case.id} is {case.stage}; this is only allowed when it is {' or '.join(stages)}",
        )


def _set_deadline(session: Session, case: Case, key: str, limit_key: str, start: dt.date,
                  cal: WorkingCalendar | None = None) -> CaseDeadline:
    due = due_date(session, limit_key, start, cal)
    row = session.execute(
        select(CaseDeadline).where(CaseDeadline.case_id == case.id, CaseDeadline.key == key)
    ).scalar_one_or_none()
    if row is None:
        row = CaseDeadline(case_id=case.id, key=key)
        session.add(row)
    row.limit_key, row.starts_on, row.due_on, row.done_on = limit_key, start, due, None
    session.flush()
    return row


def _close_deadline(session: Session, case: Case, key: str, on: dt.date) -> None:
    row = session.execute(
        select(CaseDeadline).where(CaseDeadline.case_id == case.id, CaseDeadline.key == key)
    ).scalar_one_or_none()
    if row is not None and row.done_on is None:
        row.done_on = on
        session.flush()


def _review_limit_key(detail: CaseDetail) -> str:
    return "review.extended" if detail.extended else f"review.{detail.track}"


def _reset_review_deadline(session: Session, case: Case, detail: CaseDetail) -> None:
    row = _set_deadline(session, case, "review", _review_limit_key(detail), case.received_on)
    case.review_due_on = row.due_on


def deadlines(session: Session, case_id: int) -> list[CaseDeadline]:
    return list(session.execute(
        select(CaseDeadline).where(CaseDeadline.case_id == case_id).order_by(CaseDeadline.due_on)
    ).scalars())


def is_overdue(deadline: CaseDeadline, on: dt.date) -> bool:
    return deadline.done_on is None and deadline.due_on < on


# -- programmes ---------------------------------------------------------------------------------


def programmes(boards: Any, enabled: Iterable[str]) -> dict[str, Any]:
    """The enabled boards' programmes by key."""
    return {p.key: p for p in boards.collect("register_programmes", set(enabled))}


def _finding(case: Case, programme_key: str) -> dict[str, Any] | None:
    for finding in case.findings or []:
        if finding.get("programme_key") == programme_key:
            return finding
    return None


def candidate_programme_keys(case: Case) -> list[str]:
    """Programmes the pre-check found the household eligible for, or needing information."""
    return [
        f["programme_key"]
        for f in case.findings or []
        if f.get("status") in ("eligible", "needs_information")
    ]


def _document_items(programme: Any) -> list[tuple[str, str, str]]:
    items = []
    for doc in getattr(programme, "required_documents", ()) or ():
        if isinstance(doc, str):
            items.append((doc, doc, doc))
        else:
            key = getattr(doc, "key", None) or getattr(doc, "name_zh", str(doc))
            items.append((key, getattr(doc, "name_zh", key), getattr(doc, "name_en", key)))
    return items


def document_checklist(case: Case, catalogue: dict[str, Any]) -> list[dict[str, Any]]:
    """要件甄别: the union of the candidate programmes' required documents, each once."""
    seen: dict[str, dict[str, Any]] = {}
    for key in candidate_programme_keys(case):
        programme = catalogue.get(key)
        if programme is None:
            continue
        for doc_key, zh, en in _document_items(programme):
            entry = seen.setdefault(doc_key, {"key": doc_key, "name_zh": zh, "name_en": en, "programmes": []})
            entry["programmes"].append(key)
    return list(seen.values())


def _track_from_findings(case: Case, current: str) -> str:
    eligible = [f["programme_key"] for f in case.findings or [] if f.get("status") == "eligible"]
    for marker, track in (("tekun", "tekun"), ("dibao", "dibao"), ("rigid", "rigid_expenditure"),
                          ("temporary", "temporary")):
        if any(marker in key for key in eligible):
            # S6 Art. 13: 特困 has the shorter township limit (15 working days)
            return track if current != "dibao_delegated" or track != "dibao" else current
    return current


# -- 1. intake ------------------------------------------------------------------------------------


def _parse_id(number: str, on: dt.date) -> Any:
    try:
        return parse_id_number(number, today=on)
    except IdNumberError as exc:
        raise TransitionError(f"身份证号无效: {number}", f"invalid ID number {number}: {exc}") from None


def _open_case_of(session: Session, *, household_id: int | None = None, person_id: int | None = None) -> Case | None:
    query = select(Case).where(Case.stage.in_(OPEN_STAGES))
    if household_id is not None:
        query = query.where(Case.household_id == household_id)
    if person_id is not None:
        query = query.where(Case.subject_id == person_id)
    return session.execute(query.order_by(Case.id)).scalars().first()


def open_case(
    session: Session,
    actor: Actor,
    *,
    board: str,
    channel: str,
    received_on: dt.date,
    household: NewHousehold | None = None,
    household_id: int | None = None,
    subject_id: int | None = None,
    summary: str = "",
    proxy_name: str = "",
    near_relative_of_staff: bool = False,
) -> Case:
    """Intake (个人申请 / 主动发现): check residency and duplicates, open the case for ``board``.

    The receiving board owns the review and is recorded as first reporter (首报负责制).
    Give either ``household`` (new; a member whose ID number is already registered
    reuses that person's household) or ``household_id`` (+ ``subject_id``).
    """
    if channel not in ("application", "proxy", "discovery"):
        raise TransitionError(f"未知的受理渠道 {channel}", f"unknown channel {channel!r}")
    if actor.role == "grid_worker":
        if channel != "discovery":
            raise TransitionError("网格员只能上报主动发现的困难对象", "a grid worker can only report a discovery")
    elif actor.role in CASE_ROLES:
        if actor.board != board:
            raise TransitionError(f"{actor.board} 的工作人员不能替 {board} 受理个案",
                                  f"staff of {actor.board} cannot receive a case for {board}")
    else:
        raise TransitionError("只有板块工作人员和网格员可以受理或上报", "only board staff and grid workers can open cases")
    if board not in enabled_boards(session):
        raise TransitionError(f"板块 {board} 未启用", f"board {board} is not enabled")
    if channel == "proxy" and not proxy_name.strip():
        raise TransitionError("代为申请须填写代理人", "a proxy application needs the proxy's name")

    if household is not None:
        hh, subject = _household_from_input(session, household, received_on)
    elif household_id is not None:
        hh = session.get(Household, household_id)
        if hh is None:
            raise TransitionError(f"没有编号为 {household_id} 的家庭", f"there is no household {household_id}")
        subject = session.get(Person, subject_id) if subject_id else (hh.members[0] if hh.members else None)
        if subject is None or subject.household_id != hh.id:
            raise TransitionError("申请人不是该户成员", "the subject is not a member of this household")
    else:
        raise TransitionError("缺少家庭信息", "a household is required")

    # Residency: applicants must be registered residents of the configured region (五区四县).
    if not in_configured_region(session, hh.region_code):
        raise TransitionError(f"户籍地 {hh.region_code} 不在本市辖区内",
                              f"region {hh.region_code} is outside the configured region")
    # Duplicates: one open case per person (by ID number) and per household.
    if subject is not None and subject.id is not None:
        existing = _open_case_of(session, person_id=subject.id)
        if existing is not None:
            raise TransitionError(
                f"身份证号 {subject.id_number} 已有在办个案 {existing.id} ({existing.owner_board})",
                f"ID number {subject.id_number} already has open case {existing.id} ({existing.owner_board})",
            )
    if hh.id is not None:
        existing = _open_case_of(session, household_id=hh.id)
        if existing is not None:
            raise TransitionError(
                f"该户已有在办个案 {existing.id} ({existing.owner_board})",
                f"the household already has open case {existing.id} ({existing.owner_board})",
            )

    session.add(hh)
    session.flush()
    case = Case(
        household_id=hh.id,
        subject_id=subject.id if subject is not None else None,
        channel=channel,
        first_reporter_board=board,
        owner_board=board,
        reported_by=actor.id,
        stage=RECEIVED,
        received_on=received_on,
        summary=summary,
    )
    session.add(case)
    session.flush()
    detail = CaseDetail(case_id=case.id, track=_intake_track(session, board, hh.region_code, received_on),
                        proxy_name=proxy_name.strip(), applicant_id=case.subject_id)
    session.add(detail)
    session.flush()
    cal = WorkingCalendar.load(session)
    # S2 Art. 15: the investigation starts within 3 working days of acceptance.
    _set_deadline(session, case, "investigation_start", "investigation_start", received_on, cal)
    _reset_review_deadline(session, case, detail)
    channel_zh = {"application": "个人申请", "proxy": "代为申请", "discovery": "主动发现"}[channel]
    ledger.append(session, kind="intake", case=case, actor=actor, board=board,
                  summary=f"{channel_zh}受理, 首报板块 {board} (received by {channel}, first reporter {board})",
                  data={"channel": channel, "proxy_name": proxy_name, "summary": summary})
    if near_relative_of_staff or hh.near_relative_of_staff:
        # S2 Art. 11: a near relative of staff is registered and filed separately.
        hh.near_relative_of_staff = True
        detail.separately_filed = True
        ledger.append(session, kind="separate_filing", case=case, actor=actor, board=board,
                      summary="工作人员近亲属, 单独登记备案 (near relative of staff: filed separately, S2 Art. 11)")
    session.flush()
    return case


def _household_from_input(session: Session, data: NewHousehold, on: dt.date) -> tuple[Household, Person]:
    if not data.members:
        raise TransitionError("至少需要一名家庭成员", "at least one member is required")
    parsed = [(_parse_id(m.id_number, on), m) for m in data.members]
    numbers = [p.number for p, _ in parsed]
    if len(set(numbers)) != len(numbers):
        raise TransitionError("同一身份证号重复出现", "the same ID number appears twice")
    known = {p.id_number: p for p in session.execute(select(Person).where(Person.id_number.in_(numbers))).scalars()}
    if known:
        households = {p.household_id for p in known.values()}
        first = known.get(numbers[0])
        if first is None or len(households) != 1:
            raise TransitionError(
                "部分成员已在其他家庭登记: " + "、".join(sorted(known)),
                "some members are already registered in another household: " + ", ".join(sorted(known)),
            )
        return first.household, first  # type: ignore[return-value]
    if data.area_type not in ("urban", "rural"):
        raise TransitionError("户籍类型应为城镇或农村", "area type must be urban or rural")
    hh = Household(region_code=data.region_code, area_type=data.area_type, address=data.address)
    subject = None
    for rid, member in parsed:
        if not member.name.strip():
            raise TransitionError("成员姓名不能为空", "a member's name is required")
        person = Person(name=member.name.strip(), id_number=rid.number, birth_date=rid.birth_date, sex=rid.sex,
                        relation=member.relation or "head", phone=member.phone,
                        inclusion_reason="head" if subject is None else "spouse" if member.relation == "spouse"
                        else "minor_child" if rid.age_on(on) < 18 else "co_resident_supporter")
        hh.members.append(person)
        subject = subject or person
    assert subject is not None
    return hh, subject


# -- 2. review ------------------------------------------------------------------------------------


def latest_steps(session: Session, case_id: int) -> dict[str, CaseStep]:
    rows = session.execute(select(CaseStep).where(CaseStep.case_id == case_id).order_by(CaseStep.id)).scalars()
    return {row.step: row for row in rows}


def _record_step(session: Session, actor: Actor, case: Case, step: str, on: dt.date, *, complete: bool = True,
                 notes: str = "", data: dict[str, Any] | None = None) -> CaseStep:
    row = CaseStep(case_id=case.id, step=step, board=case.owner_board, done_on=on, complete=complete,
                   notes=notes, data=data or {}, actor_id=actor.id)
    session.add(row)
    if case.stage == RECEIVED:
        case.stage = IN_REVIEW
    session.flush()
    label = STEP_NAMES_ZH[step]
    state = "" if complete else " (未完成 incomplete)"
    ledger.append(session, kind="step", case=case, actor=actor,
                  summary=f"{label}{state} ({step.replace('_', ' ')}){': ' + notes if notes else ''}",
                  data={"step": step, "step_id": row.id, "complete": complete, **(data or {})})
    return row


def _before_step(session: Session, actor: Actor, case_id: int, step: str) -> Case:
    case = get_case(session, case_id)
    _require_owner(actor, case)
    _require_stage(case, RECEIVED, IN_REVIEW)
    if step != "pre_check" and "pre_check" not in latest_steps(session, case.id):
        raise TransitionError("须先完成信息初判", "the information pre-check must come first")
    return case


def record_pre_check(session: Session, actor: Actor, case_id: int, boards: Any, on: dt.date) -> CaseStep:
    """信息初判: run every enabled board's programmes on the household and store the findings."""
    from core.casework.assessment import assess_household

    case = _before_step(session, actor, case_id, "pre_check")
    findings = assess_household(session, boards, case.household_id, on)
    case.findings = findings
    detail = detail_of(session, case)
    track = _track_from_findings(case, detail.track)
    track = with_delegation(session, track, case.household.region_code, case.received_on)
    if track != detail.track:
        detail.track = track
        _reset_review_deadline(session, case, detail)
    # S2 Art. 15: the investigation has started; the 3-working-day clock stops.
    _close_deadline(session, case, "investigation_start", on)
    eligible = [f["programme_key"] for f in findings if f.get("status") == "eligible"]
    return _record_step(session, actor, case, "pre_check", on,
                        notes=", ".join(eligible),
                        data={"candidates": candidate_programme_keys(case), "eligible": eligible, "track": track})


def record_impact_assessment(session: Session, actor: Actor, case_id: int, *, level: str, notes: str,
                             on: dt.date) -> CaseStep:
    """影响评价: how severe the hardship is and what it affects (rated low/medium/high)."""
    case = _before_step(session, actor, case_id, "impact_assessment")
    if level not in IMPACT_LEVELS:
        raise TransitionError(f"影响程度应为 {IMPACT_LEVELS}", f"impact level must be one of {IMPACT_LEVELS}")
    if not notes.strip():
        raise TransitionError("影响评价须写明评价意见", "the impact assessment needs a written opinion")
    return _record_step(session, actor, case, "impact_assessment", on, notes=notes.strip(), data={"level": level})


def record_home_visit(session: Session, actor: Actor, case_id: int, *, visited_on: dt.date,
                      investigators: Sequence[str], findings: str, investigators_signed: bool,
                      household_signed: bool) -> CaseStep:
    """入户见面: at least two investigators (S2 Art. 16), findings, both signature confirmations."""
    case = _before_step(session, actor, case_id, "home_visit")
    names = [n.strip() for n in investigators if n and n.strip()]
    if len(set(names)) < 2:
        raise TransitionError("入户调查须有两名以上调查人员", "a home visit needs at least two investigators (S2 Art. 16)")
    if not (investigators_signed and household_signed):
        raise TransitionError("入户调查表须经调查人员和在场家庭成员签字确认",
                              "the visit form must be signed by the investigators and the members present")
    if not findings.strip():
        raise TransitionError("须填写入户调查情况", "the visit findings are required")
    if visited_on < case.received_on:
        raise TransitionError("入户日期早于受理日期", "the visit date is before the case was received")
    return _record_step(session, actor, case, "home_visit", visited_on, notes=findings.strip(),
                        data={"investigators": names, "investigators_signed": True, "household_signed": True})


def record_document_check(session: Session, actor: Actor, case_id: int, boards: Any, *,
                          present: dict[str, bool], notes: str, on: dt.date) -> CaseStep:
    """要件甄别: tick the checklist built from the candidate programmes' required documents.

    Missing items make the step incomplete; S2 Art. 10 asks that the applicant be told
    once of everything missing, so the missing list is recorded with the step.
    """
    case = _before_step(session, actor, case_id, "document_check")
    checklist = document_checklist(case, programmes(boards, enabled_boards(session)))
    missing = [item["key"] for item in checklist if not present.get(item["key"])]
    return _record_step(session, actor, case, "document_check", on, complete=not missing, notes=notes.strip(),
                        data={"checklist": [item["key"] for item in checklist], "missing": missing})


def review_complete(session: Session, case: Case) -> list[str]:
    """The review steps still missing or incomplete (empty: ready for joint review)."""
    steps = latest_steps(session, case.id)
    return [s for s in STEPS if s not in steps or not steps[s].complete]


def submit_for_joint_review(session: Session, actor: Actor, case_id: int, on: dt.date) -> Case:
    """Send a reviewed case to the joint review; refused until all four steps are recorded and complete."""
    case = get_case(session, case_id)
    _require_owner(actor, case)
    _require_stage(case, IN_REVIEW)
    missing = review_complete(session, case)
    if missing:
        raise TransitionError("审核步骤未完成: " + "、".join(STEP_NAMES_ZH[s] for s in missing),
                              "review steps missing or incomplete: " + ", ".join(missing))
    notice.clear_for_submission(session, case, on)
    case.stage = AWAITING
    ledger.append(session, kind="submitted", case=case, actor=actor, summary="提交联审联评 (submitted to joint review)")
    session.flush()
    return case


def extend_review(session: Session, actor: Actor, case_id: int, reason: str) -> Case:
    """S2 Art. 22: extend the overall limit to 45 working days, with a reason."""
    case = get_case(session, case_id)
    _require_owner(actor, case)
    _require_stage(case, *REVIEW_STAGES)
    if not reason.strip():
        raise TransitionError("延期须说明理由", "an extension needs a reason")
    detail = detail_of(session, case)
    detail.extended, detail.extension_reason = True, reason.strip()
    _reset_review_deadline(session, case, detail)
    ledger.append(session, kind="extension", case=case, actor=actor,
                  summary=f"审核期限延长至 {case.review_due_on} (review extended): {reason.strip()}")
    return case


# -- 3. joint review ----------------------------------------------------------------------------------


def hold_joint_review(session: Session, actor: Actor, *, held_on: dt.date, members: list[dict[str, str]],
                      minutes: str, decisions: list[DecisionInput], region_code: str | None = None) -> JointReviewMeeting:
    """联审联评: record a meeting and decide each case: include (naming responsible boards) or reject.

    Every decision is checked before anything is written, so one bad decision refuses
    the whole meeting record.
    """
    if actor.role not in ("reviewer", "admin"):
        raise TransitionError("只有联审联评成员可以记录联审决定", "only joint-review members can record decisions")
    if not decisions:
        raise TransitionError("会议须至少审议一个个案", "a meeting must decide at least one case")
    clean_members = [m for m in members if (m.get("name") or "").strip()]
    if not clean_members:
        raise TransitionError("须记录参会成员", "the meeting's members are required")
    enabled = enabled_boards(session)
    seen: set[int] = set()
    cases: list[tuple[Case, DecisionInput]] = []
    for item in decisions:
        case = get_case(session, item.case_id)
        if case.id in seen:
            raise TransitionError(f"个案 {case.id} 重复", f"case {case.id} appears twice")
        seen.add(case.id)
        _require_stage(case, AWAITING)
        missing = review_complete(session, case)
        if missing:  # no inclusion without the four review steps
            raise TransitionError(f"个案 {case.id} 审核步骤未完成", f"case {case.id} has review steps missing: {missing}")
        if item.decision not in ("include", "reject"):
            raise TransitionError(f"未知的决定 {item.decision}", f"unknown decision {item.decision!r}")
        if not item.reasons.strip():
            raise TransitionError(f"个案 {case.id} 的决定须说明理由", f"the decision on case {case.id} needs reasons")
        if item.decision == "include":
            if not item.boards:
                raise TransitionError(f"纳入个案 {case.id} 须指定责任主体",
                                      f"including case {case.id} needs at least one responsible board")
            unknown = [b for b in item.boards if b not in enabled]
            if unknown:
                raise TransitionError(f"责任主体未启用: {unknown}", f"responsible boards not enabled: {unknown}")
        cases.append((case, item))

    meeting = JointReviewMeeting(held_on=held_on, members=clean_members, minutes=minutes.strip(),
                                 region_code=region_code, created_by=actor.id)
    session.add(meeting)
    session.flush()
    cal = WorkingCalendar.load(session)
    for case, item in cases:
        boards = sorted(set(item.boards)) if item.decision == "include" else []
        session.add(JointReviewDecision(meeting_id=meeting.id, case_id=case.id, decision=item.decision,
                                        reasons=item.reasons.strip(), boards=boards, decided_on=held_on))
        _close_deadline(session, case, "review", held_on)
        _close_deadline(session, case, "county_review", held_on)
        word = "纳入 (included)" if item.decision == "include" else "不予纳入 (rejected)"
        ledger.append(session, kind="decision", case=case, actor=actor, board=case.owner_board,
                      summary=f"联审联评 {held_on}: {word}: {item.reasons.strip()}",
                      data={"meeting_id": meeting.id, "decision": item.decision, "boards": boards})
        if item.decision == "include":
            case.stage = INCLUDED
            detail_of(session, case).approved_on = held_on
            for board in boards:
                if board not in responsible_boards(case):
                    case.responsible.append(CaseResponsibility(board=board, named_on=held_on))
                ledger.append(session, kind="responsible", case=case, actor=actor, board=board,
                              summary=f"责任主体: {board} (responsible board)")
        else:
            case.stage = REJECTED
            # S2 Art. 21; S6 Art. 17: written reasons within 3 working days of the decision.
            _set_deadline(session, case, "written_notice", "written_notice", held_on, cal)
    session.flush()
    return meeting


def record_written_notice(session: Session, actor: Actor, case_id: int, *, on: dt.date, note: str) -> Case:
    """Record that the applicant was told in writing why the case was not included."""
    case = get_case(session, case_id)
    _require_owner(actor, case)
    _require_stage(case, REJECTED)
    _close_deadline(session, case, "written_notice", on)
    detail_of(session, case).closed_on = on
    ledger.append(session, kind="written_notice", case=case, actor=actor,
                  summary=f"书面告知不予纳入理由 (written notice of the reasons sent) {note.strip()}".strip())
    return case


def decisions_for(session: Session, case_id: int) -> list[JointReviewDecision]:
    return list(session.execute(
        select(JointReviewDecision).where(JointReviewDecision.case_id == case_id).order_by(JointReviewDecision.id)
    ).scalars())


# -- 4. one person, one plan -----------------------------------------------------------------------------


def _plan_for(session: Session, case: Case, actor: Actor) -> CarePlan:
    plan = session.execute(select(CarePlan).where(CarePlan.case_id == case.id)).scalar_one_or_none()
    if plan is None:
        approved = detail_of(session, case).approved_on or case.received_on
        plan = CarePlan(case_id=case.id, review_on=due_date(session, "care_plan.review", approved))
        session.add(plan)
        session.flush()
        ledger.append(session, kind="plan", case=case, actor=actor, summary="建立一人一策帮扶计划 (plan created)",
                      data={"plan_id": plan.id})
    return plan


def plan_of(session: Session, case_id: int) -> CarePlan | None:
    return session.execute(select(CarePlan).where(CarePlan.case_id == case_id)).scalar_one_or_none()


def _require_decided(session: Session, case: Case) -> None:
    # No enrolment without a joint-review decision to include.
    _require_stage(case, INCLUDED, ACTIVE)
    if not any(d.decision == "include" for d in decisions_for(session, case.id)):
        raise TransitionError(f"个案 {case.id} 没有联审纳入决定", f"case {case.id} has no joint-review inclusion")


def _schedule_reevaluation(session: Session, case: Case, months: int | None, start: dt.date) -> None:
    if not months:
        return
    detail = detail_of(session, case)
    due = add_months(start, months)
    if detail.next_evaluation_on is None or due < detail.next_evaluation_on:
        detail.next_evaluation_on = due
        row = session.execute(
            select(CaseDeadline).where(CaseDeadline.case_id == case.id, CaseDeadline.key == "re_evaluation")
        ).scalar_one_or_none()
        if row is None:
            row = CaseDeadline(case_id=case.id, key="re_evaluation")
            session.add(row)
        row.limit_key, row.starts_on, row.due_on, row.done_on = f"review_every_months={months}", start, due, None
        session.flush()


def add_material_measure(session: Session, actor: Actor, case_id: int, boards: Any, *, programme_key: str,
                         person_id: int | None = None, monthly_fen: int | None = None,
                         one_off_fen: int | None = None, note: str = "") -> PlanMeasure:
    """Enrol the household (or one person) in a programme of the actor's board.

    The amount defaults to the pre-check's computed benefit; a different amount needs a
    note. Payment starts the month after the approval decision (S2 Art. 21).
    """
    case = get_case(session, case_id)
    board = _require_responsible(actor, case)
    _require_decided(session, case)
    catalogue = programmes(boards, enabled_boards(session))
    programme = catalogue.get(programme_key)
    if programme is None:
        raise TransitionError(f"没有启用的项目 {programme_key}", f"no enabled programme {programme_key!r}")
    if programme.board != board:
        raise TransitionError(f"项目 {programme_key} 属于 {programme.board}, 不能由 {board} 纳入",
                              f"programme {programme_key} belongs to {programme.board}, not {board}")
    plan = _plan_for(session, case, actor)
    if any(m.programme_key == programme_key and m.status == "active" and m.person_id == person_id
           for m in plan.measures):
        raise TransitionError(f"已纳入项目 {programme_key}", f"already enrolled in {programme_key}")
    finding = _finding(case, programme_key) or {}
    if finding.get("status") != "eligible" and not note.strip():
        # The engine advises and a person decides (domain-rules §12.3): an enrolment the
        # pre-check did not find eligible is allowed, but only with a written reason.
        raise TransitionError(f"信息初判未认定符合 {programme_key}, 纳入须说明理由",
                              f"the pre-check did not find the household eligible for {programme_key}: "
                              "enrolment needs a note")
    benefit = finding.get("benefit") or {}
    computed_monthly = benefit.get("monthly_fen")
    computed_one_off = benefit.get("one_off_fen")
    if monthly_fen is None and one_off_fen is None:
        monthly_fen, one_off_fen = computed_monthly or None, computed_one_off or None
    elif (monthly_fen or 0, one_off_fen or 0) != (computed_monthly or 0, computed_one_off or 0) and not note.strip():
        raise TransitionError("金额与测算结果不同, 须说明理由",
                              "an amount different from the computed one needs a note")
    for value in (monthly_fen, one_off_fen):
        if value is not None and value < 0:
            raise TransitionError("金额不能为负", "an amount cannot be negative")
    approved = detail_of(session, case).approved_on or case.received_on
    measure = PlanMeasure(plan_id=plan.id, kind="material", board=board, programme_key=programme_key,
                          person_id=person_id, monthly_fen=monthly_fen, one_off_fen=one_off_fen,
                          start_month=first_of_next_month(approved), status="active")
    session.add(measure)
    case.stage = ACTIVE
    session.flush()
    review_months = finding.get("review_every_months") or getattr(programme, "review_every_months", None)
    _schedule_reevaluation(session, case, review_months, approved)
    amount = monthly_fen if monthly_fen is not None else one_off_fen
    ledger.append(session, kind="enrolment", case=case, actor=actor, person_id=person_id, amount_fen=amount,
                  summary=f"纳入 {programme.name_zh} ({programme.name_en}), 自 {measure.start_month:%Y-%m} 起"
                          f"{' — ' + note.strip() if note.strip() else ''}",
                  data={"measure_id": measure.id, "programme_key": programme_key, "monthly_fen": monthly_fen,
                        "one_off_fen": one_off_fen, "computed_monthly_fen": computed_monthly,
                        "start_month": measure.start_month.isoformat()})
    return measure


def add_care_measure(session: Session, actor: Actor, case_id: int, *, person_id: int, need_type: str,
                     category: str, risk: int, required_skills: Sequence[str], visit_every_days: int,
                     volunteers_needed: int = 1, needs_background_check: bool | None = None) -> PlanMeasure:
    """A care measure: a care need (category, risk tier 1–3, skills, visit cadence) for the matcher."""
    case = get_case(session, case_id)
    board = _require_responsible(actor, case)
    _require_decided(session, case)
    person = session.get(Person, person_id)
    if person is None or person.household_id != case.household_id:
        raise TransitionError("被帮扶人不是该户成员", "the person is not a member of the case's household")
    if category not in CARE_CATEGORIES:
        raise TransitionError(f"未知的关爱类别 {category}", f"unknown care category {category!r}")
    if risk not in (1, 2, 3):
        raise TransitionError("风险等级应为 1–3", "risk tier must be 1, 2 or 3")
    if visit_every_days < 1:
        raise TransitionError("走访周期须为正数", "visit cadence must be positive")
    if volunteers_needed not in (1, 2):
        raise TransitionError("志愿者人数为 1 或 2", "volunteers needed must be 1 or 2")
    if needs_background_check is None:
        # 未成年人保护法 Art. 62: anyone caring for a minor is background-checked.
        from core.idnumber import age_on

        needs_background_check = age_on(person.birth_date, dt.date.today()) < 18
    plan = _plan_for(session, case, actor)
    measure = PlanMeasure(plan_id=plan.id, kind="care", board=board, programme_key=need_type, person_id=person_id,
                          start_month=first_of_next_month(detail_of(session, case).approved_on or case.received_on),
                          status="active")
    need = Need(case_id=case.id, person_id=person_id, board=board, need_type=need_type, category=category, risk=risk,
                required_skills=[s for s in required_skills if s], needs_background_check=needs_background_check,
                visit_every_days=visit_every_days, volunteers_needed=volunteers_needed, status="approved")
    session.add_all([measure, need])
    session.flush()
    session.add(CareMeasureNeed(measure_id=measure.id, need_id=need.id))
    case.stage = ACTIVE
    session.flush()
    ledger.append(session, kind="care_need", case=case, actor=actor, person_id=person_id,
                  summary=f"关爱需求 {need_type}: 风险 {risk} 级, 每 {visit_every_days} 天走访 (care need)",
                  data={"measure_id": measure.id, "need_id": need.id, "category": category, "risk": risk,
                        "required_skills": list(need.required_skills), "visit_every_days": visit_every_days})
    return measure


def need_of(session: Session, measure_id: int) -> Need | None:
    link = session.get(CareMeasureNeed, measure_id)
    return session.get(Need, link.need_id) if link is not None else None


def _measure_for(session: Session, actor: Actor, measure_id: int) -> tuple[PlanMeasure, Case]:
    measure = session.get(PlanMeasure, measure_id)
    if measure is None:
        raise TransitionError(f"没有帮扶措施 {measure_id}", f"there is no measure {measure_id}")
    case = get_case(session, measure.plan.case_id)
    board = _require_responsible(actor, case)
    if measure.board != board:
        raise TransitionError(f"措施 {measure_id} 属于 {measure.board}", f"measure {measure_id} belongs to {measure.board}")
    if measure.status != "active":
        raise TransitionError(f"措施 {measure_id} 已结束", f"measure {measure_id} has ended")
    return measure, case


def change_measure(session: Session, actor: Actor, measure_id: int, *, reason: str, monthly_fen: int | None = None,
                   one_off_fen: int | None = None, risk: int | None = None,
                   visit_every_days: int | None = None) -> PlanMeasure:
    """Change an amount (material) or the risk tier / cadence (care); the ledger keeps before and after."""
    measure, case = _measure_for(session, actor, measure_id)
    if not reason.strip():
        raise TransitionError("变更措施须说明理由", "a change needs a reason")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if measure.kind == "material":
        for name, value in (("monthly_fen", monthly_fen), ("one_off_fen", one_off_fen)):
            if value is not None:
                if value < 0:
                    raise TransitionError("金额不能为负", "an amount cannot be negative")
                before[name], after[name] = getattr(measure, name), value
                setattr(measure, name, value)
    else:
        need = need_of(session, measure.id)
        if need is None:
            raise TransitionError("措施没有关联的关爱需求", "the measure has no care need")
        if risk is not None and risk not in (1, 2, 3):
            raise TransitionError("风险等级应为 1–3", "risk tier must be 1, 2 or 3")
        for name, value in (("risk", risk), ("visit_every_days", visit_every_days)):
            if value is not None:
                before[name], after[name] = getattr(need, name), value
                setattr(need, name, value)
    if not after:
        raise TransitionError("没有需要变更的内容", "nothing to change")
    session.flush()
    ledger.append(session, kind="measure_changed", case=case, actor=actor, person_id=measure.person_id,
                  amount_fen=after.get("monthly_fen", after.get("one_off_fen")),
                  summary=f"变更措施 {measure.programme_key}: {reason.strip()} (measure changed)",
                  data={"measure_id": measure.id, "before": before, "after": after})
    return measure


def end_measure(session: Session, actor: Actor, measure_id: int, *, reason: str, on: dt.date,
                last_month: dt.date | None = None) -> PlanMeasure:
    """End a measure: benefits stop after ``last_month`` (default: the current month, S6 Art. 26)."""
    measure, case = _measure_for(session, actor, measure_id)
    if not reason.strip():
        raise TransitionError("结束措施须说明理由", "ending a measure needs a reason")
    _end_measure(session, actor, case, measure, reason.strip(), last_month or on.replace(day=1))
    return measure


def _end_measure(session: Session, actor: Actor, case: Case, measure: PlanMeasure, reason: str,
                 last_month: dt.date) -> None:
    measure.status = "ended"
    measure.end_month = last_month.replace(day=1)
    need = need_of(session, measure.id)
    if need is not None:
        need.status = "ended"
    session.flush()
    ledger.append(session, kind="measure_ended", case=case, actor=actor, person_id=measure.person_id,
                  board=measure.board,
                  summary=f"结束措施 {measure.programme_key}, 末月 {measure.end_month:%Y-%m}: {reason} (measure ended)",
                  data={"measure_id": measure.id, "end_month": measure.end_month.isoformat()})


def record_payment(session: Session, actor: Actor, measure_id: int, *, month: dt.date, amount_fen: int,
                   fund_id: int | None = None) -> None:
    """A payment of a material measure for one month, entered in the ledger; with ``fund_id``
    it is drawn from that fund (refused, and nothing recorded, when the fund does not allow it)."""
    measure, case = _measure_for(session, actor, measure_id)
    if measure.kind != "material":
        raise TransitionError("关爱措施没有发放金额", "a care measure has no payments")
    month = month.replace(day=1)
    if measure.start_month and month < measure.start_month:
        raise TransitionError(f"发放月份早于起始月 {measure.start_month:%Y-%m}",
                              f"payment month is before the start month {measure.start_month:%Y-%m}")
    data: dict[str, Any] = {"measure_id": measure.id, "month": month.isoformat()}
    if fund_id is not None:
        from core.funds.services import FundError, pay_from_fund

        try:
            entry = pay_from_fund(session, actor, fund_id, amount_fen, measure.programme_key or "",
                                  measure_id=measure.id, month=month, note=f"{month:%Y-%m}")
        except FundError as exc:
            raise TransitionError(exc.zh, exc.en) from None
        data.update(fund_id=fund_id, fund_entry_id=entry.id)
    ledger.append(session, kind="payment", case=case, actor=actor, person_id=measure.person_id, amount_fen=amount_fen,
                  summary=f"发放 {measure.programme_key} {month:%Y-%m} (payment)", data=data)


# -- 5. referral ----------------------------------------------------------------------------------------


def refer_case(session: Session, actor: Actor, case_id: int, *, to_board: str, reason: str,
               on: dt.date) -> Referral:
    """转介: pass the case to another board. During review the owner refers (the receiver will
    own the review); once included, a responsible board may bring in another board."""
    case = get_case(session, case_id)
    if case.stage in REVIEW_STAGES:
        _require_owner(actor, case)
        from_board = case.owner_board
    else:
        _require_stage(case, INCLUDED, ACTIVE)
        from_board = _require_responsible(actor, case)
    if to_board == from_board:
        raise TransitionError("不能转介给本板块", "a board cannot refer a case to itself")
    if to_board not in enabled_boards(session):
        raise TransitionError(f"板块 {to_board} 未启用", f"board {to_board} is not enabled")
    if not reason.strip():
        raise TransitionError("转介须说明理由", "a referral needs a reason")
    pending = session.execute(
        select(Referral).where(Referral.case_id == case.id, Referral.state == "pending")
    ).scalars().first()
    if pending is not None:
        raise TransitionError(f"个案已有待处理的转介 {pending.id}", f"the case already has pending referral {pending.id}")
    referral = Referral(case_id=case.id, from_board=from_board, to_board=to_board, reason=reason.strip(),
                        created_by=actor.id)
    session.add(referral)
    session.flush()
    _set_deadline(session, case, f"referral:{referral.id}", "referral_answer", on)
    ledger.append(session, kind="referral", case=case, actor=actor, board=from_board,
                  summary=f"转介 {from_board} → {to_board}: {reason.strip()} (referred)",
                  data={"referral_id": referral.id, "to_board": to_board})
    return referral


def answer_referral(session: Session, actor: Actor, referral_id: int, *, accept: bool, note: str,
                    on: dt.date) -> Referral:
    """The receiving board accepts (it then owns the review, or becomes responsible) or declines."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise TransitionError(f"没有转介 {referral_id}", f"there is no referral {referral_id}")
    board = _require_board_user(actor)
    if board != referral.to_board:
        raise TransitionError(f"转介 {referral_id} 的接收方是 {referral.to_board}",
                              f"referral {referral_id} was sent to {referral.to_board}, not {board}")
    if referral.state != "pending":
        raise TransitionError(f"转介 {referral_id} 已处理", f"referral {referral_id} was already answered")
    if not accept and not note.strip():
        raise TransitionError("拒绝转介须说明理由", "declining a referral needs a reason")
    case = get_case(session, referral.case_id)
    from core.db import utcnow

    referral.state = "accepted" if accept else "declined"
    referral.answered_by, referral.answered_at, referral.answer_note = actor.id, utcnow(), note.strip()
    _close_deadline(session, case, f"referral:{referral.id}", on)
    if accept:
        if case.stage in REVIEW_STAGES:
            case.owner_board = board  # the first reporter stays on record
        elif board not in responsible_boards(case):
            case.responsible.append(CaseResponsibility(board=board, named_on=on))
    session.flush()
    word = "接收 (accepted)" if accept else "拒绝 (declined)"
    ledger.append(session, kind="referral_answer", case=case, actor=actor, board=board,
                  summary=f"{board} {word} 转介{': ' + note.strip() if note.strip() else ''}",
                  data={"referral_id": referral.id, "accepted": accept})
    return referral


def referrals_for(session: Session, case_id: int) -> list[Referral]:
    return list(session.execute(select(Referral).where(Referral.case_id == case_id).order_by(Referral.id)).scalars())


# -- 7. evaluation and removal ------------------------------------------------------------------------


def reassess_case(session: Session, actor: Actor, case_id: int, boards: Any, on: dt.date) -> CaseEvaluation:
    """Re-assessment on the programme's review frequency (S2 Art. 31): run the programmes again
    and flag the case when an enrolled programme no longer finds the household eligible."""
    from core.casework.assessment import assess_household

    case = get_case(session, case_id)
    board = _require_responsible(actor, case)
    _require_stage(case, ACTIVE, INCLUDED)
    findings = assess_household(session, boards, case.household_id, on)
    by_key = {f["programme_key"]: f for f in findings}
    plan = plan_of(session, case.id)
    enrolled = [m.programme_key for m in (plan.measures if plan else []) if m.kind == "material" and m.status == "active"]
    lapsed = [k for k in enrolled if by_key.get(k, {}).get("status") != "eligible"]
    months = [by_key.get(k, {}).get("review_every_months") for k in enrolled]
    months = [m for m in months if m]
    detail = detail_of(session, case)
    next_due = add_months(on, min(months)) if months else add_months(on, time_limit(session, "recheck.stable", on).amount)
    evaluation = CaseEvaluation(case_id=case.id, kind="re_assessment", evaluated_on=on, board=board,
                                still_qualifies=not lapsed, findings=findings, flagged=bool(lapsed),
                                next_due_on=next_due, actor_id=actor.id)
    session.add(evaluation)
    detail.next_evaluation_on = next_due
    _close_deadline(session, case, "re_evaluation", on)
    session.flush()
    row = session.execute(
        select(CaseDeadline).where(CaseDeadline.case_id == case.id, CaseDeadline.key == "re_evaluation")
    ).scalar_one_or_none()
    if row is None:
        row = CaseDeadline(case_id=case.id, key="re_evaluation")
        session.add(row)
    row.limit_key, row.starts_on, row.due_on, row.done_on = "recheck", on, next_due, None
    session.flush()
    summary = ("复核: 不再符合 " + "、".join(lapsed) + " (re-assessment: no longer qualifies)") if lapsed \
        else "复核: 仍符合条件 (re-assessment: still qualifies)"
    ledger.append(session, kind="evaluation", case=case, actor=actor, summary=summary,
                  data={"evaluation_id": evaluation.id, "lapsed": lapsed, "next_due_on": next_due.isoformat()})
    return evaluation


def evaluate_effect(session: Session, actor: Actor, case_id: int, *, effect: str, on: dt.date) -> CaseEvaluation:
    """Effect evaluation of the plan (帮扶成效评估): a written assessment by a responsible board."""
    case = get_case(session, case_id)
    board = _require_responsible(actor, case)
    _require_stage(case, ACTIVE, INCLUDED)
    if not effect.strip():
        raise TransitionError("须填写成效评估意见", "the effect evaluation needs a written opinion")
    evaluation = CaseEvaluation(case_id=case.id, kind="effect", evaluated_on=on, board=board, effect=effect.strip(),
                                actor_id=actor.id)
    session.add(evaluation)
    session.flush()
    ledger.append(session, kind="evaluation", case=case, actor=actor,
                  summary=f"帮扶成效评估 (effect evaluation): {effect.strip()}", data={"evaluation_id": evaluation.id})
    return evaluation


def record_member_death(session: Session, actor: Actor, case_id: int, *, person_id: int, died_on: dt.date) -> Case:
    """S3 §1(3): after a member's death the household is re-checked within 3 months."""
    case = get_case(session, case_id)
    _require_responsible(actor, case)
    _require_stage(case, ACTIVE, INCLUDED)
    person = session.get(Person, person_id)
    if person is None or person.household_id != case.household_id:
        raise TransitionError("该人员不是本户成员", "the person is not a member of the household")
    person.deceased_on = died_on
    due = due_date(session, "recheck.death", died_on)
    detail = detail_of(session, case)
    if detail.next_evaluation_on is None or due < detail.next_evaluation_on:
        detail.next_evaluation_on = due
        row = session.execute(
            select(CaseDeadline).where(CaseDeadline.case_id == case.id, CaseDeadline.key == "re_evaluation")
        ).scalar_one_or_none()
        if row is None:
            row = CaseDeadline(case_id=case.id, key="re_evaluation")
            session.add(row)
        row.limit_key, row.starts_on, row.due_on, row.done_on = "recheck.death", died_on, due, None
    session.flush()
    ledger.append(session, kind="member_death", case=case, actor=actor, person_id=person.id,
                  summary=f"家庭成员 {person.name} 于 {died_on} 去世, {due} 前复核 (member died: re-check by {due})")
    return case


def remove_case(session: Session, actor: Actor, case_id: int, boards: Any, *, ground: str, reason: str, on: dt.date,
                grace_months: int = 0, handover_programme: str | None = None) -> CaseRemoval:
    """剔除: end every measure with a reason; a grace period (≤ 6 months, S2 Art. 33) only where the
    programmes allow it; benefits stop from the month after the decision (or after the grace
    period); a person who still qualifies for another scheme is handed over (S6 Art. 27)."""
    case = get_case(session, case_id)
    board = _require_responsible(actor, case)
    _require_stage(case, ACTIVE, INCLUDED)
    if ground not in REMOVAL_GROUNDS:
        raise TransitionError(f"未知的剔除依据 {ground}", f"unknown removal ground {ground!r}")
    if not reason.strip():
        raise TransitionError("剔除须写明理由", "a removal needs written reasons")
    catalogue = programmes(boards, enabled_boards(session))
    plan = plan_of(session, case.id)
    active = [m for m in (plan.measures if plan else []) if m.status == "active"]
    notice.clear_for_removal(session, case, catalogue, ground, on)  # S6 Art. 25
    if grace_months:
        cap = time_limit(session, "grace_period.max", on).amount
        if grace_months < 0 or grace_months > min(cap, 6):
            raise TransitionError(f"渐退期最长 {min(cap, 6)} 个月", f"a grace period is at most {min(cap, 6)} months")
        if ground != "income_rose_employment":
            raise TransitionError("只有因就业收入超标退出才可给予渐退期",
                                  "a grace period applies only when income rose through employment (S2 Art. 33)")
        allowed = [m for m in active if m.kind == "material"
                   and getattr(catalogue.get(m.programme_key or ""), "grace_period_applies", False)]
        if not allowed:
            raise TransitionError("所纳入项目不适用渐退期", "none of the enrolled programmes allows a grace period")
    handover_board = None
    if handover_programme:
        target = catalogue.get(handover_programme)
        if target is None:
            raise TransitionError(f"没有启用的项目 {handover_programme}", f"no enabled programme {handover_programme!r}")
        handover_board = target.board
    stops_from = add_months(first_of_next_month(on), grace_months)
    removal = CaseRemoval(case_id=case.id, board=board, decided_on=on, ground=ground, reason=reason.strip(),
                          grace_months=grace_months, stops_from=stops_from, handover_board=handover_board,
                          handover_programme=handover_programme, actor_id=actor.id)
    session.add(removal)
    for measure in active:
        _end_measure(session, actor, case, measure, f"剔除 (removal): {reason.strip()}", add_months(stops_from, -1))
    case.stage = REMOVED
    detail = detail_of(session, case)
    detail.closed_on, detail.next_evaluation_on = on, None
    for row in deadlines(session, case.id):
        if row.done_on is None:
            row.done_on = on
    session.flush()
    grace = f", 渐退期 {grace_months} 个月" if grace_months else ""
    ledger.append(session, kind="removal", case=case, actor=actor,
                  summary=f"剔除: {reason.strip()}{grace}, 自 {stops_from:%Y-%m} 停发 (removed, stops from {stops_from:%Y-%m})",
                  data={"removal_id": removal.id, "ground": ground, "grace_months": grace_months,
                        "stops_from": stops_from.isoformat()})
    if handover_programme:
        ledger.append(session, kind="handover", case=case, actor=actor, board=handover_board,
                      summary=f"转入 {handover_programme} ({handover_board}) 继续救助 (handed over)",
                      data={"programme_key": handover_programme})
    return removal


# -- grid workers ---------------------------------------------------------------------------------------


def file_grid_report(session: Session, actor: Actor, *, period: dt.date, zero: bool, note: str = "") -> GridReport:
    """The grid worker's periodic report for the period containing ``period``; ``zero`` is the
    explicit 零报告. The period is an ISO week by default, a calendar month when the standard
    ``core.grid_report_every`` says 30 (:func:`core.casework.calendar.grid_report_bounds`, the
    same definition the zero-report job checks against).

    A periodic report lists the cases the worker reported in that period; a zero report
    is refused when the worker did report someone in it.
    """
    if actor.role != "grid_worker":
        raise TransitionError("只有网格员提交网格报告", "only grid workers file grid reports")
    kind, period, next_period = grid_report_bounds(session, period, getattr(actor, "region_code", None))
    label = period_label(period, kind)
    existing = session.execute(
        select(GridReport).where(GridReport.reporter_id == actor.id, GridReport.period == period)
    ).scalar_one_or_none()
    if existing is not None:
        raise TransitionError(f"{label} 的报告已提交", f"the report for {label} was already filed")
    reported = list(session.execute(
        select(Case.id).where(Case.reported_by == actor.id, Case.channel == "discovery",
                              Case.received_on >= period, Case.received_on < next_period)
    ).scalars())
    if zero and reported:
        raise TransitionError(f"{label} 已上报 {len(reported)} 户, 不能零报告",
                              f"{len(reported)} households were reported in {label}: not a zero report")
    if not zero and not reported and not note.strip():
        raise TransitionError("没有上报对象时请提交零报告或填写情况说明",
                              "with nobody reported, file a zero report or write a note")
    row = GridReport(reporter_id=actor.id, region_code=getattr(actor, "region_code", None), period=period,
                     kind="zero" if zero else "periodic", note=note.strip(), case_ids=reported)
    session.add(row)
    session.flush()
    return row


# -- queues ---------------------------------------------------------------------------------------------

QUEUES = ("new", "in_review", "awaiting_joint_review", "active", "due_for_re_evaluation", "overdue", "referrals")
REEVALUATION_WINDOW_DAYS = 30


def board_queue(session: Session, board: str, on: dt.date) -> dict[str, list[Case]]:
    """The board's cases by queue: the cases it owns in review and those it is responsible for."""
    responsible_ids = select(CaseResponsibility.case_id).where(CaseResponsibility.board == board)
    cases = list(session.execute(
        select(Case).where((Case.owner_board == board) | Case.id.in_(responsible_ids))
        .where(Case.stage.in_(OPEN_STAGES + (REJECTED,))).order_by(Case.received_on, Case.id)
    ).scalars())
    ids = [c.id for c in cases]
    open_deadlines = list(session.execute(
        select(CaseDeadline).where(CaseDeadline.case_id.in_(ids), CaseDeadline.done_on.is_(None))
    ).scalars()) if ids else []
    overdue_ids = {d.case_id for d in open_deadlines if d.due_on < on}
    details = {d.case_id: d for d in session.execute(select(CaseDetail).where(CaseDetail.case_id.in_(ids))).scalars()}
    horizon = on + dt.timedelta(days=REEVALUATION_WINDOW_DAYS)
    queues: dict[str, list[Case]] = {key: [] for key in QUEUES}
    for case in cases:
        if case.stage == RECEIVED and case.owner_board == board:
            queues["new"].append(case)
        elif case.stage == IN_REVIEW and case.owner_board == board:
            queues["in_review"].append(case)
        elif case.stage == AWAITING and case.owner_board == board:
            queues["awaiting_joint_review"].append(case)
        elif case.stage in (INCLUDED, ACTIVE):
            queues["active"].append(case)
            nxt = details.get(case.id)
            if nxt is not None and nxt.next_evaluation_on is not None and nxt.next_evaluation_on <= horizon:
                queues["due_for_re_evaluation"].append(case)
        if case.id in overdue_ids:
            queues["overdue"].append(case)
    pending = session.execute(
        select(Referral.case_id).where(Referral.to_board == board, Referral.state == "pending")
    ).scalars()
    queues["referrals"] = [session.get(Case, cid) for cid in pending]  # type: ignore[misc]
    return queues
