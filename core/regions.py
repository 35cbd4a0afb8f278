"""The configured region: Daqing's five districts and four counties (五区四县), domain-rules §8.2.

Codes are the official GB/T 2260 / NBS codes. Street/town, community/village and grid
levels below them are local data an administrator imports; the demo makes up
synthetic ones. Coordinates are approximate area centres, used to place synthetic
data and to centre maps.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Region


@dataclass(frozen=True)
class RegionSeed:
    code: str
    name: str
    name_en: str
    level: str
    parent_code: str | None
    lat: float | None = None
    lon: float | None = None


DAQING = "230600"

SEED_REGIONS: tuple[RegionSeed, ...] = (
    RegionSeed("230000", "黑龙江省", "Heilongjiang", "province", None),
    RegionSeed(DAQING, "大庆市", "Daqing", "city", "230000", 46.59, 125.10),
    RegionSeed("230602", "萨尔图区", "Sartu District", "district", DAQING, 46.60, 125.02),
    RegionSeed("230603", "龙凤区", "Longfeng District", "district", DAQING, 46.53, 125.11),
    RegionSeed("230604", "让胡路区", "Ranghulu District", "district", DAQING, 46.65, 124.87),
    RegionSeed("230605", "红岗区", "Honggang District", "district", DAQING, 46.40, 124.89),
    RegionSeed("230606", "大同区", "Datong District", "district", DAQING, 46.03, 124.81),
    RegionSeed("230621", "肇州县", "Zhaozhou County", "county", DAQING, 45.70, 125.27),
    RegionSeed("230622", "肇源县", "Zhaoyuan County", "county", DAQING, 45.52, 125.08),
    RegionSeed("230623", "林甸县", "Lindian County", "county", DAQING, 47.18, 124.87),
    RegionSeed("230624", "杜尔伯特蒙古族自治县", "Dorbod Mongol Autonomous County", "county", DAQING, 46.87, 124.45),
)

AREA_CODES = tuple(r.code for r in SEED_REGIONS if r.level in ("district", "county"))


def seed_regions(session: Session) -> int:
    """Insert the seed regions that are missing; returns how many were added."""
    existing = set(session.execute(select(Region.code)).scalars())
    added = 0
    for seed in SEED_REGIONS:
        if seed.code in existing:
            continue
        session.add(Region(**seed.__dict__))
        added += 1
    session.flush()
    return added


def area_of(code: str) -> str:
    """The district/county (6-digit) code a 6/9/12-digit region code lies in."""
    return code[:6]


def in_configured_region(session: Session, code: str, root: str = DAQING) -> bool:
    """Whether ``code`` is a known region inside ``root`` (the residency check of 首报负责制 intake)."""
    region = session.get(Region, code)
    while region is not None:
        if region.code == root:
            return True
        region = region.parent
    return False
