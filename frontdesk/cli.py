"""The ``frontdesk`` command line (DESIGN.md, "Workspace and CLI contract").

Exit status: 0 on success, 2 on bad input with a one-line reason, 1 on an unexpected failure.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from frontdesk.cli_options import period_option, workspace_option
from frontdesk.effect_cli import register as register_effect
from frontdesk.engine.catalog import builtin_catalog
from frontdesk.engine.periods import Period, parse_period
from frontdesk.engine.scheme import SchemeError, load_scheme
from frontdesk.engine.scorecard import Scorecard
from frontdesk.import_cli import register as register_import
from frontdesk.quality_cli import register as register_quality
from frontdesk.report_cli import register as register_report
from frontdesk.results_cli import register as register_results
from frontdesk.review_cli import register as register_review
from frontdesk.text_cli import register as register_text
from frontdesk.token_cli import register as register_token
from frontdesk.workspace import Workspace, WorkspaceError, init_workspace, open_workspace, resolve_root

DEMO_PASSWORD = "frontdesk"


class BadInput(click.ClickException):
    """A user error: printed as one line, exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"frontdesk: error: {self.message}", err=True)


def _open(workspace: Path | None) -> Workspace:
    try:
        return open_workspace(resolve_root(workspace))
    except WorkspaceError as e:
        raise BadInput(str(e)) from None


def _web(ws: Workspace) -> Any:
    """Point Django at the workspace's database and return the web store module."""
    from frontdesk import web

    web.setup(ws.root)
    from frontdesk.web.appraisal import store

    return store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="frontdesk")
def main() -> None:
    """Frontdesk: performance appraisal for customer-facing staff."""


@main.command()
@workspace_option
@click.option("--timezone", default="Asia/Shanghai", show_default=True, help="Time zone periods are cut in.")
def init(workspace: Path | None, timezone: str) -> None:
    """Create a workspace: settings, database, event store, schemes and reports folders."""
    ws = init_workspace(resolve_root(workspace), timezone=timezone)
    _web(ws)
    click.echo(f"workspace ready: {ws.root}")


def _progress(label: str) -> tuple[Any, Callable[[int, int], None]]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn(label), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
        transient=True, disable=not sys.stderr.isatty(),
        console=None,
    )  # fmt: skip
    task = bar.add_task(label, total=1)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=max(total, 1))

    return bar, update


def _generate(ws: Workspace, agents: int, months: int, start: str | None, seed: int) -> Any:
    from frontdesk.synth import generate

    if start is None:
        start = _default_start(months)
    bar, update = _progress("generating")
    with bar:
        summary = generate(ws.store(), agents=agents, months=months, start=start, seed=seed, progress=update)
    counts = ", ".join(f"{k} {v:,}" for k, v in summary.counts.items() if v)
    click.echo(f"generated {', '.join(summary.periods)}: {counts}")
    return summary


def _default_start(months: int) -> str:
    """The first of the last ``months`` complete months before today."""
    from datetime import date

    today = date.today()
    y, m = today.year, today.month - months
    while m < 1:
        y, m = y - 1, m + 12
    return f"{y:04d}-{m:02d}"


@main.command()
@workspace_option
@click.option("--agents", default=60, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--months", default=3, show_default=True, type=click.IntRange(1, 60))
@click.option("--start", default=None, help="First month, YYYY-MM (default: so the data ends last month).")
@click.option("--seed", default=7, show_default=True, type=int)
def generate(workspace: Path | None, agents: int, months: int, start: str | None, seed: int) -> None:
    """Generate a synthetic organisation and its data into the workspace's event store."""
    ws = init_workspace(resolve_root(workspace))
    _check_start(start)
    _generate(ws, agents, months, start, seed)


def _check_start(start: str | None) -> None:
    if start is None:
        return
    try:
        p = parse_period(start)
    except ValueError as e:
        raise BadInput(f"--start: {e}") from None
    if p.kind != "month":
        raise BadInput(f"--start: {start!r} is not a month (YYYY-MM)")


def _periods_with_data(ws: Workspace) -> list[Period]:
    """Every month that has interactions in the event store, oldest first: months with committed
    files only (a month whose files were all undone or retired by an import has no rows)."""
    out = []
    for label in ws.store().months("interactions"):
        try:
            out.append(parse_period(label))
        except ValueError:
            continue
    return out


def _resolve_period(ws: Workspace, text: str, store: Any | None = None, cycle: str | None = None) -> Period:
    if text == "latest":
        label = store.latest_period(cycle) if store is not None else None
        if label is None:
            months = _periods_with_data(ws)
            if not months:
                raise BadInput("--period latest: nothing computed or loaded yet in this workspace")
            return months[-1]
        return parse_period(label)
    try:
        return parse_period(text)
    except ValueError as e:
        raise BadInput(f"--period: {e}") from None


def _compute(ws: Workspace, periods: list[Period], engine_name: str = "duckdb") -> dict[str, list[Scorecard]]:
    from frontdesk.engine.compute import compute_scorecards
    from frontdesk.engine.engines import get_engine
    from frontdesk.ingest.refusals import refused_in_period

    store = _web(ws)
    try:
        scheme = ws.scheme()
    except SchemeError as e:
        raise BadInput(str(e)) from None
    try:
        engine = get_engine(engine_name, ws.store(), calendars=ws.calendars(), view_params=ws.view_params())
    except WorkspaceError as e:
        raise BadInput(str(e)) from None
    except (ImportError, ValueError, RuntimeError) as e:
        raise BadInput(f"--engine {engine_name}: {e}") from None
    out = {}
    try:
        org = {t: engine.table_rows(t) for t in ("sites", "teams", "agents")}
        store.sync_organisation(org["sites"], org["teams"], org["agents"])
        store.register_indicator_names(
            {c: {"en": i.name_en, "zh": i.name_zh} for c, i in builtin_catalog().items()}
        )
        engine.prepare_periods(periods, ws.timezone)  # stored months of every period, in one build
        bar, update = _progress("computing")
        with bar:
            for i, period in enumerate(periods):
                refused = refused_in_period(ws.store(), ws.root / "imports", period, ws.timezone)
                cards = compute_scorecards(
                    ws.store(), period, scheme, ws.timezone, engine=engine, refused=refused
                )
                try:
                    store.save_scorecards(
                        cards, period=period.label, cycle=period.cycle, scheme_version=scheme.version_id
                    )
                except store.CycleClosed as e:
                    raise BadInput(str(e)) from None
                out[period.label] = cards
                update(i + 1, len(periods))
    finally:
        engine.close()
    for label, cards in out.items():
        scored = sum(1 for c in cards if c.total is not None)
        click.echo(
            f"computed {label}: {len(cards)} scorecards ({scored} scored) with scheme {scheme.version_id}"
        )
    return out


@main.command()
@workspace_option
@period_option("YYYY-MM, YYYY-Qn, YYYY, 'latest' or 'all' (every period with data).", required=True)
@click.option("--cycle", type=click.Choice(["monthly", "quarterly", "annual"]), default=None)
@click.option(
    "--engine", type=click.Choice(["duckdb", "spark", "postgres"]), default="duckdb", show_default=True
)
def compute(workspace: Path | None, period_text: str, cycle: str | None, engine: str) -> None:
    """Compute every indicator and scorecard of a period (or 'all' months with data)."""
    ws = _open(workspace)
    if period_text == "all":
        periods = _periods_with_data(ws)
        if not periods:
            raise BadInput("--period all: the event store has no interactions yet")
    else:
        periods = [_resolve_period(ws, period_text)]
    if cycle is not None:
        want = {"monthly": "month", "quarterly": "quarter", "annual": "year"}[cycle]
        if any(p.kind != want for p in periods):
            raise BadInput(f"--cycle {cycle} does not match period {periods[0].label}")
    _compute(ws, periods, engine)


def stored_scorecards(
    workspace: Path | None, period_text: str, cycle: str | None
) -> tuple[Workspace, Any, Period, list[Scorecard]]:
    """The workspace, the web store, the period and its stored scorecards (exit 2 when none)."""
    ws = _open(workspace)
    store = _web(ws)
    period = _resolve_period(ws, period_text, store, cycle)
    cards = store.load_scorecards(period.label, cycle)
    if not cards:
        raise BadInput(
            f"--period {period.label}: no scorecards computed; run 'frontdesk compute --period {period.label}'"
        )
    return ws, store, period, cards


def _scorecards_json(
    period: str, cycle: str, cards: list[Scorecard], state: str | None = None
) -> dict[str, Any]:
    return {
        "period": period,
        "cycle": cycle,
        "state": state,
        "scheme_version": cards[0].scheme_version if cards else None,
        "scorecards": [c.to_json() for c in cards],
    }


def _fmt(v: float | None, digits: int = 1) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


@main.command()
@workspace_option
@period_option()
@click.option("--cycle", type=click.Choice(["monthly", "quarterly", "annual"]), default=None)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def scorecards(workspace: Path | None, period_text: str, cycle: str | None, fmt: str) -> None:
    """Print the computed scorecards of a period."""
    _, store, period, cards = stored_scorecards(workspace, period_text, cycle)
    codes = list(cards[0].indicators)
    if fmt == "json":
        click.echo(
            json.dumps(
                _scorecards_json(
                    period.label, period.cycle, cards, store.cycle_state(period.label, period.cycle)
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
        _print_table(cards, codes, f"{period.label} · {cards[0].scheme_version}")


def _print_table(cards: list[Scorecard], codes: list[str], title: str, limit: int | None = None) -> None:
    """A ranking table; indicator columns are headed by their mission IDs (I-E1 …) to stay narrow."""
    from rich.console import Console
    from rich.table import Table

    cat = builtin_catalog()
    t = Table(
        title=title, caption=" · ".join(f"{cat[k].mission_id} {cat[k].name_en}" for k in codes if k in cat)
    )
    for col in ("rank", "agent", "team", "total", "grade"):
        t.add_column(col, justify="left" if col in ("agent", "team", "grade") else "right", no_wrap=True)
    for k in codes:
        t.add_column(cat[k].mission_id if k in cat else k, justify="right", no_wrap=True)
    for c in cards[:limit] if limit else cards:
        vals = [_fmt(c.indicators[k].value) if k in c.indicators else "" for k in codes]
        t.add_row(str(c.rank_org or "—"), f"{c.agent_id} {c.name_zh or c.name}", c.team_id, _fmt(c.total),
                  c.grade or "—", *vals)  # fmt: skip
    Console(width=max(120, 48 + 9 * len(codes))).print(t)


@main.command()
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


@main.group()
def scheme() -> None:
    """Show and validate appraisal schemes."""


@scheme.command("show")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def scheme_show(file: Path | None) -> None:
    """Print a scheme (default: the built-in one) as a readable outline."""
    try:
        s = load_scheme(file)
    except SchemeError as e:
        raise BadInput(str(e)) from None
    cat = builtin_catalog()
    click.echo(f"{s.name_en} / {s.name_zh}  ({s.version_id})")
    for d in s.dimensions:
        click.echo(f"  {d.name_en} / {d.name_zh}: weight {d.weight:g}")
        for i in d.indicators:
            ind = cat[i.code]
            rule = f"target {i.target:g}, floor {i.floor:g}" if i.curve == "linear" else i.curve
            click.echo(
                f"    {i.code:<26} {ind.name_en} / {ind.name_zh}: weight {i.weight:g}, {rule} {ind.unit}"
                f" [{', '.join(s.cycles_of(d, i))}]"
            )
    if s.grading == "forced":
        click.echo(
            "  grades (forced distribution): " + ", ".join(f"{g.code} {g.share:g} %" for g in s.grades)
        )
    else:
        click.echo("  grades: " + ", ".join(f"{g.code} ≥ {g.min_total:g}" for g in s.grades))
    for r in s.critical:
        click.echo(f"  critical failure: {r.indicator} > {r.above:g} caps the grade at {r.cap_grade}")
    if s.weights_360:
        click.echo("  360 weights: " + ", ".join(f"{k} {v:g} %" for k, v in s.weights_360.items()))


@scheme.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def scheme_diff(old: Path, new: Path) -> None:
    """What changes from scheme OLD to scheme NEW: versions, weights, targets, curves, grades."""
    from frontdesk.engine.scheme import diff_schemes

    try:
        a, b = load_scheme(old), load_scheme(new)
    except SchemeError as e:
        raise BadInput(str(e)) from None
    changes = diff_schemes(a, b)
    if not changes:
        click.echo(f"no differences in rules ({a.version_id} → {b.version_id})")
    for line in changes:
        click.echo(line)


@scheme.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def scheme_validate(file: Path) -> None:
    """Check a scheme file; exit 2 with the reason if it is not valid."""
    from frontdesk.engine.bonus_pool import BonusRules
    from frontdesk.engine.development import DevelopmentRules
    from frontdesk.engine.promotion import PromotionRules
    from frontdesk.engine.recognition import AnnualExcellentRules, ServiceStarRules

    try:
        s = load_scheme(file)
        # The results section (docs/results.md) is read by its own modules: check it too.
        for rules in (BonusRules, PromotionRules, ServiceStarRules, AnnualExcellentRules, DevelopmentRules):
            rules.from_scheme(s)
    except SchemeError as e:
        raise BadInput(str(e)) from None
    click.echo(f"{file}: valid ({s.version_id}, {len(s.indicator_codes())} indicators)")


def _serve(ws: Workspace, host: str, port: int) -> None:
    _web(ws)
    from frontdesk.web import serve as web_serve

    web_serve(host=host, port=port)


@main.command()
@workspace_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(workspace: Path | None, host: str, port: int) -> None:
    """Serve the web application."""
    ws = _open(workspace)
    click.echo(f"Frontdesk at http://{host}:{port}/  (Ctrl-C to stop)")
    _serve(ws, host, port)


@main.command()
@workspace_option
@click.option(
    "--interactions", default=1_000_000, show_default=True, type=click.IntRange(1_000, 2_000_000_000),
    help="About how many contacts to generate (any number; the data is cut at a day boundary).",
)  # fmt: skip
@click.option("--agents", default=100, show_default=True, type=click.IntRange(2, 100_000))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option(
    "--repeat", default=3, show_default=True, type=click.IntRange(1, 20), help="Best of this many runs."
)
@click.option(
    "--cache", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder for generated datasets (default: <workspace>/cache/bench with --workspace, "
    "else ~/.cache/frontdesk/bench).",
)  # fmt: skip
@click.option("--memory-limit", default=None, help="DuckDB memory_limit for the engine, e.g. 3GB.")
@click.option(
    "--threads", default=None, type=click.IntRange(1, 1024), help="DuckDB threads (default: all cores)."
)
@click.option(
    "--baseline/--no-baseline", default=True, show_default=True,
    help="Also run the pandas baseline and compare (it needs far more memory than the engine).",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="End with one JSON line of results.")
def bench(
    workspace: Path | None,
    interactions: int,
    agents: int,
    seed: int,
    repeat: int,
    cache: Path | None,
    memory_limit: str | None,
    threads: int | None,
    baseline: bool,
    as_json: bool,
) -> None:
    """Every built-in indicator on the engine against a plain pandas baseline, on generated data.

    Generates about --interactions contacts for --agents agents (kept in the cache for next time),
    computes every indicator for each month and quarter the data covers on the engine and in
    pandas, each in its own process, and checks that both agree. Exit status 1 if they differ.
    """
    from datetime import timedelta

    import duckdb

    try:
        from frontdesk.bench.run import default_cache, prepare_dataset, run_bench
    except ImportError as e:  # pandas is a test/bench extra
        raise BadInput(f"bench needs the test extras (pip install -e '.[test]'): {e}") from None

    if cache is None:
        cache = resolve_root(workspace) / "cache" / "bench" if workspace else default_cache()
    bar, update = _progress("generating")
    with bar:
        data, generated = prepare_dataset(interactions, agents, seed=seed, cache=cache, progress=update)
    verb = f"generated in {data.generated_s:.0f} s" if generated else "reused"
    click.echo(
        f"data: {data.interactions:,} contacts (asked {data.requested:,}), {data.agents:,} agents, "
        f"{data.first_day} to {data.end_day - timedelta(days=1)}; {verb}: {data.root}"
    )
    if not baseline:
        click.echo("pandas baseline: skipped (--no-baseline)")
    try:
        result, comparison = run_bench(
            data,
            repeat=repeat,
            memory_limit=memory_limit,
            threads=threads,
            baseline=baseline,
            log=lambda msg: click.echo(msg, err=True),
        )
    except (duckdb.Error, MemoryError, RuntimeError, OSError) as e:  # RuntimeError: a killed child
        reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise click.ClickException(
            f"bench failed: {reason} (see --memory-limit, --threads, --no-baseline)"
        ) from None
    click.echo(
        f"{result.indicators} indicators × {len(result.periods)} periods ({', '.join(result.periods)})"
    )
    limits = f"memory_limit {memory_limit or 'default'}, threads {threads or result.cpus}"
    rebuilt = sum(len(m) for m in result.materialised_months.values())
    click.echo(
        f"materialised views: {result.materialise_s:.3f} s to bring up to date ({rebuilt} months rebuilt; "
        f"CPU {result.materialise_cpu_s:.1f} s, peak RSS {result.materialise_peak_rss_mb:,.0f} MB); "
        "not part of the engine's time"
    )
    click.echo(
        f"engine: {result.engine_s:.3f} s (best of {repeat}; {limits}; CPU {result.engine_cpu_s:.1f} s), "
        f"peak RSS {result.peak_rss_mb:,.0f} MB"
    )
    for label, secs in result.engine_period_s.items():
        base = result.baseline_period_s.get(label)
        cpu = result.engine_period_cpu_s.get(label)
        click.echo(
            f"  {label:<8} engine {secs:7.3f} s"
            + (f" (CPU {cpu:6.2f} s)" if cpu is not None else "")
            + (f"   pandas {base:7.3f} s" if base is not None else "")
        )
    if result.baseline_s is not None:
        click.echo(
            f"pandas: {result.baseline_s:.3f} s (CPU {result.baseline_cpu_s:.1f} s), "
            f"peak RSS {result.baseline_peak_rss_mb:,.0f} MB; "
            f"engine {result.ratio:.1f}x faster"
        )
    if comparison is not None:
        click.echo(
            f"results equal: {comparison.equal} ({comparison.checked:,} agent × indicator × period values, "
            f"{comparison.with_value:,} available; {comparison.mismatch_count:,} differ)"
        )
        for m in comparison.mismatches:
            click.echo(
                f"  differs: {m.period} {m.agent_id} {m.indicator}: engine {m.engine[0]} (n {m.engine[1]}), "
                f"pandas {m.baseline[0]} (n {m.baseline[1]})"
            )
    if as_json:
        click.echo(json.dumps(result.to_json()))
    if comparison is not None and not comparison.equal:
        raise click.ClickException("the engine and the pandas baseline disagree")


def _apply_transcripts(ws: Workspace, periods: list[Period]) -> None:
    """``frontdesk text apply`` for each period: the transcripts become transcript_auto reviews
    (I-P1, I-P3) before the scorecards are computed. Re-running adds nothing."""
    from frontdesk.text.model import ModelError, load_models
    from frontdesk.text.reviews import apply_period
    from frontdesk.text.rules import rules_of_scheme

    try:
        rules = rules_of_scheme(ws.scheme())
    except (SchemeError, ValueError) as e:
        raise BadInput(str(e)) from None
    own = ws.root / "models"
    try:
        models = load_models(own if own.is_dir() else None)
    except ModelError as e:
        raise BadInput(str(e)) from None
    written = 0
    for period in periods:
        start, end = period.utc_bounds(ws.timezone)
        written += apply_period(ws.store(), start, end, rules, models).written
    if written:
        click.echo(f"analysed {written:,} transcripts (transcript_auto reviews for I-P1 and I-P3)")


@main.command()
@workspace_option
@click.option("--agents", default=60, show_default=True, type=click.IntRange(2, 5000))
@click.option("--months", default=3, show_default=True, type=click.IntRange(1, 24))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--start", default=None, help="First month, YYYY-MM (default: the data ends last month).")
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
    _check_start(start)
    try:
        existing = open_workspace(root)
    except WorkspaceError:
        existing = None
    if existing is not None and not existing.is_demo:
        raise BadInput(f"{root} is a real workspace, not a demo one; choose another --workspace for the demo")
    ws = existing or init_workspace(root, demo=True)
    if not ws.store().files("interactions"):
        _generate(ws, agents, months, start, seed)
    else:
        click.echo(f"reusing the demo data already in {root}")
    _apply_transcripts(ws, _periods_with_data(ws))
    results = _compute(ws, _periods_with_data(ws))
    store = _web(ws)
    # A demo shows finished results: each computed cycle goes through review to published.
    for label in results:
        kind = parse_period(label).cycle
        if store.cycle_state(label, kind) == "computed":
            store.transition(label, kind, "in_review", note="demo")
            store.transition(label, kind, "published", note="demo")
    who = store.create_demo_users(password=DEMO_PASSWORD)
    latest = list(results)[-1]
    cards = results[latest]
    codes = list(cards[0].indicators) if cards else []
    _print_table(cards, codes, f"Top of the ranking, {latest}", limit=10)
    click.echo(f"workspace: {root}")
    click.echo(
        f"logins (password '{DEMO_PASSWORD}'): director (whole organisation), "
        f"lead (team {who.get('team_id', '?')}), agent ({who.get('agent_id', '?')})"
    )
    if no_serve:
        return
    click.echo(f"Frontdesk demo at http://{host}:{port}/  (Ctrl-C to stop)")
    _serve(ws, host, port)


register_review(main)
register_effect(main)
register_results(main)
register_token(main)
register_import(main)
register_quality(main)
register_report(main)
register_text(main)
