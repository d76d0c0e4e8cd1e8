"""Throughput of transcript analytics: rules, masking, sentiment and the satisfaction model together.

    /work/venv/bin/python bench/text_throughput.py [--stc3 ../shared/datasets/stc3-helpdesk-dialogues]

One process, one core (``taskset -c 0`` to be sure). Measures ``frontdesk.text.analysis.analyze``
with the shipped models and the default scheme's rules over (a) the synthetic organisation's
transcripts (short chats, 80 % Chinese) and (b) STC-3's real Weibo dialogues in Chinese and in
English when the folder is given. Each set is analysed once to warm caches (jieba's dictionary,
the English word cache), then timed over ``--repeat`` more passes (default 3); the line reports
the median pass and the slowest. Prints one JSON line per set.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from frontdesk.store.eventstore import EventStore
from frontdesk.text.analysis import analyze
from frontdesk.text.conversation import Conversation, Turn
from frontdesk.text.model import load_models
from frontdesk.text.rules import DEFAULT_RULES


def synthetic(agents: int = 40, seed: int = 7) -> list[Conversation]:
    from frontdesk.synth import generate

    with tempfile.TemporaryDirectory() as tmp:
        store = EventStore(tmp)
        generate(store, agents=agents, months=1, start="2026-08", seed=seed)
        rows = (
            store.read("messages")
            .sort_by([("interaction_id", "ascending"), ("seq", "ascending")])
            .to_pylist()
        )
    turns = defaultdict(list)
    for r in rows:
        turns[r["interaction_id"]].append(Turn(r["speaker"], r["text"], r["at"]))
    return [Conversation(k, tuple(v)) for k, v in turns.items()]


def measure(name: str, convs: list[Conversation], models, repeat: int = 3) -> dict:
    for c in convs:
        analyze(c, DEFAULT_RULES, models)
    passes = []
    for _ in range(repeat):
        t = time.perf_counter()
        for c in convs:
            analyze(c, DEFAULT_RULES, models)
        passes.append(time.perf_counter() - t)
    elapsed = statistics.median(passes)
    chars = sum(len(x.text) for c in convs for x in c.turns) / len(convs)
    return {"set": name, "transcripts": len(convs), "mean_chars": round(chars), "seconds": round(elapsed, 3),
            "per_second": round(len(convs) / elapsed), "slowest_per_second": round(len(convs) / max(passes))}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stc3", type=Path)
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per set (median reported)")
    args = ap.parse_args()
    models = load_models(None)
    print(json.dumps(measure("synthetic chats", synthetic(), models, args.repeat)))
    if args.stc3:
        from frontdesk.text.datasets import load_stc3

        for lang in ("zh", "en"):
            convs, _ = load_stc3(args.stc3, lang)
            convs = [Conversation(c.id, c.turns) for c in convs]  # language detected, as in use
            print(json.dumps(measure(f"STC-3 {lang}", convs, models, args.repeat)))


if __name__ == "__main__":
    main()
