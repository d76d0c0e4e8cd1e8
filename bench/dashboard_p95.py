"""Render time of the team dashboard: p50 / p95 over N renders, as JSON.

Builds a workspace in a temporary folder (SQLite): ``--agents`` agents in 20 teams on 2 sites,
``--periods`` published monthly periods of 4 indicators each, stored through
``frontdesk.web.appraisal.store`` (``sync_organisation``, ``save_scorecards``, ``transition``).
Then renders ``/dashboard/`` (newest period, every agent) ``--renders`` times with Django's test
client as a director, after ``--warmup`` renders that are not counted, and prints
``{"p50_ms", "p95_ms", "mean_ms", "max_ms", "queries", ...}``.

    python bench/dashboard_p95.py [--agents 1000] [--periods 12] [--renders 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

CODES = ("first_response", "first_contact_resolution", "csat", "nps")
PASSWORD = "bench-password"


def _cards(agents: list[dict], period: str, seed: int) -> list:
    from frontdesk.engine.scorecard import IndicatorResult, Scorecard

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
                agent_id=a["agent_id"],
                name=a["name"],
                name_zh=a["name_zh"],
                team_id=a["team_id"],
                site_id=a["site_id"],
                period=period,
                cycle="monthly",
                scheme_version="bench",
                total=total,
                grade="A" if total >= 85 else "B" if total >= 70 else "C",
                indicators=indicators,
            )
        )
    ranked = sorted(cards, key=lambda c: (-c.total, c.agent_id))
    for rank, c in enumerate(ranked, start=1):
        c.rank_org = rank
    for team in {c.team_id for c in cards}:
        for rank, c in enumerate((c for c in ranked if c.team_id == team), start=1):
            c.rank_team = rank
    return cards


def build(agent_count: int, period_count: int) -> list[str]:
    """Store the organisation and ``period_count`` published months ending 2026-12; their labels."""
    from django.contrib.auth import get_user_model

    from frontdesk.web.accounts.models import Profile, Role
    from frontdesk.web.appraisal import store

    sites = [{"site_id": f"S{s}", "name": f"Site {s}", "name_zh": f"网点{s}"} for s in (1, 2)]
    teams = [
        {"team_id": f"T{t:02d}", "name": f"Team {t}", "name_zh": f"{t}组", "site_id": f"S{t % 2 + 1}"}
        for t in range(20)
    ]
    agents = [
        {
            "agent_id": f"A{i:04d}",
            "name": f"Agent {i}",
            "name_zh": f"员工{i}",
            "team_id": f"T{i % 20:02d}",
            "site_id": f"S{i % 20 % 2 + 1}",
        }
        for i in range(agent_count)
    ]
    store.sync_organisation(sites, teams, agents)
    months = [(2026 * 12 + 11 - k) for k in reversed(range(period_count))]
    labels = [f"{m // 12}-{m % 12 + 1:02d}" for m in months]
    for seed, label in enumerate(labels):
        store.save_scorecards(
            _cards(agents, label, seed), period=label, cycle="monthly", scheme_version="bench"
        )
        store.transition(label, "monthly", "in_review")
        store.transition(label, "monthly", "published")
    user = get_user_model().objects.create_user("director", password=PASSWORD)
    Profile.objects.create(user=user, role=Role.DIRECTOR.value)
    return labels


def percentile(samples: list[float], q: float) -> float:
    """The ``q`` quantile (0..1), linear between closest ranks."""
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="frontdesk-dashboard-bench-") as folder:
        import frontdesk.web

        frontdesk.web.setup(Path(folder) / "workspace")
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        started = time.perf_counter()
        labels = build(args.agents, args.periods)
        build_s = time.perf_counter() - started

        client = Client(SERVER_NAME="localhost", HTTP_ACCEPT_LANGUAGE="zh-hans")
        if not client.login(username="director", password=PASSWORD):
            raise SystemExit("could not sign in")
        for _ in range(args.warmup):
            assert client.get("/dashboard/").status_code == 200
        samples = []
        for _ in range(args.renders):
            started = time.perf_counter()
            response = client.get("/dashboard/")
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/dashboard/")
        result = {
            "agents": args.agents,
            "periods": len(labels),
            "period_shown": labels[-1],
            "renders": args.renders,
            "p50_ms": round(percentile(samples, 0.50), 1),
            "p95_ms": round(percentile(samples, 0.95), 1),
            "mean_ms": round(statistics.fmean(samples), 1),
            "max_ms": round(max(samples), 1),
            "queries": len(queries.captured_queries),
            "page_kb": round(len(response.content) / 1024, 1),
            "build_s": round(build_s, 1),
            "database": connection.vendor,
            "python": sys.version.split()[0],
        }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
