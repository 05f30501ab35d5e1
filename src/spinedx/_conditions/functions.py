"""The condition language's functions: one ``FunctionSpec`` each, and their parsing.

The language has a fixed set of functions: ``known(x)``, ``count(list)``,
``years_between(a, b)``, ``days_between(a, b)``, ``at_least(n, a, b, …)``
(at least ``n`` of two or more conditions hold; ``n`` a whole number written
out), and the quantifiers ``any(<condition> for x in <list>)``, ``all(…)`` and
``count(…)``. Each is one ``FunctionSpec`` in ``SPECS``: its arity, type rule,
value, hint and documentation line, which parsing (here), type checking
(``typecheck``), compiling (``compile``) and tracing (``trace``) all read, so
adding a function touches one spec. ``at_least`` and the quantifiers have a
syntax of their own (a tree node each); their values are ``semantics``'s rules.
Anything else that looks like a call is reported here, with the forms that do
exist.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from spinedx._conditions import semantics
from spinedx._conditions.schema import BoolType, DateType, ListType, NumberType, SchemaType
from spinedx._conditions.tree import (
    FUNCTIONS,
    AtLeast,
    Call,
    Expr,
    FactRef,
    Literal,
    Path,
    Quantifier,
    QuantifierKind,
    Var,
)
from spinedx._conditions.typerules import RuleChecker, describe_type

TypeRule = Callable[[RuleChecker, Call], SchemaType | None]
"""Checks a call's arguments (reporting what is wrong) and gives the type of its result."""


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """Everything about one function of the condition language.

    Attributes:
        name: As written in conditions.
        arity: The number of arguments of the plain call form, ``None`` if it
            has none (``any``, ``all``: only ``… for x in …``; ``at_least``: a
            number and two or more conditions).
        type_rule: The plain call's type rule.
        value: The plain call's value on its arguments' values.
        sees_unknown: Whether ``value`` sees unknown arguments (``known``);
            otherwise any unknown argument makes the call unknown.
        quantifier: Whether it also takes ``<condition> for x in <list>``.
        hint: How to write it, shown with a wrong call.
        usage: The form ``docs/pathway-format.md`` lists it under, e.g. ``known(x)``.
    """

    name: str
    arity: int | None
    type_rule: TypeRule | None
    value: Callable[..., Any] | None
    hint: str
    usage: str
    sees_unknown: bool = False
    quantifier: bool = False


def _known_type(checker: RuleChecker, node: Call) -> SchemaType:
    (arg,) = node.args
    if not isinstance(arg, Path | FactRef | Var):
        checker.report("SPX408", "known() takes a field or a fact", arg, SPECS["known"].hint)
        return BoolType()
    checker.check(arg)
    return BoolType()


def _count_type(checker: RuleChecker, node: Call) -> SchemaType:
    (arg,) = node.args
    found = checker.check(arg)
    if found is not None and not (isinstance(found, ListType) and isinstance(arg, Path | Var)):
        checker.report(
            "SPX408",
            f"count() takes a list field, but {checker.quoted(arg)} is {describe_type(found)}",
            arg,
        )
    return NumberType(integer=True)


def _dates_type(checker: RuleChecker, node: Call) -> SchemaType:
    for arg in node.args:
        found = checker.check(arg)
        if isinstance(arg, Literal) and isinstance(arg.value, str):
            checker.date_literal(arg, arg.value)
        elif found is not None and not isinstance(found, DateType):
            checker.report(
                "SPX408",
                f"{node.func}() takes two dates, but {checker.quoted(arg)} is "
                f"{describe_type(found)}",
                arg,
            )
    return NumberType(integer=True)


def _length(items: Any) -> int:
    return len(items)


SPECS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in (
        FunctionSpec("all", None, None, None,
                     'write all(c.status == "active" for c in history.cancers)',
                     "all(… for x in list)", quantifier=True),
        FunctionSpec("any", None, None, None,
                     'write any(c.status == "active" for c in history.cancers)',
                     "any(… for x in list)", quantifier=True),
        FunctionSpec("at_least", None, None, None,
                     "write at_least(2, history.age > 50, history.weight_loss, "
                     "history.night_pain)",
                     "at_least(n, c1, c2, …)"),
        FunctionSpec("count", 1, _count_type, _length,
                     "write count(history.cancers) or count(c.active for c in history.cancers)",
                     "count(list)", quantifier=True),
        FunctionSpec("days_between", 2, _dates_type, semantics.days_between,
                     "write days_between(history.symptom_onset, imaging.date)",
                     "days_between(a, b)"),
        FunctionSpec("known", 1, _known_type, semantics.is_known,
                     "write known(labs.crp) or known(facts.suspicion)",
                     "known(x)", sees_unknown=True),
        FunctionSpec("years_between", 2, _dates_type, semantics.years_between,
                     "write years_between(history.date_of_birth, imaging.date)",
                     "years_between(a, b)"),
    )
}  # fmt: skip
"""Every function of the condition language, by name."""


class Converter(Protocol):
    """What a call needs from the whitelist's converter (whitelist.Converter), kept one-way."""

    scope: list[str]

    def expr(self, node: ast.expr) -> Expr | None: ...
    def reference(self, node: ast.Name | ast.Attribute) -> Expr | None: ...
    def plain(self, node: ast.expr) -> bool: ...
    def span(self, node: ast.AST) -> tuple[int, int]: ...
    def find(self, symbol: str, after: ast.expr, before: ast.expr) -> int: ...
    def written(self, node: ast.AST) -> str: ...
    def forbid(self, what: str, node: ast.AST, hint: str | None = None) -> None: ...
    def report(
        self, code: str, message: str, offset: int, length: int, hint: str | None = None
    ) -> None: ...


NULLS = frozenset({"None", "null", "nil", "none", "NULL", "Null"})
RESERVED = frozenset({"facts", "true", "false", *FUNCTIONS, *NULLS})

_KINDS: dict[str, QuantifierKind] = {"any": "any", "all": "all", "count": "count"}


def convert_call(conv: Converter, node: ast.Call, offset: int, length: int) -> Expr | None:
    """One of the fixed functions, or a quantifier ``any(… for x in …)``."""
    func = node.func
    if not isinstance(func, ast.Name):
        if isinstance(func, ast.Attribute):
            conv.reference(func)  # report forbidden names such as __import__ first
        conv.forbid("method calls", func, f"the functions are: {', '.join(FUNCTIONS)}")
        return None
    name = func.id
    if not conv.plain(func):
        return None
    if name.startswith("_"):
        conv.forbid("names starting with '_'", func)
        return None
    if name not in FUNCTIONS:
        close = difflib.get_close_matches(name, FUNCTIONS, n=1)
        hint = (
            f"did you mean '{close[0]}'?" if close else f"the functions are: {', '.join(FUNCTIONS)}"
        )
        start, size = conv.span(func)
        conv.report("SPX404", f"there is no function '{name}'", start, size, hint)
        return None
    bad = False
    for keyword in node.keywords:
        conv.forbid("keyword arguments (name=value)", keyword, "pass arguments by position")
        bad = True
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            conv.forbid("starred arguments ('*x')", arg)
            bad = True
    if bad:
        return None
    if (
        SPECS[name].quantifier
        and len(node.args) == 1
        and isinstance(node.args[0], ast.GeneratorExp)
    ):
        return _quantifier(conv, name, node.args[0], offset, length)
    if name == "at_least":
        return _at_least(conv, node, offset, length)
    return _plain_call(conv, name, node, offset, length)


def _at_least(conv: Converter, node: ast.Call, offset: int, length: int) -> Expr | None:
    """``at_least(n, a, b, …)`` with two or more conditions.

    The conditions' types are checked later, like the operands of ``and``.
    """
    found = len(node.args)
    if found < 3:
        conv.report(
            "SPX408",
            f"at_least() takes a number and two or more conditions, found {found} "
            f"argument{'s' * (found != 1)}",
            offset,
            length,
            SPECS["at_least"].hint,
        )
        return None
    first, *rest = node.args
    n = _count_of(conv, first, len(rest))
    operands = [conv.expr(arg) for arg in rest]
    if n is None or any(operand is None for operand in operands):
        return None
    return AtLeast(
        n=n,
        operands=tuple(o for o in operands if o is not None),
        offset=offset,
        length=length,
    )


def _plain_call(
    conv: Converter, name: str, node: ast.Call, offset: int, length: int
) -> Expr | None:
    spec = SPECS[name]
    arity = spec.arity
    if arity is None:  # any(), all(): a quantifier only
        conv.report(
            "SPX408",
            f"{name}() takes a condition with 'for … in' over a list",
            offset,
            length,
            spec.hint,
        )
        return None
    if len(node.args) != arity:
        conv.report(
            "SPX408",
            f"{name}() takes {arity} argument{'s' * (arity > 1)}, found {len(node.args)}",
            offset,
            length,
            spec.hint,
        )
        return None
    args = [conv.expr(arg) for arg in node.args]
    if any(arg is None for arg in args):
        return None
    return Call(
        func=name, args=tuple(a for a in args if a is not None), offset=offset, length=length
    )


def _quantifier(
    conv: Converter, kind: str, gen: ast.GeneratorExp, offset: int, length: int
) -> Expr | None:
    if len(gen.generators) != 1:
        at = conv.find("for", gen.generators[0].iter, gen.generators[1].target)
        conv.report(
            "SPX402",
            "several 'for' clauses in one any(…), all(…) or count(…) are not part of the "
            "condition language",
            at,
            3,
            "nest one any(…) inside another instead",
        )
        return None
    clause = gen.generators[0]
    if clause.ifs:
        conv.forbid(
            "'if' clauses inside any(…), all(…) or count(…)",
            clause.ifs[0],
            "join the two conditions with 'and'",
        )
    if clause.is_async:
        conv.forbid("'async for' loops", gen)
    target = clause.target
    if not isinstance(target, ast.Name) or target.id.startswith("_") or target.id in RESERVED:
        start, size = conv.span(target)
        conv.report(
            "SPX402",
            f"'{conv.written(target)}' cannot name the item in a quantifier",
            start,
            size,
            "name the item with a plain word, such as 'c'",
        )
        return None
    source = conv.expr(clause.iter)
    if source is not None and not isinstance(source, Path | Var):
        start, size = conv.span(clause.iter)
        conv.report(
            "SPX408",
            f"{kind}() goes over a list of the record",
            start,
            size,
            "write 'for c in history.cancers'",
        )
        return None
    conv.scope.append(target.id)
    body = conv.expr(gen.elt)
    conv.scope.pop()
    if body is None or source is None or clause.ifs or clause.is_async:
        return None
    return Quantifier(
        kind=_KINDS[kind], var=target.id, source=source, body=body, offset=offset, length=length
    )


def _count_of(conv: Converter, node: ast.expr, conditions: int) -> int | None:
    """The ``n`` of ``at_least(n, …)``: a whole number written out, 1 up to ``conditions``."""
    written = conv.expr(node)
    if written is None:
        return None  # already reported
    start, size = conv.span(node)
    value = written.value if isinstance(written, Literal) else None
    if not isinstance(value, int) or isinstance(value, bool):
        conv.report(
            "SPX408",
            "at_least() starts with how many of the conditions must hold, as a whole number "
            f"written out, found '{conv.written(node)}'",
            start,
            size,
            "write the number itself, such as at_least(2, …)",
        )
        return None
    if value < 1:
        conv.report(
            "SPX408",
            f"at_least() needs at least 1 of the conditions to hold, found {value}",
            start,
            size,
            "write a whole number from 1 up to the number of conditions, such as 2",
        )
        return None
    if value > conditions:
        conv.report(
            "SPX408",
            f"at_least({value}, …) can never hold: it is given only {conditions} conditions",
            start,
            size,
            "lower the number, or add the missing conditions",
        )
        return None
    return value
