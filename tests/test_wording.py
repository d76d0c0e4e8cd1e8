"""The analyses' wording catalogue (frontdesk/analysis/wording.py): every code the effect
evaluation and the quarterly review use has an English and a Chinese template, and the readings
the computations build render in both languages without a missing parameter."""

from __future__ import annotations

import re
import string
from pathlib import Path
from types import SimpleNamespace

import pytest

from frontdesk.analysis import effect, review
from frontdesk.analysis.effect import (
    AppealCounts,
    Thresholds,
    acceptance,
    compare,
    correlate,
    fairness,
    predictive_validity,
    rater_agreement,
    subject_labels,
)
from frontdesk.analysis.review import (
    ChannelCoverage,
    ContactTypeCoverage,
    Coverage,
    IndicatorReview,
    RedundantPair,
    SatisfactionLink,
    Spread,
    review_findings,
)
from frontdesk.analysis.wording import CATALOGUE, LANGS, Reading, Term, render
from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.indicators.periods import parse_period

ANALYSIS = Path(effect.__file__).parent


def _fields(template: str) -> set[str]:
    out = set()
    for _, name, spec, _ in string.Formatter().parse(template):
        if name:
            out.add(name)
        if spec:
            out |= _fields(spec)
    return out


def test_both_languages_have_the_same_codes():
    assert set(CATALOGUE["en"]) == set(CATALOGUE["zh"])
    assert LANGS == ("en", "zh")


def test_the_languages_name_the_same_parameters():
    for code in CATALOGUE["en"]:
        en, zh = _fields(CATALOGUE["en"][code]), _fields(CATALOGUE["zh"][code])
        # One language may leave a parameter out (the Chinese in-sample note names one period).
        assert en <= zh or zh <= en, code


def test_every_template_is_a_valid_format_string():
    for lang in LANGS:
        for code, template in CATALOGUE[lang].items():
            params = {f: (1 if f == "decimals" else 0.5) for f in _fields(template)}
            assert render(code, params, lang), (lang, code)


def _used_codes() -> set[str]:
    """Codes written out in effect.py and review.py, and those they build from a prefix."""
    found: set[str] = set()
    for module, prefix in ((ANALYSIS / "effect.py", "effect"), (ANALYSIS / "review.py", "review")):
        text = module.read_text("utf-8")
        found |= set(re.findall(rf'"({prefix}\.[a-z_0-9.]+[a-z_0-9])"', text))
        found |= {f"{prefix}.heading.{h}" for h in re.findall(r'\bh\(["\'](\w+)["\']', text)}
    found -= {"effect.heading", "review.heading"}
    # Prefixes of names looked up by key (effect._named, effect._pairs): each key its own code.
    prefixes = set(
        re.findall(r'_(?:named|pairs)\(\s*"([a-z_.]+)"', (ANALYSIS / "effect.py").read_text("utf-8"))
    )
    prefixes |= {"effect.relation", "effect.method"}  # chosen by source in _rater_group
    assert prefixes and all(any(c.startswith(p + ".") for c in CATALOGUE["en"]) for p in prefixes)
    found -= prefixes
    found |= {f"effect.outcome.{o}" for o in effect.OUTCOMES}
    found |= {f"effect.relation.{r}" for r in effect.RELATIONS_360}
    found |= {f"effect.grouping.{g}" for g in effect.GROUPINGS}
    found |= {f"effect.unit.{u}" for u in ("seconds", "percent", "hours")}
    verdicts = ("strong", "moderate", "weak", "wrong_sign", "too_few_agents", "no_variation")
    found |= {f"effect.verdict.{v}" for v in verdicts}
    found |= {f"effect.alpha.{a}" for a in ("reliable", "tentative", "unreliable", "undefined")}
    found |= {f"effect.change.{c}" for c in ("unclear", "better", "worse")}
    found |= {f"effect.by.{g}" for g in effect.GROUPINGS}
    found |= {f"review.contact_type.{t}" for t in review.CONTACT_TYPES}
    found |= {f"review.better.{b}" for b in ("higher", "lower")}
    kinds = ("uncovered_channel", "uncovered_contact_type", "no_data", "constant", "saturated", "narrow")
    kinds += ("wrong_sign", "redundant", "weak_link", "reweight")
    found |= {f"review.{k}.{part}" for k in kinds for part in ("message", "suggestion")}
    return found


def test_every_code_the_analyses_use_has_an_english_and_a_chinese_template():
    used = _used_codes()
    assert len(used) > 60
    for lang in LANGS:
        missing = sorted(c for c in used if c not in CATALOGUE[lang])
        assert not missing, (lang, missing)


def _walk(value, out: list[Reading]) -> None:
    if isinstance(value, Reading):
        out.append(value)
        for v in value.params.values():
            _walk(v, out)
    elif isinstance(value, list | tuple):
        for v in value:
            _walk(v, out)


def _render_all(readings: list[Reading]) -> set[str]:
    seen = []
    for r in readings:
        _walk(r, seen)
    for r in seen:
        for lang in LANGS:
            text = r.text(lang)  # a KeyError here: a template names a parameter the code does not give
            assert isinstance(text, str)
        assert r.to_json()["code"] == r.code
    return {r.code for r in seen}


def _effect_readings() -> list[Reading]:
    th = Thresholds(min_agents=3)
    out: list[Reading] = []
    scores = {f"A{i}": float(i) for i in range(10)}
    for outcomes in ({f"A{i}": float(i) for i in range(10)}, {f"A{i}": 1.0 for i in range(10)}):
        for subject in ("total", "dimension:quality", "ratings_360", "ratings_360:peer", "other"):
            out.append(correlate(subject, "csat", scores, outcomes, th=th).wording)
    out.append(correlate("total", "nps", scores, {"A1": 1.0}, labels=("T", "总"), when=("x", "y")).wording)
    for sample in (True, False):
        v = predictive_validity(
            {"total": scores}, {"csat": scores}, "2026-05", "2026-06", out_of_sample=sample
        )
        out += [v.note, *(c.wording for c in v.correlations)]
    catalog = builtin_catalog()
    for code in ("csat", "first_response", "handle_time", "first_contact_resolution", "unknown"):
        before = {f"A{i}": 10.0 * i for i in range(6)}
        for shift in (0.0, 5.0, -5.0):
            after = {k: v + shift + (0.1 if k == "A1" else 0.0) for k, v in before.items()}
            out.append(compare(code, before, after, catalog.get(code)).wording)
        out.append(compare(code, {"A1": 1.0}, {"A2": 2.0}, catalog.get(code)).wording)
    groups = {f"A{i}": "T1" if i < 6 else "T2" for i in range(12)} | {f"B{i}": "T3" for i in range(6)}
    marks = {f"A{i}": 70.0 + i % 3 for i in range(12)} | {f"B{i}": 95.0 + i % 2 for i in range(6)}
    for grouping in ("team", "shift", "desk"):
        f = fairness(grouping, marks, groups)
        out += [f.wording, *(g.wording for g in f.groups)]
        out.append(fairness(grouping, {"A1": 1.0}, {"A1": "T1"}).wording)
    rows = [("peer", f"U{u}", f"P{r}", 50.0 + 10 * r + u) for u in range(8) for r in range(3)]
    rows += [("supervisor", "U1", "S1", 60.0)]
    qa = [("recording", f"A{u}", f"Q{r}", 70.0 + r * 20) for u in range(8) for r in range(2)]
    agreement = rater_agreement(rows, qa)
    out += [agreement.note, *(g.wording for g in agreement.groups)]
    counts = [
        AppealCounts("T1", "p", 100, 3, 1, 2),
        AppealCounts("T2", "p", 100, 30, 20, 5),
        AppealCounts("T3", "p", 0, 0, 0, 0),
        AppealCounts("T4", "p", 10, 0, 0, 0),
    ]
    out += [r.wording for r in acceptance(counts)]
    return out


def test_the_effect_evaluations_readings_render_in_both_languages():
    codes = _render_all(_effect_readings())
    assert {"effect.acceptance.appeals_high", "effect.group.flagged", "effect.change.better"} <= codes
    assert {"effect.correlation", "effect.correlation.n_only", "effect.validity.in_sample"} <= codes


def test_readings_render_the_sentences_the_report_always_had():
    org, _t1, t2, t3, t4 = acceptance(
        [
            AppealCounts("T1", "p", 100, 3, 1, 2),
            AppealCounts("T2", "p", 100, 30, 20, 5),
            AppealCounts("T3", "p", 0, 0, 0, 0),
            AppealCounts("T4", "p", 10, 0, 0, 0),
        ]
    )
    assert t2.reading_en.startswith("Team T2: 30 of 100 scorecards appealed (30.0%, 95% CI ")
    assert t2.reading_en.endswith(
        "; 80% of 25 decided upheld — appeals unusually often, review how results are explained there"
    )
    assert t2.reading_zh.startswith("团队 T2：100 份成绩单中有 30 份被申诉（30.0%，95% 置信区间 ")
    assert t2.reading_zh.endswith("；已裁决 25 件中 80% 获支持 —— 申诉明显偏多，请检查该团队的成绩解释与沟通")
    assert (
        t3.reading_en == "Team T3: no scorecards open to appeal"
        and t3.reading_zh == "团队 T3：没有可申诉的成绩单"
    )
    assert t4.reading_en == "Team T4: 0 of 10 scorecards appealed (0.0%, 95% CI 0.0% to 27.8%)"
    assert org.to_json()["reading"]["code"] == "effect.acceptance"
    assert t2.to_json()["reading"]["params"]["flag"] == {
        "code": "effect.acceptance.appeals_high",
        "params": {},
    }
    assert subject_labels("ratings_360:partner_dept") == (
        "360° partner departments rating",
        "360 度协作部门评价",
    )
    assert subject_labels("dimension:quality", {"quality": ("Care", "关怀")}) == ("Care score", "关怀得分")
    assert effect.FAIRNESS_NOTE[1].startswith("组间差异") and effect.OUTCOME_NAMES["csat"] == (
        "CSAT",
        "客户满意度（CSAT）",
    )


def _spread(period: str, agents: int, reasons: tuple[str, ...] = ()) -> Spread:
    return Spread(period, agents, agents >= 3, median=10.0, iqr=0.0, relative_iqr=0.0, same_value_share=0.9,
                  modal_value=10.0, scored=agents, score_iqr=1.0, same_score_share=0.9, modal_score=100.0,
                  reasons=reasons)  # fmt: skip


def _review(
    code: str, spread: Spread, verdict: str, aligned: float | None, monthly=(), reasons=()
) -> IndicatorReview:
    link = SatisfactionLink("2026-Q3", 16, aligned, aligned, None, None, verdict)
    return IndicatorReview(code, f"{code} name", f"{code} 名称", "seconds", "lower", "interactions",
                           {"monthly": 0.2}, spread, link, tuple(monthly), tuple(link for _ in monthly),
                           reasons or spread.reasons)  # fmt: skip


def test_the_reviews_findings_render_in_both_languages():
    q = "2026-Q3"
    reviews = [
        _review("empty", _spread(q, 0), "not_available", None),
        _review("flat", _spread(q, 16, ("constant",)), "weak", 0.0),
        _review("full", _spread(q, 16, ("saturated", "narrow")), "weak", 0.0),
        _review("tight", _spread(q, 16), "moderate", 0.3, [_spread("2026-07", 16, ("narrow",))], ("narrow",)),
        _review("backwards", _spread(q, 16), "wrong_sign", -0.5),
        _review("loose", _spread(q, 16), "weak", 0.1),
        _review("good", _spread(q, 16), "strong", 0.7),
    ]
    cov = Coverage(
        (ChannelCoverage("video", 1200, {}, ("2026-07", "2026-08")), ChannelCoverage("chat", 5, {})),
        (ContactTypeCoverage("complaint", 30, {}), ContactTypeCoverage("vip", 3, {})),
        (),
        (),
    )
    names = {r.code: SimpleNamespace(code=r.code, name_en=r.name_en, name_zh=r.name_zh) for r in reviews}
    pairs = [RedundantPair("loose", "good", 0.95, 16, "good")]
    found = review_findings(reviews, pairs, cov, names, parse_period(q), review.Thresholds(), "csat")
    kinds = {f.kind for f in found}
    assert kinds == set(review.FINDING_ORDER)
    codes = {f.code for f in found}
    assert {"review.constant", "review.saturated", "review.narrow"} <= codes
    for f in found:
        for lang in LANGS:
            assert f.message(lang) and f.suggestion(lang)
        doc = f.to_json()
        assert doc["code"] == f.code and set(doc["message"]) == {"en", "zh"}
    by_code = {f.code: f for f in reversed(found)}  # the first of each code
    assert by_code["review.uncovered_channel"].message_en == (
        "channel video: 1,200 contacts, no indicator (unmeasured in 2026-07, 2026-08)"
    )
    assert by_code["review.uncovered_channel"].message_zh.endswith("（2026-07、2026-08 各月均如此）")
    assert "（越低越好）" in by_code["review.wrong_sign"].suggestion_zh
    assert "(lower is better)" in by_code["review.wrong_sign"].suggestion_en
    assert by_code["review.narrow"].message_en.startswith(
        "tight name (tight) does not discriminate in every month of 2026-Q3 (2026-07 shown)"
    )


def test_terms_and_lists_follow_the_language():
    said = Reading("effect.fairness.flagged", {"groups": ["T1", Term("north", "北区")]})
    assert said.text("en") == "; flagged for review: T1, north"
    assert said.text("zh-hans") == "；需复核：T1、北区"
    with pytest.raises(KeyError):
        render("effect.acceptance.upheld", {"upheld": 0.5}, "en")
