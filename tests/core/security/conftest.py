"""Security tests: the user-admin and OpenAPI blueprints are registered here until core/app.py does."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _security_blueprints(app: Any) -> None:
    from core import openapi, users

    for blueprint in (users.bp, openapi.bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: property-based API fuzzing from the OpenAPI document (deselect with -m 'not fuzz')")
