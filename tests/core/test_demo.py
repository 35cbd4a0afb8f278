"""The synthetic Daqing demo data set (`carematch demo`): valid identities, the nine areas,
the three care groups, both care boards, determinism and idempotence."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import migrate
from core.db import make_engine
from core.demo import DEMO_LOGINS, _allowed, seed_demo
from core.idnumber import age_on, parse_disability_certificate, parse_id_number
from core.models import (
    AssetItem,
    Assignment,
    DisabilityCertificate,
    ExpenditureItem,
    Household,
    IncomeItem,
    Need,
    Person,
    Region,
    SelfCareAssessment,
    Supporter,
    User,
    Volunteer,
)
from core.regions import AREA_CODES, seed_regions

TODAY = dt.date(2026, 3, 1)  # fixed, so the determinism test cannot straddle midnight
SMALL = 120
PHONE = re.compile(r"^1[358]\d{9}$")
DEMO_TABLES = (Household, Person, DisabilityCertificate, IncomeItem, AssetItem, ExpenditureItem,
               SelfCareAssessment, Supporter, Need, Volunteer, Assignment, Region, User)


def _counts(session: Session) -> dict[str, int]:
    return {m.__tablename__: session.execute(select(func.count()).select_from(m)).scalar_one() for m in DEMO_TABLES}


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Demo logins are hashed with minimal argon2 cost here: the hashes stay real, the tests fast."""
    import core.auth

    monkeypatch.setattr(core.auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def demo(session: Session) -> Any:
    summary = seed_demo(session, households=SMALL, seed=20201, today=TODAY)
    session.commit()
    return summary


def test_every_person_has_a_valid_id_number_matching_birth_date_sex_and_area(session: Session, demo: Any) -> None:
    people = session.execute(select(Person)).scalars().all()
    assert len(people) == demo.people > SMALL
    for person in people:
        parsed = parse_id_number(person.id_number, today=TODAY)
        assert parsed.number == person.id_number
        assert (parsed.birth_date, parsed.sex) == (person.birth_date, person.sex), person.name
        assert parsed.address_code == person.household.region_code[:6]
        assert 2 <= len(person.name) <= 5
        assert person.phone is None or PHONE.match(person.phone)
    volunteers = session.execute(select(Volunteer)).scalars().all()
    for volunteer in volunteers:
        parsed = parse_id_number(volunteer.id_number, today=TODAY)
        assert (parsed.birth_date, parsed.sex) == (volunteer.birth_date, volunteer.sex)
        assert volunteer.region_code.startswith(parsed.address_code)
    numbers = [p.id_number for p in people] + [v.id_number for v in volunteers]
    assert len(numbers) == len(set(numbers)), "an ID number is used twice"


def test_households_lie_on_demo_streets_of_the_nine_areas(session: Session, demo: Any) -> None:
    households = session.execute(select(Household)).scalars().all()
    assert len(households) == SMALL
    streets = {r.code: r for r in session.execute(select(Region).where(func.length(Region.code) == 9)).scalars()}
    assert len(streets) == demo.streets and {code[:6] for code in streets} == set(AREA_CODES)
    for code, street in streets.items():
        assert street.parent_code == code[:6]
        assert street.level == ("street" if code[:6] < "230621" else "town")
        assert street.name_en.startswith("Demo ")
        assert street.name.endswith("街道" if street.level == "street" else "镇")
    for hh in households:
        assert hh.region_code in streets
        street = streets[hh.region_code]
        assert abs(hh.lat - street.lat) < 0.2 and abs(hh.lon - street.lon) < 0.25
        assert hh.members, "a household without members"
    by_kind = Counter((hh.region_code[:6] < "230621", hh.area_type) for hh in households)
    # districts mostly urban, counties mostly rural
    assert by_kind[(True, "urban")] > by_kind[(True, "rural")]
    assert by_kind[(False, "rural")] > by_kind[(False, "urban")]


def test_the_care_groups_are_realistic(session: Session, demo: Any) -> None:
    people = session.execute(select(Person)).scalars().all()
    left_behind = [p for p in people if p.father_status == "away_working" and age_on(p.birth_date, TODAY) < 16]
    assert left_behind
    for child in left_behind:
        assert child.guardian is not None and child.guardian.household_id == child.household_id
        assert age_on(child.guardian.birth_date, TODAY) >= 45  # a grandparent, not a parent
    alone = [p for p in people if p.lives_alone]
    assert alone
    for person in alone:
        assert age_on(person.birth_date, TODAY) >= 60
        assert len(person.household.members) == 1
    bereaved = session.execute(select(Household).where(Household.only_child_deceased)).scalars().all()
    assert bereaved
    for hh in bereaved:
        assert all(50 <= age_on(m.birth_date, TODAY) <= 75 for m in hh.members)
    # unions for employed or retired urban adults only
    for person in people:
        if person.union_member:
            assert person.employment in ("employed", "retired") and person.household.area_type == "urban"


def test_incomes_certificates_and_other_details(session: Session, demo: Any) -> None:
    incomes = session.execute(select(IncomeItem)).scalars().all()
    assert {i.category for i in incomes} <= {"wage", "business", "property", "transfer", "other"}
    assert {"wage", "transfer"} <= {i.category for i in incomes}
    assert all(isinstance(i.monthly_fen, int) and i.monthly_fen > 0 for i in incomes)
    assert any(i.exempt_reason for i in incomes)
    for cert in session.execute(select(DisabilityCertificate)).scalars():
        parsed = parse_disability_certificate(cert.number, today=TODAY)
        assert parsed.holder.number == cert.person.id_number
        assert (parsed.category, parsed.grade) == (cert.category, cert.grade)
    assert demo.disability_certificates > 0 and demo.assets > 0 and demo.expenditures > 0
    assert demo.supporters > 0 and demo.self_care_assessments > 0
    for sc in session.execute(select(SelfCareAssessment)).scalars():
        assert age_on(sc.person.birth_date, TODAY) >= 60


def test_needs_volunteers_and_assignments(session: Session, demo: Any) -> None:
    needs = session.execute(select(Need)).scalars().all()
    assert {n.category for n in needs} == {"left_behind_child", "elderly_alone", "bereaved_family"}
    assert {n.status for n in needs} == {"approved"}
    for need in needs:
        minor = age_on(need.person.birth_date, TODAY) < 18
        assert need.needs_background_check == minor
        assert 1 <= need.risk <= 3 and need.required_skills and need.slots
        if need.category == "bereaved_family":
            assert need.board == "womens_federation"
    # every need is of a type its board registers, so pages and cards can name it
    from plugins.womens_federation.programmes import NEED_TYPES as WOMEN
    from plugins.youth_league.programmes import NEED_TYPES as YOUTH

    registered = {t.key: t for t in (*YOUTH, *WOMEN)}
    for need in needs:
        assert need.need_type.startswith(need.board + ".") and registered[need.need_type].category == need.category
    volunteers = session.execute(select(Volunteer)).scalars().all()
    assert {v.board for v in volunteers} == {"youth_league", "womens_federation"}
    assert len(needs) / 4 <= len(volunteers) <= len(needs)
    for v in volunteers:
        assert 1 <= v.capacity <= 4 and 5 <= v.max_km <= 20 and v.skills and v.slots
        assert all(re.match(r"^(mon|tue|wed|thu|fri|sat|sun)_(am|pm|eve)$", s) for s in v.slots)
    # continuing pairs obey the matcher's hard rules and each volunteer's capacity
    load: Counter[int] = Counter()
    for a in session.execute(select(Assignment)).scalars():
        need, v = a.need, a.volunteer
        hh = need.person.household
        assert a.state == "accepted"
        assert _allowed(dict(board=need.board, required_skills=need.required_skills,
                             needs_background_check=need.needs_background_check, _lat=hh.lat, _lon=hh.lon,
                             slots=need.slots, gender_hard=need.gender_hard, gender_pref=need.gender_pref,
                             language_hard=need.language_hard, languages=need.languages),
                        dict(state=v.state, board=v.board, skills=v.skills,
                             background_checked_on=v.background_checked_on,
                             background_check_clear=v.background_check_clear, lat=v.lat, lon=v.lon,
                             max_km=v.max_km, slots=v.slots, sex=v.sex, languages=v.languages), TODAY)
        load[v.id] += 1
    assert sum(load.values()) == demo.assignments > 0
    for vid, n in load.items():
        assert n <= session.get(Volunteer, vid).capacity


def test_mongolian_speakers_are_mainly_in_dorbod(session: Session, demo: Any) -> None:
    speakers = [p for p in session.execute(select(Person)).scalars() if "mn" in p.languages]
    assert speakers
    in_dorbod = sum(p.household.region_code.startswith("230624") for p in speakers)
    assert in_dorbod / len(speakers) >= 0.7


def test_logins_skip_existing_usernames_and_link_the_volunteer(session: Session, demo: Any) -> None:
    # the test database already has civil, union, …: those are listed, not recreated
    statuses = {login.username: login.status for login in demo.logins}
    assert statuses["civil"] == "existing" and statuses["volunteer"] == "created"
    assert any("civil" in note for note in demo.notes)
    user = session.execute(select(User).where(User.username == "volunteer")).scalar_one()
    assert user.role == "volunteer"
    linked = session.execute(select(Volunteer).where(Volunteer.user_id == user.id)).scalar_one()
    assert linked.state == "active"
    text = demo.describe()
    assert "demo-volunteer-2026" in text and "existing account" in text
    assert str(demo.households) in text


def test_a_second_run_adds_nothing(session: Session, demo: Any) -> None:
    before = _counts(session)
    again = seed_demo(session, households=SMALL, seed=20201, today=TODAY)
    session.commit()
    assert not again.created
    assert _counts(session) == before
    assert "nothing added" in again.describe()
    assert {login.username for login in again.logins} >= {"admin", "civil", "volunteer"}


def _fresh_core_database(path: Path) -> Session:
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    session = Session(engine)
    seed_regions(session)
    session.commit()
    return session


def _identities(session: Session) -> list[tuple[str, str, str]]:
    people = session.execute(select(Person.name, Person.id_number, Household.region_code)
                             .join(Household).order_by(Person.id)).all()
    volunteers = session.execute(select(Volunteer.name, Volunteer.id_number, Volunteer.region_code)
                                 .order_by(Volunteer.id)).all()
    return [tuple(r) for r in people] + [tuple(r) for r in volunteers]


def test_the_same_seed_gives_the_same_people_in_a_fresh_database(session: Session, demo: Any,
                                                                 tmp_path: Path) -> None:
    other = _fresh_core_database(tmp_path / "other.sqlite3")
    try:
        seed_demo(other, households=SMALL, seed=20201, today=TODAY)
        other.commit()
        assert _identities(other) == _identities(session)
        assert ([(n.category, n.risk, n.required_skills) for n in other.execute(select(Need)).scalars()]
                == [(n.category, n.risk, n.required_skills) for n in session.execute(select(Need)).scalars()])
        # in the fresh database every demo login is new
        usernames = set(other.execute(select(User.username)).scalars())
        assert usernames == {spec.username for spec in DEMO_LOGINS}
    finally:
        other.close()
        other.get_bind().dispose()

    third = _fresh_core_database(tmp_path / "third.sqlite3")
    try:
        seed_demo(third, households=SMALL, seed=7, today=TODAY)
        third.commit()
        assert _identities(third) != _identities(session)
    finally:
        third.close()
        third.get_bind().dispose()


def test_most_people_in_care_consented_to_sharing_with_volunteers_minors_through_a_guardian(
        session: Session, demo: Any) -> None:
    from core.privacy.models import Consent

    in_care = {n.person_id for n in session.execute(select(Need)).scalars()}
    consents = session.execute(select(Consent).where(Consent.kind == "share_with_volunteers")).scalars().all()
    assert {c.person_id for c in consents} <= in_care
    assert 0.75 <= len(consents) / len(in_care) < 1  # about one in ten has not consented yet
    for consent in consents:
        person = session.get(Person, consent.person_id)
        minor = age_on(person.birth_date, TODAY) < 18
        assert consent.given_by == ("guardian" if minor else "self")


def test_with_the_boards_the_demo_opens_cases_at_every_stage_through_the_casework_services(app: Any,
                                                                                            session: Session) -> None:
    from core.models import Case, CarePlan, LedgerEntry, PlanMeasure

    summary = seed_demo(session, households=600, seed=20201, today=TODAY, boards=app.extensions["carematch"].boards)
    session.commit()
    cases = session.execute(select(Case)).scalars().all()
    assert len(cases) == sum(summary.cases.values()) == 11  # 2 % of 600 = 12, split 60/20/20 %: 7 + 2 + 2
    assert set(summary.cases) == {"enrolled", "received", "in_review", "in_notice", "joint_review"}
    stages = Counter(c.stage for c in cases)
    assert stages["active"] == summary.cases["enrolled"]
    assert stages["awaiting_joint_review"] == summary.cases["joint_review"]
    assert {c.owner_board for c in cases} == {"civil_affairs", "disabled_federation", "trade_union"}
    # every enrolled case: a plan, one active measure of its board's programme, paid every month since it started
    payments = 0
    for case in cases:
        plan = session.execute(select(CarePlan).where(CarePlan.case_id == case.id)).scalar_one_or_none()
        kinds = Counter(session.scalars(select(LedgerEntry.kind).where(LedgerEntry.case_id == case.id)))
        assert kinds["intake"] == 1
        if case.stage != "active":
            assert plan is None and kinds["payment"] == 0
            continue
        measures = session.execute(select(PlanMeasure).where(PlanMeasure.plan_id == plan.id)).scalars().all()
        assert [(m.board, m.status) for m in measures] == [(case.owner_board, "active")]
        measure = measures[0]
        assert measure.programme_key.startswith(case.owner_board + ".")
        assert kinds["decision"] == kinds["enrolment"] == 1
        months = (TODAY.year - measure.start_month.year) * 12 + TODAY.month - measure.start_month.month + 1
        assert kinds["payment"] == (months if measure.monthly_fen else 1)
        payments += kinds["payment"]
    assert payments == summary.payments > 0


def test_continuing_pairs_have_visited_at_their_cadence(session: Session) -> None:
    from core.volunteering.models import Visit

    demo = seed_demo(session, households=800, seed=20201, today=TODAY)  # enough pairs for the shares below
    session.commit()

    visits = session.execute(select(Visit)).scalars().all()
    assert len(visits) == demo.visits > 0
    assignments = {a.id: a for a in session.execute(select(Assignment)).scalars()}
    latest: dict[int, dt.date] = {}
    for visit in visits:
        pair = assignments[visit.assignment_id]
        need = session.get(Need, pair.need_id)
        assert (visit.volunteer_id, visit.person_id) == (pair.volunteer_id, need.person_id)
        assert pair.started_on < visit.visited_on < TODAY < visit.record_due_on + dt.timedelta(days=400)
        assert visit.visited_on < visit.record_due_on and 0 < visit.minutes <= 120
        latest[pair.id] = max(latest.get(pair.id, visit.visited_on), visit.visited_on)
    # most pairs are up to date with their need's cadence; some stopped visiting (overdue warnings)
    up_to_date = [a for a in assignments.values()
                  if a.id in latest and (TODAY - latest[a.id]).days <= session.get(Need, a.need_id).visit_every_days + 2]
    assert len(assignments) / 2 < len(up_to_date) < len(assignments)
