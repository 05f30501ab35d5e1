"""The closure factories the compiler assembles conditions from.

Every compiled node is a closure ``fn(record, facts, items)`` returning
``True``, ``False`` or ``None`` (unknown), where ``items`` is the tuple of
quantifier items in scope. Leaves that read the record directly are plain
one-argument getters (a C-level ``operator.attrgetter`` on the fast path), and
the shapes conditions use most take them directly, so a field test costs no
extra Python frame. ``and``/``or`` and ``at_least`` are commutative under
Kleene logic, so getter operands are tried before closure operands: the cheap
reads first.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

Env = tuple[object, ...]
Fn = Callable[[Any, Mapping[str, object], Env], Any]
Getter = Callable[[Any], Any]
Op = Callable[[Any, Any], Any]


# -- leaves ------------------------------------------------------------------


def constant(value: Any) -> Fn:
    def constant_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        return value

    return constant_


def fact(name: str) -> Fn:
    def fact_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        return f.get(name)

    return fact_


def record(get: Getter) -> Fn:
    def record_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        return get(r)

    return record_


def item(index: int, get: Getter | None) -> Fn:
    """A quantifier item in scope (``c``), or a field of it (``c.status``)."""
    if get is None:

        def bare_item(r: Any, f: Mapping[str, object], e: Env) -> Any:
            return e[index]

        return bare_item
    read: Getter = get

    def item_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        return read(e[index])

    return item_


def normalised(read: Fn, norm: Callable[[Any], Any]) -> Fn:
    def normalised_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        value = read(r, f, e)
        return None if value is None else norm(value)

    return normalised_


# -- logic (Kleene) ----------------------------------------------------------


def not_(p: Fn) -> Fn:
    def not__(r: Any, f: Mapping[str, object], e: Env) -> Any:
        x = p(r, f, e)
        return None if x is None else not x

    return not__


def logic(is_and: bool, gets: list[Getter], fns: list[Fn]) -> Fn:
    """``and``/``or`` over getters (tried first) and closures."""
    if len(gets) + len(fns) == 2:
        if len(gets) == 2:
            return (_and_gg if is_and else _or_gg)(*gets)
        if len(gets) == 1:
            return (_and_gf if is_and else _or_gf)(gets[0], fns[0])
        return (_and_ff if is_and else _or_ff)(*fns)
    return (_and_n if is_and else _or_n)(tuple(gets), tuple(fns))


# In each two-operand form, x is checked first; the result line relies on
# x being True/None ('and') or False/None ('or') once the early returns passed.


def _and_ff(p: Fn, q: Fn) -> Fn:
    def and_ff(r: Any, f: Mapping[str, object], e: Env) -> Any:
        x = p(r, f, e)
        if x is False:
            return False
        y = q(r, f, e)
        if y is False:
            return False
        return y if x else None

    return and_ff


def _and_gf(g: Getter, q: Fn) -> Fn:
    def and_gf(r: Any, f: Mapping[str, object], e: Env) -> Any:
        x = g(r)
        if x is False:
            return False
        y = q(r, f, e)
        if y is False:
            return False
        return y if x else None

    return and_gf


def _and_gg(g: Getter, h: Getter) -> Fn:
    def and_gg(r: Any, f: Mapping[str, object], e: Env) -> Any:
        x = g(r)
        if x is False:
            return False
        y = h(r)
        if y is False:
            return False
        return y if x else None

    return and_gg


def _or_ff(p: Fn, q: Fn) -> Fn:
    def or_ff(r: Any, f: Mapping[str, object], e: Env) -> Any:
        x = p(r, f, e)
        if x is True:
            return True
        y = q(r, f, e)
        if y is True:
            return True
        return y if x is False else None

    return or_ff


def _or_gf(g: Getter, q: Fn) -> Fn:
    def or_gf(r: Any, f: Mapping[str, object], e: Env) -> Any:
        x = g(r)
        if x is True:
            return True
        y = q(r, f, e)
        if y is True:
            return True
        return y if x is False else None

    return or_gf


def _or_gg(g: Getter, h: Getter) -> Fn:
    def or_gg(r: Any, f: Mapping[str, object], e: Env) -> Any:
        x = g(r)
        if x is True:
            return True
        y = h(r)
        if y is True:
            return True
        return y if x is False else None

    return or_gg


def _and_n(gets: tuple[Getter, ...], fns: tuple[Fn, ...]) -> Fn:
    def and_n(r: Any, f: Mapping[str, object], e: Env) -> Any:
        unknown = False
        for g in gets:
            x = g(r)
            if x is False:
                return False
            if x is None:
                unknown = True
        for p in fns:
            x = p(r, f, e)
            if x is False:
                return False
            if x is None:
                unknown = True
        return None if unknown else True

    return and_n


def _or_n(gets: tuple[Getter, ...], fns: tuple[Fn, ...]) -> Fn:
    def or_n(r: Any, f: Mapping[str, object], e: Env) -> Any:
        unknown = False
        for g in gets:
            x = g(r)
            if x is True:
                return True
            if x is None:
                unknown = True
        for p in fns:
            x = p(r, f, e)
            if x is True:
                return True
            if x is None:
                unknown = True
        return None if unknown else False

    return or_n


def at_least(n: int, gets: list[Getter], fns: list[Fn]) -> Fn:
    """``at_least(n, …)`` over getters (tried first) and closures, ``1 <= n <= count``.

    True once ``n`` operands are true; false once so many are false that the
    rest cannot make ``n``; unknown once it can be neither (too few true even if
    every operand still to read is, but enough true or unknown). It stops at
    the first of these, so the operands after it are not read.
    """
    getters, closures = tuple(gets), tuple(fns)
    total = len(getters) + len(closures)

    def at_least_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        true = unknown = 0
        left = total  # operands not read yet
        for g in getters:
            x = g(r)
            left -= 1
            if x is None:
                unknown += 1
            elif x:
                true += 1
                if true >= n:
                    return True
            if true + unknown + left < n:
                return False
            if true + left < n <= true + unknown:
                return None
        for p in closures:
            x = p(r, f, e)
            left -= 1
            if x is None:
                unknown += 1
            elif x:
                true += 1
                if true >= n:
                    return True
            if true + unknown + left < n:
                return False
            if true + left < n <= true + unknown:
                return None
        return None  # pragma: no cover - the last operand always settles it

    return at_least_


# -- comparisons -------------------------------------------------------------


def get_compare(g: Getter, op: str, c: Any) -> Fn:
    """A record field against a constant: the commonest test, in one frame."""
    function = OPS[op]

    def get_compare_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        v = g(r)
        return None if v is None else function(v, c)

    return get_compare_


def fn_compare(p: Fn, op: str, c: Any) -> Fn:
    function = OPS[op]

    def compare_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        v = p(r, f, e)
        return None if v is None else function(v, c)

    return compare_


def compare(p: Fn, op: str, q: Fn) -> Fn:
    function = OPS[op]

    def compare_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        a = p(r, f, e)
        if a is None:
            return None
        b = q(r, f, e)
        return None if b is None else function(a, b)

    return compare_


def in_constant(p: Fn, values: frozenset[Any], positive: bool) -> Fn:
    test = values.__contains__

    def in_constant_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        v = p(r, f, e)
        return None if v is None else test(v) is positive

    return in_constant_


def get_in_constant(g: Getter, values: frozenset[Any], positive: bool) -> Fn:
    test = values.__contains__

    def get_in_constant_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        v = g(r)
        return None if v is None else test(v) is positive

    return get_in_constant_


def in_list(p: Fn, q: Fn, positive: bool) -> Fn:
    def in_list_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        v = p(r, f, e)
        if v is None:
            return None
        items = q(r, f, e)
        if items is None:
            return None
        if v in items:
            return positive
        return None if None in items else not positive  # an unknown item might have matched

    return in_list_


def chain(ops: tuple[str, ...], fns: tuple[Fn, ...]) -> Fn:
    """``a < b <= c``: false if any link is false, else unknown if any operand is."""
    first, rest = fns[0], tuple(zip(ops, fns[1:], strict=True))

    def chain_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        left = first(r, f, e)
        unknown = False
        for op, read in rest:
            right = read(r, f, e)
            if left is None or right is None:
                unknown = True
            else:
                result = link(op, left, right)
                if result is None:
                    unknown = True
                elif not result:
                    return False
            left = right
        return None if unknown else True

    return chain_


OPS: dict[str, Op] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def link(op: str, left: Any, right: Any) -> Any:
    """One link of a comparison, by operator name; ``None`` when an unknown item might match."""
    if op in ("in", "not in"):
        if left in right:
            return op == "in"
        return None if None in right else op == "not in"
    return OPS[op](left, right)


# -- numbers, functions, quantifiers -----------------------------------------


def binary(function: Op, p: Fn, q: Fn) -> Fn:
    """Arithmetic and the date functions: unknown if either side is."""

    def binary_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        a = p(r, f, e)
        if a is None:
            return None
        b = q(r, f, e)
        return None if b is None else function(a, b)

    return binary_


def unary(function: Callable[[Any], Any], p: Fn) -> Fn:
    """Negation, ``known`` and ``count`` of a list; ``function`` sees ``None`` too."""

    def unary_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        return function(p(r, f, e))

    return unary_


def quantifier(kind: str, source: Fn, body: Fn) -> Fn:
    if kind == "count":
        return _count(source, body)
    settles = kind == "any"  # the item value that settles the result: True for any, False for all

    def quantifier_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        items = source(r, f, e)
        if items is None:
            return None
        unknown = False
        for entry in items:
            x = body(r, f, (*e, entry))
            if x is settles:
                return settles
            if x is None:
                unknown = True
        return None if unknown else not settles

    return quantifier_


def _count(source: Fn, body: Fn) -> Fn:
    def count(r: Any, f: Mapping[str, object], e: Env) -> Any:
        items = source(r, f, e)
        if items is None:
            return None
        total = 0
        for entry in items:
            x = body(r, f, (*e, entry))
            if x is None:
                return None
            if x:
                total += 1
        return total

    return count
