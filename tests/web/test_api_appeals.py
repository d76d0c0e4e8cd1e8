"""``/api/appeals``: the appeals the caller may read, one appeal, filing and deciding, with the same
rules as the pages (``appeals/workflow.py``): an agent files on their own result in the window; the
lead decides; an appeal the caller may not read is a 404; a rule's refusal is a 409."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from frontdesk.web.api.tokens import create_token
from frontdesk.web.appeals.models import Appeal, AuditEntry
from frontdesk.web.appraisal import store

from .test_appeals import PERIOD, file, in_review, result, scorecard, user  # noqa: F401

pytestmark = pytest.mark.django_db


def call(who: str, url: str, body: dict | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_token(user(who))[1]}"}
    if body is None:
        return Client().get(url, **headers)
    return Client().post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_the_agent_files_through_the_api_and_the_lead_accepts(in_review):  # noqa: F811
    filed = call("agent", "/api/appeals", {"period": PERIOD, "indicator": "csat", "reason": "Surveys of "
                 "another agent.", "proposed_value": 88, "evidence": "T-1024"})  # fmt: skip
    assert filed.status_code == 201, filed.content
    body = filed.json()
    appeal = Appeal.objects.get()
    csat = result("A001", "csat")
    assert (body["id"], body["agent_id"], body["indicator"], body["status"]) == (
        appeal.pk,
        "A001",
        "csat",
        "open",
    )
    assert (body["period"], body["cycle"], body["run"], body["value"]) == (PERIOD, "monthly", 1, csat.value)
    assert body["proposed_value"] == 88.0 and body["adjustments"] == []
    assert AuditEntry.objects.get(appeal=appeal).by == user("agent")
    decided = call("lead", f"/api/appeals/{appeal.pk}/decide", {"decision": "accepted", "comment": "Agreed."})
    assert decided.status_code == 200, decided.content
    body = decided.json()
    after = result("A001", "csat")
    assert (body["status"], body["decided_by"], body["adjusted_value"]) == ("accepted", "lead", 88.0)
    assert (body["value"], body["score"]) == (88.0, after.score)
    [adjustment] = body["adjustments"]
    assert (adjustment["value_before"], adjustment["value_after"]) == (csat.value, 88.0)
    assert adjustment["total_after"] == scorecard("A001").total and not adjustment["carried_over"]
    # The agent reads the decided appeal, the same as the lead wrote it.
    assert call("agent", f"/api/appeals/{appeal.pk}").json() == body


def test_the_list_holds_only_the_appeals_the_caller_may_read(in_review):  # noqa: F811
    own, team, other = file(), file("agent2", "A002"), file("agent4", "A004")
    ids = {who: {a["id"] for a in call(who, "/api/appeals").json()} for who in ("agent", "lead", "director")}
    assert ids == {
        "agent": {own.pk},
        "lead": {own.pk, team.pk},
        "director": {own.pk, team.pk, other.pk},
    }
    assert [a["id"] for a in call("agent", "/api/appeals?agent_id=A002").json()] == []
    assert [a["id"] for a in call("director", "/api/appeals?agent_id=A004").json()] == [other.pk]
    assert call("director", "/api/appeals?status=accepted").json() == []
    assert [a["id"] for a in call("director", "/api/appeals?limit=1").json()] == [other.pk]  # newest first


def test_filing_after_the_deadline_or_twice_is_a_conflict(in_review, monkeypatch):  # noqa: F811
    body = {"period": PERIOD, "indicator": "csat", "reason": "r"}
    assert call("agent", "/api/appeals", body).status_code == 201
    twice = call("agent", "/api/appeals", body)
    assert twice.status_code == 409 and "already been appealed" in twice.json()["detail"]
    from frontdesk.web.appeals import workflow

    monkeypatch.setattr(workflow, "deadline_of", lambda cycle: timezone.now() - timedelta(minutes=1))
    late = call("agent", "/api/appeals", {"period": PERIOD, "indicator": "nps", "reason": "r"})
    assert late.status_code == 409 and "window" in late.json()["detail"]
    assert Appeal.objects.count() == 1


def test_a_published_cycle_takes_no_new_appeals_through_the_api(in_review):  # noqa: F811
    store.transition(PERIOD, "monthly", "published")
    response = call("agent", "/api/appeals", {"period": PERIOD, "indicator": "csat", "reason": "r"})
    assert response.status_code == 409 and "published" in response.json()["detail"]


def test_bad_decisions_are_refused_with_reasons(in_review):  # noqa: F811
    appeal = file()  # no proposed value
    url = f"/api/appeals/{appeal.pk}/decide"
    needs = call("lead", url, {"decision": "accepted", "comment": "ok"})
    assert needs.status_code == 400 and "value" in needs.json()["detail"]
    assert call("lead", url, {"decision": "maybe", "comment": "ok"}).status_code == 422
    assert call("lead", url, {"decision": "rejected", "comment": ""}).status_code == 422
    assert (
        call("qa", url, {"decision": "rejected", "comment": "ok"}).status_code == 403
    )  # reads, never decides
    assert (
        call("agent", url, {"decision": "accepted", "comment": "mine", "adjusted_value": 99}).status_code
        == 403
    )
    assert call("lead", url, {"decision": "rejected", "comment": "No."}).status_code == 200
    again = call("director", url, {"decision": "accepted", "comment": "Yes.", "adjusted_value": 90})
    assert again.status_code == 409 and Appeal.objects.get().status == "rejected"


def test_nul_characters_and_infinite_values_are_bad_input_not_server_errors(in_review):  # noqa: F811
    nul = call("agent", "/api/appeals", {"period": PERIOD, "indicator": "csat", "reason": "a\x00b"})
    assert nul.status_code == 422
    infinite = Client().post(
        "/api/appeals",
        data='{"period": "2026-10", "indicator": "csat", "reason": "r", "proposed_value": Infinity}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {create_token(user('agent'))[1]}",
    )
    assert infinite.status_code in (400, 422)
    assert call("director", f"/api/appeals/{2**63}").status_code == 422
    assert Appeal.objects.count() == 0
