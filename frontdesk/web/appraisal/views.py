"""Pages: home (a redirect by role), the ranking, an agent's scorecard, and the cycles.

Which agents, teams and cycle states a user sees is decided in ``permissions``; views only ask.
State changes go through ``store.transition``, like the command line's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Min, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.periods import parse_period, shift_period
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.development_plan import plan_for
from frontdesk.web.appraisal.evidence import (
    EvidenceUnavailable,
    evidence_columns,
    evidence_rows,
    indicator_evidence,
    transcript_rules,
)
from frontdesk.web.appraisal.history import agent_history
from frontdesk.web.appraisal.indicator_names import IndicatorLabel, indicator_label
from frontdesk.web.appraisal.lifecycle import ACTIONS, CycleClosed, CycleError, CycleState, allowed_targets
from frontdesk.web.appraisal.models import (
    Cycle,
    CycleKind,
    CycleTransition,
    IndicatorRecord,
    ScorecardRecord,
    ScorecardRun,
)
from frontdesk.web.appraisal.timezones import zone_of_team, zone_of_user
from frontdesk.web.permissions import (
    may_change_cycle_state,
    may_view_cycles,
    visible_agents,
    visible_runs,
    visible_states,
    visible_teams,
)

KEY_INDICATORS = 4  # columns of indicator values on the ranking: the heaviest-weighted ones


def _period_choices(labels: list[str]) -> list[tuple[str, list[str]]]:
    """Periods grouped by cycle for the selector: months, then quarters, then years."""
    groups: dict[str, list[str]] = {"monthly": [], "quarterly": [], "annual": []}
    for label in labels:
        groups[parse_period(label).cycle].append(label)
    return [(CycleKind(cycle).label, items) for cycle, items in groups.items() if items]


def _periods_of(runs) -> list[str]:
    return store.newest_first(runs.values_list("cycle__period", flat=True))


@dataclass
class RankingRow:
    record: ScorecardRecord
    values: list[tuple[IndicatorLabel, float | None]]


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """The ranking of the agents the user may see, for one period, optionally one team, from the
    current run of a cycle whose state lets the user see it."""
    runs = visible_runs(request.user)
    available = _periods_of(runs)
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
        "sees_computed": CycleState.COMPUTED in visible_states(request.user),
    }
    if request.GET.get("period") and period not in available:
        raise Http404("no scorecards for this period")
    if not available:
        return render(request, "appraisal/ranking.html", context)
    run = runs.filter(cycle__period=period).select_related("cycle").order_by("-computed_at").first()
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
    """One agent's scorecard for one period: 404 when the agent is not one the user may see, or
    the period has no cycle whose state lets the user see it. Below the numbers: the drill-down to
    each indicator's records (``evidence``), the agent's history across cycles and the development
    plan."""
    agent = get_object_or_404(visible_agents(request.user).select_related("team", "site"), pk=agent_id)
    runs = visible_runs(request.user)
    history = agent_history(request.user, agent)
    agent_periods = store.newest_first(r.period for r in history)
    period = request.GET.get("period") or (agent_periods[0] if agent_periods else "")
    if request.GET.get("period") and period not in _periods_of(runs):
        raise Http404("no scorecards for this period")
    record = _visible_record(runs, agent, period)
    context = {
        "agent": agent,
        "period": period,
        "period_choices": _period_choices(agent_periods),
        "record": record,
        "sees_computed": CycleState.COMPUTED in visible_states(request.user),
        "history": history,
    }
    if record is not None:
        team_size = ScorecardRecord.objects.filter(run=record.run, team=record.team).count()
        org_size = ScorecardRecord.objects.filter(run=record.run).count()
        catalogue = builtin_catalog()
        rows = [
            (indicator_label(i.code), i, i.code in catalogue and i.n > 0)
            for i in record.indicators.order_by("position")
        ]
        previous = shift_period(parse_period(period), -1).label
        context.update(
            team_size=team_size,
            org_size=org_size,
            rows=rows,
            zone=zone_of_team(record.team),
            plan=plan_for(record, previous_visible=any(r.period == previous for r in history)),
        )
    return render(request, "appraisal/scorecard.html", context)


def _visible_record(runs, agent, period: str) -> ScorecardRecord | None:
    return (
        ScorecardRecord.objects.filter(run__in=runs, run__cycle__period=period, agent=agent)
        .select_related("run__cycle", "team__site", "site")
        .order_by("-run__computed_at")
        .first()
    )


EVIDENCE_PAGE_SIZE = 25
MAX_EVIDENCE_PAGE = 1_000_000  # as the API: keeps OFFSET within every engine's integer range


@login_required
def evidence(request: HttpRequest, agent_id: str, code: str) -> HttpResponse:
    """One page of the records behind one indicator of a scorecard the user may read (``?period=``,
    ``?page=``): the panel alone for htmx, inside the scorecard page; a whole page without JS.
    404 for an agent, period or indicator the user may not see, exactly like a missing one."""
    agent = get_object_or_404(visible_agents(request.user).select_related("team", "site"), pk=agent_id)
    runs = visible_runs(request.user)
    period = request.GET.get("period") or next(iter(_periods_of(runs.filter(scorecards__agent=agent))), "")
    record = _visible_record(runs, agent, period)
    if record is None:
        raise Http404("no scorecards for this period")
    result = record.indicators.filter(code=code).first()
    indicator = builtin_catalog().get(code)
    if result is None or indicator is None:
        raise Http404("no such indicator on this scorecard")
    try:
        page = int(request.GET.get("page") or 1)
    except ValueError:
        raise Http404("no such page") from None
    if not 1 <= page <= MAX_EVIDENCE_PAGE:
        raise Http404("no such page")
    try:
        found = indicator_evidence(
            indicator, parse_period(record.run.cycle.period), agent.pk, page, EVIDENCE_PAGE_SIZE
        )
    except EvidenceUnavailable:
        found = None
    zone = zone_of_team(record.team)
    columns = evidence_columns(indicator, found.labels) if found is not None else []
    context = {
        "agent": agent,
        "record": record,
        "result": result,
        "label": indicator_label(code),
        "evidence": found,
        "rows": evidence_rows(found, zone, indicator, transcript_rules(), columns)
        if found is not None
        else [],
        "columns": columns,
        "zone": zone,
        "base_url": f"{reverse('evidence', args=[agent.pk, code])}?period={record.run.cycle.period}",
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "appraisal/_evidence.html", context)
    return render(request, "appraisal/evidence.html", context)


# Cycles ------------------------------------------------------------------------------------------


@dataclass
class CycleRow:
    cycle: Cycle
    current: ScorecardRun | None
    run_count: int
    last_change: CycleTransition | None
    actions: list[tuple[str, str]]  # (target state, button label)


def _actions(user: object, cycle: Cycle) -> list[tuple[str, str]]:
    if not may_change_cycle_state(user):
        return []
    return [(target, str(ACTIONS[target])) for target in allowed_targets(cycle.state)]


def _cycle_rows(user: object, cycles) -> list[CycleRow]:
    cycles = list(
        cycles.annotate(run_count=Count("runs")).prefetch_related(
            Prefetch("runs", queryset=ScorecardRun.objects.filter(superseded=False), to_attr="current"),
            Prefetch(
                "transitions",
                queryset=CycleTransition.objects.select_related("by").order_by("-at", "-id"),
                to_attr="history",
            ),
        )
    )
    order = {label: i for i, label in enumerate(store.newest_first(c.period for c in cycles))}
    cycles.sort(key=lambda c: (order[c.period], c.kind))
    return [
        CycleRow(
            cycle=c,
            current=c.current[0] if c.current else None,
            run_count=c.run_count,
            last_change=c.history[0] if c.history else None,
            actions=_actions(user, c),
        )
        for c in cycles
    ]


def _require_cycles_viewer(request: HttpRequest) -> None:
    if not may_view_cycles(request.user):
        raise PermissionDenied("only administrators, HR / directors and auditors see the cycles")


@login_required
def cycles(request: HttpRequest) -> HttpResponse:
    """Every cycle with its state, runs and last change; buttons for the moves the user may make."""
    _require_cycles_viewer(request)
    return render(
        request,
        "appraisal/cycles.html",
        {
            "rows": _cycle_rows(request.user, Cycle.objects.all()),
            "can_change": may_change_cycle_state(request.user),
            "zone": zone_of_user(request.user),
        },
    )


@login_required
def cycle_detail(request: HttpRequest, period: str, kind: str) -> HttpResponse:
    """One cycle: its state, every run (current and superseded) and its whole history."""
    _require_cycles_viewer(request)
    rows = _cycle_rows(request.user, Cycle.objects.filter(period=period, kind=kind))
    if not rows:
        raise Http404("no such cycle")
    row = rows[0]
    runs = row.cycle.runs.annotate(scorecard_count=Count("scorecards")).order_by("-number")
    history = sorted(row.cycle.history, key=lambda t: (t.at, t.pk))
    return render(
        request,
        "appraisal/cycle_detail.html",
        {"row": row, "runs": runs, "history": history, "zone": zone_of_user(request.user)},
    )


@require_POST
@login_required
def cycle_transition(request: HttpRequest, period: str, kind: str) -> HttpResponse:
    """Move a cycle to the state named by the ``to`` field; back to ``next`` with a message."""
    if not may_change_cycle_state(request.user):
        raise PermissionDenied("only administrators and HR / directors change a cycle's state")
    cycle = get_object_or_404(Cycle, period=period, kind=kind)
    target = request.POST.get("to", "")
    name = f"{cycle.period} ({cycle.get_kind_display()})"
    try:
        store.transition(period, kind, target, by_user=request.user)
    except CycleClosed:
        messages.error(request, _("%(cycle)s is closed: it can no longer change.") % {"cycle": name})
    except CycleError:
        allowed = ", ".join(str(CycleState(t).label) for t in allowed_targets(cycle.state)) or "—"
        messages.error(
            request,
            _("%(cycle)s is %(state)s: it cannot move there. Allowed: %(allowed)s.")
            % {"cycle": name, "state": cycle.get_state_display(), "allowed": allowed},
        )
    else:
        messages.success(
            request,
            _("%(cycle)s is now %(state)s.") % {"cycle": name, "state": CycleState(target).label},
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("cycles")
    return redirect(next_url)
