"""Imports in a real browser (Debian's chromium through Playwright), on a phone-sized screen: a
director uploads a Freshdesk export, sees the preview with the refused row, imports it, finds the
batch in the list and undoes it; in English and in Chinese; nothing fetched from another origin."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from frontdesk.store.eventstore import EventStore
from frontdesk.web.accounts.models import Role

from .conftest import PASSWORD
from .test_appeals import make_user

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread

pytestmark = [pytest.mark.browser]

DATA = Path(__file__).parents[1] / "data" / "ingest"
WORDS = {
    "en-US": {"upload": "Upload and preview", "import": "Import", "undo": "Undo this batch", "undone": "undone",
              "refused": "refused", "imports": "Imports"},
    "zh-CN": {"upload": "上传并预览", "import": "导入", "undo": "撤销此批次", "undone": "已撤销",
              "refused": "已拒绝", "imports": "数据导入"},
}  # fmt: skip


@pytest.fixture
def workspace(transactional_db, settings, tmp_path) -> Path:
    settings.WORKSPACE = tmp_path
    make_user("importer", Role.DIRECTOR)
    return tmp_path


def interactions(ws: Path) -> set[str]:
    return set(EventStore(ws / "events").read("interactions", ["interaction_id"]).column(0).to_pylist())


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_upload_preview_commit_list_undo(browser, live_server, workspace, locale):
    words = WORDS[locale]
    context = browser.new_context(
        locale=locale, base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else foreign.append(r.url))
    try:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", "importer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_load_state("networkidle")
        page.goto("/imports/")
        assert page.locator("h1").inner_text() == words["imports"]
        page.set_input_files("input[name=file]", str(DATA / "freshdesk_tickets.csv"))
        page.select_option("select[name=preset]", "freshdesk")
        page.fill("input[name=timezone]", "Asia/Shanghai")
        page.get_by_role("button", name=words["upload"]).click()

        # the preview: the file's encoding, its first rows, the mapping and the refused row
        page.wait_for_url("**/imports/uploads/*/")
        assert page.locator("dd.encoding").inner_text() == "utf-8"
        assert page.locator("table.preview-rows tbody tr").count() == 4
        assert "interactions.created_at" in page.locator("ul.mapping").inner_text()
        refused = page.locator("tr.problem", has_text="Resolved time").first
        assert "2026-10-08 09:00:00" in refused.inner_text() and words["refused"] in refused.inner_text()
        assert refused.locator("td").nth(1).inner_text() == "5"  # the row, as a spreadsheet counts it
        assert interactions(workspace) == set()
        # the page fits the phone: nothing wider than the screen but the scrolling tables
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        page.get_by_role("button", name=words["import"], exact=True).click()
        page.wait_for_url("**/imports/batches/*/")
        batch_id = page.locator(".batch-id").inner_text()
        assert interactions(workspace) == {"fd-2001", "fd-2002", "fd-2003"}
        assert page.locator("a.quarantine").count() == 1

        page.goto("/imports/")
        assert page.locator("table.batches", has_text=batch_id).count() == 1

        page.goto(f"/imports/batches/{batch_id}/")
        page.get_by_role("button", name=words["undo"]).click()
        page.wait_for_url(f"**/imports/batches/{batch_id}/")
        assert page.locator(".batch-state").inner_text() == words["undone"]
        assert interactions(workspace) == set()
        assert foreign == []
    finally:
        context.close()
