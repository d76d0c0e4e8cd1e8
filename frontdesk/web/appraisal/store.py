"""The bridge between the engine and the web application's database: what the use cases call (through ``frontdesk/web/bridge.py``).

Call ``frontdesk.web.setup(workspace)`` once before importing this module. Every function works in
a few batched queries, never one per agent or indicator.

Cycles: ``save_scorecards`` adds a run and makes the cycle computed; ``transition`` moves it on
(computed → in_review → published → closed, or in_review → computed); ``cycle_state`` reads it.
A closed cycle refuses both with ``CycleClosed``, whose message is one line naming the period.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from frontdesk.indicators.periods import CYCLES, parse_period
from frontdesk.scoring.ratings360 import Ratings360
from frontdesk.scoring.scorecard import IndicatorResult, Scorecard
from frontdesk.web.accounts.models import Profile, Role
from frontdesk.web.appraisal.indicator_names import register_indicator_names
from frontdesk.web.appraisal.lifecycle import (
    CycleClosed,
    CycleError,
    CycleState,
    InvalidTransition,
    allowed_targets,
    closed_message,
)
from frontdesk.web.appraisal.models import (
    Agent,
    Cycle,
    IndicatorRecord,
    ScorecardRecord,
    ScorecardRun,
    Site,
    Team,
)
from frontdesk.web.appraisal.signals import run_recomputed
from frontdesk.web.permissions import may_change_cycle_state

__all__ = [
    "CycleClosed",
    "CycleError",
    "InvalidTransition",
    "create_demo_users",
    "cycle_state",
    "latest_period",
    "load_scorecards",
    "newest_first",
    "open_cycle",
    "periods",
    "register_indicator_names",
    "save_scorecards",
    "sync_organisation",
    "transition",
]

DEMO_USERNAMES = ("director", "lead", "agent")


def _text(value: Any) -> str:
    """A canonical text column as a model field wants it: None and NaN become empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _ref(value: Any) -> str | None:
    """A foreign-key id: empty means none."""
    return _text(value) or None


def _date(value: Any) -> date | None:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "date") and callable(value.date):  # datetime or pandas Timestamp
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def sync_organisation(sites: list[dict], teams: list[dict], agents: list[dict]) -> None:
    """Insert or update sites, teams and agents (dict keys = the canonical table columns).

    Nothing is deleted: an agent who left stays, with ``active`` false, so old scorecards keep
    their owner. Unknown keys are ignored; a missing ``active`` means active.
    """
    site_rows = [
        Site(
            site_id=_text(s["site_id"]),
            name=_text(s.get("name")),
            name_zh=_text(s.get("name_zh")),
            city=_text(s.get("city")),
            timezone=_text(s.get("timezone")),
        )
        for s in sites
    ]
    team_rows = [
        Team(
            team_id=_text(t["team_id"]),
            name=_text(t.get("name")),
            name_zh=_text(t.get("name_zh")),
            parent_id=_ref(t.get("parent_id")),
            site_id=_ref(t.get("site_id")),
            timezone=_text(t.get("timezone")),
            calendar_id=_text(t.get("calendar_id")),
        )
        for t in teams
    ]
    agent_rows = [
        Agent(
            agent_id=_text(a["agent_id"]),
            name=_text(a.get("name")),
            name_zh=_text(a.get("name_zh")),
            team_id=_ref(a.get("team_id")),
            site_id=_ref(a.get("site_id")),
            hire_date=_date(a.get("hire_date")),
            role=_text(a.get("role")),
            active=True if a.get("active") is None else bool(a.get("active")),
        )
        for a in agents
    ]
    # A roster may list someone twice (an export of a transfer); the last row wins, as in a file.
    site_rows, team_rows, agent_rows = (
        _last_per_key(site_rows),
        _last_per_key(team_rows),
        _last_per_key(agent_rows),
    )
    with transaction.atomic():
        _check_references("teams", "site_id", [t.site_id for t in team_rows], Site, site_rows)
        _check_references("teams", "parent_id", [t.parent_id for t in team_rows], Team, team_rows)
        _check_references("agents", "team_id", [a.team_id for a in agent_rows], Team, team_rows)
        _check_references("agents", "site_id", [a.site_id for a in agent_rows], Site, site_rows)
        _upsert(Site, site_rows, ["site_id"], ["name", "name_zh", "city", "timezone"])
        _upsert(
            Team, team_rows, ["team_id"], ["name", "name_zh", "parent", "site", "timezone", "calendar_id"]
        )
        _upsert(
            Agent,
            agent_rows,
            ["agent_id"],
            ["name", "name_zh", "team", "site", "hire_date", "role", "active"],
        )


def _last_per_key(rows: list) -> list:
    return list({row.pk: row for row in rows}.values())


def _check_references(table: str, column: str, ids: list[str | None], model: type, new_rows: list) -> None:
    """``ValueError`` naming the first row whose ``column`` points at an id neither given nor stored."""
    wanted = {i for i in ids if i}
    known = {row.pk for row in new_rows}
    known |= set(model.objects.filter(pk__in=wanted - known).values_list("pk", flat=True))
    for row_number, i in enumerate(ids, start=1):
        if i and i not in known:
            raise ValueError(
                f"{table} row {row_number}: {column} {i!r} is not a known {model._meta.model_name}"
            )


def _upsert(model: type, rows: list, keys: list[str], fields: list[str]) -> None:
    if rows:
        model.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=keys, update_fields=fields, batch_size=500
        )


def _ensure_referenced(cards: list[Scorecard]) -> None:
    """Create bare sites, teams and agents for ids a scorecard names but the organisation lacks."""
    site_ids = {c.site_id for c in cards if c.site_id}
    team_ids = {c.team_id for c in cards if c.team_id}
    site_ids -= set(Site.objects.filter(site_id__in=site_ids).values_list("site_id", flat=True))
    team_ids -= set(Team.objects.filter(team_id__in=team_ids).values_list("team_id", flat=True))
    known_agents = set(
        Agent.objects.filter(agent_id__in=[c.agent_id for c in cards]).values_list("agent_id", flat=True)
    )
    Site.objects.bulk_create([Site(site_id=s) for s in sorted(site_ids)], ignore_conflicts=True)
    Team.objects.bulk_create([Team(team_id=t) for t in sorted(team_ids)], ignore_conflicts=True)
    Agent.objects.bulk_create(
        [
            Agent(
                agent_id=c.agent_id,
                name=c.name,
                name_zh=c.name_zh or "",
                team_id=c.team_id or None,
                site_id=c.site_id or None,
            )
            for c in cards
            if c.agent_id not in known_agents
        ],
        ignore_conflicts=True,
        batch_size=500,
    )


def _cycle_kind(cycle: str) -> str:
    if cycle not in CYCLES:
        raise ValueError(f"cycle {cycle!r} is not one of {', '.join(CYCLES)}")
    return cycle


def _locked_cycle(label: str, kind: str) -> Cycle | None:
    """The cycle, its row locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    return Cycle.objects.select_for_update().filter(period=label, kind=kind).first()


def save_scorecards(
    cards: list[Scorecard], *, period: str, cycle: str, scheme_version: str, by_user: Any = None
) -> int:
    """Store ``cards`` as a new run of ``period`` and ``cycle``, atomically, and return its number.

    The new run becomes the current one; earlier runs stay, superseded, for the audit trail. The
    cycle is created if needed and becomes ``computed`` (from draft, computed, in review or
    published: new numbers are reviewed again). ``CycleClosed`` when the cycle is closed.
    Agents, teams and sites the cards name but ``sync_organisation`` never saw are created bare,
    so a computation is never lost for want of a roster row.
    """
    kind = _cycle_kind(cycle)
    label = parse_period(period).label
    with transaction.atomic():
        owner = _locked_cycle(label, kind)
        if owner is not None and owner.is_closed:
            raise CycleClosed(closed_message(label, kind))
        number, previous = 1, None
        if owner is None:
            owner = Cycle(period=label, kind=kind)
        else:
            number += owner.runs.aggregate(last=Max("number"))["last"] or 0
            previous = owner.runs.filter(superseded=False).first()
            owner.runs.filter(superseded=False).update(superseded=True)
        if owner.pk is None or owner.state != CycleState.COMPUTED:
            owner.state = CycleState.COMPUTED
            owner.save(changed_by=by_user, run_number=number)
        _ensure_referenced(cards)
        run = ScorecardRun.objects.create(cycle=owner, number=number, scheme_version=scheme_version)
        ScorecardRecord.objects.bulk_create(
            [
                ScorecardRecord(
                    run=run,
                    agent_id=c.agent_id,
                    team_id=c.team_id or None,
                    site_id=c.site_id or None,
                    total=c.total,
                    grade=c.grade,
                    rank_team=c.rank_team,
                    rank_org=c.rank_org,
                    flags=list(c.flags),
                    explanation=_card_explanation(c),
                )
                for c in cards
            ],
            batch_size=500,
        )
        # Read the ids back instead of trusting bulk_create to set them: one query on every backend.
        ids = dict(ScorecardRecord.objects.filter(run=run).values_list("agent_id", "id"))
        IndicatorRecord.objects.bulk_create(
            [
                IndicatorRecord(
                    scorecard_id=ids[c.agent_id],
                    position=position,
                    code=code,
                    value=r.value,
                    n=r.n,
                    score=r.score,
                    weight=r.weight,
                    target=r.target,
                    floor=r.floor,
                    flags=list(r.flags),
                    explanation={k: getattr(r, k) for k in INDICATOR_EXPLANATION},
                )
                for c in cards
                for position, (code, r) in enumerate(c.indicators.items())
            ],
            batch_size=1000,
        )
        if previous is not None:  # the appeals of the superseded run follow (appeals/signals.py)
            run_recomputed.send(sender=ScorecardRun, previous=previous, run=run, by_user=by_user)
    return number


# Explanation fields of the engine's dataclasses kept as JSON beside the columns.
CARD_EXPLANATION = ("rank_site", "bonus_points", "capped_by", "process_share")
INDICATOR_EXPLANATION = ("curve", "raw_value", "peer_mean", "contribution", "kind", "statistic")


def _card_explanation(card: Scorecard) -> dict[str, Any]:
    """The card's explanation fields, plus its 360 block (docs/multi-rater.md) when it has one."""
    out: dict[str, Any] = {k: getattr(card, k) for k in CARD_EXPLANATION}
    if card.ratings_360 is not None:
        out["ratings_360"] = card.ratings_360.to_json()
    return out


def current_run(period: str, cycle: str | None) -> ScorecardRun | None:
    """The current run of ``period`` (a label such as ``2026-10``; any cycle unless one is given),
    with its cycle; None when nothing was computed for it."""
    return _current_run(period, cycle)


def _current_run(period: str, cycle: str | None) -> ScorecardRun | None:
    runs = ScorecardRun.objects.filter(cycle__period=period, superseded=False).select_related("cycle")
    if cycle is not None:
        runs = runs.filter(cycle__kind=cycle)
    return runs.order_by("-computed_at").first()


def load_scorecards(period: str, cycle: str | None = None) -> list[Scorecard]:
    """The current run's scorecards of ``period`` (any cycle unless one is given), ordered by
    ``rank_org`` (unranked last, then by agent id). An empty list when nothing was computed for it.
    Whatever the cycle's state: the command line is the operator's view."""
    run = _current_run(parse_period(period).label, cycle)
    if run is None:
        return []
    records = list(ScorecardRecord.objects.filter(run=run).select_related("agent"))
    indicators = IndicatorRecord.objects.filter(scorecard__run=run).order_by("scorecard_id", "position")
    return scorecards_of(run, records, indicators)


def scorecards_of(
    run: ScorecardRun, records: list[ScorecardRecord], indicators: Iterable[IndicatorRecord]
) -> list[Scorecard]:
    """The engine's ``Scorecard`` of each of ``run``'s ``records`` (with their agents loaded), with
    those of ``indicators`` that belong to them, in ``indicators``' order."""
    results: dict[int, dict[str, IndicatorResult]] = {r.pk: {} for r in records}
    for i in indicators:
        if i.scorecard_id not in results:
            continue
        results[i.scorecard_id][i.code] = IndicatorResult(
            code=i.code,
            value=i.value,
            n=i.n,
            score=i.score,
            weight=i.weight,
            target=i.target,
            floor=i.floor,
            flags=list(i.flags),
            **{k: v for k, v in (i.explanation or {}).items() if k in INDICATOR_EXPLANATION},
        )
    return [
        Scorecard(
            agent_id=r.agent_id,
            name=r.agent.name,
            name_zh=r.agent.name_zh or None,
            team_id=r.team_id or "",
            site_id=r.site_id,
            period=run.cycle.period,
            cycle=run.cycle.kind,
            scheme_version=run.scheme_version,
            total=r.total,
            grade=r.grade,
            rank_team=r.rank_team,
            rank_org=r.rank_org,
            flags=list(r.flags),
            indicators=results[r.pk],
            ratings_360=Ratings360.from_json((r.explanation or {}).get("ratings_360")),
            **{k: v for k, v in (r.explanation or {}).items() if k in CARD_EXPLANATION},
        )
        for r in records
    ]


def cycle_state(period: str, cycle: str) -> str | None:
    """The state of the cycle of ``period`` and ``cycle`` (``"computed"``, …); None when it was
    neither opened nor computed."""
    label = parse_period(period).label
    return Cycle.objects.filter(period=label, kind=_cycle_kind(cycle)).values_list("state", flat=True).first()


def open_cycle(period: str, cycle: str) -> str:
    """Create the cycle of ``period`` and ``cycle`` as a draft if it does not exist; its state."""
    cycle_row, _ = Cycle.objects.get_or_create(period=parse_period(period).label, kind=_cycle_kind(cycle))
    return cycle_row.state


def transition(period: str, cycle: str, to_state: str, *, by_user: Any = None, note: str = "") -> str:
    """Move the cycle of ``period`` and ``cycle`` to ``to_state``, recording who (``by_user``;
    None for the command line), when, from and to. Returns the new state.

    ``InvalidTransition`` (naming the allowed targets) when ``to_state`` may not follow the current
    state or the cycle does not exist; ``CycleClosed`` when it is closed; ``PermissionDenied``
    when ``by_user``'s role may not change cycle states.
    """
    kind = _cycle_kind(cycle)
    label = parse_period(period).label
    if by_user is not None and not may_change_cycle_state(by_user):
        raise PermissionDenied(f"{by_user} may not change the state of cycle {label} ({kind})")
    with transaction.atomic():
        owner = _locked_cycle(label, kind)
        if owner is None:
            raise InvalidTransition(f"cycle {label} ({kind}) does not exist: compute it first")
        if owner.is_closed:
            raise CycleClosed(closed_message(label, kind))
        allowed = allowed_targets(owner.state)
        if to_state not in allowed:
            if allowed:
                may = "may go to " + " or ".join(allowed)
            else:
                may = "becomes computed by computing it; no other state may follow"
            raise InvalidTransition(f"cycle {label} ({kind}) is {owner.state}: it {may}, not {to_state!r}")
        owner.state = to_state
        owner.save(changed_by=by_user, note=note)
    return to_state


def newest_first(labels: Iterable[str]) -> list[str]:
    """Period labels, deduplicated, newest first; of periods ending together the shortest comes
    first (``2026-12``, ``2026-Q4``, ``2026``)."""

    def key(label: str) -> tuple:
        p = parse_period(label)
        return (p.end, -(p.end - p.start).days, label)

    return sorted(set(labels), key=key, reverse=True)


def periods(cycle: str | None = None) -> list[str]:
    """Every period with stored scorecards (of ``cycle`` if given), in any state, newest first."""
    cycles = Cycle.objects.filter(runs__superseded=False)
    if cycle is not None:
        cycles = cycles.filter(kind=cycle)
    return newest_first(cycles.values_list("period", flat=True))


def latest_period(cycle: str | None = None) -> str | None:
    """The newest period with stored scorecards (of ``cycle`` if given); None when there is none."""
    found = periods(cycle)
    return found[0] if found else None


def create_demo_users(password: str = "frontdesk") -> dict[str, Any]:
    """Create (or reset) the demo logins ``director``, ``lead`` and ``agent``, all with ``password``.

    ``lead`` leads the first team (by id) that has agents; ``agent`` is that team's first agent.
    Only for demo workspaces: ``frontdesk init`` never calls this. Returns
    ``{"usernames": [...], "password": ..., "team_id": ..., "agent_id": ...}``.
    """
    agent = Agent.objects.filter(team__isnull=False).order_by("team_id", "-active", "agent_id").first()
    if agent is None:
        raise ValueError("no team has agents yet; import the organisation (sync_organisation) first")
    User = get_user_model()
    roles = {"director": Role.DIRECTOR, "lead": Role.LEAD, "agent": Role.AGENT}
    users = {}
    with transaction.atomic():
        for username in DEMO_USERNAMES:
            user, _ = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.is_active = True
            user.save()
            Profile.objects.update_or_create(user=user, defaults={"role": roles[username]})
            users[username] = user
        users["lead"].supervised_teams.set([agent.team_id])
        Agent.objects.filter(user=users["agent"]).exclude(pk=agent.pk).update(user=None)
        agent.user = users["agent"]
        agent.save(update_fields=["user"])
    return {
        "usernames": list(DEMO_USERNAMES),
        "password": password,
        "team_id": agent.team_id,
        "agent_id": agent.agent_id,
    }
