"""Contacts without a roster (issue 14): compute says what to run instead of "0 scorecards";
`frontdesk roster infer` builds the roster as one undoable import batch; an agent in an unknown
team is one line naming both, not a traceback."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pyarrow as pa
import pytest
from click.testing import CliRunner
from conftest import run_frontdesk

from frontdesk.cli import main
from frontdesk.usecases.roster import infer_roster
from frontdesk.usecases.workspace import init_workspace

AGENTS = ("A0001", "A0002", "A0007")


@pytest.fixture
def ws(tmp_path):
    """A workspace holding eight contacts of October 2026 by three agents, and no roster."""
    ws = init_workspace(tmp_path / "ws")
    times = [datetime(2026, 10, 1 + i, 2, tzinfo=UTC) for i in range(8)]
    contacts = {
        "interaction_id": [f"I{i}" for i in range(8)],
        "agent_id": [AGENTS[i % 3] for i in range(8)],
        "team_id": ["north", "north", "south", "north", "north", "south", "north", "north"],
        "channel": ["phone"] * 8,
        "created_at": times,
        "first_response_at": times,
        "resolved_at": times,
        "handle_seconds": [300.0] * 8,
    }
    ws.store().write("interactions", pa.table(contacts))
    return ws


def run(ws, *args):
    """A command that needs no database, in this process."""
    return CliRunner().invoke(main, [*args, "--workspace", str(ws.root)])


def compute(ws):
    """``frontdesk compute`` as a user runs it (a subprocess: it opens the workspace's database);
    its exit status and its output (stdout, then stderr) in one."""
    done = run_frontdesk("compute", "--workspace", str(ws.root), "--period", "2026-10", check=False)
    done.output = done.stdout + done.stderr
    done.exit_code = done.returncode
    return done


def test_contacts_without_a_roster_exit_2_naming_roster_infer(ws):
    result = compute(ws)
    assert result.exit_code == 2
    assert "3 agents have contacts in 2026-10" in result.output
    assert "frontdesk roster infer" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_roster_infer_then_compute_then_undo(ws):
    inferred = run(ws, "roster", "infer", "--team", "T01")
    assert inferred.exit_code == 0, inferred.output
    assert "added 3 agents: A0001, A0002, A0007" in inferred.output
    assert "added 1 team: T01 (Default team)" in inferred.output
    batch = re.search(r"roster batch (\S+)", inferred.output).group(1)
    agents = ws.store().read("agents").to_pylist()
    assert [(a["agent_id"], a["name"], a["team_id"], a["active"]) for a in agents] == [
        (a, a, "T01", True) for a in AGENTS
    ]
    assert ws.store().read("teams", ["team_id", "name", "name_zh"]).to_pylist() == [
        {"team_id": "T01", "name": "Default team", "name_zh": "默认团队"}
    ]

    computed = compute(ws)
    assert computed.exit_code == 0, computed.output
    assert "computed 2026-10: 3 scorecards" in computed.output

    undone = run_frontdesk("import", "--workspace", str(ws.root), "--undo", batch)
    assert undone.stdout.startswith(f"undone {batch}")
    assert ws.store().read("agents").num_rows == 0 and ws.store().read("teams").num_rows == 0
    again = compute(ws)
    assert again.exit_code == 2 and "frontdesk roster infer" in again.output


def test_an_agent_in_an_unknown_team_exits_2_naming_agent_and_team(ws):
    ws.store().write("agents", pa.table({"agent_id": ["A0007"], "name": ["Li Na"], "team_id": ["T9"]}))
    result = compute(ws)
    assert result.exit_code == 2, result.output
    assert "agent A0007 is in team T9" in result.output
    assert "Traceback" not in result.output
    fixed = run(ws, "roster", "infer")  # adds the two other agents to T01, and the missing team T9
    assert fixed.exit_code == 0, fixed.output
    assert "added 2 agents: A0001, A0002" in fixed.output and "T9 (T9)" in fixed.output
    assert "1 agent already in the roster" in fixed.output
    assert compute(ws).exit_code == 0


def test_dry_run_writes_nothing_and_a_second_run_adds_nothing(ws):
    dry = infer_roster(ws, dry_run=True)
    assert dry.state == "dry-run" and len(dry.agents) == 3 and dry.batch_id is None
    assert ws.store().read("agents").num_rows == 0
    first = infer_roster(ws)
    second = infer_roster(ws)
    assert first.state == "committed" and second.state == "nothing-new"
    assert second.known_agents == 3 and not second.agents and not second.teams


def test_team_column_takes_each_agents_most_frequent_team(ws):
    result = infer_roster(ws, team_column="team_id")
    teams = {a["agent_id"]: a["team_id"] for a in ws.store().read("agents").to_pylist()}
    # A0007 has contacts I2 (south) and I5 (south); A0001 I0, I3, I6 (north); A0002 I1, I4, I7 (north)
    assert teams == {"A0001": "north", "A0002": "north", "A0007": "south"}
    assert sorted(t["team_id"] for t in result.teams) == ["north", "south"]


def test_bad_options_and_an_empty_store_exit_2(ws, tmp_path):
    both = run(ws, "roster", "infer", "--team", "T1", "--team-column", "team_id")
    assert both.exit_code == 2 and "not both" in both.output
    bad = run(ws, "roster", "infer", "--team-column", "nowhere")
    assert bad.exit_code == 2 and "--team-column 'nowhere'" in bad.output
    empty = init_workspace(tmp_path / "empty")
    nothing = run(empty, "roster", "infer")
    assert nothing.exit_code == 2 and "import contacts first" in nothing.output
