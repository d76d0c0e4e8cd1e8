"""The import pages (frontdesk/web/imports): who may use them, upload → preview → commit → batch →
quarantine → undo against a real event store in a temporary workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from frontdesk.store.eventstore import EventStore
from frontdesk.web.accounts.models import Role

from .conftest import PASSWORD
from .test_appeals import make_user

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parents[1] / "data" / "ingest"
ROLES = {"admin": Role.ADMIN, "director": Role.DIRECTOR, "lead": Role.LEAD, "qa": Role.QA,
         "agent": Role.AGENT, "auditor": Role.AUDITOR}  # fmt: skip


@pytest.fixture
def workspace(db, settings, tmp_path) -> Path:
    settings.WORKSPACE = tmp_path
    for name, role in ROLES.items():
        make_user(f"imp-{name}", role)
    return tmp_path


def client(role: str | None) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")  # the pages' English words are asserted
    if role:
        assert c.login(username=f"imp-{role}", password=PASSWORD)
    return c


def freshdesk() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "freshdesk tickets.csv", (DATA / "freshdesk_tickets.csv").read_bytes(), "text/csv"
    )


def interactions(ws: Path) -> set[str]:
    return set(EventStore(ws / "events").read("interactions", ["interaction_id"]).column(0).to_pylist())


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("director", 200), ("lead", 403), ("qa", 403), ("agent", 403), ("auditor", 403)],
)
def test_only_administrators_and_directors_open_the_page(workspace, role, status):
    assert client(role).get("/imports/").status_code == status


def test_anonymous_is_sent_to_sign_in(workspace):
    r = client(None).get("/imports/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["lead", "agent", "auditor"])
def test_other_roles_cannot_upload(workspace, role):
    r = client(role).post("/imports/", {"file": freshdesk(), "preset": "freshdesk"})
    assert r.status_code == 403
    assert not (workspace / "imports" / "uploads").exists()


def test_upload_preview_commit_quarantine_undo(workspace):
    c = client("director")
    r = c.post("/imports/", {"file": freshdesk(), "preset": "freshdesk", "timezone": "Asia/Shanghai"})
    assert r.status_code == 302
    preview_url = r["Location"]
    upload_id = preview_url.rstrip("/").split("/")[-1]
    kept = workspace / "imports" / "uploads" / upload_id / "freshdesk_tickets.csv"
    assert kept.read_bytes() == (DATA / "freshdesk_tickets.csv").read_bytes()  # stored in the workspace
    page = c.get(preview_url).content.decode()
    assert "utf-8" in page  # detected encoding
    assert "Initial response time" in page and "interactions.first_response_at" in page  # suggested mapping
    assert "<strong>freshdesk</strong>" in page  # the preset that knows the columns
    assert "Ann Lee" in page  # first rows
    assert "2026-10-08 09:00:00" in page and "not before Created time" in page  # the error row
    assert interactions(workspace) == set()  # a preview writes nothing

    r = c.post(f"/imports/uploads/{upload_id}/commit/")
    assert r.status_code == 302
    batch_id = r["Location"].rstrip("/").split("/")[-1]
    assert interactions(workspace) == {"fd-2001", "fd-2002", "fd-2003"}
    page = c.get(r["Location"]).content.decode()
    assert batch_id in page and "imp-director" in page
    # No roster yet: the agents of both tables are unknown, and the page says once what to do.
    assert page.count("frontdesk roster infer") == 1
    listing = c.get("/imports/").content.decode()
    assert batch_id in listing and "freshdesk_tickets.csv" in listing

    q = c.get(f"/imports/batches/{batch_id}/quarantine.csv")
    assert q.status_code == 200
    body = b"".join(q.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("_file,_row,_problems,Ticket ID")
    assert ",5," in body and "2004" in body

    r = c.post(f"/imports/batches/{batch_id}/undo/")
    assert r.status_code == 302
    assert interactions(workspace) == set()
    assert "undone" in c.get(f"/imports/batches/{batch_id}/").content.decode()


def test_preview_again_with_another_table_and_zone(workspace):
    c = client("admin")
    r = c.post("/imports/", {"file": freshdesk(), "preset": "freshdesk"})
    url = r["Location"]
    page = c.post(
        url, {"preset": "freshdesk", "tables": ["surveys"], "timezone": "Mars/Olympus"}
    ).content.decode()
    assert "unknown time zone" in page
    page = c.post(url, {"preset": "freshdesk", "tables": ["surveys"]}).content.decode()
    assert '<th scope="row" data-label="Table">surveys</th>' in page
    assert '<th scope="row" data-label="Table">interactions</th>' not in page


def test_generic_needs_a_table(workspace):
    c = client("admin")
    f = SimpleUploadedFile("agents.csv", b"agent_id,name\nA1,Ann\n", "text/csv")
    page = c.get(c.post("/imports/", {"file": f, "preset": "generic"})["Location"]).content.decode()
    assert "choose the table" in page
    page = c.post(c.get("/imports/").wsgi_request.path, {}).content.decode()  # the form without a file
    assert "Choose a file to upload." in page


def test_a_gb18030_export_shows_its_encoding(workspace):
    text = "工单编号,客服,渠道,创建时间,满意度\nZ1,A001,电话,2026-10-05 09:00,非常满意\nZ2,A002,微信,2026-10-05 10:00,不满意\n"
    f = SimpleUploadedFile("导出.csv", text.encode("gb18030"), "text/csv")
    c = client("director")
    page = c.get(c.post("/imports/", {"file": f, "preset": "zh-excel"})["Location"]).content.decode()
    assert "gb18030" in page.lower()
    assert "非常满意" in page  # first rows decoded
    assert "<strong>zh-excel</strong>" in page


def test_size_limit_and_file_types(workspace, settings):
    settings.FRONTDESK_IMPORT_MAX_BYTES = 100
    c = client("director")
    r = c.post("/imports/", {"file": freshdesk(), "preset": "freshdesk"})
    assert r.status_code == 400 and "larger than the limit" in r.content.decode()
    r = c.post("/imports/", {"file": SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream")})
    assert r.status_code == 400 and "not a file that can be imported" in r.content.decode()
    assert not any((workspace / "imports" / "uploads").glob("*/*.csv"))


def test_unknown_upload_and_batch_are_404(workspace):
    c = client("director")
    assert c.get("/imports/uploads/" + "0" * 32 + "/").status_code == 404
    assert c.get("/imports/uploads/..%2F..%2Fetc/").status_code == 404
    assert c.get("/imports/batches/20261003T101500123456_3f9a1c/").status_code == 404
    assert c.get("/imports/batches/nonsense/quarantine.csv").status_code == 404
    assert c.post("/imports/batches/20261003T101500123456_3f9a1c/undo/").status_code == 404


@pytest.mark.parametrize(
    ("role", "linked"),
    [
        ("admin", True),
        ("director", True),
        ("lead", False),
        ("qa", False),
        ("agent", False),
        ("auditor", False),
    ],
)
def test_the_header_links_the_imports_only_for_those_who_may_import(workspace, role, linked):
    page = client(role).get("/scheme/").content.decode()
    assert ('href="/imports/"' in page) is linked
