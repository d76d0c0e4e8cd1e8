"""Rows refused by imports in the data-quality report (docs/data-quality.md, "Refused rows"): the
counts per agent come from the import reports of the batches created in the period (the caller
passes them; the engine does not read import reports), are kept for the agents of the selection,
and flag the agent's scorecard ``refused_rows`` in the full report and in ``scorecard_flags`` alike;
``frontdesk quality`` prints and exports them, ``frontdesk compute`` puts the flag on scorecards."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from conftest import run_frontdesk
from test_quality import PERIOD, build_quality_store

from frontdesk.analysis.quality import FLAG_REFUSED, quality_report, scorecard_flags, survey_min_n
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.ingest import batches, import_files, load_preset
from frontdesk.ingest.refusals import refused_in_period
from frontdesk.scoring.scheme import load_scheme
from frontdesk.store.eventstore import EventStore
from frontdesk.usecases.compute import compute_scorecards
from frontdesk.usecases.workspace import init_workspace

# A1 (team T1) and A3 (team T2) have refused rows; X9 is not on the roster; A2 has none.
REFUSED = {"A1": 2, "A3": 1, "X9": 4, "A2": 0}

CSV = (
    "interaction_id,agent_id,channel,created_at,first_response_at\n"
    "R1,A1,chat,2026-10-05 09:00,2026-10-05 09:01\n"
    "R2,A1,chat,not a time,\n"  # refused, A1
    "R3,A3,fax,2026-10-05 10:00,\n"  # refused, A3 (unknown channel)
    "R4,A3,chat,2026-10-05 11:00,2026-10-05 10:00\n"  # refused (impossible time), A3
)


def _report(store, teams=None):
    engine = DuckDBEngine(store)
    try:
        min_n = survey_min_n(load_scheme(), builtin_catalog())
        full = quality_report(engine, PERIOD, "UTC", teams=teams, min_n=min_n, refused=REFUSED)
        fast = scorecard_flags(engine, PERIOD, "UTC", min_n=min_n, refused=REFUSED)
    finally:
        engine.close()
    return full, fast


def test_the_report_lists_refused_rows_per_agent_with_the_roster_team(tmp_path):
    store = build_quality_store(tmp_path / "events")
    full, fast = _report(store)
    assert [(r.agent_id, r.team_id, r.rows) for r in full.refused] == [
        ("A1", "T1", 2),
        ("A3", "T2", 1),
        ("X9", None, 4),
    ]
    assert full.summary()["refused_rows"] == 7
    doc = full.to_json()
    assert doc["refused_rows"] == [
        {"agent_id": "A1", "team_id": "T1", "rows": 2},
        {"agent_id": "A3", "team_id": "T2", "rows": 1},
        {"agent_id": "X9", "team_id": None, "rows": 4},
    ]
    flags = full.agent_flags()
    assert FLAG_REFUSED in flags["A1"].card and FLAG_REFUSED in flags["A3"].card
    assert FLAG_REFUSED in flags["X9"].card
    assert FLAG_REFUSED not in flags.get("A2", type(flags["A1"])()).card  # zero rows: no flag
    assert doc["agent_flags"]["A1"]["flags"] == [FLAG_REFUSED]  # A1's other flags are indicator flags
    # the cheap scorecard flags are the full report's, refused rows included
    plain = {a: (set(f.card), {k: set(v) for k, v in f.indicators.items() if v}) for a, f in flags.items()}
    assert plain == {
        a: (set(f.card), {k: set(v) for k, v in f.indicators.items() if v}) for a, f in fast.items()
    }


def test_a_team_selection_keeps_its_agents_only(tmp_path):
    store = build_quality_store(tmp_path / "events")
    t1, _fast = _report(store, teams=("T1",))
    assert [(r.agent_id, r.rows) for r in t1.refused] == [("A1", 2)]
    assert t1.summary()["refused_rows"] == 2


def test_without_refused_counts_nothing_changes(tmp_path):
    store = build_quality_store(tmp_path / "events")
    engine = DuckDBEngine(store)
    try:
        report = quality_report(engine, PERIOD, "UTC")
    finally:
        engine.close()
    assert report.refused == [] and report.summary()["refused_rows"] == 0
    assert all(FLAG_REFUSED not in f.card for f in report.agent_flags().values())


def _import_refused(root):
    """Import CSV into the workspace: a committed batch whose report refuses A1 1 row, A3 2 rows.
    Returns the label of the month (UTC) the batch was created in."""
    (root / "r.csv").write_text(CSV, "utf-8")
    store = EventStore(root / "events")
    report = import_files(store, [root / "r.csv"], load_preset("generic"), root / "imports", ["interactions"])
    assert report.tables["interactions"].refused_by_agent == {"A1": 1, "A3": 2}
    (doc,) = [d for d in batches.manifests(store) if d["batch_id"] == report.batch_id]
    created = datetime.fromisoformat(str(doc["created_at"])).astimezone(UTC)
    return created.strftime("%Y-%m")


def test_refused_in_period_places_rows_by_the_batchs_creation(tmp_path):
    init_workspace(tmp_path, timezone="UTC")
    build_quality_store(tmp_path / "events")
    month = _import_refused(tmp_path)
    store = EventStore(tmp_path / "events")
    assert refused_in_period(store, tmp_path / "imports", parse_period(month), "UTC") == {"A1": 1, "A3": 2}
    # the rows' own times (2026-10) do not place them: October has no batch
    assert refused_in_period(store, tmp_path / "imports", PERIOD, "UTC") == {}


def test_the_cli_report_and_computed_scorecards_show_refused_rows(tmp_path):
    init_workspace(tmp_path, timezone="UTC")
    build_quality_store(tmp_path / "events")
    month = _import_refused(tmp_path)
    out = run_frontdesk("quality", "--workspace", str(tmp_path), "--period", month, "--format", "json")
    doc = json.loads(out.stdout)
    assert doc["refused_rows"] == [
        {"agent_id": "A1", "team_id": "T1", "rows": 1},
        {"agent_id": "A3", "team_id": "T2", "rows": 2},
    ]
    assert doc["summary"]["refused_rows"] == 3
    assert "refused_rows" in doc["agent_flags"]["A3"]["flags"]
    table = run_frontdesk("quality", "--workspace", str(tmp_path), "--period", month).stdout
    assert "refused rows 3" in table.splitlines()[1]  # the summary line
    rows = table.split("Rows refused by imports: 3")[1]
    assert "A1" in rows and "A3" in rows and "A2" not in rows
    # October (the rows' own month) has none: the batch was created later
    october = json.loads(
        run_frontdesk(
            "quality", "--workspace", str(tmp_path), "--period", "2026-10", "--format", "json"
        ).stdout
    )
    assert october["refused_rows"] == [] and october["summary"]["refused_rows"] == 0

    scheme = load_scheme()
    period = parse_period(month)
    store = EventStore(tmp_path / "events")
    refused = refused_in_period(store, tmp_path / "imports", period, "UTC")
    cards = {c.agent_id: c for c in compute_scorecards(store, period, scheme, "UTC", refused=refused)}
    plain = {c.agent_id: c for c in compute_scorecards(store, period, scheme, "UTC")}
    assert FLAG_REFUSED in cards["A1"].flags and FLAG_REFUSED in cards["A3"].flags
    assert FLAG_REFUSED not in cards["A2"].flags and FLAG_REFUSED not in plain["A1"].flags
    # a flag never changes a score
    assert {a: (c.total, c.grade) for a, c in cards.items()} == {
        a: (c.total, c.grade) for a, c in plain.items()
    }


def test_frontdesk_compute_flags_the_scorecards_of_agents_with_refused_rows(tmp_path):
    init_workspace(tmp_path, timezone="UTC")
    build_quality_store(tmp_path / "events")
    month = _import_refused(tmp_path)
    run_frontdesk("compute", "--workspace", str(tmp_path), "--period", month)
    out = run_frontdesk("scorecards", "--workspace", str(tmp_path), "--period", month, "--format", "json")
    doc = json.loads(out.stdout)
    cards = doc["scorecards"] if isinstance(doc, dict) else doc
    flags = {c["agent_id"]: c["flags"] for c in cards}
    assert "refused_rows" in flags["A1"] and "refused_rows" in flags["A3"]
    assert "refused_rows" not in flags["A2"]
