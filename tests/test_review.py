"""The quarterly indicator review (MISSION S4, Q2) on a small generated organisation.

The scheme under review is built for the purpose: its own indicators all leave video contacts out
(the generator gives every team some video traffic), one of them is 100 % for everyone, and two
have identical definitions. Everything else is ordinary.
"""

import json

import click
import pyarrow.compute as pc
import pytest
from click.testing import CliRunner
from scipy.stats import spearmanr

from frontdesk.analysis.review import review_scheme, spearman
from frontdesk.cli.review import register
from frontdesk.indicators.catalog import builtin_catalog, load_catalog
from frontdesk.indicators.engines import DuckDBEngine
from frontdesk.indicators.periods import parse_period
from frontdesk.scoring.scheme import parse_scheme
from frontdesk.synth import generate
from frontdesk.usecases.workspace import init_workspace

TZ = "Asia/Shanghai"
DESK = "channel IN ('phone', 'chat', 'email', 'social', 'walk_in')"  # every channel but video

CATALOG_YAML = f"""
- code: handle_time_desk
  mission_id: I-E2
  name: {{en: Handling time (desk channels), zh: 平均处理时长（非视频）}}
  dimension: efficiency
  kind: process
  unit: seconds
  better: lower
  source: interactions
  filter: {DESK} AND handle_seconds IS NOT NULL AND NOT coalesce(abandoned, FALSE)
  value: avg(handle_seconds)
  min_n: 30
- code: first_response_desk
  mission_id: I-E1
  name: {{en: First response (desk channels), zh: 首次响应时间（非视频）}}
  dimension: efficiency
  kind: process
  unit: seconds
  better: lower
  source: response_episodes
  filter: {DESK} AND replied_at IS NOT NULL AND NOT coalesce(abandoned, FALSE)
  value: median(seconds_between(opened_at, replied_at))
  min_n: 30
- code: duration_recorded
  mission_id: I-E2
  name: {{en: Handling time recorded, zh: 处理时长记录率}}
  dimension: efficiency
  kind: process
  unit: percent
  better: higher
  source: interactions
  filter: {DESK} AND handle_seconds IS NOT NULL AND NOT coalesce(abandoned, FALSE)
  value: 100.0 * avg(CASE WHEN handle_seconds >= 0 THEN 1.0 ELSE 0.0 END)
- code: resolution_desk
  mission_id: I-E5
  name: {{en: First-contact resolution (desk channels), zh: 首次解决率（非视频）}}
  dimension: efficiency
  kind: outcome
  unit: percent
  better: higher
  source: contact_outcomes
  filter: {DESK} AND first_contact_resolved IS NOT NULL AND NOT coalesce(abandoned, FALSE)
  value: 100.0 * avg(CASE WHEN first_contact_resolved AND NOT repeat_contact THEN 1.0 ELSE 0.0 END)
- code: resolution_desk_twin
  mission_id: I-E5
  name: {{en: First-contact resolution (copy), zh: 首次解决率（副本）}}
  dimension: efficiency
  kind: outcome
  unit: percent
  better: higher
  source: contact_outcomes
  filter: {DESK} AND first_contact_resolved IS NOT NULL AND NOT coalesce(abandoned, FALSE)
  value: 100.0 * avg(CASE WHEN first_contact_resolved AND NOT repeat_contact THEN 1.0 ELSE 0.0 END)
"""

SCHEME_YAML = """
scheme: review-test
version: "1"
cycle: monthly
dimensions:
  - code: efficiency
    weight: 50
    indicators:
      - {code: handle_time_desk, weight: 30, target: 120, floor: 300}
      - {code: first_response_desk, weight: 30, target: 30, floor: 180}
      - {code: duration_recorded, weight: 40, target: 100, floor: 90}
  - code: quality
    weight: 50
    indicators:
      - {code: csat, weight: 40, target: 95, floor: 60}
      - {code: resolution_desk, weight: 30, target: 90, floor: 60}
      - {code: resolution_desk_twin, weight: 30, target: 90, floor: 60}
grades:
  - {code: A, min: 85}
  - {code: D, min: 0}
"""

PERIOD = "2026-Q3"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    ws = init_workspace(tmp_path_factory.mktemp("review"))
    generate(ws.store(), agents=16, months=3, start="2026-07", seed=5)
    (ws.root / "review-catalog.yaml").write_text(CATALOG_YAML, encoding="utf-8")
    (ws.root / "review-scheme.yaml").write_text(SCHEME_YAML, encoding="utf-8")
    return ws


@pytest.fixture(scope="module")
def catalog():
    return {**builtin_catalog(), **load_catalog(CATALOG_YAML, "test catalogue")}


@pytest.fixture(scope="module")
def report(workspace, catalog):
    scheme = parse_scheme(SCHEME_YAML, "test scheme", catalog=catalog)
    engine = DuckDBEngine(workspace.store())
    try:
        return review_scheme(engine, scheme, parse_period(PERIOD), TZ, catalog)
    finally:
        engine.close()


def _quarter_interactions(workspace):
    lo, hi = parse_period(PERIOD).utc_bounds(TZ)
    t = workspace.store().read("interactions")
    at = t.column("created_at")
    return t.filter(pc.and_(pc.greater_equal(at, lo), pc.less(at, hi)))


def _indicator(report, code):
    return next(i for i in report.indicators if i.code == code)


def test_it_names_exactly_the_constant_indicator_as_not_discriminating(report):
    assert report.not_discriminating() == ["duration_recorded"]
    spread = _indicator(report, "duration_recorded").spread
    assert spread.reasons == ("constant",)
    assert spread.agents == 16 and spread.same_value_share == 1.0 and spread.modal_value == 100.0
    assert all(m.reasons == ("constant",) for m in _indicator(report, "duration_recorded").monthly)
    [finding] = [f for f in report.findings if f.kind == "not_discriminating"]
    assert finding.subjects == ("duration_recorded",)
    assert "100% of 16 agents have the same value (100)" in finding.message_en
    assert "16 名客服中 100% 数值相同" in finding.message_zh
    assert finding.suggestion_en.startswith("Drop it") and finding.suggestion_zh.startswith("建议删除")


def test_it_names_exactly_the_channel_no_indicator_counts(report, workspace):
    assert report.uncovered_channels() == ["video"]
    q = _quarter_interactions(workspace)
    videos = pc.sum(pc.equal(q.column("channel"), "video")).as_py()
    video = next(c for c in report.channels if c.channel == "video")
    assert videos > 0 and video.contacts == videos and video.counted_by == {}
    assert video.months_uncovered == ("2026-07", "2026-08", "2026-09")
    [finding] = [f for f in report.findings if f.kind == "uncovered_channel"]
    assert finding.subjects == ("video",)
    assert finding.message_en.startswith(f"channel video: {videos:,} contacts, no indicator")
    assert finding.message_zh.startswith(f"渠道 video：{videos:,} 次接待，没有任何指标计入")


def test_covered_channels_count_the_rows_each_indicator_filters_in(report, workspace):
    q = _quarter_interactions(workspace)
    handled = q.filter(
        pc.and_(
            pc.and_(pc.is_valid(q.column("handle_seconds")), pc.is_valid(q.column("agent_id"))),
            pc.invert(pc.fill_null(q.column("abandoned"), False)),
        )
    )
    by_channel = {c.channel: c for c in report.channels}
    assert set(by_channel) == set(q.column("channel").unique().to_pylist())
    for name in ("phone", "chat", "email", "social"):
        expected = pc.sum(pc.equal(handled.column("channel"), name)).as_py()
        assert by_channel[name].counted_by["handle_time_desk"] == expected
        assert by_channel[name].counted_by["duration_recorded"] == expected
    # Indicators on surveys carry no channel: they neither cover nor are counted.
    assert report.other_indicators == ("csat",)
    assert report.uncovered_contact_types() == []


def test_it_reports_two_identical_declarations_as_redundant(report):
    pair = next(
        p for p in report.redundant if {p.first, p.second} == {"resolution_desk", "resolution_desk_twin"}
    )
    assert pair.rho == pytest.approx(1.0) and pair.agents == 16
    assert pair.keep in ("resolution_desk", "resolution_desk_twin")
    assert all(r == pytest.approx(1.0) for r in pair.monthly)
    assert any(
        f.kind == "redundant" and set(f.subjects) == {"resolution_desk", "resolution_desk_twin"}
        for f in report.findings
    )


def test_an_ordinary_indicator_is_not_flagged(report):
    ordinary = _indicator(report, "handle_time_desk")
    assert ordinary.discriminates and ordinary.spread.judged
    assert ordinary.spread.same_value_share < 0.2 and ordinary.spread.score_iqr > 2
    assert all(m.judged and not m.reasons for m in ordinary.monthly)
    assert not any("handle_time_desk" in pair for pair in report.redundant_pairs())
    assert not any(
        f.kind == "not_discriminating" and "handle_time_desk" in f.subjects for f in report.findings
    )


def test_satisfaction_links_turn_the_sign_of_lower_is_better_indicators(report):
    link = _indicator(report, "handle_time_desk").link
    assert link.agents >= 8 and link.aligned == pytest.approx(-link.rho)
    assert link.ci_low < link.aligned < link.ci_high
    assert _indicator(report, "csat").link.verdict == "is_satisfaction"
    assert _indicator(report, "duration_recorded").link.verdict == "no_variation"


def test_the_report_reads_as_json_and_text_in_both_languages(report):
    doc = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert doc["period"] == PERIOD and doc["months"] == ["2026-07", "2026-08", "2026-09"]
    assert doc["agents"] == 16 and doc["thresholds"]["redundant"] == 0.9
    assert [c["channel"] for c in doc["coverage"]["channels"] if not c["covered"]] == ["video"]
    assert {f["kind"] for f in doc["findings"]} >= {"uncovered_channel", "not_discriminating", "redundant"}
    assert doc["findings"][0]["kind"] == "uncovered_channel"
    text = report.to_text()
    assert "Quarterly indicator review 2026-Q3" in text and "channel video:" in text
    assert "季度指标复盘" in report.to_text("zh") and "渠道 video" in report.to_text("zh")


def test_spearman_averages_tied_ranks_and_refuses_a_flat_side():
    xs = [1.0, 2.0, 2.0, 3.0, 5.0, 4.0, 4.0, 9.0]
    ys = [2.0, 1.0, 3.0, 3.0, 6.0, 5.0, 7.0, 8.0]
    assert spearman(xs, ys) == pytest.approx(spearmanr(xs, ys).statistic)
    assert spearman([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == pytest.approx(-1.0)
    assert spearman([1.0, 2.0, 3.0], [7.0, 7.0, 7.0]) is None


def _cli():
    group = click.Group("frontdesk")
    register(group)
    return group


def test_the_command_prints_the_review_as_json(workspace):
    args = ["review", "--workspace", str(workspace.root), "--period", PERIOD, "--format", "json",
            "--scheme", str(workspace.root / "review-scheme.yaml"),
            "--catalog", str(workspace.root / "review-catalog.yaml")]  # fmt: skip
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [c["channel"] for c in doc["coverage"]["channels"] if not c["covered"]] == ["video"]
    assert [i["code"] for i in doc["indicators"] if not i["discriminates"]] == ["duration_recorded"]


def test_the_command_exits_2_with_one_line_on_a_bad_period(workspace):
    result = CliRunner().invoke(_cli(), ["review", "--workspace", str(workspace.root), "--period", "2026-Q5"])
    assert result.exit_code == 2
    assert "--period" in result.output and len(result.output.strip().splitlines()) == 1


def test_the_command_exits_2_naming_an_indicator_the_catalogue_lacks(workspace):
    args = ["review", "--workspace", str(workspace.root), "--period", PERIOD,
            "--scheme", str(workspace.root / "review-scheme.yaml")]  # fmt: skip
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code == 2
    assert "handle_time_desk" in result.output and len(result.output.strip().splitlines()) == 1


def test_the_command_exits_2_on_a_missing_scheme_file(workspace):
    args = ["review", "--workspace", str(workspace.root), "--period", PERIOD, "--scheme", "nowhere.yaml"]
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code == 2
    assert "nowhere.yaml: no such file" in result.output and len(result.output.strip().splitlines()) == 1


CONTACT_TYPE_CATALOG = """
- code: handle_time_no_complaints
  mission_id: I-E2
  name: {en: Handling time without complaints, zh: 平均处理时长（不含投诉）}
  dimension: efficiency
  kind: process
  unit: seconds
  better: lower
  source: interactions
  filter: NOT coalesce(is_complaint, FALSE) AND handle_seconds IS NOT NULL
  value: avg(handle_seconds)
- code: vip_handle_time
  mission_id: I-E3
  name: {en: VIP handling time, zh: VIP 处理时长}
  dimension: efficiency
  kind: process
  unit: seconds
  better: lower
  source: interactions
  filter: coalesce(is_vip, FALSE) AND NOT coalesce(is_complaint, FALSE) AND handle_seconds IS NOT NULL
  value: avg(handle_seconds)
"""

CONTACT_TYPE_SCHEME = """
scheme: no-complaints
version: "1"
dimensions:
  - code: efficiency
    weight: 100
    indicators:
      - {code: handle_time_no_complaints, weight: 50, target: 120, floor: 300}
      - {code: vip_handle_time, weight: 50, target: 120, floor: 300}
grades: [{code: A, min: 0}]
"""


def test_it_names_a_contact_type_no_indicator_counts(workspace):
    catalog = {**builtin_catalog(), **load_catalog(CONTACT_TYPE_CATALOG, "contact types")}
    scheme = parse_scheme(CONTACT_TYPE_SCHEME, "contact types", catalog=catalog)
    engine = DuckDBEngine(workspace.store())
    try:
        report = review_scheme(engine, scheme, parse_period(PERIOD), TZ, catalog)
    finally:
        engine.close()
    assert report.uncovered_contact_types() == ["complaint"] and report.uncovered_channels() == []
    complaints = pc.sum(pc.fill_null(_quarter_interactions(workspace).column("is_complaint"), False)).as_py()
    types = {t.contact_type: t for t in report.contact_types}
    assert types["complaint"].contacts == complaints and types["complaint"].counted_by == {}
    assert types["vip"].dedicated == ("vip_handle_time",) and types["priority"].dedicated == ()
    [finding] = [f for f in report.findings if f.kind == "uncovered_contact_type"]
    assert (
        finding.message_en
        == f"Complaint contacts: {complaints:,} in the period, no scored indicator counts them"
    )
    assert finding.message_zh.startswith(f"投诉请求：本期 {complaints:,} 次")


def test_the_command_exits_2_when_the_period_has_no_data(workspace):
    result = CliRunner().invoke(_cli(), ["review", "--workspace", str(workspace.root), "--period", "2025-Q1"])
    assert result.exit_code == 2
    assert "2025-Q1: no indicator has data" in result.output and len(result.output.strip().splitlines()) == 1
