"""Columns of the import templates and the cell parsers behind them.

A column knows its Chinese header (the users' language), whether it is required, how
to turn a raw cell into a clean value, and — for the template — its drop-down list and
whether it must be a text column. A parser raises :class:`CellError` with a reason in
Chinese and English; the import collects these per row, never stops at the first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Sequence

from core.idnumber import IdNumberError, ResidentId, parse_id_number


class CellError(ValueError):
    """One cell's value is unusable; the message is shown to the user as the reason."""


Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese header as printed on the template, without the required mark
    parse: Parser
    required: bool = False
    text: bool = False  # pre-formatted as text ('@'): ID and phone numbers
    choices: Sequence[tuple[str, str]] = ()  # (stored code, Chinese label) for a drop-down
    width: int = 14
    note: str = ""  # one line on the instructions sheet, Chinese
    note_en: str = ""
    sensitive: bool = False  # masked when echoed in a report

    @property
    def printed(self) -> str:
        return self.header + ("*" if self.required else "")


@dataclass(frozen=True)
class SheetSpec:
    title: str  # the sheet's name in the workbook
    title_en: str
    columns: tuple[Column, ...]
    # (column key, list-sheet range) pairs are computed by the template writer

    def by_header(self) -> dict[str, Column]:
        return {normalise_header(c.header): c for c in self.columns}


@dataclass
class Choices:
    """Stored codes with their Chinese labels; a cell may hold either (labels for people,
    codes for exports from other systems)."""

    pairs: Sequence[tuple[str, str]]
    _lookup: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for code, label in self.pairs:
            self._lookup[code.lower()] = code
            self._lookup[label] = code

    def parse(self, value: Any) -> str:
        text = _text(value)
        code = self._lookup.get(text) or self._lookup.get(text.lower())
        if code is None:
            allowed = "、".join(label for _, label in self.pairs)
            raise CellError(f"\u201c{text}\u201d 不是可选值, 可选: {allowed} (not one of the allowed values)")
        return code

    def label(self, code: str | None) -> str:
        return next((lab for c, lab in self.pairs if c == code), code or "")


_HEADER_NOISE = re.compile(r"[\s*＊（）()【】\[\]:：]")


def normalise_header(text: Any) -> str:
    """Headers match whatever the clerk did to them: spaces, the * mark, full-width brackets."""
    return _HEADER_NOISE.sub("", str(text or "")).replace("（", "(").lower()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- parsers ---------------------------------------------------------------------------------


def text(max_len: int) -> Parser:
    def parse(value: Any) -> str:
        result = _text(value)
        if len(result) > max_len:
            raise CellError(f"超过 {max_len} 个字 (longer than {max_len} characters)")
        return result

    return parse


def name(value: Any) -> str:
    result = _text(value)
    if len(result) > 50:
        raise CellError("姓名过长 (the name is too long)")
    if any(ch.isdigit() for ch in result):
        raise CellError("姓名中不应有数字 (a name has no digits)")
    return result


def id_number(value: Any, *, today: dt.date | None = None) -> ResidentId:
    """A resident ID number, checked by :func:`core.idnumber.parse_id_number` (check character, date)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel keeps 15 significant digits: an 18-digit number typed into a number cell
        # has already lost its last digits, so "repairing" it would invent a person.
        raise CellError(
            "身份证号被存成了数字, Excel只保留15位有效数字, 后几位已丢失; 请把该列设为\u201c文本\u201d后重新输入 "
            "(the ID number was stored as a number and Excel has dropped its last digits: "
            "format the column as text and type it again)"
        )
    try:
        return parse_id_number(_text(value), today=today)
    except IdNumberError as exc:
        raise CellError(str(exc)) from None


_MOBILE = re.compile(r"^1\d{10}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,5})?$")


def phone(value: Any) -> str:
    result = _text(value).replace(" ", "")
    if not (_MOBILE.match(result) or _LANDLINE.match(result)):
        raise CellError("电话号码应为11位手机号或带区号的固定电话 (a phone number is an 11-digit mobile or a landline with area code)")
    return result


_TRUE = {"是", "y", "yes", "true", "1", "√", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无"}


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    result = _text(value).lower()
    if result in _TRUE:
        return True
    if result in _FALSE:
        return False
    raise CellError(f"应填\u201c是\u201d或\u201c否\u201d (should be 是 or 否), 不是 \u201c{result}\u201d")


YES_NO = (("是", "是"), ("否", "否"))

_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        # a date cell read as values: Excel's serial day number (1900 system)
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    result = _text(value)
    m = _DATE_TEXT.match(result) or _DATE_COMPACT.match(result)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise CellError(f"\u201c{result}\u201d 不是有效日期, 请写成 2026-01-31 (not a valid date: write it as 2026-01-31)")


def money_fen(value: Any) -> int:
    """An amount in yuan (up to two decimals) as integer fen."""
    if isinstance(value, bool):
        raise CellError("金额应为数字 (an amount is a number)")
    if isinstance(value, float):
        value = repr(value)  # 12.35 stays 12.35, not 12.3499999…
    result = _text(value).replace(",", "").replace("，", "").replace("元", "").replace("¥", "").replace("￥", "")
    try:
        amount = Decimal(result)
    except (InvalidOperation, ValueError):
        raise CellError(f"\u201c{result}\u201d 不是金额 (not an amount in yuan)") from None
    if not amount.is_finite() or amount < 0:
        raise CellError("金额不能为负数 (an amount cannot be negative)")
    if amount > Decimal("100000000"):
        raise CellError("金额过大 (the amount is implausibly large)")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise CellError("金额最多两位小数 (at most two decimals: yuan and fen)")
    return int(fen)


def number(low: float, high: float) -> Parser:
    def parse(value: Any) -> float:
        try:
            result = float(_text(value)) if not isinstance(value, (int, float)) or isinstance(value, bool) else float(value)
        except ValueError:
            raise CellError(f"\u201c{_text(value)}\u201d 不是数字 (not a number)") from None
        if not low <= result <= high:
            raise CellError(f"应在 {low:g} 到 {high:g} 之间 (must be between {low:g} and {high:g})")
        return result

    return parse


def integer(low: int, high: int) -> Parser:
    def parse(value: Any) -> int:
        result = number(low, high)(value)
        if not float(result).is_integer():
            raise CellError("应为整数 (must be a whole number)")
        return int(result)

    return parse


_LIST_SPLIT = re.compile(r"[、,，;；/\s]+")


def word_list(value: Any) -> list[str]:
    return [w for w in _LIST_SPLIT.split(_text(value)) if w]


def choice(choices: Choices) -> Parser:
    return choices.parse
