"""Programmes: what a board offers, declared as data plus two pure rules.

A programme names its target group, an eligibility rule (household view +
standards in force -> :class:`Finding`), a benefit rule (-> :class:`Benefit` for
material programmes, a tuple of :class:`CareNeed` for care programmes), the
documents checked at document verification (要件甄别), the approval tiers, the review
frequency and whether a grace period (渐退期, S2 Art. 33) applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from .derived import HouseholdView
from .findings import ELIGIBLE, ApprovalTier, Benefit, CareNeed, Finding
from .standards import StandardsInForce

__all__ = ["Document", "Programme", "EligibilityRule", "BenefitRule", "KINDS"]

KINDS = ("material", "care")

EligibilityRule = Callable[[HouseholdView, StandardsInForce], Finding]
BenefitRule = Callable[[HouseholdView, StandardsInForce, Finding], Union[Benefit, tuple[CareNeed, ...]]]


@dataclass(frozen=True)
class Document:
    """One item of the document-verification checklist (要件甄别)."""

    key: str
    name_zh: str
    name_en: str
    note_zh: str = ""  # when it is needed, e.g. "有残疾成员时"
    note_en: str = ""

    def name(self, locale: str = "zh") -> str:
        return self.name_en if locale.startswith("en") else self.name_zh


@dataclass(frozen=True)
class Programme:
    """A board's programme. ``key`` is ``"<board>.<name>"``; ``kind`` is material or care."""

    key: str
    board: str
    name_zh: str
    name_en: str
    target_group_zh: str
    target_group_en: str
    eligibility: EligibilityRule
    benefit: BenefitRule | None
    kind: str = "material"
    required_documents: tuple[Document, ...] = ()
    approval_tiers: tuple[ApprovalTier, ...] = ()
    review_every_months: int = 12
    grace_period_applies: bool = False
    rule_summary_zh: str = ""
    rule_summary_en: str = ""
    # S6 Art. 25: ending this programme needs a 7-day public notice first (特困)
    termination_notice_required: bool = False
    # the labels its findings may carry, named: (code, zh, en), e.g. the four batches (四个一批)
    label_names: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.key.startswith(self.board + "."):
            raise ValueError(f"项目键 {self.key} 应以板块 {self.board}. 开头 (programme key {self.key} must start with {self.board}.)")
        if self.kind not in KINDS:
            raise ValueError(f"项目 {self.key} 的类型 {self.kind!r} 无效 (kind must be material or care)")

    def name(self, locale: str = "zh") -> str:
        return self.name_en if locale.startswith("en") else self.name_zh

    def label_name(self, code: str, locale: str = "zh") -> str:
        """A label of this programme's findings in words (the code itself if it has no name)."""
        for known, zh, en in self.label_names:
            if known == code:
                return en if locale.startswith("en") else zh
        return code

    def target_group(self, locale: str = "zh") -> str:
        return self.target_group_en if locale.startswith("en") else self.target_group_zh

    def evaluate(self, view: HouseholdView, standards: StandardsInForce) -> Finding:
        """Run the eligibility rule, then (if eligible) the benefit rule and the approval tier.

        Nothing is caught: a missing standard or a broken rule raises, so an error is
        never mistaken for "not eligible".
        """
        finding = self.eligibility(view, standards)
        if finding.programme_key != self.key:
            raise ValueError(f"rule of {self.key} returned a finding for {finding.programme_key}")
        if finding.status != ELIGIBLE or self.benefit is None:
            return finding
        return self.with_benefit(view, standards, finding)

    def with_benefit(self, view: HouseholdView, standards: StandardsInForce, finding: Finding) -> Finding:
        """An eligible finding completed by the benefit rule: the benefit and its approval tier, or the care needs."""
        result = self.benefit(view, standards, finding)
        if isinstance(result, Benefit):
            tier, limit = self.approval_for(result, standards)
            return finding.with_outcome(result, tier, limit, finding.care_needs)
        return finding.with_outcome(finding.benefit, finding.approval, finding.approval_limit_fen, tuple(result))

    def approval_for(self, benefit: Benefit, standards: StandardsInForce) -> tuple[ApprovalTier | None, int | None]:
        """The first tier whose limit (a standard, in yuan) covers the amount; the last tier otherwise."""
        chosen: tuple[ApprovalTier | None, int | None] = (None, None)
        for tier in self.approval_tiers:
            amount = benefit.one_off_fen if tier.measure == "one_off" else benefit.monthly_fen
            if tier.limit_key is None:
                return tier, None
            limit = standards.fen_int(tier.limit_key)
            chosen = (tier, limit)
            if amount <= limit:
                return chosen
        return chosen
