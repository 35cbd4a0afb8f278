"""GB 11643 resident ID numbers and disability certificate numbers (domain-rules §8.1, §8.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.idnumber import (
    IdNumberError,
    check_character,
    make_id_number,
    mask_id_number,
    mask_phone,
    parse_disability_certificate,
    parse_id_number,
)


def test_the_standards_own_example_parses_with_x_check_character() -> None:
    # GB 11643-1999's worked example: 11010519491231002X, a woman born 1949-12-31.
    parsed = parse_id_number("11010519491231002X")
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "F"  # sequence 002 is even
    assert parsed.address_code == "110105"


def test_lower_case_x_is_normalised() -> None:
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"


def test_check_character_by_hand() -> None:
    # 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0*8+0*4+2*2 = 167; 167 mod 11 = 2 -> "X"
    assert check_character("11010519491231002") == "X"


def test_a_wrong_check_character_is_refused() -> None:
    with pytest.raises(IdNumberError) as err:
        parse_id_number("110105194912310021")
    assert err.value.code == "check"


@pytest.mark.parametrize("number", ["230602199902301234", "230602199913011234"])
def test_an_impossible_birth_date_is_refused(number: str) -> None:
    with pytest.raises(IdNumberError) as err:
        parse_id_number(number[:17] + check_character(number[:17]))
    assert err.value.code == "birth_date"


def test_a_birth_date_in_the_future_is_refused() -> None:
    number = make_id_number("230602", dt.date(2030, 1, 1), 11)
    with pytest.raises(IdNumberError):
        parse_id_number(number, today=dt.date(2026, 11, 22))


def test_legacy_fifteen_digit_numbers_are_upgraded() -> None:
    # 15 digits: address, YYMMDD (1900s), sequence; 18-digit form gains "19" and a check character.
    parsed = parse_id_number("110105491231002")
    assert parsed.legacy
    assert parsed.number == "11010519491231002X"
    assert parsed.birth_date == dt.date(1949, 12, 31)


@pytest.mark.parametrize("bad", ["", "12345", "23060219990101123", "2306021999010112345", "23060219990101123A"])
def test_malformed_numbers_say_what_is_wrong(bad: str) -> None:
    with pytest.raises(IdNumberError) as err:
        parse_id_number(bad)
    assert err.value.code == "format"
    assert "身份证号" in str(err.value)


def test_an_old_address_code_is_not_a_reason_to_refuse() -> None:
    # Codes are withdrawn and renumbered; an ID number never changes (居民身份证法 Art. 3).
    parsed = parse_id_number(make_id_number("239999", dt.date(1960, 5, 1), 101))
    assert parsed.sex == "M"


def test_made_numbers_are_valid_and_odd_sequences_are_men() -> None:
    assert parse_id_number(make_id_number("230624", dt.date(2012, 2, 29), 7)).sex == "M"
    assert parse_id_number(make_id_number("230624", dt.date(2012, 2, 29), 8)).sex == "F"


def test_age_on_a_birthday_and_the_day_before() -> None:
    person = parse_id_number(make_id_number("230602", dt.date(2010, 6, 15), 1))
    assert person.age_on(dt.date(2026, 6, 14)) == 15
    assert person.age_on(dt.date(2026, 6, 15)) == 16


def test_disability_certificate_number_is_id_category_and_grade() -> None:
    cert = parse_disability_certificate("11010519491231002X52")
    assert (cert.category, cert.grade) == (5, 2)  # intellectual, grade 2
    assert cert.holder.birth_date == dt.date(1949, 12, 31)


@pytest.mark.parametrize("bad", ["11010519491231002X82", "11010519491231002X55", "11010519491231002X5", "110105194912310021" + "52"])
def test_bad_disability_certificates_are_refused(bad: str) -> None:
    with pytest.raises(IdNumberError):
        parse_disability_certificate(bad)


def test_masks_keep_only_what_tells_people_apart() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13912345678") == "139****5678"
    assert mask_id_number(None) == ""
