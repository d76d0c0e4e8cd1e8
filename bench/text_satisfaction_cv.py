"""Cross-validated satisfaction figures and the ablation in docs/text-analytics.md.

    /work/venv/bin/python bench/text_satisfaction_cv.py --data ../shared/datasets/stc3-helpdesk-dialogues
    /work/venv/bin/python bench/text_satisfaction_cv.py --data DIR --ablation        # every row of the table
    /work/venv/bin/python bench/text_satisfaction_cv.py --data DIR --write-models frontdesk/text/models

Spearman's rho between predictions and the 19 annotators' mean satisfaction (S), on held-out folds
(5 folds, shuffled with seed 0; the same ``frontdesk.text.training.cross_validate`` the tests run).
``--write-models`` then fits on all dialogues of each language and writes the shipped models.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from frontdesk.text.datasets import load_stc3
from frontdesk.text.model import DEFAULT_BLOCKS
from frontdesk.text.sentiment import lexicon_score
from frontdesk.text.training import CrossValidation, cross_validate, fit

LAST = ("last_customer", "last_two_customer", "last_turn")


def variants(lang: str) -> list[tuple[str, dict]]:
    """Ablation rows: each adds one part to the one before; the last is the shipped model."""
    a = "char" if lang == "zh" else "wordchar"
    rows = [
        ("TF-IDF ridge, whole dialogue", {"blocks": [("all", a)], "use_structure": False}),
        ("+ customer and agent turns apart", {"blocks": [("all", a), ("customer", a), ("agent", a)],
                                              "use_structure": False}),
        ("+ the last turns (last customer, last two customer, last)",
         {"blocks": [("all", a), ("customer", a), ("agent", a), *((v, a) for v in LAST)], "use_structure": False}),
        ("+ turn counts and lengths", {"blocks": [("all", a), ("customer", a), ("agent", a), *((v, a) for v in LAST)]}),
    ]  # fmt: skip
    if lang == "en":
        rows.append(
            ("+ words and word pairs (whole dialogue, last customer turn)", {"blocks": DEFAULT_BLOCKS["en"]})
        )
    return rows


def lexicon_cv(convs, labels, lang: str, folds: int, seed: int) -> CrossValidation:
    """The lexicon alone (no training): later customer turns weigh more."""
    scores = []
    for c in convs:
        s = [lexicon_score(t, lang) for t in c.customer_texts()]
        w = np.arange(1, len(s) + 1, dtype=float)
        scores.append(float(np.dot(s, w) / w.sum()) if s else 0.0)
    y = np.asarray(labels)
    order = np.random.default_rng(seed).permutation(len(y))
    parts = np.array_split(order, folds)
    return CrossValidation(tuple(float(spearmanr(np.asarray(scores)[p], y[p])[0]) for p in parts))


def _row(name: str, cv: CrossValidation) -> dict:
    return {"variant": name, "mean": round(cv.mean, 4), "std": round(cv.std, 4), "min": round(cv.low, 4),
            "max": round(cv.high, 4), "folds": [round(f, 4) for f in cv.folds]}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--lang", choices=["zh", "en", "both"], default="both")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ablation", action="store_true")
    ap.add_argument("--write-models", type=Path)
    args = ap.parse_args(argv)
    langs = ["zh", "en"] if args.lang == "both" else [args.lang]
    out = {}
    for lang in langs:
        convs, labels = load_stc3(args.data, lang)
        rows = []
        if args.ablation:
            rows.append(_row("lexicon (no training)", lexicon_cv(convs, labels, lang, args.folds, args.seed)))
            for name, opts in variants(lang):
                t = time.perf_counter()
                cv = cross_validate(convs, labels, lang, folds=args.folds, seed=args.seed, **opts)
                rows.append(_row(name, cv))
                print(f"{lang} {name}: {cv.mean:.4f} ± {cv.std:.4f} ({time.perf_counter() - t:.0f} s)",
                      file=sys.stderr)  # fmt: skip
        else:
            cv = cross_validate(convs, labels, lang, folds=args.folds, seed=args.seed)
            rows.append(_row("shipped model", cv))
        out[lang] = {"dialogues": len(convs), "folds": args.folds, "seed": args.seed, "rows": rows}
        if args.write_models:
            model = fit(convs, labels, lang)
            model.info.update({"data": "NTCIR-14 STC-3 DQ train_" + ("cn" if lang == "zh" else "en"),
                               "label": "mean of 19 annotators' customer satisfaction (S), -2..2",
                               "cv_spearman": rows[-1]})  # fmt: skip
            path = model.save(args.write_models / f"satisfaction-{lang}.npz")
            print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)", file=sys.stderr)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
