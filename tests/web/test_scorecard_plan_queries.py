"""The development plan on the scorecard page reads only what it needs (appraisal/
development_plan.py ``plan_cards``): the agent's own results and the other agents' values of the
same indicators, so the page costs the same number of queries, and builds the same number of
scorecard and indicator-result objects, for 6 agents as for 60; the plan is still exactly the
engine's plan over the whole run (``frontdesk plans``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_init
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontdesk.results.development import development_plans, review_goals
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.development_plan import plan_for
from frontdesk.web.appraisal.models import IndicatorRecord, ScorecardRecord

from .conftest import PASSWORD, Run, _cards, build_appraisal_data, load_appraisal_data

pytestmark = pytest.mark.django_db

SEEDS = {"2026-09": 1, "2026-10": 2, "2026-Q3": 3}


class Rollback(Exception):
    pass


def organisation(extra_agents: int):
    """The web test organisation with ``extra_agents`` more agents spread over its three teams."""
    data = build_appraisal_data()
    teams = {"T1": "S1", "T2": "S1", "T3": "S2"}
    for i in range(extra_agents):
        team = ("T1", "T2", "T3")[i % 3]
        data.agents.append(
            dict(agent_id=f"B{i:03d}", name=f"Agent {i}", name_zh=f"坐席{i}", team_id=team,
                 site_id=teams[team], hire_date=date(2024, 3, 1), role="agent", active=True)
        )  # fmt: skip
    data.runs = [
        Run(r.period, r.cycle, r.scheme_version, _cards(data.agents, r.period, r.cycle, SEEDS[r.period]))
        for r in data.runs
    ]
    return data


def queries_of_the_scorecard_page(extra_agents: int) -> tuple[int, int, str]:
    """The queries of the director's scorecard page of A003 in October and the scorecard and
    indicator-result rows it turned into objects; nothing of it is kept."""
    built = []

    def count(sender, **kwargs):
        built.append(sender)

    try:
        with transaction.atomic():
            load_appraisal_data(organisation(extra_agents))
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            assert client.login(username="director", password=PASSWORD)
            client.get("/agents/A003/?period=2026-10")  # the session and caches settle
            post_init.connect(count, sender=ScorecardRecord)
            post_init.connect(count, sender=IndicatorRecord)
            try:
                with CaptureQueriesContext(connection) as captured:
                    page = client.get("/agents/A003/?period=2026-10")
            finally:
                post_init.disconnect(count, sender=ScorecardRecord)
                post_init.disconnect(count, sender=IndicatorRecord)
            assert page.status_code == 200
            html = page.content.decode()
            raise Rollback
    except Rollback:
        pass
    return len(captured.captured_queries), len(built), html


def test_the_scorecard_page_takes_as_many_queries_and_rows_for_60_agents_as_for_6():
    few, few_rows, few_page = queries_of_the_scorecard_page(0)
    many, many_rows, many_page = queries_of_the_scorecard_page(54)
    assert '<table class="plan' in few_page and '<table class="plan' in many_page
    assert many == few, f"{few} queries with 6 agents, {many} with 60"
    assert many_rows == few_rows, f"{few_rows} rows loaded as objects with 6 agents, {many_rows} with 60"


def test_the_plan_is_the_engines_plan_over_the_whole_run_for_every_agent(db):
    data = organisation(24)
    load_appraisal_data(data)
    for period in ("2026-09", "2026-10"):
        cards = store.load_scorecards(period, "monthly")
        expected = {p.agent_id: p for p in development_plans(cards)}
        assert any(p.goals for p in expected.values()), "the data gives some agents goals"
        september = {p.agent_id: p for p in development_plans(store.load_scorecards("2026-09", "monthly"))}
        for record in ScorecardRecord.objects.filter(run=store.current_run(period, "monthly")):
            view = plan_for(record, previous_visible=period == "2026-10")
            assert view.plan == expected[record.agent_id]
            if period == "2026-10":
                own = [c for c in cards if c.agent_id == record.agent_id]
                assert [r.review for r in view.reviews] == review_goals([september[record.agent_id]], own)


def test_small_samples_of_peers_are_left_out_as_the_engine_leaves_them_out(db):
    """A peer's value flagged small_sample never enters the median the plan sets as target."""
    data = organisation(12)
    october = next(r for r in data.runs if r.period == "2026-10")
    october.cards = [
        replace(c, indicators={**c.indicators, "csat": replace(c.indicators["csat"], flags=["small_sample"])})
        if c.agent_id.startswith("B")
        else c
        for c in october.cards
    ]
    load_appraisal_data(data)
    cards = store.load_scorecards("2026-10", "monthly")
    expected = {p.agent_id: p for p in development_plans(cards)}
    for record in ScorecardRecord.objects.filter(run=store.current_run("2026-10", "monthly")):
        assert plan_for(record, previous_visible=False).plan == expected[record.agent_id]
