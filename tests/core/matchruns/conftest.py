"""Fixtures for the match-run tests (builders live in matchruns_builders.py)."""

from __future__ import annotations

from typing import Any

import pytest
from matchruns_builders import Maker


@pytest.fixture
def make(session: Any) -> Maker:
    return Maker(session)


@pytest.fixture
def platform(app: Any) -> Any:
    return app.extensions["carematch"]
