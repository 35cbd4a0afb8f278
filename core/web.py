"""Request-scoped helpers for core and board views: the platform, the session, enabled boards,
access rules (deny by default) and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any, Callable, TypeVar

from flask import Flask, abort, current_app, g, request
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
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


# The units standards are stored with (core.standards, the boards' standards.py), as each
# language writes them after a figure: "710 元/月", "60 岁", "2.5%".
UNIT_LABELS = {
    "yuan": _l("yuan"),
    "yuan/month": _l("yuan/month"),
    "yuan/year": _l("yuan/year"),
    "yuan/m2": _l("yuan/m²"),
    "days": _l("days"),
    "working_days": _l("working days"),
    "months": _l("months"),
    "years": _l("years of age"),
    "kWh/month": _l("kWh/month"),
    "t/month": _l("t/month"),
    "m2": _l("m²"),
    "count": _l("count"),
    "ratio": _l("times"),
}
AREA_LABELS = {"all": _l("urban and rural"), "urban": _l("urban"), "rural": _l("rural")}


def standard_value(record: Any) -> str:
    """A standard's value with its unit for the locale: grouped digits, "6,000元/年", "2.5%"."""
    number = Decimal(record.value)
    places = max(0, -number.as_tuple().exponent)  # as stored: 760.50 stays 760.50, 2.5 stays 2.5
    value = format_decimal(number, format="#,##0" + ("." + "0" * places if places else ""))
    if record.unit == "percent":
        return f"{value}%"
    label = UNIT_LABELS.get(record.unit, record.unit)
    # Chinese writes the unit straight after the figure (710元/月), English with a space
    return f"{value}{'' if locale_code().startswith('zh') else ' '}{label}".rstrip()


def area_label(area: str) -> str:
    """A standard's or household's area (all / urban / rural) in words."""
    label = AREA_LABELS.get(area)
    return str(label) if label is not None else area


def district_choices() -> list[tuple[str, str]]:
    """The districts and counties as (code, name in the locale), for a region filter or field."""
    from sqlalchemy import select

    from core.models import Region

    english = locale_code().startswith("en")
    rows = db().execute(select(Region.code, Region.name, Region.name_en)
                        .where(Region.level.in_(("district", "county"))).order_by(Region.code))
    return [(code, en if english and en else zh) for code, zh, en in rows]


def region_name(code: str) -> str:
    """A region code as its name in the locale ("230602" → 萨尔图区), read once per request;
    the national records' code 000000 is "national"."""
    if code == "000000":
        return str(_l("national"))
    if "region_names" not in g:
        from sqlalchemy import select

        from core.models import Region

        english = locale_code().startswith("en")
        g.region_names = {c: (en if english and en else zh) for c, zh, en in
                          db().execute(select(Region.code, Region.name, Region.name_en))}
    return g.region_names.get(code, code)
