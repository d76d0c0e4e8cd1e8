"""``frontdesk bench``: every indicator on the engine against a plain pandas baseline."""

from __future__ import annotations

import json
from pathlib import Path

import click

from frontdesk.cli.common import BadInput, Command, progress, workspace_option
from frontdesk.usecases.workspace import resolve_root


@click.command(cls=Command)
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
    bar, update = progress("generating")
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
