"""Map Python's parse tree onto the closed condition tree, node by allowed node.

Everything the language does not define is reported (SPX402, naming the
construct in plain words) and never executed: the Python tree is only read.
Offsets in ``ast`` count UTF-8 bytes; they are turned into character offsets
into the original condition text here, once.
"""

from __future__ import annotations

import ast
import math
import unicodedata

from spinedx._conditions.functions import NULLS, convert_call
from spinedx._conditions.tree import (
    MAX_INTEGER,
    Arith,
    ArithOp,
    BoolOp,
    CompareOp,
    Expr,
    ExprProblem,
    FactRef,
    Literal,
    Neg,
    Not,
    Path,
    Var,
)
from spinedx._conditions.tree import Compare as CompareNode

_COMPARE: dict[type[ast.cmpop], CompareOp] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_ARITH: dict[type[ast.operator], ArithOp] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}
_FORBIDDEN_OPERATORS: dict[type[ast.AST], tuple[str, str, str | None]] = {
    ast.Pow: ("**", "powers ('**')", None),
    ast.FloorDiv: ("//", "whole-number division ('//')", "write '/'"),
    ast.Mod: ("%", "remainders ('%')", None),
    ast.MatMult: ("@", "matrix products ('@')", None),
    ast.BitAnd: ("&", "bitwise operators ('&')", "write 'and'"),
    ast.BitOr: ("|", "bitwise operators ('|')", "write 'or'"),
    ast.BitXor: ("^", "bitwise operators ('^')", None),
    ast.LShift: ("<<", "shifts ('<<')", None),
    ast.RShift: (">>", "shifts ('>>')", None),
    ast.Is: ("is", "'is' comparisons", "write '==' to compare, or known(x) to test for a value"),
    ast.IsNot: ("is", "'is not' comparisons", "write '!=' to compare, or not known(x)"),
    ast.Invert: ("~", "bitwise operators ('~')", "write 'not'"),
    ast.UAdd: ("+", "leading plus signs", "write the number alone"),
}
_FORBIDDEN_NODES: dict[type[ast.AST], tuple[str, str | None]] = {
    ast.Lambda: ("lambda functions", None),
    ast.JoinedStr: ("f-strings", "write a plain text in quotes"),
    ast.NamedExpr: ("assignments (':=')", "to compare, write '=='"),
    ast.Starred: ("starred expressions ('*x')", None),
    ast.Dict: ("dictionaries ({key: value})", None),
    ast.Set: ("sets ({…})", 'write a list in square brackets: ["a", "b"]'),
    ast.ListComp: ("list comprehensions", "use any(…), all(…) or count(…)"),
    ast.SetComp: ("set comprehensions", "use any(…), all(…) or count(…)"),
    ast.DictComp: ("dictionary comprehensions", "use any(…), all(…) or count(…)"),
    ast.GeneratorExp: (
        "'for … in' outside any(…), all(…) or count(…)",
        'write any(c.status == "active" for c in history.cancers)',
    ),
    ast.IfExp: ("conditional expressions (x if c else y)", "split it into separate decisions"),
    ast.Subscript: ("indexing and slicing (x[…])", "use any(…), all(…) or count(…)"),
    ast.Await: ("'await' expressions", None),
    ast.Yield: ("'yield' expressions", None),
    ast.YieldFrom: ("'yield from' expressions", None),
}


def convert(tree: ast.Expression, body: str, lead: int) -> tuple[Expr | None, list[ExprProblem]]:
    """Convert a parsed condition; ``lead`` is where the parsed ``body`` starts in the text."""
    converter = Converter(body, lead)
    expr = converter.expr(tree.body)
    if converter.problems:
        return None, converter.problems
    return expr, []


class Converter:
    """Maps one parsed condition; ``lead`` is where the parsed ``body`` starts in the text."""

    def __init__(self, body: str, lead: int) -> None:
        self.body = body
        self.lead = lead
        self.problems: list[ExprProblem] = []
        self.scope: list[str] = []
        raw = body.encode("utf-8")
        self.byte_to_char: list[int] | None = None
        if len(raw) != len(body):
            table: list[int] = []
            for index, char in enumerate(body):
                table.extend([index] * len(char.encode("utf-8")))
            table.append(len(body))
            self.byte_to_char = table

    # -- positions ---------------------------------------------------------

    def char(self, byte_col: int | None) -> int:
        """The offset in the condition text of a column (UTF-8 bytes) in the parsed body."""
        col = max(byte_col or 0, 0)
        if self.byte_to_char is not None:
            col = self.byte_to_char[min(col, len(self.byte_to_char) - 1)]
        return self.lead + min(col, len(self.body))

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.char(getattr(node, "col_offset", 0))
        end = self.char(getattr(node, "end_col_offset", None) or getattr(node, "col_offset", 0))
        return start, max(end - start, 1)

    def find(self, symbol: str, after: ast.expr, before: ast.expr) -> int:
        """The offset of an operator between two operands, or of the first operand."""
        start = self.char(after.end_col_offset) - self.lead
        stop = self.char(before.col_offset) - self.lead
        found = self.body.find(symbol, start, stop)
        return self.lead + found if found >= 0 else self.span(after)[0]

    def report(
        self, code: str, message: str, offset: int, length: int, hint: str | None = None
    ) -> None:
        self.problems.append(ExprProblem(code, message, offset, max(length, 1), hint))

    def forbid(self, what: str, node: ast.AST, hint: str | None = None) -> None:
        offset, length = self.span(node)
        self.report(
            "SPX402", f"{what} are not part of the condition language", offset, length, hint
        )

    def written(self, node: ast.AST) -> str:
        """The text of a node as the author wrote it."""
        start, length = self.span(node)
        return self.body[start - self.lead : start - self.lead + length]

    def plain(self, node: ast.expr) -> bool:
        """Names must read as written: Python would silently turn 'ﬁ' into 'fi'."""
        start, length = self.span(node)
        written = self.written(node)
        if unicodedata.is_normalized("NFKC", written):
            return True
        self.report(
            "SPX401",
            "a name is written with compatibility characters (such as ligatures or full-width "
            "letters)",
            start,
            length,
            f"write '{unicodedata.normalize('NFKC', written)}'",
        )
        return False

    # -- expressions -------------------------------------------------------

    def expr(self, node: ast.expr) -> Expr | None:
        offset, length = self.span(node)
        match node:
            case ast.BoolOp(op=op, values=values):
                operands = [self.expr(value) for value in values]
                if any(operand is None for operand in operands):
                    return None
                return BoolOp(
                    op="and" if isinstance(op, ast.And) else "or",
                    operands=tuple(o for o in operands if o is not None),
                    offset=offset,
                    length=length,
                )
            case ast.UnaryOp():
                return self.unary(node, offset, length)
            case ast.BinOp():
                return self.binary(node, offset, length)
            case ast.Compare():
                return self.compare(node, offset, length)
            case ast.Call():
                return convert_call(self, node, offset, length)
            case ast.Constant():
                return self.constant(node, offset, length)
            case ast.List() | ast.Tuple():
                return self.literal_list(node, offset, length)
            case ast.Name() | ast.Attribute():
                return self.reference(node)
        what, hint = _FORBIDDEN_NODES.get(
            type(node), (f"'{type(node).__name__}' expressions", None)
        )
        self.forbid(what, node, hint)
        return None

    def unary(self, node: ast.UnaryOp, offset: int, length: int) -> Expr | None:
        if isinstance(node.op, ast.UAdd | ast.Invert):
            _, what, hint = _FORBIDDEN_OPERATORS[type(node.op)]
            self.report("SPX402", f"{what} are not part of the condition language", offset, 1, hint)
            return None
        operand = self.expr(node.operand)
        if operand is None:
            return None
        if isinstance(node.op, ast.Not):
            return Not(operand=operand, offset=offset, length=length)
        if isinstance(operand, Literal) and type(operand.value) in (int, float):
            return Literal(value=-operand.value, offset=offset, length=length)  # type: ignore[operator]
        return Neg(operand=operand, offset=offset, length=length)

    def binary(self, node: ast.BinOp, offset: int, length: int) -> Expr | None:
        op = _ARITH.get(type(node.op))
        if op is None:
            symbol, what, hint = _FORBIDDEN_OPERATORS[type(node.op)]
            at = self.find(symbol, node.left, node.right)
            self.report(
                "SPX402", f"{what} are not part of the condition language", at, len(symbol), hint
            )
        left, right = self.expr(node.left), self.expr(node.right)
        if op is None or left is None or right is None:
            return None
        return Arith(op=op, left=left, right=right, offset=offset, length=length)

    def compare(self, node: ast.Compare, offset: int, length: int) -> Expr | None:
        ops: list[CompareOp] = []
        op_offsets: list[int] = []
        previous: ast.expr = node.left
        for cmpop, right in zip(node.ops, node.comparators, strict=True):
            name = _COMPARE.get(type(cmpop))
            symbol = _FORBIDDEN_OPERATORS[type(cmpop)][0] if name is None else name.split()[-1]
            at = self.find(symbol if name != "not in" else "not", previous, right)
            if name is None:
                _, what, hint = _FORBIDDEN_OPERATORS[type(cmpop)]
                self.report(
                    "SPX402",
                    f"{what} are not part of the condition language",
                    at,
                    len(symbol),
                    hint,
                )
            else:
                ops.append(name)
            op_offsets.append(at)
            previous = right
        left = self.expr(node.left)
        comparators = [self.expr(item) for item in node.comparators]
        if left is None or len(ops) != len(node.ops) or any(c is None for c in comparators):
            return None
        return CompareNode(
            left=left,
            ops=tuple(ops),
            comparators=tuple(c for c in comparators if c is not None),
            op_offsets=tuple(op_offsets),
            offset=offset,
            length=length,
        )

    def constant(self, node: ast.Constant, offset: int, length: int) -> Literal | None:
        value = node.value
        if isinstance(value, bool | str):
            return Literal(value=value, offset=offset, length=length)
        if isinstance(value, int | float):
            if abs(value) > MAX_INTEGER or (isinstance(value, float) and not math.isfinite(value)):
                self.report(
                    "SPX409",
                    "the number is too large",
                    offset,
                    length,
                    "numbers may be at most 10**15",
                )
                return None
            return Literal(value=value, offset=offset, length=length)
        if value is None:
            self.forbid("'None' values", node, "to test for a missing value, write not known(x)")
        elif isinstance(value, bytes):
            self.forbid("byte strings (b'…')", node, "write a plain text in quotes")
        elif isinstance(value, complex):
            self.forbid("complex numbers", node)
        else:
            self.forbid("ellipses ('...')", node)
        return None

    def literal_list(self, node: ast.List | ast.Tuple, offset: int, length: int) -> Literal | None:
        items: list[Literal] = []
        for element in node.elts:
            fixed = isinstance(element, ast.Constant) or (
                isinstance(element, ast.UnaryOp) and isinstance(element.operand, ast.Constant)
            )
            item = self.expr(element) if fixed else None
            if isinstance(item, Literal):
                items.append(item)
            elif item is not None or not fixed:
                self.forbid(
                    "lists holding anything but fixed values",
                    element,
                    'a list may only hold texts or numbers, such as ["brisk", "absent"]',
                )
        if len(items) != len(node.elts):
            return None
        return Literal(value=tuple(items), offset=offset, length=length)

    def reference(self, node: ast.Name | ast.Attribute) -> Expr | None:
        """A name, possibly followed by ``.field`` parts: a record path, a fact or a variable."""
        if not self.plain(node):
            return None
        parts: list[tuple[str, ast.Attribute]] = []
        base: ast.expr = node
        while isinstance(base, ast.Attribute):
            parts.append((base.attr, base))
            base = base.value
        parts.reverse()
        ok = True
        for attr, holder in parts:
            if attr.startswith("_") or attr == "mro":
                end = self.span(holder)
                at = end[0] + end[1] - len(attr)
                self.report(
                    "SPX402",
                    f"'{attr}' is not a field; names starting with '_' and Python internals "
                    "are not part of the condition language",
                    at,
                    len(attr),
                )
                ok = False
        if not isinstance(base, ast.Name):
            if ok:
                self.forbid(
                    "fields of computed values",
                    node,
                    "read fields of the record, such as history.age",
                )
            else:
                self.expr(base)  # still report what is wrong inside
            return None
        if not ok:
            return None
        return self.name_path(
            base, [(attr, self.attr_offset(holder, attr)) for attr, holder in parts], node
        )

    def attr_offset(self, holder: ast.Attribute, attr: str) -> int:
        start, length = self.span(holder)
        return start + length - len(attr)

    def name_path(
        self, base: ast.Name, parts: list[tuple[str, int]], node: ast.expr
    ) -> Expr | None:
        offset, length = self.span(node)
        name = base.id
        names = tuple(p for p, _ in parts)
        offsets = tuple(o for _, o in parts)
        if name in self.scope:
            return Var(name=name, parts=names, part_offsets=offsets, offset=offset, length=length)
        if name.startswith("_"):
            self.forbid("names starting with '_'", base)
            return None
        if name in NULLS:
            self.forbid(f"'{name}' values", base, "to test for a missing value, write not known(x)")
            return None
        if name in ("true", "false") and not parts:
            return Literal(value=name == "true", offset=offset, length=length)
        if name == "facts":
            return self.fact(parts, offset, length)
        return Path(
            parts=(name, *names),
            part_offsets=(self.span(base)[0], *offsets),
            offset=offset,
            length=length,
        )

    def fact(self, parts: list[tuple[str, int]], offset: int, length: int) -> Expr | None:
        if not parts:
            self.report(
                "SPX410",
                "'facts' alone names no fact",
                offset,
                length,
                "write facts.<name>, such as facts.suspicion",
            )
            return None
        (name, name_offset), *rest = parts
        if rest:
            extra, at = rest[0]
            self.report(
                "SPX405",
                f"the fact '{name}' is a single value; it has no field '{extra}'",
                at,
                len(extra),
            )
            return None
        return FactRef(name=name, name_offset=name_offset, offset=offset, length=length)
