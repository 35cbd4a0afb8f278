"""Privacy pages: the auditor's view of the access log (``/audit``, ``/api/audit``) and the
consent forms of the household page. Register with ``app.register_blueprint(bp)``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core import access
from core.models import AuditEvent, Person, User
from core.privacy import consent as C
from core.privacy.models import Consent
from core.web import db, roles

bp = Blueprint("privacy", __name__)

AUDIT_ROLES = ("auditor", "admin")
CONSENT_ROLES = ("admin", "board_staff", "coordinator")
PAGE_SIZE = 50


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _audit_query(args: Any) -> tuple[Any, dict[str, Any]]:
    filters: dict[str, Any] = {}
    query = select(AuditEvent)
    user = (args.get("user") or "").strip()
    if user:
        filters["user"] = user
        ids = select(User.id).where(User.username == user)
        query = query.where(AuditEvent.user_id.in_(ids) if not user.isdigit() else AuditEvent.user_id == int(user))
    action = (args.get("action") or "").strip()
    if action:
        filters["action"] = action
        query = query.where(AuditEvent.action == action)
    object_type = (args.get("object_type") or "").strip()
    if object_type:
        filters["object_type"] = object_type
        query = query.where(AuditEvent.object_type == object_type)
    object_id = (args.get("object_id") or "").strip()
    if object_id:
        filters["object_id"] = object_id
        query = query.where(AuditEvent.object_id == object_id)
    since, until = _day(args.get("since")), _day(args.get("until"))
    if since:
        filters["since"] = since.isoformat()
        query = query.where(AuditEvent.at >= dt.datetime.combine(since, dt.time(), dt.timezone.utc))
    if until:
        filters["until"] = until.isoformat()
        query = query.where(AuditEvent.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.timezone.utc))
    return query, filters


def _page_of(query: Any) -> tuple[list[AuditEvent], int, int, int]:
    session = db()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    size = min(max(request.args.get("per_page", PAGE_SIZE, type=int) or PAGE_SIZE, 1), 500)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = list(session.execute(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                .offset((page - 1) * size).limit(size)).scalars())
    return rows, total, page, size


def _log_audit_read(filters: dict[str, Any], surface: str) -> None:
    # reading the log is itself logged: who looked at whose trail
    shown = ", ".join(f"{k}={v}" for k, v in sorted(filters.items()))
    access.log(db(), current_user, "read_audit", "audit_event", None, f"{surface} {shown}".strip(),
               request.remote_addr)
    db().commit()


@bp.route("/audit")
@roles(*AUDIT_ROLES)
def audit():  # type: ignore[no-untyped-def]
    query, filters = _audit_query(request.args)
    rows, total, page, size = _page_of(query)
    _log_audit_read(filters, "page")
    users = {u.id: u.username for u in db().execute(select(User)).scalars()}
    actions = [a for (a,) in db().execute(select(AuditEvent.action).distinct().order_by(AuditEvent.action))]
    pages = max((total + size - 1) // size, 1)
    return render_template("privacy/audit.html", rows=rows, total=total, page=page, pages=pages, size=size,
                           filters=filters, users=users, actions=actions, args=request.args)


@bp.route("/api/audit")
@roles(*AUDIT_ROLES)
def api_audit():  # type: ignore[no-untyped-def]
    query, filters = _audit_query(request.args)
    rows, total, page, size = _page_of(query)
    _log_audit_read(filters, "api")
    return jsonify(total=total, page=page, per_page=size, events=[{
        "id": e.id, "at": e.at.isoformat(), "user_id": e.user_id, "action": e.action, "object_type": e.object_type,
        "object_id": e.object_id, "reason": e.reason, "remote_addr": e.remote_addr} for e in rows])


# -- consent ------------------------------------------------------------------------------------------------

CONSENT_ERRORS = {
    "guardian_required": lambda: _("A child under 14 consents through a parent or guardian: name the guardian."),
    "already_withdrawn": lambda: _("This consent has already been withdrawn."),
}


def _person_in_scope(person_id: int) -> Person:
    session = db()
    viewer = access.Viewer.current()
    person = session.get(Person, person_id)
    if person is None or not access.can_read_person(session, viewer, person):
        access.deny(session, viewer, "person", person_id, "consent: out of scope")
    return person  # type: ignore[return-value]


def _back(person: Person) -> Any:
    if person.household_id is not None:
        return redirect(url_for("households.household", household_id=person.household_id))
    return redirect(url_for("core.home"))


@bp.route("/people/<int:person_id>/consents", methods=["POST"])
@roles(*CONSENT_ROLES)
def give_consent(person_id: int):  # type: ignore[no-untyped-def]
    person = _person_in_scope(person_id)
    form = request.form
    session = db()
    guardian_id = form.get("guardian_person_id", type=int)
    try:
        C.give(session, current_user.id, person, form.get("kind", ""), given_on=_day(form.get("given_on")) or dt.date.today(),
               given_by=form.get("given_by", "self"), guardian_person_id=guardian_id,
               guardian_name=form.get("guardian_name", ""), legal_basis=form.get("legal_basis", "consent"),
               note=form.get("note", ""))
        session.commit()
        flash(_("Consent recorded."), "info")
    except C.ConsentError as exc:
        session.rollback()
        message = CONSENT_ERRORS.get(exc.code)
        flash(message() if message else _("The request was refused."), "error")
    return _back(person)


@bp.route("/consents/<int:consent_id>/withdraw", methods=["POST"])
@roles(*CONSENT_ROLES)
def withdraw_consent(consent_id: int):  # type: ignore[no-untyped-def]
    session = db()
    row = session.get(Consent, consent_id)
    if row is None:
        abort(404)
    person = _person_in_scope(row.person_id)
    try:
        C.withdraw(session, current_user.id, consent_id, on=dt.date.today(), note=request.form.get("note", ""))
        session.commit()
        flash(_("Consent withdrawn: sharing stops now."), "info")
    except C.ConsentError as exc:
        session.rollback()
        message = CONSENT_ERRORS.get(exc.code)
        flash(message() if message else _("The request was refused."), "error")
    return _back(person)
