"""Scorecard flags (frontdesk/analysis/quality.py ``scorecard_flags``) cost only what they need and are
exactly the full data-quality report's agent flags: on the synthetic organisation across several
periods, and on the hand-built store where every kind of finding is planted."""

from __future__ import annotations

import pytest
from test_quality import PERIOD, build_quality_store

from frontdesk.analysis.quality import annotate_scorecards, quality_report, scorecard_flags, survey_min_n
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.scoring.scheme import load_scheme
from frontdesk.store.eventstore import EventStore
from frontdesk.synth import generate
from frontdesk.usecases.compute import compute_scorecards

TZ = "Asia/Shanghai"
PERIODS = ("2026-08", "2026-09", "2026-Q3")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> EventStore:
    store = EventStore(tmp_path_factory.mktemp("flags") / "events")
    generate(store, agents=30, months=2, start="2026-08", seed=7)  # 30: a walk-in team exists
    return store


def _plain(flags: dict) -> dict:
    return {
        agent: (set(f.card), {k: set(v) for k, v in f.indicators.items() if v}) for agent, f in flags.items()
    }


@pytest.mark.parametrize("label", PERIODS)
def test_the_scorecard_flags_are_the_full_reports_agent_flags(synthetic, label):
    period = parse_period(label)
    min_n = survey_min_n(load_scheme(), builtin_catalog())
    engine = DuckDBEngine(synthetic)
    try:
        full = quality_report(engine, period, TZ, min_n=min_n).agent_flags()
        fast = scorecard_flags(engine, period, TZ, min_n=min_n)
    finally:
        engine.close()
    assert _plain(fast) == _plain(full)
    # The synthetic walk-in desks keep hand-written logs heaped on five minutes: the comparison is
    # over real flags, not two empty sets (the planted store below covers the other kinds).
    kinds = {f for _c, i in _plain(full).values() for fs in i.values() for f in fs}
    assert "heaped_durations" in kinds


def test_the_planted_findings_flag_the_same_agents_as_the_full_report(tmp_path):
    store = build_quality_store(tmp_path / "events")
    min_n = survey_min_n(load_scheme(), builtin_catalog())
    engine = DuckDBEngine(store)
    try:
        full = quality_report(engine, PERIOD, "UTC", min_n=min_n).agent_flags()
        fast = scorecard_flags(engine, PERIOD, "UTC", min_n=min_n)
    finally:
        engine.close()
    assert _plain(fast) == _plain(full)
    assert _plain(fast)["A3"][0] == {"duplicate_records", "impossible_times", "outlier_records"}
    assert _plain(fast)["A1"][1]["handle_time"] == {"heaped_durations"}


@pytest.mark.parametrize("label", PERIODS[:2])
def test_compute_puts_on_scorecards_exactly_the_full_reports_flags(synthetic, label):
    period, scheme = parse_period(label), load_scheme()
    cards = compute_scorecards(synthetic, period, scheme, TZ)
    expected = compute_scorecards(synthetic, period, scheme, TZ, quality=False)
    engine = DuckDBEngine(synthetic)
    try:
        report = quality_report(engine, period, TZ, min_n=survey_min_n(scheme, builtin_catalog()))
    finally:
        engine.close()
    annotate_scorecards(expected, report)
    got = {c.agent_id: (c.flags, {k: r.flags for k, r in c.indicators.items()}) for c in cards}
    want = {c.agent_id: (c.flags, {k: r.flags for k, r in c.indicators.items()}) for c in expected}
    assert got == want
    assert any("heaped_durations" in fs for _f, inds in got.values() for fs in inds.values())
