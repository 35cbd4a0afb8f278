"""Programmes of the civil-affairs board (市民政局): dibao, 特困, temporary assistance, subsidies.

Each rule is a pure function of the household view and the standards in force on
the assessment day; every figure it compares is a standard (see ``standards.py``)
and every reason cites the rule it applies (domain-rules §1-§6, §12.3). Shared
intermediate results (the dibao income test, the per-person 特困 test) are computed
once per household and kept in ``view.memo``, so the subsidy programmes that depend
on them cost almost nothing.

Cross-reads: none; the disabled federation and the trade union read this board's
``civil_affairs.dibao_standard`` and ``civil_affairs.marginal_income_multiplier``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.api import (
    ELIGIBLE,
    NEEDS_INFORMATION,
    NOT_ELIGIBLE,
    ApprovalTier,
    Benefit,
    BenefitLine,
    Document,
    Finding,
    HouseholdView,
    Programme,
    ReasonTemplate,
    StandardsInForce,
    add_months,
    no_labour_capacity_disability,
    round_fen,
    self_care_level,
    severe_disability,
    single_person_route_disability,
    to_fen,
)

BOARD = "civil_affairs"
DIBAO = "civil_affairs.dibao"
SINGLE_PERSON = "civil_affairs.dibao_single_person"
MARGINAL = "civil_affairs.marginal_household"
TEKUN = "civil_affairs.tekun"
TEMPORARY = "civil_affairs.temporary_assistance"
RIGID = "civil_affairs.rigid_expenditure"
UTILITY = "civil_affairs.utility_subsidy"
HEATING = "civil_affairs.heating_subsidy"
CARD = "civil_affairs.card_subsidy"
FESTIVAL = "civil_affairs.festival_subsidy"
PRICE = "civil_affairs.price_subsidy"
MEDICAL_INSURANCE = "civil_affairs.medical_insurance_sponsorship"
EDUCATION = "civil_affairs.education_grant"
FOUR_BATCHES = "civil_affairs.four_batches"

# Standard keys (values live in standards.py / the standards table).
S_DIBAO = "civil_affairs.dibao_standard"
S_MARGINAL = "civil_affairs.marginal_income_multiplier"
S_ASSET_MONTHS = "civil_affairs.asset_limit_months_of_standard"
S_DEDUCTION_SHARE = "civil_affairs.rigid_deduction_share"
S_ADULT_AGE = "civil_affairs.adult_age"
S_GRACE = "civil_affairs.grace_period_max_months"
S_TEKUN_BASIC = "civil_affairs.tekun_basic_monthly"
S_CARE = {
    "self_care": "civil_affairs.tekun_care_self_care_monthly",
    "partial": "civil_affairs.tekun_care_partial_monthly",
    "full": "civil_affairs.tekun_care_full_monthly",
}
S_ELDERLY_AGE = "civil_affairs.tekun_elderly_age"
S_MINOR_AGE = "civil_affairs.tekun_minor_age"
S_MINOR_COVER_AGE = "civil_affairs.tekun_minor_cover_age"
S_FULL_LOSS = "civil_affairs.self_care_full_loss_min_failed"
S_TEMP_TOWN = "civil_affairs.temporary_township_limit"
S_TEMP_COUNTY = "civil_affairs.temporary_county_limit"
S_TEMP_EMERGENCY_MONTHS = "civil_affairs.temporary_emergency_months"
S_TEMP_MAX_MONTHS = "civil_affairs.temporary_expenditure_max_months"
S_TEMP_LOOKBACK = "civil_affairs.temporary_lookback_months"
S_TEMP_WINDOW = "civil_affairs.temporary_event_window_days"
S_TEMP_PAPERWORK = "civil_affairs.temporary_paperwork_days"
S_TEMP_STAGES = "civil_affairs.temporary_stages"
S_PCDI = "civil_affairs.per_capita_disposable_income_last_year"
S_RIGID_RATIO = "civil_affairs.rigid_expenditure_ratio"
S_ELECTRICITY = "civil_affairs.electricity_kwh_monthly"
S_WATER = "civil_affairs.water_t_monthly"
S_GAS = "civil_affairs.gas_subsidy_monthly"
S_HEAT_AREA = "civil_affairs.heating_max_area_m2"
S_HEAT_PRICE = "civil_affairs.heating_price_per_m2"
S_SELF_HEAT_MIN = "civil_affairs.self_heating_min"
S_SELF_HEAT_MAX = "civil_affairs.self_heating_max"
S_CARD_ONE = "civil_affairs.card_subsidy_one_category_monthly"
S_CARD_SEVERAL = "civil_affairs.card_subsidy_several_categories_monthly"
S_FESTIVAL = "civil_affairs.festival_subsidy"
S_PRICE = "civil_affairs.price_subsidy_monthly"
S_CPI_TRIGGER = "civil_affairs.price_trigger_cpi"
S_FOOD_TRIGGER = "civil_affairs.price_trigger_food_cpi"
S_CPI = "civil_affairs.cpi_yoy"
S_FOOD_CPI = "civil_affairs.food_cpi_yoy"
S_MEDICAL_CONTRIBUTION = "civil_affairs.medical_insurance_contribution"
S_GRANT_HIGH = "civil_affairs.education_grant_high_school"
S_GRANT_UNIVERSITY = "civil_affairs.education_grant_university"
S_GRANT_WINDOW = "civil_affairs.education_grant_window_months"

_ZERO = Decimal(0)
_TWELVE = Decimal(12)
_RIGID_DEDUCTION_KINDS = ("medical", "rehabilitation")  # S2 Art. 13: extra spending caused by disability or illness
_SUDDEN_SPENDING_KINDS = frozenset({"medical", "education", "rehabilitation"})  # S7 §2(1) expenditure type
_IN_SCHOOL_FOR_TEKUN = frozenset({"compulsory", "high_school", "vocational"})  # S6 Art. 24 ¶2
_HIGH_SCHOOL_LEVELS = frozenset({"high_school", "vocational"})
_UNIVERSITY_LEVELS = frozenset({"undergraduate"})
_GRANT_LEVELS = _HIGH_SCHOOL_LEVELS | _UNIVERSITY_LEVELS

# --- reason templates --------------------------------------------------------------------------

R = ReasonTemplate
R_MEMBERS = R(
    "civil_affairs.members_counted",
    "共同生活的家庭成员计 {size} 人",
    "{size} members living together are counted",
    "S2 Art. 7",
)
R_EXCLUDED = R(
    "civil_affairs.members_excluded",
    "不计入家庭成员: {names}",
    "not counted as members: {names}",
    "S2 Art. 7 (clergy away ≥3 years, prison, compulsory rehabilitation, declared missing)",
)
R_NO_MEMBERS = R("civil_affairs.no_members", "没有计入的共同生活家庭成员", "no member living together is counted", "S2 Art. 7")
R_INCOME = R(
    "civil_affairs.income",
    "可计收入 {income:fen} 元/月(已扣除就业成本; 另有 {exempt:fen} 元/月依规不计入)",
    "countable income {income:fen} yuan/month (net of employment costs; a further {exempt:fen} yuan/month is exempt)",
    "S2 Art. 13 (five income categories, exempt items)",
)
R_DEDUCTION = R(
    "civil_affairs.rigid_deduction",
    "残疾或重病成员近12个月医疗康复支出 {spending:fen} 元, 按月核减收入 {deduction:fen} 元",
    "medical and rehabilitation spending of {spending:fen} yuan in 12 months for members with disability or serious illness: "
    "{deduction:fen} yuan/month deducted from income",
    "S2 Art. 13 last paragraph; S4 item 11",
)
R_BELOW = R(
    "civil_affairs.dibao.below",
    "人均可计收入 {per_capita:fen} 元/月, 低于低保标准 {standard:fen} 元/月",
    "per-capita countable income {per_capita:fen} yuan/month is below the dibao standard of {standard:fen} yuan/month",
    "S1 Art. 9; S2 Art. 23",
)
R_NOT_BELOW = R(
    "civil_affairs.dibao.not_below",
    "人均可计收入 {per_capita:fen} 元/月, 不低于低保标准 {standard:fen} 元/月(须低于标准)",
    "per-capita countable income {per_capita:fen} yuan/month is not below the dibao standard of {standard:fen} yuan/month "
    "(it must be below)",
    "S1 Art. 9",
)
R_ASSETS_OK = R(
    "civil_affairs.assets_ok",
    "可计资产 {assets:fen} 元, 未超过限额 {limit:fen} 元({months} 个月标准 × {size} 人)",
    "countable assets {assets:fen} yuan are within the limit of {limit:fen} yuan ({months} months of the standard × {size})",
    "S2 Art. 14",
)
R_ASSETS_OVER = R(
    "civil_affairs.assets_over",
    "可计资产 {assets:fen} 元, 超过限额 {limit:fen} 元({months} 个月标准 × {size} 人)",
    "countable assets {assets:fen} yuan exceed the limit of {limit:fen} yuan ({months} months of the standard × {size})",
    "S2 Art. 14",
)
R_DIFFERENCE = R(
    "civil_affairs.dibao.difference",
    "差额法: 低保标准 {standard:fen} × {size} 人 − 家庭可计收入 {net:fen} 元 = {amount:fen} 元/月(即(标准 − 人均收入 {per_capita:fen}) × 人数)",
    "difference method: dibao standard {standard:fen} × {size} − household countable income {net:fen} = {amount:fen} yuan/month "
    "(that is, (standard − per-capita income {per_capita:fen}) × members)",
    "S1 Art. 12; S2 Art. 23 (difference method)",
)
R_REVIEW_6 = R(
    "civil_affairs.review_6",
    "有劳动年龄内有劳动能力的成员, 每6个月复核一次",
    "a working-age member can work: review every 6 months",
    "S2 Art. 31",
)
R_GRACE = R(
    "civil_affairs.grace",
    "在保家庭因成员就业收入超过标准, 可给予不超过 {months} 个月的渐退期",
    "an enrolled household above the standard because a member found work may get a grace period of up to {months} months",
    "S2 Art. 33; S3 §1(3)",
)
R_NEAR_RELATIVE = R(
    "civil_affairs.near_relative",
    "成员为经办人员或村(居)委会成员近亲属: 须单独登记备案, 县级入户核查",
    "a member is a near relative of the caseworker or a committee member: register and file separately; the county visits",
    "S2 Art. 11, 20",
)
R_SINGLE_HOUSEHOLD_QUALIFIES = R(
    "civil_affairs.single.household_qualifies",
    "全户符合低保条件, 无需单人保",
    "the whole household qualifies for dibao; no single-person route is needed",
    "S2 Art. 8",
)
R_SINGLE_NOT_MARGINAL = R(
    "civil_affairs.single.not_marginal",
    "家庭不属于低保边缘家庭, 且无无业重度残疾成年人",
    "the household is not a marginal household and has no jobless adult with a severe disability",
    "S2 Art. 8; S3 §1(1)",
)
R_SINGLE_NONE = R(
    "civil_affairs.single.none",
    "没有持一、二级残疾人证或三级智力、精神残疾人证或患重特大疾病的成员",
    "no member holds a grade 1-2 certificate, a grade 3 intellectual or mental certificate, or has a serious illness",
    "S2 Art. 8",
)
R_SINGLE_ROUTE = R(
    "civil_affairs.single.route",
    "{name}: {ground}, 可单独申请低保",
    "{name}: {ground_en}, may apply as a single-person household",
    "S2 Art. 8; S3 §1(1)",
)
R_SINGLE_INCOME = R(
    "civil_affairs.single.income",
    "{name} 本人可计收入 {income:fen} 元/月, {verdict} 低保标准 {standard:fen} 元/月",
    "{name}'s own countable income {income:fen} yuan/month is {verdict_en} the dibao standard of {standard:fen} yuan/month",
    "S2 Art. 8, 23",
)
R_MARGINAL_DIBAO = R(
    "civil_affairs.marginal.dibao",
    "家庭符合低保条件, 不属于低保边缘家庭",
    "the household qualifies for dibao, so it is not a marginal household",
    "S2 Art. 8",
)
R_MARGINAL_BELOW = R(
    "civil_affairs.marginal.below",
    "人均可计收入 {per_capita:fen} 元/月, 低于 {multiplier:dec} 倍低保标准 {threshold:fen} 元/月",
    "per-capita countable income {per_capita:fen} yuan/month is below {multiplier:dec} × the dibao standard = {threshold:fen} yuan/month",
    "S2 Art. 8; S3 §1(4)",
)
R_MARGINAL_NOT_BELOW = R(
    "civil_affairs.marginal.not_below",
    "人均可计收入 {per_capita:fen} 元/月, 不低于 {multiplier:dec} 倍低保标准 {threshold:fen} 元/月",
    "per-capita countable income {per_capita:fen} yuan/month is not below {multiplier:dec} × the dibao standard = {threshold:fen} yuan/month",
    "S2 Art. 8; S3 §1(4)",
)
R_TEKUN_NO_CANDIDATE = R(
    "civil_affairs.tekun.no_candidate",
    "没有无劳动能力的成员(年满 {elderly} 周岁、未满 {minor} 周岁或持相应残疾人证)",
    "no member without labour capacity (aged {elderly}+, under {minor}, or holding a qualifying disability certificate)",
    "S6 Art. 4-5",
)
R_TEKUN_LABOUR = R(
    "civil_affairs.tekun.labour",
    "{name}({age} 周岁)无劳动能力: {grounds}",
    "{name} (aged {age}) has no labour capacity: {grounds_en}",
    "S6 Art. 5",
)
R_TEKUN_LABOUR_RECORDED = R(
    "civil_affairs.tekun.labour_recorded",
    "{name}({age} 周岁)登记为无劳动能力, 但不属年龄或残疾情形: 需按省级规定确认",
    "{name} (aged {age}) is recorded as unable to work but not by age or disability: confirm under the provincial rule",
    "S6 Art. 5 (other cases set by the province)",
)
R_TEKUN_INCOME_OK = R(
    "civil_affairs.tekun.income_ok",
    "{name} 本人可计收入 {income:fen} 元/月, 低于低保标准 {standard:fen} 元/月({area_zh})",
    "{name}'s own countable income {income:fen} yuan/month is below the {area} dibao standard of {standard:fen} yuan/month",
    "S6 Art. 6, 19",
)
R_TEKUN_INCOME_HIGH = R(
    "civil_affairs.tekun.income_high",
    "{name} 本人可计收入 {income:fen} 元/月, 不低于低保标准 {standard:fen} 元/月: 有生活来源",
    "{name}'s own countable income {income:fen} yuan/month is not below the dibao standard of {standard:fen} yuan/month: "
    "there is a source of livelihood",
    "S6 Art. 6",
)
R_TEKUN_SUPPORTER = R(
    "civil_affairs.tekun.supporter",
    "{name} 有履行能力的法定义务人: {supporters}",
    "{name} has a legal supporter able to perform the duty: {supporters}",
    "S6 Art. 8",
)
R_TEKUN_NO_SUPPORTER = R(
    "civil_affairs.tekun.no_supporter",
    "{name} 无法定义务人或义务人无履行能力({detail})",
    "{name} has no legal supporter, or none able to perform ({detail})",
    "S6 Art. 8",
)
R_TEKUN_SPOUSE_UNRECORDED = R(
    "civil_affairs.tekun.spouse_unrecorded",
    "{name} 的配偶同户生活, 但未登记其赡养扶养能力: 请补充义务人信息",
    "{name}'s spouse lives in the household but their ability to support is not recorded: add the supporters",
    "S6 Art. 8",
)
R_TEKUN_CARE = R(
    "civil_affairs.tekun.care",
    "{name} 自理能力评估({assessed_on})未达到 {failed} 项: {level_zh}",
    "{name}'s self-care assessment ({assessed_on}): {failed} of six items not achieved: {level_en}",
    "S6 Art. 20-21",
)
R_TEKUN_CARE_MISSING = R(
    "civil_affairs.tekun.care_missing",
    "{name} 尚无自理能力评估: 照料护理标准档次待县级评估后确定",
    "{name} has no self-care assessment yet: the care tier is set after the county assesses",
    "S6 Art. 20",
)
R_TEKUN_AMOUNT = R(
    "civil_affairs.tekun.amount",
    "{name}: 基本生活标准 {basic:fen} 元/月 + 照料护理标准 {care:fen} 元/月",
    "{name}: basic living {basic:fen} yuan/month + care {care:fen} yuan/month",
    "S1 Art. 15; S6 Art. 20",
)
R_TEMP_EMERGENCY = R(
    "civil_affairs.temporary.emergency",
    "{occurred_on} 发生{kind_zh}, 属急难型: 先行救助, 不作收入审查, 事后补办手续",
    "{kind_en} on {occurred_on}: emergency type: assistance first, no income test up front, paperwork afterwards",
    "S7 §2(1)-(2); S4 item 15; S8 §4(3)",
)
R_TEMP_EMERGENCY_AMOUNT = R(
    "civil_affairs.temporary.emergency_amount",
    "建议救助 {amount:fen} 元 = min(低保标准 {standard:fen} × {size} 人 × {months} 个月, 损失 {loss})",
    "suggested {amount:fen} yuan = min(dibao standard {standard:fen} × {size} × {months} months, loss {loss})",
    "S7 §2(3) (linked to the dibao standard)",
)
R_TEMP_PAPERWORK = R(
    "civil_affairs.temporary.paperwork",
    "须于 {deadline} 前补齐登记、签字和盖章",
    "register the recipient, cause and amount and complete signatures and stamps by {deadline}",
    "S7 §2(2) 补办手续",
)
R_TEMP_NO_EVENT = R(
    "civil_affairs.temporary.no_event",
    "近 {days} 天内无急难事件, 近 {months} 个月无医疗、教育、康复等突发必需支出",
    "no emergency in the last {days} days and no sudden medical, education or rehabilitation spending in the last {months} months",
    "S7 §2(1)",
)
R_TEMP_SPENDING = R(
    "civil_affairs.temporary.spending",
    "近 {months} 个月突发必需支出 {spending:fen} 元, 同期家庭可计收入 {income:fen} 元",
    "sudden necessary spending of {spending:fen} yuan in the last {months} months against {income:fen} yuan household income",
    "S7 §2(1) expenditure type",
)
R_TEMP_BEARABLE = R(
    "civil_affairs.temporary.bearable",
    "支出未超过同期家庭收入, 可自行承担",
    "the spending does not exceed the household's income over the period",
    "S7 §2(1)",
)
R_PCDI_BELOW = R(
    "civil_affairs.pcdi_below",
    "家庭人均年收入 {annual:fen} 元, 低于上年当地居民人均可支配收入 {pcdi:fen} 元",
    "per-capita yearly income {annual:fen} yuan is below last year's local per-capita disposable income of {pcdi:fen} yuan",
    "S5 Art. 4(2); S7 §2(1)",
)
R_PCDI_NOT_BELOW = R(
    "civil_affairs.pcdi_not_below",
    "家庭人均年收入 {annual:fen} 元, 不低于上年当地居民人均可支配收入 {pcdi:fen} 元",
    "per-capita yearly income {annual:fen} yuan is not below last year's local per-capita disposable income of {pcdi:fen} yuan",
    "S5 Art. 4(2); S7 §2(1)",
)
R_TEMP_EXPENDITURE_AMOUNT = R(
    "civil_affairs.temporary.expenditure_amount",
    "建议救助 {amount:fen} 元 = min(支出超出收入部分 {gap:fen}, 上限 {cap:fen} = 低保标准 × {size} 人 × {months} 个月)",
    "suggested {amount:fen} yuan = min(spending above income {gap:fen}, cap {cap:fen} = dibao standard × {size} × {months} months)",
    "S7 §2(3)",
)
R_TEMP_STAGES = R(
    "civil_affairs.temporary.stages",
    "超过乡镇审批额度 {limit:fen} 元: 一次审批, 分 {count} 期发放",
    "above the township limit of {limit:fen} yuan: one approval, paid in {count} stages",
    "S4 item 15 (一次审批、分阶段救助)",
)
R_RIGID_IN_SCHEME = R(
    "civil_affairs.rigid.in_scheme",
    "家庭已符合低保、特困或低保边缘条件, 不另认定刚性支出困难家庭",
    "the household already qualifies for dibao, 特困 or marginal status; it is not identified as a rigid-expenditure household",
    "S5 Art. 4(1)",
)
R_RIGID_RATIO = R(
    "civil_affairs.rigid.ratio",
    "近12个月刚性支出 {spending:fen} 元 ÷ 家庭年收入 {income:fen} 元 = {ratio}, {verdict} 当地比例 {limit:dec}",
    "12-month rigid spending {spending:fen} yuan ÷ yearly household income {income:fen} yuan = {ratio}, {verdict_en} the local ratio {limit:dec}",
    "S5 Art. 4(4), 5",
)
R_NOT_COVERED = R(
    "civil_affairs.not_covered",
    "家庭不属于(也未被评估为)低保家庭或特困人员",
    "the household is neither (nor assessed as) a dibao household nor has a 特困 person",
    "Erdao report (seeds/004): subsidies for dibao and 特困",
)
R_NOT_URBAN = R(
    "civil_affairs.not_urban",
    "该补贴仅适用于城市低保对象和特困人员, 本户为农村户籍",
    "this subsidy is for urban dibao recipients and 特困 people; the household has rural hukou",
    "Erdao report (seeds/004)",
)
R_COVERED = R(
    "civil_affairs.covered",
    "属于{groups}",
    "covered as {groups_en}",
    "Erdao report (seeds/004)",
)
R_UTILITY = R(
    "civil_affairs.utility",
    "每月电 {kwh:dec} 千瓦时、水 {water:dec} 吨、燃气 {gas:fen} 元",
    "each month {kwh:dec} kWh of electricity, {water:dec} t of water and {gas:fen} yuan of gas",
    "Erdao report (seeds/004)",
)
R_HEATING_UNKNOWN = R(
    "civil_affairs.heating.unknown",
    "未登记取暖方式(集中供热或自行取暖)及供热面积",
    "the heating type (central or self) and heated area are not recorded",
    "S8 §4(5)",
)
R_HEATING_NONE = R("civil_affairs.heating.none", "家庭无取暖费用", "the household has no heating costs", "S8 §4(5)")
R_HEATING_CENTRAL = R(
    "civil_affairs.heating.central",
    "集中供热: min({area:dec}, {max_area:dec}) 平方米 × {price:dec} 元/平方米 = {amount:fen} 元/采暖期",
    "central heating: min({area:dec}, {max_area:dec}) m² × {price:dec} yuan/m² = {amount:fen} yuan per season",
    "S8 §4(5); S4 item 13",
)
R_HEATING_SELF = R(
    "civil_affairs.heating.self",
    "自行取暖: {low:fen} 至 {high:fen} 元/采暖期, 由经办人在区间内确定",
    "self-heating: {low:fen} to {high:fen} yuan per season, the caseworker chooses within the range",
    "S8 §4(5)",
)
R_CLASSIFIED = R(
    "civil_affairs.classified",
    "分类施保对象类别 {count} 类: {categories}",
    "{count} classified-support categories: {categories_en}",
    "S1 Art. 12; S2 Art. 27 (分类施保)",
)
R_NOT_CLASSIFIED = R(
    "civil_affairs.not_classified",
    "家庭无老年人、未成年人、重度残疾人或重病患者, 不属分类施保对象",
    "no elderly person, minor, severely disabled or seriously ill member: no classified support",
    "S1 Art. 12; S2 Art. 27",
)
R_PRICE_TRIGGERED = R(
    "civil_affairs.price.triggered",
    "CPI 同比 {cpi:dec}%(启动线 {cpi_trigger:dec}%), 食品 CPI 同比 {food:dec}%(启动线 {food_trigger:dec}%): 已启动联动机制",
    "CPI {cpi:dec} % (trigger {cpi_trigger:dec} %), food CPI {food:dec} % (trigger {food_trigger:dec} %): the link is triggered",
    "发改价格〔2021〕1553号",
)
R_PRICE_NOT_TRIGGERED = R(
    "civil_affairs.price.not_triggered",
    "CPI 同比 {cpi:dec}% 低于 {cpi_trigger:dec}%, 食品 CPI 同比 {food:dec}% 低于 {food_trigger:dec}%: 未启动联动机制",
    "CPI {cpi:dec} % is below {cpi_trigger:dec} % and food CPI {food:dec} % is below {food_trigger:dec} %: not triggered",
    "发改价格〔2021〕1553号",
)
R_PER_PERSON = R(
    "civil_affairs.per_person",
    "{count} × {amount:fen} 元 = {total:fen} 元",
    "{count} × {amount:fen} yuan = {total:fen} yuan",
    "",
)
R_EDU_NONE = R(
    "civil_affairs.education.none",
    "近 {months} 个月内没有升入高中(中职)或大学的成员",
    "no member started high school (secondary vocational) or university in the last {months} months",
    "S1 Art. 33-36; S8 §4(2)",
)
R_EDU_STUDENT = R(
    "civil_affairs.education.student",
    "{name} {entered} 升入{level_zh}: 助学金 {amount:fen} 元",
    "{name} started {level_en} on {entered}: grant {amount:fen} yuan",
    "S1 Art. 33-36; Erdao report (圆梦助学)",
)
R_EDU_NOT_LOW_INCOME = R(
    "civil_affairs.education.not_low_income",
    "家庭不属于低保、特困或低保边缘家庭",
    "the household is not a dibao, 特困 or marginal household",
    "S8 §4(2)",
)
R_BATCH = R(
    "civil_affairs.batch",
    "归入「{batch_zh}」: {why_zh}",
    "in the batch \"{batch_en}\": {why_en}",
    "domain-rules §5 (四个一批)",
)
R_NO_BATCH = R(
    "civil_affairs.no_batch",
    "不属于「四个一批」任一批",
    "not in any of the four batches",
    "domain-rules §5 (四个一批)",
)


# --- shared household facts -----------------------------------------------------------------------


class DibaoFacts:
    """The dibao income and asset test of one household, computed once (S2 Art. 7, 13, 14, 23)."""

    __slots__ = (
        "standard_fen",
        "size",
        "income_fen",
        "deduction_fen",
        "spending_fen",
        "net_fen",
        "threshold_fen",
        "asset_limit_fen",
        "assets_ok",
        "eligible",
        "eligible_without_deduction",
        "marginal",
        "marginal_threshold_fen",
        "reasons",
    )


def _has_disability_or_illness(view: HouseholdView) -> bool:
    on = view.on
    for member in view.included:
        if member.serious_illness:
            return True
        for cert in member.disabilities:
            if cert.valid_until is None or on <= cert.valid_until:
                return True
    return False


class _DibaoFigures:
    """The dibao standard's figures for one (region, area, day): looked up once, shared by every household.

    ``by_size`` holds, per household size, the exact thresholds the test compares
    (standard × size, standard × asset months × size, × the marginal multiplier) and the
    rounded asset limit shown in the reason, computed with the same exact expressions the
    test used before they were shared.
    """

    __slots__ = ("standard", "standard_fen", "standard_shown", "months_record", "months", "multiplier",
                 "marginal_threshold_shown", "by_size")

    def __init__(self, std: StandardsInForce):
        self.standard = std.record(S_DIBAO)
        self.standard_fen = std.monthly_fen(S_DIBAO)
        self.standard_shown = round_fen(self.standard_fen)
        self.months_record = std.record(S_ASSET_MONTHS)
        self.months = std.value(S_ASSET_MONTHS)
        self.multiplier = std.value(S_MARGINAL)
        self.marginal_threshold_shown = round_fen(self.standard_fen * self.multiplier)
        self.by_size: dict[int, tuple] = {}

    def for_size(self, size: int) -> tuple:
        """(threshold, asset limit, asset limit shown, marginal threshold) for a household of ``size``."""
        found = self.by_size.get(size)
        if found is None:
            threshold = self.standard_fen * size
            asset_limit = self.standard_fen * self.months * size
            found = (threshold, asset_limit, round_fen(asset_limit), threshold * self.multiplier)
            self.by_size[size] = found
        return found


def dibao_figures(std: StandardsInForce) -> _DibaoFigures:
    """The shared dibao figures of ``std`` (one object per region, area and day)."""
    found = std.memo.get(DIBAO)
    if found is None:
        found = _DibaoFigures(std)
        std.memo[DIBAO] = found
    return found


def _per_capita_shown(net: Decimal | int, size: int) -> int:
    """round_fen(net / size): integer division rounded half up when ``net`` is whole fen (exact, as Decimal gives)."""
    if type(net) is int and net >= 0:
        quotient, remainder = divmod(net, size)
        return quotient + 1 if 2 * remainder >= size else quotient
    return round_fen(Decimal(net) / size)


def dibao_facts(view: HouseholdView, std: StandardsInForce) -> DibaoFacts:
    """The household's dibao test, cached in ``view.memo`` for the programmes that build on it."""
    facts = view.memo.get(DIBAO)
    if facts is not None:
        return facts
    facts = DibaoFacts()
    size = view.size
    figures = std.memo.get(DIBAO) or dibao_figures(std)
    standard = figures.standard
    standard_fen = figures.standard_fen
    income = view.countable_income_fen
    deduction: Decimal | int = 0
    spending = 0
    if income and _has_disability_or_illness(view):
        spent = view.spending_12m_fen
        spending = spent.get("medical", 0) + spent.get("rehabilitation", 0)
        if spending:
            # S2 Art. 13 last paragraph: rigid spending caused by disability or illness is deducted.
            deduction = min(spending * std.value(S_DEDUCTION_SHARE) / _TWELVE, Decimal(income))
    net = income - deduction
    threshold, asset_limit, asset_limit_shown, marginal_threshold = figures.for_size(size)
    months = figures.months
    assets_ok = view.countable_assets_fen <= asset_limit
    facts.standard_fen = standard_fen
    facts.size = size
    facts.income_fen = income
    facts.deduction_fen = deduction
    facts.spending_fen = spending
    facts.net_fen = net
    facts.threshold_fen = threshold
    facts.asset_limit_fen = asset_limit
    facts.assets_ok = assets_ok
    facts.eligible = size > 0 and net < threshold and assets_ok
    facts.eligible_without_deduction = size > 0 and income < threshold and assets_ok
    facts.marginal_threshold_fen = marginal_threshold
    facts.marginal = size > 0 and not facts.eligible and net < marginal_threshold and assets_ok
    # The explanation, shared by the dibao, marginal and single-person findings.
    reasons = []
    if size == 0:
        reasons.append(R_NO_MEMBERS())
    else:
        reasons.append(R_MEMBERS(size=size))
        if len(view.living) != size:  # someone living is not counted (S2 Art. 7)
            reasons.append(R_EXCLUDED(names=[m.name for m in view.living if not m.included]))
        reasons.append(R_INCOME(income=income, exempt=view.exempt_income_fen))
        if deduction:
            reasons.append(R_DEDUCTION(std.record(S_DEDUCTION_SHARE), spending=spending, deduction=round_fen(deduction)))
        per_capita = _per_capita_shown(net, size)
        reasons.append(
            (R_BELOW if net < threshold else R_NOT_BELOW)(standard, per_capita=per_capita, standard=figures.standard_shown)
        )
        asset_template = R_ASSETS_OK if assets_ok else R_ASSETS_OVER
        reasons.append(
            asset_template(
                figures.months_record,
                assets=view.countable_assets_fen,
                limit=asset_limit_shown,
                months=months,
                size=size,
            )
        )
    facts.reasons = tuple(reasons)
    view.memo[DIBAO] = facts
    return facts


def _ages(std: StandardsInForce) -> tuple[int, int, int, int, int]:
    """(elderly, minor, minor cover, adult, full-loss items): count-like standards as ints, once per std."""
    found = std.memo.get("civil_affairs.ages")
    if found is None:  # looked up first: no closure is built on the hot path
        found = (
            std.int_value(S_ELDERLY_AGE),
            std.int_value(S_MINOR_AGE),
            std.int_value(S_MINOR_COVER_AGE),
            std.int_value(S_ADULT_AGE),
            std.int_value(S_FULL_LOSS),
        )
        std.memo["civil_affairs.ages"] = found
    return found


class TekunPerson:
    """The 特困 test of one person (S6 Art. 4-8)."""

    __slots__ = ("member", "status", "reasons", "area")

    def __init__(self, member, status, reasons, area):
        self.member = member
        self.status = status
        self.reasons = reasons
        self.area = area


_GROUND_TEXT = {
    "elderly": ("年满{elderly}周岁", "aged {elderly} or over"),
    "minor": ("未满{minor}周岁", "under {minor}"),
    "disability": ("持{category}残疾{grade}级证", "holds a grade {grade} {category_en} disability certificate"),
    "minor_continuing": ("在供养的未成年人, 未满{cover}周岁", "a minor already supported, under {cover}"),
    "in_school_continuing": ("在供养且仍在校就读", "already supported and still in school"),
}
_CATEGORY = {1: ("视力", "visual"), 2: ("听力", "hearing"), 3: ("言语", "speech"), 4: ("肢体", "physical"),
             5: ("智力", "intellectual"), 6: ("精神", "mental"), 7: ("多重", "multiple")}
_UNABLE_TEXT = {
    "tekun": "特困人员",
    "dibao_aged_60_plus": "60岁以上低保对象",
    "aged_70_low_income": "70岁以上低收入",
    "severe_disability_low_income": "重度残疾低收入",
    "no_civil_capacity": "无民事行为能力",
    "missing": "宣告失踪",
    "imprisoned": "服刑",
    "provincial_other": "省定其他情形",
}


def _ground_texts(std: StandardsInForce) -> tuple[tuple[str, str], ...]:
    """The age grounds of the 特困 labour test as (zh, en) texts, with this std's ages: elderly, minor,
    supported minor, supported pupil (S6 Art. 5, Art. 24 ¶2); built once per (region, area, day)."""
    elderly, minor, cover, _adult, _ = _ages(std)
    found = (
        (f"年满{elderly}周岁", f"aged {elderly} or over"),
        (f"未满{minor}周岁", f"under {minor}"),
        (f"在供养的未成年人, 未满{cover}周岁", f"a minor already supported, under {cover}"),
        ("在供养且仍在义务教育、高中或中职就读", "already supported and still in compulsory, high or vocational school"),
    )
    std.memo["civil_affairs.tekun_grounds"] = found
    return found


def tekun_people(view: HouseholdView, std: StandardsInForce) -> tuple[TekunPerson, ...]:
    """Every member without labour capacity, with the result of the 特困 test; cached in ``view.memo``."""
    found = view.memo.get(TEKUN)
    if found is not None:
        return found
    elderly, minor, cover, _adult, _ = _ages(std)
    ground_texts = std.memo.get("civil_affairs.tekun_grounds") or _ground_texts(std)
    enrolled = TEKUN in view.snapshot.enrolled_programmes
    people: list[TekunPerson] = []
    assets_ok: bool | None = None
    household_area = view.snapshot.area
    for member in view.living:
        age = view.ages[member.person_id]
        grounds_zh: list[str] = []
        grounds_en: list[str] = []
        if age >= elderly:
            ground = ground_texts[0]
        elif age < minor:
            ground = ground_texts[1]
        elif enrolled and age < cover:
            ground = ground_texts[2]
        elif enrolled and member.student_level in _IN_SCHOOL_FOR_TEKUN and age < elderly:
            ground = ground_texts[3]
        else:
            ground = None
        if ground is not None:
            grounds_zh.append(ground[0])
            grounds_en.append(ground[1])
        for cert in member.disabilities:
            if (cert.valid_until is None or view.on <= cert.valid_until) and no_labour_capacity_disability(cert):
                zh, en = _CATEGORY[cert.category]
                grounds_zh.append(f"持{zh}残疾{cert.grade}级证")
                grounds_en.append(f"holds a grade {cert.grade} {en} disability certificate")
        if not grounds_zh:
            if member.labour_capacity == "none":
                people.append(
                    TekunPerson(member, NEEDS_INFORMATION, (R_TEKUN_LABOUR_RECORDED(name=member.name, age=age),), view.snapshot.area)
                )
            continue
        reasons = [R_TEKUN_LABOUR(name=member.name, age=age, grounds="、".join(grounds_zh), grounds_en="; ".join(grounds_en))]
        status = ELIGIBLE
        # S6 Art. 19: contracted land or village-collective share -> the rural rate.
        area = "rural" if member.contracted_land else household_area
        figures = dibao_figures(std if area == household_area else std.for_area(area))
        own = view.member_income_fen.get(member.person_id, 0)
        if own < figures.standard_fen:
            reasons.append(
                R_TEKUN_INCOME_OK(
                    figures.standard, name=member.name, income=own, standard=figures.standard_shown,
                    area=area, area_zh="农村" if area == "rural" else "城镇",
                )
            )
        else:
            reasons.append(R_TEKUN_INCOME_HIGH(figures.standard, name=member.name, income=own, standard=figures.standard_shown))
            status = NOT_ELIGIBLE
        if assets_ok is None:
            facts = dibao_facts(view, std)
            assets_ok = facts.assets_ok
            asset_reason = facts.reasons[-1]
        if not assets_ok:
            reasons.append(asset_reason)
            status = NOT_ELIGIBLE
        able = [s for s in member.supporters if s.able]
        if age < minor or (enrolled and age < cover):
            # A minor's parents are legal supporters unless dead, missing, unable or imprisoned.
            if member.father_status is None and member.mother_status is None:
                # Parents' status unrecorded: a minor child of the household is supported by the
                # living head and spouse (民法典 Art. 1067), until the caseworker records otherwise.
                able.extend(
                    f"{other.name}(户主/配偶, head/spouse)"
                    for other in view.living
                    if other is not member and other.inclusion in ("head", "spouse") and member.inclusion == "minor_child"
                )
            for side, status_ in (("父亲 (father)", member.father_status), ("母亲 (mother)", member.mother_status)):
                if status_ in ("present", "away_working"):
                    able.append(side)
        if able:
            names = [s if isinstance(s, str) else f"{s.name}({s.relationship})" for s in able]
            reasons.append(R_TEKUN_SUPPORTER(name=member.name, supporters=names))
            status = NOT_ELIGIBLE
        else:
            unable = [f"{s.name}: {_UNABLE_TEXT.get(s.unable_reason or '', s.unable_reason)}" for s in member.supporters]
            spouse_unrecorded = not member.supporters and member.inclusion in ("head", "spouse") and any(
                other is not member and other.inclusion in ("head", "spouse") for other in view.living
            ) and any(other.inclusion == "spouse" for other in view.living)
            if spouse_unrecorded and status == ELIGIBLE:
                reasons.append(R_TEKUN_SPOUSE_UNRECORDED(name=member.name))
                status = NEEDS_INFORMATION
            else:
                reasons.append(R_TEKUN_NO_SUPPORTER(name=member.name, detail=unable or "无 (none recorded)"))
        people.append(TekunPerson(member, status, tuple(reasons), area))
    result = tuple(people)
    view.memo[TEKUN] = result
    return result


def _dibao_covered(view: HouseholdView, std: StandardsInForce) -> bool:
    if DIBAO in view.snapshot.enrolled_programmes:
        return True
    facts = view.memo.get(DIBAO)
    return (facts if facts is not None else dibao_facts(view, std)).eligible


def _tekun_subjects(view: HouseholdView, std: StandardsInForce) -> tuple:
    """The members covered as 特困 people (eligible, or enrolled and not refused); once per household."""
    found = view.memo.get("civil_affairs.tekun_subjects")
    if found is None:
        enrolled = TEKUN in view.snapshot.enrolled_programmes
        found = tuple(p.member for p in tekun_people(view, std) if p.status == ELIGIBLE or (enrolled and p.status != NOT_ELIGIBLE))
        view.memo["civil_affairs.tekun_subjects"] = found
    return found


def _coverage_reason(view: HouseholdView, std: StandardsInForce):
    """A 'covered as …' reason, or None when neither dibao nor 特困 applies; built once per household
    (the subsidy findings share the one reason object)."""
    found = view.memo.get("civil_affairs.coverage")
    if found is None:
        found = (_build_coverage_reason(view, std),)
        view.memo["civil_affairs.coverage"] = found
    return found[0]


def _build_coverage_reason(view: HouseholdView, std: StandardsInForce):
    groups_zh, groups_en = [], []
    if _dibao_covered(view, std):
        groups_zh.append("低保家庭")
        groups_en.append("a dibao household")
    if _tekun_subjects(view, std):
        groups_zh.append("特困人员家庭")
        groups_en.append("a household with a 特困 person")
    if not groups_zh:
        return None
    return R_COVERED(groups="、".join(groups_zh), groups_en=" and ".join(groups_en))


def _classified_categories(view: HouseholdView, std: StandardsInForce) -> tuple[list[str], list[str]]:
    """分类施保 categories present among counted members: elderly, minor, severe disability, serious illness."""
    def build() -> tuple[list[str], list[str]]:
        elderly, minor, *_ = _ages(std)
        zh: list[str] = []
        en: list[str] = []
        ages = view.ages
        if any(ages[m.person_id] >= elderly for m in view.included):
            zh.append("老年人")
            en.append("elderly")
        if any(ages[m.person_id] < minor for m in view.included):
            zh.append("未成年人")
            en.append("minor")
        if any(severe_disability(c) for m in view.included for c in view.valid_certificates(m)):
            zh.append("重度残疾人")
            en.append("severe disability")
        if any(m.serious_illness for m in view.included):
            zh.append("重病患者")
            en.append("serious illness")
        return zh, en

    found = view.memo.get("civil_affairs.classified")
    if found is None:
        found = build()
        view.memo["civil_affairs.classified"] = found
    return found


def _finding(key: str, status: str, reasons, **extra) -> Finding:
    return Finding(key, BOARD, status, tuple(reasons), **extra)


def _cached_not_eligible(std: StandardsInForce, key: str, template: ReasonTemplate, **params) -> Finding:
    """A not-eligible finding that depends only on the standards: built once per (region, area, day)."""
    memo_key = (key, template.key)
    found = std.memo.get(memo_key)
    if found is None:
        found = Finding(key, BOARD, NOT_ELIGIBLE, (template(**params),))
        std.memo[memo_key] = found
    return found


# --- 1. minimum living allowance (城乡低保) -------------------------------------------------------


def dibao_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Per-capita countable income below the standard and assets within the limit (S1 Art. 9; S2 Art. 7, 13, 14).

    Kept in ``view.memo``: the four batches read the same finding (its grace period)."""
    found = view.memo.get("civil_affairs.dibao.finding")
    if found is None:
        found = _dibao_eligibility(view, std)
        view.memo["civil_affairs.dibao.finding"] = found
    return found


def _dibao_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    facts = dibao_facts(view, std)
    reasons = list(facts.reasons)
    extra = {}
    if facts.eligible:
        if view.snapshot.near_relative_of_staff:
            reasons.append(R_NEAR_RELATIVE())
        elderly, minor, *_ = _ages(std)
        if any(
            minor <= view.ages[m.person_id] < elderly and m.labour_capacity != "none" and m.employment != "retired"
            for m in view.included
        ):
            reasons.append(R_REVIEW_6())
            extra["review_every_months"] = 6
        return _finding(DIBAO, ELIGIBLE, reasons, facts={"net_income_fen": facts.net_fen}, **extra)
    if DIBAO in view.snapshot.enrolled_programmes and facts.size and facts.net_fen >= facts.threshold_fen and any(
        m.employment == "employed" and any(i.category == "wage" for i in m.incomes) for m in view.included
    ):
        months = std.int_value(S_GRACE)
        reasons.append(R_GRACE(std.record(S_GRACE), months=months))
        extra["grace_period_months"] = months
    return _finding(DIBAO, NOT_ELIGIBLE, reasons, **extra)


def dibao_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    """Difference method: (standard − per-capita countable income) × members (S1 Art. 12; S2 Art. 23).

    Computed on exact fen and rounded half up once: standard × members − countable income.
    """
    facts = dibao_facts(view, std)
    amount = round_fen(facts.threshold_fen - facts.net_fen)
    reason = R_DIFFERENCE(
        std.record(S_DIBAO),
        standard=round_fen(facts.standard_fen),
        size=facts.size,
        net=round_fen(facts.net_fen),
        per_capita=_per_capita_shown(facts.net_fen, facts.size),
        amount=amount,
    )
    line = BenefitLine("低保金(差额法)", "dibao (difference method)", monthly_fen=amount)
    return Benefit((line,), per="household", reasons=(reason,))


# --- 2. single-person dibao (单人保) --------------------------------------------------------------


def single_person_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """A member of a marginal household with a qualifying disability or serious illness, or a jobless
    adult with a severe disability, whose own income is below the standard (S2 Art. 8; S3 §1(1))."""
    facts = dibao_facts(view, std)
    if facts.eligible:
        return _cached_not_eligible(std, SINGLE_PERSON, R_SINGLE_HOUSEHOLD_QUALIFIES)
    _, _, _, adult, _ = _ages(std)
    candidates = []
    for member in view.included:
        if not member.disabilities and not member.serious_illness:
            continue  # neither route applies without a certificate or a serious illness
        certs = view.valid_certificates(member)
        ground = None
        if facts.marginal:
            if any(single_person_route_disability(c) for c in certs):
                ground = ("低保边缘家庭中持一、二级或三级智力、精神残疾人证", "a marginal-household member with a qualifying disability certificate")
            elif member.serious_illness:
                ground = ("低保边缘家庭中患重特大疾病", "a marginal-household member with a serious illness")
        if ground is None and view.ages[member.person_id] >= adult and member.employment != "employed" and any(
            severe_disability(c) for c in certs
        ):
            ground = ("无业重度残疾成年人", "a jobless adult with a severe disability")
        if ground is not None:
            candidates.append((member, ground))
    if not candidates:
        template = R_SINGLE_NOT_MARGINAL if not facts.marginal else R_SINGLE_NONE
        return _finding(SINGLE_PERSON, NOT_ELIGIBLE, facts.reasons + (template(),))
    standard = std.record(S_DIBAO)
    standard_fen = std.monthly_fen(S_DIBAO)
    reasons = list(facts.reasons)
    subjects = []
    for member, (ground_zh, ground_en) in candidates:
        reasons.append(R_SINGLE_ROUTE(name=member.name, ground=ground_zh, ground_en=ground_en))
        own = view.member_income_fen.get(member.person_id, 0)
        below = own < standard_fen
        reasons.append(
            R_SINGLE_INCOME(
                standard, name=member.name, income=own, standard=round_fen(standard_fen),
                verdict="低于" if below else "不低于", verdict_en="below" if below else "not below",
            )
        )
        if below:
            subjects.append(member.person_id)
    status = ELIGIBLE if subjects else NOT_ELIGIBLE
    return _finding(SINGLE_PERSON, status, reasons, subjects=tuple(subjects))


def single_person_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    """Each qualifying person is a household of one: standard − own countable income (S2 Art. 23)."""
    standard_fen = std.monthly_fen(S_DIBAO)
    lines = []
    reasons = []
    for person_id in finding.subjects:
        member = view.snapshot.member(person_id)
        own = view.member_income_fen.get(person_id, 0)
        amount = round_fen(standard_fen - own)
        lines.append(BenefitLine(f"单人保低保金: {member.name}", f"single-person dibao: {member.name}", monthly_fen=amount, person_id=person_id))
        reasons.append(
            R_DIFFERENCE(std.record(S_DIBAO), standard=round_fen(standard_fen), size=1, net=own, per_capita=own, amount=amount)
        )
    return Benefit(tuple(lines), per="person", reasons=tuple(reasons))


# --- 3. marginal household (低保边缘家庭) ---------------------------------------------------------


def marginal_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Not dibao, per-capita income below multiplier × standard, assets within the limit (S2 Art. 8; S3 §1(4))."""
    facts = dibao_facts(view, std)
    if facts.eligible:
        return _finding(MARGINAL, NOT_ELIGIBLE, facts.reasons + (R_MARGINAL_DIBAO(),))
    if facts.size == 0:
        return _finding(MARGINAL, NOT_ELIGIBLE, facts.reasons)
    multiplier = std.record(S_MARGINAL)
    figures = dibao_figures(std)
    template = R_MARGINAL_BELOW if facts.net_fen < facts.marginal_threshold_fen else R_MARGINAL_NOT_BELOW
    reason = template(
        multiplier, figures.standard,
        per_capita=_per_capita_shown(facts.net_fen, facts.size),
        multiplier=multiplier.value,
        threshold=figures.marginal_threshold_shown,
    )
    return _finding(MARGINAL, ELIGIBLE if facts.marginal else NOT_ELIGIBLE, facts.reasons + (reason,))


# --- 4. special-hardship support (特困供养) -------------------------------------------------------


def tekun_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """No labour capacity, no source of livelihood, no able legal supporter (S6 Art. 4-8), per person."""
    people = tekun_people(view, std)
    if not people:
        elderly, minor, *_ = _ages(std)
        return std.memo.get((TEKUN, "none")) or std.cached(
            (TEKUN, "none"),
            lambda: _finding(TEKUN, NOT_ELIGIBLE, (R_TEKUN_NO_CANDIDATE(std.record(S_ELDERLY_AGE), std.record(S_MINOR_AGE), elderly=elderly, minor=minor),)),
        )
    reasons = []
    subjects = []
    needs_information = False
    for person in people:
        reasons.extend(person.reasons)
        if person.status == ELIGIBLE:
            subjects.append(person.member.person_id)
        elif person.status == NEEDS_INFORMATION:
            needs_information = True
    if subjects:
        _, _, _, _, full_loss = _ages(std)
        for person in people:
            if person.status != ELIGIBLE:
                continue
            member = person.member
            assessment = member.self_care
            if assessment is None:
                reasons.append(R_TEKUN_CARE_MISSING(name=member.name))
            else:
                failed = assessment.failed_count
                level = self_care_level(failed, full_loss)
                zh, en = _CARE_LEVEL_TEXT[level]
                reasons.append(
                    R_TEKUN_CARE(std.record(S_FULL_LOSS), name=member.name, assessed_on=assessment.assessed_on, failed=failed, level_zh=zh, level_en=en)
                )
        return _finding(TEKUN, ELIGIBLE, reasons, subjects=tuple(subjects))
    return _finding(TEKUN, NEEDS_INFORMATION if needs_information else NOT_ELIGIBLE, reasons)


_CARE_LEVEL_TEXT = {
    "self_care": ("生活自理", "can look after themselves"),
    "partial": ("部分丧失生活自理能力", "partly unable to look after themselves"),
    "full": ("完全丧失生活自理能力", "wholly unable to look after themselves"),
}


def tekun_care_tier(view: HouseholdView, std: StandardsInForce, person_id: str) -> str | None:
    """The care tier ("self_care" / "partial" / "full") of a person, or None without an assessment (S6 Art. 21)."""
    assessment = view.snapshot.member(person_id).self_care
    if assessment is None:
        return None
    return self_care_level(assessment.failed_count, _ages(std)[4])


def tekun_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    """Per person: basic living standard (urban/rural, S6 Art. 19) + care standard of the tier (S6 Art. 20-23)."""
    by_id = {p.member.person_id: p for p in tekun_people(view, std)}
    lines = []
    reasons = []
    for person_id in finding.subjects:
        person = by_id[person_id]
        person_std = std.for_area(person.area)
        basic = person_std.fen_int(S_TEKUN_BASIC)
        tier = tekun_care_tier(view, std, person_id)
        care = 0 if tier is None else person_std.fen_int(S_CARE[tier])
        name = person.member.name
        lines.append(BenefitLine(f"基本生活费: {name}", f"basic living: {name}", monthly_fen=basic, person_id=person_id))
        used = [person_std.record(S_TEKUN_BASIC)]
        if tier is not None:
            zh, en = _CARE_LEVEL_TEXT[tier]
            lines.append(BenefitLine(f"照料护理费({zh}): {name}", f"care ({en}): {name}", monthly_fen=care, person_id=person_id))
            used.append(person_std.record(S_CARE[tier]))
        reasons.append(R_TEKUN_AMOUNT(*used, name=name, basic=basic, care=care))
    return Benefit(tuple(lines), per="person", reasons=tuple(reasons))


# --- 5. temporary assistance (临时救助) ----------------------------------------------------------

_EVENT_TEXT = {
    "fire": ("火灾", "a fire"),
    "traffic_accident": ("交通事故", "a traffic accident"),
    "accident": ("意外事故", "an accident"),
    "sudden_illness": ("家庭成员突发重大疾病", "a sudden grave illness of a member"),
    "disaster": ("自然灾害", "a natural disaster"),
    "other": ("其他特殊困难", "another special hardship"),
}


def _recent_event(view: HouseholdView, std: StandardsInForce):
    window = std.int_value(S_TEMP_WINDOW)
    start = view.on - dt.timedelta(days=window)
    recent = [e for e in view.snapshot.events if start <= e.occurred_on <= view.on]
    return max(recent, key=lambda e: e.occurred_on) if recent else None


def temporary_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Emergency type: a recent sudden event, no income test up front. Expenditure type: sudden
    necessary spending above income, per-capita income below last year's per-capita disposable
    income, assets within the limit (S1 Art. 47; S7 §2(1))."""
    event = _recent_event(view, std) if view.snapshot.events else None
    if event is not None:
        zh, en = _EVENT_TEXT[event.kind]
        deadline = view.on + dt.timedelta(days=std.int_value(S_TEMP_PAPERWORK))
        reasons = (
            R_TEMP_EMERGENCY(std.record(S_TEMP_WINDOW), occurred_on=event.occurred_on, kind_zh=zh, kind_en=en),
            R_TEMP_PAPERWORK(std.record(S_TEMP_PAPERWORK), deadline=deadline),
        )
        return _finding(TEMPORARY, ELIGIBLE, reasons, labels=("emergency",), follow_up_by=deadline,
                        facts={"type": "emergency", "loss_fen": event.loss_fen})
    months = std.int_value(S_TEMP_LOOKBACK)
    spending = view.spending_since(add_months(view.on, -months), _SUDDEN_SPENDING_KINDS) if view.snapshot.expenditures else 0
    if not spending:
        return std.memo.get((TEMPORARY, "none")) or std.cached(
            (TEMPORARY, "none"),
            lambda: _finding(TEMPORARY, NOT_ELIGIBLE, (R_TEMP_NO_EVENT(std.record(S_TEMP_WINDOW), std.record(S_TEMP_LOOKBACK),
                                                                       days=std.int_value(S_TEMP_WINDOW), months=months),)),
        )
    size = max(view.size, 1)
    income_window = view.countable_income_fen * months
    reasons = [R_TEMP_SPENDING(std.record(S_TEMP_LOOKBACK), months=months, spending=spending, income=income_window)]
    status = ELIGIBLE
    if spending <= income_window:
        reasons.append(R_TEMP_BEARABLE())
        status = NOT_ELIGIBLE
    pcdi = std.record(S_PCDI)
    annual_per_capita = Decimal(view.countable_income_fen * 12) / size
    pcdi_fen = pcdi.value * 100
    template = R_PCDI_BELOW if annual_per_capita < pcdi_fen else R_PCDI_NOT_BELOW
    reasons.append(template(pcdi, annual=round_fen(annual_per_capita), pcdi=round_fen(pcdi_fen)))
    if annual_per_capita >= pcdi_fen:
        status = NOT_ELIGIBLE
    facts = dibao_facts(view, std)
    if not facts.assets_ok:
        reasons.append(facts.reasons[-1])
        status = NOT_ELIGIBLE
    return _finding(TEMPORARY, status, reasons, labels=("expenditure",),
                    facts={"type": "expenditure", "gap_fen": spending - income_window})


def temporary_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    """A one-off amount linked to the dibao standard (S7 §2(3)); staged above the township limit (S4 item 15)."""
    size = max(view.size, 1)
    standard_fen = std.monthly_fen(S_DIBAO)
    if finding.facts["type"] == "emergency":
        months = std.value(S_TEMP_EMERGENCY_MONTHS)
        base = round_fen(standard_fen * size * months)
        loss = finding.facts["loss_fen"]
        amount = min(base, loss) if loss else base
        reason = R_TEMP_EMERGENCY_AMOUNT(
            std.record(S_DIBAO), std.record(S_TEMP_EMERGENCY_MONTHS), amount=amount, standard=round_fen(standard_fen),
            size=size, months=months, loss=format_loss(loss),
        )
        line = BenefitLine("临时救助(急难型, 先行救助)", "temporary assistance (emergency, assistance first)", one_off_fen=amount)
        return Benefit((line,), reasons=(reason,))
    months = std.value(S_TEMP_MAX_MONTHS)
    cap = round_fen(standard_fen * size * months)
    gap = finding.facts["gap_fen"]
    amount = min(gap, cap)
    reasons = [R_TEMP_EXPENDITURE_AMOUNT(std.record(S_DIBAO), std.record(S_TEMP_MAX_MONTHS), amount=amount, gap=gap, cap=cap,
                                         size=size, months=months)]
    stages: tuple[int, ...] = ()
    limit = std.fen_int(S_TEMP_TOWN)
    if amount > limit:
        count = std.int_value(S_TEMP_STAGES)
        share, remainder = divmod(amount, count)
        stages = tuple(share + (1 if i < remainder else 0) for i in range(count))
        reasons.append(R_TEMP_STAGES(std.record(S_TEMP_TOWN), std.record(S_TEMP_STAGES), limit=limit, count=count))
    line = BenefitLine("临时救助(支出型)", "temporary assistance (expenditure type)", one_off_fen=amount)
    return Benefit((line,), stages=stages, reasons=tuple(reasons))


def format_loss(loss_fen: int) -> str:
    """A loss for the reason text: the amount in yuan, or "not stated"."""
    return f"{loss_fen // 100}.{loss_fen % 100:02d}" if loss_fen else "未申报 (not stated)"


# --- 6. rigid-expenditure households (刚性支出困难家庭) -------------------------------------------


def rigid_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Not in dibao/特困/marginal; per-capita income below last year's per-capita disposable income;
    assets within the limit; 12-month rigid spending ÷ household income above the local ratio (S5 Art. 4-5).

    Kept in ``view.memo``: the four batches read the same finding."""
    found = view.memo.get(RIGID)
    if found is None:
        found = _rigid_eligibility(view, std)
        view.memo[RIGID] = found
    return found


def _rigid_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    facts = dibao_facts(view, std)
    if facts.eligible or facts.marginal or any(p.status == ELIGIBLE for p in tekun_people(view, std)) or view.enrolled(
        DIBAO, TEKUN, MARGINAL
    ):
        return _cached_not_eligible(std, RIGID, R_RIGID_IN_SCHEME)
    spent = view.spending_12m_fen
    spending = sum(spent.values())
    if not spending:
        return _finding(RIGID, NOT_ELIGIBLE, (R_RIGID_RATIO(std.record(S_RIGID_RATIO), spending=0, income=view.countable_income_fen * 12,
                                                           ratio="0", verdict="不高于", verdict_en="not above",
                                                           limit=std.value(S_RIGID_RATIO)),))
    size = max(view.size, 1)
    yearly_income = view.countable_income_fen * 12
    pcdi = std.record(S_PCDI)
    pcdi_fen = pcdi.value * 100
    reasons = []
    status = ELIGIBLE
    annual_per_capita = Decimal(yearly_income) / size
    if annual_per_capita < pcdi_fen:
        reasons.append(R_PCDI_BELOW(pcdi, annual=round_fen(annual_per_capita), pcdi=round_fen(pcdi_fen)))
    else:
        reasons.append(R_PCDI_NOT_BELOW(pcdi, annual=round_fen(annual_per_capita), pcdi=round_fen(pcdi_fen)))
        status = NOT_ELIGIBLE
    if not facts.assets_ok:
        reasons.append(facts.reasons[-1])
        status = NOT_ELIGIBLE
    limit = std.record(S_RIGID_RATIO)
    above = yearly_income == 0 or Decimal(spending) / yearly_income > limit.value
    ratio = "∞" if yearly_income == 0 else f"{Decimal(spending) / yearly_income:.2f}"
    reasons.append(R_RIGID_RATIO(limit, spending=spending, income=yearly_income, ratio=ratio,
                                 verdict="高于" if above else "不高于", verdict_en="above" if above else "not above", limit=limit.value))
    if not above:
        status = NOT_ELIGIBLE
    return _finding(RIGID, status, reasons)


# --- 7-12. subsidies for dibao and 特困 (domain-rules §6; Erdao report) ---------------------------


def _covered_or_not(view: HouseholdView, std: StandardsInForce, key: str, *, urban_only: bool = False):
    if urban_only and view.snapshot.area != "urban":
        return None, _cached_not_eligible(std, key, R_NOT_URBAN)
    reason = _coverage_reason(view, std)
    if reason is None:
        return None, _cached_not_eligible(std, key, R_NOT_COVERED)
    return reason, None


def utility_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Urban dibao households and 特困 people: electricity, water and gas allowances."""
    reason, refusal = _covered_or_not(view, std, UTILITY, urban_only=True)
    return refusal or _finding(UTILITY, ELIGIBLE, (reason,))


def utility_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    """The same allowances for every eligible household: depends on the standards alone, built once per std."""
    found = std.memo.get((UTILITY, "benefit"))
    if found is None:
        found = std.memo[(UTILITY, "benefit")] = _utility_benefit(std)
    return found


def _utility_benefit(std: StandardsInForce) -> Benefit:
    kwh, water, gas = std.record(S_ELECTRICITY), std.record(S_WATER), std.record(S_GAS)
    gas_fen = std.fen_int(S_GAS)
    lines = (
        BenefitLine("电费补贴", "electricity allowance", quantity=kwh.value, unit=kwh.unit),
        BenefitLine("水费补贴", "water allowance", quantity=water.value, unit=water.unit),
        BenefitLine("燃气费补贴", "gas subsidy", monthly_fen=gas_fen),
    )
    return Benefit(lines, reasons=(R_UTILITY(kwh, water, gas, kwh=kwh.value, water=water.value, gas=gas_fen),))


def heating_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Urban dibao households and 特困 people with heating costs (S8 §4(5); S4 item 13)."""
    reason, refusal = _covered_or_not(view, std, HEATING, urban_only=True)
    if refusal:
        return refusal
    heating = view.snapshot.heating
    if heating is None or (heating == "central" and view.snapshot.heated_area_m2 is None):
        return _finding(HEATING, NEEDS_INFORMATION, (reason, R_HEATING_UNKNOWN()))
    if heating == "none":
        return _finding(HEATING, NOT_ELIGIBLE, (reason, R_HEATING_NONE()))
    return _finding(HEATING, ELIGIBLE, (reason,))


def heating_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    """Central: min(area, max area) × price per m²; self-heating: a range, the caseworker chooses."""
    if view.snapshot.heating == "central":
        area = view.snapshot.heated_area_m2
        max_area = std.record(S_HEAT_AREA)
        price = std.record(S_HEAT_PRICE)
        amount = to_fen(min(area, max_area.value) * price.value)
        reason = R_HEATING_CENTRAL(max_area, price, area=area, max_area=max_area.value, price=price.value, amount=amount)
        return Benefit((BenefitLine("集中供热热费补贴", "central-heating subsidy", one_off_fen=amount),), reasons=(reason,))
    low, high = std.record(S_SELF_HEAT_MIN), std.record(S_SELF_HEAT_MAX)
    low_fen, high_fen = to_fen(low.value), to_fen(high.value)
    line = BenefitLine("自行取暖热费补贴", "self-heating subsidy", one_off_fen=low_fen, max_fen=high_fen)
    return Benefit((line,), reasons=(R_HEATING_SELF(low, high, low=low_fen, high=high_fen),))


def card_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Dibao households with classified-support members (分类施保): the benefit-card subsidy."""
    if not _dibao_covered(view, std):
        return _cached_not_eligible(std, CARD, R_NOT_COVERED)
    zh, en = _classified_categories(view, std)
    if not zh:
        return _cached_not_eligible(std, CARD, R_NOT_CLASSIFIED)
    return _finding(CARD, ELIGIBLE, (_coverage_reason(view, std), R_CLASSIFIED(count=len(zh), categories=zh, categories_en=", ".join(en))))


def card_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    """One category: the lower figure; two or more: the upper figure (assumption, see standards.py)."""
    zh, _ = _classified_categories(view, std)
    key = S_CARD_ONE if len(zh) == 1 else S_CARD_SEVERAL
    amount = std.fen_int(key)
    return Benefit((BenefitLine("惠民卡补贴", "benefit-card subsidy", monthly_fen=amount),),
                   reasons=(R_PER_PERSON(std.record(key), count=1, amount=amount, total=amount),))


def festival_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """'Two festivals' subsidy: classified-support dibao households (per household) and 特困 people (per person)."""
    tekun = _tekun_subjects(view, std)
    zh, en = _classified_categories(view, std) if _dibao_covered(view, std) else ([], [])
    if not tekun and not zh:
        return _cached_not_eligible(std, FESTIVAL, R_NOT_COVERED)
    reasons = [_coverage_reason(view, std)]
    if zh:
        reasons.append(R_CLASSIFIED(count=len(zh), categories=zh, categories_en=", ".join(en)))
    return _finding(FESTIVAL, ELIGIBLE, reasons, subjects=tuple(m.person_id for m in tekun),
                    facts={"household": bool(zh)})


def festival_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    amount = std.fen_int(S_FESTIVAL)
    lines = []
    if finding.facts["household"]:
        lines.append(BenefitLine("两节生活补贴(每户)", "festival subsidy (per household)", one_off_fen=amount))
    for person_id in finding.subjects:
        if finding.facts["household"] and view.snapshot.member(person_id).included:
            continue  # a 特困 person in a subsidised dibao household is covered by the household payment
        name = view.snapshot.member(person_id).name
        lines.append(BenefitLine(f"两节生活补贴: {name}", f"festival subsidy: {name}", one_off_fen=amount, person_id=person_id))
    total = amount * len(lines)
    return Benefit(tuple(lines), reasons=(R_PER_PERSON(std.record(S_FESTIVAL), count=len(lines), amount=amount, total=total),))


def _price_covered_people(view: HouseholdView, std: StandardsInForce) -> tuple[str, ...]:
    """Counted members of a dibao household, then 特困 people not among them; once per household."""
    found = view.memo.get("civil_affairs.covered_people")
    if found is None:
        people = [m.person_id for m in view.included] if _dibao_covered(view, std) else []
        people.extend(m.person_id for m in _tekun_subjects(view, std) if m.person_id not in people)
        found = tuple(people)
        view.memo["civil_affairs.covered_people"] = found
    return found


def price_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Price-linked subsidy: CPI or food CPI at or above its trigger, for dibao and 特困 people (发改价格〔2021〕1553号)."""
    trigger = std.memo.get(PRICE) or _price_trigger(std)
    if trigger[0] is not None:  # not triggered: the same finding for every household of the region and area
        return trigger[0]
    people = _price_covered_people(view, std)
    if not people:
        return _cached_not_eligible(std, PRICE, R_NOT_COVERED)
    return _finding(PRICE, ELIGIBLE, (_coverage_reason(view, std), trigger[1]), subjects=people)


def _price_trigger(std: StandardsInForce) -> tuple[Finding | None, object]:
    """(the not-eligible finding when the CPI link is not triggered, else None; the 'triggered' reason, else None),
    decided once per (region, area, day): the CPI figures are standards."""
    cpi, food = std.record(S_CPI), std.record(S_FOOD_CPI)
    cpi_trigger, food_trigger = std.record(S_CPI_TRIGGER), std.record(S_FOOD_TRIGGER)
    triggered = cpi.value >= cpi_trigger.value or food.value >= food_trigger.value
    params = {"cpi": cpi.value, "food": food.value, "cpi_trigger": cpi_trigger.value, "food_trigger": food_trigger.value}
    if triggered:
        found = (None, R_PRICE_TRIGGERED(cpi, food, cpi_trigger, food_trigger, **params))
    else:
        found = (_finding(PRICE, NOT_ELIGIBLE, (R_PRICE_NOT_TRIGGERED(cpi, food, cpi_trigger, food_trigger, **params),)), None)
    std.memo[PRICE] = found
    return found


def price_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    amount = round_fen(std.monthly_fen(S_PRICE))
    lines = tuple(BenefitLine("价格临时补贴", "price-linked subsidy", monthly_fen=amount, person_id=p) for p in finding.subjects)
    total = amount * len(lines)
    return Benefit(lines, per="person", reasons=(R_PER_PERSON(std.record(S_PRICE), count=len(lines), amount=amount, total=total),))


def medical_insurance_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Full sponsorship of the residents' medical-insurance contribution for dibao and 特困 people."""
    people = _price_covered_people(view, std)
    if not people:
        return _cached_not_eligible(std, MEDICAL_INSURANCE, R_NOT_COVERED)
    return _finding(MEDICAL_INSURANCE, ELIGIBLE, (_coverage_reason(view, std),), subjects=people)


def medical_insurance_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    amount = std.fen_int(S_MEDICAL_CONTRIBUTION)
    lines = tuple(BenefitLine("资助参保(个人缴费)", "insurance contribution paid", one_off_fen=amount, person_id=p) for p in finding.subjects)
    total = amount * len(lines)
    return Benefit(lines, per="person", reasons=(R_PER_PERSON(std.record(S_MEDICAL_CONTRIBUTION), count=len(lines), amount=amount, total=total),))


def education_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Students of dibao, 特困 or marginal households who started high school or university recently."""
    window = std.int_value(S_GRANT_WINDOW)
    students = view.new_students(view.included, window, _GRANT_LEVELS)
    if not students:
        return std.memo.get((EDUCATION, "none")) or std.cached((EDUCATION, "none"), lambda: _finding(EDUCATION, NOT_ELIGIBLE, (R_EDU_NONE(std.record(S_GRANT_WINDOW), months=window),)))
    facts = dibao_facts(view, std)
    if not (facts.eligible or facts.marginal or _tekun_subjects(view, std) or view.enrolled(DIBAO, TEKUN, MARGINAL)):
        return _cached_not_eligible(std, EDUCATION, R_EDU_NOT_LOW_INCOME)
    return _finding(EDUCATION, ELIGIBLE, facts.reasons, subjects=tuple(m.person_id for m in students))


def education_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    lines = []
    reasons = []
    for person_id in finding.subjects:
        member = view.snapshot.member(person_id)
        university = member.student_level in _UNIVERSITY_LEVELS
        key = S_GRANT_UNIVERSITY if university else S_GRANT_HIGH
        amount = std.fen_int(key)
        level_zh, level_en = ("大学", "university") if university else ("高中(中职)", "high school")
        lines.append(BenefitLine(f"助学金: {member.name}", f"education grant: {member.name}", one_off_fen=amount, person_id=person_id))
        reasons.append(R_EDU_STUDENT(std.record(key), name=member.name, entered=member.entered_current_level_on,
                                     level_zh=level_zh, level_en=level_en, amount=amount))
    return Benefit(tuple(lines), per="person", reasons=tuple(reasons))


# --- 14. the four batches (四个一批) ---------------------------------------------------------------

_BATCH_TEXT = {
    "bottom_line": ("无力脱贫兜底一批", "bottom-line support"),
    "expenditure_deduction": ("支出核减纳入一批", "admitted after expenditure deductions"),
    "priority_improvement": ("重点保障改善一批", "improved support for priority people"),
    "gradual_exit": ("脱贫渐退扶助一批", "gradual-exit help"),
}


def four_batches_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Classify the household into the four batches (domain-rules §5): 兜底 = dibao/特困; 支出核减纳入 =
    dibao only after the rigid-expenditure deduction (§1.2) or a rigid-expenditure household (§2);
    重点保障改善 = covered and with classified-support members (§1.5); 脱贫渐退 = grace period (§1.6)."""
    facts = dibao_facts(view, std)
    tekun = any(p.status == ELIGIBLE for p in tekun_people(view, std))
    batches: list[tuple[str, str, str]] = []
    if (facts.eligible and facts.eligible_without_deduction) or tekun:
        batches.append(("bottom_line", "符合低保或特困条件", "qualifies for dibao or 特困"))
    if facts.eligible and not facts.eligible_without_deduction:
        batches.append(("expenditure_deduction", "核减刚性支出后人均收入低于低保标准", "below the dibao standard only after deducting rigid spending"))
    elif not facts.eligible and not tekun and rigid_eligibility(view, std).status == ELIGIBLE:
        batches.append(("expenditure_deduction", "属刚性支出困难家庭", "a rigid-expenditure hardship household"))
    if facts.eligible or tekun:
        zh, en = _classified_categories(view, std)
        if zh:
            batches.append(("priority_improvement", "有" + "、".join(zh), "has " + ", ".join(en)))
    dibao = dibao_eligibility(view, std)
    if dibao.grace_period_months:
        batches.append(("gradual_exit", "在保家庭成员就业增收, 可给予渐退期", "an enrolled household whose member found work: grace period"))
    if not batches:
        return _cached_not_eligible(std, FOUR_BATCHES, R_NO_BATCH)
    reasons = tuple(
        R_BATCH(batch_zh=_BATCH_TEXT[code][0], batch_en=_BATCH_TEXT[code][1], why_zh=why_zh, why_en=why_en)
        for code, why_zh, why_en in batches
    )
    return _finding(FOUR_BATCHES, ELIGIBLE, reasons, labels=tuple(code for code, _, _ in batches),
                    grace_period_months=dibao.grace_period_months)


# --- declarations --------------------------------------------------------------------------------

D = Document
DOC_APPLICATION = D("application", "书面申请书", "written application", "S2 Art. 4")
DOC_HUKOU_ID = D("hukou_id", "户口簿和身份证", "hukou booklet and ID cards")
DOC_DECLARATION = D(
    "income_asset_declaration", "家庭收入和财产状况申报及核对授权书", "declaration of income and assets with consent to the cross-check",
    "全体共同生活成员签字 (signed by every member)", "signed by every member; S2 Art. 17",
)
DOC_DISABILITY = D("disability_certificate", "残疾人证", "disability certificate", "有残疾成员时", "when a member is disabled")
DOC_MEDICAL = D("medical_records", "诊断证明及医疗费用票据", "diagnosis and medical receipts", "申请支出核减或重病时", "for deductions or serious illness")
DOC_PLEDGE = D("truthfulness_pledge", "如实申报承诺书", "pledge that the information is true")
DOC_SUPPORT_STATEMENT = D("support_statement", "劳动能力、生活来源、财产及赡养抚养扶养状况书面声明", "written statement on labour capacity, livelihood, assets and support", "S6 Art. 10")
DOC_SELF_CARE = D("self_care_assessment", "生活自理能力评估表", "self-care assessment form", "县级评估 (the county assesses)", "S6 Art. 20")
DOC_EVENT_PROOF = D("event_proof", "急难事件证明或情况说明", "proof or account of the emergency", "急难型可事后补交", "emergency type: may follow later")
DOC_SPENDING_RECEIPTS = D("spending_receipts", "医疗、教育、康复等支出票据", "receipts for medical, education or rehabilitation spending")
DOC_HEATING = D("heating_bill", "供热缴费凭证或取暖情况说明", "heating bill or statement of heating")
DOC_ADMISSION = D("admission_notice", "高中或大学录取通知书", "high-school or university admission notice")

COUNTY = ApprovalTier("county", "县级民政部门审核确认", "county civil-affairs department confirms", None, "monthly")
TOWNSHIP_TEMP = ApprovalTier("township", "乡镇(街道)审批", "township / street office approves", S_TEMP_TOWN, "one_off")
COUNTY_TEMP = ApprovalTier("county", "县级民政部门审批", "county civil-affairs department approves", S_TEMP_COUNTY, "one_off")
COORDINATION = ApprovalTier("county_coordination", "县级困难群众基本生活保障协调机制一事一议", "county coordination mechanism, case by case", None, "one_off")
TOWNSHIP_SUBSIDY = ApprovalTier("township", "乡镇(街道)按政策核发", "township / street office pays under the policy", None, "monthly")

_LOW_INCOME_DOCS = (DOC_APPLICATION, DOC_HUKOU_ID, DOC_DECLARATION, DOC_DISABILITY, DOC_MEDICAL, DOC_PLEDGE)

PROGRAMMES: list[Programme] = [
    Programme(
        DIBAO, BOARD, "城乡最低生活保障", "urban and rural minimum living allowance (dibao)",
        "共同生活家庭成员人均收入低于当地低保标准且财产符合规定的家庭", "households whose per-capita income is below the local dibao standard, with assets within the rules",
        dibao_eligibility, dibao_benefit, "material", _LOW_INCOME_DOCS, (COUNTY,), 12, True,
        "人均可计收入 < 低保标准且资产不超限额; 月保障金 = (标准 − 人均收入) × 人数", "per-capita countable income < standard and assets within the limit; (standard − per-capita income) × members a month",
    ),
    Programme(
        SINGLE_PERSON, BOARD, "单人保", "single-person dibao",
        "低保边缘家庭中的重度残疾人、重病患者, 无业重度残疾成年人", "severely disabled or seriously ill members of marginal households; jobless severely disabled adults",
        single_person_eligibility, single_person_benefit, "material", _LOW_INCOME_DOCS, (COUNTY,), 12, True,
    ),
    Programme(
        MARGINAL, BOARD, "低保边缘家庭认定", "marginal household identification",
        "不符合低保但人均收入低于1.5倍低保标准的家庭", "households not on dibao with per-capita income below 1.5 × the standard",
        marginal_eligibility, None, "material", _LOW_INCOME_DOCS, (COUNTY,), 12, False,
    ),
    Programme(
        TEKUN, BOARD, "特困人员救助供养", "special-hardship support (特困)",
        "无劳动能力、无生活来源、无法定义务人或义务人无能力的老年人、残疾人和未成年人",
        "elderly, disabled and minor people with no labour capacity, no livelihood and no able legal supporter",
        tekun_eligibility, tekun_benefit, "material",
        (DOC_APPLICATION, DOC_HUKOU_ID, DOC_SUPPORT_STATEMENT, DOC_PLEDGE, DOC_DISABILITY, DOC_SELF_CARE, DOC_DECLARATION),
        (COUNTY,), 12, False, termination_notice_required=True,
    ),
    Programme(
        TEMPORARY, BOARD, "临时救助", "temporary assistance",
        "遭遇急难事件或突发必需支出导致基本生活严重困难的家庭", "households in severe difficulty after an emergency or sudden necessary spending",
        temporary_eligibility, temporary_benefit, "material",
        (DOC_APPLICATION, DOC_HUKOU_ID, DOC_EVENT_PROOF, DOC_SPENDING_RECEIPTS, DOC_DECLARATION),
        (TOWNSHIP_TEMP, COUNTY_TEMP, COORDINATION), 3, False,
        label_names=(("emergency", "急难型", "emergency"), ("expenditure", "支出型", "expenditure")),
    ),
    Programme(
        RIGID, BOARD, "刚性支出困难家庭认定", "rigid-expenditure hardship household",
        "未纳入低保、特困、边缘, 刚性支出过大导致生活困难的家庭", "households outside dibao/特困/marginal whose rigid spending is too heavy",
        rigid_eligibility, None, "material", (DOC_APPLICATION, DOC_HUKOU_ID, DOC_DECLARATION, DOC_SPENDING_RECEIPTS), (COUNTY,), 12, False,
    ),
    Programme(
        UTILITY, BOARD, "水电气补贴", "utility subsidies", "城市低保对象、特困人员", "urban dibao recipients and 特困 people",
        utility_eligibility, utility_benefit, "material", (DOC_HUKOU_ID,), (TOWNSHIP_SUBSIDY,), 12, False,
    ),
    Programme(
        HEATING, BOARD, "取暖补贴", "heating subsidy", "城市低保对象、特困人员", "urban dibao recipients and 特困 people",
        heating_eligibility, heating_benefit, "material", (DOC_HUKOU_ID, DOC_HEATING), (TOWNSHIP_SUBSIDY,), 12, False,
    ),
    Programme(
        CARD, BOARD, "惠民卡补贴", "benefit-card subsidy", "城乡低保分类施保家庭", "dibao households with classified-support members",
        card_eligibility, card_benefit, "material", (DOC_HUKOU_ID,), (TOWNSHIP_SUBSIDY,), 12, False,
    ),
    Programme(
        FESTIVAL, BOARD, "两节生活补贴", "festival subsidy", "城乡低保分类施保家庭、特困人员", "classified-support dibao households and 特困 people",
        festival_eligibility, festival_benefit, "material", (DOC_HUKOU_ID,), (TOWNSHIP_SUBSIDY,), 12, False,
    ),
    Programme(
        PRICE, BOARD, "价格临时补贴", "price-linked temporary subsidy", "城乡低保对象、特困人员", "dibao recipients and 特困 people",
        price_eligibility, price_benefit, "material", (), (TOWNSHIP_SUBSIDY,), 1, False,
    ),
    Programme(
        MEDICAL_INSURANCE, BOARD, "资助参加基本医疗保险", "medical-insurance sponsorship", "城乡低保对象、特困人员", "dibao recipients and 特困 people",
        medical_insurance_eligibility, medical_insurance_benefit, "material", (DOC_HUKOU_ID,), (TOWNSHIP_SUBSIDY,), 12, False,
    ),
    Programme(
        EDUCATION, BOARD, "圆梦助学金", "education grant", "低保、特困、边缘家庭中升入高中或大学的学生",
        "students from dibao, 特困 or marginal households entering high school or university",
        education_eligibility, education_benefit, "material", (DOC_APPLICATION, DOC_HUKOU_ID, DOC_ADMISSION), (COUNTY,), 12, False,
    ),
    Programme(
        FOUR_BATCHES, BOARD, "四个一批分类", "four-batches classification", "全部家庭", "every household",
        four_batches_eligibility, None, "material", (), (), 6, True,
        label_names=tuple((code, zh, en) for code, (zh, en) in _BATCH_TEXT.items()),
    ),
]
