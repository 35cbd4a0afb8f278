"""The Flask application factory: configuration, database, plugin host, i18n, login, CSRF, pages."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

from flask import Flask, abort, g, request, session
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.routing import IntegerConverter

from core import migrate
from core.db import make_engine, make_session_factory
from core.plugins import BoardHost, get_plugin_manager

LOCALES = ("zh", "en")


class RowIdConverter(IntegerConverter):
    """``<int:…>`` limited to the range of the INTEGER primary keys (1 … 2**31 − 1)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


class Platform:
    """What core hands to views, the CLI and jobs: engine, sessions and the board host.

    Stored on the app as ``app.extensions["carematch"]`` (Flask extension etiquette);
    there is no import-time global (aesthetics R5).
    """

    def __init__(self, engine: Engine, sessions: sessionmaker, boards: BoardHost, config: dict[str, Any]):
        self.engine = engine
        self.sessions = sessions
        self.boards = boards
        self.config = config

    def session(self) -> Session:
        return self.sessions()

    def migrate(self) -> None:
        migrate.upgrade(self.engine, self.boards)

    def needs_migration(self) -> bool:
        return migrate.pending(self.engine, self.boards)


def _default_config(instance_path: Path) -> dict[str, Any]:
    secret_file = instance_path / "secret_key"
    return {
        "DATABASE_URL": os.environ.get("CAREMATCH_DATABASE_URL")
        or f"sqlite:///{instance_path / 'carematch.sqlite3'}",
        "SECRET_KEY": os.environ.get("CAREMATCH_SECRET_KEY") or _instance_secret(secret_file),
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "AUTO_MIGRATE": True,
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead, so a long form is not lost
        # Werkzeug refuses a larger upload before spooling it; the Excel import's own
        # limit (40 MiB) then gives the user a clear message for anything below.
        "MAX_CONTENT_LENGTH": 41 * 1024 * 1024,
        # counters live in the database, so several web processes share them
        "LOGIN_RATE_LIMIT": os.environ.get("CAREMATCH_LOGIN_RATE_LIMIT", "10/minute"),
        "API_RATE_LIMIT": os.environ.get("CAREMATCH_API_RATE_LIMIT", "300/minute"),
        # ASVS §7.3: a session ends after this long without a request, and this long after login
        "SESSION_IDLE_MINUTES": float(os.environ.get("CAREMATCH_SESSION_IDLE_MINUTES", "30")),
        "SESSION_ABSOLUTE_HOURS": float(os.environ.get("CAREMATCH_SESSION_ABSOLUTE_HOURS", "12")),
        # set when the platform is served over HTTPS: secure cookies and HSTS
        "HTTPS": os.environ.get("CAREMATCH_HTTPS", "") not in ("", "0", "false", "no"),
    }


def _instance_secret(path: Path) -> str:
    # A fresh machine needs nothing configured: the first run writes a random key into
    # the instance folder (never the repository) and every later run, and every other
    # worker process starting at the same moment, uses that one key.
    from core.privacy.crypto import read_or_create_secret

    return read_or_create_secret(path)


@contextlib.contextmanager
def _instance_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on a file of the instance folder, across processes (POSIX).

    Several worker processes (gunicorn) start at once on a fresh SQLite file: one
    migrates, the others wait and then find nothing pending. Without fcntl (Windows,
    where waitress is one process) there is nobody to wait for."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def create_app(test_config: dict[str, Any] | None = None, *, extra_plugins: Iterable[tuple[str, Any]] = ()) -> Flask:
    """Build the web application.

    ``test_config`` overrides configuration (tests); ``extra_plugins`` registers
    throw-away boards as ``(name, plugin)`` pairs.
    """
    instance = Path(os.environ.get("CAREMATCH_INSTANCE", Path.cwd() / "instance")).resolve()
    if test_config and "INSTANCE_PATH" in test_config:
        instance = Path(test_config["INSTANCE_PATH"]).resolve()
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask("core", instance_path=str(instance), instance_relative_config=True)
    # Every <int:…> in a URL is a row id: one beyond a 32-bit INTEGER answers 404 before it
    # reaches PostgreSQL (which would refuse it with a server error); set before any route.
    app.url_map.converters["int"] = RowIdConverter
    app.config.from_mapping(_default_config(instance))
    if test_config:
        app.config.from_mapping(test_config)

    pm = get_plugin_manager(extra_plugins)
    boards = BoardHost(pm)
    boards.import_models()
    engine = make_engine(app.config["DATABASE_URL"])
    platform = Platform(engine, make_session_factory(engine), boards, app.config)
    app.extensions["carematch"] = platform
    if app.config["AUTO_MIGRATE"] and engine.url.get_backend_name() == "sqlite" and platform.needs_migration():
        # The embedded default is created and migrated on first run (DESIGN.md
        # "Storage"); PostgreSQL is migrated explicitly with `carematch db upgrade`.
        with _instance_lock(instance / "migrate.lock"):
            if platform.needs_migration():  # another worker may have done it meanwhile
                platform.migrate()

    translation_dirs = [str(Path(__file__).parent / "translations")]
    translation_dirs += [str(d) for b in boards.installed.values() if (d := b.translations_directory())]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_dirs)
    Babel(app, locale_selector=select_locale)
    CSRFProtect(app)

    from core import auth, headers, households, views
    from core.casework.views import bp as casework_bp
    from core.excel.views import bp as excel_bp
    from core.funds.views import bp as funds_bp
    from core.matchruns.views import bp as matchruns_bp
    from core.openapi import bp as openapi_bp
    from core.privacy.views import bp as privacy_bp
    from core.scheduler.views import bp as scheduler_bp
    from core.users import bp as users_bp
    from core.volunteering.views import bp as volunteering_bp

    headers.init_app(app)
    auth.init_app(app)
    views.init_app(app)
    households.init_app(app)
    for blueprint in (casework_bp, matchruns_bp, volunteering_bp, scheduler_bp, excel_bp, privacy_bp, funds_bp,
                      users_bp, openapi_bp):
        app.register_blueprint(blueprint)
    _register_board_blueprints(app, boards)

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        db = g.pop("db", None)
        if db is not None:
            if exc is not None:
                db.rollback()
            db.close()

    return app


def select_locale() -> str:
    # An explicit choice (the language switch) wins; otherwise Chinese, the city's
    # working language, whatever the browser says.
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else "zh"


def _register_board_blueprints(app: Flask, boards: BoardHost) -> None:
    # Flask cannot unregister a blueprint, so every installed board's blueprint is
    # mounted once and a guard answers 404 while its board is disabled (aesthetics R6/R7).
    from core.web import enabled_boards

    for key in sorted(boards.installed):
        for answer in boards.call_on(key, "register_blueprints"):
            for blueprint in answer or []:
                if blueprint.name != key:
                    raise RuntimeError(f"board {key!r} returned blueprint {blueprint.name!r}: its name must be the board key")
                app.register_blueprint(blueprint, url_prefix=f"/boards/{key}")

    @app.before_request
    def _disabled_board_is_gone() -> None:
        board = request.blueprint
        if board in boards.installed and board not in enabled_boards():
            abort(404)
