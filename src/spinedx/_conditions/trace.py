"""Evaluate a condition while recording what it read and what it lacked.

This is the explanation path, kept apart from the compiled closures so the hot
path carries no bookkeeping. It walks the tree with the same rules, read lazily
from ``semantics`` (a function call is its ``FunctionSpec``'s value), and
returns, for every node, its value and the missing reads that made it unknown.
Only the reads that matter are kept: in ``(a and b) or c`` with ``a`` unknown
and ``b`` false, the left side is false whatever ``a`` is, so only ``c`` is
missing. In ``at_least(2, a, b, c)`` with ``a`` false and ``b``, ``c``
unknown, what ``b`` and ``c`` lack is missing.

Unlike the hot path, both sides of a comparison are read even when the first is
unknown, so that ``missing`` lists every value the comparison needs.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from spinedx._conditions import semantics
from spinedx._conditions.compile import literal_value
from spinedx._conditions.functions import SPECS
from spinedx._conditions.semantics import ARITH, negate, no_number, normaliser
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

Missing = tuple[str, ...]
Scope = Mapping[str, tuple[str, Any]]  # variable -> (concrete path of the item, the item)


@dataclass(frozen=True, slots=True)
class Read:
    """One value a condition read, for explanations; ``None`` means not known.

    A calculation that gave no number (``a / b`` with ``b`` zero) is kept as a read
    too, its path the calculation as written and ``why`` the reason, so the
    explanation shows why a condition is unknown although nothing is missing.
    """

    path: str
    value: object | None
    why: str | None = None

    def display(self) -> str:
        """The read as a clinician would check it, e.g. ``history.age = 62``."""
        if self.why is not None:
            return f"{self.path} = not known ({self.why})"
        return f"{self.path} = {format_value(self.value)}"


def format_value(value: object) -> str:
    """A value written the way conditions write it: ``true``, ``"brisk"``, ``2024-03-31``."""
    if value is None:
        return "not known"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, int | float):
        return repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, tuple | list):
        return "none" if not value else f"{len(value)} item{'s' * (len(value) != 1)}"
    return "recorded"


def trace(
    expr: Expr, types: Types, record: object, facts: Mapping[str, object], text: str = ""
) -> tuple[Any, tuple[Read, ...], Missing]:
    """The value of ``expr`` (parsed from ``text``), every read in order (deduplicated),
    and what was missing."""
    tracer = _Tracer(types, record, facts, text)
    value, missing = tracer.eval(expr, {})
    if value is not None:
        missing = ()
    return value, tuple(tracer.reads.values()), tuple(dict.fromkeys(missing))


class _Tracer:
    def __init__(
        self, types: Types, record: object, facts: Mapping[str, object], text: str
    ) -> None:
        self.types = types
        self.text = text
        self.record = record
        self.facts = facts
        self.reads: dict[str, Read] = {}

    def eval(self, node: Expr, scope: Scope) -> tuple[Any, Missing]:
        match node:
            case Literal():
                return literal_value(node, self.types), ()
            case Path() | Var() | FactRef():
                return self.read(node, scope)
            case Not(operand=operand):
                value, missing = self.eval(operand, scope)
                return semantics.not_(value), missing
            case BoolOp(op=op, operands=operands):
                return self.logic(op == "and", operands, scope)
            case AtLeast(n=n, operands=operands):
                return self.at_least(n, operands, scope)
            case Compare():
                return self.compare(node, scope)
            case Arith(op=op, left=left, right=right):
                (a, ma), (b, mb) = self.eval(left, scope), self.eval(right, scope)
                if a is None or b is None:
                    return None, ma + mb
                return self.calculated(node, ARITH[op](a, b), no_number(op, b)), ()
            case Neg(operand=operand):
                value, missing = self.eval(operand, scope)
                if value is None:
                    return None, missing
                return self.calculated(node, negate(value), no_number("-", value)), ()
            case Call():
                return self.call(node, scope)
            case Quantifier():
                return self.quantifier(node, scope)
        raise TypeError(f"not a condition node: {node!r}")  # pragma: no cover

    def calculated(self, node: Expr, value: Any, why: str) -> Any:
        """A calculation's result; one that is no number is kept, with why, as a read."""
        if value is None:
            path = self.text[node.offset : node.offset + node.length] or "a calculation"
            self.reads.setdefault(path, Read(path, None, why))
        return value

    def read(self, node: Path | Var | FactRef, scope: Scope) -> tuple[Any, Missing]:
        if isinstance(node, FactRef):
            path, value = f"facts.{node.name}", self.facts.get(node.name)
        else:
            path, value = self.walk(node, scope)
        if isinstance(value, list | tuple):
            value = tuple(value)
        self.reads.setdefault(path, Read(path, value))
        if value is None:
            return None, (path,)
        norm = normaliser(self.types.get(id(node)))
        return (value if norm is None else norm(value)), ()

    def walk(self, node: Path | Var, scope: Scope) -> tuple[str, Any]:
        """The concrete dotted path of a field read (with item indexes) and its value."""
        if isinstance(node, Path):
            path, value = ".".join(node.parts), self.record
        else:
            base, value = scope[node.name]
            path = ".".join((base, *node.parts))
        for part in node.parts:
            if value is not None:
                value = getattr(value, part)
        return path, value

    def values(self, operands: tuple[Expr, ...], scope: Scope, missing: list[str]) -> Iterator[Any]:
        """Each operand's value as a rule reads it; an unknown one's lacks go to ``missing``."""
        for operand in operands:
            value, lacking = self.eval(operand, scope)
            if value is None:
                missing += lacking
            yield value

    def logic(self, is_and: bool, operands: tuple[Expr, ...], scope: Scope) -> tuple[Any, Missing]:
        """``semantics.logic``, inlined (the commonest compound node) to keep what each
        unknown operand lacks."""
        missing: Missing = ()
        unknown = False
        for operand in operands:
            value, lacking = self.eval(operand, scope)
            if value is None:
                unknown, missing = True, missing + lacking
            elif bool(value) is not is_and:  # false settles 'and', true settles 'or'
                return not is_and, ()
        return (None, missing) if unknown else (is_and, ())

    def at_least(self, n: int, operands: tuple[Expr, ...], scope: Scope) -> tuple[Any, Missing]:
        """Unlike the hot path it goes on when the result is sure to be unknown:
        every unknown operand could help settle it, so all their missing reads
        are listed."""
        missing: list[str] = []
        read = self.values(operands, scope, missing)
        value = semantics.at_least(n, read, len(operands))
        if value is not None:
            return value, ()
        for _ in read:  # the operands after the rule stopped
            pass
        return None, tuple(missing)

    def compare(self, node: Compare, scope: Scope) -> tuple[Any, Missing]:
        operands = (node.left, *node.comparators)
        values = [self.eval(operand, scope) for operand in operands]
        unknown, lacking = False, list[str]()
        for index, op in enumerate(node.ops):
            (left, lacking_left), (right, lacking_right) = values[index], values[index + 1]
            if left is None or right is None:
                unknown = True
                lacking += (*lacking_left, *lacking_right)
                continue
            result = semantics.compare(op, left, right)
            if result is None:  # not found among the known items of a list field
                unknown = True
                prefix = self.concrete(operands[index + 1], scope)
                lacking += [f"{prefix}[{i}]" for i, item in enumerate(right) if item is None]
            elif not result:
                return False, ()
        return (None, tuple(lacking)) if unknown else (True, ())

    def concrete(self, node: Expr, scope: Scope) -> str:
        if isinstance(node, Path | Var):
            return self.walk(node, scope)[0]
        return ""  # pragma: no cover - lists are literals or fields

    def call(self, node: Call, scope: Scope) -> tuple[Any, Missing]:
        spec = SPECS[node.func]
        results = [self.eval(arg, scope) for arg in node.args]
        values = [value for value, _ in results]
        if spec.value is None:  # pragma: no cover - the parser admits only calls with a value
            raise TypeError(f"{node.func}() has no plain call form")
        if not spec.sees_unknown and any(value is None for value in values):
            return None, tuple(path for _, lacking in results for path in lacking)
        return spec.value(*values), ()

    def quantifier(self, node: Quantifier, scope: Scope) -> tuple[Any, Missing]:
        items, missing = self.eval(node.source, scope)
        if items is None:
            return None, missing
        prefix = self.concrete(node.source, scope)
        unknown: list[str] = []

        def results() -> Iterator[Any]:
            for index, item in enumerate(items):
                inner = {**scope, node.var: (f"{prefix}[{index}]", item)}
                value, lacking = self.eval(node.body, inner)
                if value is None:
                    unknown.extend(lacking)
                yield value

        read = results()
        value = semantics.quantify(node.kind, read)
        if value is not None:
            return value, ()
        for _ in read:  # every unknown item could settle it: list what each lacks
            pass
        return None, tuple(unknown)
