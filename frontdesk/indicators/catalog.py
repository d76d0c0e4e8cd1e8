"""The indicator catalogue: declarations loaded from YAML into typed records.

The built-in catalogue lives in ``catalog/indicators.yaml``; an organisation adds its own
indicators the same way (a YAML list of the same shape), without writing Python.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from frontdesk.store.tables import TABLES

DIMENSIONS = ("efficiency", "quality", "collaboration", "growth")
KINDS = ("process", "outcome")
CYCLE_NAMES = ("monthly", "quarterly", "annual")


@dataclass(frozen=True)
class Denominator:
    """``value / per.value``: a ratio whose denominator comes from another table."""

    source: str
    value: str
    filter: str | None = None


@dataclass(frozen=True)
class Indicator:
    """One indicator declaration (DESIGN.md, "Indicators are data")."""

    code: str
    mission_id: str
    name_en: str
    name_zh: str
    dimension: str
    kind: str
    unit: str
    better: str
    source: str
    value: str
    n: str = "count(*)"
    filter: str | None = None
    per: Denominator | None = None
    min_n: int = 1
    cycles: tuple[str, ...] = CYCLE_NAMES
    evidence: str | None = None
    absent_means_zero: bool = False
    heaping_of: str | None = None
    description_en: str = ""
    description_zh: str = ""
    # A declaration with a ``measure`` (one number per record: a duration, a rating) gets its value
    # from a ``statistic`` of it, which a scheme may choose (docs/schemes.md, "Statistic"):
    measure: str | None = None
    statistic: str | None = None  # mean | median | p<1..99> | top_box
    top_box: str | None = None  # the condition of a top-box record, where the indicator has one
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def statistics(self) -> tuple[str, ...]:
        """The statistics a scheme may choose for this indicator (``pNN`` for any percentile)."""
        if self.measure is None:
            return ()
        return ("mean", "median", "pNN") + (("top_box",) if self.top_box else ())

    def name(self, lang: str) -> str:
        return self.name_zh if lang.lower().startswith("zh") else self.name_en

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md ``indicators --format json`` entry."""
        return {
            "code": self.code,
            "mission_id": self.mission_id,
            "name": {"en": self.name_en, "zh": self.name_zh},
            "description": {"en": self.description_en, "zh": self.description_zh},
            "dimension": self.dimension,
            "kind": self.kind,
            "unit": self.unit,
            "better": self.better,
            "source": self.source,
            "min_n": self.min_n,
            "statistic": self.statistic,
            "statistics": list(self.statistics),
            "cycles": list(self.cycles),
        }


class CatalogError(ValueError):
    """A declaration that cannot be used; the message names the file, entry and field."""


_STATISTIC = re.compile(r"^(?:mean|median|top_box|p([1-9][0-9]?))$")


def statistic_problem(ind: Indicator, statistic: str) -> str | None:
    """Why ``statistic`` cannot be chosen for ``ind`` (None when it can)."""
    if ind.measure is None:
        return f"indicator {ind.code} has no statistic to choose (its value is a count, share or sum)"
    if not _STATISTIC.match(statistic):
        return (
            f"indicator {ind.code}: statistic {statistic!r} is not mean, median, a percentile "
            f"p1..p99 (e.g. p90) or top_box"
        )
    if statistic == "top_box" and ind.top_box is None:
        return f"indicator {ind.code} has no top box (only ratings do): choose mean, median or a percentile"
    return None


def statistic_value(measure: str, statistic: str, top_box: str | None = None) -> str:
    """The value expression of ``statistic`` over ``measure``: ``avg``, ``median``,
    ``quantile_cont`` (linear interpolation, as NumPy's default and Excel's PERCENTILE.INC), or the
    percentage of records meeting the ``top_box`` condition."""
    if statistic == "mean":
        return f"avg({measure})"
    if statistic == "median":
        return f"median({measure})"
    if statistic == "top_box":
        return f"100.0 * avg(CASE WHEN {top_box} THEN 1.0 ELSE 0.0 END)"
    pct = int(statistic[1:])
    return f"quantile_cont({measure}, {pct / 100:g})"


def with_statistic(ind: Indicator, statistic: str | None) -> Indicator:
    """``ind`` measured by ``statistic`` (itself when None or its own); ValueError when the
    indicator has no such statistic."""
    if statistic is None or statistic == ind.statistic:
        return ind
    problem = statistic_problem(ind, statistic)
    if problem:
        raise ValueError(problem)
    assert ind.measure is not None
    value = statistic_value(ind.measure, statistic, ind.top_box)
    return dataclasses.replace(ind, statistic=statistic, value=value)


@dataclass(frozen=True)
class View:
    """A derived table declared in SQL (DuckDB dialect) over canonical tables and earlier views.

    Views carry what one row of a canonical table cannot: reply episodes from event streams,
    business-time durations, repeat contacts. Indicators read them like canonical tables.
    """

    name: str
    sql: str
    agent_key: str
    period_column: str
    period_type: str = "timestamp"  # timestamp (UTC instants) or date (local dates)
    key: str | None = None
    recorded_by: bool = False  # rows carry recorded_by (system | manual), for data-quality flags
    description_en: str = ""
    description_zh: str = ""
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def scoped(self) -> bool:
        """A view whose SQL names the period ({period_start}, {period_end}, {horizon_end}) is
        compiled into each period's query instead of being registered once."""
        return any(f"{{{p}}}" in self.sql for p in ("period_start", "period_end", "horizon_end"))


def load_views(text: str, origin: str = "<views>") -> dict[str, View]:
    """Parse a YAML list of view declarations; names must be unique and not canonical tables."""
    raw = yaml.safe_load(text) or []
    if not isinstance(raw, list):
        raise CatalogError(f"{origin}: expected a list of view declarations")
    out: dict[str, View] = {}
    for i, entry in enumerate(raw, start=1):
        where = f"{origin}: view {i}"
        for key in ("name", "sql", "agent_key", "period_column"):
            if not entry.get(key):
                raise CatalogError(f"{where}: field {key!r} is required")
        name = entry["name"]
        if name in TABLES or name in out:
            raise CatalogError(f"{where}: name {name!r} is already a table or view")
        if entry.get("period_type", "timestamp") not in ("timestamp", "date"):
            raise CatalogError(f"{where} ({name}): period_type must be timestamp or date")
        desc = entry.get("description") or {}
        out[name] = View(
            name=name,
            sql=entry["sql"],
            agent_key=entry["agent_key"],
            period_column=entry["period_column"],
            period_type=entry.get("period_type", "timestamp"),
            key=entry.get("key"),
            recorded_by=bool(entry.get("recorded_by", False)),
            params=dict(entry.get("params") or {}),
            description_en=desc.get("en", ""),
            description_zh=desc.get("zh", ""),
        )
    return out


@cache
def builtin_views() -> dict[str, View]:
    """The derived tables shipped with Frontdesk, in dependency order."""
    text = resources.files("frontdesk.indicators").joinpath("catalog/views.yaml").read_text("utf-8")
    return load_views(text, "frontdesk/indicators/catalog/views.yaml")


def _parse_entry(raw: dict[str, Any], where: str) -> Indicator:
    def need(key: str) -> Any:
        if key not in raw or raw[key] in (None, ""):
            raise CatalogError(f"{where}: field {key!r} is required")
        return raw[key]

    code = str(need("code"))
    where = f"{where} ({code})"
    name = need("name")
    if not isinstance(name, dict) or not name.get("en") or not name.get("zh"):
        raise CatalogError(f"{where}: field 'name' needs both 'en' and 'zh'")
    dimension, kind, better = need("dimension"), need("kind"), need("better")
    if dimension not in DIMENSIONS:
        raise CatalogError(f"{where}: dimension {dimension!r} is not one of {', '.join(DIMENSIONS)}")
    if kind not in KINDS:
        raise CatalogError(f"{where}: kind {kind!r} is not process or outcome")
    if better not in ("higher", "lower"):
        raise CatalogError(f"{where}: better {better!r} is not higher or lower")
    source = need("source")
    if source not in TABLES and source not in builtin_views():
        raise CatalogError(f"{where}: source {source!r} is not a canonical table or view")
    per = None
    if raw.get("per"):
        p = raw["per"]
        if (p.get("source") not in TABLES and p.get("source") not in builtin_views()) or not p.get("value"):
            raise CatalogError(f"{where}: 'per' needs a canonical 'source' and a 'value'")
        per = Denominator(source=p["source"], value=p["value"], filter=p.get("filter"))
    cycles = tuple(raw.get("cycles") or CYCLE_NAMES)
    for c in cycles:
        if c not in CYCLE_NAMES:
            raise CatalogError(f"{where}: cycle {c!r} is not one of {', '.join(CYCLE_NAMES)}")
    desc = raw.get("description") or {}
    known = {
        "code", "mission_id", "name", "description", "dimension", "kind", "unit", "better",
        "source", "value", "n", "filter", "per", "min_n", "cycles", "evidence", "absent_means_zero",
        "heaping_of", "measure", "statistic", "top_box",
    }  # fmt: skip
    measure, statistic, top_box = raw.get("measure"), raw.get("statistic"), raw.get("top_box")
    if measure is not None:
        if raw.get("value"):
            raise CatalogError(f"{where}: give either 'value' or 'measure' with a 'statistic', not both")
        if not statistic:
            raise CatalogError(
                f"{where}: a 'measure' needs its default 'statistic' (mean, median, pNN, top_box)"
            )
        value = statistic_value(str(measure), str(statistic), top_box)
    elif statistic is not None or top_box is not None:
        raise CatalogError(f"{where}: 'statistic' and 'top_box' need a 'measure'")
    else:
        value = str(need("value"))
    ind = Indicator(
        code=code,
        mission_id=str(raw.get("mission_id") or ""),
        name_en=name["en"],
        name_zh=name["zh"],
        dimension=dimension,
        kind=kind,
        unit=str(need("unit")),
        better=better,
        source=source,
        value=value,
        n=str(raw.get("n") or "count(*)"),
        filter=raw.get("filter"),
        per=per,
        min_n=int(raw.get("min_n") or 1),
        cycles=cycles,
        evidence=raw.get("evidence"),
        absent_means_zero=bool(raw.get("absent_means_zero", False)),
        heaping_of=raw.get("heaping_of"),
        description_en=desc.get("en", ""),
        description_zh=desc.get("zh", ""),
        measure=None if measure is None else str(measure),
        statistic=None if statistic is None else str(statistic),
        top_box=None if top_box is None else str(top_box),
        extra={k: v for k, v in raw.items() if k not in known},
    )
    if statistic is not None:
        problem = statistic_problem(ind, str(statistic))
        if problem:
            raise CatalogError(f"{where}: {problem}")
    return ind


def business_variant(ind: Indicator) -> Indicator:
    """The same duration indicator measured in the team's working hours (``<code>_business``)."""
    swap = re.compile(r"\bseconds_between\(")

    def bt(text: str | None) -> str | None:
        return None if text is None else swap.sub("business_seconds_between(", text)

    return dataclasses.replace(
        ind,
        code=f"{ind.code}_business",
        name_en=f"{ind.name_en} (business hours)",
        name_zh=f"{ind.name_zh}（工作时间）",
        value=bt(ind.value) or ind.value,
        measure=bt(ind.measure),
        filter=bt(ind.filter),
        description_en=f"{ind.description_en} Counted in the team's working hours only.".strip(),
        description_zh=f"{ind.description_zh}仅计团队工作时间。",
        extra={**ind.extra, "business_time_of": ind.code},
    )


def load_catalog(text: str, origin: str = "<catalog>") -> dict[str, Indicator]:
    """Parse a YAML list of indicator declarations; codes must be unique.

    A declaration with ``business_time: true`` also yields ``<code>_business``, the same duration
    in the team's working hours."""
    raw = yaml.safe_load(text)
    if not isinstance(raw, list):
        raise CatalogError(f"{origin}: expected a list of indicator declarations")
    out: dict[str, Indicator] = {}
    for i, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise CatalogError(f"{origin}: entry {i} is not a mapping")
        ind = _parse_entry(entry, f"{origin}: entry {i}")
        variants = [ind, business_variant(ind)] if ind.extra.get("business_time") else [ind]
        for v in variants:
            if v.code in out:
                raise CatalogError(f"{origin}: entry {i}: code {v.code!r} is declared twice")
            out[v.code] = v
    return out


@cache
def builtin_catalog() -> dict[str, Indicator]:
    """The indicators shipped with Frontdesk, by code, in catalogue order."""
    text = resources.files("frontdesk.indicators").joinpath("catalog/indicators.yaml").read_text("utf-8")
    return load_catalog(text, "frontdesk/indicators/catalog/indicators.yaml")


def catalog_with(extra_files: list[Path]) -> dict[str, Indicator]:
    """The built-in catalogue plus an organisation's own declaration files."""
    out = dict(builtin_catalog())
    for path in extra_files:
        for code, ind in load_catalog(path.read_text("utf-8"), str(path)).items():
            if code in out:
                raise CatalogError(f"{path}: code {code!r} is already a built-in indicator")
            out[code] = ind
    return out
