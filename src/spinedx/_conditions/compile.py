"""Compile a checked condition tree into closures (the hot path).

Each node becomes one small closure from ``closures``, chosen once at load
time; nothing dispatches on node types, formats text or allocates trace
objects at call time.

Every condition is compiled twice. The *fast* form reads record paths with a
C-level ``operator.attrgetter("history.age")``, which raises
``AttributeError`` when an object on the way is ``None``; the *safe* form
walks paths step by step and reads such a gap as unknown. ``Condition``
runs the fast form and falls back to the safe one only on that error, so
complete records pay for no ``None`` checks on the way, and a genuine
``AttributeError`` still surfaces (the safe form raises it again).

What a condition means is ``semantics``'s: the closures call or inline its
rules, and a function call is its ``FunctionSpec``'s value (``functions``).
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from typing import Any

from spinedx._conditions import closures as c
from spinedx._conditions.closures import Fn, Getter
from spinedx._conditions.functions import SPECS
from spinedx._conditions.schema import DateType
from spinedx._conditions.semantics import ARITH, negate, normaliser
from spinedx._conditions.tree import (
    Arith,
    AtLeast,
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
from spinedx._conditions.typecheck import Types

_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def literal_value(node: Literal, types: Types) -> Any:
    """The runtime value of a literal: a text read as a date becomes a date."""
    if isinstance(node.value, tuple):
        return tuple(literal_value(item, types) for item in node.value)
    if isinstance(types.get(id(node)), DateType) and isinstance(node.value, str):
        return datetime.date.fromisoformat(node.value)
    return node.value


def compile_expr(expr: Expr, types: Types, *, safe: bool) -> Fn:
    """Compile a type-checked tree; ``types`` comes from ``check_types``."""
    return _Compiler(types, safe).fn(expr)


def safe_getter(parts: tuple[str, ...]) -> Getter:
    """Read a dotted path, ``None`` as soon as an object on the way is ``None``."""

    def safe(obj: Any) -> Any:
        for part in parts:
            if obj is None:
                return None
            obj = getattr(obj, part)
        return obj

    return safe


def _none_or(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def none_or(value: Any) -> Any:
        return None if value is None else function(value)

    return none_or


class _Compiler:
    def __init__(self, types: Types, safe: bool) -> None:
        self.types = types
        self.safe = safe
        self.scope: list[str] = []

    def getter(self, parts: tuple[str, ...]) -> Getter:
        return safe_getter(parts) if self.safe else operator.attrgetter(".".join(parts))

    def leaf(self, node: Expr) -> Getter | None:
        """A one-argument getter for a record field that needs no conversion, if it is one."""
        if isinstance(node, Path) and normaliser(self.types.get(id(node))) is None:
            return self.getter(node.parts)
        return None

    def fn(self, node: Expr) -> Fn:
        match node:
            case Literal():
                return c.constant(literal_value(node, self.types))
            case Path() | Var() | FactRef():
                return self.read(node)
            case Not(operand=operand):
                return c.not_(self.fn(operand))
            case BoolOp(op=op, operands=operands):
                return c.logic(op == "and", *self.operands(operands))
            case AtLeast(n=n, operands=operands):
                return c.at_least(n, *self.operands(operands))
            case Compare():
                return self.compare(node)
            case Arith(op=op, left=left, right=right):
                return c.binary(ARITH[op], self.fn(left), self.fn(right))
            case Neg(operand=operand):
                return c.unary(negate, self.fn(operand))
            case Call(func=func, args=args):
                return self.call(func, [self.fn(arg) for arg in args])
            case Quantifier(kind=kind, var=var, source=source, body=body):
                source_fn = self.fn(source)
                self.scope.append(var)
                body_fn = self.fn(body)
                self.scope.pop()
                return c.quantifier(kind, source_fn, body_fn)
        raise TypeError(f"not a condition node: {node!r}")  # pragma: no cover

    def call(self, func: str, fns: list[Fn]) -> Fn:
        spec = SPECS[func]
        value = spec.value
        if value is None:  # pragma: no cover - the parser admits only calls with a value
            raise TypeError(f"{func}() has no plain call form")
        if len(fns) == 2:
            return c.binary(value, fns[0], fns[1])
        return c.unary(value if spec.sees_unknown else _none_or(value), fns[0])

    def operands(self, operands: tuple[Expr, ...]) -> tuple[list[Getter], list[Fn]]:
        """Operands of a commutative operator: plain field reads as getters, the rest compiled."""
        gets: list[Getter] = []
        fns: list[Fn] = []
        for operand in operands:
            get = self.leaf(operand)
            if get is None:
                fns.append(self.fn(operand))
            else:
                gets.append(get)
        return gets, fns

    def read(self, node: Path | Var | FactRef) -> Fn:
        if isinstance(node, FactRef):
            raw = c.fact(node.name)
        elif isinstance(node, Path):
            raw = c.record(self.getter(node.parts))
        else:
            index = len(self.scope) - 1 - self.scope[::-1].index(node.name)
            raw = c.item(index, self.getter(node.parts) if node.parts else None)
        norm = normaliser(self.types.get(id(node)))
        return raw if norm is None else c.normalised(raw, norm)

    def compare(self, node: Compare) -> Fn:
        if len(node.ops) > 1:
            fns = [self.fn(node.left), *(self.fn(item) for item in node.comparators)]
            return c.chain(node.ops, tuple(fns))
        op: str = node.ops[0]
        left, right = node.left, node.comparators[0]
        if op in ("in", "not in"):
            get = self.leaf(left)
            if isinstance(right, Literal):
                values = frozenset(literal_value(right, self.types))
                if get is not None:
                    return c.get_in_constant(get, values, op == "in")
                return c.in_constant(self.fn(left), values, op == "in")
            return c.compare(self.fn(left), op, self.fn(right))
        if isinstance(left, Literal) and not isinstance(right, Literal):
            op, left, right = _FLIPPED[op], right, left
        if isinstance(right, Literal):
            constant = literal_value(right, self.types)
            get = self.leaf(left)
            if get is not None:
                return c.get_compare(get, op, constant)
            return c.fn_compare(self.fn(left), op, constant)
        return c.compare(self.fn(left), op, self.fn(right))
