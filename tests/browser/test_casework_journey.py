"""A grid worker reports a household, civil-affairs staff run the four review steps, the joint
review includes it, a plan is made, and the ledger shows every step — in a real browser."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.idnumber import make_id_number

pytestmark = pytest.mark.browser



def test_from_a_grid_report_to_a_plan_with_every_step_in_the_ledger(page, log_in, live_server) -> None:  # type: ignore[no-untyped-def]
    base = live_server
    number = make_id_number("230602", dt.date(1962, 8, 8), 317)

    # 1. the grid worker reports a household found in hardship (主动发现)
    log_in(page, base, "grid")
    page.goto(f"{base}/grid/report-person")
    page.select_option("select[name=board]", "civil_affairs")
    page.select_option("select[name=region_code]", "230602")
    page.fill("input[name=address]", "萨尔图区东风路12号")
    page.fill("input[name=name_0]", "周玉梅")
    page.fill("input[name=id_number_0]", number)
    page.fill("textarea[name=summary]", "丈夫去世, 无固定收入")
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r".*/grid/$"))
    assert page.locator("#reported").get_by_text("周玉梅").count() == 1

    # 2. civil-affairs staff find it in the board's queue and run the four review steps
    log_in(page, base, "civil")
    page.goto(f"{base}/cases/")
    page.locator("table[data-queue=new] a").first.click()
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    case_url = page.url
    page.click("form[action$='/pre-check'] button")
    page.wait_for_url(case_url)
    assert page.locator("li[data-step=pre_check].done").count() == 1
    assert page.locator("#findings tr[data-programme='civil_affairs.dibao']").count() == 1

    page.select_option("form[action$='/impact'] select[name=level]", "high")
    page.fill("form[action$='/impact'] textarea[name=notes]", "主要劳动力去世, 家庭无收入")
    page.click("form[action$='/impact'] button")
    page.wait_for_url(case_url)

    visit = page.locator("form[action$='/home-visit']")
    visit.locator("input[name=investigator_1]").fill("王敏")
    visit.locator("input[name=investigator_2]").fill("刘洋")
    visit.locator("textarea[name=findings]").fill("住房简陋, 情况属实")
    visit.locator("input[name=investigators_signed]").check()
    visit.locator("input[name=household_signed]").check()
    visit.locator("button").click()
    page.wait_for_url(case_url)

    documents = page.locator("form[action$='/documents']")
    for box in documents.locator("input[name=present]").all():
        box.check()
    documents.locator("button").click()
    page.wait_for_url(case_url)
    assert page.locator("ol.steps li.done").count() == 4

    # the preliminary opinion is posted for 7 days (S2 Art. 19): name, household size, amount only
    page.fill("#notice-form input[name=location]", "东风社区公示栏")
    page.fill("#notice-form input[name=amount_yuan]", "560")
    page.click("#notice-form button")
    page.wait_for_url(case_url)
    published = page.locator("#public-notice tr[data-purpose=preliminary_opinion]")
    assert published.count() == 1 and "周玉梅" in published.inner_text() and number not in published.inner_text()
    # submitted once the 7 days have run (the date of submission is recorded on the form)
    page.fill("form[action$='/submit'] input[name=on]", (dt.date.today() + dt.timedelta(days=7)).isoformat())
    page.click("form[action$='/submit'] button")
    page.wait_for_url(case_url)
    assert page.locator("h1 .stage").get_attribute("data-stage") == "awaiting_joint_review"

    # 3. the joint review includes it and names civil affairs responsible
    log_in(page, base, "reviewer")
    page.goto(f"{base}/joint-review/")
    page.fill("input[name=member_name_0]", "王主任")
    page.select_option("select[name=member_board_0]", "civil_affairs")
    row = page.locator("#meeting-form tr[data-case]").first
    row.locator("select").select_option("include")
    row.locator("input[name^=reasons_]").fill("符合低保条件, 同意纳入")
    page.click("#meeting-form > button")
    page.wait_for_url(re.compile(r".*/joint-review/\d+$"))
    assert page.get_by_text("符合低保条件, 同意纳入").count() == 1

    # 4. civil affairs makes the plan: enrolment with the computed amount
    log_in(page, base, "civil")
    page.goto(case_url)
    page.select_option("form[action$='/measures/material'] select[name=programme_key]", "civil_affairs.dibao")
    page.click("form[action$='/measures/material'] button")
    page.wait_for_url(case_url)
    assert page.locator("#measures tr[data-measure='civil_affairs.dibao']").count() == 1
    assert page.locator("h1 .stage").get_attribute("data-stage") == "active"

    # 5. the ledger shows every step
    kinds = page.locator("#ledger tr[data-kind]").evaluate_all("rows => rows.map(r => r.dataset.kind)")
    assert kinds[0] == "intake"
    assert kinds.count("step") == 4
    for kind in ("public_notice", "submitted", "decision", "responsible", "plan", "enrolment"):
        assert kind in kinds, kinds
