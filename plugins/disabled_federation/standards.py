"""Default standards of the disabled persons' federation board (市残联): assumptions to replace.

The "two subsidies" (困难残疾人生活补贴, 重度残疾人护理补贴) follow 国发〔2015〕52号
(domain-rules §8.3, full text not found); the amounts are set by the province or city.
The reports give no figure, so every value below is a labelled assumption.

Cross-reads (not defined here): ``civil_affairs.dibao_standard`` and
``civil_affairs.marginal_income_multiplier`` decide whether a household is a dibao or
low-income household.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.api import StandardRecord

EFFECTIVE_FROM = dt.date(2020, 1, 1)
CITY = "230600"
EXAMPLE = "示例值, 请替换为本地标准 (example value, replace with the local standard)"


def _assumption(key: str, value: str, unit: str, why: str) -> StandardRecord:
    note = f"假设值, 报告中无此数 (assumption, no figure in the reports): {why}; 国发〔2015〕52号 [U]; {EXAMPLE}"
    return StandardRecord(f"disabled_federation.{key}", CITY, "all", Decimal(value), unit, EFFECTIVE_FROM, None, note)


DEFAULT_STANDARDS: list[StandardRecord] = [
    _assumption("living_subsidy_monthly", "80", "yuan/month", "困难残疾人生活补贴每人每月80元 (living subsidy 80 yuan per person a month)"),
    _assumption("nursing_subsidy_monthly", "80", "yuan/month", "重度残疾人护理补贴每人每月80元 (nursing subsidy 80 yuan per person a month)"),
    _assumption("rehabilitation_cap", "3000", "yuan", "康复训练费用每人每年最高补助3000元 (rehabilitation costs reimbursed up to 3000 yuan a year)"),
    _assumption("assistive_device_cap", "2000", "yuan", "辅助器具适配每人最高2000元 (assistive devices up to 2000 yuan per person)"),
]

# What staff call each standard: shown beside the figure in explanations and on the standards page.
STANDARD_NAMES: dict[str, tuple[str, str]] = {
    "disabled_federation.living_subsidy_monthly": ("困难残疾人生活补贴", "living subsidy"),
    "disabled_federation.nursing_subsidy_monthly": ("重度残疾人护理补贴", "nursing subsidy"),
    "disabled_federation.rehabilitation_cap": ("康复补助上限", "rehabilitation cap"),
    "disabled_federation.assistive_device_cap": ("辅助器具补助上限", "assistive device cap"),
}
