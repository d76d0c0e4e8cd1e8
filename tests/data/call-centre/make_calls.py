"""Writes calls-2026Q1.csv: a call-centre export of our own making, in the shape such systems give
(one row per call: call id, agent name, date, time, topic, answered Y/N, resolved Y/N, speed of
answer in seconds, talk duration H:MM:SS, satisfaction 1-5; the last four blank when the call was
not answered). Eight agents, named, no roster; January to March 2026, local times, some calls late
on the last evening of a month. Deterministic: ``python make_calls.py`` rewrites the same file.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

AGENTS = {  # name: (answer rate, mean speed of answer s, mean talk s, resolution rate, mean rating)
    "Wang Fang": (0.95, 12, 210, 0.90, 4.5),
    "Li Na": (0.92, 18, 260, 0.85, 4.2),
    "Zhang Wei": (0.88, 25, 300, 0.80, 3.9),
    "Liu Yang": (0.85, 30, 240, 0.75, 3.6),
    "Chen Jie": (0.90, 20, 330, 0.82, 4.0),
    "Zhao Min": (0.80, 40, 280, 0.70, 3.3),
    "Sun Hao": (0.93, 15, 200, 0.88, 4.3),
    "Zhou Ting": (0.87, 28, 360, 0.78, 3.8),
}
TOPICS = ("Account", "Billing", "Card", "Loan", "Complaint")
OUT = Path(__file__).with_name("calls-2026Q1.csv")


def calls(seed: int = 2026) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    day = date(2026, 1, 1)
    n = 0
    while day < date(2026, 4, 1):
        for name, (answer, speed, talk, resolve, rating) in AGENTS.items():
            for _ in range(rng.choice((0, 1, 1, 2))):
                n += 1
                last_evening = (day + timedelta(days=1)).day == 1 and rng.random() < 0.5
                hour, minute = (23, 30) if last_evening else (rng.randint(8, 21), rng.randint(0, 59))
                row = [f"C{n:05d}", name, day.isoformat(), f"{hour:02d}:{minute:02d}:{rng.randint(0, 59):02d}",
                       rng.choice(TOPICS)]  # fmt: skip
                if rng.random() < answer:
                    secs = max(30, int(rng.gauss(talk, talk / 3)))
                    score = min(5, max(1, round(rng.gauss(rating, 0.8))))
                    row += ["Y", "Y" if rng.random() < resolve else "N", str(max(1, int(rng.expovariate(1 / speed)))),
                            f"{secs // 3600}:{secs // 60 % 60:02d}:{secs % 60:02d}", str(score)]  # fmt: skip
                else:
                    row += ["N", "", "", "", ""]
                rows.append(row)
        day += timedelta(days=1)
    return rows


def main() -> None:
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Call Id", "Agent", "Date", "Time", "Topic", "Answered (Y/N)", "Resolved",
                    "Speed of answer in seconds", "Talk Duration", "Satisfaction rating"])  # fmt: skip
        w.writerows(calls())


if __name__ == "__main__":
    main()
