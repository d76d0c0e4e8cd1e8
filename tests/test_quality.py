"""The data-quality report (frontdesk/analysis/quality.py) on a hand-built event store where every
figure is known: heaped and smooth hand-recorded durations, a record stored twice, the same customer
twice within seconds, an outlier, an impossible time, an agent missing from the roster, and survey
samples too small to trust. The report must find exactly those, and their flags reach scorecards.

``build_quality_store`` is imported by the CLI and web tests of the report too.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from frontdesk.analysis.quality import (
    Thresholds,
    binomial_upper_p,
    csat_sample,
    nps_sample,
    quality_report,
    survey_min_n,
    team_and_descendants,
    wilson,
)
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.scoring.scheme import load_scheme
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES
from frontdesk.usecases.compute import compute_scorecards

PERIOD = parse_period("2026-10")
TZ = "UTC"
T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)

# A1 (T1) keeps a hand-written log heaped on five minutes: 20 of 30 handling times are 5 min, the
# others 4 or 6. A2 (T1) also writes by hand, smoothly: 4, 5 and 6 minutes ten times each.
A1_MINUTES = [5] * 20 + [4] * 5 + [6] * 5
A2_MINUTES = [4] * 10 + [5] * 10 + [6] * 10
# A3 (T2) works on a system: 40 chats with handling times 100 … 373 s (not whole minutes).
A3_SECONDS = [100.0 + 7.0 * i + 0.5 for i in range(40)]
OUTLIER_SECONDS = 20000.0


def _contact(iid: str, agent: str | None, at: datetime, **kw) -> dict:
    row = dict(
        interaction_id=iid,
        source="test",
        channel="chat",
        agent_id=agent,
        customer_id=f"K-{iid}",
        created_at=at,
        abandoned=False,
        recorded_by="system",
    )
    row.update(kw)
    return row


def _survey(sid: str, agent: str, kind: str, score: float, scale: float, iid: str | None) -> dict:
    return dict(
        survey_id=sid,
        interaction_id=iid,
        agent_id=agent,
        kind=kind,
        score=score,
        scale_max=scale,
        submitted_at=T0 + timedelta(days=1),
    )


def build_quality_store(events: Path) -> EventStore:
    """The hand-built store (period 2026-10, time zone UTC). Teams: T1 (A1, A2), T2 (A3) and T2's
    sub-team T2a (no one); X9 has two contacts of team T2 but no roster entry."""
    store = EventStore(events)
    store.write(
        "teams",
        pa.Table.from_pylist(
            [
                {"team_id": "T1", "name": "Desk"},
                {"team_id": "T2", "name": "Chat"},
                {"team_id": "T2a", "name": "Chat night", "parent_id": "T2"},
            ],
            schema=TABLES["teams"].schema,
        ),
    )
    store.write(
        "agents",
        pa.Table.from_pylist(
            [
                {"agent_id": "A1", "name": "Li Na", "team_id": "T1"},
                {"agent_id": "A2", "name": "Wang Wei", "team_id": "T1"},
                {"agent_id": "A3", "name": "Liu Yang", "team_id": "T2"},
            ],
            schema=TABLES["agents"].schema,
        ),
    )
    rows = []
    for i, m in enumerate(A1_MINUTES):
        rows.append(
            _contact(
                f"C1-{i:02d}",
                "A1",
                T0 + timedelta(minutes=10 * i),
                channel="walk_in",
                handle_seconds=60.0 * m,
                recorded_by="manual",
            )
        )
    for i, m in enumerate(A2_MINUTES):
        rows.append(
            _contact(
                f"C2-{i:02d}",
                "A2",
                T0 + timedelta(minutes=10 * i),
                channel="walk_in",
                handle_seconds=60.0 * m,
                recorded_by="manual",
            )
        )
    for i, s in enumerate(A3_SECONDS):
        rows.append(_contact(f"C3-{i:02d}", "A3", T0 + timedelta(minutes=10 * i), handle_seconds=s))
    rows += [
        _contact("C3-out", "A3", T0 + timedelta(hours=20), handle_seconds=OUTLIER_SECONDS),
        _contact("C-dup", "A3", T0 + timedelta(hours=21), handle_seconds=200.5),
        # The same customer and agent 20 seconds apart under two ids: one contact logged twice.
        _contact("C-n1", "A3", T0 + timedelta(hours=22), customer_id="K1", handle_seconds=150.5),
        _contact("C-n2", "A3", T0 + timedelta(hours=22, seconds=20), customer_id="K1", handle_seconds=151.5),
        _contact(
            "C-bad",
            "A3",
            T0 + timedelta(hours=23),
            handle_seconds=180.5,
            resolved_at=T0 + timedelta(hours=22),
        ),  # resolved an hour before it was created
        _contact("X-1", "X9", T0 + timedelta(hours=1), team_id="T2", handle_seconds=210.5),
        _contact("X-2", "X9", T0 + timedelta(hours=2), team_id="T2", handle_seconds=220.5),
        # September: outside the period, never reported.
        _contact("OLD-1", "X8", T0 - timedelta(days=20), team_id="T1", handle_seconds=-5.0),
    ]
    schema = TABLES["interactions"].schema
    store.write("interactions", pa.Table.from_pylist(rows, schema=schema))
    # The same record delivered again by a second export: stored twice.
    store.write(
        "interactions",
        pa.Table.from_pylist([r for r in rows if r["interaction_id"] == "C-dup"], schema=schema),
    )
    surveys = (
        # A1: five perfect CSAT ratings: too few to trust, however good.
        [_survey(f"S1-{i}", "A1", "csat", 5, 5, f"C1-{i:02d}") for i in range(5)]
        # A2: twenty promoters: enough for NPS.
        + [_survey(f"S2-{i}", "A2", "nps", 10, 10, f"C2-{i:02d}") for i in range(20)]
        # A3: thirty CSAT ratings, 24 in the top two boxes; three NPS answers (too few).
        + [_survey(f"S3-{i}", "A3", "csat", 5 if i < 24 else 2, 5, f"C3-{i:02d}") for i in range(30)]
        + [_survey(f"S3n-{i}", "A3", "nps", 9, 10, f"C3-{30 + i:02d}") for i in range(3)]
    )
    store.write("surveys", pa.Table.from_pylist(surveys, schema=TABLES["surveys"].schema))
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> EventStore:
    return build_quality_store(tmp_path_factory.mktemp("quality") / "events")


@pytest.fixture(scope="module")
def report(store):
    engine = DuckDBEngine(store)
    try:
        cat = builtin_catalog()
        yield quality_report(
            engine, PERIOD, TZ, min_n=survey_min_n(load_scheme(), cat), indicators=[cat["handle_time"]]
        )
    finally:
        engine.close()


def upper_tail(k: int, n: int, p: float) -> float:
    """P(X ≥ k), X ~ Binomial(n, p), summed term by term: the reference for the report's p-values."""
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))


# Recording -----------------------------------------------------------------------------------------


def test_recording_counts_system_and_hand_recorded_contacts_per_team(report):
    by_team = {r.team_id: r for r in report.recording}
    assert set(by_team) == {None, "T1", "T2"}
    # T1: A1's and A2's 60 hand-kept contacts. T2: A3's 46 rows (C-dup twice) and X9's 2.
    assert (by_team["T1"].system, by_team["T1"].manual, by_team["T1"].unknown) == (0, 60, 0)
    assert (by_team["T2"].system, by_team["T2"].manual) == (48, 0)
    assert (by_team[None].system, by_team[None].manual, by_team[None].total) == (48, 60, 108)
    assert by_team["T1"].manual_share == 1.0 and by_team[None].manual_share == pytest.approx(60 / 108)


def test_each_indicator_reports_the_share_of_its_rows_recorded_by_hand(report):
    (handle,) = report.indicators
    # handle_time counts every contact with a handling time: 60 by hand, 47 distinct system rows + 1 duplicate.
    assert handle.code == "handle_time" and handle.n == 108
    assert handle.manual_share == pytest.approx(60 / 108, abs=1e-6)
    assert handle.system_share == pytest.approx(48 / 108, abs=1e-6)


# Heaping -------------------------------------------------------------------------------------------


def test_heaped_hand_recorded_durations_are_found_with_an_exact_binomial_test(report):
    tests = {(h.agent_id, h.measure): h for h in report.heaping if h.agent_id is not None}
    a1, a2 = tests[("A1", "handle_seconds")], tests[("A2", "handle_seconds")]
    assert (a1.n, a1.on_minute, a1.near_five, a1.on_five) == (30, 30, 30, 20)
    assert a1.five_p == pytest.approx(upper_tail(20, 30, 1 / 3), rel=1e-9)
    assert a1.five_p < 0.001 and a1.heaped
    assert (a2.n, a2.near_five, a2.on_five) == (30, 30, 10)
    assert a2.five_p == pytest.approx(upper_tail(10, 30, 1 / 3), rel=1e-9) and not a2.heaped
    # Both logs are in whole minutes, which smooth second-level data would be once in sixty times.
    assert a1.minute_rounded and a2.minute_rounded
    assert a2.minute_p == pytest.approx(upper_tail(30, 30, 1 / 60), rel=1e-9)
    # A3's system-recorded times are not tested: only hand-recorded durations are.
    assert not any(h.agent_id == "A3" for h in report.heaping)
    assert [h.agent_id for h in report.heaping if h.agent_id and h.heaped] == ["A1"]


def test_a_small_effect_is_not_heaping_however_significant():
    th = Thresholds()
    # 40 % of 3,000 values on the multiple: p is tiny, but 0.40 < 1.5 × 1/3.
    assert binomial_upper_p(1200, 3000, th.five_expected) < th.alpha
    from frontdesk.analysis.quality import heaping_positive

    assert not heaping_positive(binomial_upper_p(1200, 3000, 1 / 3), 1200, 3000, 1 / 3, th)
    assert heaping_positive(binomial_upper_p(1600, 3000, 1 / 3), 1600, 3000, 1 / 3, th)


# Surveys -------------------------------------------------------------------------------------------


def test_response_rates_count_contacts_with_a_post_contact_survey(report):
    cov = {(c.team_id, c.agent_id): c for c in report.coverage}
    assert (cov[("T1", "A1")].contacts, cov[("T1", "A1")].responded) == (30, 5)
    assert (cov[("T1", "A2")].contacts, cov[("T1", "A2")].responded) == (30, 20)
    # A3: 45 distinct contacts (C-dup once), 33 answered (30 CSAT + 3 NPS).
    assert (cov[("T2", "A3")].contacts, cov[("T2", "A3")].responded) == (45, 33)
    assert (cov[("T1", None)].contacts, cov[("T1", None)].responded) == (60, 25)
    assert (cov[("T2", None)].contacts, cov[("T2", None)].responded) == (47, 33)
    assert cov[(None, None)].response_rate == pytest.approx(58 / 107)


def test_a_survey_sample_is_reliable_when_its_interval_is_no_wider_than_min_n_split_evenly(report):
    samples = {(c.agent_id, s.kind): s for c in report.coverage for s in c.samples}
    a1 = samples[("A1", "csat")]
    lo, hi = wilson(5, 5)
    assert (a1.n, a1.value, a1.low, a1.high) == (5, 100.0, pytest.approx(100 * lo), pytest.approx(100 * hi))
    even_lo, even_hi = wilson(10, 20)  # the default scheme's min_n for csat is 20
    assert a1.max_width == pytest.approx(100 * (even_hi - even_lo))
    assert a1.width > a1.max_width and not a1.reliable
    a3 = samples[("A3", "csat")]
    assert a3.value == pytest.approx(80.0) and a3.reliable
    assert samples[("A2", "nps")].value == 100.0 and samples[("A2", "nps")].reliable
    assert not samples[("A3", "nps")].reliable and samples[("A3", "nps")].n == 3
    assert {k for k, s in samples.items() if not s.reliable} == {("A1", "csat"), ("A3", "nps")}


def test_wilson_interval_matches_the_textbook_formula():
    # 8 of 10 at 95 %: the Wilson interval is (0.4902, 0.9433) to four places.
    lo, hi = wilson(8, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.4902, 0.9433)
    # None or all: the bounds are exactly 0 and 1, not a rounding error away from them.
    assert wilson(0, 10) == (0.0, pytest.approx(0.2775, abs=1e-4))
    assert wilson(10, 10) == (pytest.approx(0.7225, abs=1e-4), 1.0)


def test_the_width_threshold_follows_the_schemes_min_n():
    assert csat_sample(5, 5, min_n=5).reliable  # five answers are enough when the scheme says five
    assert not csat_sample(5, 5, min_n=20).reliable
    assert csat_sample(60, 60, min_n=20).reliable
    # NPS: identical answers still have a width (pseudo-answers), so three promoters are not enough.
    assert nps_sample(3, 0, 3, min_n=20).width > 0 and not nps_sample(3, 0, 3, min_n=20).reliable


def test_survey_min_n_prefers_the_schemes_own_min_n():
    from frontdesk.scoring.scheme import parse_scheme

    scheme = parse_scheme(
        "scheme: t\nversion: '1'\ndimensions:\n  - code: quality\n    weight: 100\n    indicators:\n"
        "      - {code: csat, weight: 100, target: 95, floor: 60, min_n: 8}\n"
        "grades:\n  - {code: A, min: 85}\n  - {code: D, min: 0}\n",
        "t.yaml",
    )
    assert survey_min_n(scheme, builtin_catalog()) == {"csat": 8, "nps": 20}


# Findings ------------------------------------------------------------------------------------------


def test_findings_are_exactly_the_planted_ones_with_their_keys(report):
    found = sorted((f.check, f.keys, f.agent_id, f.team_id, f.what) for f in report.findings)
    assert found == [
        ("duplicate_contact", ("C-n1", "C-n2"), "A3", "T2", "customer_id+agent_id+created_at"),
        ("duplicate_id", ("C-dup",), "A3", "T2", "interaction_id"),
        ("impossible_time", ("C-bad",), "A3", "T2", "resolved_before_created"),
        ("outlier", ("C3-out",), "A3", "T2", "handle_seconds"),
        ("unknown_agent", ("X-1", "X-2"), "X9", "T2", "agent_id"),
    ]
    (dup,) = report.findings_of("duplicate_id")
    assert dup.value == 2  # stored twice
    (near,) = report.findings_of("duplicate_contact")
    assert near.value == 20 and near.bound == 60
    (out,) = report.findings_of("outlier")
    assert out.value == OUTLIER_SECONDS and out.bound < OUTLIER_SECONDS
    (unknown,) = report.findings_of("unknown_agent")
    assert unknown.value == 2


def test_the_outlier_bound_is_the_median_plus_k_mad_of_log_durations(report, store):
    # Chat handling times of the period: A3's rows (C-dup twice) and X9's two.
    xs = sorted(
        math.log(s) for s in [*A3_SECONDS, OUTLIER_SECONDS, 200.5, 200.5, 150.5, 151.5, 180.5, 210.5, 220.5]
    )

    def median(v):
        v = sorted(v)
        n = len(v)
        return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2

    med = median(xs)
    mad = median([abs(x - med) for x in xs])
    (out,) = report.findings_of("outlier")
    assert out.bound == pytest.approx(math.exp(med + 3.5 * 1.4826 * mad), abs=1e-3)


def test_a_team_selection_keeps_that_teams_findings_only(store):
    engine = DuckDBEngine(store)
    try:
        t1 = quality_report(engine, PERIOD, TZ, teams={"T1"})
        t2 = quality_report(engine, PERIOD, TZ, teams=team_and_descendants(engine.table_rows("teams"), "T2"))
    finally:
        engine.close()
    assert t1.findings == []
    assert {r.team_id for r in t1.recording} == {None, "T1"} and t1.recording[0].total == 60
    assert {f.check for f in t2.findings} == {
        "duplicate_contact",
        "duplicate_id",
        "impossible_time",
        "outlier",
        "unknown_agent",
    }
    assert t2.teams == ("T2", "T2a")
    assert not any(h.agent_id for h in t2.heaping)


def test_team_and_descendants_walks_every_level():
    rows = [
        {"team_id": "A"},
        {"team_id": "B", "parent_id": "A"},
        {"team_id": "C", "parent_id": "B"},
        {"team_id": "D"},
    ]
    assert team_and_descendants(rows, "A") == {"A", "B", "C"}
    assert team_and_descendants(rows, "D") == {"D"}


def test_records_outside_the_period_are_not_reported(report):
    keys = {k for f in report.findings for k in f.keys}
    assert "OLD-1" not in keys and not any(f.agent_id == "X8" for f in report.findings)


# Flags on scorecards -------------------------------------------------------------------------------


def test_agent_flags_come_from_the_agents_own_findings(report):
    flags = report.agent_flags()
    assert set(flags) == {"A1", "A3"}
    assert flags["A1"].card == set()
    assert dict(flags["A1"].indicators) == {
        "handle_time": {"heaped_durations"},
        "csat": {"unreliable_sample"},
        "csat_mean": {"unreliable_sample"},
    }
    assert flags["A3"].card == {"duplicate_records", "impossible_times", "outlier_records"}
    assert dict(flags["A3"].indicators) == {"nps": {"unreliable_sample"}}


def test_compute_puts_the_quality_flags_on_the_scorecards(store):
    cards = {c.agent_id: c for c in compute_scorecards(store, PERIOD, load_scheme(), TZ)}
    plain = {c.agent_id: c for c in compute_scorecards(store, PERIOD, load_scheme(), TZ, quality=False)}
    assert "heaped_durations" in cards["A1"].indicators["handle_time"].flags
    assert "unreliable_sample" in cards["A1"].indicators["csat"].flags
    assert "unreliable_sample" not in cards["A3"].indicators["csat"].flags
    assert "unreliable_sample" in cards["A3"].indicators["nps"].flags
    assert {"duplicate_records", "impossible_times", "outlier_records"} <= set(cards["A3"].flags)
    assert not {"duplicate_records", "heaped_durations"} & set(cards["A2"].flags)
    assert "heaped_durations" not in cards["A2"].indicators["handle_time"].flags
    # Flags explain; they change no number.
    for agent, card in cards.items():
        assert card.total == plain[agent].total and card.grade == plain[agent].grade
        assert {k: r.score for k, r in card.indicators.items()} == {
            k: r.score for k, r in plain[agent].indicators.items()
        }
        assert "heaped_durations" not in plain[agent].indicators["handle_time"].flags
