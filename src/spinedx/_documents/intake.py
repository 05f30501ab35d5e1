"""How a record comes in: every form of record, one located validation, one set of rules.

A record arrives as a file (strict YAML, or JSON by JSON's grammar), as JSON
text (a line of a cohort), as plain data, or as an instance of the record
model built in Python. :func:`validate_record` takes all of them: text is
parsed into a tree that keeps positions, the tree or the data is walked once
for what no record may hold (too many values, nesting too deep, text that is
not text, values that are not data), and pydantic validates strictly. An
instance is dumped and validated again unless validation itself made it, so
``model_construct`` and ``model_copy(update=...)`` cannot slip past.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Final, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from spinedx._diagnostics import (
    DUPLICATE_ENTRY,
    Diagnostic,
    PathPart,
    PatientError,
    Span,
    diagnostic,
    is_validated,
    mark_validated,
)
from spinedx._documents.files import read_bytes
from spinedx._documents.jsontext import parse_json
from spinedx._documents.located import Spans, document_error, dotted
from spinedx._documents.strict_yaml import MAX_FILE_BYTES, parse_yaml
from spinedx._documents.yaml_events import MAX_DEPTH
from spinedx._documents.yaml_tree import YNode, to_plain

_R = TypeVar("_R", bound=BaseModel)

MAX_RECORD_VALUES: Final = 100_000
"""Most values (scalars, lists, mappings) one record may hold; a real one has hundreds."""

Syntax = Literal["json", "yaml"]


def load_record(model: type[_R], path: str | os.PathLike[str]) -> _R:
    """A record file: ``.json`` by JSON's grammar, anything else as strict YAML."""
    file = os.fspath(path)
    syntax: Syntax = "json" if file.lower().endswith(".json") else "yaml"
    return validate_record(model, _file_bytes(file), file=file, syntax=syntax, quote=True)


def validate_record(
    model: type[_R],
    record: object,
    *,
    file: str = "<patient>",
    syntax: Syntax = "json",
    tree: YNode | None = None,
    text: str = "",
    quote: bool = False,
) -> _R:
    """Any form of record as a validated instance of ``model``: the one way in.

    Args:
        model: the record model.
        record: an instance of ``model``, plain data (a mapping), or the
            record's text (``str`` or UTF-8 ``bytes``) in ``syntax``.
        file: the name diagnostics point at.
        syntax: how text is read: JSON (by JSON's grammar) or strict YAML.
        tree: for plain data parsed from a file, its tree, to locate problems.
        text: that file's text, for source excerpts.
        quote: keep the text in the error for source excerpts (files only: a
            cohort's line would show the rest of the record).

    Raises:
        PatientError: every problem, with its field path and, for text, where.
        TypeError: for an instance of some other model.
    """
    if isinstance(record, BaseModel):
        return _instance(model, record, file)
    written = record if isinstance(record, str | bytes) else None
    if written is not None:
        record = _plain_json(written) if syntax == "json" else _UNREAD
        if record is _UNREAD:  # refused by Python's reader, or YAML: read it with positions
            tree, problems, text = _parse(written, file, syntax)
            if tree is None or any(d.is_error for d in problems):
                raise PatientError(problems, {file: text} if quote and text else None)
            record = to_plain(tree)
    problem = _data_problem(record)
    failure: _Problem | ValidationError
    if problem is None:
        try:
            validated = model.model_validate_json(
                json.dumps(record, default=_json_default), strict=True
            )
        except ValidationError as error:
            failure = error
        else:
            mark_validated(validated)
            return validated
    else:
        failure = problem
    if written is not None and tree is None:  # read by Python's reader: now find positions
        tree, _, text = _parse(written, file, syntax)
    spans = Spans(tree, file)
    if isinstance(failure, ValidationError):
        found = [
            document_error(err, (), spans, model, code_override=_code(err["type"]))
            for err in failure.errors(include_url=False)
        ]
    else:
        message, path, hint = failure
        found = [diagnostic("SPX501", message, spans.value(path), path=path, hint=hint)]
    raise PatientError(found, {file: text} if quote and text else None)


_UNREAD: Final = object()


class _RepeatedKeyError(ValueError):
    pass


def _plain_json(text: str | bytes) -> object:
    """JSON text as plain data by Python's reader (fast), or _UNREAD.

    _UNREAD whenever the text might break a rule, so that ``parse_json``, which
    knows positions, reads it again and says where: Python's reader keeps the
    last of two repeated keys, reads NaN, Infinity and 1e999, and decodes UTF-16
    bytes. ``tests/documents/test_hostile_records.py`` checks that the two readers agree.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return _UNREAD
    if (
        len(text) > MAX_FILE_BYTES // 4
        and len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES
    ):
        return _UNREAD
    try:
        return json.loads(
            text, object_pairs_hook=_unique, parse_constant=_not_json, parse_float=_finite
        )
    except (ValueError, RecursionError):  # RecursionError: nested past Python's stack
        return _UNREAD


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _RepeatedKeyError
    return mapping


def _not_json(word: str) -> object:
    raise ValueError(word)


def _finite(written: str) -> float:
    number = float(written)
    if not math.isfinite(number):
        raise ValueError(written)
    return number


def _parse(
    text: str | bytes, file: str, syntax: Syntax
) -> tuple[YNode | None, list[Diagnostic], str]:
    if syntax == "json":
        return parse_json(text, file, max_values=MAX_RECORD_VALUES)
    return _parse_yaml(text, file)


def _parse_yaml(text: str | bytes, file: str) -> tuple[YNode | None, list[Diagnostic], str]:
    tree, problems = parse_yaml(text, file)
    if isinstance(text, bytes):
        text = text.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    return tree, problems, text.removeprefix("\ufeff")


def _code(kind: str) -> str:
    return "SPX502" if kind == DUPLICATE_ENTRY else "SPX501"


def _file_bytes(file: str) -> bytes:
    """The file's bytes; an oversized file is refused before it is read."""
    try:
        data, size = read_bytes(file, MAX_FILE_BYTES)
    except OSError as error:
        message = f"the file cannot be read: {error.strerror or error}"
        raise PatientError([diagnostic("SPX100", message, Span.at(file, 1, 1))]) from None
    if size > MAX_FILE_BYTES:
        message = f"the file has {size} bytes; the limit is {MAX_FILE_BYTES}"
        raise PatientError([diagnostic("SPX108", message, Span.at(file, 1, 1))])
    return data


def _instance(model: type[_R], record: BaseModel, file: str) -> _R:
    """The instance if validation made it; otherwise its fields validated afresh."""
    if not isinstance(record, model):
        raise TypeError(f"this pathway reads {model.__name__} records, not {type(record).__name__}")
    if is_validated(record):
        return record
    try:
        # Fields only, as Python values: JSON mode would write NaN as null ("not known").
        data = record.model_dump(exclude_computed_fields=True, warnings=False)
    except (ValueError, TypeError, RecursionError) as error:
        message = f"the record instance cannot be read as data: {type(error).__name__}"
        raise PatientError([diagnostic("SPX501", message, Span.at(file, 1, 1))]) from None
    return validate_record(model, data, file=file)


def _json_default(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not record data")  # _data_problem said so first


_Problem = tuple[str, tuple[PathPart, ...], str | None]
_CONTAINERS = (list, tuple, Mapping)
_SCALARS = (str, int, float, bool, type(None), date, datetime, Enum)


def _data_problem(data: object) -> _Problem | None:
    """What in plain data no record may hold, and where; None if nothing.

    Checked without recursion before anything recursive (``json.dumps``,
    pydantic) sees the data: data nested a thousand levels deep would exhaust
    Python's stack, and lists that share themselves can stand for more values
    than memory holds. Nesting is counted as in a YAML file: at most MAX_DEPTH
    levels. Messages name the place and never quote the record.
    """
    todo: list[tuple[object, tuple[PathPart, ...]]] = [(data, ())]
    count = 1
    while todo:
        value, path = todo.pop()
        items = _items(value)
        count += len(items)
        if count > MAX_RECORD_VALUES:
            return f"the record holds more than {MAX_RECORD_VALUES} values", (), None
        for part, item in items:
            if part == _NOT_TEXT or (isinstance(part, str) and not part.isascii()):
                problem = _key_problem(part, path)
                if problem is not None:
                    return problem
            kind = type(item)
            if kind in _PLAIN and (not isinstance(item, str) or item.isascii()):
                continue  # most values: nothing more to check
            problem = _scalar_problem(item, (*path, part))
            if problem is not None:
                return problem
            if isinstance(item, _CONTAINERS):
                if len(path) + 1 >= MAX_DEPTH:
                    where = (*path, part)
                    return f"the record nests deeper than {MAX_DEPTH} levels", where, None
                todo.append((item, (*path, part)))
    return None


_PLAIN: Final = frozenset({str, float, bool, type(None)})
"""Values that need no check beyond a glance (an int is checked for its size)."""


def _items(value: object) -> Sequence[tuple[PathPart, object]]:
    """The values inside a list or mapping with their keys or indexes; nothing otherwise."""
    if isinstance(value, list | tuple):
        return list(enumerate(value))
    if isinstance(value, Mapping):
        return [(k if type(k) is str else _NOT_TEXT, v) for k, v in value.items()]
    return ()


_NOT_TEXT: Final = "\0"
"""Stands for a key that is not text, which _key_problem reports."""


def _key_problem(part: PathPart, path: tuple[PathPart, ...]) -> _Problem | None:
    if part == _NOT_TEXT:
        where = dotted(path)
        return f"'{where}' cannot be read as data: a key is not text", path, "write keys as text"
    if isinstance(part, str) and (bad := _not_text(part)) is not None:
        return f"a key of '{dotted(path)}' {bad}", path, _RETYPE
    return None


_RETYPE: Final = "type the text again; it was probably cut in the middle of a character"


def _scalar_problem(value: object, path: tuple[PathPart, ...]) -> _Problem | None:
    if isinstance(value, str):
        bad = _not_text(value)
        return None if bad is None else (f"'{dotted(path)}' {bad}", path, _RETYPE)
    if isinstance(value, int) and value.bit_length() > _MOST_BITS:
        return (
            f"'{dotted(path)}' cannot be read as data: the number has too many digits",
            path,
            None,
        )
    if isinstance(value, (*_CONTAINERS, *_SCALARS)):
        return None
    kind = type(value).__name__
    return f"'{dotted(path)}' cannot be read as data: {kind} is not record data", path, None


_MOST_BITS: Final = 14_000
"""About 4,200 decimal digits, below Python's limit on converting an int to text."""


def _not_text(value: str) -> str | None:
    """Why a Python string is not text (a lone surrogate), or None."""
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(value[error.start])
        return f"holds a broken character (U+{code:04X}, half of a pair) that is not text"
    return None
