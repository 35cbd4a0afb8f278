"""Default standards of the Women's Federation board (市妇联).

The elderly age is national (老年人权益保障法 Art. 2: 60 and over). The high-risk age
80 and the visit cadence (weekly / monthly / quarterly by tier) follow the Inner
Mongolia example tiering in domain-rules §7.2 [L-other]; the recent-bereavement window
is an assumption. The left-behind age limits are read from the Youth League's
standards (``youth_league.left_behind_age_limit``, ``youth_league.unattended_age_limit``)
so both boards use one definition.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.api import StandardRecord

EFFECTIVE_FROM = dt.date(2020, 1, 1)
EXAMPLE = "示例值, 请替换为本地标准 (example value, replace with the local standard)"


def _record(key: str, value: str, unit: str, note: str, region: str = "230600") -> StandardRecord:
    return StandardRecord(f"womens_federation.{key}", region, "all", Decimal(value), unit, EFFECTIVE_FROM, None, note)


DEFAULT_STANDARDS: list[StandardRecord] = [
    _record("elderly_age", "60", "years", "老年人是指六十周岁以上的公民 (elderly: 60 and over), 老年人权益保障法 Art. 2", "000000"),
    _record("elderly_high_risk_age", "80", "years", f"80岁以上独居为高风险 (aged 80+ living alone: high risk), domain-rules §7.2 [L-other]; {EXAMPLE}"),
    _record(
        "recent_bereavement_months", "12", "months",
        f"假设值 (assumption): 子女离世12个月内为高风险 (within 12 months of the child's death: high risk); {EXAMPLE}",
    ),
    _record("visit_days_high", "7", "days", f"高风险至少每周探访 (high risk: at least weekly), domain-rules §7.2 [L-other]; {EXAMPLE}"),
    _record("visit_days_key", "30", "days", f"重点至少每月探访 (key: at least monthly), domain-rules §7.2-7.3 [L-other]; {EXAMPLE}"),
    _record("visit_days_general", "90", "days", f"一般至少每季度探访 (general: at least quarterly), domain-rules §7.2 [L-other]; {EXAMPLE}"),
]

# What staff call each standard: shown beside the figure in explanations and on the standards page.
STANDARD_NAMES: dict[str, tuple[str, str]] = {
    "womens_federation.elderly_age": ("老年人年龄", "elderly age"),
    "womens_federation.elderly_high_risk_age": ("独居高风险年龄", "high-risk age living alone"),
    "womens_federation.recent_bereavement_months": ("新近失独月数", "months a bereavement counts as recent"),
    "womens_federation.visit_days_high": ("高风险探访间隔", "visit interval, high risk"),
    "womens_federation.visit_days_key": ("重点探访间隔", "visit interval, key"),
    "womens_federation.visit_days_general": ("一般探访间隔", "visit interval, general"),
}
