"""Diagnostics: one frozen record per problem, and how to show it.

A diagnostic names the code from the registry (``_codes``), says in one
sentence what is wrong in the author's terms, and points at the exact place:
file, 1-based line and column, and the end of the offending text. Loading
collects every diagnostic before it fails, like a compiler.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from spinedx._diagnostics.codes import Severity, info
from spinedx._diagnostics.suggest import SUGGESTION

PathPart = str | int


class Span(BaseModel):
    """A 1-based region of a source file; ``end_column`` is exclusive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    line: Annotated[int, Field(ge=1)] = 1
    column: Annotated[int, Field(ge=1)] = 1
    end_line: Annotated[int, Field(ge=1)] = 1
    end_column: Annotated[int, Field(ge=1)] = 1

    @classmethod
    def at(cls, file: str, line: int, column: int, length: int = 1) -> Span:
        """A span on one line starting at ``line:column`` and ``length`` characters long."""
        return cls(
            file=file,
            line=line,
            column=column,
            end_line=line,
            end_column=column + max(length, 1),
        )

    def shifted(self, offset: int, length: int) -> Span:
        """The sub-span ``offset`` characters into this one's first line."""
        return Span.at(self.file, self.line, self.column + offset, length)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Diagnostic(BaseModel):
    """One problem found in a pathway, a stage file, a scenario or a patient record.

    Example:
        >>> d = diagnostic("SPX202", "unknown key 'tittle'", Span.at("p.yaml", 2, 1, 6),
        ...                hint="did you mean 'title'?")
        >>> d.name, str(d.span)
        ('unknown-key', 'p.yaml:2:1')
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    path: tuple[PathPart, ...] = ()
    hint: str | None = None
    context: dict[str, str] = Field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        """Whether this diagnostic stops a pathway from loading."""
        return self.severity == "error"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order by position, then by code, then by message."""
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)

    def __str__(self) -> str:
        return f"{self.span}: {self.code} {self.message}"


def diagnostic(
    code: str,
    message: str,
    span: Span,
    *,
    path: Iterable[PathPart] = (),
    hint: str | None = None,
    severity: Severity | None = None,
    suggestion: str | None = None,
    **context: str,
) -> Diagnostic:
    """Build a diagnostic, taking its name and default severity from the registry.

    A ``suggestion`` (what a "did you mean" hint offers) is kept as data in
    ``context``, under ``"suggestion"``.
    """
    entry = info(code)
    if suggestion is not None:
        context[SUGGESTION] = suggestion
    return Diagnostic(
        code=code,
        name=entry.name,
        severity=severity or entry.severity,
        message=message,
        span=span,
        path=tuple(path),
        hint=hint,
        context=context,
    )


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by position and without exact repeats."""
    unique = {(d.code, d.span, d.message): d for d in diagnostics}
    return sorted(unique.values(), key=Diagnostic.sort_key)


def render(diagnostic: Diagnostic, sources: Mapping[str, str] | None = None) -> str:
    """Render like a compiler: location and message, the source line with a caret, help.

    ``sources`` maps file names to their text as it was read; a file not in it
    is shown without an excerpt. No file is ever read again to show one: it
    may have changed, or be another file by now.
    """
    return _render(diagnostic, _Excerpts(sources))


def _render(diagnostic: Diagnostic, excerpts: _Excerpts) -> str:
    marker = "" if diagnostic.is_error else "warning: "
    lines = [f"{diagnostic.span}: {diagnostic.code} {marker}{diagnostic.message}"]
    source_line = excerpts.line(diagnostic.span)
    if source_line is not None:
        gutter = f"{diagnostic.span.line} | "
        lines.append(gutter + source_line)
        width = 1
        if diagnostic.span.end_line == diagnostic.span.line:
            width = max(1, diagnostic.span.end_column - diagnostic.span.column)
        width = min(width, max(1, len(source_line) - diagnostic.span.column + 1))
        pad = " " * (len(gutter) - 2) + "| " + " " * (diagnostic.span.column - 1)
        lines.append(pad + "^" * width)
    if diagnostic.hint:
        lines.append(f"  help: {diagnostic.hint}")
    return "\n".join(lines)


def render_all(diagnostics: Iterable[Diagnostic], sources: Mapping[str, str] | None = None) -> str:
    """Render many diagnostics, separated by blank lines, with a closing count.

    At most :data:`MAX_RENDERED` are shown; a line says how many more there
    are, and the count covers them all.
    """
    items = list(diagnostics)
    errors = sum(1 for d in items if d.is_error)
    warnings = len(items) - errors
    excerpts = _Excerpts(sources)
    blocks = [_render(d, excerpts) for d in items[:MAX_RENDERED]]
    if len(items) > MAX_RENDERED:
        blocks.append(f"... and {len(items) - MAX_RENDERED} more not shown")
    blocks.append(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    return "\n\n".join(blocks)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


MAX_RENDERED = 200
"""Most diagnostics :func:`render_all` shows; past a few hundred, the first ones are the news."""

_MAX_EXCERPT = 400
# Where YAML (PyYAML and libyaml) breaks lines, so that excerpts match the line numbers.
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


class _Excerpts:
    """Source lines of the texts that were read, each text split into lines once."""

    def __init__(self, sources: Mapping[str, str] | None) -> None:
        self.sources = sources or {}
        self.lines: dict[str, list[str]] = {}

    def line(self, span: Span) -> str | None:
        lines = self.lines.get(span.file)
        if lines is None:
            text = self.sources.get(span.file)
            if text is None:
                return None
            lines = self.lines[span.file] = _LINE_BREAK.split(text)
        if not 1 <= span.line <= len(lines):
            return None
        return lines[span.line - 1][:_MAX_EXCERPT].replace("\t", " ")
