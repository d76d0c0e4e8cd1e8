"""``frontdesk text``: transcript analytics on the command line (issue 8, docs/text-analytics.md).

- ``text analyze --input F.jsonl [--format jsonl|table]``: one JSON line per conversation (DESIGN.md).
- ``text train --input F.jsonl [--lang zh|en] --output DIR``: a satisfaction model from the
  organisation's own transcripts and their CSAT answers.
- ``text apply --period P``: the period's transcripts in the event store become ``transcript_auto``
  reviews (I-P1, I-P3).
- ``text mask --input F.jsonl``: the same lines with personal data masked.

Registered on the ``frontdesk`` group by :func:`register`. Exit status 2 with one line on bad input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from frontdesk.cli.common import BadInput, Group, open_ws, period_option, workspace_option

FORMATS = click.Choice(["jsonl", "table"])


def register(main: click.Group) -> None:
    """Add the ``text`` command group to ``frontdesk``."""
    main.add_command(text)


def _bad(message: str) -> click.ClickException:

    return BadInput(message)


def _rules(scheme_file: Path | None, workspace: Path | None) -> Any:
    """Rules from ``--scheme``, else the workspace's scheme when one is named, else the defaults."""
    from frontdesk.scoring.scheme import SchemeError, load_scheme
    from frontdesk.text.rules import DEFAULT_RULES, rules_of_scheme

    try:
        if scheme_file is not None:
            return rules_of_scheme(load_scheme(scheme_file))
        if workspace is not None:
            return rules_of_scheme(open_ws(workspace).scheme())
    except SchemeError as e:
        raise _bad(str(e)) from None
    return DEFAULT_RULES


def _models(folder: Path | None) -> dict:
    from frontdesk.text.model import ModelError, load_models

    if folder is not None and not folder.is_dir():
        raise _bad(f"{folder}: no such model folder")
    try:
        return load_models(folder)
    except ModelError as e:
        raise _bad(str(e)) from None


@click.group(cls=Group)
def text() -> None:
    """Transcript analytics: script compliance, sentiment, predicted satisfaction, PII masking."""


@text.command()
@click.option(
    "--input", "input_path", required=True, type=click.Path(path_type=Path), help="JSON Lines file."
)
@click.option("--format", "fmt", type=FORMATS, default="jsonl", show_default=True)
@click.option(
    "--scheme", "scheme_file", type=click.Path(path_type=Path), help="Scheme whose transcripts: rules apply."
)
@click.option("--model", "model_dir", type=click.Path(path_type=Path), help="Folder of retrained models.")
@click.option("--turns", is_flag=True, help="Include the masked turns with their sentiment and marks.")
@workspace_option
def analyze(
    input_path: Path,
    fmt: str,
    scheme_file: Path | None,
    model_dir: Path | None,
    turns: bool,
    workspace: Path | None,
) -> None:
    """Analyse every conversation of a JSON Lines file."""
    from frontdesk.text.analysis import analyze as run
    from frontdesk.text.transcripts_file import TranscriptFileError, read_conversations

    rules = _rules(scheme_file, workspace)
    models = _models(model_dir)
    try:
        convs = [c for c, _ in read_conversations(input_path)]  # all lines checked before any output
    except TranscriptFileError as e:
        raise _bad(str(e)) from None
    results = [run(c, rules, models) for c in convs]
    if fmt == "jsonl":
        for a in results:
            click.echo(json.dumps(a.to_json(with_turns=turns), ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{len(results)} conversations")
    for col in ("id", "lang", "satisfaction", "greeting", "closing", "coverage", "sentiment", "flags"):
        t.add_column(col)
    for a in results:
        cov = a.coverage
        t.add_row(a.id, a.lang, "" if a.predicted_satisfaction is None else f"{a.predicted_satisfaction:.2f}",
                  _yes(a.greeting), _yes(a.closing), "" if cov is None else f"{100 * cov:.0f} %",
                  _move(a.sentiment.start, a.sentiment.end), ", ".join(a.flags))  # fmt: skip
    Console().print(t)


def _yes(v: bool | None) -> str:
    return "" if v is None else ("yes" if v else "no")


def _move(a: float | None, b: float | None) -> str:
    if a is None:
        return ""
    return f"{a:+.2f}" if b is None else f"{a:+.2f} → {b:+.2f}"


@text.command()
@click.option("--input", "input_path", required=True, type=click.Path(path_type=Path),
              help="JSON Lines with a 'satisfaction' number (CSAT) on every line.")  # fmt: skip
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Train only this language.")
@click.option("--output", "output", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--folds", type=int, default=5, show_default=True, help="Cross-validation folds (0: none).")
def train(input_path: Path, lang: str | None, output: Path, folds: int) -> None:
    """Train satisfaction models (one per language) on your transcripts and CSAT answers."""
    from frontdesk.text.language import detect_language
    from frontdesk.text.training import cross_validate, fit
    from frontdesk.text.transcripts_file import TranscriptFileError, read_conversations

    try:
        rows = list(read_conversations(input_path, need_label=True))
    except TranscriptFileError as e:
        raise _bad(str(e)) from None
    by_lang: dict[str, tuple[list, list]] = {}
    for conv, label in rows:
        lg = conv.lang or detect_language([t.text for t in conv.turns])
        if lang is None or lg == lang:
            by_lang.setdefault(lg, ([], []))
            by_lang[lg][0].append(conv)
            by_lang[lg][1].append(label)
    if not by_lang:
        raise _bad(f"{input_path}: no conversations{f' in {lang}' if lang else ''} to train on")
    for lg, (convs, labels) in sorted(by_lang.items()):
        if len(convs) < 30:
            raise _bad(f"{input_path}: only {len(convs)} {lg} conversations; at least 30 are needed to train")
        if len(set(labels)) < 2:
            raise _bad(f"{input_path}: every {lg} conversation has the same satisfaction; nothing to learn")
        note = ""
        if folds and folds > 1:
            cv = cross_validate(convs, labels, lg, folds=folds)
            note = f", cross-validated Spearman {cv.mean:.3f} ± {cv.std:.3f} over {folds} folds"
        model = fit(convs, labels, lg)
        model.info["data"] = str(input_path)
        path = model.save(output / f"satisfaction-{lg}.npz")
        click.echo(f"{lg}: {len(convs)} conversations → {path}{note}")


@text.command()
@period_option("YYYY-MM, YYYY-Qn or YYYY.", required=True)
@click.option("--model", "model_dir", type=click.Path(path_type=Path), help="Folder of retrained models.")
@workspace_option
def apply(period_text: str, model_dir: Path | None, workspace: Path | None) -> None:
    """Turn the period's transcripts into transcript_auto reviews (feeding I-P1 and I-P3)."""
    from frontdesk.indicators.periods import parse_period
    from frontdesk.text.reviews import apply_period

    ws = open_ws(workspace)
    try:
        period = parse_period(period_text)
    except ValueError as e:
        raise _bad(f"--period: {e}") from None
    rules = _rules(None, workspace)
    own = ws.root / "models"
    models = _models(model_dir if model_dir is not None else (own if own.is_dir() else None))
    start, end = period.utc_bounds(ws.timezone)
    result = apply_period(ws.store(), start, end, rules, models)
    click.echo(
        f"{period}: {result.conversations} transcripts, {result.written} reviews written, "
        f"{result.already_reviewed} already reviewed, {result.without_agent} without an agent"
    )


@text.command()
@click.option("--input", "input_path", required=True, type=click.Path(path_type=Path))
def mask(input_path: Path) -> None:
    """Print the file's conversations with phone numbers, ID cards, bank cards and e-mails masked."""
    from frontdesk.text.pii import mask_text
    from frontdesk.text.transcripts_file import TranscriptFileError, read_conversations

    try:
        convs = list(read_conversations(input_path))
    except TranscriptFileError as e:
        raise _bad(str(e)) from None
    for conv, label in convs:
        doc: dict[str, Any] = {"id": conv.id}
        if conv.lang:
            doc["lang"] = conv.lang
        doc["turns"] = [
            {"speaker": t.speaker, "text": mask_text(t.text), **({"at": t.at.isoformat()} if t.at else {})}
            for t in conv.turns
        ]
        if label is not None:
            doc["satisfaction"] = label
        click.echo(json.dumps(doc, ensure_ascii=False))
