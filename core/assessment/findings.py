"""Findings: what a programme's rule concluded about a household, and why.

The engine advises and a person decides (domain-rules §12.3, last line; PIPL Art.
24), so every finding carries its reasons. A reason is stored as a template and its
parameters (cheap to build for 100,000 households) and is turned into Chinese or
English text only when someone reads it. Each reason names the figures it compared,
the standards it used (key, value, effective date) and the rule it applies.

Amounts in findings are integer fen: exact values are computed with ``Decimal``
and rounded half up to the fen only at the end (:func:`core.assessment.standards.to_fen`).
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Mapping

from .standards import StandardRecord, _plain

__all__ = [
    "ELIGIBLE",
    "NOT_ELIGIBLE",
    "NEEDS_INFORMATION",
    "STATUSES",
    "CARE_CATEGORIES",
    "ReasonTemplate",
    "Reason",
    "BenefitLine",
    "Benefit",
    "CareNeed",
    "ApprovalTier",
    "Finding",
    "format_fen",
]

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
NEEDS_INFORMATION = "needs_information"
STATUSES = (ELIGIBLE, NOT_ELIGIBLE, NEEDS_INFORMATION)
STATUS_LABELS = {
    ELIGIBLE: ("符合条件", "eligible"),
    NOT_ELIGIBLE: ("不符合条件", "not eligible"),
    NEEDS_INFORMATION: ("需补充信息", "needs information"),
}
CARE_CATEGORIES = ("left_behind_child", "elderly_alone", "bereaved_family")


def format_fen(fen: int | Decimal) -> str:
    """Fen as yuan with two decimals: 123000 -> "1230.00"."""
    negative = fen < 0
    fen = abs(int(fen))
    text = f"{fen // 100}.{fen % 100:02d}"
    return "-" + text if negative else text


class _ReasonFormatter(string.Formatter):
    """``{x:fen}`` formats integer fen as yuan, ``{x:dec}`` an exact Decimal without trailing zeros."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "fen":
            return format_fen(value)
        if format_spec == "dec":
            return _plain(Decimal(value))
        if isinstance(value, dt.date) and not format_spec:
            return value.isoformat()
        if isinstance(value, (list, tuple)) and not format_spec:
            return "、".join(str(v) for v in value)
        return super().format_field(value, format_spec)


_FORMATTER = _ReasonFormatter()


@dataclass(frozen=True)
class ReasonTemplate:
    """A reusable explanation: bilingual text with ``{placeholders}`` and the rule it applies.

    ``key`` is stable (``"civil_affairs.dibao.income_below"``) so stored findings can be
    re-rendered after the wording changes; ``rule`` cites the source, e.g.
    ``"S2 Art. 23 (difference method)"``.
    """

    key: str
    zh: str
    en: str
    rule: str = ""

    def __call__(self, *standards: StandardRecord, **params: Any) -> Reason:
        """Build a :class:`Reason` from this template (shorthand used by the rules).

        Same as ``Reason(self, params, standards)``, minus one Python call: the rules
        build a few reasons per programme for every household.
        """
        reason = _new_reason(Reason)
        set_template, set_params, set_standards = _REASON_SET
        set_template(reason, self)
        set_params(reason, params)
        set_standards(reason, standards)
        return reason


@dataclass(frozen=True, slots=True)
class Reason:
    """One explained step of a rule: a template, its figures and the standards it used."""

    template: ReasonTemplate
    params: Mapping[str, Any]
    standards: tuple[StandardRecord, ...] = ()

    def __init__(self, template: ReasonTemplate, params: Mapping[str, Any], standards: tuple[StandardRecord, ...] = ()):
        # Hand-written: the generated frozen __init__ goes through object.__setattr__ per
        # field, which dominated the cost of 100,000 households' reasons (see _slot_setters).
        _REASON_SET[0](self, template)
        _REASON_SET[1](self, params)
        _REASON_SET[2](self, standards)

    @property
    def key(self) -> str:
        return self.template.key

    @property
    def rule(self) -> str:
        return self.template.rule

    def text(self, locale: str = "zh", *, with_sources: bool = True,
             names: Mapping[str, tuple[str, str]] | None = None) -> str:
        """The reason as a sentence, followed by the standards used and the rule cited;
        ``names`` ({key: (zh, en)}, from the boards) names the standards for people."""
        english = locale.startswith("en")
        body = _FORMATTER.format(self.template.en if english else self.template.zh, **self.params)
        if not with_sources:
            return body
        names = names or {}
        sources = [s.describe("en" if english else "zh", names.get(s.key)) for s in self.standards]
        if self.template.rule:
            sources.append(("rule: " if english else "依据: ") + self.template.rule)
        if not sources:
            return body
        return f"{body} [{'; '.join(sources)}]" if english else f"{body}【{'；'.join(sources)}】"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready record: key, rule, parameters, standards used and both texts."""
        return {
            "key": self.template.key,
            "rule": self.template.rule,
            "params": {k: _json_value(v) for k, v in self.params.items()},
            "standards": [
                {
                    "key": s.key,
                    "region_code": s.region_code,
                    "area": s.area,
                    "value": str(s.value),
                    "unit": s.unit,
                    "effective_from": s.effective_from.isoformat(),
                }
                for s in self.standards
            ],
            "zh": self.text("zh"),
            "en": self.text("en"),
        }


def _slot_setters(cls: type) -> tuple[Any, ...]:
    """The slot descriptors' ``__set__`` of a frozen slotted dataclass, in field order.

    A frozen dataclass's generated ``__init__`` calls ``object.__setattr__`` once per
    field; calling the slot descriptors directly stores the same values about three
    times faster. The classes stay frozen: assignment from outside still raises.

    The hand-written ``__init__`` methods store their parameters by position in this
    tuple, so the parameters must be the dataclass's fields in the same order: checked
    here, at import, so that adding or reordering a field without updating ``__init__``
    fails at once instead of storing values in the wrong fields.
    """
    fields = list(cls.__dataclass_fields__)
    code = cls.__init__.__code__
    parameters = list(code.co_varnames[1:code.co_argcount])
    if parameters != fields:
        raise TypeError(f"{cls.__name__}.__init__ parameters {parameters} must be its fields in order: {fields}")
    return tuple(cls.__dict__[name].__set__ for name in fields)


_REASON_SET = _slot_setters(Reason)
_new_reason = object.__new__


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class BenefitLine:
    """One component of a benefit: for the household (``person_id`` None) or one person.

    ``monthly_fen``/``one_off_fen`` are money; ``quantity`` + ``unit`` describe an
    in-kind allowance (10 kWh of electricity a month); ``max_fen`` is the top of a
    range the caseworker chooses within (self-heating 380–660 yuan).
    """

    label_zh: str
    label_en: str
    monthly_fen: int = 0
    one_off_fen: int = 0
    person_id: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    max_fen: int | None = None

    def __init__(self, label_zh: str, label_en: str, monthly_fen: int = 0, one_off_fen: int = 0, person_id: str | None = None,
                 quantity: Decimal | None = None, unit: str | None = None, max_fen: int | None = None):
        s = _LINE_SET
        s[0](self, label_zh)
        s[1](self, label_en)
        s[2](self, monthly_fen)
        s[3](self, one_off_fen)
        s[4](self, person_id)
        s[5](self, quantity)
        s[6](self, unit)
        s[7](self, max_fen)

    def label(self, locale: str = "zh") -> str:
        return self.label_en if locale.startswith("en") else self.label_zh

    def to_json(self) -> dict[str, Any]:
        return {
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "monthly_fen": self.monthly_fen,
            "one_off_fen": self.one_off_fen,
            "person_id": self.person_id,
            "quantity": None if self.quantity is None else str(self.quantity),
            "unit": self.unit,
            "max_fen": self.max_fen,
        }


@dataclass(frozen=True, slots=True)
class Benefit:
    """A material benefit: the lines and their totals, per household or per person."""

    lines: tuple[BenefitLine, ...]
    per: str = "household"  # "household" | "person": how the amount is granted
    stages: tuple[int, ...] = ()  # staged one-off payments in fen (一次审批、分阶段救助)
    reasons: tuple[Reason, ...] = ()  # how the amount was computed

    def __init__(self, lines: tuple[BenefitLine, ...], per: str = "household", stages: tuple[int, ...] = (),
                 reasons: tuple[Reason, ...] = ()):
        s = _BENEFIT_SET
        s[0](self, lines)
        s[1](self, per)
        s[2](self, stages)
        s[3](self, reasons)

    @property
    def monthly_fen(self) -> int:
        return sum(line.monthly_fen for line in self.lines)

    @property
    def one_off_fen(self) -> int:
        return sum(line.one_off_fen for line in self.lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "per": self.per,
            "monthly_fen": self.monthly_fen,
            "one_off_fen": self.one_off_fen,
            "stages": list(self.stages),
            "lines": [line.to_json() for line in self.lines],
            "reasons": [r.to_json() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class CareNeed:
    """A suggested care need for one person: what the care boards' programmes "pay" in.

    Maps onto core's ``Need`` row and the matcher's recipient (spec/matching.md):
    ``category``, ``risk`` 1 (general) .. 3 (high), ``required_skills`` from the matcher
    vocabulary, ``needs_background_check`` (true for every minor, 未成年人保护法 Art. 62),
    ``visit_every_days`` from the board's cadence standards.
    """

    person_id: str
    need_type: str  # "<board>.<need>", one of the board's NEED_TYPES
    category: str
    risk: int
    required_skills: tuple[str, ...]
    needs_background_check: bool
    visit_every_days: int
    volunteers_needed: int = 1
    gender_pref: str | None = None
    gender_hard: bool = False
    contacts: tuple[str, ...] = ()  # named contacts required besides volunteers (双岗联系人)
    risk_reasons: tuple[Reason, ...] = ()

    def __init__(self, person_id: str, need_type: str, category: str, risk: int, required_skills: tuple[str, ...],
                 needs_background_check: bool, visit_every_days: int, volunteers_needed: int = 1, gender_pref: str | None = None,
                 gender_hard: bool = False, contacts: tuple[str, ...] = (), risk_reasons: tuple[Reason, ...] = ()):
        s = _NEED_SET
        s[0](self, person_id)
        s[1](self, need_type)
        s[2](self, category)
        s[3](self, risk)
        s[4](self, required_skills)
        s[5](self, needs_background_check)
        s[6](self, visit_every_days)
        s[7](self, volunteers_needed)
        s[8](self, gender_pref)
        s[9](self, gender_hard)
        s[10](self, contacts)
        s[11](self, risk_reasons)

    def to_json(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "need_type": self.need_type,
            "category": self.category,
            "risk": self.risk,
            "required_skills": list(self.required_skills),
            "needs_background_check": self.needs_background_check,
            "visit_every_days": self.visit_every_days,
            "volunteers_needed": self.volunteers_needed,
            "gender_pref": self.gender_pref,
            "gender_hard": self.gender_hard,
            "contacts": list(self.contacts),
            "risk_reasons": [r.to_json() for r in self.risk_reasons],
        }


@dataclass(frozen=True)
class ApprovalTier:
    """Who may approve, up to what amount.

    ``limit_key`` names the standard holding the limit in yuan (``None``: no upper
    limit, the last tier). ``measure`` says which amount is compared: the one-off total
    or the monthly total.
    """

    level: str  # "township" | "county" | "county_coordination" | "board" …
    name_zh: str
    name_en: str
    limit_key: str | None = None
    measure: str = "one_off"  # "one_off" | "monthly"

    def name(self, locale: str = "zh") -> str:
        return self.name_en if locale.startswith("en") else self.name_zh


@dataclass(frozen=True, slots=True)
class Finding:
    """The result of one programme for one household on one day.

    ``status`` is eligible / not_eligible / needs_information; ``reasons`` explain it;
    ``subjects`` are the person ids it concerns (empty: the whole household);
    ``benefit`` (material programmes) or ``care_needs`` (care programmes) is filled in
    only when eligible; ``labels`` carry classifications (the four batches);
    ``follow_up_by`` is a paperwork deadline (emergency assistance first, 先行救助);
    ``facts`` are intermediate exact figures the benefit rule reuses.
    """

    programme_key: str
    board: str
    status: str
    reasons: tuple[Reason, ...]
    subjects: tuple[str, ...] = ()
    benefit: Benefit | None = None
    care_needs: tuple[CareNeed, ...] = ()
    labels: tuple[str, ...] = ()
    approval: ApprovalTier | None = None
    approval_limit_fen: int | None = None
    follow_up_by: dt.date | None = None
    review_every_months: int | None = None
    grace_period_months: int | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, programme_key: str, board: str, status: str, reasons: tuple[Reason, ...], subjects: tuple[str, ...] = (),
                 benefit: Benefit | None = None, care_needs: tuple[CareNeed, ...] = (), labels: tuple[str, ...] = (),
                 approval: ApprovalTier | None = None, approval_limit_fen: int | None = None, follow_up_by: dt.date | None = None,
                 review_every_months: int | None = None, grace_period_months: int | None = None,
                 facts: Mapping[str, Any] | None = None):
        s = _FINDING_SET
        s[0](self, programme_key)
        s[1](self, board)
        s[2](self, status)
        s[3](self, reasons)
        s[4](self, subjects)
        s[5](self, benefit)
        s[6](self, care_needs)
        s[7](self, labels)
        s[8](self, approval)
        s[9](self, approval_limit_fen)
        s[10](self, follow_up_by)
        s[11](self, review_every_months)
        s[12](self, grace_period_months)
        s[13](self, {} if facts is None else facts)

    @property
    def eligible(self) -> bool:
        return self.status == ELIGIBLE

    def status_label(self, locale: str = "zh") -> str:
        zh, en = STATUS_LABELS[self.status]
        return en if locale.startswith("en") else zh

    def explain(self, locale: str = "zh", names: Mapping[str, tuple[str, str]] | None = None) -> list[str]:
        """Every reason as text, in order, including the benefit's and care needs' reasons;
        ``names`` as for :meth:`Reason.text`."""
        lines = [reason.text(locale, names=names) for reason in self.reasons]
        if self.benefit is not None:
            lines.extend(reason.text(locale, names=names) for reason in self.benefit.reasons)
        seen: set[int] = set()
        for need in self.care_needs:
            for reason in need.risk_reasons:
                if id(reason) not in seen:  # needs of one person share their risk reasons
                    seen.add(id(reason))
                    lines.append(reason.text(locale, names=names))
        return lines

    def with_(self, **changes: Any) -> Finding:
        """A copy with some fields changed (findings are immutable)."""
        return replace(self, **changes)

    def with_outcome(self, benefit: Benefit | None, approval: ApprovalTier | None, approval_limit_fen: int | None,
                     care_needs: tuple[CareNeed, ...]) -> Finding:
        """This finding with its benefit (and approval tier) or care needs: ``with_`` without ``dataclasses.replace``'s cost."""
        return Finding(self.programme_key, self.board, self.status, self.reasons, self.subjects, benefit, care_needs,
                       self.labels, approval, approval_limit_fen, self.follow_up_by, self.review_every_months,
                       self.grace_period_months, self.facts)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready record of the finding, reasons rendered in both languages."""
        return {
            "programme_key": self.programme_key,
            "board": self.board,
            "status": self.status,
            "subjects": list(self.subjects),
            "reasons": [r.to_json() for r in self.reasons],
            "benefit": None if self.benefit is None else self.benefit.to_json(),
            "care_needs": [n.to_json() for n in self.care_needs],
            "labels": list(self.labels),
            "approval": None
            if self.approval is None
            else {
                "level": self.approval.level,
                "name_zh": self.approval.name_zh,
                "name_en": self.approval.name_en,
                "limit_fen": self.approval_limit_fen,
            },
            "follow_up_by": None if self.follow_up_by is None else self.follow_up_by.isoformat(),
            "review_every_months": self.review_every_months,
            "grace_period_months": self.grace_period_months,
            "facts": {k: _json_value(v) for k, v in self.facts.items()},
        }


_LINE_SET = _slot_setters(BenefitLine)
_BENEFIT_SET = _slot_setters(Benefit)
_NEED_SET = _slot_setters(CareNeed)
_FINDING_SET = _slot_setters(Finding)
