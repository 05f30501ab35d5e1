"""Turning pydantic validation errors into located diagnostics.

Pydantic reports where a value failed as a ``loc`` tuple into the data; the
YAML layer knows the span of every path. This module joins the two and words
the message for a pathway author rather than for a programmer.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from spinedx._diagnostics import (
    DUPLICATE_ENTRY,
    Diagnostic,
    PathPart,
    Span,
    Suggestion,
    describe_value,
    diagnostic,
    suggest,
)
from spinedx._documents.yaml_tree import YNode, spans_by_path

_KEY = "__key__"

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "date_type": "a real date written YYYY-MM-DD",
    "date_parsing": "a real date written YYYY-MM-DD",
    "date_from_datetime_parsing": "a date written YYYY-MM-DD",
    "datetime_type": "a date and time",
    "none_required": "nothing",
}


class Spans:
    """The spans of a YAML tree by path, computed once and only when first needed."""

    def __init__(self, tree: YNode | None, file: str) -> None:
        self.file = file
        self._tree = tree
        self._map: dict[tuple[PathPart, ...], Span] | None = None

    def _spans(self) -> dict[tuple[PathPart, ...], Span]:
        if self._map is None:
            self._map = spans_by_path(self._tree) if self._tree is not None else {}
        return self._map

    def value(self, path: Sequence[PathPart]) -> Span:
        """The span of the value at ``path``, or of its nearest enclosing value."""
        spans = self._spans()
        probe = tuple(path)
        while probe and probe not in spans:
            probe = probe[:-1]
        return spans.get(probe) or Span.at(self.file, 1, 1)

    def key(self, path: Sequence[PathPart]) -> Span:
        """The span of the key that introduces ``path``, or of the value if it has none."""
        return self._spans().get((*path, _KEY)) or self.value(path)


def dotted(path: Sequence[PathPart]) -> str:
    """``('nodes', 'a', 'branches', 0, 'when')`` → ``nodes.a.branches[0].when``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "the document"


def document_error(
    error: ErrorDetails,
    prefix: tuple[PathPart, ...],
    spans: Spans,
    model: type[BaseModel],
    code_override: str | None = None,
) -> Diagnostic:
    """One pydantic error as an SPX2xx diagnostic (or ``code_override``) at its place."""
    loc = tuple(part for part in error["loc"] if part != "[key]")
    path = (*prefix, *loc)
    kind = error["type"]
    where = dotted(path)
    found = describe_value(error.get("input"))
    hint: str | None = None
    suggestion: str | None = None
    if kind == "missing":
        code, span = "SPX203", spans.key(path[:-1])
        message = f"'{where}' is required but missing"
    elif kind == "extra_forbidden":
        code, span = "SPX202", spans.key(path)
        message = f"unknown key '{where}'"
        if str(loc[-1]) in _computed_at(model, loc[:-1]):
            message = f"'{where}' is computed by the record and cannot be given"
        allowed = _keys_at(model, loc[:-1])
        otherwise = None
        if " " in str(loc[-1]):
            otherwise = (
                "a comma inside {…} starts a new key: put a value that holds a comma in quotes"
            )
        elif allowed:
            otherwise = "allowed keys here: " + ", ".join(sorted(allowed))
        hint, suggestion = suggest(str(loc[-1]), allowed, otherwise=otherwise)
    elif kind == DUPLICATE_ENTRY:
        first = int((error.get("ctx") or {}).get("first", 0))
        code, span = "SPX502", spans.value(path)
        message = f"'{where}' repeats '{dotted((*path[:-1], first))}' exactly"
        hint = (
            "remove one of the two; if there really are two, record what tells them "
            "apart (for example the level, the side or the date)"
        )
    elif kind in _EXPECTED:
        code, span = "SPX201", spans.value(path)
        message = f"'{where}' must be {_EXPECTED[kind]}, found {found}"
        if kind == "string_type" and isinstance(error.get("input"), int | float | bool):
            hint = "put the value in quotes to write it as text"
    else:
        code, span = "SPX204", spans.value(path)
        said = _sentence(error["msg"])
        message = f"'{where}': {said}" + ("" if "found" in said else f", found {found}")
        hint, suggestion = _choice_hint(error)
    if "[key]" in error["loc"]:
        span = spans.key(path)
    return diagnostic(
        code_override or code, message, span, path=path, hint=hint, suggestion=suggestion
    )


def _sentence(msg: str) -> str:
    msg = msg.removeprefix("Value error, ")
    return msg[:1].lower() + msg[1:]


def _choice_hint(error: ErrorDetails) -> Suggestion:
    ctx = error.get("ctx") or {}
    expected = ctx.get("expected")
    given = error.get("input")
    if not isinstance(expected, str) or not isinstance(given, str):
        return Suggestion(None, None)
    choices = [part.strip(" '\"") for part in expected.replace(" or ", ",").split(",")]
    # A misspelt choice among a few words is often further off than a misspelt name.
    return suggest(given, [c for c in choices if c], cutoff=0.5)


def _keys_at(model: type[BaseModel], loc: Sequence[PathPart]) -> set[str]:
    """The keys the model accepts at ``loc``, following field annotations."""
    inner = _model_at(model, loc)
    return set(inner.model_fields) if inner is not None else set()


def _computed_at(model: type[BaseModel], loc: Sequence[PathPart]) -> set[str]:
    """The computed fields of the model at ``loc``: readable, never given."""
    inner = _model_at(model, loc)
    return set(inner.model_computed_fields) if inner is not None else set()


def _model_at(model: type[BaseModel], loc: Sequence[PathPart]) -> type[BaseModel] | None:
    """The model that validates the mapping at ``loc``, following field annotations."""
    current: object = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return None
    return _model_in(current)


def _step(annotation: object, part: PathPart) -> object | None:
    inner = _model_in(annotation)
    if inner is not None and isinstance(part, str):
        field = inner.model_fields.get(part)
        return field.annotation if field is not None else None
    args: list[object] = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(part, int) and args:
        return args[0]
    if isinstance(part, str) and len(args) == 2:  # dict[str, Model]
        return args[1]
    return None


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
