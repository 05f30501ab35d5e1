"""Compile a checked condition tree into nested closures (the hot path).

Each node becomes one small closure, built once at load time, that takes the
record, the facts mapping and the tuple of quantifier items in scope, and
returns ``True``, ``False`` or ``None`` (unknown) under Kleene's three-valued
logic. Nothing here dispatches on node types, formats text or allocates trace
objects at call time; shapes that conditions use most (a field compared with a
constant, ``and``/``or`` of two operands) get closures of their own.

Record paths are read with one C-level ``operator.attrgetter``; a ``None``
on the way makes it raise ``AttributeError``, and only then does a slower
walk decide between "not known" and a genuine error.

The value-level semantics (comparison operators, dates, enum values,
division) are defined once here and shared with the tracer in ``_trace``.
"""

from __future__ import annotations

import datetime
import enum
import operator
from collections.abc import Callable, Mapping
from typing import Any

from spinedx._schema import DateType, EnumType, ListType, SchemaType
from spinedx._tree import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Expr,
    FactRef,
    Literal,
    Neg,
    Not,
    Path,
    Quantifier,
    Var,
)
from spinedx._typecheck import Types

Env = tuple[object, ...]
Fn = Callable[[Any, Mapping[str, object], Env], Any]
Getter = Callable[[Any], Any]
Normaliser = Callable[[Any], Any]

OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def as_date(value: Any) -> Any:
    """Dates compare with dates: a datetime is read as its date, an ISO text (a fact) parsed."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return value


def enum_value(value: Any) -> Any:
    """A plain ``Enum`` member (not a ``StrEnum``) compares by its value."""
    return value.value if isinstance(value, enum.Enum) else value


def years_between(start: datetime.date, end: datetime.date) -> int:
    """Whole years from ``start`` to ``end``, as an age is counted (negative if end is earlier)."""
    if end < start:
        return -years_between(end, start)
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def days_between(start: datetime.date, end: datetime.date) -> int:
    """Days from ``start`` to ``end``."""
    return (end - start).days


def arithmetic(op: str, left: Any, right: Any) -> Any:
    """``left op right``; division by zero is unknown, never an error."""
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    return None if right == 0 else left / right


def normaliser(found: SchemaType | None) -> Normaliser | None:
    """The conversion a value of this type needs before it is compared, if any."""
    if isinstance(found, DateType):
        return as_date
    if isinstance(found, EnumType) and found.python and not issubclass(found.python, str):
        return enum_value
    if isinstance(found, ListType):
        inner = normaliser(found.item)
        if inner is not None:
            return lambda items: [None if i is None else inner(i) for i in items]
    return None


def getters(parts: tuple[str, ...]) -> tuple[Getter, Getter]:
    """A fast getter that raises on a ``None`` on the way, and a safe one that returns ``None``."""
    if not parts:
        return _identity, _identity
    fast = operator.attrgetter(".".join(parts))

    def safe(obj: Any) -> Any:
        for part in parts:
            if obj is None:
                return None
            obj = getattr(obj, part)
        return obj

    return fast, safe


def _identity(value: Any) -> Any:
    return value


def literal_value(node: Literal, types: Types) -> Any:
    """The runtime value of a literal: a text read as a date becomes a date."""
    if isinstance(node.value, tuple):
        return tuple(literal_value(item, types) for item in node.value)
    if isinstance(types.get(id(node)), DateType) and isinstance(node.value, str):
        return datetime.date.fromisoformat(node.value)
    return node.value


def compile_expr(expr: Expr, types: Types) -> Fn:
    """Compile a type-checked tree; ``types`` comes from ``check_types``."""
    return _Compiler(types).fn(expr)


class _Compiler:
    def __init__(self, types: Types) -> None:
        self.types = types
        self.scope: list[str] = []

    def fn(self, node: Expr) -> Fn:
        match node:
            case Literal():
                return _constant(literal_value(node, self.types))
            case Path() | Var() | FactRef():
                return self.read(node)
            case Not(operand=operand):
                return _not(self.fn(operand))
            case BoolOp(op=op, operands=operands):
                fns = [self.fn(o) for o in operands]
                if len(fns) == 2:
                    return _and2(*fns) if op == "and" else _or2(*fns)
                return _and_n(tuple(fns)) if op == "and" else _or_n(tuple(fns))
            case Compare():
                return self.compare(node)
            case Arith(op=op, left=left, right=right):
                return _arith(op, self.fn(left), self.fn(right))
            case Neg(operand=operand):
                return _neg(self.fn(operand))
            case Call():
                return self.call(node)
            case Quantifier():
                return self.quantifier(node)
        raise TypeError(f"not a condition node: {node!r}")  # pragma: no cover

    def read(self, node: Path | Var | FactRef) -> Fn:
        norm = normaliser(self.types.get(id(node)))
        if isinstance(node, FactRef):
            raw = _fact(node.name)
        elif isinstance(node, Path):
            raw = _record(*getters(node.parts))
        else:
            index = len(self.scope) - 1 - self.scope[::-1].index(node.name)
            raw = _item(index, *getters(node.parts))
        return raw if norm is None else _normalised(raw, norm)

    def compare(self, node: Compare) -> Fn:
        if len(node.ops) > 1:
            fns = [self.fn(node.left), *(self.fn(c) for c in node.comparators)]
            return _chain(tuple(OPS[op] if op in OPS else op for op in node.ops), tuple(fns))
        op: str = node.ops[0]
        left, right = node.left, node.comparators[0]
        if op in ("in", "not in"):
            if isinstance(right, Literal):
                values = literal_value(right, self.types)
                return _in_constant(self.fn(left), frozenset(values), op == "in")
            return _in_list(self.fn(left), self.fn(right), op == "in")
        if isinstance(left, Literal) and not isinstance(right, Literal):
            op, left, right = _FLIPPED[op], right, left
        if isinstance(right, Literal):
            constant = literal_value(right, self.types)
            if isinstance(left, Path) and normaliser(self.types.get(id(left))) is None:
                return _compare_path(*getters(left.parts), OPS[op], constant)
            return _compare_constant(self.fn(left), OPS[op], constant)
        return _compare(self.fn(left), OPS[op], self.fn(right))

    def call(self, node: Call) -> Fn:
        args = [self.fn(arg) for arg in node.args]
        if node.func == "known":
            return _known(args[0])
        if node.func == "count":
            return _length(args[0])
        between = years_between if node.func == "years_between" else days_between
        return _between(between, args[0], args[1])

    def quantifier(self, node: Quantifier) -> Fn:
        source = self.fn(node.source)
        self.scope.append(node.var)
        body = self.fn(node.body)
        self.scope.pop()
        if node.kind == "any":
            return _any(source, body)
        if node.kind == "all":
            return _all(source, body)
        return _count(source, body)


# -- leaves ------------------------------------------------------------------


def _constant(value: Any) -> Fn:
    def constant(r: Any, f: Mapping[str, object], e: Env) -> Any:
        return value

    return constant


def _fact(name: str) -> Fn:
    def fact(r: Any, f: Mapping[str, object], e: Env) -> Any:
        return f.get(name)

    return fact


def _record(fast: Getter, safe: Getter) -> Fn:
    def record(r: Any, f: Mapping[str, object], e: Env) -> Any:
        try:
            return fast(r)
        except AttributeError:
            return safe(r)

    return record


def _item(index: int, fast: Getter, safe: Getter) -> Fn:
    def item(r: Any, f: Mapping[str, object], e: Env) -> Any:
        value = e[index]
        if value is None:
            return None
        try:
            return fast(value)
        except AttributeError:
            return safe(value)

    return item


def _normalised(read: Fn, norm: Normaliser) -> Fn:
    def normalised(r: Any, f: Mapping[str, object], e: Env) -> Any:
        value = read(r, f, e)
        return None if value is None else norm(value)

    return normalised


# -- logic (Kleene) ----------------------------------------------------------


def _not(p: Fn) -> Fn:
    def not_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        x = p(r, f, e)
        return None if x is None else not x

    return not_


def _and2(p: Fn, q: Fn) -> Fn:
    def and2(r: Any, f: Mapping[str, object], e: Env) -> Any:
        x = p(r, f, e)
        if x is False:
            return False
        y = q(r, f, e)
        if y is False:
            return False
        return y if x else None  # x is True or None; y is True or None

    return and2


def _or2(p: Fn, q: Fn) -> Fn:
    def or2(r: Any, f: Mapping[str, object], e: Env) -> Any:
        x = p(r, f, e)
        if x is True:
            return True
        y = q(r, f, e)
        if y is True:
            return True
        return y if x is False else None  # x is False or None; y is False or None

    return or2


def _and_n(ps: tuple[Fn, ...]) -> Fn:
    def and_n(r: Any, f: Mapping[str, object], e: Env) -> Any:
        unknown = False
        for p in ps:
            x = p(r, f, e)
            if x is False:
                return False
            if x is None:
                unknown = True
        return None if unknown else True

    return and_n


def _or_n(ps: tuple[Fn, ...]) -> Fn:
    def or_n(r: Any, f: Mapping[str, object], e: Env) -> Any:
        unknown = False
        for p in ps:
            x = p(r, f, e)
            if x is True:
                return True
            if x is None:
                unknown = True
        return None if unknown else False

    return or_n


# -- comparisons -------------------------------------------------------------


def _compare_path(fast: Getter, safe: Getter, op: Callable[[Any, Any], Any], c: Any) -> Fn:
    def compare_path(r: Any, f: Mapping[str, object], e: Env) -> Any:
        try:
            v = fast(r)
        except AttributeError:
            v = safe(r)
        return None if v is None else op(v, c)

    return compare_path


def _compare_constant(p: Fn, op: Callable[[Any, Any], Any], c: Any) -> Fn:
    def compare_constant(r: Any, f: Mapping[str, object], e: Env) -> Any:
        v = p(r, f, e)
        return None if v is None else op(v, c)

    return compare_constant


def _compare(p: Fn, op: Callable[[Any, Any], Any], q: Fn) -> Fn:
    def compare(r: Any, f: Mapping[str, object], e: Env) -> Any:
        a = p(r, f, e)
        if a is None:
            return None
        b = q(r, f, e)
        return None if b is None else op(a, b)

    return compare


def _in_constant(p: Fn, values: frozenset[Any], positive: bool) -> Fn:
    test = values.__contains__

    def in_constant(r: Any, f: Mapping[str, object], e: Env) -> Any:
        v = p(r, f, e)
        if v is None:
            return None
        return test(v) is positive

    return in_constant


def _in_list(p: Fn, q: Fn, positive: bool) -> Fn:
    def in_list(r: Any, f: Mapping[str, object], e: Env) -> Any:
        v = p(r, f, e)
        if v is None:
            return None
        items = q(r, f, e)
        if items is None:
            return None
        if v in items:
            return positive
        return None if None in items else not positive

    return in_list


def _chain(ops: tuple[Any, ...], fns: tuple[Fn, ...]) -> Fn:
    first, rest = fns[0], tuple(zip(ops, fns[1:], strict=True))

    def chain(r: Any, f: Mapping[str, object], e: Env) -> Any:
        left = first(r, f, e)
        unknown = False
        for op, read in rest:
            right = read(r, f, e)
            if left is None or right is None:
                unknown = True
            elif not membership_or_compare(op, left, right):
                return False
            left = right
        return None if unknown else True

    return chain


def membership_or_compare(op: Any, left: Any, right: Any) -> Any:
    """One link of a comparison: an operator function, or ``in``/``not in`` by name."""
    if op == "in":
        return left in right
    if op == "not in":
        return left not in right
    return op(left, right)


# -- numbers, functions, quantifiers -----------------------------------------


def _arith(op: str, p: Fn, q: Fn) -> Fn:
    def arith(r: Any, f: Mapping[str, object], e: Env) -> Any:
        a = p(r, f, e)
        if a is None:
            return None
        b = q(r, f, e)
        return None if b is None else arithmetic(op, a, b)

    return arith


def _neg(p: Fn) -> Fn:
    def neg(r: Any, f: Mapping[str, object], e: Env) -> Any:
        v = p(r, f, e)
        return None if v is None else -v

    return neg


def _known(p: Fn) -> Fn:
    def known(r: Any, f: Mapping[str, object], e: Env) -> Any:
        return p(r, f, e) is not None

    return known


def _length(p: Fn) -> Fn:
    def length(r: Any, f: Mapping[str, object], e: Env) -> Any:
        items = p(r, f, e)
        return None if items is None else len(items)

    return length


def _between(between: Callable[[Any, Any], int], p: Fn, q: Fn) -> Fn:
    def between_fn(r: Any, f: Mapping[str, object], e: Env) -> Any:
        a, b = p(r, f, e), q(r, f, e)
        return None if a is None or b is None else between(a, b)

    return between_fn


def _any(source: Fn, body: Fn) -> Fn:
    def any_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        items = source(r, f, e)
        if items is None:
            return None
        unknown = False
        for item in items:
            x = body(r, f, (*e, item))
            if x is True:
                return True
            if x is None:
                unknown = True
        return None if unknown else False

    return any_


def _all(source: Fn, body: Fn) -> Fn:
    def all_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        items = source(r, f, e)
        if items is None:
            return None
        unknown = False
        for item in items:
            x = body(r, f, (*e, item))
            if x is False:
                return False
            if x is None:
                unknown = True
        return None if unknown else True

    return all_


def _count(source: Fn, body: Fn) -> Fn:
    def count(r: Any, f: Mapping[str, object], e: Env) -> Any:
        items = source(r, f, e)
        if items is None:
            return None
        total = 0
        for item in items:
            x = body(r, f, (*e, item))
            if x is None:
                return None
            if x:
                total += 1
        return total

    return count
