"""Households: the household page with its assessment, the what-if calculator (试算) and the
assessment JSON API. The engine advises and a person decides: every finding shows its reasons."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core import access, assessing
from core import assessment as engine
from core.models import AuditEvent, Household
from core.web import db, district_choices, locale_code, platform, roles

bp = Blueprint("households", __name__)

STAFF = ("admin", "board_staff", "coordinator", "reviewer", "auditor")
# Which roles see full ID and phone numbers, income and the assessment: core.access.FIELD_SETS
# (domain-rules §12.6: masked by default).
EXAMPLE = Path(__file__).resolve().parent / "data" / "household.example.json"
# 与户主关系: the codes stored in Person.relation (the Excel import's vocabulary, core.excel.households.RELATION)
RELATION_LABELS = {
    "head": _l("Head of household"), "spouse": _l("Spouse"), "child": _l("Child"), "parent": _l("Parent"),
    "grandchild": _l("Grandchild"), "grandparent": _l("Grandparent"), "sibling": _l("Sibling"),
    "other": _l("Other relative"),
}


def _day(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        abort(400, description=_("The date must be written as YYYY-MM-DD."))


def findings_view(result: engine.Assessment, locale: str) -> list[dict[str, Any]]:
    """What a page shows of each finding: status, reasons as sentences naming the standards
    they used, amounts, care needs."""
    from core.standards import standard_names

    names = standard_names(platform().boards)
    rows = []
    for finding in result.findings:
        rows.append({
            "finding": finding,
            "status": finding.status_label(locale),
            "reasons": finding.explain(locale, names),
            "monthly_fen": finding.benefit.monthly_fen if finding.benefit else None,
            "one_off_fen": finding.benefit.one_off_fen if finding.benefit else None,
        })
    return rows


def _programme_names() -> dict[str, str]:
    english = locale_code().startswith("en")
    return {p.key: (p.name_en if english else p.name_zh)
            for p in assessing.enabled_programmes(db(), platform().boards)}


@bp.route("/households/<int:household_id>")
@roles(*STAFF)
def household(household_id: int):  # type: ignore[no-untyped-def]
    session = db()
    record = session.get(Household, household_id)
    if record is None:
        abort(404)
    viewer = access.Viewer.current()
    if not access.can_read_household(session, viewer, record):
        access.deny(session, viewer, "household", household_id, "outside the viewer's region")
    on = _day(request.args.get("on"))
    session.add(AuditEvent(user_id=current_user.id, action="read_household", object_type="household",
                           object_id=str(household_id), reason=request.args.get("why", "household page"),
                           remote_addr=request.remote_addr))
    session.commit()
    error = None
    rows: list[dict[str, Any]] = []
    # the role's field set (core.access.FIELD_SETS): identifiers masked unless needed,
    # the income-based assessment only for roles that work with it
    show_assessment = access.may_see(viewer, "assessment")
    if show_assessment:
        try:
            rows = findings_view(assessing.assess_household(session, platform().boards, household_id, on),
                                 locale_code())
        except (engine.MissingStandard, engine.SnapshotError) as exc:
            error = str(exc)
    members = [access.person_fields(viewer, p) for p in record.members]
    return render_template("households/household.html", household=record, members=members, rows=rows, on=on,
                           error=error, names=_programme_names(), show_assessment=show_assessment,
                           relation_labels=RELATION_LABELS,
                           **_consent_context(session, viewer, record))


@bp.route("/assess", methods=["GET", "POST"])
@roles(*STAFF)
def what_if():  # type: ignore[no-untyped-def]
    """The what-if calculator: a household described in the documented JSON format, assessed
    against the stored standards of the chosen day; nothing is stored."""
    text = EXAMPLE.read_text(encoding="utf-8")
    on = dt.date.today()
    rows: list[dict[str, Any]] = []
    error = None
    if request.method == "POST":
        upload = request.files.get("file")
        text = upload.read().decode("utf-8-sig", errors="replace") if upload and upload.filename else request.form.get("household", "")
        on = _day(request.form.get("on"))
        try:
            snapshot = engine.snapshot_from_json(json.loads(text))
            rows = findings_view(assessing.assess_snapshot(db(), platform().boards, snapshot, on), locale_code())
        except json.JSONDecodeError as exc:
            error = _("The household is not valid JSON (line %(line)s, column %(col)s).", line=exc.lineno, col=exc.colno)
        except (engine.SnapshotError, engine.MissingStandard) as exc:
            error = str(exc)
    return render_template("households/what_if.html", text=text, on=on, rows=rows, error=error,
                           names=_programme_names())


# -- the what-if form: the same calculator for staff at a counter, without writing JSON ----------------

FORM_MEMBERS = 6
# (form field, JSON income category): the three incomes asked for at a counter (S2 Art. 13's five
# categories are all in the JSON format)
FORM_INCOMES = (("wage", "wage"), ("pension", "transfer"), ("other", "other"))


def _form_vocabularies(english: bool) -> dict[str, list[tuple[str, str]]]:
    """The member fields' choices: relations as the household page names them; the other fields'
    stored codes with the import's Chinese labels (core.excel), or the codes in words in English."""
    from core.excel import households as vocab

    def pairs(choices: Any) -> list[tuple[str, str]]:
        return [(code, code.replace("_", " ") if english else label) for code, label in choices.pairs]

    return {"relation": [(code, str(label)) for code, label in RELATION_LABELS.items()], "inclusion": pairs(vocab.INCLUSION), "labour_capacity": pairs(vocab.LABOUR),
            "student_level": pairs(vocab.STUDENT), "employment": pairs(vocab.EMPLOYMENT), "parent": pairs(vocab.PARENT),
            "area": pairs(vocab.AREA)}


def household_from_form(form: Any, on: dt.date) -> dict[str, Any]:
    """The household in the documented JSON format (docs/assessment.md) from the what-if form.

    Only the shape is built here: every value is checked by ``snapshot_from_json``, whose
    errors name the field in both languages. A member row without a name is left out.
    """
    from core.excel.households import RELATION

    def text(name: str) -> str:
        return (form.get(name) or "").strip()

    data: dict[str, Any] = {"household_id": "what-if", "region_code": text("region_code"), "area": text("area"),
                            "members": [], "assets": [], "expenditures": []}
    if text("heating"):
        data["heating"] = text("heating")
    if text("heated_area_m2"):
        data["heated_area_m2"] = text("heated_area_m2")
    if text("assets_yuan"):
        data["assets"].append({"kind": "deposit", "value_yuan": text("assets_yuan"), "description": "存款等可计财产"})
    if text("medical_yuan"):
        # spending of the last 12 months (S5 Art. 4), dated the day assessed so it falls inside them
        data["expenditures"].append({"kind": "medical", "amount_yuan": text("medical_yuan"),
                                     "incurred_on": on.isoformat(), "description": "近12个月医疗康复自付"})
    for i in range(FORM_MEMBERS):
        field = f"m{i}_"
        if not text(field + "name"):
            continue
        member: dict[str, Any] = {"person_id": f"p{i + 1}", "name": text(field + "name"),
                                  "birth_date": text(field + "birth_date") or None, "sex": text(field + "sex") or None,
                                  "relation": RELATION.label(text(field + "relation")) or None}
        for name in ("inclusion", "labour_capacity", "student_level", "employment", "father_status", "mother_status"):
            if text(field + name):
                member[name] = text(field + name)
        for flag in ("serious_illness", "union_member", "lives_alone"):
            member[flag] = bool(form.get(field + flag))
        member["incomes"] = [{"category": category, "monthly_yuan": text(field + name)}
                             for name, category in FORM_INCOMES if text(field + name)]
        if text(field + "disability_category"):
            member["disability_certificates"] = [{"category": _form_int(text(field + "disability_category")),
                                                  "grade": _form_int(text(field + "disability_grade"))}]
        if form.get(field + "able_supporter"):
            member["supporters"] = [{"name": "赡养人", "relationship": "child", "able": True}]
        data["members"].append(member)
    return data


def _form_int(value: str) -> Any:
    # a number stays a number; anything else goes through so the engine names the field
    return int(value) if value.isdigit() else value or None


@bp.route("/assess/form", methods=["GET", "POST"])
@roles(*STAFF)
def what_if_form():  # type: ignore[no-untyped-def]
    """The what-if calculator as a form (试算表单): household, up to six members, their incomes,
    certificates and circumstances; nothing is stored. Shows the JSON it built, to refine."""
    english = locale_code().startswith("en")
    on = _day(request.form.get("on")) if request.method == "POST" else dt.date.today()
    rows: list[dict[str, Any]] = []
    error = None
    text = None
    if request.method == "POST":
        data = household_from_form(request.form, on)
        text = json.dumps(data, ensure_ascii=False, indent=2)
        try:
            snapshot = engine.snapshot_from_json(data)
            rows = findings_view(assessing.assess_snapshot(db(), platform().boards, snapshot, on), locale_code())
        except (engine.SnapshotError, engine.MissingStandard) as exc:
            error = str(exc)
    return render_template("households/what_if_form.html", form=request.form, on=on, rows=rows, error=error,
                           text=text, names=_programme_names(), members=range(FORM_MEMBERS),
                           vocab=_form_vocabularies(english), english=english, incomes=FORM_INCOMES,
                           regions=district_choices())


def _api_error(message: str, status: int = 400):  # type: ignore[no-untyped-def]
    return jsonify(error=message), status


@bp.route("/api/households/<int:household_id>/assessment")
@roles(*STAFF)
def api_household_assessment(household_id: int):  # type: ignore[no-untyped-def]
    session = db()
    if session.get(Household, household_id) is None:
        return _api_error(_("No such household."), 404)
    viewer = access.Viewer.current()
    if not access.can_read_household(session, viewer, household_id) or not access.may_see(viewer, "assessment"):
        access.log(session, viewer, "denied_read", "household", household_id, "assessment API out of scope",
                   request.remote_addr)
        session.commit()
        return _api_error(_("No such household."), 404)
    on = _day(request.args.get("on"))
    session.add(AuditEvent(user_id=current_user.id, action="read_household", object_type="household",
                           object_id=str(household_id), reason="assessment API", remote_addr=request.remote_addr))
    session.commit()
    try:
        return jsonify(assessing.assess_household(session, platform().boards, household_id, on).to_json())
    except engine.MissingStandard as exc:
        return _api_error(str(exc), 422)


@bp.route("/api/assess", methods=["POST"])
@roles(*STAFF)
def api_what_if():  # type: ignore[no-untyped-def]
    """POST a household in the what-if JSON format (``?on=YYYY-MM-DD``); nothing is stored."""
    if not request.is_json:
        return _api_error(_("Send the household as JSON (Content-Type: application/json)."), 415)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _api_error(_("The household is not valid JSON."))
    try:
        snapshot = engine.snapshot_from_json(data)
        result = assessing.assess_snapshot(db(), platform().boards, snapshot, _day(request.args.get("on")))
    except engine.SnapshotError as exc:
        return _api_error(str(exc))
    except engine.MissingStandard as exc:
        return _api_error(str(exc), 422)
    return jsonify(result.to_json())


def _consent_context(session: Any, viewer: access.Viewer, household: Household) -> dict[str, Any]:
    """The consent section of the household page (core.privacy), when that module is present."""
    try:
        from core.privacy import consent
    except ImportError:  # pragma: no cover - the privacy package is part of core
        return {}
    return consent.household_context(session, viewer, household)


def init_app(app: Any) -> None:
    # A JSON-only endpoint: a cross-site form cannot send application/json (it answers
    # 415 otherwise) and the session cookie is SameSite=Lax, so no form token is needed.
    app.extensions["csrf"].exempt(api_what_if)
    app.register_blueprint(bp)
