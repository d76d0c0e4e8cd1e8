"""The whole ServiceNow incident log as one period: for the 20 resolvers with most incidents, the
incidents they resolved or hold (``contacts_handled``), reopen and reassignment rates, median time
to resolve (``resolution_time``) and SLA attainment equal a pandas computation from the raw CSV.

The pandas side follows the preset as docs/importing.md documents it, not the SQL: an incident is
its row with the highest ``sys_mod_count`` (then the latest in the file), credited to that row's
``assigned_to``; ``opened_at`` is ``created_at``, ``resolved_at`` and ``made_sla`` are taken as they
are, ``reopen_count`` is ``reopened_count``, ``reassignment_count`` is ``transfer_count``; times are
read as UTC (the preset's ``timezone``); nothing maps ``abandoned``, so no incident is abandoned."""

from __future__ import annotations

import zipfile

import pytest
from conftest import SERVICENOW_LOG

from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.ingest import load_preset

LOG = SERVICENOW_LOG
pytestmark = pytest.mark.skipif(not LOG.exists(), reason=f"dataset not found at {LOG}")
pd = pytest.importorskip("pandas")
CODES = ("contacts_handled", "reopen_rate", "reassignment_rate", "resolution_time", "sla_attainment")
TOP = 20
TIME = "%d/%m/%Y %H:%M"  # the preset's date_order = "dmy"


@pytest.fixture(scope="module")
def raw():
    with zipfile.ZipFile(LOG) as z, z.open("incident_event_log.csv") as f:
        return pd.read_csv(f, na_values=["?"], keep_default_na=False, low_memory=False)


@pytest.fixture(scope="module")
def whole_log(raw) -> str:
    """The log's first to last opening day, as the preset reads the times (UTC)."""
    opened = pd.to_datetime(raw["opened_at"], format=TIME)
    return f"{opened.min().date().isoformat()}..{opened.max().date().isoformat()}"


@pytest.fixture(scope="module")
def measured(servicenow_imported, whole_log):
    assert load_preset("servicenow").timezone == "UTC"
    store, report = servicenow_imported
    assert report.state == "committed"
    engine = DuckDBEngine(store)
    try:
        yield engine.measures([builtin_catalog()[c] for c in CODES], parse_period(whole_log), "UTC")
    finally:
        engine.close()


@pytest.fixture(scope="module")
def final(raw):
    """Each incident as its last update shows it, with an assignee."""
    df = raw.assign(_line=range(len(raw)))
    out = df.sort_values(["number", "sys_mod_count", "_line"]).groupby("number").tail(1)
    out = out[out["assigned_to"].notna()].copy()
    out["opened"] = pd.to_datetime(out["opened_at"], format=TIME)
    out["resolved"] = pd.to_datetime(out["resolved_at"], format=TIME)
    return out


def _expected(incidents) -> dict[str, tuple[float, int]]:
    """One resolver's indicators from their incidents, as docs/indicators.md defines them."""
    resolved = incidents[incidents["resolved"].notna()]
    resolved = resolved[resolved["resolved"] >= resolved["opened"]]
    hours = (resolved["resolved"] - resolved["opened"]).dt.total_seconds() / 3600.0
    rework = resolved[resolved["reopen_count"].notna()]
    moved = incidents[incidents["reassignment_count"].notna()]
    judged = resolved[resolved["made_sla"].notna()]
    met = judged["made_sla"].astype(str).str.lower() == "true"
    return {
        "contacts_handled": (float(len(incidents)), len(incidents)),
        "reopen_rate": (100.0 * (rework["reopen_count"] > 0).mean(), len(rework)),
        "reassignment_rate": (100.0 * (moved["reassignment_count"] > 0).mean(), len(moved)),
        "resolution_time": (float(hours.median()), len(hours)),
        "sla_attainment": (100.0 * met.mean(), len(judged)),
    }


def test_the_whole_log_is_one_period(raw, whole_log):
    period = parse_period(whole_log)
    assert period.kind == "range" and whole_log == "2016-02-29..2017-02-16"
    opened = pd.to_datetime(raw["opened_at"], format=TIME).dt.tz_localize("UTC")
    lo, hi = period.utc_bounds("UTC")
    assert ((opened >= lo) & (opened < hi)).all()


def test_the_top_resolvers_match_the_raw_log(measured, final):
    top = final["assigned_to"].value_counts().head(TOP).index
    assert len(top) == TOP
    for resolver in top:
        for code, (value, n) in _expected(final[final["assigned_to"] == resolver]).items():
            got = measured[resolver][code]
            assert got.n == n, (resolver, code)
            assert got.value == pytest.approx(value, rel=1e-9), (resolver, code)
    # Not vacuous: the busiest resolver holds thousands of incidents, resolved in varied times.
    assert measured[top[0]]["contacts_handled"].n > 1000
    times = {measured[r]["resolution_time"].value for r in top}
    assert len(times) > TOP // 2
