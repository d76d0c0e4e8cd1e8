"""Pages: the appeals one may read, filing one, one appeal (with its decision form and history),
the audit log and the statistics per team. Who may do what is asked of ``web.permissions``;
an appeal or indicator result the user may not touch is a 404, like one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from frontdesk.web.appeals import workflow
from frontdesk.web.appeals.forms import AppealForm, DecisionForm
from frontdesk.web.appeals.models import Appeal, AppealStatus
from frontdesk.web.appeals.rescoring import RescoreError
from frontdesk.web.appeals.scheme_in_force import indicator_rule
from frontdesk.web.appeals.statistics import team_statistics
from frontdesk.web.appeals.window import deadline_of
from frontdesk.web.appeals.workflow import AppealError
from frontdesk.web.appraisal import store
from frontdesk.web.appraisal.indicator_names import indicator_label
from frontdesk.web.appraisal.lifecycle import CycleClosed
from frontdesk.web.appraisal.models import IndicatorRecord
from frontdesk.web.permissions import (
    appeals_to_decide,
    can_decide_appeal,
    can_file_appeal,
    may_view_appeal_statistics,
    visible_appeals,
    visible_audit_entries,
    visible_runs,
    visible_teams,
)

PAGE_SIZE = 200

# The pages' words for each refusal of ``workflow`` (its ``AppealError.code``).
REFUSALS = {
    "window_closed": gettext_lazy("The appeal window has closed."),
    "no_reason": gettext_lazy("An appeal needs a reason."),
    "already_appealed": gettext_lazy("This result has already been appealed."),
    "bad_decision": gettext_lazy("Choose a decision and write a comment."),
    "not_open": gettext_lazy("This appeal has already been decided."),
    "not_in_review": gettext_lazy("Appeals are decided while the cycle is in review or published."),
    "superseded": gettext_lazy("The cycle was recomputed after this appeal: the result no longer stands."),
    "no_comment": gettext_lazy("Choose a decision and write a comment."),
    "needs_value": gettext_lazy("Give the adjusted value."),
}


def _appeals(user) -> object:
    return visible_appeals(user).select_related(
        "agent__team__site", "agent__site", "decided_by", "indicator__scorecard__run__cycle"
    )


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    """The appeals the user may read, open ones first; ``?status=`` filters."""
    appeals = _appeals(request.user)
    status = request.GET.get("status", "")
    if status:
        if status not in AppealStatus.values:
            raise Http404("no such status")
        appeals = appeals.filter(status=status)
    appeals = list(appeals[:PAGE_SIZE])
    appeals.sort(key=lambda a: (not a.is_open, -a.filed_at.timestamp()))
    decidable = set(
        appeals_to_decide(request.user).filter(pk__in=[a.pk for a in appeals]).values_list("pk", flat=True)
    )
    rows = [(a, indicator_label(a.indicator.code), a.pk in decidable) for a in appeals]
    return render(
        request,
        "appeals/appeal_list.html",
        {"rows": rows, "status": status, "statuses": AppealStatus.choices},
    )


def _own_indicator(request: HttpRequest, indicator_id: int) -> IndicatorRecord:
    indicator = get_object_or_404(
        IndicatorRecord.objects.select_related("scorecard__run__cycle", "scorecard__agent__team__site"),
        pk=indicator_id,
    )
    if not can_file_appeal(request.user, indicator):
        raise Http404("not an indicator result this user may appeal")
    return indicator


@login_required
def file_appeal(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """The form to appeal one indicator result of one's own scorecard while its cycle is in review."""
    indicator = _own_indicator(request, indicator_id)
    existing = Appeal.objects.filter(indicator=indicator).first()
    if existing is not None:
        return redirect("appeals:detail", appeal_id=existing.pk)
    cycle = indicator.scorecard.run.cycle
    deadline = deadline_of(cycle)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = workflow.file_appeal(
                request.user,
                indicator,
                reason=form.cleaned_data["reason"],
                proposed_value=form.cleaned_data["proposed_value"],
                evidence=form.cleaned_data["evidence"],
            )
        except CycleClosed:
            messages.error(request, _("This cycle is closed: it no longer takes appeals."))
        except AppealError as e:
            messages.error(request, REFUSALS[e.code])
        else:
            messages.success(request, _("Your appeal has been filed."))
            return redirect("appeals:detail", appeal_id=appeal.pk)
    return render(
        request,
        "appeals/appeal_form.html",
        {
            "form": form,
            "indicator": indicator,
            "label": indicator_label(indicator.code),
            "cycle": cycle,
            "deadline": deadline,
            "window_open": deadline is not None and timezone.now() <= deadline,
        },
    )


@login_required
def appeal_detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """One appeal, its decision (or the form to make it) and its entries in the audit log."""
    appeal = get_object_or_404(_appeals(request.user), pk=appeal_id)
    may_decide = appeal.is_open and can_decide_appeal(request.user, appeal)
    entries = appeal.audit_entries.select_related("by").order_by("at", "id")
    return render(
        request,
        "appeals/appeal_detail.html",
        {
            "appeal": appeal,
            "label": indicator_label(appeal.indicator.code),
            "adjustment": getattr(appeal, "adjustment", None) if not appeal.is_open else None,
            "entries": entries,
            "form": DecisionForm() if may_decide else None,
        },
    )


@require_POST
@login_required
def decide_appeal(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """Accept, partly accept or reject an appeal; back to the appeal with a message."""
    appeal = get_object_or_404(_appeals(request.user), pk=appeal_id)
    if not can_decide_appeal(request.user, appeal):
        raise PermissionDenied("only the agent's lead, HR / a director or an administrator decides appeals")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and write a comment."))
        return redirect("appeals:detail", appeal_id=appeal.pk)
    rule, better = indicator_rule(appeal.indicator.code)
    try:
        workflow.decide_appeal(
            request.user,
            appeal,
            form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            adjusted_value=form.cleaned_data["adjusted_value"],
            rule=rule,
            better=better,
        )
    except CycleClosed:
        messages.error(request, _("This cycle is closed: its appeals can no longer be decided."))
    except RescoreError:
        messages.error(request, _("This indicator's result cannot be rescored from what is stored."))
    except AppealError as e:
        messages.error(request, REFUSALS[e.code])
    else:
        messages.success(request, _("The appeal has been decided."))
    return redirect("appeals:detail", appeal_id=appeal.pk)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log: all of it for administrators, HR / directors and auditors; otherwise the
    entries about the appeals the user may read."""
    entries = visible_audit_entries(request.user).select_related(
        "by", "appeal__agent__team__site", "appeal__agent__site"
    )[:PAGE_SIZE]
    return render(request, "appeals/audit_log.html", {"entries": entries})


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Appeals per team for one period: rate, outcomes, median time to decide."""
    if not may_view_appeal_statistics(request.user):
        raise PermissionDenied("appeal statistics are for leads, HR / directors, administrators and auditors")
    available = store.newest_first(visible_runs(request.user).values_list("cycle__period", flat=True))
    period = request.GET.get("period") or (available[0] if available else "")
    if request.GET.get("period") and period not in available:
        raise Http404("no results for this period")
    rows = team_statistics(visible_teams(request.user), period) if period else []
    return render(
        request,
        "appeals/statistics.html",
        {
            "rows": rows,
            "period": period,
            "periods": available,
            "statistics_url": reverse("appeals:statistics"),
        },
    )
