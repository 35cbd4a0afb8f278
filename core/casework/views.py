"""Casework pages and JSON API: thin over :mod:`core.casework.services`.

Every write view runs one service in one transaction: commit on success; on a refused
transition, roll back (nothing changes) and show the bilingual reason.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core import access
from core.casework import calendar as cal
from core.casework import ledger, notice, tracks
from core.casework import services as cw
from core.casework.models import (
    STEPS,
    CaseDetail,
    CaseEvaluation,
    CaseRemoval,
    GridReport,
    Holiday,
    JointReviewMeeting,
    TimeLimit,
)
from core.households import RELATION_LABELS
from core.idnumber import mask_id_number
from core.models import Assignment, AuditEvent, Case, CARE_CATEGORIES, Household, Region, User
from core.web import db, district_choices, enabled_boards, locale_code, platform, roles

bp = Blueprint("casework", __name__)
api = Blueprint("casework_api", __name__, url_prefix="/api")

BOARD_ROLES = ("board_staff", "coordinator")
READ_ROLES = ("board_staff", "coordinator", "admin", "reviewer", "auditor")


# -- helpers ------------------------------------------------------------------------------------


def today() -> dt.date:
    return dt.date.today()


def _date(value: str | None, default: dt.date | None = None) -> dt.date:
    if not value:
        if default is None:
            raise cw.TransitionError("缺少日期", "a date is required")
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise cw.TransitionError(f"日期格式无效: {value}", f"invalid date {value!r} (use YYYY-MM-DD)") from None


def _int(value: Any, what: str, default: int | None = None) -> int | None:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise cw.TransitionError(f"{what} 应为整数", f"{what} must be a whole number") from None


def _fen(value: Any) -> int | None:
    """Yuan as typed in a form ("710" or "710.50") to fen."""
    if value in (None, ""):
        return None
    from decimal import Decimal, InvalidOperation

    try:
        return int((Decimal(str(value)) * 100).to_integral_value())
    except InvalidOperation:
        raise cw.TransitionError(f"金额无效: {value}", f"invalid amount {value!r}") from None


def board_name(key: str | None) -> str:
    if not key:
        return ""
    board = platform().boards.installed.get(key)
    return board.info.name(locale_code()) if board else key


def stage_name(stage: str) -> str:
    names = {
        cw.RECEIVED: _("New"),
        cw.IN_REVIEW: _("In review"),
        cw.AWAITING: _("Awaiting joint review"),
        cw.INCLUDED: _("Included"),
        cw.ACTIVE: _("Active"),
        cw.REJECTED: _("Not included"),
        cw.REMOVED: _("Removed"),
    }
    return names.get(stage, stage)


DEADLINE_NAMES = {
    "investigation_start": _l("Investigation starts"),  # S2 Art. 15: within 3 working days of acceptance
    "review": _l("Review completed"),
    "written_notice": _l("Written notice of the reasons"),
    "public_notice": _l("Public notice ends"),
    "termination_notice": _l("Termination notice ends"),
    "reinvestigation": _l("Re-investigation after an objection"),
    "county_review": _l("County review"),
    "re_evaluation": _l("Next re-assessment"),
    "referral": _l("Answer to a referral"),
}
SEX_NAMES = {"M": _l("Male"), "F": _l("Female")}


def deadline_name(key: str) -> str:
    """A case time limit in words: ``referral:7`` is the answer to referral 7."""
    base, _sep, number = key.partition(":")
    name = DEADLINE_NAMES.get(base)
    if name is None:
        return key
    return f"{name} #{number}" if number else str(name)


def step_name(step: str) -> str:
    return {
        "pre_check": _("Information pre-check"),
        "impact_assessment": _("Impact assessment"),
        "home_visit": _("Home visit"),
        "document_check": _("Document verification"),
    }.get(step, step)


_KEY = re.compile(r"\b([a-z]+(?:_[a-z]+)*)(?:\.([a-z]+(?:_[a-z]+)*))?\b")


def ledger_text(summary: str) -> str:
    """A ledger entry's stored text with the board and programme keys in it named for the reader
    ("首报板块 civil_affairs" → "首报板块 城乡低保板块"); the stored text itself never changes
    (the ledger is append-only), only how it is shown."""
    if "_" not in summary:
        return summary
    if "ledger_names" not in g:
        from core.funds.views import programme_names

        boards = platform().boards
        names = {key: board.info.name(locale_code()) for key, board in boards.installed.items()}
        names.update((key, name) for key, name in programme_names(boards).items() if "." in key)
        g.ledger_names = names
    names = g.ledger_names
    return _KEY.sub(lambda m: names.get(m.group(0), m.group(0)), summary)


@bp.app_context_processor
def _casework_helpers() -> dict[str, Any]:
    return {"board_name": board_name, "stage_name": stage_name, "step_name": step_name,
            "mask_id": mask_id_number, "ledger_text": ledger_text, "deadline_name": deadline_name,
            "sex_names": SEX_NAMES, "relation_names": RELATION_LABELS}


def _may_read(case: Case) -> bool:
    # one definition of "may read" for every surface: core.access (role, board, region)
    return access.can_read_case(db(), access.Viewer.current(), case)


def _case_or_404(case_id: int) -> Case:
    case = db().get(Case, case_id)
    if case is None:
        abort(404)
    if not _may_read(case):
        # audited as denied_read; the status is access.DENIED_CASE_STATUS
        access.deny(db(), access.Viewer.current(), "care_case", case_id, "other board or region",
                    status=access.DENIED_CASE_STATUS)
    return case


def _run(action: Callable[[], Any], success: str, case_id: int | None = None) -> Any:
    """One transition in one transaction; a refusal rolls back and is shown to the user."""
    session = db()
    try:
        result = action()
        session.commit()
        flash(success, "info")
    except cw.TransitionError as exc:
        session.rollback()
        flash(str(exc), "error")
        result = None
    if case_id is not None:
        return redirect(url_for("casework.case_page", case_id=case_id))
    return result


# -- board queue and case page ----------------------------------------------------------------------


@bp.route("/cases/")
@roles(*BOARD_ROLES, "admin")
def queue():  # type: ignore[no-untyped-def]
    board = current_user.board if current_user.role in BOARD_ROLES else request.args.get("board")
    boards = sorted(enabled_boards())
    if board is None and boards:
        board = boards[0]
    if board not in platform().boards.installed:
        abort(404)
    on = today()
    queues = cw.board_queue(db(), board, on)
    # the board's queue, narrowed to the viewer's region (core.access)
    visible = access.readable_case_ids(db(), access.Viewer.current(), {c.id for q in queues.values() for c in q if c})
    queues = {key: [c for c in q if c is not None and c.id in visible] for key, q in queues.items()}
    details = {d.case_id: d for d in db().execute(select(CaseDetail)).scalars()} if any(queues.values()) else {}
    return render_template("casework/queue.html", board=board, boards=boards, queues=queues, details=details,
                           labels=queue_labels(), on=on)


def stored_reason_text(reason: dict[str, Any], english: bool, names: dict[str, tuple[str, str]]) -> str:
    """A reason as the pre-check stored it, each standard it used called by its name: the stored
    text keeps the key (``civil_affairs.dibao_standard = …``) so that names may change later."""
    text = str(reason.get("en" if english else "zh") or "")
    for standard in reason.get("standards") or ():
        name = names.get(standard.get("key", ""))
        if name:
            text = text.replace(f"{standard['key']} = ", f"{name[1] if english else name[0]} = ")
    return text


def queue_labels() -> dict[str, str]:
    return {
        "new": _("New"),
        "in_review": _("In review"),
        "awaiting_joint_review": _("Awaiting joint review"),
        "active": _("Active"),
        "due_for_re_evaluation": _("Due for re-evaluation"),
        "overdue": _("Overdue"),
        "referrals": _("Referrals to answer"),
    }


@bp.route("/cases/<int:case_id>")
@roles(*READ_ROLES)
def case_page(case_id: int):  # type: ignore[no-untyped-def]
    session = db()
    case = _case_or_404(case_id)
    # Every read of a person's record is logged (DESIGN.md "Privacy is a feature").
    session.add(AuditEvent(user_id=current_user.id, action="read_case", object_type="care_case",
                           object_id=str(case.id), remote_addr=request.remote_addr))
    session.commit()
    catalogue = cw.programmes(platform().boards, enabled_boards())
    steps = cw.latest_steps(session, case.id)
    plan = cw.plan_of(session, case.id)
    needs = {m.id: cw.need_of(session, m.id) for m in (plan.measures if plan else []) if m.kind == "care"}
    on = today()
    is_owner = current_user.role in BOARD_ROLES and current_user.board == case.owner_board
    is_responsible = current_user.role in BOARD_ROLES and current_user.board in cw.responsible_boards(case)
    pending_referral = next((r for r in cw.referrals_for(session, case.id) if r.state == "pending"), None)
    from core.standards import standard_names

    names, english = standard_names(platform().boards), locale_code() == "en"
    return render_template(
        "casework/case.html",
        reason_text=lambda reason: stored_reason_text(reason, english, names),
        case=case,
        detail=cw.detail_of(session, case),
        steps=steps,
        step_keys=STEPS,
        missing=cw.review_complete(session, case),
        checklist=cw.document_checklist(case, catalogue),
        deadlines=cw.deadlines(session, case.id),
        on=on,
        plan=plan,
        needs=needs,
        decisions=cw.decisions_for(session, case.id),
        referrals=cw.referrals_for(session, case.id),
        pending_referral=pending_referral,
        evaluations=session.execute(select(CaseEvaluation).where(CaseEvaluation.case_id == case.id)
                                    .order_by(CaseEvaluation.id)).scalars().all(),
        removal=session.execute(select(CaseRemoval).where(CaseRemoval.case_id == case.id)).scalar_one_or_none(),
        entries=ledger.for_case(session, case.id),
        users={u.id: u.display_name for u in session.execute(select(User)).scalars()},
        programmes=catalogue,
        my_programmes=sorted((k for k, p in catalogue.items() if p.board == current_user.board
                              and getattr(p, "kind", "material") == "material")),
        is_owner=is_owner,
        is_responsible=is_responsible,
        boards=sorted(enabled_boards()),
        care_categories=CARE_CATEGORIES,
        removal_grounds=cw.REMOVAL_GROUNDS,
        impact_levels=cw.IMPACT_LEVELS,
        care_notes=_care_notes(session, case),
        **_notice_context(session, case, catalogue),
    )


def _care_notes(session: Any, case: Case) -> list[dict[str, Any]]:
    """The care boards' visit notes and concerns for the case's care needs, each shown only
    to whom core.access.may_see_care_notes allows (psychological risk: the care board, admins,
    an assistance board named responsible)."""
    from core.models import Need
    from core.volunteering.models import Concern, Visit

    viewer = access.Viewer.current()
    needs = list(session.execute(select(Need).where(Need.case_id == case.id)).scalars())
    shown: list[dict[str, Any]] = []
    for need in needs:
        if not access.may_see_care_notes(session, viewer, case.id, need.board):
            continue
        visits = session.execute(select(Visit).join(Assignment, Assignment.id == Visit.assignment_id)
                                 .where(Assignment.need_id == need.id).order_by(Visit.visited_on)).scalars().all()
        concerns = session.execute(select(Concern).join(Assignment, Assignment.id == Concern.assignment_id)
                                   .where(Assignment.need_id == need.id).order_by(Concern.raised_at)).scalars().all()
        if visits or concerns:
            shown.append({"need": need, "visits": visits, "concerns": concerns})
    return shown


# -- intake -------------------------------------------------------------------------------------------


def _household_from_form(form: Any) -> cw.NewHousehold:
    members = []
    for i in range(4):
        name, number = form.get(f"name_{i}", "").strip(), form.get(f"id_number_{i}", "").strip()
        if name or number:
            members.append(cw.NewMember(name, number, form.get(f"relation_{i}", "head" if i == 0 else "other"),
                                        form.get(f"phone_{i}") or None))
    return cw.NewHousehold(region_code=form.get("region_code", "").strip(), area_type=form.get("area_type", "urban"),
                           address=form.get("address", "").strip(), members=members)


def _regions() -> list[Region]:
    return list(db().execute(select(Region).where(Region.level.in_(("district", "county", "street", "town",
                                                                      "community", "village", "grid")))
                             .order_by(Region.code)).scalars())


@bp.route("/cases/new", methods=["GET", "POST"])
@roles(*BOARD_ROLES)
def intake():  # type: ignore[no-untyped-def]
    if request.method == "POST":
        form = request.form
        session = db()
        try:
            case = cw.open_case(
                session, current_user, board=current_user.board, channel=form.get("channel", "application"),
                received_on=_date(form.get("received_on"), today()), household=_household_from_form(form),
                summary=form.get("summary", ""), proxy_name=form.get("proxy_name", ""),
                near_relative_of_staff=form.get("near_relative") == "1")
            session.commit()
        except cw.TransitionError as exc:
            session.rollback()
            flash(str(exc), "error")
            return render_template("casework/intake.html", form=form, regions=_regions(), grid=False), 422
        flash(_("Case %(id)s received.", id=case.id), "info")
        return redirect(url_for("casework.case_page", case_id=case.id))
    return render_template("casework/intake.html", form={}, regions=_regions(), grid=False)


# -- review steps ---------------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/pre-check", methods=["POST"])
@roles(*BOARD_ROLES)
def pre_check(case_id: int):  # type: ignore[no-untyped-def]
    return _run(lambda: cw.record_pre_check(db(), current_user, case_id, platform().boards,
                                            _date(request.form.get("done_on"), today())),
                _("Information pre-check recorded."), case_id)


@bp.route("/cases/<int:case_id>/impact", methods=["POST"])
@roles(*BOARD_ROLES)
def impact(case_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    return _run(lambda: cw.record_impact_assessment(db(), current_user, case_id, level=form.get("level", ""),
                                                    notes=form.get("notes", ""),
                                                    on=_date(form.get("done_on"), today())),
                _("Impact assessment recorded."), case_id)


@bp.route("/cases/<int:case_id>/home-visit", methods=["POST"])
@roles(*BOARD_ROLES)
def home_visit(case_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    return _run(lambda: cw.record_home_visit(
        db(), current_user, case_id, visited_on=_date(form.get("visited_on"), today()),
        investigators=[form.get("investigator_1", ""), form.get("investigator_2", ""), form.get("investigator_3", "")],
        findings=form.get("findings", ""), investigators_signed=form.get("investigators_signed") == "1",
        household_signed=form.get("household_signed") == "1"),
        _("Home visit recorded."), case_id)


@bp.route("/cases/<int:case_id>/documents", methods=["POST"])
@roles(*BOARD_ROLES)
def documents(case_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    present = {key: True for key in form.getlist("present")}
    return _run(lambda: cw.record_document_check(db(), current_user, case_id, platform().boards, present=present,
                                                 notes=form.get("notes", ""), on=_date(form.get("done_on"), today())),
                _("Document verification recorded."), case_id)


@bp.route("/cases/<int:case_id>/submit", methods=["POST"])
@roles(*BOARD_ROLES)
def submit(case_id: int):  # type: ignore[no-untyped-def]
    return _run(lambda: cw.submit_for_joint_review(db(), current_user, case_id,
                                                   _date(request.form.get("on"), today())),
                _("Submitted to the joint review."), case_id)


@bp.route("/cases/<int:case_id>/extend", methods=["POST"])
@roles(*BOARD_ROLES)
def extend(case_id: int):  # type: ignore[no-untyped-def]
    return _run(lambda: cw.extend_review(db(), current_user, case_id, request.form.get("reason", "")),
                _("Review time limit extended."), case_id)


@bp.route("/cases/<int:case_id>/notice", methods=["POST"])
@roles(*BOARD_ROLES)
def written_notice(case_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    return _run(lambda: cw.record_written_notice(db(), current_user, case_id, on=_date(form.get("done_on"), today()),
                                                 note=form.get("note", "")),
                _("Written notice recorded."), case_id)


# -- plan -------------------------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/measures/material", methods=["POST"])
@roles(*BOARD_ROLES)
def add_material(case_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    return _run(lambda: cw.add_material_measure(
        db(), current_user, case_id, platform().boards, programme_key=form.get("programme_key", ""),
        person_id=_int(form.get("person_id"), "person"), monthly_fen=_fen(form.get("monthly_yuan")),
        one_off_fen=_fen(form.get("one_off_yuan")), note=form.get("note", "")),
        _("Enrolment recorded."), case_id)


@bp.route("/cases/<int:case_id>/measures/care", methods=["POST"])
@roles(*BOARD_ROLES)
def add_care(case_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    return _run(lambda: cw.add_care_measure(
        db(), current_user, case_id, person_id=_int(form.get("person_id"), "person") or 0,
        need_type=form.get("need_type", "").strip() or f"{current_user.board}.care", category=form.get("category", ""),
        risk=_int(form.get("risk"), "risk", 2) or 2,
        required_skills=[s.strip() for s in form.get("required_skills", "").split(",") if s.strip()],
        visit_every_days=_int(form.get("visit_every_days"), "visit cadence", 30) or 0,
        volunteers_needed=_int(form.get("volunteers_needed"), "volunteers", 1) or 1),
        _("Care need added."), case_id)


@bp.route("/measures/<int:measure_id>/change", methods=["POST"])
@roles(*BOARD_ROLES)
def change(measure_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    case_id = _measure_case(measure_id)
    return _run(lambda: cw.change_measure(
        db(), current_user, measure_id, reason=form.get("reason", ""), monthly_fen=_fen(form.get("monthly_yuan")),
        one_off_fen=_fen(form.get("one_off_yuan")), risk=_int(form.get("risk"), "risk"),
        visit_every_days=_int(form.get("visit_every_days"), "visit cadence")),
        _("Measure changed."), case_id)


@bp.route("/measures/<int:measure_id>/end", methods=["POST"])
@roles(*BOARD_ROLES)
def end(measure_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    case_id = _measure_case(measure_id)
    return _run(lambda: cw.end_measure(db(), current_user, measure_id, reason=form.get("reason", ""),
                                       on=_date(form.get("on"), today())),
                _("Measure ended."), case_id)


def _measure_case(measure_id: int) -> int:
    from core.models import PlanMeasure

    measure = db().get(PlanMeasure, measure_id)
    if measure is None:
        abort(404)
    return measure.plan.case_id


# -- referral, evaluation, removal ------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/refer", methods=["POST"])
@roles(*BOARD_ROLES)
def refer(case_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    return _run(lambda: cw.refer_case(db(), current_user, case_id, to_board=form.get("to_board", ""),
                                      reason=form.get("reason", ""), on=today()),
                _("Referral sent."), case_id)


@bp.route("/referrals/<int:referral_id>/answer", methods=["POST"])
@roles(*BOARD_ROLES)
def answer(referral_id: int):  # type: ignore[no-untyped-def]
    from core.casework.models import Referral

    referral = db().get(Referral, referral_id)
    if referral is None:
        abort(404)
    form = request.form
    return _run(lambda: cw.answer_referral(db(), current_user, referral_id, accept=form.get("accept") == "1",
                                           note=form.get("note", ""), on=today()),
                _("Referral answered."), referral.case_id)


@bp.route("/cases/<int:case_id>/reassess", methods=["POST"])
@roles(*BOARD_ROLES)
def reassess(case_id: int):  # type: ignore[no-untyped-def]
    return _run(lambda: cw.reassess_case(db(), current_user, case_id, platform().boards,
                                         _date(request.form.get("on"), today())),
                _("Re-assessment recorded."), case_id)


@bp.route("/cases/<int:case_id>/effect", methods=["POST"])
@roles(*BOARD_ROLES)
def effect(case_id: int):  # type: ignore[no-untyped-def]
    return _run(lambda: cw.evaluate_effect(db(), current_user, case_id, effect=request.form.get("effect", ""),
                                           on=_date(request.form.get("on"), today())),
                _("Effect evaluation recorded."), case_id)


@bp.route("/cases/<int:case_id>/remove", methods=["POST"])
@roles(*BOARD_ROLES)
def remove(case_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    return _run(lambda: cw.remove_case(
        db(), current_user, case_id, platform().boards, ground=form.get("ground", ""), reason=form.get("reason", ""),
        on=_date(form.get("on"), today()), grace_months=_int(form.get("grace_months"), "grace months", 0) or 0,
        handover_programme=form.get("handover_programme") or None),
        _("Case removed."), case_id)


# -- joint review ------------------------------------------------------------------------------------------


@bp.route("/joint-review/", methods=["GET", "POST"])
@roles("reviewer", "admin")
def joint_review():  # type: ignore[no-untyped-def]
    session = db()
    if request.method == "POST":
        form = request.form
        decisions = []
        for case_id in form.getlist("case_id"):
            choice = form.get(f"decision_{case_id}", "")
            if choice in ("", "defer"):
                continue
            decisions.append(cw.DecisionInput(int(case_id), choice, form.get(f"reasons_{case_id}", ""),
                                              form.getlist(f"boards_{case_id}")))
        members = [{"name": form.get(f"member_name_{i}", "").strip(), "board": form.get(f"member_board_{i}", "")}
                   for i in range(6)]
        try:
            meeting = cw.hold_joint_review(session, current_user, held_on=_date(form.get("held_on"), today()),
                                           members=members, minutes=form.get("minutes", ""), decisions=decisions,
                                           region_code=current_user.region_code)
            session.commit()
        except cw.TransitionError as exc:
            session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("Joint review meeting recorded."), "info")
            return redirect(url_for("casework.meeting", meeting_id=meeting.id))
    waiting = list(session.execute(select(Case).where(Case.stage == cw.AWAITING).order_by(Case.received_on)).scalars())
    meetings = list(session.execute(select(JointReviewMeeting).order_by(JointReviewMeeting.held_on.desc())
                                    .limit(20)).scalars())
    from core.funds.crossboard import cross_board_for_cases
    from core.funds.views import board_names as _board_names, programme_names

    cross_board = cross_board_for_cases(session, current_user, [c.id for c in waiting])
    return render_template("casework/joint_review.html", waiting=waiting, meetings=meetings,
                           boards=sorted(enabled_boards()), on=today(), cross_board=cross_board,
                           cross_board_names=(programme_names(), _board_names()),
                           cross_board_links="funds" in current_app.blueprints)


@bp.route("/joint-review/<int:meeting_id>")
@roles("reviewer", "admin", "board_staff", "coordinator", "auditor")
def meeting(meeting_id: int):  # type: ignore[no-untyped-def]
    record = db().get(JointReviewMeeting, meeting_id)
    if record is None:
        abort(404)
    cases = {d.case_id: db().get(Case, d.case_id) for d in record.decisions}
    return render_template("casework/meeting.html", meeting=record, cases=cases)


# -- grid workers -------------------------------------------------------------------------------------------


@bp.route("/grid/")
@roles("grid_worker")
def grid_home():  # type: ignore[no-untyped-def]
    session = db()
    reported = list(session.execute(select(Case).where(Case.reported_by == current_user.id)
                                    .order_by(Case.received_on.desc())).scalars())
    reports = list(session.execute(select(GridReport).where(GridReport.reporter_id == current_user.id)
                                   .order_by(GridReport.period.desc())).scalars())
    code = current_user.region_code
    kind, this_period, _following = cal.grid_report_bounds(session, today(), code)
    labels = {r.id: cal.period_label(r.period, cal.grid_report_period(session, r.period, code)) for r in reports}
    return render_template("casework/grid_home.html", reported=reported, reports=reports, labels=labels,
                           period_kind=kind, this_period=this_period, this_label=cal.period_label(this_period, kind))


@bp.route("/grid/report-person", methods=["GET", "POST"])
@roles("grid_worker")
def grid_report_person():  # type: ignore[no-untyped-def]
    if request.method == "POST":
        form = request.form
        session = db()
        try:
            case = cw.open_case(session, current_user, board=form.get("board", ""), channel="discovery",
                                received_on=today(), household=_household_from_form(form),
                                summary=form.get("summary", ""))
            session.commit()
        except cw.TransitionError as exc:
            session.rollback()
            flash(str(exc), "error")
            return render_template("casework/intake.html", form=form, regions=_regions(), grid=True,
                                   boards=sorted(enabled_boards())), 422
        flash(_("Reported: case %(id)s was sent to %(board)s.", id=case.id, board=board_name(case.owner_board)), "info")
        return redirect(url_for("casework.grid_home"))
    return render_template("casework/intake.html", form={"region_code": current_user.region_code or ""},
                           regions=_regions(), grid=True, boards=sorted(enabled_boards()))


@bp.route("/grid/periodic", methods=["POST"])
@roles("grid_worker")
def grid_periodic():  # type: ignore[no-untyped-def]
    form = request.form
    session = db()
    try:
        cw.file_grid_report(session, current_user, period=_date(form.get("period"), today()),
                            zero=form.get("zero") == "1", note=form.get("note", ""))
        session.commit()
        flash(_("Periodic report filed."), "info")
    except cw.TransitionError as exc:
        session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("casework.grid_home"))


# -- working-day calendar (administrator) ----------------------------------------------------------------------


@bp.route("/calendar", methods=["GET", "POST"])
@roles("admin", "board_staff", "coordinator", "reviewer", "auditor")
def calendar_page():  # type: ignore[no-untyped-def]
    session = db()
    if request.method == "POST":
        if current_user.role != "admin":
            abort(403)
        form = request.form
        try:
            kind = form.get("kind") or None
            cal.set_calendar_day(session, _date(form.get("day")), kind if kind != "ordinary" else None,
                                 form.get("name", ""), form.get("source_note", ""), current_user.id)
            session.commit()
            flash(_("Calendar updated."), "info")
        except (cw.TransitionError, ValueError) as exc:
            session.rollback()
            flash(str(exc), "error")
        return redirect(url_for("casework.calendar_page"))
    days = list(session.execute(select(Holiday).order_by(Holiday.day)).scalars())
    limits = list(session.execute(select(TimeLimit).order_by(TimeLimit.key, TimeLimit.effective_from)).scalars())
    from core.models import Standard

    delegations = list(session.execute(select(Standard).where(Standard.key == tracks.DELEGATION_KEY)
                                       .order_by(Standard.region_code, Standard.effective_from)).scalars())
    return render_template("casework/calendar.html", days=days, limits=limits, delegations=delegations)


# -- JSON API ---------------------------------------------------------------------------------------------------
# Session-authenticated like the pages. The API blueprint is exempt from the CSRF token
# but accepts only application/json bodies, which a cross-site form cannot send without
# a CORS preflight (OWASP CSRF cheat sheet, "custom request headers"/content type).


def _json_body() -> dict[str, Any]:
    if not request.is_json:
        abort(415)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400)
    return body


def case_json(case: Case) -> dict[str, Any]:
    session = db()
    detail = cw.detail_of(session, case)
    return {
        "id": case.id,
        "household_id": case.household_id,
        "subject_id": case.subject_id,
        "channel": case.channel,
        "first_reporter_board": case.first_reporter_board,
        "owner_board": case.owner_board,
        "stage": case.stage,
        "received_on": case.received_on.isoformat(),
        "review_due_on": case.review_due_on.isoformat() if case.review_due_on else None,
        "track": detail.track,
        "separately_filed": detail.separately_filed,
        "responsible": cw.responsible_boards(case),
        "steps": {k: {"done_on": s.done_on.isoformat(), "complete": s.complete}
                  for k, s in cw.latest_steps(session, case.id).items()},
        "deadlines": [{"key": d.key, "due_on": d.due_on.isoformat(),
                       "done_on": d.done_on.isoformat() if d.done_on else None,
                       "overdue": cw.is_overdue(d, today())} for d in cw.deadlines(session, case.id)],
        "findings": case.findings,
        "notices": [{"id": n.id, "purpose": n.purpose, "location": n.location, "starts_on": n.starts_on.isoformat(),
                     "ends_on": n.ends_on.isoformat(), "state": n.state, "published": n.published}
                    for n in notice.notices_for(session, case.id)],
        "objections": [{"id": o.id, "notice_id": o.notice_id, "objector": o.objector,
                        "received_on": o.received_on.isoformat(), "content": o.content,
                        "resolved_on": o.resolved_on.isoformat() if o.resolved_on else None, "founded": o.founded}
                       for o in notice.objections_for(session, case.id)],
        "ledger": [{"id": e.id, "at": e.at.isoformat(), "kind": e.kind, "board": e.board, "summary": e.summary,
                    "amount_fen": e.amount_fen, "corrects_id": e.corrects_id} for e in ledger.for_case(session, case.id)],
    }


def _api_run(action: Callable[[], Any], case_id: Callable[[Any], int] | int, status: int = 200) -> Any:
    session = db()
    try:
        result = action()
        session.commit()
    except cw.TransitionError as exc:
        session.rollback()
        return jsonify(error=str(exc), zh=exc.zh, en=exc.en), 409
    cid = case_id(result) if callable(case_id) else case_id
    return jsonify(case_json(session.get(Case, cid))), status


@api.route("/cases", methods=["POST"])
@roles(*BOARD_ROLES, "grid_worker")
def api_open_case():  # type: ignore[no-untyped-def]
    body = _json_body()
    hh = body.get("household") or {}
    try:
        household = cw.NewHousehold(
            region_code=str(hh.get("region_code", "")), area_type=str(hh.get("area_type", "urban")),
            address=str(hh.get("address", "")),
            members=[cw.NewMember(str(m.get("name", "")), str(m.get("id_number", "")), str(m.get("relation", "head")),
                                  m.get("phone")) for m in hh.get("members", [])])
        received_on = _date(body.get("received_on"), today())
    except (cw.TransitionError, AttributeError, TypeError) as exc:
        return jsonify(error=str(exc)), 400
    board = body.get("board") if current_user.role == "grid_worker" else current_user.board
    return _api_run(lambda: cw.open_case(
        db(), current_user, board=str(board or ""), channel=str(body.get("channel", "application")),
        received_on=received_on, household=household, summary=str(body.get("summary", "")),
        proxy_name=str(body.get("proxy_name", "")), near_relative_of_staff=bool(body.get("near_relative_of_staff"))),
        lambda c: c.id, 201)


@api.route("/cases/<int:case_id>")
@roles(*READ_ROLES)
def api_case(case_id: int):  # type: ignore[no-untyped-def]
    case = _case_or_404(case_id)
    access.log(db(), current_user, "read_case", "care_case", case.id, "case API", request.remote_addr)
    db().commit()
    return jsonify(case_json(case))


@api.route("/cases/<int:case_id>/<action>", methods=["POST"])
@roles(*BOARD_ROLES)
def api_case_action(case_id: int, action: str):  # type: ignore[no-untyped-def]
    body = _json_body()
    session, boards, user = db(), platform().boards, current_user
    try:
        on = _date(body.get("on"), today())
        actions: dict[str, Callable[[], Any]] = {
            "pre-check": lambda: cw.record_pre_check(session, user, case_id, boards, on),
            "impact": lambda: cw.record_impact_assessment(session, user, case_id, level=str(body.get("level", "")),
                                                          notes=str(body.get("notes", "")), on=on),
            "home-visit": lambda: cw.record_home_visit(
                session, user, case_id, visited_on=on, investigators=list(body.get("investigators", [])),
                findings=str(body.get("findings", "")), investigators_signed=bool(body.get("investigators_signed")),
                household_signed=bool(body.get("household_signed"))),
            "documents": lambda: cw.record_document_check(session, user, case_id, boards,
                                                          present=dict(body.get("present", {})),
                                                          notes=str(body.get("notes", "")), on=on),
            "submit": lambda: cw.submit_for_joint_review(session, user, case_id, on),
            "refer": lambda: cw.refer_case(session, user, case_id, to_board=str(body.get("to_board", "")),
                                           reason=str(body.get("reason", "")), on=on),
            "enrol": lambda: cw.add_material_measure(
                session, user, case_id, boards, programme_key=str(body.get("programme_key", "")),
                person_id=body.get("person_id"), monthly_fen=body.get("monthly_fen"),
                one_off_fen=body.get("one_off_fen"), note=str(body.get("note", ""))),
            "care-need": lambda: cw.add_care_measure(
                session, user, case_id, person_id=int(body.get("person_id", 0)),
                need_type=str(body.get("need_type", "")), category=str(body.get("category", "")),
                risk=int(body.get("risk", 2)), required_skills=list(body.get("required_skills", [])),
                visit_every_days=int(body.get("visit_every_days", 30)),
                volunteers_needed=int(body.get("volunteers_needed", 1))),
            "reassess": lambda: cw.reassess_case(session, user, case_id, boards, on),
            "public-notice": lambda: notice.post_public_notice(
                session, user, case_id, location=str(body.get("location", "")), starts_on=on,
                amount_fen=_int(body.get("amount_fen"), "amount")),
            "termination-notice": lambda: notice.post_termination_notice(
                session, user, case_id, ground=str(body.get("ground", "")), reason=str(body.get("reason", "")),
                location=str(body.get("location", "")), starts_on=on),
            "objection": lambda: notice.record_objection(
                session, user, case_id, objector=str(body.get("objector", "")), received_on=on,
                content=str(body.get("content", ""))),
            "remove": lambda: cw.remove_case(
                session, user, case_id, boards, ground=str(body.get("ground", "")), reason=str(body.get("reason", "")),
                on=on, grace_months=int(body.get("grace_months", 0)),
                handover_programme=body.get("handover_programme")),
        }
    except cw.TransitionError as exc:
        return jsonify(error=str(exc), zh=exc.zh, en=exc.en), 400
    if action not in actions:
        abort(404)
    return _api_run(actions[action], case_id)


@api.route("/joint-review", methods=["POST"])
@roles("reviewer", "admin")
def api_joint_review():  # type: ignore[no-untyped-def]
    body = _json_body()
    try:
        held_on = _date(body.get("held_on"), today())
        decisions = [cw.DecisionInput(int(d["case_id"]), str(d.get("decision", "")), str(d.get("reasons", "")),
                                      list(d.get("boards", []))) for d in body.get("decisions", [])]
    except (cw.TransitionError, KeyError, TypeError, ValueError) as exc:
        return jsonify(error=str(exc)), 400
    session = db()
    try:
        meeting_row = cw.hold_joint_review(session, current_user, held_on=held_on, members=list(body.get("members", [])),
                                           minutes=str(body.get("minutes", "")), decisions=decisions)
        session.commit()
    except cw.TransitionError as exc:
        session.rollback()
        return jsonify(error=str(exc), zh=exc.zh, en=exc.en), 409
    return jsonify(meeting_id=meeting_row.id,
                   decisions=[{"case_id": d.case_id, "decision": d.decision, "boards": d.boards}
                              for d in meeting_row.decisions]), 201


@api.route("/referrals/<int:referral_id>/answer", methods=["POST"])
@roles(*BOARD_ROLES)
def api_answer_referral(referral_id: int):  # type: ignore[no-untyped-def]
    body = _json_body()
    from core.casework.models import Referral

    referral = db().get(Referral, referral_id)
    if referral is None:
        abort(404)
    return _api_run(lambda: cw.answer_referral(db(), current_user, referral_id, accept=bool(body.get("accept")),
                                               note=str(body.get("note", "")), on=today()), referral.case_id)


# -- public notices and objections (公示, 异议) --------------------------------------------------------


def _notice_context(session: Any, case: Case, catalogue: dict[str, Any]) -> dict[str, Any]:
    from core.models import Person

    objections = notice.objections_for(session, case.id)
    return {
        "notices": notice.notices_for(session, case.id),
        "objections": objections,
        "open_objections": [o for o in objections if o.resolved_on is None],
        "notice_required": notice.notice_required(session, case),
        "termination_needed": notice.termination_notice_programmes(session, case, catalogue),
        "subject": session.get(Person, case.subject_id) if case.subject_id else None,
    }


@bp.route("/cases/<int:case_id>/public-notice", methods=["POST"])
@roles(*BOARD_ROLES)
def public_notice(case_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    return _run(lambda: notice.post_public_notice(db(), current_user, case_id, location=form.get("location", ""),
                                                  starts_on=_date(form.get("starts_on"), today()),
                                                  amount_fen=_fen(form.get("amount_yuan"))),
                _("Public notice posted."), case_id)


@bp.route("/cases/<int:case_id>/termination-notice", methods=["POST"])
@roles(*BOARD_ROLES)
def termination_notice(case_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    return _run(lambda: notice.post_termination_notice(
        db(), current_user, case_id, ground=form.get("ground", ""), reason=form.get("reason", ""),
        location=form.get("location", ""), starts_on=_date(form.get("starts_on"), today())),
        _("Termination notice posted."), case_id)


@bp.route("/cases/<int:case_id>/objection", methods=["POST"])
@roles(*BOARD_ROLES)
def objection(case_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    return _run(lambda: notice.record_objection(db(), current_user, case_id, objector=form.get("objector", ""),
                                                received_on=_date(form.get("received_on"), today()),
                                                content=form.get("content", "")),
                _("Objection recorded; the case is re-investigated."), case_id)


def _objection_case(objection_id: int) -> int:
    from core.casework.models import NoticeObjection

    row = db().get(NoticeObjection, objection_id)
    if row is None:
        abort(404)
    return row.case_id


@bp.route("/objections/<int:objection_id>/reinvestigation", methods=["POST"])
@roles(*BOARD_ROLES)
def reinvestigation(objection_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    case_id = _objection_case(objection_id)
    return _run(lambda: notice.record_reinvestigation(db(), current_user, objection_id,
                                                      founded=form.get("founded") == "1",
                                                      findings=form.get("findings", ""),
                                                      on=_date(form.get("on"), today())),
                _("Re-investigation recorded."), case_id)


@api.route("/objections/<int:objection_id>/reinvestigation", methods=["POST"])
@roles(*BOARD_ROLES)
def api_reinvestigation(objection_id: int):  # type: ignore[no-untyped-def]
    body = _json_body()
    case_id = _objection_case(objection_id)
    try:
        on = _date(body.get("on"), today())
    except cw.TransitionError as exc:
        return jsonify(error=str(exc), zh=exc.zh, en=exc.en), 400
    return _api_run(lambda: notice.record_reinvestigation(db(), current_user, objection_id,
                                                          founded=bool(body.get("founded")),
                                                          findings=str(body.get("findings", "")), on=on), case_id)


@bp.route("/calendar/delegation", methods=["POST"])
@roles("admin")
def delegation():  # type: ignore[no-untyped-def]
    """Whether dibao approval is delegated to the township in a region, from a date (20-day track)."""
    form = request.form
    session = db()
    try:
        tracks.set_approval_delegated(session, form.get("region_code", "").strip(), form.get("delegated") == "1",
                                      _date(form.get("effective_from")), form.get("source_note", ""),
                                      current_user.id)
        session.commit()
        flash(_("Approval delegation recorded."), "info")
    except (cw.TransitionError, ValueError) as exc:
        session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("casework.calendar_page"))


bp.register_blueprint(api)


@bp.record_once
def _exempt_api_from_csrf(state: Any) -> None:
    csrf = state.app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(api)  # looked up by its nested name "casework.casework_api"



# -- active discovery (主动发现): the data comparison's leads -----------------------------------------

LEADS_PER_PAGE = 50


def _leads(args: Any) -> Any:
    """The leads the current user may see, filtered as the page, export and API are asked."""
    from core.casework.discovery import visible_leads
    from core.casework.models import LEAD_STATES

    state = args.get("state", "open")
    state = None if state == "all" else state if state in LEAD_STATES else "open"  # as the state menu shows it
    return visible_leads(access.Viewer.current(), enabled_boards(), state=state,
                         programme=args.get("programme"), region=args.get("region"))


@bp.route("/discovery")
@roles("admin", "board_staff", "coordinator", "auditor")
def discovery():  # type: ignore[no-untyped-def]
    """The leads of the latest data comparison (主动发现): households the rules find eligible for
    a benefit they do not receive, largest monthly gap first; open a discovery case or dismiss."""
    from sqlalchemy import func

    from core.casework.discovery import open_case_ids
    from core.casework.models import DiscoveryLead
    from core.funds.views import programme_names

    session, viewer = db(), access.Viewer.current()
    query = _leads(request.args)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // LEADS_PER_PAGE))
    try:
        page = min(max(1, int(request.args.get("page", "1"))), pages)  # past the last page: the last page
    except ValueError:
        page = 1
    leads = session.execute(query.order_by(DiscoveryLead.monthly_fen.desc(), DiscoveryLead.one_off_fen.desc(),
                                           DiscoveryLead.id).offset((page - 1) * LEADS_PER_PAGE)
                            .limit(LEADS_PER_PAGE)).scalars().all()
    households = {h.id: h for h in session.execute(select(Household).where(
        Household.id.in_(sorted({lead.household_id for lead in leads})))).scalars()} if leads else {}
    # the summary and the date of the last run: every open lead the viewer may see, whatever the filters
    scoped = _leads({}).subquery()
    summary = session.execute(select(scoped.c.programme_key, func.count(), func.sum(scoped.c.monthly_fen),
                                     func.sum(scoped.c.one_off_fen))
                              .group_by(scoped.c.programme_key).order_by(func.count().desc())).all()
    last_run = session.scalar(select(func.max(_leads({"state": "all"}).subquery().c.found_on)))
    open_cases = open_case_ids(session, set(households))
    if leads:
        # the page names households (addresses): the read is logged like a household page's
        access.log(session, viewer, "read", "discovery_leads", f"page {page}",
                   "households " + ",".join(str(h) for h in sorted(households)), request.remote_addr)
        session.commit()
    return render_template(
        "casework/discovery.html", leads=leads, households=households, total=total, page=page,
        pages=pages, summary=summary, last_run=last_run, names=programme_names(),
        open_cases=open_cases, readable_cases=access.readable_case_ids(session, viewer, set(open_cases.values())),
        care_boards={key for key, board in platform().boards.installed.items() if board.info.kind == "care"},
        args=request.args,
        filters={key: value for key, value in request.args.items() if key != "page"},
        districts=district_choices(),
        can_act=current_user.role in ("board_staff", "coordinator"))


def _lead_action(act: Callable[[Any], Any]) -> Any:
    session = db()
    try:
        result = act(session)
        session.commit()
    except cw.TransitionError as exc:
        session.rollback()
        flash(str(exc), "error")
        return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                        else url_for("casework.discovery"))
    return result


@bp.route("/discovery/<int:lead_id>/case", methods=["POST"])
@roles("board_staff", "coordinator")
def discovery_open_case(lead_id: int):  # type: ignore[no-untyped-def]
    """Open a discovery case (主动发现) for the lead's household, owned by the staff member's board."""
    from core.casework.discovery import open_case_from_lead

    def act(session: Any) -> Any:
        case = open_case_from_lead(session, current_user, lead_id, on=today(),
                                   programmes=cw.programmes(platform().boards, enabled_boards()))
        flash(_("Case %(id)s received.", id=case.id), "info")
        return redirect(url_for("casework.case_page", case_id=case.id))

    return _lead_action(act)


@bp.route("/discovery/<int:lead_id>/dismiss", methods=["POST"])
@roles("board_staff", "coordinator")
def discovery_dismiss(lead_id: int):  # type: ignore[no-untyped-def]
    """Set a lead aside, with the reason (kept with the lead)."""
    from core.casework.discovery import dismiss_lead

    def act(session: Any) -> Any:
        dismiss_lead(session, current_user, lead_id, note=request.form.get("note", ""))
        flash(_("The lead is set aside; the reason is kept."), "info")
        return redirect(url_for("casework.discovery", **{k: v for k, v in request.args.items() if k != "page"}))

    return _lead_action(act)


@bp.route("/discovery/leads.xlsx")
@roles("admin", "board_staff", "coordinator", "auditor")
def discovery_export():  # type: ignore[no-untyped-def]
    """The leads shown (same filters) as an Excel checklist for door-to-door verification; the
    export is written to the access log before it leaves."""
    from core.casework.models import DiscoveryLead
    from core.excel.exporting import discovery_leads
    from core.excel.views import send_export

    session = db()
    leads = session.execute(_leads(request.args).order_by(
        DiscoveryLead.region_code, DiscoveryLead.household_id, DiscoveryLead.programme_key)).scalars().all()
    regions = dict(session.execute(select(Region.code, Region.name)).all())
    names = {key: p.name_zh for key, p in cw.programmes(platform().boards, enabled_boards()).items()}
    export = discovery_leads(session, current_user, leads, region_names=regions, programme_names=names)
    return send_export(export, "discovery_leads",
                       {key: value for key, value in request.args.items() if key in ("state", "programme", "region")})


@bp.route("/api/discovery")
@roles("admin", "board_staff", "coordinator", "auditor")
def api_discovery():  # type: ignore[no-untyped-def]
    """The leads the viewer may see (``?state=open|case_opened|dismissed|all&programme=&region=``;
    open by default), JSON."""
    from core.casework.discovery import lead_json
    from core.casework.models import DiscoveryLead

    session, viewer = db(), access.Viewer.current()
    leads = session.execute(_leads(request.args).order_by(DiscoveryLead.id)).scalars().all()
    if leads:
        access.log(session, viewer, "read", "discovery_leads", "api",
                   "households " + ",".join(sorted({str(lead.household_id) for lead in leads})), request.remote_addr)
        session.commit()
    return jsonify(leads=[lead_json(lead) for lead in leads])
