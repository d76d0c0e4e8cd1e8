"""Display names and units of indicators, by code.

Names come from ``register_indicator_names`` (the CLI registers the catalogue it computed with),
then from the engine's built-in catalogue, read once when first needed, so a server started in
another process still shows names; a code found in neither shows as itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from django.utils.translation import get_language


@dataclass(frozen=True)
class IndicatorLabel:
    """How one indicator is named and measured on a page."""

    code: str
    en: str
    zh: str
    unit: str = ""

    def name(self, language: str | None = None) -> str:
        """The name in ``language`` (default: the active language), falling back to English, then the code."""
        lang = language if language is not None else (get_language() or "")
        if lang.startswith("zh") and self.zh:
            return self.zh
        return self.en or self.zh or self.code


_REGISTRY: dict[str, IndicatorLabel] = {}


def register_indicator_names(names: Mapping[str, Mapping[str, str]]) -> None:
    """Add or replace names: ``{code: {"en": ..., "zh": ..., "unit"?: ...}}``.

    The shape matches an entry of ``frontdesk indicators --format json`` (``name`` holds en/zh), so
    ``{i["code"]: {**i["name"], "unit": i["unit"]} for i in catalogue}`` registers a whole catalogue.
    """
    for code, entry in names.items():
        _REGISTRY[code] = IndicatorLabel(
            code=code,
            en=entry.get("en", "") or "",
            zh=entry.get("zh", "") or "",
            unit=entry.get("unit", "") or "",
        )


def clear_indicator_names() -> None:
    """Forget every registered name (tests use this to start clean)."""
    _REGISTRY.clear()


@cache
def _builtin_catalogue() -> dict[str, IndicatorLabel]:
    try:
        from frontdesk.indicators.catalog import builtin_catalog

        catalogue = builtin_catalog()
    except (ImportError, AttributeError, OSError, ValueError):
        return {}  # no usable catalogue: pages fall back to codes, they do not fail
    return {
        code: IndicatorLabel(code=code, en=i.name_en, zh=i.name_zh, unit=i.unit)
        for code, i in catalogue.items()
    }


def indicator_label(code: str) -> IndicatorLabel:
    """The label of ``code``: registered names first, the built-in catalogue for what they lack,
    else one that shows the code itself."""
    registered, builtin = _REGISTRY.get(code), _builtin_catalogue().get(code)
    if registered and builtin:
        return IndicatorLabel(
            code=code,
            en=registered.en or builtin.en,
            zh=registered.zh or builtin.zh,
            unit=registered.unit or builtin.unit,
        )
    return registered or builtin or IndicatorLabel(code=code, en="", zh="")
