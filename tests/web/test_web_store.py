"""The store the use cases call: organisation upserts, scorecards saved and loaded back unchanged,
replaced per period and cycle, in a fixed number of queries."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.models import Agent, IndicatorRecord, ScorecardRecord, ScorecardRun, Team

from .conftest import build_appraisal_data, load_appraisal_data

pytestmark = pytest.mark.django_db


def test_saved_scorecards_load_back_equal_ordered_by_rank(appraisal):
    for run in appraisal.runs:
        loaded = store.load_scorecards(run.period, run.cycle)
        assert loaded == sorted(run.cards, key=lambda c: c.rank_org)


def test_load_without_cycle_finds_the_period(appraisal):
    assert store.load_scorecards("2026-Q3") == sorted(appraisal.runs[2].cards, key=lambda c: c.rank_org)
    assert store.load_scorecards("2031-01") == []
    assert store.load_scorecards("2026-q3") == store.load_scorecards("2026-Q3")


def test_indicators_keep_their_order_and_missing_values_stay_none(appraisal):
    card = next(c for c in store.load_scorecards("2026-10") if c.agent_id == "A002")
    assert list(card.indicators) == ["first_response", "first_contact_resolution", "csat", "nps"]
    assert card.indicators["nps"].value is None


def test_saving_a_period_again_adds_a_current_run_and_keeps_the_earlier_one(appraisal):
    cards = copy.deepcopy(appraisal.runs[1].cards[:2])
    cards[0].total, cards[0].indicators = 12.5, {}
    number = store.save_scorecards(cards, period="2026-10", cycle="monthly", scheme_version="2026.2")
    assert number == 2
    runs = ScorecardRun.objects.filter(cycle__period="2026-10").order_by("number")
    assert [(r.number, r.superseded, r.scheme_version) for r in runs] == [
        (1, True, "2026.1"),
        (2, False, "2026.2"),
    ]
    loaded = store.load_scorecards("2026-10", "monthly")
    assert {c.agent_id for c in loaded} == {c.agent_id for c in cards}
    assert {c.scheme_version for c in loaded} == {"2026.2"}
    assert len(store.load_scorecards("2026-09")) == 6
    assert IndicatorRecord.objects.filter(scorecard__run=runs[1]).count() == 4
    assert IndicatorRecord.objects.filter(scorecard__run=runs[0]).count() == 24, "the first run is kept whole"


def _queries(fn) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def _cards(appraisal, n: int, prefix: str) -> list:
    out = []
    for i in range(n):
        c = copy.deepcopy(appraisal.runs[0].cards[i % 6])
        c.agent_id = f"{prefix}{i:03d}"
        out.append(c)
    return out


def test_saving_and_loading_sixty_agents_take_a_handful_of_queries_not_one_per_row(appraisal):
    cards = _cards(appraisal, 60, "M")  # 60 scorecards, 240 indicator rows
    save = _queries(
        lambda: store.save_scorecards(cards, period="2026-12", cycle="monthly", scheme_version="1")
    )
    # 3 of these check, once per table, that the cycle is not closed (models.FrozenWhenClosed).
    assert len(save) <= 18, "\n".join(q[:120] for q in save)
    again = _queries(
        lambda: store.save_scorecards(cards, period="2026-12", cycle="monthly", scheme_version="2")
    )
    assert len(again) <= 20, "\n".join(q[:120] for q in again)
    load = _queries(lambda: store.load_scorecards("2026-12"))
    assert len(load) == 3


def test_saving_creates_agents_the_roster_lacked(appraisal):
    card = copy.deepcopy(appraisal.runs[0].cards[0])
    card.agent_id, card.team_id, card.name = "NEW1", "T9", "New Person"
    store.save_scorecards([card], period="2026-12", cycle="monthly", scheme_version="2026.1")
    assert Agent.objects.get(pk="NEW1").name == "New Person"
    assert Team.objects.filter(pk="T9").exists()


def test_bad_cycle_or_period_is_refused(appraisal):
    with pytest.raises(ValueError, match="cycle"):
        store.save_scorecards([], period="2026-10", cycle="weekly", scheme_version="x")
    with pytest.raises(ValueError, match="period"):
        store.save_scorecards([], period="October", cycle="monthly", scheme_version="x")


def test_periods_are_newest_first_and_latest_respects_the_cycle(appraisal):
    assert store.periods() == ["2026-10", "2026-09", "2026-Q3"]
    assert store.periods("quarterly") == ["2026-Q3"]
    assert store.latest_period() == "2026-10"
    assert store.latest_period("quarterly") == "2026-Q3"
    assert store.latest_period("annual") is None


def test_newest_first_puts_the_month_before_its_quarter_and_year():
    assert store.newest_first(["2026", "2026-Q4", "2026-12", "2026-11", "2025-Q4"]) == [
        "2026-12",
        "2026-Q4",
        "2026",
        "2026-11",
        "2025-Q4",
    ]


def test_sync_updates_in_place_and_deletes_nobody(appraisal):
    agents = [dict(a) for a in appraisal.agents]
    agents[0].update(name="Li Na (renamed)", team_id="T2", active=False)
    store.sync_organisation([], [], agents[:1])
    a = Agent.objects.get(pk="A001")
    assert (a.name, a.team_id, a.active) == ("Li Na (renamed)", "T2", False)
    assert Agent.objects.count() == 6
    assert a.user.username == "agent", "a roster update keeps the login link"


def test_sync_accepts_missing_optional_columns_and_text_dates(db):
    store.sync_organisation(
        [{"site_id": "S"}],
        [{"team_id": "P"}, {"team_id": "C", "parent_id": "P", "site_id": "S"}],
        [{"agent_id": "X", "team_id": "C", "hire_date": "2025-01-31", "active": None}],
    )
    x = Agent.objects.get(pk="X")
    assert (x.hire_date, x.active, x.team.parent_id) == (date(2025, 1, 31), True, "P")


def test_sync_keeps_the_last_row_of_an_agent_listed_twice(db):
    store.sync_organisation(
        [], [{"team_id": "T"}], [{"agent_id": "A", "name": "Old"}, {"agent_id": "A", "name": "New"}]
    )
    assert list(Agent.objects.values_list("name", flat=True)) == ["New"]


def test_sync_names_the_row_that_points_nowhere(db):
    with pytest.raises(ValueError, match=r"agents row 2: team_id 'NOPE' is not a known team"):
        store.sync_organisation(
            [], [{"team_id": "T"}], [{"agent_id": "A", "team_id": "T"}, {"agent_id": "B", "team_id": "NOPE"}]
        )
    assert not Agent.objects.exists()


def test_demo_users_are_created_once_and_can_be_reset(appraisal):
    again = store.create_demo_users("another-password")
    assert again == {
        "usernames": ["director", "lead", "agent"],
        "password": "another-password",
        "team_id": "T1",
        "agent_id": "A001",
    }
    users = get_user_model().objects.filter(username__in=again["usernames"])
    assert users.count() == 3
    assert {u.profile.role for u in users} == {"director", "lead", "agent"}
    assert all(u.check_password("another-password") for u in users)
    assert list(
        get_user_model().objects.get(username="lead").supervised_teams.values_list("pk", flat=True)
    ) == ["T1"]


def test_demo_users_need_an_organisation(db):
    with pytest.raises(ValueError, match="sync_organisation"):
        store.create_demo_users()


def test_the_ranking_page_takes_a_fixed_number_of_queries(client, appraisal, django_assert_max_num_queries):
    data = build_appraisal_data()
    for i, a in enumerate(list(data.agents) * 10):
        a = dict(a, agent_id=f"{a['agent_id']}-{i}")
        data.agents.append(a)
    load_appraisal_data(data)
    client.login(username="director", password="frontdesk")
    with django_assert_max_num_queries(15):
        response = client.get("/ranking/?period=2026-10")
    assert response.status_code == 200
    current = ScorecardRecord.objects.filter(run__cycle__period="2026-10", run__superseded=False)
    assert len(response.context["rows"]) == current.count()
