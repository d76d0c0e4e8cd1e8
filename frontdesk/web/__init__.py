"""The web application: people, permissions and pages around the engine's scorecards.

Code outside Django starts it through the use-case layer (``frontdesk.usecases.database``:
``setup``, ``open_database``, ``serve``); ``setup`` and ``serve`` are named here too for scripts
that think of the web application first.
"""

from __future__ import annotations

from frontdesk.usecases.database import SETTINGS_MODULE, serve, setup

__all__ = ["SETTINGS_MODULE", "serve", "setup"]
