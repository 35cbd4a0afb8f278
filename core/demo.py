"""A realistic synthetic Daqing data set for ``carematch demo``.

Everything here is made up: households in the nine areas of Daqing (five
districts, four counties) with synthetic streets and towns below them, members
with valid ID numbers, incomes in the five national categories, assets, rigid
expenditures, disability certificates, self-care assessments, supporters, the
three care groups of the two care boards (left-behind children, elderly people
living alone, bereaved-parent families), volunteers of both care boards,
approved care needs, a few continuing assignments, and one login per role.

Names are drawn from common surnames and generation-typical given-name
characters; no real person's full name is used on purpose. Street and town
names are invented and carry ``name_en`` "Demo street N" / "Demo town N" so
nobody mistakes them for the official NBS codes.

Design choices:

* Deterministic: one ``random.Random(seed)`` drives every draw, in a fixed order,
  so the same seed and the same ``today`` give the same names and ID numbers.
  Ages, check dates and income dates are relative to ``today`` (default: the real
  date) so the data stays meaningful whenever the demo is run.
* Fast: rows are built as plain dicts and written with SQLAlchemy's ORM bulk
  INSERT … RETURNING (one statement per few hundred rows), not one object per
  flush; only the ~10 logins pay for argon2.
* Idempotent: if any household exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from core.idnumber import make_id_number, parse_id_number
from core.models import (
    AssetItem,
    Assignment,
    DisabilityCertificate,
    ExpenditureItem,
    Household,
    IncomeItem,
    Need,
    Person,
    Region,
    SelfCareAssessment,
    Supporter,
    User,
    Volunteer,
)
from core.privacy.models import Consent
from core.regions import AREA_CODES, SEED_REGIONS
from core.volunteering.models import Visit

__all__ = ["DemoLogin", "DemoSummary", "DEMO_LOGINS", "seed_demo"]

T = TypeVar("T")

# --------------------------------------------------------------------------------------
# Reference tables (all synthetic or rough public orders of magnitude)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaProfile:
    """How one district/county is populated: its share of households, how urban it is,
    how many households speak Mongolian, and the invented street/town names below it."""

    weight: float  # rough share of Daqing's population
    urban_share: float
    mongolian_share: float
    subdivisions: tuple[str, ...]


# Weights follow the areas' rough populations; counties are mostly rural, and
# 杜尔伯特 (Dorbod Mongol Autonomous County) holds most of Daqing's Mongolian speakers.
AREA_PROFILES: dict[str, AreaProfile] = {
    "230602": AreaProfile(0.14, 0.95, 0.004, ("春华街道", "湖滨街道", "育才街道", "明珠街道")),
    "230603": AreaProfile(0.11, 0.92, 0.003, ("振兴街道", "绿园街道", "兴业街道", "滨河街道")),
    "230604": AreaProfile(0.15, 0.90, 0.006, ("朝阳街道", "文苑街道", "康乐街道", "长虹街道")),
    "230605": AreaProfile(0.06, 0.88, 0.003, ("和平街道", "富强街道", "新风街道", "锦绣街道")),
    "230606": AreaProfile(0.08, 0.55, 0.005, ("宏伟街道", "奋进街道", "丰乐街道", "盛园街道")),
    "230621": AreaProfile(0.12, 0.28, 0.002, ("永安镇", "太平镇", "兴隆镇", "新发镇", "双榆镇")),
    "230622": AreaProfile(0.13, 0.25, 0.003, ("红旗镇", "前进镇", "东升镇", "长胜镇", "福兴镇")),
    "230623": AreaProfile(0.09, 0.25, 0.002, ("富裕镇", "民主镇", "团结镇", "和顺镇", "吉祥镇")),
    "230624": AreaProfile(0.12, 0.25, 0.30, ("泰康镇", "巴彦镇", "乌兰镇", "查干镇", "敖包镇")),
}
assert tuple(AREA_PROFILES) == AREA_CODES  # the demo covers exactly the configured areas

_CENTRES = {r.code: (r.lat or 46.59, r.lon or 125.10) for r in SEED_REGIONS}
_AREA_NAMES = {r.code: r.name for r in SEED_REGIONS}

# Surnames weighted by rough frequency, with the north-east's extra 于, 孙, 赵, 高, 姜, 佟, 关.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.1), ("李", 7.0), ("张", 6.8), ("刘", 5.6), ("赵", 2.8), ("杨", 2.3), ("孙", 2.2), ("陈", 2.0),
    ("于", 1.6), ("高", 1.6), ("马", 1.4), ("徐", 1.2), ("周", 1.2), ("黄", 1.0), ("郭", 1.0), ("韩", 1.0),
    ("吴", 1.0), ("宋", 0.9), ("胡", 0.9), ("姜", 0.8), ("朱", 0.8), ("董", 0.8), ("田", 0.7), ("何", 0.6),
    ("林", 0.6), ("郑", 0.6), ("梁", 0.6), ("许", 0.6), ("冯", 0.6), ("曹", 0.6), ("崔", 0.6), ("付", 0.6),
    ("唐", 0.5), ("杜", 0.5), ("吕", 0.5), ("魏", 0.5), ("任", 0.5), ("贾", 0.5), ("孟", 0.5), ("罗", 0.4),
    ("谢", 0.4), ("肖", 0.4), ("丁", 0.4), ("苏", 0.4), ("程", 0.4), ("范", 0.4), ("石", 0.4), ("白", 0.4),
    ("侯", 0.4), ("郝", 0.4), ("闫", 0.4), ("常", 0.4), ("邓", 0.3), ("彭", 0.3), ("潘", 0.3), ("袁", 0.3),
    ("蒋", 0.3), ("蔡", 0.3), ("沈", 0.3), ("姚", 0.3), ("卢", 0.3), ("秦", 0.3), ("薛", 0.3), ("尹", 0.3),
    ("邵", 0.3), ("关", 0.3), ("佟", 0.2), ("段", 0.2), ("邹", 0.2), ("曾", 0.2), ("隋", 0.1), ("鞠", 0.1),
    ("宫", 0.1), ("那", 0.1),
)
# Surnames Mongolian families in the region commonly use in Chinese documents.
MONGOLIAN_SURNAMES: tuple[tuple[str, float], ...] = (
    ("包", 3.0), ("白", 2.5), ("宝", 1.5), ("韩", 1.0), ("吴", 1.0), ("鲍", 0.8), ("那", 0.6), ("陈", 0.5),
)

# Given-name characters by birth cohort, so a grandmother is 淑兰 and a grandchild 梓涵.
_GIVEN: dict[str, dict[str, str]] = {
    "old": {"M": "国建德振志永玉福宝长庆春海山林祥明文军忠树成发贵金荣广有万胜",
            "F": "淑秀桂玉凤兰英芝珍华琴芳荣霞云梅香萍素艳"},
    "mid": {"M": "伟军勇强磊斌刚涛亮鹏东辉峰波宇明海龙杰超",
            "F": "丽艳静敏燕红娟颖霞慧玲洁莉梅晶琳华萍芳娜"},
    "young": {"M": "浩鑫磊博宇晨阳帅凯旭超鹏航俊健明轩昊哲翔",
              "F": "婷雪佳欣悦琪璐倩丹爽楠蕾莹月晗萌妍瑶琳薇"},
    "child": {"M": "子浩宇轩梓睿泽铭博然晨航逸昊宸煜俊皓奕霖",
              "F": "梓欣涵诗雨萱可馨怡若依语一婉思佳彤悦琪妍"},
}
MONGOLIAN_GIVEN = {
    "M": ("巴特尔", "苏和", "额尔敦", "那顺", "朝鲁", "宝音", "孟和", "巴图", "阿拉坦", "达来", "特木尔", "布和"),
    "F": ("其其格", "乌云", "斯琴", "图雅", "萨仁", "娜仁", "高娃", "格日勒", "塔娜", "阿茹娜", "乌兰", "托娅"),
}

# Synthetic community / village names for addresses.
COMMUNITIES = ("育新", "园丁", "东湖", "新村", "银亿", "世纪", "阳光", "湖畔", "友谊", "建设", "石化", "铁建")
VILLAGES = ("新发", "三合", "东兴", "永丰", "双井", "榆树", "北岗", "前进", "胜利", "长发", "红星", "太和")

MOBILE_PREFIXES = ("130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
                   "150", "151", "152", "153", "155", "156", "157", "158", "159",
                   "180", "181", "182", "183", "185", "186", "187", "188", "189")

# Disability mix roughly after the second national disability sample survey (2006):
# physical and hearing most common, speech rare; grade 4 (mildest) most common.
DISABILITY_CATEGORY_WEIGHTS = {1: 15, 2: 24, 3: 2, 4: 29, 5: 7, 6: 7, 7: 16}
DISABILITY_GRADE_WEIGHTS = {1: 14, 2: 19, 3: 27, 4: 40}

SKILLS = ("psych_counselling", "grief_counselling", "child_care", "tutoring", "elder_care", "medical",
          "sign_language", "companionship")
# Chance a volunteer of a board has each skill; counselling is deliberately scarce.
SKILL_ODDS = {
    "youth_league": {"tutoring": 0.50, "child_care": 0.45, "companionship": 0.45, "elder_care": 0.20,
                     "medical": 0.08, "psych_counselling": 0.07, "sign_language": 0.04, "grief_counselling": 0.03},
    "womens_federation": {"companionship": 0.50, "elder_care": 0.45, "child_care": 0.30, "tutoring": 0.15,
                          "grief_counselling": 0.12, "medical": 0.12, "psych_counselling": 0.08,
                          "sign_language": 0.03},
}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_DAYTIME = tuple(f"{d}_{p}" for d in DAYS[:5] for p in ("am", "pm"))
WEEKDAY_EVENINGS = tuple(f"{d}_eve" for d in DAYS[:5])
WEEKEND = tuple(f"{d}_{p}" for d in DAYS[5:] for p in ("am", "pm", "eve"))
ALL_SLOTS = tuple(f"{d}_{p}" for d in DAYS for p in ("am", "pm", "eve"))

CARE_BOARDS = ("youth_league", "womens_federation")
TRAVEL_CAP_KM = 15.0  # the matcher's default global cap: continuing pairs must respect it


@dataclass(frozen=True)
class LoginSpec:
    username: str
    role: str
    board: str | None
    password: str
    display_name: str
    region_code: str  # "<area>001" means the first demo street of that area


DEMO_LOGINS: tuple[LoginSpec, ...] = (
    LoginSpec("civil", "board_staff", "civil_affairs", "demo-civil-2026", "民政局演示账号", "230600"),
    LoginSpec("union", "board_staff", "trade_union", "demo-union-2026", "总工会演示账号", "230600"),
    LoginSpec("disabled", "board_staff", "disabled_federation", "demo-disabled-2026", "残联演示账号", "230600"),
    LoginSpec("youth", "coordinator", "youth_league", "demo-youth-2026", "团市委演示账号", "230600"),
    LoginSpec("women", "coordinator", "womens_federation", "demo-women-2026", "妇联演示账号", "230600"),
    LoginSpec("grid", "grid_worker", None, "demo-grid-2026", "网格员演示账号", "230602001"),
    LoginSpec("reviewer", "reviewer", None, "demo-review-2026", "联审联评演示账号", "230600"),
    LoginSpec("auditor", "auditor", None, "demo-audit-2026", "审计演示账号", "230600"),
    LoginSpec("volunteer", "volunteer", None, "demo-volunteer-2026", "志愿者演示账号", "230602001"),
)
# `carematch demo` creates the administrator with this password; we only list it if it still works.
DEMO_ADMIN = LoginSpec("admin", "admin", None, "admin-demo-2026", "系统管理员", "230600")

# --------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------


@dataclass
class DemoLogin:
    """One demo account as the summary shows it; ``password`` is None when unknown."""

    username: str
    role: str
    board: str | None
    password: str | None
    status: str  # "created" | "existing"


@dataclass
class DemoSummary:
    """What ``seed_demo`` did, with counts and the logins to try."""

    created: bool
    seed: int
    households: int = 0
    urban_households: int = 0
    people: int = 0
    streets: int = 0
    disability_certificates: int = 0
    income_items: int = 0
    assets: int = 0
    expenditures: int = 0
    self_care_assessments: int = 0
    supporters: int = 0
    left_behind_children: int = 0
    elderly_alone: int = 0
    bereaved_families: int = 0
    mongolian_speakers: int = 0
    volunteers: dict[str, int] = field(default_factory=dict)
    needs: dict[str, int] = field(default_factory=dict)
    assignments: int = 0
    visits: int = 0
    cases: dict[str, int] = field(default_factory=dict)  # by stage, opened through the real casework services
    payments: int = 0
    seconds: float = 0.0
    logins: list[DemoLogin] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """A bilingual, multi-line report: what was created and the demo logins."""
        lines: list[str] = []
        if not self.created:
            lines.append("演示数据已存在, 未做任何改动 (demo data already present: nothing added).")
        else:
            rural = self.households - self.urban_households
            rows = [
                ("households", "户", f"{self.households} (urban 城镇 {self.urban_households}, rural 农村 {rural})"),
                ("people", "人", f"{self.people} (Mongolian speakers 蒙古语 {self.mongolian_speakers})"),
                ("demo streets and towns", "街道/乡镇", str(self.streets)),
                ("disability certificates", "残疾人证", str(self.disability_certificates)),
                ("income items", "收入项", str(self.income_items)),
                ("assets", "财产", str(self.assets)),
                ("rigid expenditures", "刚性支出", str(self.expenditures)),
                ("self-care assessments", "自理能力评估", str(self.self_care_assessments)),
                ("supporters", "赡养/扶养义务人", str(self.supporters)),
                ("left-behind children", "留守儿童", str(self.left_behind_children)),
                ("elderly living alone", "独居老人", str(self.elderly_alone)),
                ("bereaved-parent families", "失独家庭", str(self.bereaved_families)),
                ("volunteers", "志愿者", ", ".join(f"{k} {n}" for k, n in sorted(self.volunteers.items()))),
                ("approved care needs", "已批准关爱需求", ", ".join(f"{k} {n}" for k, n in sorted(self.needs.items()))),
                ("accepted assignments", "在岗结对", str(self.assignments)),
                ("visits logged", "已登记探访", str(self.visits)),
            ]
            if self.cases:
                rows.append(("cases by stage", "个案(按阶段)", ", ".join(f"{k} {n}" for k, n in sorted(self.cases.items()))))
                rows.append(("payments in the ledger", "台账发放记录", str(self.payments)))
            lines.append(f"演示数据已生成 (synthetic Daqing demo data created): seed {self.seed}, "
                         f"{self.seconds:.1f} s")
            # English label first: fixed-width padding of CJK text does not line up in a terminal
            lines += [f"  {en:<26} {value}   {zh}" for en, zh, value in rows]
        lines.append("")
        lines.append("演示账号 (demo logins):")
        lines.append(f"  {'username':<10} {'role':<12} {'board':<20} password")
        unknown = {"existing": "(已存在, 密码未改 / existing account, password unchanged)",
                   "missing": "(不存在 / no such account)"}
        for login in self.logins:
            password = login.password or unknown.get(login.status, "?")
            lines.append(f"  {login.username:<10} {login.role:<12} {login.board or '-':<20} {password}")
        for note in self.notes:
            lines.append(f"注 note: {note}")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _fen(yuan: float) -> int:
    """Yuan to integer fen, rounded to whole yuan: real declarations are in whole yuan."""
    return int(round(yuan)) * 100


def _chunks(rows: list[dict[str, Any]], size: int = 500) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _insert(model: type) -> Any:
    """An ORM bulk INSERT that sends None as NULL: by default SQLAlchemy leaves None keys
    out, so rows with and without a phone number (say) fall into separate statements."""
    return insert(model).execution_options(render_nulls=True)


def _bulk_insert(session: Session, model: type, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in batches and return their new ids in row order (ORM bulk INSERT … RETURNING)."""
    ids: list[int] = []
    sqlite = session.get_bind().dialect.name == "sqlite"
    for chunk in _chunks(rows):
        if sqlite:
            # SQLAlchemy can only honour sort_by_parameter_order on SQLite by sending one
            # statement per row (and splicing the results quadratically). SQLite numbers
            # the rows of a multi-row INSERT in the order given, each above every existing
            # id, so the sorted ids are the rows' ids in order.
            ids.extend(sorted(session.scalars(_insert(model).returning(model.id), chunk).all()))
        else:
            result = session.scalars(_insert(model).returning(model.id, sort_by_parameter_order=True), chunk)
            ids.extend(result.all())
    return ids


# --------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------


@dataclass
class _Street:
    code: str
    name: str
    area: str
    urban: bool
    lat: float
    lon: float


@dataclass
class _Person:
    """A member being built; ``hh`` and ``guardian`` are local indexes until inserted."""

    hh: int
    row: dict[str, Any]
    age: int
    guardian: int | None = None
    mongolian: bool = False


@dataclass
class _Hh:
    row: dict[str, Any]
    area: str
    urban: bool
    kind: str
    members: list[int] = field(default_factory=list)


# Household compositions and their shares of the demo; the shares lean towards the
# care and assistance population the platform serves, not the census. The three care
# groups come first: a tiny demo keeps them and drops the others.
HOUSEHOLD_KINDS: tuple[tuple[str, float], ...] = (
    ("left_behind", 0.09),
    ("elderly_alone", 0.14),
    ("bereaved", 0.035),
    ("disabled_adult", 0.055),
    ("family", 0.22),
    ("elderly_couple", 0.13),
    ("single_parent", 0.08),
    ("single_adult", 0.09),
    ("couple", 0.09),
    ("three_generation", 0.06),
)


class _Builder:
    """Builds every row in memory from one RNG, then writes them in bulk."""

    def __init__(self, session: Session, rng: random.Random, today: dt.date) -> None:
        self.session = session
        self.rng = rng
        self.today = today
        self.used_sequences: dict[tuple[str, dt.date], set[int]] = defaultdict(set)
        self.used_phones: set[str] = set()
        self.streets: dict[str, list[_Street]] = {}
        self.households: list[_Hh] = []
        self.people: list[_Person] = []

    # -- identities --------------------------------------------------------------------

    def birth_date(self, age: int) -> dt.date:
        """A birth date on which someone is exactly ``age`` today."""
        start = _years_before(self.today, age + 1) + dt.timedelta(days=1)
        end = _years_before(self.today, age)
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def id_number(self, area: str, age: int, sex: str) -> str:
        """A fresh, valid ID number: odd sequence for men, even for women, never reused."""
        birth = self.birth_date(age)
        used = self.used_sequences[(area, birth)]
        while True:
            seq = self.rng.randrange(1, 1000)
            if (seq % 2 == 1) == (sex == "M") and seq not in used:
                used.add(seq)
                return make_id_number(area, birth, seq)

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def name(self, surname: str, sex: str, age: int, mongolian: bool) -> str:
        rng = self.rng
        if mongolian and (age >= 30 or rng.random() < 0.5):
            return surname + rng.choice(MONGOLIAN_GIVEN[sex])
        born = self.today.year - age
        cohort = "old" if born <= 1960 else "mid" if born <= 1985 else "young" if born <= 2005 else "child"
        pool = _GIVEN[cohort][sex]
        single = 0.3 if cohort == "old" else 0.12
        if rng.random() < single:
            return surname + rng.choice(pool)
        first, second = rng.sample(pool, 2)
        return surname + first + second

    def surname(self, mongolian: bool) -> str:
        return _weighted(self.rng, MONGOLIAN_SURNAMES if mongolian else SURNAMES)

    # -- regions -----------------------------------------------------------------------

    def make_streets(self) -> list[dict[str, Any]]:
        """Synthetic streets (districts) and towns (counties), ``<area>001``…, near the area centre."""
        rows = []
        existing = set(self.session.execute(select(Region.code)).scalars())
        for area, profile in AREA_PROFILES.items():
            lat0, lon0 = _CENTRES[area]
            county = area >= "230621"
            spread = (0.16, 0.20) if county else (0.035, 0.045)
            streets = []
            for i, name in enumerate(profile.subdivisions, start=1):
                code = f"{area}{i:03d}"
                if i == 1:
                    # a county's first town is its seat, at the centre, where its urban households live
                    lat, lon = lat0, lon0
                else:
                    lat = lat0 + self.rng.uniform(-spread[0], spread[0])
                    lon = lon0 + self.rng.uniform(-spread[1], spread[1])
                urban = (not county and not (area == "230606" and i > 2)) or (county and i == 1)
                streets.append(_Street(code, name, area, urban, round(lat, 5), round(lon, 5)))
                if code not in existing:
                    level = "town" if county else "street"
                    rows.append(dict(code=code, name=name, name_en=f"Demo {level} {i}", level=level,
                                     parent_code=area, lat=round(lat, 5), lon=round(lon, 5)))
            self.streets[area] = streets
        return rows

    # -- households --------------------------------------------------------------------

    def household_kinds(self, n: int) -> list[str]:
        """Exact quotas, shuffled: every kind appears even in a small demo (of at least ten)."""
        counts = {kind: max(1, round(share * n)) for kind, share in HOUSEHOLD_KINDS}
        order = list(counts)
        while sum(counts.values()) > n:
            # trim the largest kind; when all are down to one, drop the last (least central) kind
            kind = max(order, key=lambda k: (counts[k], order.index(k)))
            if counts[kind] == 1:
                kind = [k for k in order if counts[k]][-1]
            counts[kind] -= 1
        counts["family"] += n - sum(counts.values())
        kinds = [kind for kind in order for _ in range(counts[kind])]
        self.rng.shuffle(kinds)
        return kinds

    def area_for(self, kind: str) -> tuple[str, bool]:
        """Pick an area (by population) and urban/rural; left-behind children are mostly rural."""
        rng = self.rng
        area = _weighted(rng, [(a, p.weight) for a, p in AREA_PROFILES.items()])
        urban_share = AREA_PROFILES[area].urban_share
        if kind == "left_behind":
            urban_share *= 0.3
        return area, rng.random() < urban_share

    def address(self, street: _Street, urban: bool) -> str:
        rng = self.rng
        if urban:
            return (f"{_AREA_NAMES[street.area]}{street.name}{rng.choice(COMMUNITIES)}社区"
                    f"{rng.randint(1, 40)}栋{rng.randint(1, 6)}单元{rng.randint(1, 7)}0{rng.randint(1, 4)}室")
        return f"{_AREA_NAMES[street.area]}{street.name}{rng.choice(VILLAGES)}村{rng.randint(1, 9)}组"

    def make_household(self, kind: str) -> None:
        rng = self.rng
        area, urban = self.area_for(kind)
        candidates = [s for s in self.streets[area] if s.urban == urban] or self.streets[area]
        street = rng.choice(candidates)
        sd = 0.008 if urban else 0.03  # a town block vs. villages spread around a township
        hh = _Hh(
            row=dict(region_code=street.code, area_type="urban" if urban else "rural",
                     address=self.address(street, urban),
                     lat=round(street.lat + rng.gauss(0, sd), 5), lon=round(street.lon + rng.gauss(0, sd * 1.3), 5),
                     near_relative_of_staff=rng.random() < 0.01, only_child_deceased=kind == "bereaved", version=1),
            area=area, urban=urban, kind=kind,
        )
        index = len(self.households)
        self.households.append(hh)
        mongolian = rng.random() < AREA_PROFILES[area].mongolian_share
        family = self.surname(mongolian)

        def add(age: int, sex: str, relation: str, reason: str, surname: str | None = None, **extra: Any) -> int:
            return self.add_person(index, age, sex, relation, reason, surname or family, mongolian, **extra)

        other_sex = {"M": "F", "F": "M"}
        if kind == "elderly_alone":
            sex = "F" if rng.random() < 0.62 else "M"  # widows outnumber widowers
            add(rng.choices(range(60, 96), weights=[max(1, 96 - a) for a in range(60, 96)])[0], sex, "head", "head",
                lives_alone=True)
        elif kind == "elderly_couple":
            age = rng.randint(60, 88)
            add(age, "M", "head", "head")
            add(max(55, age - rng.randint(0, 5)), "F", "spouse", "spouse", self.surname(mongolian))
        elif kind == "single_adult":
            add(rng.randint(22, 59), rng.choice("MF"), "head", "head")
        elif kind == "couple":
            age = rng.randint(24, 59)
            add(age, "M", "head", "head")
            add(max(20, age - rng.randint(0, 4)), "F", "spouse", "spouse", self.surname(mongolian))
        elif kind in ("family", "three_generation"):
            father = rng.randint(26, 52)
            mother = max(22, father - rng.randint(0, 4))
            add(father, "M", "head", "head")
            add(mother, "F", "spouse", "spouse", self.surname(mongolian))
            for _ in range(rng.choices((1, 2, 3), weights=(60, 35, 5))[0]):
                age = rng.randint(0, min(24, mother - 20))
                child = add(age, rng.choice("MF"), "child", "minor_child" if age < 18 else "adult_dependent_child")
                if age < 18:
                    self.people[child].row.update(father_status="present", mother_status="present")
            if kind == "three_generation":
                grand = min(95, father + rng.randint(24, 32))
                add(grand, "M", "parent", "co_resident_supporter")
                if rng.random() < 0.7:
                    add(max(60, grand - rng.randint(0, 4)), "F", "parent", "co_resident_supporter",
                        self.surname(mongolian))
        elif kind == "single_parent":
            sex = "F" if rng.random() < 0.75 else "M"
            parent = rng.randint(25, 50)
            add(parent, sex, "head", "head")
            # the other parent: divorced and living elsewhere, dead, missing or in prison
            absent = rng.choices(("present", "deceased", "missing", "imprisoned"), weights=(55, 30, 10, 5))[0]
            for _ in range(rng.choices((1, 2), weights=(75, 25))[0]):
                age = rng.randint(0, min(17, parent - 20))
                child = add(age, rng.choice("MF"), "child", "minor_child")
                statuses = ("present", absent) if sex == "M" else (absent, "present")
                self.people[child].row.update(father_status=statuses[0], mother_status=statuses[1])
        elif kind == "left_behind":
            self.make_left_behind(mongolian, add)
        elif kind == "bereaved":
            father = rng.randint(52, 75)
            if rng.random() < 0.8:
                add(father, "M", "head", "head")
                add(max(50, father - rng.randint(0, 4)), "F", "spouse", "spouse", self.surname(mongolian))
            else:  # one parent left after the other also died or the couple split up
                add(father, rng.choice("MF"), "head", "head", lives_alone=father >= 60)
        elif kind == "disabled_adult":
            parent = rng.randint(50, 80)
            sex = rng.choice("MF")
            add(parent, sex, "head", "head")
            if rng.random() < 0.6:
                add(parent - rng.randint(0, 4), other_sex[sex], "spouse", "spouse", self.surname(mongolian))
            child = add(rng.randint(18, max(18, parent - 22)), rng.choice("MF"), "child", "adult_dependent_child",
                        force_disability=True)
            self.people[child].row["labour_capacity"] = "none"

    def make_left_behind(self, mongolian: bool, add: Any) -> None:
        """Parents away working (hukou still here), children under 16 living with grandparents."""
        rng = self.rng
        father = rng.randint(27, 45)
        mother = max(23, father - rng.randint(0, 4))
        both_away = rng.random() < 0.8
        add(father, "M", "head", "head", away=True)
        mother_index = add(mother, "F", "spouse", "spouse", self.surname(mongolian), away=both_away)
        if not both_away:
            # the mother stays but has no guardianship capacity (S9 §1): seriously ill or disabled
            self.people[mother_index].row.update(labour_capacity="none", serious_illness=True,
                                                 employment="unemployed", union_member=False)
        grandpa_age = min(85, father + rng.randint(22, 32))
        grandpa = add(grandpa_age, "M", "parent", "co_resident_supporter")
        grandma = None
        if rng.random() < 0.75:
            grandma = add(max(55, grandpa_age - rng.randint(0, 4)), "F", "parent", "co_resident_supporter",
                          self.surname(mongolian))
        carer = grandma if grandma is not None else grandpa
        for _ in range(rng.choices((1, 2, 3), weights=(55, 38, 7))[0]):
            age = rng.randint(2, min(15, mother - 18))
            child = add(age, rng.choice("MF"), "child", "minor_child")
            person = self.people[child]
            person.guardian = carer
            person.row.update(father_status="away_working",
                              mother_status="away_working" if both_away else "unable")

    def add_person(self, hh: int, age: int, sex: str, relation: str, reason: str, surname: str, mongolian: bool,
                   *, lives_alone: bool = False, away: bool = False, force_disability: bool = False) -> int:
        rng = self.rng
        household = self.households[hh]
        # the ID's address code is the person's area: the demo has no one who moved in
        number = self.id_number(household.area, age, sex)
        # Birth date and sex come from the number, never from what we meant to draw (domain-rules §12.2).
        parsed = parse_id_number(number, today=self.today)
        urban = household.urban
        languages = ["zh"]
        if mongolian:
            # some of the oldest Mongolian speakers in Dorbod speak little Mandarin
            languages = ["mn"] if age >= 75 and household.area == "230624" and rng.random() < 0.4 else ["zh", "mn"]
        row: dict[str, Any] = dict(
            name=self.name(surname, parsed.sex, age, mongolian), id_number=parsed.number,
            birth_date=parsed.birth_date, sex=parsed.sex, phone=None, relation=relation, included=True,
            inclusion_reason=reason, labour_capacity="full", student_level="none", employment="never",
            union_member=False, serious_illness=False, contracted_land=False, lives_alone=lives_alone,
            father_status=None, mother_status=None, languages=languages, deceased_on=None,
        )
        if age >= 18 and rng.random() < (0.7 if age >= 70 else 0.93):
            row["phone"] = self.phone()
        # school
        if 3 <= age <= 5:
            row["student_level"] = "preschool" if rng.random() < 0.85 else "none"
        elif 6 <= age <= 14:
            row["student_level"] = "compulsory"
        elif 15 <= age <= 17:
            row["student_level"] = rng.choices(("high_school", "vocational", "none"), weights=(60, 30, 10))[0]
        elif 18 <= age <= 22 and relation == "child" and reason == "adult_dependent_child" and not force_disability:
            row["student_level"] = rng.choices(("undergraduate", "vocational"), weights=(65, 35))[0]
        # work
        if age < 16:
            row["labour_capacity"] = "none"
        elif age >= 60:
            row["labour_capacity"] = "none" if age >= 70 or rng.random() < 0.5 else "partial"
        if away:
            row["employment"] = "employed"
        elif age >= 18 and row["student_level"] == "none":
            retire_age = 60 if parsed.sex == "M" else 50
            if age >= retire_age and urban and rng.random() < 0.75:
                row["employment"] = "retired"
            elif age >= 60:
                row["employment"] = "never"  # farmers and people who never had insured work
            else:
                row["employment"] = rng.choices(("employed", "unemployed", "never"), weights=(62, 30, 8))[0]
        if urban and row["employment"] in ("employed", "retired"):
            row["union_member"] = rng.random() < (0.65 if row["employment"] == "employed" else 0.45)
        if not urban and age >= 18:
            row["contracted_land"] = rng.random() < 0.85
        if age >= 18 and rng.random() < (0.12 if age >= 60 else 0.04):
            row["serious_illness"] = True
            if row["labour_capacity"] == "full":
                row["labour_capacity"] = "partial"
        row["_away"] = away
        disability = _disability_for(rng, age, force_disability)
        if disability:
            row["_category"], row["_grade"] = disability
            if disability[1] <= 2 and age >= 16:
                row["labour_capacity"] = "none"
        self.people.append(_Person(hh, row, age, mongolian=mongolian))
        household.members.append(len(self.people) - 1)
        return len(self.people) - 1


def _disability_for(rng: random.Random, age: int, forced: bool) -> tuple[int, int] | None:
    """Category and grade, or None; prevalence rises with age (about 6 % overall)."""
    odds = 0.025 if age < 18 else 0.045 if age < 60 else 0.11
    if not forced and rng.random() >= odds:
        return None
    category = _weighted(rng, list(DISABILITY_CATEGORY_WEIGHTS.items()))
    if forced:
        # adults who cannot live on their own: mostly intellectual, mental or severe physical
        category = rng.choices((4, 5, 6, 7), weights=(30, 30, 25, 15))[0]
        grade = rng.choices((1, 2, 3), weights=(35, 40, 25))[0]
    else:
        grade = _weighted(rng, list(DISABILITY_GRADE_WEIGHTS.items()))
    return category, grade


def seed_demo(session: Session, *, households: int = 3000, seed: int = 20201,
              today: dt.date | None = None, boards: Any = None) -> DemoSummary:
    """Fill an initialised database with a synthetic Daqing data set and one login per role.

    Does nothing but report (and list the logins) if any household already exists.
    ``today`` anchors ages and dates; pass it to reproduce a data set exactly on
    another day. With ``boards`` (the platform's board host) about one household in fifty
    also gets a case, opened and moved through the real casework services to every stage
    from intake to enrolment with payments in the ledger. The caller commits.
    """
    started = time.perf_counter()
    summary = DemoSummary(created=False, seed=seed)
    if session.execute(select(Household.id).limit(1)).first() is not None:
        summary.logins = _describe_logins(session)
        return summary
    if households < 1:
        raise ValueError("households must be at least 1")
    today = today or dt.date.today()
    rng = random.Random(seed)
    b = _Builder(session, rng, today)

    # 1. streets and towns
    street_rows = b.make_streets()
    if street_rows:
        session.execute(_insert(Region), street_rows)
    summary.streets = sum(len(s) for s in b.streets.values())

    # 2. households and members, built in memory
    for kind in b.household_kinds(households):
        b.make_household(kind)
    hh_ids = _bulk_insert(session, Household, [h.row for h in b.households])
    person_rows = []
    for p in b.people:
        row = {k: v for k, v in p.row.items() if not k.startswith("_")}
        row["household_id"] = hh_ids[p.hh]
        person_rows.append(row)
    person_ids = _bulk_insert(session, Person, person_rows)
    guardian_rows = [dict(id=person_ids[i], guardian_id=person_ids[p.guardian])
                     for i, p in enumerate(b.people) if p.guardian is not None]
    if guardian_rows:
        session.execute(update(Person), guardian_rows)

    # 3. certificates, incomes, self-care, supporters; assets and expenditures per household
    details = _make_details(b, person_ids, hh_ids)
    for model, rows in details.items():
        if rows:
            session.execute(_insert(model), rows)

    # 4. care needs, volunteers and continuing assignments
    needs = _make_needs(b)
    volunteers = _make_volunteers(b, needs)
    need_ids = _bulk_insert(session, Need, [_need_row(n, person_ids) for n in needs])
    volunteer_ids = _bulk_insert(session, Volunteer, volunteers)
    assignments = _make_assignments(b, needs, need_ids, volunteers, volunteer_ids)
    if assignments:
        assignment_ids = _bulk_insert(session, Assignment, assignments)
        visits = _make_visits(session, random.Random(seed + 2), today, needs, need_ids, person_ids, assignments,
                              assignment_ids)
        if visits:
            session.execute(_insert(Visit), visits)
        summary.visits = len(visits)
    consents = _make_consents(b, needs, person_ids)
    if consents:
        session.execute(_insert(Consent), consents)

    # 5. logins, last: they need the demo streets, and the volunteer login a Volunteer row
    summary.logins, notes = _create_logins(session, volunteers, volunteer_ids, assignments)
    summary.notes += notes
    session.flush()

    # 6. cases, through the casework services as staff would move them: they need the logins
    if boards is not None:
        summary.cases, summary.payments = _seed_casework(session, boards, today, random.Random(seed + 1),
                                                         max(1, round(len(b.households) * CASE_SHARE)))

    summary.created = True
    summary.households = len(b.households)
    summary.urban_households = sum(h.urban for h in b.households)
    summary.people = len(b.people)
    summary.disability_certificates = len(details[DisabilityCertificate])
    summary.income_items = len(details[IncomeItem])
    summary.assets = len(details[AssetItem])
    summary.expenditures = len(details[ExpenditureItem])
    summary.self_care_assessments = len(details[SelfCareAssessment])
    summary.supporters = len(details[Supporter])
    summary.left_behind_children = sum(1 for p in b.people if p.row["father_status"] == "away_working" and p.age < 16)
    summary.elderly_alone = sum(1 for p in b.people if p.row["lives_alone"] and p.age >= 60)
    summary.bereaved_families = sum(1 for h in b.households if h.kind == "bereaved")
    summary.mongolian_speakers = sum(1 for p in b.people if "mn" in p.row["languages"])
    summary.volunteers = dict(sorted(Counter(v["board"] for v in volunteers).items()))
    summary.needs = dict(sorted(Counter(n["category"] for n in needs).items()))
    summary.assignments = len(assignments)
    summary.seconds = time.perf_counter() - started
    return summary


# What a visit of each care group was about, for the visit log
_VISIT_ACTIVITIES = {
    "left_behind_child": ("陪伴聊天, 辅导作业", "了解学习和生活情况, 一起做手工", "电话询问近况, 提醒按时作息"),
    "elderly_alone": ("上门看望, 帮助打扫卫生", "陪同聊天, 检查用电用气安全", "电话问候, 了解身体状况"),
    "bereaved_family": ("上门慰问, 倾听交流", "陪同散步, 了解近期心理状况", "电话慰问"),
}


def _make_visits(session: Session, rng: random.Random, today: dt.date, needs: list[dict[str, Any]],
                 need_ids: list[int], person_ids: list[int], assignments: list[dict[str, Any]],
                 assignment_ids: list[int]) -> list[dict[str, Any]]:
    """Visits of the continuing pairs at their need's cadence since they started: four in five
    pairs are up to date, the others stopped visiting a while ago (the overdue-visit warnings)."""
    from core.casework.calendar import WorkingCalendar
    from core.volunteering.services import RECORD_WITHIN_WORKING_DAYS

    calendar = WorkingCalendar.load(session)
    need_of = {need_id: need for need_id, need in zip(need_ids, needs)}
    rows: list[dict[str, Any]] = []
    for assignment, assignment_id in zip(assignments, assignment_ids):
        need = need_of[assignment["need_id"]]
        every = need["visit_every_days"]
        last_day = today if rng.random() < 0.8 else today - dt.timedelta(days=every * rng.randint(2, 4))
        day = assignment["started_on"] + dt.timedelta(days=rng.randint(1, 5))
        while day <= last_day - dt.timedelta(days=1):
            mode = rng.choices(("home", "phone", "video"), weights=(75, 20, 5))[0]
            rows.append(dict(
                assignment_id=assignment_id, volunteer_id=assignment["volunteer_id"],
                person_id=person_ids[need["_p"]], visited_on=day, mode=mode,
                minutes=rng.choice((30, 45)) if mode != "home" else rng.choice((60, 90, 120)),
                activities=_VISIT_ACTIVITIES[need["category"]][2 if mode != "home" else rng.randint(0, 1)],
                person_state=rng.choices(("well", "stable", "worse"), weights=(55, 40, 5))[0], state_note="",
                record_due_on=calendar.add_working_days(day, RECORD_WITHIN_WORKING_DAYS), confirmation="confirmed",
                confirmed_by=None, confirmed_at=None, recorded_by=None,
                recorded_at=dt.datetime.combine(day, dt.time(20, 0), tzinfo=dt.timezone.utc),
            ))
            day += dt.timedelta(days=max(1, every + rng.randint(-2, 2)))
    return rows


# --------------------------------------------------------------------------------------
# Casework: cases at every stage, moved through the real services
# --------------------------------------------------------------------------------------

CASE_SHARE = 0.02  # households that get a case: 60 of the default 3,000
# (programme, the demo login of its board, share of the cases)
_CASE_PROGRAMMES = (("civil_affairs.dibao", "civil", 0.6), ("disabled_federation.living_subsidy", "disabled", 0.2),
                    ("trade_union.hardship_relief", "union", 0.2))
# the n-th case of a board reaches this stage (cycled): every stage among a board's first five,
# then most are enrolled
_CASE_STAGES = ("enrolled", "received", "in_review", "in_notice", "joint_review", "enrolled", "enrolled",
                "in_review", "enrolled", "enrolled")
_DAYS_AGO = {"enrolled": (70, 130), "joint_review": (16, 25), "in_notice": (6, 9), "in_review": (2, 5),
             "received": (0, 2)}


def _seed_casework(session: Session, boards: Any, today: dt.date, rng: random.Random,
                   target: int) -> tuple[dict[str, int], int]:
    """Open ``target`` cases for households the engine finds eligible and move each to its stage;
    returns (cases by stage, payments). Everything goes through core.casework, so the case
    pages, deadlines, notices, joint-review minutes and the ledger are what staff would see."""
    from core import assessing
    from core.casework import notice as public_notice
    from core.casework import services as cw
    from core.casework.calendar import first_of_next_month

    users = {u.username: u for u in session.scalars(
        select(User).where(User.username.in_(["civil", "disabled", "union", "reviewer"])))}
    enabled = cw.enabled_boards(session)
    if "reviewer" not in users:
        return {}, 0
    quota = {key: max(1, round(target * share)) for key, username, share in _CASE_PROGRAMMES
             if username in users and key.split(".")[0] in enabled}
    ids = list(session.scalars(select(Household.id).order_by(Household.id)))
    rng.shuffle(ids)
    login_of = {key: username for key, username, _ in _CASE_PROGRAMMES}
    # (household, programme, stage, day received, finding): eligible on the day the pre-check will run
    chosen: list[tuple[int, str, str, dt.date, Any]] = []
    seen: Counter[str] = Counter()
    for household_id in ids:
        if not any(quota.values()):
            break
        for key, left in quota.items():
            if not left:
                continue
            stage = _CASE_STAGES[seen[key] % len(_CASE_STAGES)]
            low, high = _DAYS_AGO[stage]
            received = today - dt.timedelta(days=rng.randint(low, high))
            result = assessing.assess_household(session, boards, household_id, received + dt.timedelta(days=1))
            finding = next((f for f in result.findings if f.programme_key == key), None)
            if finding is not None and finding.status == "eligible" and finding.benefit is not None:
                chosen.append((household_id, key, stage, received, finding))
                quota[key] -= 1
                seen[key] += 1
                break
    stages: Counter[str] = Counter()
    payments = 0
    catalogue = cw.programmes(boards, enabled)
    for household_id, key, stage, received, finding in chosen:
        staff, board = users[login_of[key]], key.split(".")[0]
        subject = session.scalar(select(Person.id).where(Person.household_id == household_id).order_by(Person.id))
        case = cw.open_case(session, staff, board=board, channel="application", received_on=received,
                            household_id=household_id, subject_id=subject, summary="本人申请, 生活困难 (demo)")
        stages[stage] += 1
        if stage == "received":
            continue
        cw.record_pre_check(session, staff, case.id, boards, received + dt.timedelta(days=1))
        cw.record_impact_assessment(session, staff, case.id, level=rng.choice(["high", "medium"]),
                                    notes="家庭收入低于标准, 生活困难", on=received + dt.timedelta(days=2))
        if stage == "in_review":
            continue
        cw.record_home_visit(session, staff, case.id, visited_on=received + dt.timedelta(days=3),
                             investigators=["王敏", "刘洋"], findings="入户核实, 情况属实",
                             investigators_signed=True, household_signed=True)
        cw.record_document_check(session, staff, case.id, boards, notes="材料齐全", on=received + dt.timedelta(days=4),
                                 present={item["key"]: True for item in cw.document_checklist(case, catalogue)})
        submitted = received + dt.timedelta(days=4)
        if public_notice.notice_required(session, case):
            amount = finding.benefit.monthly_fen or finding.benefit.one_off_fen
            public_notice.post_public_notice(session, staff, case.id, location="社区公示栏", starts_on=submitted,
                                             amount_fen=amount)
            submitted += dt.timedelta(days=7)  # S2 Art. 19: posted for 7 days before submission
        if stage == "in_notice":
            continue
        cw.submit_for_joint_review(session, staff, case.id, submitted)
        if stage == "joint_review":
            continue
        cw.hold_joint_review(session, users["reviewer"], held_on=submitted + dt.timedelta(days=3),
                             members=[{"name": "王主任", "board": "civil_affairs"},
                                      {"name": "赵部长", "board": "trade_union"},
                                      {"name": "孙理事", "board": "disabled_federation"}],
                             minutes="逐户审议, 一致同意", decisions=[cw.DecisionInput(case.id, "include",
                                                                              "符合条件, 同意纳入", [board])])
        measure = cw.add_material_measure(session, staff, case.id, boards, programme_key=key)
        # paid every month since the month after approval (S2 Art. 21), or once for a one-off benefit
        months = []
        month = measure.start_month
        while month <= today:
            months.append(month)
            month = first_of_next_month(month)
        amount = measure.monthly_fen or measure.one_off_fen
        for month in (months if measure.monthly_fen else months[:1]) if amount else ():
            cw.record_payment(session, staff, measure.id, month=month, amount_fen=amount)
            payments += 1
    session.flush()
    return dict(stages), payments


# --------------------------------------------------------------------------------------
# Details: certificates, incomes, assets, expenditures, self-care, supporters
# --------------------------------------------------------------------------------------


def _past_date(rng: random.Random, today: dt.date, min_days: int, max_days: int) -> dt.date:
    return today - dt.timedelta(days=rng.randint(min_days, max_days))


def _make_details(b: _Builder, person_ids: list[int], hh_ids: list[int]) -> dict[type, list[dict[str, Any]]]:
    rng, today = b.rng, b.today
    out: dict[type, list[dict[str, Any]]] = {
        DisabilityCertificate: [], IncomeItem: [], AssetItem: [], ExpenditureItem: [],
        SelfCareAssessment: [], Supporter: [],
    }
    certs, incomes, self_care, supporters = (out[DisabilityCertificate], out[IncomeItem],
                                             out[SelfCareAssessment], out[Supporter])

    def income(pid: int, category: str, yuan: float, description: str, *, exempt: str | None = None,
               cost: float = 0) -> None:
        incomes.append(dict(person_id=pid, category=category, description=description, monthly_fen=_fen(yuan),
                            employment_cost_fen=_fen(cost), exempt_reason=exempt,
                            valid_from=_past_date(rng, today, 30, 700), valid_to=None))

    for i, p in enumerate(b.people):
        pid, row, age = person_ids[i], p.row, p.age
        hh = b.households[p.hh]
        # disability certificate: number = ID number + category + grade (domain-rules §8.3)
        if row.get("_grade"):
            category, grade = row["_category"], row["_grade"]
            issued = _past_date(rng, today, 60, 3000)
            certs.append(dict(person_id=pid, number=f"{row['id_number']}{category}{grade}", category=category,
                              grade=grade, issued_on=issued, valid_until=issued + dt.timedelta(days=3652)))
            # 困难残疾人生活补贴 / 重度残疾人护理补贴 are not counted as income
            if grade <= 2 or rng.random() < 0.3:
                income(pid, "transfer", rng.choice((80, 100, 120)) if grade > 2 else rng.choice((100, 150, 200)),
                       "残疾人两项补贴", exempt="disability_subsidy")
        # earned and other incomes
        employment = row["employment"]
        if employment == "employed":
            if not hh.urban and not row["_away"] and rng.random() < 0.8:
                # farming is 经营净收入 (business) for rural households
                income(pid, "business", rng.randint(700, 2600), "种植/养殖经营净收入")
            else:
                wage = max(1860, rng.lognormvariate(math.log(3300), 0.35))  # above HLJ's minimum wage
                income(pid, "wage", wage, "外出务工工资" if row["_away"] else "工资性收入",
                       cost=rng.choice((0, 0, 100, 150, 200)))
        elif employment == "unemployed":
            if rng.random() < 0.25:
                income(pid, "transfer", rng.randint(1300, 1700), "失业保险金")
            if rng.random() < 0.5:
                income(pid, "other", rng.randint(300, 1200), "零星劳务收入")
        elif employment == "retired":
            income(pid, "transfer", rng.randint(2300, 4600), "基本养老金")
        if age >= 60 and employment != "retired":
            income(pid, "transfer", rng.randint(140, 260), "城乡居民基础养老金")
        if row["contracted_land"] and rng.random() < 0.5:
            income(pid, "property", rng.randint(150, 700), "土地流转租金")
        if hh.urban and age >= 30 and rng.random() < 0.05:
            income(pid, "property", rng.randint(400, 1500), "房屋出租收入")
        if row["student_level"] in ("high_school", "vocational", "undergraduate") and rng.random() < 0.35:
            income(pid, "transfer", rng.choice((167, 200, 250, 333)), "国家助学金", exempt="scholarship")
        if hh.kind == "bereaved" and row["relation"] in ("head", "spouse"):
            income(pid, "transfer", rng.choice((500, 600, 700)), "计划生育特别扶助金",
                   exempt="family_planning_special_assistance")
        if row["lives_alone"] and rng.random() < 0.5:
            income(pid, "transfer", rng.randint(200, 800), "子女赡养费")
        if rng.random() < 0.01 and age >= 18:
            income(pid, "other", rng.randint(500, 3000), "见义勇为奖金", exempt="award")
        # self-care assessment (S6 Art. 20-23) for some older people, more often the frail
        frail = row.get("_grade", 9) <= 2 or row["serious_illness"]
        if age >= 60 and rng.random() < (0.7 if frail or age >= 80 else 0.15):
            fail_odds = 0.05 + (0.25 if frail else 0) + (0.15 if age >= 80 else 0)
            items = {k: rng.random() >= fail_odds for k in
                     ("eating", "dressing", "transferring", "toileting", "walking_indoors", "bathing")}
            if not items["walking_indoors"]:
                items["bathing"] = False  # who cannot walk indoors cannot bathe alone
            self_care.append(dict(person_id=pid, assessed_on=_past_date(rng, today, 10, 700),
                                  assessor=rng.choice(("县民政局", "第三方评估机构", "区民政局")), **items))
        # legal supporters for older people: their children living elsewhere
        if age >= 60 and (row["lives_alone"] or hh.kind in ("elderly_couple", "elderly_alone")) \
                and row["relation"] == "head":
            n_children = rng.choices((0, 1, 2, 3), weights=(22, 35, 30, 13))[0]
            for _ in range(n_children):
                able = rng.random() < 0.75
                supporters.append(dict(
                    person_id=pid, name=b.name(row["name"][0], rng.choice("MF"), age - 28, p.mongolian),
                    relationship_kind="child", able=able,
                    unable_reason=None if able else rng.choice(
                        ("severe_disability", "dibao_household", "tekun", "imprisoned", "missing"))))
        if hh.kind == "bereaved" and row["relation"] == "head" and rng.random() < 0.5:
            supporters.append(dict(person_id=pid, name=b.name(b.surname(p.mongolian), rng.choice("MF"), age - 3,
                                                              p.mongolian),
                                   relationship_kind="sibling", able=rng.random() < 0.6, unable_reason=None))

    for h_index, hh in enumerate(b.households):
        hid = hh_ids[h_index]
        members = [b.people[i] for i in hh.members]
        # assets: most have some savings; urban households often own their flat
        if rng.random() < 0.85:
            out[AssetItem].append(dict(household_id=hid, kind="deposit", description="银行存款",
                                       value_fen=_fen(rng.choice((0.2, 0.5, 1, 2, 4)) * rng.randint(1000, 15000)),
                                       exempt=False))
        if hh.urban and rng.random() < 0.7:
            out[AssetItem].append(dict(household_id=hid, kind="house", description="唯一住房",
                                       value_fen=_fen(rng.randint(12, 60) * 10000), exempt=True))
        elif not hh.urban:
            out[AssetItem].append(dict(household_id=hid, kind="house", description="农村自建房",
                                       value_fen=_fen(rng.randint(3, 12) * 10000), exempt=True))
        if rng.random() < 0.1:
            disabled = any(m.row.get("_grade") for m in members)
            out[AssetItem].append(dict(household_id=hid, kind="vehicle",
                                       description="残疾人代步车" if disabled else "家用轿车",
                                       value_fen=_fen(rng.randint(1, 9) * 10000), exempt=disabled))
        if rng.random() < 0.03:
            out[AssetItem].append(dict(household_id=hid, kind="securities", description="股票基金",
                                       value_fen=_fen(rng.randint(5, 80) * 1000), exempt=False))
        # rigid expenditure over the last 12 months (S5 Art. 5)
        def spend(kind: str, yuan: float, description: str) -> None:
            out[ExpenditureItem].append(dict(household_id=hid, kind=kind, description=description,
                                             amount_fen=_fen(yuan), incurred_on=_past_date(rng, today, 5, 360)))

        if any(m.row["serious_illness"] for m in members) or rng.random() < 0.15:
            spend("medical", rng.randint(3, 80) * 1000, "自付医疗费用")
        if any(m.row.get("_grade") for m in members) and rng.random() < 0.6:
            spend("rehabilitation", rng.randint(2, 30) * 1000, "康复训练及辅具")
        for m in members:
            if m.row["student_level"] in ("high_school", "vocational", "undergraduate"):
                spend("education", rng.randint(3, 12) * 1000 if m.row["student_level"] != "high_school"
                      else rng.randint(1, 4) * 1000, "学费及住宿费")
        if rng.random() < 0.05:
            spend("other", rng.randint(1, 10) * 1000, "意外事故支出")
    return out


# --------------------------------------------------------------------------------------
# Care needs, volunteers, assignments
# --------------------------------------------------------------------------------------


def _pick_slots(rng: random.Random, pool: Sequence[str], low: int, high: int) -> list[str]:
    return sorted(rng.sample(list(pool), min(len(pool), rng.randint(low, high))), key=ALL_SLOTS.index)


# What the demo's coordinators asked for, as the need types the care boards register
# (register_need_types): the match-run pages and the volunteers' cards name them.
_LEFT_BEHIND_NEED = {"psych_support": "youth_league.psych_counselling", "homework_help": "youth_league.tutoring",
                     "companionship": "youth_league.companionship"}


def _registered_need_type(board: str, category: str, activity: str, sex: str) -> str:
    if category == "left_behind_child":
        return _LEFT_BEHIND_NEED[activity] if board == "youth_league" else "womens_federation.proxy_mother"
    if category == "bereaved_family":
        return "womens_federation.bereaved_family_comfort"
    if board == "youth_league":
        return "youth_league.elderly_visit"
    return "womens_federation.elderly_women_alone" if sex == "F" else "womens_federation.elderly_visit"


def _make_needs(b: _Builder) -> list[dict[str, Any]]:
    """Approved needs of the three care groups; ``_p`` is the local person index, ``_area`` its area."""
    rng = b.rng
    needs: list[dict[str, Any]] = []

    def add(p_index: int, board: str, need_type: str, category: str, risk: int, skills: list[str],
            slots: list[str], **extra: Any) -> None:
        p = b.people[p_index]
        hh = b.households[p.hh]
        languages: list[str] = []
        language_hard = False
        if "mn" in p.row["languages"]:
            languages = ["mn"]
            # a monolingual speaker needs a Mongolian-speaking volunteer; in Dorbod some older
            # bilingual people ask for one too, elsewhere it is a preference
            language_hard = p.row["languages"] == ["mn"] or (
                hh.area == "230624" and p.age >= 55 and rng.random() < 0.5)
        needs.append(dict(
            _p=p_index, _area=hh.area, _street=hh.row["region_code"], _lat=hh.row["lat"], _lon=hh.row["lon"],
            board=board, need_type=_registered_need_type(board, category, need_type, p.row["sex"]), category=category, risk=risk, required_skills=skills,
            needs_background_check=p.age < 18, gender_pref=extra.get("gender_pref"),
            gender_hard=extra.get("gender_hard", False), languages=languages, language_hard=language_hard,
            slots=slots, volunteers_needed=extra.get("volunteers_needed", 1),
            visit_every_days={3: 7, 2: 14, 1: 30}[risk], status="approved",
        ))

    for hh in b.households:
        if hh.kind == "left_behind":
            for i in hh.members:
                p = b.people[i]
                if p.age >= 16 or p.row["father_status"] != "away_working" or rng.random() >= 0.8:
                    continue
                risk = rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
                if p.row["mother_status"] == "unable" and risk < 3 and rng.random() < 0.5:
                    risk += 1
                if risk == 3 and rng.random() < 0.5:
                    need_type, skills = "psych_support", ["psych_counselling"]
                elif p.age >= 6 and rng.random() < 0.5:
                    need_type, skills = "homework_help", ["tutoring"]
                else:
                    need_type, skills = "companionship", ["child_care"]
                pref = "F" if p.row["sex"] == "F" and p.age >= 12 and rng.random() < 0.4 else None
                board = "youth_league" if rng.random() < 0.85 else "womens_federation"
                slots = _pick_slots(rng, WEEKEND + WEEKDAY_EVENINGS, 2, 4)
                add(i, board, need_type, "left_behind_child", risk, skills, slots, gender_pref=pref)
        elif hh.kind == "bereaved":
            parents = [i for i in hh.members if b.people[i].row["relation"] in ("head", "spouse")]
            mothers = [i for i in parents if b.people[i].row["sex"] == "F"]
            subject = mothers[0] if mothers else parents[0]
            risk = rng.choices((1, 2, 3), weights=(15, 45, 40))[0]
            skills = ["grief_counselling"] if risk >= 2 and rng.random() < 0.7 else ["companionship"]
            team = 2 if risk == 3 and rng.random() < 0.5 else 1
            female = b.people[subject].row["sex"] == "F"
            add(subject, "womens_federation", "grief_support" if "grief_counselling" in skills else "home_visit",
                "bereaved_family", risk, skills, _pick_slots(rng, ALL_SLOTS, 2, 5), volunteers_needed=team,
                gender_pref="F" if female and rng.random() < 0.4 else None)
        for i in hh.members:
            p = b.people[i]
            if not (p.row["lives_alone"] and p.age >= 60) or hh.kind == "bereaved" or rng.random() >= 0.65:
                continue
            grade = p.row.get("_grade", 9)
            risk = 1 + (p.age >= 80) + (p.row["serious_illness"] or grade <= 2)
            if rng.random() < 0.15:
                risk = min(3, risk + 1)
            if p.row.get("_category") == 2 and grade <= 2:
                need_type, skills = "home_visit", ["sign_language"]
            elif p.row["serious_illness"] and rng.random() < 0.5:
                need_type, skills = "health_check", ["elder_care", "medical"]
            elif risk == 3 and rng.random() < 0.3:
                need_type, skills = "psych_support", ["psych_counselling"]
            else:
                need_type, skills = "home_visit", [rng.choice(("elder_care", "companionship"))]
            female = p.row["sex"] == "F"
            # the Women's Federation's programme is for elderly women; men are the Youth League's
            board = ("womens_federation" if rng.random() < 0.85 else "youth_league") if female else \
                ("youth_league" if rng.random() < 0.7 else "womens_federation")
            pref, hard = None, False
            if female and rng.random() < 0.5:
                pref, hard = "F", rng.random() < 0.2
            add(i, board, need_type, "elderly_alone", risk, skills,
                _pick_slots(rng, WEEKDAY_DAYTIME + ("sat_am", "sun_am"), 2, 5), gender_pref=pref, gender_hard=hard)
    return needs


def _need_row(need: dict[str, Any], person_ids: list[int]) -> dict[str, Any]:
    row = {k: v for k, v in need.items() if not k.startswith("_")}
    row["person_id"] = person_ids[need["_p"]]
    return row


def _make_consents(b: _Builder, needs: list[dict[str, Any]], person_ids: list[int]) -> list[dict[str, Any]]:
    """Consent to share a visit's details with volunteers (PIPL Art. 23) for most people in care;
    a minor's comes from the guardian (Art. 31). About one in ten has none yet, so the
    demo also shows what a volunteer sees without it."""
    rows: list[dict[str, Any]] = []
    for index in sorted({need["_p"] for need in needs}):
        if b.rng.random() < 0.1:
            continue
        person = b.people[index]
        row = {"person_id": person_ids[index], "kind": "share_with_volunteers", "legal_basis": "consent",
               "given_on": b.today - dt.timedelta(days=b.rng.randint(10, 300)), "note": "演示数据 (demo)"}
        if person.age < 18:
            guardian = person.guardian
            row.update(given_by="guardian",
                       guardian_person_id=person_ids[guardian] if guardian is not None else None,
                       guardian_name="" if guardian is not None else "监护人")
        else:
            row["given_by"] = "self"
        rows.append(row)
    return rows


def _make_volunteers(b: _Builder, needs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """About one volunteer per 2–3 care places, per area and board, so matching has slack and shortages."""
    rng = b.rng
    demand: Counter[tuple[str, str]] = Counter()
    # volunteers are recruited where the need is: one street per care place, to draw from
    need_streets: dict[tuple[str, str], list[str]] = defaultdict(list)
    for need in needs:
        demand[(need["_area"], need["board"])] += need["volunteers_needed"]
        need_streets[(need["_area"], need["board"])].append(need["_street"])
    volunteers: list[dict[str, Any]] = []
    for area in AREA_CODES:
        for board in CARE_BOARDS:
            places = demand[(area, board)]
            count = max(1, round(places / rng.uniform(2.0, 3.0))) if places else 0
            for _ in range(count):
                volunteers.append(_volunteer(b, area, board, need_streets[(area, board)]))
    for board in CARE_BOARDS:  # a tiny demo still shows both care boards
        if not any(v["board"] == board for v in volunteers):
            volunteers.append(_volunteer(b, AREA_CODES[0], board, []))
    return volunteers


def _volunteer(b: _Builder, area: str, board: str, near: list[str]) -> dict[str, Any]:
    """One volunteer of ``board`` living in ``area``, on one of the ``near`` streets when given."""
    rng, today = b.rng, b.today
    if board == "youth_league":
        age = rng.choices((rng.randint(18, 24), rng.randint(25, 35), rng.randint(36, 55)), weights=(50, 35, 15))[0]
        sex = "F" if rng.random() < 0.55 else "M"
    else:
        age = rng.randint(25, 66)
        sex = "F" if rng.random() < 0.88 else "M"
    mongolian = area == "230624" and rng.random() < 0.3
    number = b.id_number(area, age, sex)
    parsed = parse_id_number(number, today=today)
    streets = {s.code: s for s in b.streets[area]}
    street = streets[rng.choice(near)] if near and rng.random() < 0.8 else rng.choice(b.streets[area])
    skills = [s for s, odds in SKILL_ODDS[board].items() if rng.random() < odds] or ["companionship"]
    skills.sort(key=SKILLS.index)
    if age <= 24:  # students: evenings and weekends
        slots = _pick_slots(rng, WEEKDAY_EVENINGS + WEEKEND, 3, 7)
    elif age >= 55:  # retirees: weekday daytime
        slots = _pick_slots(rng, WEEKDAY_DAYTIME + WEEKEND[:2], 3, 8)
    else:
        slots = _pick_slots(rng, ALL_SLOTS, 3, 8)
    check = rng.choices(("valid", "expired", "never"), weights=(72, 13, 15) if board == "youth_league"
                        else (60, 15, 25))[0]
    checked_on = (None if check == "never" else
                  _past_date(rng, today, 5, 360) if check == "valid" else _past_date(rng, today, 380, 900))
    state = rng.choices(("active", "approved", "applied", "paused", "left"), weights=(85, 5, 4, 4, 2))[0]
    return dict(
        user_id=None, board=board, name=b.name(b.surname(mongolian), parsed.sex, age, mongolian),
        id_number=parsed.number, birth_date=parsed.birth_date, sex=parsed.sex, phone=b.phone(),
        region_code=street.code, lat=round(street.lat + rng.gauss(0, 0.01), 5),
        lon=round(street.lon + rng.gauss(0, 0.013), 5), skills=skills,
        languages=["zh", "mn"] if mongolian else ["zh"], slots=slots, capacity=rng.choices((1, 2, 3, 4),
                                                                                           weights=(25, 35, 25, 15))[0],
        max_km=float(rng.choice((5, 8, 10, 12, 15, 20))), background_checked_on=checked_on,
        background_check_clear=check != "never", state=state,
    )


def _check_valid(volunteer: dict[str, Any], today: dt.date) -> bool:
    checked = volunteer["background_checked_on"]
    return bool(volunteer["background_check_clear"] and checked and (today - checked).days <= 365)


def _allowed(need: dict[str, Any], v: dict[str, Any], today: dt.date) -> bool:
    """The matcher's hard rules (spec/matching.md, rules 1–6) for a continuing pair."""
    if v["state"] != "active" or v["board"] != need["board"]:
        return False
    if not set(need["required_skills"]) <= set(v["skills"]):
        return False
    if need["needs_background_check"] and not _check_valid(v, today):
        return False
    if _haversine_km(need["_lat"], need["_lon"], v["lat"], v["lon"]) > min(v["max_km"], TRAVEL_CAP_KM):
        return False
    if not set(need["slots"]) & set(v["slots"]):
        return False
    if need["gender_hard"] and need["gender_pref"] and v["sex"] != need["gender_pref"]:
        return False
    if need["language_hard"] and need["languages"] and not set(need["languages"]) & set(v["languages"]):
        return False
    return True


def _make_assignments(b: _Builder, needs: list[dict[str, Any]], need_ids: list[int],
                      volunteers: list[dict[str, Any]], volunteer_ids: list[int]) -> list[dict[str, Any]]:
    """Accepted pairs from earlier rounds (continuity) for up to 45 % of needs, all feasible."""
    rng, today = b.rng, b.today
    load = [0] * len(volunteers)
    by_area: dict[str, list[int]] = defaultdict(list)
    for j, v in enumerate(volunteers):
        by_area[v["region_code"][:6]].append(j)
    rows = []
    for n_index, need in enumerate(needs):
        if rng.random() >= 0.45:
            continue
        team = need["volunteers_needed"]
        candidates = [j for j in by_area[need["_area"]]
                      if load[j] < volunteers[j]["capacity"] and _allowed(need, volunteers[j], today)]
        if len(candidates) < team:
            continue
        started = _past_date(rng, today, 20, 330)
        for j in rng.sample(candidates, team):
            load[j] += 1
            rows.append(dict(need_id=need_ids[n_index], volunteer_id=volunteer_ids[j], state="accepted",
                             started_on=started, ended_on=None, note="演示数据: 上一轮结对 (demo: earlier pairing)"))
    return rows


# --------------------------------------------------------------------------------------
# Logins
# --------------------------------------------------------------------------------------


def _create_logins(session: Session, volunteers: list[dict[str, Any]], volunteer_ids: list[int],
                   assignments: list[dict[str, Any]]) -> tuple[list[DemoLogin], list[str]]:
    from core.auth import create_user

    notes: list[str] = []
    existing = {u.username: u for u in session.execute(select(User)).scalars()}
    logins = [_admin_login(existing.get(DEMO_ADMIN.username))]
    for spec in DEMO_LOGINS:
        if spec.username in existing:
            # not checked against the demo password: argon2 costs ~50 ms a try, and the
            # account is the administrator's to manage; a later `carematch demo` run checks
            logins.append(DemoLogin(spec.username, existing[spec.username].role,
                                    existing[spec.username].board, None, "existing"))
            notes.append(f"用户 {spec.username} 已存在, 未创建 (login {spec.username!r} already exists: not created)")
            continue
        user = create_user(session, spec.username, spec.password, role=spec.role, display_name=spec.display_name,
                           board=spec.board, region_code=spec.region_code)
        logins.append(DemoLogin(spec.username, spec.role, spec.board, spec.password, "created"))
        if spec.role == "volunteer":
            index = _volunteer_for_login(volunteers, assignments, volunteer_ids, spec.region_code[:6])
            if index is None:
                notes.append("没有可关联的志愿者 (no volunteer row to link the volunteer login to)")
            else:
                session.execute(update(Volunteer), [dict(id=volunteer_ids[index], user_id=user.id)])
                user.display_name = volunteers[index]["name"]
                user.region_code = volunteers[index]["region_code"]
    return logins, notes


def _volunteer_for_login(volunteers: list[dict[str, Any]], assignments: list[dict[str, Any]],
                         volunteer_ids: list[int], area: str) -> int | None:
    """An active youth-league volunteer in the login's area, preferably one who already has pairs."""
    busy = Counter(a["volunteer_id"] for a in assignments)
    best: int | None = None
    for j, v in enumerate(volunteers):
        if v["state"] != "active" or v["board"] != "youth_league" or v["region_code"][:6] != area:
            continue
        if best is None or busy[volunteer_ids[j]] > busy[volunteer_ids[best]]:
            best = j
    if best is None:
        best = next((j for j, v in enumerate(volunteers) if v["state"] == "active"), None)
    return best


def _admin_login(user: User | None) -> DemoLogin:
    if user is None:
        return DemoLogin(DEMO_ADMIN.username, "admin", None, None, "missing")
    return _existing_login(user, DEMO_ADMIN)


def _existing_login(user: User, spec: LoginSpec) -> DemoLogin:
    """List an existing account; show the demo password only if it still opens the account."""
    from core.auth import verify_password

    known = spec.password if verify_password(user.password_hash, spec.password) else None
    return DemoLogin(user.username, user.role, user.board, known, "existing")


def _describe_logins(session: Session) -> list[DemoLogin]:
    existing = {u.username: u for u in session.execute(select(User)).scalars()}
    logins = [_admin_login(existing.get(DEMO_ADMIN.username))]
    for spec in DEMO_LOGINS:
        if spec.username in existing:
            logins.append(_existing_login(existing[spec.username], spec))
    return logins
