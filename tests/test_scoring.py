"""Scoring: linear curves, re-spread weights, grades and competition ranks."""

from frontdesk.engine.catalog import builtin_catalog
from frontdesk.engine.engines import Measure
from frontdesk.engine.scheme import load_scheme
from frontdesk.engine.scoring import AgentInfo, linear_score, rank, score_agent, score_period


def test_linear_score_runs_from_floor_to_target_in_either_direction():
    assert linear_score(180, target=180, floor=600) == 100
    assert linear_score(390, target=180, floor=600) == 50
    assert linear_score(900, target=180, floor=600) == 0
    assert linear_score(75, target=90, floor=60) == 50
    assert linear_score(99, target=90, floor=60) == 100


def test_ranks_share_places_on_ties_and_skip_missing():
    assert rank([("a", 80.0), ("b", 90.0), ("c", 80.0), ("d", None), ("e", 70.0)]) == {
        "b": 1,
        "a": 2,
        "c": 2,
        "e": 4,
    }


def test_missing_indicators_spread_their_weight_and_stay_not_available():
    scheme, cat = load_scheme(), builtin_catalog()
    agent = AgentInfo("A1", "Wang Fang", "T1")
    measures = {"csat": Measure(value=95.0, n=40), "first_response": Measure(value=105.0, n=300)}
    card = score_agent(agent, measures, scheme, cat, "2026-10", "monthly")
    assert card.indicators["nps"].value is None
    assert card.indicators["nps"].score is None
    assert "not_available" in card.indicators["nps"].flags
    # Only two indicators have data: each carries its whole dimension's share of the total.
    fr, cs = card.indicators["first_response"], card.indicators["csat"]
    assert abs(fr.weight - 45 / 100) < 1e-9 and abs(cs.weight - 55 / 100) < 1e-9
    fr_score = linear_score(105.0, fr.target, fr.floor)
    assert card.total == round(0.45 * fr_score + 0.55 * 100.0, 2)
    assert card.grade == scheme.grade_for(card.total)


def test_small_samples_are_flagged():
    scheme, cat = load_scheme(), builtin_catalog()
    card = score_agent(
        AgentInfo("A1", "x", "T1"), {"csat": Measure(90.0, 3)}, scheme, cat, "2026-10", "monthly"
    )
    assert "small_sample" in card.indicators["csat"].flags


def test_an_agent_without_any_data_has_no_total_and_no_rank():
    scheme, cat = load_scheme(), builtin_catalog()
    agents = [AgentInfo("A1", "x", "T1"), AgentInfo("A2", "y", "T1")]
    cards = score_period(agents, {"A1": {"csat": Measure(90.0, 30)}}, scheme, cat, "2026-10", "monthly")
    by_id = {c.agent_id: c for c in cards}
    assert by_id["A1"].rank_team == 1 and by_id["A1"].rank_org == 1
    assert by_id["A2"].total is None and by_id["A2"].rank_team is None
    assert "no_data" in by_id["A2"].flags
