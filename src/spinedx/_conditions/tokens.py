"""The written form of a condition, token by token: what Python reads that the language does not.

Python's tokenizer accepts more than the condition language documents, and some
of it reads differently to a clinician than to Python. A ``#`` line inside a
folded ``when: >-`` is text to YAML but starts a comment for Python, so the rest
of the condition would silently vanish. ``"fem" "ale"`` is one text, ``0x10`` is
sixteen, ``5e1`` is fifty, ``True`` is ``true``. Each is refused here, at its
token, before the text is parsed. The tokens come from Python's ``tokenize``,
which only reads the text.

Example:
    >>> [(p.code, p.offset) for p in check_tokens("age > 0x10 # over sixteen", 0)]
    [('SPX402', 6), ('SPX412', 11)]
"""

from __future__ import annotations

import decimal
import io
import re
import tokenize

from spinedx._conditions.tree import ExprProblem

_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_TEXT_PREFIXES = frozenset("rRuU")  # b'…' and f'…' are refused, by name, by the whitelist
_CAPITALISED = {"True": "true", "False": "false"}
_NUMBER_FORMS = (
    (re.compile(r"0[xX]"), "hexadecimal numbers ('0x…')"),
    (re.compile(r"0[oO]"), "octal numbers ('0o…')"),
    (re.compile(r"0[bB]"), "binary numbers ('0b…')"),
    (re.compile(r".*_"), "numbers with '_' between digits"),
    (re.compile(r".*[eE]"), "numbers with an exponent ('e')"),
)
_MAX_SHOWN_DIGITS = 20


def check_tokens(body: str, lead: int) -> list[ExprProblem]:
    """Every comment and every literal the language does not define, in ``body``.

    ``body`` is one line (the caller joined the lines) and starts at ``lead`` in the
    condition text. Text the tokenizer cannot read is left to Python's parser,
    which reports it in the author's terms.
    """
    problems: list[ExprProblem] = []
    texts: list[tokenize.TokenInfo] = []  # the run of texts written side by side
    for token in _tokens(body):
        offset = lead + token.start[1]
        if token.type != tokenize.STRING:
            if len(texts) > 1:
                problems.append(_side_by_side(texts, lead))
            texts = []
        if token.type == tokenize.COMMENT:
            problems.append(_comment(offset))
        elif token.type == tokenize.NUMBER:
            problems.extend(_number(token.string, offset))
        elif token.type == tokenize.STRING:
            texts.append(token)
            problems.extend(_text(token.string, offset))
        elif token.type == tokenize.NAME and token.string in _CAPITALISED:
            word = _CAPITALISED[token.string]
            problems.append(
                ExprProblem(
                    "SPX401",
                    f"'{token.string}' is not a value here; "
                    f"the language writes '{word}' in lowercase",
                    offset,
                    len(token.string),
                    f"write '{word}'",
                )
            )
    if len(texts) > 1:
        problems.append(_side_by_side(texts, lead))
    return problems


def _tokens(body: str) -> list[tokenize.TokenInfo]:
    """The tokens of the one line ``body``, up to the first it cannot read."""
    found: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(body).readline):
            if token.type == tokenize.ERRORTOKEN or token.start[0] != 1:
                break
            found.append(token)
    except (tokenize.TokenError, SyntaxError):  # an unclosed bracket or quote
        pass
    return found


def _comment(offset: int) -> ExprProblem:
    return ExprProblem(
        "SPX412",
        "'#' starts a comment inside the condition, which would hide everything after it",
        offset,
        1,
        "remove the note; to keep it, write it as a YAML comment on a line of its own "
        "before '- when:'",
    )


def _number(written: str, offset: int) -> list[ExprProblem]:
    if _PLAIN_NUMBER.fullmatch(written) or written[-1] in "jJ":  # 1j: refused as complex
        return []
    what = next(
        (name for pattern, name in _NUMBER_FORMS if pattern.match(written)),
        "numbers starting or ending with a point",
    )
    plain = _plain_number(written)
    hint = f"write {plain}" if plain else "write the number in plain digits, such as 16 or 2.5"
    return [
        ExprProblem(
            "SPX402", f"{what} are not part of the condition language", offset, len(written), hint
        )
    ]


def _plain_number(written: str) -> str | None:
    """The number in plain decimal digits, when that is short enough to show."""
    digits = written.replace("_", "")
    if len(digits) > _MAX_SHOWN_DIGITS:
        return None
    if digits[:2].lower() in ("0x", "0o", "0b"):
        return str(int(digits, 0))
    exact = decimal.Decimal(digits)
    if abs(exact.adjusted()) > _MAX_SHOWN_DIGITS // 2:
        return None
    shown = format(exact, "f")
    return shown if "." in shown or not any(c in digits for c in ".eE") else shown + ".0"


def _parts(written: str) -> tuple[str, bool, str]:
    """A text token's prefix, whether it is triple-quoted, and what is inside the quotes."""
    quote_at = min(i for i in (written.find("'"), written.find('"')) if i >= 0)
    quoted = written[quote_at:]
    triple = quoted[:3] in ('"""', "'''")
    return written[:quote_at], triple, quoted[3:-3] if triple else quoted[1:-1]


def _text(written: str, offset: int) -> list[ExprProblem]:
    prefix, triple, content = _parts(written)
    if not triple and not (prefix and set(prefix) <= _TEXT_PREFIXES):
        return []
    what = f"texts with '{prefix}' before the quote" if prefix else "triple-quoted texts"
    return [
        ExprProblem(
            "SPX402",
            f"{what} are not part of the condition language",
            offset,
            len(written),
            f"write the text in plain quotes: {_quoted(content)}",
        )
    ]


def _side_by_side(texts: list[tokenize.TokenInfo], lead: int) -> ExprProblem:
    start, end = texts[0].start[1], texts[-1].end[1]
    joined = "".join(_parts(t.string)[2] for t in texts)
    return ExprProblem(
        "SPX401",
        "two texts stand side by side with nothing between them; they would be read as one",
        lead + start,
        end - start,
        f"write one text: {_quoted(joined)}; to list several texts, separate them with commas",
    )


def _quoted(content: str) -> str:
    """A text as a condition writes it."""
    return f"'{content}'" if '"' in content else f'"{content}"'
