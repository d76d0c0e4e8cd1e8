"""Predicted satisfaction: held-out Spearman on STC-3 (the must-show thresholds), the shipped
model's size and loading, and sanity on obvious cases."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from frontdesk.text.conversation import Conversation, Turn
from frontdesk.text.model import SatisfactionModel, shipped_model, shipped_model_path
from frontdesk.text.training import cross_validate, fit

STC3 = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "stc3-helpdesk-dialogues"


def _stc3(lang):
    if not STC3.exists():
        pytest.skip(f"needs the shared dataset {STC3}")
    from frontdesk.text.datasets import load_stc3

    return load_stc3(STC3, lang)


# The figures in docs/text-analytics.md run all five folds (bench/text_satisfaction_cv.py); the
# tests run the first folds of the same split with the same code, and assert on those held-out folds.
@pytest.mark.parametrize(("lang", "threshold", "folds_run"), [("zh", 0.80, 2), ("en", 0.75, 3)])
def test_held_out_spearman_reaches_the_threshold(lang, threshold, folds_run):
    convs, labels = _stc3(lang)
    cv = cross_validate(convs, labels, lang, folds=5, seed=0, max_folds=folds_run)
    assert len(cv.folds) == folds_run
    assert cv.mean >= threshold, cv.folds
    assert cv.low >= threshold - 0.05, cv.folds


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_shipped_model_is_small_plain_data(lang):
    path = shipped_model_path(lang)
    assert path.exists()
    assert path.stat().st_size < 5_000_000
    with np.load(path, allow_pickle=False) as z:  # no pickled objects inside
        assert all(z[k].dtype != object for k in z.files)
    m = shipped_model(lang)
    assert m.lang == lang and (m.label_min, m.label_max) == (
        pytest.approx(-2, abs=0.6),
        pytest.approx(2, abs=0.6),
    )


def test_the_shipped_model_loads_and_predicts_without_scikit_learn():
    code = (
        "import sys\n"
        "from frontdesk.text.analysis import analyze\n"
        "from frontdesk.text.conversation import Conversation, Turn\n"
        "from frontdesk.text.model import load_models\n"
        "a = analyze(Conversation('x', (Turn('customer', '退款到了吗'), Turn('agent', '已经到账了'),"
        " Turn('customer', '收到了，谢谢'))), models=load_models(None))\n"
        "assert a.predicted_satisfaction is not None\n"
        "assert 'sklearn' not in sys.modules, 'scikit-learn imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("lang", "happy", "angry"),
    [
        ("zh", ["快递到哪了？", "已经为您查询，明天送达。", "好的，谢谢，服务很好！"],
               ["快递到哪了？", "请耐心等待。", "等了一个星期了，太差了，我要投诉！"]),
        ("en", ["Where is my parcel?", "It arrives tomorrow, sorry for the wait.", "Great, thanks a lot, very helpful!"],
               ["Where is my parcel?", "Please wait.", "A week already, this is terrible, I want to complain!"]),
    ],
)  # fmt: skip
def test_a_thankful_ending_predicts_more_satisfaction_than_an_angry_one(lang, happy, angry):
    m = shipped_model(lang)

    def conv(lines):
        return Conversation(
            "c", tuple(Turn("customer" if i % 2 == 0 else "agent", t) for i, t in enumerate(lines))
        )

    assert m.predict(conv(happy)) > m.predict(conv(angry)) + 0.3


def test_a_saved_model_predicts_the_same_after_loading(tmp_path):
    convs, labels = [], []
    for i in range(40):
        good = i % 2 == 0
        end = "Great, thank you so much!" if good else "Useless. Still broken, I want a refund."
        convs.append(Conversation(str(i), (Turn("customer", f"My order {i} is late"), Turn("agent", "Let me check."),
                                           Turn("customer", end))))  # fmt: skip
        labels.append(4.5 if good else 1.5)
    m = fit(convs, labels, "en")
    path = m.save(tmp_path / "satisfaction-en.npz")
    again = SatisfactionModel.load(path)
    for c in convs[:6]:
        assert again.predict(c) == pytest.approx(m.predict(c), abs=1e-6)
    assert again.predict(convs[0]) > 3.5 > again.predict(convs[1])
    assert (again.label_min, again.label_max) == (1.5, 4.5)
