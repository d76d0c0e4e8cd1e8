"""The analyses' sentences, one catalogue per language (as ``frontdesk.ingest.errors`` does for
import problems).

A computation never writes a sentence: it stores a :class:`Reading`, a stable ``code`` and the
``params`` its template names, and the report renders it in the reader's language with
:func:`render`. Templates are ``str.format`` strings in :data:`CATALOGUE` (``{"en": {...}, "zh":
{...}}``, the same codes in both). A parameter may itself be

- a :class:`Reading` (a part of the sentence: a verdict, a name, an optional clause), rendered in
  the same language;
- a :class:`Term`, a name that comes with the data in both languages (an indicator's or a scheme
  dimension's name), of which the language's is taken;
- a list, whose items are joined the language's way (``, `` or ``、``);

anything else (numbers, codes, periods) is formatted by the template as it stands, so numbers are
the same in both languages. The JSON documents carry ``code`` and ``params`` beside the rendered
texts, so another front end can say them its own way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LANGS = ("en", "zh")


def lang_of(lang: str | None) -> str:
    """``zh`` for any Chinese locale (``zh``, ``zh-hans``, ``zh_CN`` …), else ``en``."""
    return "zh" if (lang or "").lower().startswith("zh") else "en"


@dataclass(frozen=True)
class Term:
    """A name given in both languages by the data itself (not by this catalogue)."""

    en: str
    zh: str

    def text(self, lang: str = "en") -> str:
        return self.zh if lang_of(lang) == "zh" else self.en

    def to_json(self) -> dict[str, str]:
        return {"en": self.en, "zh": self.zh}


@dataclass(frozen=True)
class Reading:
    """A sentence or part of one: a catalogue ``code`` and the parameters its templates name."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def text(self, lang: str = "en") -> str:
        return render(self.code, self.params, lang)

    @property
    def en(self) -> str:
        return self.text("en")

    @property
    def zh(self) -> str:
        return self.text("zh")

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": {k: _json(v) for k, v in self.params.items()}}


def render(code: str, params: Mapping[str, Any] | None = None, lang: str = "en") -> str:
    """The template of ``code`` in ``lang`` (en or zh) filled with ``params``."""
    lang = lang_of(lang)
    values = {k: _value(v, lang) for k, v in (params or {}).items()}
    return CATALOGUE[lang][code].format(**values)


def pair(code: str, params: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """``code`` rendered in English and in Chinese."""
    return render(code, params, "en"), render(code, params, "zh")


def bilingual(value: Reading | Term | str) -> dict[str, Any]:
    """A JSON ``{"en": ..., "zh": ...}`` of a reading, with its ``code`` and ``params``."""
    if isinstance(value, Reading):
        return {"en": value.en, "zh": value.zh, **value.to_json()}
    if isinstance(value, Term):
        return value.to_json()
    return {"en": value, "zh": value}


def _value(v: Any, lang: str) -> Any:
    if isinstance(v, Reading):
        return v.text(lang)
    if isinstance(v, Term):
        return v.text(lang)
    if isinstance(v, list | tuple):
        return CATALOGUE[lang]["list_separator"].join(str(_value(x, lang)) for x in v)
    return v


def _json(v: Any) -> Any:
    if isinstance(v, Reading | Term):
        return v.to_json()
    if isinstance(v, list | tuple):
        return [_json(x) for x in v]
    if isinstance(v, float):
        return round(v, 6) if math.isfinite(v) else None
    if hasattr(v, "item"):  # a numpy number
        return _json(v.item())
    return v


# The catalogue ---------------------------------------------------------------------------------
# Codes: effect.* (effect.py), review.* (review.py). Keep the two languages' keys identical
# (tests/test_wording.py checks it, and that every code the analyses use is here).

EN: dict[str, str] = {
    "list_separator": ", ",
    "dash": "—",
    # --- effect evaluation: names
    "effect.outcome.csat": "CSAT",
    "effect.outcome.nps": "NPS",
    "effect.verdict.strong": "strong link",
    "effect.verdict.moderate": "moderate link",
    "effect.verdict.weak": "weak link",
    "effect.verdict.wrong_sign": "runs against satisfaction",
    "effect.verdict.too_few_agents": "too few agents to judge",
    "effect.verdict.no_variation": "no variation, no correlation",
    "effect.dimension.efficiency": "Service efficiency",
    "effect.dimension.quality": "Service quality",
    "effect.dimension.collaboration": "Collaboration",
    "effect.dimension.growth": "Personal development",
    "effect.relation.customer": "Customers",
    "effect.relation.supervisor": "Supervisor",
    "effect.relation.peer": "Peers",
    "effect.relation.self": "Self",
    "effect.relation.partner_dept": "Partner departments",
    "effect.method.recording": "QA recording review",
    "effect.method.mystery_shopper": "QA mystery shopper",
    "effect.method.live": "QA live observation",
    "effect.method.scenario_simulation": "QA scenario simulation",
    "effect.method.transcript_auto": "QA automatic transcript check",
    "effect.grouping.team": "Team",
    "effect.grouping.site": "Site",
    "effect.grouping.channel": "Channel",
    "effect.grouping.shift": "Shift",
    "effect.channel.phone": "phone",
    "effect.channel.chat": "chat",
    "effect.channel.email": "e-mail",
    "effect.channel.social": "social media",
    "effect.channel.walk_in": "walk-in",
    "effect.channel.video": "video",
    "effect.channel.other": "other channels",
    "effect.shift.night": "night (0–6 h)",
    "effect.shift.morning": "morning (6–12 h)",
    "effect.shift.afternoon": "afternoon (12–18 h)",
    "effect.shift.evening": "evening (18–24 h)",
    "effect.by.team": "By team",
    "effect.by.site": "By site",
    "effect.by.channel": "By channel",
    "effect.by.shift": "By shift",
    "effect.by": "By {grouping}",
    "effect.alpha.reliable": "reliable",
    "effect.alpha.tentative": "tentative",
    "effect.alpha.unreliable": "unreliable",
    "effect.alpha.undefined": "no agreement measurable",
    "effect.unit.seconds": " s",
    "effect.unit.percent": " pts",
    "effect.unit.hours": " h",
    "effect.subject.total": "Total score",
    "effect.subject.dimension": "{name} score",
    "effect.subject.ratings_360": "360° result",
    "effect.subject.relation": "360° {relation} rating",
    # --- effect evaluation: 1. predictive validity
    "effect.when.next": " in {period}",
    "effect.when.same": " (same period)",
    "effect.correlation": "{subject} vs {outcome}{when}: {verdict} "
    "(rho {rho:+.2f}, 95% CI {low:+.2f} to {high:+.2f}, n {n})",
    "effect.correlation.n_only": "{subject} vs {outcome}{when}: {verdict} (n {n})",
    "effect.validity.out_of_sample": "Out of sample: scores of {period} against satisfaction in "
    "{outcome_period}, which no score of {period} contains.",
    "effect.validity.in_sample": "In sample: {missing} has no satisfaction data yet, so scores of "
    "{period} are compared with the same period's satisfaction, which the score itself contains; the "
    "correlation is inflated. Re-run once the next period's surveys are in.",
    # --- 2. before / after
    "effect.change.no_pairs": "{name}: no agent has a value in both windows",
    "effect.change.means": "{before:,.{decimals}f} → {after:,.{decimals}f}",
    "effect.change.unclear": "{name}: no clear change ({means}; {difference:+,.{decimals}f}{unit} per "
    "agent, 95% CI {low:+,.{decimals}f} to {high:+,.{decimals}f}, {paired} agents in both)",
    "effect.change.better": "{name}: better after ({means}; {difference:+,.{decimals}f}{unit} per "
    "agent, 95% CI {low:+,.{decimals}f} to {high:+,.{decimals}f}, {paired} agents in both)",
    "effect.change.worse": "{name}: worse after ({means}; {difference:+,.{decimals}f}{unit} per "
    "agent, 95% CI {low:+,.{decimals}f} to {high:+,.{decimals}f}, {paired} agents in both)",
    "effect.before_after.warning": "Before/after is not causal: seasonality, staff changes, new "
    "channels or products move these figures too. Compare with the same months of last year where "
    "possible.",
    "effect.before_after.no_baseline": "No baseline: pass --baseline PERIOD (the first period under "
    "the scheme), or store scorecards of periods computed under different scheme versions.",
    "effect.source.scheme_version": "scheme {from_version} → {to_version}",
    "effect.source.option": "given",
    # --- 3. fairness
    "effect.fairness.note": "A difference between groups can be real performance (skills, workload, "
    "channel difficulty): flagged groups are for review, the scores are not corrected.",
    "effect.group": "{grouping} {group}: mean {mean:.1f}, median {median:.1f}, n {n}{gap}{flag}",
    "effect.group.gap": "; {gap:+.1f} points vs the rest (95% CI {low:+.1f} to {high:+.1f})",
    "effect.group.flagged": " — flagged for review",
    "effect.fairness.no_test": "{by}: fewer than two groups with two agents, no test",
    "effect.fairness.test": "{by}: Kruskal-Wallis H {h:.2f}, p {p:.3g}, {groups} groups, n {n}: "
    "{differ}{flagged}",
    "effect.fairness.differ": "distributions differ",
    "effect.fairness.no_difference": "no evidence the distributions differ",
    "effect.fairness.flagged": "; flagged for review: {groups}",
    # --- 4. raters
    "effect.raters": "{group}: {alpha}, {alpha_reading}; {bias} ({ratings} ratings, {raters} raters)",
    "effect.raters.alpha": "α {alpha:.2f} over {units} units",
    "effect.raters.no_alpha": "α undefined",
    "effect.raters.bias": "{flagged} of {with_offset} raters flagged ({lenient} lenient, {severe} severe)",
    "effect.raters.no_bias": "no rater has enough shared ratings for an offset",
    "effect.raters.note": "α: Krippendorff's alpha for interval data (>= 0.8 reliable, 0.667-0.8 "
    "tentative, below unreliable). Offsets: a rater's mean score minus the other raters' of the same "
    "units, in points of 0-100; lenient/severe beyond ±{leniency:g} points. A single rater per unit "
    "(one supervisor, self) gives no α.",
    # --- 5. acceptance
    "effect.who.organisation": "Organisation",
    "effect.who.team": "Team {team}",
    "effect.acceptance.no_scorecards": "{who}: no scorecards open to appeal",
    "effect.acceptance": "{who}: {filed} of {scorecards} scorecards appealed ({rate:.1%}, 95% CI "
    "{low:.1%} to {high:.1%}){upheld}{flag}",
    "effect.acceptance.upheld": "; {upheld:.0%} of {decided} decided upheld",
    "effect.acceptance.appeals_high": " — appeals unusually often, review how results are explained there",
    # --- the text report
    "effect.heading.title": "Effect evaluation",
    "effect.heading.validity": "1. Predictive validity (Spearman rho with Fisher-z 95% CI; Pearson r in JSON)",
    "effect.heading.validity_before": "1b. The same before the baseline ({period}), with the rho now",
    "effect.heading.before_after": "2. Before / after (difference per agent, bootstrap 95% CI over "
    "agents in both windows)",
    "effect.heading.fairness": "3. Fairness of total scores (bootstrap 95% CI of each group's gap to the rest)",
    "effect.heading.raters": "4. Rater agreement and bias",
    "effect.heading.acceptance": "5. Acceptance (appeals; Wilson 95% CI)",
    "effect.heading.no_acceptance": "  Appeal counts live in the web application; run from there to see them.",
    "effect.heading.window": "  baseline {baseline} ({source}); before {before}, after {after}",
    "effect.heading.agents": "{n} agents",
    # --- quarterly indicator review: findings (message and suggestion per kind), names, text
    "review.indicator": "{name} ({code})",
    "review.since": " (unmeasured in {months})",
    "review.when.monthly": " in every month of {period} ({shown} shown)",
    "review.better.higher": "higher",
    "review.better.lower": "lower",
    "review.uncovered_channel.message": "channel {channel}: {contacts:,} contacts, no indicator{since}",
    "review.uncovered_channel.suggestion": "Add an indicator that counts {channel} contacts (for example first response or handling time with '{channel}' in its filter), or widen the channel filter of a scored indicator.",
    "review.uncovered_contact_type.message": "{type} contacts: {contacts:,} in the period, no scored indicator counts them",
    "review.uncovered_contact_type.suggestion": "Add an indicator for them (urgent / VIP response time, complaint conversion) or stop filtering them out, and consider giving it weight if the strategy puts them first.",
    "review.no_data.message": "{label} has no value for any agent in {period}",
    "review.no_data.suggestion": "Load its source ({source}) or take it out of the scheme; meanwhile its weight is re-spread over the other indicators.",
    "review.constant.message": "{label} does not discriminate{when}: {share:.0%} of {agents} agents have the same value ({value})",
    "review.constant.suggestion": "Drop it, or replace it with a measure that separates people (a stricter definition or another source): it gives everyone the same points for {weight:.0%} of the total.",
    "review.saturated.message": "{label} does not discriminate{when}: {share:.0%} of {agents} agents get the same score ({score:g} of 100)",
    "review.saturated.suggestion": "Move its target and floor to where agents actually are (median {median}), or replace it.",
    "review.narrow.message": "{label} does not discriminate{when}: the middle half of agents lies within {rel} of the median ({scorespan} score points)",
    "review.narrow.suggestion": "Replace it with a measure that separates people, or tighten its target and floor so that real differences move the score.",
    "review.wrong_sign.message": "{label} runs against customer satisfaction: agents who do better on it have less satisfied customers (rho {rho:+.2f}, {agents} agents)",
    "review.wrong_sign.suggestion": "Check its definition and direction ({better_words} is better). If both are right it rewards what customers dislike: lower its weight or pair it with a quality check.",
    "review.redundant.message": "{a} and {b} are redundant: rho {rho:+.2f} across {agents} agents",
    "review.redundant.suggestion": "Keep one ({keep}) and give the other's weight to an indicator that measures something else.",
    "review.weak_link.message": "{label} barely tracks customer satisfaction (rho {rho:+.2f}, {agents} agents)",
    "review.weak_link.suggestion": "Keep it if the scheme needs it for another reason (efficiency, compliance); otherwise move its weight to indicators that track satisfaction.",
    "review.reweight.message": "Weight does not follow satisfaction: {strong} track it (rho >= {strong_link:g}), while {weak} ({weak_weight:.0%} of the total) barely do or run against it",
    "review.reweight.suggestion": "Shift weight from {weak} toward {strong}, then check next quarter whether totals track satisfaction better.",
    "review.contact_type.priority": "Urgent and high-priority",
    "review.contact_type.vip": "VIP",
    "review.contact_type.complaint": "Complaint",
    "review.heading.title": "Quarterly indicator review",
    "review.heading.findings": "Findings",
    "review.heading.none": "No findings: every scored indicator discriminates, none is redundant, every channel is measured.",
    "review.heading.indicators": "Indicators ({period}; rho = Spearman with {sat} across agents, + = better goes with happier customers)",
    "review.heading.redundant": "Redundant pairs (|rho| > {r:g})",
    "review.heading.channels": "Coverage by channel (contacts; rows each scored indicator counts)",
    "review.heading.types": "Coverage by contact type",
    "review.heading.other": "Not placed on a channel (their sources carry none): {codes}",
    "review.heading.no_indicator": "NO INDICATOR",
    "review.heading.dedicated": "dedicated",
    "review.heading.agents": "{n} agents",
    "review.heading.by_month": "; by month {rhos}",
    "review.heading.keep": "keep {code}",
}

ZH: dict[str, str] = {
    "list_separator": "、",
    "dash": "—",
    # --- 效果评估：名称
    "effect.outcome.csat": "客户满意度（CSAT）",
    "effect.outcome.nps": "净推荐值（NPS）",
    "effect.verdict.strong": "强相关",
    "effect.verdict.moderate": "中等相关",
    "effect.verdict.weak": "弱相关",
    "effect.verdict.wrong_sign": "与满意度方向相反",
    "effect.verdict.too_few_agents": "客服人数太少，无法判断",
    "effect.verdict.no_variation": "数据无差异，无法计算相关",
    "effect.dimension.efficiency": "服务效率",
    "effect.dimension.quality": "服务质量",
    "effect.dimension.collaboration": "协同",
    "effect.dimension.growth": "个人发展",
    "effect.relation.customer": "客户",
    "effect.relation.supervisor": "上级",
    "effect.relation.peer": "同事",
    "effect.relation.self": "自评",
    "effect.relation.partner_dept": "协作部门",
    "effect.method.recording": "质检：录音抽检",
    "effect.method.mystery_shopper": "质检：神秘客户",
    "effect.method.live": "质检：现场观察",
    "effect.method.scenario_simulation": "质检：情景模拟",
    "effect.method.transcript_auto": "质检：文本自动检查",
    "effect.grouping.team": "团队",
    "effect.grouping.site": "站点",
    "effect.grouping.channel": "渠道",
    "effect.grouping.shift": "班次",
    "effect.channel.phone": "电话",
    "effect.channel.chat": "在线聊天",
    "effect.channel.email": "邮件",
    "effect.channel.social": "社交媒体",
    "effect.channel.walk_in": "到店/前台",
    "effect.channel.video": "视频",
    "effect.channel.other": "其他渠道",
    "effect.shift.night": "夜班（0–6 时）",
    "effect.shift.morning": "上午（6–12 时）",
    "effect.shift.afternoon": "下午（12–18 时）",
    "effect.shift.evening": "晚间（18–24 时）",
    "effect.by.team": "按团队",
    "effect.by.site": "按站点",
    "effect.by.channel": "按渠道",
    "effect.by.shift": "按班次",
    "effect.by": "按{grouping}",
    "effect.alpha.reliable": "可靠",
    "effect.alpha.tentative": "勉强可用",
    "effect.alpha.unreliable": "不可靠",
    "effect.alpha.undefined": "无法衡量一致性",
    "effect.unit.seconds": " 秒",
    "effect.unit.percent": " 个百分点",
    "effect.unit.hours": " 小时",
    "effect.subject.total": "总分",
    "effect.subject.dimension": "{name}得分",
    "effect.subject.ratings_360": "360 度评价结果",
    "effect.subject.relation": "360 度{relation}评价",
    # --- 1. 预测效度
    "effect.when.next": "{period} 的",
    "effect.when.same": "同期",
    "effect.correlation": "{subject}与{when}{outcome}：{verdict}"
    "（ρ {rho:+.2f}，95% 置信区间 {low:+.2f} 至 {high:+.2f}，n={n}）",
    "effect.correlation.n_only": "{subject}与{when}{outcome}：{verdict}（n {n}）",
    "effect.validity.out_of_sample": "样本外检验：{period} 的得分对比 {outcome_period} 的客户满意度，"
    "后者不包含在 {period} 的得分中。",
    "effect.validity.in_sample": "样本内检验：{missing} 尚无满意度数据，只能与同期满意度比较，"
    "而同期满意度本身已计入得分，相关性会偏高。请在下一期调研数据到齐后重新运行。",
    # --- 2. 前后对比
    "effect.change.no_pairs": "{name}：没有客服在前后两个时段都有数据",
    "effect.change.means": "{before:,.{decimals}f} → {after:,.{decimals}f}",
    "effect.change.unclear": "{name}：无明显变化（{means}；人均 {difference:+,.{decimals}f}{unit}，"
    "95% 置信区间 {low:+,.{decimals}f} 至 {high:+,.{decimals}f}，{paired} 名客服前后均有数据）",
    "effect.change.better": "{name}：之后变好（{means}；人均 {difference:+,.{decimals}f}{unit}，"
    "95% 置信区间 {low:+,.{decimals}f} 至 {high:+,.{decimals}f}，{paired} 名客服前后均有数据）",
    "effect.change.worse": "{name}：之后变差（{means}；人均 {difference:+,.{decimals}f}{unit}，"
    "95% 置信区间 {low:+,.{decimals}f} 至 {high:+,.{decimals}f}，{paired} 名客服前后均有数据）",
    "effect.before_after.warning": "前后对比不代表因果：季节性、人员变动、新渠道或新产品同样会影响这些数字。"
    "如有可能，请与去年同期比较。",
    "effect.before_after.no_baseline": "没有对比基准：请指定方案开始执行的第一个周期作为基准，"
    "或保存不同方案版本下计算的成绩单。",
    "effect.source.scheme_version": "方案 {from_version} → {to_version}",
    "effect.source.option": "指定",
    # --- 3. 公平性
    "effect.fairness.note": "组间差异可能反映真实绩效（技能、工作量、渠道难度）：被标记的组需人工复核，"
    "系统不会修正得分。",
    "effect.group": "{grouping} {group}：均值 {mean:.1f}，中位数 {median:.1f}，n={n}{gap}{flag}",
    "effect.group.gap": "；与其余相差 {gap:+.1f} 分（95% 置信区间 {low:+.1f} 至 {high:+.1f}）",
    "effect.group.flagged": " —— 需复核",
    "effect.fairness.no_test": "{by}：不足两个组（每组至少 2 人），不做检验",
    "effect.fairness.test": "{by}：Kruskal-Wallis H={h:.2f}，p={p:.3g}，{groups} 个组，n={n}："
    "{differ}{flagged}",
    "effect.fairness.differ": "分布存在差异",
    "effect.fairness.no_difference": "没有证据表明分布不同",
    "effect.fairness.flagged": "；需复核：{groups}",
    # --- 4. 评价者
    "effect.raters": "{group}：{alpha}，{alpha_reading}；{bias}（{ratings} 条评价，{raters} 位评价者）",
    "effect.raters.alpha": "α={alpha:.2f}（{units} 个对象）",
    "effect.raters.no_alpha": "α 无法计算",
    "effect.raters.bias": "{with_offset} 位评价者中 {flagged} 位被标记（偏宽 {lenient}，偏严 {severe}）",
    "effect.raters.no_bias": "没有评价者有足够的共同评价来计算偏差",
    "effect.raters.note": "α：区间数据的 Krippendorff α（≥0.8 可靠，0.667–0.8 勉强可用，以下不可靠）。"
    "偏差：评价者给分与同一对象其他评价者均分之差（0–100 分制），超过 ±{leniency:g} 分记为偏宽/偏严。"
    "每个对象只有一位评价者（如上级、自评）时无法计算 α。",
    # --- 5. 接受度
    "effect.who.organisation": "全组织",
    "effect.who.team": "团队 {team}",
    "effect.acceptance.no_scorecards": "{who}：没有可申诉的成绩单",
    "effect.acceptance": "{who}：{scorecards} 份成绩单中有 {filed} 份被申诉（{rate:.1%}，95% 置信区间 "
    "{low:.1%} 至 {high:.1%}）{upheld}{flag}",
    "effect.acceptance.upheld": "；已裁决 {decided} 件中 {upheld:.0%} 获支持",
    "effect.acceptance.appeals_high": " —— 申诉明显偏多，请检查该团队的成绩解释与沟通",
    # --- 文本报告
    "effect.heading.title": "效果评估",
    "effect.heading.validity": "1. 预测效度（Spearman ρ，Fisher z 95% 置信区间；Pearson r 见 JSON）",
    "effect.heading.validity_before": "1b. 基准之前（{period}）的同一检验，及现在的 ρ",
    "effect.heading.before_after": "2. 前后对比（人均差值，按前后均有数据的客服自助抽样 95% 置信区间）",
    "effect.heading.fairness": "3. 总分公平性（各组与其余差值的自助抽样 95% 置信区间）",
    "effect.heading.raters": "4. 评价者一致性与偏差",
    "effect.heading.acceptance": "5. 接受度（申诉；Wilson 95% 置信区间）",
    "effect.heading.no_acceptance": "  申诉数据在网页应用中，请在网页端查看。",
    "effect.heading.window": "  基准 {baseline}（{source}）；之前 {before}，之后 {after}",
    "effect.heading.agents": "{n} 名客服",
    # --- 季度指标复盘：发现（每类的说明与建议）、名称、文本
    "review.indicator": "{name}（{code}）",
    "review.since": "（{months} 各月均如此）",
    "review.when.monthly": "（{period} 每个月均如此，以 {shown} 为例）",
    "review.better.higher": "越高越好",
    "review.better.lower": "越低越好",
    "review.uncovered_channel.message": "渠道 {channel}：{contacts:,} 次接待，没有任何指标计入{since}",
    "review.uncovered_channel.suggestion": "为 {channel} 渠道增加考核指标（例如筛选条件包含 '{channel}' 的首次响应时间或处理时长），或放宽现有考核指标的渠道筛选条件。",
    "review.uncovered_contact_type.message": "{type}请求：本期 {contacts:,} 次，没有任何考核指标计入",
    "review.uncovered_contact_type.suggestion": "为其增加指标（如紧急/VIP 响应时间、投诉转化率），或不再将其筛除；若战略重点在此，可为其设置相应权重。",
    "review.no_data.message": "{label} 在 {period} 没有任何客服的数据",
    "review.no_data.suggestion": "请导入其数据来源（{source}），或将其移出方案；在此之前其权重会分摊到其他指标。",
    "review.constant.message": "{label} 区分度不足{when}：{agents} 名客服中 {share:.0%} 数值相同（{value}）",
    "review.constant.suggestion": "建议删除，或改用能拉开差距的指标（更严格的口径或其他数据来源）：它占总分 {weight:.0%}，却给每个人同样的分数。",
    "review.saturated.message": "{label} 区分度不足{when}：{agents} 名客服中 {share:.0%} 得分相同（{score:g} 分）",
    "review.saturated.suggestion": "把目标值和底线调整到客服的实际水平（中位数 {median}），或更换指标。",
    "review.narrow.message": "{label} 区分度不足{when}：中间一半客服的差距仅为中位数的 {rel}（得分差 {scorespan} 分）",
    "review.narrow.suggestion": "建议改用能拉开差距的指标，或收紧目标值与底线，让真实差异体现在得分上。",
    "review.wrong_sign.message": "{label} 与客户满意度方向相反：该指标越好的客服，客户满意度反而越低（ρ {rho:+.2f}，{agents} 名客服）",
    "review.wrong_sign.suggestion": "请检查其定义与方向（{better_words}）。若都无误，说明它奖励了客户不认可的做法：降低其权重，或配合质量检查使用。",
    "review.redundant.message": "{a} 与 {b} 高度重复：{agents} 名客服上 ρ {rho:+.2f}",
    "review.redundant.suggestion": "保留其一（{keep}），把另一个的权重交给衡量其他方面的指标。",
    "review.weak_link.message": "{label} 与客户满意度关系很弱（ρ {rho:+.2f}，{agents} 名客服）",
    "review.weak_link.suggestion": "若方案出于其他原因（效率、合规）需要它，可以保留；否则把它的权重转给与满意度相关的指标。",
    "review.reweight.message": "权重未向满意度倾斜：{strong} 与满意度密切相关（ρ >= {strong_link:g}），而 {weak}（占总分 {weak_weight:.0%}）关系很弱或方向相反",
    "review.reweight.suggestion": "把部分权重从 {weak} 转向 {strong}，下季度再检查总分与满意度的相关是否提高。",
    "review.contact_type.priority": "紧急和高优先级",
    "review.contact_type.vip": "VIP 客户",
    "review.contact_type.complaint": "投诉",
    "review.heading.title": "季度指标复盘",
    "review.heading.findings": "发现",
    "review.heading.none": "未发现问题：所有考核指标都有区分度、没有重复，所有渠道都有指标覆盖。",
    "review.heading.indicators": "指标（{period}；ρ 为与 {sat} 的 Spearman 相关，+ 表示指标越好客户越满意）",
    "review.heading.redundant": "重复指标对（|ρ| > {r:g}）",
    "review.heading.channels": "按渠道的覆盖（接待量；各考核指标计入的记录数）",
    "review.heading.types": "按请求类型的覆盖",
    "review.heading.other": "无法按渠道归属的指标（数据来源不含渠道）：{codes}",
    "review.heading.no_indicator": "无指标",
    "review.heading.dedicated": "专项",
    "review.heading.agents": "{n} 名客服",
    "review.heading.by_month": "；各月 {rhos}",
    "review.heading.keep": "保留 {code}",
}

CATALOGUE: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}
