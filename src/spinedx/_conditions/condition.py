"""Compiled conditions: what the loader builds and the evaluator calls.

``compile_condition`` parses, type-checks and compiles one condition text
against a record schema and the declared facts, and either returns a
``Condition`` or every problem found, each located by character offset into
the text. A ``Condition`` is immutable and pure, so one pathway can be shared
across threads.

Example:
    >>> from pydantic import BaseModel
    >>> class Record(BaseModel):
    ...     age: int | None = None
    ...     night_pain: bool | None = None
    >>> schema = RecordSchema.from_model(Record)
    >>> condition, problems = compile_condition("age >= 50 and night_pain", schema, {})
    >>> condition(Record(age=62, night_pain=True), {}), condition(Record(age=62), {})
    (True, None)
    >>> condition.missing(Record(age=62), {})
    ('night_pain',)
    >>> compile_condition("agee >= 50", schema, {})[1][0].hint
    "did you mean 'age'?"
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping

from pydantic import BaseModel

from spinedx._conditions.closures import Fn
from spinedx._conditions.compile import compile_expr
from spinedx._conditions.parse import parse_condition
from spinedx._conditions.schema import (
    BoolType,
    DateType,
    EnumType,
    NumberType,
    RecordSchema,
    SchemaType,
    TextType,
)
from spinedx._conditions.trace import Read, trace
from spinedx._conditions.tree import Expr, ExprProblem, FactRef, Path, Quantifier, Var, children
from spinedx._conditions.typecheck import Types, check_types, describe_type, parse_date
from spinedx._diagnostics import closest, did_you_mean

__all__ = ["Condition", "Read", "check_value", "compile_condition"]


class Condition:
    """One compiled condition: call it for the result, ``trace`` it for the reasons.

    Attributes:
        text: The condition as written.
        fields: The record paths it can read, dotted, list items as ``cancers[].status``.
        facts: The fact names it reads.
        sections: The top-level record fields it reads (to check stage order).
    """

    __slots__ = ("_expr", "_fast", "_safe", "_types", "facts", "fields", "sections", "text")

    text: str
    fields: tuple[str, ...]
    facts: tuple[str, ...]
    sections: frozenset[str]
    _expr: Expr
    _types: Types
    _fast: Fn
    _safe: Fn | None

    def __init__(self, text: str, expr: Expr, types: Types) -> None:
        fields, facts = _references(expr)
        for name, value in (
            ("text", text),
            ("fields", fields),
            ("facts", facts),
            ("sections", frozenset(f.split(".", 1)[0].removesuffix("[]") for f in fields)),
            ("_expr", expr),
            ("_types", types),
            ("_fast", compile_expr(expr, types, safe=False)),
            ("_safe", None),  # compiled when first needed: most conditions never need it
        ):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Condition is immutable; cannot set {name!r}")

    def __call__(self, record: BaseModel, facts: Mapping[str, object]) -> bool | None:
        """``True``, ``False``, or ``None`` when the data to decide is not known."""
        try:
            return self._fast(record, facts, ())  # type: ignore[no-any-return]
        except AttributeError:  # a None on the way along a path: read it as unknown
            safe = self._safe
            if safe is None:
                safe = compile_expr(self._expr, self._types, safe=True)
                object.__setattr__(self, "_safe", safe)  # the same closure whoever builds it
            return safe(record, facts, ())  # type: ignore[no-any-return]

    @property
    def tree(self) -> Expr:
        """The checked syntax tree."""
        return self._expr

    @property
    def types(self) -> Types:
        """The type of each node of :attr:`tree`, by ``id`` of the node."""
        return self._types

    @property
    def fast(self) -> Fn:
        """The compiled closure, called as ``fn(record, facts, ())``, for evaluators that
        inline the call; on ``AttributeError`` (a ``None`` on the way along a path) they
        call the condition itself, which reads such a gap as unknown."""
        return self._fast

    def trace(
        self, record: BaseModel, facts: Mapping[str, object]
    ) -> tuple[bool | None, tuple[Read, ...]]:
        """The same result as calling it, with every value read, in reading order."""
        value, reads, _ = trace(self._expr, self._types, record, facts, self.text)
        return value, reads

    def missing(self, record: BaseModel, facts: Mapping[str, object]) -> tuple[str, ...]:
        """When the result is unknown: the paths (``facts.x`` for facts) whose absence matters.

        Only values that would help settle the result are listed: in
        ``(a and b) or c`` with ``a`` unknown and ``b`` false, just ``c``.
        Item paths carry the 0-based index, e.g. ``history.cancers[1].status``.
        """
        return trace(self._expr, self._types, record, facts, self.text)[2]

    def __repr__(self) -> str:
        return f"Condition({self.text!r})"


def compile_condition(
    text: str, schema: RecordSchema, facts: Mapping[str, SchemaType]
) -> tuple[Condition | None, list[ExprProblem]]:
    """Parse, type-check and compile a condition; never raises on any text.

    Args:
        text: The condition as written in the pathway file.
        schema: What the record can hold (``RecordSchema.from_model``).
        facts: The declared facts and their types (``fact_type``).

    Returns:
        The condition, or ``None`` and every problem found, sorted by offset.
    """
    expr, problems = parse_condition(text)
    if expr is None:
        return None, problems
    types, problems = check_types(expr, text, schema, facts)
    if problems:
        return None, sorted(problems, key=lambda p: (p.offset, p.code))
    return Condition(text, expr, types), []


def check_value(value: object, type: SchemaType) -> str | None:
    """Whether a concluded fact value fits the fact's type: ``None`` if so, else why not.

    A date may be given as a ``date`` or as a ``YYYY-MM-DD`` text.

    Example:
        >>> from spinedx._conditions.schema import fact_type
        >>> print(check_value("hihg", fact_type("enum", ["low", "high"])))
        expected one of 'low', 'high', found "hihg" (did you mean 'high'?)
        >>> check_value("high", fact_type("enum", ["low", "high"])) is None
        True
    """
    found = _describe_value(value)
    match type:
        case BoolType():
            ok = isinstance(value, bool)
        case NumberType(integer=integer):
            whole = isinstance(value, int) and not isinstance(value, bool)
            ok = whole or (not integer and isinstance(value, float) and math.isfinite(value))
        case TextType():
            ok = isinstance(value, str)
        case EnumType(values=values):
            ok = isinstance(value, str) and value in values
            if isinstance(value, str) and not ok:
                near = closest(value, values)
                hint = f" ({did_you_mean(near)})" if near else ""
                return f"expected {describe_type(type)}, found {found}{hint}"
        case DateType():
            ok = isinstance(value, datetime.date) or (
                isinstance(value, str) and parse_date(value) is not None
            )
        case _:
            return f"a fact cannot hold {describe_type(type)}"
    return None if ok else f"expected {describe_type(type)}, found {found}"


def _describe_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, int | float):
        return f"the number {value!r}"
    return f"a {type(value).__name__}"


def _references(expr: Expr) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The record paths and fact names a condition can read, sorted and unique."""
    fields: set[str] = set()
    facts: set[str] = set()

    def visit(node: Expr, lists: Mapping[str, str]) -> None:
        """``lists`` maps each quantifier variable to its list's path, written ``x[]``."""
        if isinstance(node, Path):
            fields.add(".".join(node.parts))
        elif isinstance(node, Var) and node.parts:
            fields.add(".".join((lists[node.name], *node.parts)))
        elif isinstance(node, FactRef):
            facts.add(node.name)
        elif isinstance(node, Quantifier):
            visit(node.source, lists)
            source = node.source
            base = source.parts if isinstance(source, Path) else (lists[source.name], *source.parts)
            visit(node.body, {**lists, node.var: ".".join(base) + "[]"})
            return
        for child in children(node):
            visit(child, lists)

    visit(expr, {})
    return tuple(sorted(fields)), tuple(sorted(facts))
