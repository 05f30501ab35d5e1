"""Type-check a condition tree against a record schema and the declared facts.

Runs at load time and reports every problem, not only the first, each at the
exact sub-expression (the misspelt field name, the text that is not one of the
enum's values). A sub-expression that already failed has no type, so one
mistake is reported once rather than again by every operator above it.

The result also carries the type of every node that checked, which the
compiler uses: a text literal compared with a date becomes a date, and enum
or date reads get the conversion they need.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from spinedx._schema import (
    BoolType,
    DateType,
    EnumType,
    ListType,
    NumberType,
    ObjectType,
    OpaqueType,
    RecordSchema,
    SchemaType,
    TextType,
    closest,
)
from spinedx._tree import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Expr,
    ExprProblem,
    FactRef,
    Literal,
    Neg,
    Not,
    Path,
    Quantifier,
    Var,
)

Types = dict[int, SchemaType]
"""The type of each node that checked, keyed by ``id(node)`` (the tree must stay alive)."""

_EMPTY = OpaqueType("nothing")  # the item type of an empty list literal: fits anything


def check_types(
    expr: Expr, text: str, schema: RecordSchema, facts: Mapping[str, SchemaType]
) -> tuple[Types, list[ExprProblem]]:
    """Check ``expr`` (parsed from ``text``); return node types and every problem."""
    checker = _Checker(text, schema, facts)
    result = checker.check(expr)
    if result is not None and not isinstance(result, BoolType):
        checker.report(
            "SPX407",
            f"the condition gives {describe_type(result)}, not true or false",
            expr,
            _condition_hint(checker.source(expr), result),
        )
    return checker.types, checker.problems


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


def _condition_hint(source: str, t: SchemaType) -> str | None:
    if isinstance(t, NumberType):
        return f"compare it with a number, for example {source} >= 1"
    if isinstance(t, EnumType) and t.values:
        return f'compare it with one of its values, for example {source} == "{t.values[0]}"'
    if isinstance(t, ListType):
        return f"use any(…), all(…) or count(…) on a list, for example count({source}) > 0"
    if isinstance(t, ObjectType) and t.fields:
        return f"read one of its fields, for example {source}.{next(iter(t.fields))}"
    return None


def _family(t: SchemaType) -> str:
    """Types that can be compared with each other share a family."""
    match t:
        case NumberType():
            return "number"
        case TextType() | EnumType():
            return "text"
    return type(t).__name__


class _Checker:
    def __init__(self, text: str, schema: RecordSchema, facts: Mapping[str, SchemaType]) -> None:
        self.text = text
        self.schema = schema
        self.facts = facts
        self.types: Types = {}
        self.problems: list[ExprProblem] = []
        self.scope: dict[str, SchemaType] = {}

    def source(self, node: Expr) -> str:
        return self.text[node.offset : node.offset + node.length]

    def quoted(self, node: Expr) -> str:
        """How a sub-expression is named in a message: texts keep their own quotes."""
        written = self.source(node)
        return written if isinstance(node, Literal) and isinstance(node.value, str) else f"'{written}'"

    def report(self, code: str, message: str, node: Expr, hint: str | None = None) -> None:
        self.at(code, message, node.offset, node.length, hint)

    def at(
        self, code: str, message: str, offset: int, length: int, hint: str | None = None
    ) -> None:
        self.problems.append(ExprProblem(code, message, offset, max(length, 1), hint))

    def check(self, node: Expr) -> SchemaType | None:
        found = self._check(node)
        if found is not None:
            self.types[id(node)] = found
        return found

    def _check(self, node: Expr) -> SchemaType | None:
        match node:
            case Literal(value=tuple()):
                self.report("SPX405", "a list can only stand after 'in'", node)
                return None
            case Literal(value=value):
                return _literal_type(value)
            case Path(parts=parts, part_offsets=offsets):
                return self.walk(self.schema.root, parts, offsets, ())
            case Var(name=name, parts=parts, part_offsets=offsets):
                return self.walk(self.scope[name], parts, offsets, (name,))
            case FactRef():
                return self.fact(node)
            case Not(operand=operand):
                self.expect_condition(operand, "'not' needs a condition")
                return BoolType()
            case BoolOp(op=op, operands=operands):
                for operand in operands:
                    self.expect_condition(operand, f"'{op}' joins conditions")
                return BoolType()
            case Compare():
                return self.compare(node)
            case Arith(op=op, left=left, right=right):
                integer = [
                    self.expect_number(side, f"'{op}' works on numbers") for side in (left, right)
                ]
                if None in integer:
                    return None
                return NumberType(integer=all(integer) and op != "/")
            case Neg(operand=operand):
                whole = self.expect_number(operand, "'-' works on numbers")
                return None if whole is None else NumberType(integer=whole)
            case Call():
                return self.call(node)
            case Quantifier():
                return self.quantifier(node)
        return None  # pragma: no cover - the match above is exhaustive

    # -- reads ---------------------------------------------------------------

    def walk(
        self,
        start: SchemaType,
        parts: Sequence[str],
        offsets: Sequence[int],
        shown: tuple[str, ...],
    ) -> SchemaType | None:
        """Follow field names from ``start``; ``shown`` is how the path so far is written."""
        current = start
        for index, name in enumerate(parts):
            owner = "'" + ".".join(shown) + "'" if shown else "the record"
            if isinstance(current, ListType):
                self.at(
                    "SPX405",
                    f"{owner} is a list; its items have fields, the list itself has none",
                    offsets[index],
                    len(name),
                    f"write any(x.{name} … for x in {'.'.join(shown)})",
                )
                return None
            if not isinstance(current, ObjectType):
                self.at(
                    "SPX403",
                    f"{owner} is {describe_type(current)}; it has no field '{name}'",
                    offsets[index],
                    len(name),
                )
                return None
            spec = current.fields.get(name)
            if spec is None:
                self.at(
                    "SPX403",
                    f"{owner} has no field '{name}'",
                    offsets[index],
                    len(name),
                    self.suggest(current, parts[: index + 1], shown),
                )
                return None
            current = spec.type
            shown = (*shown, name)
        return current

    def suggest(
        self, owner: ObjectType, parts: Sequence[str], shown: tuple[str, ...]
    ) -> str | None:
        if shown and shown[0] in self.scope:  # a variable: suggest among the item's fields
            near = closest(parts[-1], owner.fields)
            found = ".".join((*shown, near)) if near else None
        else:
            found = self.schema.suggest(parts)
        return f"did you mean '{found}'?" if found else None

    def fact(self, node: FactRef) -> SchemaType | None:
        found = self.facts.get(node.name)
        if found is None:
            near = closest(node.name, self.facts)
            hint = (
                f"did you mean 'facts.{near}'?"
                if near
                else "declare it under 'facts:' in the manifest"
            )
            self.at(
                "SPX410",
                f"the pathway declares no fact '{node.name}'",
                node.name_offset,
                len(node.name),
                hint,
            )
        return found

    # -- operators -----------------------------------------------------------

    def expect_condition(self, node: Expr, what: str) -> None:
        found = self.check(node)
        if found is not None and not isinstance(found, BoolType):
            source = self.source(node)
            self.report(
                "SPX405",
                f"{what}, but '{source}' is {describe_type(found)}",
                node,
                _condition_hint(source, found),
            )

    def expect_number(self, node: Expr, what: str) -> bool | None:
        """Check that ``node`` is a number; return whether it is whole, or ``None``."""
        found = self.check(node)
        if found is None:
            return None
        if not isinstance(found, NumberType):
            self.report(
                "SPX405", f"{what}, but {self.quoted(node)} is {describe_type(found)}", node
            )
            return None
        return found.integer

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
        item: SchemaType = _EMPTY
        for element in elements:
            element_type = self.check(element)
            if element_type is None:
                return None
            if item is _EMPTY:
                item = element_type
            elif _family(item) != _family(element_type):
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
                f"'in' needs a list after it, but {self.quoted(right)} is {describe_type(right_type)}",
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
        elif isinstance(right_type.item, ListType | ObjectType | OpaqueType):
            self.report(
                "SPX405",
                f"'in' looks among values, but the items of {self.quoted(right)} are "
                f"{describe_type(right_type.item)}",
                right,
                f"write any(x.… == … for x in {self.source(right)})",
            )
        elif right_type.item is not _EMPTY:
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
                    _condition_hint(self.source(node), node_type),
                )
                return False
        families = {_family(left_type), _family(right_type)}
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
        hint = f'did you mean "{near}"?' if near else f"the allowed values are {allowed}"
        self.report(
            "SPX406",
            f"{self.quoted(field)} cannot be \"{value}\"; it is {describe_type(field_type)}",
            literal,
            hint,
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
        if _family(left_type) != _family(right_type):
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

    # -- functions -----------------------------------------------------------

    def call(self, node: Call) -> SchemaType | None:
        if node.func == "known":
            (arg,) = node.args
            if not isinstance(arg, Path | FactRef | Var):
                self.report(
                    "SPX408",
                    "known() takes a field or a fact",
                    arg,
                    "write known(labs.crp) or known(facts.suspicion)",
                )
                return BoolType()
            self.check(arg)
            return BoolType()
        if node.func == "count":
            (arg,) = node.args
            found = self.check(arg)
            if found is not None and not (
                isinstance(found, ListType) and isinstance(arg, Path | Var)
            ):
                self.report(
                    "SPX408",
                    f"count() takes a list field, but {self.quoted(arg)} is {describe_type(found)}",
                    arg,
                )
            return NumberType(integer=True)
        for arg in node.args:  # years_between, days_between
            found = self.check(arg)
            if isinstance(arg, Literal) and isinstance(arg.value, str):
                self.date_literal(arg, arg.value)
            elif found is not None and not isinstance(found, DateType):
                self.report(
                    "SPX408",
                    f"{node.func}() takes two dates, but {self.quoted(arg)} is {describe_type(found)}",
                    arg,
                )
        return NumberType(integer=True)

    def quantifier(self, node: Quantifier) -> SchemaType | None:
        source = self.check(node.source)
        result: SchemaType = NumberType(integer=True) if node.kind == "count" else BoolType()
        if source is None:
            return result
        if not isinstance(source, ListType):
            self.report(
                "SPX408",
                f"{node.kind}() goes over a list, but {self.quoted(node.source)} is {describe_type(source)}",
                node.source,
            )
            return result
        outer = self.scope.get(node.var)
        self.scope[node.var] = source.item
        body = self.check(node.body)
        if outer is None:
            del self.scope[node.var]
        else:
            self.scope[node.var] = outer
        if body is None or isinstance(body, BoolType):
            return result
        if node.kind == "count" and isinstance(node.body, Var) and not node.body.parts:
            self.report(
                "SPX408",
                "count(… for …) needs a condition before 'for'",
                node.body,
                f"to count the items, write count({self.source(node.source)})",
            )
        else:
            self.report(
                "SPX407",
                f"the part before 'for' must be true or false, but {self.quoted(node.body)} is {describe_type(body)}",
                node.body,
                _condition_hint(self.source(node.body), body),
            )
        return result


def _literal_type(value: object) -> SchemaType:
    if isinstance(value, bool):
        return BoolType()
    if isinstance(value, int):
        return NumberType(integer=True)
    if isinstance(value, float):
        return NumberType()
    return TextType()
