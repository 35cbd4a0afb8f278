"""The information pre-check (信息初判): the assessment service's findings, as the JSON stored
with the case, or a refusal the case page can show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from core import assessing
from core import assessment as engine
from core.assessing import enabled_programmes, snapshot_of, standards_table
from core.plugins import BoardHost

__all__ = ["assess_household", "snapshot_of", "standards_table"]


def assess_household(session: Session, boards: BoardHost, household_id: int, on: dt.date) -> list[dict[str, Any]]:
    """Run every enabled board's programmes on the household; the findings as JSON records."""
    if not enabled_programmes(session, boards):
        return []
    try:
        result = assessing.assess_household(session, boards, household_id, on)
    except (engine.MissingStandard, engine.SnapshotError) as exc:
        # The engine never guesses (a missing standard is not "not eligible"): the step is
        # refused with the engine's own bilingual message, and nothing is stored.
        from core.casework.services import TransitionError

        raise TransitionError(f"信息初判无法完成: {exc}", f"the pre-check could not run: {exc}") from None
    return [finding.to_json() for finding in result.findings]
