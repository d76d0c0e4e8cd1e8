"""Training the satisfaction model and measuring it by cross-validation.

``train`` fits one model; ``cross_validate`` reports Spearman's rank correlation between
predictions and labels on folds the model never saw. Both share the feature code with
:class:`~frontdesk.text.model.SatisfactionModel`, and the figures in docs/text-analytics.md come
from ``cross_validate`` (bench/text_satisfaction_cv.py), the same function the tests run.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.stats import spearmanr

from frontdesk.text.conversation import Conversation
from frontdesk.text.features import Block, FeatureSpace, structure, turn_terms, view_turns
from frontdesk.text.model import DEFAULT_ALPHA, DEFAULT_BLOCKS, DEFAULT_MIN_DF, SatisfactionModel


@dataclass(frozen=True)
class CrossValidation:
    """Spearman's rho on each held-out fold, with their mean and spread."""

    folds: tuple[float, ...]

    @property
    def mean(self) -> float:
        return float(np.mean(self.folds))

    @property
    def std(self) -> float:
        return float(np.std(self.folds))

    @property
    def low(self) -> float:
        return float(min(self.folds))

    @property
    def high(self) -> float:
        return float(max(self.folds))


def _space(convs: Sequence[Conversation], blocks: Sequence[Block], min_df: int) -> FeatureSpace:
    """Vocabulary per analyser (terms in at least ``min_df`` documents of some block), idf per block."""
    n = len(convs)
    dfs: dict[Block, Counter] = {b: Counter() for b in blocks}
    analysers = sorted({a for _, a in blocks})
    for conv in convs:
        terms = turn_terms(conv, analysers)
        views = view_turns(conv)
        for b in blocks:
            seen: set[str] = set()
            for i in views[b[0]]:
                seen.update(terms[b[1]][i])
            dfs[b].update(seen)
    vocab: dict[str, dict[str, int]] = {a: {} for a in analysers}
    for b in blocks:
        v = vocab[b[1]]
        for term, df in dfs[b].items():
            if df >= min_df and term not in v:
                v[term] = len(v)
    idf = {}
    for b in blocks:
        v = vocab[b[1]]
        df = np.zeros(len(v))
        for term, c in dfs[b].items():
            j = v.get(term)
            if j is not None:
                df[j] = c
        idf[b] = np.log((1.0 + n) / (1.0 + df)) + 1.0
    return FeatureSpace(blocks, vocab, idf)


def _design(convs: Sequence[Conversation], space: FeatureSpace) -> sparse.csr_matrix:
    """One row per conversation, the blocks side by side."""
    widths = [len(space.vocab[a]) for _, a in space.blocks]
    offsets = np.concatenate([[0], np.cumsum(widths)])
    rows, cols, vals = [], [], []
    for i, conv in enumerate(convs):
        for k, (idx, w) in enumerate(space.rows(conv).values()):
            rows.append(np.full(len(idx), i))
            cols.append(idx + offsets[k])
            vals.append(w)
    if not rows:
        return sparse.csr_matrix((len(convs), int(offsets[-1])))
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(convs), int(offsets[-1])),
    )


def fit(
    convs: Sequence[Conversation],
    labels: Sequence[float],
    lang: str,
    *,
    blocks: Sequence[Block] | None = None,
    use_structure: bool = True,
    alpha: float = DEFAULT_ALPHA,
    min_df: int = DEFAULT_MIN_DF,
) -> SatisfactionModel:
    """Fit a model on conversations and their satisfaction labels (any numeric scale)."""
    from sklearn.linear_model import Ridge

    blocks = tuple(blocks if blocks is not None else DEFAULT_BLOCKS[lang])
    y = np.asarray(labels, dtype=np.float64)
    if len(convs) != len(y) or len(y) < 10:
        raise ValueError(f"need at least 10 labelled conversations, got {len(y)}")
    space = _space(convs, blocks, min_df)
    x = _design(convs, space)
    s = np.asarray([structure(c) for c in convs]) if use_structure else np.zeros((len(y), 0))
    mean, std = s.mean(axis=0), s.std(axis=0)
    std[std == 0] = 1.0
    if use_structure:
        x = sparse.hstack([x, sparse.csr_matrix((s - mean) / std)]).tocsr()
    ridge = Ridge(alpha=alpha).fit(x, y)
    coef = np.asarray(ridge.coef_, dtype=np.float64)
    out_coef, offset = {}, 0
    for b in blocks:
        width = len(space.vocab[b[1]])
        out_coef[b] = coef[offset : offset + width]
        offset += width
    model = SatisfactionModel(
        lang=lang,
        blocks=blocks,
        vocab=space.vocab,
        idf=space.idf,
        coef=out_coef,
        structure_mean=mean if use_structure else np.zeros(0),
        structure_std=std if use_structure else np.zeros(0),
        structure_coef=coef[offset:] if use_structure else np.zeros(0),
        intercept=float(ridge.intercept_),
        label_min=float(y.min()),
        label_max=float(y.max()),
        info={"trained_on": len(y), "alpha": alpha, "min_df": min_df},
    )
    model.turn_scale = _turn_scale(model, convs)
    return model


def _turn_scale(model: SatisfactionModel, convs: Sequence[Conversation]) -> float:
    """The spread of single customer turns' contributions, so per-turn tone maps well onto −1…1."""
    if "last_customer" not in model.blocks_by_view():
        return 1.0
    model.turn_scale = 1.0
    raw = [model.turn_tone(t) or 0.0 for c in convs[:2000] for t in c.customer_texts()[:3]]
    raw = [math.atanh(max(-0.999999, min(0.999999, r))) for r in raw]
    spread = float(np.std(raw)) if raw else 1.0
    return spread if spread > 0 else 1.0


def cross_validate(
    convs: Sequence[Conversation],
    labels: Sequence[float],
    lang: str,
    *,
    folds: int = 5,
    seed: int = 0,
    max_folds: int | None = None,
    **options,
) -> CrossValidation:
    """Spearman's rho on held-out folds (shuffled with ``seed``; ``max_folds`` runs only the first few)."""
    y = np.asarray(labels, dtype=np.float64)
    blocks = tuple(options.pop("blocks", None) or DEFAULT_BLOCKS[lang])
    order = np.random.default_rng(seed).permutation(len(y))
    parts = np.array_split(order, folds)
    rhos = []
    for test in parts[: max_folds or folds]:
        train = np.setdiff1d(order, test)
        model = fit([convs[i] for i in train], y[train], lang, blocks=blocks, **options)
        pred = np.array([model.predict(convs[i]) for i in test])
        rhos.append(float(spearmanr(pred, y[test])[0]))
    return CrossValidation(tuple(rhos))
