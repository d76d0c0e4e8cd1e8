"""``frontdesk evaluate``: effect evaluation (MISSION X, 效果评估) on the command line.

Registered on the ``frontdesk`` group by :func:`register`; the evaluation itself is
:func:`frontdesk.engine.effect.evaluate`, fed with the period's stored scorecards (the web
database) and the event store, with acceptance fed from the same database's appeals
(``frontdesk.web.appeals.acceptance``). :func:`build_report` is shared with the web page
``/evaluation/``. Exit status 2 with one line on bad input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from frontdesk.cli_options import period_option, workspace_option


def register(main: click.Group) -> None:
    """Add ``frontdesk evaluate`` to the ``frontdesk`` command group."""
    main.add_command(_evaluate_command())


def _evaluate_command() -> click.Command:
    # Imported here, not at the top: frontdesk.cli imports this module to register the command.
    from frontdesk.cli import BadInput, stored_scorecards

    @click.command("evaluate")
    @workspace_option
    @period_option("The period to evaluate: YYYY-MM, YYYY-Qn, YYYY or 'latest' (newest computed).")
    @click.option(
        "--baseline", "baseline_text", default=None,
        help="First period under the scheme (or the changed scheme), for before/after; default: where "
        "the stored scorecards' scheme version last changed.",
    )  # fmt: skip
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
                  help="Language of the text report (JSON carries both).")  # fmt: skip
    def evaluate(
        workspace: Path | None, period_text: str, baseline_text: str | None, fmt: str, lang: str
    ) -> None:
        """Does the scheme work? Predictive validity, before/after, fairness across groups, rater
        agreement and bias (docs/effect-evaluation.md)."""
        from frontdesk.engine.periods import parse_period

        ws, store, period, cards = stored_scorecards(workspace, period_text, None)
        from frontdesk.web.appeals.acceptance import appeal_counts  # once Django is set up

        baseline = None
        if baseline_text is not None:
            try:
                baseline = parse_period(baseline_text)
            except ValueError as e:
                raise BadInput(f"--baseline: {e}") from None
            if baseline.start >= period.end:
                raise BadInput(f"--baseline {baseline.label}: starts after --period {period.label} ends")
        try:
            report = build_report(
                ws, store, period, cards, baseline, appeal_counts(period.label, cards[0].cycle)
            )
        except EvaluationUnavailable as e:
            raise BadInput(str(e)) from None
        if fmt == "json":
            click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        else:
            click.echo(report.to_text(lang), nl=False)

    return evaluate


class EvaluationUnavailable(ValueError):
    """The workspace cannot be evaluated (its event store cannot be opened); the message says why."""


def build_report(
    ws: Any, store: Any, period: Any, cards: list, baseline: Any = None, appeals: list | None = None
) -> Any:
    """The :class:`~frontdesk.engine.effect.EffectReport` of ``period`` from its stored scorecards
    ``cards`` (``store`` is the web store module) and the workspace's event store (DuckDB).

    ``baseline`` (a Period, starting before ``period`` ends) or, without one, where the stored
    scorecards' scheme version last changed; ``appeals`` are the web layer's counts
    (``frontdesk.web.appeals.acceptance.appeal_counts``). Shared by ``frontdesk evaluate`` and the
    ``/evaluation/`` page."""
    from frontdesk.engine.catalog import builtin_catalog
    from frontdesk.engine.effect import Baseline, detect_version_change
    from frontdesk.engine.effect import evaluate as run_evaluation
    from frontdesk.engine.engines import DuckDBEngine
    from frontdesk.engine.periods import parse_period, period_of, shift_period
    from frontdesk.workspace import WorkspaceError

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


def scheme_dimensions(ws: Any, cards: list) -> tuple[dict | None, dict | None]:
    """Indicator → dimension and dimension names (en, zh) from the workspace's scheme when the
    scorecards were computed with it; else None (the catalogue's dimensions). The report's command
    and web page both name dimensions with it."""
    from frontdesk.engine.scheme import SchemeError

    try:
        scheme = ws.scheme()
    except SchemeError:
        return None, None
    if scheme.version_id != cards[0].scheme_version:
        return None, None
    of = {si.code: d.code for d in scheme.dimensions for si in d.indicators}
    names = {d.code: (d.name_en, d.name_zh) for d in scheme.dimensions}
    return of, names
