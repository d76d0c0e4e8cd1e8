"""The 360° block of a scorecard (MISSION M1, DESIGN.md ``ratings_360``): each relation's mean
rating, its number of raters and its weight from the scheme, and the weighted 360 result.

Rules (docs/multi-rater.md):

- a relation's score is its ``rating_360_<relation>`` indicator (mean rating on 0–100);
- peers and partner departments count only as an aggregate of at least ``MIN_ANONYMOUS_RATERS``
  raters: below that their score is withheld (``too_few_raters``) from everyone who reads the
  scorecard, and left out of the 360 result, so it cannot be worked back from the others;
- the 360 result is Σ weight × score over the relations with a score, the weights re-spread over
  them (as the scheme's indicator weights are); the block is there once the agent has 360 ratings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from frontdesk.indicators.catalog import Indicator
from frontdesk.indicators.engines import Measure
from frontdesk.scoring.scheme import Scheme
from frontdesk.scoring.scorecard import MIN_ANONYMOUS_RATERS, Ratings360, RelationResult, Scorecard

__all__ = ["MIN_ANONYMOUS_RATERS", "Ratings360", "RelationResult"]

RELATIONS = ("customer", "supervisor", "peer", "self", "partner_dept")
ANONYMOUS_RELATIONS = frozenset({"peer", "partner_dept"})


def indicator_code(relation: str) -> str:
    return f"rating_360_{relation}"


def ratings_360_codes(scheme: Scheme, cycle: str, catalog: Mapping[str, Indicator]) -> list[str]:
    """The indicators the 360 block reads in ``cycle``: none when the scheme weighs no relation or
    the catalogue does not measure 360 ratings in this cycle (monthly: campaigns run per quarter)."""
    codes = [indicator_code(rel) for rel in scheme.weights_360 if indicator_code(rel) in catalog]
    return [c for c in codes if cycle in catalog[c].cycles]


def ratings_360_block(measures: Mapping[str, Measure], scheme: Scheme) -> Ratings360 | None:
    """The 360 block of one agent from the agent's measures; None when the agent has no 360 rating."""
    relations: dict[str, RelationResult] = {}
    for rel, weight in scheme.weights_360.items():
        m = measures.get(indicator_code(rel))
        n = 0 if m is None else m.n
        score = None if m is None or m.value is None else round(m.value, 2)
        result = RelationResult(weight=round(weight / 100.0, 6), score=score, n=n)
        if score is None:
            result.flags.append("not_available")
        elif rel in ANONYMOUS_RELATIONS and n < MIN_ANONYMOUS_RATERS:
            result.score = None
            result.flags.append("too_few_raters")
        relations[rel] = result
    if not any(r.n for r in relations.values()):
        return None
    scored = [r for r in relations.values() if r.score is not None]
    available = sum(r.weight for r in scored)
    total = None
    if scored and available > 0:
        for r in scored:
            r.effective_weight = round(r.weight / available, 6)
        total = round(sum(r.weight * (r.score or 0.0) for r in scored) / available, 2)
    return Ratings360(relations=relations, score=total)


def attach_ratings_360(
    cards: Iterable[Scorecard], measures: Mapping[str, Mapping[str, Measure]], scheme: Scheme
) -> None:
    """Set each card's ``ratings_360`` from its agent's measures."""
    for card in cards:
        card.ratings_360 = ratings_360_block(measures.get(card.agent_id, {}), scheme)
