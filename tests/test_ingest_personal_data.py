"""Personal data is masked wherever an import stores text, not only in transcripts: survey comments
in the event store, the refused rows of the quarantine file and the values named in the report
(``policy.personal_data = "mask"``, the default); ``keep`` leaves all of them as they were. What a
user needs to fix a refused row (file, row, column names, the problem) stays as it is."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from frontdesk.ingest import import_files, load_preset
from frontdesk.ingest.mapping import parse_mapping
from frontdesk.store.eventstore import EventStore

PHONE = "13812345678"
ID_CARD = "11010519491231002X"
CARD = "6222021234567890128"
EMAIL = "wang.wei@example.com"

SURVEY_HEADER = [
    "survey_id",
    "interaction_id",
    "agent_id",
    "kind",
    "score",
    "scale_max",
    "comment",
    "submitted_at",
]
SURVEYS = [
    ["S1", "C1", "A001", "csat", "5", "5", f"服务很好，请回电{PHONE}，身份证{ID_CARD}", "2026-10-05 09:00"],
    ["S2", "C2", "A002", "csat", "2", "5", f"Refund to card {CARD} and mail {EMAIL}", "2026-10-05 10:00"],
    ["S3", "C3", "A002", "nps", "9", "10", "Order 20261005 was fine", "2026-10-05 11:00"],
    # refused: the score is above the scale, and the comment holds a phone number
    ["S4", "C4", "A003", "csat", "7", "5", f"打我电话 {PHONE}", "2026-10-05 12:00"],
    # refused: the time is not a time (a customer typed their e-mail into it)
    ["S5", "C5", "A003", "csat", "4", "5", "ok", f"联系{EMAIL}"],
]


def write_surveys(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(SURVEY_HEADER)
        w.writerows(SURVEYS)
    return path


def quarantine_rows(report_dir: Path) -> list[dict[str, str]]:
    with (report_dir / "quarantine.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_survey_comments_are_stored_masked(tmp_path):
    store = EventStore(tmp_path / "events")
    report = import_files(
        store, [write_surveys(tmp_path / "s.csv")], load_preset("generic"), tmp_path / "imports", ["surveys"]
    )
    assert report.tables["surveys"].accepted == 3
    comments = {r["survey_id"]: r["comment"] for r in store.read("surveys").to_pylist()}
    assert comments == {
        "S1": "服务很好，请回电[PHONE]，身份证[ID]",
        "S2": "Refund to card [CARD] and mail [EMAIL]",
        "S3": "Order 20261005 was fine",
    }


def test_the_quarantine_file_and_the_report_hold_no_personal_data(tmp_path):
    store = EventStore(tmp_path / "events")
    report = import_files(
        store, [write_surveys(tmp_path / "s.csv")], load_preset("generic"), tmp_path / "imports", ["surveys"]
    )
    assert report.refused_rows == 2
    rows = quarantine_rows(report.report_dir)
    # what is needed to fix the rows is intact: file, row number, the problem, every column name
    assert [(Path(r["_file"]).name, r["_row"]) for r in rows] == [("s.csv", "5"), ("s.csv", "6")]
    assert rows[0]["_problems"] == "score: not above scale_max"
    assert rows[1]["_problems"].startswith("submitted_at: a date and time")
    assert list(rows[0])[3:] == SURVEY_HEADER
    # ... and the personal data is not
    assert rows[0]["comment"] == "打我电话 [PHONE]"
    assert rows[1]["submitted_at"] == "联系[EMAIL]"
    assert rows[0]["survey_id"] == "S4" and rows[0]["score"] == "7"  # other cells as they were
    for name in ("quarantine.csv", "report.json", "report.txt"):
        text = (report.report_dir / name).read_text("utf-8-sig")
        assert PHONE not in text and EMAIL not in text, name
    problems = json.loads((report.report_dir / "report.json").read_text("utf-8"))["problems"]
    bad_time = next(p for p in problems if p["column"] == "submitted_at")
    assert (bad_time["row"], bad_time["value"], bad_time["code"]) == (6, "联系[EMAIL]", "type")


def test_keep_leaves_the_quarantine_and_the_comments_as_they_were(tmp_path):
    mapping = parse_mapping('identity = true\n[policy]\npersonal_data = "keep"\n', "keep.toml")
    store = EventStore(tmp_path / "events")
    report = import_files(
        store, [write_surveys(tmp_path / "s.csv")], mapping, tmp_path / "imports", ["surveys"]
    )
    rows = quarantine_rows(report.report_dir)
    assert rows[0]["comment"] == f"打我电话 {PHONE}"
    assert rows[1]["submitted_at"] == f"联系{EMAIL}"
    comments = {r["survey_id"]: r["comment"] for r in store.read("surveys").to_pylist()}
    assert comments["S2"] == f"Refund to card {CARD} and mail {EMAIL}"


def test_english_text_in_a_refused_interaction_is_masked_in_the_quarantine(tmp_path):
    path = tmp_path / "i.csv"
    path.write_text(
        "interaction_id,agent_id,channel,created_at,customer_id,topic\n"
        f"I1,A001,chat,2026-10-05 09:00,{EMAIL},refund\n"
        f"I2,A001,chat,yesterday,{EMAIL},Call me on +86 138 1234 5678 about card 4111 1111 1111 1111\n",
        "utf-8",
    )
    report = import_files(
        EventStore(tmp_path / "events"),
        [path],
        load_preset("generic"),
        tmp_path / "imports",
        ["interactions"],
    )
    (row,) = quarantine_rows(report.report_dir)
    assert (row["_row"], row["interaction_id"], row["created_at"]) == ("3", "I2", "yesterday")
    assert row["customer_id"] == "[EMAIL]"
    assert row["topic"] == "Call me on [PHONE] about card [CARD]"
