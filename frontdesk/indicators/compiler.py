"""Compile indicator declarations into one grouped query per source table.

All declarations reading the same table become columns of a single ``GROUP BY agent`` query, so
adding an indicator adds a column, not a scan. Declarations are written in DuckDB's dialect and
transpiled by sqlglot; dialect differences live here and nowhere else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlglot
from sqlglot import exp

from frontdesk.indicators import dialects
from frontdesk.indicators.catalog import Indicator, View, builtin_views
from frontdesk.indicators.periods import Period
from frontdesk.store.tables import table

SOURCE_DIALECT = "duckdb"

# Which column ties a source row to an agent, and which column places it in a period.
AGENT_KEY: dict[str, str] = {
    "interactions": "agent_id",
    "interaction_events": "agent_id",
    "messages": "agent_id",
    "surveys": "agent_id",
    "qa_reviews": "agent_id",
    "ratings_360": "subject_agent_id",
    "handoffs": "from_agent_id",
    "trainings": "agent_id",
    "suggestions": "agent_id",
    "kb_contributions": "agent_id",
    "worktime": "agent_id",
}
PERIOD_COLUMN: dict[str, str] = {
    "interactions": "created_at",
    "interaction_events": "at",
    "messages": "at",
    "surveys": "submitted_at",
    "qa_reviews": "reviewed_at",
    "ratings_360": "submitted_at",
    "handoffs": "requested_at",
    "trainings": "completed_at",
    "suggestions": "submitted_at",
    "kb_contributions": "created_at",
    "worktime": "work_date",
}


def source_columns(source: str) -> tuple[str, str, bool]:
    """(agent key, period column, period column is a local date) of a table or view."""
    if source in AGENT_KEY:
        col = PERIOD_COLUMN[source]
        return AGENT_KEY[source], col, str(table(source).schema.field(col).type).startswith("date")
    views = builtin_views()
    if source in views:
        v = views[source]
        return v.agent_key, v.period_column, v.period_type == "date"
    raise CompileError(f"source {source!r} is neither a canonical table with an agent key nor a view")


class CompileError(ValueError):
    """A declaration whose SQL cannot be compiled; the message names the indicator and field."""


@dataclass(frozen=True)
class Column:
    """One output column of a source query: ``role`` is value, n or per (a denominator)."""

    name: str
    indicator: str
    role: str


@dataclass(frozen=True)
class SourceQuery:
    """One grouped query over one source table, returning ``agent_id`` plus ``columns``."""

    source: str
    sql: str
    columns: tuple[Column, ...]
    also: tuple[str, ...] = ()  # other sources whose indicators this query computes (see ALIASES)


def column_name(code: str, role: str) -> str:
    return f"{code}__{role}"


def _parse(sql: str, code: str, field: str) -> exp.Expression:
    try:
        return sqlglot.parse_one(sql, read=SOURCE_DIALECT)
    except sqlglot.errors.ParseError as e:
        raise CompileError(f"indicator {code}: field {field!r} is not valid SQL: {e}") from None


def _seconds_between(start: exp.Expression, end: exp.Expression) -> exp.Expression:
    """Exact elapsed seconds: integer microseconds first, since epoch seconds as a double lose them."""
    micros = exp.Sub(
        this=exp.Anonymous(this="epoch_us", expressions=[end]),
        expression=exp.Anonymous(this="epoch_us", expressions=[start]),
    )
    return exp.Div(this=exp.Paren(this=micros), expression=exp.Literal.number("1000000.0"))


# Functions declarations may use beyond the SQL dialect; each expands here, for every engine.
MACROS = {"seconds_between": _seconds_between}


def _expand_macros(tree: exp.Expression) -> exp.Expression:
    def expand(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and str(node.this).lower() in MACROS:
            return MACROS[str(node.this).lower()](*[e.copy() for e in node.expressions])
        return node

    return tree.transform(expand)


def aggregate(sql: str, condition: str | None, code: str, field: str) -> exp.Expression:
    """Parse an aggregate expression and restrict every aggregate in it to ``condition``."""
    tree = _expand_macros(_parse(sql, code, field))
    if not any(isinstance(node, exp.AggFunc) for node in tree.walk()):
        raise CompileError(f"indicator {code}: field {field!r} must be an aggregate, got {sql!r}")
    if condition is None:
        return tree
    cond = _expand_macros(_parse(condition, code, "filter"))

    def restrict(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.AggFunc) and not isinstance(node.parent, exp.Filter):
            return exp.Filter(this=node.copy(), expression=exp.Where(this=cond.copy()))
        return node

    return tree.transform(restrict)


# A materialised view that holds every row and column of a table's period (plus its own): when it
# is materialised, indicators on the table are computed in the view's query, one scan for both.
MATERIALISED_ALIASES = {"interactions": "contact_outcomes"}

# How far past a period's end a scoped view may look (repeat contacts, late answers).
HORIZON_DAYS = 31


def scoped_view_sql(view: View, period: Period, timezone: str, params: dict | None = None) -> str:
    """A period-scoped view's SQL (DuckDB dialect) with the period and parameters filled in."""
    start, end = period.utc_bounds(timezone)
    return view_sql_between(view, start, end, end + timedelta(days=HORIZON_DAYS), params)


def view_sql_between(
    view: View, start: datetime, end: datetime, horizon: datetime, params: dict | None = None
) -> str:
    """A period-scoped view's SQL (DuckDB dialect, macros expanded) for the instants [start, end),
    looking up to ``horizon``."""
    values = {**view.params, **(params or {})}
    values.update(
        period_start=_instant(start).sql(dialect=SOURCE_DIALECT),
        period_end=_instant(end).sql(dialect=SOURCE_DIALECT),
        horizon_end=_instant(horizon).sql(dialect=SOURCE_DIALECT),
    )
    try:
        sql = view.sql.format(**values)
    except KeyError as e:
        raise CompileError(f"view {view.name}: no value for parameter {e.args[0]!r}") from None
    return _expand_macros(sqlglot.parse_one(sql, read=SOURCE_DIALECT)).sql(dialect=SOURCE_DIALECT)


def source_expression(
    source: str,
    period: Period,
    timezone: str,
    params: dict | None = None,
    materialised: frozenset[str] = frozenset(),
) -> exp.Expression:
    """What a query reads ``source`` from: the table, a registered or materialised view (read like
    a table), or a scoped view's SQL."""
    view = builtin_views().get(source)
    if source in materialised:
        # The engine registered this period's stored months under their own name, so the view's
        # name keeps meaning the whole view for anyone else who reads it.
        return exp.alias_(exp.to_table(stored_name(source)), source, table=True)
    if view is None or not view.scoped:
        return exp.to_table(source)
    tree = _expand_macros(
        sqlglot.parse_one(scoped_view_sql(view, period, timezone, params), read=SOURCE_DIALECT)
    )
    return exp.Subquery(this=tree, alias=exp.TableAlias(this=exp.to_identifier(source)))


BUSINESS_MACRO = "business_seconds_between"
BUCKETS_TABLE = "work_buckets"
DEFAULT_CALENDAR = "cn-mainland"


def business_pairs(
    cols: list[tuple[Column, exp.Expression]],
    stored: dict[tuple[str, str], str] | None = None,
) -> tuple[list, list[tuple[exp.Expression, exp.Expression]]]:
    """Replace every ``business_seconds_between(a, b)`` by a column ``__bs<k>`` computed in a
    subquery; returns the rewritten columns and the distinct (a, b) pairs, in order. A pair in
    ``stored`` (a materialised view's precomputed column, see derived.py) is read from that column."""
    pairs: list[tuple[exp.Expression, exp.Expression]] = []
    index: dict[tuple[str, str], int] = {}

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == BUSINESS_MACRO:
            if len(node.expressions) != 2 or not all(isinstance(e, exp.Column) for e in node.expressions):
                raise CompileError(f"{BUSINESS_MACRO}(start, end) takes two time columns, got {node.sql()}")
            a, b = node.expressions
            if stored and (a.name, b.name) in stored:
                return exp.column(stored[(a.name, b.name)])
            k = index.setdefault((a.name, b.name), len(pairs))
            if k == len(pairs):
                pairs.append((a, b))
            return exp.column(f"__bs{k}")
        return node

    return [(c, e.transform(swap)) for c, e in cols], pairs


def business_gate(cols: list[tuple[Column, exp.Expression]]) -> exp.Expression | None:
    """The rows any business-time column is aggregated over: the OR of the filters of every
    aggregate that reads a ``__bs`` column; None when one of them reads every row."""
    conds: list[exp.Expression] = []
    for _, e in cols:
        for agg in e.find_all(exp.AggFunc):
            if not any(c.name.startswith("__bs") for c in agg.find_all(exp.Column)):
                continue
            parent = agg.parent
            if not isinstance(parent, exp.Filter):
                return None
            conds.append(parent.expression.this)
    if not conds:
        return None
    unique = list({c.sql(dialect=SOURCE_DIALECT): c for c in conds}.values())
    return exp.or_(*[exp.Paren(this=c.copy()) for c in unique])


def business_subquery(
    source: str,
    pairs: list[tuple[exp.Expression, exp.Expression]],
    where: exp.Expression,
    default_calendar: str,
    origin: exp.Expression | None = None,
    gate: exp.Expression | None = None,
) -> exp.Expression:
    """``source`` rows plus each pair's business seconds, via the calendar's UTC-day buckets
    (see calendars.py): F(t) = cum_us + Σ clamp(t − start_k, 0, end_k − start_k).

    With ``gate``, only rows meeting it look up their buckets (the others get a null key, so the
    join finds nothing and their business seconds are null): rows no business-time aggregate reads
    then cost no lookup."""
    from frontdesk.indicators.calendars import DAY_US, MAX_INTERVALS

    key, _, _ = source_columns(source)
    columns = sorted({c.name for a, b in pairs for c in (a, b)})
    alias = {name: f"__w{i}" for i, name in enumerate(columns)}

    def f_of(name: str) -> str:
        w, t = alias[name], f"epoch_us(__s.{name})"
        spans = " + ".join(
            f"least(greatest({t} - {w}.s{k}, 0), {w}.e{k} - {w}.s{k})" for k in range(1, MAX_INTERVALS + 1)
        )
        return f"({w}.cum_us + {spans})"

    calcs = ", ".join(
        f"({f_of(b.name)} - {f_of(a.name)}) / 1000000.0 AS __bs{k}" for k, (a, b) in enumerate(pairs)
    )

    def qualified(e: exp.Expression) -> exp.Expression:
        return e.copy().transform(
            lambda n: exp.column(n.name, table="__s") if isinstance(n, exp.Column) and not n.table else n
        )

    def bucket_key(name: str) -> str:
        k = f"epoch_us(__s.{name}) // {DAY_US}"
        return k if gate is None else f"CASE WHEN {qualified(gate).sql(dialect=SOURCE_DIALECT)} THEN {k} END"

    joins = " ".join(
        f"LEFT JOIN {BUCKETS_TABLE} AS {w} ON {w}.calendar_id = __cal.calendar_id AND {w}.bucket = {bucket_key(name)}"
        for name, w in alias.items()
    )
    inner_where = qualified(where)
    sql = (
        f"SELECT __s.*, {calcs} FROM {_from_sql(source, origin)} AS __s "
        f"LEFT JOIN (SELECT __ag.agent_id, coalesce(__tm.calendar_id, '{default_calendar}') AS calendar_id "
        f"FROM agents AS __ag LEFT JOIN teams AS __tm ON __tm.team_id = __ag.team_id) AS __cal "
        f"ON __cal.agent_id = __s.{key} {joins} WHERE {inner_where.sql(dialect=SOURCE_DIALECT)}"
    )
    return exp.Subquery(
        this=sqlglot.parse_one(sql, read=SOURCE_DIALECT), alias=exp.TableAlias(this=exp.to_identifier(source))
    )


# A manual duration is "heaped" when it sits on a whole multiple of this many seconds.
HEAP_SECONDS = 300


def has_recorded_by(source: str) -> bool:
    """Whether rows of ``source`` say if they were recorded by a system or by hand."""
    views = builtin_views()
    if source in views:
        return views[source].recorded_by
    return "recorded_by" in table(source).columns


def _quality_columns(ind: Indicator) -> list[tuple[Column, exp.Expression]]:
    """Data-quality measures beside a value (MISSION Q1): the share of its rows recorded by hand,
    and, for a duration, how many of the hand-recorded ones sit on round five-minute values."""
    if not has_recorded_by(ind.source):
        return []
    manual = "recorded_by = 'manual'"
    cols = [
        (
            Column(column_name(ind.code, "manual"), ind.code, "manual"),
            aggregate(f"avg(CASE WHEN {manual} THEN 1.0 ELSE 0.0 END)", ind.filter, ind.code, "quality"),
        )
    ]
    durations = [
        node.sql(dialect=SOURCE_DIALECT)
        for node in _parse(ind.value, ind.code, "value").walk()
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == "seconds_between"
    ]
    if ind.heaping_of:
        durations.insert(0, ind.heaping_of)
    if durations:
        d = durations[0]
        cond = f"({ind.filter}) AND {manual}" if ind.filter else manual
        cols += [
            (
                Column(column_name(ind.code, "manual_n"), ind.code, "manual_n"),
                aggregate(f"count({d})", cond, ind.code, "quality"),
            ),
            (
                Column(column_name(ind.code, "heaped"), ind.code, "heaped"),
                aggregate(
                    f"avg(CASE WHEN round({d}) % {HEAP_SECONDS} = 0 THEN 1.0 ELSE 0.0 END)",
                    cond,
                    ind.code,
                    "quality",
                ),
            ),
        ]
    return cols


def _from_sql(source: str, origin: exp.Expression | None) -> str:
    if isinstance(origin, exp.Subquery):
        return "(" + origin.this.sql(dialect=SOURCE_DIALECT) + ")"
    if isinstance(origin, exp.Table):
        return origin.name
    return source


def stored_name(view: str) -> str:
    """The name under which an engine registers a period's materialised months of ``view``."""
    return f"__stored_{view}"


def period_condition(source: str, period: Period, timezone: str) -> exp.Expression:
    """Rows of ``source`` that fall in ``period`` (local time in ``timezone``)."""
    _, col_name, is_date = source_columns(source)
    col = exp.column(col_name)
    if is_date:
        lo: exp.Expression = exp.cast(exp.Literal.string(period.start.isoformat()), "DATE")
        hi: exp.Expression = exp.cast(exp.Literal.string(period.end.isoformat()), "DATE")
    else:
        start, end = period.utc_bounds(timezone)
        lo, hi = _instant(start), _instant(end)
    return exp.and_(exp.GTE(this=col, expression=lo), exp.LT(this=col.copy(), expression=hi))


def _instant(t: datetime) -> exp.Expression:
    return exp.cast(exp.Literal.string(t.strftime("%Y-%m-%d %H:%M:%S+00:00")), "TIMESTAMPTZ")


def compile_queries(
    indicators: list[Indicator],
    period: Period,
    timezone: str,
    dialect: str = SOURCE_DIALECT,
    default_calendar: str = DEFAULT_CALENDAR,
    params: dict | None = None,
    materialised: frozenset[str] = frozenset(),
    stored_business: dict[str, dict[tuple[str, str], str]] | None = None,
) -> list[SourceQuery]:
    """One grouped query per source table covering every indicator (and denominator) on it."""
    parts: dict[str, list[tuple[Column, exp.Expression]]] = defaultdict(list)
    for ind in indicators:
        try:
            source_columns(ind.source)
        except CompileError as e:
            raise CompileError(f"indicator {ind.code}: {e}") from None
        parts[ind.source].append(
            (
                Column(column_name(ind.code, "value"), ind.code, "value"),
                aggregate(ind.value, ind.filter, ind.code, "value"),
            )
        )
        parts[ind.source].append(
            (Column(column_name(ind.code, "n"), ind.code, "n"), aggregate(ind.n, ind.filter, ind.code, "n"))
        )
        parts[ind.source].extend(_quality_columns(ind))
        if ind.per is not None:
            parts[ind.per.source].append(
                (
                    Column(column_name(ind.code, "per"), ind.code, "per"),
                    aggregate(ind.per.value, ind.per.filter, ind.code, "per.value"),
                )
            )
    merged: dict[str, list[str]] = defaultdict(list)
    for source in list(parts):
        target = MATERIALISED_ALIASES.get(source)
        if target in materialised:
            parts[target].extend(parts.pop(source))
            merged[target].append(source)
    out = []
    for source, cols in parts.items():
        key, _, _ = source_columns(source)
        where = exp.and_(period_condition(source, period, timezone), exp.column(key).is_(exp.null()).not_())
        cols, pairs = business_pairs(cols, (stored_business or {}).get(source))
        origin = source_expression(source, period, timezone, params, materialised)
        if pairs:
            origin = business_subquery(source, pairs, where, default_calendar, origin, business_gate(cols))
        query = (
            exp.select(exp.alias_(exp.column(key), "agent_id"))
            .from_(origin)
            .where(where)
            .group_by(exp.column(key))
        )
        for col, expr in cols:
            query = query.select(exp.alias_(expr, col.name, quoted=True))
        out.append(
            SourceQuery(
                source,
                dialects.to_dialect(query, dialect),
                tuple(c for c, _ in cols),
                tuple(merged.get(source, ())),
            )
        )
    return out


@dataclass(frozen=True)
class EvidenceQuery:
    """SQL listing the records behind one agent's indicator value, and counting them.

    Each row has the record's key (``record``), its period time (``at``) and one column per
    aggregate argument of the indicator's value (``v1``, ``v2`` …), labelled in ``labels``."""

    sql: str
    count_sql: str
    labels: tuple[str, ...]


def _aggregate_arguments(sql: str, code: str) -> list[tuple[str, exp.Expression]]:
    """(label, expression) of each per-record term an indicator aggregates, e.g. ``x`` in
    ``median(x)``, in reading order; labels keep the declaration's own wording."""
    tree = _parse(sql, code, "value")
    out: list[tuple[str, exp.Expression]] = []
    seen: set[str] = set()
    for node in tree.walk(bfs=False):
        if isinstance(node, exp.AggFunc):
            arg = node.this
            if arg is None or isinstance(arg, exp.Star):
                continue
            if isinstance(arg, exp.Distinct):
                arg = arg.expressions[0]
            label = arg.sql(dialect=SOURCE_DIALECT)
            if label not in seen:
                seen.add(label)
                out.append((label.lower() if label.isupper() else label, _expand_macros(arg.copy())))
    return out


def evidence_query(
    ind: Indicator,
    period: Period,
    timezone: str,
    agent_id: str,
    dialect: str = SOURCE_DIALECT,
    limit: int | None = None,
    offset: int = 0,
    default_calendar: str = DEFAULT_CALENDAR,
    params: dict | None = None,
    materialised: frozenset[str] = frozenset(),
    stored_business: dict[str, dict[tuple[str, str], str]] | None = None,
) -> EvidenceQuery:
    """The records behind ``ind`` for one agent and period, oldest first, with per-record values."""
    if not ind.evidence:
        raise CompileError(f"indicator {ind.code}: no evidence key declared")
    key, time_col, _ = source_columns(ind.source)
    cond = exp.and_(
        period_condition(ind.source, period, timezone),
        exp.EQ(this=exp.column(key), expression=exp.Literal.string(agent_id)),
    )
    args = _aggregate_arguments(ind.value, ind.code)
    labels = tuple(label for label, _ in args)
    cols = [(Column(f"v{k}", ind.code, "value"), a) for k, (_, a) in enumerate(args, start=1)]
    if ind.filter:
        filt = _parse(ind.filter, ind.code, "filter")
        cols.append((Column("__filter", ind.code, "filter"), filt))
    cols, pairs = business_pairs(
        [(c, _expand_macros(e)) for c, e in cols], (stored_business or {}).get(ind.source)
    )
    origin = source_expression(ind.source, period, timezone, params, materialised)
    if pairs:
        origin = business_subquery(ind.source, pairs, cond, default_calendar, origin)
    values = [exp.alias_(e, c.name, quoted=True) for c, e in cols if c.role == "value"]
    for c, e in cols:
        if c.role == "filter":
            cond = exp.and_(cond, e)
    base = (
        exp.select(
            exp.alias_(exp.column(ind.evidence), "record", quoted=True),
            exp.alias_(exp.column(time_col), "at", quoted=True),
            *values,
        )
        .from_(origin)
        .where(cond)
    )
    query = base.order_by(exp.column(time_col), exp.column(ind.evidence))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    count = (
        exp.select(exp.alias_(exp.Count(this=exp.Star()), "n", quoted=True))
        .from_(origin.copy())
        .where(cond.copy())
    )
    return EvidenceQuery(dialects.to_dialect(query, dialect), dialects.to_dialect(count, dialect), labels)


_view_sql_cache: dict[tuple[str, str], str] = {}


def view_sql(view: View, dialect: str = SOURCE_DIALECT) -> str:
    """A view's SQL with macros expanded, in ``dialect`` (remembered: every engine registers the
    views, and transpiling them costs a few tenths of a second)."""
    key = (view.sql, dialect)
    if key not in _view_sql_cache:
        try:
            tree = sqlglot.parse_one(view.sql, read=SOURCE_DIALECT)
        except sqlglot.errors.ParseError as e:
            raise CompileError(f"view {view.name}: not valid SQL: {e}") from None
        _view_sql_cache[key] = dialects.to_dialect(_expand_macros(tree), dialect)
    return _view_sql_cache[key]
