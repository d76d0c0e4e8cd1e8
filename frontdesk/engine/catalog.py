"""The indicator catalogue: declarations loaded from YAML into typed records.

The built-in catalogue lives in ``catalog/indicators.yaml``; an organisation adds its own
indicators the same way (a YAML list of the same shape), without writing Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from frontdesk.engine.tables import TABLES

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
    description_en: str = ""
    description_zh: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

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
            "cycles": list(self.cycles),
        }


class CatalogError(ValueError):
    """A declaration that cannot be used; the message names the file, entry and field."""


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
    if source not in TABLES:
        raise CatalogError(f"{where}: source {source!r} is not a canonical table")
    per = None
    if raw.get("per"):
        p = raw["per"]
        if p.get("source") not in TABLES or not p.get("value"):
            raise CatalogError(f"{where}: 'per' needs a canonical 'source' and a 'value'")
        per = Denominator(source=p["source"], value=p["value"], filter=p.get("filter"))
    cycles = tuple(raw.get("cycles") or CYCLE_NAMES)
    for c in cycles:
        if c not in CYCLE_NAMES:
            raise CatalogError(f"{where}: cycle {c!r} is not one of {', '.join(CYCLE_NAMES)}")
    desc = raw.get("description") or {}
    known = {
        "code", "mission_id", "name", "description", "dimension", "kind", "unit", "better",
        "source", "value", "n", "filter", "per", "min_n", "cycles", "evidence",
    }  # fmt: skip
    return Indicator(
        code=code,
        mission_id=str(raw.get("mission_id") or ""),
        name_en=name["en"],
        name_zh=name["zh"],
        dimension=dimension,
        kind=kind,
        unit=str(need("unit")),
        better=better,
        source=source,
        value=str(need("value")),
        n=str(raw.get("n") or "count(*)"),
        filter=raw.get("filter"),
        per=per,
        min_n=int(raw.get("min_n") or 1),
        cycles=cycles,
        evidence=raw.get("evidence"),
        description_en=desc.get("en", ""),
        description_zh=desc.get("zh", ""),
        extra={k: v for k, v in raw.items() if k not in known},
    )


def load_catalog(text: str, origin: str = "<catalog>") -> dict[str, Indicator]:
    """Parse a YAML list of indicator declarations; codes must be unique."""
    raw = yaml.safe_load(text)
    if not isinstance(raw, list):
        raise CatalogError(f"{origin}: expected a list of indicator declarations")
    out: dict[str, Indicator] = {}
    for i, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise CatalogError(f"{origin}: entry {i} is not a mapping")
        ind = _parse_entry(entry, f"{origin}: entry {i}")
        if ind.code in out:
            raise CatalogError(f"{origin}: entry {i}: code {ind.code!r} is declared twice")
        out[ind.code] = ind
    return out


@cache
def builtin_catalog() -> dict[str, Indicator]:
    """The indicators shipped with Frontdesk, by code, in catalogue order."""
    text = resources.files("frontdesk.engine").joinpath("catalog/indicators.yaml").read_text("utf-8")
    return load_catalog(text, "frontdesk/engine/catalog/indicators.yaml")


def catalog_with(extra_files: list[Path]) -> dict[str, Indicator]:
    """The built-in catalogue plus an organisation's own declaration files."""
    out = dict(builtin_catalog())
    for path in extra_files:
        for code, ind in load_catalog(path.read_text("utf-8"), str(path)).items():
            if code in out:
                raise CatalogError(f"{path}: code {code!r} is already a built-in indicator")
            out[code] = ind
    return out
