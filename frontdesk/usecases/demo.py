"""Synthetic data and the demo: generate an organisation into a workspace, and publish every
computed cycle with demo logins (``frontdesk generate``, ``frontdesk demo``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from frontdesk.indicators.periods import parse_period
from frontdesk.scoring.scorecard import Scorecard
from frontdesk.usecases.database import open_database
from frontdesk.usecases.errors import InputError
from frontdesk.usecases.workspace import Workspace, WorkspaceError, init_workspace, open_workspace

DEMO_PASSWORD = "frontdesk"


def default_start(months: int, today: date | None = None) -> str:
    """The first of ``months`` months that end with the last complete quarter before ``today``, so
    the demo shows a quarter's results (inspections, 360° ratings, collaboration) as well as months."""
    today = today or date.today()
    y, m = today.year, (today.month - 1) // 3 * 3 + 1 - months  # the current quarter's first month
    while m < 1:
        y, m = y - 1, m + 12
    return f"{y:04d}-{m:02d}"


def check_start(start: str | None) -> None:
    """``--start`` must be a month (``InputError`` otherwise)."""
    if start is None:
        return
    try:
        p = parse_period(start)
    except ValueError as e:
        raise InputError(f"--start: {e}") from None
    if p.kind != "month":
        raise InputError(f"--start: {start!r} is not a month (YYYY-MM)")


def generate(
    ws: Workspace,
    agents: int,
    months: int,
    start: str | None,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Generate the synthetic organisation into the workspace's event store; returns its summary."""
    from frontdesk.synth import generate as synth_generate

    if start is None:
        start = default_start(months)
    return synth_generate(ws.store(), agents=agents, months=months, start=start, seed=seed, progress=progress)


def demo_workspace(root: Path) -> Workspace:
    """The demo workspace at ``root``, created if need be; a real workspace there is refused, so
    demo logins never appear in one."""
    try:
        existing = open_workspace(root)
    except WorkspaceError:
        existing = None
    if existing is not None and not existing.is_demo:
        raise InputError(
            f"{root} is a real workspace, not a demo one; choose another --workspace for the demo"
        )
    return existing or init_workspace(root, demo=True)


def publish_demo(ws: Workspace, results: dict[str, list[Scorecard]]) -> dict[str, Any]:
    """A demo shows finished results and an open appeal window: each computed cycle goes through
    review to published, except the latest month, which stays in review so agents can appeal it
    (DESIGN: in review is the appeal window). Then the demo logins are made. Returns who they are
    (team and agent of the lead and agent) and ``in_review``, the month left open."""
    db = open_database(ws)
    months = [label for label in results if parse_period(label).kind == "month"]
    open_month = months[-1] if months else None
    for label in results:
        kind = parse_period(label).cycle
        if db.cycle_state(label, kind) == "computed":
            db.transition(label, kind, "in_review", note="演示数据：自动送审")
            if label != open_month:
                db.transition(label, kind, "published", note="演示数据：自动发布")
    return {**db.create_demo_users(password=DEMO_PASSWORD), "in_review": open_month}
