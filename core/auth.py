"""Login and logout: argon2id password hashes, lockout after repeated failures with a time-based
unlock, rate limits on login and the JSON API, sessions that die on logout, password change
(which ends every other session), an optional TOTP second factor with hashed recovery codes
(OWASP ASVS 5.0 §6, §7, 2.4.1). Account administration is in ``core.users``."""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import (Blueprint, Flask, current_app, flash, jsonify, make_response, redirect, render_template, request,
                   session, url_for)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core.db import utcnow
from core.models import AuditEvent, User
from core.security_models import RateCounter, RecoveryCode, UserCredential
from core.web import db, platform, public, roles

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
    """Check a login; returns the user or None with a reason code (ok, unknown, locked, disabled, wrong).

    A user with a second factor gets ``(user, "second_factor")``: the password was right,
    the login is not complete until :func:`verify_second_factor` accepts a code.
    """
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    now = utcnow()
    if user is None:
        # Spend the same time as a real check, so response times do not reveal usernames.
        verify_password(_DUMMY_HASH, password)
        return None, "unknown"
    if user.locked_until is not None and user.locked_until > now:
        return None, "locked"
    if not verify_password(user.password_hash, password):
        record_failure(session, user, now)
        session.add(AuditEvent(user_id=user.id, action="login_failed", remote_addr=remote_addr))
        return None, "wrong"
    if not user.active:
        return None, "disabled"
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if two_factor_enabled(session, user.id):
        session.add(AuditEvent(user_id=user.id, action="login_password_ok", remote_addr=remote_addr))
        return user, "second_factor"
    session.add(AuditEvent(user_id=user.id, action="login", remote_addr=remote_addr))
    return user, "ok"


def record_failure(session: Session, user: User, now: dt.datetime) -> None:
    """A wrong password or second-factor code: count it and lock the account at the limit."""
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0


_DUMMY_HASH = _hasher.hash("carematch-timing-equaliser")


# -- password policy and change ---------------------------------------------------------------
# ASVS 6.2.1/6.2.4/6.2.9: a minimum length, no composition rules, long passphrases allowed,
# and a refusal of the passwords attackers try first.

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256

# The most tried passwords of at least 10 characters (international and Chinese lists:
# keyboard walks, digit runs, pinyin, "I love you" codes) and the platform's own names.
COMMON_PASSWORDS = frozenset("""
1234567890 0123456789 12345678910 123456789a 1234567890a 123456789q 0987654321 1111111111 0000000000
1122334455 1234512345 1234567890q 11111111111 123123123123 5201314520 5211314521 1314520520 1314521521
woaini1314 woaini520 woaini1314520 iloveyou1314 a123456789 aa123456789 aa12345678 abc1234567 abcd123456
abc123456789 qwertyuiop qwertyuiop1 qwertyuiop123 1q2w3e4r5t 1qaz2wsx3edc qazwsxedcrfv zaq12wsxcde
asdfghjkl1 asdfghjkl; zxcvbnm123 password12 password123 password1234 passw0rd123 p@ssw0rd123 password!
iloveyou12 iloveyou123 princess12 football12 baseball12 welcome123 welcome1234 admin12345 admin123456
administrator adminadmin rootroot12 changeme123 letmein1234 sunshine12 superman12 trustno1234
dragon1234 monkey1234 master1234 shadow1234 michael123 qwerty1234 qwerty12345 qwerty123456 1qaz2wsx12
zhang123456 wang123456 li12345678 liu123456789 woaini123456 aini1314520 wodemima123 mima123456 nihao12345
caremach123 carematch1 carematch123 carematch2026 daqing1234 daqing123456 jingzhunguanai guanai123456
""".split())


class PasswordError(ValueError):
    """A new password the policy refuses, or a wrong current password; the message is for the user."""


def password_problem(password: str, *, username: str = "") -> str | None:
    """Why ``password`` may not be used, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("The password may have at most %(n)s characters.", n=MAX_PASSWORD_LENGTH)
    folded = password.casefold()
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 2:
        return _("This password is among the most common ones; choose another.")
    if username and username.casefold() in folded:
        return _("The password may not contain the username.")
    return None


def credential(session: Session, user_id: int, *, create: bool = False) -> UserCredential | None:
    row = session.get(UserCredential, user_id)
    if row is None and create:
        row = UserCredential(user_id=user_id, must_change_password=False, totp_enabled=False)
        session.add(row)
    return row


def set_password(session: Session, user: User, new_password: str, *, by_user_id: int | None,
                 must_change: bool = False, remote_addr: str | None = None) -> None:
    """Store a new password and end every session of the user (``session_version`` bump)."""
    problem = password_problem(new_password, username=user.username)
    if problem:
        raise PasswordError(problem)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    user.failed_logins = 0
    user.locked_until = None
    row = credential(session, user.id, create=True)
    row.password_changed_at = utcnow()
    row.must_change_password = must_change
    action = "password_change" if by_user_id == user.id else "password_reset"
    session.add(AuditEvent(user_id=by_user_id, action=action, object_type="user", object_id=str(user.id),
                           remote_addr=remote_addr))


def change_own_password(session: Session, user: User, current: str, new_password: str, *,
                    remote_addr: str | None = None) -> None:
    """The user's own change: the current password is required (ASVS 6.2.3)."""
    if not verify_password(user.password_hash, current):
        session.add(AuditEvent(user_id=user.id, action="password_change_failed", object_type="user",
                               object_id=str(user.id), remote_addr=remote_addr))
        raise PasswordError(_("The current password is wrong."))
    if current == new_password:
        raise PasswordError(_("Choose a password different from the current one."))
    set_password(session, user, new_password, by_user_id=user.id, remote_addr=remote_addr)


# -- rate limits --------------------------------------------------------------------------------
# A fixed-window counter per key in the database (``rate_counter``): every web process on the
# same PostgreSQL shares it, and it survives restarts. The count is one atomic upsert in its
# own short transaction, so the request's own transaction stays one unit of work.

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_limit(text: str | None) -> tuple[int, int] | None:
    """``"10/minute"``, ``"100 per hour"``, ``"5/30 seconds"`` → (count, window seconds); empty → None."""
    if not text:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*(?:/|per)\s*(\d+)?\s*(second|minute|hour|day)s?\s*", str(text))
    if not m:
        raise ValueError(f"not a rate limit: {text!r} (write e.g. '10/minute')")
    return int(m.group(1)), int(m.group(2) or 1) * _UNITS[m.group(3)]


def hit(engine: Any, key: str, limit: tuple[int, int], *, now: float | None = None) -> int | None:
    """Count one request for ``key``; None when within the limit, else the seconds to wait."""
    count, per = limit
    now = time.time() if now is None else now
    window = int(now // per * per)
    expires = window + per
    table = RateCounter.__table__
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(key=key[:200], window=window, hits=1, expires=expires)
    stmt = stmt.on_conflict_do_update(index_elements=["key", "window"], set_={"hits": table.c.hits + 1})
    with engine.begin() as conn:
        hits = conn.execute(stmt.returning(table.c.hits)).scalar_one()
        if hits == 1 and secrets.randbelow(50) == 0:
            conn.execute(delete(table).where(table.c.expires < int(now)))  # occasional sweep of old windows
    if hits > count:
        return max(1, math.ceil(expires - now))
    return None


def too_many_message(retry_after: int) -> str:
    """The 429 message in both languages: API clients have no language switch."""
    parts = []
    for locale in ("zh", "en"):
        with force_locale(locale):
            parts.append(_("Too many requests: try again in %(n)s seconds.", n=retry_after))
    return f"{parts[0]} ({parts[1]})"


def _limited(name: str, key: str) -> int | None:
    limit = parse_limit(current_app.config.get(name))
    if limit is None:
        return None
    return hit(platform().engine, key, limit)


# -- second factor (TOTP, RFC 6238) -------------------------------------------------------------

RECOVERY_CODES = 10
SECOND_FACTOR_WINDOW = dt.timedelta(minutes=5)  # time allowed between the password and the code


def two_factor_enabled(session: Session, user_id: int) -> bool:
    row = session.get(UserCredential, user_id)
    return bool(row is not None and row.totp_enabled)


def start_totp(session: Session, user: User) -> tuple[str, str]:
    """A new (not yet enabled) secret for the user; returns (secret, otpauth:// provisioning URI)."""
    import pyotp

    row = credential(session, user.id, create=True)
    if row.totp_enabled:
        raise PasswordError(_("The second factor is already on."))
    row.totp_secret = pyotp.random_base32()
    return row.totp_secret, provisioning_uri(row.totp_secret, user.username)


def provisioning_uri(secret: str, username: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="CareMatch")


def _totp_step(row: UserCredential, code: str, *, at: float | None = None) -> int | None:
    """The 30-second step ``code`` belongs to (±1 step of clock drift), or None."""
    import pyotp

    code = re.sub(r"\s", "", code)
    if not row.totp_secret or not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(row.totp_secret)
    at = time.time() if at is None else at
    current = int(at // totp.interval)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_totp(session: Session, user: User, code: str) -> list[str]:
    """Turn the second factor on once the app shows a right code; returns fresh recovery codes."""
    row = credential(session, user.id)
    if row is None or row.totp_secret is None or row.totp_enabled:
        raise PasswordError(_("Start the set-up again."))
    step = _totp_step(row, code)
    if step is None:
        raise PasswordError(_("That code is not right; check the clock of the phone and try the next code."))
    row.totp_enabled = True
    row.totp_last_step = step
    codes = new_recovery_codes(session, user.id)
    session.add(AuditEvent(user_id=user.id, action="totp_enabled", object_type="user", object_id=str(user.id)))
    return codes


def new_recovery_codes(session: Session, user_id: int) -> list[str]:
    """Replace the user's recovery codes; only their hashes are stored, the codes are shown once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = ["-".join(secrets.token_hex(3) for _ in range(2)) for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=hash_password(code)))
    return codes


def disable_totp(session: Session, user: User, *, by_user_id: int) -> None:
    row = credential(session, user.id)
    if row is not None:
        row.totp_enabled = False
        row.totp_secret = None
        row.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.session_version += 1
    session.add(AuditEvent(user_id=by_user_id, action="totp_disabled", object_type="user", object_id=str(user.id)))


def verify_second_factor(session: Session, user: User, code: str, *, at: float | None = None) -> str | None:
    """Check a TOTP code (never the same step twice) or an unused recovery code.

    Returns "totp" or "recovery" when accepted, None otherwise.
    """
    row = credential(session, user.id)
    if row is None or not row.totp_enabled:
        return None
    step = _totp_step(row, code, at=at)
    if step is not None and (row.totp_last_step is None or step > row.totp_last_step):
        row.totp_last_step = step
        return "totp"
    candidate = code.strip().lower()
    if re.fullmatch(r"[0-9a-f]{6}-[0-9a-f]{6}", candidate):
        for rc in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                             RecoveryCode.used_at.is_(None))):
            if verify_password(rc.code_hash, candidate):
                rc.used_at = utcnow()
                return "recovery"
    return None


# -- pages ----------------------------------------------------------------------------------------


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    repeat = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])


_FAILURE_MESSAGES = {
    "unknown": _l("Wrong username or password."),
    "wrong": _l("Wrong username or password."),
    "locked": _l("Too many failed attempts: this account is locked for 15 minutes."),
    "disabled": _l("This account has been disabled. Ask an administrator."),
}


def _too_many(template: str, retry_after: int, **context: Any):  # type: ignore[no-untyped-def]
    flash(too_many_message(retry_after), "error")
    response = make_response(render_template(template, **context), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


def _safe_next(target: str) -> str:
    # only same-site relative paths: no open redirect
    if not target.startswith("/") or target.startswith("//") or target.startswith("/\\"):
        return url_for("core.home")
    return target


def _complete_login(user: User, target: str):  # type: ignore[no-untyped-def]
    locale = session.get("locale")
    session.clear()  # a fresh session on login: no fixation
    if locale:
        session["locale"] = locale
    login_user(SessionUser.of(user))
    session["started"] = session["seen"] = int(time.time())
    row = db().get(UserCredential, user.id)
    if row is not None and row.must_change_password:
        session["must_change_password"] = True
        flash(_("Your password was reset by an administrator: choose your own now."), "info")
        return redirect(url_for("auth.change_password"))
    return redirect(_safe_next(target))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():  # type: ignore[no-untyped-def]
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        retry = _limited("LOGIN_RATE_LIMIT", f"login:{request.remote_addr}:{username.casefold()}")
        if retry is not None:
            return _too_many("login.html", retry, form=form)
        session_db = db()
        user, outcome = authenticate(session_db, username, form.password.data,
                                     remote_addr=request.remote_addr)
        session_db.commit()
        if user is not None and outcome == "second_factor":
            locale = session.get("locale")
            session.clear()
            if locale:
                session["locale"] = locale
            session["second_factor"] = {"user": user.id, "version": user.session_version,
                                        "at": time.time(), "next": request.args.get("next", "")}
            return redirect(url_for("auth.second_factor"))
        if user is not None:
            return _complete_login(user, request.args.get("next", ""))
        flash(str(_FAILURE_MESSAGES[outcome]), "error")
    return render_template("login.html", form=form)


@bp.route("/login/second-factor", methods=["GET", "POST"])
@public
def second_factor():  # type: ignore[no-untyped-def]
    """The second step for users with TOTP: a code from the app or a recovery code."""
    pending = session.get("second_factor")
    if not pending or time.time() - pending.get("at", 0) > SECOND_FACTOR_WINDOW.total_seconds():
        session.pop("second_factor", None)
        flash(_("Log in again."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        retry = _limited("LOGIN_RATE_LIMIT", f"second_factor:{request.remote_addr}:{pending['user']}")
        if retry is not None:
            return _too_many("auth/second_factor.html", retry, form=form)
        session_db = db()
        user = session_db.get(User, pending["user"])
        now = utcnow()
        if user is None or not user.active or user.session_version != pending["version"]:
            session.pop("second_factor", None)
            return redirect(url_for("auth.login"))
        if user.locked_until is not None and user.locked_until > now:
            session.pop("second_factor", None)
            flash(str(_FAILURE_MESSAGES["locked"]), "error")
            return redirect(url_for("auth.login"))
        how = verify_second_factor(session_db, user, form.code.data)
        if how is None:
            record_failure(session_db, user, now)
            session_db.add(AuditEvent(user_id=user.id, action="login_second_factor_failed",
                                      remote_addr=request.remote_addr))
            session_db.commit()
            flash(_("That code is not right."), "error")
            return render_template("auth/second_factor.html", form=form)
        user.failed_logins = 0
        session_db.add(AuditEvent(user_id=user.id, action="login", reason=f"second factor: {how}",
                                  remote_addr=request.remote_addr))
        session_db.commit()
        if how == "recovery":
            flash(_("You used a recovery code; each works once. Make new ones on the two-step page."), "info")
        return _complete_login(user, pending.get("next", ""))
    return render_template("auth/second_factor.html", form=form)


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


@bp.route("/account/password", methods=["GET", "POST"])
@roles("any")
def change_password():  # type: ignore[no-untyped-def]
    """Change one's own password; every other session of the user ends, this one goes on."""
    form = PasswordChangeForm()
    error = None
    if form.validate_on_submit():
        session_db = db()
        user = session_db.get(User, current_user.id)
        if form.new.data != form.repeat.data:
            error = _("The two new passwords differ.")
        else:
            try:
                change_own_password(session_db, user, form.current.data, form.new.data,
                                   remote_addr=request.remote_addr)
            except PasswordError as exc:
                session_db.commit()  # keeps the audit row of a wrong current password
                error = str(exc)
            else:
                session_db.commit()
                locale, started = session.get("locale"), session.get("started")
                session.clear()
                if locale:
                    session["locale"] = locale
                login_user(SessionUser.of(user))  # this browser carries the new version
                # a new cookie, the same login: the absolute lifetime still counts from it
                session["started"], session["seen"] = started, int(time.time())
                flash(_("Your password is changed; your other sessions have ended."), "info")
                return redirect(url_for("core.home"))
    status = 400 if error else 200
    return render_template("auth/password.html", form=form, error=error,
                           min_length=MIN_PASSWORD_LENGTH), status



@bp.route("/account/two-factor", methods=["GET", "POST"])
@roles("admin")
def two_factor():  # type: ignore[no-untyped-def]
    """Administrators turn the TOTP second factor on (provisioning URI shown as text) or off."""
    session_db = db()
    user = session_db.get(User, current_user.id)
    row = credential(session_db, user.id)
    error = None
    codes: list[str] | None = None
    action = request.form.get("action") if request.method == "POST" else None
    if action == "start":
        secret, _uri = start_totp(session_db, user)
        session_db.commit()
    elif action == "confirm":
        try:
            codes = confirm_totp(session_db, user, request.form.get("code", ""))
            session_db.commit()
        except PasswordError as exc:
            session_db.rollback()
            error = str(exc)
    elif action in ("disable", "recovery_codes"):
        if not verify_password(user.password_hash, request.form.get("password", "")):
            error = _("The current password is wrong.")
        elif action == "disable":
            disable_totp(session_db, user, by_user_id=user.id)
            session_db.commit()
            login_user(SessionUser.of(user))
            flash(_("The second factor is off."), "info")
            return redirect(url_for("auth.two_factor"))
        elif row is not None and row.totp_enabled:
            codes = new_recovery_codes(session_db, user.id)
            session_db.add(AuditEvent(user_id=user.id, action="recovery_codes_renewed", object_type="user",
                                      object_id=str(user.id)))
            session_db.commit()
    elif request.method == "POST":
        error = _("Unknown action.")
    row = credential(session_db, user.id)
    uri = provisioning_uri(row.totp_secret, user.username) if row is not None and row.totp_secret else None
    remaining = 0
    if row is not None and row.totp_enabled:
        remaining = len(list(session_db.scalars(select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))))
    return render_template("auth/two_factor.html", row=row, uri=uri, codes=codes, error=error,
                           remaining=remaining), (400 if error else 200)


def init_app(app: Flask) -> None:
    app.config.setdefault("LOGIN_RATE_LIMIT", "10/minute")   # per (address, username)
    app.config.setdefault("API_RATE_LIMIT", "300/minute")    # per user, or per address when anonymous
    for name in ("LOGIN_RATE_LIMIT", "API_RATE_LIMIT"):
        parse_limit(app.config[name])  # a typo fails at start-up, not on the first request
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

    app.config.setdefault("SESSION_IDLE_MINUTES", 30)
    app.config.setdefault("SESSION_ABSOLUTE_HOURS", 12)

    @app.before_request
    def _session_timeouts():  # type: ignore[no-untyped-def]
        # Registered first, so that an expired session never reaches a page or the rate limit.
        if "_user_id" not in session:
            return None
        expired = session_expiry(session, time.time(), idle_minutes=app.config["SESSION_IDLE_MINUTES"],
                                 absolute_hours=app.config["SESSION_ABSOLUTE_HOURS"])
        if expired is None:
            return None
        user_id = session.get("_user_id", "").partition(":")[0]
        session_db = db()
        session_db.add(AuditEvent(user_id=int(user_id) if user_id.isdigit() else None, action="session_expired",
                                  reason=expired, remote_addr=request.remote_addr))
        session_db.commit()
        locale = session.get("locale")
        logout_user()
        session.clear()
        if locale:
            session["locale"] = locale
        message = str(_SESSION_EXPIRED_MESSAGES[expired])
        if request.path.startswith("/api/"):
            response = jsonify(error=message)
            response.status_code = 401
            return response
        flash(message, "info")
        target = request.full_path if request.method == "GET" else ""
        return redirect(url_for("auth.login", next=target.rstrip("?")) if target else url_for("auth.login"))

    @app.before_request
    def _limit_api():  # type: ignore[no-untyped-def]
        if not request.path.startswith("/api/"):
            return None
        who = f"api:u{current_user.id}" if current_user.is_authenticated else f"api:ip:{request.remote_addr}"
        retry = _limited("API_RATE_LIMIT", who)
        if retry is None:
            return None
        response = jsonify(error=too_many_message(retry), retry_after=retry)
        response.status_code = 429
        response.headers["Retry-After"] = str(retry)
        return response

    @app.before_request
    def _password_change_first():  # type: ignore[no-untyped-def]
        # After an administrator's reset the user sets their own password before anything else.
        if session.get("must_change_password") and current_user.is_authenticated:
            if request.endpoint not in _ALLOWED_BEFORE_CHANGE and not (request.endpoint or "").endswith("static"):
                return redirect(url_for("auth.change_password"))
        return None

    app.register_blueprint(bp)


def session_expiry(cookie: Any, now: float, *, idle_minutes: float, absolute_hours: float) -> str | None:
    """Why a logged-in session has ended by time, or None while it is alive.

    OWASP ASVS 5.0 §7.3: an idle timeout (no request for ``idle_minutes``) and an absolute
    lifetime (``absolute_hours`` after login), whatever the activity. A session without the
    login time (a cookie older than these rules) counts as expired. Otherwise the last-seen
    time moves on, at most once a minute so that the cookie is not rewritten on every request.
    """
    started, seen = cookie.get("started"), cookie.get("seen")
    if not isinstance(started, int) or not isinstance(seen, int):
        return "absolute"
    if now - started > absolute_hours * 3600:
        return "absolute"
    if now - seen > idle_minutes * 60:
        return "idle"
    if now - seen >= 60:
        cookie["seen"] = int(now)
    return None


_SESSION_EXPIRED_MESSAGES = {
    "idle": _l("Your session ended after a time without activity. Log in again."),
    "absolute": _l("Your session reached its maximum length. Log in again."),
}

_ALLOWED_BEFORE_CHANGE = {"auth.change_password", "auth.logout", "auth.login", "core.set_locale", "core.healthz", None}
