"""The demo end to end, as a new user runs it: the real command, the real server, a real browser.

One demo workspace (60 agents × 3 months, the demo's defaults) is built once for the module by
``frontdesk demo --no-serve`` in a subprocess; the checks then read it through the CLI, the
generator's hidden truth and a ``frontdesk serve`` process driven by Chromium.
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_frontdesk, served
from scipy.stats import spearmanr

from frontdesk.scoring.scheme import load_scheme
from frontdesk.store.eventstore import EventStore
from frontdesk.synth import read_truth

run = run_frontdesk


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    ws = tmp_path_factory.mktemp("demo") / "ws"
    result = run("demo", "--no-serve", "--workspace", str(ws), "--start", "2026-07")
    return ws, result


def latest_scorecards(ws: Path) -> dict:
    return json.loads(
        run("scorecards", "--workspace", str(ws), "--period", "latest", "--format", "json").stdout
    )


def test_demo_prints_the_ranking_and_the_logins(demo):
    ws, result = demo
    assert "Top of the ranking, 2026-09" in result.stdout
    assert "director" in result.stdout and "lead" in result.stdout and "agent" in result.stdout
    assert (ws / "frontdesk.toml").exists() and (ws / "frontdesk.db").exists()
    assert list((ws / "events" / "interactions").glob("month=2026-09/*.parquet"))


def test_every_agent_has_a_scorecard_with_every_v0_indicator(demo):
    ws, _ = demo
    out = latest_scorecards(ws)
    assert out["period"] == "2026-09" and out["cycle"] == "monthly"
    assert out["scheme_version"] == load_scheme().version_id
    agent_ids = {a["agent_id"] for a in EventStore(ws / "events").read("agents").to_pylist()}
    assert {c["agent_id"] for c in out["scorecards"]} == agent_ids
    assert len(agent_ids) == 60
    v0 = set(load_scheme().indicator_codes("monthly"))
    assert {"first_response", "handle_time", "urgent_response", "contacts_per_hour"} <= v0
    for card in out["scorecards"]:
        assert set(card["indicators"]) == v0
        for code, ind in card["indicators"].items():
            assert set(ind) >= {"value", "n", "score", "weight", "flags"}
            # Not available means no value and no score, never a zero.
            assert (ind["value"] is None) == (ind["score"] is None) == ("not_available" in ind["flags"]), code
        assert card["total"] is not None and card["grade"] in "ABCD"
        assert abs(sum(i["weight"] for i in card["indicators"].values()) - 1.0) < 1e-4


def test_agents_without_surveys_show_not_available(demo):
    ws, _ = demo
    truth = read_truth(EventStore(ws / "events"))
    silent = {a for a, t in truth.items() if not t.surveys_connected}
    assert silent
    for card in latest_scorecards(ws)["scorecards"]:
        if card["agent_id"] in silent:
            assert card["indicators"]["csat"]["value"] is None
            assert card["indicators"]["csat"]["n"] == 0
            assert card["total"] is not None  # scored on what they have


def test_total_score_tracks_hidden_skill(demo):
    ws, _ = demo
    truth = read_truth(EventStore(ws / "events"))
    cards = latest_scorecards(ws)["scorecards"]
    rho = spearmanr([truth[c["agent_id"]].skill for c in cards], [c["total"] for c in cards]).statistic
    assert rho >= 0.5, rho


def test_the_demo_computes_each_month_and_the_whole_quarter(demo):
    _, result = demo
    computed = re.findall(r"^computed (\S+): 60 scorecards", result.stdout, re.M)
    assert computed == ["2026-07", "2026-08", "2026-09", "2026-Q3"]


def test_grades_are_plausible_in_every_period_the_demo_computes(demo):
    """MISSION S1/O1: targets challenging but achievable. The demo organisation (docs/synthetic-data.md,
    "Calibrated to a well-run centre") under the default scheme: at most 20 % D, at least 5 % A,
    and all four grades used, in every month and in the quarter."""
    ws, result = demo
    for period in re.findall(r"^computed (\S+):", result.stdout, re.M):
        out = json.loads(
            run("scorecards", "--workspace", str(ws), "--period", period, "--format", "json").stdout
        )
        grades = [c["grade"] for c in out["scorecards"]]
        share = {g: grades.count(g) / len(grades) for g in "ABCD"}
        assert share["D"] <= 0.20 and share["A"] >= 0.05 and min(share.values()) > 0, (period, share)


def test_the_demo_refuses_a_real_workspace(tmp_path):
    run("init", "--workspace", str(tmp_path / "real"))
    result = run("demo", "--no-serve", "--workspace", str(tmp_path / "real"), check=False)
    assert result.returncode == 2
    assert "not a demo" in result.stderr
    assert not (tmp_path / "real" / "events" / "interactions").exists()


# --- the served demo in a real browser -------------------------------------------------------


@pytest.fixture(scope="module")
def server(demo) -> Iterator[str]:
    ws, _ = demo
    with served(ws) as url:
        yield url


def sign_in(browser, url: str, username: str, locale: str = "zh-CN"):
    context = browser.new_context(locale=locale, base_url=url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "frontdesk")
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    return context, page


@pytest.mark.browser
def test_agent_sees_own_scorecard_in_both_languages_and_no_one_elses(demo, server, browser):
    ws, _ = demo
    cards = {c["agent_id"]: c for c in latest_scorecards(ws)["scorecards"]}
    context, page = sign_in(browser, server, "agent")
    try:
        # The demo names the agent behind the `agent` login; home links to that scorecard.
        own_id = re.search(r"agent \((A\d+)\)", demo[1].stdout).group(1)
        assert page.locator(f"a[href*='/agents/{own_id}/']").count() >= 1
        page.goto(f"/agents/{own_id}/")
        own = cards[own_id]
        assert page.locator("h1").inner_text() == own["name_zh"]
        text = page.locator("main").inner_text()
        assert "首次响应时间" in text and "总分" in text
        assert f"{own['total']:.1f}" in text
        page.click("button[name=language][value=en]")
        page.wait_for_load_state("networkidle")
        text = page.locator("main").inner_text()
        assert page.locator("h1").inner_text() == own["name"]
        assert "First response time" in text and "总分" not in text
        other = next(c for c in cards.values() if c["agent_id"] != own_id and c["team_id"] == own["team_id"])
        response = page.goto(f"/agents/{other['agent_id']}/")
        assert response.status == 404
        assert other["name_zh"] not in page.content() and other["name"] not in page.content()
    finally:
        context.close()


@pytest.mark.browser
def test_lead_sees_the_team_ranking(demo, server, browser):
    ws, _ = demo
    cards = latest_scorecards(ws)["scorecards"]
    context, page = sign_in(browser, server, "lead")
    try:
        team = re.search(r"lead \(team (T\d+)\)", demo[1].stdout).group(1)
        page.goto(f"/ranking/?team={team}")
        members = [c for c in cards if c["team_id"] == team]
        assert len(members) >= 5
        rows = page.locator("table.ranking tbody tr")
        assert rows.count() == len(members)
        table = page.locator("table.ranking").inner_text()
        assert all(c["name_zh"] in table for c in members)
        assert not any(c["name_zh"] in table for c in cards if c["team_id"] != team)
        best = min(members, key=lambda c: c["rank_team"])
        assert best["name_zh"] in rows.nth(0).inner_text()
    finally:
        context.close()


def test_the_json_carries_the_explanation_and_the_cycle_state(demo):
    ws, result = demo
    out = latest_scorecards(ws)
    # The latest month stays in review, the appeal window, so the demo can show appeals; the
    # months before it and the quarter are published.
    assert out["state"] == "in_review"
    assert "2026-09 is in review: agents may appeal it" in result.stdout
    for period in ("2026-07", "2026-08", "2026-Q3"):
        earlier = json.loads(
            run("scorecards", "--workspace", str(ws), "--period", period, "--format", "json").stdout
        )
        assert earlier["state"] == "published", period
    card = out["scorecards"][0]
    assert {"rank_site", "bonus_points", "capped_by", "process_share", "outcome_share"} <= set(card)
    assert card["process_share"] + card["outcome_share"] == pytest.approx(1.0)
    for ind in card["indicators"].values():
        assert {"curve", "contribution", "kind", "target", "floor"} <= set(ind)
        if ind["score"] is not None:
            assert ind["contribution"] == pytest.approx(ind["weight"] * ind["score"], abs=1e-3)
    assert sum(i["contribution"] or 0 for i in card["indicators"].values()) + card[
        "bonus_points"
    ] == pytest.approx(card["total"], abs=0.01)


def test_the_demo_sign_in_page_names_the_demo_accounts(server):
    request = urllib.request.Request(server + "/accounts/login/", headers={"Accept-Language": "zh-CN"})
    page = urllib.request.urlopen(request, timeout=10).read().decode()
    assert "演示账号" in page and "<code>frontdesk</code>" in page
    assert all(f"<code>{u}</code>" in page for u in ("director", "lead", "agent"))
