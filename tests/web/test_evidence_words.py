"""Evidence people can read (issue 15): column names in words instead of the declaration's SQL,
durations as minutes and seconds, yes/no and NPS answers in words, and record keys by what they
are (a transcript check by its rule, a reply episode by its interaction), in Chinese and English."""

from __future__ import annotations

import re
from datetime import UTC

import pytest
from django.utils import translation

from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.compiler import evidence_query
from frontdesk.indicators.engines.base import Evidence, EvidenceRow
from frontdesk.indicators.periods import parse_period
from frontdesk.scoring.scheme import load_scheme
from frontdesk.text.rules import rules_of_scheme
from frontdesk.web.appraisal.evidence import evidence_columns, evidence_rows, record_label
from frontdesk.web.appraisal.templatetags.scorecard_format import duration

CATALOG = builtin_catalog()
SQL = re.compile(r"\b[a-z]+_[a-z_]+\b|\b\w+\(|\bCASE\b| \* |\d / \d")  # snake_case, a call, CASE, arithmetic
PERIOD = parse_period("2026-10")


def labels_of(code: str) -> tuple[str, ...]:
    return evidence_query(CATALOG[code], PERIOD, "UTC", "A1").labels


@pytest.mark.parametrize(
    ("seconds", "zh", "en"),
    [
        (293, "4分53秒", "4 min 53 s"),
        (38.4, "38秒", "38 s"),
        (3720, "1小时2分", "1 h 2 min"),
        (0, "0秒", "0 s"),
    ],
)
def test_durations_read_as_minutes_and_seconds(seconds, zh, en):
    with translation.override("zh-hans"):
        assert duration(seconds) == zh
    with translation.override("en"):
        assert duration(seconds) == en
    assert duration(None) == "—"


def test_columns_are_named_in_words_not_sql():
    with translation.override("zh-hans"):
        assert [
            (c.label, c.kind)
            for c in evidence_columns(CATALOG["first_response"], labels_of("first_response"))
        ] == [("首次响应时间", "seconds")]
        assert [
            c.kind for c in evidence_columns(CATALOG["ticket_turnaround"], labels_of("ticket_turnaround"))
        ] == ["hours"]
        assert [(c.label, c.kind) for c in evidence_columns(CATALOG["csat"], labels_of("csat"))] == [
            ("是否达成", "met")
        ]
        assert [(c.label, c.kind) for c in evidence_columns(CATALOG["nps"], labels_of("nps"))] == [
            ("回答", "nps")
        ]
        assert [
            c.label for c in evidence_columns(CATALOG["script_compliance"], labels_of("script_compliance"))
        ] == [
            "得分",
            "满分",
        ]
    # Every declaration's columns read without SQL in either language.
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for code, ind in CATALOG.items():
                for c in evidence_columns(ind, labels_of(code)):
                    assert not SQL.search(c.label), (code, c.label)


def test_values_read_in_words_and_units():
    found = Evidence(
        indicator="nps", agent_id="A1", period="2026-10", labels=labels_of("nps"),
        rows=[EvidenceRow("SV1", None, (1.0,)), EvidenceRow("SV2", None, (-1.0,)), EvidenceRow("SV3", None, (0.0,))],
        total=3, page=1, page_size=50,
    )  # fmt: skip
    with translation.override("zh-hans"):
        assert [r.cells[0][1] for r in evidence_rows(found, UTC, CATALOG["nps"])] == [
            "推荐者",
            "贬损者",
            "中立者",
        ]
    first = Evidence(
        indicator="first_response", agent_id="A1", period="2026-10", labels=labels_of("first_response"),
        rows=[EvidenceRow("I0042:1793472871032442", None, (4092.4,))], total=1, page=1, page_size=50,
    )  # fmt: skip
    with translation.override("en"):
        (row,) = evidence_rows(first, UTC, CATALOG["first_response"])
    assert row.cells == [("First response time", "1 h 8 min")]
    assert (row.label, row.record) == ("I0042", "I0042:1793472871032442")  # a reply episode by its contact
    assert record_label("I00410303:0") == "I00410303"


def test_transcript_checks_are_named_by_their_rule():
    rules = rules_of_scheme(load_scheme())
    with translation.override("zh-hans"):
        assert (
            record_label("TA-I00402470:forbidden:rude_language", rules) == "不礼貌用语（禁用语） · I00402470"
        )
        assert record_label("TA-I7:required:offer_further_help", rules) == "主动询问其他需求（必说） · I7"
        assert record_label("TA-I7:greeting", rules) == "问候语 · I7"
    with translation.override("en"):
        assert record_label("TA-I7:forbidden:rude_language", rules) == "Rude language (forbidden) · I7"
    assert record_label("SV123", rules) == "SV123"
