"""The growth dimension: ``trainings``, ``suggestions`` and ``kb_contributions``, month by month.

Training sessions are held for the whole organisation; weaker agents are sent to the skills courses
more often (as individual development plans do) and new hires take onboarding. Stronger agents
attend more reliably, learn more, suggest more improvements (more of them adopted) and write more
knowledge-base articles.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from frontdesk.synth.columns import US, instants
from frontdesk.synth.odds import sigmoid
from frontdesk.synth.organisation import Organisation
from frontdesk.synth.schedule import local_midnight_us

# course → hours; onboarding is only for agents in their first two months.
COURSES = {
    "advanced_communication": 6.0,
    "system_operation": 4.0,
    "complaint_handling": 3.0,
    "product_knowledge": 2.0,
    "emotion_management": 3.0,
}
ONBOARDING = ("new_hire_onboarding", 16.0)
SESSIONS_PER_MONTH = 3
SUGGESTION_TITLES = (
    "Shorter IVR menu for card services", "FAQ card for refund timelines", "Callback option at peak hours",
    "Template for delivery delay replies", "Queue display at the front desk", "Merge duplicate tickets automatically",
    "简化退款流程", "高峰时段增加在线客服排班", "前台增加取号屏", "常见问题话术库更新",
)  # fmt: skip
KB_KINDS = ("new_article", "update", "faq")


def growth_tables(
    rng: np.random.Generator,
    org: Organisation,
    month_start: date,
    month_end: date,
    data_end: date,
    counters: dict[str, int],
) -> dict[str, pa.Table]:
    """Trainings, suggestions and KB contributions of one month; ``counters`` carries ID numbers."""
    days = (month_end - month_start).days
    skill = org.skill

    def instant(day_offset: int, hour: float) -> int:
        return local_midnight_us(month_start + timedelta(days=day_offset)) + int(hour * 3600 * US)

    # Trainings: a few sessions for everyone, onboarding for the newest.
    tr: dict[str, list] = {k: [] for k in ("training_id", "agent_id", "course", "hours", "attended", "pre_score",
                                           "post_score", "completed_at")}  # fmt: skip
    sessions = [(c, COURSES[c]) for c in rng.choice(list(COURSES), size=SESSIONS_PER_MONTH, replace=False)]
    tenure = org.tenure_days(month_start)
    sessions.append(ONBOARDING)
    for k, (course, hours) in enumerate(sessions):
        training_id = f"TR{month_start:%Y%m}-{k + 1:02d}"
        when = instant(int(rng.integers(0, days)), 18.0)  # sessions end the working day
        if course == ONBOARDING[0]:
            enrolled = tenure < 60
        else:
            enrolled = rng.random(org.agents) < sigmoid(-1.2 - 0.6 * skill)  # development plans
        attended = rng.random(org.agents) < sigmoid(2.2 + 0.4 * skill)
        pre = np.clip(62 + 8 * skill + rng.normal(0, 8, org.agents), 0, 100)
        post = np.clip(pre + 8 + 3 * skill + rng.normal(0, 5, org.agents), 0, 100)
        for a in np.flatnonzero(enrolled):
            tr["training_id"].append(training_id)
            tr["agent_id"].append(org.agent_ids[a])
            tr["course"].append(course)
            tr["hours"].append(hours)
            tr["attended"].append(bool(attended[a]))
            tr["pre_score"].append(round(float(pre[a]), 1))
            tr["post_score"].append(round(float(post[a]), 1) if attended[a] else None)
            tr["completed_at"].append(when)

    # Suggestions: decided one to four weeks later, unless that is after the data ends.
    sg: dict[str, list] = {k: [] for k in ("suggestion_id", "agent_id", "title", "submitted_at", "adopted",
                                           "decided_at")}  # fmt: skip
    counts = rng.poisson(0.25 * np.exp(0.5 * skill))
    for a in np.repeat(np.arange(org.agents), counts):
        counters["suggestion"] += 1
        offset = int(rng.integers(0, days))
        decided = offset + int(rng.integers(7, 29))
        adopted = bool(rng.random() < sigmoid(-1.2 + 0.9 * skill[a]))
        open_still = month_start + timedelta(days=decided) > data_end
        sg["suggestion_id"].append(f"SG{counters['suggestion']:06d}")
        sg["agent_id"].append(org.agent_ids[a])
        sg["title"].append(SUGGESTION_TITLES[int(rng.integers(0, len(SUGGESTION_TITLES)))])
        sg["submitted_at"].append(instant(offset, rng.uniform(9, 18)))
        sg["adopted"].append(None if open_still else adopted)
        sg["decided_at"].append(None if open_still else instant(decided, rng.uniform(9, 18)))

    # Knowledge base: new articles get new IDs; updates and FAQs touch existing ones.
    kb: dict[str, list] = {k: [] for k in ("contribution_id", "agent_id", "kind", "article_id", "views",
                                           "helpful_votes", "created_at")}  # fmt: skip
    counts = rng.poisson(0.4 * np.exp(0.5 * skill))
    for a in np.repeat(np.arange(org.agents), counts):
        counters["contribution"] += 1
        kind = KB_KINDS[rng.choice(len(KB_KINDS), p=(0.3, 0.5, 0.2))]
        if kind == "new_article" or counters["article"] == 0:
            counters["article"] += 1
            article = counters["article"]
        else:
            article = int(rng.integers(1, counters["article"] + 1))
        views = int(rng.lognormal(4.0 + 0.3 * skill[a], 1.0))
        kb["contribution_id"].append(f"KC{counters['contribution']:06d}")
        kb["agent_id"].append(org.agent_ids[a])
        kb["kind"].append(kind)
        kb["article_id"].append(f"KB{article:05d}")
        kb["views"].append(views)
        kb["helpful_votes"].append(
            int(rng.binomial(views, float(np.clip(0.08 + 0.03 * skill[a], 0.01, 0.3))))
        )
        kb["created_at"].append(instant(int(rng.integers(0, days)), rng.uniform(9, 20)))

    def timed(cols: dict[str, list], *time_cols: str) -> pa.Table:
        data = dict(cols)
        for name in time_cols:
            data[name] = instants(
                np.array([t or 0 for t in cols[name]], dtype=np.int64),
                mask=np.array([t is None for t in cols[name]], dtype=bool),
            )
        return pa.table(data)

    return {
        "trainings": timed(tr, "completed_at"),
        "suggestions": timed(sg, "submitted_at", "decided_at"),
        "kb_contributions": timed(kb, "created_at"),
    }
