"""``frontdesk quality``: the report of a period as JSON (keys in docs/data-quality.md) and as
tables; bad input exits 2 with one line."""

from __future__ import annotations

import json

import pytest
from conftest import run_frontdesk
from test_quality import build_quality_store

from frontdesk.usecases.workspace import init_workspace


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality-ws")
    init_workspace(root, timezone="UTC")
    build_quality_store(root / "events")
    return root


def test_json_has_the_documented_keys_and_the_planted_findings(workspace):
    out = run_frontdesk("quality", "--workspace", str(workspace), "--period", "2026-10", "--format", "json")
    doc = json.loads(out.stdout)
    assert set(doc) >= {
        "period",
        "timezone",
        "teams",
        "thresholds",
        "summary",
        "recording",
        "heaping",
        "surveys",
        "findings",
        "agent_flags",
    }
    assert doc["period"] == "2026-10" and doc["teams"] is None and doc["timezone"] == "UTC"
    assert doc["summary"] == {
        "duplicate_ids": 1,
        "duplicate_contacts": 1,
        "outliers": 1,
        "impossible_times": 1,
        "unknown_agents": 1,
        "implausible_customers": 0,
        "before_hire": 0,
        "heaped": 1,
        "unreliable_samples": 2,
        "refused_rows": 0,
    }
    total = next(r for r in doc["recording"]["teams"] if r["team_id"] is None)
    assert (total["system"], total["manual"], total["unknown"], total["total"]) == (48, 60, 0, 108)
    handle = next(r for r in doc["recording"]["indicators"] if r["code"] == "handle_time")
    assert handle["n"] == 108 and handle["manual_share"] == pytest.approx(60 / 108, abs=1e-6)
    a1 = next(h for h in doc["heaping"] if h["agent_id"] == "A1" and h["measure"] == "handle_seconds")
    assert (a1["near_five"], a1["on_five"], a1["heaped"]) == (30, 20, True)
    assert a1["five_expected"] == pytest.approx(1 / 3)
    a1_surveys = next(s for s in doc["surveys"] if s["agent_id"] == "A1")
    (csat,) = a1_surveys["samples"]
    assert csat["kind"] == "csat" and csat["n"] == 5 and csat["reliable"] is False
    assert csat["width"] > csat["max_width"]
    unknown = next(f for f in doc["findings"] if f["check"] == "unknown_agent")
    assert unknown["keys"] == ["X-1", "X-2"] and unknown["agent_id"] == "X9"
    assert doc["agent_flags"]["A1"]["indicators"]["handle_time"] == ["heaped_durations"]
    assert doc["agent_flags"]["A3"]["flags"] == ["duplicate_records", "impossible_times", "outlier_records"]


def test_team_selects_the_team_and_its_sub_teams(workspace):
    out = run_frontdesk(
        "quality", "--workspace", str(workspace), "--period", "2026-10", "--team", "T1", "--format", "json"
    )
    doc = json.loads(out.stdout)
    assert doc["teams"] == ["T1"] and doc["findings"] == []
    out = run_frontdesk(
        "quality", "--workspace", str(workspace), "--period", "2026-10", "--team", "T2", "--format", "json"
    )
    assert json.loads(out.stdout)["teams"] == ["T2", "T2a"]


def test_table_format_names_each_finding_with_its_keys(workspace):
    out = run_frontdesk("quality", "--workspace", str(workspace), "--period", "2026-10").stdout
    assert "Data quality 2026-10" in out
    for text in ("C-dup", "C-n1, C-n2", "C-bad", "C3-out", "X-1, X-2", "resolved_before_created"):
        assert text in out, text


def test_latest_is_the_newest_month_with_contacts(workspace):
    doc = json.loads(run_frontdesk("quality", "--workspace", str(workspace), "--format", "json").stdout)
    assert doc["period"] == "2026-10"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--team", "NOPE"], "--team NOPE: no such team in the event store (known: T1, T2, T2a)"),
        (["--period", "2026-13"], "--period"),
    ],
)
def test_bad_input_exits_2_with_one_line(workspace, args, message):
    result = run_frontdesk("quality", "--workspace", str(workspace), *args, check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_a_folder_that_is_no_workspace_exits_2(tmp_path):
    result = run_frontdesk("quality", "--workspace", str(tmp_path), "--period", "2026-10", check=False)
    assert result.returncode == 2 and "not a Frontdesk workspace" in result.stderr
