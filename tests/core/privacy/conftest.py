from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest


@pytest.fixture
def privacy_app(app):  # type: ignore[no-untyped-def]
    """The app with the privacy blueprint (core/app.py registers it once wired)."""
    from core.privacy.views import bp

    if "privacy" not in app.blueprints:
        app.register_blueprint(bp)
    return app
