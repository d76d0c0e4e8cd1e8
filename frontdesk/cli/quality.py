"""``frontdesk quality``: the data-quality report of a period (MISSION Q1, docs/data-quality.md).

Registered on the ``frontdesk`` group by :func:`register`. Reads the workspace's event store with
DuckDB (no database needed); the work is in ``frontdesk.analysis.quality``. Exit status 2 with one
line on bad input (no workspace, a bad period, an unknown team).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from frontdesk.cli.common import BadInput, Command, open_ws, period_option, resolve_period, workspace_option

TABLE_ROWS = 20  # findings printed per kind in the table format; --format json lists them all


def register(main: click.Group) -> None:
    """Add ``quality`` to the ``frontdesk`` command group."""
    main.add_command(_quality_command())


def _quality_command() -> click.Command:
    @click.command("quality", cls=Command)
    @workspace_option
    @period_option()
    @click.option(
        "--team", "team_id", default=None, help="One team (with its sub-teams); default: every team."
    )
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
    def quality(workspace: Path | None, period_text: str, team_id: str | None, fmt: str) -> None:
        """Data-quality report of a period: how contacts were recorded, heaping of hand-recorded
        durations, survey response rates and reliable samples, duplicates, outliers, unknown
        agents and impossible times, each with the keys of its records, and the rows imports of
        the period refused per agent."""
        report = build_report(workspace, period_text, team_id)
        if fmt == "json":
            click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1, default=str))
        else:
            print_report(report)

    return quality


def build_report(workspace: Path | None, period_text: str, team_id: str | None) -> Any:
    """The report for the CLI: the workspace's store, time zone, calendars and scheme."""
    from frontdesk.analysis.quality import quality_report, survey_min_n, team_and_descendants
    from frontdesk.indicators.catalog import builtin_catalog
    from frontdesk.indicators.engines import DuckDBEngine
    from frontdesk.ingest.refusals import refused_in_period
    from frontdesk.scoring.scheme import SchemeError
    from frontdesk.usecases.workspace import WorkspaceError

    ws = open_ws(workspace)
    period = resolve_period(ws, period_text)
    catalog = builtin_catalog()
    try:
        scheme = ws.scheme()
        engine = DuckDBEngine(ws.store(), calendars=ws.calendars(), view_params=ws.view_params())
    except (SchemeError, WorkspaceError) as e:
        raise BadInput(str(e)) from None
    try:
        teams = None
        if team_id is not None:
            rows = engine.table_rows("teams")
            if not any(str(t["team_id"]) == team_id for t in rows):
                known = ", ".join(sorted(str(t["team_id"]) for t in rows)) or "none"
                raise BadInput(f"--team {team_id}: no such team in the event store (known: {known})")
            teams = team_and_descendants(rows, team_id)
        return quality_report(
            engine,
            period,
            ws.timezone,
            teams=teams,
            min_n=survey_min_n(scheme, catalog),
            indicators=list(catalog.values()),
            refused=refused_in_period(ws.store(), ws.root / "imports", period, ws.timezone),
        )
    finally:
        engine.close()


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f} %"


def _p(v: float | None) -> str:
    return "—" if v is None else f"{v:.2g}"


def _team(team_id: str | None) -> str:
    """None is the whole selection; "" the contacts of no team."""
    return "(selection)" if team_id is None else team_id or "(no team)"


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:,.1f}"


def print_report(report: Any) -> None:
    """The report as rich tables: summary, recording, heaping, surveys, then each kind of finding."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=140)
    th = report.thresholds
    scope = "every team" if report.teams is None else ", ".join(report.teams)
    console.print(f"[bold]Data quality {report.period}[/bold] ({scope}; periods cut in {report.timezone})")
    console.print(", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report.summary().items()))

    t = Table(title="How contacts were recorded")
    for col in ("team", "contacts", "system", "manual", "unknown", "manual share"):
        t.add_column(col, justify="left" if col == "team" else "right")
    for r in report.recording:
        flag = " !" if (r.manual_share or 0.0) > th.manual_share_flag else ""
        t.add_row(
            _team(r.team_id),
            f"{r.total:,}",
            f"{r.system:,}",
            f"{r.manual:,}",
            f"{r.unknown:,}",
            _pct(r.manual_share) + flag,
        )
    console.print(t)

    if report.indicators:
        t = Table(title="Hand-recorded share per indicator (rows with data only)")
        for col in ("indicator", "source", "rows", "system share", "manual share"):
            t.add_column(col, justify="left" if col in ("indicator", "source") else "right")
        for r in report.indicators:
            if r.n:
                t.add_row(r.code, r.source, f"{r.n:,}", _pct(r.system_share), _pct(r.manual_share))
        console.print(t)

    t = Table(
        title="Heaping of hand-recorded durations",
        caption=f"exact one-sided binomial tests, alpha {th.alpha:g}, share ≥ {th.heaping_index:g} × expected; "
        f"whole minute expected {th.minute_expected:.3f}, five minutes (vs m ± 1) {th.five_expected:.3f}",
    )
    for col in ("team", "agent", "duration", "n", "on minute", "p", "near five", "on five", "p", "heaped"):
        t.add_column(col, justify="left" if col in ("team", "agent", "duration", "heaped") else "right")
    for h in report.heaping:
        if h.agent_id is not None and not h.heaped:
            continue
        t.add_row(
            _team(h.team_id),
            h.agent_id or "",
            h.measure,
            f"{h.n:,}",
            _pct(h.minute_share),
            _p(h.minute_p),
            f"{h.near_five:,}",
            _pct(h.five_share),
            _p(h.five_p),
            "yes" if h.heaped else "no",
        )
    console.print(t)

    t = Table(
        title="Surveys: response rate and reliable samples",
        caption="agents: only those with a doubtful sample",
    )
    for col in (
        "team",
        "agent",
        "contacts",
        "responded",
        "rate",
        "kind",
        "n",
        "value",
        "95 % interval",
        "max width",
    ):
        t.add_column(col, justify="left" if col in ("team", "agent", "kind") else "right")
    for c in report.coverage:
        doubtful = [s for s in c.samples if not s.reliable]
        if c.agent_id is not None and not doubtful:
            continue
        first = True
        for s in doubtful or [None]:
            head = (
                [
                    _team(c.team_id),
                    c.agent_id or "",
                    f"{c.contacts:,}",
                    f"{c.responded:,}",
                    _pct(c.response_rate),
                ]
                if first
                else [""] * 5
            )
            first = False
            if s is None:
                t.add_row(*head, "", "", "", "", "")
            else:
                t.add_row(
                    *head,
                    s.kind,
                    str(s.n),
                    _num(s.value),
                    f"{_num(s.low)} – {_num(s.high)}",
                    _num(s.max_width),
                )
    console.print(t)

    if report.refused:
        t = Table(
            title=f"Rows refused by imports: {sum(r.rows for r in report.refused):,}",
            caption="batches created in the period; the rows are in each batch's quarantine.csv",
        )
        for col in ("agent", "team", "refused rows"):
            t.add_column(col, justify="right" if col == "refused rows" else "left")
        for r in report.refused:
            t.add_row(r.agent_id, r.team_id or "—", f"{r.rows:,}")
        console.print(t)

    for check, title in (
        ("duplicate_id", "Records stored twice"),
        ("duplicate_contact", f"Same customer and agent within {th.duplicate_window_seconds} s"),
        ("outlier", f"Durations beyond median + {th.outlier_k:g} MAD (log scale, per channel)"),
        ("impossible_time", "Impossible times"),
        ("unknown_agent", "Agents with contacts but no roster entry"),
        (
            "implausible_customer",
            "Customers left out of repeat contacts (more contacts within 30 days than [indicators] repeat_max_contacts)",
        ),
        (
            "before_hire",
            "Contacts dated before their agent's hire date (check the agent id, the date or the roster)",
        ),
    ):
        found = report.findings_of(check)
        if not found:
            continue
        t = Table(
            title=f"{title}: {len(found):,}",
            caption="--format json lists every one" if len(found) > TABLE_ROWS else None,
        )
        for col in ("table", "keys", "agent", "team", "what", "value", "bound"):
            t.add_column(col, justify="right" if col in ("value", "bound") else "left")
        for f in found[:TABLE_ROWS]:
            keys = ", ".join(f.keys[:5]) + (f" … (+{len(f.keys) - 5})" if len(f.keys) > 5 else "")
            t.add_row(
                f.table, keys, f.agent_id or "—", f.team_id or "—", f.what, _num(f.value), _num(f.bound)
            )
        console.print(t)
