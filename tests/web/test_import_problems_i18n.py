"""Import problems in the reader's language: the preview and batch pages and ``/api/imports`` say
what was expected in Chinese to a zh-Hans reader and in English to an English one, naming the row
and the column either way; the report files (and the command line) stay English."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from frontdesk.web.api.tokens import create_token
from frontdesk.web.imports.problems import expected_text, message

from .conftest import PASSWORD
from .test_appeals import user
from .test_imports import workspace  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

CSV = (
    "interaction_id,agent_id,channel,created_at,first_response_at,handle_seconds\n"
    "I1,A001,chat,2026-10-05 09:00,2026-10-05 09:01,60\n"
    "I2,A001,chat,明天上午,2026-10-05 09:01,60\n"  # row 3: not a time
    "I3,A001,chat,2026-10-05 10:00,2026-10-05 09:59,60\n"  # row 4: first response before creation
    "I4,A001,fax,2026-10-05 11:00,,60\n"  # row 5: unknown channel
    "I5,A001,chat,2026-10-05 11:00,,-5\n"  # row 6: negative duration
)


def upload_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("calls.csv", CSV.encode("utf-8"), "text/csv")


def client(language: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert c.login(username="imp-director", password=PASSWORD)
    return c


def problem_rows(html: str) -> list[list[str]]:
    """The cells of each row of the problems table, as text."""
    rows = re.findall(r'<tr class="problem"[^>]*>(.*?)</tr>', html, re.S)
    return [
        [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
        for r in rows
    ]


def preview(language: str) -> tuple[Client, str, list[list[str]]]:
    c = client(language)
    r = c.post("/imports/", {"file": upload_file(), "preset": "generic", "tables": "interactions"})
    assert r.status_code == 302, r.content
    return c, r["Location"], problem_rows(c.get(r["Location"]).content.decode())


def test_the_preview_in_chinese_says_what_was_expected_in_chinese(workspace):  # noqa: F811
    _, _, rows = preview("zh-hans")
    by_row = {(r[1], r[2]): r for r in rows}
    # file, row, column, value, expected, action
    assert by_row[("3", "created_at")][3:] == [
        "明天上午",
        "日期和时间（2026-10-03 14:30、3/10/2026 14:30、2026/10/3、2026年10月3日）",
        "已拒绝",
    ]
    assert by_row[("4", "first_response_at")][4] == "不早于 created_at（created_at）"
    assert by_row[("5", "channel")][4].startswith("以下之一：phone, chat, email")
    assert by_row[("6", "handle_seconds")][4] == "不为负数"


def test_the_preview_in_english_says_it_in_english(workspace):  # noqa: F811
    _, _, rows = preview("en")
    by_row = {(r[1], r[2]): r for r in rows}
    assert by_row[("3", "created_at")][4].startswith("a date and time (2026-10-03 14:30")
    assert by_row[("3", "created_at")][5] == "refused"
    assert by_row[("4", "first_response_at")][4] == "not before created_at (created_at)"
    assert by_row[("6", "handle_seconds")][4] == "not negative"


def test_the_batch_page_in_chinese_and_the_report_file_in_english(workspace):  # noqa: F811
    c, url, _ = preview("zh-hans")
    r = c.post(url.rstrip("/") + "/commit/")
    assert r.status_code == 302
    batch_url = r["Location"]
    rows = problem_rows(c.get(batch_url).content.decode())
    by_row = {(r[1], r[2]): r for r in rows}
    assert by_row[("3", "created_at")][4].startswith("日期和时间")
    batch_id = batch_url.rstrip("/").split("/")[-1]
    text = (Path(workspace) / "imports" / batch_id / "report.txt").read_text("utf-8")
    assert "row 3, column 'created_at': '明天上午': a date and time" in text
    assert "日期和时间" not in text


def test_the_api_answers_in_the_callers_language(workspace):  # noqa: F811
    token = create_token(user("imp-director"))[1]

    def post(language: str) -> list[dict]:
        r = Client().post(
            "/api/imports",
            {"file": upload_file(), "preset": "generic", "table": "interactions", "dry_run": "true"},
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert r.status_code == 200, r.content
        return r.json()["problems"]

    zh = {(p["row"], p["column"]): p for p in post("zh-hans")}
    en = {(p["row"], p["column"]): p for p in post("en")}
    assert zh[(3, "created_at")]["message"] == (
        "calls.csv，第 3 行，“created_at”列：“明天上午”；应为：日期和时间（2026-10-03 14:30、3/10/2026 14:30、"
        "2026/10/3、2026年10月3日）［已拒绝］"
    )
    assert en[(3, "created_at")]["message"].startswith(
        "calls.csv, row 3, column “created_at”: “明天上午”: expected a date and time ("
    )
    # the stable parts are the same in both languages
    for key in ((3, "created_at"), (4, "first_response_at"), (5, "channel")):
        assert {k: zh[key][k] for k in ("code", "params", "expected")} == {
            k: en[key][k] for k in ("code", "params", "expected")
        }
    assert (zh[(4, "first_response_at")]["code"], zh[(4, "first_response_at")]["params"]) == (
        "time_order",
        {"earlier_column": "created_at", "earlier": "created_at"},
    )


def test_every_code_of_the_ingest_package_has_a_chinese_message():
    from frontdesk.ingest.errors import CODES

    samples = {
        "type": {"kind": "duration"}, "enum": {"allowed": "a, b"}, "required": {"table": "t", "field": "f"},
        "time_order": {"earlier_column": "Opened", "earlier": "created_at"}, "negative": {}, "above_scale": {},
        "cell_count": {"expected": "5", "found": "6"}, "extra_cells": {"width": "5"}, "duplicate": {"later_row": "9"},
        "future": {"latest": "2026-10-06 12:00 UTC"},
    }  # fmt: skip
    with translation.override("zh-hans"):
        for code in CODES:
            if code == "row":  # the reader's own words, shown as they are
                continue
            p = {"code": code, "params": samples[code], "expected": "ENGLISH", "file": "f.csv", "row": 2,
                 "column": "c", "value": "v", "action": "refused"}  # fmt: skip
            text = expected_text(p)
            assert text != "ENGLISH" and re.search(r"[\u4e00-\u9fff]", text), (code, text)
            assert "第 2 行" in message(p)
    json.dumps(samples)  # the parameters are plain JSON, as in report.json
