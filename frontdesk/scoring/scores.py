"""From indicator values to fair scores, totals, grades and ranks under a scheme (docs/schemes.md).

The steps, for one period and cycle:

1. Only the indicators the scheme assigns to the cycle are scored.
2. Small samples (n below the indicator's minimum) are shrunk toward the peer-group mean:
   ``(n·x + k·μ) / (n + k)`` with ``k`` the minimum sample and ``μ`` the mean of the peer group's
   values (the credibility-weighted posterior mean of a normal model whose prior is worth ``k``
   observations). The raw value is kept and the result flagged ``shrunk``.
3. Each value becomes a score by its curve: linear (0 at the floor, 100 at the target, on up to a
   stretch cap), step bands, or percentile within the peer group.
4. Weights of indicators without data are re-spread over the available ones (within the
   dimension, then across dimensions); the scorecard is flagged when more than the scheme's share
   of the weight is missing.
5. Total = Σ weight × score, plus bonus points; grades by thresholds or forced distribution;
   critical failures cap the grade; ranks within team, site and organisation.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from frontdesk.indicators.catalog import Indicator
from frontdesk.indicators.engines import Measure
from frontdesk.indicators.periods import Period
from frontdesk.scoring.scheme import CriticalRule, Scheme, SchemeIndicator
from frontdesk.scoring.scorecard import IndicatorResult, Scorecard


@dataclass(frozen=True)
class AgentInfo:
    """Who a scorecard belongs to."""

    agent_id: str
    name: str
    team_id: str
    site_id: str | None = None
    name_zh: str | None = None


def linear_score(value: float, target: float, floor: float, cap: float = 100.0) -> float:
    """0 at the floor, 100 at the target, straight in between and on past the target up to
    ``cap``; works for either direction."""
    share = (value - floor) / (target - floor)
    return min(cap, max(0.0, 100.0 * share))


def step_score(value: float, si: SchemeIndicator, better: str) -> float:
    """The score of the best band ``value`` reaches; 0 below every band."""
    reached = [s.score for s in si.steps if (value >= s.at if better == "higher" else value <= s.at)]
    return max(reached, default=0.0)


def percentile_score(value: float, peers: Sequence[float], better: str) -> float:
    """Mid-rank percentile of ``value`` among ``peers`` (itself included), 0–100, better = higher."""
    if not peers:
        return 50.0
    worse = sum(1 for p in peers if (p < value if better == "higher" else p > value))
    ties = sum(1 for p in peers if p == value)
    return 100.0 * (worse + 0.5 * ties) / len(peers) if len(peers) > 1 else 50.0


def shrink(value: float, n: int, k: int, mean: float) -> float:
    """Credibility-weighted value: ``(n·x + k·μ) / (n + k)``."""
    return (n * value + k * mean) / (n + k)


def effective_min_n(si: SchemeIndicator, ind: Indicator) -> int:
    """The minimum sample of a scored indicator: the scheme's ``min_n``; the catalogue's is only
    the default, for a scheme that sets none."""
    return si.min_n if si.min_n is not None else ind.min_n


def is_small_sample(n: int, si: SchemeIndicator, ind: Indicator) -> bool:
    """Whether a value on ``n`` records is flagged ``small_sample``: ``n`` below
    :func:`effective_min_n`, except the 0 an ``absent_means_zero`` indicator gives an agent
    without records. Decided here only: the engines report ``n`` and leave the judgement to the
    scheme."""
    return n < effective_min_n(si, ind) and not (ind.absent_means_zero and n == 0)


def _peer_key(agent: AgentInfo, group: str) -> str:
    if group == "team":
        return f"team:{agent.team_id}"
    if group == "site":
        return f"site:{agent.site_id}"
    return "org"


def _peer_values(
    agents: Sequence[AgentInfo],
    measures: Mapping[str, Mapping[str, Measure]],
    code: str,
    group: str,
    min_n: int,
) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Per peer group: every agent's value, and the mean of the values with a full sample
    (falling back to all values when no agent in the group has one)."""
    values: dict[str, list[float]] = defaultdict(list)
    full: dict[str, list[float]] = defaultdict(list)
    for a in agents:
        m = measures.get(a.agent_id, {}).get(code)
        if m is None or m.value is None:
            continue
        key = _peer_key(a, group)
        values[key].append(m.value)
        if m.n >= min_n:
            full[key].append(m.value)
    means = {k: sum(full[k] or v) / len(full[k] or v) for k, v in values.items()}
    return values, means


def score_period(
    agents: Sequence[AgentInfo],
    measures: Mapping[str, Mapping[str, Measure]],
    scheme: Scheme,
    catalog: Mapping[str, Indicator],
    period: str,
    cycle: str,
) -> list[Scorecard]:
    """Scorecards for every agent, graded and ranked in team, site and organisation, best first."""
    scored = set(scheme.indicator_codes(cycle))
    # Shrinkage targets use the raw values of each peer group.
    peers: dict[str, tuple[dict[str, list[float]], dict[str, float]]] = {}
    for dim in scheme.dimensions:
        for si in dim.indicators:
            if si.code in scored:
                peers[si.code] = _peer_values(
                    agents, measures, si.code, si.peer_group, effective_min_n(si, catalog[si.code])
                )
    # Percentile curves rank the values after shrinkage, so first adjust every value.
    adjusted: dict[str, dict[str, tuple[float | None, float | None, bool]]] = defaultdict(dict)
    for a in agents:
        for dim in scheme.dimensions:
            for si in dim.indicators:
                if si.code not in scored:
                    continue
                adjusted[a.agent_id][si.code] = _adjust(a, si, catalog[si.code], measures, peers[si.code])
    ranked_values: dict[tuple[str, str], list[float]] = defaultdict(list)
    for a in agents:
        for code, (value, _, _) in adjusted[a.agent_id].items():
            if value is not None:
                si = _find(scheme, code)
                ranked_values[(code, _peer_key(a, si.peer_group))].append(value)
    cards = []
    caps: dict[str, str] = {}  # agent → the grade cap of the harshest critical failure it set off
    for a in agents:
        card, cap = _score_agent(a, measures.get(a.agent_id, {}), adjusted[a.agent_id], ranked_values, scheme,
                                 catalog, period, cycle)  # fmt: skip
        cards.append(card)
        if cap is not None:
            caps[a.agent_id] = cap
    _grade(cards, scheme, caps)
    _rank(cards)
    cards.sort(key=lambda c: (c.rank_org is None, c.rank_org or 0, c.agent_id))
    return cards


def _find(scheme: Scheme, code: str) -> SchemeIndicator:
    return next(i for d in scheme.dimensions for i in d.indicators if i.code == code)


def _adjust(
    a: AgentInfo,
    si: SchemeIndicator,
    ind: Indicator,
    measures: Mapping[str, Mapping[str, Measure]],
    peer: tuple[dict[str, list[float]], dict[str, float]],
) -> tuple[float | None, float | None, bool]:
    """(value used for scoring, peer mean if shrunk, whether shrunk)."""
    m = measures.get(a.agent_id, {}).get(si.code)
    if m is None or m.value is None:
        return None, None, False
    k = effective_min_n(si, ind)
    mean = peer[1].get(_peer_key(a, si.peer_group))
    if si.shrink and 0 < m.n < k and mean is not None:
        return shrink(m.value, m.n, k, mean), mean, True
    return m.value, None, False


def _score_agent(
    a: AgentInfo,
    own: Mapping[str, Measure],
    adjusted: Mapping[str, tuple[float | None, float | None, bool]],
    ranked_values: Mapping[tuple[str, str], list[float]],
    scheme: Scheme,
    catalog: Mapping[str, Indicator],
    period: str,
    cycle: str,
) -> tuple[Scorecard, str | None]:
    """The agent's scorecard, ungraded, and the grade cap of the critical failures it set off."""
    card = Scorecard(
        agent_id=a.agent_id, name=a.name, name_zh=a.name_zh, team_id=a.team_id, site_id=a.site_id,
        period=period, cycle=cycle, scheme_version=scheme.version_id,
    )  # fmt: skip
    dim_parts: list[tuple[float, list[tuple[float, IndicatorResult]]]] = []
    declared = 0.0  # weight the cycle assigns, to measure how much of it is missing
    available = 0.0
    for dim in scheme.dimensions:
        cycle_inds = [si for si in dim.indicators if cycle in scheme.cycles_of(dim, si)]
        if not cycle_inds:
            continue
        inner_total = sum(si.weight for si in cycle_inds)
        parts = []
        for si in cycle_inds:
            ind = catalog[si.code]
            m = own.get(si.code)
            value, mean, shrunk = adjusted.get(si.code, (None, None, False))
            res = IndicatorResult(
                code=si.code, value=None if m is None or m.value is None else round(m.value, 4),
                n=0 if m is None else m.n, target=si.target, floor=si.floor, curve=si.curve, kind=ind.kind,
                statistic=ind.statistic,
            )  # fmt: skip
            declared += dim.weight * si.weight / inner_total
            if value is None:
                res.flags.append("not_available")
            else:
                if si.curve == "linear":
                    score = linear_score(value, si.target, si.floor, si.cap)  # type: ignore[arg-type]
                elif si.curve == "steps":
                    score = step_score(value, si, ind.better)
                else:
                    score = percentile_score(
                        value, ranked_values[(si.code, _peer_key(a, si.peer_group))], ind.better
                    )
                res.score = round(score, 2)
                if is_small_sample(res.n, si, ind):
                    res.flags.append("small_sample")
                if shrunk:
                    res.flags.append("shrunk")
                    res.raw_value, res.peer_mean = res.value, round(mean, 4)  # type: ignore[arg-type]
                    res.value = round(value, 4)
                parts.append((si.weight, res))
                available += dim.weight * si.weight / inner_total
            if m is not None:
                res.flags.extend(f for f in m.flags if f not in res.flags)
            card.indicators[si.code] = res
        if parts:
            dim_parts.append((dim.weight, parts))
    available_dim_weight = sum(w for w, _ in dim_parts)
    total, process = 0.0, 0.0
    for dim_weight, parts in dim_parts:
        inner = sum(w for w, _ in parts)
        for w, res in parts:
            res.weight = round((dim_weight / available_dim_weight) * (w / inner), 6)
            res.contribution = round(res.weight * (res.score or 0.0), 4)
            total += res.weight * (res.score or 0.0)
            if res.kind == "process":
                process += res.weight
    if dim_parts:
        for item in scheme.bonus_items:
            m = own.get(item.indicator)
            if m is not None and m.value:
                card.bonus_points += min(item.max_points, max(0.0, m.value * item.points_per_unit))
        card.bonus_points = round(card.bonus_points, 2)
        card.total = round(total + card.bonus_points, 2)
        card.process_share = round(process, 6)
    else:
        card.flags.append("no_data")
    if declared and (declared - available) / declared > scheme.missing_weight_flag + 1e-9:
        card.flags.append("weight_missing")
    # Only the rules this agent set off cap its grade; of several, the harshest cap applies (the
    # first listed among equally harsh ones) and capped_by names that rule.
    applied: CriticalRule | None = None
    for rule in scheme.critical:
        m = own.get(rule.indicator)
        if m is not None and m.value is not None and m.value > rule.above:
            card.flags.append("critical_failure")
            if applied is None or scheme.grade_rank(rule.cap_grade) > scheme.grade_rank(applied.cap_grade):
                applied = rule
    if applied is None:
        return card, None
    card.capped_by = f"{applied.indicator} > {applied.above:g}: grade at most {applied.cap_grade}"
    return card, applied.cap_grade


def _grade(cards: list[Scorecard], scheme: Scheme, caps: Mapping[str, str]) -> None:
    """Grades by thresholds, or by forced distribution over the scored cards: best totals first,
    each grade taking its share (rounded to whole people); agents tied on total at a boundary all
    take the better grade. Then each agent's critical failures cap the grade: ``caps`` holds, by
    agent, the cap of the harshest rule that agent set off."""
    if scheme.grading == "forced":
        scored = sorted((c for c in cards if c.total is not None), key=lambda c: -(c.total or 0.0))
        n = len(scored)
        bounds, cum = [], 0.0
        for g in scheme.grades:
            cum += g.share or 0.0
            bounds.append((g.code, math.floor(n * cum / 100.0 + 0.5)))
        i = 0
        for code, end in bounds:
            while i < n and (i < end or (i > 0 and scored[i].total == scored[i - 1].total and
                                         scored[i - 1].grade == code)):  # fmt: skip
                scored[i].grade = code
                i += 1
        for c in scored[i:]:
            c.grade = scheme.grades[-1].code
    else:
        for c in cards:
            c.grade = scheme.grade_for(c.total)
    for c in cards:
        cap = caps.get(c.agent_id)
        if c.grade is None or cap is None:
            continue
        if scheme.grade_rank(c.grade) < scheme.grade_rank(cap):
            c.grade = cap
            c.flags.append("capped")


def rank(values: Sequence[tuple[str, float | None]]) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) by value, highest first; None values are not ranked."""
    ordered = sorted((v, k) for k, v in values if v is not None)
    ordered.reverse()
    out: dict[str, int] = {}
    prev, prev_rank = None, 0
    for i, (v, k) in enumerate(ordered, start=1):
        if v != prev:
            prev, prev_rank = v, i
        out[k] = prev_rank
    return out


def _rank(cards: list[Scorecard]) -> None:
    org = rank([(c.agent_id, c.total) for c in cards])
    groups: dict[tuple[str, str | None], list[Scorecard]] = defaultdict(list)
    for c in cards:
        c.rank_org = org.get(c.agent_id)
        groups[("team", c.team_id)].append(c)
        groups[("site", c.site_id)].append(c)
    for (kind, _), members in groups.items():
        ranks = rank([(c.agent_id, c.total) for c in members])
        for c in members:
            if kind == "team":
                c.rank_team = ranks.get(c.agent_id)
            else:
                c.rank_site = ranks.get(c.agent_id)


def score_agent(
    agent: AgentInfo,
    measures: Mapping[str, Measure],
    scheme: Scheme,
    catalog: Mapping[str, Indicator],
    period: str,
    cycle: str,
) -> Scorecard:
    """One agent scored alone (no peers: no shrinkage target, percentile 50)."""
    return score_period([agent], {agent.agent_id: measures}, scheme, catalog, period, cycle)[0]


def agents_in_period(rows: Sequence[Mapping[str, Any]], period: Period) -> list[AgentInfo]:
    """Agents to appraise in ``period``: hired before it ends and not marked inactive."""
    out = []
    for r in rows:
        hired = r.get("hire_date")
        if isinstance(hired, date) and hired >= period.end:
            continue
        if r.get("active") is False:
            continue
        out.append(
            AgentInfo(
                agent_id=str(r["agent_id"]),
                name=str(r.get("name") or r["agent_id"]),
                team_id=str(r.get("team_id") or ""),
                site_id=r.get("site_id"),
                name_zh=r.get("name_zh"),
            )
        )
    return out
