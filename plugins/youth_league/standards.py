"""Default standards of the Youth League board (团市委): age limits and visit cadence.

Age limits are national rules (region "000000"): a left-behind child is under 16 (S9
§1, 国发〔2016〕13号); a child under 8 must not be left unattended (S12 Art. 21). The
visit cadence by risk tier (high weekly, key monthly, general quarterly) follows the
Inner Mongolia example tiering in domain-rules §7.2 [L-other]: national texts say only
"regularly", so the days are example values to be set locally.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.api import StandardRecord

EFFECTIVE_FROM = dt.date(2020, 1, 1)
EXAMPLE = "示例值, 请替换为本地标准 (example value, replace with the local standard)"


def _record(key: str, value: str, unit: str, note: str, region: str) -> StandardRecord:
    return StandardRecord(f"youth_league.{key}", region, "all", Decimal(value), unit, EFFECTIVE_FROM, None, note)


DEFAULT_STANDARDS: list[StandardRecord] = [
    _record("left_behind_age_limit", "16", "years", "留守儿童: 未满16周岁 (left-behind child: under 16), 国发〔2016〕13号 §1 (S9)", "000000"),
    _record("unattended_age_limit", "8", "years", "未满8周岁不得无人看护 (under 8 must not be left unattended), 未成年人保护法 Art. 21 (S12)", "000000"),
    _record("visit_days_high", "7", "days", f"高风险至少每周探访 (high risk: at least weekly), domain-rules §7.2 [L-other]; {EXAMPLE}", "230600"),
    _record("visit_days_key", "30", "days", f"重点至少每月探访 (key: at least monthly), domain-rules §7.2 [L-other]; {EXAMPLE}", "230600"),
    _record("visit_days_general", "90", "days", f"一般至少每季度探访 (general: at least quarterly), domain-rules §7.2 [L-other]; {EXAMPLE}", "230600"),
]

# What staff call each standard: shown beside the figure in explanations and on the standards page.
STANDARD_NAMES: dict[str, tuple[str, str]] = {
    "youth_league.left_behind_age_limit": ("留守儿童年龄上限", "left-behind child age limit"),
    "youth_league.unattended_age_limit": ("不得无人看护年龄", "age below which a child must not be alone"),
    "youth_league.visit_days_high": ("高风险探访间隔", "visit interval, high risk"),
    "youth_league.visit_days_key": ("重点探访间隔", "visit interval, key"),
    "youth_league.visit_days_general": ("一般探访间隔", "visit interval, general"),
}
