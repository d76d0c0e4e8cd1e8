"""The new score and total an adjusted indicator value gives; no database here.

Rule: the indicator's new score comes from the same curve the engine used, with the targets stored
on the result (``linear_score(value, target, floor, cap)``; steps and percentile through the
engine's ``step_score`` / ``percentile_score``), rounded to 2 decimals like the engine. The
scorecard's new total is recomputed from the stored rows: Σ weight × score over the scored
indicators, plus the stored bonus points, rounded to 2 decimals. Weights are not changed; the
grade and the run's ranks then follow the new total (``reranking``), so a scorecard never
contradicts itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from frontdesk.scoring.scheme import SchemeIndicator
from frontdesk.scoring.scores import linear_score, percentile_score, step_score


class RescoreError(ValueError):
    """The adjusted value cannot be scored: the message says what is missing."""


@dataclass(frozen=True)
class StoredResult:
    """What a stored indicator result says about how it was scored."""

    code: str
    curve: str | None
    target: float | None
    floor: float | None


def rescore(
    result: StoredResult,
    value: float,
    *,
    rule: SchemeIndicator | None = None,
    better: str | None = None,
    peers: Sequence[float] = (),
) -> float:
    """The score of ``value`` on ``result``'s curve. ``rule`` (the scheme's indicator) gives the
    stretch cap and the step bands; ``better`` and ``peers`` (the run's other values) serve the
    percentile curve."""
    curve = result.curve or "linear"
    if curve == "steps":
        if rule is None or not rule.steps or better is None:
            raise RescoreError(f"{result.code}: the scheme in force has no step bands for this indicator")
        return round(step_score(value, rule, better), 2)
    if curve == "percentile":
        if better is None:
            raise RescoreError(f"{result.code}: the catalogue does not say whether higher or lower is better")
        return round(percentile_score(value, [*peers, value], better), 2)
    if result.target is None or result.floor is None or result.target == result.floor:
        raise RescoreError(f"{result.code}: the stored result has no target and floor to score a value with")
    cap = rule.cap if rule is not None else 100.0
    return round(linear_score(value, result.target, result.floor, cap), 2)


def total_of(weighted_scores: Sequence[tuple[float, float | None]], bonus_points: float = 0.0) -> float:
    """Σ weight × score over the scored indicators (score None is not available, left out), plus
    bonus points, rounded to 2 decimals."""
    return round(sum(w * s for w, s in weighted_scores if s is not None) + (bonus_points or 0.0), 2)
