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

from collections.abc import Mapping, Sequence

from spinedx._conditions.functions import SPECS
from spinedx._conditions.schema import (
    BoolType,
    ListType,
    NumberType,
    ObjectType,
    RecordSchema,
    SchemaType,
)
from spinedx._conditions.semantics import ARITH
from spinedx._conditions.tree import (
    Arith,
    AtLeast,
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
from spinedx._conditions.typerules import (
    RuleChecker,
    Types,
    condition_hint,
    describe_type,
    literal_type,
    parse_date,
)
from spinedx._diagnostics import closest, did_you_mean

__all__ = ["Types", "check_types", "describe_type", "parse_date"]


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
            condition_hint(checker.source(expr), result),
        )
    return checker.types, checker.problems


class _Checker(RuleChecker):
    def __init__(self, text: str, schema: RecordSchema, facts: Mapping[str, SchemaType]) -> None:
        super().__init__(text)
        self.schema = schema
        self.facts = facts
        self.scope: dict[str, SchemaType] = {}
        self.constants: dict[int, int | float] = {}  # the value of each fixed-number node

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
                if isinstance(value, int | float) and not isinstance(value, bool):
                    self.constants[id(node)] = value
                return literal_type(value)
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
            case AtLeast(operands=operands):
                for operand in operands:
                    self.expect_condition(operand, "at_least() counts conditions")
                return BoolType()
            case Compare():
                return self.compare(node)
            case Arith(op=op, left=left, right=right):
                integer = [
                    self.expect_number(side, f"'{op}' works on numbers") for side in (left, right)
                ]
                if None in integer:
                    return None
                self.fold(node)
                return NumberType(integer=all(integer) and op != "/")
            case Neg(operand=operand):
                whole = self.expect_number(operand, "'-' works on numbers")
                if id(operand) in self.constants:
                    self.constants[id(node)] = -self.constants[id(operand)]
                return None if whole is None else NumberType(integer=whole)
            case Call():
                return self.call(node)
            case Quantifier():
                return self.quantifier(node)
        return None  # pragma: no cover - the match above is exhaustive

    def fold(self, node: Arith) -> None:
        """Work out a calculation on fixed numbers now; refuse one that gives no number.

        Each step is checked as at evaluation (``semantics.ARITH``), so the numbers stay
        within a float's range and the work is bounded.
        """
        if id(node.right) not in self.constants:
            return
        right = self.constants[id(node.right)]
        if node.op == "/" and right == 0:
            self.report(
                "SPX413",
                f"{self.quoted(node)} divides by zero, so it never gives a number",
                node,
                "divide by a number other than 0",
            )
        elif id(node.left) in self.constants:
            value = ARITH[node.op](self.constants[id(node.left)], right)
            if value is None:
                self.report(
                    "SPX413",
                    f"{self.quoted(node)} is too large to be a number",
                    node,
                    "check the calculation; numbers may be at most 10**15",
                )
            else:
                self.constants[id(node)] = value

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
        return did_you_mean(found) if found else None

    def fact(self, node: FactRef) -> SchemaType | None:
        found = self.facts.get(node.name)
        if found is None:
            near = closest(node.name, self.facts)
            hint = (
                did_you_mean(f"facts.{near}")
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
            self.report(
                "SPX405",
                f"{what}, but {self.quoted(node)} is {describe_type(found)}",
                node,
                condition_hint(self.source(node), found),
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

    # -- functions -----------------------------------------------------------

    def call(self, node: Call) -> SchemaType | None:
        rule = SPECS[node.func].type_rule
        return None if rule is None else rule(self, node)

    def quantifier(self, node: Quantifier) -> SchemaType | None:
        source = self.check(node.source)
        result: SchemaType = NumberType(integer=True) if node.kind == "count" else BoolType()
        if source is None:
            return result
        if not isinstance(source, ListType):
            self.report(
                "SPX408",
                f"{node.kind}() goes over a list, but {self.quoted(node.source)} is "
                f"{describe_type(source)}",
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
                f"the part before 'for' must be true or false, but {self.quoted(node.body)} is "
                f"{describe_type(body)}",
                node.body,
                condition_hint(self.source(node.body), body),
            )
        return result
