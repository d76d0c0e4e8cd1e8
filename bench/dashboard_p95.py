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

PASSWORD = "bench-password"


def build(agent_count: int, period_count: int) -> list[str]:
    """Store the organisation and ``period_count`` published months ending 2026-12; their labels."""
    from django.contrib.auth import get_user_model

    from frontdesk.web.accounts.models import Profile, Role
    from frontdesk.web.appraisal.sample_organisation import sample_agents, store_sample_organisation

    months = [(2026 * 12 + 11 - k) for k in reversed(range(period_count))]
    labels = [f"{m // 12}-{m % 12 + 1:02d}" for m in months]
    store_sample_organisation(sample_agents(agent_count, chinese_names=True), labels, chinese_names=True)
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
