"""The coordinator pages and the JSON API, and who may see what."""

from __future__ import annotations

import json

import pytest
from matchruns_builders import LAT, SARTU
from sqlalchemy import select

from core.matchruns import services
from core.matchruns.models import MatchRun, MatchSetting
from core.models import Assignment


@pytest.fixture
def sync(app):  # type: ignore[no-untyped-def]
    """Solve inside the request so a test sees the draft at once."""
    if "matchruns" not in app.blueprints:  # until the integrator wires it
        from core.matchruns.views import bp

        app.register_blueprint(bp)
    app.config["MATCH_RUNS_SYNC"] = True
    return app


@pytest.fixture
def data(session, make):  # type: ignore[no-untyped-def]
    needs = [make.need(), make.need(category="left_behind_child", needs_background_check=True,
                                    lat=LAT + 0.01)]
    vols = [make.volunteer(), make.volunteer(lat=LAT + 0.3)]  # the second is 33 km away
    women_need = make.need(board="womens_federation")
    session.commit()
    return {"needs": needs, "vols": vols, "women_need": women_need}


def test_a_coordinator_runs_reviews_explains_and_publishes(client, login, sync, data, session) -> None:  # type: ignore[no-untyped-def]
    login("youth")
    page = client.get("/match-runs")
    assert page.status_code == 200 and b"youth_league" in page.data
    created = client.post("/match-runs", data={"scope": SARTU, "boards": ["youth_league"], "time_limit_s": "5"})
    assert created.status_code == 302
    run_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    draft = client.get(f"/match-runs/{run_id}")
    text = draft.get_data(as_text=True)
    assert draft.status_code == 200
    assert 'class="list coverage"' in text and 'class="list diff"' in text and 'class="list unassigned"' in text
    child, adult = data["needs"][1], data["needs"][0]
    assert f"n{child.id}" in text  # the child has no checked volunteer: unassigned with a reason
    # advice and reasons in words: the rule to relax, and why the adult's volunteer was chosen
    assert "<li>放宽无犯罪记录核查要求可得 1 名候选志愿者</li>" in text
    assert "最后的候选被无犯罪记录核查要求排除。" in text and "eliminated the last candidates" not in text
    # why not: the far volunteer breaks the distance cap
    why = client.get(f"/match-runs/{run_id}?recipient=n{adult.id}&volunteer=v{data['vols'][1].id}")
    assert 'data-verdict="forbidden"' in why.get_data(as_text=True)
    api = client.get(f"/api/match-runs/{run_id}/why-not",
                     query_string={"recipient": f"n{adult.id}", "volunteer": f"v{data['vols'][1].id}"})
    assert api.status_code == 200 and api.json["verdict"] == "forbidden"
    assert api.json["rules"][0]["name"] == "max_km"
    exported = client.get(f"/match-runs/{run_id}/export/instance.json")
    assert json.loads(exported.data)["format"] == "carematch.instance/1"
    assert json.loads(client.get(f"/match-runs/{run_id}/export/plan.json").data)["format"] == "carematch.plan/1"
    published = client.post(f"/match-runs/{run_id}/publish", follow_redirects=True)
    assert "1" in published.get_data(as_text=True)
    session.expire_all()
    rows = session.execute(select(Assignment)).scalars().all()
    assert [(a.need_id, a.volunteer_id, a.state) for a in rows] == [(adult.id, data["vols"][0].id, "proposed")]
    assert session.get(MatchRun, run_id).status == "published"


def test_pin_forbid_and_rerun_from_the_page(client, login, sync, data, session) -> None:  # type: ignore[no-untyped-def]
    login("youth")
    run_id = client.post("/api/match-runs", json={"scope": SARTU, "boards": ["youth_league"],
                                                  "time_limit_s": 5}).json["id"]
    adult, near = data["needs"][0], data["vols"][0]
    response = client.post(f"/match-runs/{run_id}/adjust",
                           data={"action": "forbid", "recipient": f"n{adult.id}", "volunteer": f"v{near.id}"})
    assert response.status_code == 302
    child_id = int(response.headers["Location"].rsplit("/", 1)[1])
    child = client.get(f"/api/match-runs/{child_id}").json
    assert child["forbidden"] == [[f"n{adult.id}", f"v{near.id}"]] and child["assignments"] == []
    assert child["parent_id"] == run_id
    assert client.get(f"/api/match-runs/{run_id}").json["status"] == "superseded"
    bad = client.post(f"/match-runs/{child_id}/adjust",
                      data={"action": "pin", "recipient": f"n{adult.id}", "volunteer": f"v{data['vols'][1].id}"},
                      follow_redirects=True)
    assert 'class="flash error"' in bad.get_data(as_text=True)


def test_the_json_api_creates_shows_and_publishes(client, login, sync, data, session, make) -> None:  # type: ignore[no-untyped-def]
    login("youth")
    created = client.post("/api/match-runs", json={"scope": SARTU, "boards": ["youth_league"], "time_limit_s": 5})
    assert created.status_code == 202
    run_id = created.json["id"]
    shown = client.get(f"/api/match-runs/{run_id}").json
    assert shown["status"] == "draft" and shown["plan"]["format"] == "carematch.plan/1"
    assert shown["coverage"]["risk"]["2"] == {"covered": 1, "total": 2}
    assert shown["diff"]["counts"]["new"] == 1
    dry = client.post(f"/api/match-runs/{run_id}/dry-run-weights", json={"weights": {"km": 0}})
    assert dry.status_code == 200 and dry.json["would_move"] == 0
    # the scope changes before publishing: refused with 409 and a clear message
    make.assignment(data["needs"][0], make.volunteer(), "proposed")
    session.commit()
    refused = client.post(f"/api/match-runs/{run_id}/publish")
    assert refused.status_code == 409 and refused.json["code"] == "stale"
    assert "re-run" in refused.json["error"] or "重新" in refused.json["error"]
    rerun = client.post("/api/match-runs", json={"scope": SARTU, "boards": ["youth_league"], "time_limit_s": 5})
    ok = client.post(f"/api/match-runs/{rerun.json['id']}/publish")
    assert ok.status_code == 200 and ok.json["status"] == "published"
    assert client.post(f"/api/match-runs/{rerun.json['id']}/publish").status_code == 400
    assert client.post("/api/match-runs", json={"scope": "999999", "boards": ["youth_league"]}).status_code == 400


def test_the_other_board_gets_403_or_404(client, login, sync, data, session) -> None:  # type: ignore[no-untyped-def]
    login("youth")
    run_id = client.post("/api/match-runs", json={"scope": SARTU, "boards": ["youth_league"],
                                                  "time_limit_s": 5}).json["id"]
    client.post("/logout")
    login("women")
    assert client.get(f"/match-runs/{run_id}").status_code == 404
    assert client.get(f"/api/match-runs/{run_id}").status_code == 404
    assert client.post(f"/api/match-runs/{run_id}/publish").status_code == 404
    assert client.get(f"/api/match-runs/{run_id}/why-not?recipient=n1&volunteer=v1").status_code == 404
    assert client.get(f"/match-runs/{run_id}/export/plan.json").status_code == 404
    assert client.post("/api/match-runs", json={"scope": SARTU, "boards": ["youth_league"]}).status_code == 403
    assert client.get("/match-runs/settings/youth_league").status_code == 403
    listing = client.get("/match-runs").get_data(as_text=True)
    assert f'/match-runs/{run_id}"' not in listing
    # the women's coordinator sees only her own board's needs
    own = client.post("/api/match-runs", json={"scope": SARTU, "boards": ["womens_federation"], "time_limit_s": 5})
    assert client.get(f"/api/match-runs/{own.json['id']}").json["recipients"] == 1
    client.post("/logout")
    login("vol")
    assert client.get("/match-runs").status_code == 403
    assert client.get(f"/api/match-runs/{run_id}").status_code == 403
    client.post("/logout")
    login("root")
    assert client.get(f"/api/match-runs/{run_id}").status_code == 200


def test_a_computing_run_shows_progress_and_refreshes(client, login, sync, data, session, platform) -> None:  # type: ignore[no-untyped-def]
    run = services.create_run(session, platform.boards, platform.boards.enabled(session), services.SYSTEM,
                              region=SARTU, boards=["youth_league"], time_limit_s=5)
    login("youth")
    text = client.get(f"/match-runs/{run.id}").get_data(as_text=True)
    assert "<progress" in text and "data-refresh-after" in text  # static/carematch.js reloads it
    assert client.get(f"/api/match-runs/{run.id}").json["status"] == "running"


def test_settings_preview_then_save(client, login, sync, data, session, make) -> None:  # type: ignore[no-untyped-def]
    login("youth")
    current = make.volunteer(lat=LAT + 0.05)
    make.assignment(data["needs"][0], current, "accepted")
    session.commit()
    client.post("/api/match-runs", json={"scope": SARTU, "boards": ["youth_league"], "time_limit_s": 5})
    form = {"risk1": "100", "risk2": "300", "risk3": "1000", "km": "2", "continuity": "0", "gender_pref": "40",
            "language_pref": "40", "max_km": "15", "capacity_cap": "", "version": "0"}
    preview = client.post("/match-runs/settings/youth_league", data={**form, "action": "preview"})
    assert 'id="preview"' in preview.get_data(as_text=True)
    assert session.get(MatchSetting, "youth_league") is None  # nothing saved by a preview
    saved = client.post("/match-runs/settings/youth_league", data={**form, "action": "save"})
    assert saved.status_code == 302
    session.expire_all()
    setting = session.get(MatchSetting, "youth_league")
    assert setting.weights["continuity"] == 0 and setting.max_km == 15.0
    stale_form = client.post("/match-runs/settings/youth_league", data={**form, "action": "save", "km": "3"},
                             follow_redirects=True)
    assert 'class="flash error"' in stale_form.get_data(as_text=True)  # version 0 is behind
    bad = client.post("/match-runs/settings/youth_league",
                      data={**form, "version": "1", "km": "-1", "action": "save"}, follow_redirects=True)
    assert 'class="flash error"' in bad.get_data(as_text=True)


def test_the_draft_gives_each_assignment_s_reasons_in_words(client, login, sync, session, make) -> None:  # type: ignore[no-untyped-def]
    need = make.need(required_skills=["companionship"], languages=["zh", "mn"])
    make.volunteer(skills=["companionship"], languages=["mn", "zh"])
    session.commit()
    login("youth")
    created = client.post("/match-runs", data={"scope": SARTU, "boards": ["youth_league"], "time_limit_s": "5"})
    text = client.get(created.headers["Location"]).get_data(as_text=True)
    assert f"n{need.id}" in text and "<td>会说蒙古语, 汉语 · 陪伴</td>" in text and "language:" not in text
