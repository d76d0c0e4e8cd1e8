"""The home page (``/``): what needs attention, by role. Agents: their own latest visible scorecard,
their open appeals, whether they have acknowledged the scheme. Leads: their teams' people below
target and the appeals awaiting their decision. HR / directors: cycles to review, open appeals,
the acknowledgement rate."""

from __future__ import annotations

import pytest

from frontdesk.scoring.scheme import load_scheme
from frontdesk.web.accounts.models import Role
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.models import SchemeAcknowledgement, ScorecardRecord

from .conftest import build_appraisal_data, load_appraisal_data
from .test_appeals import file, login, make_user, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(db):
    """As ``test_appeals.in_review``: every cycle computed, October in review. Logins: director,
    lead (T1), agent (A001), agent2 (A002, T1), agent4 (A004, T2), lead2 (T2), qa (T1), auditor."""
    load_appraisal_data(build_appraisal_data(), publish=False)
    store.transition("2026-10", "monthly", "in_review")
    make_user("agent2", Role.AGENT, agent="A002")
    make_user("agent4", Role.AGENT, agent="A004")
    make_user("lead2", Role.LEAD, teams=("T2",))
    make_user("qa", Role.QA, teams=("T1",))
    make_user("auditor", Role.AUDITOR)


PERIOD = "2026-10"


def below(agent_id: str, **values) -> None:
    ScorecardRecord.objects.filter(agent_id=agent_id, run__cycle__period=PERIOD).update(**values)


def test_anonymous_is_sent_to_sign_in(client, in_review):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_agent_sees_own_latest_visible_scorecard_open_appeals_and_acknowledgement(client, in_review):
    appeal = file()
    login(client, "agent")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    latest = response.context["latest"]
    # October is in review (visible to agents); the computed-only periods are not shown
    assert (latest.agent_id, latest.run.cycle.period) == ("A001", PERIOD)
    assert [a.pk for a in response.context["own_open_appeals"]] == [appeal.pk]
    text = response.content.decode()
    assert f'href="/appeals/{appeal.pk}/"' in text
    assert "You have not yet acknowledged the current scheme." in text
    for other in ["Wang Wei", "Zhang Min", "Liu Yang"]:
        assert other not in text
    assert "supervises" not in response.context and "rate" not in response.context

    SchemeAcknowledgement.objects.create(user=user("agent"), scheme_version=load_scheme().version_id)
    text = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You acknowledged the current scheme on" in text


def test_agent_with_nothing_visible_yet_is_told_so(client, db):
    load_appraisal_data(build_appraisal_data(), publish=False)
    response = login(client, "agent").get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["latest"] is None
    assert "No results of yours have been published yet." in response.content.decode()


def test_lead_sees_own_teams_people_below_target_and_appeals_to_decide(client, in_review):
    below("A003", grade="D")  # T1, grade D
    below("A002", total=40.0)  # T1, below the C threshold (55) whatever the grade
    below("A004", grade="D", total=10.0)  # T2: not the lead's
    mine, theirs = file(), file("agent4", "A004")
    response = login(client, "lead").get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["below_period"] == PERIOD
    assert [r.agent_id for r in response.context["below_target"]] == ["A002", "A003"]
    assert [a.pk for a in response.context["to_decide"]] == [mine.pk]
    text = response.content.decode()
    assert "Liu Yang" not in text and f'href="/appeals/{theirs.pk}/"' not in text
    assert "rate" not in response.context


def test_qa_reviewer_sees_below_target_but_decides_nothing(client, in_review):
    below("A003", grade="D")
    response = login(client, "qa").get("/")
    assert [r.agent_id for r in response.context["below_target"]] == ["A003"]
    assert not response.context.get("decides")


def test_director_sees_cycles_to_review_open_appeals_and_the_acknowledgement_rate(client, in_review):
    file()
    file("agent4", "A004")
    SchemeAcknowledgement.objects.create(user=user("agent"), scheme_version=load_scheme().version_id)
    SchemeAcknowledgement.objects.create(user=user("agent2"), scheme_version="default:1999.1+deadbeef")
    response = login(client, "director").get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert [(c.period, c.state) for c in response.context["cycles_to_review"]] == [
        ("2026-10", "in_review"),
        ("2026-09", "computed"),
        ("2026-Q3", "computed"),
    ]
    assert response.context["open_appeals_count"] == 2
    assert response.context["to_decide_count"] == 2
    rate = response.context["rate"]
    assert (rate.acknowledged, rate.total) == (1, 6)  # an old version's acknowledgement does not count
    assert "1 of 6 agents have acknowledged this version." in response.content.decode()


def test_auditor_sees_cycles_and_appeals_but_neither_decides_nor_sees_acknowledgements(client, in_review):
    file()
    response = login(client, "auditor").get("/")
    assert response.context["open_appeals_count"] == 1
    assert not response.context["decides"]
    assert "rate" not in response.context


def test_a_user_without_a_role_sees_the_no_access_page(client, in_review):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("norole", password="frontdesk")
    response = login(client, "norole").get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "appraisal/no_access.html"


def test_the_home_page_is_in_chinese_by_default(client, in_review):
    from .test_web_i18n import english_words, visible_text

    for username in ["agent", "lead", "director"]:
        response = login(client, username).get("/")
        assert response["Content-Language"] == "zh-hans"
        assert english_words(visible_text(response.content)) == set(), username
