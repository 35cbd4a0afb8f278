"""User administration for administrators: list, create (role, board, region), disable and
enable, reset a password, end every session, remove a lost second factor.

Every change bumps ``session_version`` where sessions must die (disable, reset, end sessions,
second-factor removal) and writes an audit row in the same transaction as the change.
"""

from __future__ import annotations

import re
import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.auth import create_user, disable_totp, set_password, two_factor_enabled
from core.models import ROLES, AuditEvent, Region, User
from core.security_models import UserCredential
from core.web import db, platform, roles

bp = Blueprint("users", __name__)

BOARD_ROLES = ("board_staff", "coordinator")
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "board_staff": _l("Board staff"),
    "coordinator": _l("Volunteer coordinator"),
    "volunteer": _l("Volunteer"),
    "grid_worker": _l("Grid worker"),
    "reviewer": _l("Joint reviewer"),
    "auditor": _l("Auditor"),
}
PAGE_SIZE = 100


class UserAdminError(ValueError):
    """A refused change; the message is for the administrator."""


def temporary_password() -> str:
    # 16 URL-safe characters (96 bits): passes the policy; the user must replace it at first login
    return secrets.token_urlsafe(12)


def create_account(session: Session, *, by_user_id: int, username: str, display_name: str, role: str,
                   board: str | None, region_code: str | None, phone: str | None = None,
                   installed_boards: set[str] | frozenset[str] = frozenset()) -> tuple[User, str]:
    """A new login with a temporary password (returned once, to hand over) it must change."""
    username = username.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{2,64}", username):
        raise UserAdminError(_("A username has 2 to 64 letters, digits, dots, dashes or underscores."))
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None:
        raise UserAdminError(_("The username %(name)s is taken.", name=username))
    if role not in ROLES:
        raise UserAdminError(_("Choose a role."))
    board = board or None
    if role in BOARD_ROLES and not board:
        raise UserAdminError(_("Board staff and coordinators belong to a board: choose one."))
    if board is not None and board not in installed_boards:
        raise UserAdminError(_("No such board."))
    if role not in BOARD_ROLES:
        board = None
    region_code = (region_code or "").strip() or None
    if region_code is not None and session.get(Region, region_code) is None:
        raise UserAdminError(_("No region has the code %(code)s.", code=region_code))
    password = temporary_password()
    user = create_user(session, username, password, role=role, display_name=display_name.strip()[:100] or username,
                       board=board, region_code=region_code, phone=(phone or "").strip()[:20] or None)
    session.add(UserCredential(user_id=user.id, must_change_password=True, totp_enabled=False))
    session.add(AuditEvent(user_id=by_user_id, action="user_create", object_type="user", object_id=str(user.id),
                           reason=f"role={role} board={board or '-'} region={region_code or '-'}"))
    return user, password


def set_active(session: Session, user: User, active: bool, *, by_user_id: int) -> bool:
    """Disable or enable an account; disabling ends its sessions. False when nothing changes."""
    if user.id == by_user_id and not active:
        raise UserAdminError(_("You cannot disable your own account."))
    if user.active == active:
        return False
    if not active and user.role == "admin":
        others = session.scalar(select(func.count()).select_from(User).where(
            User.role == "admin", User.active.is_(True), User.id != user.id))
        if not others:
            raise UserAdminError(_("The last active administrator cannot be disabled."))
    user.active = active
    user.session_version += 1
    session.add(AuditEvent(user_id=by_user_id, action="user_enable" if active else "user_disable",
                           object_type="user", object_id=str(user.id)))
    return True


def reset_password(session: Session, user: User, *, by_user_id: int, remote_addr: str | None = None) -> str:
    """A new temporary password (returned once); the user's sessions end and they must change it."""
    password = temporary_password()
    set_password(session, user, password, by_user_id=by_user_id, must_change=True, remote_addr=remote_addr)
    return password


def end_sessions(session: Session, user: User, *, by_user_id: int) -> None:
    user.session_version += 1
    session.add(AuditEvent(user_id=by_user_id, action="user_end_sessions", object_type="user",
                           object_id=str(user.id)))


# -- pages ----------------------------------------------------------------------------------


def _user_or_404(user_id: int) -> User:
    user = db().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _installed() -> set[str]:
    return set(platform().boards.installed)


def _form_choices() -> dict[str, object]:
    host = platform().boards
    from core.web import locale_code

    return {
        "roles": [(r, str(ROLE_LABELS[r])) for r in ROLES],
        "boards": [(k, host.installed[k].info.name(locale_code())) for k in sorted(host.installed)],
    }


@bp.route("/admin/users")
@roles("admin")
def index():  # type: ignore[no-untyped-def]
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    stmt = select(User).order_by(User.username)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.username.ilike(like), User.display_name.ilike(like)))
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    rows = list(db().scalars(stmt.limit(PAGE_SIZE + 1)))
    return render_template("users/index.html", rows=rows[:PAGE_SIZE], more=len(rows) > PAGE_SIZE, q=q, role=role,
                           role_labels=ROLE_LABELS, **_form_choices())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles("admin")
def new():  # type: ignore[no-untyped-def]
    error = None
    values = request.form if request.method == "POST" else {}
    if request.method == "POST":
        session_db = db()
        try:
            user, password = create_account(
                session_db, by_user_id=current_user.id, username=values.get("username", ""),
                display_name=values.get("display_name", ""), role=values.get("role", ""),
                board=values.get("board") or None, region_code=values.get("region_code"),
                phone=values.get("phone"), installed_boards=_installed())
            session_db.commit()
        except UserAdminError as exc:
            session_db.rollback()
            error = str(exc)
        else:
            return render_template("users/password_shown.html", user=user, password=password, created=True)
    return render_template("users/new.html", error=error, values=values, **_form_choices()), (400 if error else 200)


@bp.route("/admin/users/<int:user_id>")
@roles("admin")
def show(user_id: int):  # type: ignore[no-untyped-def]
    user = _user_or_404(user_id)
    session_db = db()
    cred = session_db.get(UserCredential, user.id)
    events = list(session_db.scalars(select(AuditEvent).where(
        or_(AuditEvent.user_id == user.id, (AuditEvent.object_type == "user") & (AuditEvent.object_id == str(user.id))),
        AuditEvent.action.in_(("login", "login_failed", "logout", "password_change", "password_reset",
                               "user_create", "user_disable", "user_enable", "user_end_sessions", "totp_enabled",
                               "totp_disabled", "login_second_factor_failed")))
        .order_by(AuditEvent.id.desc()).limit(20)))
    return render_template("users/show.html", user=user, cred=cred, events=events, role_labels=ROLE_LABELS,
                           two_factor=two_factor_enabled(session_db, user.id))


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@roles("admin")
def set_user_active(user_id: int):  # type: ignore[no-untyped-def]
    user = _user_or_404(user_id)
    session_db = db()
    want = request.form.get("active") == "1"
    try:
        if set_active(session_db, user, want, by_user_id=current_user.id):
            session_db.commit()
            flash(_("%(name)s can log in again.", name=user.username) if want
                  else _("%(name)s is disabled; their sessions have ended.", name=user.username), "info")
    except UserAdminError as exc:
        session_db.rollback()
        flash(str(exc), "error")
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@roles("admin")
def reset_user_password(user_id: int):  # type: ignore[no-untyped-def]
    user = _user_or_404(user_id)
    session_db = db()
    password = reset_password(session_db, user, by_user_id=current_user.id, remote_addr=request.remote_addr)
    session_db.commit()
    return render_template("users/password_shown.html", user=user, password=password, created=False)


@bp.route("/admin/users/<int:user_id>/sessions", methods=["POST"])
@roles("admin")
def end_user_sessions(user_id: int):  # type: ignore[no-untyped-def]
    user = _user_or_404(user_id)
    session_db = db()
    end_sessions(session_db, user, by_user_id=current_user.id)
    session_db.commit()
    flash(_("Every session of %(name)s has ended.", name=user.username), "info")
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/two-factor", methods=["POST"])
@roles("admin")
def remove_two_factor(user_id: int):  # type: ignore[no-untyped-def]
    user = _user_or_404(user_id)
    session_db = db()
    disable_totp(session_db, user, by_user_id=current_user.id)
    session_db.commit()
    flash(_("The second factor of %(name)s is removed; they can set it up again.", name=user.username), "info")
    return redirect(url_for("users.show", user_id=user.id))
