"""The warnings inbox: raising a warning once, who may see it, counts, acknowledge and resolve.

A warning is addressed, not broadcast: a board (or none: every board), an audience role,
a region, and optionally one user. Each user's inbox is the warnings that address them,
filtered in SQL so counts and lists agree (DESIGN.md "Privacy is a feature": scoped by
role and board). Warnings of a disabled board stay stored but are not listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, literal, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from core.db import utcnow
from core.scheduler.models import SUGGESTED_ACTIONS, WARNING_LEVELS, EarlyWarning

# Roles that read every warning (the auditor only reads: it may not acknowledge).
ALL_SEEING = ("admin", "auditor")
BOARD_ROLES = ("board_staff", "coordinator")
ACTING_ROLES = ("admin", "board_staff", "coordinator", "grid_worker", "reviewer")

# The message of each kind: an English msgid with %(name)s parameters, shown in the
# reader's language (Chinese in core/scheduler/messages_zh.txt).
MESSAGES: dict[str, Any] = {
    "re_evaluation_flagged": _l("Re-assessment on %(on)s: the household no longer qualifies for %(programmes)s. "
                                "Verify and decide; nothing was removed automatically."),
    "re_evaluation_failed": _l("The scheduled re-assessment of case %(case)s could not run: %(reason)s"),
    "deadline_soon": _l("Case %(case)s: the time limit “%(step)s” ends on %(due)s."),
    "deadline_missed": _l("Case %(case)s: the time limit “%(step)s” ended on %(due)s and the step is not done."),
    "grace_period_expiring": _l("Case %(case)s: the grace period ends and payments stop from %(stops)s."),
    "identification_expiring": _l("Case %(case)s: the enrolment in %(programme)s ends on %(ends)s. "
                                  "Re-assess before it lapses."),
    "disability_certificate_expiring": _l("The disability certificate of %(person)s expires on %(ends)s."),
    "visit_overdue": _l("%(person)s (risk %(risk)s): a visit was due on %(due)s (every %(every)s days); "
                        "last visit %(last)s."),
    "visit_long_overdue": _l("%(person)s (risk %(risk)s): no visit for %(late)s days past the due date %(due)s. "
                             "The coordinator has been warned."),
    "event_visit": _l("%(person)s: %(event)s. Visit the family within 24 hours."),
    "zero_report_missing": _l("Grid worker %(worker)s filed no report for %(period)s (due %(due)s), "
                              "not even a zero report."),
    "income_drop": _l("Household income fell from %(before)s to %(after)s yuan a month (−%(percent)s%%)."),
    "expenditure_rise": _l("Rigid expenditure over 12 months rose from %(before)s to %(after)s yuan "
                           "(+%(percent)s%%)."),
    "member_died": _l("%(person)s died on %(on)s: re-check the household within 3 months."),
    "serious_illness": _l("%(person)s is now recorded as seriously ill."),
    "job_lost": _l("%(person)s has lost their job."),
    "discovery_leads": _l("Data comparison of %(on)s: %(count)s households here qualify for a benefit of your "
                          "board that they do not receive. Check them and open discovery cases."),
    "discovery_care_leads": _l("Data comparison of %(on)s: %(count)s households here have someone your board "
                               "cares for (a left-behind child, an elderly person living alone, a bereaved family) "
                               "and no care need yet. Check them and open discovery cases."),
    "volunteer_concern": _l("A volunteer raised a concern about %(person)s: %(description)s"),
    "standard_effective": _l("New value of %(key)s: %(value)s %(unit)s from %(on)s (region %(region)s). "
                             "Re-assess the cases it affects."),
    "price_subsidy_triggered": _l("CPI %(cpi)s%% or food CPI %(food)s%% reached its trigger: the price-linked "
                                  "subsidy applies for %(month)s."),
    "price_subsidy_case": _l("Case %(case)s: apply the price-linked subsidy for %(month)s."),
    "rematch_proposal": _l("%(count)s care needs lack a volunteer: re-match proposal %(run)s is ready for review."),
    "rematch_needed": _l("%(count)s care needs lack a volunteer: prepare a re-match."),
    "background_check_expiring": _l("Volunteer %(volunteer)s: the criminal-record check expires on %(ends)s."),
    "certification_expiring": _l("Volunteer %(volunteer)s: the certificate “%(certificate)s” expires on %(ends)s."),
    "insurance_expiring": _l("Volunteer %(volunteer)s: the accident insurance ends on %(ends)s."),
}

# A short name per kind, for counts and filters (the dashboard).
KIND_LABELS: dict[str, Any] = {
    "re_evaluation_flagged": _l("Re-assessment: no longer qualifies"),
    "re_evaluation_failed": _l("Re-assessment could not run"),
    "deadline_soon": _l("Time limit ending soon"),
    "deadline_missed": _l("Time limit missed"),
    "grace_period_expiring": _l("Grace period ending"),
    "identification_expiring": _l("Enrolment ending"),
    "disability_certificate_expiring": _l("Disability certificate expiring"),
    "visit_overdue": _l("Visit overdue"),
    "visit_long_overdue": _l("Visit long overdue"),
    "event_visit": _l("Visit after an event"),
    "zero_report_missing": _l("Grid report missing"),
    "income_drop": _l("Income drop"),
    "expenditure_rise": _l("Expenditure rise"),
    "member_died": _l("Member died"),
    "serious_illness": _l("Serious illness"),
    "job_lost": _l("Job lost"),
    "discovery_leads": _l("Data comparison leads"),
    "discovery_care_leads": _l("Data comparison: people to care for"),
    "volunteer_concern": _l("Volunteer's concern"),
    "standard_effective": _l("New standard in force"),
    "price_subsidy_triggered": _l("Price-linked subsidy triggered"),
    "price_subsidy_case": _l("Price-linked subsidy for a case"),
    "rematch_proposal": _l("Re-match proposal ready"),
    "rematch_needed": _l("Re-match needed"),
    "background_check_expiring": _l("Criminal-record check expiring"),
    "certification_expiring": _l("Certificate expiring"),
    "insurance_expiring": _l("Insurance ending"),
}

ACTION_LABELS: dict[str, Any] = {
    "apply_programme": _l("Apply a programme"),
    "refer": _l("Refer to another board or department"),
    "joint_review": _l("Joint review"),
    "verify_termination": _l("Verify for termination"),
    "re_assess": _l("Re-assess"),
    "visit": _l("Visit"),
    "re_match": _l("Review the re-match"),
    "renew": _l("Renew"),
    "file_report": _l("File the report"),
    "follow_up": _l("Follow up"),
}
STATE_LABELS: dict[str, Any] = {"open": _l("Not handled yet"), "acknowledged": _l("Acknowledged"),
                                "resolved": _l("Resolved")}
LEVEL_LABELS: dict[str, Any] = {"info": _l("Information"), "warning": _l("Warning"), "urgent": _l("Urgent")}


class WarningError(ValueError):
    """A warning that cannot be raised or changed as asked."""


@dataclass(frozen=True)
class Viewer:
    """Who reads the inbox: a ``core.auth.SessionUser`` or a ``core.models.User`` will do."""

    id: int
    role: str
    board: str | None = None
    region_code: str | None = None

    @classmethod
    def of(cls, user: Any) -> Viewer:
        return cls(user.id, user.role, getattr(user, "board", None), getattr(user, "region_code", None))


def region_prefix(code: str | None) -> str:
    """The prefix every code inside ``code`` starts with (230600 → 2306, 230602001000 → 230602001)."""
    return (code or "").rstrip("0")


# -- raising --------------------------------------------------------------------------------------


def raise_warning(
    session: Session,
    *,
    kind: str,
    dedup_key: str,
    params: dict[str, Any] | None = None,
    board: str | None = None,
    audience: str | None = None,
    region_code: str | None = None,
    addressee_id: int | None = None,
    case_id: int | None = None,
    person_id: int | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    level: str = "warning",
    action: str | None = None,
    due_on: dt.date | None = None,
    job_id: str | None = None,
    period_key: str | None = None,
) -> EarlyWarning | None:
    """Store a warning unless one with ``dedup_key`` exists; returns the new one or None.

    The key says what the warning is about and for which state (e.g. a need and the date
    its visit fell due), so the same situation warns once however often jobs run, and a
    new situation (the next missed visit) warns again. The unique index backs this up
    if two writers race.
    """
    if kind not in MESSAGES:
        raise WarningError(f"unknown warning kind {kind!r}")
    if level not in WARNING_LEVELS:
        raise WarningError(f"unknown warning level {level!r}")
    if action is not None and action not in SUGGESTED_ACTIONS:
        raise WarningError(f"unknown suggested action {action!r}")
    exists = session.execute(select(EarlyWarning.id).where(EarlyWarning.dedup_key == dedup_key)).first()
    if exists is not None:
        return None
    for pending in session.new:  # raised earlier in this same transaction, not flushed yet
        if isinstance(pending, EarlyWarning) and pending.dedup_key == dedup_key:
            return None
    warning = EarlyWarning(
        kind=kind, dedup_key=dedup_key, params=_jsonable(params or {}), board=board, audience=audience,
        region_code=region_code, addressee_id=addressee_id, case_id=case_id, person_id=person_id,
        object_type=object_type, object_id=None if object_id is None else str(object_id), level=level,
        action=action, due_on=due_on, job_id=job_id, period_key=period_key, state="open", created_at=utcnow(),
    )
    session.add(warning)
    session.flush()
    return warning


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    # Params end up in JSON and in %-formatting: dates as ISO text, everything else as text or number.
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, (dt.date, dt.datetime)):
            out[key] = value.isoformat()
        elif isinstance(value, (int, float, str)) or value is None:
            out[key] = "—" if value is None else value
        else:
            out[key] = str(value)
    return out


# -- reading --------------------------------------------------------------------------------------


def visible_clause(viewer: Viewer, enabled: Iterable[str] | None = None) -> ColumnElement[bool]:
    """The SQL condition for the warnings ``viewer`` may see.

    Administrators and auditors see every warning; board staff and coordinators the
    warnings of their board (or of no board) meant for their role, inside their region;
    everyone also sees the warnings addressed to them by name. Warnings of boards not in
    ``enabled`` are hidden from everyone but administrators and auditors.
    """
    if viewer.role in ALL_SEEING:
        return true()
    addressed = EarlyWarning.addressee_id == viewer.id
    if viewer.role not in BOARD_ROLES or not viewer.board:
        return addressed
    conditions = [
        or_(EarlyWarning.board.is_(None), EarlyWarning.board == viewer.board),
        or_(EarlyWarning.audience.is_(None), EarlyWarning.audience == viewer.role),
    ]
    if enabled is not None:
        conditions.append(or_(EarlyWarning.board.is_(None), EarlyWarning.board.in_(sorted(set(enabled)))))
    prefix = region_prefix(viewer.region_code)
    if prefix:
        # the regions overlap: the warning lies inside the viewer's area (a household in their
        # district), or covers it (a city-wide standard seen by district staff)
        conditions.append(or_(
            EarlyWarning.region_code.is_(None),
            EarlyWarning.region_code.startswith(prefix),
            literal(prefix).startswith(func.rtrim(EarlyWarning.region_code, "0")),
        ))
    return or_(addressed, and_(*conditions))


def visible_warnings(session: Session, viewer: Viewer, *, enabled: Iterable[str] | None = None,
                     state: str | None = "open", limit: int = 200, offset: int = 0) -> list[EarlyWarning]:
    """The viewer's inbox, newest first; ``state=None`` lists every state."""
    query = select(EarlyWarning).where(visible_clause(viewer, enabled))
    if state is not None:
        query = query.where(EarlyWarning.state == state)
    query = query.order_by(EarlyWarning.created_at.desc(), EarlyWarning.id.desc()).limit(limit).offset(offset)
    return list(session.execute(query).scalars())


def warning_counts(session: Session, viewer: Viewer, *, enabled: Iterable[str] | None = None) -> dict[str, int]:
    """How many visible warnings are in each state."""
    rows = session.execute(
        select(EarlyWarning.state, func.count()).where(visible_clause(viewer, enabled)).group_by(EarlyWarning.state)
    ).all()
    counts = {"open": 0, "acknowledged": 0, "resolved": 0}
    counts.update({state: n for state, n in rows})
    return counts


def open_warning_count(session: Session, user: Any, enabled: Iterable[str] | None = None) -> int:
    """Open warnings in ``user``'s inbox: the number shown in the navigation.

    ``enabled`` (the enabled boards) hides a disabled board's warnings; when omitted it
    is read from the ``plugin_setting`` table.
    """
    if user is None or not getattr(user, "is_authenticated", True):
        return 0
    if enabled is None:
        from core.models import PluginSetting

        enabled = set(session.execute(select(PluginSetting.board).where(PluginSetting.enabled.is_(True))).scalars())
    viewer = Viewer.of(user)
    return int(session.scalar(
        select(func.count()).select_from(EarlyWarning)
        .where(visible_clause(viewer, enabled), EarlyWarning.state == "open")
    ) or 0)


def get_visible(session: Session, viewer: Viewer, warning_id: int,
                enabled: Iterable[str] | None = None) -> EarlyWarning | None:
    """The warning if ``viewer`` may see it, else None (answered as 404: no leak of others' warnings)."""
    return session.execute(
        select(EarlyWarning).where(EarlyWarning.id == warning_id, visible_clause(viewer, enabled))
    ).scalar_one_or_none()


# -- acting ---------------------------------------------------------------------------------------


def acknowledge(session: Session, warning: EarlyWarning, viewer: Viewer) -> bool:
    """Open → acknowledged ("I have seen it and will act"); returns False when nothing changed."""
    _may_act(viewer)
    if warning.state != "open":
        return False
    warning.state = "acknowledged"
    warning.acknowledged_by, warning.acknowledged_at = viewer.id, utcnow()
    _audit(session, viewer, "warning_acknowledge", warning)
    session.flush()
    return True


def resolve(session: Session, warning: EarlyWarning, viewer: Viewer, note: str = "") -> bool:
    """Open or acknowledged → resolved, with an optional note; returns False when already resolved."""
    _may_act(viewer)
    if warning.state == "resolved":
        return False
    now = utcnow()
    if warning.acknowledged_at is None:
        warning.acknowledged_by, warning.acknowledged_at = viewer.id, now
    warning.state = "resolved"
    warning.resolved_by, warning.resolved_at = viewer.id, now
    warning.resolution_note = note.strip()[:4000]
    _audit(session, viewer, "warning_resolve", warning)
    session.flush()
    return True


def _may_act(viewer: Viewer) -> None:
    if viewer.role not in ACTING_ROLES:
        raise WarningError("this role reads warnings but may not change them")


def _audit(session: Session, viewer: Viewer, action: str, warning: EarlyWarning) -> None:
    from core.models import AuditEvent

    session.add(AuditEvent(user_id=viewer.id, action=action, object_type="warning", object_id=str(warning.id)))


# -- showing --------------------------------------------------------------------------------------


def message(warning: EarlyWarning) -> str:
    """The warning's text in the current language (English outside a request)."""
    template = MESSAGES.get(warning.kind)
    if template is None:
        return warning.kind
    text = str(template)
    try:
        return text % (warning.params or {})
    except (KeyError, TypeError, ValueError):
        return text


def as_json(warning: EarlyWarning) -> dict[str, Any]:
    """A warning for the JSON API (text already in the reader's language)."""
    return {
        "id": warning.id,
        "kind": warning.kind,
        "message": message(warning),
        "state": warning.state,
        "level": warning.level,
        "board": warning.board,
        "case_id": warning.case_id,
        "action": warning.action,
        "action_label": str(ACTION_LABELS[warning.action]) if warning.action else None,
        "due_on": warning.due_on.isoformat() if warning.due_on else None,
        "created_at": warning.created_at.isoformat(),
        "job_id": warning.job_id,
    }
