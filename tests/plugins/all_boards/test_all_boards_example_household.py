"""All five boards over docs/examples/household.json, on every board's default standards."""

import datetime as dt
import importlib
import json
from pathlib import Path

from core.api import ELIGIBLE, StandardTable, assess, snapshot_from_json

BOARDS = ("civil_affairs", "trade_union", "disabled_federation", "youth_league", "womens_federation")
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "household.json"
ON = dt.date(2024, 6, 1)


def load():
    programmes, standards = [], []
    for board in BOARDS:
        programmes += importlib.import_module(f"plugins.{board}.programmes").PROGRAMMES
        standards += importlib.import_module(f"plugins.{board}.standards").DEFAULT_STANDARDS
    return programmes, StandardTable(standards)


def test_example_household_is_assessed_by_every_board():
    programmes, table = load()
    snapshot = snapshot_from_json(json.loads(EXAMPLE.read_text(encoding="utf-8")), today=ON)
    assessment = assess(snapshot, programmes, table, ON)
    assert {f.board for f in assessment.findings} == set(BOARDS)
    assert len(assessment.findings) == len(programmes) == len({p.key for p in programmes})
    # income 1200 pension + 300 support = 1500, exempt 150 basic pension; 7200 medical and
    # rehabilitation spending in 12 months for the disabled, ill wife → 600 a month deducted:
    # 3 × 710 − (1500 − 600) = 1230 yuan/month
    assert assessment.finding("civil_affairs.dibao").benefit.monthly_fen == 123000
    assert assessment.finding("civil_affairs.temporary_assistance").follow_up_by == dt.date(2024, 6, 11)
    assert assessment.finding("disabled_federation.nursing_subsidy").status == ELIGIBLE
    assert assessment.finding("youth_league.left_behind_care").care_needs[0].needs_background_check
    assert assessment.finding("womens_federation.proxy_mother").care_needs[0].gender_pref == "F"
    # every finding explains itself in both languages and serialises
    for finding in assessment.findings:
        assert finding.explain("zh") and finding.explain("en")
    json.dumps(assessment.to_json(), ensure_ascii=False)


def test_standard_keys_are_unique_per_region_area_and_start_and_belong_to_their_board():
    for board in BOARDS:
        records = importlib.import_module(f"plugins.{board}.standards").DEFAULT_STANDARDS
        assert all(r.key.startswith(board + ".") for r in records)
        assert all("示例值" in r.source_note or "000000" == r.region_code for r in records)
        identities = [(r.key, r.region_code, r.area, r.effective_from) for r in records]
        assert len(identities) == len(set(identities))
