"""Appeals across a recompute (frontdesk/web/appeals/README.md): recomputing a cycle makes a new run;
an open appeal moves to the new result and stays open; an accepted appeal whose indicator was
recomputed to the value the decision answered is re-applied to the new run through the same
rescoring; one whose recomputed value differs is reopened for a new decision; rejected appeals stay
with the old run. Every step is in the audit log."""

from __future__ import annotations

import copy

import pytest

from frontdesk.scoring.scores import linear_score
from frontdesk.web.accounts.models import Role
from frontdesk.web.appeals import workflow
from frontdesk.web.appeals.models import Adjustment, Appeal, AuditAction, AuditEntry
from frontdesk.web.appraisal import store

from .conftest import build_appraisal_data, load_appraisal_data
from .test_appeals import PERIOD, file, make_user, result, scorecard, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(db):
    """As ``test_appeals.in_review``: every cycle computed, October in review; agent = A001 (T1),
    lead of T1, director."""
    data = build_appraisal_data()
    load_appraisal_data(data, publish=False)
    store.transition(PERIOD, "monthly", "in_review")
    make_user("agent2", Role.AGENT, agent="A002")
    return data


def recompute(data, change: dict[tuple[str, str], float] | None = None, by_user=None) -> None:
    """Store October again (a new run) with the same cards, some values changed; then back in review."""
    cards = copy.deepcopy(next(r for r in data.runs if r.period == PERIOD).cards)
    for (agent_id, code), value in (change or {}).items():
        next(c for c in cards if c.agent_id == agent_id).indicators[code].value = value
    store.save_scorecards(cards, period=PERIOD, cycle="monthly", scheme_version="2026.1", by_user=by_user)
    store.transition(PERIOD, "monthly", "in_review")


def accept(appeal: Appeal, value: float | None = None) -> Appeal:
    return workflow.decide_appeal(user("lead"), appeal, "accepted", comment="Agreed.", adjusted_value=value)


def entries(appeal: Appeal) -> list[str]:
    return list(
        AuditEntry.objects.filter(appeal=appeal).order_by("at", "id").values_list("action", flat=True)
    )


def test_an_accepted_adjustment_is_reapplied_when_the_recomputed_value_is_unchanged(october):
    appeal = accept(file(proposed_value=88.0))
    adjusted_total = scorecard("A001").total
    original = build_appraisal_data().card(PERIOD, "A001").indicators["csat"]
    recompute(october, by_user=user("director"))
    appeal.refresh_from_db()
    new = result("A001", "csat")
    assert new.scorecard.run.number == 2 and appeal.indicator_id == new.pk
    assert appeal.status == "accepted" and appeal.adjusted_value == 88.0
    assert (new.value, new.score) == (88.0, round(linear_score(88.0, new.target, new.floor), 2))
    assert scorecard("A001").total == adjusted_total
    carried = Adjustment.objects.get(appeal=appeal, indicator=new)
    assert carried.carried_over and carried.by == user("lead")  # the decision stays the lead's
    assert (carried.value_before, carried.value_after) == (original.value, 88.0)
    assert entries(appeal)[-2:] == [AuditAction.CARRIED_OVER, AuditAction.ADJUSTED]
    entry = AuditEntry.objects.filter(appeal=appeal, action=AuditAction.CARRIED_OVER).get()
    assert entry.by == user("director") and (entry.after["from_run"], entry.after["run"]) == (1, 2)
    assert appeal.adjustment == carried


def test_the_adjustment_on_the_new_run_is_what_the_agent_and_the_api_see(client, october):
    accept(file(proposed_value=88.0))
    recompute(october)
    client.login(username="agent", password="frontdesk")
    page = client.get(f"/agents/A001/?period={PERIOD}", HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["record"].total == scorecard("A001").total
    assert page.context["record"].run.number == 2


def test_an_accepted_appeal_is_reopened_when_the_recomputed_value_differs(october):
    appeal = accept(file(proposed_value=88.0))
    recompute(october, {("A001", "csat"): 71.0})
    appeal.refresh_from_db()
    new = result("A001", "csat")
    assert appeal.indicator_id == new.pk and appeal.status == "open"
    assert appeal.decided_by is None and appeal.adjusted_value is None
    assert new.value == 71.0, "the recomputed value stands until a new decision"
    assert not Adjustment.objects.filter(indicator=new).exists()
    assert Adjustment.objects.filter(appeal=appeal).count() == 1  # the first decision's, kept
    assert entries(appeal)[-1] == AuditAction.REOPENED
    reopened = AuditEntry.objects.get(appeal=appeal, action=AuditAction.REOPENED)
    assert reopened.before["status"] == "accepted" and reopened.after["value"] == 71.0
    # The lead decides again, on the new number.
    accept(appeal, 80.0)
    assert result("A001", "csat").value == 80.0


def test_an_open_appeal_moves_to_the_new_result_and_can_be_decided(october):
    appeal = file(proposed_value=88.0)
    recompute(october)
    appeal.refresh_from_db()
    assert appeal.indicator_id == result("A001", "csat").pk and appeal.is_open
    assert entries(appeal) == [AuditAction.FILED, AuditAction.CARRIED_OVER]
    accept(appeal)
    assert result("A001", "csat").value == 88.0


def test_a_rejected_appeal_stays_with_the_old_run(october):
    appeal = workflow.decide_appeal(user("lead"), file(), "rejected", comment="No.")
    old = appeal.indicator_id
    recompute(october)
    appeal.refresh_from_db()
    assert appeal.indicator_id == old and appeal.status == "rejected"
    assert entries(appeal) == [AuditAction.FILED, AuditAction.DECIDED]
    # The new number may be appealed afresh in the new window.
    assert file().indicator_id == result("A001", "csat").pk


def test_an_appeal_whose_result_is_gone_is_left_behind_and_logged(october):
    appeal = file(proposed_value=88.0)
    recompute(october, {("A001", "csat"): None})
    appeal.refresh_from_db()
    assert appeal.indicator.scorecard.run.superseded and appeal.is_open
    assert entries(appeal)[-1] == AuditAction.NOT_CARRIED_OVER


def test_a_recompute_that_fails_carries_nothing(october, monkeypatch):
    appeal = accept(file(proposed_value=88.0))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(workflow, "_adjust", broken)
    with pytest.raises(RuntimeError):
        recompute(october)
    appeal.refresh_from_db()
    assert appeal.indicator.scorecard.run.number == 1 and not appeal.indicator.scorecard.run.superseded
    assert entries(appeal) == [AuditAction.FILED, AuditAction.ADJUSTED, AuditAction.DECIDED]
