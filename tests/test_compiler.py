"""Compiling indicator declarations: one grouped query per source table."""

import pytest
import sqlglot
from sqlglot import exp

from frontdesk.indicators.catalog import CatalogError, builtin_catalog, load_catalog
from frontdesk.indicators.compiler import CompileError, compile_queries
from frontdesk.indicators.periods import parse_period


def test_all_indicators_on_a_table_share_one_query():
    inds = list(builtin_catalog().values())
    queries = compile_queries(inds, parse_period("2026-10"), "Asia/Shanghai")
    sources = [q.source for q in queries]
    assert sorted(sources) == sorted(set(sources))
    on_interactions = {i.code for i in inds if i.source == "interactions"}
    q = next(q for q in queries if q.source == "interactions")
    assert {c.indicator for c in q.columns} == on_interactions
    # The denominator of contacts per hour comes from worktime, in its own query.
    assert any(c.role == "per" and c.indicator == "contacts_per_hour" for q in queries for c in q.columns)


def test_every_aggregate_is_restricted_to_the_indicator_filter():
    (ind,) = [i for i in builtin_catalog().values() if i.code == "first_response"]
    (q,) = compile_queries([ind], parse_period("2026-10"), "Asia/Shanghai")
    tree = sqlglot.parse_one(q.sql, read="duckdb")
    filters = list(tree.find_all(exp.Filter))
    assert len(filters) == 5  # value, n, and the quality measures: manual share, manual n, heaping
    assert all("channel" in f.expression.sql() for f in filters)
    assert sum("recorded_by = 'manual'" in f.expression.sql() for f in filters) == 2


def test_the_period_is_cut_in_local_time():
    (ind,) = [i for i in builtin_catalog().values() if i.code == "csat"]
    (q,) = compile_queries([ind], parse_period("2026-10"), "Asia/Shanghai")
    assert "2026-09-30 16:00:00+00:00" in q.sql and "2026-10-31 16:00:00+00:00" in q.sql


def test_a_value_that_is_not_an_aggregate_is_refused():
    (ind,) = load_catalog(
        """
- code: bad
  name: {en: Bad, zh: 坏}
  dimension: quality
  kind: outcome
  unit: x
  better: higher
  source: surveys
  value: score
"""
    ).values()
    with pytest.raises(CompileError, match="indicator bad: field 'value' must be an aggregate"):
        compile_queries([ind], parse_period("2026-10"), "UTC")


def test_a_declaration_on_an_unknown_table_names_the_entry():
    with pytest.raises(CatalogError, match=r"entry 1 \(x\): source 'calls' is not a canonical table"):
        load_catalog(
            "- {code: x, name: {en: X, zh: X}, dimension: quality, kind: outcome, unit: u,"
            " better: higher, source: calls, value: count(*)}"
        )


def test_the_catalog_covers_every_mission_indicator_in_both_languages():
    cat = builtin_catalog()
    mission = {
        f"I-{d}{n}"
        for d, top in (("E", 6), ("Q", 6), ("C", 3), ("G", 3), ("P", 3))
        for n in range(1, top + 1)
    }
    assert mission <= {i.mission_id for i in cat.values()}
    for i in cat.values():
        assert i.name_en and i.name_zh and i.name_en != i.name_zh
