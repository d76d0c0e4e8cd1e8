"""``frontdesk init``, ``generate``, ``demo`` and ``serve``: make a workspace, fill it with the
synthetic organisation, compute and publish the demo, serve the web application."""

from __future__ import annotations

from pathlib import Path

import click

from frontdesk.cli.common import Command, open_ws, progress, workspace_option
from frontdesk.cli.compute import print_table, run_compute
from frontdesk.usecases import demo as demo_case
from frontdesk.usecases.compute import apply_transcripts
from frontdesk.usecases.database import open_database
from frontdesk.usecases.database import serve as serve_web
from frontdesk.usecases.scorecards import periods_with_data, whole_periods
from frontdesk.usecases.workspace import Workspace, init_workspace, resolve_root


@click.command(cls=Command)
@workspace_option
@click.option("--timezone", default="Asia/Shanghai", show_default=True, help="Time zone periods are cut in.")
def init(workspace: Path | None, timezone: str) -> None:
    """Create a workspace: settings, database, event store, schemes and reports folders."""
    ws = init_workspace(resolve_root(workspace), timezone=timezone)
    open_database(ws)
    click.echo(f"workspace ready: {ws.root}")


def _generate(ws: Workspace, agents: int, months: int, start: str | None, seed: int) -> None:
    bar, update = progress("generating")
    with bar:
        summary = demo_case.generate(ws, agents, months, start, seed, progress=update)
    counts = ", ".join(f"{k} {v:,}" for k, v in summary.counts.items() if v)
    click.echo(f"generated {', '.join(summary.periods)}: {counts}")


@click.command(cls=Command)
@workspace_option
@click.option("--agents", default=60, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--months", default=3, show_default=True, type=click.IntRange(1, 60))
@click.option(
    "--start",
    default=None,
    help="First month, YYYY-MM (default: so the data ends with the last complete quarter).",
)
@click.option("--seed", default=7, show_default=True, type=int)
def generate(workspace: Path | None, agents: int, months: int, start: str | None, seed: int) -> None:
    """Generate a synthetic organisation and its data into the workspace's event store."""
    ws = init_workspace(resolve_root(workspace))
    demo_case.check_start(start)
    _generate(ws, agents, months, start, seed)


def _serve(ws: Workspace, host: str, port: int) -> None:
    open_database(ws)
    serve_web(host=host, port=port)


@click.command(cls=Command)
@workspace_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(workspace: Path | None, host: str, port: int) -> None:
    """Serve the web application."""
    ws = open_ws(workspace)
    click.echo(f"Frontdesk at http://{host}:{port}/  (Ctrl-C to stop)")
    _serve(ws, host, port)


@click.command(cls=Command)
@workspace_option
@click.option("--agents", default=60, show_default=True, type=click.IntRange(2, 5000))
@click.option("--months", default=3, show_default=True, type=click.IntRange(1, 24))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option(
    "--start",
    default=None,
    help="First month, YYYY-MM (default: so the data ends with the last complete quarter).",
)
@click.option("--no-serve", is_flag=True, help="Compute, print the top of the ranking and exit.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(
    workspace: Path | None,
    agents: int,
    months: int,
    seed: int,
    start: str | None,
    no_serve: bool,
    host: str,
    port: int,
) -> None:
    """A realistic organisation, its data and every cycle computed, then served with demo logins."""
    root = resolve_root(workspace, default="frontdesk-demo")
    demo_case.check_start(start)
    ws = demo_case.demo_workspace(root)
    if not ws.store().files("interactions"):
        _generate(ws, agents, months, start, seed)
    else:
        click.echo(f"reusing the demo data already in {root}")
    written = apply_transcripts(ws, periods_with_data(ws))
    if written:
        click.echo(f"analysed {written:,} transcripts (transcript_auto reviews for I-P1 and I-P3)")
    months = periods_with_data(ws)
    results = run_compute(ws, whole_periods(months))
    who = demo_case.publish_demo(ws, results)
    latest = months[-1].label
    cards = results[latest]
    codes = list(cards[0].indicators) if cards else []
    print_table(cards, codes, f"Top of the ranking, {latest}", limit=10)
    if who.get("in_review"):
        click.echo(f"{who['in_review']} is in review: agents may appeal it (the other cycles are published)")
    click.echo(f"workspace: {root}")
    click.echo(
        f"logins (password '{demo_case.DEMO_PASSWORD}'): director (whole organisation), "
        f"lead (team {who.get('team_id', '?')}), agent ({who.get('agent_id', '?')})"
    )
    if no_serve:
        return
    click.echo(f"Frontdesk demo at http://{host}:{port}/  (Ctrl-C to stop)")
    _serve(ws, host, port)
