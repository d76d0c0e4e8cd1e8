"""Using the results on the command line (MISSION R1–R3): ``frontdesk bonus``, ``promotions``,
``stars`` and ``plans``.

Registered on the ``frontdesk`` group by :func:`register`. Scorecards come from the workspace's
database (as ``frontdesk scorecards`` reads them), the rules from the ``results:`` section of the
workspace's scheme; the work itself is in ``frontdesk.results.bonus_pool``, ``promotion``,
``recognition`` and ``development``. Exit status 2 with one line on bad input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from frontdesk.cli.common import BadInput, Command, period_option, stored_scorecards, workspace_option
from frontdesk.scoring.scorecard import Scorecard

FORMATS = click.Choice(["table", "json"])
CYCLES = click.Choice(["monthly", "quarterly", "annual"])


def register(main: click.Group) -> None:
    """Add ``bonus``, ``promotions``, ``stars`` and ``plans`` to the ``frontdesk`` command group."""
    for command in (_bonus_command(), _promotions_command(), _stars_command(), _plans_command()):
        main.add_command(command)


def _scorecards(
    workspace: Path | None, period_text: str, cycle: str | None
) -> tuple[Any, Any, Any, list[Scorecard]]:
    """The workspace, the web store, the period and its stored scorecards (exit 2 when none)."""

    return stored_scorecards(workspace, period_text, cycle)


def _rules(ws: Any, cards: list[Scorecard], make: Any) -> Any:
    """``make(scheme)`` for the workspace's scheme; a note when the scorecards used another one."""
    from frontdesk.scoring.scheme import SchemeError

    try:
        scheme = ws.scheme()
        rules = make(scheme)
    except SchemeError as e:
        raise BadInput(str(e)) from None
    used = {c.scheme_version for c in cards}
    if used != {scheme.version_id}:
        click.echo(
            f"note: scorecards computed with {', '.join(sorted(used))}; rules read from {scheme.version_id}",
            err=True,
        )
    return rules


NUMERIC = {
    "rank",
    "total",
    "amount",
    "cycles",
    "mean total",
    "contenders",
    "value",
    "pct",
    "target",
    "baseline",
}


def _print(title: str, columns: list[str], rows: list[list[str]], caption: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, caption=caption)
    for col in columns:
        t.add_column(col, no_wrap=True, justify="right" if col in NUMERIC else "left")
    for row in rows:
        t.add_row(*row)
    Console(width=140).print(t)


def _who(agent_id: str, name: str, name_zh: str | None) -> str:
    return f"{agent_id} {name_zh or name}"


def _num(v: float | None, digits: int = 1) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


# --- bonus ---------------------------------------------------------------------------------------


def _bonus_command() -> click.Command:
    @click.command("bonus", cls=Command)
    @workspace_option
    @period_option()
    @click.option(
        "--pool", "pool_text", required=True, help="The bonus pool to split, e.g. 100000 or 100000.00."
    )
    @click.option("--cycle", type=CYCLES, default=None)
    @click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
    def bonus(workspace: Path | None, period_text: str, pool_text: str, cycle: str | None, fmt: str) -> None:
        """Split a bonus pool (绩效奖金池) over a period's agents by the scheme's rules.

        Default rules (the seed's): the top 20 % of eligible agents share 50 % of the pool, the
        others the rest in proportion to their totals; eligible = grade C or better, no critical
        QA failure, employed the whole cycle. Amounts add up to the pool to the cent.
        """
        from frontdesk.results.bonus_pool import (
            BonusError,
            BonusRules,
            allocate_bonus,
            parse_pool,
            whole_cycle_employment,
        )

        try:
            pool = parse_pool(pool_text)
        except BonusError as e:
            raise BadInput(f"--pool: {e}") from None
        ws, _, period, cards = _scorecards(workspace, period_text, cycle)
        rules = _rules(ws, cards, BonusRules.from_scheme)
        agents = ws.store().read("agents", columns=["agent_id", "hire_date"]).to_pylist()
        out = allocate_bonus(
            cards,
            pool,
            rules,
            employed_whole_cycle=whole_cycle_employment(agents, period),
            period=period.label,
        )
        if out.unallocated:
            click.echo(f"warning: nobody is eligible in {period.label}; the pool stays unallocated", err=True)
        if fmt == "json":
            click.echo(json.dumps(out.to_json(), ensure_ascii=False, indent=1))
            return
        rows = [
            [str(a.rank or "—"), _who(a.agent_id, a.name, a.name_zh), a.team_id, _num(a.total), a.grade or "—",
             a.tier, f"{a.amount:,.2f}", ", ".join(a.reasons)]
            for a in out.allocations
        ]  # fmt: skip
        tiers = " · ".join(
            f"{name} {len(out.tier(name))} agents {out.tier_amount(name):,.2f}"
            for name in ("top", "shared", "rest")
        )
        _print(
            f"Bonus pool {period.label}: {out.pool:,.2f}",
            ["rank", "agent", "team", "total", "grade", "tier", "amount", "reason"],
            rows,
        )
        click.echo(f"{tiers} · unallocated {out.unallocated:,.2f}")

    return bonus


# --- promotions ----------------------------------------------------------------------------------


def _promotions_command() -> click.Command:
    @click.command("promotions", cls=Command)
    @workspace_option
    @period_option()
    @click.option("--cycle", type=CYCLES, default=None)
    @click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
    def promotions(workspace: Path | None, period_text: str, cycle: str | None, fmt: str) -> None:
        """Promotion candidates (加速晋升): excellent in each of the last N cycles up to the period."""
        from frontdesk.indicators.periods import shift_period
        from frontdesk.results.promotion import PromotionRules, promotion_candidates

        ws, store, period, cards = _scorecards(workspace, period_text, cycle)
        rules = _rules(ws, cards, PromotionRules.from_scheme)
        history = list(cards)
        for back in range(1, 60):  # back to the first cycle without scorecards
            earlier = store.load_scorecards(shift_period(period, -back).label, cycle)
            if not earlier:
                break
            history += earlier
        found = promotion_candidates(history, rules, as_of=period.label)
        if fmt == "json":
            doc = {
                "period": period.label,
                "rules": rules.to_json(),
                "candidates": [c.to_json() for c in found],
            }
            click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
            return
        rows = [
            [_who(c.agent_id, c.name, c.name_zh), c.team_id, str(c.streak), " ".join(c.grades),
             _num(c.mean_total), f"{c.periods[0]} … {c.periods[-1]}"]
            for c in found
        ]  # fmt: skip
        _print(
            f"Promotion candidates {period.label}: {rules.consecutive_cycles}+ cycles at "
            f"{'/'.join(sorted(rules.qualifying_grades))}",
            ["agent", "team", "cycles", "grades", "mean total", "periods"],
            rows,
        )

    return promotions


# --- stars ---------------------------------------------------------------------------------------


def _stars_command() -> click.Command:
    @click.command("stars", cls=Command)
    @workspace_option
    @period_option()
    @click.option("--cycle", type=CYCLES, default=None)
    @click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
    def stars(workspace: Path | None, period_text: str, cycle: str | None, fmt: str) -> None:
        """The Service Star (服务之星) of each team: its best total on enough data, no critical failure."""
        from frontdesk.results.recognition import ServiceStarRules, service_stars

        ws, _, period, cards = _scorecards(workspace, period_text, cycle)
        rules = _rules(ws, cards, ServiceStarRules.from_scheme)
        found = service_stars(cards, rules)
        without = sorted({c.team_id for c in cards} - {s.team_id for s in found})
        if fmt == "json":
            doc = {
                "period": period.label,
                "stars": [s.to_json() for s in found],
                "teams_without_star": without,
            }
            click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
            return
        rows = [
            [s.team_id, _who(s.agent_id, s.name, s.name_zh), _num(s.total), s.decided_by, str(s.contenders)]
            for s in found
        ] + [[t, "—", "—", "no eligible agent", "0"] for t in without]
        _print(f"Service Stars {period.label}", ["team", "agent", "total", "decided by", "contenders"], rows)

    return stars


# --- plans ---------------------------------------------------------------------------------------


def _plans_command() -> click.Command:
    @click.command("plans", cls=Command)
    @workspace_option
    @period_option()
    @click.option("--cycle", type=CYCLES, default=None)
    @click.option(
        "--review", is_flag=True, help="Instead: check the previous cycle's goals against this one."
    )
    @click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
    @click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
    def plans(
        workspace: Path | None, period_text: str, cycle: str | None, review: bool, lang: str, fmt: str
    ) -> None:
        """Development plans (个性化提升规划): each agent's weakest indicators against peers, with a
        course, a target (the peers' median) and the next cycle as due date."""
        from frontdesk.indicators.periods import shift_period
        from frontdesk.results.development import DevelopmentRules, development_plans, review_goals

        ws, store, period, cards = _scorecards(workspace, period_text, cycle)
        rules = _rules(ws, cards, DevelopmentRules.from_scheme)
        if review:
            previous = shift_period(period, -1).label
            earlier = store.load_scorecards(previous, cycle)
            if not earlier:
                raise BadInput(f"--review: no scorecards for {previous}, the cycle before {period.label}")
            reviews = review_goals(development_plans(earlier, rules), cards)
            if fmt == "json":
                doc = {
                    "period": period.label,
                    "planned_in": previous,
                    "reviews": [r.to_json() for r in reviews],
                }
                click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
                return
            met = sum(1 for r in reviews if r.status == "met")
            rows = [
                [r.agent_id, r.indicator, _num(r.baseline, 2), _num(r.target, 2), _num(r.value, 2), r.status,
                 {True: "yes", False: "no", None: "—"}[r.improved]]
                for r in reviews
            ]  # fmt: skip
            _print(
                f"Goals of {previous} reviewed in {period.label}",
                ["agent", "indicator", "baseline", "target", "value", "status", "improved"],
                rows,
                f"{met} of {len(reviews)} goals met",
            )
            return
        found = development_plans(cards, rules)
        if fmt == "json":
            click.echo(
                json.dumps(
                    {"period": period.label, "plans": [p.to_json() for p in found]},
                    ensure_ascii=False,
                    indent=1,
                )
            )
            return
        rows = [
            [_who(p.agent_id, p.name, p.name_zh), g.indicator, _num(g.value, 2), f"{g.percentile:.0f}",
             f"{g.peer_group} ({g.peer_count})", _num(g.target, 2), g.course.name(lang) if g.course else "—",
             g.due_cycle]
            for p in found
            for g in p.goals
        ]  # fmt: skip
        with_goals = sum(1 for p in found if p.goals)
        _print(
            f"Development plans {period.label}",
            ["agent", "indicator", "value", "pct", "peers", "target", "course", "due"],
            rows,
            f"{with_goals} of {len(found)} agents have goals",
        )
        if not rows:
            click.echo("no agent has an indicator at or below the weak percentile", err=True)

    return plans
