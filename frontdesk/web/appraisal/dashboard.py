"""The team dashboard: ranking, score distribution, trend and indicator heat map of one period.

``/dashboard/?period=P&team=T&site=S`` for everyone who sees whole teams (``permissions``: leads
and QA reviewers their teams, administrators, HR / directors and auditors everyone); agents and
users without a role are refused (403), anonymous users are sent to sign in. There is no channel
filter: stored scorecards carry no channel.

The charts are drawn by ``static/appraisal/dashboard.js`` with plotly.js, served from the
installed ``plotly`` package by ``plotly_js`` (same origin, no CDN); the numbers reach the page as
JSON (``json_script``). The page costs a fixed number of queries, whatever the number of agents:
the records of the selection, their indicator scores and the trend are one query each.

Included from ``appraisal/urls.py`` under ``dashboard/`` (``urlpatterns`` below).
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from frontdesk.indicators.periods import parse_period
from frontdesk.web.accounts.models import role_of
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.indicator_names import indicator_label
from frontdesk.web.appraisal.lifecycle import CycleState
from frontdesk.web.appraisal.models import CycleKind, IndicatorRecord, ScorecardRecord, ScorecardRun, Site
from frontdesk.web.permissions import (
    SEES_EVERYONE,
    SEES_SUPERVISED_TEAMS,
    visible_agents,
    visible_runs,
    visible_states,
    visible_teams,
)

BIN_WIDTH = 10  # points per bar of the score distribution; the last bar holds 100 too
MAX_TEAM_LINES = 12  # beyond this many teams the trend shows only the mean of the selection


# Who ---------------------------------------------------------------------------------------------


def may_view_dashboard(user: object) -> bool:
    """Whether ``user`` may open the dashboard: those who see whole teams (never agents)."""
    role = role_of(user)
    return role in SEES_EVERYONE or role in SEES_SUPERVISED_TEAMS


# Queries -----------------------------------------------------------------------------------------


def period_choices(labels: list[str]) -> list[tuple[str, list[str]]]:
    """Periods grouped by cycle for the selector: months, then quarters, then years."""
    groups: dict[str, list[str]] = {"monthly": [], "quarterly": [], "annual": []}
    for label in labels:
        groups[parse_period(label).cycle].append(label)
    return [(CycleKind(cycle).label, items) for cycle, items in groups.items() if items]


def visible_sites(user: object, teams: QuerySet) -> QuerySet[Site]:
    """The sites offered as a filter: every site to those who see everyone, else their teams' sites."""
    if role_of(user) in SEES_EVERYONE:
        return Site.objects.all()
    return Site.objects.filter(pk__in=teams.values("site_id"))


def selected_records(
    run: ScorecardRun, agents: QuerySet, team_id: str | None, site_id: str | None
) -> QuerySet[ScorecardRecord]:
    """The scorecards of ``run`` of the visible ``agents``, in the team and site of their period."""
    records = ScorecardRecord.objects.filter(run=run, agent__in=agents)
    if team_id:
        records = records.filter(team_id=team_id)
    if site_id:
        records = records.filter(site_id=site_id)
    return records


def indicator_scores(records: QuerySet) -> list[tuple[int, str, int, float | None]]:
    """(scorecard id, code, position, score) of every indicator of ``records``, in one query."""
    # Ids first, then an indexed IN list: PostgreSQL planned the nested subquery on freshly loaded
    # tables as a loop over every indicator row (minutes for 1,000 agents).
    ids = list(records.order_by().values_list("pk", flat=True))
    return list(
        IndicatorRecord.objects.filter(scorecard_id__in=ids)
        .order_by()
        .values_list("scorecard_id", "code", "position", "score")
    )


def trend_rows(
    runs: QuerySet, kind: str, agents: QuerySet, team_id: str | None, site_id: str | None
) -> list[tuple[str, str | None, float | None, int]]:
    """(period, team id, mean total, scorecards with a total) per period of ``kind`` and team of
    the period, over the current runs the user may see, in one query."""
    records = ScorecardRecord.objects.filter(
        run__in=runs.filter(cycle__kind=kind).values("pk"), agent__in=agents
    )
    if team_id:
        records = records.filter(team_id=team_id)
    if site_id:
        records = records.filter(site_id=site_id)
    return list(
        records.order_by()
        .values("run__cycle__period", "team_id")
        .annotate(mean=Avg("total"), n=Count("total"))
        .values_list("run__cycle__period", "team_id", "mean", "n")
    )


# What the charts get -----------------------------------------------------------------------------


def histogram(totals: list[float]) -> dict:
    """Counts of totals per ``BIN_WIDTH``-point bin from 0 to 100 (100 falls in the last bin)."""
    edges = list(range(0, 100, BIN_WIDTH))
    counts = [0] * len(edges)
    for total in totals:
        index = min(max(math.floor(total / BIN_WIDTH), 0), len(edges) - 1)
        counts[index] += 1
    labels = [f"{lo}–{lo + BIN_WIDTH}" for lo in edges]
    return {"bins": labels, "starts": edges, "width": BIN_WIDTH, "counts": counts}


def trend(rows: list[tuple[str, str | None, float | None, int]], team_names: dict[str, str]) -> dict:
    """Periods oldest first; a line per team (up to ``MAX_TEAM_LINES``) and the selection's mean."""
    periods = list(reversed(store.newest_first(p for p, *_ in rows)))
    index = {p: i for i, p in enumerate(periods)}
    sums, counts = [0.0] * len(periods), [0] * len(periods)
    teams: dict[str | None, list[float | None]] = {}
    for period, team_id, mean, n in rows:
        if mean is None or not n:
            continue
        i = index[period]
        sums[i] += mean * n
        counts[i] += n
        teams.setdefault(team_id, [None] * len(periods))[i] = round(mean, 2)
    lines = []
    if 1 < len(teams) <= MAX_TEAM_LINES:
        lines = [
            {"name": team_names.get(t or "", t or "—"), "means": means}
            for t, means in sorted(teams.items(), key=lambda kv: kv[0] or "")
        ]
    overall = [round(s / c, 2) if c else None for s, c in zip(sums, counts, strict=True)]
    return {"periods": periods, "mean": overall, "teams": lines}


def heatmap(rows: list[DashboardRow], scores: list[tuple[int, str, int, float | None]]) -> dict:
    """Agents (in ranking order) × indicators (in scheme order): scores 0–100, None = not available."""
    positions: dict[str, int] = {}
    by_card: dict[tuple[int, str], float | None] = {}
    for scorecard_id, code, position, score in scores:
        positions[code] = min(position, positions.get(code, position))
        by_card[(scorecard_id, code)] = score
    codes = sorted(positions, key=lambda c: (positions[c], c))
    return {
        "codes": codes,
        "indicators": [indicator_label(c).name() for c in codes],
        "agents": [f"{r.name} · {r.agent_id}" for r in rows],
        "agent_ids": [r.agent_id for r in rows],
        "scores": [[by_card.get((r.scorecard_id, c)) for c in codes] for r in rows],
    }


@dataclass
class DashboardRow:
    scorecard_id: int
    rank: int | None
    agent_id: str
    name: str
    team: str
    total: float | None
    grade: str | None


def _rank(record: ScorecardRecord, team_id: str | None, site_id: str | None) -> int | None:
    """The stored rank that fits the selection: in team, in site, else in the organisation."""
    if team_id:
        return record.rank_team
    if site_id:
        return (record.explanation or {}).get("rank_site")
    return record.rank_org


def _rows(records: QuerySet, team_id: str | None, site_id: str | None) -> list[DashboardRow]:
    rows = [
        DashboardRow(
            scorecard_id=r.pk,
            rank=_rank(r, team_id, site_id),
            agent_id=r.agent_id,
            name=r.agent.display_name,
            team=r.team.display_name if r.team else "—",
            total=r.total,
            grade=r.grade,
        )
        for r in records.select_related("agent", "team")
    ]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, -(r.total or 0), r.agent_id))
    return rows


# Views -------------------------------------------------------------------------------------------


def _chosen(choices: list, pk: str):
    """The choice whose key is ``pk``; None for none; 404 when it is not among the choices (one the
    user may not see answers like one that does not exist)."""
    if not pk:
        return None
    for choice in choices:
        if choice.pk == pk:
            return choice
    raise Http404("no such choice")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard of one period (default: the newest the user may see), optionally one team
    and one site; 404 for a period, team or site the user may not see, like one that does not exist."""
    user = request.user
    if not may_view_dashboard(user):
        raise PermissionDenied("the dashboard is for those who see whole teams")
    runs = visible_runs(user)
    current = {r.cycle.period: r for r in runs.select_related("cycle").order_by("computed_at")}
    available = store.newest_first(current)
    period = request.GET.get("period") or (available[0] if available else "")
    if request.GET.get("period") and period not in available:
        raise Http404("no scorecards for this period")
    teams_qs = visible_teams(user)
    teams = list(teams_qs)
    team_id = request.GET.get("team", "")
    team = _chosen(teams, team_id)
    sites = list(visible_sites(user, teams_qs))
    site_id = request.GET.get("site", "")
    site = _chosen(sites, site_id)
    context = {
        "period": period,
        "period_choices": period_choices(available),
        "teams": teams,
        "team": team,
        "sites": sites,
        "site": site,
        "rows": [],
        "plotly_version": plotly_version(),
        "sees_computed": CycleState.COMPUTED in visible_states(user),
    }
    if not available:
        return render(request, "appraisal/dashboard.html", context)
    run = current[period]
    agents = visible_agents(user)
    records = selected_records(run, agents, team_id, site_id)
    rows = _rows(records, team_id, site_id)
    scores = indicator_scores(records) if rows else []
    team_names = {t.team_id: t.display_name for t in teams}
    chart_data = {
        "labels": {
            "histogram": _("Score distribution"),
            "total": _("Total"),
            "agents": _("Agents"),
            "trend": _("Mean total by period"),
            "period": _("Period"),
            "mean": _("All selected"),
            "heatmap": _("Indicator scores"),
            "score": _("Score"),
            "notAvailable": _("not available"),
        },
        "histogram": histogram([r.total for r in rows if r.total is not None]),
        "trend": trend(trend_rows(runs, run.cycle.kind, agents, team_id, site_id), team_names),
        "heatmap": heatmap(rows, scores),
    }
    context.update(run=run, rows=rows, chart_data=chart_data)
    return render(request, "appraisal/dashboard.html", context)


@cache
def _plotly_file() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


@cache
def plotly_version() -> str:
    """The installed ``plotly`` package's version: it names the file, so browsers cache it safely."""
    import plotly

    return plotly.__version__


@cache
def _plotly_gzipped() -> bytes:
    return gzip.compress(_plotly_file().read_bytes(), compresslevel=6, mtime=0)


@require_GET
def plotly_js(request: HttpRequest) -> HttpResponse:
    """plotly.js as bundled with the installed ``plotly`` package, gzipped when the browser takes it."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(_plotly_gzipped(), content_type="text/javascript; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(_plotly_file().read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "public, max-age=31536000, immutable"  # the URL names the version
    return response


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("plotly.min.js", plotly_js, name="dashboard_plotly"),
]
