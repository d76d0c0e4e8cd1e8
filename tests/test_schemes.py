"""Scheme files: validation with the line and reason, versions, diffs."""

import pytest

from frontdesk.scoring.scheme import SchemeError, default_scheme_text, diff_schemes, load_scheme, parse_scheme

DEFAULT = default_scheme_text()


def broken(old: str, new: str) -> str:
    assert old in DEFAULT, old
    return DEFAULT.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_the_default_scheme_validates():
    s = load_scheme()
    assert s.version_id.startswith("default:2026.3+")
    assert len(s.indicator_codes()) == 20 and set(s.indicator_codes("monthly")) < set(s.indicator_codes())
    # I-P1 comes from the automatic check of every transcript, so it is scored every month.
    assert "script_compliance" in s.indicator_codes("monthly")
    assert s.weights_360["customer"] >= 40


@pytest.mark.parametrize(
    ("old", "new", "line_fragment", "reason"),
    [
        ("{code: handle_time, weight: 15,", "{code: handle_time, weight: 10,", "    indicators:",
         "dimension efficiency: indicator weights add up to 95, not 100"),
        ("    weight: 45\n", "    weight: 50\n", "dimensions:", "dimension weights add up to 105, not 100"),
        ("{code: nps, weight: 20,", "{code: net_promoter, weight: 20,", "{code: net_promoter",
         "unknown indicator 'net_promoter'"),
        ("{code: csat, weight: 35, target: 95, floor: 60}", "{code: csat, weight: 35, target: 50, floor: 60}",
         "{code: csat", "indicator csat: target 50 must be above floor 60 (higher is better)"),
        ("customer: 40, supervisor: 25", "customer: 30, supervisor: 35", "weights: {customer",
         "the customer's 360 weight is 30 %, below 40 %"),
        ("cap_grade: C}", "cap_grade: E}", "cap_grade", "cap_grade 'E' is not one of the grades A, B, C, D"),
        ("{code: csat, weight: 35, target: 95, floor: 60}", "{code: csat, weight: 35, target: 95, floor: 60, curve: cubic}",
         "{code: csat", "curve 'cubic' is not one of linear, steps, percentile"),
    ],
)  # fmt: skip
def test_an_invalid_scheme_is_refused_with_the_line_and_reason(old, new, line_fragment, reason):
    text = broken(old, new)
    with pytest.raises(SchemeError) as err:
        parse_scheme(text, "org.yaml")
    message = str(err.value)
    assert message.startswith(f"org.yaml:{line_of(text, line_fragment)}: "), message
    assert reason in message


def test_the_customer_minimum_may_be_relaxed_explicitly():
    text = broken("customer: 40, supervisor: 25", "customer: 30, supervisor: 35")
    text = text.replace(
        "ratings_360:\n", "ratings_360:\n  relax_customer_minimum: true\n  customer_minimum: 30\n", 1
    )
    assert parse_scheme(text).weights_360["customer"] == 30


def test_a_step_curve_must_never_score_a_better_value_less():
    text = broken(
        "{code: csat, weight: 35, target: 95, floor: 60}",
        "{code: csat, weight: 35, curve: steps, steps: [{at: 90, score: 60}, {at: 80, score: 80}]}",
    )
    with pytest.raises(SchemeError, match="a better value must never score less"):
        parse_scheme(text)


def test_any_edit_changes_the_version_id_and_the_diff_names_it():
    a = parse_scheme(DEFAULT)
    b = parse_scheme(broken("{code: csat, weight: 35, target: 95,", "{code: csat, weight: 35, target: 90,"))
    assert a.version == b.version and a.version_id != b.version_id
    assert diff_schemes(a, b) == [
        f"version: {a.version_id} → {b.version_id}",
        "indicator csat: target 95 → 90",
    ]


def test_not_yaml_is_refused_with_the_file_name():
    with pytest.raises(SchemeError, match=r"org\.yaml: not valid YAML"):
        parse_scheme("dimensions: [", "org.yaml")


def test_the_documented_example_validates():
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "schemes.md").read_text("utf-8")
    start = doc.index("```yaml") + len("```yaml")
    example = doc[start : doc.index("```", start)]
    example = "\n".join(line for line in example.splitlines() if not line.startswith("results:"))
    s = parse_scheme(example, "docs/schemes.md")
    assert s.critical[0].cap_grade == "C" and s.bonus_items[0].max_points == 5
    assert [i.curve for d in s.dimensions for i in d.indicators][:4] == [
        "linear",
        "linear",
        "percentile",
        "steps",
    ]
