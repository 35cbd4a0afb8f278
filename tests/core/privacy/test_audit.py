"""The access log: append-only, viewable by auditors and administrators only."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select, update

from core.models import AppendOnlyError, AuditEvent


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(session) -> None:  # type: ignore[no-untyped-def]
    event = AuditEvent(action="read_person", object_type="person", object_id="1")
    session.add(event)
    session.commit()
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    session.delete(session.get(AuditEvent, event.id))
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    assert session.get(AuditEvent, event.id).reason == ""


def test_bulk_update_and_delete_on_postgresql_are_refused_by_the_trigger(session) -> None:  # type: ignore[no-untyped-def]
    if session.bind.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL-only; SQLite relies on the ORM listener")
    session.add(AuditEvent(action="read_person"))
    session.commit()
    with pytest.raises(Exception):
        session.execute(update(AuditEvent).values(reason="x"))
    session.rollback()
    with pytest.raises(Exception):
        session.execute(delete(AuditEvent))
    session.rollback()


def test_only_auditors_and_admins_open_the_log(privacy_app, client, login) -> None:  # type: ignore[no-untyped-def]
    for who, status in (("civil", 403), ("youth", 403), ("vol", 403), ("grid", 403), ("reviewer", 403),
                        ("auditor", 200), ("root", 200)):
        login(who)
        assert client.get("/audit").status_code == status, who
        assert client.get("/api/audit").status_code == status, who


def test_the_log_filters_paginates_and_logs_its_own_reads(privacy_app, client, login, session) -> None:  # type: ignore[no-untyped-def]
    for i in range(7):
        session.add(AuditEvent(action="read_household", object_type="household", object_id=str(i), reason="test"))
    session.add(AuditEvent(action="export", object_type="ledger", reason="test"))
    session.commit()
    login("auditor")
    body = client.get("/api/audit?action=read_household&per_page=5").get_json()
    assert body["total"] == 7 and len(body["events"]) == 5
    assert {e["action"] for e in body["events"]} == {"read_household"}
    assert len(client.get("/api/audit?action=read_household&per_page=5&page=2").get_json()["events"]) == 2
    one = client.get("/api/audit?object_type=household&object_id=3").get_json()
    assert [e["object_id"] for e in one["events"]] == ["3"]
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert client.get(f"/api/audit?since={tomorrow}").get_json()["total"] == 0
    by_user = client.get("/api/audit?user=auditor&action=login").get_json()
    assert by_user["total"] >= 1
    page = client.get("/audit?action=export").get_data(as_text=True)
    assert "ledger" in page
    reads = session.execute(select(AuditEvent).where(AuditEvent.action == "read_audit")).scalars().all()
    assert len(reads) == 6
