"""``frontdesk scheme calibrate``: targets and floors from the organisation's own distribution
over a period (the rule: ``frontdesk.scoring.calibration``; docs/schemes.md "Calibrating
targets"). One query for the period's measures; the agents are then scored twice, under the
scheme in force and under the calibrated one, to show how the grades would move."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from frontdesk.indicators.periods import Period
from frontdesk.scoring.calibration import (
    MIN_AGENTS,
    Calibration,
    calibrate,
    calibrated_text,
    calibrated_version,
    check_percentiles,
)
from frontdesk.scoring.scheme import Scheme, SchemeError, load_scheme, parse_scheme
from frontdesk.scoring.scorecard import Scorecard
from frontdesk.scoring.scores import agents_in_period, score_period
from frontdesk.usecases.errors import InputError
from frontdesk.usecases.scorecards import resolve_period
from frontdesk.usecases.workspace import Workspace, WorkspaceError

NO_GRADE = "-"  # agents without any scored value


@dataclass(frozen=True)
class CalibrationRun:
    """A calibration proposal: the scheme before and after, its document, and the grades."""

    period: Period
    source: Path | None  # the scheme file read (None: the built-in default)
    old: Scheme
    new: Scheme
    text: str  # the calibrated scheme's YAML document
    calibrations: list[Calibration]
    agents: int
    before: dict[str, int]  # grade → agents under the old scheme, best grade first
    after: dict[str, int]

    @property
    def changed(self) -> list[Calibration]:
        return [c for c in self.calibrations if c.changed]


def grade_counts(cards: list[Scorecard], scheme: Scheme) -> dict[str, int]:
    """How many scorecards took each grade, best first (``-``: no grade, when any)."""
    counts = Counter(c.grade or NO_GRADE for c in cards)
    out = {g.code: counts.pop(g.code, 0) for g in scheme.grades}
    out.update(sorted(counts.items()))
    return out


def calibrate_scheme(
    ws: Workspace,
    period_text: str,
    scheme_file: Path | None = None,
    target_pct: float = 75,
    floor_pct: float = 10,
    min_agents: int = MIN_AGENTS,
    engine_name: str = "duckdb",
) -> CalibrationRun:
    """Calibrate ``scheme_file`` (default: the workspace's scheme) on the period's measures;
    ``InputError`` for a bad period, scheme, percentile or a period without data."""
    from frontdesk.indicators.engines import get_engine

    try:
        check_percentiles(target_pct, floor_pct)
    except ValueError as e:
        raise InputError(f"--target-pct/--floor-pct: {e}") from None
    period = resolve_period(ws, period_text)
    source: Path | None = scheme_file
    if source is None and ws.scheme_path().exists():
        source = ws.scheme_path()
    try:
        old = load_scheme(source)
    except SchemeError as e:
        raise InputError(str(e)) from None
    catalog = old.measured_catalog()  # each indicator by the statistic the scheme scores
    try:
        engine = get_engine(engine_name, ws.store(), calendars=ws.calendars(), view_params=ws.view_params())
    except WorkspaceError as e:
        raise InputError(str(e)) from None
    except (ImportError, ValueError, RuntimeError) as e:
        raise InputError(f"engine {engine_name}: {e}") from None
    try:
        codes = list(dict.fromkeys(old.indicator_codes(period.cycle) + old.extra_indicator_codes()))
        agents = agents_in_period(engine.agents(), period)
        measures = engine.measures([catalog[c] for c in codes], period, ws.timezone,
                                   agent_ids=[a.agent_id for a in agents])  # fmt: skip
    finally:
        engine.close()
    if not any(m.value is not None for per in measures.values() for m in per.values()):
        raise InputError(f"--period {period.label}: no agent has data in this period; load its exports first")

    cals = calibrate(old, catalog, measures, [a.agent_id for a in agents], period.cycle,
                     target_pct, floor_pct, min_agents)  # fmt: skip
    version = calibrated_version(old.version, period.label)
    note = (
        f"Calibrated by 'frontdesk scheme calibrate' from {old.version_id} on period {period.label}:\n"
        f"linear targets at the {target_pct:g}th percentile of the good direction, floors at the "
        f'{floor_pct:g}th,\nof the agents with a full sample (docs/schemes.md, "Calibrating targets").\n'
    )
    text = calibrated_text(old, cals, version, note)
    try:
        new = parse_scheme(text, f"<calibrated {version}>", catalog)
    except SchemeError as e:  # the rule guarantees valid targets; say so plainly if not
        raise InputError(f"the calibrated scheme is not valid: {e}") from None
    before = score_period(agents, measures, old, catalog, period.label, period.cycle)
    after = score_period(agents, measures, new, catalog, period.label, period.cycle)
    return CalibrationRun(
        period=period, source=source, old=old, new=new, text=text, calibrations=cals,
        agents=len(agents), before=grade_counts(before, old), after=grade_counts(after, new),
    )  # fmt: skip


def save_calibrated(run: CalibrationRun, output: Path) -> None:
    """Write the calibrated scheme to ``output``; never over the scheme it was calibrated from
    (a calibration is a proposal: publishing it is a separate, deliberate step)."""
    if run.source is not None and output.exists() and output.resolve() == run.source.resolve():
        raise InputError(
            f"--output {output}: is the scheme being calibrated; write the proposal to another file"
        )
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(run.text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"--output {output}: cannot write: {e}") from None


HISTORY = "history"  # under the workspace's schemes/ folder: every version replaced, and the log
PUBLISHED_LOG = "published.jsonl"


@dataclass(frozen=True)
class Published:
    """A scheme made the one in force: its version, the version it replaced and where that went."""

    version_id: str
    previous: str | None
    path: Path  # the scheme file in force, now holding the new version
    archived: Path | None  # the replaced version, kept under schemes/history/


def publish_scheme(ws: Workspace, text: str, by: str, note: str = "") -> Published:
    """Make ``text`` (a scheme document) the workspace's scheme in force: it is validated, the
    version it replaces is kept in ``schemes/history/`` and the change appended to
    ``schemes/history/published.jsonl`` (who, when, from, to, note). Results already computed keep
    the version they were computed with; the next ``compute`` uses the new one. ``InputError``
    when the document is invalid or is already the version in force."""
    import json
    import os
    from datetime import UTC, datetime

    try:
        new = parse_scheme(text, "<proposed scheme>")
    except SchemeError as e:
        raise InputError(str(e)) from None
    path = ws.scheme_path()
    old: Scheme | None = None
    if path.exists():
        try:
            old = load_scheme(path)
        except SchemeError:
            old = None  # an unreadable scheme in force is archived as it is and replaced
    if old is not None and old.version_id == new.version_id:
        raise InputError(f"{new.version_id} is already the scheme in force")
    history = path.parent / HISTORY
    archived = None
    try:
        history.mkdir(parents=True, exist_ok=True)
        if path.exists():
            label = old.version_id if old is not None else f"unreadable-{datetime.now(UTC):%Y%m%dT%H%M%S}"
            archived = archived_path(ws, label)
            if not archived.exists():
                archived.write_bytes(path.read_bytes())
        tmp = path.with_name(f".{path.name}.publishing")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)  # the scheme in force is the old one or the new one, never half
        entry = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "by": by,
            "version": new.version_id,
            "previous": None if old is None else old.version_id,
            "archived": None if archived is None else str(archived.relative_to(ws.root)),
            "note": note,
        }
        with (history / PUBLISHED_LOG).open("a", encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError as e:
        raise InputError(f"{path}: cannot publish the scheme: {e}") from None
    return Published(new.version_id, None if old is None else old.version_id, path, archived)


def archived_path(ws: Workspace, version_id: str) -> Path:
    """Where ``publish_scheme`` keeps the replaced version ``version_id``."""
    return ws.scheme_path().parent / HISTORY / (version_id.replace(":", "-").replace("+", "_") + ".yaml")


def scheme_of_version(ws: Workspace | None, version_id: str) -> Scheme | None:
    """The scheme whose version id is ``version_id``: the workspace's in force, or one kept in
    ``schemes/history/`` when it was replaced by ``publish_scheme``, or the built-in default; None
    when none of them is it."""
    candidates = [] if ws is None else [ws.scheme_path(), archived_path(ws, version_id)]
    for path in candidates:
        if not path.exists():
            continue
        try:
            found = load_scheme(path)
        except SchemeError:
            continue
        if found.version_id == version_id:
            return found
    default = load_scheme()
    return default if default.version_id == version_id else None
