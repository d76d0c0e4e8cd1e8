"""Pointing the application at a workspace: database, secret key, static files, safe defaults."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from frontdesk.web.database_url import parse_database_url
from frontdesk.web.secret_key import load_secret_key


def test_postgres_urls_become_a_postgresql_entry():
    entry = parse_database_url("postgres://fd:p%40ss@db.example:5433/frontdesk?sslmode=require")
    assert entry == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "frontdesk",
        "USER": "fd",
        "PASSWORD": "p@ss",
        "HOST": "db.example",
        "PORT": "5433",
        "OPTIONS": {"sslmode": "require"},
    }
    assert parse_database_url("postgresql://localhost/fd")["NAME"] == "fd"


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("sqlite:///relative/fd.db", "relative/fd.db"),
        ("sqlite:////abs/fd.db", "/abs/fd.db"),
        ("sqlite://:memory:", ":memory:"),
    ],
)
def test_sqlite_urls_name_the_file(url, name):
    assert parse_database_url(url) == {"ENGINE": "django.db.backends.sqlite3", "NAME": name}


def test_other_database_urls_are_refused_with_the_accepted_forms():
    with pytest.raises(ValueError, match="postgres://"):
        parse_database_url("mysql://u@h/db")


def test_secret_key_is_generated_once_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("FRONTDESK_SECRET_KEY", raising=False)
    first = load_secret_key(tmp_path)
    assert len(first) >= 50
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert load_secret_key(tmp_path) == first
    monkeypatch.setenv("FRONTDESK_SECRET_KEY", "from-the-environment")
    assert load_secret_key(tmp_path) == "from-the-environment"


def test_setup_creates_the_workspace_database_and_key(tmp_path):
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from frontdesk.web import setup\n"
        "setup(Path(sys.argv[1]))\n"
        "from django.conf import settings\n"
        "from frontdesk.web.appraisal import store\n"
        "print(json.dumps({'debug': settings.DEBUG, 'db': str(settings.DATABASES['default']['NAME']),\n"
        "  'key': settings.SECRET_KEY, 'periods': store.periods(), 'lang': settings.LANGUAGE_CODE}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FRONTDESK_", "DATABASE_URL"))}
    workspace = tmp_path / "ws"
    out = subprocess.run(
        [sys.executable, "-c", script, str(workspace)], env=env, capture_output=True, text=True, check=True
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    assert Path(seen["db"]) == (workspace / "frontdesk.db").resolve()
    assert (workspace / "frontdesk.db").stat().st_size > 0
    assert seen["key"] == (workspace / "secret_key").read_text().strip()
    assert seen["periods"] == []
    assert seen["lang"] == "zh-hans"


def test_the_stylesheet_is_served_by_the_application(client):
    response = client.get("/static/appraisal/frontdesk.css")
    assert response.status_code == 200
    assert b"font-family" in b"".join(response.streaming_content)


def test_pages_load_nothing_from_another_origin(client, appraisal):
    assert client.login(username="director", password="frontdesk")
    for url in ["/accounts/login/", "/ranking/", "/agents/A001/"]:
        html = client.get(url).content.decode()
        assert re.findall(r'(?:src|href|action)="(?:https?:)?//[^"]*"', html) == [], url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_pages_and_the_stylesheet(tmp_path):
    port = _free_port()
    script = (
        "import sys\nfrom pathlib import Path\nfrom frontdesk.web import setup, serve\n"
        "setup(Path(sys.argv[1]))\nserve(port=int(sys.argv[2]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FRONTDESK_", "DATABASE_URL"))}
    server = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "ws"), str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(
                    f"{base}/accounts/login/", headers={"Accept-Language": "zh-CN"}
                )
                with urllib.request.urlopen(request, timeout=5) as response:
                    login_page = response.read().decode()
                break
            except (ConnectionError, urllib.error.URLError):
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert "登录" in login_page
        with urllib.request.urlopen(f"{base}/static/appraisal/frontdesk.css", timeout=5) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/css")
        with urllib.request.urlopen(f"{base}/agents/A001/", timeout=5) as response:
            assert "/accounts/login/?next=/agents/A001/" in response.geturl()
    finally:
        server.terminate()
        server.wait(timeout=10)
