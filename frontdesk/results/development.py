"""Individual development plans (个性化提升规划, MISSION R3): weak indicators → courses → goals.

For each agent, every scored indicator with enough sample is placed among the agent's peers (the
team, or the organisation when the team has too few comparable peers) as a percentile where 100
is best, respecting the indicator's direction. Indicators at or below the weak percentile (and
not already at the scheme's target) become goals, weakest first: reach the peers' median by the
next cycle, with a course from the scheme's training catalogue (e.g. weak satisfaction →
advanced communication workshop 高阶沟通工作坊; weak handle time → system retraining 系统再培训).
``review_goals`` marks each goal met or not in the next cycle. See docs/results.md.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from frontdesk.indicators.catalog import Indicator, builtin_catalog
from frontdesk.indicators.periods import parse_period, shift_period
from frontdesk.results.bonus_pool import parse_flag
from frontdesk.scoring.scheme import Scheme, SchemeError, results_section
from frontdesk.scoring.scorecard import IndicatorResult, Scorecard

PEER_GROUPS = ("team", "organisation")
MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"


@dataclass(frozen=True)
class Course:
    """A training course of the development catalogue."""

    code: str
    name_en: str
    name_zh: str

    def name(self, lang: str) -> str:
        return self.name_zh if lang.lower().startswith("zh") else self.name_en

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": {"en": self.name_en, "zh": self.name_zh}}


COMMUNICATION = Course("communication_workshop", "Advanced communication workshop", "高阶沟通工作坊")
SYSTEMS = Course("system_retraining", "System and tools retraining", "系统操作再培训")
PROBLEM_SOLVING = Course(
    "problem_solving", "Product knowledge and problem-solving clinic", "产品知识与问题解决培训"
)
STANDARDS = Course("service_standards", "Service standards refresher", "服务规范复训")
COLLABORATION = Course(
    "collaboration_workshop", "Cross-department collaboration workshop", "跨部门协作工作坊"
)
MENTORING = Course("mentoring", "Mentoring and learning plan", "导师辅导与学习计划")

# Keys are indicator codes or dimensions; an indicator's own entry wins over its dimension's.
DEFAULT_CATALOGUE: dict[str, Course] = {
    "csat": COMMUNICATION,
    "csat_mean": COMMUNICATION,
    "nps": COMMUNICATION,
    "periodic_satisfaction": COMMUNICATION,
    "complaint_conversion": COMMUNICATION,
    "emotion_handling": COMMUNICATION,
    "needs_identification": COMMUNICATION,
    "rating_360_customer": COMMUNICATION,
    "first_response": SYSTEMS,
    "handle_time": SYSTEMS,
    "urgent_response": SYSTEMS,
    "contacts_per_hour": SYSTEMS,
    "ticket_turnaround": SYSTEMS,
    "first_contact_resolution": PROBLEM_SOLVING,
    "service_compliance": STANDARDS,
    "script_compliance": STANDARDS,
    "process_adherence": STANDARDS,
    "qa_score": STANDARDS,
    "qa_critical_failures": STANDARDS,
    "efficiency": SYSTEMS,
    "quality": COMMUNICATION,
    "collaboration": COLLABORATION,
    "growth": MENTORING,
}


@dataclass(frozen=True)
class DevelopmentRules:
    """``results: development:`` of a scheme."""

    peer_group: str = "team"  # team | organisation
    min_peers: int = 5  # a team with fewer comparable peers falls back to the organisation
    weak_percentile: float = 25.0  # at or below this standing (100 = best) is weak
    max_goals: int = 3
    min_n: Mapping[str, int] = field(default_factory=dict)  # stricter minimum samples by indicator
    skip_at_target: bool = True  # an indicator already scoring 100 is not a goal
    catalogue: Mapping[str, Course] = field(default_factory=lambda: dict(DEFAULT_CATALOGUE))

    def __post_init__(self) -> None:
        if self.peer_group not in PEER_GROUPS:
            raise ValueError(f"peer_group: {self.peer_group!r} is not one of {', '.join(PEER_GROUPS)}")
        if self.min_peers < 1 or self.max_goals < 0:
            raise ValueError("min_peers must be at least 1 and max_goals at least 0")
        if not 0 <= self.weak_percentile <= 100:
            raise ValueError(f"weak_percentile: {self.weak_percentile!r} is not between 0 and 100")

    def course_for(self, indicator: Indicator) -> Course | None:
        """The course for a weak ``indicator``: its own entry, else its dimension's, else ``default``."""
        for key in (indicator.code, indicator.dimension, "default"):
            if key in self.catalogue:
                return self.catalogue[key]
        return None

    @classmethod
    def from_scheme(cls, scheme: Scheme) -> DevelopmentRules:
        """The scheme's rules; its ``catalogue`` entries add to (and override) the default one."""
        raw = results_section(scheme, "development")
        where = f"scheme {scheme.version_id}: results.development"
        known = {
            "peer_group",
            "min_peers",
            "weak_percentile",
            "max_goals",
            "min_n",
            "skip_at_target",
            "catalogue",
        }
        if unknown := sorted(set(raw) - known):
            raise SchemeError(f"{where}: unknown field {unknown[0]!r} (expected {', '.join(sorted(known))})")
        d = cls()
        catalogue = dict(DEFAULT_CATALOGUE)
        for key, entry in (raw.get("catalogue") or {}).items():
            if not isinstance(entry, Mapping) or not entry.get("course"):
                raise SchemeError(f"{where}: catalogue.{key}: expected {{course: CODE, name: {{en, zh}}}}")
            name = entry.get("name") or {}
            if not name.get("en") or not name.get("zh"):
                raise SchemeError(f"{where}: catalogue.{key}: the course needs a name in both 'en' and 'zh'")
            catalogue[str(key)] = Course(str(entry["course"]), str(name["en"]), str(name["zh"]))
        try:
            return cls(
                peer_group=str(raw.get("peer_group", d.peer_group)),
                min_peers=int(raw.get("min_peers", d.min_peers)),
                weak_percentile=float(raw.get("weak_percentile", d.weak_percentile)),
                max_goals=int(raw.get("max_goals", d.max_goals)),
                min_n={str(k): int(v) for k, v in (raw.get("min_n") or {}).items()},
                skip_at_target=parse_flag(raw.get("skip_at_target", d.skip_at_target), "skip_at_target"),
                catalogue=catalogue,
            )
        except (TypeError, ValueError, AttributeError) as e:
            raise SchemeError(f"{where}: {e}") from None


@dataclass(frozen=True)
class DevelopmentGoal:
    """Reach ``target`` on ``indicator`` by ``due_cycle``, helped by ``course``."""

    indicator: str
    dimension: str
    better: str  # higher | lower
    value: float  # the agent's value this cycle (the baseline)
    n: int
    percentile: float  # standing among the peers, 0..100, 100 = best
    peer_group: str  # team | organisation (the group actually compared with)
    peer_count: int
    target: float  # the peers' median
    course: Course | None
    due_cycle: str

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "dimension": self.dimension,
            "better": self.better,
            "value": self.value,
            "n": self.n,
            "percentile": self.percentile,
            "peer_group": self.peer_group,
            "peer_count": self.peer_count,
            "target": self.target,
            "course": self.course.to_json() if self.course else None,
            "due_cycle": self.due_cycle,
        }


@dataclass(frozen=True)
class DevelopmentPlan:
    """An agent's goals after one cycle, weakest first (possibly none)."""

    agent_id: str
    name: str
    name_zh: str | None
    team_id: str
    period: str
    due_cycle: str
    goals: tuple[DevelopmentGoal, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "agent_id": self.agent_id,
            "name": self.name,
            "name_zh": self.name_zh,
            "team_id": self.team_id,
            "period": self.period,
            "due_cycle": self.due_cycle,
            "goals": [g.to_json() for g in self.goals],
        }


def _usable(res: IndicatorResult | None, rules: DevelopmentRules) -> bool:
    """A value that rests on enough sample to compare with peers."""
    return (
        res is not None
        and res.value is not None
        and "small_sample" not in res.flags
        and "not_available" not in res.flags
        and res.n >= rules.min_n.get(res.code, 0)
    )


def percentile_among(value: float, peers: list[float], better: str) -> float:
    """Standing of ``value`` among ``peers`` (0..100, 100 = best): the share of peers it beats,
    counting ties as half, with ``better`` saying which way is good."""
    sign = 1 if better == "higher" else -1
    beaten = sum(1 for p in peers if sign * p < sign * value)
    level = sum(1 for p in peers if p == value)
    return round(100.0 * (beaten + 0.5 * level) / len(peers), 2)


def development_plans(
    cards: Iterable[Scorecard],
    rules: DevelopmentRules | None = None,
    catalog: Mapping[str, Indicator] | None = None,
) -> list[DevelopmentPlan]:
    """A plan for every agent in one period's ``cards`` (by agent id); agents with no weak
    indicator get a plan without goals. Only indicators the scheme scored are considered."""
    rules = rules or DevelopmentRules()
    catalog = catalog if catalog is not None else builtin_catalog()
    cards = list(cards)
    periods = {c.period for c in cards}
    if len(periods) > 1:
        raise ValueError(f"scorecards of several periods ({', '.join(sorted(periods))}); pass one period")
    # indicator → [(agent, team, value)] of usable values: the peer pools
    pool: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for c in cards:
        for code, res in c.indicators.items():
            if _usable(res, rules) and res.value is not None:
                pool[code].append((c.agent_id, c.team_id, res.value))
    plans = []
    for c in sorted(cards, key=lambda c: c.agent_id):
        due = shift_period(parse_period(c.period), 1).label
        candidates = []
        for code, res in c.indicators.items():
            ind = catalog.get(code)
            if ind is None or res.score is None or not _usable(res, rules) or res.value is None:
                continue
            if rules.skip_at_target and res.score >= 100.0:
                continue
            group = rules.peer_group
            peers = [v for a, t, v in pool[code] if a != c.agent_id and (group != "team" or t == c.team_id)]
            if group == "team" and len(peers) < rules.min_peers:
                group = "organisation"
                peers = [v for a, _, v in pool[code] if a != c.agent_id]
            if len(peers) < rules.min_peers:
                continue
            standing = percentile_among(res.value, peers, ind.better)
            if standing > rules.weak_percentile:
                continue
            goal = DevelopmentGoal(
                indicator=code,
                dimension=ind.dimension,
                better=ind.better,
                value=res.value,
                n=res.n,
                percentile=standing,
                peer_group=group,
                peer_count=len(peers),
                target=round(statistics.median(peers), 4),
                course=rules.course_for(ind),
                due_cycle=due,
            )
            candidates.append((standing, -res.weight, code, goal))
        candidates.sort(key=lambda x: x[:3])
        plans.append(
            DevelopmentPlan(
                agent_id=c.agent_id,
                name=c.name,
                name_zh=c.name_zh,
                team_id=c.team_id,
                period=c.period,
                due_cycle=due,
                goals=tuple(g for *_, g in candidates[: rules.max_goals]),
            )
        )
    return plans


@dataclass(frozen=True)
class GoalReview:
    """A goal checked against a later cycle: ``met``, ``not_met`` or ``no_data``."""

    agent_id: str
    indicator: str
    planned_in: str
    due_cycle: str
    reviewed_in: str
    baseline: float
    target: float
    value: float | None
    status: str
    improved: bool | None  # better than the baseline; None without a value
    small_sample: bool = False  # the new value rests on less than the indicator's minimum sample

    def to_json(self) -> dict[str, Any]:
        return {
            "agent_id": self.agent_id,
            "indicator": self.indicator,
            "planned_in": self.planned_in,
            "due_cycle": self.due_cycle,
            "reviewed_in": self.reviewed_in,
            "baseline": self.baseline,
            "target": self.target,
            "value": self.value,
            "status": self.status,
            "improved": self.improved,
            "small_sample": self.small_sample,
        }


def _at_least_as_good(value: float, reference: float, better: str) -> bool:
    return value >= reference if better == "higher" else value <= reference


def review_goals(
    previous_plans: Iterable[DevelopmentPlan], new_cards: Iterable[Scorecard]
) -> list[GoalReview]:
    """Each goal of ``previous_plans`` checked against ``new_cards`` (normally the due cycle's).

    ``met`` when the new value is at least as good as the target, ``not_met`` otherwise,
    ``no_data`` when the agent has no scorecard or the indicator no value in the new cycle.
    """
    by_agent = {c.agent_id: c for c in new_cards}
    out = []
    for plan in previous_plans:
        card = by_agent.get(plan.agent_id)
        for g in plan.goals:
            res = card.indicators.get(g.indicator) if card is not None else None
            value = res.value if res is not None else None
            if value is None:
                status, improved = NO_DATA, None
            else:
                status = MET if _at_least_as_good(value, g.target, g.better) else NOT_MET
                improved = value != g.value and _at_least_as_good(value, g.value, g.better)
            out.append(
                GoalReview(
                    agent_id=plan.agent_id,
                    indicator=g.indicator,
                    planned_in=plan.period,
                    due_cycle=g.due_cycle,
                    reviewed_in=card.period if card is not None else g.due_cycle,
                    baseline=g.value,
                    target=g.target,
                    value=value,
                    status=status,
                    improved=improved,
                    small_sample=res is not None and "small_sample" in res.flags,
                )
            )
    return out
