"""The performance bonus pool (绩效奖金池, MISSION R1): who is eligible and how the pool is split.

The seed's rule: among the eligible agents, the top 20 % by total share 50 % of the pool; the
other eligible agents share the rest in proportion to their totals. An agent is eligible with a
total, a grade at or above the minimum (default C), no critical QA failure and employment for
the whole cycle. Every amount is exact to the cent and the amounts add up to the pool exactly
(largest-remainder rounding). Agents tied at the top-20 % boundary share the top places left,
so equal totals are always paid alike and the top tier still receives exactly its share.
The formulas, tie rule and edge cases are in docs/results.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from frontdesk.indicators.periods import Period
from frontdesk.scoring.scheme import (
    DEFAULT_GRADE_LADDER,
    Scheme,
    SchemeError,
    grade_ladder,
    grades_at_or_above,
    results_section,
)
from frontdesk.scoring.scorecard import Scorecard

TOP, SHARED, REST, NONE = "top", "shared", "rest", "none"
SPLITS = ("equal", "score")
CENT = Decimal("0.01")

# Why an agent gets nothing, in the order they are checked; all that apply are reported.
NO_TOTAL = "no_total"
NOT_EMPLOYED_WHOLE_CYCLE = "not_employed_whole_cycle"
CRITICAL_FAILURE = "critical_failure"
GRADE_BELOW_MINIMUM = "grade_below_minimum"


class BonusError(ValueError):
    """An input the allocation cannot use (a negative pool, fractions of a cent, mixed periods)."""


def parse_fraction(value: Any, where: str) -> Decimal:
    """A share between 0 and 1, written ``0.2`` or ``"20%"``; ``ValueError`` naming ``where``."""
    text = str(value).strip()
    try:
        d = Decimal(text[:-1].strip()) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{where}: {value!r} is not a share (write 0.2 or 20%)") from None
    if isinstance(value, bool) or not d.is_finite() or not 0 <= d <= 1:
        raise ValueError(f"{where}: {value!r} is not a share between 0 and 1 (or 0% and 100%)")
    return d


def parse_flag(value: Any, where: str) -> bool:
    """A yes/no setting; ``ValueError`` naming ``where`` for anything but true or false."""
    if not isinstance(value, bool):
        raise ValueError(f"{where}: {value!r} is not true or false")
    return value


def parse_pool(value: Decimal | int | str) -> Decimal:
    """The pool as a Decimal of whole cents; ``BonusError`` for a negative or non-numeric amount."""
    text = str(value).strip().replace(",", "").replace("_", "")
    try:
        pool = Decimal(text)
    except InvalidOperation:
        raise BonusError(f"{value!r} is not an amount (e.g. 100000 or 100000.00)") from None
    if not pool.is_finite():
        raise BonusError(f"{value!r} is not an amount (e.g. 100000 or 100000.00)")
    if pool < 0:
        raise BonusError(f"{value!r} is negative; a bonus pool is zero or more")
    if pool != pool.quantize(CENT):
        raise BonusError(f"{value!r} has fractions of a cent; give at most two decimal places")
    return pool.quantize(CENT)


def critical_failure(
    card: Scorecard,
    critical: Mapping[str, bool] | None,
    indicator: str = "qa_critical_failures",
    max_failures: float = 0,
) -> bool:
    """Whether ``card``'s agent failed a critical QA item in the cycle.

    ``critical[agent_id]`` wins when given. Otherwise: the scorecard's ``critical_failure`` flag
    (set by the scheme's ``critical_failures:`` rules), or a count above ``max_failures`` in the
    scorecard's ``indicator`` when it carries one; with neither, no failure is known.
    """
    if critical is not None and card.agent_id in critical:
        return bool(critical[card.agent_id])
    if "critical_failure" in card.flags:
        return True
    res = card.indicators.get(indicator)
    return res is not None and res.value is not None and res.value > max_failures


def whole_cycle_employment(agents: Iterable[Mapping[str, Any]], period: Period) -> dict[str, bool]:
    """Agent id → employed for the whole of ``period``, from rows of the canonical ``agents`` table.

    Hired on or before the period's first day counts as the whole cycle; no hire date counts as
    employed. The table has no leaving date: agents marked inactive are not appraised at all.
    """
    out = {}
    for row in agents:
        hired = row.get("hire_date")
        out[str(row["agent_id"])] = not (isinstance(hired, date) and hired > period.start)
    return out


@dataclass(frozen=True)
class BonusRules:
    """``results: bonus:`` of a scheme; the defaults are the seed's (top 20 % share 50 %)."""

    top_fraction: Decimal = Decimal("0.2")  # share of the eligible agents in the top tier
    top_share: Decimal = Decimal("0.5")  # share of the pool for the top tier
    top_split: str = "equal"  # how the top tier shares its part: equal | score
    rest_split: str = "score"  # how the others share theirs: score (in proportion to total) | equal
    min_grade: str | None = "C"  # None: any grade
    grade_ladder: tuple[str, ...] = DEFAULT_GRADE_LADDER
    exclude_critical_failures: bool = True
    critical_indicator: str = "qa_critical_failures"
    max_critical_failures: float = 0
    require_whole_cycle: bool = True

    def __post_init__(self) -> None:
        # Exact decimals: Fraction(0.7) × 10 is just below 7, and the top tier would lose a place.
        object.__setattr__(self, "top_fraction", parse_fraction(self.top_fraction, "top_fraction"))
        object.__setattr__(self, "top_share", parse_fraction(self.top_share, "top_share"))
        for name in ("top_split", "rest_split"):
            if getattr(self, name) not in SPLITS:
                raise ValueError(f"{name}: {getattr(self, name)!r} is not one of {', '.join(SPLITS)}")
        if self.min_grade is not None:
            grades_at_or_above(self.grade_ladder, self.min_grade)

    @property
    def eligible_grades(self) -> frozenset[str] | None:
        """Grades at or above the minimum; None when any grade will do."""
        if self.min_grade is None:
            return None
        return grades_at_or_above(self.grade_ladder, self.min_grade)

    @classmethod
    def from_scheme(cls, scheme: Scheme) -> BonusRules:
        """The rules in ``scheme``'s ``results: bonus:`` section, defaults for what it leaves out."""
        raw = dict(results_section(scheme, "bonus"))
        where = f"scheme {scheme.version_id}: results.bonus"
        known = {
            "top_fraction", "top_share", "top_split", "rest_split", "min_grade",
            "exclude_critical_failures", "critical_indicator", "max_critical_failures",
            "require_whole_cycle",
        }  # fmt: skip
        if unknown := sorted(set(raw) - known):
            raise SchemeError(f"{where}: unknown field {unknown[0]!r} (expected {', '.join(sorted(known))})")
        d = cls()
        ladder = grade_ladder(scheme)
        # The seed's pass grade is C; a scheme without one passes every grade but its lowest.
        default_min = "C" if "C" in ladder else (ladder[-2] if len(ladder) > 1 else None)
        min_grade = raw.get("min_grade", default_min)
        try:
            return cls(
                top_fraction=parse_fraction(raw.get("top_fraction", d.top_fraction), "top_fraction"),
                top_share=parse_fraction(raw.get("top_share", d.top_share), "top_share"),
                top_split=str(raw.get("top_split", d.top_split)),
                rest_split=str(raw.get("rest_split", d.rest_split)),
                min_grade=None if min_grade is None else str(min_grade),
                grade_ladder=ladder,
                exclude_critical_failures=parse_flag(
                    raw.get("exclude_critical_failures", True), "exclude_critical_failures"
                ),
                critical_indicator=str(raw.get("critical_indicator", d.critical_indicator)),
                max_critical_failures=float(raw.get("max_critical_failures", 0)),
                require_whole_cycle=parse_flag(raw.get("require_whole_cycle", True), "require_whole_cycle"),
            )
        except (TypeError, ValueError) as e:
            raise SchemeError(f"{where}: {e}") from None

    def to_json(self) -> dict[str, Any]:
        return {
            "top_fraction": str(self.top_fraction),
            "top_share": str(self.top_share),
            "top_split": self.top_split,
            "rest_split": self.rest_split,
            "min_grade": self.min_grade,
            "exclude_critical_failures": self.exclude_critical_failures,
            "critical_indicator": self.critical_indicator,
            "max_critical_failures": self.max_critical_failures,
            "require_whole_cycle": self.require_whole_cycle,
        }


@dataclass(frozen=True)
class BonusLine:
    """One agent's share of the pool.

    ``tier``: ``top`` (holds a whole top-tier place), ``shared`` (tied at the top-tier boundary,
    holds part of a place), ``rest`` (eligible, no place) or ``none`` (not eligible: see reasons).
    """

    agent_id: str
    name: str
    name_zh: str | None
    team_id: str
    total: float | None
    grade: str | None
    tier: str
    amount: Decimal
    rank: int | None = None  # competition rank among the eligible agents, by total
    top_place: float = 0.0  # share of a top-tier place held: 1 top, 0 rest, between for ties
    reasons: tuple[str, ...] = ()  # why not eligible (empty when eligible)

    @property
    def eligible(self) -> bool:
        return self.tier != NONE

    def to_json(self) -> dict[str, Any]:
        return {
            "agent_id": self.agent_id,
            "name": self.name,
            "name_zh": self.name_zh,
            "team_id": self.team_id,
            "total": self.total,
            "grade": self.grade,
            "rank": self.rank,
            "tier": self.tier,
            "top_place": self.top_place,
            "amount": f"{self.amount:.2f}",
            "eligible": self.eligible,
            "reason": self.reasons[0] if self.reasons else None,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class BonusAllocation:
    """A period's pool split over its agents; amounts plus ``unallocated`` equal ``pool`` exactly."""

    period: str | None
    pool: Decimal
    rules: BonusRules
    allocations: list[BonusLine] = field(default_factory=list)
    top_places: int = 0  # places in the top tier: max(1, floor(top_fraction × eligible)), or 0
    boundary_total: float | None = None  # the lowest total holding (a share of) a top place
    unallocated: Decimal = Decimal("0.00")  # the whole pool when nobody is eligible, else 0

    def tier(self, name: str) -> list[BonusLine]:
        return [a for a in self.allocations if a.tier == name]

    def tier_amount(self, name: str) -> Decimal:
        return sum((a.amount for a in self.tier(name)), Decimal("0.00"))

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md ``bonus --format json`` document; amounts are strings with two decimals."""
        return {
            "period": self.period,
            "pool": f"{self.pool:.2f}",
            "unallocated": f"{self.unallocated:.2f}",
            "rules": self.rules.to_json(),
            "tiers": {
                TOP: {
                    **self._tier_json(TOP),
                    "places": self.top_places,
                    "boundary_total": self.boundary_total,
                },
                SHARED: self._tier_json(SHARED),
                REST: self._tier_json(REST),
            },
            "allocations": [a.to_json() for a in self.allocations],
        }

    def _tier_json(self, name: str) -> dict[str, Any]:
        return {"agents": len(self.tier(name)), "amount": f"{self.tier_amount(name):.2f}"}


def ineligibility(
    card: Scorecard,
    rules: BonusRules,
    critical: Mapping[str, bool] | None = None,
    employed_whole_cycle: Mapping[str, bool] | None = None,
) -> tuple[str, ...]:
    """Every reason ``card``'s agent gets no bonus; empty when eligible.

    An agent missing from ``employed_whole_cycle`` counts as employed the whole cycle.
    """
    reasons = []
    if card.total is None:
        reasons.append(NO_TOTAL)
    employed = True if employed_whole_cycle is None else employed_whole_cycle.get(card.agent_id, True)
    if rules.require_whole_cycle and not employed:
        reasons.append(NOT_EMPLOYED_WHOLE_CYCLE)
    if rules.exclude_critical_failures and critical_failure(
        card, critical, rules.critical_indicator, rules.max_critical_failures
    ):
        reasons.append(CRITICAL_FAILURE)
    grades = rules.eligible_grades
    if grades is not None and card.total is not None and card.grade not in grades:
        reasons.append(GRADE_BELOW_MINIMUM)
    return tuple(reasons)


def _weights(cards: Sequence[Scorecard], places: Mapping[str, Fraction], split: str) -> dict[str, Fraction]:
    """Each agent's claim on a tier's part: its places in the tier, times its total for ``score``."""
    if split == "score":
        weights = {c.agent_id: places[c.agent_id] * Fraction(Decimal(repr(c.total))) for c in cards}
        if sum(weights.values()) > 0:
            return weights
    return {c.agent_id: places[c.agent_id] for c in cards}  # equal, or by score when all totals are 0


def _competition_ranks(cards: Sequence[Scorecard]) -> dict[str, int]:
    out, prev, prev_rank = {}, None, 0
    for i, c in enumerate(cards, start=1):
        if c.total != prev:
            prev, prev_rank = c.total, i
        out[c.agent_id] = prev_rank
    return out


def top_places(eligible: Sequence[Scorecard], top_fraction: Decimal) -> dict[str, Fraction]:
    """Each eligible agent's share of a top-tier place (``eligible`` ranked best first).

    There are ``max(1, floor(top_fraction × n))`` places (none when the fraction is 0). Agents
    above the boundary total hold a whole place; the agents tied at the boundary share the places
    left equally (3 agents tied for 2 places hold 2/3 of a place each); agents below hold none.
    """
    out = {c.agent_id: Fraction(0) for c in eligible}
    if not eligible or top_fraction <= 0:
        return out
    k = max(1, math.floor(Fraction(top_fraction) * len(eligible)))
    boundary = eligible[k - 1].total
    above = [c for c in eligible if (c.total or 0.0) > (boundary or 0.0)]
    level = [c for c in eligible if c.total == boundary]
    for c in above:
        out[c.agent_id] = Fraction(1)
    for c in level:
        out[c.agent_id] = Fraction(k - len(above), len(level))
    return out


def allocate_bonus(
    cards: list[Scorecard],
    pool: Decimal,
    rules: BonusRules | None = None,
    *,
    critical: Mapping[str, bool] | None = None,
    employed_whole_cycle: Mapping[str, bool] | None = None,
    period: str | None = None,
) -> BonusAllocation:
    """Split ``pool`` over the agents of one period's ``cards`` under ``rules``.

    1. Eligible agents (see ``ineligibility``) are ranked by total. The top tier has
       ``k = max(1, floor(top_fraction × eligible))`` places; agents tied at the k-th total share
       the places left (``top_places``), so agents with equal totals are always paid alike.
    2. The top tier's part (``top_share`` of the pool) goes to the place holders, equally per
       place or by place × total (``top_split``); the rest goes to the other eligible agents by
       total or equally (``rest_split``), an agent sharing a place taking part in both for the
       parts of a place it does and does not hold. When one tier is empty the other gets it all.
    3. Exact shares are cut to whole cents; the cents left over go one each to the largest
       remainders (ties: higher total, then agent id), so the amounts add up to the pool exactly.

    Ineligible agents get 0 with their reasons. When nobody is eligible every amount is 0 and
    the whole pool is reported as ``unallocated`` (to carry over), not an error.
    """
    rules = rules or BonusRules()
    pool = parse_pool(pool)
    periods = {c.period for c in cards}
    if len(periods) > 1:
        raise BonusError(f"scorecards of several periods ({', '.join(sorted(periods))}); pass one period")
    period = period if period is not None else next(iter(periods), None)

    reasons = {c.agent_id: ineligibility(c, rules, critical, employed_whole_cycle) for c in cards}
    eligible = sorted(
        (c for c in cards if not reasons[c.agent_id]), key=lambda c: (-(c.total or 0.0), c.agent_id)
    )
    places = top_places(eligible, rules.top_fraction)
    top_w = _weights(eligible, places, rules.top_split)
    rest_w = _weights(eligible, {a: 1 - p for a, p in places.items()}, rules.rest_split)
    top_sum, rest_sum = sum(top_w.values()), sum(rest_w.values())
    top_part = Fraction(rules.top_share) if top_sum and rest_sum else Fraction(int(top_sum > 0))
    pool_cents = int(pool * 100)
    exact: dict[str, Fraction] = {}
    for c in eligible:
        a = c.agent_id
        share = (top_part * top_w[a] / top_sum if top_sum else 0) + (
            (1 - top_part) * rest_w[a] / rest_sum if rest_sum else 0
        )
        exact[a] = pool_cents * share
    cents = {a: math.floor(x) for a, x in exact.items()}
    leftover = pool_cents - sum(cents.values()) if eligible else 0
    by_remainder = sorted(
        eligible, key=lambda c: (-(exact[c.agent_id] - cents[c.agent_id]), -(c.total or 0.0), c.agent_id)
    )
    for c in by_remainder[:leftover]:
        cents[c.agent_id] += 1

    ranks = _competition_ranks(eligible)
    ineligible = sorted((c for c in cards if reasons[c.agent_id]), key=lambda c: c.agent_id)
    lines = []
    for c in [*eligible, *ineligible]:
        held = places.get(c.agent_id)
        tier = NONE if held is None else TOP if held == 1 else REST if held == 0 else SHARED
        lines.append(
            BonusLine(
                agent_id=c.agent_id,
                name=c.name,
                name_zh=c.name_zh,
                team_id=c.team_id,
                total=c.total,
                grade=c.grade,
                tier=tier,
                amount=(Decimal(cents.get(c.agent_id, 0)) / 100).quantize(CENT),
                rank=ranks.get(c.agent_id),
                top_place=float(round(held, 4)) if held is not None else 0.0,
                reasons=reasons[c.agent_id],
            )
        )
    level = [c.total or 0.0 for c in eligible if places[c.agent_id] > 0]
    return BonusAllocation(
        period=period,
        pool=pool,
        rules=rules,
        allocations=lines,
        top_places=int(sum(places.values())),
        boundary_total=min(level) if level else None,
        unallocated=pool if not eligible else Decimal("0.00"),
    )
