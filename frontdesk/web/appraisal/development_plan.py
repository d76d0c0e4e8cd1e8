"""The development plan on a scorecard (MISSION R3): the engine's ``development_plans`` for the
period the page shows, the agent's own plan picked out, and the goals of the previous period's plan
checked against this one (``review_goals``), as ``frontdesk plans`` and ``plans --review`` compute
them (docs/results.md). Peers are the whole run, whoever reads: a plan is a property of the result,
and the page shows only the peers' median, never another agent's value."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from frontdesk.engine.development import (
    DevelopmentGoal,
    DevelopmentPlan,
    DevelopmentRules,
    GoalReview,
    development_plans,
    review_goals,
)
from frontdesk.engine.periods import parse_period
from frontdesk.engine.promotion import shift_period
from frontdesk.engine.scheme import SchemeError
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.indicator_names import IndicatorLabel, indicator_label
from frontdesk.web.appraisal.models import ScorecardRecord
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


def plan_for(record: ScorecardRecord, previous_visible: bool) -> PlanView | None:
    """The plan of ``record``'s agent after ``record``'s period (from the cycle's current run), and,
    when ``previous_visible`` (the reader may see the previous period), the review of the goals set
    after the previous period. None when the run holds no scorecard of the agent."""
    cycle = record.run.cycle
    found = rules()
    cards = store.load_scorecards(cycle.period, cycle.kind)
    plan = next((p for p in development_plans(cards, found) if p.agent_id == record.agent_id), None)
    if plan is None:
        return None
    reviews: list[ReviewRow] = []
    previous = shift_period(parse_period(cycle.period), -1).label
    if previous_visible:
        earlier = store.load_scorecards(previous, cycle.kind)
        mine = (
            [p for p in development_plans(earlier, found) if p.agent_id == record.agent_id] if earlier else []
        )
        own_card = [c for c in cards if c.agent_id == record.agent_id]
        reviews = [ReviewRow(indicator_label(r.indicator), r) for r in review_goals(mine, own_card)]
    return PlanView(
        plan=plan,
        goals=[GoalRow(indicator_label(g.indicator), g) for g in plan.goals],
        reviews=reviews,
        previous_period=previous if previous_visible else None,
    )
