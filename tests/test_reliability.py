"""Rater agreement, leniency and calibration spread (frontdesk.analysis.reliability), against values
worked out by hand in the comments."""

from __future__ import annotations

import math

import pytest

from frontdesk.analysis.reliability import (
    calibration_spread,
    corrected_scores,
    krippendorff_alpha_interval,
    leniency_offsets,
    reading_of_alpha,
)

# Four units (subject × competency), three raters A, B, C; u4 is rated once.
FIXTURE = [
    ("u1", "A", 1), ("u1", "B", 2),
    ("u2", "A", 3), ("u2", "B", 3), ("u2", "C", 4),
    ("u3", "A", 5), ("u3", "C", 4),
    ("u4", "B", 2),
]  # fmt: skip


def test_alpha_matches_the_hand_computation():
    # Pairable values (units rated at least twice): u1 {1, 2}, u2 {3, 3, 4}, u3 {5, 4}; n = 7.
    # Observed disagreement, Σ_u 1/(m_u − 1) Σ_{i≠j} (x_i − x_j)² over ordered pairs:
    #   u1: m = 2, 2·(1 − 2)² = 2, / 1 = 2
    #   u2: m = 3, 2·[(3−3)² + (3−4)² + (3−4)²] = 4, / 2 = 2
    #   u3: m = 2, 2·(5 − 4)² = 2, / 1 = 2          → D_o = 6 / 7
    # Expected disagreement over every ordered pair of the 7 values 1, 2, 3, 3, 4, 5, 4:
    #   Σx = 22, Σx² = 80, Σ_{c≠k} (x_c − x_k)² = 2(7·80 − 22²) = 152, D_e = 152 / (7·6) = 152 / 42
    # α = 1 − (6/7) / (152/42) = 1 − 36/152 = 29/38 = 0.763157…
    result = krippendorff_alpha_interval(FIXTURE)
    assert result.alpha == pytest.approx(29 / 38, abs=1e-12)
    assert (result.values, result.units) == (7, 3)
    assert result.observed_disagreement == pytest.approx(6 / 7)
    assert result.expected_disagreement == pytest.approx(152 / 42)
    assert reading_of_alpha(result.alpha) == "tentative"


def test_perfect_agreement_is_one_and_a_single_rater_gives_no_alpha():
    assert krippendorff_alpha_interval([("a", 1, 2), ("a", 2, 2), ("b", 1, 5), ("b", 2, 5)]).alpha == 1.0
    only_one = krippendorff_alpha_interval([("a", 1, 2), ("b", 1, 5)])
    assert only_one.alpha is None and only_one.values == 0
    assert reading_of_alpha(None) == "undefined"


def test_systematic_disagreement_is_negative():
    # Two raters always at opposite ends: units a (1, 5) and b (5, 1).
    # D_o = [2·(1 − 5)² + 2·(5 − 1)²] / 4 = 16; values 1, 5, 5, 1: Σx = 12, Σx² = 52,
    # D_e = 2(4·52 − 12²) / (4·3) = 128 / 12; α = 1 − 16 · 12 / 128 = −0.5.
    result = krippendorff_alpha_interval([("a", "A", 1), ("a", "B", 5), ("b", "A", 5), ("b", "B", 1)])
    assert result.alpha == pytest.approx(-0.5)


def test_alpha_equals_the_pairwise_definition_on_random_data():
    # The closed form against the definition, pair by pair, on an uneven design.
    import random

    rng = random.Random(3)
    rows = [(u, r, float(rng.randint(1, 5))) for u in range(12) for r in range(5) if rng.random() < 0.6]
    units: dict = {}
    for u, r, v in rows:
        units.setdefault(u, {})[r] = v
    pairable = [list(v.values()) for v in units.values() if len(v) >= 2]
    n = sum(len(v) for v in pairable)
    d_o = (
        sum(
            sum((a - b) ** 2 for i, a in enumerate(v) for j, b in enumerate(v) if i != j) / (len(v) - 1)
            for v in pairable
        )
        / n
    )
    flat = [x for v in pairable for x in v]
    d_e = sum((a - b) ** 2 for i, a in enumerate(flat) for j, b in enumerate(flat) if i != j) / (n * (n - 1))
    assert krippendorff_alpha_interval(rows).alpha == pytest.approx(1 - d_o / d_e)


def test_a_lenient_rater_is_found_and_corrected():
    # Five units; L gives 5, S gives 3, M gives 4 everywhere.
    # L: the others' mean is (3 + 4)/2 = 3.5 → +1.5 each time → offset +1.5
    # S: the others' mean is (5 + 4)/2 = 4.5 → −1.5; M: (5 + 3)/2 = 4 → 0.
    rows = [(f"u{i}", rater, score) for i in range(5) for rater, score in (("L", 5), ("S", 3), ("M", 4))]
    offsets = leniency_offsets(rows, min_ratings=5)
    assert {r: (o.offset, o.n) for r, o in offsets.items()} == {"L": (1.5, 5), "S": (-1.5, 5), "M": (0.0, 5)}
    corrected = corrected_scores(rows, offsets, low=1, high=5)
    assert {(r, v) for _, r, v in corrected} == {("L", 3.5), ("S", 4.5), ("M", 4.0)}
    # Below the minimum number of ratings nobody is corrected.
    assert leniency_offsets(rows, min_ratings=6) == {}
    assert corrected_scores(rows, {}, 1, 5) == rows


def test_correction_stays_on_the_scale():
    offsets = leniency_offsets([(u, "L", 1) for u in range(5)] + [(u, "X", 5) for u in range(5)], 5)
    # L is 4 points severe: 1 − (−4) = 5; X is 4 points lenient: 5 − 4 = 1, both within 1–5.
    assert [v for _, _, v in corrected_scores([(0, "L", 2), (0, "X", 2)], offsets, 1, 5)] == [5, 1]


def test_calibration_spread_per_criterion_and_per_reviewer():
    # greeting: A 100, B 80, C 60 → mean 80, sd √((20² + 0² + 20²)/2) = 20, range 40
    #   A: 100 − (80 + 60)/2 = +30; B: 80 − (100 + 60)/2 = 0; C: 60 − (100 + 80)/2 = −30
    # closing: A 100, B 100 → mean 100, sd 0; A and B deviate 0.
    report = calibration_spread(
        [("greeting", "A", 100), ("greeting", "B", 80), ("greeting", "C", 60),
         ("closing", "A", 100), ("closing", "B", 100)]
    )  # fmt: skip
    greeting, closing = report.criteria  # most spread first
    assert (greeting.criterion, greeting.n, greeting.mean, greeting.sd, greeting.range) == (
        "greeting", 3, 80, 20, 40
    )  # fmt: skip
    assert (closing.criterion, closing.sd, closing.range) == ("closing", 0, 0)
    by = {r.reviewer: r for r in report.reviewers}
    assert (by["A"].n, by["A"].mean_deviation, by["A"].mean_absolute_deviation) == (2, 15, 15)
    assert (by["B"].mean_deviation, by["C"].mean_deviation, by["C"].n) == (0, -30, 1)
    assert report.alpha is not None and not math.isnan(report.alpha.alpha or 0)
