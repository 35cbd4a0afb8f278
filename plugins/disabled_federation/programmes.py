"""Programmes of the disabled persons' federation (市残联): the two subsidies, rehabilitation.

* Living subsidy for poor disabled people (困难残疾人生活补贴): a valid disability
  certificate and a dibao or low-income (marginal) household.
* Nursing subsidy (重度残疾人护理补贴): grade 1-2 (severe) and needing long-term care.
* Rehabilitation and assistive devices: a certificate holder who asked for them.

Certificates come parsed by ``core.idnumber.parse_disability_certificate`` (through
the snapshot); an expired certificate does not count.

Cross-reads: ``civil_affairs.dibao_standard``, ``civil_affairs.marginal_income_multiplier``.
"""

from __future__ import annotations

from decimal import Decimal

from core.api import (
    DISABILITY_CATEGORY_NAMES,
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
    severe_disability,
)

BOARD = "disabled_federation"
LIVING = "disabled_federation.living_subsidy"
NURSING = "disabled_federation.nursing_subsidy"
REHABILITATION = "disabled_federation.rehabilitation"

S_DIBAO = "civil_affairs.dibao_standard"  # cross-read
S_MARGINAL = "civil_affairs.marginal_income_multiplier"  # cross-read
S_LIVING = "disabled_federation.living_subsidy_monthly"
S_NURSING = "disabled_federation.nursing_subsidy_monthly"
S_REHAB_CAP = "disabled_federation.rehabilitation_cap"
S_DEVICE_CAP = "disabled_federation.assistive_device_cap"
_LOW_INCOME_PROGRAMMES = ("civil_affairs.dibao", "civil_affairs.dibao_single_person", "civil_affairs.marginal_household", "civil_affairs.tekun")

RULE_TWO_SUBSIDIES = "国发〔2015〕52号 (two subsidies for disabled people) [U]"
R = ReasonTemplate
R_NO_CERT = R("disabled_federation.no_certificate", "没有持有效残疾人证的成员", "no member holds a valid disability certificate", "残疾人证管理办法")
R_CERT = R(
    "disabled_federation.certificate",
    "{name} 持{category_zh}残疾{grade}级证",
    "{name} holds a grade {grade} {category_en} disability certificate",
    "残疾人证管理办法 Art. 5",
)
R_LOW_INCOME = R(
    "disabled_federation.low_income",
    "家庭人均可计收入 {per_capita:fen} 元/月, 低于 {multiplier:dec} 倍低保标准 {threshold:fen} 元/月: 属低保或低收入家庭",
    "per-capita countable income {per_capita:fen} yuan/month is below {multiplier:dec} × the dibao standard = {threshold:fen}: "
    "a dibao or low-income household",
    RULE_TWO_SUBSIDIES + "; S2 Art. 8",
)
R_NOT_LOW_INCOME = R(
    "disabled_federation.not_low_income",
    "家庭人均可计收入 {per_capita:fen} 元/月, 不低于 {multiplier:dec} 倍低保标准 {threshold:fen} 元/月, 且未享受低保或边缘待遇",
    "per-capita countable income {per_capita:fen} yuan/month is not below {multiplier:dec} × the dibao standard = {threshold:fen}, "
    "and the household receives no dibao or marginal support",
    RULE_TWO_SUBSIDIES,
)
R_ENROLLED = R("disabled_federation.enrolled", "家庭在享低保、特困或边缘待遇", "the household receives dibao, 特困 or marginal support", RULE_TWO_SUBSIDIES)
R_NO_SEVERE = R("disabled_federation.no_severe", "没有持一、二级残疾人证的成员", "no member holds a grade 1 or 2 certificate", RULE_TWO_SUBSIDIES)
R_CARE_NEED = R(
    "disabled_federation.care_need",
    "{name}({grade}级)需长期照护: {why}",
    "{name} (grade {grade}) needs long-term care: {why_en}",
    RULE_TWO_SUBSIDIES,
)
R_NO_CARE_NEED = R(
    "disabled_federation.no_care_need",
    "{name}({grade}级)未评估为需长期照护",
    "{name} (grade {grade}) is not assessed as needing long-term care",
    RULE_TWO_SUBSIDIES,
)
R_NO_REQUEST = R("disabled_federation.no_request", "持证成员未申请康复或辅助器具", "no certificate holder asked for rehabilitation or an assistive device", "残疾人保障法 Art. 15-20")
R_REQUEST = R("disabled_federation.request", "{name} 申请: {requests}", "{name} asks for: {requests_en}", "残疾人保障法 Art. 15-20")
R_PER_PERSON = R("disabled_federation.per_person", "{count} 人 × {amount:fen} 元/月", "{count} × {amount:fen} yuan/month", RULE_TWO_SUBSIDIES)
R_REHAB = R(
    "disabled_federation.rehab",
    "{name}: 近12个月康复支出 {spending:fen} 元, 按上限 {cap:fen} 元补助 {amount:fen} 元",
    "{name}: rehabilitation spending {spending:fen} yuan in 12 months, reimbursed {amount:fen} yuan (cap {cap:fen})",
    "残疾人保障法 Art. 15-20",
)
R_DEVICE = R(
    "disabled_federation.device",
    "{name}: 辅助器具适配, 评估后在 {cap:fen} 元内确定",
    "{name}: assistive device, set after assessment within {cap:fen} yuan",
    "残疾人保障法 Art. 15-20",
)
_REQUEST_TEXT = {"rehabilitation": ("康复训练", "rehabilitation"), "assistive_device": ("辅助器具", "assistive device")}


def _holders(view: HouseholdView):
    """(member, best valid certificate) for every living member with a valid certificate."""
    found = view.memo.get("disabled_federation.holders")
    if found is None:
        found = []
        for member in view.living:
            certs = view.valid_certificates(member) if member.disabilities else ()
            if certs:
                found.append((member, min(certs, key=lambda c: c.grade)))
        view.memo["disabled_federation.holders"] = found
    return found


def _cert_reason(member, cert):
    zh, en = DISABILITY_CATEGORY_NAMES[cert.category]
    return R_CERT(name=member.name, category_zh=zh, category_en=en, grade=cert.grade)


def _no_certificate(std: StandardsInForce, key: str) -> Finding:
    return std.memo.get((key, "no_cert")) or std.cached((key, "no_cert"), lambda: Finding(key, BOARD, NOT_ELIGIBLE, (R_NO_CERT(),)))


def living_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """A certificate holder in a dibao or low-income household (per-capita income below
    marginal multiplier × dibao standard, or enrolled in a civil-affairs low-income programme)."""
    holders = _holders(view)
    if not holders:
        return _no_certificate(std, LIVING)
    reasons = [_cert_reason(m, c) for m, c in holders]
    if view.enrolled(*_LOW_INCOME_PROGRAMMES):
        reasons.append(R_ENROLLED())
        return Finding(LIVING, BOARD, ELIGIBLE, tuple(reasons), subjects=tuple(m.person_id for m, _ in holders))
    size = max(view.size, 1)
    multiplier = std.record(S_MARGINAL)
    threshold = std.monthly_fen(S_DIBAO) * multiplier.value
    per_capita = Decimal(view.countable_income_fen) / size
    params = dict(per_capita=round_fen(per_capita), multiplier=multiplier.value, threshold=round_fen(threshold))
    if per_capita < threshold:
        reasons.append(R_LOW_INCOME(std.record(S_DIBAO), multiplier, **params))
        return Finding(LIVING, BOARD, ELIGIBLE, tuple(reasons), subjects=tuple(m.person_id for m, _ in holders))
    reasons.append(R_NOT_LOW_INCOME(std.record(S_DIBAO), multiplier, **params))
    return Finding(LIVING, BOARD, NOT_ELIGIBLE, tuple(reasons))


def _monthly_per_person(key: str, label_zh: str, label_en: str):
    def benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
        amount = round_fen(std.monthly_fen(key))
        lines = tuple(BenefitLine(label_zh, label_en, monthly_fen=amount, person_id=p) for p in finding.subjects)
        return Benefit(lines, per="person", reasons=(R_PER_PERSON(std.record(key), count=len(lines), amount=amount),))

    benefit.__doc__ = f"{label_en}: the standard {key} per qualifying person per month."
    return benefit


def nursing_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Grade 1-2 certificate and long-term care needed (assessed flag, or any failed self-care item)."""
    holders = _holders(view)
    if not holders:
        return _no_certificate(std, NURSING)
    severe = [(m, c) for m, c in holders if severe_disability(c)]
    if not severe:
        return Finding(NURSING, BOARD, NOT_ELIGIBLE, tuple(_cert_reason(m, c) for m, c in holders) + (R_NO_SEVERE(),))
    reasons = []
    subjects = []
    for member, cert in severe:
        reasons.append(_cert_reason(member, cert))
        failed = member.self_care.failed_count if member.self_care is not None else 0
        if member.long_term_care or failed:
            why_zh = "经评估需长期照护" if member.long_term_care else f"自理能力评估 {failed} 项未达到"
            why_en = "assessed as needing long-term care" if member.long_term_care else f"{failed} self-care items not achieved"
            reasons.append(R_CARE_NEED(name=member.name, grade=cert.grade, why=why_zh, why_en=why_en))
            subjects.append(member.person_id)
        else:
            reasons.append(R_NO_CARE_NEED(name=member.name, grade=cert.grade))
    return Finding(NURSING, BOARD, ELIGIBLE if subjects else NOT_ELIGIBLE, tuple(reasons), subjects=tuple(subjects))


def rehabilitation_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """A certificate holder who asked for rehabilitation or an assistive device."""
    holders = _holders(view)
    if not holders:
        return _no_certificate(std, REHABILITATION)
    asking = [(m, c) for m, c in holders if m.requests]
    if not asking:
        return Finding(REHABILITATION, BOARD, NOT_ELIGIBLE, tuple(_cert_reason(m, c) for m, c in holders) + (R_NO_REQUEST(),))
    reasons = []
    for member, cert in asking:
        reasons.append(_cert_reason(member, cert))
        reasons.append(R_REQUEST(name=member.name, requests=[_REQUEST_TEXT[r][0] for r in member.requests],
                                 requests_en=", ".join(_REQUEST_TEXT[r][1] for r in member.requests)))
    return Finding(REHABILITATION, BOARD, ELIGIBLE, tuple(reasons), subjects=tuple(m.person_id for m, _ in asking))


def rehabilitation_benefit(view: HouseholdView, std: StandardsInForce, finding: Finding) -> Benefit:
    """Rehabilitation: recorded 12-month rehabilitation spending up to the cap; devices: up to the cap, set after assessment."""
    lines, reasons = [], []
    rehab_cap = std.fen_int(S_REHAB_CAP)
    device_cap = std.fen_int(S_DEVICE_CAP)
    spending = view.spending_12m_fen.get("rehabilitation", 0)
    for person_id in finding.subjects:
        member = view.snapshot.member(person_id)
        if "rehabilitation" in member.requests:
            amount = min(spending, rehab_cap)
            spending -= amount  # household spending is shared out, never paid twice
            lines.append(BenefitLine(f"康复补助: {member.name}", f"rehabilitation: {member.name}", one_off_fen=amount,
                                     person_id=person_id, max_fen=rehab_cap))
            reasons.append(R_REHAB(std.record(S_REHAB_CAP), name=member.name, spending=amount, cap=rehab_cap, amount=amount))
        if "assistive_device" in member.requests:
            lines.append(BenefitLine(f"辅助器具: {member.name}", f"assistive device: {member.name}", one_off_fen=0,
                                     person_id=person_id, max_fen=device_cap))
            reasons.append(R_DEVICE(std.record(S_DEVICE_CAP), name=member.name, cap=device_cap))
    return Benefit(tuple(lines), per="person", reasons=tuple(reasons))


DOC_APPLICATION = Document("application", "申请表", "application form")
DOC_CERT = Document("disability_certificate", "第二代残疾人证", "disability certificate (second generation)")
DOC_HUKOU = Document("hukou_id", "户口簿和身份证", "hukou booklet and ID card")
DOC_LOW_INCOME = Document("low_income_proof", "低保证或低收入家庭认定材料", "dibao or low-income household certificate")
DOC_CARE = Document("care_assessment", "长期照护需求评估", "assessment of long-term care needs")
DOC_RECEIPTS = Document("rehab_receipts", "康复机构票据或辅具评估表", "rehabilitation receipts or device assessment")

COUNTY = ApprovalTier("county_federation", "县级残联审核, 民政部门审批", "county federation reviews, civil affairs approves", None, "monthly")
COUNTY_ONE_OFF = ApprovalTier("county_federation", "县级残联审批", "county federation approves", None, "one_off")

PROGRAMMES: list[Programme] = [
    Programme(
        LIVING, BOARD, "困难残疾人生活补贴", "living subsidy for poor disabled people",
        "低保或低收入家庭中的持证残疾人", "certificate holders in dibao or low-income households",
        living_eligibility, _monthly_per_person(S_LIVING, "困难残疾人生活补贴", "living subsidy"), "material",
        (DOC_APPLICATION, DOC_CERT, DOC_HUKOU, DOC_LOW_INCOME), (COUNTY,), 12, False,
    ),
    Programme(
        NURSING, BOARD, "重度残疾人护理补贴", "nursing subsidy for severe disability",
        "残疾等级为一、二级且需要长期照护的残疾人", "grade 1-2 disabled people needing long-term care",
        nursing_eligibility, _monthly_per_person(S_NURSING, "重度残疾人护理补贴", "nursing subsidy"), "material",
        (DOC_APPLICATION, DOC_CERT, DOC_HUKOU, DOC_CARE), (COUNTY,), 12, False,
    ),
    Programme(
        REHABILITATION, BOARD, "康复训练与辅助器具", "rehabilitation and assistive devices",
        "申请康复或辅具适配的持证残疾人", "certificate holders asking for rehabilitation or a device",
        rehabilitation_eligibility, rehabilitation_benefit, "material",
        (DOC_APPLICATION, DOC_CERT, DOC_RECEIPTS), (COUNTY_ONE_OFF,), 12, False,
    ),
]
