"""Funds pages, the xlsx statement (audited), the JSON API, access rules and the CLI."""

from __future__ import annotations

import io

from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from core.funds.models import Fund, FundEntry
from core.models import AuditEvent
from funds_builders import fund, household, with_funds

TEMP = "civil_affairs.temporary_assistance"


def test_income_payment_statement_and_api(app, client, login, session) -> None:  # type: ignore[no-untyped-def]
    with_funds(app)
    home = household(session)
    session.commit()
    login("civil")
    assert client.post("/funds/new", data={"name_zh": "萨尔图区备用金", "owner_kind": "town", "region_code": "230602",
                                           "purposes_text": TEMP, "floor": "300"}).status_code == 302
    f = session.scalars(select(Fund)).one()
    assert (f.board, f.purposes, f.floor_fen) == ("civil_affairs", [TEMP], 30_000)
    client.post(f"/funds/{f.id}/income", data={"amount": "1000.50", "donor": "万向慈善基金", "restrictions": "限临时救助"})
    refused = client.post(f"/funds/{f.id}/pay", data={"amount": "2000", "purpose_key": TEMP,
                                                      "household_id": home.id}, follow_redirects=True)
    assert "不足支付" in refused.get_data(as_text=True)
    client.post(f"/funds/{f.id}/pay", data={"amount": "800", "purpose_key": TEMP, "household_id": home.id})
    session.expire_all()
    assert session.get(Fund, f.id).balance_fen == 20_050
    page = client.get(f"/funds/{f.id}").get_data(as_text=True)
    assert "JZ" in page and "万向慈善基金" in page
    statement = client.get(f"/funds/{f.id}/statement.xlsx")
    assert statement.status_code == 200
    wb = load_workbook(io.BytesIO(statement.data))
    assert wb.sheetnames == ["月度余额", "明细"]
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert audit[-1].object_type == "fund_statement" and audit[-1].object_id == str(f.id)
    data = client.get(f"/api/funds/{f.id}/entries").get_json()
    assert [e["amount_fen"] for e in data["entries"]] == [100_050, -80_000]
    assert data["fund"]["below_floor"] is True
    assert client.get("/api/funds").get_json()["funds"][0]["balance_fen"] == 20_050
    client.post("/logout")
    login("union")  # another board reads, cannot write
    assert client.get(f"/funds/{f.id}").status_code == 200
    client.post(f"/funds/{f.id}/income", data={"amount": "1", "donor": "x"})
    session.expire_all()
    assert session.get(Fund, f.id).balance_fen == 20_050
    client.post("/logout")
    login("vol")
    assert client.get("/funds/").status_code == 403 and client.get("/api/funds").status_code == 403


def test_a_disabled_boards_fund_is_shown_greyed_and_read_only(app, client, login, session) -> None:  # type: ignore[no-untyped-def]
    with_funds(app)
    f = fund(session, balance_fen=10_000)
    app.extensions["carematch"].boards.set_enabled(session, "civil_affairs", False)
    session.commit()
    login("root")
    listing = client.get("/funds/").get_data(as_text=True)
    assert 'class="read-only dimmed"' in listing
    page = client.get(f"/funds/{f.id}").get_data(as_text=True)
    assert f'/funds/{f.id}/income' not in page and f'/funds/{f.id}/pay' not in page
    client.post(f"/funds/{f.id}/income", data={"amount": "1", "donor": "x"})
    assert session.scalar(select(FundEntry.id).where(FundEntry.fund_id == f.id, FundEntry.amount_fen == 100)) is None
    assert client.get("/api/funds").get_json()["funds"][0]["read_only"] is True


def test_the_funds_cli(monkeypatch, tmp_path, database_url, session) -> None:  # type: ignore[no-untyped-def]
    from core.cli import cli
    from core.funds.cli import funds_group

    monkeypatch.setenv("CAREMATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("CAREMATCH_INSTANCE", str(tmp_path / "instance"))
    if "funds" not in cli.commands:
        cli.add_command(funds_group)
    runner = CliRunner()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, ["funds", *args], catch_exceptions=False)

    created = run("create", "--as", "civil", "--name", "慈善一日捐", "--source", "civil_affairs.one_day_charity",
                  "--purpose", "temporary_hardship")
    assert created.exit_code == 0, created.output
    fund_id = created.output.split()[1]
    income = run("income", "--as", "civil", fund_id, "--amount", "200000", "--donor", "万向集团")
    assert income.exit_code == 0 and "receipt JZ" in income.output
    assert run("pay", "--as", "civil", fund_id, "--amount", "500", "--purpose", "civil_affairs.dibao").exit_code == 1
    assert run("pay", "--as", "civil", fund_id, "--amount", "500", "--purpose", TEMP).exit_code == 0
    listing = run("list", "--as", "auditor").output
    assert "199,500.00" in listing
    assert "closing 199,500.00" in run("show", "--as", "civil", fund_id).output
    out = tmp_path / "s.xlsx"
    assert run("statement", "--as", "civil", fund_id, "--out", str(out)).exit_code == 0 and out.exists()
