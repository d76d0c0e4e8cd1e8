"""Recognition (荣誉表彰, MISSION R2): the Service Star of each team and month, and the annual
excellent staff list.

Service Star (服务之星): the best total in the team among agents whose result rests on enough
data (no scored indicator flagged ``small_sample``, plus any per-indicator minimum sample the
scheme sets) and who had no critical QA failure. Ties on total are broken by the scores of the
scheme's tie-breaker indicators in order (default CSAT, then NPS); agents still level share the
award (joint stars). Winners join VIP-customer projects.

Annual excellent staff (年度优秀员工): agents scored in enough of the year's cycles, graded
excellent in enough of them and with no critical failure in any, best mean total first, capped
at a share of the organisation (ties at the cap all included). They earn external training.
See docs/results.md.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from frontdesk.indicators.periods import parse_period
from frontdesk.results.bonus_pool import CRITICAL_FAILURE, critical_failure, parse_flag, parse_fraction
from frontdesk.scoring.scheme import (
    DEFAULT_GRADE_LADDER,
    Scheme,
    SchemeError,
    grade_ladder,
    grades_at_or_above,
    results_section,
)
from frontdesk.scoring.scorecard import Scorecard

# Why an agent cannot be Service Star this cycle.
NO_TOTAL = "no_total"
SMALL_SAMPLE = "small_sample"
BELOW_MIN_N = "below_min_n"
GRADE_BELOW_MINIMUM = "grade_below_minimum"


@dataclass(frozen=True)
class ServiceStarRules:
    """``results: service_star:`` of a scheme."""

    require_full_sample: bool = True  # no scored indicator may carry the small_sample flag
    min_n: Mapping[str, int] = field(default_factory=dict)  # stricter minimum samples by indicator
    min_grade: str | None = None
    grade_ladder: tuple[str, ...] = DEFAULT_GRADE_LADDER
    exclude_critical_failures: bool = True
    critical_indicator: str = "qa_critical_failures"
    max_critical_failures: float = 0
    tie_breakers: tuple[str, ...] = ("csat", "nps")  # indicator scores compared in order on ties

    def __post_init__(self) -> None:
        if self.min_grade is not None:
            grades_at_or_above(self.grade_ladder, self.min_grade)
        for code, n in self.min_n.items():
            if not isinstance(n, int) or n < 0:
                raise ValueError(f"min_n.{code}: expected a whole number ≥ 0, not {n!r}")

    @classmethod
    def from_scheme(cls, scheme: Scheme) -> ServiceStarRules:
        raw = results_section(scheme, "service_star")
        where = f"scheme {scheme.version_id}: results.service_star"
        known = {
            "require_full_sample", "min_n", "min_grade", "exclude_critical_failures",
            "critical_indicator", "max_critical_failures", "tie_breakers",
        }  # fmt: skip
        if unknown := sorted(set(raw) - known):
            raise SchemeError(f"{where}: unknown field {unknown[0]!r} (expected {', '.join(sorted(known))})")
        d = cls()
        try:
            min_n = raw.get("min_n") or {}
            if not isinstance(min_n, Mapping):
                raise ValueError("min_n: expected a mapping of indicator code to sample size")
            return cls(
                require_full_sample=parse_flag(raw.get("require_full_sample", True), "require_full_sample"),
                min_n={str(k): v for k, v in min_n.items()},
                min_grade=None if raw.get("min_grade") is None else str(raw["min_grade"]),
                grade_ladder=grade_ladder(scheme),
                exclude_critical_failures=parse_flag(
                    raw.get("exclude_critical_failures", True), "exclude_critical_failures"
                ),
                critical_indicator=str(raw.get("critical_indicator", d.critical_indicator)),
                max_critical_failures=float(raw.get("max_critical_failures", 0)),
                tie_breakers=tuple(str(c) for c in raw.get("tie_breakers", d.tie_breakers) or ()),
            )
        except (TypeError, ValueError) as e:
            raise SchemeError(f"{where}: {e}") from None


@dataclass(frozen=True)
class ServiceStar:
    """A team's Service Star for one period; ``joint`` when several agents share the award."""

    period: str
    team_id: str
    agent_id: str
    name: str
    name_zh: str | None
    total: float
    decided_by: str  # "total", a tie-breaker indicator code, or "joint"
    joint: bool = False
    contenders: int = 0  # eligible agents in the team

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "team_id": self.team_id,
            "agent_id": self.agent_id,
            "name": self.name,
            "name_zh": self.name_zh,
            "total": self.total,
            "decided_by": self.decided_by,
            "joint": self.joint,
            "contenders": self.contenders,
        }


def star_ineligibility(
    card: Scorecard, rules: ServiceStarRules, critical: Mapping[str, bool] | None = None
) -> tuple[str, ...]:
    """Every reason ``card``'s agent cannot be Service Star; empty when eligible."""
    reasons = []
    if card.total is None:
        reasons.append(NO_TOTAL)
    if rules.require_full_sample and any(
        "small_sample" in r.flags for r in card.indicators.values() if r.score is not None
    ):
        reasons.append(SMALL_SAMPLE)
    for code, need in rules.min_n.items():
        res = card.indicators.get(code)
        if res is None or res.value is None or res.n < need:
            reasons.append(BELOW_MIN_N)
            break
    if rules.exclude_critical_failures and critical_failure(
        card, critical, rules.critical_indicator, rules.max_critical_failures
    ):
        reasons.append(CRITICAL_FAILURE)
    grades = None if rules.min_grade is None else grades_at_or_above(rules.grade_ladder, rules.min_grade)
    if grades is not None and card.total is not None and card.grade not in grades:
        reasons.append(GRADE_BELOW_MINIMUM)
    return tuple(reasons)


def _tie_score(card: Scorecard, code: str) -> float:
    """A tie-breaker indicator's score; a missing score counts below any real one."""
    res = card.indicators.get(code)
    return res.score if res is not None and res.score is not None else -math.inf


def service_stars(
    cards: Iterable[Scorecard],
    rules: ServiceStarRules | None = None,
    *,
    critical: Mapping[str, bool] | None = None,
) -> list[ServiceStar]:
    """The Service Star(s) of every team and period in ``cards``, by period then team.

    A team without an eligible agent has no star that period.
    """
    rules = rules or ServiceStarRules()
    groups: dict[tuple[str, str], list[Scorecard]] = defaultdict(list)
    for c in cards:
        if not star_ineligibility(c, rules, critical):
            groups[(c.period, c.team_id)].append(c)
    out = []
    for (period, team), members in sorted(groups.items()):
        best_total = max(c.total or 0.0 for c in members)
        level = [c for c in members if c.total == best_total]
        decided_by = "total"
        for code in rules.tie_breakers:
            if len(level) == 1:
                break
            best = max(_tie_score(c, code) for c in level)
            level = [c for c in level if _tie_score(c, code) == best]
            decided_by = code
        joint = len(level) > 1
        out.extend(
            ServiceStar(
                period=period,
                team_id=team,
                agent_id=c.agent_id,
                name=c.name,
                name_zh=c.name_zh,
                total=best_total,
                decided_by="joint" if joint else decided_by,
                joint=joint,
                contenders=len(members),
            )
            for c in sorted(level, key=lambda c: c.agent_id)
        )
    return out


@dataclass(frozen=True)
class AnnualExcellentRules:
    """``results: annual_excellent:`` of a scheme."""

    excellent_grade: str = "A"
    grade_ladder: tuple[str, ...] = DEFAULT_GRADE_LADDER
    min_cycle_share: Decimal = Decimal("0.75")  # share of the year's cycles the agent was scored in
    min_excellent_share: Decimal = Decimal("0.5")  # share of those cycles graded excellent or above
    max_fraction: Decimal = Decimal("0.1")  # at most this share of the agents appraised that year
    exclude_critical_failures: bool = True
    critical_indicator: str = "qa_critical_failures"
    max_critical_failures: float = 0

    def __post_init__(self) -> None:
        grades_at_or_above(self.grade_ladder, self.excellent_grade)
        for name in ("min_cycle_share", "min_excellent_share", "max_fraction"):
            object.__setattr__(self, name, parse_fraction(getattr(self, name), name))

    @property
    def qualifying_grades(self) -> frozenset[str]:
        return grades_at_or_above(self.grade_ladder, self.excellent_grade)

    @classmethod
    def from_scheme(cls, scheme: Scheme) -> AnnualExcellentRules:
        """The scheme's rules; the excellent grade defaults to the scheme's top grade."""
        raw = results_section(scheme, "annual_excellent")
        where = f"scheme {scheme.version_id}: results.annual_excellent"
        known = {
            "excellent_grade", "min_cycle_share", "min_excellent_share", "max_fraction",
            "exclude_critical_failures", "critical_indicator", "max_critical_failures",
        }  # fmt: skip
        if unknown := sorted(set(raw) - known):
            raise SchemeError(f"{where}: unknown field {unknown[0]!r} (expected {', '.join(sorted(known))})")
        ladder = grade_ladder(scheme)
        d = cls()
        try:
            return cls(
                excellent_grade=str(raw.get("excellent_grade", ladder[0] if ladder else "A")),
                grade_ladder=ladder,
                min_cycle_share=parse_fraction(
                    raw.get("min_cycle_share", d.min_cycle_share), "min_cycle_share"
                ),
                min_excellent_share=parse_fraction(
                    raw.get("min_excellent_share", d.min_excellent_share), "min_excellent_share"
                ),
                max_fraction=parse_fraction(raw.get("max_fraction", d.max_fraction), "max_fraction"),
                exclude_critical_failures=parse_flag(
                    raw.get("exclude_critical_failures", True), "exclude_critical_failures"
                ),
                critical_indicator=str(raw.get("critical_indicator", d.critical_indicator)),
                max_critical_failures=float(raw.get("max_critical_failures", 0)),
            )
        except (TypeError, ValueError) as e:
            raise SchemeError(f"{where}: {e}") from None


@dataclass(frozen=True)
class ExcellentStaff:
    """One agent on the annual excellent staff list."""

    agent_id: str
    name: str
    name_zh: str | None
    team_id: str
    mean_total: float
    cycles: int  # cycles of the year the agent was scored in
    excellent_cycles: int  # of those, cycles graded excellent or above
    rank: int

    def to_json(self) -> dict[str, Any]:
        return {
            "agent_id": self.agent_id,
            "name": self.name,
            "name_zh": self.name_zh,
            "team_id": self.team_id,
            "mean_total": self.mean_total,
            "cycles": self.cycles,
            "excellent_cycles": self.excellent_cycles,
            "rank": self.rank,
        }


def annual_excellent(
    cards: Iterable[Scorecard],
    rules: AnnualExcellentRules | None = None,
    *,
    critical: Mapping[str, bool] | None = None,
) -> list[ExcellentStaff]:
    """The annual excellent staff list from one year's scorecards (its months, its quarters, or
    the annual scorecards themselves).

    Eligible: scored (with a total) in at least ``min_cycle_share`` of the periods in ``cards``,
    graded excellent or above in at least ``min_excellent_share`` of those cycles, and no
    critical failure in any cycle (``critical`` covers the whole year). The list holds at most
    ``max(1, floor(max_fraction × agents appraised))`` agents by mean total, plus anyone tied with
    the last of them, best first.
    """
    rules = rules or AnnualExcellentRules()
    by_agent: dict[str, list[Scorecard]] = defaultdict(list)
    periods = set()
    for c in cards:
        by_agent[c.agent_id].append(c)
        periods.add(c.period)
    need = math.ceil(Fraction(rules.min_cycle_share) * len(periods))
    good = rules.qualifying_grades
    eligible = []
    for agent_id, own in by_agent.items():
        scored = [c for c in own if c.total is not None]
        if not scored or len(scored) < need:
            continue
        if rules.exclude_critical_failures and any(
            critical_failure(c, critical, rules.critical_indicator, rules.max_critical_failures) for c in own
        ):
            continue
        excellent = sum(1 for c in scored if c.grade in good)
        if excellent == 0 or excellent < Fraction(rules.min_excellent_share) * len(scored):
            continue
        mean = round(sum(c.total or 0.0 for c in scored) / len(scored), 2)
        eligible.append((mean, agent_id, scored, excellent))
    eligible.sort(key=lambda e: (-e[0], e[1]))
    if not eligible or rules.max_fraction == 0:
        return []
    cap = max(1, math.floor(Fraction(rules.max_fraction) * len(by_agent)))
    boundary = eligible[min(cap, len(eligible)) - 1][0]
    out = []
    rank, prev = 0, None
    for i, (mean, agent_id, scored, excellent) in enumerate(eligible, start=1):
        if mean < boundary:
            break
        if mean != prev:
            rank, prev = i, mean
        last = max(scored, key=lambda c: parse_period(c.period))
        out.append(
            ExcellentStaff(
                agent_id=agent_id,
                name=last.name,
                name_zh=last.name_zh,
                team_id=last.team_id,
                mean_total=mean,
                cycles=len(scored),
                excellent_cycles=excellent,
                rank=rank,
            )
        )
    return out
