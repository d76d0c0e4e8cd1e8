"""The published scheme (MISSION Q3): readable by every signed-in role, its raw YAML, the "I have
read this" acknowledgement per scheme version, and the acknowledgement rate for HR / directors."""

from __future__ import annotations

import pytest
from django.test import Client

from frontdesk.scoring.scheme import load_scheme, parse_scheme
from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal.models import SchemeAcknowledgement

from .users import login, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme():
    return load_scheme()  # tests run without a workspace: the built-in default is in force


def test_anonymous_is_sent_to_sign_in(client, appraisal):
    for url in ["/scheme/", "/scheme/scheme.yaml"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post("/scheme/acknowledge/").status_code == 302
    assert not SchemeAcknowledgement.objects.exists()


@pytest.mark.parametrize("username", ["agent", "lead", "director", "auditor", "norole"])
def test_every_signed_in_user_reads_the_scheme(client, appraisal, scheme, username):
    if username in ("auditor", "norole"):
        make_user(username, Role.AUDITOR if username == "auditor" else None)
    response = login(client, username).get("/scheme/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert scheme.version_id in text
    for d in scheme.dimensions:
        assert d.name_en in text
    assert "First response time" in text and "Excellent" in text
    assert 'href="/scheme/scheme.yaml"' in text


def test_the_page_is_in_the_readers_language(client, appraisal, scheme):
    login(client, "agent")
    zh = client.get("/scheme/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "首次响应时间" in zh and "优秀" in zh and "我已阅读" in zh
    assert scheme.dimensions[0].name_zh in zh


def test_the_page_shows_weights_targets_floors_curves_cycles_and_critical_rules(client, appraisal, scheme):
    response = login(client, "agent").get("/scheme/", HTTP_ACCEPT_LANGUAGE="en")
    dims = response.context["dimensions"]
    assert [d.code for d in dims] == [d.code for d in scheme.dimensions]
    first = dims[0].indicators[0]
    rule = scheme.dimensions[0].indicators[0]
    assert (first.code, first.weight, first.target, first.floor) == (
        rule.code,
        rule.weight,
        rule.target,
        rule.floor,
    )
    assert first.description and first.curve and first.cycles
    text = response.content.decode()
    for rule in scheme.critical:
        assert f"the grade is at most {rule.cap_grade}" in text


def test_the_raw_yaml_is_the_scheme_as_written(client, appraisal, scheme):
    response = login(client, "agent").get("/scheme/scheme.yaml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode("utf-8") == scheme.source_text


def test_acknowledging_records_this_version_once(client, appraisal, scheme):
    login(client, "agent")
    assert client.get("/scheme/").context["acknowledged_at"] is None
    response = client.post("/scheme/acknowledge/", {"version": scheme.version_id})
    assert response.status_code == 302 and response["Location"] == "/scheme/"
    client.post("/scheme/acknowledge/", {"version": scheme.version_id})
    ack = SchemeAcknowledgement.objects.get()
    assert (ack.user.username, ack.scheme_version) == ("agent", scheme.version_id)
    page = client.get("/scheme/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["acknowledged_at"] == ack.acknowledged_at
    assert "You acknowledged this version on" in page.content.decode()
    assert 'name="acknowledge"' not in page.content.decode()


def test_acknowledging_needs_post_and_csrf(appraisal, scheme):
    strict = Client(enforce_csrf_checks=True)
    login(strict, "agent")
    assert strict.get("/scheme/acknowledge/").status_code == 405
    assert strict.post("/scheme/acknowledge/", {"version": scheme.version_id}).status_code == 403
    assert not SchemeAcknowledgement.objects.exists()


def test_a_stale_version_is_not_acknowledged(client, appraisal):
    login(client, "agent")
    client.post("/scheme/acknowledge/", {"version": "default:2020.1+00000000"})
    assert not SchemeAcknowledgement.objects.exists()


def test_a_new_scheme_version_needs_a_new_acknowledgement(client, appraisal, scheme, monkeypatch):
    login(client, "agent")
    client.post("/scheme/acknowledge/", {"version": scheme.version_id})
    edited = parse_scheme(scheme.source_text.replace("version:", "version: 2099.1\n_old_version:", 1))
    assert edited.version_id != scheme.version_id
    monkeypatch.setattr("frontdesk.web.appraisal.transparency._scheme_in_force", lambda: edited)
    assert client.get("/scheme/").context["acknowledged_at"] is None
    client.post("/scheme/acknowledge/", {"version": edited.version_id})
    assert set(SchemeAcknowledgement.objects.values_list("scheme_version", flat=True)) == {
        scheme.version_id,
        edited.version_id,
    }


def test_only_hr_and_directors_see_who_has_acknowledged(client, appraisal, scheme):
    login(client, "agent").post("/scheme/acknowledge/", {"version": scheme.version_id})
    for username in ["agent", "lead"]:
        login(client, username)
        response = client.get("/scheme/", HTTP_ACCEPT_LANGUAGE="en")
        assert "rate" not in response.context
        assert "Wang Wei" not in response.content.decode()
    response = login(client, "director").get("/scheme/", HTTP_ACCEPT_LANGUAGE="en")
    rate = response.context["rate"]
    assert (rate.acknowledged, rate.total) == (1, 6)
    t1 = next(t for t in rate.teams if t.team.pk == "T1")
    assert [a.agent_id for a, _ in t1.acknowledged] == ["A001"]
    assert [a.agent_id for a in t1.pending] == ["A002", "A003"]
    assert {t.team.pk for t in rate.teams} == {"T1", "T2", "T3"}
    assert "1 of 6 agents have acknowledged this version." in response.content.decode()


def test_an_unreadable_scheme_is_said_not_hidden(client, appraisal, monkeypatch):
    monkeypatch.setattr("frontdesk.web.appraisal.transparency._scheme_in_force", lambda: None)
    login(client, "agent")
    assert client.get("/scheme/").status_code == 200
    assert client.get("/scheme/scheme.yaml").status_code == 404
    assert client.post("/scheme/acknowledge/", {"version": "x"}).status_code == 404
