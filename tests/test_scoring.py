"""Scoring: curves, shrinkage of small samples, re-spread weights, caps, grades and ranks."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.engines import Measure
from frontdesk.scoring.scheme import load_scheme, parse_scheme
from frontdesk.scoring.scores import (
    AgentInfo,
    linear_score,
    percentile_score,
    rank,
    score_agent,
    score_period,
    shrink,
)

CAT = builtin_catalog()


def scheme_with(body: str):
    return parse_scheme("scheme: t\nversion: '1'\n" + body, "t.yaml")


GRADES = (
    "grades:\n  - {code: A, min: 85}\n  - {code: B, min: 70}\n  - {code: C, min: 55}\n  - {code: D, min: 0}\n"
)


def test_linear_score_runs_from_floor_to_target_in_either_direction():
    assert linear_score(180, target=180, floor=600) == 100
    assert linear_score(390, target=180, floor=600) == 50
    assert linear_score(900, target=180, floor=600) == 0
    assert linear_score(75, target=90, floor=60) == 50
    assert linear_score(99, target=90, floor=60) == 100
    assert linear_score(99, target=90, floor=60, cap=120) == 120


def test_a_stretch_cap_lets_a_linear_score_pass_100():
    assert linear_score(96, target=90, floor=60, cap=150) == pytest.approx(120)


def test_percentile_is_mid_rank_and_follows_the_direction():
    assert percentile_score(10, [10, 20, 30, 40], "higher") == 12.5
    assert percentile_score(10, [10, 20, 30, 40], "lower") == 87.5
    assert percentile_score(20, [20, 20], "higher") == 50.0


def test_ranks_share_places_on_ties_and_skip_missing():
    assert rank([("a", 80.0), ("b", 90.0), ("c", 80.0), ("d", None), ("e", 70.0)]) == {
        "b": 1,
        "a": 2,
        "c": 2,
        "e": 4,
    }


def test_missing_indicators_spread_their_weight_and_stay_not_available():
    scheme = load_scheme()
    measures = {"csat": Measure(value=95.0, n=40), "first_response": Measure(value=105.0, n=300)}
    card = score_agent(AgentInfo("A1", "Wang Fang", "T1"), measures, scheme, CAT, "2026-10", "monthly")
    assert card.indicators["nps"].value is None and card.indicators["nps"].score is None
    assert "not_available" in card.indicators["nps"].flags
    # Only two monthly indicators have data: each carries its whole dimension's share.
    fr, cs = card.indicators["first_response"], card.indicators["csat"]
    assert fr.weight == pytest.approx(35 / 80) and cs.weight == pytest.approx(45 / 80)
    assert card.total == round(35 / 80 * linear_score(105.0, 30, 180) + 45 / 80 * 100.0, 2)
    assert fr.contribution == pytest.approx(fr.weight * fr.score, abs=1e-3)
    assert "weight_missing" in card.flags  # 7 of 8 monthly indicators carry far more than 30 % of the weight
    # Quarterly-only indicators are not part of a monthly scorecard at all.
    assert "service_compliance" not in card.indicators


def test_small_samples_are_shrunk_toward_the_peer_mean_and_flagged():
    scheme = scheme_with(
        "dimensions:\n  - code: quality\n    weight: 100\n    indicators:\n"
        "      - {code: csat, weight: 100, target: 95, floor: 60, min_n: 20}\n" + GRADES
    )
    agents = [AgentInfo(f"A{i}", f"a{i}", "T1") for i in range(3)]
    measures = {
        "A0": {"csat": Measure(90.0, 40)},
        "A1": {"csat": Measure(70.0, 60)},
        "A2": {"csat": Measure(100.0, 5)},
    }
    cards = {c.agent_id: c for c in score_period(agents, measures, scheme, CAT, "2026-10", "monthly")}
    small = cards["A2"].indicators["csat"]
    peer_mean = (90.0 + 70.0) / 2  # agents with a full sample
    assert small.raw_value == 100.0 and small.peer_mean == peer_mean
    assert small.value == pytest.approx(shrink(100.0, 5, 20, peer_mean)) == pytest.approx((500 + 1600) / 25)
    assert {"shrunk", "small_sample"} <= set(small.flags)
    assert cards["A0"].indicators["csat"].raw_value is None  # a full sample is left alone


def test_a_critical_failure_caps_the_grade():
    scheme = load_scheme()
    good = {
        "csat": Measure(99.0, 400),
        "first_response": Measure(20.0, 900),
        "qa_critical_failures": Measure(1.0, 4),
    }
    card = score_agent(AgentInfo("A1", "x", "T1"), good, scheme, CAT, "2026-10", "monthly")
    assert card.total >= 85 and card.grade == "C"
    assert (
        "critical_failure" in card.flags
        and "capped" in card.flags
        and "qa_critical_failures" in card.capped_by
    )


def test_only_the_rules_an_agent_sets_off_cap_its_grade_and_the_harshest_of_them_wins():
    # Rule B (cap D) is listed last: an agent setting off only rule A is capped at A's C, not D.
    scheme = scheme_with(
        "dimensions:\n  - code: quality\n    weight: 100\n    indicators:\n"
        "      - {code: csat, weight: 100, target: 95, floor: 60}\n"
        "critical_failures:\n"
        "  - {indicator: qa_critical_failures, above: 0, cap_grade: C}\n"
        "  - {indicator: handle_time, above: 900, cap_grade: D}\n" + GRADES
    )
    agents = [AgentInfo(a, a, "T1") for a in ("ONLY_A", "BOTH", "NONE", "ONLY_A_WORSE")]
    measures = {
        "ONLY_A": {"csat": Measure(99.0, 100), "qa_critical_failures": Measure(1.0, 4)},
        "BOTH": {"csat": Measure(99.0, 100), "qa_critical_failures": Measure(2.0, 4),
                 "handle_time": Measure(1200.0, 100)},
        "NONE": {"csat": Measure(99.0, 100), "qa_critical_failures": Measure(0.0, 4),
                 "handle_time": Measure(300.0, 100)},
        "ONLY_A_WORSE": {"csat": Measure(61.0, 100), "qa_critical_failures": Measure(1.0, 4)},
    }  # fmt: skip
    cards = {c.agent_id: c for c in score_period(agents, measures, scheme, CAT, "2026-10", "monthly")}
    only_a = cards["ONLY_A"]
    assert only_a.total >= 85 and only_a.grade == "C"
    assert only_a.capped_by == "qa_critical_failures > 0: grade at most C"
    assert {"critical_failure", "capped"} <= set(only_a.flags)
    both = cards["BOTH"]
    assert both.total >= 85 and both.grade == "D"
    assert both.capped_by == "handle_time > 900: grade at most D"  # the rule whose cap was applied
    assert "capped" in both.flags
    none = cards["NONE"]
    assert none.grade == "A" and none.capped_by is None
    assert not {"critical_failure", "capped"} & set(none.flags)
    worse = cards["ONLY_A_WORSE"]  # already below the cap: the grade stays, nothing is capped
    assert worse.grade == "D" and "critical_failure" in worse.flags and "capped" not in worse.flags


def test_the_schemes_min_n_decides_which_samples_are_small():
    def card(min_n: str, n: int):
        scheme = scheme_with(
            "dimensions:\n  - code: quality\n    weight: 100\n    indicators:\n"
            f"      - {{code: csat, weight: 100, target: 95, floor: 60{min_n}}}\n" + GRADES
        )
        return score_agent(AgentInfo("A1", "x", "T1"), {"csat": Measure(90.0, n)}, scheme, CAT, "2026-10",
                           "monthly").indicators["csat"]  # fmt: skip

    assert CAT["csat"].min_n == 20
    assert "small_sample" in card("", 10).flags  # no min_n in the scheme: the catalogue's is the default
    assert "small_sample" not in card("", 20).flags
    assert "small_sample" not in card(", min_n: 5", 10).flags  # the scheme's, lower, wins
    assert "small_sample" in card(", min_n: 50", 30).flags  # so does a stricter one


def test_bonus_items_lift_the_total_above_100():
    scheme = scheme_with(
        "dimensions:\n  - code: quality\n    weight: 100\n    indicators:\n"
        "      - {code: csat, weight: 100, target: 95, floor: 60}\n"
        "bonus_items:\n  - {indicator: kb_contribution, points_per_unit: 2, max_points: 5}\n" + GRADES
    )
    m = {"csat": Measure(99.0, 100), "kb_contribution": Measure(4.0, 3)}
    card = score_agent(AgentInfo("A1", "x", "T1"), m, scheme, CAT, "2026-Q3", "quarterly")
    assert card.bonus_points == 5 and card.total == 105


def test_forced_distribution_gives_each_grade_its_share_and_ties_the_better_grade():
    scheme = scheme_with(
        "dimensions:\n  - code: quality\n    weight: 100\n    indicators:\n"
        "      - {code: csat, weight: 100, target: 100, floor: 0}\n"
        "grades:\n  method: forced\n  levels:\n    - {code: A, share: 20}\n    - {code: B, share: 30}\n"
        "    - {code: C, share: 50}\n"
    )
    values = [95, 90, 90, 80, 70, 60, 50, 40, 30, 20]
    agents = [AgentInfo(f"A{i}", "x", "T1") for i in range(10)]
    measures = {f"A{i}": {"csat": Measure(float(v), 100)} for i, v in enumerate(values)}
    grades = {c.agent_id: c.grade for c in score_period(agents, measures, scheme, CAT, "2026-10", "monthly")}
    # 20 % of 10 is 2 people: A0 and A1 — and A2, tied with A1 at 90, joins them.
    assert [grades[f"A{i}"] for i in range(10)] == ["A", "A", "A", "B", "B", "C", "C", "C", "C", "C"]


def test_an_agent_without_any_data_has_no_total_and_no_rank():
    scheme = load_scheme()
    agents = [AgentInfo("A1", "x", "T1", "S1"), AgentInfo("A2", "y", "T1", "S1")]
    cards = score_period(agents, {"A1": {"csat": Measure(90.0, 30)}}, scheme, CAT, "2026-10", "monthly")
    by_id = {c.agent_id: c for c in cards}
    assert by_id["A1"].rank_team == 1 and by_id["A1"].rank_org == 1 and by_id["A1"].rank_site == 1
    assert by_id["A2"].total is None and by_id["A2"].rank_team is None
    assert "no_data" in by_id["A2"].flags


def test_process_and_outcome_shares_are_reported():
    scheme = load_scheme()
    m = {"first_response": Measure(60.0, 300), "csat": Measure(90.0, 300)}
    card = score_agent(AgentInfo("A1", "x", "T1"), m, scheme, CAT, "2026-10", "monthly")
    assert card.process_share == pytest.approx(35 / 80)  # first response is a process indicator
    assert card.to_json()["outcome_share"] == pytest.approx(45 / 80)


# --- properties -----------------------------------------------------------------------------

MONTHLY = load_scheme().indicator_codes("monthly")
values = st.floats(min_value=-50, max_value=5000, allow_nan=False)
samples = st.integers(min_value=0, max_value=500)


@st.composite
def agent_measures(draw):
    out = {}
    for code in MONTHLY:
        if draw(st.booleans()):
            out[code] = Measure(draw(values), draw(samples) or 1)
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(agent_measures(), min_size=1, max_size=6))
def test_scores_stay_within_bounds(population):
    scheme = load_scheme()
    agents = [AgentInfo(f"A{i}", "x", f"T{i % 2}") for i in range(len(population))]
    cards = score_period(agents, {a.agent_id: m for a, m in zip(agents, population, strict=True)}, scheme, CAT,
                         "2026-10", "monthly")  # fmt: skip
    for c in cards:
        for r in c.indicators.values():
            assert r.score is None or 0 <= r.score <= 100
        assert c.total is None or 0 <= c.total <= 100
        if c.total is not None:
            assert sum(r.weight for r in c.indicators.values()) == pytest.approx(1.0, abs=1e-4)


@settings(max_examples=150, deadline=None)
@given(st.lists(agent_measures(), min_size=1, max_size=6), st.sampled_from(MONTHLY), st.floats(0.01, 500))
def test_improving_one_indicator_never_lowers_the_total(population, code, step):
    scheme = load_scheme()
    agents = [AgentInfo(f"A{i}", "x", "T1") for i in range(len(population))]
    before = {a.agent_id: dict(m) for a, m in zip(agents, population, strict=True)}
    m = before["A0"].get(code)
    if m is None:
        return
    better = m.value + step if CAT[code].better == "higher" else m.value - step
    after = {k: dict(v) for k, v in before.items()}
    after["A0"][code] = Measure(better, m.n)
    t0 = {c.agent_id: c.total for c in score_period(agents, before, scheme, CAT, "2026-10", "monthly")}["A0"]
    t1 = {c.agent_id: c.total for c in score_period(agents, after, scheme, CAT, "2026-10", "monthly")}["A0"]
    assert t1 >= t0 - 1e-9
