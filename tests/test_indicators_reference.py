"""Every catalogue indicator on generated data equals an independent pandas computation."""

import math

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from frontdesk.bench.pandas_reference import reference_codes, reference_values
from frontdesk.engine.catalog import builtin_catalog
from frontdesk.engine.engines import DuckDBEngine
from frontdesk.engine.eventstore import EventStore
from frontdesk.engine.periods import parse_period
from frontdesk.engine.tables import TABLES
from frontdesk.synth import generate

TZ = "Asia/Shanghai"
CODES = list(builtin_catalog())
# Agents move to extra teams on every built-in calendar, one without a calendar and one missing
# from the teams table (both: the default), so business time is checked on office hours, a
# seven-day service desk and a 24x7 calendar, not only on the generator's own.
EXTRA_TEAMS = {"T90": "24x7", "T91": "cn-mainland", "T92": None, "T93": "absent"}
NOT_GENERATED = {"periodic_satisfaction", "script_compliance"}  # no periodic surveys, no transcript QA
# 360° campaigns are answered in the last month of the quarter.
RATINGS_360 = {c for c in CODES if c.startswith("rating_360")} | {"collaboration_satisfaction"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    store = EventStore(tmp_path_factory.mktemp("events"))
    summary = generate(store, agents=24, months=2, start="2026-08", seed=11)
    _spread_over_calendars(store)
    engine = DuckDBEngine(store)
    agents = [a["agent_id"] for a in engine.agents()]
    yield store, summary, engine, agents
    engine.close()


def _spread_over_calendars(store: EventStore) -> None:
    [teams_file], [agents_file] = store.files("teams"), store.files("agents")
    teams = pq.read_table(teams_file).to_pylist()
    extra = [{**teams[0], "team_id": t, "calendar_id": c} for t, c in EXTRA_TEAMS.items() if c != "absent"]
    pq.write_table(pa.Table.from_pylist(teams + extra, schema=TABLES["teams"].schema), teams_file)
    agents = pq.read_table(agents_file).to_pylist()
    moves = [None, *EXTRA_TEAMS]
    for i, a in enumerate(agents):
        a["team_id"] = moves[i % len(moves)] or a["team_id"]
    pq.write_table(pa.Table.from_pylist(agents, schema=TABLES["agents"].schema), agents_file)


def test_the_reference_defines_every_catalogue_indicator():
    assert sorted(reference_codes()) == sorted(CODES)


@pytest.mark.parametrize("label", ["2026-08", "2026-09", "2026-Q3", "2026"])
def test_engine_equals_pandas_for_every_agent_and_indicator(generated, label):
    store, _, engine, agents = generated
    period = parse_period(label)
    ours = engine.measures([builtin_catalog()[c] for c in CODES], period, TZ, agent_ids=agents)
    ref = reference_values(store, period, TZ, agent_ids=agents)
    assert sorted(ours) == sorted(ref.index) == sorted(agents)
    checked: dict[str, int] = dict.fromkeys(CODES, 0)
    for agent_id, row in ours.items():
        for code in CODES:
            got, want, want_n = row[code], ref.at[agent_id, code], int(ref.at[agent_id, f"{code}__n"])
            assert got.n == want_n, (agent_id, code)
            if math.isnan(want):
                assert got.value is None, (agent_id, code)
            else:
                assert got.value == pytest.approx(float(want), rel=1e-9, abs=1e-12), (agent_id, code)
                checked[code] += 1
    # Every indicator has values to compare, except what the generator never produces.
    missing = {c for c, k in checked.items() if k == 0}
    assert missing <= NOT_GENERATED | (RATINGS_360 if label == "2026-08" else set())
    assert sum(checked.values()) > 20 * len(agents)


def test_business_time_differs_by_calendar(generated):
    store, _, _, agents = generated
    ref = reference_values(store, parse_period("2026-Q3"), TZ, agent_ids=agents)
    team = pq.read_table(store.files("agents")[0]).to_pandas().set_index("agent_id")["team_id"]
    calendar = team.map(lambda t: EXTRA_TEAMS.get(t, "cn-service")).replace(
        {None: "default", "absent": "default"}
    )
    share = (ref["first_response_business"] / ref["first_response"]).groupby(calendar).median()
    assert share["24x7"] == pytest.approx(1.0)  # always open: business time is elapsed time
    # Office hours (also the default) leave out more of a wait than the 08:00-21:00 service desk.
    assert 0.0 < share["cn-mainland"] < share["cn-service"] <= 1.0
    assert 0.0 < share["default"] < share["cn-service"]


def test_agents_without_surveys_are_not_available_not_zero(generated):
    store, summary, engine, agents = generated
    period = parse_period("2026-09")
    ours = engine.measures([builtin_catalog()[c] for c in CODES], period, TZ, agent_ids=agents)
    ref = reference_values(store, period, TZ, agent_ids=agents)
    silent = [a for a, row in ours.items() if row["csat"].n == 0]
    assert silent, "the generator should leave some agents without surveys"
    assert set(silent) == {a for a, t in summary.truth.items() if not t.surveys_connected}
    for agent_id in silent:
        for code in ("csat", "nps", "csat_mean"):
            assert (ours[agent_id][code].value, ours[agent_id][code].n) == (None, 0)
            assert math.isnan(ref.at[agent_id, code]) and ref.at[agent_id, f"{code}__n"] == 0
        assert ours[agent_id]["handle_time"].value is not None


def test_a_count_is_zero_for_an_agent_without_rows_when_the_source_has_rows(generated, tmp_path):
    store, _, engine, agents = generated
    period = parse_period("2026-09")
    ours = engine.measures([builtin_catalog()["kb_contribution"]], period, TZ, agent_ids=[*agents, "NOBODY"])
    ref = reference_values(store, period, TZ, agent_ids=[*agents, "NOBODY"])
    assert (ours["NOBODY"]["kb_contribution"].value, ours["NOBODY"]["kb_contribution"].n) == (0.0, 0)
    assert (ref.at["NOBODY", "kb_contribution"], ref.at["NOBODY", "kb_contribution__n"]) == (0.0, 0)
    # ... but "not available" for an organisation that keeps no knowledge base at all.
    bare = EventStore(tmp_path)
    for name in ("agents", "teams", "interactions"):
        for f in store.files(name):
            table = pq.read_table(f)
            if name == "interactions":
                table = table.filter(pc.equal(table["agent_id"], agents[0]))
            bare.write(name, table)
    empty = DuckDBEngine(bare)
    try:
        none = empty.measures([builtin_catalog()["kb_contribution"]], period, TZ, agent_ids=agents[:2])
    finally:
        empty.close()
    ref = reference_values(bare, period, TZ, agent_ids=agents[:2])
    assert none[agents[1]]["kb_contribution"].value is None
    assert math.isnan(ref.at[agents[1], "kb_contribution"])
