"""The statistic of a duration or rating indicator, chosen in the scheme (docs/schemes.md,
"Statistic"): mean, median, a percentile, or for ratings the top-box share. The catalogue declares
the per-record measure; the scheme picks how it is summed up; the scorecard says which.

End to end on the call-centre export (tests/data/call-centre), against pandas from the raw file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import run_frontdesk

from frontdesk.indicators.catalog import (
    CatalogError,
    builtin_catalog,
    load_catalog,
    statistic_value,
    with_statistic,
)
from frontdesk.scoring.scheme import SchemeError, parse_scheme

DATA = Path(__file__).resolve().parent / "data" / "call-centre"

SCHEME = """\
scheme: call-centre
version: "2026.1"
name: {en: Call centre, zh: 呼叫中心}
cycle: quarterly
dimensions:
  - code: efficiency
    name: {en: Efficiency, zh: 效率}
    weight: 60
    indicators:
      - {code: handle_time, weight: 50, target: 240, floor: 900, statistic: p90}
      - {code: average_speed_of_answer, weight: 50, target: 10, floor: 60, statistic: median}
  - code: quality
    name: {en: Quality, zh: 质量}
    weight: 40
    indicators:
      - {code: csat, weight: 100, target: 95, floor: 60, statistic: mean}
grades:
  - {code: A, min: 85}
  - {code: B, min: 70}
  - {code: C, min: 55}
  - {code: D, min: 0}
"""


def test_the_catalogue_builds_each_statistic_of_a_measure():
    assert statistic_value("x", "mean") == "avg(x)"
    assert statistic_value("x", "median") == "median(x)"
    assert statistic_value("x", "p90") == "quantile_cont(x, 0.9)"
    assert statistic_value("x", "p5") == "quantile_cont(x, 0.05)"
    assert statistic_value("x", "top_box", "x >= 4") == "100.0 * avg(CASE WHEN x >= 4 THEN 1.0 ELSE 0.0 END)"
    cat = builtin_catalog()
    # The declared defaults keep the values every engine was verified with.
    assert cat["first_response"].value == "median(seconds_between(opened_at, replied_at))"
    assert cat["first_response_business"].value == "median(business_seconds_between(opened_at, replied_at))"
    assert cat["handle_time"].statistic == "mean" and cat["average_speed_of_answer"].statistic == "mean"
    assert cat["csat"].statistic == "top_box"
    assert with_statistic(cat["csat"], "mean").value == cat["csat_mean"].value
    assert with_statistic(cat["first_response"], "p90").value == (
        "quantile_cont(seconds_between(opened_at, replied_at), 0.9)"
    )
    assert cat["contacts_per_hour"].statistics == ()
    with pytest.raises(ValueError, match="no top box"):
        with_statistic(cat["first_response"], "top_box")
    with pytest.raises(ValueError, match="no statistic to choose"):
        with_statistic(cat["contacts_per_hour"], "median")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("measure: x\n  value: avg(x)", "either 'value' or 'measure'"),
        ("measure: x", "needs its default 'statistic'"),
        ("value: avg(x)\n  statistic: mean", "need a 'measure'"),
        ("measure: x\n  statistic: p100", "not mean, median, a percentile"),
        ("measure: x\n  statistic: top_box", "no top box"),
    ],
)
def test_a_bad_declaration_is_refused_naming_entry_and_field(entry, message):
    text = f"""- code: k
  name: {{en: K, zh: K}}
  dimension: efficiency
  kind: process
  unit: seconds
  better: lower
  source: interactions
  {entry}
"""
    with pytest.raises(CatalogError, match=message) as e:
        load_catalog(text, "mine.yaml")
    assert "mine.yaml: entry 1 (k)" in str(e.value)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{code: handle_time, weight: 50, target: 240, floor: 900, statistic: top_box}", "no top box"),
        ("{code: handle_time, weight: 50, target: 240, floor: 900, statistic: p0}", "not mean, median"),
        ("{code: contacts_handled, weight: 50, target: 900, floor: 300, statistic: mean}", "no statistic"),
    ],
)
def test_the_scheme_refuses_a_statistic_the_indicator_has_not_naming_the_line(line, message):
    text = SCHEME.replace("{code: handle_time, weight: 50, target: 240, floor: 900, statistic: p90}", line)
    with pytest.raises(SchemeError, match=message) as e:
        parse_scheme(text, "ours.yaml")
    assert str(e.value).startswith("ours.yaml:10:")


def test_a_changed_statistic_is_a_new_version_and_shows_in_the_diff():
    from frontdesk.scoring.scheme import diff_schemes

    a = parse_scheme(SCHEME)
    b = parse_scheme(SCHEME.replace("statistic: p90", "statistic: median"))
    assert a.version_id != b.version_id
    assert "indicator handle_time: statistic p90 → median" in diff_schemes(a, b)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("statistic")
    run_frontdesk("init", "--workspace", str(ws), "--timezone", "Asia/Shanghai")
    run_frontdesk("import", "--workspace", str(ws), "--mapping", str(DATA / "mapping.toml"),
                  str(DATA / "calls-2026Q1.csv"))  # fmt: skip
    run_frontdesk("roster", "infer", "--workspace", str(ws))
    (ws / "schemes" / "default.yaml").write_text(SCHEME, encoding="utf-8")  # the scheme in force
    return ws


def test_scorecards_use_the_schemes_statistic_and_say_which(workspace):
    raw = pd.read_csv(DATA / "calls-2026Q1.csv", dtype=str, keep_default_na=False)
    raw = raw[raw["Answered (Y/N)"] == "Y"]
    talk = pd.to_timedelta(raw["Talk Duration"]).dt.total_seconds()
    speed = pd.to_numeric(raw["Speed of answer in seconds"])
    rating = pd.to_numeric(raw["Satisfaction rating"], errors="coerce")
    run_frontdesk("compute", "--workspace", str(workspace), "--period", "2026-Q1")
    table = run_frontdesk("scorecards", "--workspace", str(workspace), "--period", "2026-Q1").stdout
    assert "Average handling time (p90)" in table and "(median)" in table  # the caption says which
    doc = json.loads(
        run_frontdesk(
            "scorecards", "--workspace", str(workspace), "--period", "2026-Q1", "--format", "json"
        ).stdout
    )
    cards = {c["agent_id"]: c["indicators"] for c in doc["scorecards"]}
    assert sorted(cards) == sorted(raw["Agent"].unique())
    for agent, rows in raw.groupby("Agent"):
        ind = cards[agent]
        assert ind["handle_time"]["statistic"] == "p90"
        # pandas' default quantile interpolates linearly, as quantile_cont and PERCENTILE.INC do.
        assert ind["handle_time"]["value"] == pytest.approx(talk[rows.index].quantile(0.9), abs=1e-4)
        assert ind["average_speed_of_answer"]["statistic"] == "median"
        assert ind["average_speed_of_answer"]["value"] == pytest.approx(speed[rows.index].median(), abs=1e-4)
        rated = rating[rows.index].dropna()
        assert ind["csat"]["statistic"] == "mean"
        assert ind["csat"]["value"] == pytest.approx(100.0 * (rated / 5).mean(), abs=1e-4)
        assert ind["csat"]["n"] == len(rated)
    # values lists the catalogue's own statistic (handle time: the mean), whatever the scheme chose.
    values = json.loads(
        run_frontdesk(
            "values", "--workspace", str(workspace), "--period", "2026-Q1", "--format", "json"
        ).stdout
    )
    some = values["agents"][0]
    rows = raw[raw["Agent"] == some["agent_id"]]
    assert some["values"]["handle_time"]["value"] == pytest.approx(talk[rows.index].mean(), abs=1e-4)
