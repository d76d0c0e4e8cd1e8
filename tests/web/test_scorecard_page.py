"""The scorecard page beyond its numbers: the drill-down from each indicator to the records behind
it (the engine's evidence, paged, through htmx or as a plain page), the agent's history across
cycles (one query) and the development plan; the same permission rules as the scorecard."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontdesk.results.development import development_plans
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.history import agent_history
from frontdesk.web.appraisal.models import Agent, Team

from .conftest import PASSWORD, build_appraisal_data, load_appraisal_data
from .test_appeals import user
from .test_web_i18n import english_words, visible_text

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, 02:00 in London (BST)
RESPONSES = 30  # A001's chats in October: two pages of 25


@pytest.fixture
def events(settings, tmp_path):
    """First responses in October: A001 30 chats (response after 10 + i seconds), A002 one."""
    rows = [
        dict(interaction_id=f"C{i:02d}", channel="chat", agent_id="A001", created_at=T0 + timedelta(hours=i),
             first_response_at=T0 + timedelta(hours=i, seconds=10 + i), abandoned=False)
        for i in range(RESPONSES)
    ] + [dict(interaction_id="J1", channel="chat", agent_id="A002", created_at=T0,
              first_response_at=T0 + timedelta(seconds=99), abandoned=False)]  # fmt: skip
    EventStore(tmp_path / "events").write(
        "interactions", pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema)
    )
    settings.WORKSPACE = tmp_path
    return tmp_path


def client_of(username: str, language: str = "en") -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    client.cookies["django_language"] = language
    return client


def records_in(html: bytes) -> list[str]:
    return re.findall(r'<th scope="row" class="record" data-record="([^"]+)">', html.decode())


def interactions_in(html: bytes) -> list[str]:
    """The interactions of the records shown (a response record is ``<interaction>:<episode>``)."""
    return [r.split(":")[0] for r in records_in(html)]


# Drill-down ----------------------------------------------------------------------------------------


def test_every_indicator_with_records_links_to_its_records_through_htmx_and_a_plain_link(appraisal):
    page = client_of("agent").get("/agents/A001/?period=2026-10").content.decode()
    url = "/agents/A001/evidence/first_response/?period=2026-10"
    assert f'href="{url}" hx-get="{url}" hx-target="#evidence"' in page
    assert '<section id="evidence"' in page
    assert '/static/django_htmx/htmx-2.min.js"' in page  # served by the app itself, not a CDN
    assert Client().get("/static/django_htmx/htmx-2.min.js").status_code == 200


def test_the_htmx_request_gets_the_panel_and_a_plain_request_the_whole_page(appraisal, events):
    agent = client_of("agent")
    url = "/agents/A001/evidence/first_response/?period=2026-10"
    panel = agent.get(url, HTTP_HX_REQUEST="true")
    whole = agent.get(url)
    assert panel.status_code == whole.status_code == 200
    assert b"<html" not in panel.content and b'id="evidence-panel"' in panel.content
    assert b"<html" in whole.content and b'id="evidence-panel"' in whole.content
    assert interactions_in(panel.content) == [f"C{i:02d}" for i in range(25)]  # oldest first, page 1 of 2
    assert "30 records · page 1 of 2" in visible_text(panel.content)


def test_the_records_are_paged_and_the_pages_link_to_each_other(appraisal, events):
    agent = client_of("agent")
    first = agent.get("/agents/A001/evidence/first_response/?period=2026-10", HTTP_HX_REQUEST="true")
    second_url = "/agents/A001/evidence/first_response/?period=2026-10&amp;page=2"
    assert f'href="{second_url}" hx-get="{second_url}"'.encode() in first.content
    second = agent.get("/agents/A001/evidence/first_response/?period=2026-10&page=2", HTTP_HX_REQUEST="true")
    assert interactions_in(second.content) == [f"C{i:02d}" for i in range(25, RESPONSES)]
    assert b"page=1" in second.content and b"page=3" not in second.content
    beyond = agent.get("/agents/A001/evidence/first_response/?period=2026-10&page=3")
    assert beyond.status_code == 200 and records_in(beyond.content) == []


def test_the_page_shows_the_same_records_as_the_api(appraisal, events):
    from frontdesk.web.api.tokens import create_token_for

    token = create_token_for("director")
    api = (
        Client()
        .get(
            "/api/scorecards/A001/indicators/first_response/evidence?period=2026-10&page=2&page_size=25",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        .json()
    )
    page = client_of("director").get("/agents/A001/evidence/first_response/?period=2026-10&page=2")
    assert records_in(page.content) == [r["record"] for r in api["rows"]]
    assert api["total"] == RESPONSES


def test_record_times_are_shown_in_the_teams_time_zone(appraisal, events):
    Team.objects.filter(pk="T1").update(timezone="Europe/London")
    text = visible_text(
        client_of("agent").get("/agents/A001/evidence/first_response/?period=2026-10").content
    )
    assert "10/05/2026 2 a.m. BST" in text  # C00 created 01:00 UTC
    Team.objects.filter(pk="T1").update(timezone="Asia/Shanghai")
    text = visible_text(
        client_of("agent").get("/agents/A001/evidence/first_response/?period=2026-10").content
    )
    assert "10/05/2026 9 a.m. CST" in text


def test_nobody_reads_the_records_of_an_agent_they_may_not_see(appraisal, events):
    agent, lead = client_of("agent"), client_of("lead")
    assert agent.get("/agents/A002/evidence/first_response/?period=2026-10").status_code == 404
    assert lead.get("/agents/A002/evidence/first_response/?period=2026-10").status_code == 200
    assert lead.get("/agents/A004/evidence/first_response/?period=2026-10").status_code == 404
    anonymous = Client().get("/agents/A001/evidence/first_response/?period=2026-10")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_without_an_event_store_the_panel_says_so(appraisal, settings):
    settings.WORKSPACE = None
    response = client_of("agent").get("/agents/A001/evidence/first_response/?period=2026-10")
    assert response.status_code == 200
    assert "no event store" in visible_text(response.content)


# History ---------------------------------------------------------------------------------------------


def test_the_history_lists_totals_grades_and_ranks_of_every_visible_period(appraisal):
    page = client_of("director").get("/agents/A001/?period=2026-10").content.decode()
    table = page[page.index('<table class="history') :]
    for period in ("2026-10", "2026-09", "2026-Q3"):
        card = appraisal.card(period, "A001")
        row = table[table.index(f"?period={period}") :]
        row = row[: row.index("</tr>")]
        assert f"{card.total:.1f}" in row and f">{card.grade}<" in row
        assert f">{card.rank_team}<" in row and f">{card.rank_org}<" in row
    assert table.index("?period=2026-10") < table.index("?period=2026-09")  # newest first


def test_the_history_shows_an_agent_only_periods_they_may_see(db):
    load_appraisal_data(build_appraisal_data(), publish=False)
    store.transition("2026-10", "monthly", "in_review")
    agent = [r.period for r in agent_history(user("agent"), Agent.objects.get(pk="A001"))]
    director = [r.period for r in agent_history(user("director"), Agent.objects.get(pk="A001"))]
    assert agent == ["2026-10"]  # September and the quarter are only computed
    assert director == ["2026-10", "2026-09", "2026-Q3"]  # of periods ending together, the month first


def test_the_history_is_one_query_however_many_periods(appraisal):
    director = user("director")
    director.profile  # noqa: B018  (the role is read once per request, not per period)
    agent = Agent.objects.get(pk="A001")
    with CaptureQueriesContext(connection) as three:
        assert len(agent_history(director, agent)) == 3
    for month in ("2026-06", "2026-07", "2026-08"):
        cards = build_appraisal_data().runs[0].cards
        for c in cards:
            c.period = month
        store.save_scorecards(cards, period=month, cycle="monthly", scheme_version="2026.1")
    with CaptureQueriesContext(connection) as six:
        assert len(agent_history(director, agent)) == 6
    assert len(three) == len(six) == 1


# Development plan ------------------------------------------------------------------------------------


def test_the_development_plan_is_the_engines_plan_for_this_agent(appraisal):
    expected = next(p for p in development_plans(appraisal.runs[1].cards) if p.agent_id == "A003")
    assert expected.goals, "the test data gives A003 weak indicators"
    page = client_of("director").get("/agents/A003/?period=2026-10").content.decode()
    plan = page[page.index('<table class="plan') :]
    plan = plan[: plan.index("</table>")]
    for goal in expected.goals:
        assert goal.course is not None and goal.course.name_en in plan
    assert plan.count("<tr>") == len(expected.goals) + 1  # heading + one row per goal
    assert f"Goals for {expected.due_cycle}" in visible_text(page.encode())


def test_the_plan_reviews_the_previous_periods_goals(appraisal):
    september = development_plans(appraisal.runs[0].cards)
    goals = [g for p in september if p.agent_id == "A003" for g in p.goals]
    page = client_of("director").get("/agents/A003/?period=2026-10").content.decode()
    if not goals:
        assert "Goals set after 2026-09" not in page
        return
    review = page[page.index('<table class="plan-review') :]
    assert "Goals set after 2026-09" in visible_text(page.encode())
    assert review[: review.index("</table>")].count("<tr>") == len(goals) + 1


def test_the_scorecard_page_is_chinese_throughout(appraisal, events):
    director = client_of("director", "zh-hans")
    page = director.get("/agents/A003/?period=2026-10")
    text = visible_text(page.content)
    assert english_words(text) == set()
    assert "个人提升计划" in text and "历次周期" in text
    panel = director.get("/agents/A001/evidence/first_response/?period=2026-10", HTTP_HX_REQUEST="true")
    assert "共 30 条记录" in visible_text(panel.content)
