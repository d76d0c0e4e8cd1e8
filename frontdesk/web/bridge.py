"""The operational database as the use-case layer sees it (``frontdesk.usecases.database``):
named in the settings as ``FRONTDESK_BRIDGE``, so the layer below the web application can use
the database without importing this package.

Cycles and stored scorecards are ``appraisal/store.py``; API tokens ``api/tokens.py``; appeal
counts for effect evaluation ``appeals/acceptance.py``.
"""

from __future__ import annotations

from frontdesk.web.api.tokens import create_token_for
from frontdesk.web.appeals.acceptance import appeal_counts
from frontdesk.web.appraisal.store import (
    CycleClosed,
    CycleError,
    InvalidTransition,
    create_demo_users,
    current_run,
    cycle_state,
    latest_period,
    load_scorecards,
    newest_first,
    open_cycle,
    periods,
    register_indicator_names,
    save_scorecards,
    sync_organisation,
    transition,
)

__all__ = [
    "CycleClosed",
    "CycleError",
    "InvalidTransition",
    "appeal_counts",
    "create_demo_users",
    "create_token_for",
    "current_run",
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
