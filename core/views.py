"""Core pages: home, boards (enable/disable), language switch, health check; navigation and filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import (Blueprint, Flask, abort, current_app, flash, jsonify, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select, text

from core.app import LOCALES
from core.models import Case, Household, Need, PluginSetting, Volunteer
from core.web import (area_label, day, db, enabled_boards, install_access_guard, locale_code, platform, public, region_name,
                      roles, standard_value, yuan)

bp = Blueprint("core", __name__)

STAFF_ROLES = ("admin", "board_staff", "coordinator", "reviewer", "auditor")


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool = False


@bp.route("/healthz")
@public
def healthz():  # type: ignore[no-untyped-def]
    """Liveness and database reachability, for load balancers and monitors."""
    try:
        db().execute(text("SELECT 1"))
    except Exception as exc:  # the point of a health check is to report, not to raise
        return jsonify(status="error", database=str(exc.__class__.__name__)), 503
    return jsonify(status="ok", database="ok", boards=sorted(enabled_boards()))


@bp.route("/")
@roles("any")
def home():  # type: ignore[no-untyped-def]
    # Volunteers and grid workers land where their work is, on a phone in seconds.
    if current_user.role == "volunteer":
        return redirect(url_for("volunteering.my_assignments"))
    if current_user.role == "grid_worker":
        return redirect(url_for("casework.grid_home"))
    session_db = db()
    counts = {
        "households": session_db.scalar(select(func.count()).select_from(Household)),
        "cases": session_db.scalar(select(func.count()).select_from(Case)),
        "needs": session_db.scalar(select(func.count()).select_from(Need)),
        "volunteers": session_db.scalar(select(func.count()).select_from(Volunteer)),
    }
    return render_template("home.html", counts=counts, work=_my_work(session_db))


def _my_work(session_db: Any) -> list[tuple[str, int, str]] | None:
    """Board staff and coordinators land on their board's work: each case queue (as the cases
    page counts it, narrowed to the viewer's region) and, for a care board, the approved
    care needs that have no volunteer yet; reviewers on the cases awaiting joint review.
    (label, count, link) rows; None for other roles."""
    from core import access
    from core.casework import services as cw
    from core.casework.views import queue_labels
    from core.models import Assignment

    if current_user.role == "reviewer":  # the joint review panel: what waits for its next meeting
        waiting = session_db.scalar(select(func.count()).select_from(Case).where(Case.stage == cw.AWAITING))
        return [(_("Cases awaiting joint review"), waiting or 0, url_for("casework.joint_review"))]
    board = current_user.board
    if current_user.role not in ("board_staff", "coordinator") or board not in enabled_boards():
        return None

    queues = cw.board_queue(session_db, board, dt.date.today())
    visible = access.readable_case_ids(session_db, access.Viewer.current(),
                                       {c.id for q in queues.values() for c in q if c is not None})
    rows = [(label, sum(1 for c in queues[key] if c is not None and c.id in visible),
             url_for("casework.queue") + f"#q-{key}") for key, label in queue_labels().items()]
    if "matchruns.index" in current_app.view_functions and board in platform().boards.installed \
            and platform().boards.installed[board].info.kind == "care":
        served = select(Assignment.need_id).where(Assignment.state.in_(("proposed", "accepted")))
        waiting = session_db.scalar(access.scope_needs(
            select(func.count()).select_from(Need).where(Need.board == board, Need.status == "approved",
                                                          Need.id.not_in(served)), access.Viewer.current()))
        rows.append((_("Care needs without a volunteer"), waiting or 0, url_for("matchruns.index")))
    # the data comparison's households to check (主动发现), as the discovery page counts them
    from core.casework.discovery import visible_leads

    leads = session_db.scalar(select(func.count()).select_from(
        visible_leads(access.Viewer.current(), enabled_boards()).subquery()))
    rows.append((_("Discovery leads to check"), leads or 0, url_for("casework.discovery")))
    return rows


def _may_toggle(board: str) -> bool:
    # Administrators manage every board; board staff and coordinators only their own.
    return current_user.role == "admin" or (
        current_user.role in ("board_staff", "coordinator") and current_user.board == board
    )


@bp.route("/boards")
@roles("admin", "board_staff", "coordinator")
def boards():  # type: ignore[no-untyped-def]
    host = platform().boards
    settings = {s.board: s for s in db().execute(select(PluginSetting)).scalars()}
    rows = [
        {
            "board": b,
            "enabled": b.key in enabled_boards(),
            "may_toggle": _may_toggle(b.key),
            "changed_at": settings[b.key].changed_at if b.key in settings else None,
        }
        for b in sorted(host.installed.values(), key=lambda b: (b.info.kind, b.key))
    ]
    return render_template("boards.html", rows=rows)


@bp.route("/boards/<board>/enabled", methods=["POST"])
@roles("admin", "board_staff", "coordinator")
def set_board_enabled(board: str):  # type: ignore[no-untyped-def]
    host = platform().boards
    if board not in host.installed:
        abort(404)
    if not _may_toggle(board):
        abort(403)
    want = request.form.get("enabled") == "1"
    session_db = db()
    if host.set_enabled(session_db, board, want, user_id=current_user.id):
        session_db.commit()
        name = host.installed[board].info.name(locale_code())
        flash(_("%(board)s is now enabled.", board=name) if want else _("%(board)s is now disabled; its data is kept.", board=name), "info")
    return redirect(url_for("core.boards"))


@bp.route("/locale", methods=["POST"])
@public
def set_locale():  # type: ignore[no-untyped-def]
    chosen = request.form.get("locale", "")
    if chosen in LOCALES:
        session["locale"] = chosen
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("core.home")
    return redirect(target)


@bp.route("/standards")
@roles(*STAFF_ROLES)
def standards():  # type: ignore[no-untyped-def]
    """Every standard in force today (or on ?on=YYYY-MM-DD), with links to its history."""
    from core.standards import in_force, standard_names

    on = _parse_day(request.args.get("on")) or dt.date.today()
    return render_template("standards.html", rows=in_force(db(), on), on=on, names=standard_names(platform().boards),
                           english=locale_code().startswith("en"))


@bp.route("/standards/<key>", methods=["GET", "POST"])
@roles(*STAFF_ROLES)
def standard_history(key: str):  # type: ignore[no-untyped-def]
    """A standard's full history; administrators add a new dated value here."""
    from core.standards import StandardError, history, revise_standard, standard_names

    session_db = db()
    rows = history(session_db, key)
    if not rows:
        abort(404)
    error = None
    if request.method == "POST":
        if current_user.role != "admin":
            abort(403)
        starts = _parse_day(request.form.get("effective_from"))
        if starts is None:
            error = _("Give the date the new value takes effect.")
        else:
            try:
                revise_standard(
                    session_db, key=key, region_code=request.form.get("region_code", rows[-1].region_code),
                    area=request.form.get("area", rows[-1].area), value=request.form.get("value", ""),
                    unit="", effective_from=starts, source_note=request.form.get("source_note", "").strip(),
                    user_id=current_user.id,
                )
                session_db.commit()
                flash(_("The new value is saved; the old one stays in the history."), "info")
                return redirect(url_for("core.standard_history", key=key))
            except StandardError as exc:
                session_db.rollback()
                error = str(exc)
    names = standard_names(platform().boards).get(key)
    return render_template("standard_history.html", key=key, rows=rows, error=error, today=dt.date.today(),
                           name=names[1 if locale_code().startswith("en") else 0] if names else None)


def _parse_day(text_value: str | None):  # type: ignore[no-untyped-def]
    try:
        return dt.date.fromisoformat(text_value) if text_value else None
    except ValueError:
        return None


# (label, endpoint, roles that see it); a section is active when the endpoint's
# blueprint-and-prefix matches the current one.
_NAV = (
    (_l("Cases"), "casework.queue", ("admin", "board_staff", "coordinator")),
    (_l("Discovery"), "casework.discovery", ("admin", "board_staff", "coordinator", "auditor")),
    (_l("Joint review"), "casework.joint_review", ("admin", "reviewer")),
    (_l("What-if"), "households.what_if_form", ("admin", "board_staff", "coordinator", "reviewer")),
    (_l("Grid work"), "casework.grid_home", ("grid_worker",)),
    (_l("My assignments"), "volunteering.my_assignments", ("volunteer",)),
    (_l("My hours"), "volunteering.my_hours", ("volunteer",)),
    (_l("Volunteers"), "volunteering.volunteers", ("admin", "coordinator")),
    (_l("Match runs"), "matchruns.index", ("admin", "coordinator")),
    (_l("Imports"), "excel.imports", ("admin", "board_staff", "coordinator")),
    (_l("Funds"), "funds.index", ("admin", "board_staff", "coordinator", "reviewer", "auditor")),
    (_l("Cross-board"), "funds.report", ("admin", "board_staff", "coordinator", "reviewer", "auditor")),
    (_l("Dashboard"), "excel.dashboard", ("admin", "board_staff", "coordinator", "reviewer", "auditor")),
    (_l("Boards"), "core.boards", ("admin", "board_staff", "coordinator")),
    (_l("Standards"), "core.standards", STAFF_ROLES),
    (_l("Calendar"), "casework.calendar_page", ("admin",)),
    (_l("Scheduled jobs"), "scheduler.jobs", ("admin",)),
    (_l("Access log"), "privacy.audit", ("admin", "auditor")),
    (_l("Users"), "users.index", ("admin",)),
)


def navigation() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    from flask import current_app

    items = []
    if current_user.role not in ("volunteer", "grid_worker"):
        items.append(NavItem(_("Home"), url_for("core.home"), request.endpoint == "core.home"))
    for label, endpoint, allowed in _NAV:
        if current_user.role in allowed and endpoint in current_app.view_functions:
            items.append(NavItem(str(label), url_for(endpoint), request.endpoint == endpoint))
    if "scheduler.warnings" in current_app.view_functions:
        from core.scheduler.warnings import open_warning_count

        count = open_warning_count(db(), current_user, enabled_boards())
        label = _("Warnings (%(n)s)", n=count) if count else _("Warnings")
        items.append(NavItem(label, url_for("scheduler.warnings"), request.endpoint == "scheduler.warnings"))
    host = platform().boards
    enabled = enabled_boards()
    if current_user.role in STAFF_ROLES:
        for key in sorted(enabled):
            info = host.installed[key].info
            items.append(NavItem(info.name(locale_code()), url_for(f"{key}.index"), request.blueprint == key))
    for item in host.collect("menu_items", enabled, user=current_user):
        items.append(NavItem(str(item.label), url_for(item.endpoint), request.endpoint == item.endpoint))
    return items


def init_app(app: Flask) -> None:
    install_access_guard(app)
    app.register_blueprint(bp)
    app.add_template_filter(yuan, "yuan")
    app.add_template_filter(day, "day")
    app.add_template_filter(region_name, "region")
    app.add_template_filter(area_label, "area")
    app.add_template_filter(standard_value, "standard_value")

    @app.context_processor
    def _layout() -> dict[str, object]:
        return {"navigation": navigation, "locale_code": locale_code, "locales": LOCALES}
