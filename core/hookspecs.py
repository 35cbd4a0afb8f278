"""Every hook a CareMatch board plugin may implement, grouped by the phase in which core calls it.

A board is a module (usually ``plugins/<board>/plugin.py``) registered under the
``carematch.boards`` entry-point group; its ``@hookimpl`` functions come from
:mod:`core.api`. Core calls a hook only on *enabled* boards (see
:meth:`core.plugins.BoardHost.hook`), except where a docstring says "every
installed board": data a disabled board owns must still be migrated and shown.

Hooks return lists of small declarative objects; core collects and validates them.
Registration order is never relied on (pluggy calls implementations last-in first-out).

What a board package holds by convention needs no hook: core finds ``models.py``
(tables prefixed ``<board>_``), ``migrations/versions/`` (Alembic revisions with
``branch_labels = ("<board>",)``), ``translations/`` and ``templates/<board>/``
beside the plugin module, for every installed board, enabled or not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:  # pragma: no cover - imports for type checkers only
    import click
    from flask import Blueprint

    from core.boards import BoardInfo, FundSource, Job, MenuItem, NeedType, Permission, Skill

hookspec = pluggy.HookspecMarker("carematch")
hookimpl = pluggy.HookimplMarker("carematch")


# --- registration and bootstrap --------------------------------------------------


@hookspec(firstresult=True)
def board_info() -> BoardInfo:
    """Describe the board a plugin module provides: key, names, lead body, kind.

    Called on every installed board when the plugin manager is built, to list it on
    the Boards page and in ``carematch boards list``. ``firstresult`` because a
    plugin module describes exactly one board; core calls it per plugin through
    ``pm.subset_hook_caller`` so each module answers for itself.
    """


# --- programmes and eligibility --------------------------------------------------


@hookspec
def register_programmes() -> list[Any]:
    """Return the board's programmes (``core.api.Programme`` objects).

    Called on enabled boards each time the assessment service needs the list
    (pre-check of a case, the what-if calculator, evaluation runs). A disabled
    board therefore contributes no finding.
    """


@hookspec
def default_standards() -> list[Any]:
    """Return the board's shipped default standards (``core.api.StandardRecord``).

    Called on every installed board by ``carematch init`` and the demo to seed the
    standards table; the values are example figures from the source reports, to be
    replaced by an administrator with the local ones. Never read at calculation
    time: calculations use the stored, dated standards.
    """


@hookspec
def standard_names() -> dict[str, tuple[str, str]]:
    """Return what staff call each of the board's standards: ``{key: (zh, en)}``.

    Called on every installed board when explanations are shown and by the standards
    page: a finding's reasons then name the standard they used ("低保标准 = 710元/月")
    instead of its key. Stored findings keep the key, so the names may change freely.
    """


# --- care needs and matching ----------------------------------------------------


@hookspec
def register_skills() -> list[Skill]:
    """Return volunteer skills this board adds to the matching vocabulary.

    Called on enabled boards when volunteer forms, care-need forms and match
    instances are built. Keys are the spec's free vocabulary (``grief_counselling``).
    """


@hookspec
def register_need_types() -> list[NeedType]:
    """Return care-need types this board can create (category, default risk, skills, visit cadence).

    Called on enabled boards when a plan's care measures are edited and when the
    matcher turns approved needs into recipients.
    """


# --- web ------------------------------------------------------------------------


@hookspec
def register_blueprints() -> list[Blueprint]:
    """Return Flask blueprints for this board's pages.

    Called once on every installed board inside ``create_app()``; core mounts each
    blueprint at ``/boards/<board>`` and its name must equal the board key. While a
    board is disabled, core answers 404 for its URLs (Flask cannot unregister a
    blueprint, so the guard is a ``before_request`` check).
    """


@hookspec
def menu_items(user: Any) -> list[MenuItem]:
    """Return navigation entries for ``user`` (may be anonymous).

    Called on enabled boards for every page render; return only what the user's
    role may open.
    """


@hookspec
def register_permissions() -> list[Permission]:
    """Return the board's named permissions (``<board>.<action>``), each with a description.

    Called on every installed board at start-up; core refuses names without the
    board prefix and an undocumented permission.
    """


# --- CLI and scheduled jobs -------------------------------------------------------


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add this board's click commands to the ``carematch`` command group.

    Called on every installed board when the CLI starts; a command of a disabled
    board refuses to run with a clear message (core wraps it).
    """


@hookspec
def register_jobs() -> list[Job]:
    """Return scheduled jobs; core gives each the id ``<board>:<job>``.

    Called on every installed board when the scheduler starts, so switching a board
    on or off needs no restart: the runner checks the enabled set each time a job
    comes due and records a disabled board's run as skipped.
    """


# --- funds ------------------------------------------------------------------------


@hookspec
def register_fund_sources() -> list[FundSource]:
    """Return the fund sources this board brings to the scheme (``core.api.FundSource``).

    Called on every installed board when the funds pages, the funds CLI or the funds API
    synchronise the ``fund_source`` table, so a disabled board's sources and funds stay
    listed (read-only: no income, no payment). Keys are ``<board>.<source>``; a source
    is never deleted once stored, only described again.
    """
