"""The effect-evaluation page (效果评估, MISSION X): does the appraisal scheme work?

``/evaluation/?period=P[&baseline=B]`` for administrators, HR / directors and auditors
(``permissions.may_view_evaluation``); team leads, QA reviewers and agents are refused (403): the
report covers the whole organisation. Anonymous users are sent to sign in; an unparsable period or
baseline, or a baseline starting after the period ends, is a 404.

The report is :func:`frontdesk.usecases.evaluation.build_report` — the same as ``frontdesk evaluate`` —
over the period's stored scorecards and the workspace's event store; acceptance is fed from the
appeals in this database (``frontdesk.web.appeals.acceptance``). Computing it takes seconds, so
the report is kept in memory per workspace, period, baseline, newest scorecard run and state of
the event store's files (as ``/quality/`` keeps its report); acceptance is recounted on every view
(two queries), so a decided appeal shows at once.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, pgettext_lazy
from django.views.decorators.http import require_GET

from frontdesk.analysis.effect import (
    FAIRNESS_NOTE,
    METHOD_NAMES,
    OUTCOME_NAMES,
    RELATION_NAMES,
    EffectReport,
    acceptance,
    subject_labels,
)
from frontdesk.analysis.wording import CATALOGUE
from frontdesk.analysis.wording import render as render_reading
from frontdesk.indicators.periods import Period, parse_period
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.dashboard import period_choices
from frontdesk.web.appraisal.models import ScorecardRun, Site, Team
from frontdesk.web.insights.report_cache import ReportCache, store_state
from frontdesk.web.permissions import may_view_evaluation
from frontdesk.web.workspace import workspace_root

CACHE_SIZE = 8

GROUPINGS = {
    "team": pgettext_lazy("effect evaluation", "Team"),
    "site": pgettext_lazy("effect evaluation", "Site"),
    "channel": pgettext_lazy("effect evaluation", "Channel"),
    "shift": pgettext_lazy("effect evaluation", "Shift"),
}
MEASURES = {
    "csat": pgettext_lazy("effect evaluation", "CSAT (share of 4–5 ratings)"),
    "first_response": pgettext_lazy("effect evaluation", "First response (median s)"),
    "handle_time": pgettext_lazy("effect evaluation", "Handling time (mean s)"),
    "first_contact_resolution": pgettext_lazy("effect evaluation", "First-contact resolution"),
}
SOURCES = {
    "ratings_360": pgettext_lazy("effect evaluation", "360° feedback"),
    "qa_reviews": pgettext_lazy("effect evaluation", "Quality reviews"),
}


class EvaluationUnavailable(LookupError):
    """No workspace (event store) to evaluate on."""


# The report ----------------------------------------------------------------------------------------

_cache: ReportCache[EffectReport] = ReportCache(CACHE_SIZE)


def _workspace() -> Any:
    from frontdesk.usecases.workspace import WorkspaceError, open_workspace

    root = workspace_root()
    if root is None:
        raise EvaluationUnavailable("no workspace")
    try:
        return open_workspace(Path(root))
    except WorkspaceError as e:
        raise EvaluationUnavailable(str(e)) from None


def effect_report(period: Period, baseline: Period | None, cards: list) -> EffectReport:
    """The evaluation of ``period`` (its stored scorecards ``cards``) without acceptance, from the
    cache when neither the scorecards (newest run) nor the event store changed since."""
    from frontdesk.usecases.evaluation import EvaluationUnavailable as NoEngine
    from frontdesk.usecases.evaluation import build_report

    ws = _workspace()
    newest_run = ScorecardRun.objects.aggregate(m=Max("pk"))["m"] or 0
    key = (
        str(ws.root),
        period.label,
        baseline.label if baseline else None,
        newest_run,
        store_state(Path(ws.root) / "events"),
    )

    def compute() -> EffectReport:
        try:
            return build_report(ws, store, period, cards, baseline, None)
        except NoEngine as e:
            raise EvaluationUnavailable(str(e)) from None

    return _cache.get(key, compute)


def with_acceptance(report: EffectReport, period: Period, cycle: str) -> EffectReport:
    """``report`` with acceptance counted now from the appeals of the period's current run."""
    from frontdesk.web.appeals.acceptance import appeal_counts

    return dataclasses.replace(report, acceptance=acceptance(appeal_counts(period.label, cycle)))


def clear_cache() -> None:
    _cache.clear()


# The page ------------------------------------------------------------------------------------------


def _period(text: str, what: str) -> Period:
    try:
        return parse_period(text)
    except ValueError:
        raise Http404(f"no such {what}") from None


@login_required
@require_GET
def evaluation_page(request: HttpRequest) -> HttpResponse:
    """The effect evaluation of one period (default: the newest with stored scorecards)."""
    if not may_view_evaluation(request.user):
        raise PermissionDenied("the effect evaluation is for administrators, directors and auditors")
    available = store.periods()
    label = request.GET.get("period") or (available[0] if available else "")
    period = _period(label, "period") if label else None
    baseline = None
    if request.GET.get("baseline"):
        baseline = _period(request.GET["baseline"], "baseline")
        if period is not None and baseline.start >= period.end:
            raise Http404("the baseline starts after the period ends")
    context: dict[str, Any] = {
        "period": period.label if period else "",
        "baseline": baseline.label if baseline else "",
        "period_choices": period_choices(available) if available else [],
        "report": None,
        "unavailable": "",
    }
    cards = store.load_scorecards(period.label) if period else []
    if not cards:
        return render(request, "insights/evaluation.html", context)
    try:
        report = effect_report(period, baseline, cards)
    except EvaluationUnavailable as e:
        context["unavailable"] = str(e)
        return render(request, "insights/evaluation.html", context)
    from frontdesk.usecases.evaluation import scheme_dimensions

    report = with_acceptance(report, period, cards[0].cycle)
    _, dimension_names = scheme_dimensions(_workspace(), cards)
    zh = (get_language() or "en").startswith("zh")
    context.update(report_context(report, zh, dimension_names))
    return render(request, "insights/evaluation.html", context)


def report_context(
    report: EffectReport, zh: bool, dimension_names: dict[str, tuple[str, str]] | None = None
) -> dict[str, Any]:
    """What the template shows of ``report``: rows of plain values and readings in one language;
    dimensions named as the scheme names them (``dimension_names``), else by the catalogue."""

    def pick(en: str, z: str) -> str:
        return z if zh else en

    def name(pair: tuple[str, str]) -> str:
        return pick(*pair)

    teams = {t.team_id: t.display_name for t in Team.objects.all()}
    sites = {s.site_id: s.display_name for s in Site.objects.all()}
    v = report.validity
    correlations = [
        {
            "subject": name(subject_labels(c.subject, dimension_names)),
            "outcome": name(OUTCOME_NAMES.get(c.outcome, (c.outcome, c.outcome))),
            "c": c,
            "reading": c.reading("zh" if zh else "en"),
        }
        for c in v.correlations
    ]
    before = None
    if report.validity_before is not None:
        vb = report.validity_before
        before = {
            "validity": vb,
            "note": pick(vb.note_en, vb.note_zh),
            "rows": [
                {
                    "subject": name(subject_labels(c.subject, dimension_names)),
                    "outcome": name(OUTCOME_NAMES.get(c.outcome, (c.outcome, c.outcome))),
                    "c": c,
                    "now": v.get(c.subject, c.outcome),
                    "reading": c.reading("zh" if zh else "en"),
                }
                for c in vb.correlations
            ],
        }
    ba = report.before_after
    before_after = None
    if ba is not None:
        before_after = {
            "ba": ba,
            "warning": pick(ba.warning_en, ba.warning_zh),
            "rows": [
                {
                    "measure": MEASURES.get(ch.code, ch.code),
                    "ch": ch,
                    "reading": ch.reading("zh" if zh else "en"),
                }
                for ch in ba.changes
            ],
        }

    def group_name(grouping: str, group: str) -> str:
        if grouping == "team":
            return teams.get(group, group)
        if grouping == "site":
            return sites.get(group, group)
        code = f"effect.{grouping}.{group}"  # channels and shifts: named in the analysis catalogue
        return render_reading(code, lang="zh" if zh else "en") if code in CATALOGUE["en"] else group

    fairness = [
        {
            "grouping": GROUPINGS.get(f.grouping, f.grouping),
            "code": f.grouping,
            "f": f,
            "reading": pick(f.reading_en, f.reading_zh),
            "rows": [
                {"name": group_name(f.grouping, g.group), "g": g, "reading": pick(g.reading_en, g.reading_zh)}
                for g in f.groups
            ],
        }
        for f in report.fairness
    ]

    def rater_group(source: str, group: str) -> str:
        names = RELATION_NAMES if source == "ratings_360" else METHOD_NAMES
        return name(names.get(group, (group, group)))

    raters = [
        {
            "source": SOURCES.get(g.source, g.source),
            "group": rater_group(g.source, g.group),
            "g": g,
            "with_offset": len(g.offsets),
            "reading": pick(g.reading_en, g.reading_zh),
        }
        for g in report.raters.groups
    ]
    accepted = [
        {
            "team": teams.get(r.team_id, r.team_id) if r.team_id else None,
            "r": r,
            "reading": pick(r.reading_en, r.reading_zh),
        }
        for r in report.acceptance or ()
    ]
    return {
        "report": report,
        "validity_note": pick(v.note_en, v.note_zh),
        "correlations": correlations,
        "validity_before": before,
        "before_after": before_after,
        "before_after_note": pick(report.before_after_note_en, report.before_after_note_zh),
        "fairness_note": pick(*FAIRNESS_NOTE),
        "fairness": fairness,
        "raters_note": pick(report.raters.note_en, report.raters.note_zh),
        "raters": raters,
        "acceptance": accepted,
    }
