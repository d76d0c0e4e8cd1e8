"""Derived fields: a small expression language over columns, evaluated a column at a time.

Parsed with Python's ``ast`` and walked against a whitelist; nothing is ever passed to ``eval``.
Names are canonical fields of the table being imported (already typed); ``col("Header")`` is a
source column as text. Functions:

- ``seconds_between(a, b)``: seconds from instant ``a`` to instant ``b`` (negative if b is earlier)
- ``add_seconds(t, s)``: the instant ``t`` plus ``s`` seconds (a whole or decimal number; negative
  goes back); empty if either is empty
- ``concat(x, …)``: text joined (an empty part makes the whole null; wrap it in ``coalesce``)
- ``coalesce(x, …)``: the first non-empty value
- ``lower(x)``, ``upper(x)``, ``text(x)``: text
- ``time(x)``, ``duration(x)``, ``number(x)``, ``flag(x)``: parse text as an instant (in the
  source's time zone), a duration in seconds, a number, a yes/no value
- ``if_else(condition, a, b)``, ``is_null(x)``
- ``+ - * /`` on numbers, ``== != < <= > >=``, ``and``, ``or``, ``not``, literals.

An expression is at most ``MAX_CHARS`` characters and ``MAX_DEPTH`` levels deep (checked when the
mapping is read, before Python's parser sees it), so that no mapping can exhaust the stack.
Problems met while evaluating (an argument of the wrong type) are one line naming the function or
operator, never the Arrow library's own words.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from frontdesk.ingest import values as V

MAX_CHARS = 2000  # an expression's length
MAX_DEPTH = 50  # how deeply its parts nest: a + b + c is 3 deep, not (not x) 3, f(g(x)) 3

FUNCTIONS = (
    "seconds_between",
    "add_seconds",
    "concat",
    "coalesce",
    "lower",
    "upper",
    "text",
    "time",
    "duration",
    "number",
    "flag",
    "if_else",
    "is_null",
    "col",
)


class ExpressionError(ValueError):
    """An expression outside the language; the message names the part."""


@dataclass(frozen=True)
class Expression:
    """A checked expression; ``fields`` are the canonical names it reads, ``sources`` the headers."""

    text: str
    tree: ast.expr
    fields: frozenset[str]
    sources: frozenset[str]


def compile_expression(text: str) -> Expression:
    """Parse and check ``text``; raises ``ExpressionError`` for anything outside the language
    (also for one longer than ``MAX_CHARS`` or nested deeper than ``MAX_DEPTH``)."""
    if len(text) > MAX_CHARS:
        raise ExpressionError(f"the expression is {len(text):,} characters long; at most {MAX_CHARS:,}")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as e:
        raise ExpressionError(f"not an expression: {short_text(text)} ({e.msg})") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"the expression nests too deeply (at most {MAX_DEPTH} levels)") from None
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"the expression nests more than {MAX_DEPTH} levels deep (at most {MAX_DEPTH})")
    fields: set[str] = set()
    sources: set[str] = set()
    _check(tree, fields, sources)
    return Expression(text, tree, frozenset(fields), frozenset(sources))


def short_text(text: str, limit: int = 80) -> str:
    """``text`` on one line, quoted, cut to ``limit`` characters."""
    one = " ".join(text.split())
    return repr(one if len(one) <= limit else one[: limit - 1] + "…")


def _depth(tree: ast.AST) -> int:
    """How deeply the expression nodes of ``tree`` nest, without recursion."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > MAX_DEPTH:
            break
        stack += [(c, d + 1 if isinstance(c, ast.expr) else d) for c in ast.iter_child_nodes(node)]
    return deepest


_BINOPS = {ast.Add: pc.add, ast.Sub: pc.subtract, ast.Mult: pc.multiply, ast.Div: pc.divide}
_CMPOPS = {
    ast.Eq: pc.equal,
    ast.NotEq: pc.not_equal,
    ast.Lt: pc.less,
    ast.LtE: pc.less_equal,
    ast.Gt: pc.greater,
    ast.GtE: pc.greater_equal,
}


def _check(node: ast.AST, fields: set[str], sources: set[str]) -> None:
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, str | int | float | bool | type(None)):
            raise ExpressionError(f"unsupported literal {node.value!r}")
    elif isinstance(node, ast.Name):
        fields.add(node.id)
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        _check(node.left, fields, sources)
        _check(node.right, fields, sources)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
        _check(node.operand, fields, sources)
    elif isinstance(node, ast.BoolOp):
        for v in node.values:
            _check(v, fields, sources)
    elif isinstance(node, ast.Compare) and all(type(op) in _CMPOPS for op in node.ops):
        _check(node.left, fields, sources)
        for c in node.comparators:
            _check(c, fields, sources)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        if node.keywords:
            raise ExpressionError(f"{node.func.id}() takes no keyword arguments")
        if node.func.id == "col":
            if (
                len(node.args) != 1
                or not isinstance(node.args[0], ast.Constant)
                or not isinstance(node.args[0].value, str)
            ):
                raise ExpressionError('col() takes one quoted column name, e.g. col("Ticket ID")')
            sources.add(node.args[0].value)
            return
        for a in node.args:
            _check(a, fields, sources)
    else:
        raise ExpressionError(f"not allowed in a derived field: {short_text(ast.unparse(node))}")


@dataclass
class Context:
    """What an expression can read: typed canonical columns, raw source columns, the time zone."""

    fields: dict[str, pa.Array]
    sources: dict[str, pa.Array]
    timezone: str
    date_order: str
    length: int


def evaluate(expr: Expression, ctx: Context) -> pa.Array:
    """The expression's value for every row, as an Arrow array of ``ctx.length``."""
    out = _eval(expr.tree, ctx)
    if isinstance(out, pa.Scalar):
        return pa.array([out.as_py()] * ctx.length, out.type) if out.is_valid else pa.nulls(ctx.length)
    return out


def _eval(node: ast.AST, ctx: Context) -> Any:
    if isinstance(node, ast.Constant):
        return pa.scalar(node.value)
    if isinstance(node, ast.Name):
        if node.id not in ctx.fields:
            raise ExpressionError(f"unknown field {node.id!r} (derived fields read canonical fields)")
        return ctx.fields[node.id]
    if isinstance(node, ast.BinOp):
        left, right = _num(_eval(node.left, ctx)), _num(_eval(node.right, ctx))
        return _arrow(_OPNAMES[type(node.op)], _BINOPS[type(node.op)], left, right)
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, ctx)
        if isinstance(node.op, ast.Not):
            return _arrow("not", pc.invert, v)
        return _arrow("-", pc.negate, _num(v))
    if isinstance(node, ast.BoolOp):
        name = "and" if isinstance(node.op, ast.And) else "or"
        op = pc.and_kleene if isinstance(node.op, ast.And) else pc.or_kleene
        acc = _eval(node.values[0], ctx)
        for v in node.values[1:]:
            acc = _arrow(name, op, acc, _eval(v, ctx))
        return acc
    if isinstance(node, ast.Compare):
        left = _eval(node.left, ctx)
        acc = None
        for op, comp in zip(node.ops, node.comparators, strict=True):
            right = _eval(comp, ctx)
            part = _arrow(_OPNAMES[type(op)], _CMPOPS[type(op)], left, right)
            acc = part if acc is None else pc.and_kleene(acc, part)
            left = right
        return acc
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    name = node.func.id
    if name == "col":
        header = node.args[0].value  # type: ignore[attr-defined]
        if header not in ctx.sources:
            raise ExpressionError(f"col({header!r}): no such column in the file")
        return V.clean_text(ctx.sources[header])
    args = [_eval(a, ctx) for a in node.args]
    try:
        return _CALLS[name](ctx, args)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, OverflowError):
        kinds = ", ".join(describe_type(a.type) for a in args)
        raise ExpressionError(f"{name}() cannot take ({kinds})") from None


_OPNAMES: dict[type, str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Eq: "==", ast.NotEq: "!=",
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
}  # fmt: skip


def describe_type(t: pa.DataType) -> str:
    """A value type in the mapping's words."""
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return "time"
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_duration(t):
        return "duration"
    if pa.types.is_boolean(t):
        return "yes/no"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "text"
    if t == pa.null():
        return "empty"
    return str(t)


def _arrow(what: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``; an Arrow error becomes one line naming the operator or function."""
    try:
        return fn(*args)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, OverflowError):
        kinds = " and ".join(describe_type(a.type) for a in args)
        raise ExpressionError(f"{what!r} cannot be applied to {kinds} values") from None


def _num(v: Any) -> Any:
    t = v.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_timestamp(t):
        return v
    if pa.types.is_boolean(t):
        return pc.cast(v, pa.int64())
    raise ExpressionError(f"arithmetic on {describe_type(t)} values")


def _arity(name: str, args: list[Any], lo: int, hi: int | None = None) -> None:
    if len(args) < lo or (hi is not None and len(args) > hi):
        raise ExpressionError(f"{name}() takes {lo if hi == lo else f'{lo} or more'} arguments")


def _text(v: Any) -> Any:
    return v if v.type == pa.string() else pc.cast(v, pa.string())


def _seconds_between(ctx: Context, args: list[Any]) -> Any:
    _arity("seconds_between", args, 2, 2)
    a, b = (pc.cast(x, pa.timestamp("us", tz="UTC")) for x in args)
    us = pc.subtract(pc.cast(b, pa.int64()), pc.cast(a, pa.int64()))
    return pc.divide(pc.cast(us, pa.float64()), 1_000_000.0)


_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


def _add_seconds(ctx: Context, args: list[Any]) -> Any:
    """``t`` plus ``s`` seconds, of ``t``'s type; empty where either is empty."""
    _arity("add_seconds", args, 2, 2)
    t, s = args
    if t.type == pa.null():
        t = pa.nulls(ctx.length, pa.timestamp("us", tz="UTC"))
    if not pa.types.is_timestamp(t.type):
        raise ExpressionError(
            f'add_seconds(): the first argument must be a time (a time field, or time(col("…"))), '
            f"not {describe_type(t.type)}"
        )
    if s.type == pa.null():
        return pa.nulls(ctx.length, t.type) if isinstance(t, pa.Scalar) else pa.nulls(len(t), t.type)
    if pa.types.is_duration(s.type):
        s = pc.divide(pc.cast(pc.cast(s, pa.int64()), pa.float64()), float(_PER_SECOND[s.type.unit]))
    elif pa.types.is_boolean(s.type) or not (pa.types.is_integer(s.type) or pa.types.is_floating(s.type)):
        raise ExpressionError(
            f"add_seconds(): the second argument must be a number of seconds (a number field, or "
            f'number(col("…")) or duration(col("…"))), not {describe_type(s.type)}'
        )
    per = _PER_SECOND[t.type.unit]
    try:
        if pa.types.is_integer(s.type):
            step = pc.multiply_checked(pc.cast(s, pa.int64()), per)
        else:  # whole units of the time's precision; not-a-number or infinite seconds are empty
            f = pc.cast(s, pa.float64())
            f = pc.if_else(pc.is_finite(f), f, pa.scalar(None, pa.float64()))
            step = pc.cast(pc.round(pc.multiply(f, float(per))), pa.int64())
        out = pc.add_checked(pc.cast(t, pa.int64()), step)
    except pa.ArrowInvalid:  # beyond 64 bits
        raise ExpressionError("add_seconds(): the result is beyond the times that can be stored") from None
    return pc.cast(out, t.type)


def _concat(ctx: Context, args: list[Any]) -> Any:
    _arity("concat", args, 1)
    return pc.binary_join_element_wise(*[_text(a) for a in args], "")


def _coalesce(ctx: Context, args: list[Any]) -> Any:
    _arity("coalesce", args, 1)
    types = {a.type for a in args if a.type != pa.null()}
    if len(types) > 1:
        args = [_text(a) for a in args]
    return pc.coalesce(*args)


def _parsed(parser: Callable[..., V.Parsed]) -> Callable[[Context, list[Any]], Any]:
    def call(ctx: Context, args: list[Any]) -> Any:
        _arity(parser.__name__, args, 1, 1)
        arr = args[0]
        if isinstance(arr, pa.Scalar):
            arr = pa.array([arr.as_py()] * ctx.length, pa.string())
        return parser(_text(arr)).values

    return call


def _if_else(ctx: Context, args: list[Any]) -> Any:
    _arity("if_else", args, 3, 3)
    return pc.if_else(args[0], args[1], args[2])


_CALLS: dict[str, Callable[[Context, list[Any]], Any]] = {
    "seconds_between": _seconds_between,
    "add_seconds": _add_seconds,
    "concat": _concat,
    "coalesce": _coalesce,
    "lower": lambda ctx, a: pc.utf8_lower(_text(a[0])),
    "upper": lambda ctx, a: pc.utf8_upper(_text(a[0])),
    "text": lambda ctx, a: _text(a[0]),
    "time": lambda ctx, a: V.parse_timestamp(_text(a[0]), ctx.timezone, ctx.date_order).values,
    "duration": _parsed(V.parse_duration),
    "number": _parsed(V.parse_float),
    "flag": _parsed(V.parse_bool),
    "if_else": _if_else,
    "is_null": lambda ctx, a: pc.is_null(a[0]),
}
