"""A write to ``interactions`` makes stale only the ``contact_outcomes`` months whose window (the month
and 31 days past it) reaches the written partition; ``response_episodes`` stay stale everywhere
(derived.py explains why). What is kept and what is rebuilt still gives the views' own values."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from frontdesk.indicators import derived
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.synth import generate

TZ = "Asia/Shanghai"
INDS = list(builtin_catalog().values())


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> EventStore:
    store = EventStore(tmp_path_factory.mktemp("windows") / "events")
    generate(store, agents=4, months=3, start="2026-06", seed=3)
    derived.refresh(store, TZ, connect=DuckDBEngine.source_connection)
    return store


def _state(store, name):
    return {m: e["file"] for m, e in derived._read_state(store, name)["months"].items()}


def test_a_write_rebuilds_only_the_outcome_months_that_reach_it(store):
    before = {n: _state(store, n) for n in derived.SPECS}
    august = derived.folder(store, "contact_outcomes") / before["contact_outcomes"]["2026-08"]
    rows = pq.read_table(august).to_pylist()
    # A contact late in August (local) that is not yet a repeat: its customer calls again on the
    # same topic on 1 September, 09:00 local, which is in UTC September's partition.
    again_at = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)
    first = next(
        r for r in sorted(rows, key=lambda r: r["created_at"], reverse=True)
        if not r["repeat_contact"] and r["customer_id"] and again_at - r["created_at"] < timedelta(hours=60)
    )  # fmt: skip
    again = {**{k: first[k] for k in ("channel", "agent_id", "team_id", "customer_id", "topic")},
             "interaction_id": "AGAIN-1", "created_at": again_at, "abandoned": False}  # fmt: skip
    store.write("interactions", pa.Table.from_pylist([again], schema=TABLES["interactions"].schema))
    built = derived.refresh(store, TZ, connect=DuckDBEngine.source_connection)
    # August's window (to 31 days past its end) reaches UTC September, and so do the local months
    # overlapping it (September, and October from 30 September 16:00 UTC); June's and July's do not.
    assert built.months["contact_outcomes"] == ["2026-08", "2026-09", "2026-10"]
    after = _state(store, "contact_outcomes")
    assert after["2026-06"] == before["contact_outcomes"]["2026-06"]
    assert after["2026-07"] == before["contact_outcomes"]["2026-07"]
    assert after["2026-08"] != before["contact_outcomes"]["2026-08"]
    # Every month of the episodes: a reply or a reopening may be in any month.
    assert built.months["response_episodes"] == sorted(before["response_episodes"])
    rebuilt = pq.read_table(derived.folder(store, "contact_outcomes") / after["2026-08"]).to_pylist()
    assert next(r for r in rebuilt if r["interaction_id"] == first["interaction_id"])["repeat_contact"]


@pytest.mark.parametrize("label", ["2026-06", "2026-07", "2026-08", "2026-Q3"])
def test_kept_and_rebuilt_months_give_the_views_own_values(store, label):
    period = parse_period(label)
    out = []
    for materialise in (True, False):
        engine = DuckDBEngine(store, materialise=materialise)
        try:
            out.append(engine.measures(INDS, period, TZ))
            if materialise:
                assert engine.last_build is not None and engine.last_build.months == {}  # all fresh
        finally:
            engine.close()
    stored, computed = out
    assert stored
    for agent in set(stored) | set(computed):
        for code in INDS:
            x, y = stored[agent][code.code], computed[agent][code.code]
            assert x.n == y.n, (agent, code.code)
            assert (x.value is None) == (y.value is None)
            assert x.value is None or math.isclose(x.value, y.value, rel_tol=1e-9, abs_tol=1e-12)
