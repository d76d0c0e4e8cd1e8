"""The effect-evaluation page (/evaluation/) and the appeal counts that feed its acceptance section.

The world: a generated organisation (20 agents in two teams, April and May 2026, frontdesk.synth)
in a workspace; April's scorecards computed by the engine and stored in review, so agents can
appeal. The page's numbers are compared with ``frontdesk.analysis.effect.evaluate`` called directly
on the same scorecards and event store.
"""

from __future__ import annotations

import html
import os
import re

import pytest
from django.test import Client

from frontdesk.analysis.effect import AppealCounts, Baseline, evaluate
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.synth import generate
from frontdesk.usecases.compute import compute_scorecards
from frontdesk.usecases.workspace import init_workspace, open_workspace
from frontdesk.web.accounts.models import Role
from frontdesk.web.appeals import workflow
from frontdesk.web.appeals.acceptance import appeal_counts
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.models import IndicatorRecord
from frontdesk.web.insights import evaluation as evaluation_view

from .conftest import PASSWORD
from .test_appeals import make_user, user

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's event loop runs in this thread

APRIL = parse_period("2026-04")
SCREENSHOT = "/tmp/frontdesk-evaluation-phone.png"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A workspace with two generated months and April's scorecards (computed once per module)."""
    root = tmp_path_factory.mktemp("evaluation") / "ws"
    ws = init_workspace(root)
    generate(ws.store(), agents=20, months=2, start="2026-04", seed=7)
    ws = open_workspace(root)
    scheme = ws.scheme()
    cards = compute_scorecards(ws.store(), APRIL, scheme, ws.timezone)
    engine = DuckDBEngine(ws.store(), calendars=ws.calendars(), view_params=ws.view_params())
    try:
        org = {t: engine.table_rows(t) for t in ("sites", "teams", "agents")}
    finally:
        engine.close()
    return ws, scheme, cards, org


@pytest.fixture
def world(db, settings, generated):
    """April stored in review; logins director, auditor, lead (T01), agent (A0001), agent2 (A0002)
    and agent11 (A0011, T02)."""
    ws, scheme, cards, org = generated
    settings.WORKSPACE = ws.root
    store.sync_organisation(org["sites"], org["teams"], org["agents"])
    store.save_scorecards(cards, period=APRIL.label, cycle=APRIL.cycle, scheme_version=scheme.version_id)
    store.transition(APRIL.label, APRIL.cycle, "in_review")
    make_user("director", Role.DIRECTOR)
    make_user("auditor", Role.AUDITOR)
    make_user("lead", Role.LEAD, teams=("T01",))
    make_user("agent", Role.AGENT, agent="A0001")
    make_user("agent2", Role.AGENT, agent="A0002")
    make_user("agent11", Role.AGENT, agent="A0011")
    evaluation_view.clear_cache()
    return ws, cards


def as_user(username: str | None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if username:
        assert client.login(username=username, password=PASSWORD)
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def result(agent_id: str, code: str) -> IndicatorRecord:
    return IndicatorRecord.objects.get(
        scorecard__agent_id=agent_id,
        scorecard__run__cycle__period=APRIL.label,
        scorecard__run__superseded=False,
        code=code,
    )


def appeal(username: str, agent_id: str, code: str):
    return workflow.file_appeal(
        user(username), result(agent_id, code), reason="Not my contacts.", proposed_value=90.0
    )


def teams_of(cards) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in cards:
        out[c.team_id] = out.get(c.team_id, 0) + 1
    return out


# Appeal counts -------------------------------------------------------------------------------------


def test_appeal_counts_per_team_count_scorecards_and_outcomes_in_two_queries(
    world, django_assert_num_queries
):
    _ws, cards = world
    sizes = teams_of(cards)
    assert set(sizes) == {"T01", "T02"}
    a1 = appeal("agent", "A0001", "csat")
    a1b = appeal("agent", "A0001", "first_response")  # a second appeal on the same scorecard
    a2 = appeal("agent2", "A0002", "csat")
    appeal("agent11", "A0011", "csat")  # stays open
    workflow.decide_appeal(user("lead"), a1, "accepted", comment="ok")
    workflow.decide_appeal(user("lead"), a1b, "rejected", comment="checked")
    workflow.decide_appeal(user("lead"), a2, "rejected", comment="checked")
    with django_assert_num_queries(2):
        counts = appeal_counts(APRIL.label, "monthly")
    assert counts == [
        # A0001 (one upheld, one rejected: upheld), A0002 (rejected)
        AppealCounts("T01", "2026-04", sizes["T01"], 2, 1, 1),
        AppealCounts("T02", "2026-04", sizes["T02"], 1, 0, 0),  # A0011's appeal is open
    ]
    assert appeal_counts("2026-05") == []  # nothing computed for May


def test_a_period_without_appeals_counts_zero_appeals_per_team(world):
    _ws, cards = world
    counts = appeal_counts(APRIL.label)
    assert [(c.team_id, c.scorecards, c.filed, c.accepted, c.rejected) for c in counts] == [
        (team, n, 0, 0, 0) for team, n in sorted(teams_of(cards).items())
    ]


# The page ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [("director", 200), ("auditor", 200), ("lead", 403), ("agent", 403)],
)
def test_who_may_open_the_page(world, username, status):
    assert as_user(username).get("/evaluation/?period=2026-04").status_code == status


def test_anonymous_users_are_sent_to_sign_in_and_bad_periods_are_404(world):
    response = as_user(None).get("/evaluation/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    director = as_user("director")
    assert director.get("/evaluation/?period=nonsense").status_code == 404
    assert director.get("/evaluation/?period=2026-04&baseline=2026-05").status_code == 404


def test_the_director_sees_every_section_with_the_numbers_of_evaluate(world):
    ws, cards = world
    appeal("agent", "A0001", "csat")
    response = as_user("director").get("/evaluation/?period=2026-04&baseline=2026-04")
    assert response.status_code == 200
    page = text_of(response)
    engine = DuckDBEngine(ws.store(), calendars=ws.calendars(), view_params=ws.view_params())
    try:
        direct = evaluate(engine, cards, APRIL, ws.timezone, baseline=Baseline(APRIL, "option"))
    finally:
        engine.close()
    shown = response.context["report"]
    total = direct.validity.get("total", "csat")
    assert total is not None and total.spearman is not None
    assert shown.validity.get("total", "csat").spearman == total.spearman
    assert f"{total.spearman:+.2f}" in page and total.reading_en in page
    for ch in direct.before_after.changes:
        assert ch.reading_en in page
    for f in direct.fairness:
        assert f.reading_en in page
        for g in f.groups:
            assert f"{g.mean:.1f}" in page
    for g in direct.raters.groups:
        assert g.reading_en in page
    # Acceptance: the organisation and each team, from this database's appeals.
    rows = {r.team_id: r for r in shown.acceptance}
    assert (rows[""].scorecards, rows[""].filed) == (len(cards), 1)
    assert (rows["T01"].filed, rows["T02"].filed) == (1, 0)
    assert rows[""].reading_en in page
    for heading in ("1. Predictive validity", "2. Before and after", "3. Fairness", "4. Rater agreement",
                    "5. Acceptance"):  # fmt: skip
        assert heading in page


def test_the_report_is_cached_but_acceptance_is_counted_on_every_view(world):
    director = as_user("director")
    first = director.get("/evaluation/?period=2026-04").context["report"]
    assert len(evaluation_view._cache) == 1
    appeal("agent", "A0001", "csat")
    second = director.get("/evaluation/?period=2026-04").context["report"]
    assert len(evaluation_view._cache) == 1
    assert second.validity is first.validity  # the cached computation
    assert (first.acceptance[0].filed, second.acceptance[0].filed) == (0, 1)


def test_the_chinese_page_shows_the_chinese_readings(world):
    response = as_user("director", "zh-hans").get("/evaluation/?period=2026-04&baseline=2026-04")
    page = text_of(response)
    report = response.context["report"]
    assert "效果评估" in page and "预测效度" in page
    assert report.validity.get("total", "csat").reading_zh in page
    assert report.validity.get("total", "csat").reading_en not in page
    assert report.acceptance[0].reading_zh in page
    assert report.before_after.warning_zh in page


@pytest.mark.browser
def test_the_page_on_a_phone(browser, live_server, transactional_db, settings, generated):
    ws, scheme, cards, org = generated
    settings.WORKSPACE = ws.root
    store.sync_organisation(org["sites"], org["teams"], org["agents"])
    store.save_scorecards(cards, period=APRIL.label, cycle=APRIL.cycle, scheme_version=scheme.version_id)
    make_user("director", Role.DIRECTOR)
    evaluation_view.clear_cache()
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
        page.goto("/evaluation/?period=2026-04")
        assert page.locator("h2#e-acceptance").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=SCREENSHOT, full_page=True)
    finally:
        context.close()


def test_dimensions_are_named_as_the_scheme_names_them(world):
    report = as_user("director").get("/evaluation/?period=2026-04").context["report"]
    dims = sorted(
        {
            c.subject.split(":", 1)[1]
            for c in report.validity.correlations
            if c.subject.startswith("dimension:")
        }
    )
    assert dims, "the report correlates each dimension's score"
    names = {d: (f"Named {d}", f"命名{d}") for d in dims}
    shown = {row["subject"] for row in evaluation_view.report_context(report, False, names)["correlations"]}
    assert {f"Named {d} score" for d in dims} <= shown
    shown_zh = {row["subject"] for row in evaluation_view.report_context(report, True, names)["correlations"]}
    assert {f"命名{d}得分" for d in dims} <= shown_zh
