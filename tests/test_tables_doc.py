"""docs/canonical-tables.md lists every canonical table and field exactly as
``frontdesk/store/tables.py`` declares them (what a mapping may fill): a field added to the code
and not to the page fails here. ``FRONTDESK_UPDATE_DOCS=1 .venv/bin/pytest tests/test_tables_doc.py``
rewrites the generated part of the page."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa

from frontdesk.store.tables import TABLES, UTC_TS

DOC = Path(__file__).resolve().parent.parent / "docs" / "canonical-tables.md"
BEGIN, END = "<!-- generated: tests/test_tables_doc.py -->", "<!-- /generated -->"


def _type(t: pa.DataType) -> str:
    if t == UTC_TS:
        return "instant (UTC)"
    return {
        pa.string(): "text",
        pa.int64(): "integer",
        pa.float64(): "number",
        pa.bool_(): "true/false",
        pa.date32(): "date",
    }.get(t, str(t))


def render() -> str:
    out = []
    for name, table in TABLES.items():
        part = (
            f"partitioned by month of `{table.partition_time}`" if table.partition_time else "not partitioned"
        )
        out += [f"### `{name}`", "", f"Key: `{'`, `'.join(table.key)}`; {part}.", ""]
        out += ["| field | type | required |", "|---|---|---|"]
        out += [f"| `{f.name}` | {_type(f.type)} | {'' if f.nullable else 'yes'} |" for f in table.schema]
        out.append("")
    return "\n".join(out)


def test_the_page_lists_every_canonical_field():
    text = DOC.read_text("utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    want = f"{head}{BEGIN}\n{render()}{END}{tail}"
    if os.environ.get("FRONTDESK_UPDATE_DOCS"):
        DOC.write_text(want, "utf-8")
    assert text == want, "docs/canonical-tables.md is out of date: FRONTDESK_UPDATE_DOCS=1 rewrites it"


def test_every_table_and_field_is_named_on_the_page():
    text = DOC.read_text("utf-8")
    for name, table in TABLES.items():
        assert f"### `{name}`" in text
        for field in table.columns:
            assert f"| `{field}` |" in text, (name, field)
