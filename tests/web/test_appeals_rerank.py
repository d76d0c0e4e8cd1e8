"""A scorecard never contradicts itself after an appeal (issue 15, item 5): when a decision changes
a total, the agent's grade follows the scheme's thresholds (under a critical-failure cap that
capped it) and the run's ranks follow every total; the ranking lists totals in order."""

from __future__ import annotations

import pytest

from frontdesk.scoring.scheme import load_scheme
from frontdesk.web.appeals import workflow
from frontdesk.web.appraisal.models import ScorecardRecord, ScorecardRun

from .test_appeals import PERIOD, file, in_review, scorecard, user  # noqa: F401  (in_review: the fixture)


def cards() -> list[ScorecardRecord]:
    return list(ScorecardRecord.objects.filter(run__cycle__period=PERIOD, run__superseded=False))


def assert_ranks_follow_totals() -> None:
    every = cards()
    for c in every:
        assert c.rank_org == 1 + sum(1 for o in every if o.total > c.total), c.agent_id
        team = [o for o in every if o.team_id == c.team_id]
        assert c.rank_team == 1 + sum(1 for o in team if o.total > c.total), c.agent_id
        site = [o for o in every if o.site_id == c.site_id]
        assert c.explanation["rank_site"] == 1 + sum(1 for o in site if o.total > c.total), c.agent_id


@pytest.fixture
def worst(in_review):  # noqa: F811
    """The agent with the lowest total, their run scored under the built-in scheme's version."""
    ScorecardRun.objects.filter(cycle__period=PERIOD).update(scheme_version=load_scheme().version_id)
    return min((c for c in cards() if c.agent_id in LOGINS), key=lambda c: c.total)


LOGINS = {"A001": "agent", "A002": "agent2", "A004": "agent4"}  # the agents with a login


def accept_full_csat(card: ScorecardRecord) -> ScorecardRecord:
    """The agent of ``card`` appeals its CSAT, the director accepts 100; the scorecard after it."""
    appeal = workflow.file_appeal(
        user(LOGINS[card.agent_id]),
        card.indicators.get(code="csat"),
        reason="Wrong agent.",
        proposed_value=100.0,
    )
    workflow.decide_appeal(user("director"), appeal, "accepted", comment="Checked.")
    return scorecard(card.agent_id)


def test_an_accepted_appeal_regrades_and_reranks(worst):
    others_before = {c.agent_id: (c.total, c.grade) for c in cards() if c.agent_id != worst.agent_id}
    after = accept_full_csat(worst)
    assert after.total > worst.total
    assert after.grade == load_scheme().grade_for(after.total)
    assert after.rank_org < worst.rank_org or after.total <= min(t for t, _ in others_before.values())
    assert_ranks_follow_totals()
    # Nobody else's total or grade moved.
    assert {c.agent_id: (c.total, c.grade) for c in cards() if c.agent_id != worst.agent_id} == others_before


def test_a_capped_grade_stays_capped(worst):
    best = max((c for c in cards() if c.agent_id in LOGINS), key=lambda c: c.total)
    ScorecardRecord.objects.filter(pk=best.pk).update(
        explanation={**best.explanation, "capped_by": "qa_critical_failures > 0: grade at most C"}
    )
    best.refresh_from_db()
    after = accept_full_csat(best)
    ladder = load_scheme()
    assert ladder.grade_rank(ladder.grade_for(after.total)) < ladder.grade_rank("C")  # better than C uncapped
    assert after.grade == "C"
    assert_ranks_follow_totals()


def test_a_grade_stays_as_computed_when_the_runs_scheme_cannot_be_read(in_review):  # noqa: F811
    ScorecardRun.objects.filter(cycle__period=PERIOD).update(scheme_version="gone:1+00000000")
    low = min((c for c in cards() if c.agent_id in LOGINS), key=lambda c: c.total)
    after = accept_full_csat(low)
    assert load_scheme().grade_for(after.total) != low.grade  # a readable scheme would regrade it
    assert after.grade == low.grade
    assert_ranks_follow_totals()
