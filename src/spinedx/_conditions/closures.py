"""The closure factories the compiler assembles conditions from.

Every compiled node is a closure ``fn(record, facts, items)`` returning
``True``, ``False`` or ``None`` (unknown), where ``items`` is the tuple of
quantifier items in scope. Leaves that read the record directly are plain
one-argument getters (a C-level ``operator.attrgetter`` on the fast path), and
the shapes conditions use most take them directly, so a field test costs no
extra Python frame. ``and``/``or`` and ``at_least`` are commutative under
Kleene logic, so getter operands are tried before closure operands: the cheap
reads first.

The rules themselves are ``semantics``'s. The hot shapes, where a Python frame
per rule would show (``and``/``or``/``not``, comparisons, ``any``/``all``),
inline them line for line; the rest (``at_least``, chained comparisons,
``count``, membership in a list field, functions, arithmetic) call them.
``tests/evaluation/test_differential.py`` checks that the closures and the
tracer agree on every condition of the shipped pathway for generated records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from spinedx._conditions import semantics
from spinedx._conditions.semantics import OPS

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
    """``semantics.not_``, inlined."""

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


# The two-operand forms inline semantics.logic. In each, x is checked first; the
# result line relies on x being True/None ('and') or False/None ('or') once the
# early returns passed.


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


def _reads(
    gets: tuple[Getter, ...], fns: tuple[Fn, ...], r: Any, f: Mapping[str, object], e: Env
) -> Iterator[Any]:
    """The operands' values, getters first, each read only when the rule asks for it."""
    for g in gets:
        yield g(r)
    for p in fns:
        yield p(r, f, e)


def _and_n(gets: tuple[Getter, ...], fns: tuple[Fn, ...]) -> Fn:
    """``semantics.logic`` for ``and``, inlined: the commonest compound shape."""

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
    """``semantics.logic`` for ``or``, inlined."""

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
    """``at_least(n, …)`` over getters (tried first) and closures (``semantics.at_least``)."""
    getters, closures = tuple(gets), tuple(fns)
    total = len(getters) + len(closures)
    rule = semantics.at_least

    def at_least_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        return rule(n, _reads(getters, closures, r, f, e), total)

    return at_least_


# -- comparisons -------------------------------------------------------------


def get_compare(g: Getter, op: str, c: Any) -> Fn:
    """A record field against a known constant, the commonest test, in one frame
    (``semantics.compare`` inlined)."""
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
    """Two read values (``semantics.compare``); the right is not read when the left
    is unknown. Membership in a list field keeps ``semantics.member``'s rule."""
    if op in ("in", "not in"):
        positive, member = op == "in", semantics.member

        def in_list_(r: Any, f: Mapping[str, object], e: Env) -> Any:
            a = p(r, f, e)
            if a is None:
                return None
            b = q(r, f, e)
            return None if b is None else member(a, b, positive)

        return in_list_
    function = OPS[op]

    def compare_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        a = p(r, f, e)
        if a is None:
            return None
        b = q(r, f, e)
        return None if b is None else function(a, b)

    return compare_


def in_constant(p: Fn, values: frozenset[Any], positive: bool) -> Fn:
    """A value in a list written out (``semantics.member`` inlined: a written list
    has no unknown item)."""
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


def chain(ops: tuple[str, ...], fns: tuple[Fn, ...]) -> Fn:
    """``a < b <= c`` (``semantics.chain``), each operand read when its link is."""
    rule = semantics.chain

    def chain_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        return rule(ops, (p(r, f, e) for p in fns))

    return chain_


# -- numbers, functions, quantifiers -----------------------------------------


def binary(function: Op, p: Fn, q: Fn) -> Fn:
    """Arithmetic and the two-argument functions: unknown if either side is."""

    def binary_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        a = p(r, f, e)
        if a is None:
            return None
        b = q(r, f, e)
        return None if b is None else function(a, b)

    return binary_


def unary(function: Callable[[Any], Any], p: Fn) -> Fn:
    """Negation and the one-argument functions; ``function`` sees ``None`` too."""

    def unary_(r: Any, f: Mapping[str, object], e: Env) -> Any:
        return function(p(r, f, e))

    return unary_


def quantifier(kind: str, source: Fn, body: Fn) -> Fn:
    """``any``/``all``/``count(… for x in …)``: ``semantics.quantify``, inlined for
    ``any`` and ``all``."""
    if kind == "count":
        return _count(source, body)
    settles = kind == "any"  # the item result that settles it: true for any, false for all

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
    rule = semantics.quantify

    def count(r: Any, f: Mapping[str, object], e: Env) -> Any:
        items = source(r, f, e)
        if items is None:
            return None
        return rule("count", (body(r, f, (*e, entry)) for entry in items))

    return count
