"""The words of a report in each language it is written in (``zh`` and ``en``).

Reports are built outside Django (``frontdesk.report`` imports no Django), so their words live
here rather than in the web app's gettext catalogue; the flag wording follows the web app's
(``frontdesk/web/appraisal/templatetags/scorecard_format.py`` and its zh-Hans translations).
"""

from __future__ import annotations

LANGS = ("zh", "en")
STATES = ("computed", "in_review", "published", "closed")

WORDS: dict[str, dict[str, str]] = {
    # sheet names (Excel: at most 31 characters, no []:*?/\)
    "sheet_summary": {"zh": "概览", "en": "Summary"},
    "sheet_scorecards": {"zh": "考核结果", "en": "Scorecards"},
    "sheet_indicators": {"zh": "指标", "en": "Indicators"},
    "sheet_quality": {"zh": "数据质量", "en": "Data quality"},
    # summary
    "title": {"zh": "绩效考核报告", "en": "Appraisal report"},
    "period": {"zh": "考核期", "en": "Period"},
    "cycle": {"zh": "考核周期", "en": "Cycle"},
    "state": {"zh": "周期状态", "en": "Cycle state"},
    "scheme_version": {"zh": "考核方案版本", "en": "Scheme version"},
    "scheme_note": {
        "zh": "指标权重与维度取自工作区当前方案 {current}，与计算所用版本不同",
        "en": "Indicator weights and dimensions are read from the workspace's scheme {current}, "
        "not the version the scorecards were computed with",
    },
    "agents": {"zh": "客服人数", "en": "Agents"},
    "scored": {"zh": "已评分人数", "en": "Agents scored"},
    "mean_total": {"zh": "平均总分", "en": "Mean total"},
    "grade_distribution": {"zh": "等级分布", "en": "Grade distribution"},
    "share": {"zh": "占比", "en": "Share"},
    "team_averages": {"zh": "团队平均", "en": "Team averages"},
    "ungraded": {"zh": "未评级", "en": "Not graded"},
    "monthly": {"zh": "月度", "en": "monthly"},
    "quarterly": {"zh": "季度", "en": "quarterly"},
    "annual": {"zh": "年度", "en": "annual"},
    "computed": {"zh": "已计算", "en": "computed"},
    "in_review": {"zh": "复核中", "en": "in review"},
    "published": {"zh": "已发布", "en": "published"},
    "closed": {"zh": "已关闭", "en": "closed"},
    # scorecards
    "agent_id": {"zh": "工号", "en": "Agent ID"},
    "name": {"zh": "姓名", "en": "Name"},
    "team": {"zh": "团队", "en": "Team"},
    "total": {"zh": "总分", "en": "Total"},
    "grade": {"zh": "等级", "en": "Grade"},
    "rank_team": {"zh": "团队排名", "en": "Team rank"},
    "rank_org": {"zh": "全员排名", "en": "Organisation rank"},
    "flags": {"zh": "提示", "en": "Flags"},
    "score": {"zh": "得分", "en": "score"},
    # indicators
    "code": {"zh": "代码", "en": "Code"},
    "mission_id": {"zh": "需求编号", "en": "Mission ID"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "dimension": {"zh": "维度", "en": "Dimension"},
    "unit": {"zh": "单位", "en": "Unit"},
    "weight": {"zh": "权重", "en": "Weight"},
    "target": {"zh": "目标值", "en": "Target"},
    "floor": {"zh": "底线值", "en": "Floor"},
    "org_mean": {"zh": "全员均值", "en": "Organisation mean"},
    "org_median": {"zh": "全员中位数", "en": "Organisation median"},
    "agents_with_value": {"zh": "有数据人数", "en": "Agents with a value"},
    "records": {"zh": "样本量", "en": "Records (n)"},
    # data quality
    "scope": {"zh": "范围", "en": "Applies to"},
    "whole_scorecard": {"zh": "整张考核表", "en": "Whole scorecard"},
    "flag_code": {"zh": "提示代码", "en": "Flag code"},
    "flag": {"zh": "提示", "en": "Flag"},
    "value": {"zh": "数值", "en": "Value"},
    "no_flags": {
        "zh": "本期考核表没有数据质量提示",
        "en": "No data-quality flags on this period's scorecards",
    },
}

# Units as the catalogue names them → the unit a report shows. Seconds are shown as minutes and
# percents as Excel percentages (see ``frontdesk.report.xlsx.display_value``).
UNITS: dict[str, dict[str, str]] = {
    "seconds": {"zh": "分钟", "en": "min"},
    "minutes": {"zh": "分钟", "en": "min"},
    "hours": {"zh": "小时", "en": "h"},
    "per_hour": {"zh": "次/小时", "en": "/h"},
    "percent": {"zh": "%", "en": "%"},
    "points": {"zh": "分", "en": "pts"},
    "count": {"zh": "次", "en": "times"},
    "nps": {"zh": "NPS", "en": "NPS"},
}

FLAGS: dict[str, dict[str, str]] = {
    "small_sample": {"zh": "样本不足", "en": "small sample"},
    "shrunk": {"zh": "已向同组均值收缩", "en": "shrunk toward the peer-group mean"},
    "not_available": {"zh": "暂无数据", "en": "not available"},
    "capped": {"zh": "因严重失误封顶", "en": "capped by a critical failure"},
    "critical_failure": {"zh": "严重失误", "en": "critical failure"},
    "no_data": {"zh": "无数据", "en": "no data"},
    "partial_period": {"zh": "仅覆盖部分考核期", "en": "part of the period only"},
    "new_hire": {"zh": "新入职", "en": "new hire"},
    "manual_input": {"zh": "多为手工记录", "en": "mostly recorded by hand"},
    "heaping": {"zh": "手工记录的时长集中在整数值", "en": "hand-recorded times cluster on round values"},
    "heaped_durations": {
        "zh": "手工记录时长被取整到五分钟",
        "en": "hand-recorded times rounded to five minutes",
    },
    "unreliable_sample": {"zh": "评价太少，结果不确定", "en": "too few ratings to be sure"},
    "duplicate_records": {"zh": "记录重复", "en": "records stored twice"},
    "outlier_records": {"zh": "时长异常", "en": "unusual durations"},
    "impossible_times": {"zh": "时间不合理", "en": "impossible times"},
    "dimension_missing": {"zh": "有考核维度缺少数据", "en": "a dimension has no data"},
    "weight_missing": {"zh": "较多权重缺少数据", "en": "much of the weight has no data"},
    "too_few_raters": {"zh": "评价人太少", "en": "too few raters"},
}


def word(key: str, lang: str) -> str:
    """``key`` in ``lang`` (``zh`` or ``en``)."""
    return WORDS[key][lang]


def unit(name: str, lang: str) -> str:
    """The unit a report shows for the catalogue's unit ``name`` (the name itself if unknown)."""
    return UNITS.get(name, {}).get(lang, name)


def flag(code: str, lang: str) -> str:
    """A flag's wording; a flag this table does not know reads as its code."""
    return FLAGS.get(code, {}).get(lang, code)
