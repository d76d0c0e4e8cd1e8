"""Three engines, one answer: every declaration gives DuckDB's numbers on Spark and PostgreSQL.

One generated organisation (plus a few hand-made contacts with awkward numbers) is loaded once;
DuckDB is the reference. Spark runs when pyspark and Java are installed, PostgreSQL when
FRONTDESK_POSTGRES_URL names a server.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import os
import shutil
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from frontdesk.indicators import dialects
from frontdesk.indicators.catalog import View, builtin_catalog, load_catalog
from frontdesk.indicators.compiler import view_sql
from frontdesk.indicators.engines import DuckDBEngine, Engine, get_engine
from frontdesk.indicators.periods import parse_period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.synth import generate

pytestmark = pytest.mark.slow

TZ = "Asia/Shanghai"
PERIODS = ("2026-08", "2026-09", "2026-Q3")
REL = 1e-9


def _spark_missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install pyspark)"
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and os.path.exists(f"{java_home}/bin/java")):
        return "no Java runtime for Spark (apt-get install openjdk-17-jre-headless, or set JAVA_HOME)"
    return None


def _postgres_missing() -> str | None:
    if not os.environ.get("FRONTDESK_POSTGRES_URL"):
        return "FRONTDESK_POSTGRES_URL is not set (postgresql://user:password@host:port/db)"
    return None


MISSING = {"spark": _spark_missing, "postgres": _postgres_missing}


# -- data -------------------------------------------------------------------------------------
T0 = datetime(2026, 9, 10, 2, 0, tzinfo=UTC)


def _awkward_contacts() -> pa.Table:
    """Agent Z1: four chats (an even count) whose replies come micro-seconds off round numbers,
    a reply exactly 0.5 s apart (ties when rounding), one abandoned call and one with no reply.
    Agent Z2: a single e-mail. Agent Z3: two chats, first responses equal."""
    us = timedelta(microseconds=1)
    rows = []
    for i, (reply, handle) in enumerate(
        [(timedelta(seconds=1) - us, 2.5), (timedelta(seconds=2, microseconds=500_000), 3.5),
         (timedelta(seconds=3, microseconds=250_001), 4.5), (timedelta(seconds=10) + 3 * us, -0.5)]
    ):  # fmt: skip
        created = T0 + timedelta(hours=i, microseconds=7 * i)
        rows.append(dict(interaction_id=f"Z1-{i}", channel="chat", agent_id="Z1", created_at=created,
                         first_response_at=created + reply, handle_seconds=handle, wait_seconds=0.5 * i,
                         resolved_at=created + timedelta(minutes=5), closed_at=created + timedelta(minutes=6),
                         abandoned=False, first_contact_resolved=i % 2 == 0, reopened_count=i,
                         transfer_count=i // 2, priority="urgent" if i < 2 else "normal", is_vip=None))  # fmt: skip
    rows.append(dict(interaction_id="Z1-a", channel="phone", agent_id="Z1", created_at=T0, abandoned=True))
    rows.append(dict(interaction_id="Z1-n", channel="chat", agent_id="Z1", created_at=T0, handle_seconds=7.0))
    rows.append(dict(interaction_id="Z2-0", channel="email", agent_id="Z2", created_at=T0,
                     first_response_at=T0 + timedelta(hours=3), closed_at=T0 + timedelta(days=1, microseconds=1),
                     handle_seconds=600.0, abandoned=False))  # fmt: skip
    for i in range(2):
        rows.append(dict(interaction_id=f"Z3-{i}", channel="chat", agent_id="Z3", created_at=T0 + timedelta(days=i),
                         first_response_at=T0 + timedelta(days=i, seconds=30), handle_seconds=60.0 * (i + 1),
                         abandoned=False))  # fmt: skip
    # Agent Z4, queue and SLA edges: the 20 s target and the 5 s short abandon to the microsecond,
    # an unknown wait, the SLA met exactly on time and the source's verdict against its due time.
    for i, (channel, abandoned, wait, due, met) in enumerate(
        [("phone", False, 20.0, timedelta(hours=1), None), ("phone", False, 20.000001, None, True),
         ("phone", True, 4.999999, None, None), ("chat", True, 5.0, None, None), ("video", True, None, None, None),
         ("chat", False, None, timedelta(hours=2), False), ("email", False, 3.0, timedelta(minutes=59), None)]
    ):  # fmt: skip
        created = T0 + timedelta(minutes=i, microseconds=3 * i)
        rows.append(dict(interaction_id=f"Z4-{i}", channel=channel, agent_id="Z4", created_at=created,
                         abandoned=abandoned, wait_seconds=wait, reopened_count=i % 3, transfer_count=i % 2,
                         resolved_at=None if abandoned else created + timedelta(hours=1),
                         sla_due_at=None if due is None else created + due, sla_met=met))  # fmt: skip
    return pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> EventStore:
    store = EventStore(tmp_path_factory.mktemp("conformance") / "events")
    generate(store, agents=12, months=2, start="2026-08", seed=11)
    store.write("interactions", _awkward_contacts())
    return store


@pytest.fixture(scope="module")
def duck(store) -> Engine:
    engine = DuckDBEngine(store)
    # Spark and PostgreSQL sessions run in UTC; DuckDB's default is the process's zone (pytest-django
    # sets TZ from Django's TIME_ZONE), which changes hour(), dates and instants as text.
    engine.con.execute("SET TimeZone = 'UTC'")
    yield engine
    engine.close()


@pytest.fixture(scope="module", params=["spark", "postgres"])
def other(request, store) -> Engine:
    """Spark, then PostgreSQL (tests are grouped by engine, so each starts once)."""
    reason = MISSING[request.param]()
    if reason:
        pytest.skip(reason)
    if request.param == "spark":
        from frontdesk.indicators.engines.spark import shared_session

        # Short-lived JVM: the quick JIT alone starts (and runs these small queries) ~40 % faster.
        shared_session(config={"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1"})
    engine = get_engine(request.param, store)
    yield engine
    engine.close()


# -- comparison -------------------------------------------------------------------------------
def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, int | float) or isinstance(b, int | float) or hasattr(a, "as_integer_ratio"):
        fa, fb = float(a), float(b)
        return fa == fb or math.isclose(fa, fb, rel_tol=REL, abs_tol=0.0)
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a.astimezone(UTC) == b.astimezone(UTC)
    return a == b


def _differences(reference: dict, measured: dict) -> list[str]:
    """Every agent × indicator whose measure (value, n, data-quality shares and flags) differs."""
    out = []
    for agent in sorted(set(reference) | set(measured)):
        ref, got = reference.get(agent, {}), measured.get(agent, {})
        for code in sorted(set(ref) | set(got)):
            r, g = ref.get(code), got.get(code)
            same = (
                r is not None
                and g is not None
                and all(_same(getattr(r, f.name), getattr(g, f.name)) for f in dataclasses.fields(r))
            )
            if not same:
                out.append(f"{agent} {code}: duckdb {r} vs {g}")
    return out


def _rows(engine: Engine, sql: str) -> list[tuple]:
    result = engine.query(dialects.transpile(sql, engine.dialect))
    return [tuple(r.values()) for r in result.to_pylist()]


def _same_rows(a: list[tuple], b: list[tuple]) -> bool:
    return len(a) == len(b) and all(
        len(x) == len(y) and all(_same(u, v) for u, v in zip(x, y, strict=True))
        for x, y in zip(a, b, strict=True)
    )


# -- the built-in catalogue --------------------------------------------------------------------
@pytest.mark.parametrize("label", PERIODS)
def test_every_builtin_indicator_gives_duckdbs_values(duck, other, label):
    period = parse_period(label)
    indicators = list(builtin_catalog().values())
    reference = duck.measures(indicators, period, TZ)
    measured = other.measures(indicators, period, TZ)
    assert _differences(reference, measured) == []
    # Not vacuous: most indicators have values, and the hand-made agent is there.
    valued = {code for row in reference.values() for code, m in row.items() if m.value is not None}
    assert len(valued) >= len(indicators) * 2 // 3
    if period.kind == "month" and label == "2026-09":
        assert reference["Z1"]["first_response"].n == 4


def _evidence_cases() -> list[tuple[str, str]]:
    """One indicator per source table or view (at most six), plus the awkward agents' replies and
    queue and SLA edges."""
    cases, sources = [], set()
    for ind in builtin_catalog().values():
        if ind.evidence and ind.source not in sources and len(sources) < 6:
            sources.add(ind.source)
            cases.append((ind.code, "A0001"))
    return [
        *cases,
        ("first_response", "Z1"),
        ("handle_time", "Z1"),
        ("service_level", "Z4"),
        ("sla_attainment", "Z4"),
    ]


def test_evidence_lists_are_the_same(duck, other):
    period = parse_period("2026-09")
    for code, agent in _evidence_cases():
        ind = builtin_catalog()[code]
        expected = duck.evidence(ind, period, TZ, agent, page_size=1000)
        got = other.evidence(ind, period, TZ, agent, page_size=1000)
        assert (got.total, got.labels) == (expected.total, expected.labels), (code, agent)
        # Records sharing a time and key (a review's items) come in no defined order: sort them.
        assert _same_rows(
            sorted((r.record, r.at, *r.values) for r in got.rows),
            sorted((r.record, r.at, *r.values) for r in expected.rows),
        ), (code, agent)
    handled = duck.evidence(builtin_catalog()["handle_time"], period, TZ, "Z1")
    assert [r.record for r in handled.rows] == ["Z1-0", "Z1-n", "Z1-1", "Z1-2", "Z1-3"]


# -- hand-written declarations that trip engines up ---------------------------------------------
TRICKY = """
- code: even_median
  source: interactions
  filter: channel = 'chat' AND first_response_at IS NOT NULL
  value: median(seconds_between(created_at, first_response_at))
- code: quantile_with_filter
  source: interactions
  filter: channel IN ('chat', 'phone') AND NOT coalesce(abandoned, FALSE)
  value: quantile_cont(handle_seconds, 0.9) - quantile_cont(wait_seconds, 0.25)
- code: discrete_quantiles
  source: interactions
  value: quantile_disc(handle_seconds, 0.5) + quantile(wait_seconds, 0.75)
- code: ordered_set_quantiles
  source: interactions
  value: >-
    percentile_cont(0.25) WITHIN GROUP (ORDER BY handle_seconds DESC)
    - percentile_disc(0.5) WITHIN GROUP (ORDER BY wait_seconds)
- code: median_of_integers
  source: interactions
  filter: reopened_count IS NOT NULL
  value: median(reopened_count) + median(transfer_count)
- code: decimal_average
  source: interactions
  filter: handle_seconds IS NOT NULL
  value: avg(CASE WHEN handle_seconds > 300 THEN 1.0 ELSE 0.0 END)
- code: decimal_division
  source: interactions
  value: avg(CASE WHEN coalesce(is_vip, FALSE) THEN 1.0 / 3 ELSE 0.25 END) + sum(0.1) / count(*)
- code: integer_division
  source: interactions
  filter: reopened_count IS NOT NULL
  value: avg(reopened_count / 2) + sum(reopened_count // 2) + avg(transfer_count % 2) + sum(round(handle_seconds) % 7)
- code: micro_seconds
  source: interactions
  filter: first_response_at IS NOT NULL
  value: sum(seconds_between(created_at, first_response_at)) + min(seconds_between(created_at, first_response_at))
- code: epoch_seconds
  source: interactions
  filter: first_response_at IS NOT NULL
  value: max(epoch(first_response_at) - epoch(created_at)) + avg(extract(epoch FROM created_at) - 1.7e9)
- code: instants_and_dates
  source: interactions
  filter: >-
    created_at >= TIMESTAMPTZ '2026-09-15 00:00:00+08' AND CAST(created_at AS DATE) < DATE '2026-09-20'
  value: >-
    count(*) + avg(hour(created_at)) + avg(dayofweek(created_at)) + avg(isodow(created_at))
    + avg(second(first_response_at)) + avg(extract(second FROM created_at)) + avg(week(created_at))
    + avg(date_part('minute', created_at)) + avg(extract(dow FROM created_at))
- code: rounding
  source: interactions
  filter: handle_seconds IS NOT NULL
  value: sum(round(handle_seconds)) + sum(round(handle_seconds * 2.5, 1)) + sum(CAST(handle_seconds AS BIGINT))
- code: spread
  source: interactions
  filter: handle_seconds IS NOT NULL
  value: stddev_samp(handle_seconds) + var_pop(wait_seconds)
- code: booleans_and_distinct
  source: interactions
  value: >-
    count(DISTINCT customer_id) + sum(CAST(coalesce(abandoned, FALSE) AS INTEGER))
    + count(*) FILTER (WHERE coalesce(is_vip, FALSE)) + avg(CASE WHEN NOT coalesce(abandoned, FALSE) THEN 1 ELSE 0 END)
- code: extremes
  source: interactions
  value: max(greatest(wait_seconds, handle_seconds)) + min(least(wait_seconds, handle_seconds))
- code: guarded_ratio
  source: interactions
  value: sum(handle_seconds) / nullif(count(first_response_at), 0)
- code: survey_scores
  source: surveys
  filter: score IS NOT NULL AND scale_max > 0
  value: median(score / scale_max) + avg(score * 10.0 / scale_max)
- code: worked_days
  source: worktime
  value: count(DISTINCT work_date) + sum(logged_seconds) / 3600.0
"""


def _tricky() -> dict:
    header = dict(
        name={"en": "x", "zh": "x"}, dimension="efficiency", kind="process", unit="x", better="lower"
    )
    import yaml

    entries = [{**header, "mission_id": "T", **e} for e in yaml.safe_load(TRICKY)]
    return load_catalog(yaml.safe_dump(entries, allow_unicode=True), "tests/test_conformance.py")


@pytest.fixture(scope="module")
def tricky_reference(duck) -> dict:
    return duck.measures(_tricky().values(), parse_period("2026-09"), TZ)


@pytest.fixture(scope="module")
def tricky_measured(other) -> dict:
    # All in one call, as a scheme would: one grouped query per source table.
    return other.measures(_tricky().values(), parse_period("2026-09"), TZ)


@pytest.mark.parametrize("code", list(_tricky()))
def test_tricky_declaration_gives_duckdbs_values(tricky_reference, tricky_measured, code):
    reference = {agent: {code: row[code]} for agent, row in tricky_reference.items()}
    measured = {agent: {code: row[code]} for agent, row in tricky_measured.items()}
    assert any(row[code].value is not None for row in reference.values())
    assert _differences(reference, measured) == []


def test_even_median_is_the_mean_of_the_middle_two(duck):
    values = duck.measures([_tricky()["even_median"]], parse_period("2026-09"), TZ)
    # Z1's replies: 0.999999, 2.5, 3.250001, 10.000003 s.
    assert values["Z1"]["even_median"].value == pytest.approx((2.5 + 3.250001) / 2, rel=1e-12)
    assert values["Z3"]["even_median"].value == 30.0


# -- derived views: window functions and range joins -----------------------------------------------
VIEWS = {
    "event_gaps": View(
        name="event_gaps",
        agent_key="agent_id",
        period_column="at",
        sql="""
        SELECT interaction_id, event_id, agent_id, kind, at,
               lead(at) OVER (PARTITION BY interaction_id ORDER BY at, event_id) AS next_at,
               lag(kind) OVER (PARTITION BY interaction_id ORDER BY at, event_id) AS previous_kind,
               seconds_between(at, lead(at) OVER (PARTITION BY interaction_id ORDER BY at, event_id)) AS gap_s,
               row_number() OVER (PARTITION BY interaction_id ORDER BY at DESC, event_id DESC) AS from_last
        FROM interaction_events
        """,
    ),
    "shift_overlap": View(
        name="shift_overlap",
        agent_key="agent_id",
        period_column="created_at",
        sql="""
        SELECT i.interaction_id, i.agent_id, i.created_at,
               greatest(0, epoch_us(least(i.closed_at, s.end_at)) - epoch_us(greatest(i.created_at, s.start_at)))
                 AS overlap_us,
               greatest(0, seconds_between(greatest(i.created_at, s.start_at), least(i.closed_at, s.end_at)))
                 AS overlap_s
        FROM interactions AS i
        JOIN shifts AS s ON s.agent_id = i.agent_id AND i.created_at < s.end_at AND s.start_at < i.closed_at
        """,
    ),
}
VIEW_QUERIES = {
    "event_gaps": """
        SELECT kind, previous_kind, count(*) AS n, count(next_at) AS with_next, sum(gap_s) AS total_s,
               median(gap_s) AS median_s, max(from_last) AS longest
        FROM event_gaps GROUP BY kind, previous_kind ORDER BY kind, previous_kind NULLS FIRST
        """,
    "shift_overlap": """
        SELECT agent_id, count(*) AS n, sum(overlap_us) AS us, sum(overlap_s) AS s, median(overlap_s) AS median_s
        FROM shift_overlap GROUP BY agent_id ORDER BY agent_id
        """,
}


def _shifts(store: EventStore) -> pa.Table:
    """One shift per worked day: from the logged start for the logged seconds (to the µs)."""
    rows = store.read("worktime", ["agent_id", "start_at", "logged_seconds"]).to_pylist()
    out = [
        dict(agent_id=r["agent_id"], start_at=r["start_at"],
             end_at=r["start_at"] + timedelta(seconds=r["logged_seconds"], microseconds=123))
        for r in rows if r["start_at"] is not None and r["logged_seconds"]
    ]  # fmt: skip
    schema = pa.schema([("agent_id", pa.string()), ("start_at", TABLES["worktime"].schema.field("start_at").type),
                        ("end_at", TABLES["worktime"].schema.field("start_at").type)])  # fmt: skip
    return pa.Table.from_pylist(out, schema=schema)


@pytest.mark.parametrize("name", list(VIEWS))
def test_views_with_windows_and_range_joins_give_duckdbs_rows(store, duck, other, name):
    for engine in (duck, other):
        engine.register_arrow("shifts", _shifts(store))
        engine.create_view(name, view_sql(VIEWS[name], engine.dialect))
    expected = _rows(duck, VIEW_QUERIES[name])
    assert len(expected) > 3 and any(v not in (None, 0) for row in expected for v in row[2:])
    assert _same_rows(_rows(other, VIEW_QUERIES[name]), expected)


def test_an_empty_arrow_table_keeps_its_types(duck, other):
    empty = pa.schema([("agent_id", pa.string()), ("at", pa.timestamp("us", tz="UTC")), ("x", pa.float64()),
                       ("d", pa.date32()), ("ok", pa.bool_()), ("k", pa.int64())]).empty_table()  # fmt: skip
    sql = "SELECT count(*) AS n, max(at) AS last, sum(x) AS x, min(d) AS d, bool_or(ok) AS ok, sum(k) AS k FROM nothing"
    for engine in (duck, other):
        engine.register_arrow("nothing", empty)
    assert _rows(other, sql) == _rows(duck, sql) == [(0, None, None, None, None, None)]


# -- the transforms themselves (no engine needed) ------------------------------------------------
@pytest.mark.parametrize(
    ("dialect", "duckdb_sql", "wanted", "unwanted"),
    [
        ("spark", "SELECT median(x) FROM t", "PERCENTILE(x, 0.5)", "MEDIAN"),
        (
            "spark",
            "SELECT quantile_cont(x, 0.9) FROM t",
            "PERCENTILE(x, CAST(0.9 AS DOUBLE))",
            "PERCENTILE_CONT",
        ),
        ("spark", "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM t", "PERCENTILE(x,", "APPROX"),
        ("spark", "SELECT avg(CASE WHEN a THEN 1.0 ELSE 0.0 END) FROM t", "CAST(1.0 AS DOUBLE)", None),
        ("spark", "SELECT epoch_us(ts) FROM t", "UNIX_MICROS(ts)", None),
        ("spark", "SELECT CAST('2026-09-30 16:00:00+00:00' AS TIMESTAMPTZ)", "AS TIMESTAMP_LTZ)", None),
        ("postgres", "SELECT median(x) FROM t", "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x)", "MEDIAN"),
        ("postgres", "SELECT quantile(x, 0.5) FROM t", "PERCENTILE_DISC(", "QUANTILE"),
        ("postgres", "SELECT epoch_us(ts) FROM t", "CAST(EXTRACT(EPOCH FROM ts) * 1000000 AS BIGINT)", None),
        ("postgres", "SELECT round(x, 2) FROM t", "ROUND(CAST(x AS DECIMAL), 2)", None),
    ],
)
def test_dialect_transform(dialect, duckdb_sql, wanted, unwanted):
    sql = dialects.transpile(duckdb_sql, dialect)
    assert wanted in sql
    assert unwanted is None or unwanted not in sql


def test_an_unknown_dialect_is_refused():
    with pytest.raises(ValueError, match="no SQL dialect rules for 'oracle'"):
        dialects.transpile("SELECT 1", "oracle")


def test_postgres_without_a_server_says_what_to_set(monkeypatch):
    from frontdesk.indicators.engines.postgres import postgres_url

    monkeypatch.delenv("FRONTDESK_POSTGRES_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.db")
    with pytest.raises(RuntimeError, match="set FRONTDESK_POSTGRES_URL"):
        postgres_url()
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@h/db")
    assert postgres_url() == "postgres://u:p@h/db"
