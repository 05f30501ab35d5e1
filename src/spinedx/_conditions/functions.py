"""Function calls and quantifiers in conditions.

The language has a fixed set of functions: ``known(x)``, ``count(list)``,
``years_between(a, b)``, ``days_between(a, b)``, ``at_least(n, a, b, …)``
(at least ``n`` of two or more conditions hold; ``n`` a whole number written
out), and the quantifiers ``any(<condition> for x in <list>)``, ``all(…)`` and
``count(…)``. Anything else that looks like a call is reported here, with the
forms that do exist.
"""

from __future__ import annotations

import ast
import difflib
from typing import TYPE_CHECKING

from spinedx._conditions.tree import (
    FUNCTIONS,
    AtLeast,
    Call,
    Expr,
    Literal,
    Path,
    Quantifier,
    QuantifierKind,
    Var,
)

if TYPE_CHECKING:
    from spinedx._conditions.whitelist import Converter

NULLS = frozenset({"None", "null", "nil", "none", "NULL", "Null"})
RESERVED = frozenset({"facts", "true", "false", *FUNCTIONS, *NULLS})

_ARITY = {"any": 1, "all": 1, "count": 1, "known": 1, "years_between": 2, "days_between": 2}
_KINDS: dict[str, QuantifierKind] = {"any": "any", "all": "all", "count": "count"}
_CALL_HINTS = {
    "count": "write count(history.cancers) or count(c.active for c in history.cancers)",
    "known": "write known(labs.crp) or known(facts.suspicion)",
    "years_between": "write years_between(history.date_of_birth, imaging.date)",
    "days_between": "write days_between(history.symptom_onset, imaging.date)",
    "at_least": "write at_least(2, history.age > 50, history.weight_loss, history.night_pain)",
}


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
        name in ("any", "all", "count")
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
            _CALL_HINTS["at_least"],
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
    arity = _ARITY[name]
    if name in ("any", "all"):
        conv.report(
            "SPX408",
            f"{name}() takes a condition with 'for … in' over a list",
            offset,
            length,
            f'write {name}(c.status == "active" for c in history.cancers)',
        )
        return None
    if len(node.args) != arity:
        conv.report(
            "SPX408",
            f"{name}() takes {arity} argument{'s' * (arity > 1)}, found {len(node.args)}",
            offset,
            length,
            _CALL_HINTS[name],
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
