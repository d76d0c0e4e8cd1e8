"""The published scheme (MISSION Q3, transparency): the page every signed-in person may read, its
raw YAML, the "I have read this" acknowledgement and, for HR / directors, who has acknowledged.

Rules:
- every signed-in user reads the scheme in force and its YAML (it holds no one's results), and
  may acknowledge it; anonymous users are sent to sign in;
- an acknowledgement is for one ``Scheme.version_id`` (declared version plus content hash): an
  edited or new scheme needs a new one. The form carries the version the reader saw; when the
  scheme changed in between, nothing is recorded and the reader is asked to read it again;
- the acknowledgement rate (per team: which active agents have acknowledged the current version)
  is for administrators and HR / directors only (``may_view_acknowledgements``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.indicators.catalog import builtin_catalog
from frontdesk.scoring.scheme import Scheme
from frontdesk.web.accounts.models import Role, role_of
from frontdesk.web.appeals.scheme_in_force import scheme as _scheme_in_force
from frontdesk.web.appraisal.models import Agent, CycleKind, SchemeAcknowledgement, Team
from frontdesk.web.appraisal.timezones import zone_of_user
from frontdesk.web.permissions import may_change_scheme

SEES_ACKNOWLEDGEMENTS = {Role.ADMIN.value, Role.DIRECTOR.value}

CURVES = {
    "linear": gettext_lazy("linear between floor and target"),
    "steps": gettext_lazy("in steps"),
    "percentile": gettext_lazy("by percentile among peers"),
}
BETTER = {"higher": gettext_lazy("higher is better"), "lower": gettext_lazy("lower is better")}


def may_view_acknowledgements(user: object) -> bool:
    """Whether ``user`` sees who has acknowledged the scheme (administrators, HR / directors)."""
    return role_of(user) in SEES_ACKNOWLEDGEMENTS


def scheme_in_force() -> Scheme | None:
    """The workspace's scheme (the built-in default without a workspace); None when unreadable."""
    return _scheme_in_force()


def acknowledged_at(user: object, scheme: Scheme | None) -> datetime | None:
    """When ``user`` acknowledged this version of the scheme, or None."""
    if scheme is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        SchemeAcknowledgement.objects.filter(user=user, scheme_version=scheme.version_id)
        .values_list("acknowledged_at", flat=True)
        .first()
    )


# What the page shows ------------------------------------------------------------------------------


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


def _cycle_labels(cycles) -> list[str]:
    return [str(CycleKind(c).label) if c in CycleKind.values else c for c in cycles]


@dataclass
class IndicatorRow:
    code: str
    name: str
    description: str
    unit: str
    better: str
    weight: float
    target: float | None
    floor: float | None
    curve: str
    cycles: list[str]


@dataclass
class DimensionRow:
    code: str
    name: str
    weight: float
    indicators: list[IndicatorRow]


def _indicator_name(code: str) -> str:
    found = builtin_catalog().get(code)
    return found.name(get_language() or "zh") if found is not None else code


def _description(indicator, zh: bool) -> str:
    if indicator is None:
        return ""
    own = indicator.description_zh if zh else indicator.description_en
    return own or indicator.description_en or indicator.description_zh


def _dimensions(scheme: Scheme) -> list[DimensionRow]:
    catalog = builtin_catalog()
    zh = _zh()
    rows = []
    for d in scheme.dimensions:
        indicators = []
        for i in d.indicators:
            c = catalog.get(i.code)
            indicators.append(
                IndicatorRow(
                    code=i.code,
                    name=_indicator_name(i.code),
                    description=_description(c, zh),
                    unit="" if c is None else c.unit,
                    better=str(BETTER.get(c.better, "")) if c is not None else "",
                    weight=i.weight,
                    target=i.target,
                    floor=i.floor,
                    curve=str(CURVES.get(i.curve, i.curve)),
                    cycles=_cycle_labels(scheme.cycles_of(d, i)),
                )
            )
        rows.append(
            DimensionRow(
                code=d.code,
                name=(d.name_zh if zh else d.name_en) or d.name_en or d.name_zh or d.code,
                weight=d.weight,
                indicators=indicators,
            )
        )
    return rows


@dataclass
class TeamAcknowledgements:
    team: Team | None
    acknowledged: list[tuple[Agent, datetime]] = field(default_factory=list)
    pending: list[Agent] = field(default_factory=list)  # not yet, or no login to acknowledge with

    @property
    def total(self) -> int:
        return len(self.acknowledged) + len(self.pending)

    @property
    def rate(self) -> float | None:
        return 100.0 * len(self.acknowledged) / self.total if self.total else None


@dataclass
class AcknowledgementRate:
    teams: list[TeamAcknowledgements]
    acknowledged: int
    total: int

    @property
    def rate(self) -> float | None:
        return 100.0 * self.acknowledged / self.total if self.total else None


def acknowledgement_rate(scheme: Scheme) -> AcknowledgementRate:
    """Per team (by agent id within), which active agents have acknowledged this scheme version;
    an agent without a login counts as not acknowledged."""
    when = dict(
        SchemeAcknowledgement.objects.filter(scheme_version=scheme.version_id).values_list(
            "user_id", "acknowledged_at"
        )
    )
    by_team: dict[str | None, TeamAcknowledgements] = {}
    for agent in (
        Agent.objects.filter(active=True).select_related("team__site", "site").order_by("team_id", "agent_id")
    ):
        row = by_team.setdefault(agent.team_id, TeamAcknowledgements(agent.team))
        if agent.user_id is not None and agent.user_id in when:
            row.acknowledged.append((agent, when[agent.user_id]))
        else:
            row.pending.append(agent)
    teams = sorted(by_team.values(), key=lambda t: (t.team is None, t.team.pk if t.team else ""))
    done = sum(len(t.acknowledged) for t in teams)
    return AcknowledgementRate(teams=teams, acknowledged=done, total=sum(t.total for t in teams))


# Views --------------------------------------------------------------------------------------------


@login_required
def scheme_page(request: HttpRequest) -> HttpResponse:
    """The scheme in force: dimensions, indicators, grades, critical failures, its version, when the
    reader acknowledged it and, for HR / directors, who has."""
    scheme = scheme_in_force()
    context: dict = {"scheme": scheme}
    if scheme is not None:
        zh = _zh()
        context.update(
            scheme_name=(scheme.name_zh if zh else scheme.name_en) or scheme.name_en or scheme.scheme_id,
            dimensions=_dimensions(scheme),
            grades=[
                (g, (g.name_zh if zh else g.name_en) or g.name_en or g.code)
                for g in sorted(scheme.grades, key=lambda g: -g.min_total)
            ],
            critical=[(r, _indicator_name(r.indicator)) for r in scheme.critical],
            bonus=[(b, _indicator_name(b.indicator)) for b in scheme.bonus_items],
            cycle_label=_cycle_labels([scheme.cycle])[0],
            acknowledged_at=acknowledged_at(request.user, scheme),
            zone=zone_of_user(request.user),
        )
        if may_view_acknowledgements(request.user):
            context["rate"] = acknowledgement_rate(scheme)
        context["may_calibrate"] = may_change_scheme(request.user)
    return render(request, "appraisal/scheme.html", context)


@login_required
def scheme_yaml(request: HttpRequest) -> HttpResponse:
    """The scheme in force exactly as written (YAML, UTF-8), shown in the browser."""
    scheme = scheme_in_force()
    if scheme is None:
        raise Http404("the scheme in force cannot be read")
    response = HttpResponse(scheme.source_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{scheme.scheme_id}-{scheme.version}.yaml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def acknowledge(request: HttpRequest) -> HttpResponse:
    """Record that the user has read the version of the scheme they were shown (``version``)."""
    scheme = scheme_in_force()
    if scheme is None:
        raise Http404("the scheme in force cannot be read")
    if request.POST.get("version") != scheme.version_id:
        messages.error(request, _("The scheme has changed since you opened it: please read it again."))
        return redirect("scheme")
    _ack, created = SchemeAcknowledgement.objects.get_or_create(
        user=request.user, scheme_version=scheme.version_id
    )
    if created:
        messages.success(request, _("Thank you: your acknowledgement of this scheme is recorded."))
    return redirect("scheme")
