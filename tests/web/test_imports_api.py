"""``/api/imports`` and the webhook ``/api/webhooks/events``: tokens, roles, dry run, commit, the
batch list and report, undo; events landing as batches, with and without a valid token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from frontdesk.store.eventstore import EventStore
from frontdesk.web.accounts.models import Role
from frontdesk.web.api.tokens import create_token

from .test_appeals import make_user

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parents[1] / "data" / "ingest"


@pytest.fixture
def tokens(db, settings, tmp_path) -> dict[str, str]:
    settings.WORKSPACE = tmp_path
    out = {}
    for name, role in {"director": Role.DIRECTOR, "admin": Role.ADMIN, "lead": Role.LEAD, "agent": Role.AGENT,
                       "auditor": Role.AUDITOR}.items():  # fmt: skip
        out[name] = create_token(make_user(f"api-{name}", role))[1]
    return out


def auth(token: str | None) -> dict[str, str]:
    # English: the default language is Chinese, and errors are said in the caller's language
    # (tests/web/test_import_errors_i18n.py covers the Chinese answers).
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"} if token else {}


def store(settings) -> EventStore:
    return EventStore(Path(settings.WORKSPACE) / "events")


def ids(settings, table: str = "interactions") -> set[str]:
    key = {"interactions": "interaction_id", "surveys": "survey_id", "agents": "agent_id"}[table]
    return set(store(settings).read(table, [key]).column(0).to_pylist())


def upload(token: str | None, name: str = "freshdesk_tickets.csv", **form):
    f = SimpleUploadedFile(name, (DATA / name).read_bytes())
    return Client().post("/api/imports", {"file": f, **form}, **auth(token))


def test_dry_run_reports_and_writes_nothing(tokens, settings):
    r = upload(tokens["director"], preset="freshdesk", dry_run="true", timezone="Asia/Shanghai")
    assert r.status_code == 200, r.content
    doc = r.json()
    assert doc["state"] == "dry-run" and doc["timezone"] == "Asia/Shanghai"
    assert doc["tables"]["interactions"]["accepted"] == 3 and doc["refused_rows"] == 1
    bad = [p for p in doc["problems"] if p["action"] == "refused"]
    assert {(p["file"], p["row"], p["column"]) for p in bad} == {
        ("freshdesk_tickets.csv", 5, "Resolved time")
    }
    assert ids(settings) == set()


def test_commit_list_detail_undo(tokens, settings):
    r = upload(tokens["director"], preset="freshdesk", table="interactions")
    assert r.status_code == 200, r.content
    batch = r.json()["batch_id"]
    assert r.json()["state"] == "committed" and list(r.json()["tables"]) == ["interactions"]
    assert ids(settings) == {"fd-2001", "fd-2002", "fd-2003"}
    listed = Client().get("/api/imports", **auth(tokens["admin"])).json()
    assert [b["batch_id"] for b in listed] == [batch] and listed[0]["by"] == "api-director"
    one = Client().get(f"/api/imports/{batch}", **auth(tokens["admin"])).json()
    assert one["state"] == "committed" and one["quarantine"] is True
    assert one["report"]["tables"]["interactions"]["added"] == 3
    again = upload(tokens["director"], preset="freshdesk", table="interactions").json()
    assert again["state"] == "already-imported" and again["duplicate_of"] == batch
    r = Client().post(f"/api/imports/{batch}/undo", **auth(tokens["director"]))
    assert r.status_code == 200 and r.json() == {"batch_id": batch, "state": "undone"}
    assert ids(settings) == set()
    assert Client().post(f"/api/imports/{batch}/undo", **auth(tokens["director"])).status_code == 409


def test_vendor_exports_through_the_api(tokens, settings):
    r = upload(tokens["admin"], "zendesk_tickets.json", preset="zendesk")
    assert r.status_code == 200, r.content
    assert ids(settings) == {"zd-101", "zd-102", "zd-103", "zd-104"}  # no metrics: nothing impossible
    assert ids(settings, "surveys") == {"zd-csat-101", "zd-csat-102"}  # the ratings embedded in tickets


def test_a_mapping_file_instead_of_a_preset(tokens, settings):
    mapping = SimpleUploadedFile(
        "m.toml",
        b'name = "roster"\n[tables.agents.columns]\n"Code" = "agent_id"\n"Name" = "name"\n',
    )
    f = SimpleUploadedFile("roster.csv", "Code,Name\nA1,Ann\nA2,王伟\n".encode())
    r = Client().post("/api/imports", {"file": f, "mapping": mapping}, **auth(tokens["director"]))
    assert r.status_code == 200, r.content
    assert ids(settings, "agents") == {"A1", "A2"}


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"preset": "nope"}, "unknown preset 'nope'"),
        ({"preset": "generic"}, "choose the table"),
        ({"preset": "freshdesk", "table": "nope"}, "unknown table 'nope'"),
        ({}, "choose a preset or upload a mapping file"),
    ],
)
def test_bad_requests_are_400_with_a_reason(tokens, form, message):
    r = upload(tokens["director"], **form)
    assert r.status_code == 400 and message in r.json()["detail"]


def test_a_file_missing_a_needed_column_names_it(tokens):
    f = SimpleUploadedFile("x.csv", b"Ticket ID,Subject,Agent\n1,hello,Ann\n")
    r = Client().post("/api/imports", {"file": f, "preset": "freshdesk"}, **auth(tokens["director"]))
    assert r.status_code == 400
    assert r.json()["detail"].startswith("x.csv, row 1: no column 'Created time' in the file")


def test_too_large_is_413(tokens, settings):
    settings.FRONTDESK_IMPORT_MAX_BYTES = 64
    assert upload(tokens["director"], preset="freshdesk").status_code == 413


@pytest.mark.parametrize("role", ["lead", "agent", "auditor"])
def test_other_roles_are_refused(tokens, role, settings):
    assert upload(tokens[role], preset="freshdesk").status_code == 403
    assert Client().get("/api/imports", **auth(tokens[role])).status_code == 403
    assert (
        Client().post("/api/imports/20261003T101500123456_3f9a1c/undo", **auth(tokens[role])).status_code
        == 403
    )
    assert ids(settings) == set()


def test_without_a_token_401(tokens):
    assert upload(None, preset="freshdesk").status_code == 401
    assert Client().get("/api/imports").status_code == 401


def test_unknown_batches_are_404(tokens):
    for bad in ("20261003T101500123456_3f9a1c", "nonsense", "..%2F..%2Fsecret"):
        assert Client().get(f"/api/imports/{bad}", **auth(tokens["director"])).status_code == 404


# -- the webhook ---------------------------------------------------------------------------------
def post_events(body, token: str | None):
    return Client().post(
        "/api/webhooks/events", json.dumps(body), content_type="application/json", **auth(token)
    )


ROWS = {
    "table": "interactions",
    "rows": [
        {"interaction_id": "W1", "agent_id": "A001", "channel": "chat", "created_at": "2026-10-05T09:00:00+08:00",
         "first_response_at": "2026-10-05T09:00:40+08:00"},
        {"interaction_id": "W2", "agent_id": "A002", "channel": "phone", "created_at": "2026-10-05T10:00:00Z"},
    ],
}  # fmt: skip


def test_webhook_rows_land_as_one_batch(tokens, settings):
    r = post_events(ROWS, tokens["director"])
    assert r.status_code == 200, r.content
    doc = r.json()
    assert doc["state"] == "committed" and doc["tables"]["interactions"]["added"] == 2
    rows = {x["interaction_id"]: x for x in store(settings).read("interactions").to_pylist()}
    assert rows["W1"]["created_at"].isoformat() == "2026-10-05T01:00:00+00:00"
    assert [b["batch_id"] for b in Client().get("/api/imports", **auth(tokens["admin"])).json()] == [
        doc["batch_id"]
    ]
    again = post_events(ROWS, tokens["director"]).json()
    assert again["state"] == "already-imported"  # the same delivery twice adds nothing


def test_webhook_refused_rows_are_reported_and_the_rest_lands(tokens, settings):
    body = {
        "table": "interactions",
        "rows": [*ROWS["rows"], {"interaction_id": "W3", "created_at": "yesterday"}],
    }
    doc = post_events(body, tokens["director"]).json()
    assert doc["refused_rows"] == 1
    assert (doc["problems"][0]["row"], doc["problems"][0]["column"]) == (3, "created_at")
    assert ids(settings) == {"W1", "W2"}


def test_webhook_vendor_event(tokens, settings):
    ticket = json.loads((DATA / "zendesk_tickets.json").read_text("utf-8"))["tickets"][0]
    r = post_events({"preset": "zendesk", "event": ticket}, tokens["admin"])
    assert r.status_code == 200, r.content
    assert ids(settings) == {"zd-101"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"table": "nope", "rows": [{}]}, "table: one of"),
        ({"table": "interactions", "rows": []}, "rows: a non-empty list"),
        (
            {"table": "interactions", "rows": [{"interaction_id": "x", "salary": 1}]},
            "'salary' is not a column",
        ),
        ({"preset": "nope", "events": [{}]}, "preset: one of"),
        ({"preset": "zendesk", "events": [{"hello": 1}]}, "row 1, column 'id': a ticket without an id"),
    ],
)
def test_webhook_bad_bodies_are_400(tokens, body, message):
    r = post_events(body, tokens["director"])
    assert r.status_code == 400 and message in r.json()["detail"]


def test_webhook_token_checks(tokens, settings):
    assert post_events(ROWS, None).status_code == 401
    assert post_events(ROWS, "fd_not-a-token").status_code == 401
    assert post_events(ROWS, tokens["agent"]).status_code == 403
    assert post_events(ROWS, tokens["lead"]).status_code == 403
    assert ids(settings) == set()
