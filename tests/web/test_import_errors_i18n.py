"""Errors that stop an import entirely, in the reader's language: a file missing a required column
is named in Chinese on the zh-Hans preview page and in a zh-Hans ``/api/imports`` answer, in English
otherwise; the command line's English text is unchanged. Every whole-file error code of the ingest
package has a Chinese message."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from frontdesk.ingest import IngestError
from frontdesk.ingest.errors import ERROR_CODES
from frontdesk.web.api.tokens import create_token
from frontdesk.web.imports.problems import error_message

from .conftest import PASSWORD
from .test_appeals import user
from .test_imports import workspace  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

NO_CREATED_AT = "interaction_id,agent_id,channel\nI1,A001,chat\n"
ENGLISH = "calls.csv, row 1: no column 'created_at' in the file (needed for interactions.created_at)"
CHINESE = "calls.csv，第 1 行：文件中没有 “created_at” 列（interactions.created_at 需要此列）"


def upload_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("calls.csv", NO_CREATED_AT.encode("utf-8"), "text/csv")


def page_error(language: str) -> str:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert c.login(username="imp-director", password=PASSWORD)
    r = c.post("/imports/", {"file": upload_file(), "preset": "generic", "tables": "interactions"})
    assert r.status_code == 302, r.content
    html = c.get(r["Location"]).content.decode()
    (alert,) = re.findall(r'<p class="error import-error" role="alert">(.*?)</p>', html, re.S)
    return unescape(re.sub(r"\s+", " ", alert)).strip()


def test_the_preview_names_the_missing_column_in_chinese(workspace):  # noqa: F811
    alert = page_error("zh-hans")
    assert alert.endswith(CHINESE), alert
    assert "no column" not in alert


def test_the_preview_in_english_is_unchanged(workspace):  # noqa: F811
    assert page_error("en").endswith(ENGLISH)


def test_the_api_answers_in_the_callers_language(workspace):  # noqa: F811
    token = create_token(user("imp-director"))[1]

    def post(language: str) -> tuple[int, dict]:
        r = Client().post(
            "/api/imports",
            {"file": upload_file(), "preset": "generic", "table": "interactions", "dry_run": "true"},
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        return r.status_code, r.json()

    status, zh = post("zh-hans")
    assert status == 400 and zh["detail"] == CHINESE
    status, en = post("en")
    assert status == 400 and en["detail"] == ENGLISH  # the command line's words


def test_the_command_lines_english_text_is_unchanged():
    e = IngestError(
        "no column 'created_at' in the file (needed for interactions.created_at)",
        file="calls.csv",
        row=1,
        code="missing_column",
        params={"columns": ["created_at"], "field": "interactions.created_at"},
    )
    assert str(e) == ENGLISH
    with translation.override("zh-hans"):
        assert error_message(e) == CHINESE
    # an error without a code keeps its English reason, with the place said in the reader's language
    with translation.override("zh-hans"):
        assert (
            error_message(IngestError("something odd", file="x.csv", row=4))
            == "x.csv，第 4 行：something odd"
        )


SAMPLES = {
    "missing_column": {"columns": ["Opened", "created"], "field": "interactions.created_at"},
    "missing_source_column": {"column": "x"},
    "unknown_encoding": {"encoding": "klingon"},
    "unknown_format": {"format": "doc", "known": "csv, xlsx"},
    "format_from_name": {"extensions": ".csv, .xlsx"},
    "unreadable": {"detail": "bad"},
    "zip_members": {"count": 2},
    "unknown_preset": {"preset": "p", "presets": "generic"},
    "unknown_table": {"table": "t", "tables": "interactions"},
    "no_table": {"mapping": "m.toml"},
    "mapping_no_table": {"mapping": "m.toml", "table": "t", "known": "surveys"},
    "bad_mapping": {"key": "tables.x", "detail": "bad"},
    "bad_toml": {"detail": "bad"},
    "unknown_timezone": {"timezone": "Mars/Olympus"},
}


@pytest.mark.parametrize("code", list(ERROR_CODES))
def test_every_whole_file_error_code_has_a_chinese_message(code):
    params = SAMPLES.get(code, {})
    assert set(params) == set(ERROR_CODES[code])
    e = IngestError("ENGLISH", file="f.csv", row=1, code=code, params=params)
    with translation.override("zh-hans"):
        text = error_message(e)
    assert "ENGLISH" not in text and re.search(r"[\u4e00-\u9fff]", text.split("：", 1)[1]), (code, text)
    with translation.override("en"):
        assert error_message(e) == "f.csv, row 1: ENGLISH"  # English: the error's own text
