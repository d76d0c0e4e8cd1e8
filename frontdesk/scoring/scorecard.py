"""Scorecards: what the engine hands to the web application, the CLI and reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# Peers and partner departments count only as an aggregate of at least this many raters
# (frontdesk.scoring.ratings360, docs/multi-rater.md).
MIN_ANONYMOUS_RATERS = 3


@dataclass
class IndicatorResult:
    """One indicator of one agent in one period, with everything needed to explain it."""

    code: str
    value: float | None  # None = not available (no input rows), never silently zero
    n: int  # sample size behind the value
    score: float | None = None  # 0..100 after the scheme's curve
    weight: float = 0.0  # effective share of the total (0..1) after re-spreading missing weight
    target: float | None = None
    floor: float | None = None
    flags: list[str] = field(default_factory=list)
    curve: str | None = None
    raw_value: float | None = None  # before small-sample shrinkage
    peer_mean: float | None = None  # what a small sample was shrunk toward
    contribution: float | None = None  # weight × score: points this indicator adds to the total
    kind: str | None = None  # process | outcome (MISSION S2)
    statistic: str | None = None  # how the value sums up the records: mean, median, p90, top_box


@dataclass
class Scorecard:
    """An agent's result for one period under one scheme version."""

    agent_id: str
    name: str
    team_id: str
    site_id: str | None
    period: str
    cycle: str
    scheme_version: str
    total: float | None = None
    grade: str | None = None
    rank_team: int | None = None
    rank_org: int | None = None
    flags: list[str] = field(default_factory=list)
    indicators: dict[str, IndicatorResult] = field(default_factory=dict)
    name_zh: str | None = None
    rank_site: int | None = None
    bonus_points: float = 0.0
    capped_by: str | None = None  # the critical-failure rule that capped the grade
    process_share: float | None = None  # share of the total's weight on process indicators
    ratings_360: Ratings360 | None = None  # the 360 block, once the agent has 360 ratings

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md ``scorecards --format json`` entry for this scorecard."""
        out = {
            "agent_id": self.agent_id,
            "name": self.name,
            "name_zh": self.name_zh,
            "team_id": self.team_id,
            "site_id": self.site_id,
            "total": self.total,
            "grade": self.grade,
            "rank_team": self.rank_team,
            "rank_org": self.rank_org,
            "rank_site": self.rank_site,
            "bonus_points": self.bonus_points,
            "capped_by": self.capped_by,
            "process_share": self.process_share,
            "outcome_share": None if self.process_share is None else round(1.0 - self.process_share, 6),
            "flags": list(self.flags),
            "indicators": {
                code: {k: v for k, v in asdict(r).items() if k != "code"}
                for code, r in self.indicators.items()
            },
        }
        if self.ratings_360 is not None:
            out["ratings_360"] = self.ratings_360.to_json()
        return out


@dataclass
class RelationResult:
    """One relation's part of the 360 result."""

    weight: float  # the scheme's weight, as a share (0.4 = 40 %)
    score: float | None  # mean rating on 0–100; None = no ratings, or withheld
    n: int  # distinct raters
    effective_weight: float = 0.0  # its share of the 360 result after re-spreading
    flags: list[str] = field(default_factory=list)  # not_available | too_few_raters

    def to_json(self) -> dict[str, Any]:
        return {
            "weight": self.weight,
            "score": self.score,
            "n": self.n,
            "effective_weight": self.effective_weight,
            "flags": list(self.flags),
        }


@dataclass
class Ratings360:
    """Every relation the scheme weighs, in the scheme's order, and the weighted 360 result."""

    relations: dict[str, RelationResult]
    score: float | None
    min_anonymous_raters: int = MIN_ANONYMOUS_RATERS

    def to_json(self) -> dict[str, Any]:
        return {
            "relations": {rel: r.to_json() for rel, r in self.relations.items()},
            "score": self.score,
            "min_anonymous_raters": self.min_anonymous_raters,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Ratings360 | None:
        if not data:
            return None
        return cls(
            relations={
                rel: RelationResult(
                    weight=float(r["weight"]),
                    score=r.get("score"),
                    n=int(r.get("n") or 0),
                    effective_weight=float(r.get("effective_weight") or 0.0),
                    flags=list(r.get("flags") or []),
                )
                for rel, r in data.get("relations", {}).items()
            },
            score=data.get("score"),
            min_anonymous_raters=int(data.get("min_anonymous_raters") or MIN_ANONYMOUS_RATERS),
        )
