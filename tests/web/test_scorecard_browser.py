"""The scorecard page in a real browser (Debian's chromium through Playwright): the drill-down loads
an indicator's records into the page through htmx and pages through them; and every page that shows
scorecards, appeals or times fits a phone (390 × 844) without sideways scrolling. Set
``FRONTDESK_SCREENSHOTS=DIR`` to keep a screenshot of each page for a person to look at."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.web.appeals import workflow
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.models import IndicatorRecord

from .conftest import PASSWORD, build_appraisal_data, load_appraisal_data
from .test_appeals import make_user, user

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser]

PERIOD = "2026-10"
T0 = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)
PHONE = {"width": 390, "height": 844}
# Tables whose content is wider than their box (cut off, or scrolled sideways inside the page).
CLIPPED_TABLES = """Array.from(document.querySelectorAll('.table-wrap'))
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => (e.querySelector('table') || e).className)"""


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    """October in review with an appeal of A001 decided; 30 chats of A001 in the event store."""
    load_appraisal_data(build_appraisal_data(), publish=False)
    store.transition(PERIOD, "monthly", "in_review")
    make_user("auditor", "auditor")
    rows = [
        dict(interaction_id=f"C{i:02d}", channel="chat", agent_id="A001", created_at=T0 + timedelta(hours=i),
             first_response_at=T0 + timedelta(hours=i, seconds=10 + i), abandoned=False)
        for i in range(30)
    ]  # fmt: skip
    EventStore(tmp_path / "events").write(
        "interactions", pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema)
    )
    settings.WORKSPACE = tmp_path
    csat = IndicatorRecord.objects.get(
        scorecard__agent_id="A001",
        scorecard__run__cycle__period=PERIOD,
        scorecard__run__superseded=False,
        code="csat",
    )
    appeal = workflow.file_appeal(
        user("agent"), csat, reason="Two surveys were not mine.", proposed_value=88.0
    )
    workflow.decide_appeal(user("lead"), appeal, "accepted", comment="Checked: agreed.")
    return {"appeal": appeal.pk}


def open_page(browser, live_server, locale: str, viewport: dict | None = None):
    context = browser.new_context(
        locale=locale, base_url=live_server.url, viewport=viewport or {"width": 1280, "height": 900}
    )
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else foreign.append(r.url))
    page.foreign_requests = foreign
    return context, page


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")


def test_the_drill_down_loads_the_records_into_the_page_and_pages_through_them(browser, live_server, world):
    context, page = open_page(browser, live_server, "en-US")
    sign_in(page, "agent")
    page.goto(f"/agents/A001/?period={PERIOD}")
    address = page.url
    page.locator('table.indicators th[title="first_response"] a.drill').click()
    page.locator("#evidence .evidence-table").wait_for()
    assert page.url == address, "the records open inside the scorecard page"
    records = page.locator("#evidence th.record").all_inner_texts()
    assert [r.split(":")[0] for r in records] == [f"C{i:02d}" for i in range(25)]
    page.locator("#evidence .pager a[rel=next]").click()
    page.locator("#evidence th.record", has_text="C25").wait_for()
    records = page.locator("#evidence th.record").all_inner_texts()
    assert [r.split(":")[0] for r in records] == [f"C{i:02d}" for i in range(25, 30)]
    assert page.url == address and page.foreign_requests == []
    context.close()


PAGES = [
    ("agent", "/agents/A001/?period=2026-10", "scorecard"),
    ("agent", "/agents/A001/evidence/first_response/?period=2026-10", "evidence"),
    ("agent", "/appeals/", "appeals"),
    ("agent", "/appeals/{appeal}/", "appeal"),
    ("agent", "/appeals/audit/", "audit"),
    ("agent", "/", "home-agent"),
    ("lead", "/ranking/", "ranking"),
    ("lead", "/appeals/statistics/", "statistics"),
    ("director", "/cycles/", "cycles"),
    ("director", "/cycles/2026-10/monthly/", "cycle"),
    ("director", "/", "home-director"),
]


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_pages_fit_a_phone(browser, live_server, world, locale):
    shots = os.environ.get("FRONTDESK_SCREENSHOTS")
    too_wide = []
    for username in ("agent", "lead", "director"):
        context, page = open_page(browser, live_server, locale, PHONE)
        sign_in(page, username)
        for who, url, name in PAGES:
            if who != username:
                continue
            page.goto(url.format(**world))
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append((page.url, width))
            clipped = page.evaluate(CLIPPED_TABLES)
            if clipped:
                too_wide.append((page.url, clipped))
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                full = os.environ.get("FRONTDESK_SCREENSHOTS_FULL", "1") == "1"
                page.screenshot(path=str(Path(shots) / f"{locale}-{name}.png"), full_page=full)
        assert page.foreign_requests == []
        context.close()
    assert too_wide == [], f"pages wider than a phone ({PHONE['width']} px): {too_wide}"
