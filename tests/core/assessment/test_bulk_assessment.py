"""`carematch assess --all`: every stored household at once, in one or several processes."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core import assessing
from core.cli import cli
from core.demo import seed_demo
from core import models as m
from core.models import Household

ON = dt.date(2026, 6, 1)


@pytest.fixture
def session(session: Any) -> Any:
    """The seeded database plus 60 synthetic households of every kind the demo makes."""
    seed_demo(session, households=60, seed=3, today=ON)
    session.commit()
    return session


def _enrol_in_dibao(session: Any, household_id: int) -> None:
    case = m.Case(household_id=household_id, channel="application", first_reporter_board="civil_affairs",
                  owner_board="civil_affairs", received_on=ON)
    session.add(case)
    session.flush()
    plan = m.CarePlan(case_id=case.id)
    session.add(plan)
    session.flush()
    session.add(m.PlanMeasure(plan_id=plan.id, kind="material", board="civil_affairs",
                              programme_key="civil_affairs.dibao", monthly_fen=50000, status="active"))
    session.commit()


def test_every_household_is_assessed_the_same_in_one_or_two_processes(app: Any, session: Any, tmp_path: Path) -> None:
    boards = app.extensions["carematch"].boards
    # one household the engine finds dibao-eligible already receives it: it is not "not receiving"
    enrolled = next(h for h in session.scalars(select(Household.id).order_by(Household.id))
                    if assessing.assess_household(session, boards, h, ON).finding("civil_affairs.dibao").status
                    == "eligible")
    _enrol_in_dibao(session, enrolled)
    one = assessing.assess_all(session, boards, ON, csv_path=tmp_path / "one.csv")
    two = assessing.assess_all(session, boards, ON, processes=2, csv_path=tmp_path / "two.csv", min_per_process=1)
    households = list(session.scalars(select(Household.id).order_by(Household.id)))
    assert len(households) >= 2  # otherwise the second process would have nothing to do
    assert one.households == two.households == len(households)
    assert (one.processes, two.processes) == (1, 2)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert {k: vars(v) for k, v in one.programmes.items()} == {k: vars(v) for k, v in two.programmes.items()}

    # the tallies and rows are those of assessing each household on its own
    expected: Counter[tuple[str, str]] = Counter()
    monthly: Counter[str] = Counter()
    labels: Counter[tuple[str, str]] = Counter()
    not_receiving: Counter[str] = Counter()
    for household_id in households:
        receiving = assessing.snapshot_of(session, household_id, ON).enrolled_programmes
        for finding in assessing.assess_household(session, boards, household_id, ON).findings:
            if finding.status == "eligible" and finding.benefit is not None and finding.programme_key not in receiving:
                not_receiving[finding.programme_key] += 1
            expected[finding.programme_key, finding.status] += 1
            if finding.status == "eligible" and finding.benefit is not None:
                monthly[finding.programme_key] += finding.benefit.monthly_fen
            if finding.status == "eligible":
                labels.update((finding.programme_key, label) for label in finding.labels)
    for key, tally in one.programmes.items():
        assert (tally.eligible, tally.needs_information, tally.not_eligible) == (
            expected[key, "eligible"], expected[key, "needs_information"], expected[key, "not_eligible"])
        assert tally.monthly_fen == monthly[key]
        assert tally.labels == {label: n for (k, label), n in labels.items() if k == key}
        assert tally.not_receiving == not_receiving[key]
    dibao = one.programmes["civil_affairs.dibao"]
    assert dibao.not_receiving == dibao.eligible - 1  # the enrolled household
    assert dibao.pays and not one.programmes["civil_affairs.four_batches"].pays  # a classification pays nothing
    # the four batches (四个一批) of the register: the seeded households fall into some of them
    assert set(one.programmes["civil_affairs.four_batches"].labels) & {"bottom_line", "priority_improvement"}
    rows = list(csv.DictReader((tmp_path / "one.csv").open(encoding="utf-8")))
    assert len(rows) == sum(expected.values())
    assert [int(r["household_id"]) for r in rows] == sorted(int(r["household_id"]) for r in rows)
    assert [(r["status"], r["receiving"]) for r in rows
            if int(r["household_id"]) == enrolled and r["programme_key"] == "civil_affairs.dibao"] == [("eligible", "yes")]


def test_a_region_limits_the_households(app: Any, session: Any) -> None:
    boards = app.extensions["carematch"].boards
    region = session.scalars(select(Household.region_code).order_by(Household.id)).first()[:6]
    inside = [r for r in session.scalars(select(Household.region_code)) if r.startswith(region)]
    assert assessing.assess_all(session, boards, ON, region=region).households == len(inside)
    assert assessing.assess_all(session, boards, ON, region="999999").households == 0


def test_the_command_prints_a_tally_and_refuses_mixed_options(session: Any, monkeypatch: Any, tmp_path: Path,
                                                             database_url: str) -> None:
    monkeypatch.setenv("CAREMATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("CAREMATCH_INSTANCE", str(tmp_path / "instance"))
    result = CliRunner().invoke(cli, ["assess", "--all", "--date", "2026-06-01", "--out", str(tmp_path / "f.csv")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # 60 households are fewer than one worker's minimum: one process, whatever the CPU count
    assert "2026-06-01 共评估 60 户" in result.output and "1 个进程)" in result.output
    assert "城乡最低生活保障 (civil_affairs.dibao) " in result.output
    assert "  无力脱贫兜底一批 (bottom_line) " in result.output
    english = CliRunner().invoke(cli, ["assess", "--all", "--date", "2026-06-01", "--lang", "en"], catch_exceptions=False)
    assert "60 households assessed on 2026-06-01" in english.output and "1 process(es))" in english.output
    assert " (civil_affairs.dibao) " in english.output and "  bottom-line support (bottom_line) " in english.output
    assert (tmp_path / "f.csv").read_text(encoding="utf-8").startswith(",".join(assessing.CSV_COLUMNS))
    mixed = CliRunner().invoke(cli, ["assess", "--all", "--household", "1"])
    assert mixed.exit_code == 2 and "--all" in mixed.output
    nowhere = CliRunner().invoke(cli, ["assess", "--all", "--out", str(tmp_path / "missing" / "f.csv")])
    assert nowhere.exit_code == 2 and "no folder" in nowhere.output
