"""One number format per kind of value, in both languages (issue 15): thousands grouped from
10,000, NPS as a signed whole number on -100…+100, counts grouped, units after the number."""

from __future__ import annotations

import pytest
from django.utils import translation

from frontdesk.web.appraisal.templatetags.scorecard_format import count, measure, number

from .conftest import PASSWORD
from .test_web_i18n import visible_text


@pytest.mark.parametrize(
    ("value", "shown"),
    [(195849.0, "195,849"), (9999.5, "9999.5"), (78.66, "78.7"), (4.25, "4.25"), (-0.001, "0"), (None, "—")],
)
def test_numbers(value, shown):
    assert number(value) == shown


@pytest.mark.parametrize(("value", "shown"), [(46.6, "+47"), (-12.2, "-12"), (0.3, "0"), (100.0, "+100")])
def test_nps_is_a_signed_whole_number(value, shown):
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            assert measure(value, "nps") == shown


def test_units_and_counts_read_the_same_in_both_languages():
    with translation.override("zh-hans"):
        assert (measure(94.3, "percent"), measure(292.6, "seconds"), count(17059)) == (
            "94.3%",
            "292.6 秒",
            "17,059",
        )
    with translation.override("en"):
        assert (measure(94.3, "percent"), measure(292.6, "seconds"), count(17059)) == (
            "94.3%",
            "292.6 s",
            "17,059",
        )


def test_the_scorecard_shows_nps_signed_and_samples_grouped(client, appraisal):
    director = client
    assert director.login(username="director", password=PASSWORD)
    card = appraisal.card("2026-10", "A001").indicators
    text = visible_text(director.get("/agents/A001/?period=2026-10").content)
    assert f"{round(card['nps'].value):+d}" in text
