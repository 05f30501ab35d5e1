"""Map Python's parse tree onto the closed condition tree, node by allowed node.

Everything the language does not define is reported (SPX402, naming the
construct in plain words) and never executed: the Python tree is only read.
Offsets in ``ast`` count UTF-8 bytes; they are turned into character offsets
into the original condition text here, once.
"""

from __future__ import annotations

import ast
import difflib
import math
import unicodedata

from spinedx._tree import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_INTEGER,
    MAX_NODES,
    Arith,
    ArithOp,
    BoolOp,
    Call,
    CompareOp,
    Expr,
    ExprProblem,
    FactRef,
    Literal,
    Neg,
    Not,
    Path,
    Quantifier,
    QuantifierKind,
    Var,
)
from spinedx._tree import Compare as CompareNode

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
    ast.MatMult: ("@", "the '@' operator", None),
    ast.BitAnd: ("&", "the bitwise operator '&'", "write 'and'"),
    ast.BitOr: ("|", "the bitwise operator '|'", "write 'or'"),
    ast.BitXor: ("^", "the bitwise operator '^'", None),
    ast.LShift: ("<<", "shifts ('<<')", None),
    ast.RShift: (">>", "shifts ('>>')", None),
    ast.Is: ("is", "'is' comparisons", "write '==' to compare, or known(x) to test for a value"),
    ast.IsNot: ("is", "'is not' comparisons", "write '!=' to compare, or not known(x)"),
    ast.Invert: ("~", "the bitwise operator '~'", "write 'not'"),
    ast.UAdd: ("+", "a leading '+'", "write the number alone"),
}
_FORBIDDEN_NODES: dict[type[ast.AST], tuple[str, str | None]] = {
    ast.Lambda: ("lambda functions", None),
    ast.JoinedStr: ("f-strings", "write a plain text in quotes"),
    ast.NamedExpr: ("assignments (':=')", "to compare, write '=='"),
    ast.Starred: ("'*' unpacking", None),
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
    ast.Await: ("'await'", None),
    ast.Yield: ("'yield'", None),
    ast.YieldFrom: ("'yield from'", None),
}
_NULLS = frozenset({"None", "null", "nil", "none", "NULL", "Null"})
_RESERVED = frozenset({"facts", "true", "false", *FUNCTIONS})


def convert(tree: ast.Expression, body: str, lead: int) -> tuple[Expr | None, list[ExprProblem]]:
    """Convert a parsed condition; ``lead`` is where the parsed ``body`` starts in the text."""
    converter = _Converter(body, lead)
    size = converter.check_size(tree.body)
    if size is not None:
        return None, [size]
    expr = converter.expr(tree.body)
    if converter.problems:
        return None, converter.problems
    return expr, []


class _Converter:
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

    def plain(self, node: ast.expr) -> bool:
        """Names must read as written: Python would silently turn 'ﬁ' into 'fi'."""
        start, length = self.span(node)
        written = self.body[start - self.lead : start - self.lead + length]
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

    # -- size --------------------------------------------------------------

    def check_size(self, root: ast.expr) -> ExprProblem | None:
        """Count nodes and measure depth without recursion, before converting recursively."""
        stack: list[tuple[ast.AST, int]] = [(root, 1)]
        count = 0
        while stack:
            node, depth = stack.pop()
            count += 1
            if count > MAX_NODES:
                offset, _ = self.span(node)
                return ExprProblem(
                    "SPX409",
                    f"the condition has more than {MAX_NODES} parts",
                    offset,
                    1,
                    "split it into several decisions, or conclude a fact and read that",
                )
            if depth > MAX_DEPTH:
                offset, length = self.span(node)
                return ExprProblem(
                    "SPX409",
                    f"the condition is nested more than {MAX_DEPTH} levels deep",
                    offset,
                    length,
                    "split it into several decisions, or conclude a fact and read that",
                )
            stack.extend(
                (child, depth + 1)
                for child in ast.iter_child_nodes(node)
                if isinstance(child, ast.expr | ast.comprehension | ast.keyword)
            )
        return None

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
                return self.call(node, offset, length)
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
            self.report("SPX402", f"{what} is not part of the condition language", offset, 1, hint)
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
            self.forbid("'...'", node)
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
        if name in _NULLS:
            self.forbid(f"'{name}' values", base, "to test for a missing value, write not known(x)")
            return None
        if name in ("true", "false") and not parts:
            return Literal(value=name == "true", offset=offset, length=length)
        if name == "facts":
            return self.fact(parts, offset, length)
        return Path(
            parts=(name, *names), part_offsets=(offset, *offsets), offset=offset, length=length
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

    # -- calls ---------------------------------------------------------------

    def call(self, node: ast.Call, offset: int, length: int) -> Expr | None:
        func = node.func
        if not isinstance(func, ast.Name):
            if isinstance(func, ast.Attribute):
                self.reference(func)  # report forbidden names such as __import__ first
            self.forbid("method calls", func, f"the functions are: {', '.join(FUNCTIONS)}")
            return None
        name = func.id
        if not self.plain(func):
            return None
        if name.startswith("_"):
            self.forbid("names starting with '_'", func)
            return None
        if name not in FUNCTIONS:
            close = difflib.get_close_matches(name, FUNCTIONS, n=1)
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else f"the functions are: {', '.join(FUNCTIONS)}"
            )
            start, size = self.span(func)
            self.report("SPX404", f"there is no function '{name}'", start, size, hint)
            return None
        bad = False
        for keyword in node.keywords:
            self.forbid("keyword arguments (name=value)", keyword, "pass arguments by position")
            bad = True
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                self.forbid("'*' unpacking", arg)
                bad = True
        if bad:
            return None
        if (
            name in ("any", "all", "count")
            and len(node.args) == 1
            and isinstance(node.args[0], ast.GeneratorExp)
        ):
            return self.quantifier(name, node.args[0], offset, length)
        return self.plain_call(name, node, offset, length)

    def plain_call(self, name: str, node: ast.Call, offset: int, length: int) -> Expr | None:
        arity = {"any": 1, "all": 1, "count": 1, "known": 1, "years_between": 2, "days_between": 2}[
            name
        ]
        if name in ("any", "all"):
            self.report(
                "SPX408",
                f"{name}() takes a condition with 'for … in' over a list",
                offset,
                length,
                f'write {name}(c.status == "active" for c in history.cancers)',
            )
            return None
        if len(node.args) != arity:
            self.report(
                "SPX408",
                f"{name}() takes {arity} argument{'s' * (arity > 1)}, found {len(node.args)}",
                offset,
                length,
                _CALL_HINTS[name],
            )
            return None
        args = [self.expr(arg) for arg in node.args]
        if any(arg is None for arg in args):
            return None
        return Call(
            func=name, args=tuple(a for a in args if a is not None), offset=offset, length=length
        )

    def quantifier(self, kind: str, gen: ast.GeneratorExp, offset: int, length: int) -> Expr | None:
        if len(gen.generators) != 1:
            at = self.find("for", gen.generators[0].iter, gen.generators[1].target)
            self.report(
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
            self.forbid(
                "'if' inside any(…), all(…) or count(…)",
                clause.ifs[0],
                "join the two conditions with 'and'",
            )
        if clause.is_async:
            self.forbid("'async for'", gen)
        target = clause.target
        if (
            not isinstance(target, ast.Name)
            or target.id.startswith("_")
            or target.id in _RESERVED | _NULLS
        ):
            self.forbid(
                "this loop variable", target, "name the item with a plain word, such as 'c'"
            )
            return None
        source = self.expr(clause.iter)
        if source is not None and not isinstance(source, Path | Var):
            start, size = self.span(clause.iter)
            self.report(
                "SPX408",
                f"{kind}() goes over a list of the record",
                start,
                size,
                "write 'for c in history.cancers'",
            )
            return None
        self.scope.append(target.id)
        body = self.expr(gen.elt)
        self.scope.pop()
        if body is None or source is None or clause.ifs or clause.is_async:
            return None
        return Quantifier(
            kind=_KINDS[kind], var=target.id, source=source, body=body, offset=offset, length=length
        )


_KINDS: dict[str, QuantifierKind] = {"any": "any", "all": "all", "count": "count"}
_CALL_HINTS = {
    "count": "write count(history.cancers) or count(c.active for c in history.cancers)",
    "known": "write known(labs.crp) or known(facts.suspicion)",
    "years_between": "write years_between(history.date_of_birth, imaging.date)",
    "days_between": "write days_between(history.symptom_onset, imaging.date)",
}
