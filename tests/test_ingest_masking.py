"""Personal data in transcripts is masked before it is stored: importing ``messages`` puts only
masked text in the event store (phone numbers, Chinese ID-card numbers, bank cards, e-mail
addresses; ``frontdesk.text.pii``), unless the mapping's ``policy.personal_data`` is ``keep``."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from frontdesk.ingest import IngestError, import_files, load_preset
from frontdesk.ingest.mapping import parse_mapping
from frontdesk.store.eventstore import EventStore

PHONE = "13812345678"
ID_CARD = "11010519491231002X"
CARD = "6222021234567890128"
CARD_GROUPED = "4111 1111 1111 1111"  # Visa's test number, Luhn-valid
EMAIL = "wang.wei@example.com"
SECRETS = (PHONE, ID_CARD, CARD, CARD_GROUPED, EMAIL, "138 1234 5678", "+86 13812345678")

ROWS = [
    # interaction_id, seq, at, speaker, agent_id, text
    ("C1", 1, "2026-10-05 09:00:00", "customer", "", f"你好，我的手机号是{PHONE}，身份证{ID_CARD}。"),
    ("C1", 2, "2026-10-05 09:00:20", "agent", "A001", "您好，请问银行卡号是多少？"),
    ("C1", 3, "2026-10-05 09:01:00", "customer", "", f"银行卡{CARD}，邮箱{EMAIL}"),
    ("C2", 1, "2026-10-05 10:00:00", "customer", "", f"Card {CARD_GROUPED}, mail me at {EMAIL}"),
    ("C2", 2, "2026-10-05 10:00:30", "agent", "A002", "Call you on 138 1234 5678 or +86 13812345678?"),
    ("C2", 3, "2026-10-05 10:01:00", "customer", "", "Order 20261005 is fine, thanks."),
    ("C2", 4, "2026-10-05 10:01:30", "agent", "A002", ""),
]
MASKED = {
    ("C1", 1): "你好，我的手机号是[PHONE]，身份证[ID]。",
    ("C1", 2): "您好，请问银行卡号是多少？",
    ("C1", 3): "银行卡[CARD]，邮箱[EMAIL]",
    ("C2", 1): "Card [CARD], mail me at [EMAIL]",
    ("C2", 2): "Call you on [PHONE] or [PHONE]?",
    ("C2", 3): "Order 20261005 is fine, thanks.",  # an order number is not personal data
    ("C2", 4): None,  # an empty cell stays empty
}


def write_messages(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["interaction_id", "seq", "at", "speaker", "agent_id", "text"])
        w.writerows(ROWS)
    return path


def stored_texts(store: EventStore) -> dict[tuple[str, int], str | None]:
    return {(r["interaction_id"], r["seq"]): r["text"] for r in store.read("messages").to_pylist()}


def raw_bytes(store: EventStore) -> str:
    """Every text value of every stored messages file, read from Parquet directly."""
    out = []
    for f in store.files("messages"):
        out += [v for v in pq.read_table(f, columns=["text"]).column("text").to_pylist() if v]
    return "\n".join(out)


def test_imported_messages_are_stored_masked(tmp_path):
    store = EventStore(tmp_path / "events")
    report = import_files(
        store,
        [write_messages(tmp_path / "m.csv")],
        load_preset("generic"),
        tmp_path / "imports",
        ["messages"],
    )
    assert report.tables["messages"].accepted == len(ROWS)
    assert stored_texts(store) == MASKED
    stored = raw_bytes(store)
    for secret in SECRETS:
        assert secret not in stored
    # Importing the same file again adds nothing: masked rows compare equal to the stored ones.
    again = import_files(
        store,
        [write_messages(tmp_path / "m2.csv")],
        load_preset("generic"),
        tmp_path / "imports",
        ["messages"],
    )
    assert again.tables["messages"].added == 0
    assert stored_texts(store) == MASKED


def test_a_mapping_may_keep_the_text_as_it_is(tmp_path):
    mapping = parse_mapping('identity = true\n[policy]\npersonal_data = "keep"\n', "keep.toml")
    store = EventStore(tmp_path / "events")
    import_files(store, [write_messages(tmp_path / "m.csv")], mapping, tmp_path / "imports", ["messages"])
    texts = stored_texts(store)
    assert texts[("C1", 1)] == ROWS[0][5] and texts[("C2", 1)] == ROWS[3][5]


def test_the_policy_takes_only_mask_or_keep():
    with pytest.raises(IngestError, match=r"policy.personal_data: must be one of mask, keep"):
        parse_mapping('identity = true\n[policy]\npersonal_data = "hide"\n', "bad.toml")
    assert parse_mapping("identity = true\n", "m.toml").masks_personal_data()
