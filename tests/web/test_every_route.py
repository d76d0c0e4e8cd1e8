"""Every route of the project, as every role: the expected answer of each URL pattern (walked from
the resolver) and of each API route (read from ``/api/openapi.json``) for anonymous, agent, lead,
director and auditor. A route missing from the tables below fails the test, so no route is added
without deciding who may use it.

The data (built once for the module): ``test_appeals.in_review`` (October in review, the other periods computed only; agent =
A001 in T1, lead of T1, agent2 = A002 in T1, agent4 = A004 in T2, an auditor), an open appeal of
A001, A002 and A004 each, and a workspace with an event store for the evidence.

Rules checked everywhere: an agent never receives another agent's name in any answer, and every
route naming another agent's scorecard, evidence, indicator result or appeal answers 404 or 403
to the agent. Anonymous users are sent to sign in (302) or, on the API, refused (401).

The admin: ``admin.site`` serves only staff; its per-model URLs are not listed one by one (the
rule: every pattern in the ``admin`` namespace). ``/admin/`` itself is in the table, and each
registered model's list page is checked to send every role of the table to the admin sign-in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from frontdesk.scoring.scheme import load_scheme
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.usecases.workspace import init_workspace
from frontdesk.web.accounts.models import Role
from frontdesk.web.api.tokens import create_token
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.models import IndicatorRecord

from .conftest import PASSWORD, build_appraisal_data, load_appraisal_data
from .test_appeals import file
from .test_feedback_campaigns import route_world
from .users import make_user, user

pytestmark = pytest.mark.django_db


def in_review() -> None:
    """As ``test_appeals.in_review``: every cycle computed, October in review. Logins: director,
    lead (T1), agent (A001), agent2 (A002, T1), agent4 (A004, T2), lead2 (T2), qa (T1), auditor."""
    load_appraisal_data(build_appraisal_data(), publish=False)
    store.transition("2026-10", "monthly", "in_review")
    make_user("agent2", Role.AGENT, agent="A002")
    make_user("agent4", Role.AGENT, agent="A004")
    make_user("lead2", Role.LEAD, teams=("T2",))
    make_user("qa", Role.QA, teams=("T1",))
    make_user("auditor", Role.AUDITOR)


ROLES = ("anonymous", "agent", "lead", "director", "auditor")
LOGINS = {"agent": "agent", "lead": "lead", "director": "director", "auditor": "auditor"}
OTHER_NAMES = (
    "Wang Wei",
    "王伟",
    "Zhang Min",
    "张敏",
    "Liu Yang",
    "刘洋",
    "Chen Jing",
    "陈静",
    "Zhao Lei",
    "赵磊",
)
LOGIN = "login"  # a 302 to the sign-in page
NO_UPLOAD = "0" * 32  # an upload id no upload has
NO_BATCH = "20261003T101500123456_3f9a1c"  # a batch id no batch has
WEBHOOK_BODY = {
    "table": "interactions",
    "rows": [
        {"interaction_id": "WH1", "agent_id": "A001", "channel": "chat", "created_at": "2026-10-05T09:00:00Z"}
    ],
}
T0 = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)


def expect(anonymous, agent, lead, director, auditor) -> dict[str, int | str]:
    return dict(zip(ROLES, (anonymous, agent, lead, director, auditor), strict=True))


def everyone(status: int) -> dict[str, int | str]:
    return expect(LOGIN, status, status, status, status)


# The pages: pattern → [(method, url, data, expected by role)] --------------------------------------
# {own_appeal}, {team_appeal} (A002, the lead's team), {other_appeal} (A004, another team),
# {own_result} (an unappealed October result of A001), {team_result}, {other_result}.

PAGES: dict[str, list[tuple[str, str, dict, dict]]] = {
    "": [("get", "/", {}, everyone(200))],
    "scheme/": [("get", "/scheme/", {}, everyone(200))],
    "scheme/scheme.yaml": [("get", "/scheme/scheme.yaml", {}, everyone(200))],
    "scheme/acknowledge/": [
        ("get", "/scheme/acknowledge/", {}, expect(405, 405, 405, 405, 405)),
        ("post", "/scheme/acknowledge/", {"version": "{scheme_version}"}, everyone(302)),
    ],
    "scheme/calibrate/": [
        ("get", "/scheme/calibrate/", {}, expect(LOGIN, 403, 403, 200, 403)),
        ("get", "/scheme/calibrate/?period=2026-10", {}, expect(LOGIN, 403, 403, 200, 403)),
        ("get", "/scheme/calibrate/?period=1999-13", {}, expect(LOGIN, 403, 403, 400, 403)),
        ("post", "/scheme/calibrate/", {}, expect(LOGIN, 403, 403, 400, 403)),
        (
            "post",
            "/scheme/calibrate/",
            {"period": "2026-10", "version": "stale"},
            expect(LOGIN, 403, 403, 302, 403),
        ),
    ],
    "ranking/": [
        ("get", "/ranking/", {}, everyone(200)),
        ("get", "/ranking/?team=T1", {}, expect(LOGIN, 404, 200, 200, 200)),
        ("get", "/ranking/?team=T2", {}, expect(LOGIN, 404, 404, 200, 200)),
        ("get", "/ranking/?period=2026-09", {}, expect(LOGIN, 404, 404, 200, 200)),  # computed only
    ],
    "dashboard/": [
        ("get", "/dashboard/", {}, expect(LOGIN, 403, 200, 200, 200)),
        ("get", "/dashboard/?team=T2", {}, expect(LOGIN, 403, 404, 200, 200)),
    ],
    "dashboard/plotly.min.js": [("get", "/dashboard/plotly.min.js", {}, expect(200, 200, 200, 200, 200))],
    "quality/": [
        ("get", "/quality/", {}, expect(LOGIN, 403, 200, 200, 200)),
        ("get", "/quality/?period=2026-10&team=T1", {}, expect(LOGIN, 403, 200, 200, 200)),
        ("get", "/quality/?team=T2", {}, expect(LOGIN, 403, 404, 200, 200)),
        ("get", "/quality/?period=nonsense", {}, expect(LOGIN, 403, 404, 404, 404)),
    ],
    # The effect evaluation covers the whole organisation: administrators, directors and auditors.
    "evaluation/": [
        ("get", "/evaluation/", {}, expect(LOGIN, 403, 403, 200, 200)),
        ("get", "/evaluation/?period=2026-10", {}, expect(LOGIN, 403, 403, 200, 200)),
        ("get", "/evaluation/?period=nonsense", {}, expect(LOGIN, 403, 403, 404, 404)),
    ],
    "agents/<str:agent_id>/": [
        ("get", "/agents/A001/", {}, expect(LOGIN, 200, 200, 200, 200)),
        ("get", "/agents/A002/", {}, expect(LOGIN, 404, 200, 200, 200)),
        ("get", "/agents/A004/", {}, expect(LOGIN, 404, 404, 200, 200)),
        ("get", "/agents/A004/?period=2026-10", {}, expect(LOGIN, 404, 404, 200, 200)),
        ("get", "/agents/A001/?period=2026-09", {}, expect(LOGIN, 404, 404, 200, 200)),
        ("get", "/agents/NOPE/", {}, expect(LOGIN, 404, 404, 404, 404)),
    ],
    "agents/<str:agent_id>/evidence/<str:code>/": [
        (
            "get",
            "/agents/A001/evidence/first_response/?period=2026-10",
            {},
            expect(LOGIN, 200, 200, 200, 200),
        ),
        (
            "get",
            "/agents/A002/evidence/first_response/?period=2026-10",
            {},
            expect(LOGIN, 404, 200, 200, 200),
        ),
        (
            "get",
            "/agents/A004/evidence/first_response/?period=2026-10",
            {},
            expect(LOGIN, 404, 404, 200, 200),
        ),
        ("get", "/agents/A004/evidence/first_response/", {}, expect(LOGIN, 404, 404, 200, 200)),
        (
            "get",
            "/agents/A001/evidence/first_response/?period=2026-09",
            {},
            expect(LOGIN, 404, 404, 200, 200),
        ),
        ("get", "/agents/A001/evidence/no_such_code/?period=2026-10", {}, expect(LOGIN, 404, 404, 404, 404)),
        ("get", "/agents/A001/evidence/first_response/?page=0", {}, expect(LOGIN, 404, 404, 404, 404)),
        ("get", "/agents/NOPE/evidence/first_response/", {}, expect(LOGIN, 404, 404, 404, 404)),
    ],
    "interactions/<str:interaction_id>/transcript/": [  # as the scorecard of the interaction's agent
        ("get", "/interactions/I0-A001/transcript/", {}, expect(LOGIN, 200, 200, 200, 200)),
        ("get", "/interactions/I1-A002/transcript/", {}, expect(LOGIN, 404, 200, 200, 200)),
        ("get", "/interactions/I2-A004/transcript/", {}, expect(LOGIN, 404, 404, 200, 200)),
        ("get", "/interactions/NOPE/transcript/", {}, expect(LOGIN, 404, 404, 404, 404)),
    ],
    "cycles/": [("get", "/cycles/", {}, expect(LOGIN, 403, 403, 200, 200))],
    "cycles/<str:period>/<str:kind>/": [
        ("get", "/cycles/2026-10/monthly/", {}, expect(LOGIN, 403, 403, 200, 200)),
        ("get", "/cycles/1999-01/monthly/", {}, expect(LOGIN, 403, 403, 404, 404)),
    ],
    "cycles/<str:period>/<str:kind>/transition/": [
        ("get", "/cycles/2026-10/monthly/transition/", {}, expect(405, 405, 405, 405, 405)),
        (
            "post",
            "/cycles/2026-10/monthly/transition/",
            {"to": "published"},
            expect(LOGIN, 403, 403, 302, 403),
        ),
    ],
    "appeals/": [("get", "/appeals/", {}, everyone(200))],
    "appeals/new/<int:indicator_id>/": [
        ("get", "/appeals/new/{own_result}/", {}, expect(LOGIN, 200, 404, 404, 404)),
        ("get", "/appeals/new/{team_result}/", {}, expect(LOGIN, 404, 404, 404, 404)),
        ("get", "/appeals/new/{other_result}/", {}, expect(LOGIN, 404, 404, 404, 404)),
        ("post", "/appeals/new/{other_result}/", {"reason": "x"}, expect(LOGIN, 404, 404, 404, 404)),
        ("get", "/appeals/new/999999/", {}, expect(LOGIN, 404, 404, 404, 404)),
    ],
    "appeals/<int:appeal_id>/": [
        ("get", "/appeals/{own_appeal}/", {}, expect(LOGIN, 200, 200, 200, 200)),
        ("get", "/appeals/{team_appeal}/", {}, expect(LOGIN, 404, 200, 200, 200)),
        ("get", "/appeals/{other_appeal}/", {}, expect(LOGIN, 404, 404, 200, 200)),
        ("get", "/appeals/999999/", {}, expect(LOGIN, 404, 404, 404, 404)),
    ],
    "appeals/<int:appeal_id>/decide/": [
        ("get", "/appeals/{own_appeal}/decide/", {}, expect(405, 405, 405, 405, 405)),
        (
            "post",
            "/appeals/{own_appeal}/decide/",
            {"decision": "rejected", "comment": "checked"},
            expect(LOGIN, 403, 302, 302, 403),
        ),
        (
            "post",
            "/appeals/{other_appeal}/decide/",
            {"decision": "rejected", "comment": "checked"},
            expect(LOGIN, 404, 404, 302, 403),
        ),
    ],
    "appeals/audit/": [("get", "/appeals/audit/", {}, everyone(200))],
    "appeals/statistics/": [("get", "/appeals/statistics/", {}, expect(LOGIN, 403, 200, 200, 200))],
    # Multi-rater feedback (frontdesk.web.feedback): {campaign} covers T1 and T2; {rate_token} is a
    # customer link of A001; {task} A001's self-rating; {own_review} / {other_review} inspections of
    # A001 / A004; {session} a calibration session on A004 whose only reviewer is qa.
    "feedback/": [("get", "/feedback/", {}, everyone(200))],
    "feedback/campaigns/": [("get", "/feedback/campaigns/", {}, expect(LOGIN, 403, 403, 200, 200))],
    "feedback/campaigns/new/": [
        ("get", "/feedback/campaigns/new/", {}, expect(LOGIN, 403, 403, 200, 403)),
        # an invalid form comes back to the director to correct
        ("post", "/feedback/campaigns/new/", {"name": ""}, expect(LOGIN, 403, 403, 200, 403)),
    ],
    "feedback/campaigns/<int:campaign_id>/": [
        ("get", "/feedback/campaigns/{campaign}/", {}, expect(LOGIN, 403, 403, 200, 200)),
        ("get", "/feedback/campaigns/999999/", {}, expect(LOGIN, 403, 403, 404, 404)),
    ],
    "feedback/campaigns/<int:campaign_id>/remind/": [
        ("get", "/feedback/campaigns/{campaign}/remind/", {}, expect(405, 405, 405, 405, 405)),
        ("post", "/feedback/campaigns/{campaign}/remind/", {}, expect(LOGIN, 403, 403, 200, 403)),
    ],
    "feedback/campaigns/<int:campaign_id>/agents/<str:agent_id>/": [
        ("get", "/feedback/campaigns/{campaign}/agents/A001/", {}, expect(LOGIN, 200, 200, 200, 200)),
        ("get", "/feedback/campaigns/{campaign}/agents/A002/", {}, expect(LOGIN, 404, 200, 200, 200)),
        ("get", "/feedback/campaigns/{campaign}/agents/A004/", {}, expect(LOGIN, 404, 404, 200, 200)),
        ("get", "/feedback/campaigns/{campaign}/agents/A006/", {}, expect(LOGIN, 404, 404, 404, 404)),
    ],
    # Public links answer anyone with a valid token, nobody without one.
    "feedback/rate/<str:token>/": [
        ("get", "/feedback/rate/{rate_token}/", {}, expect(200, 200, 200, 200, 200)),
        ("get", "/feedback/rate/not-a-token/", {}, expect(404, 404, 404, 404, 404)),
        ("post", "/feedback/rate/not-a-token/", {"c-teamwork": "5"}, expect(404, 404, 404, 404, 404)),
    ],
    "feedback/tasks/<int:invitation_id>/": [
        ("get", "/feedback/tasks/{task}/", {}, expect(LOGIN, 200, 404, 404, 404)),
    ],
    "feedback/surveys/": [("get", "/feedback/surveys/", {}, expect(LOGIN, 403, 200, 200, 403))],
    "feedback/s/<str:token>/": [
        ("get", "/feedback/s/{survey_token}/", {}, expect(200, 200, 200, 200, 200)),
        ("get", "/feedback/s/not-a-token/", {}, expect(404, 404, 404, 404, 404)),
        ("post", "/feedback/s/not-a-token/", {"csat": "5"}, expect(404, 404, 404, 404, 404)),
    ],
    "feedback/qa/": [("get", "/feedback/qa/", {}, everyone(200))],
    # QA reviewers (and administrators) only
    "feedback/qa/new/": [("get", "/feedback/qa/new/", {}, expect(LOGIN, 403, 403, 403, 403))],
    "feedback/qa/<int:review_id>/": [
        ("get", "/feedback/qa/{own_review}/", {}, expect(LOGIN, 200, 200, 200, 200)),
        ("get", "/feedback/qa/{other_review}/", {}, expect(LOGIN, 404, 404, 200, 200)),
    ],
    "feedback/calibration/": [("get", "/feedback/calibration/", {}, everyone(200))],
    "feedback/calibration/new/": [
        ("get", "/feedback/calibration/new/", {}, expect(405, 405, 405, 405, 405)),
        ("post", "/feedback/calibration/new/", {}, expect(LOGIN, 403, 403, 400, 403)),
    ],
    "feedback/calibration/<int:session_id>/": [
        ("get", "/feedback/calibration/{session}/", {}, expect(LOGIN, 404, 404, 200, 200)),
    ],
    "feedback/calibration/<int:session_id>/review/": [
        ("get", "/feedback/calibration/{session}/review/", {}, expect(LOGIN, 404, 404, 404, 404)),
    ],
    "accounts/login/": [("get", "/accounts/login/", {}, expect(200, 302, 302, 302, 302))],
    "accounts/logout/": [
        ("get", "/accounts/logout/", {}, expect(405, 405, 405, 405, 405)),
        ("post", "/accounts/logout/", {}, expect(302, 302, 302, 302, 302)),
    ],
    "i18n/setlang/": [
        ("post", "/i18n/setlang/", {"language": "en", "next": "/"}, expect(302, 302, 302, 302, 302))
    ],
    # The API's own patterns as seen with a session only: a session is not an API credential.
    "api/docs/assets/<str:name>": [
        ("get", "/api/docs/assets/swagger-ui.css", {}, expect(200, 200, 200, 200, 200)),
        ("get", "/api/docs/assets/secret.txt", {}, expect(404, 404, 404, 404, 404)),
    ],
    "api/openapi.json": [("get", "/api/openapi.json", {}, expect(200, 200, 200, 200, 200))],
    "api/docs": [("get", "/api/docs", {}, expect(200, 200, 200, 200, 200))],
    "api/": [("get", "/api/", {}, expect(404, 404, 404, 404, 404))],
    "api/scorecards": [("get", "/api/scorecards", {}, expect(401, 401, 401, 401, 401))],
    "api/scorecards/<agent_id>": [("get", "/api/scorecards/A001", {}, expect(401, 401, 401, 401, 401))],
    "api/indicators": [("get", "/api/indicators", {}, expect(401, 401, 401, 401, 401))],
    "api/scorecards/<agent_id>/indicators/<code>/evidence": [
        (
            "get",
            "/api/scorecards/A001/indicators/first_response/evidence",
            {},
            expect(401, 401, 401, 401, 401),
        )
    ],
    "api/cycles": [("get", "/api/cycles", {}, expect(401, 401, 401, 401, 401))],
    "api/cycles/<period>/<kind>/transition": [
        ("post", "/api/cycles/2026-10/monthly/transition", {}, expect(401, 401, 401, 401, 401))
    ],
    "api/appeals": [
        ("get", "/api/appeals", {}, expect(401, 401, 401, 401, 401)),
        ("post", "/api/appeals", {}, expect(401, 401, 401, 401, 401)),
    ],
    "api/appeals/<appeal_id>": [("get", "/api/appeals/{own_appeal}", {}, expect(401, 401, 401, 401, 401))],
    "api/appeals/<appeal_id>/decide": [
        ("post", "/api/appeals/{own_appeal}/decide", {}, expect(401, 401, 401, 401, 401))
    ],
    # Imports (web/imports): administrators and HR / directors only; unknown uploads and batches 404.
    "imports/": [
        ("get", "/imports/", {}, expect(LOGIN, 403, 403, 200, 403)),
        ("post", "/imports/", {}, expect(LOGIN, 403, 403, 400, 403)),  # no file chosen
    ],
    "imports/uploads/<str:upload_id>/": [
        ("get", f"/imports/uploads/{NO_UPLOAD}/", {}, expect(LOGIN, 403, 403, 404, 403)),
        ("post", f"/imports/uploads/{NO_UPLOAD}/", {}, expect(LOGIN, 403, 403, 404, 403)),
    ],
    "imports/uploads/<str:upload_id>/commit/": [
        ("get", f"/imports/uploads/{NO_UPLOAD}/commit/", {}, expect(LOGIN, 403, 403, 405, 403)),
        ("post", f"/imports/uploads/{NO_UPLOAD}/commit/", {}, expect(LOGIN, 403, 403, 404, 403)),
    ],
    "imports/batches/<str:batch_id>/": [
        ("get", f"/imports/batches/{NO_BATCH}/", {}, expect(LOGIN, 403, 403, 404, 403)),
    ],
    "imports/batches/<str:batch_id>/quarantine.csv": [
        ("get", f"/imports/batches/{NO_BATCH}/quarantine.csv", {}, expect(LOGIN, 403, 403, 404, 403)),
    ],
    "imports/batches/<str:batch_id>/undo/": [
        ("get", f"/imports/batches/{NO_BATCH}/undo/", {}, expect(LOGIN, 403, 403, 405, 403)),
        ("post", f"/imports/batches/{NO_BATCH}/undo/", {}, expect(LOGIN, 403, 403, 404, 403)),
    ],
    "api/imports": [
        ("get", "/api/imports", {}, expect(401, 401, 401, 401, 401)),
        ("post", "/api/imports", {}, expect(401, 401, 401, 401, 401)),
    ],
    "api/imports/<batch_id>": [("get", f"/api/imports/{NO_BATCH}", {}, expect(401, 401, 401, 401, 401))],
    "api/imports/<batch_id>/undo": [
        ("post", f"/api/imports/{NO_BATCH}/undo", {}, expect(401, 401, 401, 401, 401))
    ],
    "api/webhooks/events": [("post", "/api/webhooks/events", {}, expect(401, 401, 401, 401, 401))],
    "api/surveys/links": [("post", "/api/surveys/links", {}, expect(401, 401, 401, 401, 401))],
    "api/surveys/links/<link_id>": [
        ("get", "/api/surveys/links/{survey_link}", {}, expect(401, 401, 401, 401, 401))
    ],
    "admin/": [("get", "/admin/", {}, expect(302, 302, 302, 302, 302))],  # non-staff: the admin sign-in
}


# The API (from /api/openapi.json): (method, path) → [(url, body, expected by role)] ---------------
# "anonymous" calls without a token.

API: dict[tuple[str, str], list[tuple[str, dict | None, dict]]] = {
    ("get", "/api/scorecards"): [
        ("/api/scorecards", None, expect(401, 200, 200, 200, 200)),
        ("/api/scorecards?period=2026-10", None, expect(401, 200, 200, 200, 200)),
        ("/api/scorecards?period=2026-09", None, expect(401, 404, 404, 200, 200)),
        ("/api/scorecards?period=nonsense", None, expect(401, 400, 400, 400, 400)),
    ],
    ("get", "/api/scorecards/{agent_id}"): [
        ("/api/scorecards/A001", None, expect(401, 200, 200, 200, 200)),
        ("/api/scorecards/A002?period=2026-10", None, expect(401, 404, 200, 200, 200)),
        ("/api/scorecards/A004", None, expect(401, 404, 404, 200, 200)),
        ("/api/scorecards/A004?period=2026-09", None, expect(401, 404, 404, 200, 200)),
        ("/api/scorecards/NOPE", None, expect(401, 404, 404, 404, 404)),
    ],
    ("get", "/api/indicators"): [("/api/indicators", None, expect(401, 200, 200, 200, 200))],
    ("get", "/api/scorecards/{agent_id}/indicators/{code}/evidence"): [
        ("/api/scorecards/A001/indicators/first_response/evidence", None, expect(401, 200, 200, 200, 200)),
        (
            "/api/scorecards/A002/indicators/first_response/evidence?period=2026-10",
            None,
            expect(401, 404, 200, 200, 200),
        ),
        ("/api/scorecards/A004/indicators/first_response/evidence", None, expect(401, 404, 404, 200, 200)),
        ("/api/scorecards/A001/indicators/no_such_code/evidence", None, expect(401, 404, 404, 404, 404)),
    ],
    ("get", "/api/cycles"): [("/api/cycles", None, expect(401, 403, 403, 200, 200))],
    ("get", "/api/appeals"): [
        ("/api/appeals", None, expect(401, 200, 200, 200, 200)),
        ("/api/appeals?status=open&period=2026-10", None, expect(401, 200, 200, 200, 200)),
        ("/api/appeals?agent_id=A004", None, expect(401, 200, 200, 200, 200)),  # an empty list if unseen
        ("/api/appeals?period=nonsense", None, expect(401, 400, 400, 400, 400)),
    ],
    ("get", "/api/appeals/{appeal_id}"): [
        ("/api/appeals/{own_appeal}", None, expect(401, 200, 200, 200, 200)),
        ("/api/appeals/{team_appeal}", None, expect(401, 404, 200, 200, 200)),
        ("/api/appeals/{other_appeal}", None, expect(401, 404, 404, 200, 200)),
        ("/api/appeals/999999", None, expect(401, 404, 404, 404, 404)),
    ],
    ("post", "/api/appeals"): [
        (
            "/api/appeals",
            {"period": "2026-10", "indicator": "first_response", "reason": "Two chats were not mine."},
            expect(401, 201, 403, 403, 403),
        ),
        (  # the agent's October CSAT is appealed already ({own_appeal})
            "/api/appeals",
            {"period": "2026-10", "indicator": "csat", "reason": "Again."},
            expect(401, 409, 403, 403, 403),
        ),
        (  # September is only computed: the agent does not see it
            "/api/appeals",
            {"period": "2026-09", "indicator": "csat", "reason": "Not yet visible."},
            expect(401, 404, 403, 403, 403),
        ),
    ],
    ("post", "/api/appeals/{appeal_id}/decide"): [
        (  # roles act in turn: the lead decides, so the director finds it decided
            "/api/appeals/{own_appeal}/decide",
            {"decision": "rejected", "comment": "checked"},
            expect(401, 403, 200, 409, 403),
        ),
        (
            "/api/appeals/{other_appeal}/decide",
            {"decision": "rejected", "comment": "checked"},
            expect(401, 404, 404, 200, 403),
        ),
    ],
    # Imports: the upload is multipart, so this JSON body fails validation (422) once the token is
    # accepted; tests/web/test_imports_api.py checks the roles with real uploads.
    ("post", "/api/imports"): [("/api/imports", None, expect(401, 422, 422, 422, 422))],
    ("get", "/api/imports"): [("/api/imports", None, expect(401, 403, 403, 200, 403))],
    ("get", "/api/imports/{batch_id}"): [(f"/api/imports/{NO_BATCH}", None, expect(401, 403, 403, 404, 403))],
    ("post", "/api/imports/{batch_id}/undo"): [
        (f"/api/imports/{NO_BATCH}/undo", None, expect(401, 403, 403, 404, 403))
    ],
    ("post", "/api/webhooks/events"): [
        ("/api/webhooks/events", WEBHOOK_BODY, expect(401, 403, 403, 200, 403)),
        ("/api/webhooks/events", {"table": "nope", "rows": [{}]}, expect(401, 403, 403, 400, 403)),
    ],
    # Survey links (feedback/api.py): as /feedback/surveys/, administrators, directors and leads (own
    # teams' agents); the store gives I0-A001, I1-A002 (T1) and I2-A004 (T2) their agents.
    ("post", "/api/surveys/links"): [
        ("/api/surveys/links", {"interaction_ids": ["I0-A001"]}, expect(401, 403, 201, 201, 403)),
        ("/api/surveys/links", {"interaction_ids": ["I2-A004"]}, expect(401, 403, 404, 201, 403)),
        (
            "/api/surveys/links",
            {"agent_id": "A004", "interaction_ids": ["X-9"]},
            expect(401, 403, 404, 201, 403),
        ),
        (
            "/api/surveys/links",
            {"agent_id": "A001", "interaction_ids": ["I1-A002"]},
            expect(401, 403, 400, 400, 403),
        ),
        ("/api/surveys/links", {"interaction_ids": ["NOPE"]}, expect(401, 403, 404, 404, 403)),
        ("/api/surveys/links", {"interaction_ids": []}, expect(401, 422, 422, 422, 422)),
    ],
    ("get", "/api/surveys/links/{link_id}"): [
        ("/api/surveys/links/{survey_link}", None, expect(401, 403, 200, 200, 403)),
        ("/api/surveys/links/{other_survey_link}", None, expect(401, 403, 404, 200, 403)),
        ("/api/surveys/links/999999", None, expect(401, 403, 404, 404, 403)),
    ],
    ("post", "/api/cycles/{period}/{kind}/transition"): [
        ("/api/cycles/2026-10/monthly/transition", {"to": "published"}, expect(401, 403, 403, 200, 403)),
        ("/api/cycles/1999-01/monthly/transition", {"to": "published"}, expect(401, 403, 403, 404, 403)),
    ],
}


# The data ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def module_world(
    django_db_setup, django_db_blocker, tmp_path_factory
) -> Iterator[tuple[Path, dict[str, str]]]:
    """The data, built once for the module (175 tests) inside a transaction that is rolled back at
    its end, as Django's ``TestCase.setUpTestData`` does; each test runs in a savepoint of it, so
    what a test writes is undone before the next. Passwords use the tests' fast hasher."""
    root = tmp_path_factory.mktemp("routes")
    init_workspace(root)
    with (
        django_db_blocker.unblock(),
        override_settings(WORKSPACE=root, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield root, build_world(root)
        transaction.set_rollback(True)


@pytest.fixture
def world(module_world, db, settings) -> dict[str, str]:
    """The ids the tables' placeholders stand for (:func:`build_world`), the workspace in force."""
    root, ids = module_world
    settings.WORKSPACE = root
    return ids


def build_world(root: Path) -> dict[str, str]:
    """The organisation of :func:`in_review`; a workspace at ``root`` with first responses of A001,
    A002 and A004 in October, and a short chat transcript of each; the ids of the tables'
    placeholders."""
    in_review()
    rows = [
        dict(interaction_id=f"I{i}-{agent}", channel="chat", agent_id=agent, created_at=T0 + timedelta(hours=i),
             first_response_at=T0 + timedelta(hours=i, seconds=30), abandoned=False)
        for i, agent in enumerate(["A001", "A002", "A004"])
    ]  # fmt: skip
    EventStore(root / "events").write(
        "interactions", pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema)
    )
    turns = [
        dict(interaction_id=r["interaction_id"], seq=n, at=r["created_at"] + timedelta(seconds=n), speaker=who,
             agent_id=r["agent_id"] if who == "agent" else None, text=text)
        for r in rows for n, (who, text) in enumerate([("customer", "你好"), ("agent", "您好，请问有什么可以帮您？")])
    ]  # fmt: skip
    EventStore(root / "events").write(
        "messages", pa.Table.from_pylist(turns, schema=TABLES["messages"].schema)
    )

    def result(agent_id: str, code: str) -> int:
        return IndicatorRecord.objects.get(
            scorecard__agent_id=agent_id,
            scorecard__run__cycle__period="2026-10",
            scorecard__run__superseded=False,
            code=code,
        ).pk

    return {
        "own_appeal": str(file().pk),
        "team_appeal": str(file("agent2", "A002").pk),
        "other_appeal": str(file("agent4", "A004").pk),
        "own_result": str(result("A001", "first_response")),
        "team_result": str(result("A002", "first_response")),
        "other_result": str(result("A004", "first_response")),
        "scheme_version": load_scheme(root / "schemes" / "default.yaml").version_id,
        **route_world(),
        **survey_links(),
    }


def survey_links() -> dict[str, str]:
    """{survey_link}: a link of A001 (route_world's); {other_survey_link}: one of A004 (team T2)."""
    from frontdesk.web.appraisal.models import Agent
    from frontdesk.web.feedback import surveys

    [other] = surveys.issue(Agent.objects.get(pk="A004"), ["I2-A004"])
    own = surveys.SurveyLink.objects.get(agent_id="A001", interaction_id="I-1")
    return {"survey_link": str(own.pk), "other_survey_link": str(other.link.pk)}


def client_for(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        assert client.login(username=LOGINS[role], password=PASSWORD)
    return client


def mismatch(role: str, response, expected: int | str) -> str | None:
    """What is wrong with ``response`` for ``role``, or None."""
    status = response.status_code
    if expected == LOGIN:
        if status != 302 or not response["Location"].startswith(reverse("login") + "?next="):
            return f"{role}: {status} {response.get('Location', '')}, expected the sign-in redirect"
    elif status != expected:
        return f"{role}: {status}, expected {expected}"
    if role == "agent":
        body = b"" if getattr(response, "streaming", False) else response.content
        leaked = [name for name in OTHER_NAMES if name in body.decode("utf-8", errors="replace")]
        if leaked:
            return f"agent: another agent's name in the answer: {leaked}"
    return None


# The walk ------------------------------------------------------------------------------------------


def walk(patterns, prefix: str = "") -> list[str]:
    """Every route of the resolver as the text of its full pattern; the admin's as one entry."""
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":  # the rule: admin.site, staff only; /admin/ stands for it
                found.append(prefix + str(p.pattern))
                continue
            found += walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            found.append(prefix + str(p.pattern))
    return found


def test_every_url_pattern_has_expectations():
    routes = walk(get_resolver().url_patterns)
    # django-ninja adds one pattern per operation: a path with GET and POST is listed twice
    pages = [r for r in routes if not r.startswith("api/")]
    assert len(pages) == len(set(pages)), routes
    unchecked = set(routes) - set(PAGES)
    assert unchecked == set(), f"routes without expectations in PAGES: {sorted(unchecked)}"
    gone = set(PAGES) - set(routes)
    assert gone == set(), f"expectations for routes that no longer exist: {sorted(gone)}"


def test_every_api_route_has_expectations(client):
    document = client.get("/api/openapi.json").json()
    routes = {(method, path) for path, ops in document["paths"].items() for method in ops}
    unchecked = routes - set(API)
    assert unchecked == set(), f"API routes without expectations in API: {sorted(unchecked)}"
    assert set(API) - routes == set(), "expectations for API routes that no longer exist"


PAGE_CASES = [
    pytest.param(method, url, data, expected, id=f"{method}-{url}")
    for cases in PAGES.values()
    for method, url, data, expected in cases
]


@pytest.mark.parametrize(("method", "url", "data", "expected"), PAGE_CASES)
def test_every_page_as_every_role(world, method, url, data, expected):
    url = url.format(**world)
    data = {k: v.format(**world) for k, v in data.items()}
    wrong = []
    for role in ROLES:
        client = client_for(role)
        response = client.post(url, data) if method == "post" else client.get(url)
        wrong.append(mismatch(role, response, expected[role]))
    assert [w for w in wrong if w] == [], f"{method.upper()} {url}"


API_CASES = [
    pytest.param(method, url, body, expected, id=f"{method}-{url}")
    for (method, _), cases in API.items()
    for url, body, expected in cases
]


@pytest.mark.parametrize(("method", "url", "body", "expected"), API_CASES)
def test_every_api_route_as_every_role(world, method, url, body, expected):
    url = url.format(**world)
    wrong = []
    for role in ROLES:
        headers = {}
        if role != "anonymous":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {create_token(user(LOGINS[role]))[1]}"
        client = Client()
        if method == "post":
            response = client.post(
                url, data=json.dumps(body or {}), content_type="application/json", **headers
            )
        else:
            response = client.get(url, **headers)
        wrong.append(mismatch(role, response, expected[role]))
    assert [w for w in wrong if w] == [], f"{method.upper()} {url}"


@pytest.mark.parametrize("role", ROLES)
def test_no_role_of_the_table_opens_any_admin_page(world, role):
    client = client_for(role)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], (role, url)
