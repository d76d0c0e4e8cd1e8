"""Appraisal schemes: dimensions, weights, targets, curves, cycles, caps and grades, from YAML.

A scheme is the organisation's contract with its staff (MISSION S1–S5). It must be readable,
validated and versioned: every error names the file and line, and every result records the
scheme's version plus a hash of the document, so an edited document can never pass for the
version it edited. The format is documented in docs/schemes.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from frontdesk.indicators.catalog import Indicator, builtin_catalog, statistic_problem, with_statistic
from frontdesk.indicators.periods import CYCLES

CURVES = ("linear", "steps", "percentile")
PEER_GROUPS = ("team", "site", "organisation")
RELATIONS = ("customer", "supervisor", "peer", "self", "partner_dept")
CUSTOMER_MINIMUM = 40.0  # MISSION M1: the customer's voice weighs at least 40 % in 360
WEIGHT_TOLERANCE = 1e-6


class SchemeError(ValueError):
    """A scheme that cannot be used; the message names the file, the line and the reason."""


@dataclass(frozen=True)
class Step:
    """A band of a step curve: values at or beyond ``at`` (in the better direction) score ``score``."""

    at: float
    score: float


@dataclass(frozen=True)
class SchemeIndicator:
    code: str
    weight: float
    target: float | None = None
    floor: float | None = None
    curve: str = "linear"
    cap: float = 100.0  # a linear curve goes on past the target up to this score (stretch)
    steps: tuple[Step, ...] = ()
    peer_group: str = "organisation"  # for the percentile curve and for shrinkage
    min_n: int | None = None
    shrink: bool = True
    cycles: tuple[str, ...] | None = None  # None: the dimension's / scheme's cycles
    statistic: str | None = None  # mean | median | pNN | top_box; None: the catalogue's


@dataclass(frozen=True)
class Dimension:
    code: str
    name_en: str
    name_zh: str
    weight: float
    indicators: tuple[SchemeIndicator, ...]
    cycles: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Grade:
    code: str
    min_total: float
    name_en: str
    name_zh: str
    share: float | None = None  # forced distribution: percent of staff


@dataclass(frozen=True)
class CriticalRule:
    """A critical failure: when ``indicator`` exceeds ``above``, the grade is at most ``cap_grade``."""

    indicator: str
    above: float
    cap_grade: str


@dataclass(frozen=True)
class BonusItem:
    """Extra points on top of the total (which may then exceed 100), e.g. for contributions."""

    indicator: str
    points_per_unit: float
    max_points: float


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
    grading: str = "thresholds"  # thresholds | forced
    critical: tuple[CriticalRule, ...] = ()
    bonus_items: tuple[BonusItem, ...] = ()
    weights_360: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    missing_weight_flag: float = 0.3  # flag a scorecard when more than this share of weight is missing

    @property
    def version_id(self) -> str:
        """What every result records: declared version plus content hash."""
        return f"{self.scheme_id}:{self.version}+{self.content_hash[:8]}"

    def indicator_codes(self, cycle: str | None = None) -> list[str]:
        """Scored indicators, in scheme order; with ``cycle``, only those the scheme assigns to it."""
        return [
            i.code
            for d in self.dimensions
            for i in d.indicators
            if cycle is None or cycle in self.cycles_of(d, i)
        ]

    def cycles_of(self, dim: Dimension, ind: SchemeIndicator) -> tuple[str, ...]:
        return ind.cycles or dim.cycles or tuple(CYCLES)

    def measured_catalog(self, catalog: Mapping[str, Indicator] | None = None) -> dict[str, Indicator]:
        """``catalog`` (default: the built-in one) with each scored indicator measured by the
        statistic the scheme chose for it (``statistic:``, docs/schemes.md); the others as declared."""
        out = dict(catalog if catalog is not None else builtin_catalog())
        for d in self.dimensions:
            for i in d.indicators:
                if i.statistic is not None and i.code in out:
                    out[i.code] = with_statistic(out[i.code], i.statistic)
        return out

    def extra_indicator_codes(self) -> list[str]:
        """Indicators the scheme reads without weighting them: critical-failure rules, bonus items."""
        return [r.indicator for r in self.critical] + [b.indicator for b in self.bonus_items]

    def grade_for(self, total: float | None) -> str | None:
        """The threshold grade of a total (forced distributions are assigned across a population)."""
        if total is None:
            return None
        for g in sorted(self.grades, key=lambda g: -g.min_total):
            if total >= g.min_total:
                return g.code
        return self.grades[-1].code if self.grades else None

    def grade_rank(self, code: str | None) -> int:
        """0 for the best grade, 1 for the next …; unknown grades rank last."""
        codes = [g.code for g in self.grades]
        return codes.index(code) if code in codes else len(codes)


# --- parsing with line numbers ---------------------------------------------------------------


def _lines(text: str) -> dict[tuple, int]:
    """The 1-based line of every mapping key and list item, by its path in the document."""
    out: dict[tuple, int] = {}
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return out

    def walk(node: yaml.Node, path: tuple) -> None:
        out.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                out[(*path, k.value)] = k.start_mark.line + 1
                walk(v, (*path, k.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                out[(*path, i)] = v.start_mark.line + 1
                walk(v, (*path, i))

    if root is not None:
        walk(root, ())
    return out


class _Reader:
    """Reads a parsed document, raising errors that name the file and line."""

    def __init__(self, origin: str, lines: dict[tuple, int]) -> None:
        self.origin, self.lines = origin, lines

    def fail(self, path: tuple, message: str) -> SchemeError:
        line = None
        p = path
        while p and line is None:
            line = self.lines.get(p)
            p = p[:-1]
        where = f"{self.origin}:{line}" if line else self.origin
        return SchemeError(f"{where}: {message}")

    def need(self, d: Any, key: str, path: tuple) -> Any:
        if not isinstance(d, dict):
            raise self.fail(path, "expected a mapping")
        if key not in d or d[key] in (None, ""):
            raise self.fail(path, f"field {key!r} is required")
        return d[key]

    def number(self, value: Any, path: tuple, what: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"{what} must be a number, got {value!r}")
        return float(value)

    def cycles(self, value: Any, path: tuple) -> tuple[str, ...] | None:
        if value is None:
            return None
        items = [value] if isinstance(value, str) else value
        for c in items:
            if c not in CYCLES:
                raise self.fail(path, f"cycle {c!r} is not one of {', '.join(CYCLES)}")
        return tuple(items)


def _indicator(r: _Reader, it: dict, path: tuple, catalog: dict[str, Indicator]) -> SchemeIndicator:
    code = r.need(it, "code", path)
    if code not in catalog:
        raise r.fail((*path, "code"), f"unknown indicator {code!r} (see 'frontdesk indicators')")
    ind = catalog[code]
    weight = r.number(r.need(it, "weight", path), (*path, "weight"), f"indicator {code}: weight")
    if weight <= 0:
        raise r.fail((*path, "weight"), f"indicator {code}: weight must be positive")
    curve = it.get("curve", "linear")
    if curve not in CURVES:
        raise r.fail((*path, "curve"), f"indicator {code}: curve {curve!r} is not one of {', '.join(CURVES)}")
    peer = it.get("peer_group", "organisation")
    if peer not in PEER_GROUPS:
        raise r.fail(
            (*path, "peer_group"), f"indicator {code}: peer_group must be one of {', '.join(PEER_GROUPS)}"
        )
    target = floor = None
    steps: tuple[Step, ...] = ()
    cap = 100.0
    if curve == "linear":
        target = r.number(r.need(it, "target", path), (*path, "target"), f"indicator {code}: target")
        floor = r.number(r.need(it, "floor", path), (*path, "floor"), f"indicator {code}: floor")
        if (ind.better == "higher" and floor >= target) or (ind.better == "lower" and floor <= target):
            side = "above" if ind.better == "higher" else "below"
            raise r.fail(
                (*path, "target"),
                f"indicator {code}: target {target:g} must be {side} floor {floor:g} ({ind.better} is better)",
            )
        cap = r.number(it.get("cap", 100), (*path, "cap"), f"indicator {code}: cap")
        if cap < 100:
            raise r.fail((*path, "cap"), f"indicator {code}: cap must be at least 100")
    elif curve == "steps":
        raw_steps = r.need(it, "steps", path)
        if not isinstance(raw_steps, list) or not raw_steps:
            raise r.fail((*path, "steps"), f"indicator {code}: steps must be a list of {{at, score}}")
        steps = tuple(
            Step(
                r.number(r.need(s, "at", (*path, "steps", i)), (*path, "steps", i), "step 'at'"),
                r.number(r.need(s, "score", (*path, "steps", i)), (*path, "steps", i), "step 'score'"),
            )
            for i, s in enumerate(raw_steps)
        )
        scores = [s.score for s in steps]
        if any(not 0 <= s <= 100 for s in scores):
            raise r.fail((*path, "steps"), f"indicator {code}: step scores must lie between 0 and 100")
        ordered = sorted(steps, key=lambda s: s.at, reverse=ind.better == "higher")
        if [s.score for s in ordered] != sorted(scores, reverse=True):
            raise r.fail((*path, "steps"), f"indicator {code}: a better value must never score less")
    min_n = it.get("min_n")
    if min_n is not None and (not isinstance(min_n, int) or min_n < 1):
        raise r.fail((*path, "min_n"), f"indicator {code}: min_n must be a positive whole number")
    statistic = it.get("statistic")
    if statistic is not None:
        problem = statistic_problem(ind, str(statistic))
        if problem:
            raise r.fail((*path, "statistic"), problem)
    return SchemeIndicator(
        code=code,
        weight=weight,
        target=target,
        floor=floor,
        curve=curve,
        cap=cap,
        steps=steps,
        peer_group=peer,
        min_n=min_n,
        shrink=bool(it.get("shrink", True)),
        cycles=r.cycles(it.get("cycles"), (*path, "cycles")),
        statistic=None if statistic is None else str(statistic),
    )


def _check_sum(r: _Reader, weights: list[float], path: tuple, what: str) -> None:
    total = sum(weights)
    if abs(total - 100.0) > WEIGHT_TOLERANCE:
        raise r.fail(path, f"{what} add up to {total:g}, not 100")


def parse_scheme(text: str, origin: str = "<scheme>", catalog: dict[str, Indicator] | None = None) -> Scheme:
    """Parse and validate a scheme document; ``SchemeError`` names the line at fault and why."""
    catalog = catalog if catalog is not None else builtin_catalog()
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise SchemeError(f"{origin}: not valid YAML: {e}") from None
    r = _Reader(origin, _lines(text))
    if not isinstance(raw, dict):
        raise r.fail((), "expected a mapping at the top level")

    dims = []
    seen: set[str] = set()
    raw_dims = r.need(raw, "dimensions", ())
    if not isinstance(raw_dims, list) or not raw_dims:
        raise r.fail(("dimensions",), "dimensions must be a non-empty list")
    for i, d in enumerate(raw_dims):
        path = ("dimensions", i)
        code = r.need(d, "code", path)
        inds = []
        raw_inds = r.need(d, "indicators", path)
        for j, it in enumerate(raw_inds):
            si = _indicator(r, it, (*path, "indicators", j), catalog)
            if si.code in seen:
                raise r.fail((*path, "indicators", j, "code"), f"indicator {si.code!r} appears twice")
            seen.add(si.code)
            inds.append(si)
        _check_sum(r, [x.weight for x in inds], (*path, "indicators"), f"dimension {code}: indicator weights")
        weight = r.number(r.need(d, "weight", path), (*path, "weight"), f"dimension {code}: weight")
        if weight <= 0:
            raise r.fail((*path, "weight"), f"dimension {code}: weight must be positive")
        name = d.get("name") or {}
        dims.append(
            Dimension(code, name.get("en", code), name.get("zh", code), weight, tuple(inds),
                      r.cycles(d.get("cycles"), (*path, "cycles")))
        )  # fmt: skip
    _check_sum(r, [d.weight for d in dims], ("dimensions",), "dimension weights")

    grading = "thresholds"
    raw_grades = r.need(raw, "grades", ())
    if isinstance(raw_grades, dict):  # {method: forced, levels: [...]}
        grading = raw_grades.get("method", "thresholds")
        if grading not in ("thresholds", "forced"):
            raise r.fail(("grades", "method"), f"grades method {grading!r} is not thresholds or forced")
        levels, gpath = r.need(raw_grades, "levels", ("grades",)), ("grades", "levels")
    else:
        levels, gpath = raw_grades, ("grades",)
    grades = []
    for k, g in enumerate(levels):
        gname = g.get("name") or {}
        share = g.get("share")
        if grading == "forced":
            share = r.number(r.need(g, "share", (*gpath, k)), (*gpath, k, "share"), "grade share")
        grades.append(
            Grade(str(r.need(g, "code", (*gpath, k))), float(g.get("min", 0)), gname.get("en", ""),
                  gname.get("zh", ""), share)
        )  # fmt: skip
    if grading == "forced":
        _check_sum(r, [g.share or 0.0 for g in grades], gpath, "forced-distribution shares")
    codes = [g.code for g in grades]

    critical = []
    for k, c in enumerate(raw.get("critical_failures") or []):
        path = ("critical_failures", k)
        code = r.need(c, "indicator", path)
        if code not in catalog:
            raise r.fail((*path, "indicator"), f"unknown indicator {code!r}")
        cap = str(r.need(c, "cap_grade", path))
        if cap not in codes:
            raise r.fail(
                (*path, "cap_grade"), f"cap_grade {cap!r} is not one of the grades {', '.join(codes)}"
            )
        critical.append(CriticalRule(code, float(c.get("above", 0)), cap))

    bonus = []
    for k, b in enumerate(raw.get("bonus_items") or []):
        path = ("bonus_items", k)
        code = r.need(b, "indicator", path)
        if code not in catalog:
            raise r.fail((*path, "indicator"), f"unknown indicator {code!r}")
        bonus.append(
            BonusItem(code, r.number(r.need(b, "points_per_unit", path), (*path, "points_per_unit"), "points_per_unit"),
                      r.number(b.get("max_points", 5), (*path, "max_points"), "max_points"))
        )  # fmt: skip

    weights_360: dict[str, float] = {}
    r360 = raw.get("ratings_360")
    if r360 is not None:
        w = r.need(r360, "weights", ("ratings_360",))
        for rel, value in w.items():
            if rel not in RELATIONS:
                raise r.fail(
                    ("ratings_360", "weights", rel), f"relation {rel!r} is not one of {', '.join(RELATIONS)}"
                )
            weights_360[rel] = r.number(value, ("ratings_360", "weights", rel), f"360 weight of {rel}")
        _check_sum(r, list(weights_360.values()), ("ratings_360", "weights"), "360 relation weights")
        minimum = CUSTOMER_MINIMUM
        if r360.get("relax_customer_minimum"):
            minimum = r.number(
                r360.get("customer_minimum", 0), ("ratings_360", "customer_minimum"), "customer_minimum"
            )
        if weights_360.get("customer", 0.0) < minimum:
            raise r.fail(
                ("ratings_360", "weights", "customer") if "customer" in w else ("ratings_360", "weights"),
                f"the customer's 360 weight is {weights_360.get('customer', 0.0):g} %, below {minimum:g} % "
                "(MISSION M1); set relax_customer_minimum: true and customer_minimum to relax it explicitly",
            )

    if raw.get("transcripts") is not None:  # transcript-analytics rules (docs/text-analytics.md)
        from frontdesk.text.rules import parse_rules

        parse_rules(raw["transcripts"], r.fail)

    missing = raw.get("missing_weight_flag", 0.3)
    name = raw.get("name") or {}
    return Scheme(
        scheme_id=str(r.need(raw, "scheme", ())),
        version=str(r.need(raw, "version", ())),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        name_en=name.get("en", ""),
        name_zh=name.get("zh", ""),
        cycle=str(raw.get("cycle", "monthly")),
        dimensions=tuple(dims),
        grades=tuple(grades),
        source_text=text,
        raw=raw,
        grading=grading,
        critical=tuple(critical),
        bonus_items=tuple(bonus),
        weights_360=weights_360,
        missing_weight_flag=float(missing),
    )


# --- shared by the result modules (bonus pool, promotion, recognition, development) ----------

DEFAULT_GRADE_LADDER = ("A", "B", "C", "D")


def grade_ladder(scheme: Scheme) -> tuple[str, ...]:
    """The scheme's grade codes, best first (a scheme declares its grades best first)."""
    return tuple(sorted((g.code for g in scheme.grades), key=scheme.grade_rank))


def grades_at_or_above(ladder: Sequence[str], code: str) -> frozenset[str]:
    """Every grade on ``ladder`` (best first) that is ``code`` or better."""
    if code not in ladder:
        raise ValueError(f"grade {code!r} is not one of the scheme's grades ({', '.join(ladder)})")
    return frozenset(ladder[: ladder.index(code) + 1])


def results_section(scheme: Scheme, key: str) -> Mapping[str, Any]:
    """The scheme's ``results: <key>:`` mapping (empty when absent); ``SchemeError`` if malformed."""
    results = scheme.raw.get("results") or {}
    if not isinstance(results, Mapping):
        raise SchemeError(f"scheme {scheme.version_id}: results: expected a mapping")
    section = results.get(key) or {}
    if not isinstance(section, Mapping):
        raise SchemeError(f"scheme {scheme.version_id}: results.{key}: expected a mapping")
    return section


def default_scheme_text() -> str:
    return resources.files("frontdesk.scoring").joinpath("schemes/default.yaml").read_text("utf-8")


def load_scheme(path: Path | None = None) -> Scheme:
    """The scheme in ``path``, or the built-in default from the seed."""
    if path is None:
        return parse_scheme(default_scheme_text(), "frontdesk/scoring/schemes/default.yaml")
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SchemeError(f"{path}: cannot read: {e}") from None
    return parse_scheme(text, str(path))


def diff_schemes(a: Scheme, b: Scheme) -> list[str]:
    """Human-readable differences from ``a`` to ``b``: versions, weights, targets, curves, grades."""
    out = []
    if a.version_id != b.version_id:
        out.append(f"version: {a.version_id} → {b.version_id}")
    da = {d.code: d for d in a.dimensions}
    db = {d.code: d for d in b.dimensions}
    for code in sorted(set(da) | set(db)):
        if code not in db:
            out.append(f"dimension {code}: removed")
            continue
        if code not in da:
            out.append(f"dimension {code}: added (weight {db[code].weight:g})")
            continue
        if da[code].weight != db[code].weight:
            out.append(f"dimension {code}: weight {da[code].weight:g} → {db[code].weight:g}")
    ia = {i.code: i for d in a.dimensions for i in d.indicators}
    ib = {i.code: i for d in b.dimensions for i in d.indicators}
    for code in sorted(set(ia) | set(ib)):
        if code not in ib:
            out.append(f"indicator {code}: removed")
        elif code not in ia:
            out.append(f"indicator {code}: added (weight {ib[code].weight:g})")
        else:
            for attr in (
                "weight",
                "target",
                "floor",
                "curve",
                "cap",
                "steps",
                "peer_group",
                "min_n",
                "cycles",
                "statistic",
            ):
                va, vb = getattr(ia[code], attr), getattr(ib[code], attr)
                if va != vb:
                    out.append(f"indicator {code}: {attr} {_show(va)} → {_show(vb)}")
    ga = [(g.code, g.min_total, g.share) for g in a.grades]
    gb = [(g.code, g.min_total, g.share) for g in b.grades]
    if ga != gb or a.grading != b.grading:
        out.append(f"grades: {a.grading} {ga} → {b.grading} {gb}")
    if a.weights_360 != b.weights_360:
        out.append(f"360 weights: {a.weights_360} → {b.weights_360}")
    if a.critical != b.critical:
        out.append(f"critical failures: {list(a.critical)} → {list(b.critical)}")
    return out


def _show(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
