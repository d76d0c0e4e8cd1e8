"""The 360 block on the scorecard: answers given through campaign links reach the quarter's
scorecards when it is recomputed as the command line does, with each relation's weight from the
scheme (the customer's at least 40 %), in the page and in ``frontdesk scorecards --format json``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.test import Client

from frontdesk.cli import main
from frontdesk.indicators.periods import parse_period
from frontdesk.web.appraisal import store
from frontdesk.web.feedback.models import Invitation

from .conftest import PASSWORD
from .feedback_workspace import make_workspace, recompute, this_month
from .test_appeals import make_user
from .test_feedback_campaigns import answer_by_link, everything, start

pytestmark = pytest.mark.django_db


def this_quarter():
    month = this_month()
    return parse_period(f"{month.start.year}-Q{(month.start.month - 1) // 3 + 1}")


@pytest.fixture
def computed(appraisal, settings, monkeypatch, tmp_path):
    """A campaign for T1: A001 rated by five customers (4 of 5), the lead (3), two peers (5, both
    withheld) and self (5); the quarter recomputed and put in review."""
    from frontdesk.web.accounts.models import Role

    make_user("agent2", Role.AGENT, agent="A002")
    make_user("agent3", Role.AGENT, agent="A003")
    ws = make_workspace(tmp_path / "ws", settings, monkeypatch)
    _, links = start(relations=("customer", "supervisor", "peer", "self"), customers_per_subject=5)
    for (subject, relation, _), token in links.items():
        if subject != "A001":
            continue
        score = {"customer": 4, "supervisor": 3, "peer": 5, "self": 5}[relation]
        assert answer_by_link(token, everything(score)).status_code == 200
    assert Invitation.objects.filter(answered_at__isnull=False).count() == 5 + 1 + 2 + 1
    quarter = this_quarter()
    recompute(ws, quarter)
    store.transition(quarter.label, "quarterly", "in_review")
    return ws, quarter


def test_the_stored_scorecard_carries_the_360_block(computed):
    _, quarter = computed
    [card] = [c for c in store.load_scorecards(quarter.label, "quarterly") if c.agent_id == "A001"]
    block = card.ratings_360
    assert {rel: r.weight for rel, r in block.relations.items()} == {
        "customer": 0.4, "supervisor": 0.25, "peer": 0.2, "self": 0.05, "partner_dept": 0.1
    }  # fmt: skip
    assert (block.relations["customer"].score, block.relations["customer"].n) == (80.0, 5)
    assert (block.relations["peer"].score, block.relations["peer"].n) == (None, 2)
    # customer 0.40 × 80 + supervisor 0.25 × 60 + self 0.05 × 100 over 0.70 = 52 / 0.7
    assert block.score == pytest.approx(74.29)


def test_scorecards_json_has_ratings_360(computed):
    ws, quarter = computed
    result = CliRunner().invoke(
        main, ["scorecards", "--workspace", str(ws.root), "--period", quarter.label, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output[result.output.index("{") :])
    entry = next(s for s in document["scorecards"] if s["agent_id"] == "A001")
    relations = entry["ratings_360"]["relations"]
    assert relations["customer"] == {
        "weight": 0.4, "score": 80.0, "n": 5, "effective_weight": pytest.approx(0.4 / 0.7, abs=1e-6), "flags": []
    }  # fmt: skip
    assert relations["customer"]["weight"] >= 0.4
    assert relations["peer"]["score"] is None and relations["peer"]["flags"] == ["too_few_raters"]
    assert "ratings_360" not in next(s for s in document["scorecards"] if s["agent_id"] == "A004")


@pytest.mark.parametrize("username", ["agent", "director"])
def test_the_scorecard_page_shows_the_360_block(computed, username):
    _, quarter = computed
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    page = client.get(f"/agents/A001/?period={quarter.label}", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    block = html.split('id="ratings-360-title"')[1].split("</section>")[0]
    customer = block.split('data-relation="customer"')[1].split("</tr>")[0]
    assert '<td class="num relation-weight" data-label="Weight">40 %</td>' in customer and "80.0" in customer
    peer = block.split('data-relation="peer"')[1].split("</tr>")[0]
    assert "20 %" in peer and "withheld" in peer and "100.0" not in peer
    assert '<td class="num ratings-360-score">74.3</td>' in block
