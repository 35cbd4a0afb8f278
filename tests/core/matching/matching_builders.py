"""Small instance builders shared by the matcher tests."""

from __future__ import annotations

import copy
from typing import Any

KM_PER_DEG_LAT = 6371.0 * 3.141592653589793 / 180.0
BASE_LAT, BASE_LON = 46.60, 125.02


def north(km: float) -> float:
    """Latitude `km` north of the base point (haversine along a meridian is exact)."""
    return BASE_LAT + km / KM_PER_DEG_LAT


def volunteer(vid: str, **overrides: Any) -> dict[str, Any]:
    """A volunteer 1 km north of the base, allowed for the default recipient."""
    record = {"id": vid, "lat": north(1.0), "lon": BASE_LON, "gender": "F",
              "skills": ["grief_counselling"], "background_check": True, "languages": ["zh"],
              "slots": ["mon_am", "sat_pm"], "capacity": 1, "max_km": 15.0}
    record.update(overrides)
    return record


def recipient(rid: str, **overrides: Any) -> dict[str, Any]:
    """A single recipient at the base point."""
    record = {"id": rid, "category": "bereaved_family", "lat": BASE_LAT, "lon": BASE_LON, "risk": 3,
              "required_skills": ["grief_counselling"], "needs_background_check": False,
              "gender_pref": None, "gender_hard": False, "languages": [], "language_hard": False,
              "slots": ["mon_am"], "min_common_slots": 1, "volunteers_needed": 1,
              "current_volunteers": [], "excluded_volunteers": []}
    record.update(overrides)
    return record


def instance_doc(volunteers: list[dict], recipients: list[dict], **params: Any) -> dict[str, Any]:
    """A carematch.instance/1 document."""
    return {"format": "carematch.instance/1", "params": copy.deepcopy(params),
            "volunteers": volunteers, "recipients": recipients}
