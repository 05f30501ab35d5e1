"""Strict YAML: text to a tree of scalars, lists and mappings that keep their positions.

The tree is built from PyYAML's parser *events*, never from constructed
objects: aliases are never expanded, tags never constructed, and the build
loop keeps its own stack, so no nesting depth can exhaust Python's. Plain
scalars resolve by a subset of the YAML 1.2 core schema (``_plain``), and
every spelling that YAML 1.1 reads differently (``no``, ``012``, ``12:30``)
is an error: a clinician's ``contrast: no`` must never silently become
``False``. The text is checked first (``_text``), and its nodes are counted
before any tree is built from it.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass, field
from typing import Final, Protocol

import yaml

from spinedx._diagnostics import Diagnostic, Span, diagnostic, sort_diagnostics
from spinedx._documents.files import FileProblemError, read_bytes
from spinedx._documents.plain import resolve, word_key
from spinedx._documents.text import BREAK, decode, line_and_column, refused_characters

MAX_FILE_BYTES: Final = 5 * 1024 * 1024
MAX_DEPTH: Final = 64
MAX_NODES: Final = 200_000
"""Most keys, values and list items one file may hold; the largest benchmark stage has 143,000."""

# libyaml is many times faster; the pure-Python parser is only the fallback.
_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)


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
        header = _BREAK.search(written)
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
    breaks = list(_BREAK.finditer(written, 0, at))
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

_BREAK: Final = BREAK
_CORE_TAG: Final = "tag:yaml.org,2002:"
_TOO_DEEP: Final = f"mappings and lists nest deeper than {MAX_DEPTH} levels"
_HINTS: Final = {
    "SPX102": "keep one of the two",
    "SPX103": "write each value out in full where it is needed",
    "SPX104": "write the merged keys out in full",
    "SPX105": "remove the tag; quote the value if you mean text",
    "SPX106": "write true or false, or quote it if you mean the text",
    "SPX107": "quote it if you mean text, or write the plain decimal number",
    "SPX108": "split the pathway into smaller stage files",
    "SPX110": "flatten the structure",
    "SPX111": "keep one document per file; remove the extra '---' line",
    "SPX113": "rename the key, or put it in quotes if the name must stay",
    "SPX114": "split the pathway into smaller stage files",
}
_UNREADABLE_HINTS: Final = {
    errno.EISDIR: "name the YAML file itself, not a folder",
    errno.EINVAL: "name a YAML file, not a device or a pipe",
    errno.EACCES: "copy the file into the pathway folder; spinedx reads no file outside it",
}


class _Mark(Protocol):
    """What the marks of PyYAML's Python parser and of libyaml have in common."""

    index: int
    line: int
    column: int


class _Frame:
    """A mapping or list whose children are still being read."""

    __slots__ = ("event", "items", "key", "pairs", "seen", "want_value")

    def __init__(self, event: yaml.CollectionStartEvent) -> None:
        self.event = event
        self.items: list[YNode] | None = None if isinstance(event, yaml.MappingStartEvent) else []
        self.pairs: list[tuple[YScalar, YNode]] = []
        self.seen: dict[str, YScalar] = {}
        self.key: YScalar | None = None
        self.want_value = False  # true after a key; a value with no usable key is dropped


class _Builder:
    """Turns one stream of events into a tree, collecting diagnostics on the way."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.eof = line_and_column(text, len(text))
        self.diagnostics: list[Diagnostic] = []
        self.stack: list[_Frame] = []
        self.root: YNode | None = None
        self.documents = 0
        self.last: yaml.Event | None = None  # the last event read, to locate libyaml's limit

    def point(self, mark: _Mark | None) -> tuple[int, int]:
        # libyaml adds a virtual line break at the end of the text, so its marks
        # there can name a line past the last: clamp every position to the text.
        return min((mark.line + 1, mark.column + 1), self.eof) if mark else (1, 1)

    def span(self, start: tuple[int, int], end: tuple[int, int]) -> Span:
        end = max(start, end)
        return Span(
            file=self.file, line=start[0], column=start[1], end_line=end[0], end_column=end[1]
        )

    def event_span(self, event: yaml.Event) -> Span:
        return self.span(self.point(event.start_mark), self.point(event.end_mark))

    def report(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diagnostics.append(diagnostic(code, message, span, hint=hint or _HINTS.get(code)))

    def in_key_position(self) -> _Frame | None:
        frame = self.stack[-1] if self.stack else None
        return frame if frame and frame.items is None and not frame.want_value else None

    def feed(self, event: yaml.Event) -> bool:
        """Take one event; False means stop reading."""
        self.last = event
        if isinstance(event, yaml.ScalarEvent):
            self.scalar(event)
        elif isinstance(event, yaml.CollectionStartEvent):
            return self.open(event)
        elif isinstance(event, yaml.CollectionEndEvent):
            self.close(event)
        elif isinstance(event, yaml.AliasEvent):
            span = self.event_span(event)
            self.report("SPX103", f"the alias '*{event.anchor}' is not allowed", span)
            if frame := self.in_key_position():
                frame.want_value = True  # already reported: drop the pair quietly
            else:
                self.attach(YScalar(None, span, None, ""))
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.report("SPX111", "the file holds a second document", self.event_span(event))
                return False
        return True

    def check_node(self, event: yaml.ScalarEvent | yaml.CollectionStartEvent, span: Span) -> None:
        if event.anchor is not None:
            self.report("SPX103", f"the anchor '&{event.anchor}' is not allowed", span)
        # Untagged nodes carry no tag in their event, so any tag here was written out.
        if event.tag is not None:
            tag = event.tag
            shown = "!!" + tag.removeprefix(_CORE_TAG) if tag.startswith(_CORE_TAG) else tag
            self.report("SPX105", f"the explicit tag '{shown}' is not allowed", span)

    def scalar(self, event: yaml.ScalarEvent) -> None:
        span = self.event_span(event)
        self.check_node(event, span)
        raw, style = event.value, event.style or None  # libyaml gives plain style as ''
        if frame := self.in_key_position():
            self.key(frame, YScalar(raw, span, style, raw))
            return
        value: Value = raw
        if style is None:
            value, problem = resolve(raw)
            if problem is not None:
                self.report(*problem, span)
        written = ""
        start, end = event.start_mark, event.end_mark
        if span.end_line > span.line and start and end:  # to locate problems inside it
            written = self.text[start.index : end.index]
        self.attach(YScalar(value, span, style, raw, written))

    def key(self, frame: _Frame, key: YScalar) -> None:
        if key.style is None and key.raw == "<<":
            self.report("SPX104", "the merge key '<<' is not allowed", key.span)
        if key.style is None and (word := word_key(key.raw)):
            self.report("SPX113", word, key.span)
        first = frame.seen.setdefault(key.raw, key)
        if first is not key:
            message = f"the key '{key.raw}' appears twice in this mapping"
            hint = f"the first '{key.raw}' is on line {first.span.line}; keep one of the two"
            self.report("SPX102", message, key.span, hint)
        frame.key, frame.want_value = key, True

    def open(self, event: yaml.CollectionStartEvent) -> bool:
        self.check_node(event, self.event_span(event))
        if len(self.stack) >= MAX_DEPTH:
            self.report("SPX110", _TOO_DEEP, self.event_span(event))
            return False
        self.stack.append(_Frame(event))
        return True

    def close(self, event: yaml.Event) -> None:
        frame = self.stack.pop()
        last = frame.pairs[-1][1] if frame.items is None and frame.pairs else None
        last = frame.items[-1] if frame.items else last
        start = self.point(frame.event.start_mark)
        # A block collection's end event sits at the next token, so its last child ends it.
        if last is None or frame.event.flow_style:
            span = self.span(start, self.point(event.end_mark))
        else:
            span = self.span(start, (last.span.end_line, last.span.end_column))
        if frame.items is None:
            self.attach(YMap(tuple(frame.pairs), span))
        else:
            self.attach(YSeq(tuple(frame.items), span))

    def attach(self, node: YNode) -> None:
        frame = self.stack[-1] if self.stack else None
        if frame is None:
            self.root = node
        elif frame.items is not None:
            frame.items.append(node)
        elif not frame.want_value:
            self.report("SPX201", "a key must be plain text, not a list or mapping", node.span)
            frame.key, frame.want_value = None, True
        else:
            if frame.key is not None:
                frame.pairs.append((frame.key, node))
            frame.key, frame.want_value = None, False


def _syntax_error(error: yaml.YAMLError, text: str, builder: _Builder) -> Diagnostic:
    """SPX101 at the parser's problem mark, in the parser's words, with a hint where we can."""
    marked = error if isinstance(error, yaml.MarkedYAMLError) else None
    mark = marked.problem_mark if marked else None
    problem, context = (marked.problem, marked.context) if marked else (None, None)
    problem = problem or str(error)
    char = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
    if problem == "found character that cannot start any token" and char:
        problem = f"found character {char!r} that cannot start any token"  # libyaml omits it
    message = f"{problem} {context}" if context and context.startswith("while") else problem
    hint = None
    if char == "\t" or "tab" in problem or "\\t" in problem:
        hint = "indent with spaces, not tabs"
    elif char in {"@", "`", "%"}:
        hint = f"quote text that starts with {char}"
    elif problem.startswith("mapping values are not allowed"):
        hint = "quote a value that contains ': '"
    elif "end of stream" in problem and "quoted" in message:
        hint = "close the quotes"
    code = "SPX101"
    line, column = builder.point(mark)
    if "nesting depth" in problem:  # libyaml's own limit, met while it scans ahead
        code, message, hint = "SPX110", _TOO_DEEP, _HINTS["SPX110"]
        end = mark.index if mark is not None else len(text)
        line, column = line_and_column(text, _flow_overflow(text, builder, end))
    return diagnostic(code, message, Span.at(builder.file, line, column), hint=hint)


# Flow brackets, and what can hide one: quoted scalars (a quote opens one only
# where a token can start) and comments.
_FLOW_TOKEN: Final = re.compile(
    r"""(?<![^\s\[{,:])(?:'(?:[^']|'')*'|"(?:[^"\\]|\\.)*")|(?<!\S)#[^\n\r]*|[\[\]{}]"""
)


def _flow_overflow(text: str, builder: _Builder, end: int) -> int:
    """Where flow collections first nest deeper than MAX_DEPTH, before ``end``.

    libyaml reads a run of ``[`` ahead of its events (each could start a key),
    so it stops at its own limit of 1000 levels, far past ours: count on from
    the last event it gave to find the bracket that went over ours.
    """
    last = builder.last
    start = last.end_mark.index if last is not None and last.end_mark is not None else 0
    depth = len(builder.stack)
    for match in _FLOW_TOKEN.finditer(text, start, end + 1):
        found = match.group()
        if found in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif found in ("]", "}"):
            depth -= 1
    return end


def _one(code: str, message: str, file: str, where: tuple[int, int] = (1, 1)) -> list[Diagnostic]:
    return [diagnostic(code, message, Span.at(file, *where), hint=_HINTS.get(code))]


def _too_large(size: int, file: str) -> list[Diagnostic]:
    return _one("SPX108", f"the file has {size} bytes; the limit is {MAX_FILE_BYTES}", file)


def _parse_text(text: str, file: str) -> tuple[YNode | None, list[Diagnostic]]:
    if problems := refused_characters(text, file):
        return None, problems
    builder = _Builder(file, text)
    # A node takes at most one character, so only a long text can hold too many.
    if len(text) > MAX_NODES // 2 and (past := _past_the_cap(text)) is not None:
        message = f"the file holds more than {MAX_NODES} keys, values and list items"
        builder.report("SPX114", message, builder.event_span(past))
        return None, builder.diagnostics
    loader = _LOADER(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if event is None or not builder.feed(event):
                break
    except yaml.YAMLError as error:
        return None, sort_diagnostics([*builder.diagnostics, _syntax_error(error, text, builder)])
    finally:
        loader.dispose()
    root = builder.root
    if builder.documents == 0 or (isinstance(root, YScalar) and root.raw == "" and not root.style):
        builder.report("SPX208", "the file holds no content", Span.at(file, 1, 1))
        root = None
    return root, sort_diagnostics(builder.diagnostics)


def _past_the_cap(text: str) -> yaml.NodeEvent | None:
    """The node past :data:`MAX_NODES`, if the text holds that many.

    Counted from the parser's events before any tree is built: a tree of
    millions of one-letter items would take gigabytes before it could be
    refused. A syntax error ends the count; building the tree reports it.
    """
    loader = _LOADER(text)
    nodes = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    return event
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None


def parse_yaml(text: str | bytes, file: str) -> tuple[YNode | None, list[Diagnostic]]:
    """Parse one strict YAML document into a position-tagged tree; never raise on bad input.

    The tree is None when the text is not one readable document; otherwise it
    is returned even beside diagnostics, so later layers can report more, and
    any error among them must still stop the load.

    Args:
        text: The document, as text or as the file's bytes (UTF-8; a BOM is dropped).
        file: The name diagnostics point at.

    Returns:
        The root node (or None) and every diagnostic, sorted by position.

    Example:
        >>> tree, problems = parse_yaml("contrast: no\\nage: 71\\n", "p.yaml")
        >>> [(d.code, d.span.line, d.span.column) for d in problems]
        [('SPX106', 1, 11)]
        >>> to_plain(tree)
        {'contrast': 'no', 'age': 71}
    """
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        return None, _too_large(size, file)
    if isinstance(text, bytes):
        decoded, problems = decode(text, file)
        if decoded is None:
            return None, problems
        text = decoded
    return _parse_text(text.removeprefix("\ufeff"), file)


def read_yaml(
    path: str | os.PathLike[str], *, within: str | os.PathLike[str] | None = None
) -> tuple[YNode | None, list[Diagnostic], str]:
    """Read and parse one YAML file; an oversized file is refused before it is read.

    Only a regular file is read: a folder, a device or a pipe is refused
    without waiting on it.

    Args:
        path: The file; diagnostics name it as given.
        within: A folder the opened file must lie in (checked on what was opened).

    Returns:
        The tree (as from :func:`parse_yaml`), the diagnostics, and the decoded
        text without BOM for source excerpts ("" when it could not be decoded).

    Example:
        >>> tree, problems, text = read_yaml("no/such/file.yaml")
        >>> [(d.code, str(d.span)) for d in problems], text
        ([('SPX100', 'no/such/file.yaml:1:1')], '')
    """
    file = os.fspath(path)
    try:
        data, size = read_bytes(file, MAX_FILE_BYTES, within=within)
    except OSError as error:
        message = f"the file cannot be read: {error.strerror or error}"
        hint = _UNREADABLE_HINTS.get(error.errno or 0)
        hint = hint if isinstance(error, FileProblemError) else None
        return None, [diagnostic("SPX100", message, Span.at(file, 1, 1), hint=hint)], ""
    if size > MAX_FILE_BYTES:
        return None, _too_large(size, file), ""
    text, problems = decode(data, file)
    if text is None:
        return None, problems, ""
    tree, problems = _parse_text(text, file)
    return tree, problems, text


def to_plain(node: YNode | None) -> object:
    """The tree as plain Python: dicts (text keys, file order), lists and scalar values.

    Example:
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
