"""Standards lookup: region inheritance, area preference, effective dates, missing standards."""

import datetime as dt
from decimal import Decimal

import pytest

from core.assessment import MissingStandard, StandardRecord, StandardTable, region_chain, to_fen

D = dt.date


def rec(key="civil_affairs.dibao_urban_monthly", region="230600", area="urban", value="710", unit="yuan/month",
        start=D(2020, 1, 1), end=None):
    return StandardRecord(key, region, area, Decimal(value), unit, start, end, "test")


def test_region_chain_walks_up_the_code():
    assert region_chain("230602001") == ("230602001", "230602", "230600", "230000", "000000")
    assert region_chain("230602001001")[0:2] == ("230602001001", "230602001")
    assert region_chain("000000") == ("000000",)
    with pytest.raises(ValueError, match="6, 9 or 12"):
        region_chain("23060")


def test_most_specific_region_wins_and_children_inherit():
    table = StandardTable([rec(region="000000", value="500"), rec(region="230600", value="710"), rec(region="230621", value="650")])
    # a street in Saertu inherits the city figure; Zhaozhou county has its own
    assert table.value("civil_affairs.dibao_urban_monthly", region_code="230602001", area="urban", on=D(2024, 1, 1)) == Decimal("710")
    assert table.value("civil_affairs.dibao_urban_monthly", region_code="230621100", area="urban", on=D(2024, 1, 1)) == Decimal("650")
    # a region outside the city falls back to the national record
    assert table.value("civil_affairs.dibao_urban_monthly", region_code="220105", area="urban", on=D(2024, 1, 1)) == Decimal("500")


def test_exact_area_beats_all_within_a_region_but_not_a_more_specific_region():
    table = StandardTable([
        rec(area="all", value="1"), rec(area="rural", value="2"),
        rec(region="230602", area="all", value="3"),
    ])
    assert table.value("civil_affairs.dibao_urban_monthly", region_code="230603", area="rural", on=D(2024, 1, 1)) == 2
    assert table.value("civil_affairs.dibao_urban_monthly", region_code="230603", area="urban", on=D(2024, 1, 1)) == 1
    assert table.value("civil_affairs.dibao_urban_monthly", region_code="230602", area="rural", on=D(2024, 1, 1)) == 3


def test_effective_date_switch_day_before_and_day_of():
    table = StandardTable([rec(value="710", end=D(2023, 6, 30)), rec(value="760", start=D(2023, 7, 1))])
    key = "civil_affairs.dibao_urban_monthly"
    assert table.value(key, region_code="230602", area="urban", on=D(2023, 6, 30)) == Decimal("710")
    assert table.value(key, region_code="230602", area="urban", on=D(2023, 7, 1)) == Decimal("760")


def test_open_ended_records_latest_start_wins():
    table = StandardTable([rec(value="710"), rec(value="760", start=D(2023, 7, 1))])
    key = "civil_affairs.dibao_urban_monthly"
    assert table.value(key, region_code="230602", area="urban", on=D(2023, 6, 30)) == 710
    assert table.value(key, region_code="230602", area="urban", on=D(2023, 7, 1)) == 760


def test_missing_standard_names_key_region_and_date():
    table = StandardTable([rec(start=D(2020, 1, 1))])
    with pytest.raises(MissingStandard) as err:
        table.value("civil_affairs.dibao_urban_monthly", region_code="230602", area="urban", on=D(2019, 12, 31))
    message = str(err.value)
    assert "civil_affairs.dibao_urban_monthly" in message and "2019-12-31" in message and "230602" in message
    assert "缺少标准" in message and "missing standard" in message
    with pytest.raises(MissingStandard, match="no record has this key"):
        table.value("civil_affairs.nothing", region_code="230602", area="urban", on=D(2024, 1, 1))


def test_records_are_exact_and_validated():
    with pytest.raises(TypeError):
        StandardRecord("civil_affairs.x", "230600", "urban", 710.0, "yuan/month", D(2020, 1, 1))
    assert rec(value="710").value == Decimal("710")
    with pytest.raises(ValueError):
        rec(area="town")
    with pytest.raises(ValueError):
        rec(start=D(2024, 1, 1), end=D(2023, 1, 1))


def test_yearly_standard_converts_to_month_exactly_and_rounds_only_at_the_end():
    rural = rec(key="civil_affairs.dibao_rural_yearly", area="rural", value="6000", unit="yuan/year")
    assert rural.monthly_yuan() == Decimal("500")  # 6000 / 12
    odd = rec(key="civil_affairs.x", value="7000", unit="yuan/year")
    # 7000 / 12 = 583.333...: kept exact, rounded half up to the fen only when it becomes an amount
    assert to_fen(odd.monthly_yuan()) == 58333
    assert to_fen(odd.monthly_yuan() * 3) == 175000  # 3 × 583.333… = 1750.00 exactly, not 3 × 583.33
    assert to_fen(Decimal("0.005")) == 1  # half up


def test_in_force_is_cached_per_region_area_day():
    table = StandardTable([rec()])
    a = table.in_force("230602", "urban", D(2024, 1, 1))
    assert a is table.in_force("230602", "urban", D(2024, 1, 1))
    assert a is not table.in_force("230602", "urban", D(2024, 1, 2))
    assert a.monthly_fen("civil_affairs.dibao_urban_monthly") == Decimal("71000")
