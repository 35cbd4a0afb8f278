"""Loading and validating carematch.instance/1 documents."""

from __future__ import annotations

import json

import pytest

from core.matching import InstanceError, InstanceWarning, load_instance, solve, validate_plan
from matching_builders import instance_doc, recipient, volunteer


def _error(document: dict) -> InstanceError:
    with pytest.raises(InstanceError) as caught:
        load_instance(document)
    return caught.value


def test_defaults_are_applied() -> None:
    doc = instance_doc([{"id": "v1", "lat": 46.6, "lon": 125.0, "gender": "M"}],
                       [{"id": "r1", "category": "elderly_alone", "lat": 46.6, "lon": 125.0, "risk": 2}],
                       max_km=12.0)
    instance = load_instance(doc)
    v, r = instance.volunteers[0], instance.recipients[0]
    assert (v.capacity, v.max_km, v.skills, v.background_check) == (1, 12.0, frozenset(), False)
    assert (r.min_common_slots, r.volunteers_needed, r.gender_pref, r.language_hard) == (1, 1, None, False)
    assert instance.params.weights.risk == {1: 100, 2: 300, 3: 1000}


def test_duplicate_volunteer_id_names_record_and_field() -> None:
    error = _error(instance_doc([volunteer("v1"), volunteer("v1")], [recipient("r1")]))
    assert error.record == "volunteers[1] (v1)" and error.field == "id"
    assert "duplicate" in str(error)


def test_duplicate_recipient_id() -> None:
    error = _error(instance_doc([volunteer("v1")], [recipient("r1"), recipient("r1")]))
    assert (error.record, error.field) == ("recipients[1] (r1)", "id")


def test_missing_lat() -> None:
    record = recipient("r7")
    del record["lat"]
    error = _error(instance_doc([volunteer("v1")], [record]))
    assert (error.record, error.field) == ("recipients[0] (r7)", "lat")
    assert "missing" in str(error) and "缺少" in str(error)


@pytest.mark.parametrize(("field", "value"), [
    ("capacity", "3"), ("capacity", True), ("lat", "46.6"), ("skills", "child_care"),
    ("gender", "X"), ("background_check", "yes"), ("max_km", [1]),
])
def test_wrong_volunteer_types(field: str, value: object) -> None:
    error = _error(instance_doc([volunteer("v1", **{field: value})], [recipient("r1")]))
    assert (error.record, error.field) == ("volunteers[0] (v1)", field)


@pytest.mark.parametrize(("field", "value"), [
    ("risk", 4), ("volunteers_needed", 3), ("category", "orphan"), ("gender_pref", "female"),
    ("min_common_slots", -1), ("languages", [1]),
])
def test_wrong_recipient_fields(field: str, value: object) -> None:
    error = _error(instance_doc([volunteer("v1")], [recipient("r1", **{field: value})]))
    assert (error.record, error.field) == ("recipients[0] (r1)", field)


def test_unknown_format() -> None:
    doc = instance_doc([volunteer("v1")], [recipient("r1")])
    doc["format"] = "carematch.instance/2"
    error = _error(doc)
    assert (error.record, error.field) == ("instance", "format")


def test_malformed_weights() -> None:
    error = _error(instance_doc([volunteer("v1")], [recipient("r1")], weights={"km": "two"}))
    assert (error.record, error.field) == ("params.weights", "km")


def test_invalid_json_text() -> None:
    with pytest.raises(InstanceError):
        load_instance('{"format": ')


def test_unknown_ids_in_current_and_excluded_are_warnings() -> None:
    doc = instance_doc([volunteer("v1")],
                       [recipient("r1", current_volunteers=["v1", "ghost"], excluded_volunteers=["nobody"])])
    with pytest.warns(InstanceWarning) as caught:
        instance = load_instance(json.dumps(doc))
    assert ["ghost" in str(w.message) for w in caught] == [True, False]
    assert instance.recipients[0].current_volunteers == ("v1",)
    assert instance.recipients[0].excluded_volunteers == ()
    assert len(instance.warnings) == 2
    plan = solve(instance)
    assert plan.warnings == instance.warnings
    assert validate_plan(instance, plan) == []
    assert plan.to_json()["warnings"] == list(instance.warnings)


def test_round_trip_through_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = instance_doc([volunteer("v1", languages=["mn", "zh"])], [recipient("r1", languages=["mn"])])
    instance = load_instance(doc)
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(instance.to_json()), encoding="utf-8")
    assert load_instance(path) == instance
