"""The cross-board view and the overlaps-and-gaps report on hand-made households whose
overlaps and gaps are known, the access rule for care boards' notes, and the
joint-review section."""

from __future__ import annotations

import datetime as dt

import pytest

from core.funds import crossboard
from core.scheduler.warnings import raise_warning
from funds_builders import actor, care, case, household, material, with_funds

DIBAO = "civil_affairs.dibao"


@pytest.fixture
def world(session):  # type: ignore[no-untyped-def]
    """A: dibao + union relief (duplicate basic living); B: dibao + nursing (no overlap);
    C: youth + women caring for one left-behind child (duplicate); D: eligible, unserved (gap);
    E: open warning, no case (gap); F: eligible and served (no gap); G: duplicate in another
    district; H: eligible but rejected by the joint review (not a gap); I: overlap ended (no)."""
    eligible = [{"programme_key": DIBAO, "status": "eligible"}]
    homes = {k: household(session, "230604" if k == "G" else "230602") for k in "ABCDEFGHI"}
    a = case(session, homes["A"], responsible=("civil_affairs", "trade_union"))
    material(session, a, "civil_affairs", DIBAO, 41_000)
    material(session, a, "trade_union", "trade_union.hardship_relief", 30_000)
    b = case(session, homes["B"], responsible=("civil_affairs", "disabled_federation"))
    material(session, b, "civil_affairs", DIBAO)
    material(session, b, "disabled_federation", "disabled_federation.nursing_subsidy", 10_000)
    c = case(session, homes["C"], "youth_league", responsible=("youth_league", "womens_federation"))
    care(session, c, "youth_league", "youth_league.companionship", "left_behind_child")
    care(session, c, "womens_federation", "womens_federation.proxy_mother", "left_behind_child")
    d = case(session, homes["D"], stage="awaiting_joint_review", findings=eligible)
    raise_warning(session, kind="member_died", dedup_key="test:E", params={"person": "x", "on": "2026-01-01"},
                  person_id=homes["E"].members[0].id, board="civil_affairs")
    f = case(session, homes["F"], findings=eligible)
    material(session, f, "civil_affairs", DIBAO)
    g = case(session, homes["G"], responsible=("civil_affairs", "trade_union"))
    material(session, g, "civil_affairs", DIBAO)
    material(session, g, "trade_union", "trade_union.hardship_relief")
    case(session, homes["H"], stage="rejected", findings=eligible)
    i = case(session, homes["I"])
    material(session, i, "civil_affairs", DIBAO)
    material(session, i, "trade_union", "trade_union.hardship_relief", status="ended")
    session.commit()
    return {"homes": {k: h.id for k, h in homes.items()}, "cases": {"A": a.id, "C": c.id, "D": d.id}}


def test_overlaps_and_gaps_of_a_district_are_the_known_ones(session, world) -> None:  # type: ignore[no-untyped-def]
    h = world["homes"]
    report = crossboard.cross_board_report(session, actor(session, "reviewer"), "230602")
    assert [(o.household_id, o.need, o.boards) for o in report.overlaps] == [
        (h["A"], "basic_living", ["civil_affairs", "trade_union"]),
        (h["C"], "left_behind_child", ["womens_federation", "youth_league"]),
    ]
    assert [(g.household_id, g.reasons) for g in report.gaps] == [
        (h["D"], [f"eligible:{DIBAO}"]), (h["E"], ["warning:member_died"])]
    assert report.gaps[0].case_id == world["cases"]["D"] and report.gaps[1].case_id is None
    city = crossboard.cross_board_report(session, actor(session, "reviewer"), "230600")
    assert {o.household_id for o in city.overlaps} == {h["A"], h["C"], h["G"]}


def test_a_disabled_boards_help_does_not_count(session, world) -> None:  # type: ignore[no-untyped-def]
    h = world["homes"]
    enabled = {"civil_affairs", "youth_league", "womens_federation", "disabled_federation"}
    report = crossboard.cross_board_report(session, actor(session, "reviewer"), "230602", enabled)
    assert [o.household_id for o in report.overlaps] == [h["C"]]


def test_care_notes_are_shown_to_the_care_board_and_responsible_boards_only(session, world) -> None:  # type: ignore[no-untyped-def]
    home = world["homes"]["C"]

    def notes(username: str) -> list[tuple[str, str | None, bool]]:
        return [(r.board, r.notes, r.notes_hidden)
                for r in crossboard.household_rows(session, actor(session, username), home)]

    youth = notes("youth")
    assert ("youth_league", "youth_league.companionship · risk 3", False) in youth
    assert ("womens_federation", "womens_federation.proxy_mother · risk 3", False) in youth  # youth is responsible
    assert all(hidden and text is None for _, text, hidden in notes("union"))  # names, amounts, dates only
    assert all(hidden for _, _, hidden in notes("reviewer"))
    assert not any(hidden for _, _, hidden in notes("root"))
    rows = crossboard.household_rows(session, actor(session, "union"), world["homes"]["A"])
    assert {(r.board, r.programme_key, r.monthly_fen, r.since) for r in rows} == {
        ("civil_affairs", DIBAO, 41_000, dt.date(2026, 4, 1)),
        ("trade_union", "trade_union.hardship_relief", 30_000, dt.date(2026, 4, 1))}


def test_the_views_and_the_api(app, client, login, session, world) -> None:  # type: ignore[no-untyped-def]
    with_funds(app)
    h = world["homes"]
    login("union")
    page = client.get(f"/households/{h['C']}/boards")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "proxy_mother · risk" not in text and "youth_league.companionship · risk" not in text
    api = client.get(f"/api/households/{h['A']}/boards").get_json()
    assert {r["board"] for r in api["rows"]} == {"civil_affairs", "trade_union"}
    report = client.get("/reports/cross-board?area=230602")
    body = report.get_data(as_text=True)
    assert report.status_code == 200 and f'data-household="{h["D"]}"' in body
    assert f'/cases/{world["cases"]["D"]}' in body  # a link to act on the gap
    assert client.get("/reports/cross-board?area=99x").status_code == 400
    client.post("/logout")
    login("vol")
    assert client.get(f"/households/{h['A']}/boards").status_code == 403
    assert client.get("/reports/cross-board").status_code == 403


def test_the_joint_review_page_shows_each_cases_help(app, client, login, session, world) -> None:  # type: ignore[no-untyped-def]
    with_funds(app)
    login("reviewer")
    page = client.get("/joint-review/").get_data(as_text=True)
    assert "cross-board-section" in page
    rows = crossboard.cross_board_for_cases(session, actor(session, "reviewer"), [world["cases"]["A"], world["cases"]["D"]])
    assert len(rows[world["cases"]["A"]]) == 2 and rows[world["cases"]["D"]] == []
