"""``frontdesk report --format xlsx`` on a real demo workspace, read back with openpyxl.

One small demo (12 agents, September 2026) is built once for the module by ``frontdesk demo
--no-serve`` in a subprocess; every value in the workbook is checked against ``frontdesk
scorecards --format json`` for the same period.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from conftest import run_frontdesk

from frontdesk.report.labels import FLAGS
from frontdesk.report.xlsx import text_width

run = run_frontdesk
PERIOD = "2026-09"


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report") / "ws"
    run("demo", "--no-serve", "--workspace", str(root), "--agents", "12", "--months", "1", "--start", PERIOD)
    return root


@pytest.fixture(scope="module")
def doc(ws) -> dict:
    return json.loads(
        run("scorecards", "--workspace", str(ws), "--period", PERIOD, "--format", "json").stdout
    )


@pytest.fixture(scope="module")
def catalog() -> dict[str, dict]:
    return {i["code"]: i for i in json.loads(run("indicators", "--format", "json").stdout)}


@pytest.fixture(scope="module")
def zh_book(ws) -> openpyxl.Workbook:
    out = run("report", "--workspace", str(ws), "--period", PERIOD, "--format", "xlsx")
    path = ws / "reports" / f"{PERIOD}-monthly.xlsx"
    assert str(path) in out.stdout
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def en_book(ws, tmp_path_factory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("out") / "september.xlsx"
    run("report", "--workspace", str(ws), "--period", PERIOD, "--lang", "en", "--output", str(path))
    return openpyxl.load_workbook(path)


def stored(value: float | None, unit: str) -> float | None:
    """A workbook cell back in the catalogue's unit: percents are Excel fractions, seconds minutes."""
    if value is None:
        return None
    return value * 100 if unit == "percent" else value * 60 if unit == "seconds" else value


def rows(sheet) -> tuple[list[str], list[dict]]:
    values = list(sheet.iter_rows(values_only=True))
    head = list(values[0])
    return head, [dict(zip(head, r, strict=True)) for r in values[1:]]


def test_it_names_the_sheets_in_the_chosen_language(zh_book, en_book):
    assert zh_book.sheetnames == ["概览", "考核结果", "指标", "数据质量"]
    assert en_book.sheetnames == ["Summary", "Scorecards", "Indicators", "Data quality"]


def test_scorecards_sheet_holds_the_stored_scorecards(zh_book, doc, catalog):
    head, got = rows(zh_book["考核结果"])
    assert head[:8] == ["工号", "姓名", "团队", "总分", "等级", "团队排名", "全员排名", "提示"]
    cards = doc["scorecards"]
    assert [r["工号"] for r in got] == [c["agent_id"] for c in cards]
    codes = list(cards[0]["indicators"])
    assert len(head) == 8 + 2 * len(codes)
    for row, card in zip(got, cards, strict=True):
        assert row["姓名"] == (card["name_zh"] or card["name"]) and row["团队"] == card["team_id"]
        assert row["总分"] == pytest.approx(card["total"]) and row["等级"] == card["grade"]
        assert (row["团队排名"], row["全员排名"]) == (card["rank_team"], card["rank_org"])
        assert row["提示"] == ("；".join(FLAGS[f]["zh"] for f in card["flags"]) or None)
        for i, code in enumerate(codes):
            ind, unit = card["indicators"][code], catalog[code]["unit"]
            value_head, score_head = head[8 + 2 * i], head[9 + 2 * i]
            assert value_head.startswith(catalog[code]["name"]["zh"]) and score_head.endswith("得分")
            if ind["value"] is None:
                assert row[value_head] is None
            else:
                assert stored(row[value_head], unit) == pytest.approx(ind["value"], rel=1e-9)
            if ind["score"] is None:
                assert row[score_head] is None
            else:
                assert row[score_head] == pytest.approx(ind["score"])


def test_english_workbook_has_english_headers_and_names(en_book, doc, catalog):
    head, got = rows(en_book["Scorecards"])
    assert head[:8] == [
        "Agent ID",
        "Name",
        "Team",
        "Total",
        "Grade",
        "Team rank",
        "Organisation rank",
        "Flags",
    ]
    assert [r["Name"] for r in got] == [c["name"] for c in doc["scorecards"]]
    if "first_response" in doc["scorecards"][0]["indicators"]:
        assert f"{catalog['first_response']['name']['en']} (min)" in head
    if "csat" in doc["scorecards"][0]["indicators"]:
        assert f"{catalog['csat']['name']['en']} (%)" in head
    assert [r["Total"] for r in got] == pytest.approx([c["total"] for c in doc["scorecards"]])


def test_number_formats_frozen_header_filter_and_widths_that_fit_text(zh_book, doc, catalog):
    sheet = zh_book["考核结果"]
    assert sheet.freeze_panes == "A2"
    n = len(doc["scorecards"])
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=sheet.max_column).column_letter}{n + 1}"
    head = [c.value for c in sheet[1]]
    for code in doc["scorecards"][0]["indicators"]:
        col = next(i for i, h in enumerate(head, start=1) if h.startswith(catalog[code]["name"]["zh"] + " ("))
        fmt = sheet.cell(row=2, column=col).number_format
        assert (fmt == "0.0%") == (catalog[code]["unit"] == "percent"), (code, fmt)
        if catalog[code]["unit"] == "seconds":
            assert head[col - 1].endswith("(分钟)")
    for col in range(1, sheet.max_column + 1):
        letter = sheet.cell(row=1, column=col).column_letter
        texts = [sheet.cell(row=r, column=col).value for r in range(1, n + 2)]
        longest = max(text_width(t) for t in texts if isinstance(t, str))
        assert sheet.column_dimensions[letter].width >= min(longest, 60)


def test_indicators_sheet_summarises_each_indicator(zh_book, doc, catalog):
    head, got = rows(zh_book["指标"])
    assert head[:6] == ["代码", "需求编号", "指标", "维度", "单位", "权重"]
    cards = doc["scorecards"]
    codes = list(cards[0]["indicators"])
    assert [r["代码"] for r in got] == codes
    for row in got:
        code, unit = row["代码"], catalog[row["代码"]]["unit"]
        values = [c["indicators"][code]["value"] for c in cards if c["indicators"][code]["value"] is not None]
        assert row["需求编号"] == catalog[code]["mission_id"] and row["指标"] == catalog[code]["name"]["zh"]
        assert row["有数据人数"] == len(values)
        assert row["样本量"] == sum(c["indicators"][code]["n"] for c in cards)
        assert stored(row["目标值"], unit) == pytest.approx(cards[0]["indicators"][code]["target"])
        assert stored(row["底线值"], unit) == pytest.approx(cards[0]["indicators"][code]["floor"])
        if values:
            assert stored(row["全员均值"], unit) == pytest.approx(statistics.fmean(values))
            assert stored(row["全员中位数"], unit) == pytest.approx(statistics.median(values))
    # The scheme's weights for the cycle make up the whole total.
    assert sum(r["权重"] for r in got) == pytest.approx(1.0)


def test_data_quality_sheet_lists_the_flags_on_the_scorecards(zh_book, en_book, doc, catalog):
    expected = Counter()
    for c in doc["scorecards"]:
        expected.update((c["agent_id"], "整张考核表", f) for f in c["flags"])
        for code, ind in c["indicators"].items():
            expected.update((c["agent_id"], catalog[code]["name"]["zh"], f) for f in ind["flags"])
    assert expected, "the demo should carry some data-quality flags"
    _, got = rows(zh_book["数据质量"])
    assert Counter((r["工号"], r["范围"], r["提示代码"]) for r in got) == expected
    assert all(r["提示"] == FLAGS[r["提示代码"]]["zh"] for r in got)
    _, got_en = rows(en_book["Data quality"])
    assert all(r["Flag"] == FLAGS[r["Flag code"]]["en"] for r in got_en) and len(got_en) == len(got)


def test_summary_sheet_counts_grades_and_team_averages(zh_book, doc):
    values = [r for r in zh_book["概览"].iter_rows(values_only=True)]
    facts = {r[0]: r[1] for r in values if r[0] is not None}
    cards = doc["scorecards"]
    assert facts["考核期"] == PERIOD and facts["考核周期"] == "月度"
    assert facts["考核方案版本"] == doc["scheme_version"] and facts["客服人数"] == len(cards)
    totals = [c["total"] for c in cards if c["total"] is not None]
    assert facts["平均总分"] == pytest.approx(statistics.fmean(totals), abs=0.005)
    start = next(i for i, r in enumerate(values) if r[0] == "等级分布") + 2
    grades = {}
    for r in values[start:]:
        if r[0] is None:
            break
        grades[r[0]] = r[1]
    counts = Counter(c["grade"] for c in cards)
    assert {g: n for g, n in grades.items() if n} == dict(counts)
    start = next(i for i, r in enumerate(values) if r[0] == "团队平均") + 2
    teams = {r[0]: r for r in values[start:] if r[0] is not None}
    for team in {c["team_id"] for c in cards}:
        mine = [c["total"] for c in cards if c["team_id"] == team and c["total"] is not None]
        assert teams[team][1] == sum(1 for c in cards if c["team_id"] == team)
        assert teams[team][3] == pytest.approx(statistics.fmean(mine), abs=0.005)


def test_it_leaves_no_temporary_file_behind(ws, zh_book):
    assert sorted(p.name for p in (ws / "reports").iterdir()) == [f"{PERIOD}-monthly.xlsx"]


def test_a_period_without_scorecards_exits_2_and_writes_nothing(ws, tmp_path):
    out = tmp_path / "none.xlsx"
    result = run("report", "--workspace", str(ws), "--period", "2026-07", "--output", str(out), check=False)
    assert result.returncode == 2 and not out.exists()
    assert result.stderr.strip().splitlines() == [
        "frontdesk: error: --period 2026-07: no scorecards computed; run 'frontdesk compute --period 2026-07'"
    ]


def test_an_unwritable_output_exits_2_with_one_line(ws, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run(
        "report", "--workspace", str(ws), "--period", PERIOD, "--output", str(blocker / "r.xlsx"), check=False
    )
    assert result.returncode == 2 and blocker.read_text() == "not a folder"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"frontdesk: error: --output {blocker / 'r.xlsx'}:")
    result = run("report", "--workspace", str(ws), "--period", PERIOD, "--output", str(tmp_path), check=False)
    assert result.returncode == 2 and "is a folder" in result.stderr


def test_pdf_is_not_available_yet(ws):
    result = run("report", "--workspace", str(ws), "--period", PERIOD, "--format", "pdf", check=False)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "frontdesk: error: --format pdf: PDF reports are not available yet; use --format xlsx"
    )


def test_text_width_counts_cjk_characters_double():
    assert text_width("A0001") == 5 and text_width("何海燕") == 6 and text_width("首次响应 (分钟)") == 15


def test_the_report_package_imports_no_django():
    code = "import sys, frontdesk.report.xlsx; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
