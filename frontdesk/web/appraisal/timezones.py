"""Which time zone a time is shown in: the team's (DESIGN: each team has a time zone).

A time about one agent (an appeal, its audit entries, a scorecard, an evidence record) is shown in
the zone of the agent's team; a team without one takes its site's; then the organisation's (the
workspace's ``[organisation] timezone``, else ``settings.TIME_ZONE``). A time about the whole
organisation (a cycle's history) is shown in the reader's zone: the team of their own agent record,
else the teams they supervise when these share one zone, else the organisation's. An unknown zone
name falls back the same way, so a typo in a roster never breaks a page.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from frontdesk.web.workspace import workspace_root


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def organisation_zone() -> ZoneInfo:
    """The organisation's zone: the workspace's ``timezone`` setting, else ``settings.TIME_ZONE``."""
    root = workspace_root()
    if root is not None:
        return _workspace_zone(str(root)) or ZoneInfo(settings.TIME_ZONE)
    return ZoneInfo(settings.TIME_ZONE)


@lru_cache(maxsize=8)
def _workspace_zone(root: str) -> ZoneInfo | None:
    from frontdesk.usecases.workspace import WorkspaceError, open_workspace

    try:
        return _zone(open_workspace(Path(root)).timezone)
    except (WorkspaceError, OSError, ValueError):
        return None


def zone_of_team(team: object | None) -> ZoneInfo:
    """The zone of ``team`` (a ``Team`` or None), else of its site, else the organisation's.
    Select ``team__site`` with the row to keep this free of queries."""
    if team is not None:
        found = _zone(getattr(team, "timezone", "") or "")
        if found is None and getattr(team, "site_id", None):
            found = _zone(team.site.timezone or "")  # type: ignore[attr-defined]
        if found is not None:
            return found
    return organisation_zone()


def zone_of_agent(agent: object | None) -> ZoneInfo:
    """The zone of ``agent``'s current team (else the agent's site, else the organisation's)."""
    if agent is None:
        return organisation_zone()
    team = getattr(agent, "team", None) if getattr(agent, "team_id", None) else None
    if team is None and getattr(agent, "site_id", None):
        found = _zone(agent.site.timezone or "")  # type: ignore[attr-defined]
        if found is not None:
            return found
    return zone_of_team(team)


def zone_of_user(user: object) -> ZoneInfo:
    """The reader's zone: their own agent's team, else their supervised teams' (when all share one
    zone), else the organisation's."""
    from frontdesk.web.appraisal.models import Agent, Team

    if not getattr(user, "is_authenticated", False):
        return organisation_zone()
    agent = Agent.objects.filter(user=user).select_related("team__site", "site").first()
    if agent is not None:
        return zone_of_agent(agent)
    zones = {zone_of_team(t) for t in Team.objects.filter(supervisors=user).select_related("site")}
    return zones.pop() if len(zones) == 1 else organisation_zone()
