"""The scheme's calibration page (/scheme/calibrate/): who may open it, the proposal (changes and
grades before and after), publishing it as the new version of the scheme in force, a proposal
gone stale, Chinese, and the page on a phone in Chromium.

The world: a generated organisation (20 agents, April and May 2026) in a workspace copied for each
test, so publishing in one test never changes another's scheme. The proposal's "after" grades are
checked against what the engine gives when the published scheme is then used to compute the
period: what the page promised is what the next computation does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter

import pytest
from django.test import Client

from frontdesk.indicators.periods import parse_period
from frontdesk.scoring.scheme import load_scheme
from frontdesk.synth import generate
from frontdesk.usecases.compute import compute_scorecards
from frontdesk.usecases.workspace import init_workspace, open_workspace
from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal import store

from .conftest import PASSWORD
from .test_appeals import make_user
from .test_evaluation_page import text_of
from .test_web_i18n import english_words

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's event loop runs in this thread

APRIL = parse_period("2026-04")
SCREENSHOT = "/tmp/frontdesk-calibrate-phone.png"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("calibrate") / "ws"
    ws = init_workspace(root)
    generate(ws.store(), agents=20, months=2, start="2026-04", seed=7)
    return root


@pytest.fixture
def world(db, settings, generated, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(generated, root)
    settings.WORKSPACE = root
    _organisation(root)
    make_user("director", Role.DIRECTOR)
    make_user("admin", Role.ADMIN)
    make_user("auditor", Role.AUDITOR)
    make_user("lead", Role.LEAD, teams=("T01",))
    make_user("agent", Role.AGENT, agent="A0001")
    return open_workspace(root)


def _organisation(root) -> None:
    events = open_workspace(root).store()
    store.sync_organisation(*(events.read(t).to_pylist() for t in ("sites", "teams", "agents")))


def as_user(username: str | None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if username:
        assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("username", "status"),
    [("director", 200), ("admin", 200), ("auditor", 403), ("lead", 403), ("agent", 403)],
)
def test_only_hr_directors_and_administrators_calibrate(world, username, status):
    assert as_user(username).get("/scheme/calibrate/?period=2026-04").status_code == status
    assert as_user(username).post("/scheme/calibrate/", {"period": "2026-04"}).status_code in (status, 302)
    assert load_scheme(world.scheme_path()).version_id == load_scheme().version_id  # nothing published


def test_anonymous_users_are_sent_to_sign_in(world):
    response = as_user(None).get("/scheme/calibrate/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_scheme_page_links_the_calibration_for_those_who_may(world):
    assert "/scheme/calibrate/" in as_user("director").get("/scheme/").content.decode()
    assert "/scheme/calibrate/" not in as_user("lead").get("/scheme/").content.decode()


def test_the_form_offers_the_periods_with_data_newest_first(world):
    response = as_user("director").get("/scheme/calibrate/")
    assert response.context["periods"] == ["2026-05", "2026-04"]
    assert "run" not in response.context  # nothing proposed before a period is chosen


def test_the_proposal_lists_the_changes_and_publishing_gives_the_promised_grades(world):
    director = as_user("director")
    page = director.get("/scheme/calibrate/?period=2026-04&target_pct=75&floor_pct=10")
    run, changes = page.context["run"], page.context["changes"]
    assert changes and all(c.new_target != c.old_target or c.new_floor != c.old_floor for c in changes)
    text = text_of(page)
    first = changes[0]
    assert first.name in text and "What would change" in text
    before, after = page.context["grades"]
    assert sum(n for _, n, _ in before.cells) == sum(n for _, n, _ in after.cells) == run.agents == 20
    assert before.version_id == load_scheme().version_id and "-cal.2026-04+" in after.version_id

    response = director.post(
        "/scheme/calibrate/",
        {"period": "2026-04", "target_pct": "75", "floor_pct": "10", "version": after.version_id,
         "note": "first calibration"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/scheme/"
    ws = open_workspace(world.root)
    in_force = ws.scheme()
    assert in_force.version_id == after.version_id
    target = next(i for d in in_force.dimensions for i in d.indicators if i.code == first.code)
    assert (target.target, target.floor) == (first.new_target, first.new_floor)
    # The replaced version is kept, and who published what, when and why is logged.
    history = world.root / "schemes" / "history"
    kept = list(history.glob("*.yaml"))
    assert len(kept) == 1 and load_scheme(kept[0]).version_id == before.version_id
    log = [json.loads(line) for line in (history / "published.jsonl").read_text("utf-8").splitlines()]
    assert log[-1]["by"] == "director" and log[-1]["version"] == after.version_id
    assert log[-1]["previous"] == before.version_id and log[-1]["note"] == "first calibration"
    # What the page promised is what the next computation gives.
    cards = compute_scorecards(ws.store(), APRIL, in_force, ws.timezone)
    counts = Counter(c.grade for c in cards)
    assert [(g, counts.get(g, 0)) for g, _, _ in after.cells] == [(g, n) for g, n, _ in after.cells]
    # The scheme page now shows the new version, which everyone is asked to read.
    scheme_page = director.get("/scheme/")
    assert after.version_id in scheme_page.content.decode() and scheme_page.context["acknowledged_at"] is None


def test_a_stale_proposal_is_not_published(world):
    response = as_user("director").post(
        "/scheme/calibrate/",
        {
            "period": "2026-04",
            "target_pct": "75",
            "floor_pct": "10",
            "version": "default:2026.3-cal.2026-04+0000",
        },
        follow=True,
    )
    assert "The data changed since you saw this proposal" in text_of(response)
    assert open_workspace(world.root).scheme().version_id == load_scheme().version_id
    assert not (world.root / "schemes" / "history").exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [("period=2026-13", "2026-13"), ("period=2026-04&target_pct=5&floor_pct=50", "percentile")],
)
def test_bad_input_is_a_clear_400(world, query, message):
    response = as_user("director").get(f"/scheme/calibrate/?{query}")
    assert response.status_code == 400
    assert message in response.context["error"]


def test_the_page_reads_in_chinese(world):
    page = as_user("director", "zh-hans").get("/scheme/calibrate/?period=2026-04")
    text = text_of(page)
    assert (
        "校准目标值" in text and "将会改变什么" in text and "本期等级分布" in text and "发布为新版本" in text
    )
    names = {c.name for c in page.context["changes"]}
    assert names and all(re.search(r"[\u4e00-\u9fff]", n) for n in names)
    # Codes (version ids) aside, no English is left.
    visible = re.sub(r"\S*:\S*\+\S*", " ", text)
    assert english_words(visible) <= {"cal"}


@pytest.mark.browser
def test_the_page_on_a_phone(browser, live_server, transactional_db, settings, generated, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(generated, root)
    settings.WORKSPACE = root
    _organisation(root)
    make_user("director", Role.DIRECTOR)
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", "director")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_load_state("networkidle")
        page.goto("/scheme/calibrate/")
        page.select_option("select[name=period]", "2026-04")
        page.click("form.calibrate-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=SCREENSHOT, full_page=True)
        assert page.locator("table.calibrate-changes").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for table in page.locator(".table-wrap").all():  # nothing cut inside its card
            assert table.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), table.inner_text()[:200]
        page.click("button[name=publish]")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/scheme/")
        assert "-cal.2026-04+" in page.locator(".scheme-version").first.get_attribute("title")
        assert "按 2026-04 校准" in page.locator(".scheme-version").first.inner_text()
    finally:
        context.close()


def test_the_hint_counts_the_lowest_grade_among_graded_agents_only():
    from frontdesk.web.appraisal.calibration import _lowest_share

    assert _lowest_share({"A": 1, "B": 1, "C": 1, "D": 2, "-": 5}) == pytest.approx(0.4)
    assert _lowest_share({"A": 0, "D": 0}) == 0.0
