"""Import, export and dashboard pages: thin views over :mod:`core.excel` services.

Imports run in a background thread; the page polls ``/imports/<id>/status.json`` and
shows a progress bar (the page also works without JavaScript: it refreshes itself).
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.excel import importing
from core.excel.kinds import KINDS
from core.excel.models import ImportBatch, ImportFile
from core.excel.safety import Limits
from core.excel.templates import build_annotated, build_template
from core.web import db, locale_code, platform, roles

bp = Blueprint("excel", __name__)

IMPORT_ROLES = ("admin", "board_staff", "coordinator")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kinds_for_user() -> dict[str, Any]:
    return {key: kind for key, kind in KINDS.items() if current_user.role in kind.roles}


def _batch_or_404(batch_id: int) -> ImportBatch:
    batch = db().get(ImportBatch, batch_id)
    # a batch's report repeats (masked) personal data: only its importer and admins see it
    if batch is None or (current_user.role != "admin" and batch.created_by != current_user.id):
        abort(404)
    return batch


@bp.route("/imports", methods=["GET", "POST"])
@roles(*IMPORT_ROLES)
def imports():  # type: ignore[no-untyped-def]
    """Upload a file (POST) or see the upload form, the templates and recent imports."""
    kinds = _kinds_for_user()
    if request.method == "POST":
        kind = request.form.get("kind", "")
        if kind not in kinds:
            abort(403)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(_("Choose a file to import."), "error")
            return redirect(url_for("excel.imports"))
        limits = Limits(max_upload_bytes=current_app.config.get("EXCEL_MAX_UPLOAD_BYTES", Limits.max_upload_bytes))
        data = upload.stream.read(limits.max_upload_bytes + 1)  # never more than the limit in memory
        batch = importing.create_batch(db(), kind, upload.filename, data, actor=current_user,
                                       good_rows_only=request.form.get("good_rows_only") == "1", limits=limits)
        db().commit()
        if batch.status == "queued":
            _start(batch.id, kind)
        return redirect(url_for("excel.import_status_page", batch_id=batch.id))
    query = select(ImportBatch).order_by(ImportBatch.id.desc()).limit(30)
    if current_user.role != "admin":
        query = query.where(ImportBatch.created_by == current_user.id)
    return render_template("excel/imports.html", kinds=kinds, batches=db().execute(query).scalars().all())


def _start(batch_id: int, kind: str) -> None:
    background = not current_app.config.get("EXCEL_IMPORT_INLINE", False)
    importing.start_batch(platform().sessions, batch_id, KINDS[kind], current_user._get_current_object(),
                          background=background)


@bp.route("/imports/templates/<kind>.xlsx")
@roles(*IMPORT_ROLES)
def import_template(kind: str):  # type: ignore[no-untyped-def]
    """The template of one kind of import."""
    if kind not in _kinds_for_user():
        abort(404)
    data = build_template(KINDS[kind])
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name=f"{KINDS[kind].title}导入模板.xlsx")


@bp.route("/imports/<int:batch_id>")
@roles(*IMPORT_ROLES)
def import_status_page(batch_id: int):  # type: ignore[no-untyped-def]
    """Progress while it runs; the row-by-row report when it is finished."""
    batch = _batch_or_404(batch_id)
    return render_template("excel/import_batch.html", batch=batch, kind=KINDS[batch.kind],
                           state=importing.status_of(batch), errors=(batch.report or {}).get("errors", [])[:1000])


@bp.route("/imports/<int:batch_id>/status.json")
@roles(*IMPORT_ROLES)
def import_status(batch_id: int):  # type: ignore[no-untyped-def]
    """What the progress bar polls."""
    return jsonify(importing.status_of(_batch_or_404(batch_id)))


@bp.route("/imports/<int:batch_id>/annotated.xlsx")
@roles(*IMPORT_ROLES)
def import_annotated(batch_id: int):  # type: ignore[no-untyped-def]
    """The uploaded file with every bad cell highlighted and commented."""
    batch = _batch_or_404(batch_id)
    content = db().execute(select(ImportFile.content).where(ImportFile.batch_id == batch.id)).scalar_one_or_none()
    if content is None or not (batch.report or {}).get("errors"):
        abort(404)
    data = build_annotated(content, batch.report)
    stem = batch.filename.rsplit(".", 1)[0]
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"{stem}_错误标注.xlsx")


@bp.route("/imports/<int:batch_id>/good-rows", methods=["POST"])
@roles(*IMPORT_ROLES)
def import_good_rows(batch_id: int):  # type: ignore[no-untyped-def]
    """The user's explicit choice, after reading the report: import only the good rows of the same file."""
    batch = _batch_or_404(batch_id)
    if batch.status != "rejected" or not batch.good_rows or batch.kind not in _kinds_for_user():
        abort(409)
    content = db().execute(select(ImportFile.content).where(ImportFile.batch_id == batch.id)).scalar_one_or_none()
    if content is None:
        abort(409)
    again = importing.create_batch(db(), batch.kind, batch.filename, content, actor=current_user, good_rows_only=True)
    db().commit()
    if again.status == "queued":
        _start(again.id, again.kind)
    return redirect(url_for("excel.import_status_page", batch_id=again.id))


# -- exports ---------------------------------------------------------------------------------------

LEDGER_ROLES = ("admin", "board_staff", "coordinator", "reviewer", "auditor")


def _board_names(locale: str = "zh") -> dict[str, str]:
    """Board names: Chinese in the exported forms, the reader's language on the dashboard."""
    return {key: board.info.name(locale) for key, board in platform().boards.installed.items()}


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        abort(400)
    return int(value)


def _day_arg(name: str) -> Any:
    import datetime as dt

    value = request.args.get(name, "")
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        abort(400)


def send_export(export: Any, what: str, params: dict[str, Any]) -> Any:
    """An export as a download, its audit entry committed first (also used by the discovery list)."""
    from core.excel.exporting import record_export

    record_export(db(), current_user, what, params, export.rows, remote_addr=request.remote_addr)
    db().commit()  # the audit entry is kept before a single byte leaves
    response = send_file(io.BytesIO(export.data), mimetype=XLSX, as_attachment=True, download_name=export.filename)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/exports/ledger.xlsx")
@roles(*LEDGER_ROLES)
def export_ledger():  # type: ignore[no-untyped-def]
    """The ledger of a board, a person or a household; identifiers masked unless the reader may see them."""
    from core.excel.exporting import ledger

    params = dict(board=request.args.get("board") or None, person=_int_arg("person"), household=_int_arg("household"),
                  since=_day_arg("since"), until=_day_arg("until"))
    try:
        export = ledger(db(), current_user, board=params["board"], person_id=params["person"],
                        household_id=params["household"], since=params["since"], until=params["until"],
                        board_names=_board_names())
    except PermissionError:
        abort(403)
    return send_export(export, "ledger", params)


@bp.route("/exports/public-notice.xlsx")
@roles("admin", "board_staff")
def export_public_notice():  # type: ignore[no-untyped-def]
    """The 公示 list of one programme: name, household size, amount — nothing else."""
    from core.excel.exporting import public_notice

    programme = request.args.get("programme", "")
    if not programme:
        abort(400)
    names = {}
    try:
        host = platform().boards
        from core.web import enabled_boards

        names = {p.key: p.name_zh for p in host.collect("register_programmes", enabled_boards())}
    except Exception:  # a board's programme list failing must not block the notice
        current_app.logger.exception("programme names unavailable")
    try:
        export = public_notice(db(), current_user, programme, programme_name=names.get(programme))
    except PermissionError:
        abort(403)
    return send_export(export, "public_notice", {"programme": programme})


@bp.route("/exports/service-hours.xlsx")
@roles("admin", "board_staff", "coordinator", "auditor")
def export_service_hours():  # type: ignore[no-untyped-def]
    """Volunteer service records with hours (S14), and a total per volunteer."""
    from core.excel.exporting import service_hours

    params = dict(board=request.args.get("board") or None, volunteer=_int_arg("volunteer"),
                  since=_day_arg("since"), until=_day_arg("until"))
    try:
        export = service_hours(db(), current_user, board=params["board"], volunteer_id=params["volunteer"],
                               since=params["since"], until=params["until"], board_names=_board_names())
    except PermissionError:
        abort(403)
    return send_export(export, "service_hours", params)


# -- dashboard ---------------------------------------------------------------------------------------

DASHBOARD_ROLES = ("admin", "board_staff", "coordinator", "reviewer", "auditor")


def _programme_names(locale: str = "zh") -> dict[str, str]:
    from core.web import enabled_boards

    try:
        return {p.key: p.name(locale) for p in platform().boards.collect("register_programmes", enabled_boards())}
    except Exception:  # names are a nicety: a failing board must not take the dashboard down
        current_app.logger.exception("programme names unavailable")
        return {}


def _tables() -> dict[str, Any]:
    from core.excel.reports import dashboard

    from core.casework import services as cw
    from core.casework.views import stage_name
    from core.scheduler.warnings import KIND_LABELS
    from core.volunteering.views import CONCERN_LABELS

    kinds = {kind: str(label) for kind, label in KIND_LABELS.items()}
    kinds.update((f"concern:{kind}", str(label)) for kind, label in CONCERN_LABELS.items())
    stages = {stage: stage_name(stage) for stage in cw.OPEN_STAGES + (cw.REJECTED, cw.REMOVED)}
    locale = locale_code()
    return dashboard(db(), current_user, board_names=_board_names(locale), programme_names=_programme_names(locale),
                     stage_names=stages, kind_names=kinds, english=locale.startswith("en"))


@bp.route("/dashboard", endpoint="dashboard")  # the navigation links to excel.dashboard
@roles(*DASHBOARD_ROLES)
def dashboard_page():  # type: ignore[no-untyped-def]
    """Cases, coverage, overdue visits, open warnings and money, each as a chart with its numbers."""
    from core.excel.charts import points, stacked_bars

    tables = _tables()
    charts = {
        "cases": stacked_bars(points(tables["cases"].rows, 0, 1, 2), title=tables["cases"].title),
        "coverage": stacked_bars(points(tables["coverage"].rows, 0, (2, 3), 4), title=tables["coverage"].title),
        "overdue": stacked_bars(points(tables["overdue"].rows, 0, 1, 2), title=tables["overdue"].title),
        "warnings": stacked_bars(points(tables["warnings"].rows, 0, 1, 2), title=tables["warnings"].title),
        # Chinese writes the unit straight after the figure (15,349.67元), English with a space
        "money": stacked_bars(points(tables["money"].rows, 1, 0, 2), title=tables["money"].title,
                              unit=("" if locale_code().startswith("zh") else " ") + _("yuan")),
    }
    return render_template("excel/dashboard.html", tables=tables, charts=charts)


@bp.route("/dashboard/data/<chart>.csv")
@roles(*DASHBOARD_ROLES)
def dashboard_data(chart: str):  # type: ignore[no-untyped-def]
    """The numbers behind one chart, as CSV (UTF-8 with BOM for Excel/WPS)."""
    from core.excel.reports import CHARTS

    if chart not in CHARTS:
        abort(404)
    table = _tables()[chart]
    return send_file(io.BytesIO(table.csv()), mimetype="text/csv", as_attachment=True,
                     download_name=f"{table.title}.csv")
