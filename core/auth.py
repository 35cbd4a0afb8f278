"""Login and logout: argon2id password hashes, lockout after repeated failures, sessions that
die on logout, password change and account disable (OWASP ASVS 2.2, 3.3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core.db import utcnow
from core.models import AuditEvent, User
from core.web import db, public, roles

_hasher = PasswordHasher()  # argon2id with the library's current (RFC 9106 low-memory) parameters

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)

bp = Blueprint("auth", __name__)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class SessionUser:
    """The logged-in user as views see it: no ORM object outlives its request."""

    id: int
    username: str
    display_name: str
    role: str
    board: str | None
    region_code: str | None
    session_version: int

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        # The version makes every older session cookie invalid when it is bumped.
        return f"{self.id}:{self.session_version}"

    @classmethod
    def of(cls, user: User) -> SessionUser:
        return cls(user.id, user.username, user.display_name, user.role, user.board, user.region_code,
                   user.session_version)


def create_user(session: Session, username: str, password: str, *, role: str, display_name: str = "",
                board: str | None = None, region_code: str | None = None, phone: str | None = None) -> User:
    user = User(username=username, password_hash=hash_password(password), role=role,
                display_name=display_name or username, board=board, region_code=region_code, phone=phone)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str, *, remote_addr: str | None = None) -> tuple[User | None, str]:
    """Check a login; returns the user or None with a reason code (ok, unknown, locked, disabled, wrong)."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    now = utcnow()
    if user is None:
        # Spend the same time as a real check, so response times do not reveal usernames.
        verify_password(_DUMMY_HASH, password)
        return None, "unknown"
    if user.locked_until is not None and user.locked_until > now:
        return None, "locked"
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        session.add(AuditEvent(user_id=user.id, action="login_failed", remote_addr=remote_addr))
        return None, "wrong"
    if not user.active:
        return None, "disabled"
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(AuditEvent(user_id=user.id, action="login", remote_addr=remote_addr))
    return user, "ok"


_DUMMY_HASH = _hasher.hash("carematch-timing-equaliser")


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


_FAILURE_MESSAGES = {
    "unknown": _l("Wrong username or password."),
    "wrong": _l("Wrong username or password."),
    "locked": _l("Too many failed attempts: this account is locked for 15 minutes."),
    "disabled": _l("This account has been disabled. Ask an administrator."),
}


@bp.route("/login", methods=["GET", "POST"])
@public
def login():  # type: ignore[no-untyped-def]
    form = LoginForm()
    if form.validate_on_submit():
        session_db = db()
        user, outcome = authenticate(session_db, form.username.data.strip(), form.password.data,
                                     remote_addr=request.remote_addr)
        session_db.commit()
        if user is not None:
            locale = session.get("locale")
            session.clear()  # a fresh session on login: no fixation
            if locale:
                session["locale"] = locale
            login_user(SessionUser.of(user))
            target = request.args.get("next", "")
            # only same-site relative paths: no open redirect
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("core.home")
            return redirect(target)
        flash(str(_FAILURE_MESSAGES[outcome]), "error")
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
@roles("any")
def logout():  # type: ignore[no-untyped-def]
    session_db = db()
    user = session_db.get(User, current_user.id)
    if user is not None:
        # Logging out ends every session of this user, not only this browser's cookie.
        user.session_version += 1
        session_db.add(AuditEvent(user_id=user.id, action="logout"))
        session_db.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to open this page.")
    manager.login_message_category = "info"

    @manager.user_loader
    def load_user(token: str) -> SessionUser | None:
        user_id, _sep, version = token.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db().get(User, int(user_id))
        if user is None or not user.active or user.session_version != int(version):
            return None
        return SessionUser.of(user)

    app.register_blueprint(bp)
