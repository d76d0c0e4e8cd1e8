"""``frontdesk scheme calibrate``: targets and floors from the organisation's own distribution
(docs/schemes.md, "Calibrating targets")."""

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from frontdesk.cli import main
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import Measure
from frontdesk.scoring.calibration import (
    CALIBRATED,
    NOT_LINEAR,
    OTHER_CYCLE,
    TOO_FEW_AGENTS,
    calibrate,
    calibrated_text,
    percentile,
    round_to_unit,
    target_and_floor,
)
from frontdesk.scoring.scheme import default_scheme_text, diff_schemes, load_scheme, parse_scheme
from frontdesk.usecases.calibration import calibrate_scheme
from frontdesk.usecases.demo import generate
from frontdesk.usecases.errors import InputError
from frontdesk.usecases.workspace import init_workspace

# --- the rule -----------------------------------------------------------------------------------


def test_percentile_interpolates_between_closest_ranks():
    values = list(range(11, 0, -1))  # 11 … 1, order does not matter
    assert percentile(values, 75) == 8.5
    assert percentile(values, 10) == 2.0
    assert percentile(values, 0) == 1 and percentile(values, 100) == 11
    assert percentile([7.0], 75) == 7.0


@pytest.mark.parametrize(
    ("unit", "value", "rounded"),
    [
        ("seconds", 7.4, 7), ("seconds", 59.6, 60), ("seconds", 62.4, 60), ("seconds", 63, 65),
        ("seconds", 147.5, 150), ("percent", 86.5, 87), ("percent", 86.49, 86), ("nps", -10.5, -11),
        ("points", 4.44, 4.4), ("points", 4.46, 4.5), ("per_hour", 17.86, 17.9), ("hours", 32.4, 32),
        ("hours", 3.24, 3.2), ("minutes", 2.26, 2.3), ("count", 0.4, 0),
    ],
)  # fmt: skip
def test_values_are_rounded_to_their_unit(unit, value, rounded):
    assert round_to_unit(unit, value) == pytest.approx(rounded)


def test_higher_is_better_target_at_the_75th_floor_at_the_10th():
    csat = [40, 50, 55, 60, 62, 70, 75, 80, 90, 95, 100]
    assert target_and_floor(csat, "higher", "percent") == (85, 50)
    assert target_and_floor(csat, "higher", "percent", target_pct=50, floor_pct=0) == (70, 40)


def test_lower_is_better_is_mirrored_target_at_the_25th_floor_at_the_90th():
    seconds = [20, 30, 40, 41, 60, 70, 80, 90, 100, 113, 400]
    # 25th percentile 40.5 → 41 s; 90th percentile 113 → 115 s (5 s steps above a minute).
    assert target_and_floor(seconds, "lower", "seconds") == (41, 115)


def test_the_target_is_always_strictly_better_than_the_floor():
    assert target_and_floor([90] * 6, "higher", "percent") == (90, 89)
    assert target_and_floor([30] * 6, "lower", "seconds") == (30, 31)
    assert target_and_floor([61] * 6, "lower", "seconds") == (60, 65)
    assert target_and_floor([4.2, 4.21, 4.22, 4.23, 4.24], "higher", "points") == (4.2, 4.1)


def test_percentiles_must_be_ordered():
    with pytest.raises(ValueError, match="below the target percentile"):
        target_and_floor([1, 2, 3], "higher", "percent", target_pct=10, floor_pct=75)


SCHEME = """\
# Our scheme: comments survive calibration.
scheme: ours
version: "7"
dimensions:
  - code: quality
    name: {en: Quality, zh: 质量}
    weight: 100
    indicators:
      - {code: csat, weight: 40, target: 95, floor: 60}      # the customers' verdict
      - {code: first_response, weight: 30, target: 30, floor: 180, min_n: 5}
      - {code: nps, weight: 10, curve: percentile}
      - {code: handle_time, weight: 10, target: 120, floor: 300}
      - {code: service_compliance, weight: 10, target: 95, floor: 60, cycles: [quarterly]}
grades:
  - {code: A, min: 85}
  - {code: B, min: 70}
  - {code: C, min: 0}
"""


def measures() -> dict[str, dict[str, Measure]]:
    """Eight agents: first_response with a full sample (n ≥ 5) for six of them (the other two's
    extreme values must not count), CSAT with a full sample (catalogue min_n 20) for four only."""
    out: dict[str, dict[str, Measure]] = {}
    for i in range(8):
        out[f"a{i}"] = {
            "first_response": Measure(10.0 * (i + 1), 5) if i < 6 else Measure(1000.0, 2),
            "csat": Measure(50.0 + i, 20 if i < 4 else 3),
            "handle_time": Measure(200.0 + 10 * i, 50),
            "nps": Measure(10.0, 30),
        }
    return out


def test_calibrate_each_indicator_of_the_scheme():
    scheme = parse_scheme(SCHEME)
    cals = {c.code: c for c in calibrate(scheme, builtin_catalog(), measures(), [f"a{i}" for i in range(8)],
                                         "monthly")}  # fmt: skip
    fr = cals["first_response"]  # 10 … 60 s: 25th percentile 22.5 → 23, 90th 55 → 55
    assert (fr.status, fr.agents, fr.new_target, fr.new_floor) == (CALIBRATED, 6, 23, 55) and fr.changed
    assert (cals["csat"].status, cals["csat"].agents) == (TOO_FEW_AGENTS, 4)
    assert (cals["csat"].new_target, cals["csat"].new_floor) == (95, 60) and not cals["csat"].changed
    assert cals["nps"].status == NOT_LINEAR
    assert cals["service_compliance"].status == OTHER_CYCLE
    ht = cals["handle_time"]  # 200 … 270 s: 25th percentile 217.5 → 220, 90th 263 → 265
    assert (ht.new_target, ht.new_floor) == (220, 265)


def test_the_calibrated_document_changes_only_targets_floors_and_version():
    scheme = parse_scheme(SCHEME)
    cals = calibrate(scheme, builtin_catalog(), measures(), [f"a{i}" for i in range(8)], "monthly")
    text = calibrated_text(scheme, cals, "7-cal.2026-08", "calibrated on 2026-08")
    assert text.startswith("# calibrated on 2026-08\n# Our scheme: comments survive calibration.\n")
    assert "{code: first_response, weight: 30, target: 23, floor: 55, min_n: 5}" in text
    assert "{code: csat, weight: 40, target: 95, floor: 60}      # the customers' verdict" in text
    new = parse_scheme(text)
    assert new.version == "7-cal.2026-08"
    changed = {line.split(":")[0] for line in diff_schemes(scheme, new)}
    assert changed == {"version", "indicator first_response", "indicator handle_time"}


def test_a_document_with_aliases_is_dumped_again_from_its_data():
    text = SCHEME.replace("target: 95, floor: 60}  ", "target: &t 95, floor: 60}").replace(
        "target: 30, floor: 180", "target: *t , floor: 180"
    )
    scheme = parse_scheme(text)
    cals = calibrate(scheme, builtin_catalog(), measures(), [f"a{i}" for i in range(8)], "monthly")
    out = calibrated_text(scheme, cals, "7-cal", "")
    raw = yaml.safe_load(out)
    inds = {i["code"]: i for i in raw["dimensions"][0]["indicators"]}
    targets = {code: i["target"] for code, i in inds.items() if "target" in i}
    assert targets == {"csat": 95, "first_response": 23, "handle_time": 220, "service_compliance": 95}
    assert parse_scheme(out).version == "7-cal"


# --- end to end on a generated workspace ------------------------------------------------------


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    ws = init_workspace(tmp_path_factory.mktemp("calibrate"))
    generate(ws, agents=20, months=1, start="2026-08", seed=7)
    return ws


def test_calibrate_writes_a_valid_scheme_and_spreads_the_grades(ws):
    out = ws.root / "schemes" / "calibrated.yaml"
    runner = CliRunner()
    result = runner.invoke(main, ["scheme", "calibrate", "--workspace", str(ws.root), "--period", "2026-08",
                                  "--output", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "first_response" in result.output and "→" in result.output
    assert "grades before:" in result.output and "grades after:" in result.output
    check = runner.invoke(main, ["scheme", "validate", str(out)])
    assert check.exit_code == 0, check.output
    new = load_scheme(out)
    assert new.version == "2026.3-cal.2026-08"
    old = load_scheme(ws.root / "schemes" / "default.yaml")
    assert [(d.code, d.weight) for d in new.dimensions] == [(d.code, d.weight) for d in old.dimensions]
    assert new.grades == old.grades and new.critical == old.critical
    written = out.read_text("utf-8").splitlines()
    assert all(
        line in written for line in default_scheme_text().splitlines() if line.lstrip().startswith("#")
    )

    run = calibrate_scheme(ws, "2026-08")
    assert sum(run.before.values()) == sum(run.after.values()) == run.agents == 20
    assert len([g for g, n in run.after.items() if n and g != "-"]) >= 3
    assert run.changed and all(c.new_target != c.new_floor for c in run.changed)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-13"], "--period"),
        (["--period", "2020-01"], "no agent has data"),
        (["--period", "2026-08", "--target-pct", "10", "--floor-pct", "75"], "--target-pct/--floor-pct"),
        (["--period", "2026-08", "--output", "SCHEME"], "is the scheme being calibrated"),
    ],
)
def test_bad_input_exits_2_with_one_line(ws, args, message):
    scheme_file = str(ws.root / "schemes" / "default.yaml")
    args = [scheme_file if a == "SCHEME" else a for a in args]
    if "--output" not in args:
        args += ["--output", str(ws.root / "schemes" / "x.yaml")]
    result = CliRunner().invoke(main, ["scheme", "calibrate", "--workspace", str(ws.root), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_the_use_case_refuses_a_bad_scheme_file(ws, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scheme: x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.yaml"):
        calibrate_scheme(ws, "2026-08", bad)


def test_publish_makes_a_file_the_scheme_in_force_and_keeps_the_old_one(tmp_path: Path):
    ws = init_workspace(tmp_path / "ws")
    in_force = ws.scheme_path()
    original = in_force.read_text("utf-8")
    proposal = tmp_path / "proposal.yaml"
    proposal.write_text(original.replace("{code: csat, weight: 35, target: 95, floor: 60}",
                                          "{code: csat, weight: 35, target: 92, floor: 65}"), encoding="utf-8")  # fmt: skip
    runner = CliRunner()
    result = runner.invoke(
        main, ["scheme", "publish", "--workspace", str(ws.root), str(proposal), "--note", "Q3"]
    )
    assert result.exit_code == 0, result.output
    new, old = load_scheme(proposal), load_scheme()
    assert f"in force: {new.version_id} (was {old.version_id})" in result.output
    assert in_force.read_text("utf-8") == proposal.read_text("utf-8")
    kept = list((ws.root / "schemes" / "history").glob("*.yaml"))
    assert [p.read_text("utf-8") for p in kept] == [original]
    log = (ws.root / "schemes" / "history" / "published.jsonl").read_text("utf-8").splitlines()
    assert len(log) == 1 and '"note": "Q3"' in log[0] and f'"previous": "{old.version_id}"' in log[0]
    # The same version again, or a document that is not a valid scheme: exit 2, nothing changed.
    again = runner.invoke(main, ["scheme", "publish", "--workspace", str(ws.root), str(proposal)])
    assert again.exit_code == 2 and "already the scheme in force" in again.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(original.replace("weight: 35, target: 95", "weight: 35, target: 40"), encoding="utf-8")
    refused = runner.invoke(main, ["scheme", "publish", "--workspace", str(ws.root), str(broken)])
    assert refused.exit_code == 2 and "must be above floor" in refused.output
    assert in_force.read_text("utf-8") == proposal.read_text("utf-8")
    assert len((ws.root / "schemes" / "history" / "published.jsonl").read_text("utf-8").splitlines()) == 1
