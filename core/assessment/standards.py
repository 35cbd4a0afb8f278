"""Standards as data: dated, regional, urban/rural values that rules look up.

Every money figure and policy number a rule uses (the dibao standard, the
marginal-household multiplier, the special-hardship age limits, approval limits)
is a :class:`StandardRecord`, never a constant in code (DESIGN.md "Every standard
... is data"; domain-rules §0: amounts are set by the province or the districted
city, so every amount is configuration with an effective date, per region code and
per urban/rural).

Lookup order, for a key asked about a region, an area and a day:

1. only records in force on that day (``effective_from <= day`` and, when set,
   ``day <= effective_to``; ``effective_to`` is the last day in force);
2. the most specific region first, walking up the code itself:
   ``"230602001001" -> "230602001" -> "230602" -> "230600" -> "230000" -> "000000"``;
3. within a region, the exact area ("urban"/"rural") before "all";
4. if several records still compete, the latest ``effective_from`` wins, so a new
   standard can be entered from a date without closing the old one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Iterable

__all__ = [
    "AREAS",
    "StandardRecord",
    "StandardTable",
    "StandardsInForce",
    "MissingStandard",
    "region_chain",
    "round_fen",
    "to_fen",
    "UNIT_LABELS",
]

AREAS = ("urban", "rural", "all")

# How a unit reads to a person; units not listed are shown as written.
UNIT_LABELS: dict[str, tuple[str, str]] = {
    "yuan/month": ("元/月", "yuan/month"),
    "yuan/year": ("元/年", "yuan/year"),
    "yuan": ("元", "yuan"),
    "yuan/m2": ("元/平方米", "yuan/m²"),
    "kWh/month": ("千瓦时/月", "kWh/month"),
    "t/month": ("吨/月", "t/month"),
    "m2": ("平方米", "m²"),
    "percent": ("%", "%"),
    "ratio": ("倍", "×"),
    "years": ("周岁", "years"),
    "months": ("个月", "months"),
    "days": ("天", "days"),
    "count": ("项", "items"),
    "flag": ("", ""),
}

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_TWELVE = Decimal(12)


class MissingStandard(LookupError):
    """No record for a key in force for the region, area and day asked about."""

    def __init__(self, key: str, region_code: str, area: str, on: dt.date, near: str = ""):
        chain = " → ".join(region_chain(region_code))
        message = (
            f"缺少标准 {key}: 地区 {chain}, {_AREA_ZH.get(area, area)}, {on.isoformat()} 无有效记录{near and '; ' + near} "
            f"(missing standard {key}: no record in force for region {chain}, area {area}, on {on.isoformat()}"
            f"{near and '; ' + near}; an administrator must enter it)"
        )
        super().__init__(message)
        self.key = key
        self.region_code = region_code
        self.area = area
        self.on = on


_AREA_ZH = {"urban": "城镇", "rural": "农村", "all": "城乡通用"}


def region_chain(region_code: str) -> tuple[str, ...]:
    """The region and its ancestors, most specific first, derived from the code itself.

    Village (12) → town/street (9) → county/district (6) → city (xxxx00) → province
    (xx0000) → national "000000". GB/T 2260 codes encode the tree, so no table is needed.
    """
    code = region_code.strip()
    if not code.isdigit() or len(code) not in (6, 9, 12):
        raise ValueError(
            f"地区代码 {region_code!r} 应为6、9或12位数字 (region code {region_code!r} must have 6, 9 or 12 digits)"
        )
    chain: list[str] = []
    if len(code) == 12:
        chain.append(code)
        code = code[:9]
    if len(code) == 9:
        chain.append(code)
        code = code[:6]
    for candidate in (code, code[:4] + "00", code[:2] + "0000", "000000"):
        if candidate not in chain:
            chain.append(candidate)
    return tuple(chain)


def to_fen(yuan: Decimal) -> int:
    """Exact yuan to integer fen, rounding half up (the only rounding the engine does)."""
    return int((yuan * _HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_fen(fen: Decimal | int) -> int:
    """Exact fen (a Decimal, e.g. 3 × 583.33… × 100) to integer fen, rounding half up."""
    if isinstance(fen, int):
        return fen
    if not isinstance(fen, Decimal):
        raise TypeError(f"round_fen needs an exact int or Decimal, not {type(fen).__name__}")
    return int(fen.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class StandardRecord:
    """One dated value of one standard for one region and area.

    ``value`` is exact (``Decimal``; an ``int`` or ``str`` is converted, a ``float`` is
    refused because it is not exact). ``effective_to`` is the last day in force, or
    ``None`` while the record is open-ended.
    """

    key: str
    region_code: str
    area: str
    value: Decimal
    unit: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    source_note: str = ""

    def __post_init__(self) -> None:
        if "." not in self.key:
            raise ValueError(f"标准键 {self.key!r} 应为 <板块>.<名称> (standard key {self.key!r} must be <board>.<name>)")
        region_chain(self.region_code)  # validates the code
        if self.area not in AREAS:
            raise ValueError(f"标准 {self.key} 的城乡类别 {self.area!r} 无效 (area {self.area!r} of {self.key} must be urban, rural or all)")
        if isinstance(self.value, float) or not isinstance(self.value, (Decimal, int, str)):
            raise TypeError(f"标准 {self.key} 的值必须是精确小数 (the value of {self.key} must be an exact Decimal, not {type(self.value).__name__})")
        if not isinstance(self.value, Decimal):
            object.__setattr__(self, "value", Decimal(self.value))
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(f"标准 {self.key} 的失效日早于生效日 (standard {self.key} ends before it starts)")

    def in_force(self, on: dt.date) -> bool:
        """Whether this record applies on ``on``."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def monthly_yuan(self) -> Decimal:
        """The value as yuan per month: a yearly figure is divided by 12 exactly (Decimal)."""
        if self.unit == "yuan/month":
            return self.value
        if self.unit == "yuan/year":
            return self.value / _TWELVE
        raise ValueError(f"标准 {self.key} 的单位 {self.unit} 不是元/月或元/年 (standard {self.key} in {self.unit} is not a monthly or yearly amount)")

    def unit_label(self, locale: str = "zh") -> str:
        """The unit as a reader sees it."""
        zh, en = UNIT_LABELS.get(self.unit, (self.unit, self.unit))
        return en if locale.startswith("en") else zh

    def describe(self, locale: str = "zh", name: tuple[str, str] | None = None) -> str:
        """``key = value unit (from date)``, for reasons and audit lines; with ``name`` (zh, en),
        what staff call the standard stands in place of its key."""
        value = _plain(self.value)
        if locale.startswith("en"):
            label = name[1] if name else self.key
            return f"{label} = {value} {self.unit_label('en')} (in force from {self.effective_from.isoformat()})"
        label = name[0] if name else self.key
        return f"{label} = {value}{self.unit_label('zh')}（{self.effective_from.isoformat()} 起施行）"


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


class StandardTable:
    """All standard records, indexed by key; lookups as described in the module docstring."""

    def __init__(self, records: Iterable[StandardRecord]):
        self._by_key: dict[str, list[StandardRecord]] = {}
        for record in records:
            if not isinstance(record, StandardRecord):
                raise TypeError(f"not a StandardRecord: {record!r}")
            self._by_key.setdefault(record.key, []).append(record)
        self._in_force_cache: dict[tuple[str, str, dt.date], StandardsInForce] = {}

    def __len__(self) -> int:
        return sum(len(records) for records in self._by_key.values())

    def keys(self) -> list[str]:
        """Every standard key present, sorted."""
        return sorted(self._by_key)

    def records(self) -> list[StandardRecord]:
        """Every record, sorted by key, region and start date."""
        return sorted(
            (r for records in self._by_key.values() for r in records),
            key=lambda r: (r.key, r.region_code, r.area, r.effective_from),
        )

    def record(self, key: str, *, region_code: str, area: str, on: dt.date) -> StandardRecord:
        """The record that applies; raises :class:`MissingStandard` when none does."""
        if area not in ("urban", "rural", "all"):
            raise ValueError(f"城乡类别 {area!r} 无效 (area {area!r} must be urban, rural or all)")
        candidates = self._by_key.get(key)
        if not candidates:
            raise MissingStandard(key, region_code, area, on, "该键没有任何记录 (no record has this key)")
        areas = (area, "all") if area != "all" else ("all",)
        for region in region_chain(region_code):
            for wanted_area in areas:
                best: StandardRecord | None = None
                for record in candidates:
                    if record.region_code == region and record.area == wanted_area and record.in_force(on):
                        if best is None or record.effective_from > best.effective_from:
                            best = record
                if best is not None:
                    return best
        starts = sorted({r.effective_from for r in candidates})
        near = f"最早记录自 {starts[0].isoformat()} 起 (earliest record starts {starts[0].isoformat()})" if starts and on < starts[0] else ""
        raise MissingStandard(key, region_code, area, on, near)

    def value(self, key: str, *, region_code: str, area: str, on: dt.date) -> Decimal:
        """The exact value of ``key`` in force for the region, area and day."""
        return self.record(key, region_code=region_code, area=area, on=on).value

    def in_force(self, region_code: str, area: str, on: dt.date) -> StandardsInForce:
        """The standards of one (region, area, day), resolved once and cached.

        A rule run over many households of the same region and area shares one of these,
        so each key is looked up once per (region, area, day), not once per household.
        """
        cache_key = (region_code, area, on)
        found = self._in_force_cache.get(cache_key)
        if found is None:
            found = StandardsInForce(self, region_code, area, on)
            self._in_force_cache[cache_key] = found
        return found


class StandardsInForce:
    """The standards in force for one region, one area and one day, with a per-key cache.

    Rules receive one of these. ``memo`` lets a rule cache a result that depends only
    on the standards (for example a ready-made "no child under 16" finding), so the same
    explanation object is shared by every household of the region and area.
    """

    __slots__ = ("table", "region_code", "area", "on", "_records", "_fen", "_ints", "memo")

    def __init__(self, table: StandardTable, region_code: str, area: str, on: dt.date):
        self.table = table
        self.region_code = region_code
        self.area = area
        self.on = on
        self._records: dict[str, StandardRecord] = {}
        self._fen: dict[str, Decimal] = {}
        self._ints: dict[str, int] = {}
        self.memo: dict[Any, Any] = {}

    def record(self, key: str) -> StandardRecord:
        """The record for ``key``; raises :class:`MissingStandard`."""
        found = self._records.get(key)
        if found is None:
            found = self.table.record(key, region_code=self.region_code, area=self.area, on=self.on)
            self._records[key] = found
        return found

    def value(self, key: str) -> Decimal:
        """The exact value of ``key``."""
        found = self._records.get(key)
        if found is None:
            found = self.record(key)
        return found.value

    def int_value(self, key: str) -> int:
        """The value of a count-like standard (ages, days, months) as an ``int`` (truncated, as ``int()`` does); cached."""
        found = self._ints.get(key)
        if found is None:
            found = int(self.value(key))
            self._ints[key] = found
        return found

    def fen_int(self, key: str) -> int:
        """A yuan standard as integer fen, rounded half up once (``to_fen(value(key))``); cached."""
        cache_key = "¥" + key
        found = self._ints.get(cache_key)
        if found is None:
            found = to_fen(self.value(key))
            self._ints[cache_key] = found
        return found

    def monthly_fen(self, key: str) -> Decimal:
        """A money standard as exact fen per month (yuan/year divided by 12, not rounded)."""
        found = self._fen.get(key)
        if found is None:
            found = self.record(key).monthly_yuan() * _HUNDRED
            self._fen[key] = found
        return found

    def fen(self, key: str) -> Decimal:
        """A money standard in yuan (any yuan unit, taken as written) as exact fen."""
        cache_key = "=" + key
        found = self._fen.get(cache_key)
        if found is None:
            found = self.record(key).value * _HUNDRED
            self._fen[cache_key] = found
        return found

    def for_area(self, area: str) -> StandardsInForce:
        """The same region and day for another area (e.g. the rural rate for a 特困 person with contracted land)."""
        if area == self.area:
            return self
        return self.table.in_force(self.region_code, area, self.on)

    def cached(self, key: Any, build: Callable[[], Any]) -> Any:
        """``memo[key]``, built once by ``build()``.

        Hot rules write ``std.memo.get(key) or std.cached(key, lambda: ...)``: the same value,
        without building the lambda on every call once the value is there (values cached this
        way are findings, reasons and numbers; a false value is merely rebuilt).
        """
        found = self.memo.get(key)
        if found is None:
            found = build()
            self.memo[key] = found
        return found

