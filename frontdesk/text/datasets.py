"""Readers for public labelled dialogues (used for training, cross-validation and tests).

STC-3 (NTCIR-14 Short Text Conversation, Dialogue Quality subtask): Weibo customer-helpdesk
dialogues, each rated by 19 annotators for customer satisfaction (S) on −2…+2. Annotations CC BY
4.0 (see NOTICE). Only the turns are features; the annotators' mean S is the label; the nugget
and other quality annotations are never used.
"""

from __future__ import annotations

import json
from pathlib import Path

from frontdesk.text.conversation import Conversation, Turn

STC3_FILES = {"zh": "train_cn.json", "en": "train_en.json"}


def load_stc3(folder: str | Path, lang: str) -> tuple[list[Conversation], list[float]]:
    """STC-3 dialogues of ``lang`` and the annotators' mean satisfaction of each."""
    path = Path(folder) / STC3_FILES[lang]
    convs, labels = [], []
    for d in json.loads(path.read_text("utf-8")):
        turns = tuple(
            Turn(
                "customer" if t["sender"] == "customer" else "agent",
                " ".join(u for u in t["utterances"] if u),
            )
            for t in d["turns"]
        )
        scores = [a["quality"]["S"] for a in d["annotations"]]
        convs.append(Conversation(str(d["id"]), turns, lang=lang))
        labels.append(sum(scores) / len(scores))
    return convs, labels
