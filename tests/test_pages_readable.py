"""Every page as every role reads it (issue 15): a served demo in Chromium, Chinese and English,
desktop and phone. A page fails on a code where words belong (snake_case names, SQL), Latin words
on a Chinese page outside a short allow-list (product and method names, units), an element cut
inside its container or wider than the screen, a console error, or an error status.

One small demo workspace (20 agents, July–September 2026: three months and the whole quarter) is
built and served once for the module, as a user runs it (``frontdesk demo`` then ``frontdesk
serve``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_frontdesk, served

pytestmark = pytest.mark.browser

PAGES = {
    "director": [
        "/", "/ranking/", "/dashboard/", "/agents/A0001/", "/agents/A0001/?period=2026-Q3",
        "/agents/A0001/evidence/first_response/", "/agents/A0001/evidence/script_compliance/",
        "/agents/A0001/evidence/nps/", "/cycles/", "/cycles/2026-09/monthly/", "/scheme/",
        "/scheme/calibrate/?period=2026-09", "/quality/", "/evaluation/", "/imports/", "/appeals/",
        "/appeals/audit/", "/appeals/statistics/", "/feedback/", "/feedback/campaigns/", "/feedback/surveys/",
        "/feedback/qa/", "/feedback/calibration/",
    ],
    "lead": ["/", "/ranking/", "/dashboard/", "/agents/A0001/", "/quality/", "/appeals/", "/feedback/",
             "/feedback/surveys/", "/feedback/qa/"],
    "agent": ["/", "/agents/A0001/", "/agents/A0001/evidence/first_response/", "/appeals/", "/feedback/", "/scheme/"],
}  # fmt: skip
# Latin words a Chinese reader sees as they are: the product, the language switch, the demo's
# user names, acronyms, file formats, the systems Frontdesk imports from, statisticians' names.
ALLOWED = {
    "Frontdesk", "English", "agent", "lead", "director", "Excel", "Parquet", "Chatwoot", "Freshdesk",
    "ServiceNow", "Zendesk", "Spearman", "Pearson", "Kruskal", "Wallis", "Krippendorff", "Fisher", "Wilson",
}  # fmt: skip
CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[A-Z]+_[A-Z_]+\(|\b(?:median|avg|count|sum|coalesce)\(")
LATIN = re.compile(r"[A-Za-z]{3,}")
WIDE = """() => {
  const W = document.documentElement.clientWidth, bad = [];
  for (const e of document.querySelectorAll('main *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > W + 1) bad.push('beyond the screen: ' + e.tagName + '.' + e.className);
    const s = getComputedStyle(e);
    if (['auto', 'hidden', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1)
      bad.push('cut inside: ' + e.tagName + '.' + e.className);
  }
  return [...new Set(bad)].slice(0, 5);
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    ws: Path = tmp_path_factory.mktemp("readable") / "ws"
    run_frontdesk("demo", "--no-serve", "--workspace", str(ws), "--agents", "20", "--start", "2026-07")
    with served(ws) as url:
        yield url


def problems_of(page, url: str, chinese: bool, errors: list[str]) -> list[str]:
    errors.clear()
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    main = page.locator("main")
    text = main.inner_text() if main.count() else page.locator("body").inner_text()
    found = []
    if response is None or response.status >= 400:
        found.append(f"status {None if response is None else response.status}")
    codes = sorted(set(CODE.findall(text)))
    if codes:
        found.append(f"codes {codes[:10]}")
    if chinese:
        latin = sorted({w for w in LATIN.findall(text) if w not in ALLOWED and not w.isupper()})
        if latin:
            found.append(f"Latin words {latin[:12]}")
    wide = page.evaluate(WIDE)
    if wide:
        found.append(f"layout {wide}")
    if errors:
        found.append(f"console {errors[:3]}")
    return found


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_reads_in_words_and_fits(server, browser, role, locale, viewport):
    context = browser.new_context(locale=locale, base_url=server, viewport=viewport)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto("/accounts/login/")
        page.fill("input[name=username]", role)
        page.fill("input[name=password]", "frontdesk")
        page.click("button[type=submit].primary")
        page.wait_for_load_state("networkidle")
        report = {}
        for url in PAGES[role]:
            found = problems_of(page, url, locale.startswith("zh"), errors)
            if found:
                report[url] = found
        assert report == {}, report
    finally:
        context.close()
