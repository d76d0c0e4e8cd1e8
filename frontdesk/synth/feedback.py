"""``surveys``: CSAT after about a fifth of resolved contacts, NPS after about one in twenty.

Scores follow the agent's quality latent and what happened in the contact (resolved first time, a
complaint recovered or not, a wrong transfer, a long wait). Some come with a short comment, mostly
in Chinese. Agents whose survey terminal is not connected get no surveys at all.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from frontdesk.synth.columns import US, instants, labels, numbered, values
from frontdesk.synth.contacts import WAIT_MEDIAN, Contacts
from frontdesk.synth.organisation import Organisation

# Per channel (phone, chat, email, social, walk_in, video, other): share of resolved contacts.
CSAT_RATE = np.array([0.20, 0.22, 0.15, 0.10, 0.25, 0.20, 0.10])
NPS_RATE = 0.05
SURVEY_DELAY = np.array([120, 60, 5 * 3600, 3600, 60, 120, 3600], dtype=float)  # after closing
CSAT_CUTS = np.array([-1.6, -0.7, 0.3, 1.3])  # latent → 1..5 stars
COMMENT_RATE = {"csat": 0.3, "nps": 0.5}
CHINESE_SHARE = 0.85

COMMENTS = {
    ("negative", "zh"): (
        "等了很久都没人回复。", "问题没有解决，还要我再打一次电话。", "态度不太好，很不满意。",
        "转了好几次，还是没人能说清楚。", "说好回电话的，结果一直没消息。",
    ),
    ("neutral", "zh"): (
        "还可以，就是等的时间有点长。", "问题解决了，但流程有点复杂。", "一般吧，希望下次能更快一些。",
        "客服挺客气的，不过答复不太清楚。",
    ),
    ("positive", "zh"): (
        "服务很好，耐心细致，谢谢！", "客服态度很好，问题很快解决了。", "非常专业，一次就帮我处理好了。",
        "响应及时，点赞！", "工作人员很热情，体验不错。",
    ),
    ("negative", "en"): (
        "Waited far too long and nobody replied.", "My problem is still not solved.",
        "I was transferred several times.", "The agent was not polite.",
    ),
    ("neutral", "en"): ("OK, but the wait was a bit long.", "Solved in the end, though it took a while."),
    ("positive", "en"): (
        "Very helpful and friendly, thank you!", "Quick and professional, solved on the first try.",
        "Great service.",
    ),
}  # fmt: skip


def surveys_table(
    rng: np.random.Generator, c: Contacts, org: Organisation, first_survey: int, id_width: int
) -> pa.Table:
    """Surveys answered about the contacts ``c``, numbered from ``first_survey`` (``SV`` + digits)."""
    n = len(c)
    eligible = ~c.abandoned & org.surveys_connected[c.agent]
    csat = eligible & (rng.random(n) < CSAT_RATE[c.channel])
    nps = eligible & (rng.random(n) < NPS_RATE)
    qual = org.quality[c.agent]
    unrecovered = c.complaint & ~c.recovered
    experience = (
        0.55 * qual
        + 0.9 * c.fcr
        - 1.4 * unrecovered
        + 0.4 * (c.complaint & c.recovered)
        - 0.5 * (c.transferred & ~c.transfer_correct)
        - 0.2 * c.reopened
        - 0.25 * np.log(np.maximum(c.wait, 1.0) / WAIT_MEDIAN[c.channel])
    )
    stars = 1 + (experience + 1.3 + rng.logistic(0.0, 0.8, n) > CSAT_CUTS[:, None]).sum(axis=0)
    nps_score = np.clip(np.round(7.4 + 1.3 * experience + rng.normal(0.0, 1.6, n)), 0, 10)
    delay = rng.lognormal(np.log(SURVEY_DELAY[c.channel]), 0.7)
    submitted = c.closed + np.round(delay * US).astype(np.int64)
    comment_u, lang_u, pick_u = rng.random((3, n))

    rows = np.concatenate([np.flatnonzero(csat), np.flatnonzero(nps)])
    is_nps = np.concatenate([np.zeros(csat.sum(), dtype=bool), np.ones(nps.sum(), dtype=bool)])
    order = np.lexsort((is_nps, rows))  # by contact, CSAT before NPS
    rows, is_nps = rows[order], is_nps[order]
    score = np.where(is_nps, nps_score[rows], stars[rows]).astype(np.float64)
    band = np.where(
        is_nps,
        np.select([score <= 6, score <= 8], [0, 1], 2),
        np.select([score <= 2, score <= 3], [0, 1], 2),
    )
    commented = comment_u[rows] < np.where(is_nps, COMMENT_RATE["nps"], COMMENT_RATE["csat"])
    chinese = lang_u[rows] < CHINESE_SHARE
    comment = np.full(len(rows), None, dtype=object)
    for b, band_name in enumerate(("negative", "neutral", "positive")):
        for lang in ("zh", "en"):
            texts = COMMENTS[(band_name, lang)]
            at = np.flatnonzero(commented & (band == b) & (chinese == (lang == "zh")))
            comment[at] = np.array(texts, dtype=object)[(pick_u[rows[at]] * len(texts)).astype(np.int64)]
    return pa.table(
        {
            "survey_id": numbered("SV", first_survey + np.arange(len(rows), dtype=np.int64), id_width),
            "interaction_id": numbered("I", c.number[rows], id_width),
            "agent_id": labels(org.agent_ids, c.agent[rows]),
            "kind": labels(("csat", "nps"), is_nps.astype(np.int8)),
            "score": values(score),
            "scale_max": values(np.where(is_nps, 10.0, 5.0)),
            "comment": pa.array(comment, type=pa.string()),
            "submitted_at": instants(submitted[rows]),
        }
    )
