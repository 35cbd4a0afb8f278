"""Consent: two kinds, guardians for under-14s, withdrawal stops sharing at once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.models import AuditEvent
from core.privacy import consent as C
from core.privacy.models import Consent
from helpers import household

TODAY = dt.date.today()


def test_an_under_14_needs_a_guardian(session) -> None:  # type: ignore[no-untyped-def]
    _h, child = household(session, born=TODAY.replace(year=TODAY.year - 10), name="小明")
    with pytest.raises(C.ConsentError) as refused:
        C.give(session, None, child, "share_with_volunteers", given_on=TODAY)
    assert refused.value.code == "guardian_required"
    row = C.give(session, None, child, "share_with_volunteers", given_on=TODAY, given_by="guardian",
                 guardian_name="王父")
    assert C.shares_with_volunteers(session, child.id, TODAY)
    assert not C.in_force(session, child.id, "sensitive_data", TODAY)  # a separate consent
    C.withdraw(session, None, row.id, on=TODAY)
    assert not C.shares_with_volunteers(session, child.id, TODAY)  # at once, not tomorrow
    actions = [a.action for a in session.execute(select(AuditEvent)).scalars()]
    assert actions.count("consent_given") == 1 and actions.count("consent_withdrawn") == 1


def test_an_adult_is_shared_with_until_they_withdraw(session) -> None:  # type: ignore[no-untyped-def]
    _h, adult = household(session, born=dt.date(1950, 1, 1))
    assert C.shares_with_volunteers(session, adult.id, TODAY, child=False)
    row = C.give(session, None, adult, "share_with_volunteers", given_on=TODAY - dt.timedelta(days=10))
    C.withdraw(session, None, row.id, on=TODAY)
    assert not C.shares_with_volunteers(session, adult.id, TODAY, child=False)


def test_the_volunteer_card_checks_the_consent_table(session) -> None:  # type: ignore[no-untyped-def]
    from core.volunteering import services as S

    _h, child = household(session, born=TODAY.replace(year=TODAY.year - 9))
    assert not S.recipient_consent_in_force(session, child.id, TODAY)
    S.record_recipient_consent(session, child.id, "赵父", TODAY, None)
    assert S.recipient_consent_in_force(session, child.id, TODAY)
    row = session.execute(select(Consent).where(Consent.person_id == child.id)).scalar_one()
    assert (row.kind, row.given_by, row.guardian_name) == ("share_with_volunteers", "guardian", "赵父")


def test_staff_give_and_withdraw_on_the_household_page(privacy_app, client, login, session) -> None:  # type: ignore[no-untyped-def]
    h, adult = household(session, born=dt.date(1960, 5, 5), name="李四")
    session.commit()
    login("civil")
    page = client.get(f"/households/{h.id}").get_data(as_text=True)
    assert f"/people/{adult.id}/consents" in page
    response = client.post(f"/people/{adult.id}/consents", data={"kind": "sensitive_data", "given_by": "self",
                                                                 "legal_basis": "consent"})
    assert response.status_code == 302
    row = session.execute(select(Consent).where(Consent.person_id == adult.id)).scalar_one()
    assert client.post(f"/consents/{row.id}/withdraw").status_code == 302
    session.expire_all()
    assert session.get(Consent, row.id).withdrawn_on == TODAY
    login("auditor")
    assert client.post(f"/people/{adult.id}/consents", data={"kind": "sensitive_data"}).status_code == 403
