"""The satisfaction model: TF-IDF ridge regression over several views of a conversation.

Stored as plain arrays in one ``.npz`` file (vocabularies, document-frequency weights and
coefficients; no pickled objects) and applied with numpy, so it loads offline in milliseconds and
survives library upgrades. Training uses scikit-learn's ridge solver; nothing of scikit-learn is
stored. docs/text-analytics.md has the features, the figures and the ablation.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from frontdesk.text.conversation import Conversation
from frontdesk.text.features import STRUCTURE, Block, FeatureSpace, structure, view_turns
from frontdesk.text.language import normalise

FORMAT = "frontdesk-satisfaction-model/1"

# The blocks each language's shipped model uses (chosen by the ablation in docs/text-analytics.md).
_VIEWS = ("all", "customer", "agent", "last_customer", "last_two_customer", "last_turn")
DEFAULT_BLOCKS: dict[str, tuple[Block, ...]] = {
    "zh": tuple((v, "char") for v in _VIEWS),
    "en": (*((v, "wordchar") for v in _VIEWS), ("all", "word"), ("last_customer", "word")),
}
DEFAULT_ALPHA = 2.0
DEFAULT_MIN_DF = 2


class ModelError(ValueError):
    """A model file that cannot be used; the message names the file."""


@dataclass
class SatisfactionModel:
    """Predicts a conversation's satisfaction on the scale of the labels it was trained on."""

    lang: str
    blocks: tuple[Block, ...]
    vocab: dict[str, dict[str, int]]  # analyser -> term -> column
    idf: dict[Block, np.ndarray]
    coef: dict[Block, np.ndarray]
    structure_mean: np.ndarray
    structure_std: np.ndarray
    structure_coef: np.ndarray
    intercept: float
    label_min: float
    label_max: float
    turn_scale: float = 1.0  # spread of the last-customer-turn contribution, for per-turn sentiment
    info: dict = field(default_factory=dict)

    # --- use -----------------------------------------------------------------------------------

    @cached_property
    def space(self) -> FeatureSpace:
        return FeatureSpace(self.blocks, self.vocab, self.idf)

    def predict(self, conv: Conversation) -> float:
        """Predicted satisfaction, clipped to the range of the training labels."""
        total = self.intercept
        for b, (idx, w) in self.space.rows(conv).items():
            if len(idx):
                total += float(w @ self.coef[b][idx])
        if len(self.structure_coef):
            s = (np.asarray(structure(conv)) - self.structure_mean) / self.structure_std
            total += float(s @ self.structure_coef)
        return float(min(self.label_max, max(self.label_min, total)))

    @cached_property
    def _flat(self) -> tuple[list[int], np.ndarray, np.ndarray]:
        """Where each block starts in the blocks' columns end to end, and per column idf·coef and
        idf² (the two factors :meth:`score` needs, so it gathers two numbers per term, not three)."""
        offsets = np.cumsum([0] + [len(self.idf[b]) for b in self.blocks[:-1]]).tolist()
        idf = np.concatenate([self.idf[b] for b in self.blocks])
        coef = np.concatenate([self.coef[b] for b in self.blocks])
        return offsets, idf * coef, idf * idf

    def score(self, conv: Conversation, texts: list[str]) -> tuple[float, list[float | None]]:
        """:meth:`predict` and :meth:`turn_tone` of every customer turn with text, in one pass.

        ``texts`` are the turns' normalised texts. Each turn is analysed once. All blocks are
        weighed together: one sort of block-offset column ids gives each term's count, and since
        the sorted ids run block by block, each block's sums are one slice of them. A block with
        counts ``c``, weights ``w = (1 + log c)·idf`` contributes ``Σ w·coef / √Σ w²``; this equals
        ``predict`` and ``turn_tone`` up to float rounding (summation order).
        """
        space = self.space
        ids = {a: space.turn_ids(texts, a) for a in space.analysers}
        views = view_turns(conv)
        offsets, idf_coef, idf2 = self._flat
        keys = []
        for k, (view, analyser) in enumerate(self.blocks):
            per_turn = ids[analyser]
            off = offsets[k]
            keys += [per_turn[i] + off for i in views[view] if len(per_turn[i])]
        total = self.intercept
        if keys:
            allkeys = np.concatenate(keys)
            if len(idf2) >= 2**31:
                allkeys = allkeys.astype(np.int64)
            idx, counts = np.unique(allkeys, return_counts=True)
            total += _blocks_sum(idx, counts, np.searchsorted(idx, offsets), idf_coef, idf2)
        if len(self.structure_coef):
            s = (np.asarray(structure(conv)) - self.structure_mean) / self.structure_std
            total += float(s @ self.structure_coef)
        predicted = float(min(self.label_max, max(self.label_min, total)))
        tones: list[float | None] = [None] * len(texts)
        analyser = self.blocks_by_view().get("last_customer")
        if analyser is not None:
            k = self.blocks.index(("last_customer", analyser))
            size = len(self.idf[self.blocks[k]])
            at = [i for i, t in enumerate(conv.turns) if t.is_customer and t.text.strip()]
            for i in at:
                tones[i] = 0.0
            # Keys (turn, column): one sort gives every customer turn's term counts, turn by turn.
            turn_ids = ids[analyser]
            parts = [turn_ids[i] + i * size for i in at if len(turn_ids[i])]
            if parts:
                allkeys = np.concatenate(parts)
                if len(texts) * size >= 2**31:
                    allkeys = allkeys.astype(np.int64)
                idx, counts = np.unique(allkeys, return_counts=True)
                starts = np.searchsorted(idx, [i * size for i in at])
                col = idx % size + offsets[k]
                sums = _segment_sums(col, counts, starts, idf_coef, idf2)
                for i, (num, den) in zip(at, sums, strict=True):
                    if den > 0:
                        tones[i] = math.tanh(num / math.sqrt(den) / self.turn_scale)
        return predicted, tones

    def turn_tone(self, text: str) -> float | None:
        """What one customer turn says about satisfaction, in −1…1 (None without that block)."""
        analyser = self.blocks_by_view().get("last_customer")
        if analyser is None:
            return None
        block = ("last_customer", analyser)
        idx, w = self.space.weigh(block, self.space.turn_ids([normalise(text)], analyser))
        return math.tanh(float(w @ self.coef[block][idx]) / self.turn_scale) if len(idx) else 0.0

    def blocks_by_view(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for view, analyser in self.blocks:
            out.setdefault(view, analyser)
        return out

    # --- storage -------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the model as one compressed ``.npz`` of plain arrays."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": FORMAT,
            "lang": self.lang,
            "blocks": [list(b) for b in self.blocks],
            "intercept": self.intercept,
            "label_min": self.label_min,
            "label_max": self.label_max,
            "turn_scale": self.turn_scale,
            "structure": list(STRUCTURE),
            "info": self.info,
        }
        arrays: dict[str, np.ndarray] = {"meta": _bytes(json.dumps(meta, ensure_ascii=False))}
        for analyser, vocab in self.vocab.items():
            terms = sorted(vocab, key=vocab.__getitem__)
            arrays[f"vocab:{analyser}"] = _bytes("\n".join(terms))
        for i, b in enumerate(self.blocks):
            arrays[f"idf:{i}"] = self.idf[b].astype(np.float32)
            arrays[f"coef:{i}"] = self.coef[b].astype(np.float32)
        arrays["structure_mean"] = self.structure_mean
        arrays["structure_std"] = self.structure_std
        arrays["structure_coef"] = self.structure_coef
        tmp = path.with_name(f".{path.name}.tmp.npz")
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> SatisfactionModel:
        """Read a model written by :meth:`save` (no pickles are ever loaded)."""
        try:
            with np.load(path, allow_pickle=False) as z:
                data = {k: z[k] for k in z.files}
        except (OSError, ValueError) as e:
            raise ModelError(f"{path}: not a satisfaction model: {e}") from None
        try:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            if meta.get("format") != FORMAT:
                raise ModelError(f"{path}: format {meta.get('format')!r}, expected {FORMAT}")
            blocks = tuple((str(v), str(a)) for v, a in meta["blocks"])
            vocab = {}
            for analyser in {a for _, a in blocks}:
                terms = bytes(data[f"vocab:{analyser}"]).decode("utf-8").split("\n")
                vocab[analyser] = {t: j for j, t in enumerate(terms)}
            return cls(
                lang=meta["lang"],
                blocks=blocks,
                vocab=vocab,
                idf={b: data[f"idf:{i}"].astype(np.float64) for i, b in enumerate(blocks)},
                coef={b: data[f"coef:{i}"].astype(np.float64) for i, b in enumerate(blocks)},
                structure_mean=data["structure_mean"],
                structure_std=data["structure_std"],
                structure_coef=data["structure_coef"],
                intercept=float(meta["intercept"]),
                label_min=float(meta["label_min"]),
                label_max=float(meta["label_max"]),
                turn_scale=float(meta.get("turn_scale", 1.0)),
                info=meta.get("info", {}),
            )
        except KeyError as e:
            raise ModelError(f"{path}: missing part {e}") from None


def _segment_sums(
    col: np.ndarray, counts: np.ndarray, starts: np.ndarray, idf_coef: np.ndarray, idf2: np.ndarray
) -> list[tuple[float, float]]:
    """(Σ w·coef, Σ w²) with ``w = (1 + log count)·idf`` over each segment of ``col`` that begins
    at ``starts`` (ascending; a segment may be empty)."""
    lw = 1.0 + np.log(counts)
    num = lw * np.take(idf_coef, col)  # np.take: a faster gather than indexing
    den = lw * lw * np.take(idf2, col)
    bounds = [*starts.tolist(), len(col)]
    segments = list(itertools.pairwise(bounds))
    nonempty = [s for s, e in segments if e > s]
    if not nonempty:
        return [(0.0, 0.0)] * len(segments)
    nums = np.add.reduceat(num, nonempty).tolist()
    sums = iter(zip(nums, np.add.reduceat(den, nonempty).tolist(), strict=True))
    return [next(sums) if e > s else (0.0, 0.0) for s, e in segments]


def _blocks_sum(idx, counts, starts, idf_coef, idf2) -> float:
    """Σ over blocks of ``Σ w·coef / √Σ w²`` (the blocks' contributions to a prediction)."""
    return sum(n / math.sqrt(d) for n, d in _segment_sums(idx, counts, starts, idf_coef, idf2) if d > 0)


def _bytes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


_shipped: dict[str, SatisfactionModel] = {}


def shipped_model_path(lang: str) -> Path:
    return Path(str(resources.files("frontdesk.text").joinpath(f"models/satisfaction-{lang}.npz")))


def shipped_model(lang: str) -> SatisfactionModel | None:
    """The model shipped in the package for ``lang`` (None if the package has none)."""
    if lang not in _shipped:
        path = shipped_model_path(lang)
        if not path.exists():
            return None
        _shipped[lang] = SatisfactionModel.load(path)
    return _shipped[lang]


def load_models(folder: str | Path | None) -> dict[str, SatisfactionModel]:
    """Models by language: ``satisfaction-<lang>.npz`` in ``folder`` first, else the shipped ones."""
    out = {}
    for lang in ("zh", "en"):
        own = Path(folder) / f"satisfaction-{lang}.npz" if folder else None
        if own is not None and own.exists():
            out[lang] = SatisfactionModel.load(own)
        else:
            m = shipped_model(lang)
            if m is not None:
                out[lang] = m
    return out
