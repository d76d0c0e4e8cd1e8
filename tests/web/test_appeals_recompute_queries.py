"""A recompute carries a cycle's appeals over (appeals/workflow.py ``carry_over``) in a number of
queries that does not grow with the number of appeals: the appeals, their adjustments and the new
results are read once, and the moves, re-applied adjustments and audit entries written in bulk."""

from __future__ import annotations

import copy

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from frontdesk.web.accounts.models import Role
from frontdesk.web.appeals import workflow
from frontdesk.web.appeals.models import Adjustment, Appeal, AuditAction, AuditEntry
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.models import IndicatorRecord, ScorecardRecord

from .conftest import build_appraisal_data, load_appraisal_data
from .test_appeals import PERIOD, make_user, result, user

pytestmark = pytest.mark.django_db

AGENTS = ("A001", "A002", "A003", "A004", "A005", "A006")
# (agent, indicator) of up to twelve appeals; the k-th is open, re-applied or reopened by k % 3.
PAIRS = [(a, code) for code in ("csat", "first_response") for a in AGENTS]
PROPOSED = {"csat": 88.0, "first_response": 50.0}


class Rollback(Exception):
    pass


@pytest.fixture
def october(db):
    """Every cycle computed, October in review; a login per agent (agent_A001 …) and the director."""
    data = build_appraisal_data()
    load_appraisal_data(data, publish=False)
    store.transition(PERIOD, "monthly", "in_review")
    for agent_id in AGENTS:
        make_user(f"agent_{agent_id}", Role.AGENT, agent=agent_id)
    return data


def appeals_of_every_kind(count: int) -> dict[tuple[str, str], float]:
    """File ``count`` appeals, accept two thirds of them; returns the recomputed values that
    make the third third be reopened."""
    director = user("director")
    changes = {}
    for k, (agent_id, code) in enumerate(PAIRS[:count]):
        appeal = workflow.file_appeal(
            user(f"agent_{agent_id}"),
            result(agent_id, code),
            reason="The surveys were of another agent's contacts.",
            proposed_value=PROPOSED[code],
        )
        if k % 3:
            workflow.decide_appeal(director, appeal, "accepted", comment="Agreed.")
        if k % 3 == 2:
            changes[(agent_id, code)] = result(agent_id, code).explanation.get("raw_value") or 71.0
    return changes


def recompute(data, changes: dict[tuple[str, str], float]) -> None:
    cards = copy.deepcopy(next(r for r in data.runs if r.period == PERIOD).cards)
    for (agent_id, code), value in changes.items():
        next(c for c in cards if c.agent_id == agent_id).indicators[code].value = value
    store.save_scorecards(cards, period=PERIOD, cycle="monthly", scheme_version="2026.1")


def queries_to_recompute(data, count: int) -> int:
    """The queries of one recompute carrying ``count`` appeals over; nothing of it is kept."""
    try:
        with transaction.atomic():
            changes = appeals_of_every_kind(count)
            with CaptureQueriesContext(connection) as captured:
                recompute(data, changes)
            statuses = sorted(
                Appeal.objects.filter(indicator__scorecard__run__number=2).values_list("status", flat=True)
            )
            kinds = [k % 3 for k in range(count)]
            assert statuses.count("open") == kinds.count(0) + kinds.count(2)
            assert statuses.count("accepted") == kinds.count(1)
            assert Adjustment.objects.filter(carried_over=True).count() == kinds.count(1)
            raise Rollback
    except Rollback:
        pass
    return len(captured.captured_queries)


def test_carrying_twelve_appeals_over_takes_as_many_queries_as_three(october, django_assert_max_num_queries):
    few = queries_to_recompute(october, 3)
    many = queries_to_recompute(october, 12)
    assert many == few, f"{few} queries for 3 appeals, {many} for 12"
    # and the same bound holds when the twelve are carried over for real
    changes = appeals_of_every_kind(12)
    with django_assert_max_num_queries(few):
        recompute(october, changes)


def test_every_appeal_is_carried_over_as_one_at_a_time_would(october):
    """The bulk path gives each appeal what the rules say: moved, re-applied (the adjustment and
    the total of the new run), reopened; each with its audit entries, in order."""
    changes = appeals_of_every_kind(12)
    recompute(october, changes)
    for k, (agent_id, code) in enumerate(PAIRS):
        new = result(agent_id, code)
        appeal = Appeal.objects.get(indicator=new)
        actions = list(
            AuditEntry.objects.filter(appeal=appeal).order_by("at", "id").values_list("action", flat=True)
        )
        if k % 3 == 0:
            assert appeal.status == "open" and actions[-1] == AuditAction.CARRIED_OVER
        elif k % 3 == 1:
            assert appeal.status == "accepted" and new.value == PROPOSED[code]
            assert actions[-2:] == [AuditAction.CARRIED_OVER, AuditAction.ADJUSTED]
            carried = Adjustment.objects.get(appeal=appeal, indicator=new)
            adjusted = AuditEntry.objects.get(
                appeal=appeal, action=AuditAction.ADJUSTED, after__adjustment=carried.pk
            )
            assert adjusted.after["total"] == carried.total_after
            card = ScorecardRecord.objects.get(pk=new.scorecard_id)
            rows = IndicatorRecord.objects.filter(scorecard=card).values_list("weight", "score")
            assert card.total == round(sum(w * s for w, s in rows if s is not None), 2)
        else:
            assert appeal.status == "open" and new.value == changes[(agent_id, code)]
            assert actions[-1] == AuditAction.REOPENED
