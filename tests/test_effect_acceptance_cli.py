"""``frontdesk evaluate`` feeds acceptance from the workspace's web database, end to end: a demo
workspace, appeals stored in its database by a separate process (as the web application would),
then the command's JSON and text."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import run_frontdesk

# Appeals on April's scorecards, stored through the ORM in the workspace's own database: A0001 two
# (one accepted, one rejected: upheld), A0002 rejected, A0003 open. The demo publishes its cycles,
# and filing is only open in review, so the rows are written directly, not through the workflow.
STORE_APPEALS = """
import sys
from datetime import timedelta
from frontdesk import web
web.setup(sys.argv[1])
from django.contrib.auth import get_user_model
from django.utils import timezone
from frontdesk.web.appeals.models import Appeal
from frontdesk.web.appraisal.models import IndicatorRecord
filer = get_user_model().objects.get(username="agent")
now = timezone.now()
for agent, code, status in [("A0001", "csat", "accepted"), ("A0001", "first_response", "rejected"),
                            ("A0002", "csat", "rejected"), ("A0003", "csat", "open")]:
    result = IndicatorRecord.objects.get(scorecard__agent_id=agent, scorecard__run__cycle__period="2026-04",
                                         scorecard__run__superseded=False, code=code)
    Appeal.objects.create(indicator=result, agent_id=agent, filed_by=filer, deadline=now + timedelta(days=7),
                          reason="not mine", status=status)
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    ws = tmp_path_factory.mktemp("acceptance") / "ws"
    run_frontdesk("demo", "--no-serve", "--workspace", str(ws), "--agents", "12", "--months", "2",
                  "--start", "2026-04")  # fmt: skip
    return ws


def _evaluate(ws, *args: str) -> str:
    return run_frontdesk("evaluate", "--workspace", str(ws), "--period", "2026-04", *args).stdout


def test_without_appeals_acceptance_shows_zero_appeals_not_null(demo):
    doc = json.loads(_evaluate(demo, "--format", "json"))
    org = doc["acceptance"][0]
    assert (org["team_id"], org["scorecards"], org["filed"], org["accepted"], org["rejected"]) == (
        "",
        12,
        0,
        0,
        0,
    )
    assert org["appeal_rate"] == 0.0 and org["upheld_share"] is None
    assert [r["team_id"] for r in doc["acceptance"][1:]] == ["T01"]


def test_appeals_in_the_database_reach_the_report(demo):
    subprocess.run(
        [sys.executable, "-c", STORE_APPEALS, str(demo)], check=True, capture_output=True, text=True
    )
    doc = json.loads(_evaluate(demo, "--format", "json"))
    org, team = doc["acceptance"]
    assert (org["scorecards"], org["filed"], org["accepted"], org["rejected"]) == (12, 3, 1, 1)
    assert org["appeal_rate"] == pytest.approx(3 / 12)
    assert org["upheld_share"] == pytest.approx(0.5)
    assert team["team_id"] == "T01" and team["filed"] == 3
    text = _evaluate(demo, "--lang", "zh")
    assert "全组织：12 份成绩单中有 3 份被申诉（25.0%" in text and "已裁决 2 件中 50% 获支持" in text
    assert "Organisation: 3 of 12 scorecards appealed (25.0%" in _evaluate(demo)
    # Another period's appeals do not count: May has none.
    may = json.loads(run_frontdesk("evaluate", "--workspace", str(demo), "--period", "2026-05", "--format",
                                   "json").stdout)  # fmt: skip
    assert may["acceptance"][0]["filed"] == 0
