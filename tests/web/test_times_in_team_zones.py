"""Times are shown in the team's time zone and in the reader's locale: an appeal of an agent in a
Shanghai team and one in a London team, filed at the same instant, read 09:00 CST and 02:00 BST; a
cycle's history is in the reader's (here the organisation's) zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from frontdesk.usecases.workspace import init_workspace
from frontdesk.web.appeals.models import Appeal
from frontdesk.web.appraisal.models import Site, Team
from frontdesk.web.appraisal.timezones import zone_of_team, zone_of_user

from .conftest import PASSWORD
from .test_appeals import file, in_review, user  # noqa: F401
from .test_web_i18n import visible_text

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, 02:00 in London (summer time)


@pytest.fixture
def two_zones(in_review):  # noqa: F811
    """T1 (A001) in Shanghai, T2 (A004) in London; each files an appeal at ``T0``."""
    Team.objects.filter(pk="T1").update(timezone="Asia/Shanghai")
    Team.objects.filter(pk="T2").update(timezone="Europe/London")
    shanghai, london = file(now=T0), file("agent4", "A004", now=T0)
    return shanghai, london


def reader(username: str, language: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    client.cookies["django_language"] = language
    return client


def test_the_appeals_list_shows_each_appeal_in_its_teams_zone_in_english(two_zones):
    text = visible_text(reader("director", "en").get("/appeals/").content)
    assert "10/05/2026 9 a.m. CST" in text
    assert "10/05/2026 2 a.m. BST" in text


def test_the_same_times_in_chinese_use_the_chinese_format(two_zones):
    text = visible_text(reader("director", "zh-hans").get("/appeals/").content)
    assert "2026年10月5日 09:00 CST" in text
    assert "2026年10月5日 02:00 BST" in text


def test_the_appeal_page_and_the_audit_log_use_the_agents_team_zone(two_zones):
    shanghai, london = two_zones
    director = reader("director", "zh-hans")
    assert "2026年10月5日 02:00 BST" in visible_text(director.get(f"/appeals/{london.pk}/").content)
    assert "2026年10月5日 09:00 CST" in visible_text(director.get(f"/appeals/{shanghai.pk}/").content)
    audit = director.get("/appeals/audit/").content.decode()
    assert (
        '<time datetime="2026-10-05T01:00:00+00:00" title="Europe/London">2026年10月5日 02:00 BST</time>'
        in audit
    )
    assert (
        '<time datetime="2026-10-05T01:00:00+00:00" title="Asia/Shanghai">2026年10月5日 09:00 CST</time>'
        in audit
    )


def test_a_team_without_a_zone_takes_its_sites_then_the_organisations(in_review, settings, tmp_path):  # noqa: F811
    Site.objects.filter(pk="S2").update(timezone="Europe/Paris")
    assert zone_of_team(Team.objects.get(pk="T3")).key == "Europe/Paris"  # T3 has no zone; its site S2 has
    Site.objects.filter(pk="S2").update(timezone="")
    settings.WORKSPACE = init_workspace(tmp_path, timezone="America/New_York").root
    assert zone_of_team(Team.objects.get(pk="T3")).key == "America/New_York"
    Team.objects.filter(pk="T3").update(timezone="Not/AZone")  # a typo in a roster never breaks a page
    assert zone_of_team(Team.objects.get(pk="T3")).key == "America/New_York"


def test_a_readers_zone_is_their_own_teams_else_the_organisations(two_zones, settings, tmp_path):
    settings.WORKSPACE = init_workspace(tmp_path, timezone="Europe/Berlin").root
    assert zone_of_user(user("agent4")).key == "Europe/London"
    assert zone_of_user(user("lead")).key == "Asia/Shanghai"  # leads T1
    assert zone_of_user(user("director")).key == "Europe/Berlin"


def test_the_cycle_history_is_in_the_readers_zone(two_zones, settings, tmp_path):
    settings.WORKSPACE = init_workspace(tmp_path, timezone="Europe/London").root
    page = reader("director", "en").get("/cycles/2026-10/monthly/").content.decode()
    assert 'title="Europe/London"' in page and 'title="Asia/Shanghai"' not in page
    assert Appeal.objects.count() == 2
