"""The data-quality page (/quality/): who may open it and for which teams, what it lists, paging,
Chinese, the explanation of data-quality flags on a scorecard, and the page on a phone in Chromium.

The event store is the hand-built one of tests/test_quality.py (period 2026-10): T1 = A1 (heaped
hand-written times, five perfect ratings) and A2; T2 = A3 (a record stored twice, the same customer
twice in 20 s, an outlier, an impossible time, three NPS answers) and X9's two contacts (not on the
roster).
"""

from __future__ import annotations

import os
import re

import pytest
from django.test import Client
from test_quality import build_quality_store

from frontdesk.indicators.periods import parse_period
from frontdesk.scoring.scheme import load_scheme
from frontdesk.usecases.compute import compute_scorecards
from frontdesk.usecases.workspace import init_workspace
from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal import store
from frontdesk.web.insights import quality as quality_view

from .conftest import PASSWORD
from .test_appeals import make_user
from .test_web_i18n import english_words, visible_text

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's event loop runs in this thread

SCREENSHOT = "/tmp/frontdesk-quality-phone.png"
PLANTED = ("C-dup", "C-n1, C-n2", "C3-out", "C-bad", "X-1, X-2")


def _world(settings, root) -> None:
    """The workspace with the hand-built store, its organisation in the database, the October
    scorecards computed and published, and one login per role."""
    init_workspace(root, timezone="UTC")
    events = build_quality_store(root / "events")
    settings.WORKSPACE = root
    store.sync_organisation([], events.read("teams").to_pylist(), events.read("agents").to_pylist())
    period = parse_period("2026-10")
    scheme = load_scheme()
    cards = compute_scorecards(events, period, scheme, "UTC")
    store.save_scorecards(cards, period=period.label, cycle=period.cycle, scheme_version=scheme.version_id)
    store.transition(period.label, period.cycle, "in_review")
    store.transition(period.label, period.cycle, "published")
    make_user("director", Role.DIRECTOR)
    make_user("auditor", Role.AUDITOR)
    make_user("lead", Role.LEAD, teams=("T1",))
    make_user("qa", Role.QA, teams=("T1",))
    make_user("agent", Role.AGENT, agent="A1")
    quality_view._cache.clear()


@pytest.fixture
def world(db, settings, tmp_path) -> None:
    _world(settings, tmp_path)


def as_user(username: str | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if username:
        assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("username", "status"),
    [("director", 200), ("auditor", 200), ("lead", 200), ("qa", 403), ("agent", 403)],
)
def test_who_may_open_the_page(world, username, status):
    assert as_user(username).get("/quality/?period=2026-10").status_code == status


def test_anonymous_users_are_sent_to_sign_in(world):
    response = as_user(None).get("/quality/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_director_sees_every_planted_finding_with_its_keys(world):
    response = as_user("director").get("/quality/?period=2026-10")
    text = visible_text(response.content)
    for keys in PLANTED:
        assert keys in text, keys
    assert "resolved before the contact was created" in text
    # The default period is the newest month with contacts.
    assert visible_text(as_user("director").get("/quality/").content) == text
    # Agents with a doubtful survey sample: A1 (5 CSAT ratings) and A3 (3 NPS answers).
    doubtful = re.search(r"Doubtful samples(.*?)All \d+ samples", text).group(1)
    assert "A1" in doubtful and "A3" in doubtful and "A2" not in doubtful


def test_a_lead_sees_only_the_teams_they_supervise(world):
    lead = as_user("lead")
    text = visible_text(lead.get("/quality/?period=2026-10").content)
    assert "Li Na" in text and "A1" in text  # A1's heaped times and doubtful ratings
    for keys in PLANTED:
        assert keys not in text, keys
    assert "Liu Yang" not in text and "X9" not in text
    assert lead.get("/quality/?period=2026-10&team=T2").status_code == 404
    assert lead.get("/quality/?period=2026-10&team=T1").status_code == 200


def test_a_team_selection_narrows_the_directors_report(world):
    text = visible_text(as_user("director").get("/quality/?period=2026-10&team=T1").content)
    assert "Nothing to check." in text and "C-dup" not in text


def test_findings_are_paged_and_filtered_by_kind(world, monkeypatch):
    monkeypatch.setattr(quality_view, "PAGE_SIZE", 2)
    director = as_user("director")
    pages = [visible_text(director.get(f"/quality/?period=2026-10&page={n}").content) for n in (1, 2, 3)]
    assert "page 1 of 3" in pages[0] and "page 3 of 3" in pages[2]
    shown = [[k for k in PLANTED if k in page] for page in pages]
    assert sorted(k for found in shown for k in found) == sorted(PLANTED)
    assert [len(found) for found in shown] == [2, 2, 1]
    outliers = visible_text(director.get("/quality/?period=2026-10&check=outlier").content)
    assert "C3-out" in outliers and "C-dup" not in outliers


def test_a_long_list_of_keys_is_cut_with_a_count(world, monkeypatch):
    monkeypatch.setattr(quality_view, "KEYS_SHOWN", 1)
    text = visible_text(as_user("director").get("/quality/?period=2026-10&check=unknown_agent").content)
    assert "X-1 … (+1)" in text and "X-2" not in text


@pytest.mark.parametrize("query", ["period=nonsense", "period=2026-10&check=bogus", "team=NOPE"])
def test_a_bad_parameter_is_a_404(world, query):
    assert as_user("director").get(f"/quality/?{query}").status_code == 404


def test_the_page_reads_in_chinese(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username="director", password=PASSWORD)
    text = visible_text(client.get("/quality/?period=2026-10").content)
    assert "数据质量" in text
    # What is left in Latin letters is data: names without a Chinese form, team names, record keys.
    names = {"Li", "Na", "Wang", "Wei", "Liu", "Yang", "Desk", "Chat", "night"}
    data = names | {"dup", "out", "bad"}
    assert english_words(text) - data == set()


def test_the_nav_links_the_page_for_those_who_may_open_it(world):
    assert 'href="/quality/"' in as_user("lead").get("/").content.decode()
    assert 'href="/quality/"' not in as_user("agent").get("/").content.decode()


def test_the_scorecard_explains_its_data_quality_flags(world):
    text = visible_text(as_user("director").get("/agents/A1/?period=2026-10").content)
    assert "hand-recorded times rounded to five minutes" in text
    assert "the 95 percent confidence interval of this value is wider" in text
    assert "See the data-quality report" in text
    own = as_user("agent").get("/agents/A1/?period=2026-10")
    assert "too few ratings to be sure" in visible_text(own.content)
    assert "/quality/" not in own.content.decode()  # agents are not sent to a page they may not open
    # A2 writes every contact by hand, smoothly: only the hand-recording is explained.
    a2 = visible_text(as_user("director").get("/agents/A2/?period=2026-10").content)
    assert "were written down by hand rather than recorded by a system" in a2
    assert "rounded to five minutes" not in a2 and "confidence interval" not in a2


@pytest.mark.browser
def test_the_page_on_a_phone(browser, live_server, transactional_db, settings, tmp_path):
    _world(settings, tmp_path)
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    try:
        page = context.new_page()
        foreign: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(live_server.url) else foreign.append(r.url))
        page.goto("/accounts/login/")
        page.fill("input[name=username]", "director")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_load_state("networkidle")
        page.click("nav.nav >> text=数据质量")
        page.wait_for_load_state("networkidle")
        assert "数据质量" in page.locator("h1").inner_text()
        findings = page.locator("table.findings tbody tr")
        assert findings.count() == 5
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=SCREENSHOT, full_page=True)
        page.click("ul.checks >> text=异常值")
        page.wait_for_load_state("networkidle")
        assert findings.count() == 1 and "C3-out" in findings.nth(0).inner_text()
        assert foreign == []
    finally:
        context.close()


def test_rows_refused_by_the_periods_imports_are_listed_per_agent(world, settings):
    """A1 and A3 each have refused rows in a batch created now: the page of the batch's month lists
    them (a lead only their team's agent), in English and Chinese; October, the rows' own month, not."""
    from datetime import UTC, datetime

    from frontdesk.ingest import batches, import_files, load_preset
    from frontdesk.store.eventstore import EventStore

    root = settings.WORKSPACE
    (root / "r.csv").write_text(
        "interaction_id,agent_id,channel,created_at,first_response_at\n"
        "R0,A2,chat,2026-10-05 09:00,2026-10-05 09:01\n"  # accepted: the batch is committed
        "R1,A1,chat,not a time,\n"
        "R2,A3,fax,2026-10-05 10:00,\n"
        "R3,A3,chat,2026-10-05 11:00,2026-10-05 10:00\n",
        "utf-8",
    )
    events = EventStore(root / "events")
    report = import_files(
        events, [root / "r.csv"], load_preset("generic"), root / "imports", ["interactions"]
    )
    assert report.tables["interactions"].refused_by_agent == {"A1": 1, "A3": 2}
    (doc,) = [d for d in batches.manifests(events) if d["batch_id"] == report.batch_id]
    month = datetime.fromisoformat(str(doc["created_at"])).astimezone(UTC).strftime("%Y-%m")

    text = visible_text(as_user("director").get(f"/quality/?period={month}").content)
    refused = text.split("Rows refused by imports")[1].split("Records to check")[0]
    assert re.search(r"Li Na\s+A1\s+Desk\s+1\b", refused), refused
    assert re.search(r"Liu Yang\s+A3\s+Chat\s+2\b", refused), refused
    lead = visible_text(as_user("lead").get(f"/quality/?period={month}").content)
    lead_refused = lead.split("Rows refused by imports")[1].split("Records to check")[0]
    assert "A1" in lead_refused and "A3" not in lead_refused
    october = visible_text(as_user("director").get("/quality/?period=2026-10").content)
    assert "No rows naming an agent were refused." in october
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username="director", password=PASSWORD)
    zh = visible_text(client.get(f"/quality/?period={month}").content)
    assert "导入时被拒收的行" in zh and "拒收行数" in zh


def test_an_implausible_customer_is_named_and_counted_in_both_languages():
    from django.utils import translation

    with translation.override("en"):
        assert str(quality_view.CHECKS["implausible_customer"]).startswith("Implausible customer")
        assert quality_view._value_text("implausible_customer", 60.0) == "60 contacts"
    with translation.override("zh-hans"):
        assert re.search(r"[\u4e00-\u9fff]", str(quality_view.CHECKS["implausible_customer"]))
