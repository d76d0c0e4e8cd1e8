"""Who may see whose results: the only place that decides it. Every view asks these functions.

- administrator, HR / director and auditor: every agent and team;
- team lead and QA reviewer: the agents of the teams they supervise (``Team.supervisors``) and
  of those teams' sub-teams;
- agent: their own agent record (``Agent.user``); leads and QA reviewers see theirs too;
- a user without a role (no profile, not a superuser), or anonymous: nothing.

Which results of a cycle, by its state (``visible_states``; the pages show only the current run):

- administrator, HR / director and auditor: computed, in review, published, closed;
- team lead and QA reviewer: in review, published, closed (they review before publication);
- agent: published and closed only, never numbers nobody has reviewed yet.

Only administrators and HR / directors change a cycle's state (``may_change_cycle_state``); the
cycle is the whole organisation's, so a lead cannot submit one team's results for review.

A refused scorecard answers 404, exactly like a missing one, so a URL never tells whether an
agent exists.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from frontdesk.web.accounts.models import Role, role_of
from frontdesk.web.appraisal.lifecycle import CycleState
from frontdesk.web.appraisal.models import Agent, ScorecardRun, Team

SEES_EVERYONE = {Role.ADMIN.value, Role.DIRECTOR.value, Role.AUDITOR.value}
SEES_SUPERVISED_TEAMS = {Role.LEAD.value, Role.QA.value}
CHANGES_CYCLE_STATES = {Role.ADMIN.value, Role.DIRECTOR.value}

_FINAL = frozenset({CycleState.PUBLISHED.value, CycleState.CLOSED.value})
_REVIEWED = _FINAL | {CycleState.IN_REVIEW.value}
VISIBLE_STATES: dict[str, frozenset[str]] = {
    Role.ADMIN.value: _REVIEWED | {CycleState.COMPUTED.value},
    Role.DIRECTOR.value: _REVIEWED | {CycleState.COMPUTED.value},
    Role.AUDITOR.value: _REVIEWED | {CycleState.COMPUTED.value},
    Role.LEAD.value: _REVIEWED,
    Role.QA.value: _REVIEWED,
    Role.AGENT.value: _FINAL,
}


def _supervised_team_ids(user: object) -> set[str]:
    """The teams ``user`` supervises, with every sub-team below them (one query per level)."""
    found = set(Team.objects.filter(supervisors=user).values_list("team_id", flat=True))
    frontier = found
    while frontier:
        children = set(Team.objects.filter(parent_id__in=frontier).values_list("team_id", flat=True))
        frontier = children - found
        found |= frontier
    return found


def visible_teams(user: object) -> QuerySet[Team]:
    """The teams whose whole ranking ``user`` may see."""
    role = role_of(user)
    if role in SEES_EVERYONE:
        return Team.objects.all()
    if role in SEES_SUPERVISED_TEAMS:
        return Team.objects.filter(team_id__in=_supervised_team_ids(user))
    return Team.objects.none()


def visible_agents(user: object) -> QuerySet[Agent]:
    """The agents whose scorecards ``user`` may read."""
    role = role_of(user)
    if role is None:
        return Agent.objects.none()
    if role in SEES_EVERYONE:
        return Agent.objects.all()
    own = Q(user=user)
    if role in SEES_SUPERVISED_TEAMS:
        return Agent.objects.filter(own | Q(team_id__in=_supervised_team_ids(user)))
    return Agent.objects.filter(own)


def can_view_agent(user: object, agent: Agent | str) -> bool:
    """Whether ``user`` may read the scorecards of ``agent`` (an ``Agent`` or an agent id)."""
    agent_id = agent.pk if isinstance(agent, Agent) else agent
    return visible_agents(user).filter(pk=agent_id).exists()


def own_agent(user: object) -> Agent | None:
    """The agent record linked to ``user``'s login, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Agent.objects.filter(user=user).first()


def visible_states(user: object) -> frozenset[str]:
    """The cycle states whose results ``user`` may see (empty without a role)."""
    return VISIBLE_STATES.get(role_of(user) or "", frozenset())


def visible_runs(user: object) -> QuerySet[ScorecardRun]:
    """The current runs of the cycles whose state lets ``user`` see results; which agents' rows
    of them the user may read is ``visible_agents``."""
    return ScorecardRun.objects.filter(superseded=False, cycle__state__in=visible_states(user))


def may_change_cycle_state(user: object) -> bool:
    """Whether ``user`` may move cycles between states (administrator, HR / director)."""
    return role_of(user) in CHANGES_CYCLE_STATES


def may_view_cycles(user: object) -> bool:
    """Whether ``user`` may open the cycles page: everyone who oversees the whole organisation."""
    return role_of(user) in SEES_EVERYONE
