"""Periods and stored scorecards, as the command line and the web application read them."""

from __future__ import annotations

from typing import Any

from frontdesk.indicators.periods import Period, parse_period, period_of
from frontdesk.scoring.scorecard import Scorecard
from frontdesk.usecases.database import ResultsDatabase, open_database
from frontdesk.usecases.errors import InputError
from frontdesk.usecases.workspace import Workspace


def periods_with_data(ws: Workspace) -> list[Period]:
    """Every month that has interactions in the event store, oldest first: months with committed
    files only (a month whose files were all undone or retired by an import has no rows)."""
    out = []
    for label in ws.store().months("interactions"):
        try:
            out.append(parse_period(label))
        except ValueError:
            continue
    return out


def whole_periods(months: list[Period]) -> list[Period]:
    """The ``months`` (with data), then each quarter and year all of whose months are among them:
    what the demo computes and the calibration page offers (a part quarter would rank agents on
    part of their work)."""
    have = {p.label for p in months}
    out = list(months)
    for kind in ("quarter", "year"):
        seen: set[str] = set()
        for m in months:
            whole = period_of(m.start, kind)
            if whole.label not in seen and all(x.label in have for x in whole.months()):
                seen.add(whole.label)
                out.append(whole)
    return out


def resolve_period(
    ws: Workspace, text: str, db: ResultsDatabase | None = None, cycle: str | None = None
) -> Period:
    """``text`` as a period; ``latest`` is the newest computed one (with ``db``), else the newest
    month with data."""
    if text == "latest":
        label = db.latest_period(cycle) if db is not None else None
        if label is None:
            months = periods_with_data(ws)
            if not months:
                raise InputError("--period latest: nothing computed or loaded yet in this workspace")
            return months[-1]
        return parse_period(label)
    try:
        return parse_period(text)
    except ValueError as e:
        raise InputError(f"--period: {e}") from None


def stored_scorecards(
    ws: Workspace, period_text: str, cycle: str | None
) -> tuple[ResultsDatabase, Period, list[Scorecard]]:
    """The database, the period and its stored scorecards (``InputError`` when none)."""
    db = open_database(ws)
    period = resolve_period(ws, period_text, db, cycle)
    cards = db.load_scorecards(period.label, cycle)
    if not cards:
        raise InputError(
            f"--period {period.label}: no scorecards computed; run 'frontdesk compute --period {period.label}'"
        )
    return db, period, cards


def scorecards_json(
    period: str, cycle: str, cards: list[Scorecard], state: str | None = None
) -> dict[str, Any]:
    """The JSON of a period's scorecards: ``frontdesk scorecards --format json`` and
    ``GET /api/scorecards`` both answer with it, so they cannot drift apart."""
    return {
        "period": period,
        "cycle": cycle,
        "state": state,
        "scheme_version": cards[0].scheme_version if cards else None,
        "scorecards": [c.to_json() for c in cards],
    }
