"""Materialised views (frontdesk/indicators/derived.py): the stored months give the views' own rows,
go stale when their sources change, and large medians split by agent give the same values."""

from __future__ import annotations

import math
from datetime import timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from frontdesk.indicators import derived
from frontdesk.indicators.calendars import builtin_calendars
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.synth import generate

TZ = "Asia/Shanghai"
INDS = list(builtin_catalog().values())
STORED = ("response_episodes", "contact_outcomes")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> EventStore:
    store = EventStore(tmp_path_factory.mktemp("derived") / "events")
    generate(store, agents=8, months=2, start="2026-08", seed=5)
    return store


def _differences(a: dict, b: dict) -> list:
    out = []
    for agent in sorted(set(a) | set(b)):
        for code in {*a.get(agent, {}), *b.get(agent, {})}:
            x, y = a.get(agent, {}).get(code), b.get(agent, {}).get(code)
            same = (
                x is not None
                and y is not None
                and x.n == y.n
                and (x.value is None) == (y.value is None)
                and (x.value is None or math.isclose(x.value, y.value, rel_tol=1e-9, abs_tol=1e-12))
            )
            if not same:
                out.append((agent, code, x, y))
    return out


def _measures(store, label, **options):
    engine = DuckDBEngine(store, **options)
    try:
        return engine.measures(INDS, parse_period(label), TZ), engine
    finally:
        engine.close()


@pytest.mark.parametrize("label", ["2026-08", "2026-09", "2026-Q3"])
def test_the_stored_months_give_the_views_values(store, label):
    stored, engine = _measures(store, label)
    computed, _ = _measures(store, label, materialise=False)
    assert engine.stored_business  # the stored business seconds were used, not recomputed
    assert stored and _differences(stored, computed) == []


def test_a_period_reads_exactly_its_local_months(store):
    engine = DuckDBEngine(store)
    try:
        assert engine.prepare(parse_period("2026-08"), TZ, STORED) == frozenset(STORED)
        for name in STORED:
            [f] = engine._stored_files[name]
            assert f.parent.name == "month=2026-08"
            lo, hi = derived.month_bounds("2026-08", TZ)
            column = derived.SPECS[name].period_column
            t = pq.read_table(f, columns=[column, "agent_id"])
            assert t.num_rows and min(t[column].to_pylist()) >= lo and max(t[column].to_pylist()) < hi
            ids = t["agent_id"].to_pylist()
            assert ids == sorted(ids, key=lambda a: (a is None, a))  # sorted by agent
        assert len(engine.prepare(parse_period("2026-Q3"), TZ, STORED)) == 2
        assert [f.parent.name for f in engine._stored_files["response_episodes"]] == [
            "month=2026-08",
            "month=2026-09",
        ]  # July has no data
    finally:
        engine.close()


def test_a_write_makes_the_stored_months_stale_and_compute_rebuilds_them(tmp_path):
    store = EventStore(tmp_path / "events")
    generate(store, agents=3, months=1, start="2026-08", seed=2)
    period = parse_period("2026-08")
    first, engine = _measures(store, "2026-08")
    assert set(engine.last_build.months) == set(STORED)
    _, engine = _measures(store, "2026-08")
    assert engine.last_build.months == {}  # fresh: nothing rebuilt
    agent = sorted(first)[0]
    before = first[agent]["first_response"]
    lo, _ = period.utc_bounds(TZ)
    extra = pa.Table.from_pylist(
        [
            {"interaction_id": f"X{i}", "channel": "chat", "agent_id": agent, "abandoned": False,
             "created_at": lo + timedelta(days=10), "first_response_at": lo + timedelta(days=10, minutes=30)}
            for i in range(3)
        ],
        schema=TABLES["interactions"].schema,
    )  # fmt: skip
    store.write("interactions", extra)
    assert not (derived.folder(store, "response_episodes") / "state.json").exists()  # the write path
    after, engine = _measures(store, "2026-08")
    assert set(engine.last_build.months) == set(STORED)
    assert after[agent]["first_response"].n == before.n + 3
    assert after[agent]["handle_time"].n == first[agent]["handle_time"].n  # no handle_seconds
    assert after[agent]["contacts_per_hour"].n == first[agent]["contacts_per_hour"].n + 3
    assert _differences(after, _measures(store, "2026-08", materialise=False)[0]) == []


def test_a_file_rewritten_in_place_changes_the_fingerprint(tmp_path):
    store = EventStore(tmp_path / "events")
    generate(store, agents=2, months=1, start="2026-08", seed=3)
    fp = derived.fingerprint(store, "contact_outcomes", {}, TZ)
    assert fp == derived.fingerprint(store, "contact_outcomes", {}, TZ)
    f = store.files("interactions")[0]
    table = pq.read_table(f)
    pq.write_table(table.slice(0, table.num_rows - 1), f)  # not through EventStore.write
    assert derived.fingerprint(store, "contact_outcomes", {}, TZ) != fp
    assert derived.fingerprint(store, "contact_outcomes", {}, "UTC") != derived.fingerprint(
        store, "contact_outcomes", {}, TZ
    )


def test_other_view_parameters_or_calendars_are_computed_not_read(store):
    period = parse_period("2026-08")
    window = {"repeat_window_us": 3_600_000_000}  # one hour, not the stored 72
    engine = DuckDBEngine(store, view_params=window)
    try:
        assert engine.prepare(period, TZ, STORED) == frozenset({"response_episodes"})
        got = engine.measures(INDS, period, TZ)
    finally:
        engine.close()
    want, _ = _measures(store, "2026-08", materialise=False, view_params=window)
    assert _differences(got, want) == []
    default, _ = _measures(store, "2026-08")
    fcr = [
        a
        for a in got
        if got[a]["first_contact_resolution"].value != default[a]["first_contact_resolution"].value
    ]
    assert fcr, "a one-hour window finds fewer repeat contacts than 72 hours"
    # Business seconds are stored for the built-in calendars only; other calendars recompute them.
    always = next(c for c in builtin_calendars().values() if c.calendar_id == "24x7")
    own = {c.calendar_id: always.__class__(**{**always.__dict__, "calendar_id": c.calendar_id})
           for c in builtin_calendars().values()}  # fmt: skip
    engine = DuckDBEngine(store, calendars=own.values())
    try:
        got = engine.measures(INDS, period, TZ)
        assert not engine.stored_business
    finally:
        engine.close()
    for row in got.values():
        if row["first_response"].value is not None:  # open all the time: business = elapsed
            assert row["first_response_business"].value == pytest.approx(row["first_response"].value)


def test_medians_split_by_agent_ranges_give_the_same_values(store):
    period = parse_period("2026-Q3")
    engine = DuckDBEngine(store)
    engine.QUANTILE_SHARE = 1e-6  # as if memory held a few values only
    shards = []
    plain = engine._shards
    engine._shards = lambda q: shards.append(plain(q)) or shards[-1]
    try:
        split = engine.measures(INDS, period, TZ)
    finally:
        engine.close()
    assert max(shards) > 1
    whole, _ = _measures(store, "2026-Q3")
    assert _differences(split, whole) == []


def test_a_store_whose_derived_folder_cannot_be_made_computes_the_views(tmp_path):
    store = EventStore(tmp_path / "events")
    generate(store, agents=2, months=1, start="2026-08", seed=4)
    (store.root / derived.DERIVED_FOLDER).write_text("not a folder")  # mkdir fails, even as root
    got, engine = _measures(store, "2026-08")
    assert engine.stored_business is None and engine.last_build is None
    (store.root / derived.DERIVED_FOLDER).unlink()
    assert _differences(got, _measures(store, "2026-08", materialise=False)[0]) == []


def test_the_views_name_still_means_the_whole_view_after_a_period_is_computed(store):
    # Other readers (the review module, ad-hoc SQL) query `response_episodes` by name: reading one
    # period's stored months must not narrow it to that period.
    engine = DuckDBEngine(store)
    plain = DuckDBEngine(store, materialise=False)
    try:
        engine.measures(INDS, parse_period("2026-08"), TZ)
        count = 'SELECT count(*) AS n, count(DISTINCT agent_id) AS a FROM "response_episodes"'
        got = engine.query(count).to_pylist()
        assert got == plain.query(count).to_pylist()
        assert (
            got[0]["n"] > engine.query('SELECT count(*) AS n FROM "__stored_response_episodes"')[0][0].as_py()
        )
    finally:
        engine.close()
        plain.close()
