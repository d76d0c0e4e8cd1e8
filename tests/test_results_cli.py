"""``frontdesk bonus``, ``promotions``, ``stars`` and ``plans`` on a real demo workspace.

One small demo (20 agents × 2 months, August and September 2026) is built once for the module
by ``frontdesk demo --no-serve`` in a subprocess; the commands then run as a user runs them.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import run_frontdesk

from frontdesk.results.bonus_pool import BonusRules
from frontdesk.results.development import DevelopmentRules
from frontdesk.results.promotion import PromotionRules
from frontdesk.results.recognition import AnnualExcellentRules, ServiceStarRules
from frontdesk.scoring.scheme import default_scheme_text, parse_scheme

run = run_frontdesk


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("results") / "ws"
    run(
        "demo",
        "--no-serve",
        "--workspace",
        str(root),
        "--agents",
        "20",
        "--months",
        "2",
        "--start",
        "2026-08",
    )
    return root


def as_json(ws: Path, *args: str) -> dict:
    return json.loads(run(*args, "--workspace", str(ws), "--format", "json").stdout)


def scorecards(ws: Path, period: str = "2026-09") -> dict[str, dict]:
    doc = as_json(ws, "scorecards", "--period", period)
    return {c["agent_id"]: c for c in doc["scorecards"]}


@pytest.mark.parametrize("pool", ["100000", "12345.67", "0.05"])
def test_bonus_amounts_add_up_exactly_to_the_pool(ws, pool):
    doc = as_json(ws, "bonus", "--period", "2026-09", "--pool", pool)
    assert doc["period"] == "2026-09" and doc["pool"] == f"{Decimal(pool):.2f}"
    assert sum(Decimal(a["amount"]) for a in doc["allocations"]) == Decimal(pool)
    assert {a["agent_id"] for a in doc["allocations"]} == set(scorecards(ws))
    for a in doc["allocations"]:
        assert {"agent_id", "amount", "tier"} <= set(a) and re.fullmatch(r"\d+\.\d\d", a["amount"])


def test_bonus_follows_grades_and_critical_failures_on_the_scorecards(ws):
    cards = scorecards(ws)
    doc = as_json(ws, "bonus", "--period", "2026-09", "--pool", "100000")
    for a in doc["allocations"]:
        card = cards[a["agent_id"]]
        if card["grade"] == "D":
            assert a["tier"] == "none" and a["amount"] == "0.00" and "grade_below_minimum" in a["reasons"]
        if "critical_failure" in card["flags"]:
            assert a["tier"] == "none" and "critical_failure" in a["reasons"]
    eligible = [a for a in doc["allocations"] if a["eligible"]]
    placed = [a for a in eligible if a["tier"] in ("top", "shared")]
    assert sum(a["top_place"] for a in eligible) == pytest.approx(max(1, len(eligible) // 5), abs=1e-3)
    assert min(a["total"] for a in placed) > max(a["total"] for a in eligible if a["tier"] == "rest")
    if not doc["tiers"]["shared"]["agents"]:
        top = doc["tiers"]["top"]
        assert abs(Decimal(top["amount"]) - Decimal("50000")) <= Decimal("0.01") * top["agents"]


def test_bonus_prints_a_table_by_default(ws):
    out = run("bonus", "--workspace", str(ws), "--period", "latest", "--pool", "100000").stdout
    assert "Bonus pool 2026-09: 100,000.00" in out and "unallocated 0.00" in out


@pytest.mark.parametrize(
    ("pool", "message"), [("-5", "negative"), ("abc", "not an amount"), ("1.005", "fractions of a cent")]
)
def test_a_bad_pool_exits_2_with_one_line(ws, pool, message):
    result = run("bonus", "--workspace", str(ws), "--period", "2026-09", f"--pool={pool}", check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("frontdesk: error: --pool")
    assert message in result.stderr and result.stdout == ""


def test_bonus_for_a_period_without_scorecards_exits_2(ws):
    result = run("bonus", "--workspace", str(ws), "--period", "2025-01", "--pool", "10", check=False)
    assert result.returncode == 2 and "no scorecards computed" in result.stderr


def test_promotion_candidates_were_excellent_in_both_months(ws):
    doc = as_json(ws, "promotions", "--period", "2026-09")
    august, september = scorecards(ws, "2026-08"), scorecards(ws)
    expected = {
        a for a, c in september.items() if c["grade"] == "A" and august.get(a, {}).get("grade") == "A"
    }
    assert {c["agent_id"] for c in doc["candidates"]} == expected
    assert all(c["periods"] == ["2026-08", "2026-09"] for c in doc["candidates"])


def test_each_team_star_has_the_best_total_among_its_eligible_agents(ws):
    cards = scorecards(ws)
    doc = as_json(ws, "stars", "--period", "2026-09")
    assert {s["team_id"] for s in doc["stars"]} | set(doc["teams_without_star"]) == {
        c["team_id"] for c in cards.values()
    }
    for star in doc["stars"]:
        rivals = [
            c
            for c in cards.values()
            if c["team_id"] == star["team_id"]
            and c["total"] is not None
            and "critical_failure" not in c["flags"]
            and not any(
                "small_sample" in i["flags"] for i in c["indicators"].values() if i["score"] is not None
            )
        ]
        assert star["total"] == max(c["total"] for c in rivals)
        assert star["contenders"] == len(rivals)


def test_plans_set_goals_due_next_month_and_review_them(ws):
    doc = as_json(ws, "plans", "--period", "2026-08")
    goals = [g for p in doc["plans"] for g in p["goals"]]
    assert goals and len(doc["plans"]) == 20
    assert all(g["due_cycle"] == "2026-09" and g["percentile"] <= 25 for g in goals)
    assert all(g["course"]["name"]["zh"] and g["course"]["name"]["en"] for g in goals)
    review = as_json(ws, "plans", "--period", "2026-09", "--review")
    assert review["planned_in"] == "2026-08" and len(review["reviews"]) == len(goals)
    assert {r["status"] for r in review["reviews"]} <= {"met", "not_met", "no_data"}


def test_the_documented_results_section_is_valid():
    text = (Path(__file__).parents[1] / "docs" / "results.md").read_text("utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if b.startswith("results:"))
    scheme = parse_scheme(default_scheme_text() + "\n" + block, "docs/results.md")
    assert BonusRules.from_scheme(scheme) == BonusRules(grade_ladder=("A", "B", "C", "D"))
    assert PromotionRules.from_scheme(scheme).consecutive_cycles == 2
    assert ServiceStarRules.from_scheme(scheme).min_n == {"csat": 30}
    assert AnnualExcellentRules.from_scheme(scheme).max_fraction == Decimal("0.1")
    dev = DevelopmentRules.from_scheme(scheme)
    assert (
        dev.catalogue["csat"].code == "vip_etiquette"
        and dev.catalogue["nps"].code == "communication_workshop"
    )
