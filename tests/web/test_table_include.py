"""One markup for the pages' tables of rows (``{% table %}``, appraisal/templatetags/tables.py and
appraisal/_table.html): the sideways-scrolling wrapper, the stackable table with its heading row,
and the empty state in place of a table without rows; the pages that list rows use it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

import frontdesk.web

WEB = Path(frontdesk.web.__file__).parent
USERS = [
    "appraisal/templates/appraisal/scorecard.html",
    "appraisal/templates/appraisal/cycle_detail.html",
    "insights/templates/insights/transcript.html",
    "appeals/templates/appeals/appeal_list.html",
    "imports/templates/imports/home.html",
]

TEMPLATE = (
    '{% load tables %}{% table "runs" rows=runs %}<th scope="col">Run</th>{% body %}'
    "{% for r in runs %}<tr><td>{{ r }}</td></tr>{% empty %}<tr><td>never</td></tr>{% endfor %}"
    "{% empty %}Nothing computed {{ when }}.{% endtable %}"
)


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_rows_make_a_wrapped_stackable_table_with_its_heading():
    html = squeeze(Template(TEMPLATE).render(Context({"runs": ["#1", "<#2>"], "when": "yet"})))
    assert html == (
        '<div class="table-wrap card"><table class="runs stackable"><thead><tr><th scope="col">Run</th>'
        "</tr></thead><tbody><tr><td>#1</td></tr><tr><td>&lt;#2&gt;</td></tr></tbody></table></div>"
    )


def test_no_rows_make_the_empty_state_instead_of_a_table():
    html = squeeze(Template(TEMPLATE).render(Context({"runs": [], "when": "<yet>"})))
    assert html == '<p class="card empty">Nothing computed &lt;yet&gt;.</p>'


def test_without_rows_argument_the_table_is_always_shown():
    template = Template('{% load tables %}{% table "plan" %}<th>Goal</th>{% body %}{% endtable %}')
    assert squeeze(template.render(Context())).startswith(
        '<div class="table-wrap card"><table class="plan stackable">'
    )


def test_a_malformed_tag_is_a_template_error():
    with pytest.raises(TemplateSyntaxError, match="usage"):
        Template('{% load tables %}{% table "plan" runs %}{% body %}{% endtable %}')


@pytest.mark.parametrize("path", USERS)
def test_the_pages_use_the_one_markup(path):
    source = (WEB / path).read_text(encoding="utf-8")
    assert "{% table " in source
    assert '<div class="table-wrap card">' not in source, f"{path} repeats the table markup"
