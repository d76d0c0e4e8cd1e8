"""Appraisal schemes: dimensions, weights, targets and grades, read from a YAML document.

A scheme is the organisation's contract with its staff. Its version is the declared version plus
a hash of the document, so a result always names the exact rules it was computed with.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from frontdesk.engine.catalog import Indicator, builtin_catalog


class SchemeError(ValueError):
    """A scheme that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class SchemeIndicator:
    code: str
    weight: float
    target: float
    floor: float
    curve: str = "linear"
    min_n: int | None = None


@dataclass(frozen=True)
class Dimension:
    code: str
    name_en: str
    name_zh: str
    weight: float
    indicators: tuple[SchemeIndicator, ...]


@dataclass(frozen=True)
class Grade:
    code: str
    min_total: float
    name_en: str
    name_zh: str


@dataclass(frozen=True)
class Scheme:
    """A parsed, validated scheme."""

    scheme_id: str
    version: str
    content_hash: str
    name_en: str
    name_zh: str
    cycle: str
    dimensions: tuple[Dimension, ...]
    grades: tuple[Grade, ...]
    source_text: str = field(repr=False, default="")
    # The whole parsed document, for sections other modules own (results: bonus, promotion …).
    raw: dict[str, Any] = field(repr=False, default_factory=dict, compare=False, hash=False)

    @property
    def version_id(self) -> str:
        """What every result records: declared version plus content hash."""
        return f"{self.scheme_id}:{self.version}+{self.content_hash[:8]}"

    def indicator_codes(self) -> list[str]:
        return [i.code for d in self.dimensions for i in d.indicators]

    def grade_for(self, total: float | None) -> str | None:
        if total is None:
            return None
        for g in sorted(self.grades, key=lambda g: -g.min_total):
            if total >= g.min_total:
                return g.code
        return self.grades[-1].code if self.grades else None


def parse_scheme(text: str, origin: str = "<scheme>", catalog: dict[str, Indicator] | None = None) -> Scheme:
    """Parse and validate a scheme document; ``SchemeError`` names the entry at fault."""
    catalog = catalog if catalog is not None else builtin_catalog()
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise SchemeError(f"{origin}: not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise SchemeError(f"{origin}: expected a mapping at the top level")

    def need(d: dict[str, Any], key: str, where: str) -> Any:
        if key not in d or d[key] in (None, ""):
            raise SchemeError(f"{origin}: {where}: field {key!r} is required")
        return d[key]

    dims = []
    seen: set[str] = set()
    for i, d in enumerate(need(raw, "dimensions", "top level"), start=1):
        where = f"dimension {d.get('code', i)}"
        inds = []
        for j, it in enumerate(need(d, "indicators", where), start=1):
            iw = f"{where}, indicator {it.get('code', j)}"
            code = need(it, "code", iw)
            if code not in catalog:
                raise SchemeError(f"{origin}: {iw}: unknown indicator {code!r}")
            if code in seen:
                raise SchemeError(f"{origin}: {iw}: indicator {code!r} appears twice")
            seen.add(code)
            target, floor = float(need(it, "target", iw)), float(need(it, "floor", iw))
            better = catalog[code].better
            if (better == "higher" and floor >= target) or (better == "lower" and floor <= target):
                raise SchemeError(
                    f"{origin}: {iw}: target {target:g} must be {'above' if better == 'higher' else 'below'}"
                    f" floor {floor:g} ({better} is better)"
                )
            weight = float(need(it, "weight", iw))
            if weight <= 0:
                raise SchemeError(f"{origin}: {iw}: weight must be positive")
            inds.append(
                SchemeIndicator(
                    code=code,
                    weight=weight,
                    target=target,
                    floor=floor,
                    curve=it.get("curve", "linear"),
                    min_n=it.get("min_n"),
                )
            )
        name = d.get("name") or {}
        weight = float(need(d, "weight", where))
        if weight <= 0:
            raise SchemeError(f"{origin}: {where}: weight must be positive")
        dims.append(
            Dimension(
                need(d, "code", where),
                name.get("en", d["code"]),
                name.get("zh", d["code"]),
                weight,
                tuple(inds),
            )
        )
    grades = tuple(
        Grade(str(need(g, "code", "grades")), float(g.get("min", 0)), g.get("name", {}).get("en", ""),
              g.get("name", {}).get("zh", ""))
        for g in need(raw, "grades", "top level")
    )  # fmt: skip
    name = raw.get("name") or {}
    return Scheme(
        scheme_id=str(need(raw, "scheme", "top level")),
        version=str(need(raw, "version", "top level")),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        name_en=name.get("en", ""),
        name_zh=name.get("zh", ""),
        cycle=str(raw.get("cycle", "monthly")),
        dimensions=tuple(dims),
        grades=grades,
        source_text=text,
        raw=raw,
    )


def default_scheme_text() -> str:
    return resources.files("frontdesk.engine").joinpath("schemes/default.yaml").read_text("utf-8")


def load_scheme(path: Path | None = None) -> Scheme:
    """The scheme in ``path``, or the built-in default from the seed."""
    if path is None:
        return parse_scheme(default_scheme_text(), "frontdesk/engine/schemes/default.yaml")
    return parse_scheme(path.read_text("utf-8"), str(path))
