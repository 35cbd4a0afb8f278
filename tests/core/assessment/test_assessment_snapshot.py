"""Snapshot JSON: round trip, ID-number derivation, bilingual errors naming the field."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from core.assessment import (
    HouseholdView,
    SnapshotError,
    snapshot_from_json,
    snapshot_to_json,
)
from core.idnumber import make_id_number

TODAY = dt.date(2024, 6, 1)
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "household.json"


def minimal(**member):
    base = {"name": "王芳", "birth_date": "1980-05-02", "sex": "F"}
    base.update(member)
    return {"region_code": "230602001", "area": "urban", "members": [base]}


def test_example_file_round_trips_exactly():
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    snapshot = snapshot_from_json(data, today=TODAY)
    again = snapshot_from_json(json.loads(json.dumps(snapshot_to_json(snapshot))), today=TODAY)
    assert again == snapshot
    assert len(snapshot.members) >= 3


def test_birth_date_and_sex_come_from_the_id_number():
    number = make_id_number("230602", dt.date(1950, 3, 15), 11)  # odd sequence: male
    snapshot = snapshot_from_json(minimal(id_number=number, birth_date=None, sex=None), today=TODAY)
    member = snapshot.members[0]
    assert (member.birth_date, member.sex) == (dt.date(1950, 3, 15), "M")
    with pytest.raises(SnapshotError, match="members\\[0\\].birth_date"):
        snapshot_from_json(minimal(id_number=number, birth_date="1951-03-15", sex=None), today=TODAY)


def test_yuan_and_fen_money_forms_agree():
    a = snapshot_from_json(minimal(incomes=[{"category": "wage", "monthly_yuan": "900.50"}]), today=TODAY)
    b = snapshot_from_json(minimal(incomes=[{"category": "wage", "monthly_fen": 90050}]), today=TODAY)
    assert a == b and a.members[0].incomes[0].monthly_fen == 90050


def test_disability_certificate_number_is_parsed_with_core_idnumber():
    number = make_id_number("230602", dt.date(1970, 1, 1), 21)
    snapshot = snapshot_from_json(
        minimal(id_number=number, birth_date=None, sex=None, disability_certificates=[{"number": number + "53"}]), today=TODAY
    )
    cert = snapshot.members[0].disabilities[0]
    assert (cert.category, cert.grade) == (5, 3)
    other = make_id_number("230602", dt.date(1971, 1, 1), 21)
    with pytest.raises(SnapshotError, match="certificate number does not contain"):
        snapshot_from_json(minimal(id_number=number, birth_date=None, sex=None, disability_certificates=[{"number": other + "53"}]), today=TODAY)


@pytest.mark.parametrize(
    "data, field_en, field_zh",
    [
        ({"area": "urban", "members": []}, "region_code", "户籍地区代码"),
        ({"region_code": "230602", "area": "suburb", "members": [{"name": "a", "birth_date": "2000-01-01", "sex": "F"}]}, "area", "户籍类型"),
        ({"region_code": "230602", "area": "urban", "members": []}, "members", "成员"),
        (minimal(incomes=[{"category": "salary", "monthly_fen": 1}]), "members[0].incomes[0].category", "成员[0].收入[0].类别"),
        (minimal(incomes=[{"category": "wage", "monthly_yuan": "1.005"}]), "members[0].incomes[0].monthly_yuan", "收入"),
        (minimal(incomes=[{"category": "wage", "monthly_fen": -5}]), "members[0].incomes[0].monthly", "收入"),
        (minimal(incomes=[{"category": "wage"}]), "members[0].incomes[0].monthly_fen", "收入"),
        (minimal(birth_date="1980-02-30"), "members[0].birth_date", "出生日期"),
        (minimal(id_number="230602195003150010", birth_date=None), "members[0].id_number", "身份证号"),
        (minimal(supporters=[{"relationship": "child", "able": False}]), "members[0].supporters[0].unable_reason", "无能力原因"),
        (minimal(disability_certificates=[{"category": 8, "grade": 1}]), "members[0].disability_certificates[0].category", "残疾人证"),
        (minimal(self_care={"assessed_on": "2024-01-01", "eating": True}), "members[0].self_care.dressing", "自理能力评估"),
    ],
)
def test_bad_input_names_the_field_in_both_languages(data, field_en, field_zh):
    with pytest.raises(SnapshotError) as err:
        snapshot_from_json(data, today=TODAY)
    assert err.value.field.startswith(field_en.split("[")[0])
    assert field_en in str(err.value)
    assert field_zh in str(err.value)


def test_view_counts_members_income_and_assets():
    data = minimal(incomes=[
        {"category": "wage", "monthly_yuan": "2000", "employment_cost_yuan": "200"},
        {"category": "transfer", "monthly_yuan": "300", "exempt_reason": "veterans_preferential"},
    ])
    data["members"].append({"name": "王小", "birth_date": "2010-06-02", "sex": "M", "inclusion": "minor_child"})
    data["members"].append({"name": "王某", "birth_date": "1982-01-01", "sex": "M", "inclusion": "excluded_prison",
                            "incomes": [{"category": "wage", "monthly_yuan": "500"}]})
    data["assets"] = [{"kind": "deposit", "value_yuan": "8000"}, {"kind": "house", "value_yuan": "200000", "exempt": True}]
    view = HouseholdView(snapshot_from_json(data, today=TODAY), TODAY)
    assert view.size == 2  # the imprisoned member is not counted (S2 Art. 7)
    assert view.countable_income_fen == 180000  # 2000 − 200 employment cost; the 300 is exempt
    assert view.exempt_income_fen == 30000
    assert view.countable_assets_fen == 800000
    assert view.ages[view.snapshot.members[1].person_id] == 13  # born 2010-06-02: 14 only from 2024-06-02


def test_heated_area_is_decimal():
    data = minimal()
    data["heating"] = "central"
    data["heated_area_m2"] = "48.5"
    assert snapshot_from_json(data, today=TODAY).heated_area_m2 == Decimal("48.5")


def test_row_builder_makes_the_same_frozen_snapshot_as_the_class():
    from dataclasses import FrozenInstanceError

    from core.assessment import IncomeItem, MemberSnapshot
    from core.assessment.snapshot import row_builder

    build = row_builder(MemberSnapshot)
    income = row_builder(IncomeItem)(category="wage", monthly_fen=90000, exempt_reason=None, employment_cost_fen=0, description="")
    assert income == IncomeItem("wage", 90000) and hash(income) == hash(IncomeItem("wage", 90000))
    fields = dict(person_id="7", name="王芳", birth_date=dt.date(1980, 5, 2), sex="F", incomes=(income,), union_member=True)
    built, made = build(**fields), MemberSnapshot(**fields)
    assert built == made and hash(built) == hash(made) and repr(built) == repr(made)
    assert built.inclusion == "head" and built.disabilities == ()  # defaults come from the dataclass
    with pytest.raises(FrozenInstanceError):
        built.name = "李四"
    # a misspelt or forgotten field fails as the constructor would, never leaves a field unset
    with pytest.raises(TypeError, match="unknown fields \\['nmae'\\], missing fields \\['name'\\]"):
        build(person_id="7", nmae="王芳", birth_date=dt.date(1980, 5, 2), sex="F")
    with pytest.raises(TypeError, match="missing fields \\['sex'\\]"):
        build(person_id="7", name="王芳", birth_date=dt.date(1980, 5, 2))
    with pytest.raises(TypeError, match="unknown fields \\['colour'\\]"):
        build(colour="red", **fields)
