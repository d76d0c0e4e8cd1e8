"""The Excel appraisal report of one period (MISSION T3; docs/reports.md).

Built from plain data: the stored scorecards (with the data-quality flags already on them), the
indicator catalogue and, when available, the scheme. Four sheets: summary, scorecards,
indicators, data quality. No Django import: ``frontdesk report`` and scheduled jobs call this.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from frontdesk.indicators.catalog import Indicator
from frontdesk.report.labels import LANGS, STATES, flag, unit, word
from frontdesk.scoring.scheme import Scheme
from frontdesk.scoring.scorecard import Scorecard

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
MAX_WIDTH = 60

# How a catalogue unit is shown: (factor the stored value is multiplied by, Excel number format).
# Percents become Excel percentages (85.0 → 0.85 shown as 85.0%); seconds become minutes.
DISPLAY: dict[str, tuple[float, str]] = {
    "percent": (0.01, "0.0%"),
    "seconds": (1 / 60, "0.0"),
    "minutes": (1.0, "0.0"),
    "hours": (1.0, "0.0"),
    "per_hour": (1.0, "0.00"),
    "points": (1.0, "0.0"),
    "nps": (1.0, "0.0"),
    "count": (1.0, "0"),
}
DEFAULT_DISPLAY = (1.0, "0.00")
SCORE_FORMAT = "0.0"


@dataclass(frozen=True)
class ReportInput:
    """What one report is built from."""

    period: str
    cycle: str
    scorecards: list[Scorecard]
    catalog: dict[str, Indicator]
    scheme: Scheme | None = None  # the scheme the scorecards were computed with, if known
    state: str | None = None  # the cycle's state (computed, in_review, published, closed)


def display_value(value: float | None, unit_name: str) -> float | None:
    """``value`` in the unit the report shows for the catalogue's ``unit_name``."""
    if value is None:
        return None
    return value * DISPLAY.get(unit_name, DEFAULT_DISPLAY)[0]


def number_format(unit_name: str) -> str:
    """The Excel number format of values in the catalogue's ``unit_name``."""
    return DISPLAY.get(unit_name, DEFAULT_DISPLAY)[1]


def text_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def indicator_codes(cards: Iterable[Scorecard]) -> list[str]:
    """Every indicator on the scorecards, in the order the first card that has it lists it."""
    seen: dict[str, None] = {}
    for card in cards:
        for code in card.indicators:
            seen.setdefault(code, None)
    return list(seen)


def build_workbook(data: ReportInput, lang: str = "zh") -> Workbook:
    """The workbook of ``data`` with sheet names, headers and indicator names in ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: expected one of {', '.join(LANGS)}")
    wb = Workbook()
    summary = wb.active
    summary.title = word("sheet_summary", lang)
    _summary(summary, data, lang)
    _scorecards(wb.create_sheet(word("sheet_scorecards", lang)), data, lang)
    _indicators(wb.create_sheet(word("sheet_indicators", lang)), data, lang)
    _quality(wb.create_sheet(word("sheet_quality", lang)), data, lang)
    return wb


def write_workbook(wb: Workbook, path: Path) -> None:
    """Save ``wb`` to ``path`` through a temporary file in the same folder, renamed into place, so
    a reader never sees half a workbook. Raises ``OSError`` when the path cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            wb.save(f)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _name(card: Scorecard, lang: str) -> str:
    return (card.name_zh or card.name) if lang == "zh" else card.name


def _indicator_name(data: ReportInput, code: str, lang: str) -> str:
    ind = data.catalog.get(code)
    if ind is None:
        return code
    return ind.name_zh if lang == "zh" else ind.name_en


def _unit_of(data: ReportInput, code: str) -> str:
    ind = data.catalog.get(code)
    return ind.unit if ind is not None else ""


def _header(ws: Worksheet, row: int, values: list[str]) -> None:
    for col, text in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=False, vertical="center")


def _fit_columns(ws: Worksheet, minimum: int = 6) -> None:
    """Column widths that fit the longest text in each column, CJK characters counted double."""
    widths: dict[int, int] = defaultdict(lambda: minimum)
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = f"{cell.value:.2f}" if isinstance(cell.value, float) else str(cell.value)
            widths[cell.column] = max(widths[cell.column], text_width(text) + 2)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(width, MAX_WIDTH)


def _summary(ws: Worksheet, data: ReportInput, lang: str) -> None:
    cards = data.scorecards
    scored = [c.total for c in cards if c.total is not None]
    version = cards[0].scheme_version if cards else (data.scheme.version_id if data.scheme else "")
    ws.cell(row=1, column=1, value=word("title", lang)).font = Font(bold=True, size=14)
    rows: list[tuple[str, object]] = [
        (word("period", lang), data.period),
        (word("cycle", lang), word(data.cycle, lang) if data.cycle in ("monthly", "quarterly", "annual")
         else data.cycle),
        (word("scheme_version", lang), version),
        (word("agents", lang), len(cards)),
        (word("scored", lang), len(scored)),
        (word("mean_total", lang), round(statistics.fmean(scored), 2) if scored else None),
    ]  # fmt: skip
    if data.state:
        rows.insert(2, (word("state", lang), word(data.state, lang) if data.state in STATES else data.state))
    r = 3
    for key, value in rows:
        ws.cell(row=r, column=1, value=key).font = HEADER_FONT
        ws.cell(row=r, column=2, value=value)
        r += 1
    if data.scheme is not None and data.scheme.version_id != version:
        ws.cell(row=r, column=1, value=word("scheme_note", lang).format(current=data.scheme.version_id))
        r += 1

    r += 1
    ws.cell(row=r, column=1, value=word("grade_distribution", lang)).font = Font(bold=True, size=12)
    r += 1
    _header(ws, r, [word("grade", lang), word("agents", lang), word("share", lang)])
    counts = Counter(c.grade for c in cards)
    order = [g.code for g in data.scheme.grades] if data.scheme is not None else []
    order += sorted(g for g in counts if g is not None and g not in order)
    for grade in [*order, None]:
        if grade is None and not counts.get(None):
            continue
        r += 1
        ws.cell(row=r, column=1, value=grade if grade is not None else word("ungraded", lang))
        ws.cell(row=r, column=2, value=counts.get(grade, 0))
        share = ws.cell(row=r, column=3, value=counts.get(grade, 0) / len(cards) if cards else None)
        share.number_format = "0.0%"

    r += 2
    ws.cell(row=r, column=1, value=word("team_averages", lang)).font = Font(bold=True, size=12)
    r += 1
    _header(ws, r, [word("team", lang), word("agents", lang), word("scored", lang), word("mean_total", lang)])
    teams: dict[str, list[Scorecard]] = defaultdict(list)
    for c in cards:
        teams[c.team_id].append(c)
    for team in sorted(teams):
        totals = [c.total for c in teams[team] if c.total is not None]
        r += 1
        ws.cell(row=r, column=1, value=team)
        ws.cell(row=r, column=2, value=len(teams[team]))
        ws.cell(row=r, column=3, value=len(totals))
        mean = ws.cell(row=r, column=4, value=round(statistics.fmean(totals), 2) if totals else None)
        mean.number_format = SCORE_FORMAT
    _fit_columns(ws)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 16)


def _scorecards(ws: Worksheet, data: ReportInput, lang: str) -> None:
    codes = indicator_codes(data.scorecards)
    head = [
        word("agent_id", lang), word("name", lang), word("team", lang), word("total", lang),
        word("grade", lang), word("rank_team", lang), word("rank_org", lang), word("flags", lang),
    ]  # fmt: skip
    for code in codes:
        name = _indicator_name(data, code, lang)
        u = unit(_unit_of(data, code), lang)
        head += [f"{name} ({u})" if u else name, f"{name} · {word('score', lang)}"]
    _header(ws, 1, head)
    sep = "；" if lang == "zh" else "; "
    for r, c in enumerate(data.scorecards, start=2):
        row = [c.agent_id, _name(c, lang), c.team_id, c.total, c.grade, c.rank_team, c.rank_org,
               sep.join(flag(f, lang) for f in c.flags) or None]  # fmt: skip
        for col, value in enumerate(row, start=1):
            ws.cell(row=r, column=col, value=value)
        ws.cell(row=r, column=4).number_format = SCORE_FORMAT
        col = len(row) + 1
        for code in codes:
            res = c.indicators.get(code)
            u = _unit_of(data, code)
            v = ws.cell(row=r, column=col, value=display_value(res.value, u) if res else None)
            v.number_format = number_format(u)
            s = ws.cell(row=r, column=col + 1, value=res.score if res else None)
            s.number_format = SCORE_FORMAT
            col += 2
    ws.freeze_panes = "A2"
    last = get_column_letter(len(head))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(data.scorecards) + 1)}"
    _fit_columns(ws)


def _indicators(ws: Worksheet, data: ReportInput, lang: str) -> None:
    codes = indicator_codes(data.scorecards)
    weights = _nominal_weights(data.scheme, data.cycle)
    dims = _dimension_names(data.scheme, lang)
    head = [
        word("code", lang), word("mission_id", lang), word("indicator", lang), word("dimension", lang),
        word("unit", lang), word("weight", lang), word("target", lang), word("floor", lang),
        word("org_mean", lang), word("org_median", lang), word("agents_with_value", lang), word("records", lang),
    ]  # fmt: skip
    _header(ws, 1, head)
    for r, code in enumerate(codes, start=2):
        ind = data.catalog.get(code)
        u = _unit_of(data, code)
        results = [c.indicators[code] for c in data.scorecards if code in c.indicators]
        values = [x.value for x in results if x.value is not None]
        rule = next((x for x in results if x.target is not None or x.floor is not None), None)
        dimension = ind.dimension if ind is not None else ""
        row = [
            code,
            ind.mission_id if ind is not None else None,
            _indicator_name(data, code, lang),
            dims.get(code, dimension),
            unit(u, lang),
            weights.get(code),
            display_value(rule.target, u) if rule else None,
            display_value(rule.floor, u) if rule else None,
            display_value(statistics.fmean(values), u) if values else None,
            display_value(statistics.median(values), u) if values else None,
            len(values),
            sum(x.n for x in results),
        ]
        for col, value in enumerate(row, start=1):
            ws.cell(row=r, column=col, value=value)
        ws.cell(row=r, column=6).number_format = "0.0%"
        for col in (7, 8, 9, 10):
            ws.cell(row=r, column=col).number_format = number_format(u)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{max(1, len(codes) + 1)}"
    _fit_columns(ws)


def _nominal_weights(scheme: Scheme | None, cycle: str) -> dict[str, float]:
    """Each indicator's share of the total in ``cycle`` as the scheme declares it (before the
    weight of an indicator without data is re-spread over the others on a scorecard)."""
    if scheme is None:
        return {}
    dims = []
    for d in scheme.dimensions:
        inds = [i for i in d.indicators if cycle in scheme.cycles_of(d, i)]
        if inds:
            dims.append((d.weight, inds))
    total = sum(w for w, _ in dims)
    out = {}
    for w, inds in dims:
        inner = sum(i.weight for i in inds)
        for i in inds:
            out[i.code] = (w / total) * (i.weight / inner) if total and inner else 0.0
    return out


def _dimension_names(scheme: Scheme | None, lang: str) -> dict[str, str]:
    if scheme is None:
        return {}
    return {
        i.code: (d.name_zh if lang == "zh" else d.name_en) for d in scheme.dimensions for i in d.indicators
    }


def _quality(ws: Worksheet, data: ReportInput, lang: str) -> None:
    head = [
        word("agent_id", lang), word("name", lang), word("team", lang), word("scope", lang),
        word("flag_code", lang), word("flag", lang), word("value", lang), word("records", lang),
    ]  # fmt: skip
    _header(ws, 1, head)
    r = 1
    for c in data.scorecards:
        for f in c.flags:
            r += 1
            for col, value in enumerate(
                [c.agent_id, _name(c, lang), c.team_id, word("whole_scorecard", lang), f, flag(f, lang)],
                start=1,
            ):
                ws.cell(row=r, column=col, value=value)
        for code, res in c.indicators.items():
            u = _unit_of(data, code)
            for f in res.flags:
                r += 1
                row = [c.agent_id, _name(c, lang), c.team_id, _indicator_name(data, code, lang), f,
                       flag(f, lang), display_value(res.value, u), res.n]  # fmt: skip
                for col, value in enumerate(row, start=1):
                    ws.cell(row=r, column=col, value=value)
                ws.cell(row=r, column=7).number_format = number_format(u)
    if r == 1:
        ws.cell(row=2, column=1, value=word("no_flags", lang))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{max(1, r)}"
    _fit_columns(ws)
