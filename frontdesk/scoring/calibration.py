"""Calibrating a scheme's linear targets and floors to the organisation's own distribution
(``frontdesk scheme calibrate``, docs/schemes.md "Calibrating targets").

The rule, per scored indicator with a linear curve in the period's cycle: take the values of the
agents whose sample reaches the indicator's minimum (:func:`~frontdesk.scoring.scores.effective_min_n`);
the target is the value at the ``target_pct`` percentile of the good direction (default 75: better
than three agents in four), the floor the value at the ``floor_pct`` percentile (default 10). For
a lower-is-better indicator the percentiles are mirrored: target at the value's 25th percentile,
floor at its 90th. Values are rounded to the indicator's unit (:func:`unit_step`), and the floor
is moved one step worse until the target is strictly better than it. With fewer than
``min_agents`` agents the indicator keeps its values. Weights, dimensions, grades and critical
rules are never touched. Pure: no engine, no files.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from frontdesk.indicators.catalog import Indicator
from frontdesk.indicators.engines import Measure
from frontdesk.scoring.scheme import Scheme
from frontdesk.scoring.scores import effective_min_n

MIN_AGENTS = 5  # fewer agents with a full sample than this: the indicator keeps its values

# What became of each of the scheme's indicators.
CALIBRATED = "calibrated"  # new target and floor from the distribution (possibly the same values)
TOO_FEW_AGENTS = "too_few_agents"  # kept: fewer than min_agents agents with a full sample
OTHER_CYCLE = "other_cycle"  # kept: not scored in the period's cycle
NOT_LINEAR = "not_linear"  # kept: a step or percentile curve has no target and floor


@dataclass(frozen=True)
class Calibration:
    """One indicator of the scheme: its old and new target and floor, and why."""

    code: str
    unit: str
    better: str
    status: str
    agents: int  # agents whose sample reaches the indicator's minimum
    old_target: float | None
    old_floor: float | None
    new_target: float | None
    new_floor: float | None

    @property
    def changed(self) -> bool:
        return self.status == CALIBRATED and (
            self.new_target != self.old_target or self.new_floor != self.old_floor
        )


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (0–100) of ``values`` by linear interpolation between closest ranks
    (NumPy's default, Excel's PERCENTILE.INC)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile {pct:g} is not between 0 and 100")
    s = sorted(values)
    pos = (len(s) - 1) * pct / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def unit_step(unit: str, value: float) -> float:
    """The rounding step of a target or floor near ``value`` in ``unit``: whole seconds, 5 s from
    60 s up; minutes and hours whole from 10 up, else tenths; percentages, NPS and counts whole
    points; ratings, points and rates per hour tenths."""
    if unit == "seconds":
        return 5.0 if abs(value) >= 60 else 1.0
    if unit in ("minutes", "hours"):
        return 1.0 if abs(value) >= 10 else 0.1
    if unit in ("percent", "nps", "count"):
        return 1.0
    return 0.1


def round_to_unit(unit: str, value: float) -> float:
    """``value`` rounded to the nearest step of its unit (half away from zero)."""
    step = unit_step(unit, value)
    q = abs(value) / step
    whole = math.floor(q + 0.5 + 1e-9)
    out = round(math.copysign(whole * step, value), 6)
    if unit_step(unit, out) != step:  # crossed a step boundary (59.6 s → 60 s): round again
        return round_to_unit(unit, out)
    return out + 0.0  # no -0.0


def is_better(a: float, b: float, better: str) -> bool:
    """Whether ``a`` is strictly better than ``b``."""
    return a > b if better == "higher" else a < b


def target_and_floor(
    values: Sequence[float], better: str, unit: str, target_pct: float = 75, floor_pct: float = 10
) -> tuple[float, float]:
    """The rule on one indicator's values: (target, floor), rounded, target strictly better."""
    check_percentiles(target_pct, floor_pct)
    if better == "higher":
        target, floor = percentile(values, target_pct), percentile(values, floor_pct)
    else:
        target, floor = percentile(values, 100 - target_pct), percentile(values, 100 - floor_pct)
    target, floor = round_to_unit(unit, target), round_to_unit(unit, floor)
    worse = -1.0 if better == "higher" else 1.0
    while not is_better(target, floor, better):
        floor = round_to_unit(unit, floor + worse * unit_step(unit, floor))
    return target, floor


def check_percentiles(target_pct: float, floor_pct: float) -> None:
    """``ValueError`` unless 0 <= floor_pct < target_pct <= 100."""
    if not (0 <= floor_pct < target_pct <= 100):
        raise ValueError(
            f"the floor percentile ({floor_pct:g}) must be below the target percentile ({target_pct:g}), "
            "both between 0 and 100"
        )


def calibrate(
    scheme: Scheme,
    catalog: Mapping[str, Indicator],
    measures: Mapping[str, Mapping[str, Measure]],
    agent_ids: Iterable[str],
    cycle: str,
    target_pct: float = 75,
    floor_pct: float = 10,
    min_agents: int = MIN_AGENTS,
) -> list[Calibration]:
    """Every indicator of ``scheme``, in scheme order, with its calibrated (or kept) target and
    floor, from the period's ``measures`` of ``agent_ids``."""
    check_percentiles(target_pct, floor_pct)
    ids = list(agent_ids)
    out = []
    for dim in scheme.dimensions:
        for si in dim.indicators:
            ind = catalog[si.code]
            k = effective_min_n(si, ind)
            values = [
                m.value
                for a in ids
                if (m := measures.get(a, {}).get(si.code)) is not None and m.value is not None and m.n >= k
            ]
            kept = dict(
                code=si.code, unit=ind.unit, better=ind.better, agents=len(values),
                old_target=si.target, old_floor=si.floor, new_target=si.target, new_floor=si.floor,
            )  # fmt: skip
            if si.curve != "linear":
                out.append(Calibration(status=NOT_LINEAR, **kept))  # type: ignore[arg-type]
            elif cycle not in scheme.cycles_of(dim, si):
                out.append(Calibration(status=OTHER_CYCLE, **kept))  # type: ignore[arg-type]
            elif len(values) < min_agents:
                out.append(Calibration(status=TOO_FEW_AGENTS, **kept))  # type: ignore[arg-type]
            else:
                target, floor = target_and_floor(values, ind.better, ind.unit, target_pct, floor_pct)
                kept.update(new_target=target, new_floor=floor)
                out.append(Calibration(status=CALIBRATED, **kept))  # type: ignore[arg-type]
    return out


def calibrated_version(version: str, period_label: str) -> str:
    """The version label of a scheme calibrated on a period: ``<old>-cal.<period>``."""
    return f"{version}-cal.{period_label}"


def _number(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def calibrated_text(scheme: Scheme, calibrations: Iterable[Calibration], version: str, note: str = "") -> str:
    """The scheme's document with the changed targets and floors and the new ``version``, all
    else as it was, ``note`` as a comment on top. The values are replaced in the text itself, so
    comments and layout survive; should that not give the intended document (aliases, say), the
    document is dumped again from its data instead, without its comments."""
    changes = {c.code: c for c in calibrations if c.changed}
    raw: dict[str, Any] = yaml.safe_load(scheme.source_text)
    for dim in raw.get("dimensions") or []:
        for it in dim.get("indicators") or []:
            c = changes.get(it.get("code"))
            if c is not None:
                it["target"], it["floor"] = _number(c.new_target), _number(c.new_floor)  # type: ignore[arg-type]
    raw["version"] = version
    header = "".join(f"# {line}".rstrip() + "\n" for line in note.splitlines())
    edited = _edited_in_place(scheme.source_text, changes, version)
    if edited is not None:
        try:
            if yaml.safe_load(edited) == raw:
                return header + edited
        except yaml.YAMLError:
            pass
    return header + yaml.safe_dump(
        raw, allow_unicode=True, sort_keys=False, default_flow_style=None, width=110
    )


def _scalar(v: float | str) -> str:
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # a double-quoted YAML string
    n = _number(v)
    return str(n) if isinstance(n, int) else repr(n)


def _edited_in_place(text: str, changes: Mapping[str, Calibration], version: str) -> str | None:
    """``text`` with the new version and the changed values written over the old ones; None when
    the document is not laid out as expected."""
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return None
    top = {k.value: v for k, v in root.value}
    edits: list[tuple[yaml.Node, str]] = []
    if not isinstance(top.get("version"), yaml.ScalarNode):
        return None
    edits.append((top["version"], _scalar(version)))
    dims = top.get("dimensions")
    for dim in dims.value if isinstance(dims, yaml.SequenceNode) else []:
        inds = (
            {k.value: v for k, v in dim.value}.get("indicators")
            if isinstance(dim, yaml.MappingNode)
            else None
        )
        for it in inds.value if isinstance(inds, yaml.SequenceNode) else []:
            fields = {k.value: v for k, v in it.value} if isinstance(it, yaml.MappingNode) else {}
            code = fields.get("code")
            c = changes.get(code.value) if isinstance(code, yaml.ScalarNode) else None
            if c is None:
                continue
            for key, value in (("target", c.new_target), ("floor", c.new_floor)):
                if not isinstance(fields.get(key), yaml.ScalarNode):
                    return None
                edits.append((fields[key], _scalar(value)))  # type: ignore[arg-type]
    for node, new in sorted(edits, key=lambda e: -e[0].start_mark.index):
        text = text[: node.start_mark.index] + new + text[node.end_mark.index :]
    return text
