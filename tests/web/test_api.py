"""The JSON API at /api/: token authentication, and for every route who may read or do what.

Each route is tried anonymously (401) and with the tokens of an agent (A001), a lead (team T1), a
director and an auditor; an agent never reaches another agent's numbers by any route or parameter.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import click
import pyarrow as pa
import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.test import Client

from frontdesk.cli.token import register
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.usecases.scorecards import scorecards_json
from frontdesk.web.accounts.models import Profile, Role
from frontdesk.web.api.models import ApiToken
from frontdesk.web.api.tokens import create_token_for
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.models import Cycle

from .conftest import build_appraisal_data, load_appraisal_data

pytestmark = pytest.mark.django_db

EVERYONE = ["A001", "A002", "A003", "A004", "A005", "A006"]
TEAM_T1 = ["A001", "A002", "A003"]
T0 = datetime(2026, 10, 8, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def tokens(appraisal) -> dict[str, str]:
    """API tokens of the demo logins, an auditor and a user without a role."""
    User = get_user_model()
    auditor = User.objects.create_user("auditor", password="x")
    Profile.objects.create(user=auditor, role=Role.AUDITOR)
    User.objects.create_user("nobody", password="x")
    return {name: create_token_for(name) for name in ("agent", "lead", "director", "auditor", "nobody")}


@pytest.fixture
def events(settings, tmp_path):
    """An event store in the workspace: first responses of A001 (3 chats) and A002 (1) in October."""
    rows = [
        dict(interaction_id=f"I{i}", channel="chat", agent_id="A001", created_at=T0 + timedelta(hours=i),
             first_response_at=T0 + timedelta(hours=i, seconds=s), abandoned=False)
        for i, s in enumerate([10, 20, 60])
    ] + [dict(interaction_id="J1", channel="chat", agent_id="A002", created_at=T0,
              first_response_at=T0 + timedelta(seconds=99), abandoned=False)]  # fmt: skip
    EventStore(tmp_path / "events").write(
        "interactions", pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema)
    )
    settings.WORKSPACE = tmp_path
    return tmp_path


def call(who: str | None, url: str, tokens: dict[str, str] | None = None, method: str = "get", **body):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[who]}"} if who else {}
    client = Client()
    if method == "post":
        return client.post(url, data=json.dumps(body), content_type="application/json", **headers)
    return client.get(url, **headers)


def agent_ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(c["agent_id"] for c in response.json()["scorecards"])


EVIDENCE = "/api/scorecards/A001/indicators/first_response/evidence?period=2026-10"
ROUTES = [
    ("get", "/api/scorecards?period=latest"),
    ("get", "/api/scorecards/A001?period=2026-10"),
    ("get", "/api/indicators"),
    ("get", EVIDENCE),
    ("get", "/api/cycles"),
    ("post", "/api/cycles/2026-10/monthly/transition"),
]


# Authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_every_route_refuses_a_request_without_a_token(tokens, method, url):
    response = call(None, url, method=method, to="closed")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_every_route_refuses_an_unknown_token(tokens, method, url):
    response = call("x", url, {"x": "fd_not-a-token"}, method=method, to="closed")
    assert response.status_code == 401


def test_a_revoked_token_is_refused(tokens):
    assert call("director", "/api/indicators", tokens).status_code == 200
    ApiToken.objects.get(user__username="director").revoke()
    assert call("director", "/api/indicators", tokens).status_code == 401
    assert call("director", "/api/scorecards?period=latest", tokens).status_code == 401


def test_a_token_of_a_deactivated_account_is_refused(tokens):
    get_user_model().objects.filter(username="lead").update(is_active=False)
    assert call("lead", "/api/scorecards?period=latest", tokens).status_code == 401


def test_the_token_is_stored_only_as_a_digest_and_records_its_last_use(tokens):
    stored = ApiToken.objects.get(user__username="agent")
    assert tokens["agent"] not in {stored.token_hash, stored.prefix}
    assert tokens["agent"].startswith(stored.prefix) and stored.last_used_at is None
    call("agent", "/api/indicators", tokens)
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_a_session_cookie_is_not_an_api_credential(tokens):
    client = Client()
    assert client.login(username="director", password="frontdesk")
    assert client.get("/api/scorecards?period=latest").status_code == 401


# frontdesk token create ------------------------------------------------------------------------


def _token_cli() -> click.Group:
    group = click.Group()
    register(group)
    return group


def test_token_create_prints_a_token_that_answers_the_scorecards_of_the_user(
    appraisal, tmp_path, monkeypatch
):
    from frontdesk import web
    from frontdesk.usecases.workspace import init_workspace

    init_workspace(tmp_path)
    monkeypatch.setenv("FRONTDESK_WORKSPACE", str(tmp_path))
    monkeypatch.setattr(web, "setup", lambda *a, **k: None)  # the test database is already set up
    seen = {}
    for who, expected in (("agent", ["A001"]), ("lead", TEAM_T1), ("director", EVERYONE)):
        result = CliRunner().invoke(
            _token_cli(), ["token", "create", "--workspace", str(tmp_path), "--user", who]
        )
        assert result.exit_code == 0, result.output
        token = result.output.strip()
        assert re.fullmatch(r"fd_[A-Za-z0-9_-]{43}", token)
        seen[who] = agent_ids(call(who, "/api/scorecards?period=latest", {who: token}))
        assert seen[who] == expected
    assert len(seen["agent"]) == 1


def test_token_create_for_an_unknown_user_exits_2_with_one_line(appraisal, tmp_path, monkeypatch):
    from frontdesk import web
    from frontdesk.usecases.workspace import init_workspace

    init_workspace(tmp_path)
    monkeypatch.setenv("FRONTDESK_WORKSPACE", str(tmp_path))
    monkeypatch.setattr(web, "setup", lambda *a, **k: None)
    result = CliRunner().invoke(
        _token_cli(), ["token", "create", "--workspace", str(tmp_path), "--user", "ghost"]
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "frontdesk: error: --user 'ghost': no such user in this workspace"
    ]
    assert not ApiToken.objects.exists()


# GET /api/scorecards ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("agent", ["A001"]), ("lead", TEAM_T1), ("director", EVERYONE), ("auditor", EVERYONE)],
)
def test_latest_scorecards_hold_only_what_the_caller_may_see(tokens, who, expected):
    response = call(who, "/api/scorecards?period=latest", tokens)
    assert agent_ids(response) == expected
    body = response.json()
    assert (body["period"], body["cycle"], body["state"]) == ("2026-10", "monthly", "published")


def test_scorecards_answer_exactly_the_json_of_the_command_line(tokens):
    cards = store.load_scorecards("2026-10", "monthly")
    cli = scorecards_json("2026-10", "monthly", cards, store.cycle_state("2026-10", "monthly"))
    response = call("director", "/api/scorecards?period=2026-10", tokens)
    assert response.json() == json.loads(json.dumps(cli))
    assert list(response.json()) == list(cli)
    lead = call("lead", "/api/scorecards?period=2026-10", tokens).json()
    assert lead["scorecards"] == [json.loads(json.dumps(c.to_json())) for c in cards if c.agent_id in TEAM_T1]


def test_a_period_and_cycle_choose_the_scorecards(tokens):
    body = call("agent", "/api/scorecards?period=2026-Q3&cycle=quarterly", tokens).json()
    assert (body["period"], body["cycle"]) == ("2026-Q3", "quarterly")
    assert [c["agent_id"] for c in body["scorecards"]] == ["A001"]
    assert (
        call("agent", "/api/scorecards?period=latest&cycle=quarterly", tokens).json()["period"] == "2026-Q3"
    )
    assert call("agent", "/api/scorecards?period=2026-10&cycle=quarterly", tokens).status_code == 404
    assert call("agent", "/api/scorecards?period=2025-01", tokens).status_code == 404
    assert call("agent", "/api/scorecards?period=soon", tokens).status_code == 400


def test_a_user_without_a_role_sees_nothing(tokens):
    assert call("nobody", "/api/scorecards?period=latest", tokens).status_code == 404
    assert call("nobody", "/api/scorecards?period=2026-10", tokens).status_code == 404
    assert call("nobody", "/api/scorecards/A001?period=2026-10", tokens).status_code == 404
    assert call("nobody", "/api/cycles", tokens).status_code == 403


def test_unpublished_results_are_hidden_from_agents_and_leads(db):
    load_appraisal_data(build_appraisal_data(), publish=False)
    User = get_user_model()
    auditor = User.objects.create_user("auditor", password="x")
    Profile.objects.create(user=auditor, role=Role.AUDITOR)
    tokens = {who: create_token_for(who) for who in ("agent", "lead", "director", "auditor")}
    for who in ("agent", "lead"):
        assert call(who, "/api/scorecards?period=latest", tokens).status_code == 404
        assert call(who, "/api/scorecards?period=2026-10", tokens).status_code == 404
        assert call(who, "/api/scorecards/A001?period=2026-10", tokens).status_code == 404
    for who in ("director", "auditor"):
        assert agent_ids(call(who, "/api/scorecards?period=latest", tokens)) == EVERYONE


# GET /api/scorecards/{agent_id} ----------------------------------------------------------------


def test_an_agent_reads_their_own_scorecard(tokens, appraisal):
    body = call("agent", "/api/scorecards/A001?period=2026-09", tokens).json()
    assert body == json.loads(json.dumps(appraisal.card("2026-09", "A001").to_json()))
    assert (
        call("agent", "/api/scorecards/A001", tokens).json()["total"]
        == appraisal.card("2026-10", "A001").total
    )


@pytest.mark.parametrize("other", [*EVERYONE[1:], "A999"])
@pytest.mark.parametrize(
    "query", ["", "?period=latest", "?period=2026-10", "?period=2026-09&cycle=monthly", "?period=2026-Q3"]
)
def test_an_agent_never_reads_another_agent_by_any_route(tokens, other, query):
    one = call("agent", f"/api/scorecards/{other}{query}", tokens)
    assert one.status_code == 404
    assert one.json() == {"detail": "no scorecards you may see for this agent and period"}
    sep = "&" if query else "?"
    for code in ("first_response", "csat"):
        evidence = call(
            "agent", f"/api/scorecards/{other}/indicators/{code}/evidence{query}{sep}page=1", tokens
        )
        assert evidence.status_code == 404
    listed = call("agent", f"/api/scorecards{query}", tokens)
    if listed.status_code == 200:
        assert agent_ids(listed) == ["A001"]


def test_a_lead_reads_their_team_but_not_another(tokens):
    assert call("lead", "/api/scorecards/A002?period=2026-10", tokens).status_code == 200
    assert call("lead", "/api/scorecards/A004?period=2026-10", tokens).status_code == 404
    assert call("director", "/api/scorecards/A004?period=2026-10", tokens).status_code == 200
    assert call("auditor", "/api/scorecards/A006?period=2026-10", tokens).status_code == 200


# GET /api/indicators ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["agent", "lead", "director", "auditor"])
def test_every_role_reads_the_indicator_catalogue(tokens, who):
    response = call(who, "/api/indicators", tokens)
    assert response.status_code == 200
    assert response.json() == [i.to_json() for i in builtin_catalog().values()]
    assert response.json()[0]["name"].keys() == {"en", "zh"}


# GET /api/scorecards/{agent_id}/indicators/{code}/evidence -------------------------------------


def test_an_agent_pages_through_the_evidence_of_their_own_value(tokens, events):
    first = call("agent", EVIDENCE + "&page_size=2", tokens)
    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["indicator"], body["agent_id"], body["period"]) == ("first_response", "A001", "2026-10")
    assert (body["total"], body["pages"], body["page"], body["page_size"]) == (3, 2, 1, 2)
    assert [(r["record"], r["values"]) for r in body["rows"]] == [("I0:0", [10.0]), ("I1:0", [20.0])]
    last = call("agent", EVIDENCE + "&page=2&page_size=2", tokens).json()
    assert [(r["record"], r["values"]) for r in last["rows"]] == [("I2:0", [60.0])]


@pytest.mark.parametrize(
    ("who", "status"), [("agent", 404), ("lead", 200), ("director", 200), ("auditor", 200)]
)
def test_evidence_of_another_agent_follows_who_may_see_them(tokens, events, who, status):
    response = call(who, "/api/scorecards/A002/indicators/first_response/evidence?period=2026-10", tokens)
    assert response.status_code == status
    if status == 200:
        assert [r["values"] for r in response.json()["rows"]] == [[99.0]]


def test_evidence_refuses_unknown_indicators_and_bad_pages(tokens, events):
    assert call("agent", "/api/scorecards/A001/indicators/nope/evidence", tokens).status_code == 404
    assert call("agent", EVIDENCE + "&page=0", tokens).status_code == 422
    assert call("agent", EVIDENCE + "&page_size=100000", tokens).status_code == 422


def test_evidence_of_an_unpublished_period_is_hidden_from_the_agent(tokens, events):
    cards = store.load_scorecards("2026-10", "monthly")
    store.save_scorecards(cards, period="2026-10", cycle="monthly", scheme_version="2026.1")  # recomputed
    assert call("agent", EVIDENCE, tokens).status_code == 404
    assert call("director", EVIDENCE, tokens).status_code == 200


# GET /api/cycles and POST /api/cycles/{period}/{kind}/transition --------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("agent", 403), ("lead", 403), ("director", 200), ("auditor", 200)]
)
def test_the_cycles_are_read_by_those_who_oversee_everyone(tokens, who, status):
    response = call(who, "/api/cycles", tokens)
    assert response.status_code == status
    if status == 200:
        rows = {(c["period"], c["kind"]): c for c in response.json()}
        assert set(rows) == {("2026-10", "monthly"), ("2026-09", "monthly"), ("2026-Q3", "quarterly")}
        assert rows[("2026-10", "monthly")]["state"] == "published"
        assert rows[("2026-10", "monthly")]["current_run"]["number"] == 1
        assert rows[("2026-10", "monthly")]["allowed_transitions"] == (
            ["closed"] if who == "director" else []
        )


@pytest.mark.parametrize("who", ["agent", "lead", "auditor", "nobody"])
def test_only_directors_and_administrators_move_cycles(tokens, who):
    response = call(who, "/api/cycles/2026-10/monthly/transition", tokens, method="post", to="closed")
    assert response.status_code == 403
    assert Cycle.objects.get(period="2026-10", kind="monthly").state == "published"


def test_a_director_closes_a_cycle_and_a_closed_cycle_refuses_with_409(tokens):
    url = "/api/cycles/2026-10/monthly/transition"
    response = call("director", url, tokens, method="post", to="closed", note="final")
    assert response.status_code == 200
    assert response.json() == {"period": "2026-10", "kind": "monthly", "state": "closed"}
    cycle = Cycle.objects.get(period="2026-10", kind="monthly")
    last = cycle.transitions.order_by("-at", "-id").first()
    assert (cycle.state, last.by.username, last.note) == ("closed", "director", "final")
    again = call("director", url, tokens, method="post", to="published")
    assert again.status_code == 409
    assert "is closed" in again.json()["detail"]


def test_a_move_that_may_not_follow_the_state_is_a_conflict(tokens):
    url = "/api/cycles/2026-09/monthly/transition"
    response = call("director", url, tokens, method="post", to="in_review")
    assert response.status_code == 409
    assert "may go to closed" in response.json()["detail"]
    assert (
        call(
            "director", "/api/cycles/2030-01/monthly/transition", tokens, method="post", to="closed"
        ).status_code
        == 404
    )
    assert call("director", url, tokens, method="post", to="frozen").status_code == 422


# OpenAPI and the docs page ---------------------------------------------------------------------


def test_the_openapi_document_describes_every_route_and_the_bearer_token(client):
    spec = client.get("/api/openapi.json").json()
    assert {
        "/api/scorecards",
        "/api/scorecards/{agent_id}",
        "/api/indicators",
        "/api/scorecards/{agent_id}/indicators/{code}/evidence",
        "/api/cycles",
        "/api/cycles/{period}/{kind}/transition",
    } <= set(spec["paths"])
    schemes = spec["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]


def test_the_docs_page_loads_nothing_from_another_origin(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "http://" not in html and "https://" not in html
    settings = json.loads(re.search(r'id="swagger-settings"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert settings["url"] == "/api/openapi.json" and settings["validatorUrl"] is None
    for u in urls:
        asset = client.get(u)
        assert asset.status_code == 200, u
        assert b"".join(asset.streaming_content)
    assert client.get("/api/docs/assets/..%2Fsettings.py").status_code == 404
