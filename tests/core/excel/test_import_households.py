"""Household import: every bad row reported with row, column and reason; all or nothing;
explicit good-rows-only; re-import creates no duplicates and follows the update rules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.excel import importing
from core.excel.kinds import get_kind
from core.models import AuditEvent, Household, Person
from tests.core.excel.conftest import Actor, child_id, families, family, households_book, person_id

KIND = get_kind("households")


def _count(session: Any, model: Any) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _run(session: Any, data: bytes, actor: Actor, **kw: Any) -> importing.Outcome:
    outcome = importing.run(session, KIND, data, actor=actor, **kw)
    if outcome.status == "done":
        session.commit()
    else:
        session.rollback()
    return outcome


def test_a_good_file_imports_households_with_members_derived_from_id(session: Any, admin_actor: Actor) -> None:
    hh, mem = families(20)
    before_people = _count(session, Person)
    outcome = _run(session, households_book(hh, mem), admin_actor)
    assert outcome.status == "done", outcome.report
    assert (outcome.total_rows, outcome.bad_rows) == (80, 0)
    assert _count(session, Person) == before_people + 60
    head = session.execute(select(Person).where(Person.id_number == person_id(0))).scalar_one()
    assert head.birth_date.isoformat() == "1970-05-17" and head.sex == "M"  # sequence 001: odd
    assert head.household.region_code == "230602" and head.household.area_type == "urban"
    assert {m.inclusion_reason for m in head.household.members} == {"head", "spouse", "minor_child"}


def test_bad_rows_are_reported_with_row_column_reason_and_nothing_is_written(session: Any, admin_actor: Actor) -> None:
    hh, mem = families(30)
    bad_check = person_id(7)[:-1] + ("0" if person_id(7)[-1] != "0" else "1")
    mem[5][2] = bad_check  # a member with a wrong check character: members sheet row 7
    mem[10][2] = "23060219990230001X"  # 30 February
    hh[3][1] = "110105"  # Beijing: outside the configured region, households row 5
    before = (_count(session, Household), _count(session, Person))
    outcome = _run(session, households_book(hh, mem), admin_actor)
    assert outcome.status == "rejected"
    assert (_count(session, Household), _count(session, Person)) == before
    errors = {(e["sheet"], e["row"], e["column"]): e["reason"] for e in outcome.report["errors"]}
    assert "校验码" in errors[("家庭成员", 7, "C")]
    assert "出生日期" in errors[("家庭成员", 12, "C")]
    assert "230600" in errors[("家庭", 5, "B")]
    # the region fault makes household 3's members wait with it (row-level, no column)
    assert any(e["sheet"] == "家庭成员" and e["column"] == "" for e in outcome.report["errors"])


def test_good_rows_only_is_an_explicit_choice(session: Any, admin_actor: Actor) -> None:
    hh, mem = families(10)
    mem[4][1] = None  # household 1's spouse has no name: only that member is skipped
    hh[2][2] = "城里"  # household 2's area type is wrong: the whole household is skipped
    before = _count(session, Person)
    outcome = _run(session, households_book(hh, mem), admin_actor, good_rows_only=True)
    assert outcome.status == "done"
    assert _count(session, Person) == before + 30 - 1 - 3
    assert outcome.bad_rows == 1 + 1 + 3


def test_reimporting_the_same_file_creates_no_duplicates_and_updates_per_the_rules(session: Any, admin_actor: Actor) -> None:
    hh, mem = families(5)
    data = households_book(hh, mem)
    first = _run(session, data, admin_actor)
    assert (first.created, first.updated) == (5 + 15, 0)
    counts = (_count(session, Household), _count(session, Person))
    again = _run(session, data, admin_actor)
    assert again.status == "done" and (again.created, again.updated) == (0, 0)
    assert (_count(session, Household), _count(session, Person)) == counts

    # a changed phone is updated; an empty cell keeps the stored value; a new child is added
    mem[0][5] = "13900139000"
    mem[3][5] = None  # household 1's head had a phone: kept
    mem.append([person_id(0), "张新", child_id(99), "子女", None, None])
    third = _run(session, households_book(hh, mem), admin_actor)
    assert (third.created, third.updated) == (1, 1)
    session.expire_all()
    assert session.execute(select(Person.phone).where(Person.id_number == person_id(0))).scalar_one() == "13900139000"
    assert session.execute(select(Person.phone).where(Person.id_number == person_id(3))).scalar_one() == "13800138000"


def test_a_person_in_another_household_is_refused_not_moved(session: Any, admin_actor: Actor) -> None:
    hh, mem = family(1)
    assert _run(session, households_book([hh], mem), admin_actor).status == "done"
    other_hh, other_mem = family(2)
    other_mem.append([other_hh[0], mem[1][1], mem[1][2], "其他", "共同生活的赡养扶养人", None])
    outcome = _run(session, households_book([other_hh], other_mem), admin_actor)
    assert outcome.status == "rejected"
    assert any("另一户" in e["reason"] for e in outcome.report["errors"])


def test_structure_faults_within_the_file(session: Any, admin_actor: Actor) -> None:
    hh, mem = families(3)
    hh.append(list(hh[0]))  # duplicate household row
    mem.append(list(mem[1]))  # duplicate member
    mem.append([person_id(500), "王五", person_id(501), "子女", None, None])  # unknown household
    mem.append([hh[1][0], "赵六", person_id(600), "兄弟姐妹", None, None])  # inclusion reason required
    mem[6][3] = "子女"  # household 2 loses its head
    outcome = _run(session, households_book(hh, mem), admin_actor)
    reasons = " | ".join(e["reason"] for e in outcome.report["errors"])
    for fragment in ("同一户", "重复", "没有这个户主身份证号", "纳入原因", "缺少这户的户主"):
        assert fragment in reasons, fragment
    assert outcome.status == "rejected"


def test_numeric_id_cells_are_refused_not_repaired(session: Any, admin_actor: Actor) -> None:
    hh, mem = family(1)
    mem[1][2] = float(mem[1][2][:15] + "000")  # what Excel does to an ID typed into a number cell
    outcome = _run(session, households_book([hh], mem), admin_actor)
    assert outcome.status == "rejected"
    assert any("15位" in e["reason"] and e["column"] == "C" for e in outcome.report["errors"])


def test_batch_run_records_status_report_and_one_audit_event(app: Any, session: Any, admin_actor: Actor) -> None:
    sessions = app.extensions["carematch"].sessions
    hh, mem = families(4)
    batch = importing.create_batch(session, "households", "家庭.xlsx", households_book(hh, mem), actor=admin_actor)
    session.commit()
    seen: list[str] = []
    done = importing.process_batch(sessions, batch.id, KIND, admin_actor, progress=lambda p, d, t: seen.append(p))
    assert done.status == "done" and done.created_count == 4 + 12
    assert "writing" in seen
    audits = session.execute(select(AuditEvent).where(AuditEvent.action == "import")).scalars().all()
    assert len(audits) == 1 and audits[0].object_id == str(batch.id)
