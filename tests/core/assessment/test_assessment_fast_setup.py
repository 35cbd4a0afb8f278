"""The findings' hand-written constructors store by field position: a mismatch must fail at once."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.assessment import Finding, Reason, ReasonTemplate
from core.assessment.findings import _slot_setters


def test_a_constructor_whose_parameters_are_not_the_fields_in_order_is_refused():
    @dataclass(frozen=True, slots=True)
    class Swapped:
        first: int
        second: int

        def __init__(self, second: int, first: int):  # fields in the wrong order
            pass

    with pytest.raises(TypeError, match=r"Swapped.__init__ parameters \['second', 'first'\] must be its fields in order"):
        _slot_setters(Swapped)


def test_the_fast_constructors_fill_every_field_as_named():
    template = ReasonTemplate("t.k", "{x}", "{x}", "rule")
    reason = template(x=1)
    assert (reason.template, dict(reason.params), reason.standards) == (template, {"x": 1}, ())
    assert reason == Reason(template, {"x": 1})
    finding = Finding("b.p", "b", "eligible", (reason,), subjects=("1",), labels=("l",), review_every_months=6,
                      grace_period_months=3, facts={"f": 1})
    assert (finding.programme_key, finding.board, finding.status, finding.reasons, finding.subjects, finding.benefit,
            finding.care_needs, finding.labels, finding.approval, finding.approval_limit_fen, finding.follow_up_by,
            finding.review_every_months, finding.grace_period_months, finding.facts) == (
        "b.p", "b", "eligible", (reason,), ("1",), None, (), ("l",), None, None, None, 6, 3, {"f": 1})
