"""Scheduler pages: the administrators' jobs page (last/next run, last result, run now) and
everyone's warnings inbox with its JSON twin. Thin views over the services."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.scheduler import warnings as W
from core.scheduler.registry import JobError
from core.web import db, enabled_boards, platform, roles

bp = Blueprint("scheduler", __name__)

STATES = ("open", "acknowledged", "resolved")


def _viewer() -> W.Viewer:
    return W.Viewer.of(current_user)


def _board_names() -> dict[str, str]:
    from core.web import locale_code

    return {k: b.info.name(locale_code()) for k, b in platform().boards.installed.items()}


@bp.app_context_processor
def _warning_helpers() -> dict[str, Any]:
    return {"warning_message": W.message, "warning_action_labels": W.ACTION_LABELS,
            "warning_state_labels": W.STATE_LABELS, "warning_level_labels": W.LEVEL_LABELS}


# -- jobs (administrators) ---------------------------------------------------------------------------


@bp.route("/admin/jobs")
@roles("admin")
def jobs():  # type: ignore[no-untyped-def]
    """Every job: its board, schedule, last and next run, last result; a button to run it now."""
    from core.scheduler.service import job_overview

    return render_template("scheduler/jobs.html", rows=job_overview(platform(), db()), board_names=_board_names())


@bp.route("/admin/jobs/<job_id>/run", methods=["POST"])
@roles("admin")
def run_now(job_id: str):  # type: ignore[no-untyped-def]
    """Run a job now, in this request; its warnings are deduplicated like a scheduled run's."""
    from core.scheduler.runner import execute

    try:
        run = execute(platform(), job_id, trigger="manual", user_id=current_user.id)
    except JobError:
        abort(404)
    if run.outcome == "ok":
        flash(_("%(job)s ran: %(summary)s", job=job_id, summary=run.summary), "info")
    elif run.outcome == "skipped":
        flash(_("%(job)s was skipped: %(summary)s", job=job_id, summary=run.summary), "info")
    else:
        flash(_("%(job)s failed: %(error)s", job=job_id, error=run.error), "error")
    return redirect(url_for("scheduler.jobs"))


# -- warnings (everyone) ---------------------------------------------------------------------------------


def _state_arg() -> str | None:
    state = request.args.get("state", "open")
    if state == "all":
        return None
    return state if state in STATES else "open"


@bp.route("/warnings")
@roles("any")
def warnings():  # type: ignore[no-untyped-def]
    """The user's warnings inbox, filtered to what their role, board and region may see."""
    session = db()
    state = _state_arg()
    rows = W.visible_warnings(session, _viewer(), enabled=enabled_boards(), state=state)
    counts = W.warning_counts(session, _viewer(), enabled=enabled_boards())
    return render_template("scheduler/warnings.html", rows=rows, counts=counts, state=state or "all",
                           may_act=current_user.role in W.ACTING_ROLES, board_names=_board_names())


def _change(warning_id: int, resolve: bool):  # type: ignore[no-untyped-def]
    session = db()
    warning = W.get_visible(session, _viewer(), warning_id, enabled_boards())
    if warning is None:
        abort(404)
    if current_user.role not in W.ACTING_ROLES:
        abort(403)
    changed = (W.resolve(session, warning, _viewer(), request.form.get("note", "")) if resolve
               else W.acknowledge(session, warning, _viewer()))
    session.commit()
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return jsonify(id=warning.id, state=warning.state, changed=changed)
    if changed:
        flash(_("Warning resolved.") if resolve else _("Warning acknowledged."), "info")
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):  # no open redirect
        target = url_for("scheduler.warnings")
    return redirect(target)


@bp.route("/warnings/<int:warning_id>/ack", methods=["POST"])
@roles(*W.ACTING_ROLES)
def acknowledge(warning_id: int):  # type: ignore[no-untyped-def]
    """Open → acknowledged."""
    return _change(warning_id, resolve=False)


@bp.route("/warnings/<int:warning_id>/resolve", methods=["POST"])
@roles(*W.ACTING_ROLES)
def resolve(warning_id: int):  # type: ignore[no-untyped-def]
    """Open or acknowledged → resolved, with an optional note."""
    return _change(warning_id, resolve=True)


@bp.route("/api/warnings")
@roles("any")
def api_warnings():  # type: ignore[no-untyped-def]
    """``{"counts": {...}, "warnings": [...]}``; ``?state=open|acknowledged|resolved|all``."""
    session = db()
    rows = W.visible_warnings(session, _viewer(), enabled=enabled_boards(), state=_state_arg(),
                              limit=min(request.args.get("limit", 100, type=int) or 100, 500))
    return jsonify(counts=W.warning_counts(session, _viewer(), enabled=enabled_boards()),
                   warnings=[W.as_json(w) for w in rows])
