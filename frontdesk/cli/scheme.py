"""``frontdesk scheme show|validate|diff``: read, check and compare appraisal schemes."""

from __future__ import annotations

from pathlib import Path

import click

from frontdesk.cli.common import BadInput, open_ws, workspace_option
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.scoring.scheme import SchemeError, load_scheme


@click.group()
def scheme() -> None:
    """Show and validate appraisal schemes."""


@scheme.command("show")
@workspace_option
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def scheme_show(workspace: Path | None, file: Path | None) -> None:
    """Print a scheme as a readable outline: FILE, else the workspace's scheme with --workspace,
    else the built-in one."""
    try:
        s = load_scheme(file) if file is not None or workspace is None else open_ws(workspace).scheme()
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
    from frontdesk.scoring.scheme import diff_schemes

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
    from frontdesk.results.bonus_pool import BonusRules
    from frontdesk.results.development import DevelopmentRules
    from frontdesk.results.promotion import PromotionRules
    from frontdesk.results.recognition import AnnualExcellentRules, ServiceStarRules

    try:
        s = load_scheme(file)
        # The results section (docs/results.md) is read by its own modules: check it too.
        for rules in (BonusRules, PromotionRules, ServiceStarRules, AnnualExcellentRules, DevelopmentRules):
            rules.from_scheme(s)
    except SchemeError as e:
        raise BadInput(str(e)) from None
    click.echo(f"{file}: valid ({s.version_id}, {len(s.indicator_codes())} indicators)")
