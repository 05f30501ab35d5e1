"""Needs a clinician can answer, and conditions in a clinician's words.

A condition reports the paths whose absence left it unknown; some are
computed fields (``history.cancer_history``), which nobody can enter. The
record model declares, in ``spinedx_inputs``, the input fields each computed
field is computed from; ``input_fields`` follows those declarations, reading
the record so that it names the inputs actually missing, with their item
indices (``imaging.studies[1].region``). Facts are expanded by the explainer,
which knows the walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from pydantic import BaseModel

from spinedx._conditions import RecordSchema
from spinedx._evaluation.results import Assumption

_DEPTH = 8
"""Computed fields computed from computed fields: deeper than this is a model's mistake."""

_SHOWN = 3
"""Alternatives spelled out in ``summary_if``; the rest are counted."""

_LONG = 80
"""Conditions longer than this are shortened in ``summary_if``; ``when`` has them whole."""

_PATH = re.compile(r"[A-Za-z_][\w.]*")


def input_fields(schema: RecordSchema, record: BaseModel, path: str) -> list[str]:
    """The record input fields behind ``path``, as ``Condition.missing`` gives it.

    An input field is itself. A computed field gives those of its declared
    inputs that are missing in ``record`` (all of them when none is: something
    else left it unknown), each expanded in turn.

    Example:
        >>> from spinedx.patient import Patient
        >>> schema = RecordSchema.from_model(Patient)
        >>> input_fields(schema, Patient(), "history.cancer_history")
        ['history.cancers']
    """
    return list(dict.fromkeys(_inputs(schema, record, path, 0)))


def _inputs(schema: RecordSchema, record: BaseModel, path: str, depth: int) -> Iterator[str]:
    spec = schema.lookup(path.split("."))
    if spec is None or spec.inputs is None or not spec.inputs or depth > _DEPTH:
        yield path
        return
    holder, _, _ = path.rpartition(".")
    value = _value_at(record, holder)
    found = False
    for relative in spec.inputs:
        for missing in _missing(value, holder, relative.split(".")):
            found = True
            yield from _inputs(schema, record, missing, depth + 1)
    if not found:
        for relative in spec.inputs:
            yield from _inputs(schema, record, _join(holder, relative), depth + 1)


def _missing(value: object, prefix: str, parts: Sequence[str]) -> Iterator[str]:
    """The paths along ``parts`` (``[]`` entering every item) whose value is missing."""
    if not parts:
        return
    head = parts[0]
    name = head.removesuffix("[]")
    path = _join(prefix, name)
    inner = None if value is None else getattr(value, name, None)
    if inner is None:
        yield path
    elif head.endswith("[]") and isinstance(inner, list | tuple):
        for index, item in enumerate(inner):
            yield from _missing(item, f"{path}[{index}]", parts[1:])
    else:
        yield from _missing(inner, path, parts[1:])


def _value_at(record: BaseModel, path: str) -> object:
    value: object = record
    for part in filter(None, path.split(".")):
        name, _, index = part.partition("[")
        value = getattr(value, name, None)
        if value is None:
            return None
        if index:
            items = value if isinstance(value, list | tuple) else ()
            at = int(index.rstrip("]"))
            value = items[at] if at < len(items) else None
    return value


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def is_input_field(schema: RecordSchema, path: str) -> bool:
    """Whether ``path`` (item indices allowed) is a field one can put in a record."""
    spec = schema.lookup(path.split("."))
    return spec is not None and spec.inputs is None


# ------------------------------------------------------------ words


def summary_if(when: Sequence[Sequence[Assumption]]) -> str | None:
    """``when`` in a clinician's words: 'if history.cancer_history is recorded as true
    (Does the patient have a current or previous cancer? → branch 1)'."""
    if not when:
        return None
    shown = [" and ".join(_words(a) for a in alternative) for alternative in when[:_SHOWN]]
    more = len(when) - _SHOWN
    tail = f", or in {more} other way{'s' if more > 1 else ''}" if more > 0 else ""
    return "if " + " or ".join(shown) + tail


def _words(assumption: Assumption) -> str:
    fields = assumption.fields
    named = assumption.condition is not None and all(f in assumption.condition for f in fields)
    settled = "" if named or not fields else "; settled by " + ", ".join(fields[:_SHOWN])
    more = "…" if not named and len(fields) > _SHOWN else ""
    where = f"({assumption.question} → {assumption.taken}{settled}{more})"
    if assumption.condition is None:
        return f"none of its branches holds {where}"
    return f"{holds_words(assumption.condition)} {where}"


def holds_words(condition: str, holds: bool = True) -> str:
    """'history.night_pain is recorded as true', or '“a and b” turns out true'."""
    text, negated = condition.strip(), False
    if text.startswith("not ") and _PATH.fullmatch(text[4:].strip()):
        text, negated = text[4:].strip(), True
    value = "true" if holds != negated else "false"
    if _PATH.fullmatch(text) and not text.startswith("facts."):
        return f"{text} is recorded as {value}"
    if len(text) > _LONG:
        text = text[: _LONG - 1].rstrip() + "…"
    return f"“{text}” turns out {value}"
