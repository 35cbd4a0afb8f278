"""Programmes of the Youth League board (团市委): care for left-behind children.

A left-behind child (留守儿童) is under 16 with both parents away working, or one away
and the other unable to look after them (S9 §1). The League's young volunteers give
companionship, homework help and psychological counselling (S9 §3(4)). The finding's
"benefit" is a set of suggested care needs, one per need type per child, each with a
risk tier and its reasons, the matcher's skills, the visit cadence of the tier, and a
background check because every recipient is a minor (S12 Art. 62; domain-rules §9).

Risk tiers (a configurable rule set, domain-rules §7.4): 3 high — under the unattended
age, living alone, a parent dead, missing or imprisoned, no guardian recorded while
both parents are away, or the child's own disability or serious illness; 2 key — both
parents away; 1 general — one away and the other present but unable.
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
    left_behind_situation,
)

BOARD = "youth_league"
LEFT_BEHIND = "youth_league.left_behind_care"
NEED_COMPANIONSHIP = "youth_league.companionship"
NEED_TUTORING = "youth_league.tutoring"
NEED_COUNSELLING = "youth_league.psych_counselling"
NEED_ELDERLY_VISIT = "youth_league.elderly_visit"

S_AGE = "youth_league.left_behind_age_limit"
S_UNATTENDED = "youth_league.unattended_age_limit"
S_VISIT = {3: "youth_league.visit_days_high", 2: "youth_league.visit_days_key", 1: "youth_league.visit_days_general"}

SKILLS: list[Skill] = [
    Skill("companionship", "陪伴", "companionship"),
    Skill("tutoring", "课业辅导", "tutoring"),
    Skill("psych_counselling", "心理咨询(持证)", "psychological counselling (certified)"),
    Skill("child_care", "儿童照护", "child care"),
    Skill("sign_language", "手语", "sign language"),
]

NEED_TYPES: list[NeedType] = [
    NeedType(NEED_COMPANIONSHIP, "left_behind_child", "留守儿童陪伴", "companionship for a left-behind child", ("companionship",), 2, 30, 1),
    NeedType(NEED_TUTORING, "left_behind_child", "留守儿童课业辅导", "homework help for a left-behind child", ("tutoring",), 2, 30, 1),
    NeedType(NEED_COUNSELLING, "left_behind_child", "留守儿童心理疏导", "psychological counselling for a left-behind child", ("psych_counselling",), 3, 7, 1),
    # youth volunteers also visit elderly people living alone ("留守儿童等", DESIGN: the board serves others too)
    NeedType(NEED_ELDERLY_VISIT, "elderly_alone", "独居老人探访", "visits to an elderly person living alone", ("companionship",), 2, 30, 1),
]

R = ReasonTemplate
R_NONE = R(
    "youth_league.none",
    "没有未满 {age} 周岁、父母双方外出务工或一方外出另一方无监护能力的儿童",
    "no child under {age} whose parents are both away working, or one away and the other unable",
    "S9 §1 (国发〔2016〕13号)",
)
R_CHILD = R(
    "youth_league.child",
    "{name}({age} 周岁)为留守儿童: {situation_zh}",
    "{name} (aged {age}) is a left-behind child: {situation_en}",
    "S9 §1",
)
R_RISK = R("youth_league.risk", "{name} 风险等级 {tier}: {why_zh}", "{name} risk tier {tier}: {why_en}", "domain-rules §7.4; S12 Art. 21-22")
R_CHECK = R(
    "youth_league.background_check",
    "服务对象为未成年人: 志愿者须经性侵害、虐待、拐卖、暴力伤害等违法犯罪记录查询",
    "the recipient is a minor: the volunteer needs the criminal-record check",
    "未成年人保护法 Art. 62 (S12); domain-rules §9",
)
R_REPORT = R(
    "youth_league.mandatory_report",
    "{name} 未满16周岁独自居住: 须立即向公安机关强制报告",
    "{name} is under 16 and lives alone: report to the police at once (mandatory reporting)",
    "未成年人保护法 Art. 11, 21 (S12); S9 §4(1)",
)
_SITUATION = {
    "both_away": ("父母均外出务工", "both parents are away working"),
    "one_away_other_unable": ("父母一方外出务工, 另一方无监护能力", "one parent is away working and the other cannot look after the child"),
}
_PARENT_GONE = frozenset({"deceased", "missing", "imprisoned"})


def left_behind_children(view: HouseholdView, std: StandardsInForce):
    """(member, age, situation) for every left-behind child of the household; cached per household."""
    found = view.memo.get(LEFT_BEHIND)
    if found is None:
        limit = std.memo.get(S_AGE) or std.cached(S_AGE, lambda: std.int_value(S_AGE))
        found = []
        for member in view.living:
            if member.father_status is None and member.mother_status is None:
                continue
            age = view.ages[member.person_id]
            if age < limit:
                situation = left_behind_situation(member)
                if situation is not None:
                    found.append((member, age, situation))
        view.memo[LEFT_BEHIND] = found
    return found


def child_risk(view: HouseholdView, std: StandardsInForce, member, age: int, situation: str) -> tuple[int, list[str], list[str]]:
    """The risk tier 1-3 of a left-behind child and the reasons for it, in Chinese and English."""
    unattended = std.memo.get(S_UNATTENDED) or std.cached(S_UNATTENDED, lambda: std.int_value(S_UNATTENDED))
    zh: list[str] = []
    en: list[str] = []
    if age < unattended:
        zh.append(f"未满{unattended}周岁")
        en.append(f"under {unattended}")
    if member.lives_alone:
        zh.append("独自居住")
        en.append("lives alone")
    if member.father_status in _PARENT_GONE or member.mother_status in _PARENT_GONE:
        zh.append("父母一方死亡、失踪或服刑")
        en.append("a parent is dead, missing or imprisoned")
    if situation == "both_away" and member.guardian_id is None:
        zh.append("父母均外出且未登记委托监护人")
        en.append("both parents away and no entrusted guardian recorded")
    if member.disabilities or member.serious_illness:
        zh.append("本人残疾或患重病")
        en.append("has a disability or serious illness")
    if zh:
        return 3, zh, en
    if situation == "both_away":
        return 2, ["父母均外出务工"], ["both parents away working"]
    return 1, ["一方外出、另一方在家但无监护能力"], ["one parent away, the other at home but unable"]


def left_behind_eligibility(view: HouseholdView, std: StandardsInForce) -> Finding:
    """Children under the age limit whose parents are away as S9 §1 defines."""
    children = left_behind_children(view, std)
    if not children:
        return std.memo.get((LEFT_BEHIND, "none")) or std.cached(
            (LEFT_BEHIND, "none"),
            lambda: Finding(LEFT_BEHIND, BOARD, NOT_ELIGIBLE, (R_NONE(std.record(S_AGE), age=std.int_value(S_AGE)),)),
        )
    reasons = []
    for member, age, situation in children:
        zh, en = _SITUATION[situation]
        reasons.append(R_CHILD(std.record(S_AGE), name=member.name, age=age, situation_zh=zh, situation_en=en))
        if member.lives_alone:
            reasons.append(R_REPORT(name=member.name))
    reasons.append(R_CHECK())
    return Finding(LEFT_BEHIND, BOARD, ELIGIBLE, tuple(reasons), subjects=tuple(m.person_id for m, _, _ in children))


def left_behind_needs(view: HouseholdView, std: StandardsInForce, finding: Finding) -> tuple[CareNeed, ...]:
    """Per child: companionship always; tutoring for a child in compulsory schooling; counselling at tier 3."""
    needs = []
    for member, age, situation in left_behind_children(view, std):
        tier, why_zh, why_en = child_risk(view, std, member, age, situation)
        visit_key = S_VISIT[tier]
        visit_days = std.int_value(visit_key)
        risk_reasons = (R_RISK(std.record(visit_key), name=member.name, tier=tier, why_zh="、".join(why_zh), why_en="; ".join(why_en)),)
        companionship = ["companionship"]
        if any(c.category in (2, 3) for c in member.disabilities):
            companionship.append("sign_language")  # hearing or speech disability
        kinds = [(NEED_COMPANIONSHIP, tuple(companionship))]
        if member.student_level == "compulsory":
            kinds.append((NEED_TUTORING, ("tutoring",)))
        if tier == 3:
            kinds.append((NEED_COUNSELLING, ("psych_counselling",)))
        for need_type, skills in kinds:
            needs.append(
                CareNeed(member.person_id, need_type, "left_behind_child", tier, skills, True, visit_days, 1, risk_reasons=risk_reasons)
            )
    return tuple(needs)


PROGRAMMES: list[Programme] = [
    Programme(
        LEFT_BEHIND, BOARD, "留守儿童关爱", "care for left-behind children",
        "未满16周岁、父母均外出务工或一方外出另一方无监护能力的儿童",
        "children under 16 whose parents are both away working, or one away and the other unable",
        left_behind_eligibility, left_behind_needs, "care",
        (
            Document("child_file", "留守儿童信息档案(一人一档)", "left-behind child's information file (one per child)", "S9 §3(2)"),
            Document("guardian_entrustment", "父母委托照护的书面告知", "parents' written entrustment of care", "S12 Art. 22-23"),
        ),
        (ApprovalTier("league_committee", "团区县委确认服务计划", "district League committee confirms the care plan"),),
        3, False,
    ),
]
