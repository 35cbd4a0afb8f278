"""Typed `carematch.instance/1` and `carematch.plan/1` objects and their JSON I/O.

Everything here is pure data: frozen dataclasses, validation of incoming JSON
against ``spec/matching.md`` and serialisation of plans.  No solver code lives
here (research note R15: keep data types, loading and the OR-Tools model apart).
"""

from __future__ import annotations

import json
import logging
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

INSTANCE_FORMAT = "carematch.instance/1"
PLAN_FORMAT = "carematch.plan/1"
CATEGORIES = ("left_behind_child", "elderly_alone", "bereaved_family")
GENDERS = ("F", "M")
DEFAULT_MAX_KM = 15.0
DEFAULT_RISK_WEIGHTS = {1: 100, 2: 300, 3: 1000}
STATUSES = ("optimal", "feasible", "infeasible")
UNASSIGNED_REASONS = ("no_feasible_volunteer", "capacity_taken", "not_worth_cost")


class InstanceError(ValueError):
    """An instance breaks the spec; ``record`` and ``field`` name the culprit."""

    def __init__(self, message: str, *, record: str = "", field: str = "") -> None:
        self.record = record
        self.field = field
        where = f"{record}.{field}" if record and field else (record or field)
        super().__init__(f"{where}: {message}" if where else message)


class InstanceWarning(UserWarning):
    """A recoverable oddity in an instance (e.g. an unknown volunteer id)."""


@dataclass(frozen=True)
class Weights:
    """Objective weights (spec "Objective"); risk is keyed by risk level 1..3."""

    risk: Mapping[int, int] = field(default_factory=lambda: dict(DEFAULT_RISK_WEIGHTS))
    km: float = 2
    continuity: int = 150
    gender_pref: int = 40
    language_pref: int = 40


@dataclass(frozen=True)
class Params:
    """Global parameters: the travel cap and the objective weights."""

    max_km: float = DEFAULT_MAX_KM
    weights: Weights = field(default_factory=Weights)


@dataclass(frozen=True)
class Volunteer:
    """One volunteer; ``max_km`` is already resolved against ``params.max_km``."""

    id: str
    lat: float
    lon: float
    gender: str
    skills: frozenset[str] = frozenset()
    background_check: bool = False
    languages: frozenset[str] = frozenset()
    slots: frozenset[str] = frozenset()
    capacity: int = 1
    max_km: float = DEFAULT_MAX_KM


@dataclass(frozen=True)
class Recipient:
    """One care recipient; unknown ids in the two volunteer lists are already dropped."""

    id: str
    category: str
    lat: float
    lon: float
    risk: int
    required_skills: frozenset[str] = frozenset()
    needs_background_check: bool = False
    gender_pref: str | None = None
    gender_hard: bool = False
    languages: frozenset[str] = frozenset()
    language_hard: bool = False
    slots: frozenset[str] = frozenset()
    min_common_slots: int = 1
    volunteers_needed: int = 1
    current_volunteers: tuple[str, ...] = ()
    excluded_volunteers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Instance:
    """A whole matching problem, validated; ``warnings`` lists what was ignored."""

    params: Params
    volunteers: tuple[Volunteer, ...]
    recipients: tuple[Recipient, ...]
    warnings: tuple[str, ...] = ()

    def volunteer(self, volunteer_id: str) -> Volunteer:
        """The volunteer with this id (KeyError if unknown)."""
        return self._volunteer_index()[volunteer_id]

    def recipient(self, recipient_id: str) -> Recipient:
        """The recipient with this id (KeyError if unknown)."""
        return self._recipient_index()[recipient_id]

    def _volunteer_index(self) -> dict[str, Volunteer]:
        # Frozen dataclass: cache the index in __dict__ directly.
        index = self.__dict__.get("_v_index")
        if index is None:
            index = {v.id: v for v in self.volunteers}
            object.__setattr__(self, "_v_index", index)
        return index

    def _recipient_index(self) -> dict[str, Recipient]:
        index = self.__dict__.get("_r_index")
        if index is None:
            index = {r.id: r for r in self.recipients}
            object.__setattr__(self, "_r_index", index)
        return index

    def to_json(self) -> dict[str, Any]:
        """The instance as a `carematch.instance/1` document."""
        w = self.params.weights
        return {
            "format": INSTANCE_FORMAT,
            "params": {
                "max_km": self.params.max_km,
                "weights": {
                    "risk": {str(k): v for k, v in sorted(w.risk.items())},
                    "km": w.km,
                    "continuity": w.continuity,
                    "gender_pref": w.gender_pref,
                    "language_pref": w.language_pref,
                },
            },
            "volunteers": [
                {
                    "id": v.id, "lat": v.lat, "lon": v.lon, "gender": v.gender,
                    "skills": sorted(v.skills), "background_check": v.background_check,
                    "languages": sorted(v.languages), "slots": sorted(v.slots),
                    "capacity": v.capacity, "max_km": v.max_km,
                }
                for v in self.volunteers
            ],
            "recipients": [
                {
                    "id": r.id, "category": r.category, "lat": r.lat, "lon": r.lon,
                    "risk": r.risk, "required_skills": sorted(r.required_skills),
                    "needs_background_check": r.needs_background_check,
                    "gender_pref": r.gender_pref, "gender_hard": r.gender_hard,
                    "languages": sorted(r.languages), "language_hard": r.language_hard,
                    "slots": sorted(r.slots), "min_common_slots": r.min_common_slots,
                    "volunteers_needed": r.volunteers_needed,
                    "current_volunteers": list(r.current_volunteers),
                    "excluded_volunteers": list(r.excluded_volunteers),
                }
                for r in self.recipients
            ],
        }


@dataclass(frozen=True)
class Assignment:
    """One (recipient, volunteer) pair of a plan with the reasons it was chosen."""

    recipient: str
    volunteer: str
    km: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unassigned:
    """A recipient left without help, with a reason a coordinator can act on.

    ``advice`` (no_feasible_volunteer) lists relaxations and the candidates each
    would give; ``taken_by`` (capacity_taken) maps a volunteer to the recipients
    that use its capacity instead; ``counts`` are the figures ``detail`` states, so
    a page can say them in its reader's language.
    """

    recipient: str
    reason: str
    detail: str = ""
    advice: tuple[Mapping[str, Any], ...] = ()
    taken_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    counts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """A `carematch.plan/1`: objective, best proven bound, status and decisions."""

    objective: int
    bound: int
    status: str
    assignments: tuple[Assignment, ...]
    unassigned: tuple[Unassigned, ...]
    stats: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def gap(self) -> float:
        """Relative optimality gap (bound - objective) / max(1, |bound|)."""
        return (self.bound - self.objective) / max(1, abs(self.bound))

    def pairs(self) -> set[tuple[str, str]]:
        """The assigned (recipient, volunteer) pairs."""
        return {(a.recipient, a.volunteer) for a in self.assignments}

    def to_json(self) -> dict[str, Any]:
        """The plan as a `carematch.plan/1` document (spec fields first, extras after)."""
        unassigned = []
        for u in self.unassigned:
            item: dict[str, Any] = {"recipient": u.recipient, "reason": u.reason, "detail": u.detail}
            if u.advice:
                item["advice"] = [dict(a) for a in u.advice]
            if u.taken_by:
                item["taken_by"] = {k: list(v) for k, v in u.taken_by.items()}
            if u.counts:
                item["counts"] = dict(u.counts)
            unassigned.append(item)
        return {
            "format": PLAN_FORMAT,
            "objective": self.objective,
            "bound": self.bound,
            "status": self.status,
            "assignments": [
                {"recipient": a.recipient, "volunteer": a.volunteer,
                 "km": round(a.km, 1), "reasons": list(a.reasons)}
                for a in self.assignments
            ],
            "unassigned": unassigned,
            "stats": dict(self.stats),
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------- loading


def _fail(message_zh: str, message_en: str, record: str, field_name: str) -> InstanceError:
    return InstanceError(f"{message_zh} ({message_en})", record=record, field=field_name)


def _number(obj: Mapping[str, Any], key: str, record: str, *, default: Any = None,
            required: bool = False, minimum: float | None = None,
            maximum: float | None = None) -> float:
    if key not in obj or (obj[key] is None and not required):
        if required:
            raise _fail("缺少字段", "missing field", record, key)
        return default
    value = obj[key]
    # bool is an int subclass in Python; JSON true is not a number.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail("应为数字", f"expected a number, got {value!r}", record, key)
    if minimum is not None and value < minimum:
        raise _fail("数值过小", f"must be >= {minimum}, got {value!r}", record, key)
    if maximum is not None and value > maximum:
        raise _fail("数值过大", f"must be <= {maximum}, got {value!r}", record, key)
    return float(value)


def _integer(obj: Mapping[str, Any], key: str, record: str, *, default: int | None = None,
             required: bool = False, allowed: tuple[int, ...] | None = None,
             minimum: int | None = None) -> int:
    if key not in obj:
        if required:
            raise _fail("缺少字段", "missing field", record, key)
        return default  # type: ignore[return-value]
    value = obj[key]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail("应为整数", f"expected an integer, got {value!r}", record, key)
    if allowed is not None and value not in allowed:
        raise _fail("取值无效", f"must be one of {list(allowed)}, got {value!r}", record, key)
    if minimum is not None and value < minimum:
        raise _fail("数值过小", f"must be >= {minimum}, got {value!r}", record, key)
    return value


def _boolean(obj: Mapping[str, Any], key: str, record: str) -> bool:
    value = obj.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _fail("应为布尔值", f"expected true/false, got {value!r}", record, key)
    return value


def _string(obj: Mapping[str, Any], key: str, record: str, *, allowed: tuple[str, ...] | None = None,
            required: bool = True, default: str | None = None) -> str | None:
    if key not in obj or obj[key] is None:
        if required:
            raise _fail("缺少字段", "missing field", record, key)
        return default
    value = obj[key]
    if not isinstance(value, str) or not value:
        raise _fail("应为非空字符串", f"expected a non-empty string, got {value!r}", record, key)
    if allowed is not None and value not in allowed:
        raise _fail("取值无效", f"must be one of {list(allowed)}, got {value!r}", record, key)
    return value


def _string_list(obj: Mapping[str, Any], key: str, record: str) -> tuple[str, ...]:
    value = obj.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
        raise _fail("应为字符串列表", f"expected a list of strings, got {value!r}", record, key)
    # Duplicates carry no meaning; keep first occurrences in order (determinism).
    return tuple(dict.fromkeys(value))


def _mapping(obj: Any, record: str, field_name: str) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise _fail("应为对象", f"expected a JSON object, got {type(obj).__name__}", record, field_name)
    return obj


def _parse_weights(raw: Any) -> Weights:
    record = "params.weights"
    if raw is None:
        return Weights()
    raw = _mapping(raw, "params", "weights")
    risk = dict(DEFAULT_RISK_WEIGHTS)
    if "risk" in raw:
        risk_raw = _mapping(raw["risk"], record, "risk")
        for key, value in risk_raw.items():
            if str(key) not in ("1", "2", "3"):
                raise _fail("风险等级无效", f"risk level keys are 1..3, got {key!r}", record, f"risk.{key}")
            risk[int(key)] = _integer(risk_raw, key, record + ".risk", required=True)
    return Weights(
        risk=risk,
        km=_number(raw, "km", record, default=2, minimum=0),
        continuity=_integer(raw, "continuity", record, default=150),
        gender_pref=_integer(raw, "gender_pref", record, default=40),
        language_pref=_integer(raw, "language_pref", record, default=40),
    )


def _parse_volunteer(raw: Any, index: int, params: Params) -> Volunteer:
    record = f"volunteers[{index}]"
    raw = _mapping(raw, record, "")
    vid = _string(raw, "id", record)
    record = f"volunteers[{index}] ({vid})"
    return Volunteer(
        id=vid,  # type: ignore[arg-type]
        lat=_number(raw, "lat", record, required=True, minimum=-90, maximum=90),
        lon=_number(raw, "lon", record, required=True, minimum=-180, maximum=180),
        gender=_string(raw, "gender", record, allowed=GENDERS),  # type: ignore[arg-type]
        skills=frozenset(_string_list(raw, "skills", record)),
        background_check=_boolean(raw, "background_check", record),
        languages=frozenset(_string_list(raw, "languages", record)),
        slots=frozenset(_string_list(raw, "slots", record)),
        capacity=_integer(raw, "capacity", record, default=1, minimum=0),
        # Spec "Edge cases": volunteer max_km defaults to params.max_km.
        max_km=_number(raw, "max_km", record, default=params.max_km, minimum=0),
    )


def _parse_recipient(raw: Any, index: int, params: Params, volunteer_ids: set[str],
                     problems: list[str]) -> Recipient:
    record = f"recipients[{index}]"
    raw = _mapping(raw, record, "")
    rid = _string(raw, "id", record)
    record = f"recipients[{index}] ({rid})"
    risk = _integer(raw, "risk", record, required=True, allowed=tuple(sorted(params.weights.risk)))

    def known(key: str) -> tuple[str, ...]:
        ids = _string_list(raw, key, record)
        unknown = [v for v in ids if v not in volunteer_ids]
        if unknown:
            # Spec "Edge cases": unknown ids here are ignored with a warning.
            problems.append(f"{record}.{key}: 忽略未知志愿者 (ignoring unknown volunteers) {unknown}")
        return tuple(v for v in ids if v in volunteer_ids)

    return Recipient(
        id=rid,  # type: ignore[arg-type]
        category=_string(raw, "category", record, allowed=CATEGORIES),  # type: ignore[arg-type]
        lat=_number(raw, "lat", record, required=True, minimum=-90, maximum=90),
        lon=_number(raw, "lon", record, required=True, minimum=-180, maximum=180),
        risk=risk,
        required_skills=frozenset(_string_list(raw, "required_skills", record)),
        needs_background_check=_boolean(raw, "needs_background_check", record),
        gender_pref=_string(raw, "gender_pref", record, allowed=GENDERS, required=False),
        gender_hard=_boolean(raw, "gender_hard", record),
        languages=frozenset(_string_list(raw, "languages", record)),
        language_hard=_boolean(raw, "language_hard", record),
        slots=frozenset(_string_list(raw, "slots", record)),
        min_common_slots=_integer(raw, "min_common_slots", record, default=1, minimum=0),
        volunteers_needed=_integer(raw, "volunteers_needed", record, default=1, allowed=(1, 2)),
        current_volunteers=known("current_volunteers"),
        excluded_volunteers=known("excluded_volunteers"),
    )


def instance_from_json(document: Any) -> Instance:
    """Validate a parsed `carematch.instance/1` document and build an :class:`Instance`.

    Raises :class:`InstanceError` naming the record and field of the first problem.
    Unknown volunteer ids in ``current_volunteers``/``excluded_volunteers`` are
    dropped with a warning (Python ``warnings`` plus ``Instance.warnings``).
    """
    document = _mapping(document, "instance", "")
    fmt = document.get("format")
    if fmt != INSTANCE_FORMAT:
        raise _fail("未知格式", f"unknown format {fmt!r}, expected {INSTANCE_FORMAT!r}", "instance", "format")
    params_raw = _mapping(document.get("params") or {}, "instance", "params")
    params = Params(
        max_km=_number(params_raw, "max_km", "params", default=DEFAULT_MAX_KM, minimum=0),
        weights=_parse_weights(params_raw.get("weights")),
    )
    for key in ("volunteers", "recipients"):
        if not isinstance(document.get(key, []), list):
            raise _fail("应为列表", "expected a list", "instance", key)
    volunteers = tuple(_parse_volunteer(v, i, params) for i, v in enumerate(document.get("volunteers", [])))
    _check_unique(volunteers, "volunteers")
    volunteer_ids = {v.id for v in volunteers}
    problems: list[str] = []
    recipients = tuple(
        _parse_recipient(r, i, params, volunteer_ids, problems)
        for i, r in enumerate(document.get("recipients", []))
    )
    _check_unique(recipients, "recipients")
    for message in problems:
        warnings.warn(message, InstanceWarning, stacklevel=3)
        log.warning(message)
    return Instance(params=params, volunteers=volunteers, recipients=recipients, warnings=tuple(problems))


def _check_unique(records: tuple[Volunteer, ...] | tuple[Recipient, ...], kind: str) -> None:
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        if record.id in seen:
            raise _fail("编号重复", f"duplicate id {record.id!r} (first at {kind}[{seen[record.id]}])",
                        f"{kind}[{index}] ({record.id})", "id")
        seen[record.id] = index


def load_instance(source: str | Path | Mapping[str, Any]) -> Instance:
    """Load an instance from a JSON file path, a JSON string, or an already parsed dict."""
    if isinstance(source, Mapping):
        return instance_from_json(source)
    if isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith("{")):
        text = Path(source).read_text(encoding="utf-8")
    else:
        text = source
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstanceError(f"JSON 无法解析 (invalid JSON): {exc}", record="instance", field="") from exc
    return instance_from_json(document)


def plan_from_json(document: Mapping[str, Any]) -> Plan:
    """Read a `carematch.plan/1` document back into a :class:`Plan`."""
    if document.get("format") != PLAN_FORMAT:
        raise ValueError(f"未知格式 (unknown plan format) {document.get('format')!r}")
    return Plan(
        objective=int(document["objective"]),
        bound=int(document["bound"]),
        status=str(document["status"]),
        assignments=tuple(
            Assignment(a["recipient"], a["volunteer"], float(a.get("km", 0.0)), tuple(a.get("reasons", ())))
            for a in document.get("assignments", [])
        ),
        unassigned=tuple(
            Unassigned(u["recipient"], u["reason"], u.get("detail", ""), tuple(u.get("advice", ())),
                       {k: tuple(v) for k, v in u.get("taken_by", {}).items()}, dict(u.get("counts", {})))
            for u in document.get("unassigned", [])
        ),
        stats=dict(document.get("stats", {})),
        warnings=tuple(document.get("warnings", ())),
    )


def dump_plan(plan: Plan, target: str | Path | None = None) -> str:
    """Serialise a plan as `carematch.plan/1` JSON; write it to ``target`` when given."""
    text = json.dumps(plan.to_json(), ensure_ascii=False, indent=1)
    if target is not None:
        Path(target).write_text(text + "\n", encoding="utf-8")
    return text
