"""The data-quality page: how far one period's data can be trusted, per team (MISSION Q1).

``/quality/?period=P&team=T&check=C&page=N`` for administrators, HR / directors and auditors (every
team) and leads (the teams they supervise, with their sub-teams); QA reviewers and agents are
refused (403), anonymous users are sent to sign in; a team the user may not see, or a period that
is not one, is a 404. The report is ``frontdesk.analysis.quality.quality_report`` over the
workspace's event store (DuckDB), the same as ``frontdesk quality``; its record findings are paged
(``PAGE_SIZE``), filtered by kind (``check``). Rows refused by the period's imports are counted per
agent from the workspace's import reports (``imports/``, ``frontdesk.ingest.refusals``). Reports are
kept in memory per period, selection, state of the event store's files and refused counts, so
paging does not recompute them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET

from frontdesk.analysis.quality import QualityReport, Thresholds
from frontdesk.indicators.periods import Period, parse_period, quarter
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.dashboard import period_choices
from frontdesk.web.appraisal.indicator_names import indicator_label
from frontdesk.web.appraisal.models import Team
from frontdesk.web.appraisal.templatetags.scorecard_format import number
from frontdesk.web.insights.report_cache import ReportCache, store_state
from frontdesk.web.permissions import (
    data_quality_teams,
    may_view_data_quality,
    visible_agents,
    visible_teams,
)
from frontdesk.web.workspace import workspace_root

PAGE_SIZE = 50
KEYS_SHOWN = 20  # record keys shown per finding (an unknown agent may have thousands of contacts)
CACHE_SIZE = 8

CHECKS = {
    "duplicate_id": pgettext_lazy("data quality", "Stored twice"),
    "duplicate_contact": pgettext_lazy("data quality", "Same customer and agent within seconds"),
    "outlier": pgettext_lazy("data quality", "Outlier"),
    "impossible_time": pgettext_lazy("data quality", "Impossible time"),
    "unknown_agent": pgettext_lazy("data quality", "Agent not on the roster"),
    "implausible_customer": pgettext_lazy(
        "data quality", "Implausible customer, left out of repeat contacts"
    ),
    "before_hire": pgettext_lazy("data quality", "Dated before the agent's hire date"),
}
MEASURES = {
    "handle_seconds": pgettext_lazy("data quality", "Handling time"),
    "wait_seconds": pgettext_lazy("data quality", "Waiting time"),
    "first_response_seconds": pgettext_lazy("data quality", "Time to first reply"),
    "resolution_seconds": pgettext_lazy("data quality", "Time to resolution"),
}
RULES = {
    "first_response_before_created": pgettext_lazy(
        "data quality", "first reply before the contact was created"
    ),
    "resolved_before_created": pgettext_lazy("data quality", "resolved before the contact was created"),
    "closed_before_created": pgettext_lazy("data quality", "closed before the contact was created"),
    "closed_before_resolved": pgettext_lazy("data quality", "closed before it was resolved"),
    "negative_handle_seconds": pgettext_lazy("data quality", "negative handling time"),
    "negative_wait_seconds": pgettext_lazy("data quality", "negative waiting time"),
    "interaction_id": pgettext_lazy("data quality", "interaction id"),
    "survey_id": pgettext_lazy("data quality", "survey id"),
    "customer_id+agent_id+created_at": pgettext_lazy("data quality", "customer, agent and time"),
    "agent_id": pgettext_lazy("data quality", "agent id"),
}
KINDS = {
    "csat": pgettext_lazy("data quality", "CSAT (top-2-box %)"),
    "nps": pgettext_lazy("data quality", "NPS"),
}


class QualityUnavailable(LookupError):
    """No event store to report on (an installation without a workspace)."""


# The report ----------------------------------------------------------------------------------------

_cache: ReportCache[QualityReport] = ReportCache(CACHE_SIZE)


def _workspace() -> tuple[Path, Any]:
    from frontdesk.usecases.workspace import WorkspaceError, open_workspace

    root = workspace_root()
    if root is None:
        raise QualityUnavailable("no workspace")
    try:
        return Path(root), open_workspace(Path(root))
    except WorkspaceError:
        return Path(root), None  # a bare folder with events/: the defaults


def data_quality(period: Period, teams: set[str] | None) -> QualityReport:
    """The report of ``period`` for ``teams`` (None: every team), from the workspace's event store."""
    from frontdesk.ingest.refusals import refused_in_period
    from frontdesk.store.eventstore import EventStore

    root, ws = _workspace()
    events = root / "events"
    timezone = ws.timezone if ws is not None else "Asia/Shanghai"
    refused = refused_in_period(EventStore(events), root / "imports", period, timezone)
    key = (
        str(root),
        period.label,
        None if teams is None else tuple(sorted(teams)),
        store_state(events),
        tuple(sorted(refused.items())),
    )
    return _cache.get(key, lambda: _compute(root, ws, period, teams, refused))


def _compute(
    root: Path, ws: Any, period: Period, teams: set[str] | None, refused: dict[str, int]
) -> QualityReport:
    from frontdesk.analysis.quality import quality_report, survey_min_n
    from frontdesk.indicators.catalog import builtin_catalog
    from frontdesk.indicators.engines import DuckDBEngine
    from frontdesk.store.eventstore import EventStore

    catalog = builtin_catalog()
    options: dict[str, Any] = {}
    timezone, scheme = "Asia/Shanghai", None
    if ws is not None:
        timezone, scheme = ws.timezone, _scheme(ws)
        options = {"calendars": ws.calendars(), "view_params": ws.view_params()}
    engine = DuckDBEngine(EventStore(root / "events"), **options)
    try:
        return quality_report(
            engine,
            period,
            timezone,
            teams=teams,
            min_n=survey_min_n(scheme, catalog),
            indicators=list(catalog.values()),
            refused=refused,
        )
    finally:
        engine.close()


def _scheme(ws: Any) -> Any:
    try:
        return ws.scheme()
    except Exception:  # an unreadable scheme must not hide the data's quality: catalogue minimums
        return None


def periods_with_data() -> list[str]:
    """Months with contacts in the event store and the quarters they make, newest first (as the
    other pages order periods)."""
    try:
        root, _ws = _workspace()
    except QualityUnavailable:
        return []
    from frontdesk.store.eventstore import EventStore

    months: list[Period] = []
    for label in EventStore(root / "events").months("interactions"):  # committed files only
        try:
            months.append(parse_period(label))
        except ValueError:
            continue
    quarters = {quarter(m.start.year, (m.start.month - 1) // 3 + 1) for m in months}
    return store.newest_first(p.label for p in [*months, *quarters])


# What the page shows -------------------------------------------------------------------------------


@dataclass
class FindingRow:
    check: str
    check_label: str
    keys: tuple[str, ...]  # the first KEYS_SHOWN of the finding's keys
    more_keys: int  # how many more it has (the CLI's JSON lists them all)
    agent_id: str | None
    agent_name: str | None
    team: str
    what: str
    value: str
    bound: str


def _seconds(v: float | None) -> str:
    return "—" if v is None else f"{number(v)} {pgettext('unit', 's')}"


def _value_text(check: str, value: float | None) -> str:
    """The offending value as read: seconds for durations, ×n for records stored n times, a count
    of contacts for an unknown agent."""
    if value is None:
        return "—"
    if check == "duplicate_id":
        return f"×{int(value)}"
    if check in ("unknown_agent", "implausible_customer", "before_hire"):
        return ngettext("%(n)d contact", "%(n)d contacts", int(value)) % {"n": int(value)}
    return _seconds(value)


def _what(what: str) -> str:
    """The column, measure or rule of a finding, in words (a hire date with its date)."""
    if what.startswith("hire_date "):
        return pgettext("data quality", "hire date %(date)s") % {"date": what.split(" ", 1)[1]}
    return str(MEASURES.get(what) or RULES.get(what) or what)


def _agent_names(user: object, ids: set[str]) -> dict[str, str]:
    """Names of the agents among ``ids`` whose scorecards ``user`` may read (others show their id)."""
    agents = visible_agents(user).filter(agent_id__in=ids)
    return {a.agent_id: a.display_name for a in agents}


def _selection(user: object, team: Team | None, teams: list[Team]) -> set[str] | None:
    """The team ids reported on: the chosen team with its sub-teams among those the user sees;
    without a choice, every team the user may inspect (None: all, contacts of no team included)."""
    if team is None:
        return data_quality_teams(user)
    children: dict[str | None, list[str]] = {}
    for t in teams:
        children.setdefault(t.parent_id, []).append(t.team_id)
    found, frontier = {team.team_id}, [team.team_id]
    while frontier:
        frontier = [c for t in frontier for c in children.get(t, []) if c not in found]
        found.update(frontier)
    return found


@login_required
@require_GET
def quality_page(request: HttpRequest) -> HttpResponse:
    """The data-quality report of one period (default: the newest month with contacts) and team."""
    user = request.user
    if not may_view_data_quality(user):
        raise PermissionDenied("the data-quality report is for administrators, directors, auditors and leads")
    teams = list(visible_teams(user).order_by("team_id"))
    team_id = request.GET.get("team", "")
    team = None
    if team_id:
        team = next((t for t in teams if t.team_id == team_id), None)
        if team is None:
            raise Http404("no such team")
    available = periods_with_data()
    months = [p for p in available if parse_period(p).kind == "month"]
    label = request.GET.get("period") or (months[0] if months else "")
    period = None
    if label:
        try:
            period = parse_period(label)
        except ValueError:
            raise Http404("no such period") from None
    context: dict[str, Any] = {
        "period": period.label if period else "",
        "period_choices": period_choices(available) if available else [],
        "teams": teams,
        "team": team,
        "report": None,
        "workspace": workspace_root() is not None,
    }
    if period is None or not context["workspace"]:
        return render(request, "insights/quality.html", context)
    report = data_quality(period, _selection(user, team, teams))
    context.update(_report_context(request, report, teams))
    return render(request, "insights/quality.html", context)


def _report_context(request: HttpRequest, report: QualityReport, teams: list[Team]) -> dict[str, Any]:
    user = request.user
    th: Thresholds = report.thresholds
    team_names = {t.team_id: t.display_name for t in teams}

    def team_name(team_id: str | None) -> str:
        return "—" if not team_id else team_names.get(team_id, team_id)

    agent_ids = {f.agent_id for f in report.findings if f.agent_id}
    agent_ids |= {h.agent_id for h in report.heaping if h.agent_id}
    agent_ids |= {c.agent_id for c in report.coverage if c.agent_id}
    agent_ids |= {r.agent_id for r in report.refused}
    names = _agent_names(user, agent_ids)
    counts = {check: 0 for check in CHECKS}
    for f in report.findings:
        counts[f.check] += 1
    check = request.GET.get("check", "")
    if check and check not in CHECKS:
        raise Http404("no such check")
    chosen = [f for f in report.findings if not check or f.check == check]
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        FindingRow(
            check=f.check,
            check_label=str(CHECKS[f.check]),
            keys=f.keys[:KEYS_SHOWN],
            more_keys=max(0, len(f.keys) - KEYS_SHOWN),
            agent_id=f.agent_id,
            agent_name=names.get(f.agent_id or ""),
            team=team_name(f.team_id),
            what=_what(f.what),
            value=_value_text(f.check, f.value),
            bound=(
                "—"
                if f.bound is None
                else _value_text(f.check, f.bound)
                if f.check == "implausible_customer"
                else _seconds(f.bound)
            ),
        )
        for f in page.object_list
    ]
    total = next(r for r in report.recording if r.team_id is None)
    overall = next(c for c in report.coverage if c.team_id is None and c.agent_id is None)
    summary = report.summary()
    samples = [
        {
            "agent_id": c.agent_id,
            "agent_name": names.get(c.agent_id or ""),
            "team": team_name(c.team_id),
            "coverage": c,
            "kind": KINDS[s.kind],
            "sample": s,
        }
        for c in report.coverage
        if c.agent_id is not None
        for s in c.samples
    ]
    return {
        "report": report,
        "thresholds": th,
        "total": total,
        "overall": overall,
        "summary": summary,
        "recording": [
            {
                "team": team_name(r.team_id),
                "row": r,
                "flagged": (r.manual_share or 0.0) > th.manual_share_flag,
            }
            for r in report.recording
            if r.team_id is not None
        ],
        "indicators": [
            {"name": indicator_label(r.code).name(), "code": r.code, "row": r}
            for r in report.indicators
            if r.n and r.manual_share is not None
        ],
        "heaping": [
            {
                "team": team_name(h.team_id) if h.team_id is not None else "",
                "agent_id": h.agent_id,
                "agent_name": names.get(h.agent_id or ""),
                "measure": MEASURES[h.measure],
                "row": h,
            }
            for h in report.heaping
            if h.agent_id is None or h.heaped
        ],
        "coverage_teams": [
            {"team": team_name(c.team_id), "row": c}
            for c in report.coverage
            if c.agent_id is None and c.team_id is not None
        ],
        "samples": samples,
        "doubtful": [s for s in samples if not s["sample"].reliable],
        "refused": [
            {
                "agent_id": r.agent_id,
                "agent_name": names.get(r.agent_id),
                "team": team_name(r.team_id),
                "row": r,
            }
            for r in report.refused
        ],
        "check": check,
        "checks": [(code, label, counts[code]) for code, label in CHECKS.items()],
        "findings": rows,
        "page": page,
    }
