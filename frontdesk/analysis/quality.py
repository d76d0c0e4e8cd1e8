"""The data-quality report of one period and team selection (MISSION Q1; docs/data-quality.md).

How far can a period's scores be trusted? Computed with DuckDB over the event store:

- **recording**: per team, how many contacts were recorded by a system, by hand, or unknown; per
  indicator, the share of its rows recorded by hand (the engine's ``Measure.manual_share``);
- **heaping**: hand-recorded durations tested for heaping on whole minutes (60 s) and on whole five
  minutes (300 s) with a one-sided exact binomial test against the share smooth data would put
  there;
- **surveys**: the response rate (contacts with a post-contact survey / contacts) per team and
  agent, and per agent whether the CSAT and NPS samples support a reliable score: a 95 % interval
  no wider than that of the scheme's ``min_n`` ratings split evenly (the widest case);
- **findings**, each with the keys of its records: the same interaction id stored twice; the same
  customer and agent within seconds under two ids; durations beyond a robust bound (median + k·MAD
  of the log durations per channel); contacts of agents with no roster entry; impossible times;
- **refused rows**: per agent, the rows imports refused into quarantine in batches created in the
  period. They come from the import reports (``frontdesk.ingest.refusals``), which this module
  does not read: the caller passes the counts (``refused``), so the engine does not depend on
  ingest.

``annotate_scorecards`` turns the agent-level findings into scorecard flags; ``scorecard_flags``
computes those flags alone, without the parts of the report no scorecard uses (the recording
counts, unknown agents, team and selection rows), and gives the same flags as the full report's
``agent_flags()``. No Django here.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from statistics import NormalDist
from typing import Any

from frontdesk.indicators.catalog import Indicator
from frontdesk.indicators.engines import Engine
from frontdesk.indicators.periods import Period
from frontdesk.scoring.scheme import Scheme
from frontdesk.scoring.scorecard import Scorecard

# Durations checked for heaping and outliers: a name → its SQL over the contacts ``c``.
DURATIONS = {
    "handle_seconds": "handle_seconds",
    "wait_seconds": "wait_seconds",
    "first_response_seconds": "(epoch_us(first_response_at) - epoch_us(created_at)) / 1000000.0",
    "resolution_seconds": "(epoch_us(resolved_at) - epoch_us(created_at)) / 1000000.0",
}

# Durations checked for outliers: the handling and waiting times (resolution spans hours to weeks
# by design, so a robust bound on it flags ordinary slow tickets).
OUTLIER_DURATIONS = ("handle_seconds", "wait_seconds")

# Which indicators a heaped duration distorts: the wait is part of the first response's clock.
HEAPING_INDICATORS = {
    "handle_seconds": ("handle_time",),
    "wait_seconds": (
        "first_response",
        "first_response_business",
        "urgent_response",
        "urgent_response_business",
    ),
    "first_response_seconds": (
        "first_response",
        "first_response_business",
        "urgent_response",
        "urgent_response_business",
    ),
    "resolution_seconds": ("ticket_turnaround", "ticket_turnaround_business"),
}

# Survey kinds whose per-agent sample is judged, and the indicators each feeds.
SURVEY_INDICATORS = {"csat": ("csat", "csat_mean"), "nps": ("nps",)}

# Impossible times: rule → SQL condition on a contact.
IMPOSSIBLE = {
    "first_response_before_created": "first_response_at < created_at",
    "resolved_before_created": "resolved_at < created_at",
    "closed_before_created": "closed_at < created_at",
    "closed_before_resolved": "closed_at < resolved_at",
    "negative_handle_seconds": "handle_seconds < 0",
    "negative_wait_seconds": "wait_seconds < 0",
}

# Scorecard flags this report adds (labels: frontdesk/web/appraisal/templatetags/scorecard_format.py).
FLAG_UNRELIABLE_SAMPLE = "unreliable_sample"
FLAG_HEAPED = "heaped_durations"
FLAG_DUPLICATES = "duplicate_records"
FLAG_OUTLIERS = "outlier_records"
FLAG_IMPOSSIBLE = "impossible_times"
FLAG_REFUSED = "refused_rows"
CARD_FLAGS = {
    "duplicate_id": FLAG_DUPLICATES,
    "duplicate_contact": FLAG_DUPLICATES,
    "outlier": FLAG_OUTLIERS,
    "impossible_time": FLAG_IMPOSSIBLE,
}


@dataclass(frozen=True)
class Thresholds:
    """Every threshold of the report, stated (and printed with it)."""

    alpha: float = 0.01  # significance level of the one-sided binomial heaping tests
    heaping_min_n: int = 10  # values needed before a heaping test is made
    minute_expected: float = 1 / 60  # share of smooth second-level durations on a whole minute
    # Of whole-minute durations of 4 minutes or more on a multiple of five or next to one (m-1,
    # m, m+1), a smooth distribution puts about a third on the multiple (less where it falls).
    five_expected: float = 1 / 3
    heaping_index: float = 1.5  # and the observed share must reach this many times the expected
    confidence: float = 0.95  # level of the survey intervals
    duplicate_window_seconds: int = 60  # same customer and agent within this many seconds
    outlier_k: float = 3.5  # bound = median + k × 1.4826 × MAD of ln(seconds), per channel
    outlier_min_n: int = 20  # values per channel needed before a bound is set
    outlier_flag_share: float = 0.01  # a scorecard is flagged when its outliers reach this share of contacts
    manual_share_flag: float = 0.3  # a team with more hand-recorded contacts than this is flagged


@dataclass(frozen=True)
class SourceRecording:
    """How one team's contacts (or the whole selection's, ``team_id`` None) were recorded."""

    team_id: str | None
    system: int
    manual: int
    unknown: int

    @property
    def total(self) -> int:
        return self.system + self.manual + self.unknown

    @property
    def system_share(self) -> float | None:
        return self.system / self.total if self.total else None

    @property
    def manual_share(self) -> float | None:
        return self.manual / self.total if self.total else None


@dataclass(frozen=True)
class IndicatorRecording:
    """One indicator's rows in the selection and the share of them recorded by hand (None: its
    source does not say how rows were recorded)."""

    code: str
    source: str
    n: int
    manual_share: float | None

    @property
    def system_share(self) -> float | None:
        return None if self.manual_share is None else 1.0 - self.manual_share


@dataclass(frozen=True)
class HeapingTest:
    """Hand-recorded durations of one measure for a team, an agent or the selection (both None).

    Test 1 (minutes): of the ``n`` positive durations, rounded to the second, ``on_minute`` are a
    whole minute, against ``minute_expected`` (1/60) for smooth data. Test 2 (five minutes): of the
    whole-minute durations of at least 4 minutes that are a multiple of five minutes or one minute
    off one (``near_five``), ``on_five`` are on the multiple, against ``five_expected`` (1/3: a
    smooth distribution is about as frequent at m as at m ± 1). Each p-value is the exact one-sided
    binomial P(X ≥ observed), None below ``heaping_min_n`` values. A test is positive when p <
    alpha and the observed share is at least ``heaping_index`` times the expected one (with
    thousands of values, a tiny bump is significant but harmless). ``heaped`` is test 2 positive:
    the distortion scorecards are flagged for; ``minute_rounded`` is test 1 positive."""

    team_id: str | None
    agent_id: str | None
    measure: str
    n: int
    on_minute: int
    near_five: int
    on_five: int
    minute_p: float | None
    five_p: float | None
    heaped: bool
    minute_rounded: bool

    @property
    def minute_share(self) -> float | None:
        return self.on_minute / self.n if self.n else None

    @property
    def five_share(self) -> float | None:
        return self.on_five / self.near_five if self.near_five else None


@dataclass(frozen=True)
class SampleReliability:
    """One agent's survey sample of one kind: value, its interval, and whether it is narrow enough.

    csat: top-2-box share (percent) with a Wilson interval. nps: promoters − detractors (points)
    with an adjusted Wald interval (¾ promoter, ¾ detractor and 1½ passive pseudo-answers added,
    so identical answers still have a width). ``max_width`` is the width of the same interval for
    ``min_n`` answers split evenly (the widest case); reliable = ``width <= max_width``."""

    kind: str
    n: int
    value: float
    low: float
    high: float
    max_width: float
    min_n: int
    method: str

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def reliable(self) -> bool:
        return self.width <= self.max_width + 1e-9


@dataclass(frozen=True)
class SurveyCoverage:
    """Contacts (not abandoned, created in the period) and those with a post-contact survey
    (csat, nps or ces, linked by interaction id) of one team, agent or the selection."""

    team_id: str | None
    agent_id: str | None
    contacts: int
    responded: int
    samples: tuple[SampleReliability, ...] = ()

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.contacts if self.contacts else None


@dataclass(frozen=True)
class Finding:
    """A record-level problem, with the keys of the records so a user can find them.

    ``check``: duplicate_id, duplicate_contact, outlier, impossible_time, unknown_agent,
    implausible_customer (``keys``: the customer id, ``value``: its most contacts within 30 days
    from one of its contacts of the period, ``bound``: ``repeat_max_contacts``) or before_hire
    (``keys``: the agent's contacts dated before their hire date, ``value``: how many, ``what``:
    ``hire_date YYYY-MM-DD``);
    ``what``: the column, measure or rule; ``value``: the offending value (seconds; a count for
    duplicate ids and unknown agents); ``bound``: the bound it passed (outliers, duplicate window)."""

    check: str
    table: str
    keys: tuple[str, ...]
    agent_id: str | None
    team_id: str | None
    what: str
    value: float | None = None
    bound: float | None = None


@dataclass(frozen=True)
class RefusedRows:
    """Rows of one agent that imports refused into quarantine, in the batches created in the
    period; ``team_id`` is the agent's roster team (None: not on the roster)."""

    agent_id: str
    team_id: str | None
    rows: int


@dataclass
class AgentFlags:
    """The flags this report adds to one agent's scorecard and to its indicators."""

    card: set[str] = field(default_factory=set)
    indicators: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


@dataclass
class QualityReport:
    """Everything the report found for one period and team selection (None = every team)."""

    period: str
    timezone: str
    teams: tuple[str, ...] | None
    thresholds: Thresholds
    recording: list[SourceRecording]
    indicators: list[IndicatorRecording]
    heaping: list[HeapingTest]
    coverage: list[SurveyCoverage]
    findings: list[Finding]
    refused: list[RefusedRows] = field(default_factory=list)

    def findings_of(self, check: str) -> list[Finding]:
        return [f for f in self.findings if f.check == check]

    def agent_flags(self) -> dict[str, AgentFlags]:
        """Per agent: card flags from record findings, indicator flags from heaping and samples."""
        out: dict[str, AgentFlags] = defaultdict(AgentFlags)
        outliers: dict[str, int] = defaultdict(int)
        for f in self.findings:
            if f.agent_id is None or f.check not in CARD_FLAGS:
                continue
            if f.check == "outlier":
                outliers[f.agent_id] += 1
            else:
                out[f.agent_id].card.add(CARD_FLAGS[f.check])
        contacts = {c.agent_id: c.contacts for c in self.coverage if c.agent_id is not None}
        for agent, k in outliers.items():
            # One odd record among thousands moves no mean: flag when they are a real share.
            if k >= self.thresholds.outlier_flag_share * max(contacts.get(agent, 0), 1):
                out[agent].card.add(FLAG_OUTLIERS)
        for h in self.heaping:
            if h.agent_id is not None and h.heaped:
                for code in HEAPING_INDICATORS[h.measure]:
                    out[h.agent_id].indicators[code].add(FLAG_HEAPED)
        for cov in self.coverage:
            if cov.agent_id is None:
                continue
            for s in cov.samples:
                if not s.reliable:
                    for code in SURVEY_INDICATORS[s.kind]:
                        out[cov.agent_id].indicators[code].add(FLAG_UNRELIABLE_SAMPLE)
        for r in self.refused:
            if r.rows > 0:  # a refused row is a contact no indicator counts, however few
                out[r.agent_id].card.add(FLAG_REFUSED)
        return dict(out)

    def summary(self) -> dict[str, int]:
        """Counts per kind of problem (findings count records where one finding names several)."""
        return {
            "duplicate_ids": len(self.findings_of("duplicate_id")),
            "duplicate_contacts": len(self.findings_of("duplicate_contact")),
            "outliers": len(self.findings_of("outlier")),
            "impossible_times": len(self.findings_of("impossible_time")),
            "unknown_agents": len(self.findings_of("unknown_agent")),
            "heaped": sum(1 for h in self.heaping if h.agent_id is not None and h.heaped),
            "unreliable_samples": sum(
                1 for c in self.coverage if c.agent_id is not None for s in c.samples if not s.reliable
            ),
            "refused_rows": sum(r.rows for r in self.refused),
            "implausible_customers": len(self.findings_of("implausible_customer")),
            "before_hire": sum(int(f.value or 0) for f in self.findings_of("before_hire")),
        }

    def to_json(self) -> dict[str, Any]:
        """The ``frontdesk quality --format json`` document (keys in docs/data-quality.md)."""
        flags = self.agent_flags()
        return {
            "period": self.period,
            "timezone": self.timezone,
            "teams": None if self.teams is None else list(self.teams),
            "thresholds": asdict(self.thresholds),
            "summary": self.summary(),
            "recording": {
                "teams": [
                    {
                        **asdict(r),
                        "total": r.total,
                        "system_share": r.system_share,
                        "manual_share": r.manual_share,
                        "flagged": (r.manual_share or 0.0) > self.thresholds.manual_share_flag,
                    }
                    for r in self.recording
                ],
                "indicators": [{**asdict(r), "system_share": r.system_share} for r in self.indicators],
            },
            "heaping": [
                {
                    **asdict(h),
                    "minute_share": h.minute_share,
                    "five_share": h.five_share,
                    "minute_expected": self.thresholds.minute_expected,
                    "five_expected": self.thresholds.five_expected,
                }
                for h in self.heaping
            ],
            "surveys": [
                {
                    "team_id": c.team_id,
                    "agent_id": c.agent_id,
                    "contacts": c.contacts,
                    "responded": c.responded,
                    "response_rate": c.response_rate,
                    "samples": [{**asdict(s), "width": s.width, "reliable": s.reliable} for s in c.samples],
                }
                for c in self.coverage
            ],
            "findings": [{**asdict(f), "keys": list(f.keys)} for f in self.findings],
            "refused_rows": [asdict(r) for r in self.refused],
            "agent_flags": {
                agent: {
                    "flags": sorted(f.card),
                    "indicators": {code: sorted(v) for code, v in sorted(f.indicators.items())},
                }
                for agent, f in sorted(flags.items())
            },
        }


# Statistics ----------------------------------------------------------------------------------------


def binomial_upper_p(k: int, n: int, p: float) -> float:
    """Exact one-sided binomial p-value P(X ≥ k) for X ~ Binomial(n, p)."""
    from scipy.stats import binom

    if k <= 0:
        return 1.0
    return float(binom.sf(k - 1, n, p))


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion (0..1), by ``scipy.stats.binomtest``: exactly 0 for
    no successes and exactly 1 for all (a hand-written formula left 2.8e-17 for 0 of 10, which
    made a team without a single appeal look as if it appealed more than a rest with none)."""
    from scipy.stats import binomtest

    ci = binomtest(int(successes), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def nps_interval(promoters: int, detractors: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Adjusted Wald interval of NPS (−1..1): ¾ promoter, ¾ detractor, 1½ passive added."""
    z = _z(confidence)
    m = n + 3
    pp, pd = (promoters + 0.75) / m, (detractors + 0.75) / m
    centre = pp - pd
    half = z * math.sqrt(max(0.0, pp + pd - centre * centre) / m)
    return max(-1.0, centre - half), min(1.0, centre + half)


def csat_sample(top2: int, n: int, min_n: int, confidence: float = 0.95) -> SampleReliability:
    """An agent's CSAT sample: top-2-box percent, Wilson interval, widest width allowed at ``min_n``."""
    lo, hi = wilson(top2, n, confidence)
    wlo, whi = _wilson_half(min_n, confidence)
    return SampleReliability(
        "csat", n, 100.0 * top2 / n, 100.0 * lo, 100.0 * hi, 100.0 * (whi - wlo), min_n, "wilson"
    )


def _wilson_half(n: int, confidence: float) -> tuple[float, float]:
    """The Wilson interval of ``n`` answers at an observed share of exactly one half. Written out,
    not ``wilson``: for an odd ``n`` one half of the answers is not a whole count, which
    ``binomtest`` requires."""
    z = _z(confidence)
    den = 1 + z * z / n
    half = z * math.sqrt(0.25 / n + z * z / (4 * n * n)) / den
    return 0.5 - half, 0.5 + half


def nps_sample(
    promoters: int, detractors: int, n: int, min_n: int, confidence: float = 0.95
) -> SampleReliability:
    """An agent's NPS sample: NPS points, adjusted Wald interval, widest width allowed at ``min_n``."""
    lo, hi = nps_interval(promoters, detractors, n, confidence)
    z, m = _z(confidence), min_n + 3
    half_even = z * math.sqrt((min_n + 1.5) / m / m)  # half promoters, half detractors: variance (n+1.5)/m
    return SampleReliability(
        "nps",
        n,
        100.0 * (promoters - detractors) / n,
        100.0 * lo,
        100.0 * hi,
        200.0 * half_even,
        min_n,
        "adjusted_wald",
    )


def survey_min_n(scheme: Scheme | None, catalog: Mapping[str, Indicator]) -> dict[str, int]:
    """The minimum sample of each judged survey kind: the scheme's ``min_n`` for its indicator
    (csat, nps) when it sets one, else the catalogue's."""
    out = {}
    for kind, codes in SURVEY_INDICATORS.items():
        code = codes[0]
        rule = None
        if scheme is not None:
            rule = next((i for d in scheme.dimensions for i in d.indicators if i.code == code), None)
        out[kind] = rule.min_n if rule is not None and rule.min_n is not None else catalog[code].min_n
    return out


def team_and_descendants(teams: Iterable[Mapping[str, Any]], team_id: str) -> set[str]:
    """``team_id`` and every team below it (``teams`` rows with team_id and parent_id)."""
    children: dict[str, list[str]] = defaultdict(list)
    for t in teams:
        if t.get("parent_id"):
            children[str(t["parent_id"])].append(str(t["team_id"]))
    found, frontier = {team_id}, [team_id]
    while frontier:
        nxt = [c for t in frontier for c in children.get(t, []) if c not in found]
        found.update(nxt)
        frontier = nxt
    return found


# SQL ------------------------------------------------------------------------------------------------


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ts(t: datetime) -> str:
    return f"TIMESTAMPTZ '{t.strftime('%Y-%m-%d %H:%M:%S.%f')}+00'"


def _contacts(lo: datetime, hi: datetime) -> str:
    """CTEs ``roster`` and ``c``: the period's contacts with the team each belongs to (the roster
    team of its agent, else the contact's own team, else '' for none) and whether its agent is on
    the roster."""
    return f"""roster AS (SELECT agent_id, any_value(team_id) AS team_id FROM agents GROUP BY agent_id),
c AS (
  SELECT i.*, coalesce(r.team_id, i.team_id, '') AS q_team, r.agent_id IS NOT NULL AS on_roster
  FROM interactions i LEFT JOIN roster r ON r.agent_id = i.agent_id
  WHERE i.created_at >= {_ts(lo)} AND i.created_at < {_ts(hi)}
)"""


def _durations(names: Iterable[str] = tuple(DURATIONS)) -> str:
    parts = [
        f"SELECT interaction_id, agent_id, q_team, channel, recorded_by, '{name}' AS measure, "
        f"CAST({DURATIONS[name]} AS DOUBLE) AS s FROM c"
        for name in names
    ]
    return "d AS (\n  " + "\n  UNION ALL ".join(parts) + "\n)"


def _scope(selected: tuple[str, ...] | None, column: str = "q_team") -> str:
    """The SQL condition keeping the selection's teams (TRUE for every team)."""
    if selected is None:
        return "TRUE"
    return f"{column} IN ({', '.join(_lit(t) for t in selected)})" if selected else "FALSE"


def _rows(engine: Engine, sql: str) -> list[dict[str, Any]]:
    return engine.query(sql).to_pylist()


def quality_report(
    engine: Engine,
    period: Period,
    timezone: str,
    *,
    teams: Iterable[str] | None = None,
    min_n: Mapping[str, int] | None = None,
    indicators: Sequence[Indicator] = (),
    thresholds: Thresholds | None = None,
    refused: Mapping[str, int] | None = None,
) -> QualityReport:
    """The data-quality report of ``period`` for ``teams`` (None: every team; give a team's
    sub-teams too, see ``team_and_descendants``). ``engine`` must speak DuckDB SQL over the event
    store (``DuckDBEngine``); ``min_n`` per survey kind (``survey_min_n``); ``indicators`` are those
    whose hand-recorded share is reported (they cost one engine pass); ``refused``: rows refused
    per agent by the imports of the period (``frontdesk.ingest.refusals.refused_rows_by_agent``
    over the period's UTC bounds), kept for the agents of the selection."""
    if engine.dialect != "duckdb":
        raise ValueError(f"the quality report runs on DuckDB, not {engine.name}")
    th = thresholds or Thresholds()
    selected = None if teams is None else tuple(sorted(set(teams)))
    scope = _scope(selected)
    lo, hi = period.utc_bounds(timezone)
    base = "WITH " + _contacts(lo, hi)
    min_n = dict(min_n or {"csat": 20, "nps": 20})

    recording = _recording(engine, base, scope)
    heaping = _heaping(engine, base, scope, th)
    coverage = _coverage(engine, base, scope, lo, hi, min_n, th)
    findings = (
        _duplicates(engine, base, selected, lo, hi, th)
        + _outliers(engine, base, selected, th)
        + _impossible(engine, base, scope)
        + _unknown_agents(engine, base, scope)
        + _implausible_customers(engine, base, scope, lo, hi)
        + _before_hire(engine, base, scope, timezone)
    )
    ind_rows = (
        _indicator_recording(engine, indicators, period, timezone, base, selected) if indicators else []
    )
    return QualityReport(
        period.label,
        timezone,
        selected,
        th,
        recording,
        ind_rows,
        heaping,
        coverage,
        findings,
        _refused(engine, refused, selected),
    )


def scorecard_flags(
    engine: Engine,
    period: Period,
    timezone: str,
    *,
    min_n: Mapping[str, int] | None = None,
    thresholds: Thresholds | None = None,
    refused: Mapping[str, int] | None = None,
) -> dict[str, AgentFlags]:
    """The flags ``quality_report(engine, period, timezone, min_n=…).agent_flags()`` gives, at the
    cost of what they need: the agents' heaping tests, survey samples and contact counts, and the
    findings that flag a card (duplicates, outliers, impossible times). What a scorecard never
    shows (recording counts, unknown agents, team and selection rows) is not computed."""
    if engine.dialect != "duckdb":
        raise ValueError(f"the quality report runs on DuckDB, not {engine.name}")
    th = thresholds or Thresholds()
    lo, hi = period.utc_bounds(timezone)
    base = "WITH " + _contacts(lo, hi)
    min_n = dict(min_n or {"csat": 20, "nps": 20})
    partial = QualityReport(
        period.label,
        timezone,
        None,
        th,
        [],
        [],
        _heaping(engine, base, "TRUE", th, agents_only=True),
        _coverage(engine, base, "TRUE", lo, hi, min_n, th, agents_only=True),
        _duplicates(engine, base, None, lo, hi, th)
        + _outliers(engine, base, None, th)
        + _impossible(engine, base, "TRUE"),
        [RefusedRows(a, None, int(n)) for a, n in sorted((refused or {}).items()) if int(n) > 0],
    )
    return partial.agent_flags()


def _refused(
    engine: Engine, refused: Mapping[str, int] | None, selected: tuple[str, ...] | None
) -> list[RefusedRows]:
    """The refused rows per agent with the agent's roster team, for the agents of the selection
    (agents not on the roster only when every team is reported: they belong to no team)."""
    counts = {str(a): int(n) for a, n in (refused or {}).items() if int(n) > 0}
    if not counts:
        return []
    roster: dict[str, str | None] = {}
    for r in engine.agents():
        roster.setdefault(str(r["agent_id"]), r.get("team_id"))
    out = [RefusedRows(agent, roster.get(agent), n) for agent, n in sorted(counts.items())]
    if selected is not None:
        out = [r for r in out if r.team_id in selected]
    return out


def _recording(engine: Engine, base: str, scope: str) -> list[SourceRecording]:
    rows = _rows(
        engine,
        f"""{base}
SELECT grouping(q_team) AS g_team, q_team,
       count(*) FILTER (WHERE recorded_by = 'system') AS system,
       count(*) FILTER (WHERE recorded_by = 'manual') AS manual,
       count(*) FILTER (WHERE recorded_by IS NULL OR recorded_by NOT IN ('system', 'manual')) AS unknown
FROM c WHERE {scope} GROUP BY GROUPING SETS ((), (q_team))""",
    )
    out = [
        SourceRecording(
            None if r["g_team"] else r["q_team"], int(r["system"]), int(r["manual"]), int(r["unknown"])
        )
        for r in rows
    ]
    if not any(r.team_id is None for r in out):
        out.append(SourceRecording(None, 0, 0, 0))
    out.sort(key=lambda r: (r.team_id is not None, r.team_id or ""))  # the selection, then its teams
    return out


def _heaping(
    engine: Engine, base: str, scope: str, th: Thresholds, agents_only: bool = False
) -> list[HeapingTest]:
    sets = (
        "(q_team, agent_id, measure)"
        if agents_only
        else "(measure), (q_team, measure), (q_team, agent_id, measure)"
    )
    rows = _rows(
        engine,
        f"""{base}, {_durations()},
m AS (SELECT *, CAST(round(s) AS BIGINT) AS r FROM d WHERE recorded_by = 'manual' AND s > 0 AND {scope})
SELECT grouping(q_team) AS g_team, grouping(agent_id) AS g_agent, q_team, agent_id, measure,
       count(*) AS n, count(*) FILTER (WHERE r % 60 = 0) AS on_minute,
       count(*) FILTER (WHERE r % 60 = 0 AND r >= 240 AND (r // 60) % 5 IN (0, 1, 4)) AS near_five,
       count(*) FILTER (WHERE r % 60 = 0 AND r >= 240 AND (r // 60) % 5 = 0) AS on_five
FROM m GROUP BY GROUPING SETS ({sets})""",
    )
    out = []
    for r in rows:
        if not r["g_agent"] and r["agent_id"] is None:
            continue  # contacts of no agent: in their team's row, no agent row
        n, on_minute, near, on_five = int(r["n"]), int(r["on_minute"]), int(r["near_five"]), int(r["on_five"])
        minute_p = binomial_upper_p(on_minute, n, th.minute_expected) if n >= th.heaping_min_n else None
        five_p = binomial_upper_p(on_five, near, th.five_expected) if near >= th.heaping_min_n else None
        out.append(
            HeapingTest(
                team_id=None if r["g_team"] else r["q_team"],
                agent_id=None if r["g_agent"] else r["agent_id"],
                measure=r["measure"],
                n=n,
                on_minute=on_minute,
                near_five=near,
                on_five=on_five,
                minute_p=minute_p,
                five_p=five_p,
                heaped=heaping_positive(five_p, on_five, near, th.five_expected, th),
                minute_rounded=heaping_positive(minute_p, on_minute, n, th.minute_expected, th),
            )
        )
    out.sort(
        key=lambda h: (
            h.team_id is not None,
            h.agent_id is not None,
            h.team_id or "",
            h.agent_id or "",
            list(DURATIONS).index(h.measure),
        )
    )
    return out


def heaping_positive(p: float | None, k: int, n: int, expected: float, th: Thresholds) -> bool:
    """A heaping test is positive: significant, and the share at least ``heaping_index`` × expected."""
    return p is not None and p < th.alpha and k / n >= th.heaping_index * expected


def _coverage(
    engine: Engine,
    base: str,
    scope: str,
    lo: datetime,
    hi: datetime,
    min_n: Mapping[str, int],
    th: Thresholds,
    agents_only: bool = False,
) -> list[SurveyCoverage]:
    # agents_only (scorecard flags): per agent only the contacts, which the outlier share needs;
    # no responses and no team rows; samples keep their roster team only.
    contacts = (
        _rows(
            engine,
            f"""{base}
SELECT 0 AS g_team, 0 AS g_agent, q_team, agent_id, count(DISTINCT interaction_id) AS contacts, 0 AS responded
FROM c WHERE NOT coalesce(abandoned, FALSE) AND {scope} GROUP BY q_team, agent_id""",
        )
        if agents_only
        else _rows(
            engine,
            f"""{base},
resp AS (SELECT DISTINCT interaction_id FROM surveys
         WHERE kind IN ('csat', 'nps', 'ces') AND interaction_id IS NOT NULL),
k AS (SELECT DISTINCT c.interaction_id, c.agent_id, c.q_team, resp.interaction_id IS NOT NULL AS responded
      FROM c LEFT JOIN resp ON resp.interaction_id = c.interaction_id
      WHERE NOT coalesce(c.abandoned, FALSE) AND {scope})
SELECT grouping(q_team) AS g_team, grouping(agent_id) AS g_agent, q_team, agent_id,
       count(*) AS contacts, count(*) FILTER (WHERE responded) AS responded
FROM k GROUP BY GROUPING SETS ((), (q_team), (q_team, agent_id))""",
        )
    )
    # Only the interactions this period's surveys name: the same rows as grouping the whole history.
    linked = (
        ""
        if agents_only
        else f"""linked AS (SELECT interaction_id, any_value(team_id) AS team_id FROM interactions
           WHERE interaction_id IN (SELECT interaction_id FROM surveys
                                    WHERE submitted_at >= {_ts(lo)} AND submitted_at < {_ts(hi)})
           GROUP BY interaction_id),"""
    )
    team = "coalesce(r.team_id, '')" if agents_only else "coalesce(r.team_id, l.team_id, '')"
    join = "" if agents_only else "LEFT JOIN linked l ON l.interaction_id = v.interaction_id"
    samples = _rows(
        engine,
        f"""{base},
{linked}
s AS (SELECT v.*, {team} AS q_team FROM surveys v
      LEFT JOIN roster r ON r.agent_id = v.agent_id {join}
      WHERE v.submitted_at >= {_ts(lo)} AND v.submitted_at < {_ts(hi)} AND v.agent_id IS NOT NULL
        AND v.kind IN ('csat', 'nps') AND v.score IS NOT NULL AND v.scale_max > 0)
SELECT agent_id, any_value(q_team) AS q_team, kind, count(*) AS n,
       count(*) FILTER (WHERE score / scale_max >= 0.8) AS top2,
       count(*) FILTER (WHERE score * 10.0 / scale_max >= 9) AS promoters,
       count(*) FILTER (WHERE score * 10.0 / scale_max <= 6) AS detractors
FROM s WHERE {scope} GROUP BY agent_id, kind""",
    )
    by_agent: dict[str, list[SampleReliability]] = defaultdict(list)
    sample_team: dict[str, str | None] = {}
    for r in samples:
        agent, n = str(r["agent_id"]), int(r["n"])
        sample_team.setdefault(agent, r["q_team"])
        if r["kind"] == "csat":
            by_agent[agent].append(csat_sample(int(r["top2"]), n, min_n["csat"], th.confidence))
        else:
            by_agent[agent].append(
                nps_sample(int(r["promoters"]), int(r["detractors"]), n, min_n["nps"], th.confidence)
            )
    out, seen = [], set()
    for r in contacts:
        agent = None if r["g_agent"] else r["agent_id"]
        if r["g_agent"] == 0 and agent is None:
            continue  # contacts of no agent: counted in their team, no agent row
        team = None if r["g_team"] else r["q_team"]
        samples_of = tuple(sorted(by_agent.get(str(agent), []), key=lambda s: s.kind)) if agent else ()
        if agent:
            seen.add(str(agent))
        out.append(SurveyCoverage(team, agent, int(r["contacts"]), int(r["responded"]), samples_of))
    for agent, found in by_agent.items():  # rated agents without contacts in the period
        if agent not in seen:
            out.append(
                SurveyCoverage(
                    sample_team.get(agent), agent, 0, 0, tuple(sorted(found, key=lambda s: s.kind))
                )
            )
    if not any(c.team_id is None and c.agent_id is None for c in out):
        out.append(SurveyCoverage(None, None, 0, 0))
    out.sort(key=lambda c: (c.team_id is not None, c.agent_id is not None, c.team_id or "", c.agent_id or ""))
    return out


def _duplicates(
    engine: Engine, base: str, selected: tuple[str, ...] | None, lo: datetime, hi: datetime, th: Thresholds
) -> list[Finding]:
    # A copy of a record has the record's own time, so it lands in the same period: looking within
    # the period's rows finds it without scanning the whole history.
    scope = _scope(selected)
    out = []
    for r in _rows(
        engine,
        f"""{base}
SELECT interaction_id, count(*) AS n, min(agent_id) AS agent_id, min(q_team) AS q_team
FROM c WHERE {scope}
GROUP BY interaction_id HAVING count(*) > 1 ORDER BY interaction_id""",
    ):
        out.append(
            Finding(
                "duplicate_id",
                "interactions",
                (str(r["interaction_id"]),),
                r["agent_id"],
                r["q_team"],
                "interaction_id",
                float(r["n"]),
            )
        )
    for r in _rows(
        engine,
        f"""WITH roster AS (SELECT agent_id, any_value(team_id) AS team_id FROM agents GROUP BY agent_id)
SELECT survey_id, count(*) AS n, min(v.agent_id) AS agent_id, min(coalesce(r.team_id, '')) AS q_team
FROM surveys v LEFT JOIN roster r ON r.agent_id = v.agent_id
WHERE submitted_at >= {_ts(lo)} AND submitted_at < {_ts(hi)}
GROUP BY survey_id HAVING count(*) > 1 AND ({_scope(selected, "min(coalesce(r.team_id, ''))")}) ORDER BY survey_id""",
    ):
        out.append(
            Finding(
                "duplicate_id",
                "surveys",
                (str(r["survey_id"]),),
                r["agent_id"],
                r["q_team"],
                "survey_id",
                float(r["n"]),
            )
        )
    window = int(th.duplicate_window_seconds)
    for r in _rows(
        engine,
        f"""{base},
u AS (SELECT DISTINCT interaction_id, agent_id, customer_id, created_at, q_team FROM c
      WHERE customer_id IS NOT NULL AND agent_id IS NOT NULL)
SELECT a.interaction_id AS first, b.interaction_id AS second, a.agent_id, a.q_team,
       abs(epoch_us(b.created_at) - epoch_us(a.created_at)) / 1000000.0 AS apart
FROM u a JOIN u b ON a.customer_id = b.customer_id AND a.agent_id = b.agent_id
  AND a.interaction_id < b.interaction_id
  AND b.created_at BETWEEN a.created_at - INTERVAL {window} SECOND AND a.created_at + INTERVAL {window} SECOND
WHERE {_scope(selected, "a.q_team")} ORDER BY a.interaction_id, b.interaction_id""",
    ):
        out.append(
            Finding(
                "duplicate_contact",
                "interactions",
                (str(r["first"]), str(r["second"])),
                r["agent_id"],
                r["q_team"],
                "customer_id+agent_id+created_at",
                float(r["apart"]),
                float(window),
            )
        )
    return out


def _outliers(engine: Engine, base: str, selected: tuple[str, ...] | None, th: Thresholds) -> list[Finding]:
    # Bounds come from the whole organisation's period, per channel, so a team selection never
    # changes what counts as an outlier; durations are compared on a log scale (they are skewed).
    rows = _rows(
        engine,
        f"""{base}, {_durations(OUTLIER_DURATIONS)},
p AS (SELECT *, ln(s) AS x FROM d WHERE s > 0),
stats AS (SELECT measure, channel, median(x) AS med, count(*) AS n FROM p GROUP BY measure, channel),
spread AS (SELECT p.measure, p.channel, median(abs(p.x - stats.med)) AS mad
           FROM p JOIN stats ON p.measure = stats.measure AND p.channel IS NOT DISTINCT FROM stats.channel
           GROUP BY p.measure, p.channel),
bounds AS (SELECT stats.measure, stats.channel, exp(med + {th.outlier_k} * 1.4826 * mad) AS bound
           FROM stats JOIN spread ON stats.measure = spread.measure
             AND stats.channel IS NOT DISTINCT FROM spread.channel
           WHERE n >= {int(th.outlier_min_n)} AND mad > 0)
SELECT p.interaction_id, p.agent_id, p.q_team, p.measure, p.s, bounds.bound
FROM p JOIN bounds ON p.measure = bounds.measure AND p.channel IS NOT DISTINCT FROM bounds.channel
WHERE p.s > bounds.bound AND {_scope(selected, "p.q_team")}
ORDER BY p.measure, p.interaction_id""",
    )
    return [
        Finding(
            "outlier",
            "interactions",
            (str(r["interaction_id"]),),
            r["agent_id"],
            r["q_team"],
            r["measure"],
            float(r["s"]),
            round(float(r["bound"]), 3),
        )
        for r in rows
    ]


def _impossible(engine: Engine, base: str, scope: str) -> list[Finding]:
    cases = " UNION ALL ".join(
        f"SELECT interaction_id, agent_id, q_team, '{rule}' AS rule FROM c WHERE ({cond}) AND {scope}"
        for rule, cond in IMPOSSIBLE.items()
    )
    rows = _rows(engine, f"{base}\n{cases}\nORDER BY interaction_id, rule")
    return [
        Finding(
            "impossible_time",
            "interactions",
            (str(r["interaction_id"]),),
            r["agent_id"],
            r["q_team"],
            r["rule"],
        )
        for r in rows
    ]


def _unknown_agents(engine: Engine, base: str, scope: str) -> list[Finding]:
    rows = _rows(
        engine,
        f"""{base}
SELECT agent_id, min(q_team) AS q_team, count(*) AS n, list(DISTINCT interaction_id ORDER BY interaction_id) AS keys
FROM c WHERE agent_id IS NOT NULL AND NOT on_roster AND {scope}
GROUP BY agent_id ORDER BY agent_id""",
    )
    return [
        Finding(
            "unknown_agent",
            "interactions",
            tuple(str(k) for k in r["keys"]),
            r["agent_id"],
            r["q_team"],
            "agent_id",
            float(r["n"]),
        )
        for r in rows
    ]


BUSY_WINDOW_US = 30 * 86_400_000_000  # contact_outcomes' busy window: 30 days from a contact


def repeat_max_contacts(engine: Engine) -> int:
    """The engine's ``repeat_max_contacts`` (the workspace's ``[indicators]``, else the view's)."""
    from frontdesk.indicators.catalog import builtin_views

    declared = builtin_views()["contact_outcomes"].params
    return int(getattr(engine, "view_params", {}).get("repeat_max_contacts", declared["repeat_max_contacts"]))


def _implausible_customers(
    engine: Engine, base: str, scope: str, lo: datetime, hi: datetime
) -> list[Finding]:
    """Customers left out of repeat matching (``contact_outcomes``): some of their contacts of the
    period are followed, within 30 days, by more than ``repeat_max_contacts`` of their contacts.
    One finding per customer: ``value`` its most contacts within 30 days from one of its contacts
    of the period (in the selection: the count the rule compares), ``bound`` the threshold, agent
    and team those of most of its contacts of the period."""
    most = repeat_max_contacts(engine)
    horizon = hi + timedelta(days=31)
    rows = _rows(
        engine,
        f"""{base},
later AS (
  SELECT interaction_id, count(*) OVER (
    PARTITION BY customer_id ORDER BY epoch_us(created_at)
    RANGE BETWEEN CURRENT ROW AND {BUSY_WINDOW_US} FOLLOWING
  ) AS n
  FROM interactions
  WHERE created_at >= {_ts(lo)} AND created_at < {_ts(horizon)}
    AND customer_id IS NOT NULL
),
busy AS (
  SELECT c.customer_id, c.agent_id, c.q_team, l.n
  FROM c JOIN later l ON l.interaction_id = c.interaction_id
  WHERE {scope}
)
SELECT customer_id, max(n) AS n, mode(agent_id) AS agent_id, mode(q_team) AS q_team
FROM busy GROUP BY customer_id HAVING max(n) > {most}
ORDER BY n DESC, customer_id""",
    )
    return [
        Finding(
            "implausible_customer",
            "interactions",
            (str(r["customer_id"]),),
            r["agent_id"],
            r["q_team"],
            "customer_id",
            float(r["n"]),
            float(most),
        )
        for r in rows
    ]


def _before_hire(engine: Engine, base: str, scope: str, timezone: str) -> list[Finding]:
    """Contacts of the period dated (in the organisation's time zone) before their agent's hire
    date on the roster: a wrong agent id, a wrong date, or a roster hire date that is wrong. One
    finding per agent, with the contacts' keys; their values still count (the report says what
    to check, it does not decide which of the two dates is wrong)."""
    rows = _rows(
        engine,
        f"""{base},
hired AS (SELECT agent_id, min(hire_date) AS hire_date FROM agents WHERE hire_date IS NOT NULL GROUP BY agent_id)
SELECT c.agent_id, min(c.q_team) AS q_team, count(*) AS n, min(h.hire_date) AS hire_date,
       list(c.interaction_id ORDER BY c.interaction_id) AS keys
FROM c JOIN hired h ON h.agent_id = c.agent_id
WHERE CAST(timezone({_lit(timezone)}, c.created_at) AS DATE) < h.hire_date AND {scope}
GROUP BY c.agent_id ORDER BY c.agent_id""",
    )
    return [
        Finding(
            "before_hire",
            "interactions",
            tuple(str(k) for k in r["keys"]),
            r["agent_id"],
            r["q_team"],
            f"hire_date {r['hire_date'].isoformat()}",
            float(r["n"]),
        )
        for r in rows
    ]


def _indicator_recording(
    engine: Engine,
    indicators: Sequence[Indicator],
    period: Period,
    timezone: str,
    base: str,
    selected: tuple[str, ...] | None,
) -> list[IndicatorRecording]:
    """Rows and hand-recorded share per indicator, from the engine's own measures (the numbers the
    scorecards' ``manual_input`` flags use), over the agents of the selection."""
    teams = {
        r["agent_id"]: r["q_team"]
        for r in _rows(
            engine,
            f"""{base}
SELECT agent_id, q_team FROM (SELECT agent_id, q_team, row_number() OVER (PARTITION BY agent_id ORDER BY count(*) DESC,
  q_team) AS k FROM c WHERE agent_id IS NOT NULL GROUP BY agent_id, q_team) WHERE k = 1""",
        )
    }
    roster = {str(r["agent_id"]): r.get("team_id") for r in engine.agents()}
    measures = engine.measures(indicators, period, timezone)
    totals: dict[str, list[float]] = {i.code: [0, 0.0, 0] for i in indicators}  # n, manual rows, n with share
    wanted = None if selected is None else set(selected)
    for agent, row in measures.items():
        team = roster.get(agent) if agent in roster else teams.get(agent)
        if wanted is not None and team not in wanted:
            continue
        for code, m in row.items():
            t = totals[code]
            t[0] += m.n
            if m.manual_share is not None:
                t[1] += m.manual_share * m.n
                t[2] += m.n
    out = []
    for ind in indicators:
        n, manual, shared = totals[ind.code]
        out.append(
            IndicatorRecording(ind.code, ind.source, int(n), round(manual / shared, 6) if shared else None)
        )
    return out


# Scorecards ----------------------------------------------------------------------------------------


def annotate_scorecards(cards: Iterable[Scorecard], report: QualityReport | Mapping[str, AgentFlags]) -> None:
    """Add the report's agent-level flags (a report, or ``scorecard_flags``) to ``cards`` (in
    place): card flags for duplicate, outlying or impossible records; indicator flags for heaped
    durations and unreliable survey samples, on the indicators the card has. Flags never change a
    score."""
    flags = report.agent_flags() if isinstance(report, QualityReport) else report
    for card in cards:
        found = flags.get(card.agent_id)
        if found is None:
            continue
        for f in sorted(found.card):
            if f not in card.flags:
                card.flags.append(f)
        for code, fs in found.indicators.items():
            res = card.indicators.get(code)
            if res is None or res.value is None:
                continue
            for f in sorted(fs):
                if f not in res.flags:
                    res.flags.append(f)
