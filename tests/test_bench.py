"""``frontdesk bench``: sized data, cached, every indicator on both sides, a checked comparison."""

import json

import numpy as np
from click.testing import CliRunner

from frontdesk.bench.pandas_reference import reference_codes
from frontdesk.bench.run import compare, engine_frame, plan_months, prepare_dataset
from frontdesk.cli import main
from frontdesk.indicators.catalog import builtin_catalog

KEYS = {"interactions", "agents", "indicators", "engine_s", "baseline_s", "ratio", "peak_rss_mb", "equal"}


def test_bench_json_reports_equal_results_for_every_indicator(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "--interactions",
            "20000",
            "--agents",
            "10",
            "--repeat",
            "1",
            "--json",
            "--cache",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    line = json.loads(result.output.strip().splitlines()[-1])
    assert set(line) >= KEYS
    assert line["equal"] is True and line["mismatches"] == 0
    assert line["indicators"] == len(builtin_catalog())
    assert line["agents"] == 10
    assert abs(line["interactions"] - 20_000) <= 0.1 * 20_000  # about a month's fifth is cut off
    assert line["periods"] == ["2026-07", "2026-Q3"]
    assert line["values_checked"] == 2 * 10 * len(builtin_catalog())
    assert line["engine_s"] > 0 and line["baseline_s"] > 0 and line["peak_rss_mb"] > 0
    assert "results equal: True" in result.output


def test_generated_data_is_cached_by_its_parameters(tmp_path):
    first, generated = prepare_dataset(12_345, 5, cache=tmp_path)
    again, generated_again = prepare_dataset(12_345, 5, cache=tmp_path)
    assert generated and not generated_again
    assert again == first
    other, _ = prepare_dataset(12_345, 6, cache=tmp_path)
    assert other.root != first.root
    assert abs(first.interactions - 12_345) <= 0.1 * 12_345
    assert [p.label for p in first.periods] == ["2026-07", "2026-Q3"]


def test_months_are_chosen_from_contacts_and_agents():
    assert plan_months(10_000_000, 1_000) == 3  # 110 contacts per agent-day: 91 days
    assert plan_months(100_000_000, 10_000) == 3
    assert plan_months(100_000_000, 1_000) == 30
    assert plan_months(20_000, 10) == 1


def test_the_baseline_covers_every_catalogue_indicator():
    assert sorted(reference_codes()) == sorted(builtin_catalog())


def test_the_comparison_catches_a_different_value_and_a_different_n():
    codes = ["csat", "nps"]
    engine = {
        "2026-07": {"A1": {"csat": (80.0, 5), "nps": (None, 0)}, "A2": {"csat": (50.0, 2), "nps": (10.0, 3)}}
    }
    frame = engine_frame(engine["2026-07"], codes)
    assert compare(engine, {"2026-07": frame}, codes).equal
    near = frame.copy()
    near.loc["A1", "csat"] = 80.0 * (1 + 1e-12)  # float noise is equal
    assert compare(engine, {"2026-07": near}, codes).equal
    off = frame.copy()
    off.loc["A1", "csat"] = 80.0001
    off.loc["A2", "nps__n"] = 4
    result = compare(engine, {"2026-07": off}, codes)
    assert not result.equal and result.mismatch_count == 2
    assert {(m.agent_id, m.indicator) for m in result.mismatches} == {("A1", "csat"), ("A2", "nps")}
    missing = frame.drop(index="A2")  # an agent only the engine has is "not available" on the other side
    assert compare(engine, {"2026-07": missing}, codes).mismatch_count == 2
    zero = frame.copy()
    zero.loc["A1", "nps"] = np.nan
    assert compare(engine, {"2026-07": zero}, codes).equal  # None equals NaN


def test_bench_without_baseline_reports_the_engine_only(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "--interactions",
            "5000",
            "--agents",
            "4",
            "--repeat",
            "1",
            "--json",
            "--no-baseline",
            "--cache",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    line = json.loads(result.output.strip().splitlines()[-1])
    assert set(line) >= KEYS
    assert line["baseline_s"] is None and line["ratio"] is None and line["equal"] is None
    assert line["engine_s"] > 0
