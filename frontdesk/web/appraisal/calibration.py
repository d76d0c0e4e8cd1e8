"""Calibrating the scheme on the web (MISSION S1, O1): HR / directors propose targets and floors
from the organisation's own values in a period, see what would change and how the grades would
move, and publish the proposal as the new version of the scheme in force.

The same use cases as ``frontdesk scheme calibrate`` and ``frontdesk scheme publish``
(``frontdesk.usecases.calibration``; the rule: docs/schemes.md, "Calibrating targets").

Rules:
- only administrators and HR / directors (``may_change_scheme``) open the page or publish; others
  get 403, as for changing a cycle's state;
- a proposal is computed from the query string (GET), so it can be bookmarked and is never
  stored; publishing (POST) computes it again and refuses when the result differs from the version
  the person saw (data imported in between), asking them to look again;
- publishing keeps the replaced version in ``schemes/history/`` with who, when and why; results
  already computed keep the version they were computed with.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.scoring.calibration import CALIBRATED, MIN_AGENTS, TOO_FEW_AGENTS, Calibration
from frontdesk.usecases.errors import InputError
from frontdesk.web.permissions import may_change_scheme
from frontdesk.web.workspace import served_workspace

DEFAULT_TARGET_PCT, DEFAULT_FLOOR_PCT = 75.0, 10.0
LOWEST_SHARE_HINT = 0.2  # above this share in the lowest grade, the page suggests gentler percentiles


@dataclass
class Change:
    """One indicator of the proposal, as the page lists it."""

    code: str
    name: str
    unit: str
    old_target: float | None
    new_target: float | None
    old_floor: float | None
    new_floor: float | None
    agents: int


@dataclass
class GradeRow:
    """How many agents take each grade under one scheme (counts and shares, best grade first)."""

    label: str
    version_id: str
    cells: list[tuple[str, int, float]]  # grade, agents, percent


def _name(code: str) -> str:
    found = builtin_catalog().get(code)
    return found.name(get_language() or "zh") if found is not None else code


def _change(c: Calibration) -> Change:
    return Change(
        c.code, _name(c.code), c.unit, c.old_target, c.new_target, c.old_floor, c.new_floor, c.agents
    )


def _grade_row(label: str, version_id: str, counts: dict[str, int]) -> GradeRow:
    total = sum(counts.values()) or 1
    return GradeRow(label, version_id, [(g, n, 100.0 * n / total) for g, n in counts.items()])


def _lowest_share(counts: dict[str, int]) -> float:
    """The share of agents in the lowest grade (the last of ``counts``; ungraded ones left out)."""
    graded = {g: n for g, n in counts.items() if g != "-"}
    total = sum(graded.values())
    return graded[next(reversed(graded))] / total if total else 0.0


def _percent(request: HttpRequest, key: str, default: float) -> float:
    raw = (request.POST if request.method == "POST" else request.GET).get(key, "")
    try:
        return float(raw) if raw.strip() else default
    except ValueError:
        return default  # the use case names a value out of range; a non-number falls back


def _period_choices(ws) -> list[str]:
    from frontdesk.usecases.scorecards import periods_with_data, whole_periods

    return [p.label for p in reversed(whole_periods(periods_with_data(ws)))]


@login_required
def calibrate_page(request: HttpRequest) -> HttpResponse:
    """Propose (GET with ``period``), review the changes and the grades before and after, and
    publish (POST)."""
    if not may_change_scheme(request.user):
        raise PermissionDenied("only administrators and HR / directors calibrate the scheme")
    from frontdesk.usecases.calibration import calibrate_scheme, publish_scheme

    ws = served_workspace()
    context: dict = {"workspace": ws is not None}
    if ws is None:
        return render(request, "appraisal/calibrate.html", context)
    source = request.POST if request.method == "POST" else request.GET
    period = source.get("period", "").strip()
    target_pct = _percent(request, "target_pct", DEFAULT_TARGET_PCT)
    floor_pct = _percent(request, "floor_pct", DEFAULT_FLOOR_PCT)
    choices = _period_choices(ws)
    context.update(
        periods=choices, period=period or (choices[0] if choices else ""), target_pct=target_pct,
        floor_pct=floor_pct, min_agents=MIN_AGENTS,
    )  # fmt: skip
    if not period:
        if request.method == "POST":
            context["error"] = _("Choose the period whose values set the targets.")
            return render(request, "appraisal/calibrate.html", context, status=400)
        return render(request, "appraisal/calibrate.html", context)
    try:
        run = calibrate_scheme(ws, period, None, target_pct, floor_pct)
    except InputError as e:
        context["error"] = str(e)
        return render(request, "appraisal/calibrate.html", context, status=400)
    if request.method == "POST":
        query = urlencode({"period": period, "target_pct": f"{target_pct:g}", "floor_pct": f"{floor_pct:g}"})
        if request.POST.get("version") != run.new.version_id:
            messages.error(
                request, _("The data changed since you saw this proposal: please review it again.")
            )
            return redirect(f"{reverse('scheme_calibrate')}?{query}")
        try:
            done = publish_scheme(
                ws, run.text, by=request.user.get_username(), note=request.POST.get("note", "")
            )
        except InputError as e:
            messages.error(request, str(e))
            return redirect(f"{reverse('scheme_calibrate')}?{query}")
        messages.success(
            request,
            _("%(version)s is now the scheme in force; the next computation uses it.")
            % {"version": done.version_id},
        )
        return redirect("scheme")
    context.update(
        run=run,
        changes=[_change(c) for c in run.calibrations if c.changed],
        unchanged=[_name(c.code) for c in run.calibrations if c.status == CALIBRATED and not c.changed],
        too_few=[(_name(c.code), c.agents) for c in run.calibrations if c.status == TOO_FEW_AGENTS],
        grades=[
            _grade_row(_("In force"), run.old.version_id, run.before),
            _grade_row(_("Proposed"), run.new.version_id, run.after),
        ],
        lowest_heavy=_lowest_share(run.after) > LOWEST_SHARE_HINT,
        lowest_grade=next(reversed(run.after), ""),
    )
    return render(request, "appraisal/calibrate.html", context)
