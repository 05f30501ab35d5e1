"""The condition language: its closed syntax tree and the parser that builds it.

A condition is a Python-flavoured expression that clinicians can read, such as
``history.age >= 50 and (history.night_pain or history.weight_loss)``. Besides
``and``, ``or``, ``not``, comparisons and ``+ - * /``, it has a fixed set of
functions (``FUNCTIONS``; ``_calls`` converts them): ``known``, ``count``,
``years_between``, ``days_between``, the quantifiers ``any``/``all``/``count``
(``… for x in list``), and ``at_least(n, a, b, …)`` for "n or more of these",
as in ``at_least(2, history.age > 50, history.weight_loss, history.night_pain)``.

The text goes through Python's own parser (``ast.parse(mode="eval")``), never
through ``eval``, after ``_tokens`` has refused comments and literal forms the
language does not define (``0x10``, ``r"…"``, ``True``); ``_whitelist`` then
maps each allowed Python node onto the small, closed set of frozen nodes below
and reports everything else. Every
node keeps ``offset`` and ``length`` in *characters* of the condition text, so
the loader can turn a problem into a file span.

Example:
    >>> expr, problems = parse_condition('history.age >= 50 and not history.smoker')
    >>> type(expr).__name__, problems
    ('BoolOp', [])
"""

from __future__ import annotations

import ast
import re

from spinedx._conditions.tokens import check_tokens
from spinedx._conditions.tree import (
    FUNCTIONS,
    MAX_CONDITION_CHARS,
    MAX_DEPTH,
    MAX_NODES,
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
from spinedx._conditions.whitelist import convert

__all__ = [
    "FUNCTIONS",
    "MAX_CONDITION_CHARS",
    "MAX_DEPTH",
    "MAX_NODES",
    "Arith",
    "AtLeast",
    "BoolOp",
    "Call",
    "Compare",
    "Expr",
    "ExprProblem",
    "FactRef",
    "Literal",
    "Neg",
    "Not",
    "Path",
    "Quantifier",
    "Var",
    "parse_condition",
]


def parse_condition(text: str) -> tuple[Expr | None, list[ExprProblem]]:
    """Parse condition text into the closed syntax tree, or report why it cannot be.

    Never raises on any text and never executes any part of it.

    Args:
        text: The condition as written in the pathway file.

    Returns:
        The tree (``None`` when there is any problem) and every problem found.

    Example:
        >>> expr, problems = parse_condition("history.age = 50")
        >>> problems[0].code, problems[0].offset, problems[0].hint
        ('SPX401', 12, "to compare, write '==' instead of '='")
    """
    if len(text) > MAX_CONDITION_CHARS:
        return None, [
            ExprProblem(
                "SPX409",
                f"the condition is {len(text)} characters long; the limit is {MAX_CONDITION_CHARS}",
                0,
                len(text),
                "split it into several decisions, or conclude a fact and read that",
            )
        ]
    # Newlines (from YAML block scalars) become spaces so the whole condition
    # is one line: offsets stay 1:1 with the text and Python accepts it.
    source = text.replace("\r", " ").replace("\n", " ")
    body = source.lstrip(" \t\f")
    lead = len(source) - len(body)
    if not body.strip():
        return None, [ExprProblem("SPX401", "the condition is empty", 0, max(len(text), 1))]
    early = _prescan(body, lead) or check_tokens(body, lead)
    if early:
        return None, early
    tree, problems = _python_parse(body, lead, text)
    if tree is None:
        return None, problems
    too_big = _check_size(tree.body, body, lead)
    if too_big is not None:
        return None, [too_big]
    return convert(tree, body, lead)


_TOKEN = re.compile(
    r"""(?P<str>[rRbBuUfF]{0,2}(?:'[^']*'?|"[^"]*"?))
      |(?P<num>(?:\d\w*(?:\.\w*)?|\.\d\w*)(?:(?<=[eE])[+-]\w*)?)
      |(?P<name>\w+)
      |(?P<open>[(\[{])
      |(?P<close>[)\]}])
      |(?P<op>&&|\|\||<>|=>|=<|==|!=|<=|>=|:=|[=!≥≤≠])
      |(?P<other>\S)
    """,
    re.VERBOSE,
)
_NUMBER = re.compile(
    r"0[xX][\da-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+"
    r"|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?"
)
_FIXES = {
    "&&": "write 'and' instead of '&&'",
    "||": "write 'or' instead of '||'",
    "!": "write 'not' instead of '!'",
    "=": "to compare, write '==' instead of '='",
    "<>": "write '!=' instead of '<>'",
    "=>": "write '>=' instead of '=>'",
    "=<": "write '<=' instead of '=<'",
    "≥": "write '>=' instead of '≥'",
    "≤": "write '<=' instead of '≤'",
    "≠": "write '!=' instead of '≠'",
}
_UPPER_WORDS = {"AND": "and", "OR": "or", "NOT": "not", "And": "and", "Or": "or", "Not": "not"}


def _prescan(body: str, lead: int) -> list[ExprProblem]:
    """Reject what Python would only warn about, and nesting before it can recurse.

    Backslash escapes and numbers glued to words (``5and``) make CPython emit
    warnings while parsing; rejecting them first keeps parsing silent and
    thread-safe (no warning filters to juggle).
    """
    slash = body.find("\\")
    if slash >= 0:
        return [
            ExprProblem(
                "SPX402",
                "backslashes are not part of the condition language",
                lead + slash,
                1,
                "remove the '\\'; to put a quote inside a text, use the other kind of quote",
            )
        ]
    depth = 0
    for match in _TOKEN.finditer(body):
        kind, token, start = match.lastgroup, match.group(), lead + match.start()
        if kind == "num" and not _NUMBER.fullmatch(token):
            return [
                ExprProblem(
                    "SPX401",
                    f"'{token}' is neither a number nor a name",
                    start,
                    len(token),
                    "put a space between a number and the word after it",
                )
            ]
        if kind == "open":
            depth += 1
            if depth > MAX_DEPTH:
                return [_too_deep(start)]
        elif kind == "close":
            depth = max(depth - 1, 0)
    return []


def _check_size(root: ast.expr, body: str, lead: int) -> ExprProblem | None:
    """Count nodes and measure depth without recursion, before anything recurses over them."""
    stack: list[tuple[ast.AST, int]] = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES or depth > MAX_DEPTH:
            column = getattr(node, "col_offset", 0)
            offset = lead + len(body.encode("utf-8")[:column].decode("utf-8", errors="ignore"))
            if depth > MAX_DEPTH:
                return _too_deep(offset)
            return ExprProblem(
                "SPX409",
                f"the condition has more than {MAX_NODES} parts",
                offset,
                1,
                "split it into several decisions, or conclude a fact and read that",
            )
        stack.extend(
            (child, depth + 1)
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.expr | ast.comprehension | ast.keyword)
        )
    return None


def _too_deep(offset: int) -> ExprProblem:
    return ExprProblem(
        "SPX409",
        f"the condition is nested more than {MAX_DEPTH} levels deep",
        offset,
        1,
        "split it into several decisions, or conclude a fact and read that",
    )


def _python_parse(
    body: str, lead: int, text: str
) -> tuple[ast.Expression | None, list[ExprProblem]]:
    try:
        return ast.parse(body, mode="eval"), []
    except SyntaxError as error:
        return None, [_syntax_problem(error, body, lead, text)]
    except (RecursionError, MemoryError):
        return None, [_too_deep(lead)]
    except ValueError as error:  # lone surrogates; over-long integer literals
        position = lead + (error.start if isinstance(error, UnicodeEncodeError) else 0)
        return None, [
            ExprProblem(
                "SPX401",
                "the condition contains something that cannot be read as text or number",
                min(position, max(len(text) - 1, 0)),
                1,
            )
        ]


def _syntax_problem(error: SyntaxError, body: str, lead: int, text: str) -> ExprProblem:
    """Turn Python's SyntaxError into a problem in the author's terms."""
    for match in _TOKEN.finditer(body):
        token, start = match.group(), lead + match.start()
        if match.lastgroup == "op" and token in _FIXES:
            return ExprProblem(
                "SPX401", f"'{token}' is not an operator here", start, len(token), _FIXES[token]
            )
        if match.lastgroup == "name" and token in _UPPER_WORDS:
            word = _UPPER_WORDS[token]
            return ExprProblem(
                "SPX401",
                f"'{token}' is not a keyword; the language writes '{word}' in lowercase",
                start,
                len(token),
                f"write '{word}'",
            )
    message = (error.msg or "invalid syntax").split(" (detected")[0]
    end = len(text.rstrip()) or 1
    at_end = error.offset is None or error.offset < 1 or lead + error.offset > end
    offset = end - 1 if at_end else lead + (error.offset or 1) - 1
    length = 1
    if error.offset and error.end_offset and error.end_lineno in (None, error.lineno):
        length = error.end_offset - error.offset
    length = max(1, min(length, end - offset))
    if message.startswith("unterminated string"):
        return ExprProblem(
            "SPX401", "a text is not closed", offset, 1, "add the matching closing quote"
        )
    if message.endswith("was never closed"):
        return ExprProblem("SPX401", f"{message.split(' was')[0]} is never closed", offset, 1)
    if message.startswith("unmatched"):
        return ExprProblem("SPX401", f"{message[10:]} closes nothing", offset, 1)
    if "forgot a comma" in message:
        return ExprProblem(
            "SPX401",
            "two values stand side by side with nothing between them",
            offset,
            length,
            "separate list items with commas; join conditions with 'and' or 'or'",
        )
    if at_end and message == "invalid syntax":
        return ExprProblem("SPX401", "the condition ends too early", offset, 1)
    if message == "invalid syntax":
        found = text[offset : offset + length] or text[offset : offset + 1]
        return ExprProblem("SPX401", f"unexpected '{found}'", offset, length)
    return ExprProblem("SPX401", f"the condition is not well formed: {message}", offset, length)
