"""The small declarative objects boards hand to core through hooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Literal

BoardKind = Literal["assistance", "care"]
FundSourceKind = Literal["donation", "appeal", "allocation", "reserve"]


@dataclass(frozen=True)
class BoardInfo:
    key: str  # equals the entry-point name and the table prefix: "civil_affairs"
    name_zh: str
    name_en: str
    lead_body_zh: str
    lead_body_en: str
    kind: BoardKind
    serves_zh: str = ""
    serves_en: str = ""

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_zh

    def lead_body(self, locale: str) -> str:
        return self.lead_body_en if locale.startswith("en") else self.lead_body_zh


@dataclass(frozen=True)
class MenuItem:
    label: str  # already translated by the plugin (use core.api.lazy_gettext / gettext)
    endpoint: str  # Flask endpoint, e.g. "youth_league.index"
    order: int = 100


@dataclass(frozen=True)
class Permission:
    name: str  # "<board>.<action>"
    description: str


@dataclass(frozen=True)
class Skill:
    key: str  # the matcher's free vocabulary: "grief_counselling"
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class NeedType:
    key: str  # "<board>.<need>"
    category: str  # left_behind_child | elderly_alone | bereaved_family | other
    name_zh: str
    name_en: str
    required_skills: tuple[str, ...] = ()
    default_risk: int = 2
    visit_every_days: int = 30
    volunteers_needed: int = 1


@dataclass(frozen=True)
class Job:
    key: str  # core prefixes the board: "<board>:<key>"
    func: Callable[..., Any]  # called with one argument, a core.api.JobContext
    trigger: str = "cron"  # an APScheduler trigger alias
    trigger_args: dict[str, Any] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class FundSource:
    """Where money of the scheme comes from: a donation drive, a public appeal, a budget
    allocation or a town's reserve fund (备用金). Funds are opened against a source."""

    key: str  # "<board>.<source>": "civil_affairs.one_day_charity"
    name_zh: str
    name_en: str
    kind: FundSourceKind
    description_zh: str = ""
    description_en: str = ""

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_zh
