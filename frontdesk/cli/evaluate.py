"""``frontdesk evaluate``: effect evaluation (MISSION X, 效果评估) on the command line.

Registered on the ``frontdesk`` group by :func:`register`; the report is the use case's
(:func:`frontdesk.usecases.evaluation.build_report`), the same as the web page ``/evaluation/``,
with acceptance from the database's appeal counts. Exit status 2 with one line on bad input.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from frontdesk.cli.common import BadInput, Command, period_option, stored_scorecards, workspace_option
from frontdesk.indicators.periods import parse_period
from frontdesk.usecases.evaluation import EvaluationUnavailable, build_report


def register(main: click.Group) -> None:
    """Add ``frontdesk evaluate`` to the ``frontdesk`` command group."""
    main.add_command(_evaluate_command())


def _evaluate_command() -> click.Command:
    @click.command("evaluate", cls=Command)
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
        ws, store, period, cards = stored_scorecards(workspace, period_text, None)
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
                ws, store, period, cards, baseline, store.appeal_counts(period.label, cards[0].cycle)
            )
        except EvaluationUnavailable as e:
            raise BadInput(str(e)) from None
        if fmt == "json":
            click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        else:
            click.echo(report.to_text(lang), nl=False)

    return evaluate
