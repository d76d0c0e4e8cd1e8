"""Who may open which page: anonymous, agent, lead and director, and an agent's attempts to read
someone else's scorecard. A refused scorecard answers 404, exactly like one that does not exist."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal.models import Agent, Team
from frontdesk.web.permissions import can_view_agent, visible_agents, visible_teams

from .users import PASSWORD, login, make_user, user

pytestmark = pytest.mark.django_db


# Anonymous ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/ranking/", "/ranking/?period=2026-10", "/agents/A001/", "/agents/NOPE/"]
)
def test_anonymous_is_sent_to_login(client, appraisal, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_sees_the_login_page(client, appraisal):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_anonymous_cannot_open_admin(client, appraisal):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_login_with_the_demo_password_works_and_a_wrong_one_does_not(client, appraisal):
    bad = client.post("/accounts/login/", {"username": "agent", "password": "wrong"})
    assert bad.status_code == 200 and "_auth_user_id" not in client.session
    good = client.post("/accounts/login/", {"username": "agent", "password": PASSWORD})
    assert good.status_code == 302 and client.session["_auth_user_id"]


def test_logout_ends_the_session(client, appraisal):
    login(client, "agent")
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/agents/A001/").status_code == 302


# Agent --------------------------------------------------------------------------------------------


def test_agent_home_shows_own_latest_scorecard(client, appraisal):
    response = login(client, "agent").get("/")
    assert response.status_code == 200
    assert response.context["latest"].agent_id == "A001"
    assert 'href="/agents/A001/?period=2026-10"' in response.content.decode()


def test_agent_reads_own_scorecard_with_its_values(client, appraisal):
    response = login(client, "agent").get("/agents/A001/?period=2026-10", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    card = appraisal.card("2026-10", "A001")
    record = response.context["record"]
    assert (record.total, record.grade, record.rank_team, record.rank_org) == (
        card.total,
        card.grade,
        card.rank_team,
        card.rank_org,
    )
    text = response.content.decode()
    assert "Li Na" in text and "First response time" in text


@pytest.mark.parametrize("other", ["A002", "A003", "A004", "A006"])
@pytest.mark.parametrize("query", ["", "?period=2026-10", "?period=2026-09", "?period=2026-Q3", "?team=T1"])
def test_agent_cannot_read_another_agents_scorecard(client, appraisal, other, query):
    response = login(client, "agent").get(f"/agents/{other}/{query}")
    assert response.status_code == 404
    assert appraisal.card("2026-10", other).name.encode() not in response.content


def test_refused_and_missing_agents_look_the_same(client, appraisal):
    login(client, "agent")
    refused, missing = client.get("/agents/A002/"), client.get("/agents/NO-SUCH-AGENT/")
    assert refused.status_code == missing.status_code == 404


def test_agent_ranking_holds_only_themselves_whatever_the_parameters(client, appraisal):
    login(client, "agent")
    for query in ["", "?period=2026-09", "?period=2026-Q3"]:
        response = client.get(f"/ranking/{query}")
        assert response.status_code == 200
        assert [row.record.agent_id for row in response.context["rows"]] == ["A001"]
    for team in ["T1", "T2", "T3"]:
        assert client.get(f"/ranking/?team={team}").status_code == 404


def test_agent_cannot_open_admin(client, appraisal):
    response = login(client, "agent").get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_unknown_period_is_not_found(client, appraisal):
    login(client, "agent")
    assert client.get("/agents/A001/?period=1999-01").status_code == 404
    assert client.get("/ranking/?period=1999-01").status_code == 404


# Lead ---------------------------------------------------------------------------------------------


def test_lead_home_lists_only_own_teams_people(client, appraisal):
    response = login(client, "lead").get("/")
    assert response.status_code == 200
    assert {r.agent_id for r in response.context["below_target"]} <= set(appraisal.team_members("T1"))


def test_lead_ranking_lists_every_member_of_own_team_and_nobody_else(client, appraisal):
    response = login(client, "lead").get("/ranking/?team=T1&period=2026-10")
    assert response.status_code == 200
    ids = [row.record.agent_id for row in response.context["rows"]]
    assert sorted(ids) == appraisal.team_members("T1")
    assert [row.record.rank_team for row in response.context["rows"]] == [1, 2, 3]
    unfiltered = client.get("/ranking/?period=2026-10")
    assert sorted(row.record.agent_id for row in unfiltered.context["rows"]) == appraisal.team_members("T1")


@pytest.mark.parametrize("agent_id", ["A001", "A002", "A003"])
def test_lead_reads_scorecards_of_own_team(client, appraisal, agent_id):
    assert login(client, "lead").get(f"/agents/{agent_id}/").status_code == 200


@pytest.mark.parametrize("url", ["/agents/A004/", "/agents/A006/?period=2026-09", "/ranking/?team=T2"])
def test_lead_is_refused_other_teams(client, appraisal, url):
    assert login(client, "lead").get(url).status_code == 404


def test_lead_of_a_parent_team_sees_its_sub_teams(appraisal):
    Team.objects.filter(pk="T3").update(parent_id="T1")
    assert set(visible_teams(user("lead")).values_list("pk", flat=True)) == {"T1", "T3"}
    assert can_view_agent(user("lead"), "A006")
    assert not can_view_agent(user("lead"), "A004")


# Director and the other roles -----------------------------------------------------------------------


def test_director_home_is_the_organisation_overview(client, appraisal):
    response = login(client, "director").get("/")
    assert response.status_code == 200
    assert response.context["oversees"] and response.context["rate"].total == len(appraisal.agents)


def test_director_sees_everyone(client, appraisal):
    login(client, "director")
    response = client.get("/ranking/?period=2026-10")
    assert [row.record.agent_id for row in response.context["rows"]] == [
        c.agent_id for c in sorted(appraisal.runs[1].cards, key=lambda c: c.rank_org)
    ]
    for a in appraisal.agents:
        assert client.get(f"/agents/{a['agent_id']}/").status_code == 200
    for team in ["T1", "T2", "T3"]:
        response = client.get(f"/ranking/?team={team}")
        assert sorted(r.record.agent_id for r in response.context["rows"]) == appraisal.team_members(team)


def test_director_is_not_an_admin_site_user(client, appraisal):
    assert login(client, "director").get("/admin/").status_code == 302


def test_superuser_opens_admin_and_sees_everyone(client, appraisal):
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    login(client, "root")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/appraisal/scorecardrecord/").status_code == 200
    assert client.get("/agents/A006/").status_code == 200


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ADMIN, {"A001", "A002", "A003", "A004", "A005", "A006"}),
        (Role.DIRECTOR, {"A001", "A002", "A003", "A004", "A005", "A006"}),
        (Role.AUDITOR, {"A001", "A002", "A003", "A004", "A005", "A006"}),
        (Role.QA, {"A004", "A005"}),
        (Role.LEAD, {"A004", "A005"}),
        (Role.AGENT, set()),
        (None, set()),
    ],
)
def test_visible_agents_by_role(appraisal, role, expected):
    u = make_user("someone", role)
    Team.objects.get(pk="T2").supervisors.add(u)  # only leads and QA reviewers take this into account
    assert set(visible_agents(u).values_list("pk", flat=True)) == expected


def test_a_user_without_a_role_sees_a_no_access_page_even_when_linked_to_an_agent(client, appraisal):
    u = make_user("norole", None)
    Agent.objects.filter(pk="A005").update(user=u)
    login(client, "norole")
    assert client.get("/").status_code == 200
    assert client.get("/agents/A005/").status_code == 404
    assert client.get("/ranking/").context["rows"] == []


def test_agent_without_scorecard_in_a_period_gets_a_message_not_someone_elses(client, appraisal):
    Agent.objects.create(agent_id="A999", name="New Hire", team_id="T1")
    u = make_user("newhire", Role.AGENT)
    Agent.objects.filter(pk="A999").update(user=u)
    response = login(client, "newhire").get("/agents/A999/?period=2026-10")
    assert response.status_code == 200
    assert response.context["record"] is None
