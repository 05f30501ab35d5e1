"""The strict YAML tree: scalars, lists and mappings that keep their positions.

Every node carries the span it was written at, and a scalar keeps its raw
text beside its resolved value, so later layers can point at a part of a
value (a word inside a condition) as exactly as at a whole node.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spinedx._diagnostics import Span
from spinedx._documents.text import BREAK


@dataclass(frozen=True, slots=True)
class YScalar:
    """A scalar: its resolved value, where it is, and how it was written."""

    value: str | int | float | bool | None
    span: Span
    style: str | None
    raw: str
    written: str = ""
    """The scalar as written in the file, when it runs over several lines."""

    def offset_span(self, offset: int, length: int = 1) -> Span:
        """Span of the characters ``[offset, offset + length)`` of :attr:`raw`.

        Exact for plain and quoted scalars on one line without escapes, and for
        single-quoted ones with ``''`` escapes; exact at ``offset`` for a scalar
        over several lines without escapes (a folded ``>-`` condition); for a
        literal block (``|``) otherwise the line is exact and the column is 1;
        otherwise the scalar's own start.
        """
        span = self.span
        if self.written:
            found = _locate(self.raw, self.written, offset)
            if found is not None:
                lines, column = found
                start = span.column if lines == 0 else 1
                return Span.at(span.file, span.line + lines, start + column, length)
        if span.end_line == span.line:
            quotes = 0 if self.style is None else 2
            offset = min(max(offset, 0), len(self.raw))
            if span.end_column - span.column == len(self.raw) + quotes:
                return span.shifted(offset + quotes // 2, length)
            # In single quotes the only escape is '' for one quote: count them back in.
            escapes = self.raw.count("'")
            if self.style == "'" and span.end_column - span.column == len(self.raw) + 2 + escapes:
                before = self.raw.count("'", 0, offset)
                inside = self.raw.count("'", offset, offset + length)
                return span.shifted(offset + before + 1, length + inside)
        elif self.style == "|":
            # A literal block keeps every line break, and its text starts below the indicator.
            line = span.line + 1 + self.raw.count("\n", 0, max(offset, 0))
            return Span.at(span.file, min(line, span.end_line), 1)
        return Span.at(span.file, span.line, span.column)


def _locate(value: str, written: str, offset: int) -> tuple[int, int] | None:
    """Where ``value[offset]`` stands in ``written``: lines below the first, and
    characters into that line; ``None`` if escapes make it unclear.

    The value is the written text less its header or quotes, indentation and
    folded line breaks, so its characters are found in ``written`` in order,
    skipping nothing but white space.
    """
    if not value:
        return None
    at = 0
    if written[:1] in ("|", ">"):
        header = BREAK.search(written)
        at = header.end() if header else len(written)
    elif written[:1] in ("'", '"'):
        at = 1
    last = min(max(offset, 0), len(value) - 1)
    for index, char in enumerate(value[: last + 1]):
        while at < len(written) and written[at] != char:
            if not written[at].isspace():
                return None
            at += 1
        if at == len(written):
            return None
        if index < last:
            at += 1
    breaks = list(BREAK.finditer(written, 0, at))
    return (len(breaks), at - breaks[-1].end()) if breaks else (0, at)


@dataclass(frozen=True, slots=True)
class YSeq:
    """A list and the span from its start to its last item."""

    items: tuple[YNode, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class YMap:
    """A mapping with text keys in file order; a repeated key keeps its first value."""

    items: tuple[tuple[YScalar, YNode], ...]
    span: Span
    _index: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # An index keeps lookups O(1), so schema checks over large pathways stay linear.
        index: dict[str, int] = {}
        for position, (key, _) in enumerate(self.items):
            index.setdefault(key.raw, position)
        object.__setattr__(self, "_index", index)

    def get(self, key: str) -> YNode | None:
        """The value under ``key``, or None when the key is absent."""
        position = self._index.get(key)
        return None if position is None else self.items[position][1]

    def key_node(self, key: str) -> YScalar | None:
        """The scalar that spells ``key``, or None when the key is absent."""
        position = self._index.get(key)
        return None if position is None else self.items[position][0]

    def keys(self) -> tuple[str, ...]:
        """The distinct keys in file order."""
        return tuple(self._index)

    def pairs(self) -> list[tuple[YScalar, YNode]]:
        """Key and value of each distinct key, first occurrences only."""
        return [self.items[position] for position in self._index.values()]


YNode = YScalar | YSeq | YMap
Value = str | int | float | bool | None
YPath = tuple[str | int, ...]


def to_plain(node: YNode | None) -> object:
    """The tree as plain Python: dicts (text keys, file order), lists and scalar values.

    Example:
        >>> from spinedx._documents.strict_yaml import parse_yaml
        >>> to_plain(parse_yaml("a: [1, x, null, '2']", "p.yaml")[0])
        {'a': [1, 'x', None, '2']}
    """
    if node is None or isinstance(node, YScalar):
        return None if node is None else node.value
    if isinstance(node, YSeq):
        return [to_plain(item) for item in node.items]
    return {key.raw: to_plain(value) for key, value in node.pairs()}


def spans_by_path(node: YNode) -> dict[YPath, Span]:
    """Map each path (keys and list indexes) to the span of the value there.

    A key's own span is under the value's path plus ``"__key__"``; the root's
    is under ``()``. This turns pydantic's error locations into positions.

    Example:
        >>> from spinedx._documents.strict_yaml import parse_yaml
        >>> spans = spans_by_path(parse_yaml("a:\\n  - b: 1", "p.yaml")[0])
        >>> str(spans[("a", 0, "b")]), str(spans[("a", 0, "b", "__key__")])
        ('p.yaml:2:8', 'p.yaml:2:5')
    """
    spans: dict[YPath, Span] = {}
    todo: list[tuple[YPath, YNode]] = [((), node)]
    while todo:
        path, current = todo.pop()
        spans[path] = current.span
        if isinstance(current, YSeq):
            todo.extend(((*path, index), item) for index, item in enumerate(current.items))
        elif isinstance(current, YMap):
            for key, value in current.pairs():
                spans[(*path, key.raw, "__key__")] = key.span
                todo.append(((*path, key.raw), value))
    return spans
