"""``qa_reviews`` and ``qa_items``: about four inspections per agent per month.

Methods are recording reviews and live listening (on a real contact of the day), mystery shoppers
and scenario simulations (no contact). Each review scores 5–8 items of its form, one of them the
critical "information security" item, which low-skill agents fail more often (still rarely).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from frontdesk.synth.columns import US, instants
from frontdesk.synth.contacts import Contacts
from frontdesk.synth.odds import sigmoid
from frontdesk.synth.organisation import Organisation
from frontdesk.synth.schedule import Day

METHODS = ("recording", "mystery_shopper", "live", "scenario_simulation")
FORMS = {
    "recording": "QA-REC-1",
    "mystery_shopper": "QA-MYS-1",
    "live": "QA-LIVE-1",
    "scenario_simulation": "QA-SIM-1",
}
METHOD_SHARES = {"walk_in": (0.15, 0.35, 0.30, 0.20), "other": (0.50, 0.10, 0.20, 0.20)}
REVIEWS_PER_AGENT_MONTH = 4.0
WORKING_DAYS_PER_MONTH = 22.5
# (item code, max score); the critical item is scored pass (max) or fail (0).
ITEMS = (
    ("greeting", 5), ("needs_identification", 10), ("solution_accuracy", 10),
    ("professional_language", 5), ("empathy", 5), ("emotion_handling", 10),
    ("process_adherence", 10), ("hold_and_transfer", 5), ("closing", 5),
)  # fmt: skip
CRITICAL_ITEM = ("information_security", 10)
NOT_APPLICABLE_SHARE = 0.08


def qa_tables(
    rng: np.random.Generator, c: Contacts, org: Organisation, day: Day, first_review: int, id_width: int
) -> tuple[pa.Table, pa.Table]:
    """The reviews done about ``day`` (numbered from ``first_review``) and their items."""
    reviewed = np.flatnonzero(
        day.working & (rng.random(org.agents) < REVIEWS_PER_AGENT_MONTH / WORKING_DAYS_PER_MONTH)
    )
    # The handled contacts of each agent, grouped, so a reviewed contact can be picked by position.
    handled = np.flatnonzero(~c.abandoned)
    handled = handled[np.argsort(c.agent[handled], kind="stable")]
    per_agent = np.bincount(c.agent[handled], minlength=org.agents)
    offset = np.concatenate([[0], np.cumsum(per_agent)])
    reviewers = max(2, -(-org.agents // 30))

    review_cols: dict[str, list] = {k: [] for k in ("review_id", "interaction_id", "agent_id", "reviewer_id",
                                                    "method", "form_id", "score", "max_score", "critical_failed",
                                                    "reviewed_at")}  # fmt: skip
    item_cols: dict[str, list] = {k: [] for k in ("review_id", "item_id", "criterion", "score", "max", "critical",
                                                  "not_applicable", "reviewed_at")}  # fmt: skip
    for k, agent in enumerate(reviewed):
        review_id = f"R{first_review + k:0{id_width}d}"
        focus = "walk_in" if org.team_focus[org.agent_team[agent]] == "walk_in" else "other"
        method = METHODS[rng.choice(len(METHODS), p=METHOD_SHARES[focus])]
        contact = None
        if method in ("recording", "live"):
            if per_agent[agent]:
                contact = int(handled[offset[agent] + rng.integers(0, per_agent[agent])])
            else:
                method = "scenario_simulation"
        if method == "recording":  # listened to one to three days later, in office hours
            at = (
                day.midnight_us + int(rng.integers(1, 4)) * 86_400 * US + int(rng.uniform(10, 18) * 3600 * US)
            )
        elif method == "live":
            at = int(c.resolutions[contact, 0])
        else:
            at = day.midnight_us + int(rng.uniform(10, 17) * 3600 * US)

        qual = float(org.quality[agent])
        p = float(sigmoid(1.9 + 0.8 * qual + rng.normal(0.0, 0.4)))
        chosen = np.sort(rng.choice(len(ITEMS), size=int(rng.integers(4, 8)), replace=False))
        total = maximum = 0.0
        failed = bool(rng.random() < sigmoid(-4.6 - 0.9 * qual))
        for number, (code, top) in [*((int(i), ITEMS[i]) for i in chosen), (len(ITEMS), CRITICAL_ITEM)]:
            critical = code == CRITICAL_ITEM[0]
            not_applicable = not critical and number > 0 and rng.random() < NOT_APPLICABLE_SHARE
            score = (0.0 if failed else float(top)) if critical else float(rng.binomial(top, p))
            item_cols["review_id"].append(review_id)
            item_cols["item_id"].append(f"Q{number + 1:02d}")
            item_cols["criterion"].append(code)
            item_cols["score"].append(None if not_applicable else score)
            item_cols["max"].append(float(top))
            item_cols["critical"].append(critical)
            item_cols["not_applicable"].append(not_applicable)
            item_cols["reviewed_at"].append(at)
            if not not_applicable:
                total += score
                maximum += top
        review_cols["review_id"].append(review_id)
        review_cols["interaction_id"].append(
            None if contact is None else f"I{int(c.number[contact]):0{id_width}d}"
        )
        review_cols["agent_id"].append(org.agent_ids[agent])
        review_cols["reviewer_id"].append(f"QA{int(rng.integers(1, reviewers + 1)):02d}")
        review_cols["method"].append(method)
        review_cols["form_id"].append(FORMS[method])
        review_cols["score"].append(total)
        review_cols["max_score"].append(maximum)
        review_cols["critical_failed"].append(failed)
        review_cols["reviewed_at"].append(at)

    reviews = {k: v for k, v in review_cols.items() if k != "reviewed_at"}
    reviews["is_calibration"] = [False] * len(reviewed)
    reviews["reviewed_at"] = instants(np.array(review_cols["reviewed_at"], dtype=np.int64))
    items = {k: v for k, v in item_cols.items() if k != "reviewed_at"}
    items["reviewed_at"] = instants(np.array(item_cols["reviewed_at"], dtype=np.int64))
    return pa.table(reviews), pa.table(items)
