"""The web imports read times without an offset in the workspace's zone when neither the form nor
the mapping names one, and show which zone they used; a too-deep expression is a 400, not a 500."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from frontdesk.store.eventstore import EventStore
from frontdesk.usecases.workspace import init_workspace
from frontdesk.web.accounts.models import Role
from frontdesk.web.api.tokens import create_token

from .test_appeals import make_user

pytestmark = pytest.mark.django_db

CSV = b"Call,Agent,Start\nC1,A1,2026-10-31 23:30\n"
MAPPING = b'[tables.interactions.columns]\n"Call" = "interaction_id"\n"Agent" = "agent_id"\n"Start" = "created_at"\n'


@pytest.fixture
def token(db, settings, tmp_path) -> str:
    init_workspace(tmp_path, timezone="Asia/Shanghai")
    settings.WORKSPACE = tmp_path
    return create_token(make_user("tz-director", Role.DIRECTOR))[1]


def post(token: str, mapping: bytes = MAPPING, **form):
    files = {"file": SimpleUploadedFile("calls.csv", CSV), "mapping": SimpleUploadedFile("m.toml", mapping)}
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}
    return Client().post("/api/imports", {**files, **form}, **auth)


def created(settings) -> list[datetime]:
    return (
        EventStore(Path(settings.WORKSPACE) / "events").read("interactions").column("created_at").to_pylist()
    )


def test_a_mapping_without_timezone_reads_the_workspaces_zone(token, settings):
    r = post(token)
    assert r.status_code == 200, r.content
    doc = r.json()
    assert (doc["timezone"], doc["timezone_source"]) == ("Asia/Shanghai", "workspace")
    assert created(settings) == [datetime(2026, 10, 31, 15, 30, tzinfo=UTC)]

    director = Client(HTTP_ACCEPT_LANGUAGE="en")
    from .conftest import PASSWORD

    assert director.login(username="tz-director", password=PASSWORD)
    page = director.get(f"/imports/batches/{doc['batch_id']}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        '<span title="Asia/Shanghai">China time (UTC+8)</span> (the workspace\'s time zone; the mapping names none)</dd>'
        in html
    )


def test_the_forms_zone_wins(token, settings):
    doc = post(token, timezone="UTC").json()
    assert (doc["timezone"], doc["timezone_source"]) == ("UTC", "option")
    assert created(settings) == [datetime(2026, 10, 31, 23, 30, tzinfo=UTC)]


def test_a_too_deep_expression_is_a_400_naming_the_entry(token):
    deep = MAPPING + b'[tables.interactions.derived]\nis_vip = "' + b"not " * 3000 + b'is_vip"\n'
    r = post(token, deep)
    assert r.status_code == 400
    assert "tables.interactions.derived.is_vip" in r.json()["detail"]
