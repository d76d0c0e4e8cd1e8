"""One million CSV rows into the event store (issue 6: ≤ 15 s on 2 cores).

Generates a CSV of ``--rows`` interactions (canonical column names, local times, H:MM:SS
durations, so every parser runs), imports it with the ``generic`` preset into a fresh store and
prints the wall time of the import alone, then re-imports it (must add nothing).

    python bench/import_1m.py [--rows 1000000] [--dir /tmp/frontdesk-import-bench]
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from frontdesk.ingest import import_files, load_preset
from frontdesk.store.eventstore import EventStore


def make_csv(path: Path, n: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-07-01T00:00:00") + rng.integers(0, 92 * 86400, n).astype("timedelta64[s]")
    reply = start + rng.integers(5, 600, n).astype("timedelta64[s]")
    done = reply + rng.integers(60, 7200, n).astype("timedelta64[s]")
    handle = rng.integers(30, 3600, n)
    hms = [f"{h // 3600}:{h % 3600 // 60:02d}:{h % 60:02d}" for h in handle.tolist()]
    t = pa.table(
        {
            "interaction_id": [f"C{i:09d}" for i in range(n)],
            "agent_id": [f"A{a:04d}" for a in rng.integers(0, 1000, n).tolist()],
            "channel": rng.choice(["phone", "chat", "email", "walk_in"], n),
            "priority": rng.choice(["low", "normal", "high", "urgent"], n),
            "is_vip": rng.choice(["Y", "N"], n),
            "created_at": np.datetime_as_string(start, unit="s"),
            "first_response_at": np.datetime_as_string(reply, unit="s"),
            "resolved_at": np.datetime_as_string(done, unit="s"),
            "handle_seconds": hms,
            "topic": rng.choice(["billing", "delivery", "account", "other"], n),
        }
    )
    pcsv.write_csv(t, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/frontdesk-import-bench"))
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    csv_path = args.dir / f"interactions-{args.rows}.csv"
    if not csv_path.exists():
        make_csv(csv_path, args.rows)
    root = args.dir / "store"
    shutil.rmtree(root, ignore_errors=True)
    mapping = load_preset("generic").with_timezone("Asia/Shanghai")
    t0 = time.perf_counter()
    report = import_files(
        EventStore(root / "events"), [csv_path], mapping, root / "imports", ["interactions"]
    )
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = import_files(EventStore(root / "events"), [csv_path], mapping, root / "imports", ["interactions"])
    second = time.perf_counter() - t0
    r = report.tables["interactions"]
    print(json.dumps({
        "rows": args.rows, "csv_mb": round(csv_path.stat().st_size / 1e6, 1), "import_s": round(first, 2),
        "added": r.added, "refused": r.refused, "reimport_s": round(second, 2), "reimport_state": again.state,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
