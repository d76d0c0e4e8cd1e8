"""Indicator names and values as a page shows them: the reader's language, the unit, and the code
itself when no catalogue knows it."""

from __future__ import annotations

import pytest
from django.utils import translation

from frontdesk.web.appraisal.indicator_names import (
    clear_indicator_names,
    indicator_label,
    register_indicator_names,
)
from frontdesk.web.appraisal.templatetags.scorecard_format import measure, number, points, share


@pytest.fixture(autouse=True)
def clean_registry():
    clear_indicator_names()
    yield
    clear_indicator_names()


def test_registered_names_follow_the_language():
    register_indicator_names({"x_rate": {"en": "X rate", "zh": "X 率", "unit": "percent"}})
    label = indicator_label("x_rate")
    with translation.override("zh-hans"):
        assert label.name() == "X 率"
    with translation.override("en"):
        assert label.name() == "X rate"
    assert label.unit == "percent"


def test_an_unknown_code_is_shown_as_itself():
    with translation.override("zh-hans"):
        assert indicator_label("no_such_indicator").name() == "no_such_indicator"


def test_the_engine_catalogue_names_what_nobody_registered():
    catalog = pytest.importorskip("frontdesk.indicators.catalog")
    code, declared = next(iter(catalog.builtin_catalog().items()))
    label = indicator_label(code)
    assert (label.zh, label.en, label.unit) == (declared.name_zh, declared.name_en, declared.unit)
    register_indicator_names({code: {"en": "Renamed", "zh": "改名"}})
    assert (indicator_label(code).name("en"), indicator_label(code).unit) == ("Renamed", declared.unit)


@pytest.mark.parametrize(
    ("value", "unit", "language", "shown"),
    [
        (None, "seconds", "zh-hans", "暂无数据"),
        (None, "seconds", "en", "not available"),
        (0.0, "seconds", "en", "0 s"),  # zero is a value, not a missing one
        (94.0, "seconds", "zh-hans", "94 秒"),
        (1.5, "hours", "en", "1.5 h"),
        (12.345, "per_hour", "en", "12.3/h"),
        (4.256, "hours", "en", "4.26 h"),
        (85.0, "percent", "en", "85%"),
        (-12.0, "nps", "en", "-12"),
        (3.0, "a-unit-nobody-knows", "zh-hans", "3"),
    ],
)
def test_values_read_with_their_unit(value, unit, language, shown):
    with translation.override(language):
        assert measure(value, unit) == shown


def test_numbers_lose_trailing_zeros_and_weights_read_as_percentages():
    assert [number(85.0), number(78.67), number(4.25), number(-0.001), number(None)] == [
        "85",
        "78.7",
        "4.25",
        "0",
        "—",
    ]
    assert share(0.3529) == "35.3%"
    assert [points(72.0), points(97.25), points(None)] == ["72.0", "97.2", "—"]
