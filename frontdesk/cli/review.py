"""``frontdesk review``: the quarterly indicator review (MISSION S4, Q2) on the command line.

Registered on the ``frontdesk`` group by :func:`register`; the review itself is
:func:`frontdesk.analysis.review.review_scheme`. Exit status 2 with one line on bad input.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from frontdesk.cli.common import BadInput, Command, open_ws, period_option, resolve_period, workspace_option


def register(main: click.Group) -> None:
    """Add ``frontdesk review`` to the ``frontdesk`` command group."""
    main.add_command(_review_command())


def _review_command() -> click.Command:

    @click.command("review", cls=Command)
    @workspace_option
    @period_option(
        "The quarter to review, YYYY-Qn (a month or a year also works); 'latest' = the quarter "
        "of the latest month with data.",
        required=True,
    )
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
                  help="Language of the text report (JSON carries both).")  # fmt: skip
    @click.option(
        "--scheme", "scheme_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="Scheme file to review (default: the workspace's scheme in force).",
    )  # fmt: skip
    @click.option(
        "--catalog", "catalog_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
        help="The organisation's own indicator declarations (YAML), besides the built-in ones; repeatable.",
    )  # fmt: skip
    @click.option(
        "--engine", "engine_name", type=click.Choice(["duckdb", "spark", "postgres"]), default="duckdb",
        show_default=True,
    )  # fmt: skip
    def review(
        workspace: Path | None,
        period_text: str,
        fmt: str,
        lang: str,
        scheme_file: Path | None,
        catalog_files: tuple[Path, ...],
        engine_name: str,
    ) -> None:
        """Which scored indicators no longer discriminate, which are redundant, which follow customer
        satisfaction, and which channels and contact types no indicator measures."""
        from frontdesk.analysis.review import review_scheme
        from frontdesk.indicators.catalog import CatalogError, builtin_catalog, catalog_with
        from frontdesk.indicators.compiler import CompileError
        from frontdesk.indicators.engines import get_engine
        from frontdesk.indicators.periods import period_of
        from frontdesk.scoring.scheme import SchemeError, parse_scheme
        from frontdesk.usecases.workspace import WorkspaceError

        ws = open_ws(workspace)
        period = resolve_period(ws, period_text)
        if period_text == "latest":
            period = period_of(period.start, "quarter")
        for f in [*catalog_files, *([scheme_file] if scheme_file else [])]:
            if not f.is_file():
                raise BadInput(f"{f}: no such file")
        try:
            catalog = catalog_with(list(catalog_files)) if catalog_files else builtin_catalog()
        except (CatalogError, OSError, UnicodeDecodeError) as e:
            raise BadInput(f"--catalog: {e}") from None
        path = scheme_file or ws.scheme_path()
        try:
            if path.exists():
                scheme = parse_scheme(path.read_text("utf-8"), str(path), catalog=catalog)
            else:
                scheme = ws.scheme()
        except (SchemeError, OSError, UnicodeDecodeError) as e:
            raise BadInput(str(e)) from None
        try:
            engine = get_engine(
                engine_name, ws.store(), calendars=ws.calendars(), view_params=ws.view_params()
            )
        except WorkspaceError as e:
            raise BadInput(str(e)) from None
        except (ImportError, ValueError, RuntimeError) as e:
            raise BadInput(f"--engine {engine_name}: {e}") from None
        try:
            report = review_scheme(engine, scheme, period, ws.timezone, catalog)
        except CompileError as e:
            raise BadInput(str(e)) from None
        finally:
            engine.close()
        if report.agents == 0 or not any(i.spread.agents for i in report.indicators):
            raise BadInput(f"--period {period.label}: no indicator has data in this period")
        if fmt == "json":
            click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        else:
            click.echo(report.to_text(lang), nl=False)

    return review
