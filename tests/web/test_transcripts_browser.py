"""The transcript page in a real browser (Debian's chromium through Playwright) at a phone's size, in
Chinese: the greeting is highlighted and labelled, the customer's phone number is masked, and the
page fits the phone without sideways scrolling. ``FRONTDESK_SCREENSHOTS=DIR`` keeps a screenshot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import build_appraisal_data, load_appraisal_data
from .test_scorecard_browser import PHONE as PHONE_SIZE
from .test_scorecard_browser import open_page, sign_in
from .test_transcripts import PHONE, SECRETS, write_world

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser]


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    load_appraisal_data(build_appraisal_data())
    write_world(tmp_path)
    settings.WORKSPACE = tmp_path


def test_a_chinese_transcript_on_a_phone(browser, live_server, world):
    context, page = open_page(browser, live_server, "zh-CN", PHONE_SIZE)
    sign_in(page, "agent")
    page.goto("/interactions/CZ1/transcript/")
    assert page.locator("h1").inner_text() == "对话记录 CZ1"

    greeting = page.locator(".turn-agent mark.mark-greeting").first
    assert greeting.inner_text() == "您好"
    assert greeting.is_visible()
    # Highlighted: a background that is not the page's, and a visible label, not colour alone.
    background = greeting.evaluate("e => getComputedStyle(e).backgroundColor")
    turn_background = page.locator(".turn-agent").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in (turn_background, "rgba(0, 0, 0, 0)")
    tag = page.locator(".turn-agent mark.mark-greeting + .mark-tag").first
    assert tag.is_visible() and tag.inner_text() == "问候"

    first = page.locator(".turn-customer .turn-text").first.inner_text()
    assert "[PHONE]" in first and PHONE not in first
    text = page.locator("main").inner_text()
    assert all(secret not in text for secret in SECRETS)
    assert page.locator(".turn-customer .mood").last.inner_text().startswith("▲ 积极 +")

    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways on a phone: {width}"
    assert page.foreign_requests == []
    shots = os.environ.get("FRONTDESK_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / "transcript-zh-phone.png"), full_page=True)
    context.close()
