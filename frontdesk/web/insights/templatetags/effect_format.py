"""Number formats of the effect-evaluation page: correlations with a sign, intervals, one decimal."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def corr(value: float | None) -> str:
    """A correlation or z with its sign and two decimals (``+0.42``); a dash when none."""
    return "—" if value is None else f"{value:+.2f}"


@register.filter
def one(value: float | None) -> str:
    """One decimal (``78.4``); a dash when none."""
    return "—" if value is None else f"{value:.1f}"


@register.filter
def signed(value: float | None) -> str:
    """One decimal with its sign (``+3.2``); a dash when none."""
    return "—" if value is None else f"{value:+.1f}"


@register.filter
def interval(ci: tuple[float, float] | None, kind: str = "corr") -> str:
    """A 95 % interval ``lo – hi``: ``corr`` (+0.10 – +0.52), ``pct`` (a share as percent) or
    ``signed`` (one decimal with sign); a dash when none."""
    if not ci:
        return "—"
    lo, hi = ci
    if kind == "pct":
        text = f"{100 * lo:.1f}% – {100 * hi:.1f}%"
    elif kind == "signed":
        text = f"{lo:+.1f} – {hi:+.1f}"
    else:
        text = f"{lo:+.2f} – {hi:+.2f}"
    return text
