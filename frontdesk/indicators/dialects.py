"""Where the SQL dialects differ: DuckDB SQL (the language of declarations) for Spark and PostgreSQL.

Indicator declarations and derived views are written in DuckDB's dialect. sqlglot translates most
of it; the transforms below fix what it gets wrong or only approximately right, so that every
engine returns the same numbers (docs/engines.md lists each one and why). This is the only place
that knows about engines' dialects: compiler and engines call :func:`to_dialect` or
:func:`transpile` and never branch on the engine.

Each transform is a function on one sqlglot node, applied to every node of the tree in its own
pass (sqlglot does not revisit the inside of a replaced node, so one rule per pass keeps nested
rewrites, such as an epoch inside a median, complete).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pyarrow as pa
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from frontdesk.store.tables import TABLES

SOURCE_DIALECT = "duckdb"

Transform = Callable[[exp.Expression], exp.Expression]


# -- helpers --------------------------------------------------------------------------------------
def _fn(name: str, *args: exp.Expression) -> exp.Expression:
    """A function call sqlglot prints verbatim, whatever the target dialect."""
    return exp.Anonymous(this=name, expressions=list(args))


def _template(sql: str, dialect: str, **values: exp.Expression) -> exp.Expression:
    """``sql`` parsed in ``dialect`` with each column named like a keyword of ``values`` replaced."""
    tree = sqlglot.parse_one(sql, read=dialect)

    def put(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name in values:
            return values[node.name].copy()
        return node

    return tree.transform(put)


def _anonymous_name(node: exp.Expression) -> str | None:
    return str(node.this).lower() if isinstance(node, exp.Anonymous) else None


# -- column types ---------------------------------------------------------------------------------
# The SQL type of each Arrow type, by dialect: the one map every engine declares columns with.
# Unsigned integers take the next wider signed type; "decimal" is a template for precision, scale.
_SQL_TYPES: dict[str, dict[str, str]] = {
    "duckdb": {
        "string": "VARCHAR", "bool": "BOOLEAN", "int8": "TINYINT", "int16": "SMALLINT",
        "int32": "INTEGER", "int64": "BIGINT", "float32": "FLOAT", "float64": "DOUBLE", "date": "DATE",
        "timestamp": "TIMESTAMP", "timestamptz": "TIMESTAMPTZ", "decimal": "DECIMAL({p}, {s})",
    },
    "postgres": {
        "string": "text", "bool": "boolean", "int8": "smallint", "int16": "smallint", "int32": "integer",
        "int64": "bigint", "float32": "real", "float64": "double precision", "date": "date",
        "timestamp": "timestamp", "timestamptz": "timestamptz", "decimal": "numeric({p}, {s})",
    },
    "spark": {
        "string": "STRING", "bool": "BOOLEAN", "int8": "TINYINT", "int16": "SMALLINT", "int32": "INT",
        "int64": "BIGINT", "float32": "FLOAT", "float64": "DOUBLE", "date": "DATE",
        "timestamp": "TIMESTAMP_NTZ", "timestamptz": "TIMESTAMP_LTZ", "decimal": "DECIMAL({p}, {s})",
    },
}  # fmt: skip


def _type_key(t: pa.DataType) -> str | None:
    """The dialect-neutral name of an Arrow type in :data:`_SQL_TYPES`, or None."""
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_int64(t) or pa.types.is_uint32(t):
        return "int64"
    if pa.types.is_int32(t) or pa.types.is_uint16(t):
        return "int32"
    if pa.types.is_int16(t) or pa.types.is_uint8(t):
        return "int16"
    if pa.types.is_int8(t):
        return "int8"
    if pa.types.is_float64(t):
        return "float64"
    if pa.types.is_float32(t):
        return "float32"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz else "timestamp"
    if pa.types.is_decimal(t):
        return "decimal"
    return None


def sql_type(arrow_type: pa.DataType, dialect: str) -> str:
    """The column type ``dialect`` (duckdb, postgres, spark) declares for ``arrow_type``; a
    ``TypeError`` for an Arrow type no engine stores (lists, structs, unsigned 64-bit …)."""
    key = _type_key(arrow_type)
    if key is None:
        raise TypeError(f"Arrow type {arrow_type} has no {dialect} column type here")
    name = _SQL_TYPES[dialect][key]
    return name.format(p=arrow_type.precision, s=arrow_type.scale) if key == "decimal" else name


@cache
def _canonical_schema() -> dict[str, dict[str, str]]:
    """The canonical tables as sqlglot sees a schema: table → column → SQL type."""
    return {name: {f.name: sql_type(f.type, SOURCE_DIALECT) for f in t.schema} for name, t in TABLES.items()}


def _annotate(tree: exp.Expression) -> None:
    """Record in each node's ``meta["type"]`` the SQL type sqlglot infers for it from the
    canonical tables, where it can (a column of a view it does not know stays untyped).

    Inference needs qualified column names, which change the SQL's wording, so it runs on a twin
    of the tree and only the types are carried back."""
    originals = list(tree.walk())
    twin = tree.copy()
    for i, node in enumerate(twin.walk()):
        node.meta["twin"] = i
    try:
        qualify(
            twin,
            schema=_canonical_schema(),
            dialect=SOURCE_DIALECT,
            validate_qualify_columns=False,
            quote_identifiers=False,
            expand_stars=False,
        )
        annotate_types(twin, schema=_canonical_schema(), dialect=SOURCE_DIALECT)
    except Exception:  # types are a refinement: without them the transforms still apply
        return
    for node in twin.walk():
        i = node.meta.get("twin")
        typ = node.type
        if i is not None and i < len(originals) and typ is not None and not typ.is_type("unknown"):
            originals[i].meta["type"] = typ


def _type_of(node: exp.Expression) -> exp.DataType | None:
    """The SQL type :func:`_annotate` found for ``node``, or None."""
    return node.meta.get("type") if node.meta else None


def _part(node: exp.Expression) -> tuple[str, exp.Expression] | None:
    """(unit, argument) of ``EXTRACT(unit FROM x)`` or ``date_part('unit', x)``, else None."""
    if isinstance(node, exp.Extract) and isinstance(node.this, exp.Var | exp.Identifier):
        return node.this.name.lower(), node.expression
    if _anonymous_name(node) == "date_part" and len(node.expressions) == 2:
        unit, arg = node.expressions
        if isinstance(unit, exp.Literal) and unit.is_string:
            return unit.this.lower(), arg
    return None


# DuckDB's calendar-part functions and the EXTRACT unit each one means; all answer integers.
_PART_FUNCTIONS: dict[type[exp.Expression], str] = {
    exp.Year: "year",
    exp.Quarter: "quarter",
    exp.Month: "month",
    exp.Week: "week",
    exp.WeekOfYear: "week",
    exp.Day: "day",
    exp.DayOfMonth: "day",
    exp.DayOfYear: "doy",
    exp.Hour: "hour",
    exp.Minute: "minute",
    exp.Second: "second",
}
_PART_UNITS = {"year", "quarter", "month", "week", "day", "doy", "dayofyear", "hour", "minute", "second"}


def _calendar_part(node: exp.Expression) -> tuple[str, exp.Expression] | None:
    """(EXTRACT unit, argument) of ``hour(ts)``, ``extract(hour FROM ts)``, ``date_part('hour', ts)``…"""
    for cls, unit in _PART_FUNCTIONS.items():
        if type(node) is cls and isinstance(node.this, exp.Expression):
            return unit, node.this
    part = _part(node)
    if part and part[0] in _PART_UNITS:
        return ("doy" if part[0] == "dayofyear" else part[0]), part[1]
    return None


def _is_decimal_literal(node: exp.Expression) -> bool:
    return (
        isinstance(node, exp.Literal)
        and not node.is_string
        and any(c in node.this for c in ".eE")
        and node.find_ancestor(exp.DataType, exp.Interval) is None
    )


def _epoch_seconds(arg: exp.Expression) -> exp.Expression:
    """DuckDB ``epoch(ts)``: seconds with their microseconds, as a double."""
    return exp.Div(
        this=_fn("epoch_us", arg.copy()),
        expression=exp.cast(exp.Literal.number("1000000.0"), exp.DataType.Type.DOUBLE),
    )


# -- shared by Spark and PostgreSQL ---------------------------------------------------------------
def decimal_literals_as_double(node: exp.Expression) -> exp.Expression:
    """``1.0`` is DECIMAL in DuckDB, but DuckDB divides and averages decimals as DOUBLE; Spark keeps
    DECIMAL (``avg`` to 5 places, ``1.0 / 3`` to 6) and PostgreSQL NUMERIC. A DOUBLE literal
    gives the same numbers everywhere."""
    if _is_decimal_literal(node) and not isinstance(node.parent, exp.Cast):
        return exp.cast(node.copy(), exp.DataType.Type.DOUBLE)
    return node


_QUANTILES = (exp.PercentileCont, exp.PercentileDisc, exp.Quantile, exp.ApproxQuantile, exp.Median)


def duckdb_decimal_literals_as_double(node: exp.Expression) -> exp.Expression:
    """DuckDB too: ``CASE … THEN 1.0`` is a DECIMAL column, which reaches Python as ``Decimal``
    (evidence values) where the other engines answer floats. A quantile's fraction stays as written:
    DuckDB wants a constant there, and sqlglot would move the cast into ``ORDER BY``."""
    if isinstance(node.parent, _QUANTILES):
        return node
    return decimal_literals_as_double(node)


def epoch_as_micros(node: exp.Expression) -> exp.Expression:
    """``epoch(ts)``, ``extract(epoch FROM ts)``: Spark's ``unix_timestamp`` truncates to whole
    seconds, so go through exact microseconds like DuckDB does."""
    if isinstance(node, exp.TimeToUnix):
        return _epoch_seconds(node.this)
    part = _part(node)
    if part and part[0] == "epoch":
        return _epoch_seconds(part[1])
    return node


def discrete_quantile(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``quantile(x, p)`` is ``quantile_disc``; sqlglot takes it for a continuous one."""
    if isinstance(node, exp.Quantile):
        return exp.PercentileDisc(this=node.this.copy(), expression=node.args["quantile"].copy())
    return node


def _ordered_set(node: exp.Expression) -> tuple[str, exp.Expression, exp.Expression] | None:
    """(``cont``|``disc``, x, p) of any DuckDB quantile spelling, with p for ascending order."""
    if isinstance(node, exp.Median):
        return "cont", node.this, exp.Literal.number("0.5")
    if isinstance(node, exp.PercentileCont | exp.PercentileDisc) and node.expression is not None:
        kind = "cont" if isinstance(node, exp.PercentileCont) else "disc"
        return kind, node.this, node.expression
    if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont | exp.PercentileDisc):
        order = node.expression.expressions if isinstance(node.expression, exp.Order) else []
        if len(order) != 1 or node.this.expression is not None:
            return None
        kind = "cont" if isinstance(node.this, exp.PercentileCont) else "disc"
        p = node.this.this.copy()
        if order[0].args.get("desc"):
            # The p-th quantile in descending order is the (1 - p)-th in ascending order.
            p = exp.Sub(this=exp.Literal.number(1), expression=exp.paren(p, copy=False))
        return kind, order[0].this, p
    return None


# -- Spark ----------------------------------------------------------------------------------------
def spark_exact_quantiles(node: exp.Expression) -> exp.Expression:
    """Exact quantiles: sqlglot writes ``PERCENTILE_CONT(x, p)`` (rejected by Spark 4) or
    ``PERCENTILE_APPROX`` (approximate); Spark's ``percentile(x, p)`` equals DuckDB's
    ``quantile_cont`` exactly, and ``percentile_disc(p) WITHIN GROUP`` its ``quantile_disc``."""
    found = _ordered_set(node)
    if found is None:
        return node
    kind, x, p = found
    if kind == "cont":
        return _fn("percentile", x.copy(), p.copy())
    order = exp.Order(expressions=[exp.Ordered(this=x.copy(), nulls_first=False)])
    return exp.WithinGroup(this=_fn("percentile_disc", p.copy()), expression=order)


def spark_epoch_us(node: exp.Expression) -> exp.Expression:
    """``epoch_us(ts)`` (used by ``seconds_between``): Spark's ``unix_micros``, exact."""
    if _anonymous_name(node) == "epoch_us" and len(node.expressions) == 1:
        return _fn("unix_micros", node.expressions[0].copy())
    return node


def spark_instants(node: exp.Expression) -> exp.Expression:
    """TIMESTAMPTZ is an instant: Spark's TIMESTAMP_LTZ, whatever ``spark.sql.timestampType`` says;
    DuckDB's plain TIMESTAMP is wall-clock time: TIMESTAMP_NTZ."""
    if isinstance(node, exp.DataType):
        if node.this == exp.DataType.Type.TIMESTAMPTZ:
            return exp.DataType.build("TIMESTAMPLTZ")
        if node.this == exp.DataType.Type.TIMESTAMP:
            return exp.DataType.build("TIMESTAMPNTZ")
    return node


_INTEGER_TYPES = {
    exp.DataType.Type.TINYINT,
    exp.DataType.Type.SMALLINT,
    exp.DataType.Type.INT,
    exp.DataType.Type.BIGINT,
}
# Canonical columns holding doubles: a cast of one to an integer rounds in DuckDB.
_DOUBLE_COLUMNS = frozenset(
    f.name for t in TABLES.values() for f in t.schema if pa.types.is_floating(f.type)
) - frozenset(f.name for t in TABLES.values() for f in t.schema if not pa.types.is_floating(f.type))
_FRACTIONAL_FUNCTIONS = (
    exp.Avg,
    exp.Median,
    exp.PercentileCont,
    exp.Quantile,
    exp.Stddev,
    exp.StddevPop,
    exp.StddevSamp,
    exp.Variance,
    exp.VariancePop,
    exp.Round,
)


def _is_fractional(node: exp.Expression) -> bool:
    """Whether ``node`` is a double or decimal: by its inferred type, else by what shows."""
    typ = _type_of(node)
    if typ is not None:
        return typ.is_type(*exp.DataType.REAL_TYPES)
    node = node.unnest()
    if isinstance(node, exp.Div | exp.Cast | exp.Literal):
        if isinstance(node, exp.Cast):
            return node.to.this in (exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT)
        return isinstance(node, exp.Div) or _is_decimal_literal(node)
    if isinstance(node, exp.Column):
        return node.name in _DOUBLE_COLUMNS
    if isinstance(node, _FRACTIONAL_FUNCTIONS):
        return True
    if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Neg):
        return any(_is_fractional(c) for c in (node.this, node.args.get("expression")) if c is not None)
    return False


def spark_round_to_integer(node: exp.Expression) -> exp.Expression:
    """DuckDB casts a double to an integer rounding half to even (as PostgreSQL does); Spark
    truncates. ``bround`` first, where the operand visibly is a double."""
    if isinstance(node, exp.Cast) and node.to.this in _INTEGER_TYPES and _is_fractional(node.this):
        return exp.Cast(this=_fn("bround", node.this.copy(), exp.Literal.number(0)), to=node.to.copy())
    return node


def _is_instant(node: exp.Expression) -> bool:
    typ = _type_of(node)
    return typ is not None and typ.is_type(exp.DataType.Type.TIMESTAMPTZ, exp.DataType.Type.TIMESTAMPLTZ)


def _instant_text(node: exp.Expression) -> exp.Expression:
    return exp.Concat(
        expressions=[exp.cast(node.copy(), exp.DataType.Type.TEXT), exp.Literal.string("+00")], safe=True
    )


def spark_instant_text(node: exp.Expression) -> exp.Expression:
    """An instant as text: DuckDB (and PostgreSQL) write ``2026-09-01 01:20:25.59381+00`` in UTC,
    Spark leaves out the ``+00``; evidence keys built from times must match."""
    if isinstance(node, exp.Cast) and node.to.is_type(*exp.DataType.TEXT_TYPES) and _is_instant(node.this):
        return _instant_text(node.this)
    if isinstance(node, exp.DPipe | exp.Concat):
        parts = [node.this, node.expression] if isinstance(node, exp.DPipe) else node.expressions
        if any(_is_instant(p) for p in parts):
            # A new node, so that the pass does not visit (and wrap) the parts again.
            new = node.copy()
            parts = [new.this, new.expression] if isinstance(new, exp.DPipe) else new.expressions
            for original, part in zip([node.this, node.expression] if isinstance(node, exp.DPipe)
                                      else node.expressions, parts, strict=True):  # fmt: skip
                if _is_instant(original):
                    part.replace(_instant_text(part))
            return new
    return node


def spark_calendar_parts(node: exp.Expression) -> exp.Expression:
    """DuckDB's seconds part is a whole number, Spark's EXTRACT(SECOND …) a DECIMAL with the
    microseconds; Spark has ``weekofyear``, not ``week``."""
    found = _calendar_part(node)
    if found is None:
        return node
    unit, arg = found
    if unit == "second":
        return _fn("second", arg.copy())
    if unit == "week":
        return _fn("weekofyear", arg.copy())
    return node


def spark_day_of_week(node: exp.Expression) -> exp.Expression:
    """DuckDB numbers Sunday 0 (``dayofweek``, ``dow``) and Monday 1 … Sunday 7 (``isodow``);
    Spark's ``dayofweek`` numbers Sunday 1 and ``weekday`` Monday 0."""
    part = _part(node)
    unit = part[0] if part else None
    arg = part[1] if part else node.this
    if isinstance(node, exp.DayOfWeek) or unit in ("dow", "dayofweek"):
        return exp.paren(exp.Sub(this=_fn("dayofweek", arg.copy()), expression=exp.Literal.number(1)))
    if isinstance(node, exp.DayOfWeekIso) or unit == "isodow":
        return exp.paren(exp.Add(this=_fn("weekday", arg.copy()), expression=exp.Literal.number(1)))
    return node


# -- PostgreSQL -----------------------------------------------------------------------------------
def postgres_quantiles(node: exp.Expression) -> exp.Expression:
    """PostgreSQL has no ``median`` nor ``quantile_*``: ordered-set ``percentile_cont`` /
    ``percentile_disc`` (both exact)."""
    found = _ordered_set(node)
    if found is None:
        return node
    kind, x, p = found
    order = exp.Order(expressions=[exp.Ordered(this=x.copy(), nulls_first=False)])
    return exp.WithinGroup(this=_fn(f"percentile_{kind}", p.copy()), expression=order)


def postgres_epoch_us(node: exp.Expression) -> exp.Expression:
    """``epoch_us(ts)``: EXTRACT(EPOCH …) is an exact NUMERIC since PostgreSQL 14, so microseconds
    times a million are an exact integer (no double in between)."""
    if _anonymous_name(node) == "epoch_us" and len(node.expressions) == 1:
        return _template(
            "CAST(EXTRACT(EPOCH FROM ts) * 1000000 AS BIGINT)", "postgres", ts=node.expressions[0]
        )
    return node


def postgres_round(node: exp.Expression) -> exp.Expression:
    """PostgreSQL rounds a double half to even and has no ``round(double, digits)``; DuckDB rounds
    half away from zero, as PostgreSQL does on NUMERIC."""
    if isinstance(node, exp.Round) and not isinstance(node.this, exp.Cast):
        digits = node.args.get("decimals")
        rounded = exp.Round(
            this=exp.cast(node.this.copy(), exp.DataType.Type.DECIMAL),
            decimals=digits.copy() if digits is not None else None,
        )
        return exp.cast(rounded, exp.DataType.Type.DOUBLE)
    return node


def postgres_int_div(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``a // b`` on integers truncates to a BIGINT; PostgreSQL's ``div`` gives NUMERIC."""
    if isinstance(node, exp.IntDiv):
        return exp.cast(_fn("div", node.this.copy(), node.expression.copy()), exp.DataType.Type.BIGINT)
    return node


def postgres_fractional_mod(node: exp.Expression) -> exp.Expression:
    """DuckDB takes ``x % m`` of doubles (``round(seconds) % 300``); PostgreSQL only of integers
    and NUMERIC, so a double operand goes through NUMERIC."""
    if isinstance(node, exp.Mod) and (_is_fractional(node.this) or _is_fractional(node.expression)):
        numeric = exp.DataType.Type.DECIMAL
        mod = _fn("mod", exp.cast(node.this.copy(), numeric), exp.cast(node.expression.copy(), numeric))
        return exp.cast(mod, exp.DataType.Type.DOUBLE)
    return node


def postgres_calendar_parts(node: exp.Expression) -> exp.Expression:
    """``hour(ts)`` and friends do not exist in PostgreSQL, and its EXTRACT answers NUMERIC with
    the seconds' fraction; DuckDB answers whole BIGINTs."""
    found = _calendar_part(node)
    if found is None:
        return node
    unit, arg = found
    return _template(f"CAST(FLOOR(EXTRACT({unit.upper()} FROM ts)) AS BIGINT)", "postgres", ts=arg)


def postgres_day_of_week(node: exp.Expression) -> exp.Expression:
    """``dayofweek`` / ``isodow`` are EXTRACT(DOW | ISODOW) in PostgreSQL (sqlglot writes functions
    that do not exist); both number the days as DuckDB does."""
    part = _part(node)
    unit = part[0] if part else None
    arg = part[1] if part else node.this
    if isinstance(node, exp.DayOfWeek) or unit in ("dow", "dayofweek"):
        return _template("CAST(EXTRACT(DOW FROM ts) AS BIGINT)", "postgres", ts=arg)
    if isinstance(node, exp.DayOfWeekIso) or unit == "isodow":
        return _template("CAST(EXTRACT(ISODOW FROM ts) AS BIGINT)", "postgres", ts=arg)
    return node


# Applied in order, one pass each. Literals come first so that the literals the later transforms
# create (a quantile's 0.5, a million) stay plain.
TRANSFORMS: dict[str, tuple[Transform, ...]] = {
    "duckdb": (duckdb_decimal_literals_as_double,),
    "spark": (
        decimal_literals_as_double,
        epoch_as_micros,
        discrete_quantile,
        spark_exact_quantiles,
        spark_epoch_us,
        spark_instants,
        spark_day_of_week,
        spark_calendar_parts,
        spark_round_to_integer,
        spark_instant_text,
    ),
    "postgres": (
        decimal_literals_as_double,
        epoch_as_micros,
        discrete_quantile,
        postgres_quantiles,
        postgres_epoch_us,
        postgres_round,
        postgres_int_div,
        postgres_fractional_mod,
        postgres_day_of_week,
        postgres_calendar_parts,
    ),
}


def to_dialect(tree: exp.Expression, dialect: str) -> str:
    """``tree`` (parsed as DuckDB SQL) written as SQL for ``dialect``, with the transforms above."""
    if dialect not in TRANSFORMS:
        raise ValueError(f"no SQL dialect rules for {dialect!r}; known: {', '.join(TRANSFORMS)}")
    out = tree.copy()
    if TRANSFORMS[dialect]:
        _annotate(out)
    for transform in TRANSFORMS[dialect]:
        out = out.transform(transform, copy=False)
    return out.sql(dialect=dialect)


def transpile(sql: str, dialect: str) -> str:
    """DuckDB SQL text (a view's query, a hand-written query) as SQL for ``dialect``."""
    return to_dialect(sqlglot.parse_one(sql, read=SOURCE_DIALECT), dialect)
