"""ID numbers encrypted at rest with a keyed blind index (issue 9): what the database holds,
lookups through the ORM, uniqueness on the index, the key from configuration only, and
migration 0011 on rows that already exist."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

pytest.importorskip("cryptography")

from core import migrate  # noqa: E402
from core.db import make_engine, make_session_factory  # noqa: E402
from core.idnumber import make_id_number  # noqa: E402
from core.models import DisabilityCertificate, Household, Person, Region, Volunteer  # noqa: E402
from core.plugins import BoardHost, get_plugin_manager  # noqa: E402
from core.privacy import crypto  # noqa: E402

from helpers import household  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
BORN = dt.date(1980, 3, 1)


def _number(seq: int) -> str:
    return make_id_number("230602", BORN, seq)


def _volunteer(number: str | None, name: str = "李四") -> Volunteer:
    return Volunteer(board="youth_league", name=name, id_number=number, birth_date=BORN, sex="M",
                     region_code="230602", lat=46.58, lon=125.1)


def _raw(session, sql: str) -> list:  # type: ignore[no-untyped-def]
    return [row[0] for row in session.execute(text(sql))]


def test_the_database_holds_ciphertext_and_an_index_never_the_number(session) -> None:  # type: ignore[no-untyped-def]
    hh, person = household(session)
    number = person.id_number
    session.add(_volunteer(number))
    session.add(DisabilityCertificate(person_id=person.id, number=f"{number}12", category=1, grade=2))
    session.commit()

    for table, column in (("person", "id_number"), ("volunteer", "id_number"), ("disability_certificate", "number")):
        stored = _raw(session, f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")
        assert stored, table
        assert all(value.startswith("v1:") and number not in value for value in stored), (table, stored)
    dump = " ".join(str(v) for v in _raw(session, "SELECT id_number || ' ' || id_number_index FROM person"))
    assert number not in dump and number[:17] not in dump
    # equal numbers give different ciphertexts (random nonce), the same index
    person_raw = session.execute(text("SELECT id_number, id_number_index FROM person WHERE id = :i"), {"i": person.id}).one()
    volunteer_raw = session.execute(text("SELECT id_number, id_number_index FROM volunteer")).one()
    assert person_raw[0] != volunteer_raw[0] and person_raw[1] == volunteer_raw[1] == crypto.blind_index(number)
    # and everything reading through the model sees the number
    session.expire_all()
    assert session.get(Person, person.id).id_number == number
    assert session.execute(select(Person.__table__.c.id_number).where(Person.id == person.id)).scalar_one() == number
    assert session.execute(select(DisabilityCertificate.number)).scalar_one() == f"{number}12"


def test_exact_lookups_work_through_the_orm(session) -> None:  # type: ignore[no-untyped-def]
    _, one = household(session)
    _, two = household(session)
    session.add(_volunteer(one.id_number))
    session.add(DisabilityCertificate(person_id=two.id, number=f"{two.id_number}43", category=4, grade=3))
    session.commit()

    def ids(*where):  # type: ignore[no-untyped-def]
        return sorted(session.execute(select(Person.id).where(*where)).scalars())

    assert ids(Person.id_number == one.id_number) == [one.id]
    assert ids(Person.id_number == f" {one.id_number.lower()} ") == [one.id]  # normalised like the index
    assert ids(Person.id_number.in_([one.id_number, two.id_number, _number(999)])) == sorted([one.id, two.id])
    assert one.id not in ids(Person.id_number != one.id_number) and two.id in ids(Person.id_number != one.id_number)
    assert one.id not in ids(Person.id_number.not_in([one.id_number]))
    assert ids(Person.id_number == _number(998)) == []
    assert session.execute(select(Person).filter_by(id_number=two.id_number)).scalar_one() is two
    assert session.execute(select(Volunteer.name).where(Volunteer.id_number == one.id_number)).scalar_one() == "李四"
    joined = select(Person.id).join(Volunteer, Volunteer.id_number == Person.id_number)
    assert session.execute(joined).scalars().all() == [one.id]
    cert = session.execute(select(DisabilityCertificate)
                           .where(DisabilityCertificate.number == f"{two.id_number}43")).scalar_one()
    assert cert.person_id == two.id
    assert ids(Person.id_number.is_(None)) == [p for p in ids(Person.id_number_index.is_(None))]
    with pytest.raises(TypeError, match="encrypted"):
        select(Person).where(Person.id_number.like("230602%"))


def test_changing_a_number_moves_its_index(session) -> None:  # type: ignore[no-untyped-def]
    _, person = household(session)
    old, new = person.id_number, _number(777)
    person.id_number = new
    session.commit()
    assert session.execute(select(Person.id).where(Person.id_number == new)).scalar_one() == person.id
    assert session.execute(select(Person.id).where(Person.id_number == old)).first() is None
    person.id_number = None
    session.commit()
    assert session.execute(text("SELECT id_number_index FROM person WHERE id = :i"), {"i": person.id}).scalar() is None


def test_bulk_inserts_fill_the_index(session) -> None:  # type: ignore[no-untyped-def]
    hh, _ = household(session)
    rows = [dict(household_id=hh.id, name=f"成员{i}", id_number=_number(500 + i), birth_date=BORN, sex="M",
                 relation="other", inclusion_reason="excluded_other", included=False) for i in range(3)]
    session.execute(Person.__table__.insert(), rows[:2])  # Core executemany, as the Excel import writes
    session.execute(insert(Person).execution_options(render_nulls=True), rows[2:])  # ORM bulk, as the demo does
    session.commit()
    found = session.execute(select(Person.id_number).where(Person.id_number.in_([r["id_number"] for r in rows])))
    assert sorted(found.scalars()) == sorted(r["id_number"] for r in rows)
    assert all(v.startswith("v1:") for v in _raw(session, "SELECT id_number FROM person WHERE name LIKE '成员%'"))


def test_a_duplicate_number_is_refused_by_the_unique_index(session) -> None:  # type: ignore[no-untyped-def]
    hh, person = household(session)
    session.commit()
    session.add(Person(household_id=hh.id, name="重复", id_number=person.id_number.lower(), birth_date=BORN, sex="M"))
    with pytest.raises(IntegrityError, match="id_number_index"):
        session.flush()
    session.rollback()
    with pytest.raises(IntegrityError, match="id_number_index"):
        session.execute(Person.__table__.insert(), [dict(household_id=hh.id, name="重复", id_number=person.id_number,
                                                         birth_date=BORN, sex="M")])
    session.rollback()
    session.add_all([_volunteer(_number(600)), _volunteer(_number(600), name="王五")])
    with pytest.raises(IntegrityError, match="id_number_index"):
        session.flush()


def test_a_wrong_key_cannot_decrypt_and_says_so(session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _, person = household(session)
    session.commit()
    number = person.id_number
    monkeypatch.setenv("CAREMATCH_DATA_KEY", "a7" * 32)
    crypto.reset()
    try:
        session.expire_all()
        with pytest.raises(crypto.DataKeyError, match="does not open with this data key: CAREMATCH_DATA_KEY"):
            session.get(Person, person.id).id_number  # noqa: B018
        session.rollback()
        # and the index under another key finds nothing
        assert session.execute(select(Person.id).where(Person.id_number == number)).first() is None
    finally:
        monkeypatch.undo()
        crypto.reset()
    session.expire_all()
    assert session.get(Person, person.id).id_number == number


def test_a_malformed_key_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CAREMATCH_DATA_KEY", "not a key")
    crypto.reset()
    try:
        with pytest.raises(crypto.DataKeyError, match="64 hexadecimal"):
            crypto.encrypt("230602198003010011")
    finally:
        monkeypatch.undo()
        crypto.reset()


def test_the_key_is_never_in_the_database(session) -> None:  # type: ignore[no-untyped-def]
    hh, person = household(session)
    session.add(_volunteer(person.id_number))
    session.commit()
    key = crypto.master_key()
    secrets_ = {key.hex(), key.hex().upper(), crypto._index_key().hex()}
    engine = session.get_bind()
    from sqlalchemy import inspect

    for table in inspect(engine).get_table_names():
        for row in session.execute(text(f'SELECT * FROM "{table}"')):
            for value in row:
                if isinstance(value, (str, bytes)):
                    blob = value if isinstance(value, str) else value.hex()
                    assert not any(s in blob for s in secrets_), f"a key is stored in {table}"
                    if isinstance(value, bytes):
                        assert key not in value


def test_the_key_file_lives_in_the_instance_folder_never_the_repository(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CAREMATCH_DATA_KEY", raising=False)
    monkeypatch.delenv("CAREMATCH_DATA_KEY_FILE", raising=False)
    monkeypatch.setenv("CAREMATCH_INSTANCE", str(tmp_path / "instance"))
    crypto.reset()
    try:
        key = crypto.master_key()
        assert (tmp_path / "instance" / "data_key").read_text().strip() == key.hex()
    finally:
        monkeypatch.undo()
        crypto.reset()
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    assert not [p for p in tracked if Path(p).name == "data_key" or p.startswith("instance/")]
    # the default key file (./instance/data_key when run from the checkout) is ignored by git
    ignored = subprocess.run(["git", "check-ignore", "-q", "instance/data_key"], cwd=REPO)
    assert ignored.returncode == 0
    assert key.hex() not in subprocess.run(["git", "grep", "-I", "-c", key.hex()], cwd=REPO,
                                           capture_output=True, text=True).stdout


# -- migration 0011 on rows that already exist -------------------------------------------------------


def _migration_round_trip(url: str) -> None:
    boards = BoardHost(get_plugin_manager())
    boards.import_models()
    engine = make_engine(url)
    migrate.upgrade(engine, boards)
    session = make_session_factory(engine)()
    session.add(Region(code="230602", name="萨尔图区", level="district"))
    session.flush()
    hh = Household(region_code="230602", area_type="urban", address="迁移街1号")
    session.add(hh)
    session.flush()
    people = [Person(household_id=hh.id, name=f"成员{i}", id_number=_number(800 + i), birth_date=BORN, sex="M")
              for i in range(3)]
    people.append(Person(household_id=hh.id, name="无证号", id_number=None, birth_date=BORN, sex="F"))
    session.add_all(people)
    session.flush()
    session.add(_volunteer(people[0].id_number))
    session.add(DisabilityCertificate(person_id=people[1].id, number=f"{people[1].id_number}21", category=2, grade=1))
    session.commit()
    session.close()
    numbers = [p.id_number for p in people if p.id_number]

    migrate.downgrade(engine, boards, "0009_privacy")
    with engine.connect() as conn:
        assert sorted(v for v in _raw(conn, "SELECT id_number FROM person") if v) == sorted(numbers)
        assert _raw(conn, "SELECT id_number FROM volunteer") == [numbers[0]]
        assert _raw(conn, "SELECT number FROM disability_certificate") == [f"{numbers[1]}21"]
        # the referencing rows survived the table rebuilds
        assert _raw(conn, "SELECT person_id FROM disability_certificate") == [people[1].id]

    migrate.upgrade(engine, boards)
    assert not migrate.pending(engine, boards)
    with engine.connect() as conn:
        stored = _raw(conn, "SELECT id_number FROM person WHERE id_number IS NOT NULL")
        assert len(stored) == 3 and all(v.startswith("v1:") for v in stored)
        assert sorted(_raw(conn, "SELECT id_number_index FROM person WHERE id_number_index IS NOT NULL")) == sorted(
            crypto.blind_index(n) for n in numbers)
        assert _raw(conn, "SELECT number FROM disability_certificate")[0].startswith("v1:")
    session = make_session_factory(engine)()
    assert session.execute(select(Person.name).where(Person.id_number == numbers[2])).scalar_one() == "成员2"
    assert session.execute(select(Volunteer.id_number)).scalar_one() == numbers[0]
    assert session.execute(select(DisabilityCertificate.person_id)
                           .where(DisabilityCertificate.number == f"{numbers[1]}21")).scalar_one() == people[1].id
    session.close()
    engine.dispose()


def test_migration_0011_encrypts_existing_rows_and_downgrade_restores_them_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _migration_round_trip(f"sqlite:///{tmp_path / 'm.sqlite3'}")


@pytest.mark.postgres
def test_migration_0011_encrypts_existing_rows_and_downgrade_restores_them_on_postgresql() -> None:
    pytest.importorskip("psycopg")
    url = os.environ.get("CAREMATCH_TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    probe = make_engine(url, connect_args={"connect_timeout": 3})
    try:
        with probe.connect():
            pass
    except Exception as exc:
        pytest.skip(f"no PostgreSQL server answers at {url}: {exc.__class__.__name__}")
    finally:
        probe.dispose()
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS identifiers_test CASCADE"))
        connection.execute(text("CREATE SCHEMA identifiers_test"))
    engine.dispose()
    separator = "&" if "?" in url else "?"
    try:
        _migration_round_trip(f"{url}{separator}options=-csearch_path%3Didentifiers_test")
    finally:
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS identifiers_test CASCADE"))
        engine.dispose()


def test_the_test_run_uses_one_fixed_key() -> None:
    assert os.environ.get("CAREMATCH_DATA_KEY"), "tests/conftest.py sets one data key for the whole run"
