"""The webhook keeps a copy of each delivery under ``imports/webhooks/``: that copy, like the store,
holds no phone numbers, ID-card numbers, bank cards or e-mail addresses (``policy.personal_data``
of the delivery's preset, ``mask`` by default), and a repeated delivery is still recognised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_imports_api import DATA, auth, post_events, store, tokens  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
ID_CARD = "11010519491231002X"
EMAIL = "li.na@example.com"

BODY = {
    "table": "surveys",
    "rows": [
        {"survey_id": "WS1", "interaction_id": "W1", "agent_id": "A001", "kind": "csat", "score": 5,
         "scale_max": 5, "comment": f"很满意，回电{PHONE}", "submitted_at": "2026-10-05T09:00:00Z"},
        {"survey_id": "WS2", "interaction_id": "W2", "agent_id": "A002", "kind": "csat", "score": 1,
         "scale_max": 5, "comment": f"Email me at {EMAIL}, ID {ID_CARD}", "submitted_at": "2026-10-05T10:00:00Z"},
        # refused (score above the scale): its copy in the quarantine file is masked too
        {"survey_id": "WS3", "interaction_id": "W3", "agent_id": "A002", "kind": "csat", "score": 9,
         "scale_max": 5, "comment": f"call {PHONE}", "submitted_at": "2026-10-05T11:00:00Z"},
    ],
}  # fmt: skip


def kept_files(settings) -> list[Path]:
    root = Path(settings.WORKSPACE) / "imports"
    return [p for p in root.rglob("*") if p.is_file()]


def test_the_kept_delivery_and_everything_beside_it_are_masked(tokens, settings):  # noqa: F811
    r = post_events(BODY, tokens["director"])
    assert r.status_code == 200, r.content
    doc = r.json()
    assert doc["tables"]["surveys"]["added"] == 2 and doc["refused_rows"] == 1
    comments = {x["survey_id"]: x["comment"] for x in store(settings).read("surveys").to_pylist()}
    assert comments == {"WS1": "很满意，回电[PHONE]", "WS2": "Email me at [EMAIL], ID [ID]"}
    (copy,) = (Path(settings.WORKSPACE) / "imports" / "webhooks").glob("generic-*.json")
    kept = json.loads(copy.read_text("utf-8"))
    assert [row["comment"] for row in kept["rows"]] == [
        "很满意，回电[PHONE]",
        "Email me at [EMAIL], ID [ID]",
        "call [PHONE]",
    ]
    assert kept["rows"][0]["survey_id"] == "WS1" and kept["rows"][0]["score"] == 5  # the rest as sent
    for path in kept_files(settings):
        text = path.read_text("utf-8-sig")
        for secret in (PHONE, ID_CARD, EMAIL):
            assert secret not in text, path
    # the same delivery again is recognised by the bytes it was sent with, though the copy is masked
    assert post_events(BODY, tokens["director"]).json()["state"] == "already-imported"


def test_a_vendor_delivery_keeps_no_prepared_copy_with_personal_data(tokens, settings):  # noqa: F811
    ticket = json.loads((DATA / "zendesk_tickets.json").read_text("utf-8"))["tickets"][0]
    ticket = {**ticket, "subject": f"请联系 {EMAIL}", "description": f"phone {PHONE}"}
    r = post_events({"preset": "zendesk", "event": ticket}, tokens["admin"])
    assert r.status_code == 200, r.content
    assert r.json()["tables"]["interactions"]["added"] == 1
    for path in kept_files(settings):
        text = path.read_text("utf-8-sig")
        assert EMAIL not in text and PHONE not in text, path
    (copy,) = (Path(settings.WORKSPACE) / "imports" / "webhooks").glob("zendesk-*.json")
    kept = json.loads(copy.read_text("utf-8"))["tickets"][0]
    assert (kept["subject"], kept["description"], kept["id"]) == (
        "请联系 [EMAIL]",
        "phone [PHONE]",
        ticket["id"],
    )
