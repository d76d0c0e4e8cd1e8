"""The pages in a real browser (Debian's chromium through Playwright): an agent reads their own
scorecard in Chinese and in English and is refused another's; a lead sees their whole team."""

from __future__ import annotations

import os
import re

import pytest

from frontdesk.web.appraisal.templatetags.scorecard_format import number

from .conftest import PASSWORD, AppraisalData, build_appraisal_data, load_appraisal_data

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


SCREENSHOT = "/tmp/frontdesk-scorecard-phone.png"

pytestmark = [
    pytest.mark.browser,
]


@pytest.fixture
def stored(transactional_db) -> AppraisalData:
    """The test organisation, committed so that the live server's thread sees it."""
    data = build_appraisal_data()
    load_appraisal_data(data)
    return data


@pytest.fixture
def page_for(browser, live_server):
    """A function that opens a fresh browser context (Chinese by default) and returns its page."""
    contexts = []

    def open_page(locale: str = "zh-CN", **viewport):
        context = browser.new_context(locale=locale, base_url=live_server.url, **viewport)
        contexts.append(context)
        page = context.new_page()
        foreign = []
        page.on("request", lambda r: None if r.url.startswith(live_server.url) else foreign.append(r.url))
        page.foreign_requests = foreign
        return page

    yield open_page
    for c in contexts:
        c.close()


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")


def test_agent_reads_own_scorecard_in_chinese_then_english_and_is_refused_another(
    page_for, stored, live_server
):
    page = page_for()
    sign_in(page, "agent")
    assert page.url.endswith("/")  # the home page: what needs attention, with a link to the scorecard
    page.click(".home-own a[href^='/agents/A001/']")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/agents/A001/\?period=2026-10$", page.url)

    latest = stored.card("2026-10", "A001")
    body = page.locator("main")
    assert page.locator("h1").inner_text() == "李娜"
    text = body.inner_text()
    for words in ["绩效记分卡", "总分", "组内排名", "全公司排名", "首次响应时间", "问题首次解决率"]:
        assert words in text
    assert page.locator(".tile-total .tile-value").inner_text() == f"{latest.total:.1f}"
    assert f"{latest.rank_team} / 3" in page.locator(".summary").inner_text().replace("\n", " ")
    frt = latest.indicators["first_response"].value
    assert f"{number(frt)} 秒" in page.locator("table.indicators").inner_text()

    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Li Na"
    text = body.inner_text()
    for words in ["Total", "Rank in team", "Rank in organisation", "First response time"]:
        assert words in text
    assert "总分" not in text

    # An earlier period of one's own is fine; anyone else's scorecard is not, by URL or by parameter.
    page.select_option("select[name=period]", "2026-09")
    page.click("form.filters button[type=submit]")
    assert (
        page.locator(".tile-total .tile-value").inner_text() == f"{stored.card('2026-09', 'A001').total:.1f}"
    )
    for url in ["/agents/A002/", "/agents/A004/?period=2026-10", "/agents/A006/?period=2026-Q3&team=T3"]:
        response = page.goto(url)
        assert response.status == 404
        assert stored.card("2026-10", url.split("/")[2]).name not in page.content()
    assert page.foreign_requests == []


def test_lead_sees_the_team_ranking_with_every_member(page_for, stored):
    page = page_for()
    sign_in(page, "lead")
    page.goto("/ranking/?team=T1")
    rows = page.locator("table.ranking tbody tr")
    members = {a["agent_id"]: a["name_zh"] for a in stored.agents if a["team_id"] == "T1"}
    assert rows.count() == len(members)
    table = page.locator("table.ranking").inner_text()
    for agent_id, name_zh in members.items():
        assert agent_id in table and name_zh in table
    assert "刘洋" not in table and "A004" not in table
    # The ranking follows the stored team ranks.
    first = sorted((c for c in stored.runs[1].cards if c.team_id == "T1"), key=lambda c: c.rank_team)[0]
    assert first.agent_id in rows.nth(0).inner_text()


def test_scorecard_on_a_phone(page_for, stored):
    page = page_for(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    sign_in(page, "agent")
    page.goto("/agents/A002/")  # not theirs
    assert "A002" not in page.locator("main").inner_text()
    page.goto("/agents/A001/?period=2026-10")
    # Nothing sticks out sideways: the page fits the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert os.path.getsize(SCREENSHOT) > 10_000


def test_director_closes_a_cycle_on_a_phone(page_for, stored):
    from frontdesk.web.appraisal import store

    page = page_for(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sign_in(page, "director")
    page.goto("/cycles/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    row = page.locator("table.cycles tbody tr", has_text="2026-10")
    row.locator("button", has_text="关闭（冻结）").click()
    page.wait_for_load_state("networkidle")
    assert dialogs and "2026-10" in dialogs[0]
    assert "2026-10 (月度) 现为“已关闭”。" in page.locator(".messages").inner_text()
    assert store.cycle_state("2026-10", "monthly") == "closed"
    assert page.locator("table.cycles tbody tr", has_text="2026-10").locator("button").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/frontdesk-cycles-phone.png", full_page=True)
