"""The team dashboard: who may open it, what it shows, same-origin scripts, bounded queries."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal.models import IndicatorRecord, ScorecardRecord
from frontdesk.web.appraisal.sample_organisation import (
    CODES,
    sample_agents,
    sample_scorecards,
    store_sample_organisation,
)

from .test_web_i18n import english_words, visible_text
from .users import login, make_user

pytestmark = pytest.mark.django_db


def chart_data(response) -> dict:
    found = re.search(
        rb'<script id="dashboard-data" type="application/json">(.*?)</script>', response.content, re.S
    )
    assert found, "the page carries its chart data as JSON"
    return json.loads(found.group(1))


class Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.inline: list[str] = []
        self._in_inline = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            attrs = dict(attrs)
            if attrs.get("src"):
                self.sources.append(attrs["src"])
            elif attrs.get("type") != "application/json":
                self._in_inline = True

    def handle_endtag(self, tag):
        self._in_inline = False

    def handle_data(self, data):
        if self._in_inline and data.strip():
            self.inline.append(data)


# The small organisation (conftest): values and roles -------------------------------------------------


@pytest.fixture
def director(client, appraisal):
    return login(client, "director")


def test_anonymous_users_are_sent_to_sign_in(client, appraisal):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("username", ["agent", "nobody"])
def test_agents_and_users_without_a_role_are_refused(client, appraisal, username):
    if username == "nobody":
        make_user("nobody", None)
    response = login(client, username).get("/dashboard/")
    assert response.status_code == 403
    assert b'href="/dashboard/"' not in login(client, username).get("/agents/A001/").content


def test_the_director_sees_every_agent_and_the_nav_links_the_page(director):
    response = director.get("/dashboard/?period=2026-10")
    assert response.status_code == 200
    assert b'href="/dashboard/"' in response.content
    data = chart_data(response)
    assert sorted(data["heatmap"]["agent_ids"]) == ["A001", "A002", "A003", "A004", "A005", "A006"]
    assert [r.agent_id for r in response.context["rows"]][:1] == [
        "A00"
        + str(ScorecardRecord.objects.filter(run__cycle__period="2026-10", rank_org=1).get().agent_id[-1])
    ]


def test_a_lead_sees_only_their_own_teams_agents(client, appraisal):
    lead = login(client, "lead")  # leads T1: A001-A003
    data = chart_data(lead.get("/dashboard/?period=2026-10"))
    assert sorted(data["heatmap"]["agent_ids"]) == ["A001", "A002", "A003"]
    assert sum(data["histogram"]["counts"]) == 3
    assert lead.get("/dashboard/?team=T2").status_code == 404  # a team they may not see
    assert lead.get("/dashboard/?site=S2").status_code == 404  # no team of theirs is there
    assert lead.get("/dashboard/?team=T1&site=S1").status_code == 200


def test_a_qa_reviewer_sees_the_teams_they_review(client, appraisal):
    make_user("qa", Role.QA.value, teams=("T2",))
    data = chart_data(login(client, "qa").get("/dashboard/?period=2026-10"))
    assert sorted(data["heatmap"]["agent_ids"]) == ["A004", "A005"]


def test_the_histogram_and_the_heat_map_are_the_stored_scores(director):
    response = director.get("/dashboard/?period=2026-10&site=S1")
    data = chart_data(response)
    records = ScorecardRecord.objects.filter(run__cycle__period="2026-10", site_id="S1")
    totals = list(records.values_list("total", flat=True))
    expected = [0] * 10
    for total in totals:
        expected[min(int(total // 10), 9)] += 1
    assert data["histogram"]["counts"] == expected
    assert data["histogram"]["starts"] == list(range(0, 100, 10))
    heat = data["heatmap"]
    assert heat["codes"] == list(CODES)
    stored = {
        (a, c): s
        for a, c, s in IndicatorRecord.objects.filter(scorecard__in=records).values_list(
            "scorecard__agent_id", "code", "score"
        )
    }
    assert len(heat["agent_ids"]) == records.count() == 5
    for agent_id, scores in zip(heat["agent_ids"], heat["scores"], strict=True):
        assert scores == [stored[(agent_id, c)] for c in heat["codes"]]
    nps = heat["codes"].index("nps")
    assert heat["scores"][heat["agent_ids"].index("A002")][nps] is None  # not available, not zero
    # Ranking order (rank in site); the heat map's rows follow it.
    assert heat["agent_ids"] == [r.agent_id for r in response.context["rows"]]


def test_the_trend_is_the_mean_total_of_each_monthly_period(director):
    data = chart_data(director.get("/dashboard/?period=2026-10&team=T1"))
    trend = data["trend"]
    assert trend["periods"] == ["2026-09", "2026-10"]  # monthly only, oldest first
    for period, mean in zip(trend["periods"], trend["mean"], strict=True):
        totals = ScorecardRecord.objects.filter(run__cycle__period=period, team_id="T1").values_list(
            "total", flat=True
        )
        assert mean == pytest.approx(sum(totals) / len(totals), abs=0.01)
    everyone = chart_data(director.get("/dashboard/?period=2026-10"))["trend"]
    assert {line["name"] for line in everyone["teams"]} == {"电话一组", "在线客服组", "前台接待组"}


def test_a_period_nobody_computed_is_a_404(director):
    assert director.get("/dashboard/?period=2020-01").status_code == 404


def test_scripts_are_same_origin_and_the_chart_library_is_served(director):
    response = director.get("/dashboard/")
    scripts = Scripts()
    scripts.feed(response.content.decode())
    assert len(scripts.sources) == 2
    for src in scripts.sources:
        parts = urlsplit(src)
        assert not parts.scheme and not parts.netloc and src.startswith("/"), src
    assert scripts.inline == []  # the data is JSON; dashboard.js draws
    assert b"cdn" not in response.content.lower()
    library = next(s for s in scripts.sources if "plotly" in s)
    js = director.get(library)
    assert js.status_code == 200
    assert js["Content-Type"].startswith("text/javascript")
    assert b"window.Plotly" in js.content
    gz = director.get(library, headers={"Accept-Encoding": "gzip"})
    assert gz["Content-Encoding"] == "gzip" and len(gz.content) < len(js.content) / 2
    own = director.get(next(s for s in scripts.sources if "plotly" not in s))
    assert own.status_code == 200


def test_the_page_is_in_chinese_with_no_english_left(director):
    response = director.get("/dashboard/?period=2026-10")
    assert response["Content-Language"] == "zh-hans"
    assert english_words(visible_text(response.content)) == set()
    labels = chart_data(response)["labels"]
    assert english_words(" ".join(labels.values())) == set()


def test_the_page_is_in_english_for_an_english_browser(director):
    response = director.get("/dashboard/", headers={"Accept-Language": "en"})
    assert b"Score distribution" in response.content
    assert chart_data(response)["labels"]["histogram"] == "Score distribution"


# A thousand agents: the number of queries does not grow with them -------------------------------------


def build_large(agent_count: int = 1000, periods: tuple[str, ...] = ("2026-08", "2026-09", "2026-10")):
    agents = sample_agents(agent_count)
    store_sample_organisation(agents, periods)
    make_user("director", Role.DIRECTOR.value)
    make_user("lead", Role.LEAD.value, teams=("T03", "T07"))
    return agents


MAX_QUERIES = 15


@pytest.mark.parametrize(
    ("username", "query", "agents_seen"),
    [
        ("director", "", 1000),
        ("director", "?period=2026-09&site=S2", 500),
        ("director", "?team=T05", 50),
        ("lead", "", 100),
        ("lead", "?team=T07", 50),
    ],
)
def test_a_thousand_agents_cost_a_bounded_number_of_queries(
    client, db, django_assert_max_num_queries, username, query, agents_seen
):
    build_large()
    login(client, username)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(f"/dashboard/{query}")
    assert response.status_code == 200
    data = chart_data(response)
    assert len(data["heatmap"]["agents"]) == agents_seen == sum(data["histogram"]["counts"])
    assert len(data["trend"]["periods"]) == 3


def test_the_number_of_queries_does_not_depend_on_the_number_of_agents(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    build_large(agent_count=40)
    login(client, "director")
    with CaptureQueriesContext(connection) as small:
        client.get("/dashboard/")
    more = sample_agents(960, prefix="B")  # 960 more agents in the same teams, the same periods
    from frontdesk.web.appraisal import store

    store.sync_organisation([], [], more)
    for seed, period in enumerate(("2026-08", "2026-09", "2026-10")):
        everyone = more + sample_agents(40)
        store.save_scorecards(
            sample_scorecards(everyone, period, seed), period=period, cycle="monthly", scheme_version="bench"
        )
        store.transition(period, "monthly", "in_review")
        store.transition(period, "monthly", "published")
    with CaptureQueriesContext(connection) as large:
        response = client.get("/dashboard/")
    assert len(chart_data(response)["heatmap"]["agents"]) == 1000
    assert len(large.captured_queries) == len(small.captured_queries)
