"""From indicator values to scores, totals, grades and ranks under a scheme."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from frontdesk.engine.catalog import Indicator
from frontdesk.engine.engines import Measure
from frontdesk.engine.scheme import Scheme, SchemeIndicator
from frontdesk.engine.scorecard import IndicatorResult, Scorecard


@dataclass(frozen=True)
class AgentInfo:
    """Who a scorecard belongs to."""

    agent_id: str
    name: str
    team_id: str
    site_id: str | None = None
    name_zh: str | None = None


def linear_score(value: float, target: float, floor: float) -> float:
    """0 at the floor, 100 at the target, straight in between, clamped; works for either direction."""
    share = (value - floor) / (target - floor)
    return 100.0 * min(1.0, max(0.0, share))


def score_indicator(si: SchemeIndicator, ind: Indicator, m: Measure | None) -> IndicatorResult:
    """Score one indicator value; a missing value stays missing (no score, no weight)."""
    value, n = (m.value, m.n) if m is not None else (None, 0)
    flags: list[str] = []
    score = None
    if value is None:
        flags.append("not_available")
    else:
        if si.curve != "linear":
            raise ValueError(f"indicator {si.code}: curve {si.curve!r} is not supported yet")
        score = round(linear_score(value, si.target, si.floor), 2)
        if n < (si.min_n if si.min_n is not None else ind.min_n):
            flags.append("small_sample")
    if m is not None:
        flags.extend(f for f in m.flags if f not in flags and f != "small_sample")
    return IndicatorResult(
        code=si.code,
        value=None if value is None else round(value, 4),
        n=n,
        score=score,
        target=si.target,
        floor=si.floor,
        flags=flags,
    )


def score_agent(
    agent: AgentInfo,
    measures: Mapping[str, Measure],
    scheme: Scheme,
    catalog: Mapping[str, Indicator],
    period: str,
    cycle: str,
) -> Scorecard:
    """One scorecard: weights of missing indicators are re-spread over the available ones."""
    card = Scorecard(
        agent_id=agent.agent_id,
        name=agent.name,
        name_zh=agent.name_zh,
        team_id=agent.team_id,
        site_id=agent.site_id,
        period=period,
        cycle=cycle,
        scheme_version=scheme.version_id,
    )
    dim_parts: list[tuple[float, list[tuple[float, IndicatorResult]]]] = []
    declared_weight = sum(d.weight for d in scheme.dimensions)
    for dim in scheme.dimensions:
        parts = []
        for si in dim.indicators:
            res = score_indicator(si, catalog[si.code], measures.get(si.code))
            card.indicators[si.code] = res
            if res.score is not None:
                parts.append((si.weight, res))
        if parts:
            dim_parts.append((dim.weight, parts))
    available_dim_weight = sum(w for w, _ in dim_parts)
    total = 0.0
    for dim_weight, parts in dim_parts:
        inner = sum(w for w, _ in parts)
        for w, res in parts:
            res.weight = round((dim_weight / available_dim_weight) * (w / inner), 6)
            total += res.weight * (res.score or 0.0)
    if dim_parts:
        card.total = round(total, 2)
    else:
        card.flags.append("no_data")
    if available_dim_weight < declared_weight:
        card.flags.append("dimension_missing")
    card.grade = scheme.grade_for(card.total)
    return card


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


def score_period(
    agents: Sequence[AgentInfo],
    measures: Mapping[str, Mapping[str, Measure]],
    scheme: Scheme,
    catalog: Mapping[str, Indicator],
    period: str,
    cycle: str,
) -> list[Scorecard]:
    """Scorecards for every agent, ranked in team and organisation, best first."""
    cards = [score_agent(a, measures.get(a.agent_id, {}), scheme, catalog, period, cycle) for a in agents]
    org = rank([(c.agent_id, c.total) for c in cards])
    by_team: dict[str, list[Scorecard]] = defaultdict(list)
    for c in cards:
        c.rank_org = org.get(c.agent_id)
        by_team[c.team_id].append(c)
    for members in by_team.values():
        team_rank = rank([(c.agent_id, c.total) for c in members])
        for c in members:
            c.rank_team = team_rank.get(c.agent_id)
    cards.sort(key=lambda c: (c.rank_org is None, c.rank_org or 0, c.agent_id))
    return cards
