"""Security tests: the user-admin and OpenAPI blueprints are registered here until core/app.py does."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _security_blueprints(request: pytest.FixtureRequest) -> None:
    # Only for tests that use the app: the backup drills make their own scratch databases and
    # must not pull in the suite's template (on PostgreSQL that resets the shared test schema).
    if "app" not in request.fixturenames:
        return
    from core import openapi, users

    app: Any = request.getfixturevalue("app")
    for blueprint in (users.bp, openapi.bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: property-based API fuzzing from the OpenAPI document (deselect with -m 'not fuzz')")
