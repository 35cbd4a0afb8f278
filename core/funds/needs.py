"""Which need a programme or care need answers: the common vocabulary that lets the
cross-board report see two boards helping one household with the same thing, and lets a
fund's purpose name a need ("education") instead of each board's programme.

Programme keys are data that boards own; core never imports a board, so the mapping is
by key. A key not listed answers its own need (no cross-board overlap is claimed).
Care measures use the care need's category (left-behind child, elderly alone, bereaved
family), so two care boards caring for the same child show as an overlap.
"""

from __future__ import annotations

NEEDS = ("basic_living", "temporary_hardship", "education", "medical", "festival", "disability_support",
         "left_behind_child", "elderly_alone", "bereaved_family", "psychological")

PROGRAMME_NEEDS: dict[str, str] = {
    "civil_affairs.dibao": "basic_living",
    "civil_affairs.dibao_single_person": "basic_living",
    "civil_affairs.tekun": "basic_living",
    "trade_union.hardship_relief": "basic_living",
    "disabled_federation.living_subsidy": "basic_living",
    "civil_affairs.temporary_assistance": "temporary_hardship",
    "civil_affairs.education_grant": "education",
    "trade_union.education_grant": "education",
    "trade_union.medical_relief": "medical",
    "civil_affairs.festival_subsidy": "festival",
    "trade_union.festival_visit": "festival",
    "disabled_federation.nursing_subsidy": "disability_support",
    "disabled_federation.rehabilitation": "disability_support",
    "youth_league.left_behind_care": "left_behind_child",
    "womens_federation.proxy_mother": "left_behind_child",
    "womens_federation.bereaved_family_comfort": "bereaved_family",
    "womens_federation.elderly_women_alone": "elderly_alone",
    "youth_league.psych_counselling": "psychological",
}


def need_of(key: str | None, category: str | None = None) -> str | None:
    """The need a programme (or a care need of ``category``) answers."""
    if category and category != "other":
        return category
    if not key:
        return None
    return PROGRAMME_NEEDS.get(key, key)
