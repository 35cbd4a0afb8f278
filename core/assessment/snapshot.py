"""Household snapshots: the frozen facts a rule reads, and their JSON form.

A snapshot maps one to one from core's model (household, person, income/asset/
expenditure items, disability certificates, self-care assessment, supporters) and
from the what-if calculator's JSON (docs/assessment.md). Rules never see the
database: the integrator builds a snapshot, the engine reads it.

Money is integer fen. JSON may give money as ``*_fen`` (integer) or ``*_yuan``
(a decimal string or number with at most two decimals); ``snapshot_to_json`` always
writes fen so a round trip is exact. Every error names the field in Chinese and
English: ``成员[1].收入[0].类别 ... (members[1].incomes[0].category ...)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping, TypeVar

from core.idnumber import IdNumberError, parse_disability_certificate, parse_id_number

__all__ = [
    "SnapshotError",
    "IncomeItem",
    "AssetItem",
    "ExpenditureItem",
    "HardshipEvent",
    "DisabilityCert",
    "SelfCareAssessment",
    "Supporter",
    "MemberSnapshot",
    "HouseholdSnapshot",
    "snapshot_from_json",
    "snapshot_to_json",
    "row_builder",
    "INCLUSION_REASONS",
    "INCLUDED_REASONS",
    "INCOME_CATEGORIES",
    "EXEMPT_INCOME_REASONS",
    "EXPENDITURE_KINDS",
    "EVENT_KINDS",
    "PARENT_STATUSES",
    "STUDENT_LEVELS",
    "EMPLOYMENT_STATUSES",
    "LABOUR_CAPACITIES",
    "SUPPORTER_UNABLE_REASONS",
    "SELF_CARE_ITEMS",
    "SERVICE_REQUESTS",
    "HEATING_KINDS",
]

# S2 Art. 7: who counts as a member living together; the excluded_* reasons are the
# article's exclusions (clergy away >= 3 years, prison, compulsory rehabilitation,
# declared missing) and "other people the province designates".
INCLUSION_REASONS = (
    "head",
    "spouse",
    "minor_child",
    "adult_dependent_child",
    "co_resident_supporter",
    "excluded_clergy",
    "excluded_prison",
    "excluded_rehab",
    "excluded_missing",
    "excluded_other",
)
INCLUDED_REASONS = frozenset(INCLUSION_REASONS[:5])
INCOME_CATEGORIES = ("wage", "business", "property", "transfer", "other")  # S2 Art. 13, five categories
# Items excluded from countable income, with the rule that excludes them.
EXEMPT_INCOME_REASONS: dict[str, tuple[str, str, str]] = {
    "veterans_preferential": ("优待抚恤金", "veterans' preferential and compensation payments", "S2 Art. 13"),
    "family_planning": ("计划生育奖励与扶助金", "family-planning reward and assistance payments", "S2 Art. 13"),
    "scholarship": ("奖学金", "scholarship", "S2 Art. 13"),
    "courage_reward": ("见义勇为奖励", "reward for a courageous act", "S2 Art. 13"),
    "social_assistance": ("政府发放的社会救助资金和物资", "government social-assistance money or goods", "S2 Art. 13"),
    "basic_pension": ("城乡居民基本养老保险基础养老金", "basic pension of the residents' pension scheme", "S2 Art. 13 (14th Five-Year Plan)"),
    "old_age_allowance": ("高龄津贴", "old-age allowance", "S6 Art. 6"),
    "de_facto_child_subsidy": ("事实无人抚养儿童生活补贴", "living subsidy for a de-facto unsupported child", "S11"),
    "sibling_support_severe_disability": (
        "兄弟姐妹或60岁以上照料人给付重度残疾人的赡养费",
        "support paid to a severely disabled adult by siblings or carers aged 60+",
        "S3 §1(1)",
    ),
    "local": ("地方规定不计入的收入", "income the local government excludes", "S2 Art. 13"),
}
EXPENDITURE_KINDS = ("living", "medical", "education", "rehabilitation", "other")  # S5 Art. 5
EVENT_KINDS = ("fire", "traffic_accident", "accident", "sudden_illness", "disaster", "other")  # S7 §2(1)
PARENT_STATUSES = ("present", "away_working", "deceased", "missing", "unable", "imprisoned")
STUDENT_LEVELS = ("none", "preschool", "compulsory", "high_school", "vocational", "undergraduate", "postgraduate")
EMPLOYMENT_STATUSES = ("employed", "unemployed", "retired", "never")
LABOUR_CAPACITIES = ("full", "partial", "none")
# S6 Art. 8: why a legal supporter cannot perform the duty of support.
SUPPORTER_UNABLE_REASONS = (
    "tekun",  # the supporter is a 特困 person
    "dibao_aged_60_plus",
    "aged_70_low_income",
    "severe_disability_low_income",
    "no_civil_capacity",
    "missing",
    "imprisoned",
    "provincial_other",
)
SUPPORTER_RELATIONSHIPS = ("spouse", "parent", "child", "grandparent", "grandchild", "sibling", "other")
SELF_CARE_ITEMS = ("eating", "dressing", "transferring", "toileting", "walking_indoors", "bathing")  # S6 Art. 21
SERVICE_REQUESTS = ("rehabilitation", "assistive_device")
HEATING_KINDS = ("central", "self", "none")


class SnapshotError(ValueError):
    """Bad what-if or snapshot input; ``field`` is the dotted English path of the field."""

    def __init__(self, field: str, field_zh: str, problem_zh: str, problem_en: str):
        super().__init__(f"{field_zh}: {problem_zh} ({field}: {problem_en})")
        self.field = field


@dataclass(frozen=True)
class IncomeItem:
    """One income source of one member, per month (S2 Art. 13).

    ``employment_cost_fen`` is the necessary employment cost deducted from wage
    income; ``exempt_reason`` (a key of ``EXEMPT_INCOME_REASONS``) marks an item that
    is recorded but not counted.
    """

    category: str
    monthly_fen: int
    exempt_reason: str | None = None
    employment_cost_fen: int = 0
    description: str = ""

    @property
    def countable_fen(self) -> int:
        """What the item adds to countable income: 0 if exempt, else net of employment cost."""
        if self.exempt_reason is not None:
            return 0
        return max(self.monthly_fen - self.employment_cost_fen, 0)


@dataclass(frozen=True)
class AssetItem:
    """A household asset (S2 Art. 14); ``exempt`` marks property needed for production and daily life."""

    kind: str
    value_fen: int
    exempt: bool = False
    description: str = ""


@dataclass(frozen=True)
class ExpenditureItem:
    """Household spending; ``incurred_on`` dates it for the 12-month windows (S5 Art. 4-5)."""

    kind: str
    amount_fen: int
    incurred_on: dt.date | None = None
    description: str = ""


@dataclass(frozen=True)
class HardshipEvent:
    """A sudden event: fire, accident, sudden grave illness, disaster (S7 §2(1), emergency type)."""

    kind: str
    occurred_on: dt.date
    loss_fen: int = 0
    description: str = ""


@dataclass(frozen=True)
class DisabilityCert:
    """A disability certificate: category 1-7, grade 1-4 (1 most severe), domain-rules §8.3."""

    category: int
    grade: int
    number: str | None = None
    valid_until: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_until is None or day <= self.valid_until


@dataclass(frozen=True)
class SelfCareAssessment:
    """The six-item self-care assessment (S6 Art. 20-23): True = done independently."""

    assessed_on: dt.date
    eating: bool
    dressing: bool
    transferring: bool
    toileting: bool
    walking_indoors: bool
    bathing: bool

    @property
    def failed_items(self) -> tuple[str, ...]:
        return tuple(item for item in SELF_CARE_ITEMS if not getattr(self, item))

    @property
    def failed_count(self) -> int:
        return (
            (not self.eating)
            + (not self.dressing)
            + (not self.transferring)
            + (not self.toileting)
            + (not self.walking_indoors)
            + (not self.bathing)
        )


@dataclass(frozen=True)
class Supporter:
    """A legal supporter (法定赡养、抚养、扶养义务人) of a member, able or not (S6 Art. 8)."""

    name: str
    relationship: str
    able: bool = True
    unable_reason: str | None = None


@dataclass(frozen=True)
class MemberSnapshot:
    """One person of the household, as the rules need them."""

    person_id: str
    name: str
    birth_date: dt.date
    sex: str  # "M" | "F"
    id_number: str | None = None
    relation: str = "head"  # 与户主关系, free text
    inclusion: str = "head"  # S2 Art. 7, one of INCLUSION_REASONS
    labour_capacity: str = "full"
    student_level: str = "none"
    entered_current_level_on: dt.date | None = None  # when the current school level began (升学)
    employment: str = "never"
    union_member: bool = False
    serious_illness: bool = False
    contracted_land: bool = False
    lives_alone: bool = False
    long_term_care: bool = False  # needs long-term care (长期照护), as assessed
    father_status: str | None = None
    mother_status: str | None = None
    guardian_id: str | None = None
    deceased_on: dt.date | None = None
    disabilities: tuple[DisabilityCert, ...] = ()
    self_care: SelfCareAssessment | None = None
    supporters: tuple[Supporter, ...] = ()
    incomes: tuple[IncomeItem, ...] = ()
    requests: tuple[str, ...] = ()  # service requests: rehabilitation, assistive_device

    @property
    def included(self) -> bool:
        return self.inclusion in INCLUDED_REASONS


@dataclass(frozen=True)
class HouseholdSnapshot:
    """One household: hukou region and type, members, assets, spending, events."""

    household_id: str
    region_code: str  # hukou region, 6, 9 or 12 digits
    area: str  # "urban" | "rural" (hukou type)
    members: tuple[MemberSnapshot, ...]
    assets: tuple[AssetItem, ...] = ()
    expenditures: tuple[ExpenditureItem, ...] = ()
    events: tuple[HardshipEvent, ...] = ()
    address: str = ""
    near_relative_of_staff: bool = False  # S2 Art. 11: registered and filed separately
    only_child_deceased: bool = False  # 失独: the only child has died
    enrolled_programmes: frozenset[str] = frozenset()  # programme keys the household receives now
    heating: str | None = None  # "central" | "self" | "none"
    heated_area_m2: Decimal | None = None

    def member(self, person_id: str) -> MemberSnapshot:
        for m in self.members:
            if m.person_id == person_id:
                return m
        raise KeyError(person_id)


# --- building snapshots from stored rows -----------------------------------------------------------

_Snapshot = TypeVar("_Snapshot")


def row_builder(cls: type[_Snapshot]) -> Callable[..., _Snapshot]:
    """A keyword constructor for one snapshot class that equals ``cls(**values)``, for loading many rows.

    A frozen dataclass's generated ``__init__`` stores each field through
    ``object.__setattr__``; for ``MemberSnapshot``'s 25 fields that was about ten times
    the cost of filling the instance's ``__dict__`` at once, and the batch loader builds
    several snapshot objects per household. The result is the same frozen instance (same
    fields, equality, hash and repr). Defaults come from the dataclass itself, and a call
    that names an unknown field or leaves a field without a default unset raises
    ``TypeError`` just as ``cls(...)`` would, so adding a field cannot silently go unset.
    """
    declared = fields(cls)  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or any(f.default_factory is not MISSING for f in declared):
        raise TypeError(f"{cls.__name__}: row_builder copies values only; use the class itself")
    names = frozenset(f.name for f in declared)
    defaults = {f.name: f.default for f in declared if f.default is not MISSING}
    new = object.__new__

    def build(**values: Any) -> _Snapshot:
        instance = new(cls)
        stored = instance.__dict__
        stored.update(defaults)
        stored.update(values)
        if stored.keys() != names:  # a set comparison in C: no field unknown, none left unset
            unknown = sorted(set(values) - names)
            missing = sorted(names - set(stored))
            raise TypeError(f"{cls.__name__}: unknown fields {unknown}, missing fields {missing}")
        return instance

    build.__name__ = f"build_{cls.__name__}"
    return build


# --- JSON ------------------------------------------------------------------------------------

_FIELD_ZH = {
    "household_id": "户编号",
    "region_code": "户籍地区代码",
    "area": "户籍类型",
    "members": "成员",
    "assets": "资产",
    "expenditures": "支出",
    "events": "突发事件",
    "person_id": "人员编号",
    "name": "姓名",
    "id_number": "身份证号",
    "birth_date": "出生日期",
    "sex": "性别",
    "incomes": "收入",
    "category": "类别",
    "grade": "等级",
    "kind": "种类",
    "inclusion": "计入情况",
    "disability_certificates": "残疾人证",
    "self_care": "自理能力评估",
    "supporters": "赡养抚养扶养义务人",
    "exempt_reason": "不计入收入原因",
    "monthly": "月收入",
    "employment_cost": "就业成本",
    "value": "价值",
    "amount": "金额",
    "loss": "损失",
    "occurred_on": "发生日期",
    "incurred_on": "发生日期",
    "assessed_on": "评估日期",
    "deceased_on": "死亡日期",
    "valid_until": "有效期至",
    "number": "证号",
    "relationship": "关系",
    "able": "有能力",
    "unable_reason": "无能力原因",
    "labour_capacity": "劳动能力",
    "student_level": "在学阶段",
    "employment": "就业状况",
    "father_status": "父亲状况",
    "mother_status": "母亲状况",
    "requests": "服务申请",
    "heating": "取暖方式",
    "heated_area_m2": "供热面积",
    "enrolled_programmes": "在享项目",
    "entered_current_level_on": "入学日期",
    "guardian_id": "监护人编号",
}


class _Path:
    """A field path that renders in Chinese and English for error messages."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple[tuple[str, int | None], ...] = ()):
        self.parts = parts

    def __truediv__(self, name: str) -> _Path:
        return _Path(self.parts + ((name, None),))

    def at(self, index: int) -> _Path:
        name, _ = self.parts[-1]
        return _Path(self.parts[:-1] + ((name, index),))

    def en(self) -> str:
        return ".".join(n if i is None else f"{n}[{i}]" for n, i in self.parts) or "(root)"

    def zh(self) -> str:
        out = []
        for name, index in self.parts:
            zh = _FIELD_ZH.get(name, name)
            out.append(zh if index is None else f"{zh}[{index}]")
        return ".".join(out) or "(根)"

    def fail(self, problem_zh: str, problem_en: str) -> SnapshotError:
        return SnapshotError(self.en(), self.zh(), problem_zh, problem_en)


def _get(data: Mapping[str, Any], path: _Path, name: str, *, required: bool = False, default: Any = None) -> Any:
    if name in data and data[name] is not None:
        return data[name]
    if required:
        raise (path / name).fail("必填项缺失", "is required")
    return default


def _str(value: Any, path: _Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise path.fail("应为非空文字", "must be a non-empty string")
    return value.strip()


def _bool(value: Any, path: _Path) -> bool:
    if not isinstance(value, bool):
        raise path.fail("应为 true 或 false", "must be true or false")
    return value


def _int(value: Any, path: _Path, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise path.fail("应为整数", "must be an integer")
    if (low is not None and value < low) or (high is not None and value > high):
        raise path.fail(f"应在 {low} 到 {high} 之间", f"must be between {low} and {high}")
    return value


def _date(value: Any, path: _Path) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise path.fail("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD") from None


def _choice(value: Any, path: _Path, choices: tuple[str, ...] | Mapping[str, Any]) -> str:
    if value not in choices:
        allowed = ", ".join(choices)
        raise path.fail(f"取值 {value!r} 无效, 可选: {allowed}", f"{value!r} is not one of: {allowed}")
    return value


def _decimal(value: Any, path: _Path) -> Decimal:
    if isinstance(value, bool):
        raise path.fail("应为数字", "must be a number")
    try:
        number = Decimal(str(value)) if isinstance(value, (int, float, str)) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise path.fail("应为数字", "must be a number") from None
    if not number.is_finite():
        raise path.fail("应为有限数字", "must be a finite number")
    return number


def _money(data: Mapping[str, Any], path: _Path, name: str, *, required: bool = True) -> int:
    """``<name>_fen`` (integer) or ``<name>_yuan`` (at most two decimals), never negative."""
    fen_key, yuan_key = f"{name}_fen", f"{name}_yuan"
    if data.get(fen_key) is not None:
        fen = _int(data[fen_key], path / fen_key)
    elif data.get(yuan_key) is not None:
        yuan = _decimal(data[yuan_key], path / yuan_key)
        if yuan != yuan.quantize(Decimal("0.01")):
            raise (path / yuan_key).fail("金额最多两位小数", "an amount has at most two decimals (fen)")
        fen = int(yuan * 100)
    elif required:
        raise (path / fen_key).fail(f"必填: {fen_key} 或 {yuan_key}", f"required: {fen_key} or {yuan_key}")
    else:
        return 0
    if fen < 0:
        raise (path / name).fail("金额不能为负", "an amount cannot be negative")
    return fen


def _list(data: Mapping[str, Any], path: _Path, name: str) -> list[tuple[_Path, Any]]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise (path / name).fail("应为列表", "must be a list")
    return [((path / name).at(i), item) for i, item in enumerate(value)]


def _object(value: Any, path: _Path) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise path.fail("应为对象", "must be an object")
    return value


def _income(data: Any, path: _Path) -> IncomeItem:
    data = _object(data, path)
    exempt = _get(data, path, "exempt_reason")
    return IncomeItem(
        category=_choice(_get(data, path, "category", required=True), path / "category", INCOME_CATEGORIES),
        monthly_fen=_money(data, path, "monthly"),
        exempt_reason=None if exempt is None else _choice(exempt, path / "exempt_reason", EXEMPT_INCOME_REASONS),
        employment_cost_fen=_money(data, path, "employment_cost", required=False),
        description=str(data.get("description") or ""),
    )


def _disability(data: Any, path: _Path, id_number: str | None, on: dt.date) -> DisabilityCert:
    data = _object(data, path)
    number = _get(data, path, "number")
    valid_until = _get(data, path, "valid_until")
    valid_until = None if valid_until is None else _date(valid_until, path / "valid_until")
    if number is not None:
        try:
            cert = parse_disability_certificate(_str(number, path / "number"), today=on)
        except IdNumberError as error:
            raise (path / "number").fail(str(error), str(error)) from None
        if id_number is not None and cert.holder.number != id_number:
            raise (path / "number").fail("残疾人证号与持证人身份证号不符", "the certificate number does not contain the member's ID number")
        for name, derived in (("category", cert.category), ("grade", cert.grade)):
            if data.get(name) is not None and data[name] != derived:
                raise (path / name).fail(f"与证号中的 {derived} 不符", f"does not match {derived} in the certificate number")
        return DisabilityCert(cert.category, cert.grade, cert.number, valid_until)
    return DisabilityCert(
        category=_int(_get(data, path, "category", required=True), path / "category", 1, 7),
        grade=_int(_get(data, path, "grade", required=True), path / "grade", 1, 4),
        valid_until=valid_until,
    )


def _self_care(data: Any, path: _Path) -> SelfCareAssessment:
    data = _object(data, path)
    values = {item: _bool(_get(data, path, item, required=True), path / item) for item in SELF_CARE_ITEMS}
    return SelfCareAssessment(assessed_on=_date(_get(data, path, "assessed_on", required=True), path / "assessed_on"), **values)


def _supporter(data: Any, path: _Path) -> Supporter:
    data = _object(data, path)
    able = _bool(_get(data, path, "able", default=True), path / "able")
    reason = _get(data, path, "unable_reason")
    if not able and reason is None:
        raise (path / "unable_reason").fail(
            "无能力时须写明原因 (特困人员认定办法第八条)", "required when the supporter is unable (S6 Art. 8)"
        )
    return Supporter(
        name=_str(_get(data, path, "name", default="?"), path / "name"),
        relationship=_choice(_get(data, path, "relationship", required=True), path / "relationship", SUPPORTER_RELATIONSHIPS),
        able=able,
        unable_reason=None if reason is None else _choice(reason, path / "unable_reason", SUPPORTER_UNABLE_REASONS),
    )


def _optional_choice(data: Mapping[str, Any], path: _Path, name: str, choices: tuple[str, ...], default: Any) -> Any:
    value = data.get(name)
    return default if value is None else _choice(value, path / name, choices)


def _member(data: Any, path: _Path, index: int, on: dt.date) -> MemberSnapshot:
    data = _object(data, path)
    id_number = _get(data, path, "id_number")
    birth = _get(data, path, "birth_date")
    sex = _get(data, path, "sex")
    if id_number is not None:
        try:
            resident = parse_id_number(_str(id_number, path / "id_number"), today=on)
        except IdNumberError as error:
            raise (path / "id_number").fail(str(error), str(error)) from None
        id_number = resident.number
        if birth is not None and _date(birth, path / "birth_date") != resident.birth_date:
            raise (path / "birth_date").fail("与身份证号中的出生日期不符", "does not match the birth date in the ID number")
        if sex is not None and sex != resident.sex:
            raise (path / "sex").fail("与身份证号中的性别不符", "does not match the sex in the ID number")
        birth_date, sex = resident.birth_date, resident.sex
    else:
        if birth is None:
            raise (path / "birth_date").fail("须提供身份证号或出生日期", "give an ID number or a birth date")
        birth_date = _date(birth, path / "birth_date")
        sex = _choice(_get(data, path, "sex", required=True), path / "sex", ("M", "F"))
    deceased = _get(data, path, "deceased_on")
    entered = _get(data, path, "entered_current_level_on")
    self_care = _get(data, path, "self_care")
    requests = data.get("requests") or []
    if not isinstance(requests, list):
        raise (path / "requests").fail("应为列表", "must be a list")
    return MemberSnapshot(
        person_id=str(_get(data, path, "person_id", default=f"m{index + 1}")),
        name=_str(_get(data, path, "name", required=True), path / "name"),
        birth_date=birth_date,
        sex=sex,
        id_number=id_number,
        relation=str(data.get("relation") or "head"),
        inclusion=_optional_choice(data, path, "inclusion", INCLUSION_REASONS, "head"),
        labour_capacity=_optional_choice(data, path, "labour_capacity", LABOUR_CAPACITIES, "full"),
        student_level=_optional_choice(data, path, "student_level", STUDENT_LEVELS, "none"),
        entered_current_level_on=None if entered is None else _date(entered, path / "entered_current_level_on"),
        employment=_optional_choice(data, path, "employment", EMPLOYMENT_STATUSES, "never"),
        union_member=_bool(data.get("union_member", False), path / "union_member"),
        serious_illness=_bool(data.get("serious_illness", False), path / "serious_illness"),
        contracted_land=_bool(data.get("contracted_land", False), path / "contracted_land"),
        lives_alone=_bool(data.get("lives_alone", False), path / "lives_alone"),
        long_term_care=_bool(data.get("long_term_care", False), path / "long_term_care"),
        father_status=_optional_choice(data, path, "father_status", PARENT_STATUSES, None),
        mother_status=_optional_choice(data, path, "mother_status", PARENT_STATUSES, None),
        guardian_id=None if data.get("guardian_id") is None else str(data["guardian_id"]),
        deceased_on=None if deceased is None else _date(deceased, path / "deceased_on"),
        disabilities=tuple(_disability(d, p, id_number, on) for p, d in _list(data, path, "disability_certificates")),
        self_care=None if self_care is None else _self_care(self_care, path / "self_care"),
        supporters=tuple(_supporter(d, p) for p, d in _list(data, path, "supporters")),
        incomes=tuple(_income(d, p) for p, d in _list(data, path, "incomes")),
        requests=tuple(_choice(r, (path / "requests").at(i), SERVICE_REQUESTS) for i, r in enumerate(requests)),
    )


def snapshot_from_json(data: Mapping[str, Any], *, today: dt.date | None = None) -> HouseholdSnapshot:
    """Build a snapshot from the what-if JSON format (docs/assessment.md).

    Raises :class:`SnapshotError` naming the field in Chinese and English. ``today``
    bounds plausible birth dates in ID numbers (default: the real today).
    """
    root = _Path()
    data = _object(data, root)
    on = today or dt.date.today()
    region = _str(_get(data, root, "region_code", required=True), root / "region_code")
    if not region.isdigit() or len(region) not in (6, 9, 12):
        raise (root / "region_code").fail("应为6、9或12位数字", "must have 6, 9 or 12 digits")
    members_raw = _list(data, root, "members")
    if not members_raw:
        raise (root / "members").fail("至少需要一名成员", "at least one member is required")
    members = tuple(_member(d, p, i, on) for i, (p, d) in enumerate(members_raw))
    ids = [m.person_id for m in members]
    if len(set(ids)) != len(ids):
        raise (root / "members").fail("人员编号重复", "person_id values must be unique")
    for (path, _), member in zip(members_raw, members):
        if member.guardian_id is not None and member.guardian_id not in ids:
            raise (path / "guardian_id").fail("监护人不在本户成员中", "the guardian is not a member of this household")
    assets = tuple(
        AssetItem(
            kind=_str(_get(_object(d, p), p, "kind", required=True), p / "kind"),
            value_fen=_money(d, p, "value"),
            exempt=_bool(d.get("exempt", False), p / "exempt"),
            description=str(d.get("description") or ""),
        )
        for p, d in _list(data, root, "assets")
    )
    expenditures = tuple(
        ExpenditureItem(
            kind=_choice(_get(_object(d, p), p, "kind", required=True), p / "kind", EXPENDITURE_KINDS),
            amount_fen=_money(d, p, "amount"),
            incurred_on=None if d.get("incurred_on") is None else _date(d["incurred_on"], p / "incurred_on"),
            description=str(d.get("description") or ""),
        )
        for p, d in _list(data, root, "expenditures")
    )
    events = tuple(
        HardshipEvent(
            kind=_choice(_get(_object(d, p), p, "kind", required=True), p / "kind", EVENT_KINDS),
            occurred_on=_date(_get(d, p, "occurred_on", required=True), p / "occurred_on"),
            loss_fen=_money(d, p, "loss", required=False),
            description=str(d.get("description") or ""),
        )
        for p, d in _list(data, root, "events")
    )
    enrolled = data.get("enrolled_programmes") or []
    if not isinstance(enrolled, list) or not all(isinstance(k, str) and "." in k for k in enrolled):
        raise (root / "enrolled_programmes").fail("应为项目键列表", "must be a list of programme keys like civil_affairs.dibao")
    area_m2 = data.get("heated_area_m2")
    return HouseholdSnapshot(
        household_id=str(_get(data, root, "household_id", default="what-if")),
        region_code=region,
        area=_choice(_get(data, root, "area", required=True), root / "area", ("urban", "rural")),
        members=members,
        assets=assets,
        expenditures=expenditures,
        events=events,
        address=str(data.get("address") or ""),
        near_relative_of_staff=_bool(data.get("near_relative_of_staff", False), root / "near_relative_of_staff"),
        only_child_deceased=_bool(data.get("only_child_deceased", False), root / "only_child_deceased"),
        enrolled_programmes=frozenset(enrolled),
        heating=_optional_choice(data, root, "heating", HEATING_KINDS, None),
        heated_area_m2=None if area_m2 is None else _decimal(area_m2, root / "heated_area_m2"),
    )


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def snapshot_to_json(snapshot: HouseholdSnapshot) -> dict[str, Any]:
    """The canonical JSON form (money in fen); ``snapshot_from_json`` reads it back equal."""
    return {
        "household_id": snapshot.household_id,
        "region_code": snapshot.region_code,
        "area": snapshot.area,
        "address": snapshot.address,
        "near_relative_of_staff": snapshot.near_relative_of_staff,
        "only_child_deceased": snapshot.only_child_deceased,
        "enrolled_programmes": sorted(snapshot.enrolled_programmes),
        "heating": snapshot.heating,
        "heated_area_m2": None if snapshot.heated_area_m2 is None else str(snapshot.heated_area_m2),
        "members": [
            {
                "person_id": m.person_id,
                "name": m.name,
                "id_number": m.id_number,
                "birth_date": m.birth_date.isoformat(),
                "sex": m.sex,
                "relation": m.relation,
                "inclusion": m.inclusion,
                "labour_capacity": m.labour_capacity,
                "student_level": m.student_level,
                "entered_current_level_on": _iso(m.entered_current_level_on),
                "employment": m.employment,
                "union_member": m.union_member,
                "serious_illness": m.serious_illness,
                "contracted_land": m.contracted_land,
                "lives_alone": m.lives_alone,
                "long_term_care": m.long_term_care,
                "father_status": m.father_status,
                "mother_status": m.mother_status,
                "guardian_id": m.guardian_id,
                "deceased_on": _iso(m.deceased_on),
                "disability_certificates": [
                    {"number": c.number, "category": c.category, "grade": c.grade, "valid_until": _iso(c.valid_until)}
                    for c in m.disabilities
                ],
                "self_care": None
                if m.self_care is None
                else {"assessed_on": m.self_care.assessed_on.isoformat(), **{i: getattr(m.self_care, i) for i in SELF_CARE_ITEMS}},
                "supporters": [
                    {"name": s.name, "relationship": s.relationship, "able": s.able, "unable_reason": s.unable_reason}
                    for s in m.supporters
                ],
                "incomes": [
                    {
                        "category": i.category,
                        "monthly_fen": i.monthly_fen,
                        "employment_cost_fen": i.employment_cost_fen,
                        "exempt_reason": i.exempt_reason,
                        "description": i.description,
                    }
                    for i in m.incomes
                ],
                "requests": list(m.requests),
            }
            for m in snapshot.members
        ],
        "assets": [
            {"kind": a.kind, "value_fen": a.value_fen, "exempt": a.exempt, "description": a.description} for a in snapshot.assets
        ],
        "expenditures": [
            {"kind": e.kind, "amount_fen": e.amount_fen, "incurred_on": _iso(e.incurred_on), "description": e.description}
            for e in snapshot.expenditures
        ],
        "events": [
            {"kind": e.kind, "occurred_on": e.occurred_on.isoformat(), "loss_fen": e.loss_fen, "description": e.description}
            for e in snapshot.events
        ],
    }
