"""The command line: exit codes, one-line errors, JSON contracts."""

import json

from click.testing import CliRunner

from frontdesk.cli import main
from frontdesk.usecases.workspace import init_workspace


def test_indicators_json_has_the_documented_keys():
    result = CliRunner().invoke(main, ["indicators", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert {r["mission_id"] for r in rows} >= {"I-E1", "I-E2", "I-E3", "I-E4", "I-E5", "I-E6", "I-Q1", "I-Q3"}
    for r in rows:
        assert set(r) >= {"code", "mission_id", "name", "dimension", "kind", "unit", "better", "source"}
        assert r["name"]["zh"] and r["name"]["en"]
        assert r["kind"] in ("process", "outcome") and r["better"] in ("higher", "lower")


def test_a_missing_workspace_exits_2_with_one_line(tmp_path):
    result = CliRunner().invoke(main, ["scorecards", "--workspace", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "is not a Frontdesk workspace" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_bad_period_exits_2(tmp_path):
    init_workspace(tmp_path)
    result = CliRunner().invoke(main, ["compute", "--workspace", str(tmp_path), "--period", "2026-13"])
    assert result.exit_code == 2
    assert "--period" in result.output and "YYYY-MM" in result.output


def test_an_invalid_scheme_exits_2_naming_the_entry(tmp_path):
    bad = tmp_path / "s.yaml"
    bad.write_text(
        "scheme: x\nversion: '1'\ngrades: [{code: A, min: 0}]\ndimensions:\n"
        "  - {code: quality, weight: 1, indicators: [{code: csat, weight: 1, target: 50, floor: 90}]}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["scheme", "validate", str(bad)])
    assert result.exit_code == 2
    assert "indicator csat" in result.output and "target 50 must be above floor 90" in result.output


def test_scheme_validate_checks_the_results_section(tmp_path):
    from frontdesk.scoring.scheme import default_scheme_text

    bad = tmp_path / "s.yaml"
    bad.write_text(default_scheme_text() + "results:\n  bonus: {top_fraction: 150%}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["scheme", "validate", str(bad)])
    assert result.exit_code == 2
    assert "results.bonus: top_fraction" in result.output
    ok = CliRunner().invoke(main, ["scheme", "validate", "frontdesk/scoring/schemes/default.yaml"])
    assert ok.exit_code == 0 and "valid" in ok.output


def test_scheme_show_reads_the_workspace_scheme(tmp_path):
    """``scheme show --workspace W`` prints W's scheme (here edited to a new version), not the
    built-in one; without --workspace it prints the built-in one."""
    from frontdesk.scoring.scheme import default_scheme_text

    ws = init_workspace(tmp_path)
    own = ws.root / "schemes" / "default.yaml"
    own.write_text(
        default_scheme_text().replace('version: "2026.3"', 'version: "2099.1"', 1), encoding="utf-8"
    )
    assert "2099.1" in own.read_text(encoding="utf-8")
    shown = CliRunner().invoke(main, ["scheme", "show", "--workspace", str(tmp_path)])
    assert shown.exit_code == 0, shown.output
    assert ":2099.1+" in shown.output.splitlines()[0]
    builtin = CliRunner().invoke(main, ["scheme", "show"])
    assert ":2026.3+" in builtin.output.splitlines()[0]


def test_tables_name_an_agent_once_and_head_every_column_uniquely():
    from frontdesk.cli.compute import column_headers, who

    assert who("Diane", "Diane") == "Diane" and who("A0001", None) == "A0001"
    assert who("A0001", "李强") == "A0001 李强"
    headers = column_headers(["csat", "csat_mean", "first_response"])
    assert headers == {"csat": "csat", "csat_mean": "csat_mean", "first_response": "I-E1"}


def test_preset_show_prints_a_mapping_that_imports_as_it_is(tmp_path):
    """``preset show NAME`` prints the preset's TOML, comments and all; saved to a file it is a
    mapping equal to the preset; an unknown name exits 2 listing the presets."""
    from frontdesk.ingest import load_mapping, load_preset

    shown = CliRunner().invoke(main, ["preset", "show", "zh-excel"])
    assert shown.exit_code == 0 and shown.output.lstrip().startswith("#")
    own = tmp_path / "ours.toml"
    own.write_text(shown.output, encoding="utf-8")
    ours, theirs = load_mapping(own), load_preset("zh-excel")

    def shape(m):  # the compiled expressions compare by their text
        return {
            name: (t.columns, t.values, t.constants, {k: e.text for k, e in t.derived.items()}, t.skip_empty)
            for name, t in m.tables.items()
        }

    assert shape(ours) == shape(theirs) and ours.timezone == theirs.timezone
    listed = CliRunner().invoke(main, ["preset", "list"])
    assert "servicenow" in listed.output.split()
    bad = CliRunner().invoke(main, ["preset", "show", "nope"])
    assert bad.exit_code == 2 and "presets: chatwoot" in bad.output
