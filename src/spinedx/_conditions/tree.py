"""The closed syntax tree of the condition language.

Every condition is parsed into these frozen nodes and nothing else; the type
checker, the compiler and the tracer all work on them. Each node keeps
``offset`` and ``length`` in *characters* of the condition text, so a problem
can be mapped onto a file span by the loader.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

MAX_CONDITION_CHARS = 2000
MAX_NODES = 400
MAX_DEPTH = 40
MAX_INTEGER = 10**15

FUNCTIONS: tuple[str, ...] = (
    "all",
    "any",
    "at_least",
    "count",
    "days_between",
    "known",
    "years_between",
)

LiteralScalar = bool | int | float | str
CompareOp = typing.Literal["==", "!=", "<", "<=", ">", ">=", "in", "not in"]
ArithOp = typing.Literal["+", "-", "*", "/"]
QuantifierKind = typing.Literal["any", "all", "count"]


@dataclass(frozen=True, slots=True)
class ExprProblem:
    """One problem in a condition, located by character offset into its text."""

    code: str
    message: str
    offset: int
    length: int
    hint: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Literal:
    """A fixed value: ``true``, ``50``, ``"brisk"``, or a list of such literals."""

    value: LiteralScalar | tuple[Literal, ...]
    offset: int
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Path:
    """A record field, e.g. ``history.age``; ``part_offsets`` locate each name."""

    parts: tuple[str, ...]
    part_offsets: tuple[int, ...]
    offset: int
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FactRef:
    """A declared fact, written ``facts.name``; ``name_offset`` locates the name."""

    name: str
    name_offset: int
    offset: int
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Var:
    """A quantifier variable, optionally followed by field names (``c.status``)."""

    name: str
    parts: tuple[str, ...]
    part_offsets: tuple[int, ...]
    offset: int
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Not:
    """``not operand``."""

    operand: Expr
    offset: int
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BoolOp:
    """``a and b and …`` or ``a or b or …``."""

    op: typing.Literal["and", "or"]
    operands: tuple[Expr, ...]
    offset: int
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class AtLeast:
    """``at_least(n, a, b, …)``: true when at least ``n`` of the conditions are.

    ``n`` is a whole number written out (1 up to the number of conditions), so
    it is kept as a plain ``int``; the conditions, two or more, are the node's
    only sub-expressions.
    """

    n: int
    operands: tuple[Expr, ...]
    offset: int
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Compare:
    """A comparison, possibly chained: ``0 < x <= 10``; ``op_offsets`` locate each operator."""

    left: Expr
    ops: tuple[CompareOp, ...]
    comparators: tuple[Expr, ...]
    op_offsets: tuple[int, ...]
    offset: int
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Arith:
    """``left op right`` for ``+ - * /`` on numbers."""

    op: ArithOp
    left: Expr
    right: Expr
    offset: int
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Neg:
    """Unary minus."""

    operand: Expr
    offset: int
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """One of the plain functions: ``known``, ``count`` (of a list), ``years_between``, …

    ``at_least`` has its own node, ``AtLeast``; the quantifiers have ``Quantifier``.
    """

    func: str
    args: tuple[Expr, ...]
    offset: int
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantifier:
    """``any(body for var in source)``, likewise ``all`` and ``count``."""

    kind: QuantifierKind
    var: str
    source: Path | Var
    body: Expr
    offset: int
    length: int


Expr = (
    Literal
    | Path
    | FactRef
    | Var
    | Not
    | BoolOp
    | AtLeast
    | Compare
    | Arith
    | Neg
    | Call
    | Quantifier
)


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of ``node``, in reading order (list items excluded)."""
    match node:
        case Not(operand=operand) | Neg(operand=operand):
            return (operand,)
        case BoolOp(operands=operands) | AtLeast(operands=operands):
            return operands
        case Compare(left=left, comparators=comparators):
            return (left, *comparators)
        case Arith(left=left, right=right):
            return (left, right)
        case Call(args=args):
            return args
        case Quantifier(source=source, body=body):
            return (source, body)
    return ()
