"""Fixtures for the scheduler tests: a controllable clock, the platform, the mounted blueprint,
and a throw-away board (``sched_test``) for the hook and enable/disable tests."""

from __future__ import annotations

from typing import Any

import pytest
from scheduler_builders import DAY, SchedTestBoard

from core.scheduler.clock import CONFIG_KEY, FixedClock


@pytest.fixture
def with_test_board(request: pytest.FixtureRequest) -> None:
    """Request before ``app``: installs the throw-away board ``sched_test`` (disabled)."""
    request.node.extra_plugins = [("sched_test", SchedTestBoard())]


@pytest.fixture
def clock(app: Any) -> FixedClock:
    """The platform's clock, standing on ``DAY`` until a test moves it."""
    fixed = FixedClock(DAY)
    app.config[CONFIG_KEY] = fixed
    return fixed


@pytest.fixture
def platform(app: Any) -> Any:
    return app.extensions["carematch"]


@pytest.fixture
def mounted(app: Any) -> Any:
    """Register the scheduler blueprint until the integrator wires it into core.app."""
    if "scheduler" not in app.blueprints:
        from core.scheduler.views import bp

        app.register_blueprint(bp)
    return app
