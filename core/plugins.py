"""The plugin host: discovers installed boards, knows which are enabled, calls hooks on those only.

Installed is not enabled (CKAN's ``ckan.plugins``, aesthetics R6): every board found
through the ``carematch.boards`` entry-point group is registered at start-up, and
the enabled set is read from the ``plugin_setting`` table at each call, so a board
switched off in the web UI disappears at once without a restart.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.resources
import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable

import pluggy
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import hookspecs
from core.boards import BoardInfo
from core.db import utcnow
from core.models import AuditEvent, PluginSetting

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "carematch.boards"
# Comma-separated allow-list of boards to load (tests, debugging), like DATASETTE_LOAD_PLUGINS.
LOAD_BOARDS_ENV = "CAREMATCH_LOAD_BOARDS"
# Any non-empty value logs every hook call, like DATASETTE_TRACE_PLUGINS.
TRACE_ENV = "CAREMATCH_TRACE_PLUGINS"


class BoardError(RuntimeError):
    """A board that is unknown, misdeclared or not allowed to do what was asked."""


@dataclass(frozen=True)
class InstalledBoard:
    info: BoardInfo
    module: ModuleType
    distribution: str  # the distribution that declared the entry point ("carematch" for the five)

    @property
    def key(self) -> str:
        return self.info.key

    @property
    def package(self) -> str:
        # a board is usually a module; a throw-away test board may be any object
        name = getattr(self.module, "__name__", None) or type(self.module).__module__
        return name.rpartition(".")[0] or name

    def package_path(self) -> Path:
        module = importlib.import_module(self.package)
        return Path(module.__file__).parent if getattr(module, "__file__", None) else Path(str(importlib.resources.files(self.package)))

    def models_module(self) -> str | None:
        name = f"{self.package}.models"
        try:
            return name if importlib.util.find_spec(name) is not None else None
        except ModuleNotFoundError:  # the package is a plain module
            return None

    def migrations_directory(self) -> Path | None:
        path = self.package_path() / "migrations" / "versions"
        return path if path.is_dir() else None

    def translations_directory(self) -> Path | None:
        path = self.package_path() / "translations"
        return path if path.is_dir() else None


def get_plugin_manager(extra_plugins: Iterable[tuple[str, ModuleType | object]] = ()) -> pluggy.PluginManager:
    """A plugin manager with core's hookspecs and every installed board registered in name order.

    ``extra_plugins`` registers throw-away boards (tests) as ``(name, plugin)`` pairs.
    """
    pm = pluggy.PluginManager("carematch")
    pm.add_hookspecs(hookspecs)
    allowed = {b.strip() for b in os.environ.get(LOAD_BOARDS_ENV, "").split(",") if b.strip()}
    entry_points = sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)
    for ep in entry_points:
        if allowed and ep.name not in allowed:
            continue
        if pm.has_plugin(ep.name):  # the same board seen twice (editable + regular install)
            continue
        pm.register(ep.load(), name=ep.name)
        dist = ep.dist.name if ep.dist is not None else "?"
        pm._carematch_dists = {**getattr(pm, "_carematch_dists", {}), ep.name: dist}  # type: ignore[attr-defined]
    for name, plugin in extra_plugins:
        pm.register(plugin, name=name)
    # A misspelled hook name in a board fails here, at start-up, not silently later.
    pm.check_pending()
    if os.environ.get(TRACE_ENV):
        pm.add_hookcall_monitoring(
            lambda name, impls, kw: log.info("hook %s -> %s", name, [i.plugin_name for i in impls]),
            lambda outcome, name, impls, kw: None,
        )
    return pm


class BoardHost:
    """The installed boards, the stored enabled set, and hook calls restricted to enabled boards."""

    def __init__(self, pm: pluggy.PluginManager):
        self.pm = pm
        self.installed: dict[str, InstalledBoard] = {}
        dists = getattr(pm, "_carematch_dists", {})
        for name, plugin in sorted(pm.list_name_plugin()):
            info = self._call_on(plugin, "board_info")
            if info is None:
                raise BoardError(f"plugin {name!r} does not implement board_info()")
            if info.key != name:
                raise BoardError(f"board {name!r} describes itself as {info.key!r}: the entry-point name must equal the key")
            self.installed[name] = InstalledBoard(info, plugin, dists.get(name, "local"))

    # -- hook calls ---------------------------------------------------------------

    def _call_on(self, plugin: Any, hook_name: str, **kwargs: Any) -> Any:
        others = [p for p in self.pm.get_plugins() if p is not plugin]
        return self.pm.subset_hook_caller(hook_name, remove_plugins=others)(**kwargs)

    def call_on(self, board: str, hook_name: str, **kwargs: Any) -> Any:
        """Call ``hook_name`` on one installed board only (enabled or not)."""
        return self._call_on(self.installed[board].module, hook_name, **kwargs)

    def hook(self, hook_name: str, enabled: Iterable[str]) -> Any:
        """A hook caller that reaches only the boards in ``enabled`` (pluggy subset caller)."""
        keep = set(enabled)
        removed = [b.module for key, b in self.installed.items() if key not in keep]
        return self.pm.subset_hook_caller(hook_name, remove_plugins=removed)

    def hook_all(self, hook_name: str) -> Any:
        """A hook caller that reaches every installed board (migrations, default standards)."""
        return getattr(self.pm.hook, hook_name)

    def collect(self, hook_name: str, enabled: Iterable[str], **kwargs: Any) -> list[Any]:
        """Call a list-returning hook on the enabled boards and flatten the answers, in board order."""
        items: list[Any] = []
        for key in sorted(set(enabled) & self.installed.keys()):
            # a non-firstresult hook answers with one result per implementation
            for answer in self.call_on(key, hook_name, **kwargs):
                items.extend(answer or [])
        return items

    # -- the stored enabled set ------------------------------------------------------

    def enabled(self, session: Session) -> set[str]:
        rows = session.execute(select(PluginSetting.board).where(PluginSetting.enabled.is_(True))).scalars()
        return {b for b in rows if b in self.installed}

    def set_enabled(self, session: Session, board: str, enabled: bool, *, user_id: int | None = None) -> bool:
        """Enable or disable ``board``; returns True when something changed. The caller commits."""
        if board not in self.installed:
            raise BoardError(f"未安装的板块 {board!r} (no installed board is called {board!r})")
        setting = session.get(PluginSetting, board)
        if setting is not None and setting.enabled == enabled:
            return False
        if setting is None:
            setting = PluginSetting(board=board)
            session.add(setting)
        setting.enabled = enabled
        setting.changed_at = utcnow()
        setting.changed_by = user_id
        session.add(
            AuditEvent(
                user_id=user_id,
                action="board_enable" if enabled else "board_disable",
                object_type="board",
                object_id=board,
            )
        )
        return True

    def model_modules(self) -> list[str]:
        return [m for b in self.installed.values() if (m := b.models_module())]

    def import_models(self) -> None:
        """Import every installed board's models and check the ``<board>_`` table prefix (aesthetics R12)."""
        from core.db import Base

        before = set(Base.metadata.tables)
        for key, board in sorted(self.installed.items()):
            module = board.models_module()
            if module is None:
                continue
            importlib.import_module(module)
            for table in set(Base.metadata.tables) - before:
                if not table.startswith(f"{key}_"):
                    raise BoardError(f"board {key!r} defines table {table!r}: board tables must start with '{key}_'")
            before = set(Base.metadata.tables)
