"""Funds (资金): fund sources, funds, the append-only fund journal, payments drawn from a
fund, and the cross-board view of every household's help (one assistance chain per
household, domain-rules §5)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.scheduler import warnings as _warnings

# The reserve-floor warning is raised through the scheduler's deduplicated warnings; its
# message lives with the funds code and joins the inbox's message table here.
_warnings.MESSAGES.setdefault(
    "fund_below_floor",
    _l("Fund “%(fund)s”: a payment took the balance to %(balance)s yuan, below its floor of %(floor)s yuan. "
       "Top up the reserve."),
)
