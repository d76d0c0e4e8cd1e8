"""Compute a period: indicator values from the event store, then scorecards under a scheme
(:func:`compute_scorecards`); and the use case behind ``frontdesk compute`` and the demo:
:func:`compute_periods` computes periods of a workspace and stores their scorecards."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from frontdesk.analysis.quality import AgentFlags, annotate_scorecards, scorecard_flags, survey_min_n
from frontdesk.indicators.catalog import Indicator, builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine, Engine
from frontdesk.indicators.periods import Period
from frontdesk.scoring.ratings360 import attach_ratings_360, ratings_360_codes
from frontdesk.scoring.scheme import Scheme, SchemeError
from frontdesk.scoring.scorecard import Scorecard
from frontdesk.scoring.scores import agents_in_period, score_period
from frontdesk.store.eventstore import EventStore
from frontdesk.usecases.database import open_database
from frontdesk.usecases.errors import InputError
from frontdesk.usecases.roster import check_roster
from frontdesk.usecases.workspace import Workspace, WorkspaceError


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
    catalog = scheme.measured_catalog(catalog)
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


Progress = Callable[[int, int], None]


def compute_periods(
    ws: Workspace,
    periods: list[Period],
    engine_name: str = "duckdb",
    progress: Progress | None = None,
) -> dict[str, list[Scorecard]]:
    """Compute ``periods`` of the workspace on the engine ``engine_name`` and store their
    scorecards as each period's newest run (a closed cycle refuses: ``InputError``; so do an empty
    roster with contacts in a period and an agent in an unknown team: ``check_roster``)."""
    from frontdesk.indicators.engines import get_engine
    from frontdesk.ingest.refusals import refused_in_period

    check_roster(ws.store(), periods, ws.timezone)  # before the database: a bad roster fails fast
    db = open_database(ws)
    try:
        scheme = ws.scheme()
    except SchemeError as e:
        raise InputError(str(e)) from None
    try:
        engine = get_engine(engine_name, ws.store(), calendars=ws.calendars(), view_params=ws.view_params())
    except WorkspaceError as e:
        raise InputError(str(e)) from None
    except (ImportError, ValueError, RuntimeError) as e:
        raise InputError(f"--engine {engine_name}: {e}") from None
    out = {}
    try:
        org = {t: engine.table_rows(t) for t in ("sites", "teams", "agents")}
        try:
            db.sync_organisation(org["sites"], org["teams"], org["agents"])
        except ValueError as e:  # a reference to a site or team the store does not hold
            raise InputError(f"organisation tables: {e}") from None
        db.register_indicator_names(
            {c: {"en": i.name_en, "zh": i.name_zh} for c, i in builtin_catalog().items()}
        )
        engine.prepare_periods(periods, ws.timezone)  # stored months of every period, in one build
        for i, period in enumerate(periods):
            refused = refused_in_period(ws.store(), ws.root / "imports", period, ws.timezone)
            cards = compute_scorecards(
                ws.store(), period, scheme, ws.timezone, engine=engine, refused=refused
            )
            try:
                db.save_scorecards(
                    cards, period=period.label, cycle=period.cycle, scheme_version=scheme.version_id
                )
            except db.CycleClosed as e:
                raise InputError(str(e)) from None
            out[period.label] = cards
            if progress is not None:
                progress(i + 1, len(periods))
    finally:
        engine.close()
    return out


def apply_transcripts(ws: Workspace, periods: list[Period]) -> int:
    """``frontdesk text apply`` for each period: the transcripts become transcript_auto reviews
    (I-P1, I-P3) before the scorecards are computed; returns how many were written (re-running
    adds nothing)."""
    from frontdesk.text.model import ModelError, load_models
    from frontdesk.text.reviews import apply_period
    from frontdesk.text.rules import rules_of_scheme

    try:
        rules = rules_of_scheme(ws.scheme())
    except (SchemeError, ValueError) as e:
        raise InputError(str(e)) from None
    own = ws.root / "models"
    try:
        models = load_models(own if own.is_dir() else None)
    except ModelError as e:
        raise InputError(str(e)) from None
    written = 0
    for period in periods:
        start, end = period.utc_bounds(ws.timezone)
        written += apply_period(ws.store(), start, end, rules, models).written
    return written
