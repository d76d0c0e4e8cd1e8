"""Every v0 indicator on generated data equals an independent pandas computation."""

import math

import pytest

from frontdesk.bench.pandas_reference import reference_values
from frontdesk.engine.catalog import builtin_catalog
from frontdesk.engine.engines import DuckDBEngine
from frontdesk.engine.eventstore import EventStore
from frontdesk.engine.periods import parse_period
from frontdesk.engine.scheme import load_scheme
from frontdesk.synth import generate

TZ = "Asia/Shanghai"
V0 = load_scheme().indicator_codes()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    store = EventStore(tmp_path_factory.mktemp("events"))
    summary = generate(store, agents=24, months=2, start="2026-08", seed=11)
    engine = DuckDBEngine(store)
    yield store, summary, engine
    engine.close()


@pytest.mark.parametrize("label", ["2026-08", "2026-09", "2026-Q3"])
def test_engine_equals_pandas_for_every_agent_and_indicator(generated, label):
    store, _, engine = generated
    period = parse_period(label)
    ours = engine.measures([builtin_catalog()[c] for c in V0], period, TZ)
    ref = reference_values(store, period, TZ)
    assert len(ours) >= 20
    checked = 0
    for agent_id, row in ours.items():
        for code in V0:
            got = row[code]
            want_n = int(ref.at[agent_id, f"{code}__n"]) if agent_id in ref.index else 0
            want = ref.at[agent_id, code] if agent_id in ref.index else math.nan
            assert got.n == want_n, (agent_id, code)
            if want_n == 0 or (isinstance(want, float) and math.isnan(want)):
                assert got.value is None, (agent_id, code)
            else:
                assert got.value == pytest.approx(float(want), rel=1e-9, abs=1e-9), (agent_id, code)
                checked += 1
    assert checked > len(ours) * 5  # most indicators have values for most agents


def test_agents_without_surveys_are_not_available_not_zero(generated):
    _, summary, engine = generated
    ours = engine.measures([builtin_catalog()[c] for c in V0], parse_period("2026-09"), TZ)
    silent = [a for a, row in ours.items() if row["csat"].n == 0]
    assert silent, "the generator should leave some agents without surveys"
    assert set(silent) == {a for a, t in summary.truth.items() if not t.surveys_connected}
    for agent_id in silent:
        assert ours[agent_id]["csat"].value is None
        assert ours[agent_id]["nps"].value is None
        assert ours[agent_id]["first_response"].value is not None or ours[agent_id]["handle_time"].value
