"""Programmes of the Women's Federation board (市妇联): psychological comfort and care.

* Bereaved-parent families (失独家庭): spiritual comfort with the two named contacts,
  a township cadre and a village cadre (双岗联系人), plus volunteers (人口与计划生育法
  Art. 32; domain-rules §7.3).
* Proxy mothers (代理妈妈) for left-behind children whose mother is not at home
  (S9 §3(4)): a woman volunteer, background-checked.
* Elderly women living alone (domain-rules §7.2).

The finding's "benefit" is a set of suggested care needs; every minor's need requires a
background check (S12 Art. 62). Cross-reads: ``youth_league.left_behind_age_limit`` and
``youth_league.unattended_age_limit``, so the two boards share one left-behind definition.
"""

from __future__ import annotations

from core.api import (
    ELIGIBLE,
    NOT_ELIGIBLE,
    ApprovalTier,
    CareNeed,
    Document,
    Finding,
    HouseholdView,
    NeedType,
    Programme,
    ReasonTemplate,
    Skill,
    StandardsInForce,
    add_months,
    left_behind_situation,
    severe_disability,
)

BOARD = "womens_federation"
BEREAVED = "womens_federation.bereaved_family_comfort"
PROXY_MOTHER = "womens_federation.proxy_mother"
ELDERLY_WOMEN = "womens_federation.elderly_women_alone"
ELDERLY_VISIT = "womens_federation.elderly_visit"

S_ELDERLY = "womens_federation.elderly_age"
S_HIGH_RISK_AGE = "womens_federation.elderly_high_risk_age"
S_RECENT = "womens_federation.recent_bereavement_months"
S_VISIT = {3: "womens_federation.visit_days_high", 2: "womens_federation.visit_days_key", 1: "womens_federation.visit_days_general"}
S_CHILD_AGE = "youth_league.left_behind_age_limit"  # cross-read
S_UNATTENDED = "youth_league.unattended_age_limit"  # cross-read

SKILLS: list[Skill] = [
    Skill("grief_counselling", "哀伤辅导", "grief counselling"),
    Skill("psych_counselling", "心理咨询(持证)", "psychological counselling (certified)"),
    Skill("child_care", "儿童照护", "child care"),
    Skill("elder_care", "老年照护", "elder care"),
    Skill("companionship", "陪伴", "companionship"),
    Skill("medical", "医疗护理", "medical care"),
]

NEED_TYPES: list[NeedType] = [
    NeedType(BEREAVED, "bereaved_family", "失独家庭精神慰藉", "comfort for a bereaved-parent family", ("grief_counselling",), 2, 30, 1),
    NeedType(PROXY_MOTHER, "left_behind_child", "代理妈妈", "proxy mother for a left-behind child", ("child_care", "companionship"), 2, 30, 1),
    NeedType(ELDERLY_WOMEN, "elderly_alone", "独居老年妇女关爱", "care for an elderly woman living alone", ("elder_care", "companionship"), 2, 30, 1),
    # women volunteers (巾帼志愿者) also visit elderly men living alone; the programme above is for women
    NeedType(ELDERLY_VISIT, "elderly_alone", "独居老人关爱探访", "visits to an elderly person living alone", ("elder_care", "companionship"), 2, 30, 1),
]
CONTACTS = ("township_cadre", "village_cadre")  # 双岗联系人: one township/street cadre, one village/residents' committee cadre

R = ReasonTemplate
R_NOT_BEREAVED = R("womens_federation.not_bereaved", "家庭未登记为失独家庭", "the household is not recorded as a bereaved-parent family", "人口与计划生育法 Art. 32")
R_BEREAVED = R(
    "womens_federation.bereaved",
    "失独家庭: 须确定乡镇(街道)领导干部和村(居)委会干部两名联系人, 并安排志愿者",
    "bereaved-parent family: name two contacts, a township/street cadre and a village/residents' committee cadre, and volunteers",
    "人口与计划生育法 Art. 32; 国家卫计委 2016 双岗联系人制度",
)
R_NO_PARENT = R("womens_federation.no_parent", "失独家庭中没有在世的父母", "no living parent in the bereaved family", "人口与计划生育法 Art. 32")
R_RISK = R("womens_federation.risk", "{name} 风险等级 {tier}: {why_zh}", "{name} risk tier {tier}: {why_en}", "domain-rules §7.2-7.4")
R_NO_CHILD = R(
    "womens_federation.no_child",
    "没有母亲不在身边的留守儿童(未满 {age} 周岁)",
    "no left-behind child under {age} whose mother is away",
    "S9 §1, §3(4)",
)
R_PROXY = R(
    "womens_federation.proxy",
    "{name}({age} 周岁)为留守儿童, 母亲{mother}: 安排女性志愿者作代理妈妈",
    "{name} (aged {age}) is left behind and the mother is {mother_en}: a woman volunteer as proxy mother",
    "S9 §1, §3(4)",
)
R_CHECK = R(
    "womens_federation.background_check",
    "服务对象为未成年人: 志愿者须经违法犯罪记录查询",
    "the recipient is a minor: the volunteer needs the criminal-record check",
    "未成年人保护法 Art. 62 (S12)",
)
R_NO_ELDERLY_WOMAN = R(
    "womens_federation.no_elderly_woman",
    "没有年满 {age} 周岁的独居女性",
    "no woman aged {age} or over living alone",
    "老年人权益保障法 Art. 18, 37",
)
R_ELDERLY_WOMAN = R(
    "womens_federation.elderly_woman",
    "{name}({age} 周岁)独居",
    "{name} (aged {age}) lives alone",
    "老年人权益保障法 Art. 18, 37; domain-rules §7.2",
)
_MOTHER_TEXT = {
    "away_working": ("外出务工", "away working"),
    "deceased": ("已故", "dead"),
    "missing": ("失踪", "missing"),
    "unable": ("无监护能力", "unable to care"),
    "imprisoned": ("服刑", "imprisoned"),
}


def _visit(std: StandardsInForce, tier: int) -> int:
    return std.memo.get((BOARD, "visit", tier)) or std.cached((BOARD, "visit", tier), lambda: std.int_value(S_VISIT[tier]))


def bereaved_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """A household recorded as 失独 (the only child died) with a living parent."""
    if not view.snapshot.only_child_deceased:
        return std.memo.get((BEREAVED, "no")) or std.cached((BEREAVED, "no"), lambda: Finding(BEREAVED, BOARD, NOT_ELIGIBLE, (R_NOT_BEREAVED(),)))
    parents = [m for m in view.living if m.inclusion in ("head", "spouse")]
    if not parents:
        return Finding(BEREAVED, BOARD, NOT_ELIGIBLE, (R_NOT_BEREAVED(), R_NO_PARENT()))
    return Finding(BEREAVED, BOARD, ELIGIBLE, (R_BEREAVED(),), subjects=tuple(m.person_id for m in parents))


def bereaved_needs(view: HouseholdView, std: StandardsInForce, finding: Finding) -> tuple[CareNeed, ...]:
    """One need per family, held by the first parent: tier 3 for a recent death, a parent aged 80+,
    living alone or seriously ill; otherwise tier 2 (失独 families are at least "key")."""
    parents = [view.snapshot.member(p) for p in finding.subjects]
    recent_start = add_months(view.on, -std.int_value(S_RECENT))
    high_age = std.int_value(S_HIGH_RISK_AGE)
    zh: list[str] = []
    en: list[str] = []
    used = []
    if any(m.deceased_on is not None and recent_start < m.deceased_on <= view.on for m in view.snapshot.members):
        zh.append("子女离世不足一年")
        en.append("the child died within the recent-bereavement window")
        used.append(std.record(S_RECENT))
    if any(view.ages[m.person_id] >= high_age for m in parents):
        zh.append(f"父母一方年满{high_age}周岁")
        en.append(f"a parent is aged {high_age} or over")
        used.append(std.record(S_HIGH_RISK_AGE))
    if any(m.lives_alone for m in parents):
        zh.append("父母一方独居")
        en.append("a parent lives alone")
    if any(m.serious_illness for m in parents):
        zh.append("父母一方患重病")
        en.append("a parent is seriously ill")
    tier = 3 if zh else 2
    if not zh:
        zh, en = ["失独家庭"], ["bereaved-parent family"]
    skills = ("grief_counselling", "medical") if any(m.serious_illness for m in parents) else ("grief_counselling",)
    reason = R_RISK(*used, std.record(S_VISIT[tier]), name=parents[0].name, tier=tier, why_zh="、".join(zh), why_en="; ".join(en))
    return (
        CareNeed(parents[0].person_id, BEREAVED, "bereaved_family", tier, skills, False, _visit(std, tier), 1,
                 contacts=CONTACTS, risk_reasons=(reason,)),
    )


def _motherless_children(view: HouseholdView, std: StandardsInForce):
    limit = std.memo.get(S_CHILD_AGE) or std.cached(S_CHILD_AGE, lambda: std.int_value(S_CHILD_AGE))
    found = []
    for member in view.living:
        if member.mother_status is None or member.mother_status == "present":
            continue
        age = view.ages[member.person_id]
        if age < limit and left_behind_situation(member) is not None:
            found.append((member, age))
    return found


def proxy_mother_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Left-behind children (S9 §1, shared definition) whose mother is not at home."""
    children = _motherless_children(view, std)
    if not children:
        return std.memo.get((PROXY_MOTHER, "none")) or std.cached(
            (PROXY_MOTHER, "none"),
            lambda: Finding(PROXY_MOTHER, BOARD, NOT_ELIGIBLE, (R_NO_CHILD(std.record(S_CHILD_AGE), age=std.int_value(S_CHILD_AGE)),)),
        )
    reasons = []
    for member, age in children:
        zh, en = _MOTHER_TEXT[member.mother_status]
        reasons.append(R_PROXY(std.record(S_CHILD_AGE), name=member.name, age=age, mother=zh, mother_en=en))
    reasons.append(R_CHECK())
    return Finding(PROXY_MOTHER, BOARD, ELIGIBLE, tuple(reasons), subjects=tuple(m.person_id for m, _ in children))


def proxy_mother_needs(view: HouseholdView, std: StandardsInForce, finding: Finding) -> tuple[CareNeed, ...]:
    """Tier 3 under the unattended age, living alone or with the mother dead or missing; else tier 2."""
    unattended = std.int_value(S_UNATTENDED)
    needs = []
    for member, age in _motherless_children(view, std):
        zh: list[str] = []
        en: list[str] = []
        if age < unattended:
            zh.append(f"未满{unattended}周岁")
            en.append(f"under {unattended}")
        if member.lives_alone:
            zh.append("独自居住")
            en.append("lives alone")
        if member.mother_status in ("deceased", "missing"):
            zh.append("母亲已故或失踪")
            en.append("the mother is dead or missing")
        tier = 3 if zh else 2
        if not zh:
            zh, en = ["母亲外出"], ["the mother is away"]
        reason = R_RISK(std.record(S_VISIT[tier]), name=member.name, tier=tier, why_zh="、".join(zh), why_en="; ".join(en))
        needs.append(
            CareNeed(member.person_id, PROXY_MOTHER, "left_behind_child", tier, ("child_care", "companionship"), True,
                     _visit(std, tier), 1, gender_pref="F", gender_hard=True, risk_reasons=(reason,))
        )
    return tuple(needs)


def _elderly_women(view: HouseholdView, std: StandardsInForce):
    age_limit = std.memo.get(S_ELDERLY) or std.cached(S_ELDERLY, lambda: std.int_value(S_ELDERLY))
    return [(m, view.ages[m.person_id]) for m in view.living if m.sex == "F" and m.lives_alone and view.ages[m.person_id] >= age_limit]


def elderly_women_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Women aged 60 or over living alone."""
    women = _elderly_women(view, std)
    if not women:
        return std.memo.get((ELDERLY_WOMEN, "none")) or std.cached(
            (ELDERLY_WOMEN, "none"),
            lambda: Finding(ELDERLY_WOMEN, BOARD, NOT_ELIGIBLE, (R_NO_ELDERLY_WOMAN(std.record(S_ELDERLY), age=std.int_value(S_ELDERLY)),)),
        )
    reasons = tuple(R_ELDERLY_WOMAN(std.record(S_ELDERLY), name=m.name, age=age) for m, age in women)
    return Finding(ELDERLY_WOMEN, BOARD, ELIGIBLE, reasons, subjects=tuple(m.person_id for m, _ in women))


def elderly_women_needs(view: HouseholdView, std: StandardsInForce, finding: Finding) -> tuple[CareNeed, ...]:
    """Tier 3: aged 80+, seriously ill, severely disabled or failing a self-care item; tier 2: any
    other disability; tier 1 otherwise (domain-rules §7.2 example tiering)."""
    high_age = std.int_value(S_HIGH_RISK_AGE)
    needs = []
    for member, age in _elderly_women(view, std):
        certs = view.valid_certificates(member)
        zh: list[str] = []
        en: list[str] = []
        if age >= high_age:
            zh.append(f"年满{high_age}周岁")
            en.append(f"aged {high_age} or over")
        if member.serious_illness:
            zh.append("患重病")
            en.append("seriously ill")
        if any(severe_disability(c) for c in certs):
            zh.append("重度残疾")
            en.append("severely disabled")
        if member.self_care is not None and member.self_care.failed_count:
            zh.append("生活不能完全自理")
            en.append("cannot fully look after herself")
        if zh:
            tier = 3
        elif certs:
            tier, zh, en = 2, ["残疾"], ["disabled"]
        else:
            tier, zh, en = 1, ["独居老人"], ["elderly, living alone"]
        skills = ("elder_care", "companionship", "medical") if member.serious_illness else ("elder_care", "companionship")
        reason = R_RISK(std.record(S_VISIT[tier]), name=member.name, tier=tier, why_zh="、".join(zh), why_en="; ".join(en))
        needs.append(CareNeed(member.person_id, ELDERLY_WOMEN, "elderly_alone", tier, skills, False, _visit(std, tier), 1,
                              risk_reasons=(reason,)))
    return tuple(needs)


PLAN = (ApprovalTier("womens_federation", "区县妇联确认服务计划", "district Women's Federation confirms the care plan"),)

PROGRAMMES: list[Programme] = [
    Programme(
        BEREAVED, BOARD, "失独家庭心理慰藉", "comfort for bereaved-parent families",
        "独生子女死亡的计划生育特殊家庭", "family-planning special families whose only child has died",
        bereaved_eligibility, bereaved_needs, "care",
        (
            Document("one_child_certificate", "独生子女父母光荣证", "one-child parents' certificate"),
            Document("death_certificate", "子女死亡证明", "the child's death certificate"),
            Document("contact_persons", "双岗联系人登记表", "register of the two named contacts"),
        ),
        PLAN, 3, False,
    ),
    Programme(
        PROXY_MOTHER, BOARD, "代理妈妈", "proxy mothers for left-behind children",
        "母亲不在身边的留守儿童", "left-behind children whose mother is away",
        proxy_mother_eligibility, proxy_mother_needs, "care",
        (Document("child_file", "留守儿童信息档案", "left-behind child's information file", "S9 §3(2)"),),
        PLAN, 3, False,
    ),
    Programme(
        ELDERLY_WOMEN, BOARD, "独居老年妇女关爱", "care for elderly women living alone",
        "年满60周岁的独居女性", "women aged 60 or over living alone",
        elderly_women_eligibility, elderly_women_needs, "care",
        (Document("visit_record", "探访关爱登记表", "visit and care record"),),
        PLAN, 3, False,
    ),
]
