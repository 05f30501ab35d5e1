"""Function calls and quantifiers in conditions.

The language has a fixed set of functions: ``known(x)``, ``count(list)``,
``years_between(a, b)``, ``days_between(a, b)``, and the quantifiers
``any(<condition> for x in <list>)``, ``all(…)`` and ``count(…)``. Anything
else that looks like a call is reported here, with the forms that do exist.
"""

from __future__ import annotations

import ast
import difflib
from typing import TYPE_CHECKING

from spinedx._tree import FUNCTIONS, Call, Expr, Path, Quantifier, QuantifierKind, Var

if TYPE_CHECKING:
    from spinedx._whitelist import Converter

NULLS = frozenset({"None", "null", "nil", "none", "NULL", "Null"})
RESERVED = frozenset({"facts", "true", "false", *FUNCTIONS, *NULLS})

_ARITY = {"any": 1, "all": 1, "count": 1, "known": 1, "years_between": 2, "days_between": 2}
_KINDS: dict[str, QuantifierKind] = {"any": "any", "all": "all", "count": "count"}
_CALL_HINTS = {
    "count": "write count(history.cancers) or count(c.active for c in history.cancers)",
    "known": "write known(labs.crp) or known(facts.suspicion)",
    "years_between": "write years_between(history.date_of_birth, imaging.date)",
    "days_between": "write days_between(history.symptom_onset, imaging.date)",
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
    return _plain_call(conv, name, node, offset, length)


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
