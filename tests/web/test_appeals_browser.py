"""Appeals in a real browser (Debian's chromium through Playwright): the agent appeals one indicator
from the scorecard, the lead accepts it, the agent sees the adjusted score and the audit entry; in
English and in Chinese; nothing is fetched from anywhere but the server itself."""

from __future__ import annotations

import os

import pytest

from frontdesk.scoring.scores import linear_score
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.models import IndicatorRecord, ScorecardRecord
from frontdesk.web.appraisal.templatetags.scorecard_format import number

from .conftest import PASSWORD, build_appraisal_data, load_appraisal_data

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


PERIOD = "2026-10"

pytestmark = [
    pytest.mark.browser,
]

# What each language shows at each step.
WORDS = {
    "en-US": {
        "appeal": "Appeal",
        "appeals": "Appeals",
        "open": "Open",
        "accepted": "Accepted",
        "audit": "Audit log",
        "adjusted": "Score adjusted",
        "filed": "Appeal filed",
        "decided": "Appeal decided",
    },
    "zh-CN": {
        "appeal": "申诉",
        "appeals": "申诉",
        "open": "待处理",
        "accepted": "已采纳",
        "audit": "审计日志",
        "adjusted": "调整得分",
        "filed": "提交申诉",
        "decided": "裁定申诉",
    },
}


@pytest.fixture
def in_review(transactional_db):
    """The test organisation, committed for the live server's thread, with October in review."""
    data = build_appraisal_data()
    load_appraisal_data(data, publish=False)
    store.transition(PERIOD, "monthly", "in_review")
    return data


@pytest.fixture
def page_for(browser, live_server):
    """A function that opens a fresh browser context in ``locale`` and returns its page, which
    records every request made to another origin than the live server's."""
    contexts = []

    def open_page(locale: str):
        context = browser.new_context(locale=locale, base_url=live_server.url)
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


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_agent_appeals_lead_accepts_agent_sees_the_adjusted_score_and_the_audit_entry(
    page_for, in_review, locale
):
    words = WORDS[locale]
    csat = IndicatorRecord.objects.get(
        scorecard__agent_id="A001",
        scorecard__run__cycle__period=PERIOD,
        scorecard__run__superseded=False,
        code="csat",
    )
    total_before = csat.scorecard.total

    # The agent files an appeal from the scorecard's csat row.
    agent = page_for(locale)
    sign_in(agent, "agent")
    agent.goto("/agents/A001/")
    row = agent.locator("table.indicators tbody tr", has=agent.locator('th[title="csat"]'))
    link = row.locator("a.appeal-file")
    assert link.inner_text() == words["appeal"]
    link.click()
    agent.fill(
        "textarea[name=reason]",
        "两份问卷属于他人的接待。" if locale == "zh-CN" else "Two surveys were not mine.",
    )
    agent.fill("input[name=proposed_value]", "88")
    agent.fill("textarea[name=evidence]", "T-1024")
    agent.click("form.appeal-form button[type=submit]")
    agent.wait_for_load_state("networkidle")
    assert agent.locator(".appeal-meta .appeal-status").inner_text() == words["open"]

    # The lead finds it among the team's appeals and accepts it.
    lead = page_for(locale)
    sign_in(lead, "lead")
    nav_link = lead.locator('nav a[href="/appeals/"]')
    assert nav_link.inner_text() == words["appeals"]
    nav_link.click()
    lead.locator("table.appeals tbody tr a.appeal-status").first.click()
    lead.check("input[name=decision][value=accepted]")
    lead.fill("textarea[name=comment]", "核实无误。" if locale == "zh-CN" else "Checked: agreed.")
    lead.click("form.decision-form button[type=submit]")
    lead.wait_for_load_state("networkidle")
    assert lead.locator(".appeal-meta .appeal-status").inner_text() == words["accepted"]

    # The agent sees the new score and total on the scorecard, then the audit entries.
    new_score = round(linear_score(88.0, csat.target, csat.floor), 2)
    record = ScorecardRecord.objects.get(pk=csat.scorecard_id)
    assert record.total != total_before
    agent.goto("/agents/A001/")
    row = agent.locator("table.indicators tbody tr", has=agent.locator('th[title="csat"]'))
    assert row.locator("td[data-label] >> nth=4").inner_text() == f"{new_score:.1f}"
    assert row.locator("a.appeal-status").inner_text() == words["accepted"]
    assert agent.locator(".tile-total .tile-value").inner_text() == f"{record.total:.1f}"
    audit_link = agent.locator('nav a[href="/appeals/audit/"]')
    assert audit_link.inner_text() == words["audit"]
    audit_link.click()
    agent.wait_for_load_state("networkidle")
    actions = agent.locator("table.audit td.audit-action").all_inner_texts()
    assert sorted(actions) == sorted([words["filed"], words["adjusted"], words["decided"]])
    adjusted = agent.locator("table.audit tbody tr", has_text=words["adjusted"]).inner_text()
    assert f"{number(csat.value)} → 88" in adjusted
    assert f"{number(total_before)} → {number(record.total)}" in adjusted

    assert agent.foreign_requests == [] and lead.foreign_requests == []
