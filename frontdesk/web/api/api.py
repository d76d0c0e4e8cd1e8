"""The routes of ``/api/``. Every route asks ``web.permissions`` who may see what; none has
rules of its own. A scorecard, period or agent the caller may not see is a 404, like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query
from ninja.errors import HttpError
from ninja.operation import Operation

from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.periods import Period, parse_period
from frontdesk.scoring.scorecard import Scorecard
from frontdesk.usecases.scorecards import scorecards_json
from frontdesk.web.api.docs import SameOriginSwagger
from frontdesk.web.api.schemas import (
    CycleKindName,
    CycleOut,
    Error,
    EvidenceOut,
    IndicatorOut,
    RunOut,
    ScorecardOut,
    ScorecardsOut,
    TransitionIn,
    TransitionOut,
)
from frontdesk.web.api.tokens import TokenAuth
from frontdesk.web.appeals.api import router as appeals_router
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.evidence import EvidenceUnavailable, indicator_evidence
from frontdesk.web.appraisal.lifecycle import CycleClosed, CycleError, allowed_targets
from frontdesk.web.appraisal.models import Cycle, ScorecardRun
from frontdesk.web.feedback.api import router as surveys_router
from frontdesk.web.imports.api import router as imports_router
from frontdesk.web.permissions import (
    may_change_cycle_state,
    may_view_cycles,
    visible_agents,
    visible_runs,
)

# The routers live beside their apps (NetBox's habit); their routes were first published from
# ``frontdesk.web.api.<name>``, and the OpenAPI operation ids (which generated clients name their
# methods after) keep those names.
PUBLISHED_AS = {
    "frontdesk.web.appeals.api": "frontdesk.web.api.appeals",
    "frontdesk.web.imports.api": "frontdesk.web.api.imports",
    "frontdesk.web.feedback.api": "frontdesk.web.api.surveys",
}


class FrontdeskAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__
        return (PUBLISHED_AS.get(module, module) + "_" + operation.view_func.__name__).replace(".", "_")


api = FrontdeskAPI(
    title="Frontdesk API",
    version="1",
    description="Scorecards, indicators, evidence, cycles and appeals; the caller sees what the web pages "
    "would show them. Authenticate with `Authorization: Bearer <token>` (`frontdesk token create`).",
    auth=TokenAuth(),
    urls_namespace="api",
    docs=SameOriginSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/appeals", appeals_router)  # list, one, file, decide (appeals/api.py)
api.add_router("/", imports_router)  # imports: upload, list, one, undo; webhooks/events (imports/api.py)
api.add_router("/", surveys_router)  # survey links: request, one link's status (feedback/api.py)

NOT_VISIBLE = "no scorecards you may see for this agent and period"
REFUSED = {401: Error, 404: Error}
MAX_PAGE = 1_000_000  # keeps OFFSET within every engine's integer range


def _as_is(request: HttpRequest, data: Any) -> HttpResponse:
    """``data`` rendered without passing through the response schema, so numbers and key order stay
    exactly those of the command line's JSON (the schema documents the shape)."""
    return api.create_response(request, data, status=200)


def _period(text: str) -> Period:
    try:
        return parse_period(text)
    except ValueError as e:
        raise HttpError(400, f"period: {e}") from None


def _visible_run(request: HttpRequest, period_text: str, cycle: str | None, agent_id: str | None = None):
    """The current run of the period the caller asked for, if its cycle's state lets them see it;
    ``latest`` is the newest such period (holding ``agent_id``'s scorecard when one is named)."""
    runs = visible_runs(request.user).select_related("cycle")
    if cycle is not None:
        runs = runs.filter(cycle__kind=cycle)
    if period_text == "latest":
        candidates = runs.filter(scorecards__agent_id=agent_id) if agent_id is not None else runs
        labels = store.newest_first(candidates.values_list("cycle__period", flat=True))
        if not labels:
            raise HttpError(404, "no scorecards you may see yet")
        label = labels[0]
    else:
        label = _period(period_text).label
    run = runs.filter(cycle__period=label).order_by("-computed_at").first()
    if run is None:
        raise HttpError(404, f"no scorecards you may see for period {label}")
    return run


def _visible_cards(request: HttpRequest, run: ScorecardRun, agent_id: str | None = None) -> list[Scorecard]:
    allowed = visible_agents(request.user)
    if agent_id is not None:
        allowed = allowed.filter(pk=agent_id)
    ids = set(allowed.values_list("pk", flat=True))
    if not ids:
        return []
    return [c for c in store.load_scorecards(run.cycle.period, run.cycle.kind) if c.agent_id in ids]


@api.get("/scorecards", response={200: ScorecardsOut, 400: Error, **REFUSED}, tags=["scorecards"])
def list_scorecards(
    request: HttpRequest, period: str = "latest", cycle: CycleKindName | None = None
) -> HttpResponse:
    """The scorecards of one period the caller may see, in the shape of `frontdesk scorecards
    --format json`; `period=latest` is the newest period whose results the caller may see."""
    run = _visible_run(request, period, cycle)
    cards = _visible_cards(request, run)
    return _as_is(request, scorecards_json(run.cycle.period, run.cycle.kind, cards, run.cycle.state))


@api.get("/scorecards/{agent_id}", response={200: ScorecardOut, 400: Error, **REFUSED}, tags=["scorecards"])
def one_scorecard(
    request: HttpRequest, agent_id: str, period: str = "latest", cycle: CycleKindName | None = None
) -> HttpResponse:
    """One agent's scorecard (an entry of `scorecards`); 404 when the caller may not see it."""
    cards = _agent_cards(request, agent_id, period, cycle)
    return _as_is(request, cards[0].to_json())


def _agent_cards(request: HttpRequest, agent_id: str, period: str, cycle: str | None) -> list[Scorecard]:
    if not visible_agents(request.user).filter(pk=agent_id).exists():
        raise HttpError(404, NOT_VISIBLE)
    run = _visible_run(request, period, cycle, agent_id)
    cards = _visible_cards(request, run, agent_id)
    if not cards:
        raise HttpError(404, NOT_VISIBLE)
    return cards


@api.get("/indicators", response={200: list[IndicatorOut], 401: Error}, tags=["indicators"])
def indicators(request: HttpRequest) -> HttpResponse:
    """The indicator catalogue, as `frontdesk indicators --format json`."""
    return _as_is(request, [i.to_json() for i in builtin_catalog().values()])


@api.get(
    "/scorecards/{agent_id}/indicators/{code}/evidence",
    response={200: EvidenceOut, 400: Error, **REFUSED},
    tags=["scorecards"],
)
def evidence(
    request: HttpRequest,
    agent_id: str,
    code: str,
    period: str = "latest",
    cycle: CycleKindName | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """One page of the records behind an agent's indicator value in a period whose scorecard the
    caller may see, oldest first; 404 when the agent, period or indicator is not one they may see."""
    card = _agent_cards(request, agent_id, period, cycle)[0]
    indicator = builtin_catalog().get(code)
    if indicator is None or code not in card.indicators:
        raise HttpError(404, f"indicator {code!r} is not on this scorecard")
    found = _evidence(indicator, parse_period(card.period), agent_id, page, page_size)
    return {
        "indicator": found.indicator,
        "agent_id": found.agent_id,
        "period": found.period,
        "labels": list(found.labels),
        "rows": [{"record": r.record, "at": r.at, "values": list(r.values)} for r in found.rows],
        "total": found.total,
        "page": found.page,
        "page_size": found.page_size,
        "pages": found.pages,
    }


def _evidence(indicator, period: Period, agent_id: str, page: int, page_size: int):
    """The engine's evidence, by the same code path as the scorecard page's drill-down."""
    try:
        return indicator_evidence(indicator, period, agent_id, page, page_size)
    except EvidenceUnavailable as e:
        raise HttpError(404, str(e)) from None


@api.get("/cycles", response={200: list[CycleOut], 401: Error, 403: Error}, tags=["cycles"])
def cycles(request: HttpRequest) -> list[dict[str, Any]]:
    """Every cycle with its state and current run: for those who may open the cycles page."""
    if not may_view_cycles(request.user):
        raise HttpError(403, "only administrators, HR / directors and auditors see the cycles")
    rows = list(Cycle.objects.annotate(run_count=Count("runs")))
    current = {
        r.cycle_id: r for r in ScorecardRun.objects.filter(superseded=False, cycle__in=[c.pk for c in rows])
    }
    order = {label: i for i, label in enumerate(store.newest_first(c.period for c in rows))}
    rows.sort(key=lambda c: (order[c.period], c.kind))
    may_move = may_change_cycle_state(request.user)
    return [
        {
            "period": c.period,
            "kind": c.kind,
            "state": c.state,
            "state_changed_at": c.state_changed_at,
            "current_run": (
                RunOut(
                    number=current[c.pk].number,
                    scheme_version=current[c.pk].scheme_version,
                    computed_at=current[c.pk].computed_at,
                )
                if c.pk in current
                else None
            ),
            "runs": c.run_count,
            "allowed_transitions": list(allowed_targets(c.state)) if may_move else [],
        }
        for c in rows
    ]


@api.post(
    "/cycles/{period}/{kind}/transition",
    response={200: TransitionOut, 401: Error, 403: Error, 404: Error, 409: Error},
    tags=["cycles"],
)
def transition(request: HttpRequest, period: str, kind: CycleKindName, body: TransitionIn) -> dict[str, str]:
    """Move a cycle to another state, as the cycles page does (administrators and HR / directors);
    409 when the move may not follow the cycle's state or the cycle is closed."""
    if not may_change_cycle_state(request.user):
        raise HttpError(403, "only administrators and HR / directors change a cycle's state")
    cycle = Cycle.objects.filter(period=period, kind=kind).first()
    if cycle is None:
        raise HttpError(404, f"no {kind} cycle {period}")
    try:
        state = store.transition(cycle.period, kind, body.to, by_user=request.user, note=body.note)
    except PermissionDenied as e:
        raise HttpError(403, str(e)) from None
    except CycleClosed as e:
        raise HttpError(409, str(e)) from None
    except CycleError as e:
        raise HttpError(409, str(e)) from None
    return {"period": cycle.period, "kind": kind, "state": state}
