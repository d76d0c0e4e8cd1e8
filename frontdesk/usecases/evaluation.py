"""Effect evaluation (MISSION X, 效果评估) of a workspace's period: the use case behind
``frontdesk evaluate`` and the ``/evaluation/`` page. The evaluation itself is
:func:`frontdesk.analysis.effect.evaluate`, fed with the period's stored scorecards (the
operational database) and the event store; acceptance comes from the database's appeal counts.
"""

from __future__ import annotations

from typing import Any

from frontdesk.indicators.periods import Period
from frontdesk.usecases.workspace import Workspace


class EvaluationUnavailable(ValueError):
    """The workspace cannot be evaluated (its event store cannot be opened); the message says why."""


def build_report(
    ws: Workspace,
    store: Any,
    period: Period,
    cards: list,
    baseline: Period | None = None,
    appeals: list | None = None,
) -> Any:
    """The :class:`~frontdesk.analysis.effect.EffectReport` of ``period`` from its stored scorecards
    ``cards`` (``store`` is the database, :func:`frontdesk.usecases.database.open_database`) and the workspace's event store (DuckDB).

    ``baseline`` (a Period, starting before ``period`` ends) or, without one, where the stored
    scorecards' scheme version last changed; ``appeals`` are the web layer's counts
    (the database's ``appeal_counts``). Shared by ``frontdesk evaluate`` and the
    ``/evaluation/`` page."""
    from frontdesk.analysis.effect import Baseline, detect_version_change
    from frontdesk.analysis.effect import evaluate as run_evaluation
    from frontdesk.indicators.catalog import builtin_catalog
    from frontdesk.indicators.engines import DuckDBEngine
    from frontdesk.indicators.periods import parse_period, period_of, shift_period
    from frontdesk.usecases.workspace import WorkspaceError

    if baseline is not None:
        chosen = Baseline(baseline, "option")
    else:
        versions = {}
        for label in store.periods(cards[0].cycle):
            run = store.current_run(label, cards[0].cycle)
            if run is not None:
                versions[label] = run.scheme_version
        chosen = detect_version_change(versions, {lb: parse_period(lb) for lb in versions}, period)
    earlier = None
    if chosen is not None:
        before = shift_period(period_of(chosen.period.start, period.kind), -1)
        earlier_cards = store.load_scorecards(before.label, cards[0].cycle)
        earlier = (earlier_cards, before) if earlier_cards else None
    catalog = builtin_catalog()
    dimension_of, dimension_names = scheme_dimensions(ws, cards)
    try:
        engine = DuckDBEngine(ws.store(), calendars=ws.calendars(), view_params=ws.view_params())
    except WorkspaceError as e:
        raise EvaluationUnavailable(str(e)) from None
    try:
        return run_evaluation(
            engine, cards, period, ws.timezone, catalog=catalog, dimension_of=dimension_of,
            dimension_names=dimension_names, baseline=chosen, earlier=earlier, appeals=appeals,
        )  # fmt: skip
    finally:
        engine.close()


def scheme_dimensions(ws: Workspace, cards: list) -> tuple[dict | None, dict | None]:
    """Indicator → dimension and dimension names (en, zh) from the workspace's scheme when the
    scorecards were computed with it; else None (the catalogue's dimensions). The report's command
    and web page both name dimensions with it."""
    from frontdesk.scoring.scheme import SchemeError

    try:
        scheme = ws.scheme()
    except SchemeError:
        return None, None
    if scheme.version_id != cards[0].scheme_version:
        return None, None
    of = {si.code: d.code for d in scheme.dimensions for si in d.indicators}
    names = {d.code: (d.name_en, d.name_zh) for d in scheme.dimensions}
    return of, names
