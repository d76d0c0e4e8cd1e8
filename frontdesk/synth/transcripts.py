"""``messages``: chat transcripts for a few percent of chats, in Chinese (most) or English.

Turns alternate customer / agent. Whether the agent greets (您好 / "Hello, thanks for contacting")
and closes with the standard line (还有什么可以帮您 / "Anything else I can help with?") follows the
agent's quality latent, so script compliance (I-P1) is measurable and tracks skill. Complaints
open angrily and get an apology from most agents, for emotion analysis.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from frontdesk.synth.columns import US, instants
from frontdesk.synth.contacts import CHAT, EMAIL, PHONE, VIDEO, Contacts
from frontdesk.synth.odds import sigmoid
from frontdesk.synth.organisation import Organisation

TRANSCRIPT_SHARE = 0.02  # of handled remote contacts (chats, e-mails, calls, video)
TRANSCRIBED = (PHONE, CHAT, EMAIL, VIDEO)  # walk-in desks and social posts keep no transcript
CHINESE_SHARE = 0.8
MIN_TURNS, MAX_TURNS = 4, 12
# Customer turns that show frustration; the agent's next turn acknowledges it (empathy, I-P3)
# with a probability that follows the agent's quality latent.
UPSET = frozenset({"还是不行。", "能不能快一点？", "It still doesn't work.", "Can you hurry up, please?"})
CALM = frozenset({"我想改一下预订的日期。", "请问会员积分怎么兑换？", "I'd like to change my booking date."})

PHRASES = {
    "zh": {
        "open": (
            "你好，我想查一下我的账单，这个月怎么多扣了钱？", "我的订单三天了还没发货，能帮我看看吗？",
            "信用卡被冻结了，怎么办？", "我想改一下预订的日期。", "请问会员积分怎么兑换？",
            "APP一直登录不上去。", "退款申请提交一周了还没到账。",
        ),
        "open_angry": (
            "你们怎么回事？等了半天都没人处理！", "我要投诉！问题说了三遍还没解决！",
            "太慢了，到底能不能处理？",
        ),
        "greeting": ("您好，很高兴为您服务，", "您好，欢迎咨询，", "你好，我是客服{name}，"),
        "ack": ("请问有什么可以帮您？", "我来帮您查一下，请稍等。", "请您提供一下订单号或手机号。"),
        "ack_bare": ("什么问题？", "订单号发一下。", "稍等。"),
        "apology": ("非常抱歉给您带来不便，我马上为您处理。", "实在抱歉让您久等了。"),
        "customer": (
            "好的，订单号是{num}。", "手机号是138****{tail}。", "大概多久能处理好？", "还是不行。",
            "那我需要做什么？", "好的，明白了。", "能不能快一点？",
        ),
        "agent": (
            "已经为您查询到了，请稍等。", "系统显示已经处理，预计两小时内到账。", "我已经为您提交了加急处理。",
            "请您重新登录试一下。", "这个需要转给相关部门，我会跟进。", "已经帮您修改好了。",
        ),
        "resolve": ("已经为您处理好了。", "问题已经解决了，请您查收。", "已为您登记，稍后会有专人联系您。"),
        "closing": ("请问还有什么可以帮您？", "还有什么可以帮您的吗？感谢您的耐心，祝您生活愉快！"),
        "thanks": ("好的，谢谢。", "没有了，谢谢！", "行吧。"),
        "thanks_warm": ("太好了，非常感谢！", "谢谢，终于解决了，辛苦了！"),
        "empathy": ("不好意思让您着急了，", "理解您的心情，"),
        "still_upset": ("还是没解决，太失望了。", "算了，我再投诉吧。"),
    },
    "en": {
        "open": (
            "Hi, why was I charged twice on this month's bill?", "My order hasn't shipped after three days.",
            "My card has been blocked, what should I do?", "I'd like to change my booking date.",
            "I can't log in to the app.",
        ),
        "open_angry": ("This is ridiculous, I've been waiting for ages!", "I want to file a complaint."),
        "greeting": ("Hello, thanks for contacting us. ", "Hi, this is {name}, thanks for reaching out. "),
        "ack": ("How can I help you today?", "Let me check that for you.", "Could you give me your order number?"),
        "ack_bare": ("Order number?", "What is it?", "Wait."),
        "apology": ("I'm really sorry for the trouble, let me fix this right away.",),
        "customer": (
            "Sure, it's {num}.", "How long will it take?", "It still doesn't work.", "OK, got it.",
            "Can you hurry up, please?",
        ),
        "agent": (
            "I can see it in the system now.", "I've escalated it for you.", "Please try logging in again.",
            "I've updated it for you.",
        ),
        "resolve": ("All done, it's fixed now.", "The refund has been processed."),
        "closing": ("Anything else I can help with?", "Is there anything else I can help with today?"),
        "thanks": ("No, thanks!", "Great, thank you.", "OK."),
        "thanks_warm": ("That's great, thank you so much!", "Thanks, I really appreciate your help!"),
        "empathy": ("Sorry about that. ", "I understand how frustrating this is. "),
        "still_upset": ("Still not sorted, very disappointing.", "Forget it, I'll complain again."),
    },
}  # fmt: skip


def messages_table(rng: np.random.Generator, c: Contacts, org: Organisation, id_width: int) -> pa.Table:
    """Transcript turns of a sample of the handled chats among ``c``."""
    n = len(c)
    picked = np.flatnonzero(
        np.isin(c.channel, TRANSCRIBED) & ~c.abandoned & (rng.random(n) < TRANSCRIPT_SHARE)
    )
    ids, seqs, times, speakers, agents, texts = [], [], [], [], [], []
    for row in picked:
        agent = int(c.agent[row])
        qual = float(org.quality[agent])
        lang = "zh" if rng.random() < CHINESE_SHARE else "en"
        turns = int(rng.integers(MIN_TURNS, MAX_TURNS + 1))
        greets = rng.random() < sigmoid(2.4 + 1.0 * qual)
        closes = rng.random() < sigmoid(1.6 + 1.0 * qual)
        apologises = rng.random() < sigmoid(1.2 + 1.0 * qual)
        empathic = float(sigmoid(1.2 + 1.0 * qual))
        angry = bool(c.complaint[row])
        fields = {"name": org.agent_names[agent][1 if lang == "zh" else 0], "num": rng.integers(10**7, 10**8),
                  "tail": rng.integers(1000, 10000)}  # fmt: skip
        start, first = int(c.created[row]), int(c.first_response[row])
        end = max(int(c.resolved[row]) if c.reopened[row] == 0 else first, first + 60 * US)
        end = min(end, first + int(c.handle[row] * US) + 60 * US)  # the chat ends with the handling
        at = [start, first, *np.sort(rng.uniform(first, end, turns - 2)).astype(np.int64).tolist()]
        lines = _lines(rng, PHRASES[lang], turns, greets=greets, closes=closes, apologises=apologises and angry,
                       angry=angry, recovered=bool(c.recovered[row]), empathic=empathic, spaced=lang == "en")  # fmt: skip
        interaction_id = f"I{int(c.number[row]):0{id_width}d}"
        for i, text in enumerate(lines):
            customer = i % 2 == 0
            ids.append(interaction_id)
            seqs.append(i + 1)
            times.append(at[i])
            speakers.append("customer" if customer else "agent")
            agents.append(None if customer else org.agent_ids[agent])
            texts.append(text.format(**fields))
    return pa.table(
        {
            "interaction_id": pa.array(ids, type=pa.string()),
            "seq": pa.array(seqs, type=pa.int64()),
            "at": instants(np.array(times, dtype=np.int64)),
            "speaker": pa.array(speakers, type=pa.string()),
            "agent_id": pa.array(agents, type=pa.string()),
            "text": pa.array(texts, type=pa.string()),
        }
    )


def _lines(
    rng: np.random.Generator,
    p: dict[str, tuple[str, ...]],
    turns: int,
    *,
    greets: bool,
    closes: bool,
    apologises: bool,
    angry: bool,
    recovered: bool,
    empathic: float,
    spaced: bool,
) -> list[str]:
    """The texts of a chat of ``turns`` turns, customer first, alternating with the agent. An angry
    customer ends warmly when the complaint was recovered and still upset when it was not."""
    sep = " " if spaced else ""
    # Middle turns are drawn without repetition, as people rarely say the same line twice.
    said = {
        "customer": iter(rng.permutation(p["customer"]).tolist()),
        "agent": iter(rng.permutation(p["agent"]).tolist()),
    }
    last_agent = turns - 1 if turns % 2 == 0 else turns - 2
    out = []
    for i in range(turns):
        if i == 0:
            text = _pick(rng, p["open_angry"] if angry else p["open"])
        elif i % 2 == 0:
            last = p["thanks"] if not angry else p["thanks_warm"] if recovered else p["still_upset"]
            text = _pick(rng, last) if i == turns - 1 else next(said["customer"], _pick(rng, p["customer"]))
        elif i == 1:
            text = _pick(rng, p["greeting"]) + _pick(rng, p["ack"]) if greets else _pick(rng, p["ack_bare"])
            if apologises:
                text = _pick(rng, p["apology"]) + sep + text
            elif out[0] not in CALM and rng.random() < empathic:  # a problem reported: acknowledged
                text = _pick(rng, p["empathy"]) + text
        elif i == last_agent:
            text = _pick(rng, p["resolve"]) + (sep + _pick(rng, p["closing"]) if closes else "")
            if out[-1] in UPSET and rng.random() < empathic:
                text = _pick(rng, p["empathy"]) + text
        else:
            text = next(said["agent"], _pick(rng, p["agent"]))
            if out[-1] in UPSET and rng.random() < empathic:
                text = _pick(rng, p["empathy"]) + text
        out.append(text)
    return out


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(0, len(options)))]
