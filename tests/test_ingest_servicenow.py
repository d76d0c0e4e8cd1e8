"""The ServiceNow incident log (shared datasets) imports with the servicenow preset, and its
per-assignee figures match a computation on the raw CSV written independently with pandas."""

from __future__ import annotations

import zipfile

import duckdb
import pytest
from conftest import SERVICENOW_LOG

from frontdesk.store.eventstore import EventStore

LOG = SERVICENOW_LOG
pytestmark = pytest.mark.skipif(not LOG.exists(), reason=f"dataset not found at {LOG}")
pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def imported(servicenow_imported):
    store, report = servicenow_imported
    return store, report


@pytest.fixture(scope="module")
def raw():
    with zipfile.ZipFile(LOG) as z, z.open("incident_event_log.csv") as f:
        df = pd.read_csv(f, na_values=["?"], keep_default_na=False, low_memory=False)
    df["_line"] = range(len(df))
    return df


def _con(store: EventStore) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for t in ("interactions", "interaction_events"):
        files = ", ".join(f"'{f}'" for f in store.files(t))
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet([{files}])")
    return con


def test_every_incident_becomes_one_interaction(imported, raw):
    store, report = imported
    assert report.state == "committed"
    assert report.tables["interactions"].refused == 0
    n = _con(store).execute("SELECT count(*), count(DISTINCT interaction_id) FROM interactions").fetchone()
    assert n == (raw["number"].nunique(), raw["number"].nunique()) == (24918, 24918)


def test_per_assignee_figures_match_the_raw_log(imported, raw):
    store, _ = imported
    # Independent reading: the incident as its last update (highest sys_mod_count) shows it.
    last = raw.sort_values(["number", "sys_mod_count", "_line"]).groupby("number").tail(1)
    opened = pd.to_datetime(last["opened_at"], format="%d/%m/%Y %H:%M")
    resolved = pd.to_datetime(last["resolved_at"], format="%d/%m/%Y %H:%M")
    last = last.assign(hours=(resolved - opened).dt.total_seconds() / 3600)
    expected = last.groupby("assigned_to").agg(
        incidents=("number", "size"),
        reopened=("reopen_count", lambda s: int((s > 0).sum())),
        reassigned=("reassignment_count", lambda s: int((s > 0).sum())),
        median_hours=("hours", "median"),
    )
    got = (
        _con(store)
        .execute(
            """SELECT agent_id, count(*) AS incidents,
                      count(*) FILTER (WHERE reopened_count > 0) AS reopened,
                      count(*) FILTER (WHERE transfer_count > 0) AS reassigned,
                      median(epoch(resolved_at - created_at) / 3600) AS median_hours
               FROM interactions WHERE agent_id IS NOT NULL GROUP BY agent_id"""
        )
        .df()
        .set_index("agent_id")
        .sort_index()
    )
    expected = expected.sort_index()
    assert list(got.index) == list(expected.index)
    assert len(got) > 200
    for col in ("incidents", "reopened", "reassigned"):
        assert got[col].astype(int).tolist() == expected[col].astype(int).tolist(), col
    pd.testing.assert_series_equal(
        got["median_hours"], expected["median_hours"], check_names=False, rtol=1e-9
    )
    busiest = expected["incidents"].idxmax()
    assert got.loc[busiest, "incidents"] == expected.loc[busiest, "incidents"] > 500


def test_reopenings_and_reassignments_are_kept_as_events(imported, raw):
    store, _ = imported
    df = raw.sort_values(["number", "sys_mod_count", "_line"])
    reopen_steps = df.groupby("number")["reopen_count"].diff().fillna(0)
    expected_reopens = int((reopen_steps > 0).sum())
    con = _con(store)
    kinds = dict(con.execute("SELECT kind, count(*) FROM interaction_events GROUP BY kind").fetchall())
    assert kinds["reopened"] == expected_reopens > 200
    assert kinds["created"] == 24918
    # every reopening is an event of an interaction that counts at least one reopening
    orphan = con.execute(
        """SELECT count(*) FROM interaction_events e JOIN interactions i USING (interaction_id)
           WHERE e.kind = 'reopened' AND i.reopened_count = 0"""
    ).fetchone()[0]
    assert orphan == 0
    incidents_reassigned = int((df.groupby("number")["reassignment_count"].max() > 0).sum())
    with_transfer = con.execute(
        "SELECT count(DISTINCT interaction_id) FROM interaction_events WHERE kind = 'transferred'"
    ).fetchone()[0]
    assert with_transfer >= incidents_reassigned


def test_priorities_and_channels_are_translated(imported, raw):
    store, _ = imported
    con = _con(store)
    prio = dict(con.execute("SELECT priority, count(*) FROM interactions GROUP BY 1").fetchall())
    last = raw.sort_values(["number", "sys_mod_count", "_line"]).groupby("number").tail(1)
    assert prio["urgent"] == int((last["priority"] == "1 - Critical").sum())
    assert set(prio) <= {"low", "normal", "high", "urgent"}
    channels = dict(con.execute("SELECT channel, count(*) FROM interactions GROUP BY 1").fetchall())
    assert channels["email"] == int((last["contact_type"] == "Email").sum())
