"""Accelerated promotion (连续考核优秀者加速晋升, MISSION R1): who has been excellent long enough.

An agent is a promotion candidate when their grade was "excellent or above" in each of the last
N consecutive cycles (default 2) up to and including the cycle looked at. A cycle in which the
agent has no scorecard, or a grade below the bar, breaks the streak. See docs/results.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from frontdesk.indicators.periods import Period, parse_period, shift_period
from frontdesk.scoring.scheme import (
    DEFAULT_GRADE_LADDER,
    Scheme,
    SchemeError,
    grade_ladder,
    grades_at_or_above,
    results_section,
)
from frontdesk.scoring.scorecard import Scorecard


@dataclass(frozen=True)
class PromotionRules:
    """``results: promotion:`` of a scheme."""

    consecutive_cycles: int = 2
    excellent_grade: str = "A"
    grade_ladder: tuple[str, ...] = DEFAULT_GRADE_LADDER

    def __post_init__(self) -> None:
        if self.consecutive_cycles < 1:
            raise ValueError(f"consecutive_cycles must be at least 1, not {self.consecutive_cycles}")
        grades_at_or_above(self.grade_ladder, self.excellent_grade)

    @property
    def qualifying_grades(self) -> frozenset[str]:
        """The grades that count as excellent: the excellent grade and any better one."""
        return grades_at_or_above(self.grade_ladder, self.excellent_grade)

    @classmethod
    def from_scheme(cls, scheme: Scheme) -> PromotionRules:
        """The scheme's rules; the excellent grade defaults to the scheme's top grade."""
        raw = results_section(scheme, "promotion")
        ladder = grade_ladder(scheme)
        where = f"scheme {scheme.version_id}: results.promotion"
        known = {"consecutive_cycles", "excellent_grade"}
        if unknown := sorted(set(raw) - known):
            raise SchemeError(f"{where}: unknown field {unknown[0]!r} (expected {', '.join(sorted(known))})")
        try:
            cycles = int(raw.get("consecutive_cycles", 2))
            return cls(
                consecutive_cycles=cycles,
                excellent_grade=str(raw.get("excellent_grade", ladder[0] if ladder else "A")),
                grade_ladder=ladder,
            )
        except (TypeError, ValueError) as e:
            raise SchemeError(f"{where}: {e}") from None

    def to_json(self) -> dict[str, Any]:
        return {
            "consecutive_cycles": self.consecutive_cycles,
            "excellent_grade": self.excellent_grade,
            "qualifying_grades": [g for g in self.grade_ladder if g in self.qualifying_grades],
        }


@dataclass(frozen=True)
class PromotionCandidate:
    """An agent excellent in every one of the last ``streak`` cycles up to ``periods[-1]``."""

    agent_id: str
    name: str
    name_zh: str | None
    team_id: str
    streak: int  # consecutive excellent cycles ending at the period looked at (may exceed the rule)
    periods: tuple[str, ...]  # the streak's periods, oldest first
    grades: tuple[str, ...]
    totals: tuple[float | None, ...]

    @property
    def mean_total(self) -> float | None:
        known = [t for t in self.totals if t is not None]
        return round(sum(known) / len(known), 2) if known else None

    def to_json(self) -> dict[str, Any]:
        return {
            "agent_id": self.agent_id,
            "name": self.name,
            "name_zh": self.name_zh,
            "team_id": self.team_id,
            "streak": self.streak,
            "periods": list(self.periods),
            "grades": list(self.grades),
            "totals": list(self.totals),
            "mean_total": self.mean_total,
        }


def promotion_candidates(
    cards: Iterable[Scorecard], rules: PromotionRules | None = None, *, as_of: str | None = None
) -> list[PromotionCandidate]:
    """Agents excellent in each of the last ``rules.consecutive_cycles`` cycles up to ``as_of``.

    ``cards`` holds the scorecards of several periods of one kind (months, quarters or years);
    ``as_of`` defaults to the newest of them. A period missing from ``cards`` breaks every streak.
    Candidates come longest streak first, then by mean total over the streak, then by agent id.
    """
    rules = rules or PromotionRules()
    by_period: dict[Period, dict[str, Scorecard]] = defaultdict(dict)
    for c in cards:
        by_period[parse_period(c.period)][c.agent_id] = c
    if not by_period:
        return []
    kinds = {p.kind for p in by_period}
    if len(kinds) > 1:
        raise ValueError(f"scorecards mix period kinds ({', '.join(sorted(kinds))}); pass one cycle")
    last = parse_period(as_of) if as_of is not None else max(by_period)
    if last not in by_period:
        return []
    good = rules.qualifying_grades
    out = []
    for agent_id, card in by_period[last].items():
        streak: list[Scorecard] = []
        p = last
        while (c := by_period.get(p, {}).get(agent_id)) is not None and c.grade in good:
            streak.append(c)
            p = shift_period(p, -1)
        if len(streak) < rules.consecutive_cycles:
            continue
        streak.reverse()
        out.append(
            PromotionCandidate(
                agent_id=agent_id,
                name=card.name,
                name_zh=card.name_zh,
                team_id=card.team_id,
                streak=len(streak),
                periods=tuple(c.period for c in streak),
                grades=tuple(c.grade or "" for c in streak),
                totals=tuple(c.total for c in streak),
            )
        )
    out.sort(key=lambda c: (-c.streak, -(c.mean_total or 0.0), c.agent_id))
    return out
