"""Resident ID numbers (GB 11643-1999) and disability certificate numbers.

The check character is ISO 7064 MOD 11-2 (domain-rules §8.1), computed by
python-stdnum when it is installed and by the same formula here otherwise, so the
core has no hard dependency for a six-line checksum. Birth date and sex are
always derived from the number, never typed separately (domain-rules §12.2).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = [
    "IdNumberError",
    "ResidentId",
    "parse_id_number",
    "check_character",
    "make_id_number",
    "DisabilityCertificate",
    "parse_disability_certificate",
    "mask_id_number",
    "mask_phone",
]

# GB 11643-1999: weights 2^(17-i) mod 11 for positions 1..17.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")


class IdNumberError(ValueError):
    """An ID or certificate number that is malformed; ``code`` names the fault."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ResidentId:
    number: str  # normalised 18-character form (legacy 15-digit numbers are upgraded)
    address_code: str
    birth_date: dt.date
    sex: str  # "M" (odd sequence) or "F" (even sequence)
    legacy: bool  # True when the input was a 15-digit GB 11643-1989 number

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Completed years on ``day``: a person born on 29 February turns a year older on 1 March."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def _birth_date(text: str) -> dt.date:
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise IdNumberError("birth_date", f"出生日期 {text} 不是有效日期 (birth date {text} is not a real date)") from None


def parse_id_number(value: str, *, today: dt.date | None = None) -> ResidentId:
    """Validate and parse an ID number; accepts lower-case ``x`` and legacy 15-digit numbers.

    The address code is not checked against the current division list: codes are
    withdrawn and renumbered, but an ID number never changes (居民身份证法 Art. 3).
    """
    text = (value or "").strip().upper()
    legacy = False
    if _ID15.match(text):
        # GB 11643-1989: 6-digit address, YYMMDD, 3-digit sequence, no check character;
        # every 15-digit number was issued to someone born in the 1900s.
        legacy = True
        first17 = text[:6] + "19" + text[6:]
        text = first17 + check_character(first17)
    if not _ID18.match(text):
        raise IdNumberError("format", "身份证号应为18位(最后一位可为X)或15位数字 (an ID number has 18 characters, the last may be X, or 15 digits)")
    birth = _birth_date(text[6:14])
    if birth > (today or dt.date.today()) or birth.year < 1880:
        raise IdNumberError("birth_date", f"出生日期 {birth.isoformat()} 不合理 (birth date {birth.isoformat()} is impossible)")
    if not legacy and check_character(text[:17]) != text[17]:
        raise IdNumberError("check", "身份证号校验码错误 (the check character does not match)")
    sex = "M" if int(text[14:17]) % 2 else "F"
    return ResidentId(text, text[:6], birth, sex, legacy)


def make_id_number(address_code: str, birth_date: dt.date, sequence: int) -> str:
    """Build a valid 18-character number; for synthetic data and tests only."""
    first17 = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


DISABILITY_CATEGORIES = {
    1: ("视力", "visual"),
    2: ("听力", "hearing"),
    3: ("言语", "speech"),
    4: ("肢体", "physical"),
    5: ("智力", "intellectual"),
    6: ("精神", "mental"),
    7: ("多重", "multiple"),
}


@dataclass(frozen=True)
class DisabilityCertificate:
    number: str
    holder: ResidentId
    category: int  # 1..7, domain-rules §8.3
    grade: int  # 1..4, 1 most severe
    reissue: str | None  # "B1".."B9" suffix seen on re-issued cards (unverified form, flagged)


_CERT = re.compile(r"^(\d{17}[\dX])([1-7])([1-4])(B[1-9])?$")


def parse_disability_certificate(value: str, *, today: dt.date | None = None) -> DisabilityCertificate:
    """20 characters: the holder's ID number, category 1-7 and grade 1-4 (残疾人证管理办法 Art. 5)."""
    text = (value or "").strip().upper()
    m = _CERT.match(text)
    if not m:
        raise IdNumberError(
            "format",
            "残疾人证号应为身份证号+类别(1-7)+等级(1-4)共20位 "
            "(a disability certificate number is the ID number, a category 1-7 and a grade 1-4)",
        )
    holder = parse_id_number(m.group(1), today=today)
    return DisabilityCertificate(text, holder, int(m.group(2)), int(m.group(3)), m.group(4))


def mask_id_number(number: str | None) -> str:
    """Show the first 6 and last 4 characters: enough to tell two people apart on a list."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else "*" * len(phone)
