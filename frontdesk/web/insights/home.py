"""The home page (``/``): what needs the signed-in person's attention, by role.

- everyone with a role: whether they have acknowledged the scheme in force (``transparency``);
- whoever has an agent record (agents, and leads who are agents too): their own latest scorecard
  whose cycle state lets them see it, and their open appeals;
- team leads and QA reviewers: the people of their teams below target in the latest period they
  may see (grade D, or a total below the C threshold of the scheme in force), and — leads — the
  open appeals awaiting their decision (``permissions.appeals_to_decide``);
- administrators, HR / directors and auditors: the cycles to review (computed or in review), the
  open appeals they may read (those they may decide, for administrators and HR / directors) and —
  administrators and HR / directors — the acknowledgement rate of the scheme.

A signed-in user without a role sees the no-access page. Every list asks ``permissions``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontdesk.scoring.scheme import Scheme
from frontdesk.web.accounts.models import Role, role_of
from frontdesk.web.appeals.models import AppealStatus
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.lifecycle import CycleState
from frontdesk.web.appraisal.models import Cycle, ScorecardRecord
from frontdesk.web.appraisal.timezones import zone_of_user
from frontdesk.web.appraisal.transparency import (
    acknowledged_at,
    acknowledgement_rate,
    may_view_acknowledgements,
    scheme_in_force,
)
from frontdesk.web.permissions import (
    SEES_EVERYONE,
    SEES_SUPERVISED_TEAMS,
    appeals_to_decide,
    may_view_cycles,
    own_agent,
    visible_agents,
    visible_appeals,
    visible_runs,
    visible_teams,
)

BELOW_TARGET_GRADE = "D"
THRESHOLD_GRADE = "C"  # a total below this grade's threshold is below target
LIST_LIMIT = 50


def c_threshold(scheme: Scheme | None) -> float | None:
    """The minimum total of grade C in the scheme in force, if it has one."""
    if scheme is None:
        return None
    return next((g.min_total for g in scheme.grades if g.code == THRESHOLD_GRADE), None)


def _latest_own_scorecard(user: object, agent) -> ScorecardRecord | None:
    runs = visible_runs(user).filter(scorecards__agent=agent)
    labels = store.newest_first(runs.values_list("cycle__period", flat=True))
    if not labels:
        return None
    return (
        ScorecardRecord.objects.filter(run__in=visible_runs(user), run__cycle__period=labels[0], agent=agent)
        .select_related("run__cycle", "team")
        .order_by("-run__computed_at")
        .first()
    )


def _below_target(user: object, scheme: Scheme | None) -> tuple[str | None, list[ScorecardRecord]]:
    """The latest period the user may see and the scorecards of their teams' people below target."""
    runs = visible_runs(user)
    labels = store.newest_first(runs.values_list("cycle__period", flat=True))
    if not labels:
        return None, []
    run = runs.filter(cycle__period=labels[0]).order_by("-computed_at").first()
    below = Q(grade=BELOW_TARGET_GRADE)
    threshold = c_threshold(scheme)
    if threshold is not None:
        below |= Q(total__lt=threshold)
    agents = visible_agents(user).filter(team__in=visible_teams(user))
    records = (
        ScorecardRecord.objects.filter(below, run=run, agent__in=agents)
        .select_related("agent", "team", "run__cycle")
        .order_by("total", "agent_id")
    )
    return labels[0], list(records[:LIST_LIMIT])


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs attention, by role (see the module's docstring)."""
    user = request.user
    role = role_of(user)
    if role is None:
        return render(request, "appraisal/no_access.html")
    scheme = scheme_in_force()
    context: dict = {
        "role": role,
        "scheme": scheme,
        "acknowledged_at": acknowledged_at(user, scheme),
        "zone": zone_of_user(user),
    }
    agent = own_agent(user)
    if agent is not None:
        context.update(
            agent=agent,
            latest=_latest_own_scorecard(user, agent),
            own_open_appeals=list(
                visible_appeals(user)
                .filter(agent=agent, status=AppealStatus.OPEN)
                .select_related("indicator__scorecard__run__cycle", "agent__team__site", "agent__site")[
                    :LIST_LIMIT
                ]
            ),
        )
    if role in SEES_SUPERVISED_TEAMS:
        period, records = _below_target(user, scheme)
        context.update(
            supervises=True,
            below_period=period,
            below_target=records,
            threshold=c_threshold(scheme),
        )
    if role == Role.LEAD.value or role in SEES_EVERYONE:
        to_decide = appeals_to_decide(user).filter(status=AppealStatus.OPEN)
        context.update(
            decides=role != Role.AUDITOR.value,
            to_decide=list(to_decide.select_related("agent__team__site", "agent__site")[:LIST_LIMIT]),
            to_decide_count=to_decide.count(),
        )
    if may_view_cycles(user):
        pending = list(Cycle.objects.filter(state__in=[CycleState.COMPUTED, CycleState.IN_REVIEW]))
        order = {label: i for i, label in enumerate(store.newest_first(c.period for c in pending))}
        context.update(
            oversees=True,
            cycles_to_review=sorted(pending, key=lambda c: (order[c.period], c.kind)),
            open_appeals_count=visible_appeals(user).filter(status=AppealStatus.OPEN).count(),
        )
    if scheme is not None and may_view_acknowledgements(user):
        context["rate"] = acknowledgement_rate(scheme)
    return render(request, "insights/home.html", context)
