"""The typing rules for comparisons, and types in the author's words.

Equality needs two values of one family (numbers, texts and enum values,
dates, true/false); ordering needs numbers or dates; ``in`` needs a list of
values. A text literal compared with an enum field must be one of its values,
and one compared with a date is read as a ``YYYY-MM-DD`` date. These rules are
kept apart from the tree walk in ``_typecheck``, which builds on them.
"""

from __future__ import annotations

import datetime

from spinedx._conditions.schema import (
    BoolType,
    DateType,
    EnumType,
    ListType,
    NumberType,
    ObjectType,
    OpaqueType,
    SchemaType,
    TextType,
)
from spinedx._conditions.tree import Compare, Expr, ExprProblem, Literal
from spinedx._diagnostics import closest, did_you_mean

Types = dict[int, SchemaType]
"""The type of each node that checked, keyed by ``id(node)`` (the tree must stay alive)."""

EMPTY = OpaqueType("nothing")  # the item type of an empty list literal: fits anything


def describe_type(t: SchemaType) -> str:
    """A type in the author's words: ``a whole number``, ``one of 'low', 'high'``."""
    match t:
        case BoolType():
            return "true or false"
        case NumberType(integer=integer):
            return "a whole number" if integer else "a number"
        case TextType():
            return "a text"
        case EnumType(values=values):
            shown = ", ".join(f"'{v}'" for v in values[:6])
            return f"one of {shown}" + (f" … ({len(values)} values)" if len(values) > 6 else "")
        case DateType():
            return "a date"
        case ListType():
            return "a list"
        case ObjectType(name=name):
            return f"a group of fields ({name})"
        case OpaqueType(name=name):
            return f"a value of type {name}"
    return "a value"  # pragma: no cover - the match above is exhaustive


def parse_date(text: str) -> datetime.date | None:
    """A ``YYYY-MM-DD`` text as a date, or ``None`` when it is not one."""
    if len(text) != 10:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def condition_hint(source: str, t: SchemaType) -> str | None:
    if isinstance(t, NumberType):
        return f"compare it with a number, for example {source} >= 1"
    if isinstance(t, EnumType) and t.values:
        return f'compare it with one of its values, for example {source} == "{t.values[0]}"'
    if isinstance(t, ListType):
        return f"use any(…), all(…) or count(…) on a list, for example count({source}) > 0"
    if isinstance(t, ObjectType) and t.fields:
        return f"read one of its fields, for example {source}.{next(iter(t.fields))}"
    return None


def family(t: SchemaType) -> str:
    """Types that can be compared with each other share a family."""
    match t:
        case NumberType():
            return "number"
        case TextType() | EnumType():
            return "text"
    return type(t).__name__


def literal_type(value: object) -> SchemaType:
    if isinstance(value, bool):
        return BoolType()
    if isinstance(value, int):
        return NumberType(integer=True)
    if isinstance(value, float):
        return NumberType()
    return TextType()


class RuleChecker:
    """Problem reporting and the comparison rules; ``_typecheck`` adds the tree walk."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.types: Types = {}
        self.problems: list[ExprProblem] = []

    def check(self, node: Expr) -> SchemaType | None:
        """The type of ``node``, or ``None`` after reporting why it has none."""
        raise NotImplementedError

    def source(self, node: Expr) -> str:
        return self.text[node.offset : node.offset + node.length]

    def quoted(self, node: Expr) -> str:
        """How a sub-expression is named in a message: texts keep their own quotes."""
        written = self.source(node)
        return (
            written if isinstance(node, Literal) and isinstance(node.value, str) else f"'{written}'"
        )

    def report(self, code: str, message: str, node: Expr, hint: str | None = None) -> None:
        self.at(code, message, node.offset, node.length, hint)

    def at(
        self, code: str, message: str, offset: int, length: int, hint: str | None = None
    ) -> None:
        self.problems.append(ExprProblem(code, message, offset, max(length, 1), hint))

    def compare(self, node: Compare) -> SchemaType:
        operands = (node.left, *node.comparators)
        found: list[SchemaType | None] = [self.check(node.left)]
        for op, operand in zip(node.ops, node.comparators, strict=True):
            if (
                op in ("in", "not in")
                and isinstance(operand, Literal)
                and isinstance(operand.value, tuple)
            ):
                found.append(self.list_literal(operand, operand.value))
            else:
                found.append(self.check(operand))
        for index, op in enumerate(node.ops):
            left, right = operands[index], operands[index + 1]
            left_type, right_type = found[index], found[index + 1]
            if left_type is None or right_type is None:
                continue
            if op in ("in", "not in"):
                self.membership(left, left_type, right, right_type)
            elif op in ("==", "!="):
                self.comparable(left, left_type, right, right_type)
            else:
                self.ordered(op, left, left_type, right, right_type)
        return BoolType()

    def list_literal(self, node: Literal, elements: tuple[Literal, ...]) -> SchemaType | None:
        item: SchemaType = EMPTY
        for element in elements:
            element_type = self.check(element)
            if element_type is None:
                return None
            if item is EMPTY:
                item = element_type
            elif family(item) != family(element_type):
                self.report(
                    "SPX405",
                    f"a list mixes {describe_type(item)} and {describe_type(element_type)}",
                    element,
                )
                return None
        found = ListType(item)
        self.types[id(node)] = found
        return found

    def membership(
        self, left: Expr, left_type: SchemaType, right: Expr, right_type: SchemaType
    ) -> None:
        if not isinstance(right_type, ListType):
            self.report(
                "SPX405",
                f"'in' needs a list after it, but {self.quoted(right)} is "
                f"{describe_type(right_type)}",
                right,
                'write a list such as ["brisk", "absent"]',
            )
            return
        if isinstance(left_type, ListType | ObjectType):
            self.report(
                "SPX405",
                f"'in' tests one value, but {self.quoted(left)} is {describe_type(left_type)}",
                left,
            )
            return
        if isinstance(right, Literal) and isinstance(right.value, tuple):
            for element in right.value:
                self.comparable(left, left_type, element, self.types[id(element)])
        elif right_type.item is EMPTY:
            return
        elif isinstance(right_type.item, ListType | ObjectType | OpaqueType):
            self.report(
                "SPX405",
                f"'in' looks among values, but the items of {self.quoted(right)} are "
                f"{describe_type(right_type.item)}",
                right,
                f"write any(x.… == … for x in {self.source(right)})",
            )
        else:
            self.comparable(left, left_type, right, right_type.item)

    def comparable(
        self, left: Expr, left_type: SchemaType, right: Expr, right_type: SchemaType
    ) -> bool:
        """Whether ``left == right`` makes sense; reports why not."""
        for field, field_type, other in ((left, left_type, right), (right, right_type, left)):
            if not (isinstance(other, Literal) and isinstance(other.value, str)):
                continue
            if isinstance(field_type, EnumType):
                return self.enum_value(field, field_type, other, other.value)
            if isinstance(field_type, DateType):
                return self.date_literal(other, other.value)
        for node, node_type in ((left, left_type), (right, right_type)):
            if isinstance(node_type, ListType | ObjectType | OpaqueType):
                self.report(
                    "SPX405",
                    f"{self.quoted(node)} is {describe_type(node_type)}, which cannot be compared",
                    node,
                    condition_hint(self.source(node), node_type),
                )
                return False
        if isinstance(left_type, EnumType) and isinstance(right_type, EnumType):
            return self.enums_meet(left, left_type, right, right_type)
        families = {family(left_type), family(right_type)}
        if len(families) == 1:
            return True
        literal = (
            right if isinstance(right, Literal) else left if isinstance(left, Literal) else None
        )
        offset = literal.offset if literal else left.offset
        end = literal.offset + literal.length if literal else right.offset + right.length
        self.at(
            "SPX405",
            f"cannot compare {self.quoted(left)} ({describe_type(left_type)}) with "
            f"{self.quoted(right)} ({describe_type(right_type)})",
            offset,
            end - offset,
        )
        return False

    def enum_value(self, field: Expr, field_type: EnumType, literal: Literal, value: str) -> bool:
        if value in field_type.values:
            return True
        near = closest(value, field_type.values)
        allowed = ", ".join(f'"{v}"' for v in field_type.values)
        hint = did_you_mean(near, quote='"') if near else f"the allowed values are {allowed}"
        self.report(
            "SPX406",
            f'{self.quoted(field)} cannot be "{value}"; it is {describe_type(field_type)}',
            literal,
            hint,
        )
        return False

    def enums_meet(
        self, left: Expr, left_type: EnumType, right: Expr, right_type: EnumType
    ) -> bool:
        """Two fields with fixed values can be equal only if they share a value."""
        if set(left_type.values) & set(right_type.values) or not (
            left_type.values and right_type.values
        ):
            return True
        example = f'{self.source(left)} == "{left_type.values[0]}"'
        self.at(
            "SPX405",
            f"{self.quoted(left)} ({describe_type(left_type)}) and {self.quoted(right)} "
            f"({describe_type(right_type)}) share no value, so they can never match",
            left.offset,
            right.offset + right.length - left.offset,
            f"compare each with one of its own values, for example {example}",
        )
        return False

    def date_literal(self, literal: Literal, value: str) -> bool:
        if parse_date(value) is None:
            self.report(
                "SPX405",
                f'"{value}" is not a date',
                literal,
                "write dates as YYYY-MM-DD, e.g. 2024-03-31",
            )
            return False
        self.types[id(literal)] = DateType()
        return True

    def ordered(
        self, op: str, left: Expr, left_type: SchemaType, right: Expr, right_type: SchemaType
    ) -> None:
        sides = (
            (left, self.as_date(left, left_type, right_type)),
            (right, self.as_date(right, right_type, left_type)),
        )
        for node, node_type in sides:
            if node_type is None:
                return
            if not isinstance(node_type, NumberType | DateType):
                self.report(
                    "SPX405",
                    f"'{op}' compares numbers or dates, but {self.quoted(node)} is "
                    f"{describe_type(node_type)}",
                    node,
                )
                return
        left_type, right_type = sides[0][1] or left_type, sides[1][1] or right_type
        if family(left_type) != family(right_type):
            self.comparable(left, left_type, right, right_type)

    def as_date(self, node: Expr, node_type: SchemaType, other: SchemaType) -> SchemaType | None:
        """A text literal compared with a date is read as a date (``None`` if it is not one)."""
        if (
            isinstance(node, Literal)
            and isinstance(node.value, str)
            and isinstance(other, DateType)
        ):
            return DateType() if self.date_literal(node, node.value) else None
        return node_type
