"""The roster (``agents``, ``teams``) inferred from imported records, and the roster checks that
``frontdesk compute`` runs before it computes (issue 14, "Roster").

A real organisation often imports its contacts (a call-centre export with an agent column) but no
roster. :func:`infer_roster` (``frontdesk roster infer``) adds one agent per distinct agent id of
the fact tables that is not in ``agents`` yet (name = the id, active, no hire date), in one team:
``--team T`` (default ``T01``, "Default team" / "默认团队"), or, with ``--team-column COL``, the
value of a column of ``interactions`` (``team_id`` in practice) the agent's contacts carry most
often. Teams that the roster names but ``teams`` lacks are added too. Everything is written as
ONE import batch (``frontdesk.ingest.batches``), so ``frontdesk import --undo BATCH`` takes it
back out.

:func:`check_roster` is what ``compute_periods`` calls: an empty roster with contacts in the
period, or an agent whose team is not in ``teams``, is an ``InputError`` naming the fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from frontdesk.indicators.periods import Period
from frontdesk.ingest import IngestError, batches
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.usecases.errors import InputError
from frontdesk.usecases.workspace import Workspace

DEFAULT_TEAM = "T01"
DEFAULT_TEAM_NAME = "Default team"
DEFAULT_TEAM_NAME_ZH = "默认团队"
SOURCE = "roster infer"  # the ``mapping`` of the batch's manifest: how ``frontdesk imports`` lists it

# The fact tables' columns that name the agent a record is about (not raters or customers).
AGENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("interactions", "agent_id"),
    ("interactions", "first_response_agent_id"),
    ("interaction_events", "agent_id"),
    ("messages", "agent_id"),
    ("surveys", "agent_id"),
    ("qa_reviews", "agent_id"),
    ("ratings_360", "subject_agent_id"),
    ("handoffs", "from_agent_id"),
    ("trainings", "agent_id"),
    ("suggestions", "agent_id"),
    ("kb_contributions", "agent_id"),
    ("worktime", "agent_id"),
)


@dataclass
class RosterResult:
    """What ``infer_roster`` added (or, in a dry run, would add)."""

    state: str  # committed | dry-run | nothing-new
    batch_id: str | None
    agents: list[dict[str, Any]]  # the new agents rows
    teams: list[dict[str, Any]]  # the new teams rows
    known_agents: int  # agents with records that were already in the roster
    without_team_value: list[str] = field(default_factory=list)  # --team-column: put in the default team


def _listing(files: Iterable[Any]) -> str:
    return ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)


def _distinct(con: duckdb.DuckDBPyConnection, store: EventStore, name: str, column: str) -> set[str]:
    files = store.files(name)
    if not files:
        return set()
    rows = con.execute(
        f'SELECT DISTINCT "{column}" FROM read_parquet([{_listing(files)}], union_by_name = true) '
        f'WHERE "{column}" IS NOT NULL AND trim("{column}") <> \'\''
    ).fetchall()
    return {str(r[0]) for r in rows}


def agents_with_records(store: EventStore) -> set[str]:
    """Every agent id the fact tables name (``AGENT_COLUMNS``)."""
    con = duckdb.connect(":memory:")
    try:
        out: set[str] = set()
        for name, column in AGENT_COLUMNS:
            out |= _distinct(con, store, name, column)
        return out
    finally:
        con.close()


def agents_with_contacts(store: EventStore, period: Period, timezone: str) -> list[str]:
    """The agent ids of the interactions created in ``period`` (cut in ``timezone``)."""
    files = store.files("interactions")
    if not files:
        return []
    lo, hi = period.utc_bounds(timezone)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        rows = con.execute(
            f"SELECT DISTINCT agent_id FROM read_parquet([{_listing(files)}], union_by_name = true) "
            "WHERE agent_id IS NOT NULL AND created_at >= ? AND created_at < ? ORDER BY 1",
            [lo, hi],
        ).fetchall()
    finally:
        con.close()
    return [str(r[0]) for r in rows]


def _team_by_agent(store: EventStore, column: str, agent_ids: Sequence[str]) -> dict[str, str]:
    """Each agent's most frequent non-empty ``column`` of ``interactions`` (ties: the smallest)."""
    files = store.files("interactions")
    if not files or not agent_ids:
        return {}
    con = duckdb.connect(":memory:")
    try:
        con.register("wanted", pa.table({"agent_id": pa.array(list(agent_ids), pa.string())}))
        rows = con.execute(
            f"SELECT agent_id, v FROM (SELECT agent_id, v, row_number() OVER (PARTITION BY agent_id "
            f'ORDER BY n DESC, v) AS pick FROM (SELECT agent_id, "{column}" AS v, count(*) AS n '
            f"FROM read_parquet([{_listing(files)}], union_by_name = true) "
            f'WHERE agent_id IN (SELECT agent_id FROM wanted) AND "{column}" IS NOT NULL '
            f"AND trim(\"{column}\") <> '' GROUP BY 1, 2)) WHERE pick = 1"
        ).fetchall()
    finally:
        con.close()
    return {str(a): str(t) for a, t in rows}


def _team_row(team_id: str) -> dict[str, Any]:
    if team_id == DEFAULT_TEAM:
        return {"team_id": team_id, "name": DEFAULT_TEAM_NAME, "name_zh": DEFAULT_TEAM_NAME_ZH}
    return {"team_id": team_id, "name": team_id, "name_zh": None}


def infer_roster(
    ws: Workspace,
    *,
    team: str | None = None,
    team_column: str | None = None,
    dry_run: bool = False,
) -> RosterResult:
    """Add to ``agents`` every agent the fact tables name that it lacks, and to ``teams`` every
    team the roster then names that it lacks, as one import batch (see the module's docstring)."""
    if team is not None and team_column is not None:
        raise InputError("give --team T or --team-column COL, not both")
    if team is not None and not team.strip():
        raise InputError("--team: give a team id, e.g. --team T01")
    if team_column is not None:
        schema = TABLES["interactions"].schema
        usable = [f.name for f in schema if f.type == pa.string() and f.name != "agent_id"]
        if team_column not in usable:
            raise InputError(
                f"--team-column {team_column!r}: not a text column of interactions; use one of "
                f"{', '.join(usable)} (in practice team_id)"
            )
    default_team = (team or DEFAULT_TEAM).strip()
    store = ws.store()
    try:
        with batches.locked(store):
            batches.recover(store)
            seen = agents_with_records(store)
            if not seen:
                raise InputError(
                    "no imported records name an agent yet: import contacts first ('frontdesk import')"
                )
            roster = store.read("agents", ["agent_id", "team_id"]).to_pylist()
            known = {r["agent_id"] for r in roster}
            new_ids = sorted(seen - known)
            teams_of = _team_by_agent(store, team_column, new_ids) if team_column else {}
            without = [a for a in new_ids if team_column and a not in teams_of]
            agents = [
                {
                    "agent_id": a,
                    "name": a,
                    "team_id": teams_of.get(a, default_team),
                    "hire_date": None,
                    "active": True,
                }
                for a in new_ids
            ]
            stored_teams = set(store.read("teams", ["team_id"]).column("team_id").to_pylist())
            named = {r["team_id"] for r in roster if r["team_id"]} | {a["team_id"] for a in agents}
            if team is not None:  # --team T: the team is wanted even when no agent is new
                named.add(default_team)
            teams = [_team_row(t) for t in sorted(named - stored_teams)]
            result = RosterResult(
                "dry-run" if dry_run else "nothing-new", None, agents, teams, len(seen & known), without
            )
            if dry_run or not (agents or teams):
                return result
            batch_id = batches.new_batch_id()
            plans = [
                batches.plan(store, "teams", _table("teams", teams)),
                batches.plan(store, "agents", _table("agents", agents)),
            ]
            meta = {
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "mapping": SOURCE,
                "mapping_sha256": "",
                "timezone": ws.timezone,
                "inputs": [],
                "requested_tables": ["teams", "agents"],
                "team": default_team,
                "team_column": team_column,
            }
            batches.commit(store, batch_id, [p for p in plans if p.rows.num_rows], meta)
    except IngestError as e:
        raise InputError(str(e)) from None
    result.state, result.batch_id = "committed", batch_id
    return result


def _table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = TABLES[name].schema
    return pa.Table.from_pylist([{c: r.get(c) for c in schema.names} for r in rows], schema=schema)


def check_roster(store: EventStore, periods: Sequence[Period], timezone: str) -> None:
    """``InputError`` when the roster cannot be appraised: ``agents`` is empty though a period
    has contacts, or an agent's team is not in ``teams``."""
    agents = store.read("agents", ["agent_id", "team_id"]).to_pylist()
    if not agents:
        for period in periods:
            ids = agents_with_contacts(store, period, timezone)
            if ids:
                raise InputError(
                    f"no roster: {len(ids)} agents have contacts in {period.label} but the agents table "
                    "is empty; run 'frontdesk roster infer' (or import agents)"
                )
        return
    known = set(store.read("teams", ["team_id"]).column("team_id").to_pylist())
    for a in sorted(agents, key=lambda r: r["agent_id"]):
        if a["team_id"] and a["team_id"] not in known:
            raise InputError(
                f"agent {a['agent_id']} is in team {a['team_id']}, which is not in the teams table; "
                f"import it or run 'frontdesk roster infer --team {a['team_id']}'"
            )
