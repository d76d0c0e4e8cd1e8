"""PII masking: each kind, in Chinese and English text, and what must be left alone."""

import pytest

from frontdesk.text.pii import luhn_ok, mask, mask_text


@pytest.mark.parametrize(
    ("text", "masked", "kind"),
    [
        ("我的手机13812345678，谢谢", "我的手机[PHONE]，谢谢", "phone"),
        ("手机号是 138 1234 5678 。", "手机号是 [PHONE] 。", "phone"),
        ("电话+86 139-1234-5678", "电话[PHONE]", "phone"),
        ("座机 010-88886666 找王经理", "座机 [PHONE] 找王经理", "phone"),
        ("手机号是138****1234。", "手机号是[PHONE]。", "phone"),
        ("Call me on (415) 555-2671 tomorrow", "Call me on [PHONE] tomorrow", "phone"),
        ("my number is +44 20 7946 0958.", "my number is [PHONE].", "phone"),
        ("ring 07700 900123 please", "ring [PHONE] please", "phone"),
        ("身份证号110101199003074514，请核实", "身份证号[ID]，请核实", "id_card"),
        ("证件号码 11010519491231002X", "证件号码 [ID]", "id_card"),
        ("My Chinese ID is 440524188001010014.", "My Chinese ID is [ID].", "id_card"),
        ("卡号6222021234567890123是工行的", "卡号[CARD]是工行的", "bank_card"),
        ("card 4111 1111 1111 1111 was charged", "card [CARD] was charged", "bank_card"),
        ("Visa 4012-8888-8888-1881 expired", "Visa [CARD] expired", "bank_card"),
        ("邮箱是zhang.san@example.com.cn谢谢", "邮箱是[EMAIL]谢谢", "email"),
        ("好的,1550179050@qq.com", "好的,[EMAIL]", "email"),
        ("write to John.Doe+help@mail.example.org!", "write to [EMAIL]!", "email"),
    ],
)
def test_it_masks_each_kind_in_chinese_and_english(text, masked, kind):
    m = mask(text)
    assert m.text == masked
    assert m.counts[kind] == 1
    assert sum(m.counts.values()) == 1


@pytest.mark.parametrize(
    "text",
    [
        "订单号是12345678，请查一下",  # an order number is not personal data
        "order 2024-05-06 arrived at 10:30",
        "退款 128.50 元，三天内到账",
        "card ending 1234",
        "4111 1111 1111 1112 is not a valid card",  # fails the Luhn check
        "编号 123456789012345678901",  # too long for any kind
    ],
)
def test_it_leaves_other_numbers_alone(text):
    assert mask_text(text) == text


def test_luhn_accepts_real_test_cards_and_rejects_a_typo():
    assert luhn_ok("4111111111111111") and luhn_ok("5555555555554444")
    assert not luhn_ok("4111111111111121")


def test_analysis_never_outputs_the_raw_number():
    from frontdesk.text.analysis import analyze
    from frontdesk.text.conversation import Conversation, Turn

    conv = Conversation(
        "c1", (Turn("customer", "我的手机13812345678，邮箱a@b.cn"), Turn("agent", "您好，收到"))
    )
    out = analyze(conv).to_json(with_turns=True)
    assert "13812345678" not in str(out) and "a@b.cn" not in str(out)
    assert out["pii_masked"] == {"phone": 1, "email": 1}
    assert out["turns"][0]["text"] == "我的手机[PHONE]，邮箱[EMAIL]"
