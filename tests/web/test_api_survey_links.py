"""``POST /api/surveys/links`` and ``GET /api/surveys/links/{id}``: a system requests customer
survey links as the page ``/feedback/surveys/`` issues them: directors for anyone, a team lead for
the own teams' agents only (the interaction's agent is read from the event store), other roles
403; the link works for the customer once, and its status follows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest
from django.test import Client
from django.utils import timezone

from frontdesk.store.tables import TABLES
from frontdesk.web.accounts.models import Role
from frontdesk.web.api.tokens import create_token
from frontdesk.web.feedback.models import SurveyLink

from .test_appeals import make_user, user
from .test_feedback_campaigns import org  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)


@pytest.fixture
def store(org):  # noqa: F811
    """Interactions of A001 and A002 (team T1, the lead's) and A004 (team T2) in the event store."""
    rows = [
        dict(interaction_id=iid, channel="chat", agent_id=agent, created_at=T0)
        for iid, agent in [("C-1", "A001"), ("C-2", "A001"), ("C-3", "A002"), ("C-4", "A004")]
    ]
    org.write("interactions", pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema))
    return org


def call(username: str, method: str, url: str, body: dict | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_token(user(username))[1]}"}
    if method == "post":
        return Client().post(url, json.dumps(body), content_type="application/json", **headers)
    return Client().get(url, **headers)


def request_links(username: str, body: dict):
    return call(username, "post", "/api/surveys/links", body)


def test_a_lead_gets_links_for_the_own_teams_interactions(store):
    r = request_links("lead", {"interaction_ids": ["C-3", "C-1", "C-1", "C-2"], "valid_days": 3})
    assert r.status_code == 201, r.content
    links = r.json()["links"]
    # one link per interaction, in the order asked, each with the agent the event store gives it
    assert [(x["interaction_id"], x["agent_id"], x["status"]) for x in links] == [
        ("C-3", "A002", "open"),
        ("C-1", "A001", "open"),
        ("C-2", "A001", "open"),
    ]
    made = SurveyLink.objects.get(pk=links[0]["id"])
    assert made.created_by == user("lead")
    assert made.expires_at - made.created_at == timedelta(days=3)
    # the answer's times are in milliseconds
    assert abs(datetime.fromisoformat(links[0]["expires_at"]) - made.expires_at) < timedelta(milliseconds=1)
    assert links[0]["url"].startswith("http://testserver/feedback/s/")


def test_the_link_works_once_and_its_status_follows(store):
    [link] = request_links("director", {"interaction_ids": ["C-4"]}).json()["links"]
    url = link["url"].removeprefix("http://testserver")
    assert Client().get(url).status_code == 200
    assert Client().post(url, {"csat": "4", "comment": "ok"}).status_code == 200
    assert Client().get(url).status_code == 410  # used
    rows = [r for r in store.read("surveys").to_pylist() if r["interaction_id"] == "C-4"]
    assert [(r["agent_id"], r["kind"], r["score"]) for r in rows] == [("A004", "csat", 4.0)]
    status = call("director", "get", f"/api/surveys/links/{link['id']}").json()
    assert (status["status"], status["url"]) == ("answered", None)
    assert status["answered_at"] is not None


def test_an_expired_link_says_so(store):
    [link] = request_links("director", {"interaction_ids": ["C-1"]}).json()["links"]
    SurveyLink.objects.filter(pk=link["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert call("lead", "get", f"/api/surveys/links/{link['id']}").json()["status"] == "expired"


def test_a_lead_gets_nothing_for_another_team(store):
    for body in (
        {"interaction_ids": ["C-4"]},  # A004's, team T2
        {"agent_id": "A004", "interaction_ids": ["X-1"]},
        {"agent_id": "A001", "interaction_ids": ["C-1", "C-4"]},  # one of them another team's
    ):
        r = request_links("lead", body)
        assert r.status_code == 404, (body, r.content)
        if "A004" not in json.dumps(body):  # the store's owner of an interaction is not told
            assert "A004" not in r.json()["detail"]
    assert not SurveyLink.objects.exists()  # and no link was made, not even the allowed one
    [other] = request_links("director", {"interaction_ids": ["C-4"]}).json()["links"]
    assert call("lead", "get", f"/api/surveys/links/{other['id']}").status_code == 404


def test_an_interaction_of_another_agent_is_refused(store):
    r = request_links("director", {"agent_id": "A001", "interaction_ids": ["C-3"]})
    assert r.status_code == 400
    assert r.json()["detail"] == "interaction 'C-3' is agent A002's, not A001's"


def test_an_interaction_not_yet_imported_needs_its_agent(store):
    r = request_links("director", {"interaction_ids": ["LATER-1"]})
    assert r.status_code == 404 and "name its agent with agent_id" in r.json()["detail"]
    r = request_links("director", {"agent_id": "A002", "interaction_ids": ["LATER-1"]})
    assert r.status_code == 201 and r.json()["links"][0]["agent_id"] == "A002"


@pytest.mark.parametrize("username", ["agent", "auditor"])
def test_roles_the_page_refuses_are_refused(store, username):
    r = request_links(username, {"agent_id": "A001", "interaction_ids": ["C-1"]})
    assert r.status_code == 403
    assert r.json()["detail"] == "only administrators, HR / directors and team leads issue survey links"


def test_a_lead_without_a_team_is_refused_as_on_the_page(store):
    make_user("lonely-lead", Role.LEAD, teams=())
    assert request_links("lonely-lead", {"agent_id": "A001", "interaction_ids": ["C-1"]}).status_code == 403
    c = Client()
    c.force_login(user("lonely-lead"))
    assert c.get("/feedback/surveys/").status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"interaction_ids": []},
        {"interaction_ids": ["x" * 129]},
        {"interaction_ids": ["C-1"], "valid_days": 0},
        {"interaction_ids": ["C-1"], "valid_days": 91},
        {"interaction_ids": [f"C-{i}" for i in range(501)]},
        {"agent_id": "A001"},
    ],
)
def test_bad_bodies_are_422(store, body):
    assert request_links("director", body).status_code == 422


def test_no_token_is_401(store):
    r = Client().post(
        "/api/surveys/links", json.dumps({"interaction_ids": ["C-1"]}), content_type="application/json"
    )
    assert r.status_code == 401
