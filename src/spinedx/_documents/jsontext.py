"""Strict JSON: record text to the same position-tagged tree as strict YAML.

JSON's own grammar (RFC 8259) decides what is a value, so ``1e-05`` is a
number, as Python's ``json.dumps`` writes it, and ``NaN``, comments, single
quotes and bare words are refused. Everything else is as in ``_yaml``: the
size limit, a repeated key (SPX102), nesting past MAX_DEPTH (SPX110), and a
line and column for every problem. The scanner keeps its own stack, so no
nesting can exhaust Python's, and stops once the text holds more values than
a record may, so no text can build a tree larger than that.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Final

from spinedx._diagnostics import Diagnostic, Span, diagnostic
from spinedx._documents.strict_yaml import MAX_FILE_BYTES
from spinedx._documents.yaml_events import MAX_DEPTH
from spinedx._documents.yaml_tree import Value, YMap, YNode, YScalar, YSeq

_TOKEN: Final = re.compile(
    r"""(?P<string>"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*")
      | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)
      | (?P<word>true|false|null)(?![A-Za-z0-9_])
      | (?P<mark>[\[\]{}:,])""",
    re.VERBOSE,
)
_SPACE: Final = re.compile(r"[ \t\n\r]*")
_STRING_PART: Final = re.compile(r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*')
_BARE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.+-]*|[-+.0-9][A-Za-z0-9_.+-]*")
# Where editors (and str.splitlines, which source excerpts use) start a new line.
_BREAK: Final = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_WORDS: Final[dict[str, Value]] = {"true": True, "false": False, "null": None}
_NOT_NUMBERS: Final = frozenset({"NaN", "Infinity", "-Infinity", "+Infinity", "inf", "nan"})
_HINT_QUOTES: Final = 'write text in double quotes, for example "female"'


class _JsonError(Exception):
    """The first problem that stops the scan: code, message, where, and a hint."""

    def __init__(self, code: str, message: str, index: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.index, self.hint = code, message, index, hint


@dataclass
class _Open:
    """A mapping or list whose items are still being read."""

    start: tuple[int, int]  # line and column of its bracket
    items: list[YNode] | None  # None for a mapping
    pairs: list[tuple[YScalar, YNode]] = field(default_factory=list)
    seen: dict[str, YScalar] = field(default_factory=dict)
    key: YScalar | None = None

    @property
    def what(self) -> str:
        return "list" if self.items is not None else "mapping"


class _Reader:
    """One pass over the text; positions are counted as the scan moves forward."""

    def __init__(self, text: str, file: str, max_values: int) -> None:
        self.text, self.file, self.max_values = text, file, max_values
        self.values = 0
        self.diagnostics: list[Diagnostic] = []
        self._line, self._line_start, self._counted = 1, 0, 0

    def point(self, index: int) -> tuple[int, int]:
        """1-based line and column of ``text[index]``, counted on from the last asked."""
        if index < self._counted:  # not met in a forward scan; counted afresh to be safe
            self._line, self._line_start, self._counted = 1, 0, 0
        if index > self._counted:
            for found in _BREAK.finditer(self.text, self._counted, index):
                self._line, self._line_start = self._line + 1, found.end()
            self._counted = max(index, self._line_start)
        return self._line, index - self._line_start + 1

    def span(self, start: int | tuple[int, int], end: int) -> Span:
        line, column = self.point(start) if isinstance(start, int) else start
        end_line, end_column = self.point(end)
        return Span(
            file=self.file, line=line, column=column, end_line=end_line, end_column=end_column
        )

    def count(self, index: int) -> None:
        self.values += 1
        if self.values > self.max_values:
            raise _JsonError(
                "SPX501", f"the record holds more than {self.max_values} values", index
            )

    def read(self) -> YNode:
        stack: list[_Open] = []
        index = self.skip(0)
        if index == len(self.text):
            raise _JsonError("SPX503", "the JSON text is empty", index)
        while True:
            node, index = self.value(index, stack)
            while node is not None:
                if not stack:
                    self.end(index)
                    return node
                self.attach(stack[-1], node)
                node, index = self.after_item(index, stack)

    def value(self, index: int, stack: list[_Open]) -> tuple[YNode | None, int]:
        """Read one value; None when it opens a container, whose first item comes next."""
        token = self.token(index, "a value", stack)
        kind, raw, end = token.lastgroup, token.group(), token.end()
        if kind == "mark" and raw not in "[{":
            raise self.unexpected(index, "a value", stack)
        self.count(index)
        if kind != "mark":
            return YScalar(self.scalar(kind, raw, index), self.span(index, end), None, raw), end
        if len(stack) >= MAX_DEPTH:
            raise _JsonError(
                "SPX110",
                f"mappings and lists nest deeper than {MAX_DEPTH} levels",
                index,
                "flatten the structure",
            )
        stack.append(_Open(self.point(index), [] if raw == "[" else None))
        index = self.skip(end)
        if self.text.startswith("]" if raw == "[" else "}", index):
            return self.close(index, stack)
        return None, index if raw == "[" else self.key(index, stack)

    def after_item(self, index: int, stack: list[_Open]) -> tuple[YNode | None, int]:
        """After an item: the closed container, or None once ',' (and a key) are read."""
        index = self.skip(index)
        frame = stack[-1]
        close = "]" if frame.items is not None else "}"
        if self.text.startswith(close, index):
            return self.close(index, stack)
        if not self.text.startswith(",", index):
            raise self.unexpected(index, f"',' or '{close}'", stack)
        index = self.skip(index + 1)
        return None, index if frame.items is not None else self.key(index, stack)

    def key(self, index: int, stack: list[_Open]) -> int:
        """Read a key and its ':'; the index of the value that follows."""
        token = self.token(index, "a key in double quotes", stack)
        if token.lastgroup != "string":
            raise self.unexpected(index, "a key in double quotes", stack)
        raw = str(self.scalar("string", token.group(), index))
        key = YScalar(raw, self.span(index, token.end()), '"', raw)
        frame = stack[-1]
        first = frame.seen.setdefault(raw, key)
        if first is not key:
            self.diagnostics.append(
                diagnostic(
                    "SPX102",
                    f"the key '{raw}' appears twice in this mapping",
                    key.span,
                    hint=f"the first '{raw}' is on line {first.span.line}; keep one of the two",
                )
            )
        frame.key = key
        colon = self.skip(token.end())
        if not self.text.startswith(":", colon):
            raise self.unexpected(colon, "':' after the key", stack)
        return self.skip(colon + 1)

    def close(self, index: int, stack: list[_Open]) -> tuple[YNode, int]:
        frame = stack.pop()
        span = self.span(frame.start, index + 1)
        if frame.items is not None:
            return YSeq(tuple(frame.items), span), index + 1
        return YMap(tuple(frame.pairs), span), index + 1

    @staticmethod
    def attach(frame: _Open, node: YNode) -> None:
        if frame.items is not None:
            frame.items.append(node)
        elif frame.key is not None:
            frame.pairs.append((frame.key, node))

    def end(self, index: int) -> None:
        index = self.skip(index)
        if index < len(self.text):
            raise _JsonError(
                "SPX503",
                f"more text follows the end of the JSON value: {self.found(index)}",
                index,
                "one JSON text holds one record; give each record its own text or line",
            )

    def skip(self, index: int) -> int:
        return _SPACE.match(self.text, index).end()  # type: ignore[union-attr]  # matches ""

    def token(self, index: int, expected: str, stack: list[_Open]) -> re.Match[str]:
        token = _TOKEN.match(self.text, index)
        if token is None:
            raise self.unexpected(index, expected, stack)
        return token

    def scalar(self, kind: str | None, raw: str, index: int) -> Value:
        if kind == "word":
            return _WORDS[raw]
        if kind == "string":
            return raw[1:-1] if "\\" not in raw else str(json.loads(raw))
        if any(mark in raw for mark in ".eE"):
            number = float(raw)
            if not math.isfinite(number):
                raise _JsonError("SPX503", f"{raw} is too large to be a number", index)
            return number
        try:
            return int(raw)
        except ValueError:  # beyond Python's limit on digits converted from text
            raise _JsonError("SPX503", f"{raw[:12]}… has too many digits", index) from None

    def unexpected(self, index: int, expected: str, stack: list[_Open]) -> _JsonError:
        """Expected one thing, found another (or the end of the text)."""
        if index >= len(self.text):
            return self.ends_early(f"{expected} is missing", index, stack)
        hint: str | None = None
        if self.text[index] == "'":
            hint = _HINT_QUOTES
        elif self.text[index] == '"':
            return self.bad_text(index)
        elif (bare := _BARE.match(self.text, index)) is not None:
            word = bare.group()
            if word in _NOT_NUMBERS:
                message = f"expected {expected}, found '{word}', which JSON cannot hold"
                hint = "leave the value out if it is not known"
                return _JsonError("SPX503", message, index, hint)
            hint = _HINT_QUOTES if word[0].isalpha() else None
        return _JsonError("SPX503", f"expected {expected}, found {self.found(index)}", index, hint)

    @staticmethod
    def ends_early(missing: str, index: int, stack: list[_Open]) -> _JsonError:
        hint = "the text may have been cut off"
        if stack:
            line, column = stack[-1].start
            what = stack[-1].what
            hint = f"the {what} opened on line {line} column {column} is never closed; {hint}"
        return _JsonError("SPX503", f"the JSON text ends early: {missing}", index, hint)

    def bad_text(self, index: int) -> _JsonError:
        """Why the text in quotes starting at ``index`` is not JSON text."""
        stop = _STRING_PART.match(self.text, index).end()  # type: ignore[union-attr]
        if stop >= len(self.text):
            return _JsonError(
                "SPX503",
                "the JSON text ends early: a text in quotes is never closed",
                stop,
                "close the quotes",
            )
        if self.text[stop] == "\\":
            return _JsonError(
                "SPX503",
                f"'{self.text[stop : stop + 2]}' is not an escape JSON knows",
                stop,
                "write a backslash as \\\\",
            )
        return _JsonError(
            "SPX503",
            f"the character U+{ord(self.text[stop]):04X} must be written as an escape in JSON",
            stop,
            "write a line break inside quotes as \\n and a tab as \\t",
        )

    def found(self, index: int) -> str:
        bare = _BARE.match(self.text, index)
        if bare is not None:
            shown = bare.group()
            return f"'{shown[:20]}'" + ("…" if len(shown) > 20 else "")
        return repr(self.text[index])


def parse_json(
    text: str | bytes, file: str, *, max_values: int
) -> tuple[YNode | None, list[Diagnostic], str]:
    """Parse one JSON text into a position-tagged tree; never raise on bad input.

    Args:
        text: The JSON text, or a file's bytes (UTF-8; a BOM is dropped).
        file: The name diagnostics point at.
        max_values: Most values (scalars, lists, mappings) the text may hold.

    Returns:
        The root node (None after an error that stops the scan), every
        diagnostic, and the decoded text ("" when it could not be decoded).

    Example:
        >>> tree, problems, _ = parse_json('{"a": [1e-05, null]}', "p.json", max_values=10)
        >>> from spinedx._documents.yaml_tree import to_plain
        >>> to_plain(tree), problems
        ({'a': [1e-05, None]}, [])
    """
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        message = f"the text has {size} bytes; the limit is {MAX_FILE_BYTES}"
        return None, [diagnostic("SPX108", message, Span.at(file, 1, 1))], ""
    if isinstance(text, bytes):
        data = text
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            good = data[: error.start].decode("utf-8")
            message = f"byte 0x{data[error.start]:02x} at offset {error.start} is not valid UTF-8"
            where = Span.at(file, *_Reader(good, file, max_values).point(len(good)))
            return None, [diagnostic("SPX109", message, where, hint="save the file as UTF-8")], ""
    text = text.removeprefix("\ufeff")
    reader = _Reader(text, file, max_values)
    try:
        tree: YNode | None = reader.read()
    except _JsonError as problem:
        where = Span.at(file, *reader.point(problem.index))
        stop = diagnostic(problem.code, problem.message, where, hint=problem.hint)
        return None, [*reader.diagnostics, stop], text
    return tree, reader.diagnostics, text
