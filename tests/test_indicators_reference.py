"""Every catalogue indicator on generated data equals an independent pandas computation."""

import math
from datetime import timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from frontdesk.bench.pandas_reference import reference_codes, reference_values
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
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
    _add_resolution_slas(store)
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


def _add_resolution_slas(store: EventStore) -> None:
    """The generator writes no SLA: give a third of the contacts a due time 8 hours after creation,
    a third the source's own verdict (met on even rows), and leave a third without an SLA."""
    for f in store.files("interactions"):
        rows = pq.read_table(f).to_pylist()
        for i, r in enumerate(rows):
            if i % 3 == 0 and r["created_at"] is not None:
                r["sla_due_at"] = r["created_at"] + timedelta(hours=8)
            elif i % 3 == 1:
                r["sla_met"] = i % 2 == 0
        pq.write_table(pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema), f)


def test_the_reference_defines_every_catalogue_indicator():
    assert sorted(reference_codes()) == sorted(CODES)


# A range of days starting mid-month and crossing a month end: a pilot, or a whole log.
@pytest.mark.parametrize("label", ["2026-08", "2026-09", "2026-Q3", "2026", "2026-08-10..2026-09-05"])
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
    assert missing <= NOT_GENERATED | (RATINGS_360 if label == "2026-08" or ".." in label else set())
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


# -- replies long after the period (docs/indicators.md, response_episodes) -------------------------
def _late_reply_store(root) -> EventStore:
    """Three chats of agent L1 in November 2026 (Shanghai), answered 20 and 40 days after the month
    ends (transcript turns, so first_response_at is left empty), and one reopened on 29 November
    whose reply comes 40 days after the month, from agent L2."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    sh = ZoneInfo("Asia/Shanghai")
    end = datetime(2026, 12, 1, tzinfo=sh).astimezone(UTC)  # the period's end, as an instant
    created = datetime(2026, 11, 30, 12, 0, tzinfo=sh).astimezone(UTC)
    reopened = datetime(2026, 11, 29, 9, 0, tzinfo=sh).astimezone(UTC)
    store = EventStore(root)
    store.write(
        "teams", pa.Table.from_pylist([{"team_id": "T1", "calendar_id": "24x7"}], TABLES["teams"].schema)
    )
    store.write(
        "agents",
        pa.Table.from_pylist(
            [{"agent_id": a, "team_id": "T1"} for a in ("L1", "L2")], TABLES["agents"].schema
        ),
    )
    chat = {"channel": "chat", "agent_id": "L1", "abandoned": False, "recorded_by": "system"}
    store.write(
        "interactions",
        pa.Table.from_pylist(
            [
                {**chat, "interaction_id": "late20", "created_at": created},
                {**chat, "interaction_id": "late40", "created_at": created},
                {**chat, "interaction_id": "reopen40", "created_at": created - timedelta(days=3),
                 "first_response_at": created - timedelta(days=3, seconds=-60)},
            ],
            schema=TABLES["interactions"].schema,
        ),
    )  # fmt: skip
    turn = {"speaker": "agent", "seq": 1, "text": "hello"}
    store.write(
        "messages",
        pa.Table.from_pylist(
            [
                {**turn, "interaction_id": "late20", "agent_id": "L1", "at": end + timedelta(days=20)},
                {**turn, "interaction_id": "late40", "agent_id": "L1", "at": end + timedelta(days=40)},
            ],
            schema=TABLES["messages"].schema,
        ),
    )
    store.write(
        "interaction_events",
        pa.Table.from_pylist(
            [
                {"event_id": "r1", "interaction_id": "reopen40", "kind": "reopened", "at": reopened},
                {"event_id": "r2", "interaction_id": "reopen40", "kind": "reply", "actor": "agent",
                 "agent_id": "L2", "at": end + timedelta(days=40)},
            ],
            schema=TABLES["interaction_events"].schema,
        ),
    )  # fmt: skip
    return store


@pytest.mark.parametrize("materialise", [True, False])
def test_a_reply_long_after_the_period_still_answers_its_wait(tmp_path, materialise):
    """A wait's reply is a fact of the wait, whenever it came: 20 days or 40 days past the end of
    the month (beyond the 31 days a period-scoped view would look) count the same, in the month and
    in the quarter, on the materialised table and on the view's SQL, and in the pandas reference."""
    store = _late_reply_store(tmp_path / "events")
    codes = ["first_response", "first_response_business"]
    inds = [builtin_catalog()[c] for c in codes]
    day = 86_400.0
    # L1: creations 20 and 40 days (+ 12 h) after the contact, and the reopened contact's creation
    # (60 s); L2: the reopening, answered 40 days after the month plus the 1 day 15 h left of it.
    want = {
        "L1": (sorted([60.0, (20 + 0.5) * day, (40 + 0.5) * day])[1], 3),
        "L2": ((40 + 1 + 15 / 24) * day, 1),
    }
    engine = DuckDBEngine(store, materialise=materialise)
    try:
        for label in ("2026-11", "2026-Q4"):
            period = parse_period(label)
            got = engine.measures(inds, period, TZ)
            ref = reference_values(store, period, TZ)
            for agent, (value, n) in want.items():
                for code in codes:  # the 24x7 calendar: business time is elapsed time
                    assert got[agent][code].value == pytest.approx(value, rel=1e-12), (label, agent, code)
                    assert got[agent][code].n == n
                    assert ref.at[agent, code] == pytest.approx(value, rel=1e-12)
                    assert ref.at[agent, f"{code}__n"] == n
    finally:
        engine.close()
