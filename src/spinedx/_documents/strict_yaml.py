"""Strict YAML: a file or a text to a tree of scalars, lists and mappings with positions.

The text is checked first (``text``): its size, its encoding, the characters
it may not hold; its nodes are counted before any tree is built from it
(``yaml_tree``), and the tree is built from the parser's events
(``yaml_events``), where every spelling that YAML 1.1 reads differently
(``no``, ``012``, ``12:30``) is an error: a clinician's ``contrast: no``
must never silently become ``False``.
"""

from __future__ import annotations

import errno
import os
from typing import Final

import yaml

from spinedx._diagnostics import Diagnostic, Span, diagnostic, sort_diagnostics
from spinedx._documents.files import FileProblemError, read_bytes
from spinedx._documents.text import decode, refused_characters
from spinedx._documents.yaml_events import EventBuilder, syntax_error
from spinedx._documents.yaml_tree import YNode, YScalar

MAX_FILE_BYTES: Final = 5 * 1024 * 1024
MAX_NODES: Final = 200_000
"""Most keys, values and list items one file may hold; the largest benchmark stage has 143,000."""

# libyaml is many times faster; the pure-Python parser is only the fallback.
_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)

_UNREADABLE_HINTS: Final = {
    errno.EISDIR: "name the YAML file itself, not a folder",
    errno.EINVAL: "name a YAML file, not a device or a pipe",
    errno.EACCES: "copy the file into the pathway folder; spinedx reads no file outside it",
}


def _too_large(size: int, file: str) -> list[Diagnostic]:
    message = f"the file has {size} bytes; the limit is {MAX_FILE_BYTES}"
    hint = "split the pathway into smaller stage files"
    return [diagnostic("SPX108", message, Span.at(file, 1, 1), hint=hint)]


def _parse_text(text: str, file: str) -> tuple[YNode | None, list[Diagnostic]]:
    if problems := refused_characters(text, file):
        return None, problems
    builder = EventBuilder(file, text)
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
        return None, sort_diagnostics([*builder.diagnostics, syntax_error(error, text, builder)])
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
        >>> from spinedx._documents.yaml_tree import to_plain
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
