"""``/api/surveys/links``: customer survey links (CSAT 1–5 and NPS 0–10, one per interaction,
single use, expiring) requested by a system instead of the page ``/feedback/surveys/``, and one
link's status.

Who may is what the page allows, asked of ``web.permissions.survey_link_agents``:
administrators and HR / directors for every agent, team leads for the agents of their own teams;
other roles get 403. An agent or interaction outside the caller's scope is a 404, like a missing
one, so a lead learns nothing of other teams. The links are made by ``feedback.surveys.issue``, the
function the page calls; their URLs (holding the token) are in the answer of the request only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import field_validator

from frontdesk.web.accounts.models import role_of
from frontdesk.web.api.schemas import Error
from frontdesk.web.appraisal.models import Agent
from frontdesk.web.feedback import surveys
from frontdesk.web.feedback.models import SurveyLink
from frontdesk.web.permissions import survey_link_agents

router = Router(tags=["surveys"])

MAX_LINKS = 500  # as the page's form
MAX_ID = 2**63 - 1
ONLY = "only administrators, HR / directors and team leads issue survey links"


class SurveyLinksIn(Schema):
    interaction_ids: list[str] = Field(
        ..., min_length=1, max_length=MAX_LINKS, description="one link per interaction (duplicates once)"
    )
    agent_id: str | None = Field(
        None,
        max_length=128,
        description="the interactions' agent; when left out, each interaction's agent in the event store",
    )
    valid_days: int = Field(
        surveys.DEFAULT_VALID_DAYS, ge=1, le=90, description="days until the links expire"
    )

    @field_validator("interaction_ids")
    @classmethod
    def _ids(cls, value: list[str]) -> list[str]:
        out = [v.strip() for v in value]
        for v in out:
            if not v or len(v) > 128 or "\x00" in v:
                raise ValueError("each interaction id: 1 to 128 characters")
        return list(dict.fromkeys(out))


class SurveyLinkOut(Schema):
    id: int
    interaction_id: str
    agent_id: str
    status: Literal["open", "answered", "expired"]
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None = None
    url: str | None = Field(None, description="the customer's link: in the answer that creates it only")


class SurveyLinksOut(Schema):
    links: list[SurveyLinkOut]


def _link_json(link: SurveyLink, url: str | None = None) -> dict[str, Any]:
    return {
        "id": link.pk,
        "interaction_id": link.interaction_id,
        "agent_id": link.agent_id,
        "status": surveys.status_of(link),
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "answered_at": link.answered_at,
        "url": url,
    }


def _issuable(request: HttpRequest):
    """The agents the caller may issue links for; 403 when none, as the page answers."""
    agents = survey_link_agents(request.user)
    if role_of(request.user) is None or not agents.exists():
        raise HttpError(403, ONLY)
    return agents


@router.post(
    "/surveys/links",
    response={201: SurveyLinksOut, 400: Error, 401: Error, 403: Error, 404: Error},
)
def create_links(request: HttpRequest, body: SurveyLinksIn) -> tuple[int, dict[str, Any]]:
    """Survey links for interactions, one each. With `agent_id`, the links are for that agent's
    interactions (an interaction the event store gives to another agent is refused); without it,
    each interaction's agent is the one in the event store. 404 for an agent or interaction the
    caller may not issue links for (or that does not exist), 400 for an interaction of another agent."""
    agents = _issuable(request)
    stored = surveys.interaction_agents(body.interaction_ids)
    chosen: Agent | None = None
    if body.agent_id is not None:
        chosen = agents.filter(pk=body.agent_id).first()
        if chosen is None:
            raise HttpError(404, f"no agent {body.agent_id!r} you may issue survey links for")
    plan: dict[str, list[str]] = {}
    for iid in body.interaction_ids:
        owner = stored.get(iid)
        if iid in stored and owner is None:
            raise HttpError(400, f"interaction {iid!r} has no agent in the event store: no survey link")
        if chosen is None and iid not in stored:
            raise HttpError(404, f"no interaction {iid!r} in the event store; name its agent with agent_id")
        if owner is not None and not agents.filter(pk=owner).exists():
            raise HttpError(404, f"no interaction {iid!r} you may issue survey links for")
        if chosen is not None and owner is not None and owner != chosen.pk:
            raise HttpError(400, f"interaction {iid!r} is agent {owner}'s, not {chosen.pk}'s")
        plan.setdefault(owner or chosen.pk, []).append(iid)  # type: ignore[union-attr]
    by_id = {a.pk: a for a in agents.filter(pk__in=list(plan))}
    issued = []
    for agent_id, ids in plan.items():
        issued += surveys.issue(by_id[agent_id], ids, created_by=request.user, valid_days=body.valid_days)
    order = {iid: n for n, iid in enumerate(body.interaction_ids)}
    issued.sort(key=lambda s: order[s.link.interaction_id])
    links = [
        _link_json(s.link, request.build_absolute_uri(reverse("feedback:survey", args=[s.token])))
        for s in issued
    ]
    return 201, {"links": links}


@router.get("/surveys/links/{link_id}", response={200: SurveyLinkOut, 401: Error, 403: Error, 404: Error})
def link_status(request: HttpRequest, link_id: int) -> dict[str, Any]:
    """One link's status (`open`, `answered`, `expired`), for links of agents the caller may issue
    links for (the page's "recent links"); the URL is not shown again."""
    agents = _issuable(request)
    if not 0 < link_id <= MAX_ID:
        raise HttpError(404, "no survey link you may see with this id")
    link = SurveyLink.objects.filter(pk=link_id, agent__in=agents).first()
    if link is None:
        raise HttpError(404, "no survey link you may see with this id")
    return _link_json(link)
