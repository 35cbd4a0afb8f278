"""The public surface of core for board plugins: import from here, nothing else from core.

Mirrors CKAN's plugins toolkit and datasette's re-exported ``hookimpl``: what is
listed in ``__all__`` is the contract; everything else in core may change.
"""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext

from core.assessment import *  # noqa: F403 - the engine's public names are part of this surface
from core.assessment import __all__ as _assessment_names
from core.board_pages import board_blueprint
from core.boards import BoardInfo, FundSource, Job, MenuItem, NeedType, Permission, Skill
from core.hookspecs import hookimpl
from core.scheduler.board_jobs import common_jobs
from core.scheduler.context import JobContext

__all__ = [
    "hookimpl",
    "board_blueprint",
    "common_jobs",
    "BoardInfo",
    "FundSource",
    "Job",
    "JobContext",
    "MenuItem",
    "NeedType",
    "Permission",
    "Skill",
    "gettext",
    "lazy_gettext",
    *_assessment_names,
]
