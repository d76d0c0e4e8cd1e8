"""Do raters agree? Inter-rater reliability, rater leniency and calibration spread (docs/multi-rater.md).

Pure functions on plain ratings, no Django and no I/O:

- ``krippendorff_alpha_interval``: Krippendorff's α for interval data, which accepts the incomplete
  designs 360° campaigns have (every subject has other raters, not every rater rates every item);
- ``leniency_offsets`` / ``corrected_scores``: a rater's mean deviation from the other raters of
  the same items, subtracted from that rater's scores when the rater gave enough ratings;
- ``calibration_spread``: how far reviewers scoring the same contact lie apart, per criterion and
  per reviewer.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

# A rating: (unit, rater, value). A unit is what was rated (a subject's competency, a criterion).
Rating = tuple[Hashable, Hashable, float]


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's α with what it was computed from; ``alpha`` None when it is not defined."""

    alpha: float | None
    values: int  # pairable values: those in units rated at least twice
    units: int  # units rated at least twice
    observed_disagreement: float | None
    expected_disagreement: float | None


def krippendorff_alpha_interval(ratings: Iterable[Rating]) -> Alpha:
    """Krippendorff's α for interval data: ``1 - D_o / D_e``.

    ``D_o`` is the mean squared difference between two values of the same unit (each unit's
    ordered pairs weighted by ``1 / (m_u - 1)``), ``D_e`` the mean squared difference between any
    two pairable values. Units rated once carry no information on agreement and are left out; a
    rater's second value for the same unit replaces the first. α is 1 for perfect agreement, 0
    when raters agree no better than chance, negative when they disagree systematically; None
    without two pairable units' worth of variation (``D_e`` = 0 or fewer than two values).
    """
    by_unit: dict[Hashable, dict[Hashable, float]] = defaultdict(dict)
    for unit, rater, value in ratings:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        by_unit[unit][rater] = float(value)
    pairable = [list(v.values()) for v in by_unit.values() if len(v) >= 2]
    n = sum(len(v) for v in pairable)
    if n < 2:
        return Alpha(None, n, len(pairable), None, None)
    # Σ over ordered pairs i ≠ j of (x_i - x_j)² = 2 (m Σx² - (Σx)²), so no pair is enumerated.
    within = 0.0
    for values in pairable:
        m, s1, s2 = len(values), sum(values), sum(x * x for x in values)
        within += 2.0 * (m * s2 - s1 * s1) / (m - 1)
    s1 = sum(x for v in pairable for x in v)
    s2 = sum(x * x for v in pairable for x in v)
    observed = within / n
    expected = 2.0 * (n * s2 - s1 * s1) / (n * (n - 1))
    if expected <= 1e-12:
        return Alpha(None, n, len(pairable), observed, expected)
    return Alpha(1.0 - observed / expected, n, len(pairable), observed, expected)


def reading_of_alpha(alpha: float | None) -> str:
    """The conventional reading of α (Krippendorff 2004): ``reliable`` from 0.8, ``tentative``
    from 0.667, ``unreliable`` below, ``undefined`` without data."""
    if alpha is None:
        return "undefined"
    if alpha >= 0.8:
        return "reliable"
    if alpha >= 0.667:
        return "tentative"
    return "unreliable"


@dataclass(frozen=True)
class Offset:
    """A rater's leniency (positive) or severity (negative): the mean of (own score − the mean of
    the other raters of the same unit), over ``n`` ratings."""

    rater: Hashable
    offset: float
    n: int


def leniency_offsets(ratings: Iterable[Rating], min_ratings: int = 5) -> dict[Hashable, Offset]:
    """Offsets of the raters with at least ``min_ratings`` ratings of units others rated too.

    The comparison is with the *other* raters of the unit, so a rater never pulls the reference
    toward themself; units rated by one rater only are ignored. Raters below ``min_ratings``
    are left out: their offset would be mostly noise.
    """
    by_unit: dict[Hashable, dict[Hashable, float]] = defaultdict(dict)
    for unit, rater, value in ratings:
        if value is not None:
            by_unit[unit][rater] = float(value)
    deviations: dict[Hashable, list[float]] = defaultdict(list)
    for values in by_unit.values():
        if len(values) < 2:
            continue
        total = sum(values.values())
        for rater, x in values.items():
            others = (total - x) / (len(values) - 1)
            deviations[rater].append(x - others)
    return {
        rater: Offset(rater, sum(d) / len(d), len(d))
        for rater, d in deviations.items()
        if len(d) >= min_ratings
    }


def corrected_scores(
    ratings: Iterable[Rating], offsets: Mapping[Hashable, Offset], low: float, high: float
) -> list[Rating]:
    """Each rating minus its rater's offset (raters without an offset unchanged), kept within the
    scale ``[low, high]``."""
    out = []
    for unit, rater, value in ratings:
        off = offsets.get(rater)
        corrected = value if off is None else min(high, max(low, value - off.offset))
        out.append((unit, rater, corrected))
    return out


@dataclass(frozen=True)
class CriterionSpread:
    """The scores several reviewers gave one criterion, as percent of its maximum."""

    criterion: str
    n: int
    mean: float
    sd: float  # sample standard deviation (0 for one score)
    low: float
    high: float

    @property
    def range(self) -> float:
        return self.high - self.low


@dataclass(frozen=True)
class ReviewerSpread:
    """How far one reviewer lies from the mean of the others, criterion by criterion (percent points)."""

    reviewer: str
    n: int
    mean_deviation: float  # signed: positive = more lenient than the others
    mean_absolute_deviation: float


@dataclass
class CalibrationReport:
    criteria: list[CriterionSpread] = field(default_factory=list)
    reviewers: list[ReviewerSpread] = field(default_factory=list)
    alpha: Alpha | None = None


def calibration_spread(scores: Iterable[tuple[str, str, float]]) -> CalibrationReport:
    """Spread of ``(criterion, reviewer, percent of the criterion's maximum)`` scores: per
    criterion (mean, sd, lowest, highest), per reviewer (mean deviation from the *other*
    reviewers' mean on the criteria both scored) and α over the criteria as units."""
    rows = list(scores)
    by_criterion: dict[str, dict[str, float]] = defaultdict(dict)
    for criterion, reviewer, value in rows:
        by_criterion[criterion][reviewer] = float(value)
    report = CalibrationReport()
    deviations: dict[str, list[float]] = defaultdict(list)
    for criterion, values in by_criterion.items():
        xs = list(values.values())
        mean = sum(xs) / len(xs)
        sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0
        report.criteria.append(CriterionSpread(criterion, len(xs), mean, sd, min(xs), max(xs)))
        if len(xs) > 1:
            total = sum(xs)
            for reviewer, x in values.items():
                deviations[reviewer].append(x - (total - x) / (len(xs) - 1))
    report.criteria.sort(key=lambda c: (-c.sd, c.criterion))
    for reviewer in sorted({r for _, r, _ in rows}):
        d = deviations.get(reviewer, [])
        report.reviewers.append(
            ReviewerSpread(
                reviewer,
                len(d),
                sum(d) / len(d) if d else 0.0,
                sum(abs(x) for x in d) / len(d) if d else 0.0,
            )
        )
    report.alpha = krippendorff_alpha_interval(rows)
    return report
