"""Web test data: a small organisation and its scorecards, stored through ``appraisal.store``.

``build_appraisal_data`` is the one function to replace when the tests move to the project's
generator and engine: everything else only reads the ``AppraisalData`` it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from frontdesk.scoring.scorecard import IndicatorResult, Scorecard

from .users import PASSWORD

# Codes, names and units as in the engine's catalogue (frontdesk/indicators/catalog/indicators.yaml).
INDICATOR_NAMES = {
    "first_response": {"en": "First response time", "zh": "首次响应时间", "unit": "seconds"},
    "first_contact_resolution": {
        "en": "First-contact resolution rate",
        "zh": "问题首次解决率",
        "unit": "percent",
    },
    "csat": {"en": "On-the-spot satisfaction", "zh": "现场满意度", "unit": "percent"},
    "nps": {"en": "Net Promoter Score", "zh": "净推荐值", "unit": "nps"},
}


@dataclass
class Run:
    period: str
    cycle: str
    scheme_version: str
    cards: list[Scorecard]


@dataclass
class AppraisalData:
    sites: list[dict]
    teams: list[dict]
    agents: list[dict]
    runs: list[Run]
    names: dict[str, dict[str, str]] = field(default_factory=dict)

    def card(self, period: str, agent_id: str) -> Scorecard:
        run = next(r for r in self.runs if r.period == period)
        return next(c for c in run.cards if c.agent_id == agent_id)

    def team_members(self, team_id: str) -> list[str]:
        return [a["agent_id"] for a in self.agents if a["team_id"] == team_id]


def _cards(agents: list[dict], period: str, cycle: str, seed: int) -> list[Scorecard]:
    """Deterministic, plausible scorecards; agent A002 has no NPS (not available) in every period."""
    cards = []
    for i, a in enumerate(agents):
        k = (i * 7 + seed * 3) % 11
        frt, fcr, csat = 40.0 + 9 * k, 62.0 + 3 * k, 95.0 - 2.5 * k
        nps = None if a["agent_id"] == "A002" else 55.0 - 6 * k
        indicators = {
            "first_response": IndicatorResult(
                "first_response", frt, 120 + k, 100 - 5 * k, 0.3, target=60.0, floor=180.0, statistic="median"
            ),
            "first_contact_resolution": IndicatorResult(
                "first_contact_resolution", fcr, 118 + k, 60 + 2 * k, 0.3, target=85.0, floor=50.0
            ),
            "csat": IndicatorResult(
                "csat",
                csat,
                8 + k,
                95 - 4 * k,
                0.25,
                target=90.0,
                floor=60.0,
                flags=["small_sample"] if k > 6 else [],
                statistic="top_box",
            ),
            "nps": IndicatorResult(
                "nps", nps, 0 if nps is None else 30 + k, None if nps is None else 90 - 5 * k, 0.15
            ),
        }
        if nps is None:  # not available: its weight is re-spread over the others, as the engine does
            indicators["nps"].weight = 0.0
            for r in indicators.values():
                r.weight = round(r.weight / 0.85, 4)
        scored = [r for r in indicators.values() if r.score is not None]
        total = round(sum(r.score * r.weight for r in scored) / sum(r.weight for r in scored), 1)
        cards.append(
            Scorecard(
                agent_id=a["agent_id"],
                name=a["name"],
                name_zh=a["name_zh"],
                team_id=a["team_id"],
                site_id=a["site_id"],
                period=period,
                cycle=cycle,
                scheme_version="2026.1",
                total=total,
                grade="A" if total >= 85 else "B" if total >= 70 else "C",
                indicators=indicators,
            )
        )
    by_total = sorted(cards, key=lambda c: (-c.total, c.agent_id))
    for rank, c in enumerate(by_total, start=1):
        c.rank_org = rank
    for team in {c.team_id for c in cards}:
        for rank, c in enumerate((c for c in by_total if c.team_id == team), start=1):
            c.rank_team = rank
    return cards


def build_appraisal_data() -> AppraisalData:
    """The organisation and scorecards every web test reads."""
    sites = [
        {
            "site_id": "S1",
            "name": "Shanghai centre",
            "name_zh": "上海中心",
            "city": "Shanghai",
            "timezone": "Asia/Shanghai",
        },
        {
            "site_id": "S2",
            "name": "Chengdu branch",
            "name_zh": "成都分行",
            "city": "Chengdu",
            "timezone": "Asia/Shanghai",
        },
    ]
    teams = [
        {"team_id": "T1", "name": "Phone team 1", "name_zh": "电话一组", "parent_id": None, "site_id": "S1"},
        {"team_id": "T2", "name": "Online chat", "name_zh": "在线客服组", "parent_id": None, "site_id": "S1"},
        {"team_id": "T3", "name": "Front desk", "name_zh": "前台接待组", "parent_id": None, "site_id": "S2"},
    ]
    people = [
        ("A001", "Li Na", "李娜", "T1", "S1"),
        ("A002", "Wang Wei", "王伟", "T1", "S1"),
        ("A003", "Zhang Min", "张敏", "T1", "S1"),
        ("A004", "Liu Yang", "刘洋", "T2", "S1"),
        ("A005", "Chen Jing", "陈静", "T2", "S1"),
        ("A006", "Zhao Lei", "赵磊", "T3", "S2"),
    ]
    agents = [
        {
            "agent_id": aid,
            "name": name,
            "name_zh": name_zh,
            "team_id": team,
            "site_id": site,
            "hire_date": date(2024, 3, 1),
            "role": "agent",
            "active": True,
        }
        for aid, name, name_zh, team, site in people
    ]
    runs = [
        Run("2026-09", "monthly", "2026.1", _cards(agents, "2026-09", "monthly", 1)),
        Run("2026-10", "monthly", "2026.1", _cards(agents, "2026-10", "monthly", 2)),
        Run("2026-Q3", "quarterly", "2026.1", _cards(agents, "2026-Q3", "quarterly", 3)),
    ]
    return AppraisalData(sites, teams, agents, runs, names=INDICATOR_NAMES)


def load_appraisal_data(data: AppraisalData, publish: bool = True) -> dict:
    """Store ``data`` through the web store, with the demo logins; returns ``create_demo_users``' answer.

    Each cycle is then taken through review to published (as in a demo workspace), so that every role
    sees it; with ``publish=False`` the cycles stay computed, seen only by those who oversee all.
    """
    from frontdesk.web.appraisal import store

    store.register_indicator_names(data.names)
    store.sync_organisation(data.sites, data.teams, data.agents)
    for run in data.runs:
        store.save_scorecards(
            run.cards, period=run.period, cycle=run.cycle, scheme_version=run.scheme_version
        )
        if publish:
            store.transition(run.period, run.cycle, "in_review")
            store.transition(run.period, run.cycle, "published")
    return store.create_demo_users(PASSWORD)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Hashing with the production hasher costs a quarter second per login; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def appraisal_data() -> AppraisalData:
    return build_appraisal_data()


@pytest.fixture
def appraisal(db, appraisal_data: AppraisalData) -> AppraisalData:
    """The test organisation stored in the test database, with logins director, lead (T1), agent (A001);
    every cycle published."""
    demo = load_appraisal_data(appraisal_data)
    assert (demo["team_id"], demo["agent_id"]) == ("T1", "A001")
    return appraisal_data
