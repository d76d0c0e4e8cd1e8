"""Contacts handled, resolution rate and resolution time (MISSION I-E4, I-E5, I-E6) on hand-built
contacts with hand-worked answers (docs/indicators.md): a call's Resolved Y/N, an open ticket left
out, a ticket closed without a resolution, an impossible resolution time, abandoned contacts."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

from frontdesk.bench.pandas_reference import reference_values
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES

TZ = "Asia/Shanghai"
PERIOD = parse_period("2026-11")
CODES = ["contacts_handled", "resolution_share", "resolution_time", "resolution_time_business"]
T = datetime(2026, 11, 10, 10, 0, tzinfo=ZoneInfo(TZ)).astimezone(UTC)
H = timedelta(hours=1)


def _contacts() -> pa.Table:
    def c(key, agent, channel, abandoned, **more):
        return {"interaction_id": key, "agent_id": agent, "channel": channel, "abandoned": abandoned,
                "created_at": T, "recorded_by": "system", **more}  # fmt: skip

    rows = [
        c("a", "R1", "phone", False, first_contact_resolved=True),  # call marked Resolved Y
        c("b", "R1", "phone", False, first_contact_resolved=False),  # ... and N: known, unresolved
        c("c", "R1", "phone", True, first_contact_resolved=True),  # abandoned: in nothing
        c("d", "R1", "email", None, resolved_at=T + 2 * H, first_contact_resolved=False),  # resolved later
        c("e", "R1", "email", False, closed_at=T + 5 * H),  # closed without a resolution
        c("f", "R1", "email", False),  # still open: says nothing, left out of the rate
        c("g", "R1", "email", False, resolved_at=T + 6 * H, closed_at=T + 30 * H),  # to resolved_at
        c("h", "R1", "chat", False, resolved_at=T),  # resolved at once: 0 h
        c("i", "R1", "email", False, resolved_at=T - H),  # impossible: resolved, but no time
        c("j", "R1", "email", True, resolved_at=T + 50 * H),  # abandoned: in nothing
        c("k", "R2", "email", False),  # R2 holds one open ticket only
    ]
    return pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> EventStore:
    store = EventStore(tmp_path_factory.mktemp("resolution"))
    store.write(
        "agents", pa.Table.from_pylist([{"agent_id": "R1"}, {"agent_id": "R2"}], TABLES["agents"].schema)
    )
    store.write("interactions", _contacts())
    return store


WANT = {
    "R1": {
        "contacts_handled": (8.0, 8),  # a b d e f g h i
        "resolution_share": (500 / 7, 7),  # a d g h i of a b d e g h i
        "resolution_time": (2.0, 3),  # d 2 h, g 6 h, h 0 h
    },
    "R2": {"contacts_handled": (1.0, 1), "resolution_share": (None, 0), "resolution_time": (None, 0)},
}


@pytest.mark.parametrize("materialise", [True, False])
def test_by_hand_on_the_engine_and_in_pandas(store, materialise):
    engine = DuckDBEngine(store, materialise=materialise)
    try:
        got = engine.measures([builtin_catalog()[c] for c in CODES], PERIOD, TZ, agent_ids=["R1", "R2"])
    finally:
        engine.close()
    ref = reference_values(store, PERIOD, TZ, agent_ids=["R1", "R2"])
    for agent, codes in WANT.items():
        for code, (value, n) in codes.items():
            m = got[agent][code]
            assert m.n == n == ref.at[agent, f"{code}__n"], (agent, code)
            if value is None:
                assert m.value is None and ref[code].isna()[agent], (agent, code)
            else:
                assert m.value == pytest.approx(value) == ref.at[agent, code], (agent, code)
    # Business time counts the same contacts.
    assert got["R1"]["resolution_time_business"].n == 3
