"""``{% table %}``: the one markup of the pages' tables of rows (appraisal/_table.html): a wrapper
that scrolls sideways when a table cannot stack, a ``stackable`` table (one card per row on a phone,
frontdesk.css), its heading row, and the empty state shown instead of a table without rows.

    {% load tables %}
    {% table "runs" rows=runs %}
      <th scope="col">{% translate "Run" %}</th> …        the heading cells
    {% body %}
      {% for run in runs %}<tr>…</tr>{% endfor %}        the rows
    {% empty %}
      {% translate "Nothing computed yet." %}             shown, in a card, when ``rows`` is empty
    {% endtable %}

The first argument is the table's own class (beside ``stackable``); without ``rows=`` the table is
always shown, and ``{% empty %}`` may be left out.
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()


class TableNode(template.Node):
    def __init__(
        self,
        css: FilterExpression,
        rows: FilterExpression | None,
        head: NodeList,
        body: NodeList,
        empty: NodeList,
    ) -> None:
        self.css, self.rows, self.head, self.body, self.empty = css, rows, head, body, empty

    def render(self, context: template.Context) -> str:
        shown = self.rows is None or bool(self.rows.resolve(context))
        parts = {
            "css": self.css.resolve(context),
            "shown": shown,
            "head": mark_safe(self.head.render(context).strip()) if shown else "",
            "body": mark_safe(self.body.render(context).strip()) if shown else "",
            "empty": "" if shown else mark_safe(self.empty.render(context).strip()),
        }
        return get_template("appraisal/_table.html").render(parts)


@register.tag("table")
def table(parser: Parser, token: Token) -> TableNode:
    bits = token.split_contents()
    if len(bits) not in (2, 3) or (len(bits) == 3 and not bits[2].startswith("rows=")):
        raise template.TemplateSyntaxError(
            'usage: {% table "class" [rows=list] %} … {% body %} … {% endtable %}'
        )
    css = parser.compile_filter(bits[1])
    rows = parser.compile_filter(bits[2].removeprefix("rows=")) if len(bits) == 3 else None
    head = parser.parse(("body",))
    parser.delete_first_token()
    body = parser.parse(("empty", "endtable"))
    empty = NodeList()
    if parser.next_token().contents == "empty":
        empty = parser.parse(("endtable",))
        parser.delete_first_token()
    return TableNode(css, rows, head, body, empty)
