"""Consent records (filled in by step 4)."""

from __future__ import annotations

from typing import Any


def household_context(session: Any, viewer: Any, household: Any) -> dict[str, Any]:
    return {}
