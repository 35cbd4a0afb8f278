"""Per-board matching settings: objective weights and caps, with the spec's defaults.

A board without a ``match_setting`` row uses the defaults of spec/matching.md
("Objective"); saving writes the row (optimistic locking: a stale form is refused).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.matchruns.models import MatchSetting
from core.models import AuditEvent

DEFAULT_WEIGHTS: dict[str, Any] = {
    "risk": {"1": 100, "2": 300, "3": 1000},
    "km": 2,
    "continuity": 150,
    "gender_pref": 40,
    "language_pref": 40,
}
DEFAULT_MAX_KM = 15.0


class SettingsError(ValueError):
    """A weight or cap is malformed; the message names the field."""


@dataclass(frozen=True)
class BoardSettings:
    """A board's weights (``carematch.instance/1`` "params.weights" shape) and caps."""

    board: str
    weights: Mapping[str, Any] = field(default_factory=lambda: normalise_weights({}))
    max_km: float = DEFAULT_MAX_KM
    capacity_cap: int | None = None
    version: int = 0  # 0: defaults, no row yet


def normalise_weights(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """Complete ``raw`` with the defaults and check every value (SettingsError if bad)."""
    raw = dict(raw or {})
    unknown = set(raw) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise SettingsError(f"unknown weight(s): {', '.join(sorted(unknown))}")
    risk_raw = dict(raw.get("risk") or {})
    bad_levels = {str(k) for k in risk_raw} - {"1", "2", "3"}
    if bad_levels:
        raise SettingsError(f"risk levels are 1, 2 and 3, not {', '.join(sorted(bad_levels))}")
    risk = {level: _int(risk_raw.get(level, risk_raw.get(int(level), DEFAULT_WEIGHTS["risk"][level])),
                        f"risk.{level}", minimum=0)
            for level in ("1", "2", "3")}
    return {
        "risk": risk,
        "km": _number(raw.get("km", DEFAULT_WEIGHTS["km"]), "km", minimum=0),
        "continuity": _int(raw.get("continuity", DEFAULT_WEIGHTS["continuity"]), "continuity", minimum=0),
        "gender_pref": _int(raw.get("gender_pref", DEFAULT_WEIGHTS["gender_pref"]), "gender_pref", minimum=0),
        "language_pref": _int(raw.get("language_pref", DEFAULT_WEIGHTS["language_pref"]), "language_pref",
                              minimum=0),
    }


def _number(value: Any, name: str, *, minimum: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{name}: expected a number, got {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(number) or number < minimum:
        raise SettingsError(f"{name}: must be a number >= {minimum}, got {value!r}")
    # keep integers integral so the stored JSON reads like the spec
    return int(number) if number.is_integer() else number


def _int(value: Any, name: str, *, minimum: int) -> int:
    number = _number(value, name, minimum=minimum)
    if not float(number).is_integer():
        raise SettingsError(f"{name}: expected a whole number, got {value!r}")
    return int(number)


def get_settings(session: Session, board: str) -> BoardSettings:
    """The stored settings of ``board``, or the spec's defaults."""
    row = session.get(MatchSetting, board)
    if row is None:
        return BoardSettings(board=board)
    return BoardSettings(board=board, weights=normalise_weights(row.weights), max_km=row.max_km,
                         capacity_cap=row.capacity_cap, version=row.version)


def all_settings(session: Session, boards: list[str] | tuple[str, ...]) -> dict[str, BoardSettings]:
    """Settings for each board in ``boards`` (defaults where none are stored)."""
    stored = {r.board: r for r in session.execute(select(MatchSetting).where(MatchSetting.board.in_(boards))).scalars()}
    return {
        b: (BoardSettings(b, normalise_weights(stored[b].weights), stored[b].max_km, stored[b].capacity_cap,
                          stored[b].version) if b in stored else BoardSettings(b))
        for b in boards
    }


def save_settings(session: Session, board: str, *, weights: Mapping[str, Any], max_km: Any,
                  capacity_cap: Any, expected_version: int, user_id: int | None) -> BoardSettings:
    """Validate and store a board's settings; the caller commits.

    ``expected_version`` is the version the form was built from; if someone saved
    in between, SettingsError asks to reload (no lost update).
    """
    clean = normalise_weights(weights)
    cap_km = float(_number(max_km, "max_km", minimum=0))
    cap = None if capacity_cap in (None, "") else _int(capacity_cap, "capacity_cap", minimum=1)
    row = session.get(MatchSetting, board)
    current = row.version if row is not None else 0
    if current != expected_version:
        raise SettingsError("the settings were changed by someone else since the form was opened; reload")
    if row is None:
        row = MatchSetting(board=board)
        session.add(row)
    row.weights, row.max_km, row.capacity_cap = clean, cap_km, cap
    row.updated_at, row.updated_by = utcnow(), user_id
    session.add(AuditEvent(user_id=user_id, action="match_settings", object_type="match_setting", object_id=board))
    session.flush()
    return BoardSettings(board, clean, cap_km, cap, row.version)
