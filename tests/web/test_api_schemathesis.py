"""Schemathesis against /api/openapi.json: generated requests, with a director's token, never get a
server error (5xx). Bounded examples, so it runs in seconds."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from frontdesk.web.api.tokens import create_token_for  # noqa: E402
from frontdesk.web.wsgi import application  # noqa: E402

# Reading the OpenAPI document touches no database, so it is loaded once, at collection.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def director_token(appraisal, events) -> str:
    return create_token_for("director")


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes database connections when a request ends, which would close the
    test's own transaction on PostgreSQL; Django's test client detaches the same handlers."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def events(settings, tmp_path):
    settings.WORKSPACE = tmp_path  # an empty event store: evidence pages are empty, not errors
    return tmp_path


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_never_answers_with_a_server_error(case, director_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {director_token}"}, checks=[not_a_server_error])
