"""From PyYAML's parser events to a strict YAML tree, with a diagnostic per problem.

The tree is built from *events*, never from constructed objects: aliases
are never expanded, tags never constructed, and the build loop keeps its own
stack, so no nesting depth can exhaust Python's. Plain scalars resolve by a
subset of the YAML 1.2 core schema (``plain``), and every spelling that YAML
1.1 reads differently (``no``, ``012``, ``12:30``) is an error.
"""

from __future__ import annotations

import re
from typing import Final, Protocol

import yaml

from spinedx._diagnostics import Diagnostic, Span, diagnostic
from spinedx._documents.plain import resolve, word_key
from spinedx._documents.text import line_and_column
from spinedx._documents.yaml_tree import Value, YMap, YNode, YScalar, YSeq

MAX_DEPTH: Final = 64

_CORE_TAG: Final = "tag:yaml.org,2002:"
_TOO_DEEP: Final = f"mappings and lists nest deeper than {MAX_DEPTH} levels"
_HINTS: Final = {
    "SPX102": "keep one of the two",
    "SPX103": "write each value out in full where it is needed",
    "SPX104": "write the merged keys out in full",
    "SPX105": "remove the tag; quote the value if you mean text",
    "SPX106": "write true or false, or quote it if you mean the text",
    "SPX107": "quote it if you mean text, or write the plain decimal number",
    "SPX110": "flatten the structure",
    "SPX111": "keep one document per file; remove the extra '---' line",
    "SPX113": "rename the key, or put it in quotes if the name must stay",
    "SPX114": "split the pathway into smaller stage files",
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


class EventBuilder:
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


def syntax_error(error: yaml.YAMLError, text: str, builder: EventBuilder) -> Diagnostic:
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


def _flow_overflow(text: str, builder: EventBuilder, end: int) -> int:
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
