"""The plugin host: discovery, the hook contract, enabled vs installed, third-party boards."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pluggy
import pytest

from core import hookspecs
from core.api import BoardInfo, board_blueprint, hookimpl
from core.app import create_app
from core.plugins import BoardError, BoardHost, get_plugin_manager

FIVE = {"civil_affairs", "disabled_federation", "trade_union", "womens_federation", "youth_league"}
REPO = Path(__file__).resolve().parents[2]


def test_the_five_boards_are_installed_through_the_entry_point_group() -> None:
    host = BoardHost(get_plugin_manager())
    assert FIVE <= set(host.installed)
    assert {host.installed[b].info.kind for b in ("youth_league", "womens_federation")} == {"care"}
    assert {host.installed[b].info.kind for b in ("civil_affairs", "trade_union", "disabled_federation")} == {"assistance"}


def test_every_hookspec_has_a_docstring_that_says_when_it_is_called() -> None:
    specs = [f for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(f, "carematch_spec")]
    assert len(specs) >= 10
    for spec in specs:
        assert spec.__doc__ and "Called" in spec.__doc__, f"hookspec {spec.__name__} needs a docstring saying when it is called"


def test_every_board_implements_only_known_hooks() -> None:
    pm = get_plugin_manager()
    pm.check_pending()  # raises PluginValidationError on a misspelled hook


def test_a_misspelled_hook_fails_at_start_up() -> None:
    class Typo:
        @hookimpl
        def board_infoo(self):  # type: ignore[no-untyped-def]
            return None

    with pytest.raises(pluggy.PluginValidationError):
        get_plugin_manager(extra_plugins=[("typo", Typo())])


def test_a_board_whose_key_differs_from_its_entry_point_name_is_refused() -> None:
    class Liar:
        @hookimpl
        def board_info(self):  # type: ignore[no-untyped-def]
            return BoardInfo("someone_else", "x", "x", "x", "x", "care")

    with pytest.raises(BoardError, match="entry-point name must equal the key"):
        BoardHost(get_plugin_manager(extra_plugins=[("liar", Liar())]))


def test_a_disabled_board_contributes_nothing(app, session) -> None:  # type: ignore[no-untyped-def]
    host = app.extensions["carematch"].boards
    enabled = host.enabled(session)
    assert enabled == FIVE
    assert any(p.name.startswith("youth_league.") for p in host.collect("register_permissions", enabled))
    host.set_enabled(session, "youth_league", False)
    session.commit()
    enabled = host.enabled(session)
    assert "youth_league" not in enabled
    without = host.collect("register_permissions", enabled)
    assert all(not p.name.startswith("youth_league.") for p in without)


def test_every_permission_is_prefixed_by_its_board_and_documented() -> None:
    host = BoardHost(get_plugin_manager())
    for key in host.installed:
        for answer in host.call_on(key, "register_permissions"):
            for permission in answer or []:
                assert permission.name.startswith(f"{key}."), permission
                assert len(permission.description) > 10, permission


def test_enabling_is_recorded_in_the_audit_log(app, session) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from core.models import AuditEvent

    host = app.extensions["carematch"].boards
    assert host.set_enabled(session, "trade_union", False) is True
    assert host.set_enabled(session, "trade_union", False) is False  # nothing changed the second time
    session.commit()
    actions = session.execute(select(AuditEvent.action).where(AuditEvent.object_id == "trade_union")).scalars().all()
    assert actions.count("board_disable") == 1


def test_an_unknown_board_cannot_be_enabled(app, session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BoardError, match="no installed board"):
        app.extensions["carematch"].boards.set_enabled(session, "nonexistent", True)


def test_board_tables_must_carry_the_board_prefix(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "badboard"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(
        "from sqlalchemy.orm import Mapped, mapped_column\n"
        "from core.db import Base\n"
        "class Thing(Base):\n"
        "    __tablename__ = 'thing_without_prefix'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )
    (package / "plugin.py").write_text(
        "from core.api import BoardInfo, hookimpl\n"
        "@hookimpl\n"
        "def board_info():\n"
        "    return BoardInfo('badboard', '坏', 'Bad', 'x', 'x', 'care')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    module = importlib.import_module("badboard.plugin")
    host = BoardHost(get_plugin_manager(extra_plugins=[("badboard", module)]))
    from core.db import Base

    try:
        with pytest.raises(BoardError, match="must start with 'badboard_'"):
            host.import_models()
    finally:
        Base.metadata.remove(Base.metadata.tables["thing_without_prefix"])
        for name in [m for m in sys.modules if m.startswith("badboard")]:
            del sys.modules[name]


def _install_redcross_distribution(root: Path) -> None:
    """Make the example board an installed distribution: a .dist-info with its entry point.

    This is what `pip install ./examples/redcross_board` leaves behind, without the
    network or a build step, so importlib.metadata discovers it like any other.
    """
    dist = root / "carematch_redcross-0.1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: carematch-redcross\nVersion: 0.1.0\n")
    (dist / "entry_points.txt").write_text("[carematch.boards]\nredcross = carematch_redcross.plugin\n")


def test_a_third_party_board_appears_without_any_change_to_core(tmp_path, monkeypatch, database_url) -> None:  # type: ignore[no-untyped-def]
    _install_redcross_distribution(tmp_path / "site")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.syspath_prepend(str(REPO / "examples" / "redcross_board"))
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "i"), "SECRET_KEY": "t",
                      "AUTO_MIGRATE": False, "WTF_CSRF_ENABLED": False, "TESTING": True})
    host = app.extensions["carematch"].boards
    assert "redcross" in host.installed
    assert host.installed["redcross"].distribution == "carematch-redcross"
    client = app.test_client()
    client.post("/login", data={"username": "root", "password": "correct horse battery staple"})
    # installed is not enabled: its pages answer 404 until an administrator enables it
    assert client.get("/boards/redcross/").status_code == 404
    assert "红十字会募捐板块" in client.get("/boards").get_data(as_text=True)
    assert client.post("/boards/redcross/enabled", data={"enabled": "1"}).status_code == 302
    page = client.get("/boards/redcross/")
    assert page.status_code == 200 and "红十字会募捐板块" in page.get_data(as_text=True)
    app.extensions["carematch"].engine.dispose()
    for name in [m for m in sys.modules if m.startswith("carematch_redcross")]:
        del sys.modules[name]


def test_board_blueprint_names_must_equal_the_board_key(database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    class Mismatch:
        info = BoardInfo("mismatch", "错", "Mismatch", "x", "x", "care")

        @hookimpl
        def board_info(self):  # type: ignore[no-untyped-def]
            return self.info

        @hookimpl
        def register_blueprints(self):  # type: ignore[no-untyped-def]
            return [board_blueprint(BoardInfo("other", "x", "x", "x", "x", "care"), __name__)]

    with pytest.raises(RuntimeError, match="must be the board key"):
        create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t",
                    "AUTO_MIGRATE": False}, extra_plugins=[("mismatch", Mismatch())])
