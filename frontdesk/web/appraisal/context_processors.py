"""What the page header needs on every page: the user's role and where their links lead."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frontdesk.web.accounts.models import role_of
from frontdesk.web.permissions import (
    SEES_EVERYONE,
    SEES_SUPERVISED_TEAMS,
    may_import_data,
    may_view_cycles,
    may_view_evaluation,
    own_agent,
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """``role`` (code or None), ``nav_own_agent`` (the user's agent or None), ``nav_ranking`` and
    ``nav_cycles``, ``nav_imports``, ``nav_evaluation`` (bools: whether to link the ranking, the cycles page,
    the data imports and the effect evaluation)."""
    user = getattr(request, "user", None)
    role = role_of(user)
    if role is None:
        return {
            "role": None, "nav_own_agent": None, "nav_ranking": False, "nav_cycles": False,
            "nav_imports": False, "nav_evaluation": False,
        }  # fmt: skip
    return {
        "role": role,
        "nav_own_agent": own_agent(user),
        "nav_ranking": role in SEES_EVERYONE or role in SEES_SUPERVISED_TEAMS,
        "nav_cycles": may_view_cycles(user),
        "nav_imports": may_import_data(user),
        "nav_evaluation": may_view_evaluation(user),
    }
