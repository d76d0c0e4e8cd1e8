"""Shared fixtures for every test package."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

# Debian's chromium, driven by Playwright for Python (`playwright install` cannot download here).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# The real public data sets (../shared/datasets beside the checkout; never copied into the repo).
DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
SERVICENOW_LOG = DATASETS / "uci-incident-log" / "incident_event_log.zip"


@pytest.fixture(scope="session")
def servicenow_imported(tmp_path_factory):
    """The UCI ServiceNow incident log imported once with the ``servicenow`` preset: (store,
    report). Shared read-only by the tests that compare it with pandas; skipped without the log."""
    if not SERVICENOW_LOG.exists():
        pytest.skip(f"dataset not found at {SERVICENOW_LOG}")
    from frontdesk.ingest import import_files, load_preset
    from frontdesk.store.eventstore import EventStore

    root = tmp_path_factory.mktemp("servicenow")
    store = EventStore(root / "events")
    return store, import_files(store, [SERVICENOW_LOG], load_preset("servicenow"), root / "imports")


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """A headless Chromium for one test module; the module is skipped, with the reason, when
    Chromium or Playwright is missing. Module scope: Playwright's sync API runs an event loop in
    this thread, which must not outlive the browser tests."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def run_frontdesk(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The real ``frontdesk`` command in a subprocess, as a user runs it: without the test
    process's Django settings or database URL."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk", *args], capture_output=True, text=True, env=env, timeout=600
    )
    if check and result.returncode != 0:
        raise AssertionError(f"frontdesk {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


@contextlib.contextmanager
def served(workspace: Path) -> Iterator[str]:
    """``frontdesk serve`` on ``workspace`` in a subprocess, as a user starts it (on a free port,
    without the test process's Django settings); yields its URL once the sign-in page answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "frontdesk", "serve", "--workspace", str(workspace), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/accounts/login/", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(proc.stdout.read().decode()) from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
