"""Multi-rater feedback in a real browser (Debian's chromium through Playwright) on a phone-sized
window (390 × 844): a customer answers a survey link in Chinese, the link refuses a second use and
an expired one refuses any; a QA reviewer completes a form with a failed critical item and, once
the period is recomputed as the command line does, the agent's stored grade is capped."""

from __future__ import annotations

import importlib
import os
from datetime import timedelta

import pytest
from django.utils import timezone

from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal.models import Agent, ScorecardRecord
from frontdesk.web.feedback import surveys
from frontdesk.web.feedback.models import QAForm, Review, SurveyLink

from .conftest import PASSWORD, build_appraisal_data, load_appraisal_data
from .feedback_workspace import make_workspace, recompute, this_month
from .test_appeals import make_user

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def ws(transactional_db, settings, monkeypatch, tmp_path):
    """The test organisation, committed for the live server's thread, a QA reviewer of T1, and a
    workspace where everyone has CSAT 100 this month."""
    load_appraisal_data(build_appraisal_data())
    make_user("qa", Role.QA, teams=("T1",))
    if not QAForm.objects.exists():  # an earlier transactional test flushed the migration's forms
        from django.apps import apps

        importlib.import_module("frontdesk.web.feedback.migrations.0002_builtin_template_and_forms").create(
            apps, None
        )
    return make_workspace(tmp_path / "ws", settings, monkeypatch)


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def open_page(locale: str):
        context = browser.new_context(
            locale=locale, viewport=PHONE, is_mobile=True, has_touch=True, base_url=live_server.url
        )
        contexts.append(context)
        page = context.new_page()
        foreign: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(live_server.url) else foreign.append(r.url))
        page.foreign_requests = foreign
        return page

    yield open_page
    for c in contexts:
        c.close()


def test_a_customer_answers_in_chinese_on_a_phone_once(ws, phone):
    [issued] = surveys.issue(Agent.objects.get(pk="A001"), ["I-2026-5"])
    page = phone("zh-CN")
    page.goto(f"/feedback/s/{issued.token}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "您对本次服务满意吗？"
    assert "李娜" in page.inner_text("main")
    # The scale's buttons are big enough to tap and the page does not scroll sideways.
    box = page.locator("label:has(input[name=csat][value='5']) span").bounding_box()
    assert box["height"] >= 40 and box["width"] >= 40
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("label:has(input[name=csat][value='5']) span").tap()
    page.locator("label:has(input[name=nps][value='9']) span").tap()
    page.fill("textarea[name=comment]", "前台很耐心，谢谢！")
    page.get_by_role("button", name="提交").tap()
    page.wait_for_selector("p.thanks")
    assert page.locator("h1").inner_text() == "谢谢您"
    rows = sorted(ws.store().read("surveys").to_pylist(), key=lambda r: r["survey_id"])
    mine = [r for r in rows if r["survey_id"].startswith("WS")]
    assert [(r["kind"], r["score"], r["scale_max"], r["agent_id"], r["interaction_id"]) for r in mine] == [
        ("csat", 5.0, 5.0, "A001", "I-2026-5"),
        ("nps", 9.0, 10.0, "A001", "I-2026-5"),
    ]
    assert mine[0]["comment"] == "前台很耐心，谢谢！"
    assert SurveyLink.objects.get().language == "zh-hans"
    # A second visit: the link is used.
    response = page.goto(f"/feedback/s/{issued.token}/")
    assert response.status == 410
    assert "此链接已被使用" in page.inner_text("main")
    assert page.foreign_requests == []


def test_an_expired_survey_link_takes_no_answer(ws, phone):
    [issued] = surveys.issue(Agent.objects.get(pk="A002"), ["I-9"], now=timezone.now() - timedelta(days=8))
    page = phone("en-US")
    response = page.goto(f"/feedback/s/{issued.token}/")
    assert response.status == 410 and "This link has expired." in page.inner_text("main")
    # Switching the language on the page keeps the reader on it.
    with page.expect_navigation():
        page.get_by_role("button", name="简体中文").tap()
    assert "此链接已过期" in page.inner_text("main")
    assert [r for r in ws.store().read("surveys").to_pylist() if r["survey_id"].startswith("WS")] == []


def test_a_failed_critical_item_caps_the_agent_s_grade(ws, phone):
    period = this_month()
    recompute(ws, period)

    def stored() -> ScorecardRecord:
        return ScorecardRecord.objects.get(
            agent_id="A001", run__cycle__period=period.label, run__superseded=False
        )

    assert stored().grade == "A"
    form = QAForm.objects.get(method="mystery_shopper")
    page = phone("en-US")
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "qa")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").tap()
    page.goto(f"/feedback/qa/new/?form={form.pk}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.select_option("select[name=agent]", "A001")
    assert page.locator("select[name=method]").input_value() == "mystery_shopper"
    for c in form.criteria.all():
        if c.critical:
            page.select_option(f"select[name=s-{c.pk}]", label="Fail")
        elif c.code == "closing":
            page.check(f"input[name=na-{c.pk}]")
        else:
            page.select_option(f"select[name=s-{c.pk}]", str(c.max_score))
    page.get_by_role("button", name="Record the inspection").tap()
    page.wait_for_selector(".critical-failure")
    review = Review.objects.get()
    assert review.critical_failed and review.method == "mystery_shopper" and review.agent_id == "A001"
    # greeting 5 + needs 10 + language 5 + process 10 (closing not applicable), security failed 0 of 10.
    assert (review.score, review.max_score) == (30.0, 40.0)
    recompute(ws, period)
    capped = stored()
    assert capped.grade == "C" and "capped" in capped.flags
    assert capped.explanation["capped_by"].startswith("qa_critical_failures > 0")
    assert page.foreign_requests == []
