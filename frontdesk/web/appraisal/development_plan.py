"""The development plan on a scorecard (MISSION R3): the engine's ``development_plans`` for the
period the page shows, the agent's own plan picked out, and the goals of the previous period's plan
checked against this one (``review_goals``), as ``frontdesk plans`` and ``plans --review`` compute
them (docs/results.md). Peers are the whole run, whoever reads: a plan is a property of the result,
and the page shows only the peers' median, never another agent's value. Only what the plan reads is
loaded (``plan_cards``): the agent's own results and the other agents' values of the same
indicators, a fixed number of queries however many agents the period holds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import get_language

from frontdesk.indicators.periods import parse_period, shift_period
from frontdesk.results.development import (
    DevelopmentGoal,
    DevelopmentPlan,
    DevelopmentRules,
    GoalReview,
    development_plans,
    review_goals,
)
from frontdesk.scoring.scheme import SchemeError
from frontdesk.scoring.scorecard import IndicatorResult, Scorecard
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.indicator_names import IndicatorLabel, indicator_label
from frontdesk.web.appraisal.models import IndicatorRecord, ScorecardRecord, ScorecardRun
from frontdesk.web.appraisal.transparency import scheme_in_force


@dataclass(frozen=True)
class GoalRow:
    label: IndicatorLabel
    goal: DevelopmentGoal

    @property
    def course(self) -> str:
        if self.goal.course is None:
            return ""
        return self.goal.course.name(get_language() or "zh")


@dataclass(frozen=True)
class ReviewRow:
    label: IndicatorLabel
    review: GoalReview


@dataclass(frozen=True)
class PlanView:
    plan: DevelopmentPlan
    goals: list[GoalRow]
    reviews: list[ReviewRow]  # the previous period's goals, checked against this period
    previous_period: str | None


def rules() -> DevelopmentRules:
    """The scheme's ``results: development:`` rules; the defaults when it has none or is unreadable."""
    scheme = scheme_in_force()
    if scheme is None:
        return DevelopmentRules()
    try:
        return DevelopmentRules.from_scheme(scheme)
    except SchemeError:
        return DevelopmentRules()


def plan_cards(run: ScorecardRun, agent_id: str) -> list[Scorecard]:
    """What ``development_plans`` reads to plan ``agent_id``'s development after ``run``: the
    agent's own scorecard whole and, of every other agent of the run, only the values of the
    indicators the agent has a value of (value, sample and flags, with no score: peers are compared
    with, not planned). Three queries whatever the number of agents; empty when the run holds no
    scorecard of the agent."""
    own = ScorecardRecord.objects.filter(run=run, agent_id=agent_id).select_related("agent").first()
    if own is None:
        return []
    mine = list(IndicatorRecord.objects.filter(scorecard=own).order_by("position"))
    cards = store.scorecards_of(run, [own], mine)
    peers: dict[tuple[str, str], dict[str, IndicatorResult]] = defaultdict(dict)
    values = (
        IndicatorRecord.objects.filter(
            scorecard__run=run, code__in=[i.code for i in mine if i.value is not None], value__isnull=False
        )
        .exclude(scorecard=own)
        .order_by()
        .values_list("scorecard__agent_id", "scorecard__team_id", "code", "value", "n", "flags")
    )
    for peer, team, code, value, n, flags in values:
        peers[(peer, team or "")][code] = IndicatorResult(code, value, n, flags=list(flags or ()))
    cycle = run.cycle
    return cards + [
        Scorecard(peer, peer, team, None, cycle.period, cycle.kind, run.scheme_version, indicators=results)
        for (peer, team), results in sorted(peers.items())
    ]


def _plan_of(run: ScorecardRun | None, agent_id: str, found: DevelopmentRules) -> DevelopmentPlan | None:
    cards = plan_cards(run, agent_id) if run is not None else []
    return next((p for p in development_plans(cards, found) if p.agent_id == agent_id), None)


def plan_for(record: ScorecardRecord, previous_visible: bool) -> PlanView | None:
    """The plan of ``record``'s agent after ``record``'s period (from the run the page shows), and,
    when ``previous_visible`` (the reader may see the previous period), the review of the goals set
    after the previous period. None when the run holds no scorecard of the agent. The same plan as
    ``frontdesk plans`` over the whole run, from only the rows it needs (``plan_cards``)."""
    run = record.run
    cycle = run.cycle
    found = rules()
    plan = _plan_of(run, record.agent_id, found)
    if plan is None:
        return None
    reviews: list[ReviewRow] = []
    previous = shift_period(parse_period(cycle.period), -1).label
    if previous_visible:
        earlier = _plan_of(store.current_run(previous, cycle.kind), record.agent_id, found)
        own_card = store.scorecards_of(
            run, [record], IndicatorRecord.objects.filter(scorecard=record).order_by("position")
        )
        reviews = [
            ReviewRow(indicator_label(r.indicator), r)
            for r in review_goals([earlier] if earlier is not None else [], own_card)
        ]
    return PlanView(
        plan=plan,
        goals=[GoalRow(indicator_label(g.indicator), g) for g in plan.goals],
        reviews=reviews,
        previous_period=previous if previous_visible else None,
    )
