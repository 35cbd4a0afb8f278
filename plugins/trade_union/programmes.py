"""Programmes of the trade-union board (市总工会): hardship employees (困难职工).

Urban employees and retirees who are union members, in a household whose per-capita
income is below the local threshold or in hardship from illness, disaster or
children's schooling. No national rule exists: every threshold is a standard whose
default is a documented assumption (see ``standards.py``).

Cross-reads: ``civil_affairs.dibao_standard`` (the income threshold is a multiple of it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.api import (
    ELIGIBLE,
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
    round_fen,
    to_fen,
)

BOARD = "trade_union"
RELIEF = "trade_union.hardship_relief"
EDUCATION = "trade_union.education_grant"
MEDICAL = "trade_union.medical_relief"
FESTIVAL = "trade_union.festival_visit"

S_DIBAO = "civil_affairs.dibao_standard"  # cross-read
S_MULTIPLIER = "trade_union.hardship_income_multiplier"
S_MEDICAL_RATIO = "trade_union.medical_hardship_ratio"
S_EDUCATION_RATIO = "trade_union.education_hardship_ratio"
S_EVENT_WINDOW = "trade_union.event_window_days"
S_RELIEF = "trade_union.hardship_relief"
S_GRANT_HIGH = "trade_union.education_grant_high_school"
S_GRANT_UNIVERSITY = "trade_union.education_grant_university"
S_GRANT_WINDOW = "trade_union.education_grant_window_months"
S_DEDUCTIBLE = "trade_union.medical_relief_deductible"
S_SHARE = "trade_union.medical_relief_share"
S_CAP = "trade_union.medical_relief_cap"
S_FESTIVAL = "trade_union.festival_visit"
S_DISTRICT_LIMIT = "trade_union.district_approval_limit"

_EMPLOYEE_STATUSES = frozenset({"employed", "retired"})  # 城镇职工 and retirees
_DISASTER_EVENTS = frozenset({"fire", "disaster", "accident", "traffic_accident"})
_HIGH_SCHOOL = frozenset({"high_school", "vocational"})
_UNIVERSITY = frozenset({"undergraduate"})
_GRANT_LEVELS = _HIGH_SCHOOL | _UNIVERSITY

R = ReasonTemplate
RULE = "市总工会困难职工帮扶办法 (city federation rules; no national rule)"
R_NO_MEMBER = R("trade_union.no_member", "家庭中没有在职或退休的工会会员职工", "no union member who is an employee or retiree in the household", RULE)
R_MEMBER = R("trade_union.member", "工会会员职工: {names}", "union members in employment or retired: {names}", RULE)
R_INCOME_LOW = R(
    "trade_union.income_low",
    "人均可计收入 {per_capita:fen} 元/月, 低于困难标准 {threshold:fen} 元/月({multiplier:dec} × 低保标准 {standard:fen})",
    "per-capita countable income {per_capita:fen} yuan/month is below the hardship line {threshold:fen} ({multiplier:dec} × dibao standard {standard:fen})",
    RULE,
)
R_INCOME_NOT_LOW = R(
    "trade_union.income_not_low",
    "人均可计收入 {per_capita:fen} 元/月, 不低于困难标准 {threshold:fen} 元/月",
    "per-capita countable income {per_capita:fen} yuan/month is not below the hardship line {threshold:fen}",
    RULE,
)
R_ILLNESS = R(
    "trade_union.illness",
    "因病致困: {detail}",
    "hardship from illness: {detail_en}",
    RULE,
)
R_DISASTER = R("trade_union.disaster", "因灾致困: {occurred_on} 发生{kind}", "hardship from a disaster or accident: {kind} on {occurred_on}", RULE)
R_SCHOOLING = R(
    "trade_union.schooling",
    "因学致困: 近12个月教育支出 {spending:fen} 元, 超过家庭年收入 {income:fen} 元的 {ratio:dec} 倍",
    "hardship from schooling: 12-month education spending {spending:fen} yuan exceeds {ratio:dec} × yearly income {income:fen}",
    RULE,
)
R_NOT_HARDSHIP = R("trade_union.not_hardship", "不属困难职工家庭", "not a hardship-employee household", RULE)
R_STUDENT = R(
    "trade_union.student",
    "{name} {entered} 升入{level_zh}: 助学 {amount:fen} 元",
    "{name} started {level_en} on {entered}: grant {amount:fen} yuan",
    RULE,
)
R_NO_STUDENT = R("trade_union.no_student", "近 {months} 个月内没有升入高中或大学的子女", "no child started high school or university in the last {months} months", RULE)
R_MEDICAL = R(
    "trade_union.medical",
    "近12个月医疗自付 {spending:fen} 元; 救助 = min(({spending:fen} − {deductible:fen}) × {share:dec}, {cap:fen}) = {amount:fen} 元",
    "12-month medical out-of-pocket {spending:fen} yuan; relief = min(({spending:fen} − {deductible:fen}) × {share:dec}, {cap:fen}) = {amount:fen} yuan",
    RULE,
)
R_MEDICAL_LOW = R(
    "trade_union.medical_low",
    "近12个月医疗自付 {spending:fen} 元, 未超过起付线 {deductible:fen} 元",
    "12-month medical out-of-pocket {spending:fen} yuan does not exceed the deductible {deductible:fen} yuan",
    RULE,
)
R_AMOUNT = R("trade_union.amount", "{label}: {amount:fen} 元", "{label_en}: {amount:fen} yuan", RULE)


def _employees(view: HouseholdView):
    return [m for m in view.living if m.union_member and m.employment in _EMPLOYEE_STATUSES]


_FIGURES = "trade_union.hardship_figures"


def _hardship_figures(std: StandardsInForce) -> tuple:
    """The standards of the hardship test for one (region, area, day), looked up once: dibao standard and
    multiplier records, the exact hardship line and the rounded figures shown, the illness and schooling
    ratio records and the disaster window in days."""
    standard = std.record(S_DIBAO)
    multiplier = std.record(S_MULTIPLIER)
    threshold = std.monthly_fen(S_DIBAO) * multiplier.value
    found = (standard, multiplier, threshold, round_fen(threshold), round_fen(std.monthly_fen(S_DIBAO)),
             std.record(S_MEDICAL_RATIO), std.record(S_EDUCATION_RATIO), std.int_value(S_EVENT_WINDOW))
    std.memo[_FIGURES] = found
    return found


def hardship(view: HouseholdView, std: StandardsInForce) -> tuple[bool, tuple]:
    """(is a hardship-employee household, reasons); computed once per household."""
    found = view.memo.get(RELIEF)
    if found is not None:
        return found
    employees = _employees(view)
    if not employees:
        found = (False, (std.memo.get((RELIEF, "no_member")) or std.cached((RELIEF, "no_member"), lambda: (R_NO_MEMBER(),))))
        view.memo[RELIEF] = found
        return found
    reasons = [R_MEMBER(names=[m.name for m in employees])]
    grounds = False
    size = max(view.size, 1)
    figures = std.memo.get(_FIGURES) or _hardship_figures(std)
    standard, multiplier, threshold, threshold_shown, standard_shown, ratio, edu_ratio, window = figures
    per_capita = Decimal(view.countable_income_fen) / size
    if per_capita < threshold:
        grounds = True
        reasons.append(R_INCOME_LOW(standard, multiplier, per_capita=round_fen(per_capita), threshold=threshold_shown,
                                    multiplier=multiplier.value, standard=standard_shown))
    else:
        reasons.append(R_INCOME_NOT_LOW(standard, multiplier, per_capita=round_fen(per_capita), threshold=threshold_shown))
    yearly_income = view.countable_income_fen * 12
    spent = view.spending_12m_fen if view.snapshot.expenditures else {}
    medical = spent.get("medical", 0)
    ill = [m.name for m in view.living if m.serious_illness]
    if ill:
        grounds = True
        reasons.append(R_ILLNESS(detail="患重病: " + "、".join(ill), detail_en="serious illness: " + ", ".join(ill)))
    elif medical and medical > yearly_income * ratio.value:
        grounds = True
        reasons.append(R_ILLNESS(ratio, detail=f"近12个月医疗自付 {medical / 100:.2f} 元超过年收入的 {ratio.value} 倍",
                                 detail_en=f"12-month medical spending {medical / 100:.2f} yuan exceeds {ratio.value} × yearly income"))
    for event in view.snapshot.events:
        if event.kind in _DISASTER_EVENTS and view.on - dt.timedelta(days=window) <= event.occurred_on <= view.on:
            grounds = True
            reasons.append(R_DISASTER(std.record(S_EVENT_WINDOW), occurred_on=event.occurred_on, kind=event.kind))
            break
    education = spent.get("education", 0)
    if education and education > yearly_income * edu_ratio.value:
        grounds = True
        reasons.append(R_SCHOOLING(edu_ratio, spending=education, income=yearly_income, ratio=edu_ratio.value))
    found = (grounds, tuple(reasons))
    view.memo[RELIEF] = found
    return found


def relief_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """A union-member employee or retiree and a ground of hardship (low income, illness, disaster, schooling)."""
    is_hardship, reasons = hardship(view, std)
    return Finding(RELIEF, BOARD, ELIGIBLE if is_hardship else NOT_ELIGIBLE, reasons)


def festival_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Hardship-employee households are visited at the two festivals (送温暖)."""
    is_hardship, reasons = hardship(view, std)
    return Finding(FESTIVAL, BOARD, ELIGIBLE if is_hardship else NOT_ELIGIBLE, reasons)


def _one_off(key: str, label_zh: str, label_en: str):
    memo_key = (key, "benefit")

    def build(std: StandardsInForce) -> Benefit:
        amount = std.fen_int(key)
        reason = R_AMOUNT(std.record(key), label=label_zh, label_en=label_en, amount=amount)
        found = Benefit((BenefitLine(label_zh, label_en, one_off_fen=amount),), reasons=(reason,))
        std.memo[memo_key] = found
        return found

    def benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
        # depends on the standards alone: one (immutable) benefit per region, area and day
        return std.memo.get(memo_key) or build(std)

    benefit.__doc__ = f"A one-off {label_en} per household (standard {key})."
    return benefit


def education_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Children of hardship-employee households who started high school or university recently."""
    window = std.int_value(S_GRANT_WINDOW)
    students = view.new_students(view.living, window, _GRANT_LEVELS)
    if not students:
        return std.memo.get((EDUCATION, "none")) or std.cached((EDUCATION, "none"), lambda: Finding(EDUCATION, BOARD, NOT_ELIGIBLE, (R_NO_STUDENT(std.record(S_GRANT_WINDOW), months=window),)))
    is_hardship, reasons = hardship(view, std)
    if not is_hardship:
        return Finding(EDUCATION, BOARD, NOT_ELIGIBLE, reasons + (R_NOT_HARDSHIP(),))
    return Finding(EDUCATION, BOARD, ELIGIBLE, reasons, subjects=tuple(m.person_id for m in students))


def education_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    lines, reasons = [], []
    for person_id in finding.subjects:
        member = view.snapshot.member(person_id)
        university = member.student_level in _UNIVERSITY
        key = S_GRANT_UNIVERSITY if university else S_GRANT_HIGH
        amount = std.fen_int(key)
        zh, en = ("大学", "university") if university else ("高中(中职)", "high school")
        lines.append(BenefitLine(f"金秋助学: {member.name}", f"education grant: {member.name}", one_off_fen=amount, person_id=person_id))
        reasons.append(R_STUDENT(std.record(key), name=member.name, entered=member.entered_current_level_on, level_zh=zh, level_en=en, amount=amount))
    return Benefit(tuple(lines), per="person", reasons=tuple(reasons))


def medical_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """A union-member household whose 12-month medical out-of-pocket spending exceeds the deductible."""
    if not _employees(view):
        return std.memo.get((MEDICAL, "no_member")) or std.cached((MEDICAL, "no_member"), lambda: Finding(MEDICAL, BOARD, NOT_ELIGIBLE, (R_NO_MEMBER(),)))
    spending = view.spending_12m_fen.get("medical", 0) if view.snapshot.expenditures else 0
    deductible = std.record(S_DEDUCTIBLE)
    if spending <= to_fen(deductible.value):
        return Finding(MEDICAL, BOARD, NOT_ELIGIBLE, (R_MEDICAL_LOW(deductible, spending=spending, deductible=to_fen(deductible.value)),))
    return Finding(MEDICAL, BOARD, ELIGIBLE, (), facts={"spending_fen": spending})


def medical_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    """min((spending − deductible) × share, cap)."""
    spending = finding.facts["spending_fen"]
    deductible, share, cap = std.record(S_DEDUCTIBLE), std.record(S_SHARE), std.record(S_CAP)
    amount = min(round_fen((spending - to_fen(deductible.value)) * share.value), to_fen(cap.value))
    reason = R_MEDICAL(deductible, share, cap, spending=spending, deductible=to_fen(deductible.value), share=share.value,
                       cap=to_fen(cap.value), amount=amount)
    return Benefit((BenefitLine("医疗救助", "medical hardship relief", one_off_fen=amount),), reasons=(reason,))


DOC_APPLICATION = Document("application", "困难职工帮扶申请表", "hardship-employee application form")
DOC_UNION = Document("union_card", "工会会员证明", "proof of union membership")
DOC_INCOME = Document("income_proof", "家庭成员收入证明", "proof of members' income")
DOC_MEDICAL = Document("medical_receipts", "诊断证明及医疗费用票据", "diagnosis and medical receipts")
DOC_ADMISSION = Document("admission_notice", "录取通知书", "admission notice")
DOC_EVENT = Document("event_proof", "受灾或事故证明", "proof of the disaster or accident", "因灾致困时", "for hardship from a disaster")

DISTRICT = ApprovalTier("district_union", "区县总工会审批", "district / county federation approves", S_DISTRICT_LIMIT, "one_off")
CITY_UNION = ApprovalTier("city_union", "市总工会审批", "city federation approves", None, "one_off")
TIERS = (DISTRICT, CITY_UNION)

PROGRAMMES: list[Programme] = [
    Programme(
        RELIEF, BOARD, "困难职工生活救助", "hardship-employee relief",
        "家庭人均收入低于困难标准或因病、因灾、因学致困的在职和退休工会会员职工",
        "union-member employees and retirees below the hardship line or in hardship from illness, disaster or schooling",
        relief_eligibility, _one_off(S_RELIEF, "困难职工生活救助", "hardship relief"), "material",
        (DOC_APPLICATION, DOC_UNION, DOC_INCOME, DOC_MEDICAL, DOC_EVENT), TIERS, 12, False,
    ),
    Programme(
        EDUCATION, BOARD, "金秋助学", "education grant for employees' children",
        "困难职工家庭中升入高中或大学的子女", "children of hardship-employee households entering high school or university",
        education_eligibility, education_benefit, "material", (DOC_APPLICATION, DOC_UNION, DOC_ADMISSION), TIERS, 12, False,
    ),
    Programme(
        MEDICAL, BOARD, "职工医疗救助", "medical hardship relief",
        "医疗自付费用超过起付线的工会会员职工家庭", "union-member households whose medical out-of-pocket costs exceed the deductible",
        medical_eligibility, medical_benefit, "material", (DOC_APPLICATION, DOC_UNION, DOC_MEDICAL), TIERS, 12, False,
    ),
    Programme(
        FESTIVAL, BOARD, "两节送温暖", "festival visit", "困难职工家庭", "hardship-employee households",
        festival_eligibility, _one_off(S_FESTIVAL, "两节送温暖慰问金", "festival visit gift"), "material", (DOC_UNION,), TIERS, 12, False,
    ),
]
