"""Realistic Chinese personal names, in characters and in pinyin ("王芳", "Wang Fang")."""

from __future__ import annotations

import numpy as np

# The most common surnames with rough population weights (王, 李, 张 lead with ~7 % each).
SURNAMES = (
    ("王", "Wang", 7.1), ("李", "Li", 7.0), ("张", "Zhang", 6.4), ("刘", "Liu", 5.4),
    ("陈", "Chen", 4.6), ("杨", "Yang", 3.1), ("黄", "Huang", 2.5), ("赵", "Zhao", 2.3),
    ("吴", "Wu", 2.0), ("周", "Zhou", 1.9), ("徐", "Xu", 1.5), ("孙", "Sun", 1.4),
    ("马", "Ma", 1.3), ("朱", "Zhu", 1.3), ("胡", "Hu", 1.2), ("郭", "Guo", 1.1),
    ("何", "He", 1.0), ("林", "Lin", 0.9), ("高", "Gao", 0.9), ("罗", "Luo", 0.9),
    ("郑", "Zheng", 0.8), ("梁", "Liang", 0.8), ("谢", "Xie", 0.7), ("宋", "Song", 0.7),
    ("唐", "Tang", 0.6), ("许", "Xu", 0.6), ("韩", "Han", 0.6), ("冯", "Feng", 0.6),
    ("邓", "Deng", 0.6), ("曹", "Cao", 0.5), ("彭", "Peng", 0.5), ("曾", "Zeng", 0.5),
    ("萧", "Xiao", 0.4), ("田", "Tian", 0.4), ("董", "Dong", 0.4), ("潘", "Pan", 0.3),
    ("袁", "Yuan", 0.3), ("蔡", "Cai", 0.3), ("蒋", "Jiang", 0.3), ("余", "Yu", 0.3),
)  # fmt: skip

GIVEN_NAMES = (
    ("芳", "Fang"), ("伟", "Wei"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"),
    ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"),
    ("杰", "Jie"), ("娟", "Juan"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("霞", "Xia"),
    ("平", "Ping"), ("刚", "Gang"), ("婷", "Ting"), ("雪", "Xue"), ("琳", "Lin"), ("浩", "Hao"),
    ("宇", "Yu"), ("晨", "Chen"), ("佳", "Jia"), ("丹", "Dan"), ("鹏", "Peng"), ("倩", "Qian"),
    ("秀英", "Xiuying"), ("桂英", "Guiying"), ("欣怡", "Xinyi"), ("子涵", "Zihan"),
    ("思远", "Siyuan"), ("梓萱", "Zixuan"), ("一鸣", "Yiming"), ("雨桐", "Yutong"),
    ("俊杰", "Junjie"), ("晓东", "Xiaodong"), ("海燕", "Haiyan"), ("建华", "Jianhua"),
    ("志强", "Zhiqiang"), ("文静", "Wenjing"), ("晓梅", "Xiaomei"), ("嘉怡", "Jiayi"),
    ("浩然", "Haoran"), ("诗涵", "Shihan"), ("家豪", "Jiahao"), ("美玲", "Meiling"),
    ("国栋", "Guodong"), ("丽娟", "Lijuan"), ("博文", "Bowen"), ("雅琪", "Yaqi"),
)  # fmt: skip


def draw_names(rng: np.random.Generator, n: int) -> tuple[list[str], list[str]]:
    """``n`` names as (Chinese, pinyin) lists; duplicates happen, as in any large workforce."""
    weights = np.array([s[2] for s in SURNAMES])
    surname = rng.choice(len(SURNAMES), size=n, p=weights / weights.sum())
    given = rng.integers(0, len(GIVEN_NAMES), size=n)
    zh = [SURNAMES[s][0] + GIVEN_NAMES[g][0] for s, g in zip(surname, given, strict=True)]
    en = [f"{SURNAMES[s][1]} {GIVEN_NAMES[g][1]}" for s, g in zip(surname, given, strict=True)]
    return zh, en
