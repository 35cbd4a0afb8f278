"""Coordinator pages and JSON API for match runs (thin layer over :mod:`core.matchruns.services`).

Coordinators see and run only their own board; administrators every care board. A
run another board owns answers 404, a board or region outside one's own 403. The
solver runs in a background thread; the draft page refreshes itself until it is done.
JSON POSTs need the CSRF token in an ``X-CSRFToken`` header (session login, as pages).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.matching.instance import CATEGORIES
from core.matchruns import services
from core.matchruns.services import AccessDenied, Actor, MatchRunError, NotFound, PublishConflict, StaleRunError
from core.matchruns.settings import DEFAULT_WEIGHTS, SettingsError, get_settings, save_settings
from core.models import Region
from core.web import db, enabled_boards, platform, roles

bp = Blueprint("matchruns", __name__)

COORDINATORS = ("coordinator", "admin")
CATEGORY_LABELS = {
    "left_behind_child": _l("left-behind child"),
    "elderly_alone": _l("elderly living alone"),
    "bereaved_family": _l("bereaved family"),
}
STATUS_LABELS = {
    "running": _l("computing"),
    "draft": _l("draft"),
    "failed": _l("failed"),
    "published": _l("published"),
    "superseded": _l("superseded"),
}
PLAN_STATUS_LABELS = {
    "optimal": _l("proven optimal"),
    "feasible": _l("best found, not proven optimal"),
}
RISK_LABELS = {"3": _l("3 · high"), "2": _l("2 · medium"), "1": _l("1 · low")}
REASON_LABELS = {
    "no_feasible_volunteer": _l("no volunteer meets the hard rules"),
    "capacity_taken": _l("suitable volunteers are fully booked"),
    "not_worth_cost": _l("too far for any suitable volunteer"),
}
NOTE_LABELS = {
    "need_skipped": _l("need left out of the run"),
    "background_check_expired": _l("background check expired: not matched to children"),
    "minor_volunteer_counselling_removed": _l("volunteer under 18: counselling skills not used"),
    "minor_needs_background_check": _l("recipient is a minor: background-checked volunteers only"),
    "capacity_used_elsewhere": _l("volunteer already serves needs outside this scope"),
    "current_volunteer_unavailable": _l("current volunteer no longer available"),
    "conflict_of_interest": _l("volunteer belongs to the recipient's household"),
    "unknown_skill": _l("required skill no board has registered"),
    "weights_from_board": _l("boards have different weights; the first board's are used"),
}


# The services raise these English msgids (with %(name)s parameters); listed here so the
# catalog extractor sees them and _message() can translate them.
SERVICE_MESSAGES = (
    _l("%(recipient)s or %(volunteer)s is not in this run"),
    _l("%(recipient)s or %(volunteer)s is not in this scope"),
    _l("%(volunteer)s cannot be pinned to %(recipient)s: %(rules)s"),
    _l("a recipient has more pinned volunteers than it needs"),
    _l("another plan for this scope was published after this run started; re-run it"),
    _l("another publish on this scope is in progress or won; re-run"),
    _l("choose at least one care board"),
    _l("no such match run"),
    _l("not an enabled care board: %(boards)s"),
    _l("only a draft can be re-run"),
    _l("only a finished draft can be published (status: %(status)s)"),
    _l("the needs, volunteers or assignments of this scope changed since the run started; re-run it before publishing"),
    _l("the region is outside your own area"),
    _l("the run has no plan yet"),
    _l("the time limit must be a number of seconds"),
    _l("the time limit must be between 0 and %(max)s seconds"),
    _l("this run is already published"),
    _l("this run was published or replaced meanwhile"),
    _l("unknown category: %(categories)s"),
    _l("unknown region code %(code)s"),
    _l("you may only run matches for your own board"),
)


def _actor() -> Actor:
    return Actor.of(current_user)


def _care() -> list[str]:
    return services.care_boards(platform().boards, enabled_boards())


def _message(exc: MatchRunError) -> str:
    # service messages are English msgids with %(name)s parameters (listed in messages_zh.txt)
    return _(str(exc.args[0]), **exc.params)


def _run_or_404(run_id: int) -> Any:
    try:
        return services.get_run(db(), _actor(), run_id)
    except NotFound:
        abort(404)


def _solve_in_background(run_id: int) -> None:
    # tests (and a single-threaded deployment) may ask for the solve inside the request
    background = not current_app.config.get("MATCH_RUNS_SYNC", False)
    services.start_solve(platform().sessions, run_id, background=background)


def _board_names() -> dict[str, str]:
    from core.web import locale_code

    host = platform().boards
    return {k: b.info.name(locale_code()) for k, b in host.installed.items()}


# The matcher's hard rules (core.matching.edges.RULE_NAMES) as a coordinator reads them in advice.
RELAX_LABELS = {
    "skills": _l("the skills requirement"),
    "background_check": _l("the criminal-record check"),
    "max_km": _l("the distance cap"),
    "slots": _l("the common time slots"),
    "gender": _l("the gender requirement"),
    "language": _l("the language requirement"),
    "excluded": _l("the exclusions"),
}
PAIR_REASON_LABELS = {
    "continuity": _l("keeps the current volunteer"),
    "gender_pref": _l("preferred gender"),
    "background_check": _l("criminal-record check valid"),
}
LANGUAGE_LABELS = {"zh": _l("Chinese"), "mn": _l("Mongolian")}


def _vocabulary_names() -> dict[str, dict[str, str]]:
    """The boards' skills and need types (services.vocabulary, one hook round) by key, named in
    the reader's language: {"skills": {...}, "need_types": {...}}."""
    from core.web import locale_code

    english = locale_code().startswith("en")
    return {kind: {key: (item.name_en if english else item.name_zh) for key, item in items.items() if item}
            for kind, items in services.vocabulary(platform().boards, enabled_boards()).items()}


def _pair_reason_words(skills: dict[str, str]) -> Any:
    """A function naming an assignment's reason codes (``continuity``, ``language:zh,mn``, a
    skill key) in the reader's language; ``skills`` as the boards named them."""

    def words(code: str) -> str:
        if code.startswith("language:"):
            spoken = ", ".join(str(LANGUAGE_LABELS.get(c, c)) for c in code.split(":", 1)[1].split(","))
            return _("speaks %(languages)s", languages=spoken)
        label = PAIR_REASON_LABELS.get(code)
        return str(label) if label is not None else skills.get(code, code)

    return words


def unassigned_text(entry: dict[str, Any]) -> str:
    """Why a recipient is left without a volunteer, in the reader's language, from the figures
    the matcher gives (``counts``); a plan stored before it gave them keeps its bilingual text."""
    counts = entry.get("counts") or {}
    reason = entry.get("reason")
    if reason == "no_feasible_volunteer" and counts:
        rule = RELAX_LABELS.get(counts.get("eliminated_by", ""), counts.get("eliminated_by", ""))
        return _("%(volunteers)s volunteers within %(km)s km, %(allowed)s allowed, %(needed)s needed: "
                 "%(rule)s removed the last candidates.", volunteers=counts.get("volunteers"),
                 km=f"{counts.get('within_km', 0):g}", allowed=counts.get("allowed"), needed=counts.get("needed"),
                 rule=rule)
    if reason == "capacity_taken" and counts:
        text = _("%(allowed)s allowed volunteers, %(free)s with capacity left, %(needed)s needed: their capacity "
                 "went to the recipients below.", allowed=counts.get("allowed"), free=counts.get("free"),
                 needed=counts.get("needed"))
        if "free_total" in counts:
            text += " " + _("The volunteers still free would cost more than the visit is worth (total %(total)s).",
                            total=counts["free_total"])
        return text
    if reason == "not_worth_cost" and counts:
        return _("Its value %(value)s does not cover the travel of any allowed team (best total %(total)s).",
                 value=counts.get("value"), total=counts.get("best_total"))
    return str(entry.get("detail", ""))


def _regions() -> list[Region]:
    return list(db().execute(select(Region).where(Region.level != "province").order_by(Region.code)).scalars())


# --------------------------------------------------------------------------- pages


@bp.route("/match-runs", methods=["GET", "POST"])
@roles(*COORDINATORS)
def index():  # type: ignore[no-untyped-def]
    """The runs one may see, and the form for a new run."""
    session = db()
    allowed = services.allowed_boards(_actor(), _care())
    if request.method == "POST":
        try:
            run = services.create_run(
                session, platform().boards, enabled_boards(), _actor(),
                region=request.form.get("scope", ""), boards=request.form.getlist("boards"),
                categories=request.form.getlist("categories"),
                time_limit_s=request.form.get("time_limit_s") or 20,
            )
        except AccessDenied:
            abort(403)
        except MatchRunError as exc:
            flash(_message(exc), "error")
        else:
            _solve_in_background(run.id)
            return redirect(url_for("matchruns.show", run_id=run.id))
    services.fail_abandoned(session)
    return render_template("matchruns/index.html", runs=services.list_runs(session, _actor()), boards=allowed,
                           board_names=_board_names(), regions=_regions(), categories=CATEGORIES,
                           category_labels=CATEGORY_LABELS, status_labels=STATUS_LABELS,
                           default_region=current_user.region_code)


@bp.route("/match-runs/<int:run_id>")
@roles(*COORDINATORS)
def show(run_id: int):  # type: ignore[no-untyped-def]
    """The draft: coverage, diff, unassigned with reasons, pins, and a why-not answer."""
    run = _run_or_404(run_id)
    if run.status == "running" and services.fail_abandoned(db()):
        run = _run_or_404(run_id)  # its solver died with the process: stop polling
    names = _vocabulary_names()
    summary = services.summarise(db(), run, names["need_types"])
    explanation = None
    recipient, volunteer = request.args.get("recipient", ""), request.args.get("volunteer", "")
    if recipient and volunteer and run.plan:
        try:
            explanation = services.explain_pair(run, recipient, volunteer)
        except MatchRunError as exc:
            flash(_message(exc), "error")
    return render_template("matchruns/show.html", run=run, s=summary, explanation=explanation,
                           board_names=_board_names(), category_labels=CATEGORY_LABELS,
                           status_labels=STATUS_LABELS, reason_labels=REASON_LABELS, note_labels=NOTE_LABELS,
                           plan_status_labels=PLAN_STATUS_LABELS, risk_labels=RISK_LABELS,
                           relax_labels=RELAX_LABELS, reason_words=_pair_reason_words(names["skills"]),
                           unassigned_text=unassigned_text)


@bp.route("/match-runs/<int:run_id>/adjust", methods=["POST"])
@roles(*COORDINATORS)
def adjust(run_id: int):  # type: ignore[no-untyped-def]
    """Pin, forbid or release a pair, or simply re-run on fresh data: a new child run."""
    run = _run_or_404(run_id)
    action = request.form.get("action", "rerun")
    pair = [request.form.get("recipient", "").strip(), request.form.get("volunteer", "").strip()]
    if action != "rerun" and not all(pair):
        flash(_("Choose a recipient and a volunteer."), "error")
        return redirect(url_for("matchruns.show", run_id=run.id))
    kwargs = {action: pair} if action in ("pin", "forbid", "unpin", "unforbid") else {}
    try:
        child = services.rerun(db(), platform().boards, enabled_boards(), _actor(), run, **kwargs)
    except AccessDenied:
        abort(403)
    except MatchRunError as exc:
        flash(_message(exc), "error")
        return redirect(url_for("matchruns.show", run_id=run.id))
    _solve_in_background(child.id)
    return redirect(url_for("matchruns.show", run_id=child.id))


@bp.route("/match-runs/<int:run_id>/publish", methods=["POST"])
@roles(*COORDINATORS)
def publish(run_id: int):  # type: ignore[no-untyped-def]
    """Publish the draft: assignments, ledger entries and notifications, all or nothing."""
    _run_or_404(run_id)
    try:
        result = services.publish_run(db(), _actor(), run_id)
    except NotFound:
        abort(404)
    except MatchRunError as exc:
        flash(_message(exc), "error")
    else:
        flash(_("Published: %(new)d proposed to volunteers, %(ended)d ended, %(kept)d kept.",
                new=len(result.created), ended=len(result.ended), kept=len(result.kept)), "info")
    return redirect(url_for("matchruns.show", run_id=run_id))


@bp.route("/match-runs/<int:run_id>/export/<any(instance, plan):what>.json")
@roles(*COORDINATORS)
def export(run_id: int, what: str):  # type: ignore[no-untyped-def]
    """The run's stored instance or plan, for audit and replay outside the database."""
    run = _run_or_404(run_id)
    document = run.instance if what == "instance" else run.plan
    if document is None:
        abort(404)
    return Response(json.dumps(document, ensure_ascii=False, indent=1), mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename=match-run-{run.id}-{what}.json"})


@bp.route("/match-runs/settings/<board>", methods=["GET", "POST"])
@roles(*COORDINATORS)
def settings(board: str):  # type: ignore[no-untyped-def]
    """A board's weights and caps; "preview" shows how many assignments a change would move."""
    if board not in _care():
        abort(404)
    if board not in services.allowed_boards(_actor(), _care()):
        abort(403)
    session = db()
    current = get_settings(session, board)
    form: dict[str, Any] = {
        "risk1": current.weights["risk"]["1"], "risk2": current.weights["risk"]["2"],
        "risk3": current.weights["risk"]["3"], "km": current.weights["km"],
        "continuity": current.weights["continuity"], "gender_pref": current.weights["gender_pref"],
        "language_pref": current.weights["language_pref"], "max_km": current.max_km,
        "capacity_cap": current.capacity_cap if current.capacity_cap is not None else "",
        "version": current.version,
    }
    preview = None
    draft = services.latest_draft(session, _actor(), board)
    if request.method == "POST":
        form.update({k: request.form.get(k, "") for k in form})
        weights = {"risk": {"1": form["risk1"], "2": form["risk2"], "3": form["risk3"]}, "km": form["km"],
                   "continuity": form["continuity"], "gender_pref": form["gender_pref"],
                   "language_pref": form["language_pref"]}
        try:
            if request.form.get("action") == "preview":
                if draft is None:
                    flash(_("There is no draft run of this board to compare with."), "error")
                else:
                    preview = services.dry_run_weights(draft, weights)
            else:
                save_settings(session, board, weights=weights, max_km=form["max_km"],
                              capacity_cap=form["capacity_cap"], expected_version=int(form["version"] or 0),
                              user_id=current_user.id)
                session.commit()
                flash(_("Matching settings saved."), "info")
                return redirect(url_for("matchruns.settings", board=board))
        except (SettingsError, MatchRunError) as exc:
            session.rollback()
            flash(_("Not saved: %(error)s", error=str(exc)), "error")
    return render_template("matchruns/settings.html", board=board, board_names=_board_names(), form=form,
                           preview=preview, draft=draft, defaults=DEFAULT_WEIGHTS)


# --------------------------------------------------------------------------- JSON API


def _json_error(exc: MatchRunError, status: int) -> tuple[Response, int]:
    return jsonify(error=_message(exc), code=exc.code), status


def _json_object() -> dict[str, Any] | None:
    """The request's JSON body when it is an object; None for anything else (a list, a number …)."""
    body = request.get_json(silent=True)
    if body is None:
        return {}
    return body if isinstance(body, dict) else None


_NOT_AN_OBJECT = "请求体应为 JSON 对象 (the request body must be a JSON object)"


def _api_run(run_id: int) -> Any:
    try:
        return services.get_run(db(), _actor(), run_id)
    except NotFound:
        abort(404)


@bp.route("/api/match-runs", methods=["POST"])
@roles(*COORDINATORS)
def api_create():  # type: ignore[no-untyped-def]
    """Start a run: ``{"scope": "230602", "boards": [...], "categories": [...], "time_limit_s": 20}``."""
    body = _json_object()
    if body is None:
        return jsonify(error=_NOT_AN_OBJECT, code="invalid"), 400
    boards = body.get("boards") or ([body["board"]] if body.get("board") else [])
    try:
        run = services.create_run(db(), platform().boards, enabled_boards(), _actor(),
                                  region=str(body.get("scope", "")), boards=list(boards),
                                  categories=list(body.get("categories") or []),
                                  time_limit_s=body.get("time_limit_s", 20),
                                  pinned=body.get("pinned") or [], forbidden=body.get("forbidden") or [])
    except AccessDenied as exc:
        return _json_error(exc, 403)
    except MatchRunError as exc:
        return _json_error(exc, 400)
    _solve_in_background(run.id)
    run = db().get(type(run), run.id, populate_existing=True)
    return jsonify(id=run.id, status=run.status, url=url_for("matchruns.api_show", run_id=run.id)), 202


@bp.route("/api/match-runs/<int:run_id>")
@roles(*COORDINATORS)
def api_show(run_id: int):  # type: ignore[no-untyped-def]
    """Summary (coverage, diff, unassigned) and the ``carematch.plan/1`` document."""
    run = _api_run(run_id)
    summary = services.summarise(db(), run, _vocabulary_names()["need_types"])
    summary["plan"] = run.plan
    return jsonify(summary)


@bp.route("/api/match-runs/<int:run_id>/publish", methods=["POST"])
@roles(*COORDINATORS)
def api_publish(run_id: int):  # type: ignore[no-untyped-def]
    """Publish; 409 with a message when the scope changed or another publish won."""
    _api_run(run_id)
    try:
        result = services.publish_run(db(), _actor(), run_id)
    except NotFound:
        abort(404)
    except (StaleRunError, PublishConflict) as exc:
        return _json_error(exc, 409)
    except MatchRunError as exc:
        return _json_error(exc, 400)
    return jsonify(id=run_id, status="published",
                   created=[{"need": n, "volunteer": v} for n, v in result.created],
                   ended=[{"need": n, "volunteer": v} for n, v in result.ended],
                   kept=[{"need": n, "volunteer": v} for n, v in result.kept], notified=result.notified)


@bp.route("/api/match-runs/<int:run_id>/why-not")
@roles(*COORDINATORS)
def api_why_not(run_id: int):  # type: ignore[no-untyped-def]
    """Why ``?volunteer=v…`` does not serve ``?recipient=n…`` in this run's plan."""
    run = _api_run(run_id)
    recipient, volunteer = request.args.get("recipient", ""), request.args.get("volunteer", "")
    if not recipient or not volunteer:
        return jsonify(error=_("Choose a recipient and a volunteer."), code="invalid"), 400
    try:
        return jsonify(services.explain_pair(run, recipient, volunteer))
    except NotFound as exc:
        return _json_error(exc, 404)
    except MatchRunError as exc:
        return _json_error(exc, 400)


@bp.route("/api/match-runs/<int:run_id>/dry-run-weights", methods=["POST"])
@roles(*COORDINATORS)
def api_dry_run_weights(run_id: int):  # type: ignore[no-untyped-def]
    """How many of the draft's assignments other weights would move; nothing is saved."""
    run = _api_run(run_id)
    body = _json_object()
    if body is None:
        return jsonify(error=_NOT_AN_OBJECT, code="invalid"), 400
    try:
        return jsonify(services.dry_run_weights(run, body.get("weights", body)))
    except SettingsError as exc:
        return jsonify(error=str(exc), code="invalid"), 400
    except MatchRunError as exc:
        return _json_error(exc, 400)
