"""The test users every web test shares: log in, fetch, make one with a role (and teams it leads,
or the agent it is). The organisation they act in is ``conftest.build_appraisal_data``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from frontdesk.web.accounts.models import Profile
from frontdesk.web.appraisal.models import Agent, Team

PASSWORD = "frontdesk"


def login(client: Client, username: str) -> Client:
    """``client`` logged in as ``username`` (whoever it was logged in as before is logged out)."""
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def user(username: str):
    return get_user_model().objects.get(username=username)


def make_user(username: str, role: str | None, *, agent: str | None = None, teams: tuple[str, ...] = ()):
    """A login with ``role`` (None: no role at all), leading ``teams``, or being ``agent``."""
    u = get_user_model().objects.create_user(username, password=PASSWORD)
    if role is not None:
        Profile.objects.create(user=u, role=role)
    if agent is not None:
        Agent.objects.filter(pk=agent).update(user=u)
    for team in teams:
        Team.objects.get(pk=team).supervisors.add(u)
    return u
