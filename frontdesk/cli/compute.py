"""``frontdesk compute``, ``frontdesk scorecards``, ``frontdesk values`` and ``frontdesk indicators``:
compute periods, print their stored scorecards, every indicator's values, the indicator catalogue."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click

from frontdesk.cli.common import (
    BadInput,
    Command,
    open_ws,
    period_option,
    progress,
    resolve_period,
    stored_scorecards,
    workspace_option,
)
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.periods import Period
from frontdesk.scoring.scorecard import Scorecard
from frontdesk.usecases.compute import compute_periods
from frontdesk.usecases.scorecards import periods_with_data, scorecards_json
from frontdesk.usecases.values import period_values
from frontdesk.usecases.workspace import Workspace


def run_compute(
    ws: Workspace, periods: list[Period], engine_name: str = "duckdb"
) -> dict[str, list[Scorecard]]:
    """Compute and store ``periods`` with a progress bar, then say what was computed."""
    bar, update = progress("computing")
    with bar:
        out = compute_periods(ws, periods, engine_name, progress=update)
    version = ws.scheme().version_id
    for label, cards in out.items():
        scored = sum(1 for c in cards if c.total is not None)
        click.echo(f"computed {label}: {len(cards)} scorecards ({scored} scored) with scheme {version}")
    return out


@click.command(cls=Command)
@workspace_option
@period_option(
    "YYYY-MM, YYYY-Qn, YYYY, YYYY-MM-DD..YYYY-MM-DD, 'latest' or 'all' (every month with data).",
    required=True,
)
@click.option("--cycle", type=click.Choice(["monthly", "quarterly", "annual"]), default=None)
@click.option(
    "--engine", type=click.Choice(["duckdb", "spark", "postgres"]), default="duckdb", show_default=True
)
def compute(workspace: Path | None, period_text: str, cycle: str | None, engine: str) -> None:
    """Compute and store the scorecards of a period (or 'all' months with data): the scheme's indicators
    for the period's cycle, scored. Every catalogue indicator, scored or not: 'frontdesk values'."""
    ws = open_ws(workspace)
    if period_text == "all":
        periods = periods_with_data(ws)
        if not periods:
            raise BadInput("--period all: the event store has no interactions yet")
    else:
        periods = [resolve_period(ws, period_text)]
    if cycle is not None:
        want = {"monthly": "month", "quarterly": "quarter", "annual": "year"}[cycle]
        if any(p.kind != want for p in periods):
            raise BadInput(f"--cycle {cycle} does not match period {periods[0].label}")
    run_compute(ws, periods, engine)


def _fmt(v: float | None, digits: int = 1) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


@click.command(cls=Command)
@workspace_option
@period_option()
@click.option("--cycle", type=click.Choice(["monthly", "quarterly", "annual"]), default=None)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def scorecards(workspace: Path | None, period_text: str, cycle: str | None, fmt: str) -> None:
    """Print the computed scorecards of a period."""
    _, db, period, cards = stored_scorecards(workspace, period_text, cycle)
    codes = list(cards[0].indicators)
    if fmt == "json":
        click.echo(
            json.dumps(
                scorecards_json(
                    period.label, period.cycle, cards, db.cycle_state(period.label, period.cycle)
                ),
                ensure_ascii=False,
                indent=1,
            )
        )
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["agent_id", "name", "team_id", "total", "grade", "rank_team", "rank_org", *codes])
        for c in cards:
            vals = [c.indicators[k].value if k in c.indicators else None for k in codes]
            w.writerow([c.agent_id, c.name, c.team_id, c.total, c.grade, c.rank_team, c.rank_org, *vals])
        click.echo(buf.getvalue(), nl=False)
    else:
        print_table(cards, codes, f"{period.label} · {cards[0].scheme_version}")


def who(agent_id: str, name: str | None) -> str:
    """An agent as a table shows it: id and name, the name once when the export uses names as ids."""
    return agent_id if not name or name == agent_id else f"{agent_id} {name}"


def column_headers(codes: list[str]) -> dict[str, str]:
    """Indicator columns headed by their mission IDs (I-E1 …) to stay narrow; indicators sharing a
    mission ID (CSAT as a share and as a mean are both I-Q1) are headed by their codes instead."""
    cat = builtin_catalog()
    ids = [cat[k].mission_id if k in cat else k for k in codes]
    return {k: (i if ids.count(i) == 1 else k) for k, i in zip(codes, ids, strict=True)}


_STATISTIC_WORDS = {"top_box": "share rating 4-5 of 5"}


def print_table(cards: list[Scorecard], codes: list[str], title: str, limit: int | None = None) -> None:
    """A ranking table, one column per indicator (:func:`column_headers`), named in the caption."""
    from rich.console import Console
    from rich.table import Table

    cat = builtin_catalog()
    headers = column_headers(codes)
    # The statistic each value is (mean, median, p90 …), as the scheme scored it.
    stats = {k: r.statistic for c in cards[:1] for k, r in c.indicators.items() if r.statistic}
    t = Table(
        title=title,
        caption=" · ".join(
            f"{headers[k]} {cat[k].name_en}"
            + (f" ({_STATISTIC_WORDS.get(stats[k], stats[k])})" if k in stats else "")
            for k in codes
            if k in cat
        ),
    )
    for col in ("rank", "agent", "team", "total", "grade"):
        t.add_column(col, justify="left" if col in ("agent", "team", "grade") else "right", no_wrap=True)
    for k in codes:
        t.add_column(headers[k], justify="right", no_wrap=True)
    for c in cards[:limit] if limit else cards:
        vals = [_fmt(c.indicators[k].value) if k in c.indicators else "" for k in codes]
        t.add_row(str(c.rank_org or "—"), who(c.agent_id, c.name_zh or c.name), c.team_id, _fmt(c.total),
                  c.grade or "—", *vals)  # fmt: skip
    Console(width=max(120, 48 + 9 * len(codes))).print(t)


@click.command(cls=Command)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def indicators(fmt: str) -> None:
    """List the indicator catalogue."""
    cat = builtin_catalog()
    if fmt == "json":
        click.echo(json.dumps([i.to_json() for i in cat.values()], ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title="Frontdesk indicators")
    for col in ("code", "mission", "name", "名称", "dimension", "kind", "unit", "better", "source"):
        t.add_column(col)
    for i in cat.values():
        t.add_row(i.code, i.mission_id, i.name_en, i.name_zh, i.dimension, i.kind, i.unit, i.better, i.source)
    Console(width=160).print(t)


@click.command(cls=Command)
@workspace_option
@period_option("YYYY-MM, YYYY-Qn, YYYY, YYYY-MM-DD..YYYY-MM-DD (days included) or 'latest'.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def values(workspace: Path | None, period_text: str, fmt: str) -> None:
    """Every catalogue indicator for every agent of a period, scored by the scheme or not: the
    organisation's own numbers, before targets are set (value and sample size n)."""
    ws = open_ws(workspace)
    period = resolve_period(ws, period_text)
    doc = period_values(ws, period)
    if not doc["agents"]:
        raise BadInput(f"--period {period.label}: no records of any agent in this period")
    cat = builtin_catalog()
    if fmt == "json":
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    codes = list(cat)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["agent_id", "name", "team_id", *[h for c in codes for h in (c, f"{c}_n")]])
        for a in doc["agents"]:
            cells = [x for c in codes for x in (a["values"][c]["value"], a["values"][c]["n"])]
            w.writerow([a["agent_id"], a["name"] or "", a["team_id"] or "", *cells])
        click.echo(buf.getvalue(), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{period.label} · {len(doc['agents'])} agents · {ws.timezone}")
    for col in ("agent", "indicator", "", "value", "unit", "n"):
        t.add_column(col, justify="right" if col in ("value", "n") else "left", no_wrap=True)
    for a in doc["agents"]:
        first = True
        for c in codes:
            v = a["values"][c]
            if v["value"] is None and not v["n"]:
                continue
            t.add_row(
                who(a["agent_id"], a["name"]) if first else "",
                cat[c].mission_id,
                cat[c].name_en,
                _fmt(v["value"], 2),
                cat[c].unit,
                f"{v['n']:,}",
            )
            first = False
    Console(width=120).print(t)
