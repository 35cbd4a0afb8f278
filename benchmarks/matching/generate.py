"""Generate realistic Daqing `carematch.instance/1` files for the matcher benchmark.

Recipients and volunteers scatter around the nine district/county centres,
weighted by population; counselling skills are scarce; Mongolian speakers live
mostly in Dorbod county; about 12 % of recipients need a team of two, about
30 % have a current volunteer, and a few exclusions exist.

    python benchmarks/matching/generate.py --recipients 10000 --volunteers 15000 --seed 1 -o inst.json
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

# (name, lat, lon, population weight, scatter in km)
AREAS = [
    ("萨尔图区 Saertu", 46.60, 125.02, 0.19, 5.0),
    ("龙凤区 Longfeng", 46.53, 125.11, 0.13, 5.0),
    ("让胡路区 Ranghulu", 46.65, 124.87, 0.15, 6.0),
    ("红岗区 Honggang", 46.40, 124.89, 0.07, 6.0),
    ("大同区 Datong", 46.03, 124.81, 0.09, 9.0),
    ("肇州县 Zhaozhou", 45.70, 125.27, 0.10, 10.0),
    ("肇源县 Zhaoyuan", 45.52, 125.08, 0.11, 10.0),
    ("林甸县 Lindian", 47.18, 124.87, 0.08, 9.0),
    ("杜尔伯特县 Dorbod", 46.87, 124.45, 0.08, 10.0),
]
DORBOD = len(AREAS) - 1
SLOTS = [f"{d}_{p}" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") for p in ("am", "pm", "eve")]
KM_PER_DEG = 111.195


def _place(rng: random.Random, area: int) -> tuple[float, float]:
    _, lat, lon, _, scatter = AREAS[area]
    import math
    dlat = rng.gauss(0, scatter) / KM_PER_DEG
    dlon = rng.gauss(0, scatter) / (KM_PER_DEG * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def generate(n_recipients: int, n_volunteers: int, *, seed: int = 1, teams: bool = True) -> dict:
    """A `carematch.instance/1` document; deterministic in its arguments."""
    rng = random.Random(seed)
    weights = [a[3] for a in AREAS]
    volunteers = []
    for i in range(n_volunteers):
        area = rng.choices(range(len(AREAS)), weights)[0]
        lat, lon = _place(rng, area)
        skills = set(rng.sample(["child_care", "tutoring", "elder_care", "companionship", "medical"],
                                rng.randint(1, 3)))
        if rng.random() < 0.06:
            skills.add("psych_counselling")
        if rng.random() < 0.05:
            skills.add("grief_counselling")
        if rng.random() < 0.01:
            skills.add("sign_language")
        languages = ["zh"]
        if area == DORBOD and rng.random() < 0.4 or rng.random() < 0.01:
            languages.append("mn")
        volunteers.append({
            "id": f"v{i + 1}", "lat": lat, "lon": lon, "gender": rng.choice("FFM"),
            "skills": sorted(skills), "background_check": rng.random() < 0.7, "languages": languages,
            "slots": sorted(rng.sample(SLOTS, rng.randint(2, 7))),
            "capacity": rng.choice([1, 1, 1, 2, 2, 3]),
            "max_km": rng.choice([2.0, 3.0, 3.0, 5.0, 5.0, 8.0]) if area < 4 else rng.choice([5.0, 8.0, 12.0, 15.0]),
        })
    recipients = []
    for i in range(n_recipients):
        area = rng.choices(range(len(AREAS)), weights)[0]
        lat, lon = _place(rng, area)
        category = rng.choices(["left_behind_child", "elderly_alone", "bereaved_family"], [0.35, 0.5, 0.15])[0]
        risk = rng.choices([1, 2, 3], [0.5, 0.35, 0.15])[0]
        required = {"left_behind_child": ["child_care"], "elderly_alone": ["elder_care"],
                    "bereaved_family": ["grief_counselling"]}[category][:]
        if risk == 3 and rng.random() < 0.5:
            required.append("psych_counselling")
        if rng.random() < 0.01:
            required.append("sign_language")
        mongolian = area == DORBOD and rng.random() < 0.5
        recipients.append({
            "id": f"r{i + 1}", "category": category, "lat": lat, "lon": lon, "risk": risk,
            "required_skills": sorted(set(required)),
            "needs_background_check": category == "left_behind_child",
            "gender_pref": rng.choice([None, None, "F", "M"]), "gender_hard": rng.random() < 0.1,
            "languages": ["mn"] if mongolian else [], "language_hard": mongolian and rng.random() < 0.4,
            "slots": sorted(rng.sample(SLOTS, rng.randint(3, 9))), "min_common_slots": rng.choice([1, 1, 2]),
            "volunteers_needed": 2 if teams and rng.random() < 0.12 else 1,
            "current_volunteers": [], "excluded_volunteers": [],
        })
    # Continuity (~30 %) and exclusions (~2 %) point at volunteers of the same area.
    for r in recipients:
        if rng.random() < 0.30:
            r["current_volunteers"] = [f"v{rng.randint(1, n_volunteers)}"]
        if rng.random() < 0.02:
            r["excluded_volunteers"] = [f"v{rng.randint(1, n_volunteers)}"]
    return {"format": "carematch.instance/1",
            "params": {"max_km": 15.0, "weights": {"risk": {"3": 1000, "2": 300, "1": 100}, "km": 2,
                                                   "continuity": 150, "gender_pref": 40, "language_pref": 40}},
            "volunteers": volunteers, "recipients": recipients}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, required=True)
    parser.add_argument("--volunteers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-teams", action="store_true")
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args()
    doc = generate(args.recipients, args.volunteers, seed=args.seed, teams=not args.no_teams)
    args.out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
