"""Compute a period: indicator values from the event store, then scorecards under a scheme."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from frontdesk.engine.catalog import Indicator, builtin_catalog
from frontdesk.engine.engines import DuckDBEngine, Engine
from frontdesk.engine.eventstore import EventStore
from frontdesk.engine.periods import Period
from frontdesk.engine.quality import AgentFlags, annotate_scorecards, scorecard_flags, survey_min_n
from frontdesk.engine.ratings360 import attach_ratings_360, ratings_360_codes
from frontdesk.engine.scheme import Scheme
from frontdesk.engine.scorecard import Scorecard
from frontdesk.engine.scoring import AgentInfo, score_period


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


def compute_scorecards(
    store: EventStore,
    period: Period,
    scheme: Scheme,
    timezone: str,
    catalog: Mapping[str, Indicator] | None = None,
    engine: Engine | None = None,
    quality: bool = True,
    refused: Mapping[str, int] | None = None,
) -> list[Scorecard]:
    """Every agent's scorecard for ``period``: one grouped query per source table, then scoring;
    with ``quality``, the data-quality report's agent-level flags are added (they change no score;
    only the parts of the report that flag a scorecard are computed, see ``scorecard_flags``);
    ``refused``: rows refused per agent by the period's imports, from the caller (the engine does
    not read import reports: ``frontdesk.ingest.refusals.refused_in_period``)."""
    catalog = catalog if catalog is not None else builtin_catalog()
    own = engine is None
    eng = engine or DuckDBEngine(store)
    try:
        codes = list(
            dict.fromkeys(
                scheme.indicator_codes(period.cycle)
                + scheme.extra_indicator_codes()
                + ratings_360_codes(scheme, period.cycle, catalog)
            )
        )
        inds = [catalog[c] for c in codes]
        agents = agents_in_period(eng.agents(), period)
        measures = eng.measures(inds, period, timezone, agent_ids=[a.agent_id for a in agents])
        flags = _quality_flags(eng, store, period, timezone, scheme, catalog, refused) if quality else None
    finally:
        if own:
            eng.close()
    cards = score_period(agents, measures, scheme, catalog, period.label, period.cycle)
    if ratings_360_codes(scheme, period.cycle, catalog):
        attach_ratings_360(cards, measures, scheme)
    if flags is not None:
        annotate_scorecards(cards, flags)
    return cards


def _quality_flags(
    eng: Engine,
    store: EventStore,
    period: Period,
    timezone: str,
    scheme: Scheme,
    catalog: Mapping[str, Indicator],
    refused: Mapping[str, int] | None = None,
) -> dict[str, AgentFlags]:
    """The period's data-quality flags per agent (docs/data-quality.md), on DuckDB whatever the engine."""
    duck = eng if eng.dialect == "duckdb" else DuckDBEngine(store)
    try:
        return scorecard_flags(duck, period, timezone, min_n=survey_min_n(scheme, catalog), refused=refused)
    finally:
        if duck is not eng:
            duck.close()
