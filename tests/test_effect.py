"""Effect evaluation (MISSION X): small hand-made stores where the right answer is known, then one
run of ``frontdesk evaluate`` on a generated demo workspace checking structure and invariants."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest
from conftest import run_frontdesk

from frontdesk.analysis.effect import (
    AppealCounts,
    Baseline,
    Thresholds,
    acceptance,
    agent_groups,
    before_after,
    bootstrap_mean,
    compare,
    detect_version_change,
    evaluate,
    fairness,
    pearson,
    pearson_interval,
    rater_agreement,
    rater_rows,
    windows,
)
from frontdesk.analysis.quality import wilson
from frontdesk.analysis.review import spearman, spearman_interval
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.scoring.scorecard import IndicatorResult, Scorecard
from frontdesk.store.eventstore import EventStore
from frontdesk.store.tables import TABLES

TZ = "Asia/Shanghai"
AGENTS = [f"A{i:02d}" for i in range(1, 11)]


def _agents_table() -> pa.Table:
    rows = [
        {"agent_id": a, "name": a, "team_id": "T1" if i < 5 else "T2", "site_id": "S1",
         "hire_date": date(2025, 1, 1), "role": "agent", "active": True}
        for i, a in enumerate(AGENTS)
    ]  # fmt: skip
    return pa.Table.from_pylist(rows, schema=TABLES["agents"].schema)


def _surveys(month_start: date, tops: dict[str, int], total: int = 20, tag: str = "") -> list[dict]:
    """``total`` CSAT ratings per agent in the month, ``tops[agent]`` of them a 5 (else a 2)."""
    out = []
    at = datetime(month_start.year, month_start.month, 10, 4, tzinfo=UTC)
    for agent, top in tops.items():
        for k in range(total):
            out.append({"survey_id": f"S{tag}{month_start:%Y%m}{agent}{k:02d}", "agent_id": agent, "kind": "csat",
                        "score": 5.0 if k < top else 2.0, "scale_max": 5.0, "submitted_at": at + timedelta(hours=k)})  # fmt: skip
    return out


def _card(
    agent: str, total: float, period: str = "2026-05", team: str = "T1", csat: float | None = None
) -> Scorecard:
    card = Scorecard(agent, agent, team, "S1", period, "monthly", "default:1+abc", total=total)
    if csat is not None:
        card.indicators["csat"] = IndicatorResult("csat", csat, 20, score=total, weight=1.0)
    return card


def _store(tmp_path, surveys: list[dict]) -> EventStore:
    store = EventStore(tmp_path / "events")
    store.write("agents", _agents_table())
    store.write("surveys", pa.Table.from_pylist(surveys, schema=TABLES["surveys"].schema))
    return store


@pytest.fixture
def engine_of():
    opened: list[DuckDBEngine] = []

    def make(store: EventStore) -> DuckDBEngine:
        opened.append(DuckDBEngine(store))
        return opened[-1]

    yield make
    for e in opened:
        e.close()


# --- 1. predictive validity ------------------------------------------------------------------


def test_next_period_csat_that_follows_the_score_exactly_gives_rho_one(tmp_path, engine_of):
    # Scores of May rise with k; June's CSAT is 5k %; May's own CSAT runs the other way, so a
    # report that read the same period would say -1, not +1.
    june = {a: k for k, a in enumerate(AGENTS, start=4)}
    may = {a: 20 - k for a, k in june.items()}
    store = _store(tmp_path, _surveys(date(2026, 5, 1), may) + _surveys(date(2026, 6, 1), june))
    cards = [_card(a, 50 + 2.5 * k) for a, k in june.items()]
    report = evaluate(engine_of(store), cards, parse_period("2026-05"), TZ)
    v = report.validity
    assert v.out_of_sample and v.outcome_period == "2026-06"
    total = v.get("total", "csat")
    assert total.n == 10 and total.spearman == pytest.approx(1.0) and total.verdict == "strong"
    assert total.pearson == pytest.approx(1.0)  # CSAT 5k %, score 50 + 2.5k: a straight line
    assert total.spearman_ci[0] < 1.0 and total.interval == "fisher_z"
    assert "2026-06" in total.reading_en and "强相关" in total.reading_zh


def test_without_next_period_data_it_falls_back_to_the_same_period_labelled_in_sample(tmp_path, engine_of):
    may = {a: 20 - k for k, a in enumerate(AGENTS, start=4)}
    store = _store(tmp_path, _surveys(date(2026, 5, 1), may))
    cards = [_card(a, 50 + 2.5 * k) for k, a in enumerate(AGENTS, start=4)]
    v = evaluate(engine_of(store), cards, parse_period("2026-05"), TZ).validity
    assert not v.out_of_sample and v.outcome_period == "2026-05"
    assert v.get("total", "csat").spearman == pytest.approx(-1.0)
    assert v.get("total", "csat").verdict == "wrong_sign"
    assert "2026-06" in v.note_en and "In sample" in v.note_en and "样本内" in v.note_zh


def test_a_few_late_surveys_in_the_next_period_do_not_make_it_out_of_sample(tmp_path, engine_of):
    may = {a: 20 - k for k, a in enumerate(AGENTS, start=4)}
    late = _surveys(date(2026, 6, 1), {"A01": 20, "A02": 5, "A03": 9, "A04": 3})  # 4 of 10 agents
    store = _store(tmp_path, _surveys(date(2026, 5, 1), may) + late)
    cards = [_card(a, 50 + 2.5 * k) for k, a in enumerate(AGENTS, start=4)]
    v = evaluate(engine_of(store), cards, parse_period("2026-05"), TZ).validity
    assert not v.out_of_sample and v.get("total", "csat").n == 10


def test_an_agent_with_fewer_ratings_than_min_n_is_left_out(tmp_path, engine_of):
    june = {a: k for k, a in enumerate(AGENTS, start=4)}
    few = dict(list(june.items())[:9])
    surveys = _surveys(date(2026, 6, 1), few) + _surveys(date(2026, 6, 1), {"A10": 3}, total=3)
    store = _store(tmp_path, surveys)
    cards = [_card(a, 50 + 2.5 * k) for a, k in june.items()]
    v = evaluate(engine_of(store), cards, parse_period("2026-05"), TZ).validity
    assert v.get("total", "csat").n == 9


def test_dimension_and_360_subjects_come_from_the_scorecards():
    from frontdesk.analysis.effect import scorecard_subjects
    from frontdesk.scoring.ratings360 import Ratings360, RelationResult

    card = _card("A01", 70.0)
    card.indicators = {
        "first_response": IndicatorResult("first_response", 30.0, 50, score=80.0, weight=0.3),
        "handle_time": IndicatorResult("handle_time", 200.0, 50, score=40.0, weight=0.1),
        "csat": IndicatorResult("csat", 90.0, 50, score=60.0, weight=0.6),
    }
    card.ratings_360 = Ratings360({"customer": RelationResult(0.4, 75.0, 5)}, score=75.0)
    subjects = scorecard_subjects([card])
    assert subjects["dimension:efficiency"]["A01"] == pytest.approx((0.3 * 80 + 0.1 * 40) / 0.4)
    assert subjects["dimension:quality"]["A01"] == pytest.approx(60.0)
    assert subjects["ratings_360"]["A01"] == 75.0 and subjects["ratings_360:customer"]["A01"] == 75.0


# --- 2. before / after -----------------------------------------------------------------------


def test_windows_mirror_the_after_months_before_the_baseline():
    before, after = windows(parse_period("2026-05"), parse_period("2026-Q2"))
    assert (before.start, before.end, before.label) == (
        date(2026, 3, 1),
        date(2026, 5, 1),
        "2026-03..2026-04",
    )
    assert (after.start, after.end, after.label) == (date(2026, 5, 1), date(2026, 7, 1), "2026-05..2026-06")


def test_a_uniform_rise_is_measured_exactly_and_direction_decides_better():
    before = {"a": 80.0, "b": 70.0, "c": 90.0}
    after = {"a": 85.0, "b": 75.0, "c": 95.0, "d": 10.0}  # d has no before: not paired
    up = compare("csat", before, after)
    assert (up.n_before, up.n_after, up.n_paired) == (3, 4, 3)
    assert up.difference == pytest.approx(5.0) and up.ci == pytest.approx((5.0, 5.0)) and up.improved is True
    slower = compare("first_response", before, after)
    assert slower.improved is False and "worse" in slower.reading_en and "变差" in slower.reading_zh


def test_noise_around_no_change_is_no_clear_change():
    rng = np.random.default_rng(3)
    before = {f"a{i}": 80.0 for i in range(40)}
    after = {k: v + float(rng.normal(0, 5)) for k, v in before.items()}
    ch = compare("csat", before, after)
    assert ch.ci[0] <= ch.difference <= ch.ci[1] and ch.ci[0] < 0 < ch.ci[1] and ch.improved is None


def test_before_after_reads_each_window_from_the_store(tmp_path, engine_of):
    april = _surveys(date(2026, 4, 1), dict.fromkeys(AGENTS, 10))  # 50 %
    may = _surveys(date(2026, 5, 1), dict.fromkeys(AGENTS, 15))  # 75 %
    store = _store(tmp_path, april + may)
    ba = before_after(
        engine_of(store), Baseline(parse_period("2026-05"), "option"), parse_period("2026-05"), TZ
    )
    csat = ba.get("csat")
    assert (ba.before, ba.after) == ("2026-04", "2026-05")
    assert csat.before == pytest.approx(50.0) and csat.after == pytest.approx(75.0)
    assert csat.difference == pytest.approx(25.0) and csat.n_paired == 10 and csat.improved is True
    assert ba.get("first_response").n_paired == 0 and ba.get("first_response").difference is None
    assert "not causal" in ba.warning_en and "因果" in ba.warning_zh


def test_the_version_change_is_the_latest_period_whose_version_differs_from_the_one_before():
    versions = {"2026-01": "s:1+aa", "2026-02": "s:1+aa", "2026-03": "s:2+bb", "2026-04": "s:2+bb"}
    periods = {k: parse_period(k) for k in versions}
    found = detect_version_change(versions, periods, parse_period("2026-04"))
    assert (found.period.label, found.from_version, found.to_version) == ("2026-03", "s:1+aa", "s:2+bb")
    assert detect_version_change(versions, periods, parse_period("2026-02")) is None


# --- 3. fairness -----------------------------------------------------------------------------


def _teams(offset: float) -> tuple[dict[str, float], dict[str, str]]:
    rng = np.random.default_rng(11)
    scores, groups = {}, {}
    for t in range(4):
        for i in range(25):
            agent = f"T{t}-{i}"
            scores[agent] = float(rng.normal(60, 10)) + (offset if t == 3 else 0.0)
            groups[agent] = f"T{t}"
    return scores, groups


def test_groups_drawn_from_one_distribution_are_not_flagged():
    f = fairness("team", *_teams(0.0))
    assert f.flagged() == [] and f.kruskal_p > 0.05 and f.n == 100
    assert [g.n for g in f.groups] == [25, 25, 25, 25]


def test_a_planted_team_offset_is_flagged_and_only_that_team():
    scores, groups = _teams(15.0)
    f = fairness("team", scores, groups)
    assert f.flagged() == ["T3"] and f.kruskal_p < 0.001
    t3 = next(g for g in f.groups if g.group == "T3")
    rest = [s for a, s in scores.items() if groups[a] != "T3"]
    mine = [s for a, s in scores.items() if groups[a] == "T3"]
    assert t3.gap == pytest.approx(np.mean(mine) - np.mean(rest))
    assert t3.gap_ci[0] <= t3.gap <= t3.gap_ci[1] and t3.gap_ci[0] > 0
    assert t3.z > 4  # 15 points over a standard error of about 2.3
    assert "review" in f.reading_en and "T3" in f.reading_zh


def test_a_small_group_is_listed_but_never_flagged():
    scores = {f"a{i}": 60.0 + i % 3 for i in range(30)} | {"x1": 95.0, "x2": 96.0}
    groups = {a: "big" for a in scores} | {"x1": "small", "x2": "small"}
    f = fairness("site", scores, groups, Thresholds(min_group=5))
    assert f.flagged() == [] and next(g for g in f.groups if g.group == "small").n == 2


def test_channel_and_shift_are_where_most_contacts_start_in_local_time(tmp_path, engine_of):
    store = _store(tmp_path, [])
    # 09:00 in Shanghai is 01:00 UTC: read in UTC it would be a night shift.
    morning = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)
    evening = datetime(2026, 5, 4, 12, 30, tzinfo=UTC)  # 20:30 local
    rows = [
        {"interaction_id": f"I{i}", "channel": "phone", "agent_id": "A01", "created_at": morning}
        for i in range(3)
    ]
    rows += [{"interaction_id": "I9", "channel": "chat", "agent_id": "A01", "created_at": evening}]
    rows += [
        {"interaction_id": f"J{i}", "channel": "email", "agent_id": "A02", "created_at": evening}
        for i in range(2)
    ]
    store.write("interactions", pa.Table.from_pylist(rows, schema=TABLES["interactions"].schema))
    g = agent_groups(
        engine_of(store), parse_period("2026-05"), TZ, [_card("A01", 70), _card("A02", 60, team="T2")]
    )
    assert g["channel"] == {"A01": "phone", "A02": "email"}
    assert g["shift"] == {"A01": "morning", "A02": "evening"}
    assert g["team"] == {"A01": "T1", "A02": "T2"}


# --- 4. rater agreement and bias -------------------------------------------------------------


def test_perfect_agreement_is_alpha_one_and_a_lenient_peer_is_flagged():
    rows = []
    for s in range(6):
        for comp in ("communication", "teamwork"):
            unit, truth = f"A{s}/{comp}", 40.0 + 10 * s
            rows += [
                ("peer", unit, "P1", truth + 20.0),
                ("peer", unit, "P2", truth),
                ("peer", unit, "P3", truth),
            ]
            rows += [("supervisor", unit, "L1", truth)]
    ra = rater_agreement(rows, [])
    peer = ra.get("ratings_360", "peer")
    assert peer.lenient == ("P1",) and peer.severe == () and peer.flagged_share == pytest.approx(1 / 3)
    assert peer.offsets["P1"] == pytest.approx(20.0)  # against P2, P3 and the supervisor
    assert peer.alpha is not None and peer.alpha < 1.0
    fair = rater_agreement([r for r in rows if r[2] != "P1"], [])
    assert fair.get("ratings_360", "peer").alpha == pytest.approx(1.0)
    assert fair.get("ratings_360", "peer").alpha_reading == "reliable"
    assert fair.get("ratings_360", "supervisor").alpha is None  # one supervisor per unit


def test_qa_reviewers_are_compared_on_the_same_agents():
    qa = []
    for a in range(8):
        qa += [("recording", f"A{a}", "QA1", 70.0 + a), ("recording", f"A{a}", "QA1", 72.0 + a)]
        qa += [("recording", f"A{a}", "QA2", 71.0 + a - 15.0)]
    g = rater_agreement([], qa).get("qa_reviews", "recording")
    assert g.severe == ("QA2",) and g.offsets["QA2"] == pytest.approx(-15.0) and g.ratings == 24


def test_rater_rows_read_the_periods_ratings_on_a_0_to_100_scale(tmp_path, engine_of):
    store = _store(tmp_path, [])
    inside, outside = datetime(2026, 5, 20, 2, tzinfo=UTC), datetime(2026, 4, 20, 2, tzinfo=UTC)
    ratings = [
        {"campaign_id": "C1", "subject_agent_id": "A01", "rater_id": "A02", "relation": "peer",
         "competency": "teamwork", "score": 4.0, "scale_max": 5.0, "submitted_at": inside},
        {"campaign_id": "C0", "subject_agent_id": "A01", "rater_id": "A03", "relation": "peer",
         "competency": "teamwork", "score": 1.0, "scale_max": 5.0, "submitted_at": outside},
    ]  # fmt: skip
    store.write("ratings_360", pa.Table.from_pylist(ratings, schema=TABLES["ratings_360"].schema))
    r360, qa = rater_rows(engine_of(store), parse_period("2026-05"), TZ)
    assert r360 == [("peer", "A01/teamwork", "A02", 80.0)] and qa == []


# --- 5. acceptance ---------------------------------------------------------------------------


def test_a_team_that_appeals_far_more_than_the_rest_is_flagged():
    rows = acceptance(
        [
            AppealCounts("T1", "2026-05", 100, 3, 1, 2),
            AppealCounts("T2", "2026-05", 100, 30, 20, 5),
            AppealCounts("T3", "2026-05", 100, 2, 0, 2),
        ]
    )
    org, t1, t2, t3 = rows
    assert org.team_id == "" and org.filed == 35 and org.appeal_rate == pytest.approx(35 / 300)
    assert t2.flagged and not t1.flagged and not t3.flagged
    assert t2.upheld_share == pytest.approx(0.8) and t2.appeal_rate_ci[0] < 0.3 < t2.appeal_rate_ci[1]
    with pytest.raises(ValueError, match="T9"):
        acceptance([AppealCounts("T9", "2026-05", 10, 5, 4, 3)])


def test_a_team_without_appeals_is_never_flagged():
    # 0 of 10 has a Wilson lower bound of exactly 0; a formula that left 2.8e-17 there put it
    # "above" a rest that appealed nothing and flagged every team for appealing unusually often.
    assert wilson(0, 10)[0] == 0.0
    rows = acceptance(
        [AppealCounts("T1", "2026-05", 10, 0, 0, 0), AppealCounts("T2", "2026-05", 10, 0, 0, 0)]
    )
    assert [r.appeal_rate_ci[0] for r in rows] == [0.0, 0.0, 0.0]
    assert not any(r.flagged for r in rows)
    assert not any("申诉明显偏多" in r.reading_zh or "unusually" in r.reading_en for r in rows)
    rows = acceptance([AppealCounts("T1", "2026-05", 10, 0, 0, 0), AppealCounts("T2", "2026-05", 100, 0, 0, 0),
                       AppealCounts("T3", "2026-05", 100, 1, 0, 0)])  # fmt: skip
    assert not rows[1].flagged and not rows[2].flagged


def test_intervals_match_the_textbook_formulas_they_replaced():
    rng = np.random.default_rng(3)
    xs = rng.normal(size=40)
    ys = xs + rng.normal(size=40)
    r, n = pearson(xs, ys), 40
    z, half = np.arctanh(r), 1.96 / np.sqrt(n - 3)
    assert pearson_interval(xs, ys) == pytest.approx((np.tanh(z - half), np.tanh(z + half)), abs=1e-4)
    assert pearson_interval(xs[:3], ys[:3]) == pytest.approx((-1.0, 1.0))
    assert pearson([1, 1, 1], [1, 2, 3]) is None and pearson_interval([1, 1, 1], [1, 2, 3]) is None
    rho = spearman(list(xs), list(ys))
    half = 1.96 * np.sqrt(1.06 / (n - 3))
    z = np.arctanh(rho)
    assert spearman_interval(rho, n) == pytest.approx((np.tanh(z - half), np.tanh(z + half)), abs=1e-4)
    assert spearman_interval(1.0, 10)[0] < 1.0 and spearman_interval(0.3, 3) == (-1.0, 1.0)
    # The percentile bootstrap draws as the hand-written one did: same seed, same interval.
    diffs = list(rng.normal(2.0, 3.0, size=25))
    draws = np.random.default_rng(7).integers(0, 25, size=(2000, 25))
    means = np.asarray(diffs)[draws].mean(axis=1)
    assert bootstrap_mean(diffs, 2000, 7) == pytest.approx(
        tuple(np.quantile(means, [0.025, 0.975])), rel=1e-3
    )
    assert bootstrap_mean([5.0, 5.0, 5.0]) == (5.0, 5.0) and bootstrap_mean([4.0]) == (4.0, 4.0)


# --- on a generated demo workspace -----------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    ws = tmp_path_factory.mktemp("effect") / "ws"
    run_frontdesk("demo", "--no-serve", "--workspace", str(ws), "--agents", "20", "--months", "3",
                  "--start", "2026-04")  # fmt: skip
    return ws


def _json(ws, *args: str) -> dict:
    def no_nan(text: str) -> float:
        raise AssertionError(f"{text} in the JSON output")

    out = run_frontdesk("evaluate", "--workspace", str(ws), "--format", "json", *args).stdout
    return json.loads(out, parse_constant=no_nan)


def _contains(ci, x) -> bool:
    return ci[0] - 1e-9 <= x <= ci[1] + 1e-9


def test_evaluate_on_the_demo_has_every_section_with_consistent_numbers(demo):
    cards = json.loads(
        run_frontdesk(
            "scorecards", "--workspace", str(demo), "--period", "2026-05", "--format", "json"
        ).stdout
    )["scorecards"]
    doc = _json(demo, "--period", "2026-05", "--baseline", "2026-05")
    scored = sum(1 for c in cards if c["total"] is not None)
    assert doc["agents"] == len(cards) == 20
    v = doc["predictive_validity"]
    assert v["out_of_sample"] and v["outcome_period"] == "2026-06"
    for c in v["correlations"]:
        assert 0 < c["n"] <= scored
        assert _contains(c["spearman_ci"], c["spearman"]) and _contains(c["pearson_ci"], c["pearson"])
    total = next(c for c in v["correlations"] if c["subject"] == "total" and c["outcome"] == "csat")
    assert total["spearman"] > 0.3  # one hidden skill drives score and satisfaction
    ba = doc["before_after"]
    assert (ba["before"], ba["after"], ba["source"]) == ("2026-04", "2026-05", "option")
    for ch in ba["changes"]:
        assert ch["n_paired"] <= min(ch["n_before"], ch["n_after"]) <= 20
        assert _contains(ch["ci"], ch["difference"])
    for f in doc["fairness"]["groupings"]:
        assert f["n"] == scored if f["grouping"] in ("team", "site") else f["n"] <= scored
        assert sum(g["n"] for g in f["groups"]) == f["n"]
        for g in f["groups"]:
            assert g["gap_ci"] is None or _contains(g["gap_ci"], g["gap"])
    groups = doc["rater_agreement"]["groups"]
    assert {g["group"] for g in groups if g["source"] == "qa_reviews"} >= {"recording", "mystery_shopper"}
    for g in groups:
        assert g["alpha"]["value"] is None or -1.0 <= g["alpha"]["value"] <= 1.0
        assert g["flagged_share"] is None or 0.0 <= g["flagged_share"] <= 1.0
    # fed from the workspace's web database: the demo has no appeals, so zero, not null
    assert doc["acceptance"][0]["scorecards"] == 20 and doc["acceptance"][0]["filed"] == 0


def test_the_quarter_brings_the_360_block_and_self_ratings_show_up_lenient(demo):
    run_frontdesk("compute", "--workspace", str(demo), "--period", "2026-Q2")
    doc = _json(demo, "--period", "2026-Q2")
    subjects = {c["subject"] for c in doc["predictive_validity"]["correlations"]}
    assert {"ratings_360", "ratings_360:customer", "dimension:collaboration"} <= subjects
    relations = {g["group"]: g for g in doc["rater_agreement"]["groups"] if g["source"] == "ratings_360"}
    assert set(relations) == {"customer", "supervisor", "peer", "self", "partner_dept"}
    # The generator makes self-ratings about half a point (10 of 100) generous.
    assert len(relations["self"]["lenient"]) > len(relations["self"]["severe"])
    assert relations["supervisor"]["alpha"]["value"] is None


def test_a_scheme_version_change_becomes_the_baseline(demo):
    scheme = demo / "schemes" / "default.yaml"
    scheme.write_text(scheme.read_text("utf-8").replace('version: "2026.3"', 'version: "2026.4"'), "utf-8")
    run_frontdesk("compute", "--workspace", str(demo), "--period", "2026-06")
    doc = _json(demo, "--period", "2026-06")
    ba = doc["before_after"]
    assert ba["source"] == "scheme_version" and ba["baseline"] == "2026-06" and ba["before"] == "2026-05"
    assert ba["from_version"].startswith("default:2026.3+") and ba["to_version"].startswith("default:2026.4+")
    earlier = doc["predictive_validity_before"]  # the month before the change, against its next month
    assert (earlier["period"], earlier["outcome_period"], earlier["out_of_sample"]) == (
        "2026-05",
        "2026-06",
        True,
    )
    assert {c["subject"] for c in earlier["correlations"]} >= {"total"}
    text = run_frontdesk("evaluate", "--workspace", str(demo), "--period", "2026-06", "--lang", "zh").stdout
    assert "效果评估" in text and "前后对比不代表因果" in text and "样本" in text


def test_bad_input_exits_2_with_one_line(demo):
    bad = run_frontdesk("evaluate", "--workspace", str(demo), "--period", "2026-05", "--baseline", "2027-01",
                        check=False)  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--baseline 2027-01" in bad.stderr
    none = run_frontdesk("evaluate", "--workspace", str(demo), "--period", "2025-01", check=False)
    assert none.returncode == 2 and "no scorecards computed" in none.stderr
