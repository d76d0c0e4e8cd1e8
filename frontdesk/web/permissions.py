"""Who may see whose results: the only place that decides it. Every view asks these functions.

- administrator, HR / director and auditor: every agent and team;
- team lead and QA reviewer: the agents of the teams they supervise (``Team.supervisors``) and
  of those teams' sub-teams;
- agent: their own agent record (``Agent.user``); leads and QA reviewers see theirs too;
- a user without a role (no profile, not a superuser), or anonymous: nothing.

Which results of a cycle, by its state (``visible_states``; the pages show only the current run):

- administrator, HR / director and auditor: computed, in review, published, closed;
- team lead and QA reviewer: in review, published, closed (they review before publication);
- agent: in review, published and closed: in review is the appeal window (DESIGN), so agents see
  their own results then, to appeal them; never numbers that are only computed.

Appeals: ``visible_appeals``, ``can_file_appeal``, ``can_decide_appeal``, ``appeals_to_decide``,
``visible_audit_entries``, ``may_view_appeal_statistics`` (rules beside them, below).

Only administrators and HR / directors change a cycle's state (``may_change_cycle_state``); the
cycle is the whole organisation's, so a lead cannot submit one team's results for review. The
same two roles calibrate and publish the scheme (``may_change_scheme``).

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
    Role.AGENT.value: _REVIEWED,  # in review is the appeal window: agents read their results to appeal
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


def may_change_scheme(user: object) -> bool:
    """Whether ``user`` may calibrate and publish the scheme (administrator, HR / director)."""
    return role_of(user) in CHANGES_CYCLE_STATES


def may_view_cycles(user: object) -> bool:
    """Whether ``user`` may open the cycles page: everyone who oversees the whole organisation."""
    return role_of(user) in SEES_EVERYONE


# Appeals (frontdesk.web.appeals) -----------------------------------------------------------------
# An agent appeals their own results; the lead of the agent's team (and its parent teams), HR /
# directors and administrators decide, never on their own appeal; whoever may read an agent's
# scorecard may read that agent's appeals (agents: only their own); the audit log is whole for
# administrators, HR / directors and auditors, and otherwise limited to the appeals one may read.

DECIDES_EVERY_APPEAL = {Role.ADMIN.value, Role.DIRECTOR.value}
READS_WHOLE_AUDIT_LOG = {Role.ADMIN.value, Role.DIRECTOR.value, Role.AUDITOR.value}
SEES_APPEAL_STATISTICS = {Role.ADMIN.value, Role.DIRECTOR.value, Role.AUDITOR.value, Role.LEAD.value}


def visible_appeals(user: object) -> QuerySet:
    """The appeals ``user`` may read: those of the agents whose scorecards the user may read."""
    from frontdesk.web.appeals.models import Appeal

    if role_of(user) is None:
        return Appeal.objects.none()
    return Appeal.objects.filter(agent__in=visible_agents(user))


def can_file_appeal(user: object, indicator: object) -> bool:
    """Whether ``user`` may appeal this ``IndicatorRecord``: it is on their own scorecard, in the
    current run of a cycle in review (the deadline is checked when filing)."""
    agent = own_agent(user)
    if agent is None or role_of(user) is None:
        return False
    scorecard = indicator.scorecard  # type: ignore[attr-defined]
    return (
        scorecard.agent_id == agent.agent_id
        and not scorecard.run.superseded
        and scorecard.run.cycle.state == CycleState.IN_REVIEW
    )


def can_decide_appeal(user: object, appeal: object) -> bool:
    """Whether ``user`` may decide ``appeal``: HR / director or administrator, or the lead of the
    agent's team (or of a parent team); never the agent who filed it."""
    role = role_of(user)
    agent = appeal.agent  # type: ignore[attr-defined]
    if agent.user_id is not None and agent.user_id == getattr(user, "pk", None):
        return False
    if role in DECIDES_EVERY_APPEAL:
        return True
    return role == Role.LEAD.value and agent.team_id in _supervised_team_ids(user)


def appeals_to_decide(user: object) -> QuerySet:
    """The appeals ``user`` may decide (whatever their status), in one query: ``can_decide_appeal``
    for a whole list."""
    from frontdesk.web.appeals.models import Appeal

    role = role_of(user)
    if role in DECIDES_EVERY_APPEAL:
        found = Appeal.objects.all()
    elif role == Role.LEAD.value:
        found = Appeal.objects.filter(agent__team_id__in=_supervised_team_ids(user))
    else:
        return Appeal.objects.none()
    return found.exclude(agent__user=user)


def visible_audit_entries(user: object) -> QuerySet:
    """The audit entries ``user`` may read: all of them for administrators, HR / directors and
    auditors; otherwise those about the appeals the user may read."""
    from frontdesk.web.appeals.models import AuditEntry

    role = role_of(user)
    if role in READS_WHOLE_AUDIT_LOG:
        return AuditEntry.objects.all()
    if role is None:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(appeal__in=visible_appeals(user))


def may_view_appeal_statistics(user: object) -> bool:
    """Whether ``user`` may open the appeal statistics (of the teams ``visible_teams`` gives)."""
    return role_of(user) in SEES_APPEAL_STATISTICS


# Multi-rater feedback (frontdesk.web.feedback) ----------------------------------------------------
# HR / directors and administrators run 360 campaigns and calibration sessions (auditors read
# them); leads issue survey links for their teams' agents; QA reviewers inspect the agents of the
# teams they are assigned to; whoever may read an agent's scorecard may read the agent's 360
# results, which withhold peers and partner departments below three raters for every reader.

RUNS_FEEDBACK = {Role.ADMIN.value, Role.DIRECTOR.value}
READS_FEEDBACK = RUNS_FEEDBACK | {Role.AUDITOR.value}
ISSUES_SURVEY_LINKS = RUNS_FEEDBACK | {Role.LEAD.value}


def may_run_campaigns(user: object) -> bool:
    """Whether ``user`` may create 360 campaigns, send reminders and open calibration sessions."""
    return role_of(user) in RUNS_FEEDBACK


def may_view_campaigns(user: object) -> bool:
    """Whether ``user`` may read campaigns, their progress and reliability, and calibration reports."""
    return role_of(user) in READS_FEEDBACK


def survey_link_agents(user: object) -> QuerySet[Agent]:
    """The agents ``user`` may issue customer survey links for (none for other roles)."""
    if role_of(user) not in ISSUES_SURVEY_LINKS:
        return Agent.objects.none()
    return visible_agents(user)


def qa_reviewable_agents(user: object) -> QuerySet[Agent]:
    """The agents ``user`` may inspect: a QA reviewer, those of the teams they are assigned to
    (never themself); an administrator, everyone; nobody else."""
    role = role_of(user)
    if role == Role.ADMIN.value:
        return Agent.objects.all()
    if role != Role.QA.value:
        return Agent.objects.none()
    return Agent.objects.filter(team_id__in=_supervised_team_ids(user)).exclude(user=user)


def may_review_qa(user: object) -> bool:
    return role_of(user) in (Role.ADMIN.value, Role.QA.value)


def may_join_calibration(user: object, session: object) -> bool:
    """Whether ``user`` may score ``session`` (a ``CalibrationSession``): one of its reviewers."""
    return role_of(user) is not None and session.reviewers.filter(pk=getattr(user, "pk", None)).exists()  # type: ignore[attr-defined]


def visible_calibration_sessions(user: object) -> QuerySet:
    """Every session for those who read campaigns; the sessions one reviews, for the others."""
    from frontdesk.web.feedback.models import CalibrationSession

    if may_view_campaigns(user):
        return CalibrationSession.objects.all()
    if role_of(user) is None:
        return CalibrationSession.objects.none()
    return CalibrationSession.objects.filter(reviewers=user)


def visible_qa_reviews(user: object) -> QuerySet:
    """Inspections (not calibration ones) of the agents whose scorecards ``user`` may read."""
    from frontdesk.web.feedback.models import Review

    if role_of(user) is None:
        return Review.objects.none()
    return Review.objects.filter(session__isnull=True, agent__in=visible_agents(user))


# Data quality (insights/quality.py) ---------------------------------------------------------------
# The data-quality report is for those who answer for the data: administrators, HR / directors and
# auditors for the whole organisation, leads for the teams they supervise (and their sub-teams).
# QA reviewers and agents are refused (403): the report lists other agents' records.

READS_DATA_QUALITY = SEES_EVERYONE | {Role.LEAD.value}


def may_view_data_quality(user: object) -> bool:
    """Whether ``user`` may open the data-quality report (of the teams ``data_quality_teams`` gives)."""
    return role_of(user) in READS_DATA_QUALITY


def data_quality_teams(user: object) -> set[str] | None:
    """The team ids whose data ``user`` may inspect; None means every team, contacts of no team
    included (administrators, HR / directors, auditors)."""
    role = role_of(user)
    if role in SEES_EVERYONE:
        return None
    if role == Role.LEAD.value:
        return _supervised_team_ids(user)
    return set()


# Effect evaluation (insights/evaluation.py) -------------------------------------------------------
# The evaluation covers the whole organisation (every team's scores, appeal rates, raters' leniency):
# administrators, HR / directors and auditors only. Leads, QA reviewers and agents are refused (403).

READS_EVALUATION = SEES_EVERYONE


def may_view_evaluation(user: object) -> bool:
    """Whether ``user`` may open the effect-evaluation page (``/evaluation/``)."""
    return role_of(user) in READS_EVALUATION


# Imports (web/imports: its pages and imports/api.py) ----------------------------------------------
# Loading data changes every result computed from it: administrators and HR / directors only. The
# webhook's token must stand for one of them too. Everyone else is refused (403).

IMPORTS_DATA = {Role.ADMIN.value, Role.DIRECTOR.value}


def may_import_data(user: object) -> bool:
    """Whether ``user`` may upload, preview, commit and undo imports and send webhook events."""
    return role_of(user) in IMPORTS_DATA
