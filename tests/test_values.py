"""``frontdesk values``: every catalogue indicator for every agent of a period (DESIGN.md's JSON
contract), for a month and for a range of days; agents with records but not in the roster are
listed too. Exactness against pandas is tests/test_indicators_reference.py (a range included)."""

import csv
import io
import json
from datetime import UTC, datetime

import pyarrow.compute as pc
import pytest
from click.testing import CliRunner

from frontdesk.cli import main
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.periods import parse_period
from frontdesk.synth import generate
from frontdesk.usecases.workspace import init_workspace

TZ = "Asia/Shanghai"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    ws = init_workspace(tmp_path_factory.mktemp("values"), timezone=TZ)
    generate(ws.store(), agents=6, months=1, start="2026-08", seed=5)
    return ws


def _values(ws, period: str, fmt: str = "json"):
    result = CliRunner().invoke(
        main, ["values", "--workspace", str(ws.root), "--period", period, "--format", fmt]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _contacts_of(ws, agent_id: str, label: str) -> int:
    """Contacts of ``agent_id`` created in the period, counted from the raw table."""
    lo, hi = parse_period(label).utc_bounds(TZ)
    t = ws.store().read("interactions", columns=["agent_id", "created_at", "abandoned"])
    at = t.column("created_at")
    mask = pc.and_(
        pc.and_(pc.equal(t.column("agent_id"), agent_id), pc.greater_equal(at, lo)), pc.less(at, hi)
    )
    return int(pc.sum(mask).as_py())


def test_values_json_has_every_indicator_for_every_agent(workspace):
    doc = json.loads(_values(workspace, "2026-08"))
    assert doc["period"] == "2026-08" and doc["timezone"] == TZ
    assert len(doc["agents"]) == 6
    for a in doc["agents"]:
        assert set(a) >= {"agent_id", "values"} and a["in_roster"]
        assert list(a["values"]) == list(builtin_catalog())
        assert all(set(v) == {"value", "n"} for v in a["values"].values())


def test_a_range_of_days_counts_only_its_days(workspace):
    label = "2026-08-10..2026-08-16"
    doc = json.loads(_values(workspace, label))
    assert doc["period"] == label
    a = doc["agents"][0]
    week = a["values"]["handle_time"]["n"]
    month = next(
        x for x in json.loads(_values(workspace, "2026-08"))["agents"] if x["agent_id"] == a["agent_id"]
    )
    assert 0 < week < month["values"]["handle_time"]["n"]
    # handle_time counts the agent's handled contacts: at most the contacts created in the range.
    assert week <= _contacts_of(workspace, a["agent_id"], label)


def test_values_csv_and_table(workspace):
    rows = list(csv.DictReader(io.StringIO(_values(workspace, "2026-08", "csv"))))
    assert len(rows) == 6 and "first_response" in rows[0] and "first_response_n" in rows[0]
    table = _values(workspace, "2026-08", "table")
    assert "I-E1" in table and "First response time" in table


def test_a_bad_range_exits_2(workspace):
    result = CliRunner().invoke(
        main, ["values", "--workspace", str(workspace.root), "--period", "2026-08-20..2026-08-10"]
    )
    assert result.exit_code == 2 and "ends before it starts" in result.output


def test_a_range_before_any_data_exits_2(workspace):
    result = CliRunner().invoke(
        main, ["values", "--workspace", str(workspace.root), "--period", "2020-01-01..2020-01-31"]
    )
    assert result.exit_code == 2 and "no records" in result.output


def test_parse_period_takes_a_range():
    p = parse_period("2016-02-29..2017-03-01")
    assert p.kind == "range" and p.cycle == "annual"
    assert (p.start.isoformat(), p.end.isoformat()) == ("2016-02-29", "2017-03-02")
    assert parse_period("2026-10-01..2026-10-31").cycle == "monthly"
    assert parse_period("2026-10-01..2026-12-31").cycle == "quarterly"
    lo, hi = parse_period("2026-10-01..2026-10-01").utc_bounds(TZ)
    assert (lo, hi) == (datetime(2026, 9, 30, 16, tzinfo=UTC), datetime(2026, 10, 1, 16, tzinfo=UTC))
