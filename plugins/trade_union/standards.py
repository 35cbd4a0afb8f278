"""Default standards of the trade-union board (市总工会): all assumptions, to be replaced.

No national rule sets who is a hardship employee (困难职工) or how much the union pays:
each union federation sets its own rules. Every figure below is therefore an
assumption chosen so the rules can run, labelled as such in its source note, and must
be replaced by the Daqing federation's own figures. The income threshold is expressed
as a multiple of the civil-affairs dibao standard (cross-read of
``civil_affairs.dibao_standard``), which is how many local federations define it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.api import StandardRecord

EFFECTIVE_FROM = dt.date(2020, 1, 1)
CITY = "230600"
EXAMPLE = "示例值, 请替换为本地标准 (example value, replace with the local standard)"


def _assumption(key: str, value: str, unit: str, why: str) -> StandardRecord:
    note = f"假设值, 无国家规定, 由市总工会确定 (assumption: no national rule, the city federation sets it): {why}; {EXAMPLE}"
    return StandardRecord(f"trade_union.{key}", CITY, "all", Decimal(value), unit, EFFECTIVE_FROM, None, note)


DEFAULT_STANDARDS: list[StandardRecord] = [
    _assumption("hardship_income_multiplier", "1.5", "ratio", "家庭人均收入低于1.5倍当地低保标准为困难职工家庭 (per-capita income below 1.5 × the dibao standard)"),
    _assumption("medical_hardship_ratio", "0.5", "ratio", "近12个月医疗自付超过家庭年收入一半视为因病致困 (12-month medical spending above half the yearly income)"),
    _assumption("education_hardship_ratio", "0.3", "ratio", "近12个月教育支出超过家庭年收入30%视为因学致困 (12-month education spending above 30 % of yearly income)"),
    _assumption("event_window_days", "180", "days", "灾害、意外发生后180天内可申请 (apply within 180 days of a disaster or accident)"),
    _assumption("hardship_relief", "1000", "yuan", "困难职工生活救助每户1000元 (hardship relief 1000 yuan per household)"),
    _assumption("education_grant_high_school", "2000", "yuan", "困难职工子女升入高中(中职)助学2000元 (grant for a child entering high school)"),
    _assumption("education_grant_university", "5000", "yuan", "困难职工子女升入大学助学5000元 (grant for a child entering university)"),
    _assumption("education_grant_window_months", "12", "months", "入学12个月内 (within 12 months of starting)"),
    _assumption("medical_relief_deductible", "5000", "yuan", "医疗自付超过5000元部分 (out-of-pocket medical costs above 5000 yuan)"),
    _assumption("medical_relief_share", "0.5", "ratio", "按50%救助 (half of the excess is paid)"),
    _assumption("medical_relief_cap", "20000", "yuan", "医疗救助每年最高20000元 (at most 20000 yuan a year)"),
    _assumption("festival_visit", "500", "yuan", "'两节'送温暖慰问金每户500元 (festival visit 500 yuan per household)"),
    _assumption("district_approval_limit", "2000", "yuan", "区县总工会可审批2000元以内, 超过报市总工会 (district federations approve up to 2000, above goes to the city)"),
]

# What staff call each standard: shown beside the figure in explanations and on the standards page.
STANDARD_NAMES: dict[str, tuple[str, str]] = {
    "trade_union.hardship_income_multiplier": ("困难职工收入线倍数", "hardship income line multiple"),
    "trade_union.medical_hardship_ratio": ("因病致困支出比例", "medical hardship spending ratio"),
    "trade_union.education_hardship_ratio": ("因学致困支出比例", "schooling hardship spending ratio"),
    "trade_union.event_window_days": ("致困事件有效天数", "days a hardship event counts"),
    "trade_union.hardship_relief": ("困难职工救助金", "hardship relief"),
    "trade_union.education_grant_high_school": ("金秋助学金(高中)", "education grant (high school)"),
    "trade_union.education_grant_university": ("金秋助学金(大学)", "education grant (university)"),
    "trade_union.education_grant_window_months": ("助学金申请期限", "months to apply for a grant"),
    "trade_union.medical_relief_deductible": ("医疗救助起付线", "medical relief deductible"),
    "trade_union.medical_relief_share": ("医疗救助比例", "medical relief share"),
    "trade_union.medical_relief_cap": ("医疗救助封顶线", "medical relief cap"),
    "trade_union.festival_visit": ("节日慰问金", "festival visit gift"),
    "trade_union.district_approval_limit": ("区县工会审批额度", "district union approval limit"),
}
