"""Pages in Chinese and English, and a translation catalogue that is complete and compiled."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

import frontdesk.web
from frontdesk.web.appraisal.templatetags.scorecard_format import number

from .conftest import PASSWORD

WEB_DIR = Path(frontdesk.web.__file__).parent
PO = WEB_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# Every catalogue of the web application: the main one, and each app that keeps its own.
CATALOGUES = [
    PO,
    WEB_DIR / "appeals" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    WEB_DIR / "feedback" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    WEB_DIR / "imports" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
]


# The catalogue ---------------------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list), flags."""
    entries, entry, key = [], None, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line or line.startswith("#~"):
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if isinstance(key, int):
                entry["msgstr"][key] += ast.literal_eval(line)
            else:
                entry[key] += ast.literal_eval(line)
        else:
            word, _, rest = line.partition(" ")
            if m := re.fullmatch(r"msgstr\[(\d+)\]", word):
                key = int(m.group(1))
                entry["msgstr"][key] = ast.literal_eval(rest)
            elif word == "msgstr":
                key = 0
                entry["msgstr"][0] = ast.literal_eval(rest)
            else:
                key = word
                entry[key] = ast.literal_eval(rest)
    return entries


def catalogue_of(entries: list[dict]) -> dict:
    """What a compiled .mo holds for these entries, keyed the way ``GNUTranslations`` keys it."""
    out = {}
    for e in entries:
        msgid = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            for n, text in e["msgstr"].items():
                out[(msgid, n)] = text
        else:
            out[msgid] = e["msgstr"][0]
    return out


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_message_has_a_chinese_translation(po):
    entries = [e for e in read_po(po) if e["msgid"]]
    assert len(entries) > 50
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_compiled_catalogue_matches_the_po_file(po):
    with po.with_suffix(".mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    assert compiled == catalogue_of(read_po(po)), "run: cd frontdesk/web && django-admin compilemessages"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (apt-get install gettext)")
def test_po_file_holds_every_message_of_the_sources(tmp_path, settings):
    copy = tmp_path / "web"
    shutil.copytree(WEB_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    settings.LOCALE_PATHS = [copy / "locale"]
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(copy)
        call_command("makemessages", locale=["zh_Hans"], no_location=True, verbosity=0)
    for po in CATALOGUES:
        regenerated = copy / po.relative_to(WEB_DIR)
        fresh = {(e.get("msgctxt"), e["msgid"]) for e in read_po(regenerated)}
        committed = {(e.get("msgctxt"), e["msgid"]) for e in read_po(po)}
        assert fresh - committed == set(), (
            f"new messages for {po}: run makemessages -l zh_Hans, translate them"
        )
        assert committed - fresh == set(), f"messages no source uses any more in {po}: run makemessages"


# The pages -------------------------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The text a reader sees (and hears: aria-label), without scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k == "aria-label" and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: bytes) -> str:
    parser = VisibleText()
    parser.feed(html.decode())
    return " ".join(parser.parts)


def english_words(text: str) -> set[str]:
    # What may stay as it is on a Chinese page: the product, the language switch, user names, and
    # acronyms Chinese readers use as they are (NPS, CSAT, QA).
    allowed = {"Frontdesk", "English", "agent", "lead", "director"}
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in allowed and not w.isupper()}


@pytest.fixture
def director(client, appraisal):
    assert client.login(username="director", password=PASSWORD)
    return client


PAGES = [
    "/agents/A001/?period=2026-10",
    "/agents/A002/?period=2026-10",
    "/ranking/?period=2026-10",
    "/ranking/?team=T1",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_in_chinese_by_default_with_no_english_left(director, url):
    response = director.get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert english_words(visible_text(response.content)) == set()


def test_pages_follow_a_chinese_browser(director):
    response = director.get("/agents/A001/?period=2026-10", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    text = visible_text(response.content)
    for words in [
        "绩效记分卡",
        "总分",
        "组内排名",
        "首次响应时间",
        "现场满意度",
        "李娜",
        "电话一组",
        "退出登录",
    ]:
        assert words in text


def test_pages_follow_an_english_browser(director):
    response = director.get("/agents/A001/?period=2026-10", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "en"
    text = visible_text(response.content)
    for words in [
        "Scorecard",
        "Total",
        "Rank in team",
        "First response time",
        "Li Na",
        "Phone team 1",
        "Sign out",
    ]:
        assert words in text
    assert "总分" not in text


def test_the_language_switch_sets_the_language_for_the_next_pages(director):
    response = director.post("/i18n/setlang/", {"language": "en", "next": "/ranking/"})
    assert response.status_code == 302 and response["Location"] == "/ranking/"
    assert "Ranking" in visible_text(director.get("/ranking/").content)
    director.post("/i18n/setlang/", {"language": "zh-hans", "next": "/ranking/"})
    assert "排名" in visible_text(director.get("/ranking/").content)


def test_the_scorecard_shows_values_with_units_and_missing_values_as_not_available(director, appraisal):
    a1 = appraisal.card("2026-10", "A001").indicators
    zh = visible_text(director.get("/agents/A001/?period=2026-10").content)
    assert f"{number(a1['first_response'].value)} 秒" in zh
    assert f"{number(a1['first_contact_resolution'].value)}%" in zh
    # Each value says which statistic it is (the catalogue's, unless the scheme chose another).
    assert a1["first_response"].statistic == "median" and a1["first_contact_resolution"].statistic is None
    assert "首次响应时间 中位数" in zh and "4–5 分（满分 5）占比" in zh
    en = visible_text(director.get("/agents/A001/?period=2026-10", HTTP_ACCEPT_LANGUAGE="en").content)
    assert "First response time median" in en and "share rating 4–5 of 5" in en
    assert appraisal.card("2026-10", "A002").indicators["nps"].value is None
    zh = visible_text(director.get("/agents/A002/?period=2026-10").content)
    en = visible_text(director.get("/agents/A002/?period=2026-10", HTTP_ACCEPT_LANGUAGE="en").content)
    assert "暂无数据" in zh
    assert "not available" in en


def test_the_login_page_is_translated(client, appraisal):
    zh = visible_text(client.get("/accounts/login/").content)
    en = visible_text(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content)
    assert "登录" in zh and "用户名" in zh and "密码" in zh
    assert "Sign in" in en and "Password" in en
    assert english_words(zh) == set()


def test_an_unknown_indicator_shows_its_code(director, appraisal):
    from frontdesk.web.appraisal.models import IndicatorRecord

    IndicatorRecord.objects.filter(code="csat").update(code="brand_new_kpi")  # in no catalogue
    text = visible_text(director.get("/agents/A001/?period=2026-10").content)
    assert "brand_new_kpi" in text


def test_the_server_error_page_is_translated():
    from django.template.loader import render_to_string

    with translation.override("zh-hans"):
        assert "出错了" in render_to_string("500.html")
    with translation.override("en"):
        assert "Something went wrong" in render_to_string("500.html")


def test_a_real_workspace_never_shows_demo_accounts_on_the_sign_in_page(client, settings, tmp_path):
    from frontdesk.usecases.workspace import init_workspace

    settings.WORKSPACE = init_workspace(tmp_path / "real").root
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "演示账号" not in page and "Demo accounts" not in page
