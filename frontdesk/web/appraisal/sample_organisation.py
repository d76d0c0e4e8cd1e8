"""A large, regular organisation with published scorecards, for page tests and page benchmarks.

Agents ``A0000``… in 20 teams on 2 sites; each period's scorecards carry four indicators whose
scores follow a fixed arithmetic pattern, so tests can recompute what a page should show.
"""

from __future__ import annotations

from collections.abc import Iterable

from frontdesk.scoring.scorecard import IndicatorResult, Scorecard

CODES = ("first_response", "first_contact_resolution", "csat", "nps")
TEAMS = 20


def sample_agents(count: int, prefix: str = "A", chinese_names: bool = False) -> list[dict]:
    """``count`` agent rows spread round-robin over the 20 teams (and so the 2 sites)."""
    return [
        {
            "agent_id": f"{prefix}{i:04d}",
            "name": f"Agent {prefix}{i}" if prefix != "A" else f"Agent {i}",
            **({"name_zh": f"员工{i}"} if chinese_names else {}),
            "team_id": f"T{i % TEAMS:02d}",
            "site_id": f"S{i % TEAMS % 2 + 1}",
        }
        for i in range(count)
    ]


def sample_scorecards(agents: list[dict], period: str, seed: int) -> list[Scorecard]:
    """One scorecard per agent; ranks are unique (ties broken by agent id)."""
    cards = []
    for i, a in enumerate(agents):
        scores = [(i * 13 + seed * 7 + j * 29) % 101 for j in range(len(CODES))]
        indicators = {
            code: IndicatorResult(code, float(s), 50, float(s), 0.25)
            for code, s in zip(CODES, scores, strict=True)
        }
        total = round(sum(scores) / len(scores), 1)
        cards.append(
            Scorecard(
                agent_id=a["agent_id"], name=a["name"], name_zh=a.get("name_zh"), team_id=a["team_id"],
                site_id=a["site_id"], period=period, cycle="monthly", scheme_version="bench", total=total,
                grade="A" if total >= 85 else "B" if total >= 70 else "C", indicators=indicators,
            )
        )  # fmt: skip
    ranked = sorted(cards, key=lambda c: (-(c.total or 0.0), c.agent_id))
    for place, c in enumerate(ranked, start=1):
        c.rank_org = place
    for team in {c.team_id for c in cards}:
        for place, c in enumerate((c for c in ranked if c.team_id == team), start=1):
            c.rank_team = place
    return cards


def store_sample_organisation(
    agents: list[dict], periods: Iterable[str], *, chinese_names: bool = False
) -> None:
    """Store the sites, teams and ``agents``, then one published monthly cycle per period."""
    from frontdesk.web.appraisal import store

    sites = [{"site_id": f"S{s}", "name": f"Site {s}", **({"name_zh": f"网点{s}"} if chinese_names else {})}
             for s in (1, 2)]  # fmt: skip
    teams = [
        {"team_id": f"T{t:02d}", "name": f"Team {t}", **({"name_zh": f"{t}组"} if chinese_names else {}),
         "site_id": f"S{t % 2 + 1}"}
        for t in range(TEAMS)
    ]  # fmt: skip
    store.sync_organisation(sites, teams, agents)
    for seed, period in enumerate(periods):
        store.save_scorecards(sample_scorecards(agents, period, seed), period=period, cycle="monthly",
                              scheme_version="bench")  # fmt: skip
        store.transition(period, "monthly", "in_review")
        store.transition(period, "monthly", "published")
