"""``frontdesk scheme show|validate|diff|calibrate``: read, check, compare and calibrate appraisal
schemes."""

from __future__ import annotations

from pathlib import Path

import click

from frontdesk.cli.common import BadInput, Group, open_ws, period_option, workspace_option
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.scoring.scheme import SchemeError, load_scheme


@click.group(cls=Group)
def scheme() -> None:
    """Show, validate, compare and calibrate appraisal schemes."""


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
    cat = s.measured_catalog(builtin_catalog())
    click.echo(f"{s.name_en} / {s.name_zh}  ({s.version_id})")
    for d in s.dimensions:
        click.echo(f"  {d.name_en} / {d.name_zh}: weight {d.weight:g}")
        for i in d.indicators:
            ind = cat[i.code]
            rule = f"target {i.target:g}, floor {i.floor:g}" if i.curve == "linear" else i.curve
            if ind.statistic:
                rule = f"{ind.statistic}, {rule}"
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


UNIT_SHORT = {"seconds": " s", "minutes": " min", "hours": " h", "percent": " %", "per_hour": "/h"}


@scheme.command("calibrate")
@workspace_option
@period_option("The period whose values set the targets: YYYY-MM, YYYY-Qn, YYYY or 'latest'.", required=True)
@click.option("--scheme", "scheme_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Scheme to calibrate (default: the workspace's).")  # fmt: skip
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the calibrated scheme (YAML).")  # fmt: skip
@click.option("--target-pct", type=float, default=75, show_default=True,
              help="Targets at this percentile of the good direction.")  # fmt: skip
@click.option("--floor-pct", type=float, default=10, show_default=True,
              help="Floors at this percentile of the good direction.")  # fmt: skip
def scheme_calibrate(
    workspace: Path | None, period_text: str, scheme_file: Path | None, output: Path,
    target_pct: float, floor_pct: float,
) -> None:  # fmt: skip
    """Set each linear target and floor from the organisation's own values in a period (target at
    the 75th percentile, floor at the 10th, mirrored when lower is better), write the result as a
    new scheme version to --output and show how the period's grades would move."""
    from frontdesk.scoring.calibration import CALIBRATED, MIN_AGENTS, TOO_FEW_AGENTS
    from frontdesk.usecases.calibration import calibrate_scheme, save_calibrated
    from frontdesk.usecases.errors import InputError

    ws = open_ws(workspace)
    try:
        run = calibrate_scheme(ws, period_text, scheme_file, target_pct, floor_pct)
        save_calibrated(run, output)
    except InputError as e:
        raise BadInput(str(e)) from None
    click.echo(
        f"period {run.period.label} ({run.period.cycle}), {run.agents} agents: "
        f"{run.old.version_id} → {run.new.version_id}"
    )
    for c in run.calibrations:
        if not c.changed:
            continue
        unit = UNIT_SHORT.get(c.unit, "")
        click.echo(
            f"  {c.code:<26} target {c.old_target:g} → {c.new_target:g}{unit}, "
            f"floor {c.old_floor:g} → {c.new_floor:g}{unit}  ({c.agents} agents, {c.better} is better)"
        )
    same = [c.code for c in run.calibrations if c.status == CALIBRATED and not c.changed]
    if same:
        click.echo(f"  unchanged: {', '.join(same)}")
    few = [f"{c.code} ({c.agents})" for c in run.calibrations if c.status == TOO_FEW_AGENTS]
    if few:
        click.echo(f"  kept, fewer than {MIN_AGENTS} agents with a full sample: {', '.join(few)}")
    click.echo("grades before: " + ", ".join(f"{g} {n}" for g, n in run.before.items()))
    click.echo("grades after:  " + ", ".join(f"{g} {n}" for g, n in run.after.items()))
    click.echo(
        f"wrote {output}; check it with 'frontdesk scheme diff', then 'frontdesk scheme publish {output}'"
    )


@scheme.command("publish")
@workspace_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", default="", help="Why, for the record (schemes/history/published.jsonl).")
def scheme_publish(workspace: Path | None, file: Path, note: str) -> None:
    """Make FILE the workspace's scheme in force as a new version: the version it replaces is kept
    in schemes/history/, the change is logged there; results already computed keep their version."""
    import getpass

    from frontdesk.usecases.calibration import publish_scheme

    ws = open_ws(workspace)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"{file}: cannot read: {e}") from None
    done = publish_scheme(ws, text, by=getpass.getuser(), note=note)
    click.echo(f"in force: {done.version_id} (was {done.previous or 'none'})")
    if done.archived is not None:
        click.echo(f"kept the previous version as {done.archived.relative_to(ws.root)}")
    click.echo("recompute a period ('frontdesk compute --period P') to score it under the new version")
