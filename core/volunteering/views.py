"""Volunteer pages and JSON API: thin views over :mod:`core.volunteering.services`.

Two audiences: the volunteer (``/my/...``, mobile-first, only their own assignments and
only the fields of :class:`~core.volunteering.services.AssignmentCard`) and the care
boards' coordinators (``/volunteers/...``, scoped to their own board; administrators see
all). An attempt on someone else's record answers 404 and is written to ``audit_event``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core import access
from core.idnumber import mask_id_number, mask_phone
from core.models import Assignment, Volunteer
from core.volunteering import services as S
from core.volunteering.models import (
    CONCERN_KINDS,
    MANDATORY_KINDS,
    PERSON_STATES,
    VISIT_MODES,
    Concern,
    Visit,
    VolunteerBackgroundCheck,
    VolunteerCertification,
    VolunteerConsent,
    VolunteerInsurance,
)
from core.web import db, roles

bp = Blueprint("volunteering", __name__)

COORDINATING = ("coordinator", "admin")
CARE_BOARDS = ("youth_league", "womens_federation")

MODE_LABELS = {"home": _l("Home visit"), "phone": _l("Phone call"), "video": _l("Video call")}
STATE_LABELS = {"well": _l("Well"), "stable": _l("Stable"), "worse": _l("Worse than before"),
                "urgent": _l("Needs help urgently")}
CATEGORY_LABELS = {"left_behind_child": _l("Left-behind child"), "elderly_alone": _l("Elderly person living alone"),
                   "bereaved_family": _l("Bereaved-parent family"), "other": _l("Other")}
CONCERN_LABELS = {"risk": _l("Risk or worry"), "child_alone_or_missing": _l("Child alone or missing"),
                  "guardian_unable": _l("Guardian unable or not caring"),
                  "suspected_abuse": _l("Suspected abuse or harm")}
ASSIGNMENT_STATE_LABELS = {"proposed": _l("New, waiting for your answer"), "accepted": _l("Accepted"),
                           "declined": _l("Declined"), "ended": _l("Ended")}
VOLUNTEER_STATE_LABELS = {"applied": _l("Applied"), "approved": _l("Approved"), "active": _l("Active"),
                          "paused": _l("Paused"), "left": _l("Left")}
MISSING_LABELS = {"check": _l("Criminal-record check"), "check_expired": _l("Criminal-record check expired"),
                  "insurance": _l("Accident insurance"), "guardian_consent": _l("Guardian consent (under 18)")}
ERRORS = {
    "background_check_expired": _l("Your criminal-record check is missing or more than a year old: a child "
                                   "assignment needs a valid one. Ask your coordinator to renew it."),
    "volunteer_not_active": _l("Your volunteer registration is not active."),
    "minor_counselling": _l("Volunteers under 18 do not take psychological counselling."),
    "minor_without_consent": _l("A volunteer under 18 needs a guardian's consent."),
    "not_proposed_declined": _l("You declined this assignment; it cannot be accepted again."),
    "not_proposed_accepted": _l("You have already accepted this assignment."),
    "not_proposed_ended": _l("This assignment has ended."),
    "reason_required": _l("Please give a reason."),
    "not_accepted": _l("Accept the assignment before logging a visit."),
    "future_visit": _l("A visit cannot be in the future."),
    "before_start": _l("The visit is before the assignment started."),
    "bad_minutes": _l("The duration must be between 1 minute and 24 hours."),
    "bad_mode": _l("Choose how the visit took place."),
    "bad_state": _l("Choose how the person was."),
    "not_a_child": _l("The mandatory-report buttons are for children."),
    "description_required": _l("Please describe the concern."),
    "not_open": _l("This assignment is no longer open."),
    "bad_transition": _l("That change of state is not possible."),
    "handover_required": _l("A hand-over note is required when a volunteer pauses or leaves."),
    "no_consent": _l("The volunteer's consent to data entry is required."),
    "bad_id_number": _l("The ID number is not valid."),
    "duplicate": _l("A volunteer with this ID number is already registered."),
    "bad_region": _l("Unknown region code."),
    "name_required": _l("The name is required."),
    "future_check": _l("The check date cannot be in the future."),
    "bad_dates": _l("The end date is before the start date."),
    "not_pending": _l("Only a visit waiting for confirmation can be confirmed."),
}


def _error_message(exc: S.VolunteeringError) -> str:
    return str(ERRORS.get(exc.code, _("The request was refused.")))


def _parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _own(assignment_id: int) -> Assignment:
    """The current volunteer's own assignment, else the attempt is audited and 404 answered."""
    session = db()
    try:
        return S.own_assignment(session, current_user.id, assignment_id, remote_addr=request.remote_addr)
    except S.NotYours:
        session.commit()  # keep the audit row of the refused attempt
        abort(404)


@bp.app_context_processor
def _volunteering_labels() -> dict[str, Any]:
    return {"vol_mode_labels": MODE_LABELS, "vol_state_labels": STATE_LABELS, "vol_category_labels": CATEGORY_LABELS,
            "vol_concern_labels": CONCERN_LABELS, "vol_assignment_labels": ASSIGNMENT_STATE_LABELS,
            "vol_volunteer_labels": VOLUNTEER_STATE_LABELS, "vol_missing_labels": MISSING_LABELS}


# -- the volunteer ----------------------------------------------------------------------------------------


@bp.route("/my/assignments")
@roles("volunteer")
def my_assignments():  # type: ignore[no-untyped-def]
    session = db()
    today = S.local_today()
    volunteer = S.volunteer_for_user(session, current_user.id)
    cards = S.my_assignments(session, current_user.id, today, volunteer=volunteer) if volunteer else []
    hours = S.service_hours(session, volunteer.id, with_visits=False) if volunteer else None
    page = render_template("volunteering/my_assignments.html", cards=cards, volunteer=volunteer, hours=hours,
                           today=today)
    # the read is logged (privacy): its one INSERT, committed with the page's reads in one
    # transaction, and before the page leaves
    S.audit(session, current_user.id, "read_assignments", "volunteer", volunteer.id if volunteer else None,
            remote_addr=request.remote_addr)
    session.commit()
    return page


@bp.route("/api/my/assignments")
@roles("volunteer")
def api_my_assignments():  # type: ignore[no-untyped-def]
    session = db()
    cards = S.my_assignments(session, current_user.id, S.local_today())
    S.audit(session, current_user.id, "read_assignments", "api", None, remote_addr=request.remote_addr)
    session.commit()
    return jsonify(assignments=[c.as_json() for c in cards])


@bp.route("/api/my/assignments/<int:assignment_id>")
@roles("volunteer")
def api_my_assignment(assignment_id: int):  # type: ignore[no-untyped-def]
    assignment = _own(assignment_id)
    session = db()
    card = S.assignment_card(session, assignment, S.local_today())
    S.audit(session, current_user.id, "read_assignment", "assignment", assignment.id, remote_addr=request.remote_addr)
    session.commit()
    return jsonify(card.as_json())


@bp.route("/my/assignments/<int:assignment_id>")
@roles("volunteer")
def my_assignment(assignment_id: int):  # type: ignore[no-untyped-def]
    assignment = _own(assignment_id)
    session = db()
    today = S.local_today()
    card = S.assignment_card(session, assignment, today)
    visits = session.execute(select(Visit).where(Visit.assignment_id == assignment.id)
                             .order_by(Visit.visited_on.desc()).limit(10)).scalars().all()
    S.audit(session, current_user.id, "read_assignment", "assignment", assignment.id, remote_addr=request.remote_addr)
    session.commit()
    return render_template("volunteering/my_assignment.html", card=card, visits=visits, today=today,
                           mandatory_kinds=MANDATORY_KINDS)


@bp.route("/my/assignments/<int:assignment_id>/accept", methods=["POST"])
@roles("volunteer")
def accept(assignment_id: int):  # type: ignore[no-untyped-def]
    assignment = _own(assignment_id)
    session = db()
    try:
        S.accept_assignment(session, assignment, current_user.id, S.local_today())
        session.commit()
        flash(_("Thank you: the assignment is accepted. The address is now shown."), "info")
    except S.VolunteeringError as exc:
        session.rollback()
        flash(_error_message(exc), "error")
    return redirect(url_for("volunteering.my_assignment", assignment_id=assignment_id))


@bp.route("/my/assignments/<int:assignment_id>/decline", methods=["POST"])
@roles("volunteer")
def decline(assignment_id: int):  # type: ignore[no-untyped-def]
    assignment = _own(assignment_id)
    session = db()
    try:
        S.decline_assignment(session, assignment, current_user.id, request.form.get("reason", ""))
        session.commit()
        flash(_("The assignment is declined and your coordinator is told. You will not be proposed for it again."),
              "info")
        return redirect(url_for("volunteering.my_assignments"))
    except S.VolunteeringError as exc:
        session.rollback()
        flash(_error_message(exc), "error")
        return redirect(url_for("volunteering.my_assignment", assignment_id=assignment_id))


@bp.route("/my/assignments/<int:assignment_id>/concern", methods=["POST"])
@roles("volunteer")
def concern(assignment_id: int):  # type: ignore[no-untyped-def]
    assignment = _own(assignment_id)
    session = db()
    kind = request.form.get("kind", "risk")
    try:
        raised = S.raise_concern(session, assignment, current_user.id, kind, request.form.get("description", ""))
        session.commit()
    except S.VolunteeringError as exc:
        session.rollback()
        flash(_error_message(exc), "error")
        return redirect(url_for("volunteering.my_assignment", assignment_id=assignment_id))
    if raised.mandatory:
        flash(_("Mandatory report sent to your coordinator and the board at %(time)s. If the child is in danger, "
                "call the police (110) now.", time=raised.raised_at.astimezone(S.LOCAL_TZ).strftime("%H:%M")),
              "error")
    else:
        flash(_("Your concern has been sent to your coordinator and the responsible board."), "info")
    return redirect(url_for("volunteering.my_assignment", assignment_id=assignment_id))


@bp.route("/my/visits/new", methods=["GET", "POST"])
@roles("volunteer")
def new_visit():  # type: ignore[no-untyped-def]
    session = db()
    today = S.local_today()
    assignment_id = request.values.get("assignment", type=int)
    volunteer = S.volunteer_for_user(session, current_user.id)
    choices = [c for c in S.my_assignments(session, current_user.id, today) if c.state == "accepted"]
    form = {"visited_on": today.isoformat(), "mode": "home", "minutes": "60", "activities": "",
            "person_state": "stable", "state_note": ""}
    if request.method == "POST":
        form.update({k: request.form.get(k, "") for k in form})
        if assignment_id is None:
            flash(_("Choose the person you visited."), "error")
        else:
            assignment = _own(assignment_id)
            visited_on = _parse_day(form["visited_on"])
            minutes = int(form["minutes"]) if form["minutes"].isdigit() else 0
            if visited_on is None:
                flash(_("Give the date of the visit."), "error")
            else:
                try:
                    visit = S.log_visit(session, assignment, current_user.id, S.VisitInput(
                        visited_on, form["mode"], minutes, form["activities"], form["person_state"],
                        form["state_note"]), today=today)
                    session.commit()
                    if visit.confirmation == "pending":
                        flash(_("Visit saved. It was entered more than 10 working days after the visit, so your "
                                "coordinator confirms it before the hours count."), "info")
                    else:
                        flash(_("Visit saved: %(hours)s hours added to your record.",
                                hours=f"{visit.minutes / 60:.1f}"), "info")
                    return redirect(url_for("volunteering.my_hours"))
                except S.VolunteeringError as exc:
                    session.rollback()
                    flash(_error_message(exc), "error")
    return render_template("volunteering/visit_form.html", choices=choices, assignment_id=assignment_id, form=form,
                           modes=VISIT_MODES, states=PERSON_STATES, today=today, volunteer=volunteer)


@bp.route("/my/hours")
@roles("volunteer")
def my_hours():  # type: ignore[no-untyped-def]
    session = db()
    volunteer = S.volunteer_for_user(session, current_user.id)
    if volunteer is None:
        return render_template("volunteering/not_registered.html")
    hours = S.service_hours(session, volunteer.id)
    return render_template("volunteering/my_hours.html", volunteer=volunteer, hours=hours)


@bp.route("/my/certificate")
@roles("volunteer")
def my_certificate():  # type: ignore[no-untyped-def]
    session = db()
    volunteer = S.volunteer_for_user(session, current_user.id)
    if volunteer is None:
        return render_template("volunteering/not_registered.html")
    cert = S.certificate(session, volunteer, S.local_today())
    S.audit(session, current_user.id, "certificate", "volunteer", volunteer.id, cert.number)
    session.commit()
    return render_template("volunteering/certificate.html", cert=cert, board_name=_board_name(volunteer.board))


def _board_name(key: str) -> str:
    from core.web import locale_code, platform

    board = platform().boards.installed.get(key)
    return board.info.name(locale_code()) if board is not None else key


# -- coordinators -----------------------------------------------------------------------------------------------


def _managed(volunteer_id: int) -> Volunteer:
    """A volunteer of the coordinator's board (any for administrators), else 404 and audited."""
    session = db()
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None or not S.may_manage(current_user.role, current_user.board, volunteer) \
            or not access.can_read_volunteer(session, access.Viewer.current(), volunteer):
        S.audit(session, current_user.id, "denied_read", "volunteer", volunteer_id, "other board or missing",
                request.remote_addr)
        session.commit()
        abort(404)
    return volunteer


@bp.route("/volunteers")
@roles(*COORDINATING)
def volunteers():  # type: ignore[no-untyped-def]
    session = db()
    today = S.local_today()
    args = request.args
    expiring = args.get("expiring", type=int)
    rows = S.list_volunteers(session, role=current_user.role, board_of_user=current_user.board, on_date=today,
                             board=args.get("board") or None, region_code=args.get("region") or None,
                             skill=args.get("skill") or None, state=args.get("state") or None,
                             check_expiring_days=expiring)
    # narrowed to the coordinator's board and region by the one scoping layer (core.access)
    visible = set(session.execute(access.scope_volunteers(
        select(Volunteer.id).where(Volunteer.id.in_([r.volunteer.id for r in rows])), access.Viewer.current())).scalars())
    rows = [r for r in rows if r.volunteer.id in visible]
    return render_template("volunteering/volunteers.html", rows=rows, args=args, care_boards=CARE_BOARDS,
                           states=list(S.STATE_TRANSITIONS), today=today)


@bp.route("/volunteers/new", methods=["GET", "POST"])
@roles(*COORDINATING)
def register():  # type: ignore[no-untyped-def]
    form: dict[str, str] = {k: request.form.get(k, "") for k in (
        "board", "name", "id_number", "phone", "region_code", "lat", "lon", "skills", "service_categories",
        "languages", "slots", "capacity", "max_km")}
    if request.method == "POST":
        board = form["board"] if current_user.role == "admin" else (current_user.board or "")
        try:
            reg = S.Registration(
                board=board, name=form["name"], id_number=form["id_number"], phone=form["phone"],
                region_code=form["region_code"].strip(), lat=float(form["lat"] or 0), lon=float(form["lon"] or 0),
                skills=_words(form["skills"]), service_categories=_words(form["service_categories"]),
                languages=_words(form["languages"]), slots=_words(form["slots"]),
                capacity=int(form["capacity"] or 1), max_km=float(form["max_km"]) if form["max_km"] else None,
                data_entry_consent=request.form.get("consent") == "1")
        except ValueError:
            flash(_("Numbers are needed for location, capacity and travel limit."), "error")
        else:
            session = db()
            try:
                volunteer = S.register_volunteer(session, reg, current_user.id)
                session.commit()
                flash(_("Registered; the volunteer is in the onboarding queue."), "info")
                return redirect(url_for("volunteering.volunteer", volunteer_id=volunteer.id))
            except S.VolunteeringError as exc:
                session.rollback()
                flash(_error_message(exc), "error")
    return render_template("volunteering/register.html", form=form, care_boards=CARE_BOARDS)


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.replace("，", ",").split(",") if w.strip()]


@bp.route("/volunteers/<int:volunteer_id>")
@roles(*COORDINATING)
def volunteer(volunteer_id: int):  # type: ignore[no-untyped-def]
    volunteer = _managed(volunteer_id)
    session = db()
    today = S.local_today()
    S.audit(session, current_user.id, "read_volunteer", "volunteer", volunteer.id, remote_addr=request.remote_addr)
    session.commit()
    return render_template(
        "volunteering/volunteer.html", v=volunteer, today=today, profile=S.profile_of(session, volunteer),
        id_masked=mask_id_number(volunteer.id_number), phone_masked=mask_phone(volunteer.phone),
        check_expires=S.background_check_expires_on(volunteer), check_ok=S.eligible_for_child_facing(volunteer, today),
        minor=S.volunteer_is_minor(volunteer, today), history=S.assignment_history(session, volunteer.id),
        hours=S.service_hours(session, volunteer.id), transitions=S.STATE_TRANSITIONS[volunteer.state],
        checks=_rows(session, VolunteerBackgroundCheck, volunteer.id, VolunteerBackgroundCheck.checked_on),
        certifications=_rows(session, VolunteerCertification, volunteer.id, VolunteerCertification.expires_on),
        insurances=_rows(session, VolunteerInsurance, volunteer.id, VolunteerInsurance.valid_until),
        consents=_rows(session, VolunteerConsent, volunteer.id, VolunteerConsent.given_on),
        overdue=S.overdue_visits(session, [volunteer.id], today),
    )


def _rows(session: Any, model: Any, volunteer_id: int, order: Any) -> list[Any]:
    return list(session.execute(select(model).where(model.volunteer_id == volunteer_id).order_by(order.desc())).scalars())


@bp.route("/volunteers/<int:volunteer_id>/state", methods=["POST"])
@roles(*COORDINATING)
def change_state(volunteer_id: int):  # type: ignore[no-untyped-def]
    volunteer = _managed(volunteer_id)
    session = db()
    try:
        released = S.change_state(session, volunteer, request.form.get("state", ""), current_user.id,
                                  request.form.get("note", ""))
        session.commit()
        flash(_("State changed; %(n)s assignments released to the next match run.", n=len(released)), "info")
    except S.VolunteeringError as exc:
        session.rollback()
        flash(_error_message(exc), "error")
    return redirect(url_for("volunteering.volunteer", volunteer_id=volunteer_id))


@bp.route("/volunteers/<int:volunteer_id>/records", methods=["POST"])
@roles(*COORDINATING)
def add_record(volunteer_id: int):  # type: ignore[no-untyped-def]
    """One form endpoint per record kind: check, certification, insurance, guardian consent."""
    volunteer = _managed(volunteer_id)
    session = db()
    f = request.form
    kind = f.get("record")
    try:
        if kind == "check":
            checked_on = _parse_day(f.get("checked_on"))
            if checked_on is None:
                raise S.VolunteeringError("bad_dates", "date required")
            S.record_background_check(session, volunteer, checked_on, f.get("clear") == "1", current_user.id,
                                      f.get("reference", ""))
        elif kind == "certification":
            S.add_certification(session, volunteer, f.get("kind", ""), _parse_day(f.get("expires_on")),
                                f.get("number", ""), f.get("issuer", ""), _parse_day(f.get("issued_on")))
        elif kind == "insurance":
            start, end = _parse_day(f.get("valid_from")), _parse_day(f.get("valid_until"))
            if start is None or end is None:
                raise S.VolunteeringError("bad_dates", "dates required")
            S.add_insurance(session, volunteer, start, end, f.get("insurer", ""), f.get("policy_number", ""))
        elif kind == "consent":
            given = _parse_day(f.get("given_on"))
            if given is None or not f.get("guardian_name", "").strip():
                raise S.VolunteeringError("bad_dates", "guardian and date required")
            S.record_guardian_consent(session, volunteer, f.get("guardian_name", ""), given, current_user.id,
                                      f.get("relation", ""), f.get("phone") or None)
        else:
            abort(400)
        session.commit()
        flash(_("Saved."), "info")
    except S.VolunteeringError as exc:
        session.rollback()
        flash(_error_message(exc), "error")
    return redirect(url_for("volunteering.volunteer", volunteer_id=volunteer_id))


@bp.route("/volunteers/onboarding")
@roles(*COORDINATING)
def onboarding():  # type: ignore[no-untyped-def]
    items = S.onboarding_queue(db(), role=current_user.role, board_of_user=current_user.board,
                               on_date=S.local_today())
    return render_template("volunteering/onboarding.html", items=items)


@bp.route("/volunteers/overdue")
@roles(*COORDINATING)
def overdue():  # type: ignore[no-untyped-def]
    session = db()
    today = S.local_today()
    ids = [v.id for v in session.execute(S.visible_volunteers_query(current_user.role, current_user.board)).scalars()]
    items = S.overdue_visits(session, ids, today)
    by_volunteer: dict[int, list[S.OverdueVisit]] = {}
    for item in items:
        by_volunteer.setdefault(item.assignment.volunteer_id, []).append(item)
    return render_template("volunteering/overdue.html", groups=by_volunteer, today=today)


@bp.route("/volunteers/inbox")
@roles(*COORDINATING)
def inbox():  # type: ignore[no-untyped-def]
    session = db()
    return render_template(
        "volunteering/inbox.html",
        concerns=S.open_concerns(session, role=current_user.role, board_of_user=current_user.board),
        visits=S.pending_visits(session, role=current_user.role, board_of_user=current_user.board),
        notifications=S.notifications_for(session, current_user.id, current_user.board),
    )


@bp.route("/volunteers/visits/<int:visit_id>/confirm", methods=["POST"])
@roles(*COORDINATING)
def confirm_visit(visit_id: int):  # type: ignore[no-untyped-def]
    session = db()
    visit = session.get(Visit, visit_id)
    if visit is None:
        abort(404)
    _managed(visit.volunteer_id)
    try:
        S.confirm_visit(session, visit, current_user.id, request.form.get("accept") == "1")
        session.commit()
        flash(_("Saved."), "info")
    except S.VolunteeringError as exc:
        session.rollback()
        flash(_error_message(exc), "error")
    return redirect(url_for("volunteering.inbox"))


@bp.route("/volunteers/concerns/<int:concern_id>/acknowledge", methods=["POST"])
@roles(*COORDINATING)
def acknowledge(concern_id: int):  # type: ignore[no-untyped-def]
    session = db()
    row = session.get(Concern, concern_id)
    if row is None or (current_user.role != "admin" and row.board != current_user.board):
        S.audit(session, current_user.id, "denied_read", "concern", concern_id, "other board or missing")
        session.commit()
        abort(404)
    S.acknowledge_concern(session, row, current_user.id, close=request.form.get("close") == "1")
    session.commit()
    flash(_("Saved."), "info")
    return redirect(url_for("volunteering.inbox"))
