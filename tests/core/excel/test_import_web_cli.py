"""The import pages (background run, polled status, report, annotated copy, explicit good rows)
and ``carematch import KIND FILE``."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import click
import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from core.models import Person
from tests.core.excel.conftest import families, households_book


def _wait(client: Any, batch_id: int, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/imports/{batch_id}/status.json").get_json()
        if state["finished"]:
            return state
        time.sleep(0.1)
    raise AssertionError("the import did not finish")


def _upload(client: Any, data: bytes, name: str = "家庭.xlsx", **form: Any) -> int:
    response = client.post("/imports", data={"kind": "households", "file": (io.BytesIO(data), name), **form},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.data
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _people(app: Any) -> int:
    with app.extensions["carematch"].session() as s:
        return s.execute(select(func.count()).select_from(Person)).scalar_one()


def test_upload_runs_in_the_background_and_reports(excel_app: Any, client: Any, login: Any) -> None:
    login("civil")
    page = client.get("/imports")
    assert page.status_code == 200 and "imports/templates/households.xlsx" in page.get_data(as_text=True)
    template = client.get("/imports/templates/households.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    assert "filename*=UTF-8''" in template.headers["Content-Disposition"]

    before = _people(excel_app)
    hh, mem = families(6)
    mem[4][2] = "230602197005170000"  # wrong check character, members row 6
    batch_id = _upload(client, households_book(hh, mem))
    state = _wait(client, batch_id)
    assert state["status"] == "rejected" and state["bad_rows"] >= 1
    assert _people(excel_app) == before
    report = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert "校验码" in report and "good-rows" in report
    annotated = client.get(f"/imports/{batch_id}/annotated.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(annotated.data))
    assert wb["家庭成员"]["C6"].comment is not None

    # the explicit choice: import only the good rows of the same file
    response = client.post(f"/imports/{batch_id}/good-rows")
    assert response.status_code == 302
    second = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert _wait(client, second)["status"] == "done"
    assert _people(excel_app) == before + 18 - 1


def test_a_zero_byte_upload_is_rejected_at_once(excel_app: Any, client: Any, login: Any) -> None:
    login("root")
    batch_id = _upload(client, b"", "empty.xlsx")
    state = client.get(f"/imports/{batch_id}/status.json").get_json()
    assert state["status"] == "rejected" and "0字节" in state["message"]
    assert client.get(f"/imports/{batch_id}/annotated.xlsx").status_code == 404


def test_who_may_import_and_see_a_batch(excel_app: Any, client: Any, login: Any) -> None:
    login("civil")
    hh, mem = families(1)
    batch_id = _upload(client, households_book(hh, mem))
    _wait(client, batch_id)
    client.post("/logout")
    login("union")  # another board's staff: not their batch
    assert client.get(f"/imports/{batch_id}").status_code == 404
    client.post("/logout")
    for user in ("grid", "vol", "auditor"):
        login(user)
        assert client.get("/imports").status_code == 403
        client.post("/logout")
    login("youth")  # a coordinator may import volunteers, not households
    response = client.post("/imports", data={"kind": "households", "file": (io.BytesIO(b"x"), "a.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 403


@pytest.fixture
def run_cli(monkeypatch: Any, tmp_path: Path, database_url: str) -> Any:
    from core.cli import cli
    from core.excel.cli import export_group, import_command

    group = click.Group(commands={"import": import_command, "export": export_group})
    monkeypatch.setenv("CAREMATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("CAREMATCH_INSTANCE", str(tmp_path / "instance"))
    del cli  # the integrator registers the commands on the real group

    def _run(*args: str) -> Any:
        return CliRunner().invoke(group, list(args), catch_exceptions=False)

    return _run


def test_cli_import_all_or_nothing_then_good_rows_only(run_cli: Any, tmp_path: Path) -> None:
    hh, mem = families(4)
    mem[1][1] = None
    path = tmp_path / "家庭.xlsx"
    path.write_bytes(households_book(hh, mem))
    refused = run_cli("import", "households", str(path), "--report", str(tmp_path / "report.xlsx"))
    assert refused.exit_code == 1
    assert "家庭成员 第3行" in refused.output or "家庭成员!B3" in refused.output
    assert "nothing written" in refused.output
    assert (tmp_path / "report.xlsx").exists()
    done = run_cli("import", "households", str(path), "--good-rows-only")
    assert done.exit_code == 0, done.output
    assert "imported 15 rows: 15 created" in done.output
    again = run_cli("import", "households", str(path), "--good-rows-only")
    assert "0 created, 0 updated" in again.output


def test_cli_refuses_a_legacy_xls(run_cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    result = run_cli("import", "households", str(path))
    assert result.exit_code == 1 and ".xls" in result.output


def test_every_excel_endpoint_declares_who_may_open_it(excel_app: Any, client: Any) -> None:
    from core.web import access_rule

    endpoints = [r.endpoint for r in excel_app.url_map.iter_rules() if r.endpoint.startswith("excel.")]
    assert len(endpoints) >= 10
    assert [e for e in endpoints if access_rule(excel_app, e) in (None, ("public",))] == []
    assert client.get("/dashboard").status_code in (302, 401)  # not logged in: to the login page
