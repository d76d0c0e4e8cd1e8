"""Effect evaluation (MISSION X, 效果评估): does the appraisal scheme work?

Five questions, each answered with its sample size, an interval where one applies and a one-line
reading in English and Chinese (docs/effect-evaluation.md):

1. **Predictive validity**: do agents' appraisal results predict their customers' satisfaction in
   the *next* period (Spearman and Pearson, Fisher-z intervals)?
2. **Before / after**: satisfaction and efficiency in the months before and after a baseline (a
   scheme introduction or version change), paired by agent, bootstrap interval over agents.
3. **Fairness**: score distributions by team, site, channel and shift, Kruskal-Wallis across
   groups, and groups whose mean differs from the rest by more than a threshold (flagged for
   review, never corrected).
4. **Rater agreement and bias**: Krippendorff's α per 360 relation and per QA method, each rater's
   leniency offset and the share of raters flagged lenient or severe (reliability.py).
5. **Acceptance**: appeal rates and outcomes from plain counts (the web layer owns the appeals).

Pure library, no Django: scorecards come in as :class:`Scorecard` objects, event-store figures
through the engine, one query per source table per period (never one per agent).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from statistics import NormalDist
from typing import Any, ClassVar

import numpy as np

from frontdesk.analysis.quality import wilson
from frontdesk.analysis.reliability import krippendorff_alpha_interval, leniency_offsets, reading_of_alpha
from frontdesk.analysis.review import spearman, spearman_interval
from frontdesk.analysis.wording import CATALOGUE, Reading, Term, bilingual, lang_of, pair, render
from frontdesk.indicators import dialects
from frontdesk.indicators.catalog import Indicator, builtin_catalog
from frontdesk.indicators.engines import Engine
from frontdesk.indicators.periods import Period, month, shift_period
from frontdesk.scoring.scorecard import Scorecard
from frontdesk.scoring.scores import agents_in_period

OUTCOMES = ("csat", "nps")  # what "customer satisfaction" is measured by, in this order
BEFORE_AFTER = ("csat", "first_response", "handle_time", "first_contact_resolution")
GROUPINGS = ("team", "site", "channel", "shift")
# Local hours of the day, by shift: the shift an agent works is where most of their contacts start.
SHIFTS = (("night", 0, 6), ("morning", 6, 12), ("afternoon", 12, 18), ("evening", 18, 24))
RELATIONS_360 = ("customer", "supervisor", "peer", "self", "partner_dept")


@dataclass(frozen=True)
class Thresholds:
    """When the evaluation calls something a finding (docs/effect-evaluation.md, "Thresholds")."""

    min_agents: int = 8  # fewer agents with both values: no verdict on a correlation
    strong: float = 0.5  # |rho| at or above: strong
    moderate: float = 0.2  # |rho| at or above: moderate (below: weak)
    group_gap: float = 5.0  # points on the 0-100 total between a group and the rest: flagged
    min_group: int = 5  # smaller groups are listed, never flagged
    leniency: float = 10.0  # points on 0-100 (half a point on a 1-5 scale): lenient / severe
    min_ratings: int = 5  # ratings of shared units before a rater's offset is computed
    bootstrap: int = 2000  # bootstrap resamples
    confidence: float = 0.95

    def to_json(self) -> dict[str, float]:
        return dict(self.__dict__)


def _r(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 6) if math.isfinite(v) else None
    if isinstance(v, tuple | list):
        return [_r(x) for x in v]
    return v


def _said(w: Reading | None) -> dict[str, Any]:
    """A reading in JSON: its English and Chinese text, with its code and parameters."""
    return bilingual(w) if w is not None else {"en": "", "zh": ""}


class _Worded:
    """The one-line reading of a result, rendered from its ``wording`` (wording.py)."""

    wording: Reading | None

    @property
    def reading_en(self) -> str:
        return self.wording.en if self.wording is not None else ""

    @property
    def reading_zh(self) -> str:
        return self.wording.zh if self.wording is not None else ""

    def reading(self, lang: str = "en") -> str:
        return self.wording.text(lang) if self.wording is not None else ""

    # Keys the JSON adds after the reading (e.g. the interval method, when it is not a field).
    json_extra: ClassVar[dict[str, Any]] = {}

    def to_json(self) -> dict[str, Any]:
        """Every field rounded, the wording as its reading in both languages, then ``json_extra``."""
        fields = {k: _r(v) for k, v in self.__dict__.items() if k != "wording"}
        return fields | {"reading": _said(self.wording)} | self.json_extra


# --- intervals -------------------------------------------------------------------------------


def _pearsonr(xs: Sequence[float], ys: Sequence[float]) -> Any:
    """``scipy.stats.pearsonr`` of the pairs; None with fewer than three pairs or a flat side."""
    from scipy.stats import pearsonr

    if len(xs) != len(ys) or len(xs) < 3:
        return None
    x, y = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return pearsonr(x, y)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None with fewer than three pairs or a flat side."""
    res = _pearsonr(xs, ys)
    return None if res is None else float(res.statistic)


def pearson_interval(
    xs: Sequence[float], ys: Sequence[float], confidence: float = 0.95
) -> tuple[float, float] | None:
    """Interval of Pearson's r of the pairs (``scipy.stats.pearsonr``: Fisher's z, variance
    1 / (n − 3); −1 to 1 with three pairs); None where :func:`pearson` is None."""
    res = _pearsonr(xs, ys)
    if res is None:
        return None
    ci = res.confidence_interval(confidence_level=confidence)
    return float(ci.low), float(ci.high)


def bootstrap_mean(values: Sequence[float], reps: int = 2000, seed: int = 0) -> tuple[float, float]:
    """95 % percentile interval of a mean, resampling the values (agents) with replacement
    (``scipy.stats.bootstrap``, seeded: the same values give the same interval)."""
    from scipy.stats import bootstrap

    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        v = float(x[0]) if len(x) else math.nan
        return v, v
    res = bootstrap(
        (x,), np.mean, n_resamples=reps, method="percentile", confidence_level=0.95,
        rng=np.random.default_rng(seed),
    )  # fmt: skip
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


# --- 1. predictive validity ------------------------------------------------------------------


@dataclass(frozen=True)
class Correlation(_Worded):
    """How one appraisal result (``subject``) goes with one satisfaction measure across agents.

    Intervals: Fisher's z, with Fieller's variance 1.06 / (n − 3) for Spearman's rho and
    1 / (n − 3) for Pearson's r. ``verdict``: strong, moderate, weak, wrong_sign, too_few_agents
    or no_variation."""

    subject: str  # total | dimension:<code> | ratings_360 | ratings_360:<relation>
    outcome: str  # csat | nps
    n: int
    spearman: float | None
    spearman_ci: tuple[float, float] | None
    pearson: float | None
    pearson_ci: tuple[float, float] | None
    verdict: str
    wording: Reading | None = None
    interval: str = "fisher_z"


@dataclass(frozen=True)
class PredictiveValidity:
    """Scores of ``period`` against satisfaction in ``outcome_period``.

    ``out_of_sample`` is False when the next period had no satisfaction data yet and the same
    period was used: the score then contains the very ratings it is compared with."""

    period: str
    outcome_period: str
    out_of_sample: bool
    correlations: tuple[Correlation, ...]
    note: Reading | None = None

    @property
    def note_en(self) -> str:
        return self.note.en if self.note is not None else ""

    @property
    def note_zh(self) -> str:
        return self.note.zh if self.note is not None else ""

    def get(self, subject: str, outcome: str = "csat") -> Correlation | None:
        return next((c for c in self.correlations if c.subject == subject and c.outcome == outcome), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "outcome_period": self.outcome_period,
            "out_of_sample": self.out_of_sample,
            "note": _said(self.note),
            "correlations": [c.to_json() for c in self.correlations],
        }


def correlate(
    subject: str,
    outcome: str,
    scores: Mapping[str, float],
    outcomes: Mapping[str, float],
    labels: tuple[str, str] | Reading | Term | None = None,
    when: tuple[str, str] | Reading = ("", ""),
    th: Thresholds | None = None,
) -> Correlation:
    """Spearman and Pearson of ``scores`` against ``outcomes`` over the agents that have both.

    ``labels`` names the subject (English, Chinese; else :func:`subject_labels`), ``when`` says
    which period's satisfaction it is (a reading, or English and Chinese words)."""
    th = th or Thresholds()
    common = sorted(k for k in set(scores) & set(outcomes) if _finite(scores[k]) and _finite(outcomes[k]))
    xs, ys = [scores[k] for k in common], [outcomes[k] for k in common]
    n = len(common)
    rho, r = spearman(xs, ys), pearson(xs, ys)
    rho_ci = spearman_interval(rho, n) if rho is not None else None
    r_ci = pearson_interval(xs, ys)
    if n < th.min_agents:
        verdict = "too_few_agents"
    elif rho is None:
        verdict = "no_variation"
    elif rho >= th.strong:
        verdict = "strong"
    elif rho >= th.moderate:
        verdict = "moderate"
    elif rho > -th.moderate:
        verdict = "weak"
    else:
        verdict = "wrong_sign"
    params: dict[str, Any] = {
        "subject": _subject_name(subject, labels),
        "outcome": _named("effect.outcome", outcome),
        "when": when if isinstance(when, Reading) else Term(*when),
        "verdict": Reading(f"effect.verdict.{verdict}"),
        "n": n,
    }
    if rho is None:
        wording = Reading("effect.correlation.n_only", params)
    else:
        lo, hi = rho_ci or (-1.0, 1.0)
        wording = Reading("effect.correlation", params | {"rho": rho, "low": lo, "high": hi})
    return Correlation(
        subject,
        outcome,
        n,
        rho,
        rho_ci,
        r,
        r_ci,
        verdict,
        wording,
    )


def predictive_validity(
    scores: Mapping[str, Mapping[str, float]],
    outcomes: Mapping[str, Mapping[str, float]],
    period: str,
    outcome_period: str,
    *,
    out_of_sample: bool,
    labels: Mapping[str, tuple[str, str] | Reading | Term] | None = None,
    th: Thresholds | None = None,
) -> PredictiveValidity:
    """Correlate every subject's agent scores (``scores[subject][agent]``) with every outcome's
    agent values (``outcomes[code][agent]``)."""
    labels = labels or {}
    if out_of_sample:
        when = Reading("effect.when.next", {"period": outcome_period})
        note = Reading("effect.validity.out_of_sample", {"period": period, "outcome_period": outcome_period})
    else:
        when = Reading("effect.when.same")
        # ``missing``: the period without satisfaction data (the caller knows it is the next one).
        note = Reading("effect.validity.in_sample", {"period": period, "missing": outcome_period})
    out = []
    for subject, values in scores.items():
        for code, ys in outcomes.items():
            if not ys:
                continue
            out.append(correlate(subject, code, values, ys, labels.get(subject), when, th))
    return PredictiveValidity(period, outcome_period, out_of_sample, tuple(out), note)


def scorecard_subjects(
    cards: Iterable[Scorecard], dimension_of: Mapping[str, str] | None = None
) -> dict[str, dict[str, float]]:
    """Agent scores by subject: ``total``, ``dimension:<code>`` (weighted mean of the dimension's
    indicator scores with the scorecard's own weights), ``ratings_360`` and ``ratings_360:<rel>``.

    ``dimension_of`` maps indicator code → dimension (the scheme's); the catalogue's otherwise."""
    if dimension_of is None:
        dimension_of = {c: i.dimension for c, i in builtin_catalog().items()}
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for c in cards:
        if _finite(c.total):
            out["total"][c.agent_id] = float(c.total)
        sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for code, res in c.indicators.items():
            dim = dimension_of.get(code)
            if dim is None or res.score is None or not res.weight:
                continue
            sums[dim][0] += res.weight * res.score
            sums[dim][1] += res.weight
        for dim, (num, den) in sums.items():
            if den > 0:
                out[f"dimension:{dim}"][c.agent_id] = num / den
        block = c.ratings_360
        if block is not None:
            if _finite(block.score):
                out["ratings_360"][c.agent_id] = float(block.score)
            for rel, res in block.relations.items():
                if _finite(res.score):
                    out[f"ratings_360:{rel}"][c.agent_id] = float(res.score)
    return dict(out)


def outcome_values(
    engine: Engine,
    period: Period,
    timezone: str,
    agent_ids: Sequence[str],
    catalog: Mapping[str, Indicator] | None = None,
    codes: Sequence[str] = OUTCOMES,
) -> dict[str, dict[str, float]]:
    """Satisfaction (or other catalogue indicators) by code then agent: one grouped query per
    source table for the whole period. Values on fewer records than the indicator's ``min_n``
    are left out: a CSAT of two ratings would be mostly noise."""
    catalog = catalog if catalog is not None else builtin_catalog()
    inds = [catalog[c] for c in codes if c in catalog]
    measures = engine.measures(inds, period, timezone, agent_ids=list(agent_ids))
    out: dict[str, dict[str, float]] = {i.code: {} for i in inds}
    by_code = {i.code: i for i in inds}
    wanted = set(agent_ids)
    for agent, row in measures.items():
        if agent not in wanted:
            continue
        for code, m in row.items():
            if m.value is not None and math.isfinite(m.value) and m.n >= by_code[code].min_n:
                out[code][agent] = m.value
    return out


# --- 2. before / after -----------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """The first period under the scheme (or the changed scheme) being evaluated.

    ``source`` is ``option`` (given with ``--baseline``) or ``scheme_version`` (found where the
    stored scorecards' scheme_version changes)."""

    period: Period
    source: str
    from_version: str | None = None
    to_version: str | None = None


def detect_version_change(
    versions: Mapping[str, str], periods: Mapping[str, Period], upto: Period
) -> Baseline | None:
    """The latest period, up to ``upto``, whose stored scheme_version differs from the period
    before it (``versions`` by period label, of one cycle). None without a change."""
    ordered = sorted(
        (p for label, p in periods.items() if label in versions and p.end <= upto.end), key=lambda p: p.start
    )
    change = None
    for prev, cur in pairwise(ordered):
        if versions[prev.label] != versions[cur.label]:
            change = Baseline(cur, "scheme_version", versions[prev.label], versions[cur.label])
    return change


def windows(baseline: Period, period: Period) -> tuple[Period, Period]:
    """The before and after windows: after = from the baseline's start to the end of ``period``
    (at least the baseline itself), before = as many whole months just before the baseline."""
    end = max(period.end, baseline.end)
    months = (end.year - baseline.start.year) * 12 + end.month - baseline.start.month
    first = shift_period(month(baseline.start.year, baseline.start.month), -months)
    before = _window(first.start, baseline.start)
    after = _window(baseline.start, end)
    return before, after


def _window(start: date, end: date) -> Period:
    last = shift_period(month(end.year, end.month), -1)
    first = month(start.year, start.month)
    label = first.label if first == last else f"{first.label}..{last.label}"
    return Period(start, end, "quarter", label)  # any span: measures read start and end only


@dataclass(frozen=True)
class Change(_Worded):
    """One measure before and after the baseline.

    ``before``/``after`` are means over the agents with a value in each window (``n_before``,
    ``n_after``); ``difference`` is the mean of after − before over the agents in both
    (``n_paired``), with a bootstrap interval over those agents. ``improved`` follows the
    indicator's direction (lower is better for times)."""

    code: str
    unit: str
    better: str
    n_before: int
    n_after: int
    n_paired: int
    before: float | None
    after: float | None
    difference: float | None
    ci: tuple[float, float] | None
    improved: bool | None  # None: the interval contains 0 (no clear change) or no data
    wording: Reading | None = None
    interval: str = "bootstrap_agents"


@dataclass(frozen=True)
class BeforeAfter:
    baseline: str
    source: str
    from_version: str | None
    to_version: str | None
    before: str  # window labels
    after: str
    changes: tuple[Change, ...]
    warning: Reading = field(default_factory=lambda: Reading("effect.before_after.warning"))

    @property
    def warning_en(self) -> str:
        return self.warning.en

    @property
    def warning_zh(self) -> str:
        return self.warning.zh

    def get(self, code: str) -> Change | None:
        return next((c for c in self.changes if c.code == code), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "source": self.source,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "before": self.before,
            "after": self.after,
            "warning": _said(self.warning),
            "changes": [c.to_json() for c in self.changes],
        }


def compare(
    code: str,
    before: Mapping[str, float],
    after: Mapping[str, float],
    indicator: Indicator | None = None,
    th: Thresholds | None = None,
    seed: int = 0,
) -> Change:
    """One measure's change from ``before`` to ``after`` (agent → value in each window)."""
    th = th or Thresholds()
    ind = indicator or builtin_catalog().get(code)
    better, unit = (ind.better, ind.unit) if ind is not None else ("higher", "")
    b = [v for v in before.values() if _finite(v)]
    a = [v for v in after.values() if _finite(v)]
    paired = sorted(k for k in set(before) & set(after) if _finite(before[k]) and _finite(after[k]))
    diffs = [after[k] - before[k] for k in paired]
    diff = float(np.mean(diffs)) if diffs else None
    ci = bootstrap_mean(diffs, th.bootstrap, seed) if len(diffs) >= 2 else None
    improved = None
    if ci is not None and diff is not None and not (ci[0] <= 0.0 <= ci[1]):
        improved = (diff > 0) == (better == "higher")
    name = Term(ind.name_en, ind.name_zh) if ind is not None else Term(code, code)
    if diff is None:
        wording = Reading("effect.change.no_pairs", {"name": name})
    else:
        lo, hi = ci or (diff, diff)
        d = 1 if unit in ("seconds", "hours") else 2
        means: Reading | str = "—"
        if a and b:
            means = Reading(
                "effect.change.means",
                {"before": float(np.mean(b)), "after": float(np.mean(a)), "decimals": d},
            )
        verdict = "unclear" if improved is None else "better" if improved else "worse"
        wording = Reading(
            f"effect.change.{verdict}",
            {
                "name": name,
                "means": means,
                "difference": diff,
                "unit": _named("effect.unit", unit, Term("", "")),
                "low": lo,
                "high": hi,
                "decimals": d,
                "paired": len(paired),
            },
        )
    return Change(
        code,
        unit,
        better,
        len(b),
        len(a),
        len(paired),
        float(np.mean(b)) if b else None,
        float(np.mean(a)) if a else None,
        diff,
        ci,
        improved,
        wording,
    )


def before_after(
    engine: Engine,
    baseline: Baseline,
    period: Period,
    timezone: str,
    agent_ids: Sequence[str] | None = None,
    catalog: Mapping[str, Indicator] | None = None,
    codes: Sequence[str] = BEFORE_AFTER,
    th: Thresholds | None = None,
) -> BeforeAfter:
    """Satisfaction and efficiency before vs after ``baseline``, each window one period's worth of
    queries (one per source table). Agents: ``agent_ids``, else everyone in the agents table."""
    catalog = catalog if catalog is not None else builtin_catalog()
    before_w, after_w = windows(baseline.period, period)
    ids = list(agent_ids) if agent_ids is not None else [str(a["agent_id"]) for a in engine.agents()]
    b = outcome_values(engine, before_w, timezone, ids, catalog, codes)
    a = outcome_values(engine, after_w, timezone, ids, catalog, codes)
    changes = tuple(
        compare(code, b.get(code, {}), a.get(code, {}), catalog.get(code), th, seed=i)
        for i, code in enumerate(codes)
        if code in catalog
    )
    return BeforeAfter(
        baseline.period.label,
        baseline.source,
        baseline.from_version,
        baseline.to_version,
        before_w.label,
        after_w.label,
        changes,
    )


# --- 3. fairness -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupStat(_Worded):
    """One group's scores; ``gap`` = its mean minus the mean of the rest (the other groups not
    flagged), with a 95 % stratified-bootstrap interval over agents; ``z`` = gap / its bootstrap
    standard error, which flagging compares with a Bonferroni-adjusted bound."""

    group: str
    n: int
    mean: float
    median: float
    gap: float | None
    gap_ci: tuple[float, float] | None
    flagged: bool
    z: float | None = None
    wording: Reading | None = None

    json_extra: ClassVar[dict[str, Any]] = {"interval": "stratified_bootstrap_agents"}


@dataclass(frozen=True)
class Fairness(_Worded):
    """Total scores grouped one way (team, site, channel or shift)."""

    grouping: str
    n: int  # agents with a score and a group
    groups: tuple[GroupStat, ...]
    kruskal_h: float | None
    kruskal_p: float | None
    wording: Reading | None = None

    def flagged(self) -> list[str]:
        return [g.group for g in self.groups if g.flagged]

    def to_json(self) -> dict[str, Any]:
        return {
            "grouping": self.grouping,
            "n": self.n,
            "kruskal_wallis": {"h": _r(self.kruskal_h), "p": _r(self.kruskal_p)},
            "flagged": self.flagged(),
            "reading": _said(self.wording),
            "groups": [g.to_json() for g in self.groups],
        }


FAIRNESS_NOTE = pair("effect.fairness.note")  # (English, Chinese), as the web page shows it


def fairness(
    grouping: str, scores: Mapping[str, float], groups: Mapping[str, str], th: Thresholds | None = None
) -> Fairness:
    """Score distribution per group, Kruskal-Wallis across the groups with two or more agents, and
    the groups whose mean lies at least ``group_gap`` points from the rest's and beyond a
    Bonferroni-adjusted two-sided 5 % bound in bootstrap standard errors (group and rest each of
    at least ``min_group`` agents).

    "The rest" is every other group not flagged: the most extreme group is flagged first, then the
    others are compared again without it, until none stands out."""
    from scipy.stats import kruskal

    th = th or Thresholds()
    by_group: dict[str, list[float]] = defaultdict(list)
    for agent, s in scores.items():
        g = groups.get(agent)
        if g is not None and _finite(s):
            by_group[str(g)].append(float(s))
    n = sum(len(v) for v in by_group.values())
    grouping_name = _named("effect.grouping", grouping)
    by = (
        Reading(f"effect.by.{grouping}")
        if f"effect.by.{grouping}" in CATALOGUE["en"]
        else Reading("effect.by", {"grouping": Term(grouping.lower(), grouping)})
    )
    names = sorted(by_group)
    # Stratified bootstrap: each group's agents resampled within the group, once; a "rest" is then
    # the size-weighted mean of its groups' resampled means, so no comparison resamples again.
    # Kept by hand, not scipy.stats.bootstrap, by design: the flagging below compares each group
    # with a "rest" that changes as groups are flagged, and every one of those comparisons (and
    # its standard error) must come from the same draws; scipy would draw afresh for each of the
    # hundreds of group-against-rest statistics (54 s instead of under 2 s for 100 teams).
    rng = np.random.default_rng(0)
    sizes = np.array([len(by_group[g]) for g in names], dtype=float)
    boot = np.stack(
        [np.asarray(by_group[g])[rng.integers(0, len(by_group[g]), size=(th.bootstrap, len(by_group[g])))]
         .mean(axis=1) for g in names]
    ) if names else np.empty((0, th.bootstrap))  # fmt: skip
    index = {g: i for i, g in enumerate(names)}
    means = {g: float(np.mean(by_group[g])) for g in names}

    weighted = sizes[:, None] * boot  # each group's resampled sums
    all_weighted = weighted.sum(axis=0)

    def gap_to(group: str, flagged: set[str]) -> tuple[float, tuple[float, float], float] | None:
        out = [index[g] for g in flagged | {group}]
        n_rest = sizes.sum() - sizes[out].sum()
        if n_rest <= 0:
            return None
        rest_sum = sum(means[g] * len(by_group[g]) for g in names) - sum(
            means[names[i]] * sizes[i] for i in out
        )
        gaps = boot[index[group]] - (all_weighted - weighted[out].sum(axis=0)) / n_rest
        lo, hi = np.quantile(gaps, [0.025, 0.975])
        gap = means[group] - float(rest_sum / n_rest)
        sd = float(gaps.std())
        return (
            gap,
            (float(lo), float(hi)),
            (gap / sd if sd > 0 else math.copysign(math.inf, gap) if gap else 0.0),
        )

    # Many groups (100 teams) mean many comparisons: flag at a Bonferroni-adjusted two-sided 5 %.
    eligible = max(1, sum(1 for g in names if len(by_group[g]) >= th.min_group))
    z_bound = NormalDist().inv_cdf(1 - 0.025 / eligible)

    def stands_out(group: str, found: tuple[float, tuple[float, float], float] | None) -> bool:
        rest = sum(len(by_group[g]) for g in names if g != group and g not in flagged_set)
        if found is None or min(len(by_group[group]), rest) < th.min_group:
            return False
        gap, _, z = found
        return abs(gap) >= th.group_gap and abs(z) >= z_bound

    # The most extreme group first, then the others against the groups still unflagged: one
    # outlying team must not make every other team look off against a "rest" it drags along.
    flagged_set: set[str] = set()
    while True:
        found = {g: gap_to(g, flagged_set) for g in names if g not in flagged_set}
        out = [g for g, f in found.items() if stands_out(g, f)]
        if not out:
            break
        flagged_set.add(max(out, key=lambda g: abs(found[g][0])))  # type: ignore[index]
    stats = []
    for group in names:
        vals = by_group[group]
        found = gap_to(group, flagged_set)
        gap, gap_ci, z = found if found is not None else (None, None, None)
        flagged = group in flagged_set
        mean, median = float(np.mean(vals)), float(np.median(vals))
        wording = Reading(
            "effect.group",
            {
                "grouping": grouping_name,
                "group": _named(f"effect.{grouping}", group),
                "mean": mean,
                "median": median,
                "n": len(vals),
                "gap": ""
                if gap is None or gap_ci is None
                else Reading("effect.group.gap", {"gap": gap, "low": gap_ci[0], "high": gap_ci[1]}),
                "flag": Reading("effect.group.flagged") if flagged else "",
            },
        )
        z = None if z is None or not math.isfinite(z) else z
        stats.append(GroupStat(group, len(vals), mean, median, gap, gap_ci, flagged, z, wording))
    samples = [v for v in by_group.values() if len(v) >= 2]
    h = p = None
    if len(samples) >= 2:
        try:
            res = kruskal(*samples)
            h, p = float(res.statistic), float(res.pvalue)
        except ValueError:  # every value identical
            h, p = 0.0, 1.0
        if not (math.isfinite(h) and math.isfinite(p)):
            h, p = 0.0, 1.0
    flagged = [s.group for s in stats if s.flagged]
    if h is None or p is None:
        wording = Reading("effect.fairness.no_test", {"by": by})
    else:
        wording = Reading(
            "effect.fairness.test",
            {
                "by": by,
                "h": h,
                "p": p,
                "groups": len(samples),
                "n": n,
                "differ": Reading("effect.fairness.differ" if p < 0.05 else "effect.fairness.no_difference"),
                "flagged": Reading(
                    "effect.fairness.flagged", {"groups": [_named(f"effect.{grouping}", g) for g in flagged]}
                )
                if flagged
                else "",
            },
        )
    return Fairness(grouping, n, tuple(stats), h, p, wording)


def agent_groups(
    engine: Engine, period: Period, timezone: str, cards: Iterable[Scorecard]
) -> dict[str, dict[str, str]]:
    """Each agent's team and site (from the scorecards), main channel and shift (from the period's
    contacts, one grouped query over ``interactions``): the channel and the shift where most of
    the agent's contacts start, in the organisation's time zone."""
    cards = list(cards)
    out: dict[str, dict[str, str]] = {g: {} for g in GROUPINGS}
    for c in cards:
        if c.team_id:
            out["team"][c.agent_id] = c.team_id
        if c.site_id:
            out["site"][c.agent_id] = c.site_id
    lo, hi = period.utc_bounds(timezone)
    tz = timezone.replace("'", "''")
    sql = (
        "SELECT agent_id, coalesce(channel, 'unknown') AS channel, "
        f"extract(hour FROM (created_at AT TIME ZONE '{tz}')) AS hour, count(*) AS n "
        f"FROM interactions WHERE agent_id IS NOT NULL AND created_at >= {_ts(lo)} AND created_at < {_ts(hi)} "
        "GROUP BY 1, 2, 3"
    )
    channels: dict[str, Counter] = defaultdict(Counter)
    shifts: dict[str, Counter] = defaultdict(Counter)
    for row in engine.query(dialects.transpile(sql, engine.dialect)).to_pylist():
        agent, n = str(row["agent_id"]), int(row["n"])
        channels[agent][row["channel"]] += n
        shifts[agent][_shift(int(row["hour"]))] += n
    wanted = {c.agent_id for c in cards}
    for agent in wanted:
        if channels.get(agent):
            out["channel"][agent] = _modal(channels[agent])
            out["shift"][agent] = _modal(shifts[agent])
    return out


def _modal(counts: Counter) -> str:
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _shift(hour: int) -> str:
    return next(name for name, lo, hi in SHIFTS if lo <= hour < hi)


# --- 4. rater agreement and bias -------------------------------------------------------------


@dataclass(frozen=True)
class RaterGroup(_Worded):
    """Agreement and bias within one 360 relation or one QA method.

    ``alpha`` is Krippendorff's α for interval data (no interval: α's sampling distribution needs
    a bootstrap over units that the reading does not depend on). Leniency offsets are in points of
    0-100 against the other raters of the same units."""

    source: str  # ratings_360 | qa_reviews
    group: str  # relation or method
    ratings: int
    raters: int
    alpha: float | None
    alpha_units: int
    alpha_reading: str  # reliable | tentative | unreliable | undefined
    offsets: dict[str, float]  # rater → offset, for raters with enough shared ratings
    lenient: tuple[str, ...]
    severe: tuple[str, ...]
    wording: Reading | None = None

    @property
    def flagged_share(self) -> float | None:
        return (len(self.lenient) + len(self.severe)) / len(self.offsets) if self.offsets else None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "group": self.group,
            "ratings": self.ratings,
            "raters": self.raters,
            "alpha": {"value": _r(self.alpha), "units": self.alpha_units, "reading": self.alpha_reading},
            "raters_with_offset": len(self.offsets),
            "lenient": list(self.lenient),
            "severe": list(self.severe),
            "flagged_share": _r(self.flagged_share),
            "offsets": {k: _r(v) for k, v in sorted(self.offsets.items())},
            "reading": _said(self.wording),
        }


@dataclass(frozen=True)
class RaterAgreement:
    groups: tuple[RaterGroup, ...]
    note: Reading | None = None

    @property
    def note_en(self) -> str:
        return self.note.en if self.note is not None else ""

    @property
    def note_zh(self) -> str:
        return self.note.zh if self.note is not None else ""

    def get(self, source: str, group: str) -> RaterGroup | None:
        return next((g for g in self.groups if g.source == source and g.group == group), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "note": _said(self.note),
            "groups": [g.to_json() for g in self.groups],
        }


# A row: (group, unit, rater, value 0-100); groups are relations or methods.
RaterRow = tuple[str, str, str, float]


def rater_agreement(
    ratings_360: Iterable[RaterRow], qa: Iterable[RaterRow], th: Thresholds | None = None
) -> RaterAgreement:
    """α per relation (units subject × competency) and per QA method (units the reviewed agent,
    each reviewer's mean for that agent); leniency offsets against every other non-self rater of
    the same unit (as the 360 leniency correction, docs/multi-rater.md), per group."""
    th = th or Thresholds()
    groups = []
    r360 = list(ratings_360)
    reference = [(u, f"{g}/{rater}", v) for g, u, rater, v in r360 if g != "self"]
    offsets_360 = leniency_offsets(reference, th.min_ratings)
    by_rel: dict[str, list[RaterRow]] = defaultdict(list)
    for row in r360:
        by_rel[row[0]].append(row)
    for rel in sorted(by_rel, key=lambda r: (RELATIONS_360.index(r) if r in RELATIONS_360 else 99, r)):
        rows = by_rel[rel]
        offs = {k.split("/", 1)[1]: o.offset for k, o in offsets_360.items() if k.split("/", 1)[0] == rel}
        if rel == "self":  # self-ratings against the other raters of the same units: self-bias
            both = [(u, r, v) for _, u, r, v in rows] + [(u, f"~{r}", v) for u, r, v in reference]
            offs = {
                str(o.rater): o.offset
                for o in leniency_offsets(both, th.min_ratings).values()
                if not str(o.rater).startswith("~")
            }
        groups.append(_rater_group("ratings_360", rel, rows, offs, th))
    qa_rows = list(qa)
    by_method: dict[str, list[RaterRow]] = defaultdict(list)
    for row in qa_rows:
        by_method[row[0]].append(row)
    for method in sorted(by_method):
        rows = _mean_per_unit(by_method[method])
        offs = {
            str(o.rater): o.offset
            for o in leniency_offsets([(u, r, v) for _, u, r, v in rows], th.min_ratings).values()
        }
        groups.append(_rater_group("qa_reviews", method, by_method[method], offs, th, alpha_rows=rows))
    return RaterAgreement(tuple(groups), Reading("effect.raters.note", {"leniency": th.leniency}))


def _mean_per_unit(rows: Sequence[RaterRow]) -> list[RaterRow]:
    """One value per (unit, rater): a reviewer's mean over their reviews of the same agent."""
    acc: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for g, u, r, v in rows:
        acc[(g, u, r)].append(v)
    return [(g, u, r, sum(vs) / len(vs)) for (g, u, r), vs in acc.items()]


def _rater_group(
    source: str,
    group: str,
    rows: Sequence[RaterRow],
    offsets: Mapping[str, float],
    th: Thresholds,
    alpha_rows: Sequence[RaterRow] | None = None,
) -> RaterGroup:
    a = krippendorff_alpha_interval((u, r, v) for _, u, r, v in (alpha_rows or rows))
    lenient = tuple(sorted(r for r, o in offsets.items() if o >= th.leniency))
    severe = tuple(sorted(r for r, o in offsets.items() if o <= -th.leniency))
    raters = len({r for _, _, r, _ in rows})
    reading = reading_of_alpha(a.alpha)
    wording = Reading(
        "effect.raters",
        {
            "group": _named("effect.relation" if source == "ratings_360" else "effect.method", group),
            "alpha": Reading("effect.raters.no_alpha")
            if a.alpha is None
            else Reading("effect.raters.alpha", {"alpha": a.alpha, "units": a.units}),
            "alpha_reading": Reading(f"effect.alpha.{reading}"),
            "bias": Reading(
                "effect.raters.bias",
                {
                    "flagged": len(lenient) + len(severe),
                    "with_offset": len(offsets),
                    "lenient": len(lenient),
                    "severe": len(severe),
                },
            )
            if offsets
            else Reading("effect.raters.no_bias"),
            "ratings": len(rows),
            "raters": raters,
        },
    )
    return RaterGroup(
        source,
        group,
        len(rows),
        raters,
        a.alpha,
        a.units,
        reading,
        dict(offsets),
        lenient,
        severe,
        wording,
    )


def rater_rows(engine: Engine, period: Period, timezone: str) -> tuple[list[RaterRow], list[RaterRow]]:
    """The period's 360 ratings and QA reviews as ``(group, unit, rater, value 0-100)`` rows: one
    query per table. 360 units are subject × competency; QA units the reviewed agent."""
    lo, hi = period.utc_bounds(timezone)
    between = f">= {_ts(lo)} AND {{col}} < {_ts(hi)}"
    q360 = (
        "SELECT relation, subject_agent_id, competency, rater_id, 100.0 * score / scale_max AS v "
        "FROM ratings_360 WHERE score IS NOT NULL AND scale_max > 0 AND submitted_at "
        + between.format(col="submitted_at")
    )
    qqa = (
        "SELECT method, agent_id, reviewer_id, 100.0 * score / max_score AS v FROM qa_reviews "
        "WHERE score IS NOT NULL AND max_score > 0 AND agent_id IS NOT NULL AND reviewer_id IS NOT NULL "
        "AND reviewed_at " + between.format(col="reviewed_at")
    )
    r360 = [
        (
            str(r["relation"] or "unknown"),
            f"{r['subject_agent_id']}/{r['competency']}",
            str(r["rater_id"]),
            float(r["v"]),
        )
        for r in engine.query(dialects.transpile(q360, engine.dialect)).to_pylist()
    ]
    qa = [
        (str(r["method"] or "unknown"), str(r["agent_id"]), str(r["reviewer_id"]), float(r["v"]))
        for r in engine.query(dialects.transpile(qqa, engine.dialect)).to_pylist()
    ]
    return r360, qa


# --- 5. acceptance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealCounts:
    """Plain counts for one team and period, as the web layer's appeals hold them."""

    team_id: str
    period: str
    scorecards: int  # scorecards open to appeal
    filed: int  # scorecards with at least one appeal (an appeal is against one indicator result)
    accepted: int  # of those, with an appeal upheld in full or in part
    rejected: int  # of those, decided with nothing upheld


@dataclass(frozen=True)
class AcceptanceRow(_Worded):
    """Appeal rate (filed / scorecards) and upheld share (accepted / decided), Wilson intervals."""

    team_id: str  # "" for the whole organisation
    scorecards: int
    filed: int
    accepted: int
    rejected: int
    appeal_rate: float | None
    appeal_rate_ci: tuple[float, float] | None
    upheld_share: float | None
    upheld_share_ci: tuple[float, float] | None
    flagged: bool
    wording: Reading | None = None

    json_extra: ClassVar[dict[str, Any]] = {"interval": "wilson"}


def acceptance(counts: Iterable[AppealCounts]) -> tuple[AcceptanceRow, ...]:
    """Appeal rates and outcomes per team and for the whole organisation (first row, team "").

    A team is flagged when its appeal rate's Wilson interval lies wholly above the rate of the
    rest of the organisation: its staff contest their results unusually often (MISSION Q3)."""
    teams: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for c in counts:
        if (
            c.filed > c.scorecards
            or c.accepted + c.rejected > c.filed
            or min(c.scorecards, c.filed, c.accepted, c.rejected) < 0
        ):
            raise ValueError(f"appeal counts of team {c.team_id} in {c.period} do not add up")
        t = teams[c.team_id]
        t[0] += c.scorecards
        t[1] += c.filed
        t[2] += c.accepted
        t[3] += c.rejected
    total = [sum(t[i] for t in teams.values()) for i in range(4)]
    rows = [_acceptance_row("", *total, None)]
    for team in sorted(teams):
        t = teams[team]
        rest = [total[i] - t[i] for i in range(4)]
        rest_rate = rest[1] / rest[0] if rest[0] else None
        rows.append(_acceptance_row(team, *t, rest_rate))
    return tuple(rows)


def _acceptance_row(
    team: str, cards: int, filed: int, accepted: int, rejected: int, rest_rate: float | None
) -> AcceptanceRow:
    rate = filed / cards if cards else None
    rate_ci = wilson(filed, cards) if cards else None
    decided = accepted + rejected
    upheld = accepted / decided if decided else None
    upheld_ci = wilson(accepted, decided) if decided else None
    flagged = bool(rate_ci is not None and rest_rate is not None and rate_ci[0] > rest_rate)
    who = Reading("effect.who.team", {"team": team}) if team else Reading("effect.who.organisation")
    if rate is None or rate_ci is None:
        wording = Reading("effect.acceptance.no_scorecards", {"who": who})
    else:
        wording = Reading(
            "effect.acceptance",
            {
                "who": who,
                "filed": filed,
                "scorecards": cards,
                "rate": rate,
                "low": rate_ci[0],
                "high": rate_ci[1],
                "upheld": ""
                if upheld is None or upheld_ci is None
                else Reading("effect.acceptance.upheld", {"upheld": upheld, "decided": decided}),
                "flag": Reading("effect.acceptance.appeals_high") if flagged else "",
            },
        )
    return AcceptanceRow(
        team, cards, filed, accepted, rejected, rate, rate_ci, upheld, upheld_ci, flagged, wording
    )


# --- the whole evaluation --------------------------------------------------------------------


@dataclass(frozen=True)
class EffectReport:
    period: str
    timezone: str
    scheme_version: str
    agents: int  # scorecards of the period
    validity: PredictiveValidity
    before_after: BeforeAfter | None
    fairness: tuple[Fairness, ...]
    raters: RaterAgreement
    acceptance: tuple[AcceptanceRow, ...] | None
    thresholds: Thresholds = field(default_factory=Thresholds)
    before_after_note: Reading | None = None
    # The same correlations for the period before the baseline, to see validity change (the
    # seed's "360 vs satisfaction rose from 0.35 to 0.68").
    validity_before: PredictiveValidity | None = None

    @property
    def before_after_note_en(self) -> str:
        return self.before_after_note.en if self.before_after_note is not None else ""

    @property
    def before_after_note_zh(self) -> str:
        return self.before_after_note.zh if self.before_after_note is not None else ""

    def to_json(self) -> dict[str, Any]:
        """The ``frontdesk evaluate --format json`` document."""
        return {
            "period": self.period,
            "timezone": self.timezone,
            "scheme_version": self.scheme_version,
            "agents": self.agents,
            "thresholds": self.thresholds.to_json(),
            "predictive_validity": self.validity.to_json(),
            "predictive_validity_before": self.validity_before.to_json() if self.validity_before else None,
            "before_after": self.before_after.to_json() if self.before_after else None,
            "before_after_note": _said(self.before_after_note),
            "fairness": {
                "note": _said(Reading("effect.fairness.note")),
                "groupings": [f.to_json() for f in self.fairness],
            },
            "rater_agreement": self.raters.to_json(),
            "acceptance": None if self.acceptance is None else [r.to_json() for r in self.acceptance],
        }

    def to_text(self, lang: str = "en") -> str:
        return render_text(self, lang)


def evaluate(
    engine: Engine,
    cards: Sequence[Scorecard],
    period: Period,
    timezone: str,
    *,
    catalog: Mapping[str, Indicator] | None = None,
    dimension_of: Mapping[str, str] | None = None,
    dimension_names: Mapping[str, tuple[str, str]] | None = None,
    baseline: Baseline | None = None,
    appeals: Sequence[AppealCounts] | None = None,
    thresholds: Thresholds | None = None,
    earlier: tuple[Sequence[Scorecard], Period] | None = None,
) -> EffectReport:
    """The whole evaluation of ``period`` from its stored scorecards ``cards`` and the event store.

    Predictive validity compares with the next period's satisfaction, falling back to the same
    period (labelled in-sample) when the next has none. Before/after runs only with a
    ``baseline``. Acceptance only with ``appeals`` (the web layer's counts). With ``earlier``
    (the stored scorecards of a period before the baseline), its predictive validity too."""
    catalog = catalog if catalog is not None else builtin_catalog()
    th = thresholds or Thresholds()
    validity = _validity(engine, cards, period, timezone, catalog, dimension_of, dimension_names, th)
    before = None
    if earlier is not None and earlier[0]:
        before = _validity(
            engine, earlier[0], earlier[1], timezone, catalog, dimension_of, dimension_names, th
        )
    ids = [c.agent_id for c in cards]
    subjects = scorecard_subjects(cards, dimension_of)
    ba = None
    if baseline is not None:
        roster = [a.agent_id for a in agents_in_period(engine.agents(), period)] or ids
        ba = before_after(engine, baseline, period, timezone, roster, catalog, th=th)
        note = None
    else:
        note = Reading("effect.before_after.no_baseline")
    groups = agent_groups(engine, period, timezone, cards)
    totals = subjects.get("total", {})
    fair = tuple(fairness(g, totals, groups[g], th) for g in GROUPINGS)
    r360, qa = rater_rows(engine, period, timezone)
    raters = rater_agreement(r360, qa, th)
    return EffectReport(
        period=period.label,
        timezone=timezone,
        scheme_version=cards[0].scheme_version if cards else "",
        agents=len(cards),
        validity=validity,
        before_after=ba,
        fairness=fair,
        raters=raters,
        acceptance=acceptance(appeals) if appeals is not None else None,
        thresholds=th,
        before_after_note=note,
        validity_before=before,
    )


def _validity(
    engine: Engine,
    cards: Sequence[Scorecard],
    period: Period,
    timezone: str,
    catalog: Mapping[str, Indicator],
    dimension_of: Mapping[str, str] | None,
    dimension_names: Mapping[str, tuple[str, str]] | None,
    th: Thresholds,
) -> PredictiveValidity:
    """Predictive validity of ``cards``: against the next period, else (in sample) the same one."""
    ids = [c.agent_id for c in cards]
    subjects = scorecard_subjects(cards, dimension_of)
    labels = {s: subject_reading(s, dimension_names) for s in subjects}
    nxt = shift_period(period, 1)
    outcomes = outcome_values(engine, nxt, timezone, ids, catalog)
    same = outcome_values(engine, period, timezone, ids, catalog)
    # The next period counts once it covers at least half the agents the period itself does: a
    # few late surveys trickling in after the period ends are not a next period yet.
    covered, usual = (max((len(v) for v in d.values()), default=0) for d in (outcomes, same))
    out_of_sample = covered > 0 and covered >= min(th.min_agents, usual) and 2 * covered >= usual
    if not out_of_sample:
        outcomes = same
    validity = predictive_validity(
        subjects, outcomes, period.label, nxt.label if out_of_sample else period.label,
        out_of_sample=out_of_sample, labels=labels, th=th,
    )  # fmt: skip
    if not out_of_sample and validity.note is not None:
        note = Reading(validity.note.code, {**validity.note.params, "missing": nxt.label})
        validity = PredictiveValidity(validity.period, validity.period, False, validity.correlations, note)
    return validity


# --- names and text --------------------------------------------------------------------------


# Names as (English, Chinese) pairs, from the catalogue (wording.py); the web pages use these.
def _pairs(prefix: str) -> dict[str, tuple[str, str]]:
    start = prefix + "."
    return {code[len(start) :]: pair(code) for code in CATALOGUE["en"] if code.startswith(start)}


OUTCOME_NAMES = _pairs("effect.outcome")
RELATION_NAMES = _pairs("effect.relation")
METHOD_NAMES = _pairs("effect.method")
GROUPING_NAMES = _pairs("effect.grouping")


def _named(prefix: str, key: str, fallback: Term | None = None) -> Reading | Term:
    """The catalogue's name of ``key`` (``effect.outcome`` + ``csat``), else ``fallback`` or the key."""
    code = f"{prefix}.{key}"
    return Reading(code) if code in CATALOGUE["en"] else fallback or Term(key, key)


def subject_reading(
    subject: str, dimension_names: Mapping[str, tuple[str, str]] | None = None
) -> Reading | Term:
    """How the report names a subject (a reading of the catalogue; a scheme's own dimension names
    come as they are)."""
    if subject == "total":
        return Reading("effect.subject.total")
    if subject.startswith("dimension:"):
        code = subject.split(":", 1)[1]
        given = (dimension_names or {}).get(code)
        name = Term(*given) if given else _named("effect.dimension", code)
        return Reading("effect.subject.dimension", {"name": name})
    if subject == "ratings_360":
        return Reading("effect.subject.ratings_360")
    if subject.startswith("ratings_360:"):
        en, zh = RELATION_NAMES.get(subject.split(":", 1)[1], (subject, subject))
        return Reading("effect.subject.relation", {"relation": Term(en.lower(), zh)})
    return Term(subject, subject)


def _subject_name(subject: str, labels: tuple[str, str] | Reading | Term | None) -> Reading | Term:
    if isinstance(labels, Reading | Term):
        return labels
    return Term(*labels) if labels else subject_reading(subject)


def subject_labels(
    subject: str, dimension_names: Mapping[str, tuple[str, str]] | None = None
) -> tuple[str, str]:
    """How the report names a subject, in English and Chinese."""
    said = subject_reading(subject, dimension_names)
    return said.text("en"), said.text("zh")


def render_text(report: EffectReport, lang: str = "en") -> str:
    """The report as plain text in ``lang`` (en or zh)."""
    lang = lang_of(lang)
    zh = lang == "zh"

    def h(key: str, /, **params: Any) -> str:
        return render(f"effect.heading.{key}", params, lang)

    def pick(en: str, z: str) -> str:
        return z if zh else en

    who = h("agents", n=report.agents)
    lines = [f"{h('title')} {report.period} · {report.scheme_version} · {who} · {report.timezone}", ""]
    v = report.validity
    lines += [h("validity"), f"  {pick(v.note_en, v.note_zh)}"]
    for c in v.correlations:
        lines.append(f"  {c.reading('zh' if zh else 'en')}")
    vb = report.validity_before
    if vb is not None:
        lines += ["", h("validity_before", period=vb.period), f"  {pick(vb.note_en, vb.note_zh)}"]
        for c in vb.correlations:
            now = v.get(c.subject, c.outcome)
            change = ""
            if now is not None and now.spearman is not None and c.spearman is not None:
                change = f"  → {v.period}: {now.spearman:+.2f}"
            lines.append(f"  {c.reading('zh' if zh else 'en')}{change}")
    lines += ["", h("before_after")]
    ba = report.before_after
    if ba is None:
        lines.append(f"  {pick(report.before_after_note_en, report.before_after_note_zh)}")
    else:
        if ba.source == "scheme_version":
            params = {"from_version": ba.from_version, "to_version": ba.to_version}
            source = render("effect.source.scheme_version", params, lang)
        else:
            source = render("effect.source.option", {}, lang)
        lines.append(h("window", baseline=ba.baseline, source=source, before=ba.before, after=ba.after))
        lines.append(f"  ! {pick(ba.warning_en, ba.warning_zh)}")
        for ch in ba.changes:
            lines.append(f"  {ch.reading('zh' if zh else 'en')}")
    lines += ["", h("fairness"), f"  {pick(*FAIRNESS_NOTE)}"]
    for f in report.fairness:
        lines.append(f"  {pick(f.reading_en, f.reading_zh)}")
        for g in f.groups:
            lines.append(f"    {pick(g.reading_en, g.reading_zh)}")
    lines += ["", h("raters"), f"  {pick(report.raters.note_en, report.raters.note_zh)}"]
    for g in report.raters.groups:
        lines.append(f"  {pick(g.reading_en, g.reading_zh)}")
    lines += ["", h("acceptance")]
    if report.acceptance is None:
        lines.append(h("no_acceptance"))
    else:
        for row in report.acceptance:
            lines.append(f"  {pick(row.reading_en, row.reading_zh)}")
    return "\n".join(lines) + "\n"


def _finite(v: Any) -> bool:
    return v is not None and isinstance(v, int | float) and math.isfinite(v)


def _ts(t: Any) -> str:
    """A UTC instant as a SQL literal every engine reads."""
    return f"CAST('{t.strftime('%Y-%m-%d %H:%M:%S')}+00:00' AS TIMESTAMPTZ)"
