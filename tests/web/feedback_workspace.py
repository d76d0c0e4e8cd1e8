"""A workspace for the feedback tests: the web tests' organisation in the event store, with 20
top-box surveys per agent this month (so everyone scores CSAT 100, grade A), and the recompute the
command line does (``frontdesk.usecases.compute.compute_periods``)."""

from __future__ import annotations

from datetime import timedelta

import pyarrow as pa
from django.utils import timezone

from frontdesk.indicators.periods import Period, parse_period
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.usecases.workspace import Workspace, init_workspace

from .conftest import build_appraisal_data


def this_month() -> Period:
    return parse_period(timezone.localtime().strftime("%Y-%m"))


def make_workspace(root, settings, monkeypatch) -> Workspace:
    ws = init_workspace(root)
    settings.WORKSPACE = ws.root
    monkeypatch.setenv("FRONTDESK_WORKSPACE", str(ws.root))
    data = build_appraisal_data()
    store = EventStore(ws.events)
    for name, rows in (("sites", data.sites), ("teams", data.teams), ("agents", data.agents)):
        store.write(name, pa.Table.from_pylist(rows, schema=TABLES[name].schema))
    at = timezone.now() - timedelta(minutes=5)
    surveys = [
        dict(survey_id=f"S{a['agent_id']}-{i}", agent_id=a["agent_id"], kind="csat", score=5.0, scale_max=5.0,
             submitted_at=at)
        for a in data.agents
        for i in range(20)
    ]  # fmt: skip
    store.write("surveys", pa.Table.from_pylist(surveys, schema=TABLES["surveys"].schema))
    return ws


def recompute(ws: Workspace, period: Period) -> None:
    """What ``frontdesk compute --period P`` does: compute on DuckDB and store a new run."""
    from frontdesk.usecases.compute import compute_periods

    compute_periods(ws, [period])
