"""Pages: home (a redirect by role), the ranking and an agent's scorecard.

Which agents and teams a user sees is decided in ``permissions``; views only ask.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Avg, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from frontdesk.engine.periods import parse_period
from frontdesk.web.accounts.models import role_of
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.indicator_names import IndicatorLabel, indicator_label
from frontdesk.web.appraisal.models import Cycle, IndicatorRecord, ScorecardRecord, ScorecardRun
from frontdesk.web.appraisal.permissions import (
    SEES_EVERYONE,
    SEES_SUPERVISED_TEAMS,
    own_agent,
    visible_agents,
    visible_teams,
)

KEY_INDICATORS = 4  # columns of indicator values on the ranking: the heaviest-weighted ones


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user where they start: agents to their scorecard, leads to their team's ranking,
    everyone who oversees the organisation to its ranking."""
    role = role_of(request.user)
    if role in SEES_EVERYONE:
        return redirect("ranking")
    if role in SEES_SUPERVISED_TEAMS:
        teams = list(visible_teams(request.user).values_list("team_id", flat=True)[:2])
        if len(teams) == 1:
            return redirect(f"{reverse('ranking')}?team={teams[0]}")
        return redirect("ranking")
    agent = own_agent(request.user) if role is not None else None
    if agent is not None:
        return redirect("scorecard", agent_id=agent.agent_id)
    return render(request, "appraisal/no_access.html")


def _period_choices(labels: list[str]) -> list[tuple[str, list[str]]]:
    """Periods grouped by cycle for the selector: months, then quarters, then years."""
    groups: dict[str, list[str]] = {"monthly": [], "quarterly": [], "annual": []}
    for label in labels:
        groups[parse_period(label).cycle].append(label)
    return [(Cycle(cycle).label, items) for cycle, items in groups.items() if items]


def _run_for(period: str) -> ScorecardRun:
    run = ScorecardRun.objects.filter(period=period).order_by("-computed_at").first()
    if run is None:
        raise Http404("no scorecards for this period")
    return run


@dataclass
class RankingRow:
    record: ScorecardRecord
    values: list[tuple[IndicatorLabel, float | None]]


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """The ranking of the agents the user may see, for one period, optionally one team."""
    available = store.periods()
    period = request.GET.get("period") or (available[0] if available else "")
    teams = visible_teams(request.user)
    team_id = request.GET.get("team", "")
    team = get_object_or_404(teams, pk=team_id) if team_id else None
    context = {
        "period": period,
        "period_choices": _period_choices(available),
        "teams": list(teams),
        "team": team,
        "rows": [],
        "key_labels": [],
    }
    if not available:
        return render(request, "appraisal/ranking.html", context)
    if period not in available:
        raise Http404("no scorecards for this period")
    run = _run_for(period)
    records = (
        ScorecardRecord.objects.filter(run=run, agent__in=visible_agents(request.user))
        .select_related("agent", "team")
        .order_by("rank_team" if team else "rank_org", "agent_id")
    )
    if team is not None:
        records = records.filter(team=team)
    codes = list(
        IndicatorRecord.objects.filter(scorecard__run=run)
        .values("code")
        .annotate(mean_weight=Avg("weight"), first_position=Min("position"))
        .order_by("-mean_weight", "first_position", "code")
        .values_list("code", flat=True)[:KEY_INDICATORS]
    )
    labels = [indicator_label(c) for c in codes]
    values = {
        (sid, code): value
        for sid, code, value in IndicatorRecord.objects.filter(
            scorecard__in=records.values("pk"), code__in=codes
        ).values_list("scorecard_id", "code", "value")
    }
    context.update(
        run=run,
        key_labels=labels,
        rows=[RankingRow(r, [(label, values.get((r.pk, label.code))) for label in labels]) for r in records],
    )
    return render(request, "appraisal/ranking.html", context)


@login_required
def scorecard(request: HttpRequest, agent_id: str) -> HttpResponse:
    """One agent's scorecard for one period: 404 when the agent is not one the user may see."""
    agent = get_object_or_404(visible_agents(request.user).select_related("team", "site"), pk=agent_id)
    agent_periods = store.newest_first(
        ScorecardRun.objects.filter(scorecards__agent=agent).values_list("period", flat=True)
    )
    period = request.GET.get("period") or (agent_periods[0] if agent_periods else "")
    if request.GET.get("period") and period not in store.periods():
        raise Http404("no scorecards for this period")
    record = (
        ScorecardRecord.objects.filter(run__period=period, agent=agent)
        .select_related("run", "team", "site")
        .order_by("-run__computed_at")
        .first()
    )
    context = {
        "agent": agent,
        "period": period,
        "period_choices": _period_choices(agent_periods),
        "record": record,
    }
    if record is not None:
        team_size = ScorecardRecord.objects.filter(run=record.run, team=record.team).count()
        org_size = ScorecardRecord.objects.filter(run=record.run).count()
        rows = [(indicator_label(i.code), i) for i in record.indicators.order_by("position")]
        context.update(team_size=team_size, org_size=org_size, rows=rows)
    return render(request, "appraisal/scorecard.html", context)
