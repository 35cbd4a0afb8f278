"""Request-scoped helpers for core and board views: the platform, the session, enabled boards,
access rules (deny by default) and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any, Callable, TypeVar

from flask import Flask, abort, current_app, g, request
from flask_babel import format_date, format_decimal, get_locale
from flask_login import current_user
from sqlalchemy.orm import Session

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTR = "_carematch_access"


def platform() -> Any:
    return current_app.extensions["carematch"]


def db() -> Session:
    """The request's database session; closed (and rolled back on error) at teardown."""
    if "db" not in g:
        g.db = platform().session()
    return g.db


def enabled_boards() -> set[str]:
    """The enabled set, read once per request."""
    if "enabled_boards" not in g:
        g.enabled_boards = platform().boards.enabled(db())
    return g.enabled_boards


# -- access rules ---------------------------------------------------------------------
# Every endpoint declares who may open it; one without a declaration answers 403
# (deny by default) and a test walks the URL map to prove none is missing.


def public(view: F) -> F:
    """Anyone, logged in or not (login page, health check, language switch)."""
    setattr(view, ACCESS_ATTR, ("public",))
    return view


def roles(*allowed: str) -> Callable[[F], F]:
    """Logged-in users whose role is in ``allowed``; ``"any"`` admits every logged-in user."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if "any" not in allowed and current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, allowed)
        return wrapper  # type: ignore[return-value]

    return decorate


def access_rule(app: Flask, endpoint: str) -> tuple[str, ...] | None:
    if endpoint == "static" or endpoint.endswith(".static"):
        return ("public",)
    view = app.view_functions.get(endpoint)
    return getattr(view, ACCESS_ATTR, None)


def install_access_guard(app: Flask) -> None:
    @app.before_request
    def _deny_by_default() -> None:
        if request.endpoint is None:
            return  # 404 / 405 follow
        if access_rule(app, request.endpoint) is None:
            current_app.logger.error("endpoint %s has no access rule: refused", request.endpoint)
            abort(403)


# -- formatting for the locale -----------------------------------------------------------


def yuan(fen: int | None) -> str:
    """An amount in fen as yuan for the current locale: ¥1,230.00."""
    if fen is None:
        return ""
    return "¥" + format_decimal(Decimal(fen) / 100, format="#,##0.00")


def day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return format_date(value, format="medium")


def locale_code() -> str:
    return str(get_locale() or "zh")
