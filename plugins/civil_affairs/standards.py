"""Default standards of the civil-affairs board (市民政局): example values to be replaced.

Every figure below is data, not code: the dibao standard, special-hardship (特困)
standards, subsidies and approval limits are set by the province or the districted
city (S1 Art. 10, 49; domain-rules §0). The figures come from the Changchun Erdao
report (seeds/004, 2020) and ship only as examples labelled "示例值, 请替换为本地标准";
no Daqing figure was found (domain-rules §1.8). Figures marked "假设值 (assumption)"
have no source in the reports: they are placeholders chosen so the rules can run and
must be set locally before use. National rule numbers (the 1.5 × marginal multiplier,
the age limits of S6 Art. 5, the CPI triggers) are region "000000".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.api import StandardRecord

EFFECTIVE_FROM = dt.date(2020, 1, 1)
CITY = "230600"  # 大庆市
NATIONAL = "000000"
EXAMPLE = "示例值, 请替换为本地标准 (example value, replace with the local standard)"
ERDAO = "长春市二道区民政局报告 2020 (seeds/004, Erdao civil-affairs report 2020)"


def _record(key: str, value: str, unit: str, note: str, *, area: str = "all", region: str = CITY) -> StandardRecord:
    return StandardRecord(f"civil_affairs.{key}", region, area, Decimal(value), unit, EFFECTIVE_FROM, None, note)


def _assumption(why: str) -> str:
    return f"假设值, 报告中无此数 (assumption, no figure in the reports): {why}; {EXAMPLE}"


DEFAULT_STANDARDS: list[StandardRecord] = [
    # --- minimum living allowance (低保), S1 Art. 9-12, S2 ---
    _record("dibao_standard", "710", "yuan/month", f"城市低保月保障标准710元, {ERDAO}; S1 Art. 10; {EXAMPLE}", area="urban"),
    _record("dibao_standard", "6000", "yuan/year", f"农村低保年保障标准6000元(=500元/月), {ERDAO}; S1 Art. 10; {EXAMPLE}", area="rural"),
    _record(
        "marginal_income_multiplier", "1.5", "ratio",
        "低保边缘家庭: 人均收入低于低保标准1.5倍 (marginal household: per-capita income below 1.5 × the dibao standard), "
        "S2 Art. 8; S3 §1(4); national rule",
        region=NATIONAL,
    ),
    _record(
        "asset_limit_months_of_standard", "24", "months",
        _assumption("人均可计资产不超过24个月低保标准 (countable assets per member at most 24 months of the dibao standard); S2 Art. 14 leaves the limit local"),
    ),
    _record(
        "rigid_deduction_share", "1", "ratio",
        _assumption("残疾、重病成员的医疗康复刚性支出按月全额核减收入 (disability/illness medical and rehabilitation spending deducted in full, per month); S2 Art. 13 last paragraph"),
    ),
    _record("adult_age", "18", "years", "成年年龄 (age of majority), 民法典 Art. 17; S3 §1(1) adults with severe disability", region=NATIONAL),
    _record(
        "grace_period_max_months", "6", "months",
        "渐退期原则上不超过6个月 (grace period in principle at most 6 months), S2 Art. 33; S3 §1(3); national cap",
        region=NATIONAL,
    ),
    # --- special-hardship support (特困), S6 ---
    _record("tekun_basic_monthly", "1130", "yuan/month", f"城市特困基本生活标准1130元/月, {ERDAO}; S1 Art. 15; {EXAMPLE}", area="urban"),
    _record("tekun_basic_monthly", "860", "yuan/month", f"农村特困基本生活标准860元/月, {ERDAO}; S1 Art. 15; {EXAMPLE}", area="rural"),
    _record("tekun_care_self_care_monthly", "178", "yuan/month", f"照料护理标准最低档178元/月(生活自理), {ERDAO}; S6 Art. 20-23; {EXAMPLE}"),
    _record(
        "tekun_care_partial_monthly", "356", "yuan/month",
        _assumption(f"报告只给出178-712元区间, 部分丧失档取356元 (the report gives only the range 178-712; partial tier set to 356); {ERDAO}"),
    ),
    _record("tekun_care_full_monthly", "712", "yuan/month", f"照料护理标准最高档712元/月(完全丧失), {ERDAO}; S6 Art. 20-23; {EXAMPLE}"),
    _record("tekun_elderly_age", "60", "years", "年满60周岁视为无劳动能力 (aged 60 or over: no labour capacity), S6 Art. 5", region=NATIONAL),
    _record("tekun_minor_age", "16", "years", "未满16周岁视为无劳动能力 (under 16: no labour capacity), S6 Art. 5", region=NATIONAL),
    _record(
        "tekun_minor_cover_age", "18", "years",
        "未成年特困人员供养至18周岁, 在校可延续 (minors covered to 18, longer while in school), S6 Art. 24 ¶2; S4 item 5",
        region=NATIONAL,
    ),
    _record(
        "self_care_full_loss_min_failed", "4", "count",
        "六项指标中4项及以上不能达到为完全丧失生活自理能力 (4 or more of the six items failed: wholly unable), S6 Art. 21",
        region=NATIONAL,
    ),
    # --- temporary assistance (临时救助), S1 Art. 47-49, S7 ---
    _record("temporary_township_limit", "1000", "yuan", f"乡镇(街道)临时救助审批额度1000元, {ERDAO}; S7 §2(2); {EXAMPLE}"),
    _record(
        "temporary_county_limit", "10000", "yuan",
        _assumption("超过此额由县级困难群众基本生活保障协调机制一事一议 (above this, the county coordination mechanism decides case by case); S4 item 15; S7 §2(3)"),
    ),
    _record(
        "temporary_emergency_months", "3", "months",
        _assumption("急难型救助额 = 低保标准 × 人数 × 3个月 (emergency amount = dibao standard × members × 3 months); S7 §2(3) links amounts to the dibao standard"),
    ),
    _record(
        "temporary_expenditure_max_months", "6", "months",
        _assumption("支出型救助上限 = 低保标准 × 人数 × 6个月 (expenditure-type cap = dibao standard × members × 6 months); S7 §2(3)"),
    ),
    _record(
        "temporary_lookback_months", "3", "months",
        _assumption("支出型: 近3个月的突发必需支出 (expenditure type: sudden necessary spending in the last 3 months); S7 §2(1)"),
    ),
    _record(
        "temporary_event_window_days", "90", "days",
        _assumption("急难事件发生90天内可先行救助 (assistance first within 90 days of the emergency); S7 §2(2)"),
    ),
    _record(
        "temporary_paperwork_days", "10", "days",
        _assumption("先行救助后10天内补办手续 (paperwork completed within 10 days after assistance first); S7 §2(2), S8 §4(3)"),
    ),
    _record(
        "temporary_stages", "3", "count",
        _assumption("超过乡镇额度的支出型救助分3期发放 (expenditure-type amounts above the township limit paid in 3 stages); S4 item 15 一次审批、分阶段救助"),
    ),
    _record(
        "per_capita_disposable_income_last_year", "30945", "yuan/year",
        _assumption("上年城镇居民人均可支配收入, 取黑龙江省2019年约数, 未核实 (last year's urban per-capita disposable income, roughly Heilongjiang 2019, unverified); S5 Art. 4; S7 §2(1)"),
        area="urban",
    ),
    _record(
        "per_capita_disposable_income_last_year", "14982", "yuan/year",
        _assumption("上年农村居民人均可支配收入, 取黑龙江省2019年约数, 未核实 (last year's rural per-capita disposable income, roughly Heilongjiang 2019, unverified); S5 Art. 4; S7 §2(1)"),
        area="rural",
    ),
    # --- rigid-expenditure households (刚性支出困难家庭), S5 ---
    _record(
        "rigid_expenditure_ratio", "0.5", "ratio",
        _assumption("近12个月刚性支出占家庭总收入比例超过0.5 (12-month rigid spending above 0.5 × household income); S5 Art. 4(4) leaves the ratio local"),
    ),
    # --- subsidies (domain-rules §6) ---
    _record("electricity_kwh_monthly", "10", "kWh/month", f"城市低保、特困每月10千瓦时电费补贴, {ERDAO}; {EXAMPLE}", area="urban"),
    _record("water_t_monthly", "5", "t/month", f"城市低保、特困每月5吨水费补贴, {ERDAO}; {EXAMPLE}", area="urban"),
    _record("gas_subsidy_monthly", "14", "yuan/month", f"城市低保、特困每月14元燃气费补贴, {ERDAO}; {EXAMPLE}", area="urban"),
    _record("heating_max_area_m2", "60", "m2", f"集中供热最高60平方米热费补贴, {ERDAO}; S8 §4(5); {EXAMPLE}", area="urban"),
    _record(
        "heating_price_per_m2", "25", "yuan/m2",
        _assumption("集中供热单价25元/平方米·采暖期 (central heating price per m² per season); set the local tariff"),
        area="urban",
    ),
    _record("self_heating_min", "380", "yuan", f"自行取暖热费补贴380元(下限), {ERDAO}; {EXAMPLE}", area="urban"),
    _record("self_heating_max", "660", "yuan", f"自行取暖热费补贴660元(上限), {ERDAO}; {EXAMPLE}", area="urban"),
    _record(
        "card_subsidy_one_category_monthly", "25", "yuan/month",
        f"分类施保惠民卡补贴下限25元/户·月, {ERDAO}; {EXAMPLE}; "
        "假设: 一类分类施保对象取下限 (assumption: households with one classified category get the lower figure)",
    ),
    _record(
        "card_subsidy_several_categories_monthly", "50", "yuan/month",
        f"分类施保惠民卡补贴上限50元/户·月, {ERDAO}; {EXAMPLE}; "
        "假设: 两类及以上取上限 (assumption: two or more classified categories get the upper figure)",
    ),
    _record("festival_subsidy", "500", "yuan", f"'两节'生活补贴每户(人)500元, {ERDAO}; {EXAMPLE}"),
    _record("price_subsidy_monthly", "25", "yuan/month", f"价格临时补贴每人每月25元, {ERDAO}; 发改价格〔2021〕1553号; {EXAMPLE}"),
    _record(
        "price_trigger_cpi", "3.5", "percent",
        "居民消费价格指数同比涨幅达到3.5%启动 (CPI year on year ≥ 3.5 % triggers), 发改价格〔2021〕1553号 [U: news reprints]",
        region=NATIONAL,
    ),
    _record(
        "price_trigger_food_cpi", "6", "percent",
        "食品价格指数同比涨幅达到6%启动 (food CPI year on year ≥ 6 % triggers), 发改价格〔2021〕1553号 [U: news reprints]",
        region=NATIONAL,
    ),
    _record(
        "cpi_yoy", "2.5", "percent",
        "当月居民消费价格指数同比涨幅, 由管理员每月录入 (this month's CPI year on year, entered monthly by an administrator); " + EXAMPLE,
    ),
    _record(
        "food_cpi_yoy", "4", "percent",
        "当月食品价格指数同比涨幅, 由管理员每月录入 (this month's food CPI year on year, entered monthly by an administrator); " + EXAMPLE,
    ),
    _record(
        "medical_insurance_contribution", "280", "yuan/year",
        _assumption("城乡居民医保个人缴费标准, 2020年全国最低280元, 未核实 (residents' medical insurance individual contribution, 2020 national minimum 280, unverified); 全额资助参保 per the Erdao report"),
    ),
    _record(
        "education_grant_high_school", "5000", "yuan",
        f"升入高中助学金5000元(区间下限), {ERDAO} '幸福长春·圆梦助学'; {EXAMPLE}; 假设: 高中取下限 (assumption: high school gets the lower figure)",
    ),
    _record(
        "education_grant_university", "10000", "yuan",
        f"升入大学助学金10000元(区间上限), {ERDAO}; {EXAMPLE}; 假设: 大学取上限 (assumption: university gets the upper figure)",
    ),
    _record(
        "education_grant_window_months", "12", "months",
        _assumption("入学12个月内可申请 (apply within 12 months of starting the level)"),
    ),
]

# What staff call each standard: shown beside the figure in explanations and on the standards page.
STANDARD_NAMES: dict[str, tuple[str, str]] = {
    "civil_affairs.dibao_standard": ("低保标准", "dibao standard"),
    "civil_affairs.marginal_income_multiplier": ("低保边缘家庭收入倍数", "marginal household income multiple"),
    "civil_affairs.asset_limit_months_of_standard": ("财产限额(低保标准月数)", "asset limit in months of the standard"),
    "civil_affairs.rigid_deduction_share": ("刚性支出扣减比例", "share of rigid spending deducted"),
    "civil_affairs.adult_age": ("成年年龄", "age of majority"),
    "civil_affairs.grace_period_max_months": ("渐退期上限", "longest grace period"),
    "civil_affairs.tekun_basic_monthly": ("特困人员基本生活标准", "特困 basic living standard"),
    "civil_affairs.tekun_care_self_care_monthly": ("照料护理标准(生活自理)", "care standard (self-care)"),
    "civil_affairs.tekun_care_partial_monthly": ("照料护理标准(部分丧失自理)", "care standard (partly unable)"),
    "civil_affairs.tekun_care_full_monthly": ("照料护理标准(完全丧失自理)", "care standard (wholly unable)"),
    "civil_affairs.tekun_elderly_age": ("特困老年年龄", "特困 elderly age"),
    "civil_affairs.tekun_minor_age": ("特困未成年年龄", "特困 minor age"),
    "civil_affairs.tekun_minor_cover_age": ("未成年特困供养年龄", "age to which a minor stays covered"),
    "civil_affairs.self_care_full_loss_min_failed": ("完全丧失自理的未达项数", "failed items for wholly unable"),
    "civil_affairs.temporary_township_limit": ("乡镇(街道)临时救助审批额度", "town/street temporary assistance limit"),
    "civil_affairs.temporary_county_limit": ("县级临时救助审批额度", "county temporary assistance limit"),
    "civil_affairs.temporary_emergency_months": ("急难型救助月数", "months of emergency assistance"),
    "civil_affairs.temporary_expenditure_max_months": ("支出型救助上限月数", "most months of expenditure assistance"),
    "civil_affairs.temporary_lookback_months": ("支出型救助追溯月数", "months of spending looked back on"),
    "civil_affairs.temporary_event_window_days": ("急难事件有效天数", "days an emergency counts"),
    "civil_affairs.temporary_paperwork_days": ("先行救助补办手续天数", "days to complete the paperwork"),
    "civil_affairs.temporary_stages": ("分期发放期数", "payment stages"),
    "civil_affairs.per_capita_disposable_income_last_year": ("上年人均可支配收入", "last year's per-capita disposable income"),
    "civil_affairs.rigid_expenditure_ratio": ("刚性支出占收入比例", "rigid spending to income ratio"),
    "civil_affairs.electricity_kwh_monthly": ("电费补贴度数", "electricity allowance"),
    "civil_affairs.water_t_monthly": ("水费补贴吨数", "water allowance"),
    "civil_affairs.gas_subsidy_monthly": ("燃气费补贴", "gas subsidy"),
    "civil_affairs.heating_max_area_m2": ("热费补贴最高面积", "largest heated area subsidised"),
    "civil_affairs.heating_price_per_m2": ("集中供热单价", "central heating price"),
    "civil_affairs.self_heating_min": ("自行取暖补贴下限", "self-heating subsidy, lowest"),
    "civil_affairs.self_heating_max": ("自行取暖补贴上限", "self-heating subsidy, highest"),
    "civil_affairs.card_subsidy_one_category_monthly": ("惠民卡补贴(一类)", "card subsidy (one category)"),
    "civil_affairs.card_subsidy_several_categories_monthly": ("惠民卡补贴(多类)", "card subsidy (several categories)"),
    "civil_affairs.festival_subsidy": ("两节生活补贴", "festival subsidy"),
    "civil_affairs.price_subsidy_monthly": ("价格临时补贴", "price-linked subsidy"),
    "civil_affairs.price_trigger_cpi": ("价格联动启动条件(CPI)", "price link trigger (CPI)"),
    "civil_affairs.price_trigger_food_cpi": ("价格联动启动条件(食品CPI)", "price link trigger (food CPI)"),
    "civil_affairs.cpi_yoy": ("当月CPI同比涨幅", "this month's CPI year on year"),
    "civil_affairs.food_cpi_yoy": ("当月食品CPI同比涨幅", "this month's food CPI year on year"),
    "civil_affairs.medical_insurance_contribution": ("医保个人缴费标准", "medical insurance contribution"),
    "civil_affairs.education_grant_high_school": ("圆梦助学金(高中)", "education grant (high school)"),
    "civil_affairs.education_grant_university": ("圆梦助学金(大学)", "education grant (university)"),
    "civil_affairs.education_grant_window_months": ("助学金申请期限", "months to apply for a grant"),
}
