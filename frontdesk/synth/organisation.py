"""The synthetic organisation: sites, teams and agents, each agent with a hidden skill and tenure.

Teams are 8–12 agents with a channel focus (phone, chat, e-mail, walk-in front desk, video); all sit
in mainland China (``Asia/Shanghai``, calendar ``cn-service``). The hidden traits drawn here drive
every outcome generated later; they are written out as the "truth" so tests can check that an
appraisal scheme recovers them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from frontdesk.synth.names import draw_names

TIMEZONE = "Asia/Shanghai"
CALENDAR = "cn-service"  # 08:00-21:00 every day but public holidays (engine/calendars.py)

# (city, city in Chinese) — the first four are used by organisations up to 300 agents.
SITES = (
    ("Shanghai", "上海"),
    ("Beijing", "北京"),
    ("Shenzhen", "深圳"),
    ("Chengdu", "成都"),
    ("Hangzhou", "杭州"),
    ("Wuhan", "武汉"),
)

# Team focus by position, so small organisations still get a phone, a chat and a front-desk team.
FOCUS_CYCLE = ("phone", "chat", "walk_in", "email", "phone", "video", "chat", "walk_in", "phone", "email")
FOCUS_NAMES = {
    "phone": ("Phone Support", "电话客服"),
    "chat": ("Online Chat", "在线客服"),
    "email": ("Email Tickets", "邮件工单"),
    "walk_in": ("Front Desk", "前台接待"),
    "video": ("Video Service", "视频客服"),
}
# Channel mix of a team's contacts, by focus (order of CHANNELS: phone, chat, email, social,
# walk_in, video, other). Every team takes a little of the other remote channels.
FOCUS_MIX = {
    "phone": (0.82, 0.06, 0.06, 0.02, 0.00, 0.04, 0.0),
    "chat": (0.08, 0.78, 0.06, 0.05, 0.00, 0.03, 0.0),
    "email": (0.06, 0.08, 0.80, 0.06, 0.00, 0.00, 0.0),
    "walk_in": (0.10, 0.00, 0.04, 0.00, 0.86, 0.00, 0.0),
    "video": (0.15, 0.10, 0.05, 0.00, 0.00, 0.70, 0.0),
}
# Share of walk-in contacts kept in a hand-written desk log, alternating by front-desk team.
MANUAL_SHARES = (0.6, 0.3)
SHIFT_SHARES = (0.35, 0.40, 0.25)  # early, day, late (see schedule.SHIFTS)
NEW_HIRE_SHARE = 0.25
CUSTOMERS_PER_AGENT = 3000


@dataclass(frozen=True)
class Organisation:
    """Sites, teams and agents as parallel arrays (index = position), with hidden traits."""

    start: date
    site_ids: list[str]
    site_cities: list[tuple[str, str]]
    team_ids: list[str]
    team_site: np.ndarray  # int: site index per team
    team_focus: list[str]
    team_names: list[tuple[str, str]]  # (English, Chinese)
    team_mix: np.ndarray  # float (teams × channels): channel shares of each team's contacts
    team_manual: np.ndarray  # float: share of walk-in contacts recorded by hand
    agent_ids: list[str]
    agent_names: list[tuple[str, str]]  # (pinyin, Chinese)
    agent_team: np.ndarray  # int: team index per agent
    hire_date: np.ndarray  # datetime64[D]
    skill: np.ndarray  # hidden, standard normal: drives quality and (part of) efficiency
    speed: np.ndarray  # hidden personal pace, independent of skill: efficiency is not all skill
    care: np.ndarray  # hidden personal care, small: quality is not all skill either
    shift: np.ndarray  # int: index into schedule.SHIFTS
    surveys_connected: np.ndarray  # bool: False where the survey terminal was never connected
    customers: int  # size of the customer base contacts are drawn from

    @property
    def agents(self) -> int:
        return len(self.agent_ids)

    @property
    def quality(self) -> np.ndarray:
        """The latent that quality outcomes (FCR, CSAT, NPS, QA, recovery) follow."""
        return 0.55 * (self.skill + self.care)

    def tenure_days(self, on: date) -> np.ndarray:
        """Days since hire of every agent on ``on``."""
        return (np.datetime64(on, "D") - self.hire_date).astype(np.int64)

    def efficiency(self, on: date) -> np.ndarray:
        """The latent that speed outcomes follow on ``on``: skill, personal pace and tenure.

        New hires start about one unit slower and close most of the gap in their first months.
        """
        ramp = np.exp(-self.tenure_days(on) / 90.0)
        return 0.55 * self.skill + self.speed - 1.0 * ramp


def build_organisation(rng: np.random.Generator, agents: int, start: date) -> Organisation:
    """Draw an organisation of ``agents`` agents whose data starts on ``start``."""
    if agents < 1:
        raise ValueError(f"agents must be at least 1, got {agents}")
    sizes = _team_sizes(rng, agents)
    n_teams = len(sizes)
    n_sites = min(n_teams, 4 if agents <= 300 else len(SITES))
    team_site = np.arange(n_teams) % n_sites
    team_focus = [FOCUS_CYCLE[i % len(FOCUS_CYCLE)] for i in range(n_teams)]
    team_names = []
    counter: dict[tuple[int, str], int] = {}
    for i, focus in enumerate(team_focus):
        key = (int(team_site[i]), focus)
        counter[key] = counter.get(key, 0) + 1
        en, zh = FOCUS_NAMES[focus]
        city, city_zh = SITES[team_site[i]]
        team_names.append((f"{city} {en} {counter[key]}", f"{city_zh}{zh}{counter[key]}组"))
    walk_in_teams = [i for i, f in enumerate(team_focus) if f == "walk_in"]
    team_manual = np.zeros(n_teams)
    for k, i in enumerate(walk_in_teams):
        team_manual[i] = MANUAL_SHARES[k % len(MANUAL_SHARES)]

    agent_team = np.repeat(np.arange(n_teams), sizes)
    zh, en = draw_names(rng, agents)
    skill = rng.standard_normal(agents)
    speed = rng.normal(0.0, 0.45, agents)
    care = rng.normal(0.0, 0.45, agents)
    shift = _rota(rng, sizes)
    new_hire = rng.random(agents) < NEW_HIRE_SHARE
    tenure = np.where(
        new_hire,
        rng.integers(5, 181, agents),  # hired within the six months before the data starts
        np.minimum(181 + rng.lognormal(math.log(700), 0.7, agents), 4000).astype(np.int64),
    )
    hire_date = np.datetime64(start, "D") - tenure.astype("timedelta64[D]")

    width = max(4, len(str(agents)))
    return Organisation(
        start=start,
        site_ids=[f"S{i + 1}" for i in range(n_sites)],
        site_cities=list(SITES[:n_sites]),
        team_ids=[f"T{i + 1:0{max(2, len(str(n_teams)))}d}" for i in range(n_teams)],
        team_site=team_site,
        team_focus=team_focus,
        team_names=team_names,
        team_mix=np.array([FOCUS_MIX[f] for f in team_focus]),
        team_manual=team_manual,
        agent_ids=[f"A{i + 1:0{width}d}" for i in range(agents)],
        agent_names=list(zip(en, zh, strict=True)),
        agent_team=agent_team,
        hire_date=hire_date,
        skill=skill,
        speed=speed,
        care=care,
        shift=shift,
        surveys_connected=_survey_terminals(agents, agent_team, team_focus),
        customers=max(1000, agents * CUSTOMERS_PER_AGENT),
    )


def _team_sizes(rng: np.random.Generator, agents: int) -> list[int]:
    """Team sizes of 8–12 (fewer only when the whole organisation is smaller than 8)."""
    n_teams = max(1, round(agents / 10))
    sizes = np.full(n_teams, agents // n_teams)
    sizes[: agents % n_teams] += 1
    # Move a few agents between teams so sizes differ, as they do in real rosters.
    for _ in range(n_teams):
        a, b = rng.integers(0, n_teams, 2)
        if a != b and sizes[a] > 8 and sizes[b] < 12:
            sizes[a] -= 1
            sizes[b] += 1
    return [int(s) for s in sizes]


def _rota(rng: np.random.Generator, sizes: list[int]) -> np.ndarray:
    """Shift of every agent: each team's planner splits the team by ``SHIFT_SHARES``."""
    out = []
    for size in sizes:
        quota = np.array(SHIFT_SHARES) * size
        counts = np.floor(quota).astype(np.int64)
        counts[np.argsort(counts - quota, kind="stable")[: size - counts.sum()]] += 1
        out.append(rng.permutation(np.repeat(np.arange(len(SHIFT_SHARES)), counts)))
    return np.concatenate(out)


def _survey_terminals(agents: int, agent_team: np.ndarray, team_focus: list[str]) -> np.ndarray:
    """Which agents' contacts can be surveyed at all.

    At the last front-desk team (or the last team, if there is none) the survey terminal of one
    counter was never connected: its two agents (one in an organisation under ten) get no
    surveys, so "not available" can be told apart from zero.
    """
    connected = np.ones(agents, dtype=bool)
    if agents < 2:
        return connected
    walk_in = [i for i, f in enumerate(team_focus) if f == "walk_in"]
    team = walk_in[-1] if walk_in else len(team_focus) - 1
    members = np.flatnonzero(agent_team == team)
    connected[members[-(2 if agents >= 10 else 1) :]] = False
    return connected


def organisation_tables(org: Organisation) -> dict[str, pa.Table]:
    """The ``sites``, ``teams`` and ``agents`` tables of ``org``."""
    sites = pa.table(
        {
            "site_id": org.site_ids,
            "name": [f"{city} Service Centre" for city, _ in org.site_cities],
            "name_zh": [f"{zh}客户服务中心" for _, zh in org.site_cities],
            "city": [city for city, _ in org.site_cities],
            "timezone": [TIMEZONE] * len(org.site_ids),
        }
    )
    n_teams = len(org.team_ids)
    teams = pa.table(
        {
            "team_id": org.team_ids,
            "name": [en for en, _ in org.team_names],
            "name_zh": [zh for _, zh in org.team_names],
            "parent_id": pa.nulls(n_teams, pa.string()),
            "site_id": [org.site_ids[s] for s in org.team_site],
            "timezone": [TIMEZONE] * n_teams,
            "calendar_id": [CALENDAR] * n_teams,
        }
    )
    agents = pa.table(
        {
            "agent_id": org.agent_ids,
            "name": [en for en, _ in org.agent_names],
            "name_zh": [zh for _, zh in org.agent_names],
            "team_id": [org.team_ids[t] for t in org.agent_team],
            "site_id": [org.site_ids[org.team_site[t]] for t in org.agent_team],
            "hire_date": pa.array(org.hire_date.astype("datetime64[D]"), type=pa.date32()),
            "role": ["agent"] * org.agents,
            "active": [True] * org.agents,
        }
    )
    return {"sites": sites, "teams": teams, "agents": agents}
