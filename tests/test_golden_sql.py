"""Golden SQL: the compiled SQL of every built-in indicator and view, per engine dialect.

``tests/golden_sql/<dialect>/<code>.sql`` holds what ``compile_queries([indicator], …)`` answers
for the dialect of each engine (DuckDB, Spark, PostgreSQL), and ``<dialect>/views/<name>.sql``
what ``view_sql(view, dialect)`` answers for each view an engine registers once (``register_store``;
a period-scoped view is compiled into the indicator queries that read it, so it shows there). They
are the strings the engines run, produced by the same pure functions the engines call, with the
same arguments as ``Engine.measures`` gives them by default (no view parameters, the default
calendar, no materialised views), for one fixed period: 2026-10 in Asia/Shanghai. No engine runs:
a change to the compiler or to ``dialects.py`` shows in review as a diff of these text files.

The SQL is laid out one clause, join, select item and common table expression a line
(:func:`layout`); that only turns spaces into line breaks, so the file holds the engine's exact
string, and the test checks it.

Regenerate after an intended change (it also deletes the files of indicators that are gone)::

    FRONTDESK_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden_sql.py
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest
import sqlglot
from sqlglot.tokens import TokenType

from frontdesk.indicators import dialects
from frontdesk.indicators.catalog import builtin_catalog, builtin_views
from frontdesk.indicators.compiler import compile_queries, view_sql
from frontdesk.indicators.periods import parse_period

GOLDEN = Path(__file__).parent / "golden_sql"
UPDATE_ENV = "FRONTDESK_UPDATE_GOLDEN"
REGENERATE = f"{UPDATE_ENV}=1 .venv/bin/pytest tests/test_golden_sql.py"
UPDATING = os.environ.get(UPDATE_ENV, "") not in ("", "0")

# Every dialect dialects.py has rules for: the engines' (DuckDBEngine.dialect, SparkEngine.dialect…).
DIALECTS = tuple(dialects.TRANSFORMS)
PERIOD = "2026-10"
TIMEZONE = "Asia/Shanghai"
INDICATORS = tuple(builtin_catalog())
VIEWS = tuple(name for name, view in builtin_views().items() if not view.scoped)


# -- layout ---------------------------------------------------------------------------------------
_CLAUSES = {
    TokenType.WITH,
    TokenType.SELECT,
    TokenType.FROM,
    TokenType.WHERE,
    TokenType.GROUP_BY,
    TokenType.HAVING,
    TokenType.QUALIFY,
    TokenType.WINDOW,
    TokenType.ORDER_BY,
    TokenType.LIMIT,
    TokenType.OFFSET,
    TokenType.UNION,
    TokenType.EXCEPT,
    TokenType.INTERSECT,
}
_JOIN_WORDS = {
    TokenType.LEFT,
    TokenType.RIGHT,
    TokenType.INNER,
    TokenType.FULL,
    TokenType.CROSS,
    TokenType.NATURAL,
    TokenType.OUTER,
    TokenType.SEMI,
    TokenType.ANTI,
}
_LISTS = {TokenType.SELECT, TokenType.GROUP_BY, TokenType.ORDER_BY, TokenType.FROM}


def layout(sql: str, dialect: str) -> str:
    """``sql`` (one line, as sqlglot writes it) with a line break before each clause and join and
    after each comma of a select list, indented by subquery depth. Only spaces between tokens
    become line breaks, so :func:`unlayout` gives ``sql`` back exactly."""
    if "\n" in sql:
        return sql  # not one line (a literal with a line break?): kept as it is, still exact
    tokens = sqlglot.tokenize(sql, read=dialect)
    breaks: dict[int, int] = {}  # position of a space → indent of the line it starts

    def mark(pos: int, indent: int) -> None:
        if 0 < pos < len(sql) and sql[pos] == " ":
            breaks[pos] = indent

    frames: list[list] = [[True, None]]  # open parentheses: [holds a query, its current clause]
    for i, tok in enumerate(tokens):
        kind = tok.token_type
        frame = frames[-1]
        depth = sum(1 for f in frames[1:] if f[0])
        prev = tokens[i - 1].token_type if i else None
        if kind == TokenType.L_PAREN:
            nxt = tokens[i + 1].token_type if i + 1 < len(tokens) else None
            frames.append([nxt in (TokenType.SELECT, TokenType.WITH), None])
        elif kind == TokenType.R_PAREN and len(frames) > 1:
            frames.pop()
        elif not frame[0]:
            continue  # inside a function call, FILTER (WHERE …), OVER (…): no breaks
        elif kind in _CLAUSES:
            mark(tok.start - 1, 2 * depth)
            frame[1] = kind
        elif kind in _JOIN_WORDS | {TokenType.JOIN} and prev not in _JOIN_WORDS:
            rest = (t.token_type for t in tokens[i:])
            if next((k for k in rest if k not in _JOIN_WORDS), None) == TokenType.JOIN:
                mark(tok.start - 1, 2 * depth)
                frame[1] = TokenType.JOIN
        elif kind == TokenType.COMMA and frame[1] == TokenType.WITH:
            mark(tok.end + 1, 2 * depth)  # one common table expression a line
        elif kind == TokenType.COMMA and frame[1] in _LISTS:
            mark(tok.end + 1, 2 * depth + 2)
    return "".join("\n" + " " * breaks[k] if k in breaks else c for k, c in enumerate(sql))


def unlayout(text: str) -> str:
    """The one-line SQL that :func:`layout` laid out."""
    return re.sub(r"\n *", " ", text)


def _laid_out(sql: str, dialect: str) -> str:
    text = layout(sql, dialect)
    assert unlayout(text) == sql, "the layout changed the SQL, not only its line breaks"
    return text


# -- the snapshots --------------------------------------------------------------------------------
def _header(what: str) -> str:
    return (
        f"-- Golden SQL, generated by tests/test_golden_sql.py: do not edit.\n"
        f"-- Regenerate: {REGENERATE}\n"
        f"-- {what}.\n"
    )


def indicator_snapshot(code: str, dialect: str) -> str:
    """What an engine of ``dialect`` runs for ``code`` alone: one query per source it reads."""
    queries = compile_queries(
        [builtin_catalog()[code]],
        parse_period(PERIOD),
        TIMEZONE,
        dialect=dialect,
        params={},  # Engine.view_params by default
        materialised=frozenset(),  # Engine.prepare by default
        stored_business=None,
    )
    parts = [_header(f"Indicator {code}, {dialect} dialect, period {PERIOD} in {TIMEZONE}")]
    for k, q in enumerate(queries, start=1):
        also = f" (also computes {', '.join(q.also)})" if q.also else ""
        roles = ", ".join(c.role for c in q.columns)
        parts.append(
            f"\n-- Query {k} of {len(queries)}: source {q.source}{also}; columns: {roles}\n"
            f"{_laid_out(q.sql, dialect)};\n"
        )
    return "".join(parts)


def view_snapshot(name: str, dialect: str) -> str:
    """The SQL an engine of ``dialect`` registers view ``name`` as."""
    sql = view_sql(builtin_views()[name], dialect)
    return (
        _header(f"View {name}, {dialect} dialect (registered once, for every period)")
        + f"\n{_laid_out(sql, dialect)};\n"
    )


def _compare(path: Path, actual: str) -> None:
    """Compare ``actual`` with the snapshot at ``path``, or write it there when updating."""
    if UPDATING:
        if not path.exists() or path.read_text("utf-8") != actual:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, "utf-8")
        return
    rel = path.relative_to(GOLDEN.parent.parent)
    if not path.exists():
        pytest.fail(f"no golden SQL at {rel}; create it with:\n    {REGENERATE}", pytrace=False)
    expected = path.read_text("utf-8")
    if expected != actual:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{rel} (golden)",
                tofile=f"{rel} (compiled now)",
            )
        )
        pytest.fail(
            f"the compiled SQL differs from {rel}:\n\n{diff}\n"
            f"If the change is intended, regenerate the snapshots and review their diff:\n"
            f"    {REGENERATE}",
            pytrace=False,
        )


@pytest.mark.parametrize("code", INDICATORS)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_indicator_sql_matches_its_snapshot(dialect: str, code: str):
    _compare(GOLDEN / dialect / f"{code}.sql", indicator_snapshot(code, dialect))


@pytest.mark.parametrize("name", VIEWS)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_view_sql_matches_its_snapshot(dialect: str, name: str):
    _compare(GOLDEN / dialect / "views" / f"{name}.sql", view_snapshot(name, dialect))


def test_every_snapshot_has_an_indicator_or_view_and_back():
    expected = {Path(d, f"{c}.sql") for d in DIALECTS for c in INDICATORS}
    expected |= {Path(d, "views", f"{v}.sql") for d in DIALECTS for v in VIEWS}
    present = {p.relative_to(GOLDEN) for p in GOLDEN.rglob("*.sql")}
    stale = sorted(present - expected)
    if UPDATING:
        for rel in stale:
            (GOLDEN / rel).unlink()
        return
    missing = sorted(expected - present)
    problems = [f"missing (no snapshot yet): {p}" for p in missing]
    problems += [f"stale (no such indicator, view or dialect): {p}" for p in stale]
    if problems:
        pytest.fail(
            "tests/golden_sql does not match the catalogue:\n  "
            + "\n  ".join(problems)
            + f"\nRegenerate (writes the missing, deletes the stale):\n    {REGENERATE}",
            pytrace=False,
        )


def test_the_layout_only_breaks_lines():
    sql = (
        "SELECT a AS a, COUNT(*) FILTER(WHERE b IN (1, 2)) AS n FROM (SELECT a, b FROM t "
        "LEFT JOIN u ON u.k = t.k WHERE c) AS s WHERE NOT a IS NULL GROUP BY a, b"
    )
    text = layout(sql, "duckdb")
    assert unlayout(text) == sql
    assert text.splitlines() == [
        "SELECT a AS a,",
        "  COUNT(*) FILTER(WHERE b IN (1, 2)) AS n",
        "FROM (SELECT a,",
        "    b",
        "  FROM t",
        "  LEFT JOIN u ON u.k = t.k",
        "  WHERE c) AS s",
        "WHERE NOT a IS NULL",
        "GROUP BY a,",
        "  b",
    ]
