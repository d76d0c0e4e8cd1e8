"""The quarterly indicator review (MISSION S4, Q2): is the scheme still measuring the right things?

For every indicator the scheme scores, over the agents of a period (a quarter) and of each month
inside it: how far apart agents are (an indicator on which nearly everyone has the same value or
score does not discriminate), how closely it follows customer satisfaction (Spearman's rho of the
agents' values against their ``csat``), which pairs say the same thing (|rho| > 0.9), and which
channels and contact types have contacts that no scored indicator counts. Each finding comes with
a suggestion in plain words, in English and Chinese. Thresholds: :class:`Thresholds`, explained in
docs/review.md.

Pure library: values come from ``engine.measures`` and scores from the scheme's own scoring; the
coverage queries are compiled from the declarations' own filters with the compiler's helpers, so
the review sees exactly the rows the scheme scores.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlglot import exp

from frontdesk.analysis.wording import Reading, Term, lang_of, render
from frontdesk.indicators import dialects
from frontdesk.indicators.catalog import Indicator, builtin_views
from frontdesk.indicators.compiler import (
    DEFAULT_CALENDAR,
    Column,
    aggregate,
    business_pairs,
    business_subquery,
    period_condition,
    source_columns,
    source_expression,
)
from frontdesk.indicators.engines import Engine
from frontdesk.indicators.periods import CYCLES, Period
from frontdesk.scoring.scheme import Scheme
from frontdesk.scoring.scores import agents_in_period, score_period
from frontdesk.store.tables import table

SATISFACTION = "csat"  # the catalogue indicator that stands for customer satisfaction
NO_CHANNEL = "unknown"  # how contacts without a channel are listed

# Contact types the scheme may leave unmeasured: (condition in DuckDB SQL, columns it needs).
CONTACT_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "priority": ("priority IN ('urgent', 'high')", frozenset({"priority"})),
    "vip": ("coalesce(is_vip, FALSE)", frozenset({"is_vip"})),
    "complaint": ("coalesce(is_complaint, FALSE)", frozenset({"is_complaint"})),
}


@dataclass(frozen=True)
class Thresholds:
    """When the review calls something a finding (docs/review.md, "Thresholds")."""

    same_value_share: float = 0.8  # this share of agents on one value: constant
    min_relative_iqr: float = 0.01  # middle half of agents within 1 % of the median: narrow
    min_score_iqr: float = 2.0  # middle half of agents within 2 score points (0-100): narrow
    same_score_share: float = 0.8  # this share of agents on one score (all 100, all 0): saturated
    min_agents_spread: int = 3  # fewer agents with a value: no verdict on spread
    min_agents_link: int = 8  # fewer agents with both values: no verdict on relations
    weak_link: float = 0.2  # |rho| with satisfaction below this: weak
    wrong_sign: float = -0.2  # rho (better = +) at or below this: wrong-signed
    strong_link: float = 0.5  # rho at or above this: tracks satisfaction strongly
    redundant: float = 0.9  # |rho| between two indicators above this: redundant

    def to_json(self) -> dict[str, float]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Spread:
    """How far apart agents are on one indicator in one period.

    ``reasons`` is empty when the indicator discriminates: ``constant`` (most agents share one
    value), ``narrow`` (the middle half of agents is packed within a sliver of the median or of
    the score scale), ``saturated`` (most agents get the same score, e.g. all reach the target)."""

    period: str
    agents: int  # agents with a value
    judged: bool  # enough agents for a verdict
    median: float | None = None
    iqr: float | None = None
    relative_iqr: float | None = None  # IQR / |median|
    cv: float | None = None  # standard deviation / |mean|
    same_value_share: float | None = None
    modal_value: float | None = None
    scored: int = 0  # agents with a score in this period's cycle
    score_iqr: float | None = None  # IQR of the scores, in points of 0-100
    same_score_share: float | None = None
    modal_score: float | None = None
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {k: _round(v) for k, v in self.__dict__.items()} | {"reasons": list(self.reasons)}


@dataclass(frozen=True)
class SatisfactionLink:
    """Spearman's rho of an indicator's agent values against the agents' satisfaction.

    ``aligned`` is rho with the sign turned for lower-is-better indicators, so a positive value
    always means "agents better on this indicator have more satisfied customers". ``verdict``:
    strong, moderate, weak, wrong_sign, too_few_agents, no_variation, is_satisfaction or
    not_available (no satisfaction values)."""

    period: str
    agents: int
    rho: float | None
    aligned: float | None
    ci_low: float | None  # 95 % interval of ``aligned`` (Fisher z, Fieller's variance)
    ci_high: float | None
    verdict: str

    def to_json(self) -> dict[str, Any]:
        return {k: _round(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class IndicatorReview:
    """One scored indicator: spread and satisfaction link in the period and in each month."""

    code: str
    name_en: str
    name_zh: str
    unit: str
    better: str
    source: str
    weights: dict[str, float]  # share of the total in each cycle the scheme scores it in
    spread: Spread
    link: SatisfactionLink
    monthly: tuple[Spread, ...] = ()
    monthly_links: tuple[SatisfactionLink, ...] = ()
    # Why it does not discriminate: the period's reasons, else those shared by every judged month.
    reasons: tuple[str, ...] = ()

    @property
    def discriminates(self) -> bool:
        return not self.reasons

    @property
    def weight(self) -> float:
        """Its largest share of a total, over the cycles the scheme scores it in."""
        return max(self.weights.values(), default=0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": {"en": self.name_en, "zh": self.name_zh},
            "unit": self.unit,
            "better": self.better,
            "source": self.source,
            "weights": {k: _round(v) for k, v in self.weights.items()},
            "discriminates": self.discriminates,
            "reasons": list(self.reasons),
            "spread": self.spread.to_json(),
            "satisfaction": self.link.to_json(),
            "months": [
                {"spread": s.to_json(), "satisfaction": k.to_json()}
                for s, k in zip(self.monthly, self.monthly_links, strict=True)
            ],
        }


@dataclass(frozen=True)
class RedundantPair:
    """Two scored indicators that rank agents (almost) alike; ``keep`` is the one to keep."""

    first: str
    second: str
    rho: float
    agents: int
    keep: str
    monthly: tuple[float | None, ...] = ()  # rho in each month, for how steady the likeness is

    def to_json(self) -> dict[str, Any]:
        return {
            "indicators": [self.first, self.second],
            "rho": _round(self.rho),
            "agents": self.agents,
            "keep": self.keep,
            "monthly_rho": [_round(r) for r in self.monthly],
        }


@dataclass(frozen=True)
class ChannelCoverage:
    """One channel with contacts in the period, and the rows each scored indicator counts on it."""

    channel: str
    contacts: int
    counted_by: dict[str, int]  # indicator code → rows it counts on this channel (only those > 0)
    months_uncovered: tuple[str, ...] = ()  # months with contacts on it and no row counted

    @property
    def covered(self) -> bool:
        return bool(self.counted_by)

    def to_json(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "contacts": self.contacts,
            "covered": self.covered,
            "counted_by": dict(self.counted_by),
            "months_uncovered": list(self.months_uncovered),
        }


@dataclass(frozen=True)
class ContactTypeCoverage:
    """Urgent/high-priority, VIP or complaint contacts, and the scored indicators that count them.

    ``dedicated`` lists the indicators that count nothing but contacts of this type."""

    contact_type: str
    contacts: int
    counted_by: dict[str, int]
    dedicated: tuple[str, ...] = ()

    @property
    def covered(self) -> bool:
        return bool(self.counted_by)

    def to_json(self) -> dict[str, Any]:
        return {
            "contact_type": self.contact_type,
            "contacts": self.contacts,
            "covered": self.covered,
            "counted_by": dict(self.counted_by),
            "dedicated": list(self.dedicated),
        }


@dataclass(frozen=True)
class Finding:
    """Something the review asks a person to look at, with what to do about it.

    ``code`` names the sentences (``<code>.message`` and ``<code>.suggestion`` in wording.py) and
    ``params`` fills them: ``kind`` ``not_discriminating`` comes with code ``review.constant``,
    ``review.saturated`` or ``review.narrow``, every other kind with ``review.<kind>``."""

    kind: str  # see FINDING_ORDER
    subjects: tuple[str, ...]  # indicator codes, a channel or a contact type
    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def message(self, lang: str = "en") -> str:
        return render(f"{self.code}.message", self.params, lang)

    def suggestion(self, lang: str = "en") -> str:
        return render(f"{self.code}.suggestion", self.params, lang)

    @property
    def message_en(self) -> str:
        return self.message("en")

    @property
    def message_zh(self) -> str:
        return self.message("zh")

    @property
    def suggestion_en(self) -> str:
        return self.suggestion("en")

    @property
    def suggestion_zh(self) -> str:
        return self.suggestion("zh")

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subjects": list(self.subjects),
            "message": {"en": self.message_en, "zh": self.message_zh},
            "suggestion": {"en": self.suggestion_en, "zh": self.suggestion_zh},
            **Reading(self.code, self.params).to_json(),
        }


# Most urgent first: unmeasured work, then scores that carry no information, then the rest.
FINDING_ORDER = (
    "uncovered_channel",
    "uncovered_contact_type",
    "no_data",
    "not_discriminating",
    "wrong_sign",
    "redundant",
    "weak_link",
    "reweight",
)


@dataclass(frozen=True)
class ReviewReport:
    """The review of one scheme over one period (normally a quarter) and the months inside it."""

    period: str
    months: tuple[str, ...]
    timezone: str
    scheme_version: str
    satisfaction: str  # code of the satisfaction indicator the links are computed against
    agents: int  # agents appraised in the period
    indicators: tuple[IndicatorReview, ...]
    redundant: tuple[RedundantPair, ...]
    channels: tuple[ChannelCoverage, ...]
    contact_types: tuple[ContactTypeCoverage, ...]
    channel_indicators: tuple[str, ...]  # scored indicators whose rows carry a channel
    other_indicators: tuple[str, ...]  # scored indicators on sources without a channel
    findings: tuple[Finding, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)

    def not_discriminating(self) -> list[str]:
        return [i.code for i in self.indicators if not i.discriminates]

    def uncovered_channels(self) -> list[str]:
        return [c.channel for c in self.channels if not c.covered]

    def uncovered_contact_types(self) -> list[str]:
        return [t.contact_type for t in self.contact_types if not t.covered]

    def redundant_pairs(self) -> list[tuple[str, str]]:
        return [(p.first, p.second) for p in self.redundant]

    def to_json(self) -> dict[str, Any]:
        """The ``frontdesk review --format json`` document."""
        return {
            "period": self.period,
            "months": list(self.months),
            "timezone": self.timezone,
            "scheme_version": self.scheme_version,
            "satisfaction_indicator": self.satisfaction,
            "agents": self.agents,
            "thresholds": self.thresholds.to_json(),
            "findings": [f.to_json() for f in self.findings],
            "indicators": [i.to_json() for i in self.indicators],
            "redundant": [p.to_json() for p in self.redundant],
            "coverage": {
                "channel_indicators": list(self.channel_indicators),
                "other_indicators": list(self.other_indicators),
                "channels": [c.to_json() for c in self.channels],
                "contact_types": [t.to_json() for t in self.contact_types],
            },
        }

    def to_text(self, lang: str = "en") -> str:
        """A plain-text report: findings with suggestions, then the numbers behind them."""
        return render_text(self, lang)


# --- the review ------------------------------------------------------------------------------


@dataclass
class _PeriodValues:
    """Indicator values and scheme scores of the appraised agents in one period."""

    period: Period
    agents: int
    values: dict[str, dict[str, float]]  # code → agent → value
    scores: dict[str, dict[str, float]]  # code → agent → score (0-100)


def review_scheme(
    engine: Engine,
    scheme: Scheme,
    period: Period,
    timezone: str,
    catalog: Mapping[str, Indicator] | None = None,
    *,
    thresholds: Thresholds | None = None,
    satisfaction: str = SATISFACTION,
) -> ReviewReport:
    """Review every indicator ``scheme`` scores over ``period`` (and each month inside it).

    Raises ``ValueError`` naming the indicator when the scheme scores one the catalogue lacks."""
    catalog = scheme.measured_catalog(catalog)  # each indicator as the scheme scores it
    th = thresholds or Thresholds()
    codes = scheme.indicator_codes()
    unknown = [c for c in codes if c not in catalog]
    if unknown:
        raise ValueError(f"scheme {scheme.version_id}: indicator {unknown[0]!r} is not in the catalogue")
    inds = [catalog[c] for c in codes]
    sat = catalog.get(satisfaction)
    measured = inds + ([sat] if sat is not None and sat.code not in codes else [])
    months = period.months() if period.kind != "month" else []
    rows = engine.agents()
    data = [_period_values(engine, scheme, catalog, measured, p, rows, timezone) for p in [period, *months]]
    whole, by_month = data[0], data[1:]
    weights = _cycle_weights(scheme)

    reviews = []
    for ind in inds:
        spread = _spread(ind.code, whole, th)
        monthly = tuple(_spread(ind.code, d, th) for d in by_month)
        reasons = spread.reasons
        judged = [s for s in monthly if s.judged]
        if not reasons and judged and all(s.reasons for s in judged):
            reasons = tuple(dict.fromkeys(r for s in judged for r in s.reasons))
        reviews.append(
            IndicatorReview(
                code=ind.code,
                name_en=ind.name_en,
                name_zh=ind.name_zh,
                unit=ind.unit,
                better=ind.better,
                source=ind.source,
                weights=weights.get(ind.code, {}),
                spread=spread,
                link=_link(ind, sat, whole, th),
                monthly=monthly,
                monthly_links=tuple(_link(ind, sat, d, th) for d in by_month),
                reasons=reasons,
            )
        )
    redundant = _redundant(reviews, whole, by_month, th)
    cov = _coverage(engine, inds, period, months or [period], timezone)
    findings = review_findings(reviews, redundant, cov, catalog, period, th, satisfaction)
    return ReviewReport(
        period=period.label,
        months=tuple(p.label for p in months),
        timezone=timezone,
        scheme_version=scheme.version_id,
        satisfaction=satisfaction,
        agents=whole.agents,
        indicators=tuple(reviews),
        redundant=tuple(redundant),
        channels=cov.channels,
        contact_types=cov.contact_types,
        channel_indicators=cov.channel_indicators,
        other_indicators=cov.other_indicators,
        findings=tuple(findings),
        thresholds=th,
    )


def _period_values(
    engine: Engine,
    scheme: Scheme,
    catalog: Mapping[str, Indicator],
    measured: list[Indicator],
    p: Period,
    agent_rows: list[dict],
    timezone: str,
) -> _PeriodValues:
    agents = agents_in_period(agent_rows, p)
    ids = [a.agent_id for a in agents]
    measures = engine.measures(measured, p, timezone, agent_ids=ids)
    mine = {a: measures.get(a, {}) for a in ids}
    values: dict[str, dict[str, float]] = defaultdict(dict)
    for agent, row in mine.items():
        for code, m in row.items():
            if m.value is not None and math.isfinite(m.value):
                values[code][agent] = m.value
    scores: dict[str, dict[str, float]] = defaultdict(dict)
    for card in score_period(agents, mine, scheme, catalog, p.label, p.cycle):
        for code, res in card.indicators.items():
            if res.score is not None:
                scores[code][card.agent_id] = res.score
    return _PeriodValues(p, len(ids), values, scores)


def _cycle_weights(scheme: Scheme) -> dict[str, dict[str, float]]:
    """Each indicator's nominal share of the total in every cycle it is scored in."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for cycle in CYCLES:
        dims = []
        for d in scheme.dimensions:
            inds = [si for si in d.indicators if si.code in scheme.indicator_codes(cycle)]
            if inds:
                dims.append((d.weight, inds))
        total = sum(w for w, _ in dims)
        for w, inds in dims:
            inner = sum(si.weight for si in inds)
            for si in inds:
                out[si.code][cycle] = (w / total) * (si.weight / inner)
    return out


def _key(v: float) -> float:
    """Values that print alike are alike: six significant digits."""
    return float(f"{v:.6g}")


def _spread(code: str, data: _PeriodValues, th: Thresholds) -> Spread:
    vals = list(data.values.get(code, {}).values())
    label = data.period.label
    if len(vals) < th.min_agents_spread:
        return Spread(label, len(vals), judged=False, median=_median(vals))
    arr = np.asarray(vals, dtype=float)
    q1, med, q3 = (float(x) for x in np.quantile(arr, [0.25, 0.5, 0.75]))
    iqr = q3 - q1
    mean = float(arr.mean())
    rel = iqr / abs(med) if med else None
    cv = float(arr.std()) / abs(mean) if mean else None
    modal, count = Counter(_key(v) for v in vals).most_common(1)[0]
    same = count / len(vals)
    scores = list(data.scores.get(code, {}).values())
    s_iqr = s_same = s_modal = None
    if len(scores) >= th.min_agents_spread:
        sq1, sq3 = np.quantile(np.asarray(scores, dtype=float), [0.25, 0.75])
        s_iqr = float(sq3 - sq1)
        s_modal, s_count = Counter(round(s, 1) for s in scores).most_common(1)[0]
        s_same = s_count / len(scores)
    reasons = []
    if same >= th.same_value_share:
        reasons.append("constant")
    else:
        if s_same is not None and s_same >= th.same_score_share:
            reasons.append("saturated")
        if (rel is not None and rel < th.min_relative_iqr) or (
            s_iqr is not None and s_iqr < th.min_score_iqr
        ):
            reasons.append("narrow")
    return Spread(
        period=label,
        agents=len(vals),
        judged=True,
        median=med,
        iqr=iqr,
        relative_iqr=rel,
        cv=cv,
        same_value_share=same,
        modal_value=modal,
        scored=len(scores),
        score_iqr=s_iqr,
        same_score_share=s_same,
        modal_score=s_modal,
        reasons=tuple(reasons),
    )


def _median(vals: Sequence[float]) -> float | None:
    return float(np.median(vals)) if vals else None


def _ranks(xs: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    out = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation (Pearson's r of average ranks); None when either side is flat."""
    if len(xs) != len(ys) or len(xs) < 3:
        return None
    rx, ry = np.asarray(_ranks(xs)), np.asarray(_ranks(ys))
    dx, dy = rx - rx.mean(), ry - ry.mean()
    den = math.sqrt(float((dx * dx).sum() * (dy * dy).sum()))
    return None if den == 0 else max(-1.0, min(1.0, float((dx * dy).sum()) / den))


def spearman_interval(rho: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Interval of a Spearman rho over ``n`` pairs: Fisher's z with Fieller's variance 1.06 / (n − 3).

    Not ``scipy.stats.pearsonr(...).confidence_interval()``: that one is for Pearson's r on the
    raw values, with variance 1 / (n − 3), too narrow for a rank correlation. rho is kept within
    ±0.999999 so that a perfect rank order on few agents still gets an interval, not a point.
    The effect evaluation uses this function too."""
    from scipy.stats import norm

    if n <= 3:
        return -1.0, 1.0
    z = np.arctanh(np.clip(rho, -0.999999, 0.999999))
    half = norm.ppf(0.5 + confidence / 2) * np.sqrt(1.06 / (n - 3))
    return float(np.tanh(z - half)), float(np.tanh(z + half))


def _pairs(a: Mapping[str, float], b: Mapping[str, float]) -> tuple[list[float], list[float]]:
    common = sorted(set(a) & set(b))
    return [a[k] for k in common], [b[k] for k in common]


def _link(ind: Indicator, sat: Indicator | None, data: _PeriodValues, th: Thresholds) -> SatisfactionLink:
    label = data.period.label
    if sat is None:
        return SatisfactionLink(label, 0, None, None, None, None, "not_available")
    if ind.code == sat.code:
        return SatisfactionLink(
            label, len(data.values.get(sat.code, {})), 1.0, 1.0, 1.0, 1.0, "is_satisfaction"
        )
    xs, ys = _pairs(data.values.get(ind.code, {}), data.values.get(sat.code, {}))
    n = len(xs)
    if not data.values.get(sat.code):
        return SatisfactionLink(label, n, None, None, None, None, "not_available")
    if n < th.min_agents_link:
        return SatisfactionLink(label, n, None, None, None, None, "too_few_agents")
    rho = spearman(xs, ys)
    if rho is None:
        return SatisfactionLink(label, n, None, None, None, None, "no_variation")
    sign = 1.0 if ind.better == sat.better else -1.0
    aligned = sign * rho
    lo, hi = spearman_interval(aligned, n)
    if aligned <= th.wrong_sign:
        verdict = "wrong_sign"
    elif abs(aligned) < th.weak_link:
        verdict = "weak"
    elif aligned >= th.strong_link:
        verdict = "strong"
    else:
        verdict = "moderate"
    return SatisfactionLink(label, n, rho, aligned, lo, hi, verdict)


def _redundant(
    reviews: list[IndicatorReview], data: _PeriodValues, by_month: list[_PeriodValues], th: Thresholds
) -> list[RedundantPair]:
    """Pairs that rank the period's agents (almost) alike: |rho| above ``th.redundant``."""

    def rho_of(a: str, b: str, d: _PeriodValues) -> tuple[float | None, int]:
        xs, ys = _pairs(d.values.get(a, {}), d.values.get(b, {}))
        return (spearman(xs, ys) if len(xs) >= th.min_agents_link else None), len(xs)

    out = []
    for i, a in enumerate(reviews):
        for b in reviews[i + 1 :]:
            rho, n = rho_of(a.code, b.code, data)
            if rho is None or abs(rho) <= th.redundant:
                continue
            monthly = tuple(rho_of(a.code, b.code, d)[0] for d in by_month)
            out.append(RedundantPair(a.code, b.code, rho, n, _keeper(a, b).code, monthly))
    return out


def _keeper(a: IndicatorReview, b: IndicatorReview) -> IndicatorReview:
    """Of two redundant indicators, the one that follows satisfaction better, else the heavier."""

    def merit(r: IndicatorReview) -> tuple[float, float]:
        return (r.link.aligned if r.link.aligned is not None else -2.0, r.weight)

    return b if merit(b) > merit(a) else a


# --- coverage --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    channels: tuple[ChannelCoverage, ...]
    contact_types: tuple[ContactTypeCoverage, ...]
    channel_indicators: tuple[str, ...]
    other_indicators: tuple[str, ...]


def _columns_of(engine: Engine, source: str, period: Period, timezone: str) -> set[str]:
    """The columns a table or view offers (a view's are asked of the engine: its SQL says ``*``)."""
    if source not in builtin_views():
        return set(table(source).columns)
    origin = source_expression(source, period, timezone, engine.view_params)
    result = engine.query(dialects.to_dialect(exp.select("*").from_(origin).limit(0), engine.dialect))
    return {c.lower() for c in result.column_names}


def _channel_label(v: Any) -> str:
    return NO_CHANNEL if v is None else str(v)


def _contacts_sql(p: Period, timezone: str, dialect: str) -> str:
    """Contacts of the period by channel, with how many are of each contact type."""
    q = (
        exp.select(
            exp.alias_(exp.column("channel"), "channel"),
            exp.alias_(exp.Count(this=exp.Star()), "contacts", quoted=True),
        )
        .from_(exp.to_table("interactions"))
        .where(period_condition("interactions", p, timezone))
        .group_by(exp.column("channel"))
    )
    for name, (cond, _) in CONTACT_TYPES.items():
        q = q.select(
            exp.alias_(aggregate("count(*)", cond, "review", "contact type"), f"type__{name}", quoted=True)
        )
    return dialects.to_dialect(q, dialect)


def _counted_sql(
    source: str,
    inds: list[Indicator],
    columns: set[str],
    p: Period,
    timezone: str,
    engine: Engine,
) -> str:
    """Rows each indicator counts on ``source`` in ``p``, by channel, overall and per contact type:
    the indicator's own filter, period and agent conditions, as its value query applies them."""
    key, _, _ = source_columns(source)
    where = exp.and_(period_condition(source, p, timezone), exp.column(key).is_(exp.null()).not_())

    def counted(ind: Indicator, name: str, cond: str | None) -> tuple[Column, exp.Expression]:
        return Column(f"{ind.code}__{name}", ind.code, name), aggregate("count(*)", cond, ind.code, "filter")

    cols: list[tuple[Column, exp.Expression]] = []
    for ind in inds:
        cols.append(counted(ind, "rows", ind.filter))
        for name, (cond, needs) in CONTACT_TYPES.items():
            if needs <= columns:
                cols.append(counted(ind, name, f"({ind.filter}) AND ({cond})" if ind.filter else cond))
    cols, pairs = business_pairs(cols)
    # DuckDB reads a materialised view's stored months (derived.py) instead of computing its SQL.
    origin = source_expression(source, p, timezone, engine.view_params, engine.prepare(p, timezone, {source}))
    if pairs:
        origin = business_subquery(source, pairs, where, DEFAULT_CALENDAR, origin)
    q = exp.select(exp.alias_(exp.column("channel"), "channel")).from_(origin).where(where)
    q = q.group_by(exp.column("channel"))
    for col, e in cols:
        q = q.select(exp.alias_(e, col.name, quoted=True))
    return dialects.to_dialect(q, engine.dialect)


def _coverage(
    engine: Engine, inds: list[Indicator], period: Period, months: list[Period], timezone: str
) -> Coverage:
    """Which channels and contact types have contacts that no scored indicator counts.

    Only indicators on ``interactions`` or on a view with a ``channel`` column can be placed on a
    channel; the others (surveys, inspections, 360 ratings …) are listed apart. Counted month by
    month (and summed) so the report can say since when a channel has gone unmeasured."""
    by_source: dict[str, list[Indicator]] = defaultdict(list)
    columns: dict[str, set[str]] = {}
    other: list[str] = []
    for ind in inds:
        if ind.source not in columns:
            aware = ind.source == "interactions" or ind.source in builtin_views()
            columns[ind.source] = _columns_of(engine, ind.source, period, timezone) if aware else set()
        if "channel" in columns[ind.source]:
            by_source[ind.source].append(ind)
        else:
            other.append(ind.code)
    contacts: Counter[str] = Counter()
    type_contacts: Counter[str] = Counter()
    counted: dict[str, Counter[str]] = defaultdict(Counter)  # channel → code → rows
    type_counted: dict[str, Counter[str]] = defaultdict(Counter)  # contact type → code → rows
    totals: Counter[str] = Counter()  # code → rows over every channel
    uncovered: dict[str, list[str]] = defaultdict(list)
    for m in months:
        month_contacts: Counter[str] = Counter()
        month_counted: Counter[str] = Counter()
        for r in engine.query(_contacts_sql(m, timezone, engine.dialect)).to_pylist():
            ch = _channel_label(r["channel"])
            month_contacts[ch] += int(r["contacts"] or 0)
            for name in CONTACT_TYPES:
                type_contacts[name] += int(r[f"type__{name}"] or 0)
        for source, group in by_source.items():
            sql = _counted_sql(source, group, columns[source], m, timezone, engine)
            for r in engine.query(sql).to_pylist():
                ch = _channel_label(r["channel"])
                for ind in group:
                    rows = int(r[f"{ind.code}__rows"] or 0)
                    counted[ch][ind.code] += rows
                    totals[ind.code] += rows
                    month_counted[ch] += rows
                    for name in CONTACT_TYPES:
                        type_counted[name][ind.code] += int(r.get(f"{ind.code}__{name}") or 0)
        for ch, n in month_contacts.items():
            contacts[ch] += n
            if n and not month_counted[ch]:
                uncovered[ch].append(m.label)
    channels = tuple(
        ChannelCoverage(ch, n, {c: k for c, k in counted[ch].items() if k}, tuple(uncovered[ch]))
        for ch, n in sorted(contacts.items(), key=lambda kv: (-kv[1], kv[0]))
        if n
    )
    types = tuple(
        ContactTypeCoverage(
            name,
            type_contacts[name],
            {c: k for c, k in type_counted[name].items() if k},
            tuple(c for c, k in type_counted[name].items() if k and k == totals[c]),
        )
        for name in CONTACT_TYPES
        if type_contacts[name]
    )
    aware = tuple(i.code for group in by_source.values() for i in group)
    return Coverage(channels, types, tuple(c for c in (i.code for i in inds) if c in aware), tuple(other))


# --- findings, in plain words ----------------------------------------------------------------

# The sentences are in wording.py (review.*): a finding stores its code and parameters.


def _finding(kind: str, template: str, subjects: Sequence[str], params: dict[str, Any]) -> Finding:
    return Finding(kind, tuple(subjects), f"review.{template}", params)


def _label(ind: Indicator | IndicatorReview) -> Reading:
    """How findings name an indicator: its name in the reader's language and its code."""
    return Reading("review.indicator", {"name": Term(ind.name_en, ind.name_zh), "code": ind.code})


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:,.4g}"


def review_findings(
    reviews: list[IndicatorReview],
    redundant: list[RedundantPair],
    cov: Coverage,
    catalog: Mapping[str, Indicator],
    period: Period,
    th: Thresholds,
    satisfaction: str,
) -> list[Finding]:
    out: list[Finding] = []
    for c in cov.channels:
        if not c.covered:
            months = list(c.months_uncovered)
            since = Reading("review.since", {"months": months}) if months else ""
            params = {"channel": c.channel, "contacts": c.contacts, "since": since}
            out.append(_finding("uncovered_channel", "uncovered_channel", [c.channel], params))
    for t in cov.contact_types:
        if not t.covered:
            params = {"contacts": t.contacts, "type": Reading(f"review.contact_type.{t.contact_type}")}
            out.append(_finding("uncovered_contact_type", "uncovered_contact_type", [t.contact_type], params))
    for r in reviews:
        base: dict[str, Any] = {"label": _label(r), "period": period.label, "source": r.source}
        s = r.spread
        if s.agents == 0:
            out.append(_finding("no_data", "no_data", [r.code], base))
            continue
        if not r.reasons:
            continue
        first = r.reasons[0]
        # Reasons found month by month are shown with one of those months' numbers.
        src = s if s.reasons else next(m for m in r.monthly if m.judged and m.reasons)
        monthly = src is not s
        base |= {
            "agents": src.agents,
            "share": (src.same_value_share if first == "constant" else src.same_score_share) or 0.0,
            "value": _num(src.modal_value),
            "score": src.modal_score if src.modal_score is not None else 0.0,
            "median": _num(src.median),
            "rel": "—" if src.relative_iqr is None else f"{src.relative_iqr:.1%}",
            "scorespan": _num(src.score_iqr),
            "weight": r.weight,
            "when": Reading("review.when.monthly", {"period": period.label, "shown": src.period})
            if monthly
            else "",
        }
        out.append(_finding("not_discriminating", first, [r.code], base))
    for p in redundant:
        params = {
            "a": _label(catalog[p.first]),
            "b": _label(catalog[p.second]),
            "rho": p.rho,
            "agents": p.agents,
            "keep": p.keep,
        }
        out.append(_finding("redundant", "redundant", [p.first, p.second], params))
    for r in reviews:
        k = r.link
        if k.verdict not in ("wrong_sign", "weak") or not r.discriminates:
            continue
        better = "higher" if r.better == "higher" else "lower"
        params = {
            "label": _label(r),
            "rho": k.aligned,
            "agents": k.agents,
            "better": r.better,
            "better_words": Reading(f"review.better.{better}"),
        }
        kind = "wrong_sign" if k.verdict == "wrong_sign" else "weak_link"
        out.append(_finding(kind, kind, [r.code], params))
    strong = [
        r.code for r in reviews if r.link.verdict == "strong" and r.code != satisfaction and r.discriminates
    ]
    weak = [r for r in reviews if r.link.verdict in ("weak", "wrong_sign") and r.weight > 0]
    if strong and weak:
        weak_codes = [r.code for r in weak]
        params = {
            "strong_link": th.strong_link,
            "weak_weight": sum(r.weight for r in weak),
            "strong": strong,
            "weak": weak_codes,
        }
        out.append(_finding("reweight", "reweight", weak_codes + strong, params))
    out.sort(key=lambda f: FINDING_ORDER.index(f.kind))
    return out


# --- text ------------------------------------------------------------------------------------


def render_text(report: ReviewReport, lang: str = "en") -> str:
    """The report as plain text in ``lang`` (en or zh); codes and numbers are the same in both."""
    lang = lang_of(lang)

    def h(key: str, /, **params: Any) -> str:
        return render(f"review.heading.{key}", params, lang)

    months = f" ({', '.join(report.months)})" if report.months else ""
    who = h("agents", n=report.agents)
    lines = [
        f"{h('title')} {report.period}{months} · {report.scheme_version} · {who} · {report.timezone}",
        "",
        h("findings"),
    ]
    if not report.findings:
        lines.append(f"  {h('none')}")
    for f in report.findings:
        lines.append(f"  ! {f.message(lang)}")
        lines.append(f"    → {f.suggestion(lang)}")
    lines += ["", h("indicators", period=report.period, sat=report.satisfaction)]
    head = f"  {'indicator':<28}{'weight':>7}{'agents':>7}{'median':>10}{'IQR':>9}{'IQR/med':>8}{'same':>6}"
    head += f"{'scoreIQR':>9}{'rho':>7}  {'months':<8}verdict"
    lines.append(head)
    for r in report.indicators:
        s, k = r.spread, r.link
        marks = "".join("·" if not m.judged else ("x" if m.reasons else "o") for m in r.monthly)
        verdict = ", ".join(r.reasons) if r.reasons else "ok"
        verdict += f"; {k.verdict}" if k.verdict not in ("is_satisfaction",) else "; satisfaction"
        lines.append(
            f"  {r.code:<28}{r.weight:>7.0%}{s.agents:>7}{_num(s.median):>10}{_num(s.iqr):>9}"
            f"{_pct(s.relative_iqr):>8}{_pct(s.same_value_share):>6}{_num(s.score_iqr):>9}"
            f"{_signed(k.aligned):>7}  {marks:<8}{verdict}"
        )
    if report.redundant:
        lines += ["", h("redundant", r=report.thresholds.redundant)]
        for p in report.redundant:
            months = ", ".join(_signed(r) for r in p.monthly)
            months = h("by_month", rhos=months) if months else ""
            who, keep = h("agents", n=p.agents), h("keep", code=p.keep)
            lines.append(f"  {p.first} ~ {p.second}: rho {p.rho:+.2f} ({who}{months}) → {keep}")
    lines += ["", h("channels")]
    for c in report.channels:
        counted = ", ".join(f"{code} {n:,}" for code, n in c.counted_by.items()) or h("no_indicator")
        lines.append(f"  {c.channel:<10}{c.contacts:>10,}  {counted}")
    if report.contact_types:
        lines += ["", h("types")]
        for t in report.contact_types:
            counted = ", ".join(f"{code} {n:,}" for code, n in t.counted_by.items()) or h("no_indicator")
            extra = f"  [{h('dedicated')}: {', '.join(t.dedicated)}]" if t.dedicated else ""
            lines.append(f"  {t.contact_type:<10}{t.contacts:>10,}  {counted}{extra}")
    if report.other_indicators:
        lines += ["", h("other", codes=", ".join(report.other_indicators))]
    return "\n".join(lines) + "\n"


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.0%}"


def _signed(v: float | None) -> str:
    return "—" if v is None else f"{v:+.2f}"


def _round(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 6) if math.isfinite(v) else None
    if isinstance(v, tuple):
        return [_round(x) for x in v]
    return v
