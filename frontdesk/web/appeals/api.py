"""``/api/appeals``: the appeals the caller may read, one appeal, filing one (an agent, on their own
result, in the appeal window) and deciding one (the agent's lead, HR / a director, an administrator).

The rules are ``appeals/workflow.py``'s and ``web/permissions.py``'s, called as the pages call
them; this module only turns their answers into HTTP: an appeal or result the caller may not read
is a 404 (like a missing one), a role that may not act is a 403, a rule that refuses (window
closed, already appealed, already decided, cycle not in review or closed) is a 409, a decision
that lacks a value is a 400.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.errors import HttpError

from frontdesk.indicators.periods import parse_period
from frontdesk.web.api.schemas import AppealIn, AppealOut, AppealStatusName, DecisionIn, Error
from frontdesk.web.appeals import workflow
from frontdesk.web.appeals.models import Appeal
from frontdesk.web.appeals.rescoring import RescoreError
from frontdesk.web.appeals.scheme_in_force import indicator_rule
from frontdesk.web.appeals.workflow import AppealError
from frontdesk.web.appraisal.lifecycle import CycleClosed
from frontdesk.web.appraisal.models import IndicatorRecord
from frontdesk.web.permissions import (
    can_decide_appeal,
    can_file_appeal,
    own_agent,
    visible_appeals,
    visible_runs,
)

router = Router(tags=["appeals"])

MAX_ID = 2**63 - 1  # every database's bigint
MAX_LIMIT = 500
BAD_INPUT = {"no_reason", "no_comment", "needs_value", "bad_decision"}  # 400; other refusals are 409
NOT_YOURS = "no appeal you may read with this id"


def _appeals(request: HttpRequest):
    return (
        visible_appeals(request.user)
        .select_related("agent", "decided_by", "indicator__scorecard__run__cycle")
        .prefetch_related("adjustments__indicator__scorecard__run")
    )


def appeal_json(appeal: Appeal) -> dict[str, Any]:
    """What the API says of one appeal (``AppealOut``)."""
    result = appeal.indicator
    run = result.scorecard.run
    return {
        "id": appeal.pk,
        "agent_id": appeal.agent_id,
        "period": run.cycle.period,
        "cycle": run.cycle.kind,
        "run": run.number,
        "indicator": result.code,
        "status": appeal.status,
        "value": result.value,
        "score": result.score,
        "filed_at": appeal.filed_at,
        "deadline": appeal.deadline,
        "reason": appeal.reason,
        "proposed_value": appeal.proposed_value,
        "evidence": appeal.evidence,
        "decided_by": appeal.decided_by.get_username() if appeal.decided_by else None,
        "decided_at": appeal.decided_at,
        "comment": appeal.decision_comment,
        "adjusted_value": appeal.adjusted_value,
        "adjustments": [
            {
                "at": a.at,
                "run": a.indicator.scorecard.run.number,
                "value_before": a.value_before,
                "value_after": a.value_after,
                "score_before": a.score_before,
                "score_after": a.score_after,
                "total_before": a.total_before,
                "total_after": a.total_after,
                "carried_over": a.carried_over,
            }
            for a in sorted(appeal.adjustments.all(), key=lambda a: (a.at, a.pk))
        ],
    }


def _one(request: HttpRequest, appeal_id: int) -> Appeal:
    appeal = _appeals(request).filter(pk=appeal_id).first()
    if appeal is None:
        raise HttpError(404, NOT_YOURS)
    return appeal


def _refused(e: AppealError) -> HttpError:
    return HttpError(400 if e.code in BAD_INPUT else 409, str(e))


@router.get("", response={200: list[AppealOut], 400: Error, 401: Error})
def list_appeals(
    request: HttpRequest,
    status: AppealStatusName | None = None,
    period: str | None = Query(None, max_length=16),
    agent_id: str | None = Query(None, max_length=64, pattern=r"^[^\x00]*$"),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> list[dict[str, Any]]:
    """The appeals the caller may read (an agent: their own; a lead: their teams'; HR, directors,
    administrators and auditors: everyone's), newest first; filters by status, period and agent."""
    appeals = _appeals(request)
    if status is not None:
        appeals = appeals.filter(status=status)
    if period is not None:
        try:
            label = parse_period(period).label
        except ValueError as e:
            raise HttpError(400, f"period: {e}") from None
        appeals = appeals.filter(indicator__scorecard__run__cycle__period=label)
    if agent_id is not None:
        appeals = appeals.filter(agent_id=agent_id)
    return [appeal_json(a) for a in appeals.order_by("-filed_at", "-id")[offset : offset + limit]]


@router.get("/{appeal_id}", response={200: AppealOut, 401: Error, 404: Error})
def one_appeal(request: HttpRequest, appeal_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """One appeal with its adjustments; 404 when the caller may not read it."""
    return appeal_json(_one(request, appeal_id))


@router.post("", response={201: AppealOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error})
def file_appeal(request: HttpRequest, body: AppealIn) -> tuple[int, dict[str, Any]]:
    """File the caller's appeal against one indicator result of their own scorecard (``period``,
    ``indicator``), while the cycle is in review and before the deadline. 403 for a caller who is
    not an agent; 404 for a result they may not see; 409 after the deadline, for a second appeal on
    the same result, or when the cycle is not in review."""
    agent = own_agent(request.user)
    if agent is None:
        raise HttpError(403, "only agents appeal, and only their own results")
    try:
        label = parse_period(body.period).label
    except ValueError as e:
        raise HttpError(400, f"period: {e}") from None
    results = IndicatorRecord.objects.filter(
        scorecard__agent=agent,
        scorecard__run__in=visible_runs(request.user),
        scorecard__run__cycle__period=label,
        code=body.indicator,
    ).select_related("scorecard__run__cycle", "scorecard__agent")
    if body.cycle is not None:
        results = results.filter(scorecard__run__cycle__kind=body.cycle)
    result = results.first()
    if result is None:
        raise HttpError(404, f"no result of {body.indicator!r} in {label} on your scorecard")
    if not can_file_appeal(request.user, result):
        raise HttpError(
            409, f"cycle {label} is {result.scorecard.run.cycle.state}: appeals are filed in review"
        )
    try:
        appeal = workflow.file_appeal(
            request.user,
            result,
            reason=body.reason,
            proposed_value=body.proposed_value,
            evidence=body.evidence,
        )
    except CycleClosed as e:
        raise HttpError(409, str(e)) from None
    except PermissionDenied as e:
        raise HttpError(409, str(e)) from None
    except AppealError as e:
        raise _refused(e) from None
    return 201, appeal_json(_one(request, appeal.pk))


@router.post(
    "/{appeal_id}/decide",
    response={200: AppealOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error},
)
def decide_appeal(
    request: HttpRequest, body: DecisionIn, appeal_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Accept, partly accept or reject an appeal, with a comment (the agent's lead, HR / a director,
    an administrator; never one's own). 404 when the caller may not read the appeal, 403 when they
    may read but not decide it, 409 when it is decided already or the cycle is not in review or
    published, 400 when accepting needs a value the appeal does not propose."""
    appeal = _one(request, appeal_id)
    if not can_decide_appeal(request.user, appeal):
        raise HttpError(403, "only the agent's lead, HR / a director or an administrator decides appeals")
    rule, better = indicator_rule(appeal.indicator.code)
    try:
        workflow.decide_appeal(
            request.user,
            appeal,
            body.decision,
            comment=body.comment,
            adjusted_value=body.adjusted_value,
            rule=rule,
            better=better,
        )
    except CycleClosed as e:
        raise HttpError(409, str(e)) from None
    except PermissionDenied as e:
        raise HttpError(403, str(e)) from None
    except RescoreError as e:
        raise HttpError(409, str(e)) from None
    except AppealError as e:
        raise _refused(e) from None
    return appeal_json(_one(request, appeal_id))
