"""The registry of record models a manifest may name.

A manifest says ``record: spinedx.patient``; that name is looked up here and
nowhere else. A pathway file can never make spinedx import a dotted path of
its choosing, because that would let a YAML file run code. Applications add
their own models with :func:`register_record` before loading a pathway.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Final, TypeVar

from pydantic import BaseModel, ValidationError

from spinedx._diagnostics import Span, diagnostic
from spinedx._errors import PatientError
from spinedx._located import Spans, document_error
from spinedx._yaml import MAX_DEPTH, YNode

_R = TypeVar("_R", bound=BaseModel)

MAX_RECORD_VALUES: Final = 100_000
"""Most values (scalars, lists, mappings) one record may hold; a real one has hundreds."""

_lock = threading.Lock()
_registry: dict[str, type[BaseModel]] = {}


def register_record(name: str, model: type[BaseModel]) -> None:
    """Make ``model`` available to manifests as ``record: <name>``.

    Re-registering the same model under the same name is harmless; giving a
    registered name to another model is an error.

    Example:
        >>> from pydantic import BaseModel
        >>> class Vitals(BaseModel):
        ...     pulse: int | None = None
        >>> register_record("example.vitals", Vitals)
        >>> record_model("example.vitals") is Vitals
        True
    """
    if not isinstance(model, type) or not issubclass(model, BaseModel):
        raise TypeError(f"a record model must be a pydantic model class, not {model!r}")
    with _lock:
        existing = _registry.get(name)
        if existing is not None and existing is not model:
            raise ValueError(f"record name {name!r} is already registered to {existing.__name__}")
        _registry[name] = model


def record_model(name: str) -> type[BaseModel] | None:
    """The model registered as ``name``, or None."""
    _register_builtins()
    return _registry.get(name)


def record_names() -> list[str]:
    """Every registered name, sorted."""
    _register_builtins()
    return sorted(_registry)


def record_name(model: type[BaseModel]) -> str:
    """The registered name of ``model``, or its qualified class name."""
    _register_builtins()
    for name, registered in _registry.items():
        if registered is model:
            return name
    return f"{model.__module__}.{model.__qualname__}"


def _register_builtins() -> None:
    if "spinedx.patient" in _registry:
        return
    from spinedx._patient import Patient  # noqa: PLC0415  (keeps the model off import-time paths)

    register_record("spinedx.patient", Patient)


def validate_record(
    model: type[_R],
    data: object,
    *,
    file: str = "<patient>",
    tree: YNode | None = None,
    text: str = "",
) -> _R:
    """Validate plain data strictly (no silent coercion) into ``model``.

    Raises:
        PatientError: every problem as an SPX501 diagnostic naming the field path.
    """
    if isinstance(data, model):
        return data
    spans = Spans(tree, file)
    shape = _shape_problem(data)
    if shape is not None:
        message, path = shape
        raise PatientError(
            [diagnostic("SPX501", message, spans.value(path), path=path)],
            {file: text} if text else None,
        )
    try:
        payload = json.dumps(data, default=_json_default)
    except (TypeError, ValueError, RecursionError) as error:
        raise PatientError(
            [
                diagnostic(
                    "SPX501", f"the record cannot be read as data: {error}", Span.at(file, 1, 1)
                )
            ]
        ) from None
    try:
        return model.model_validate_json(payload, strict=True)
    except ValidationError as error:
        raise PatientError(
            [
                document_error(err, (), spans, model, code_override="SPX501")
                for err in error.errors(include_url=False)
            ],
            {file: text} if text else None,
        ) from None


def _json_default(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not record data")


def _shape_problem(data: object) -> tuple[str, tuple[str | int, ...]] | None:
    """Why plain data is too deep or too large to validate, and where; None if it is not.

    Checked without recursion before anything recursive (``json.dumps``,
    pydantic) sees the data: data nested a thousand levels deep would exhaust
    Python's stack, and lists that share themselves can stand for more values
    than memory holds. Only lists and mappings are visited; their sizes count
    the rest. Nesting is counted as in a YAML file: at most MAX_DEPTH levels.
    """
    todo: list[tuple[object, int]] = [(data, 1)]
    count = 1
    while todo:
        value, depth = todo.pop()
        items = _items(value)
        count += len(items)
        if count > MAX_RECORD_VALUES:
            return f"the record holds more than {MAX_RECORD_VALUES} values", ()
        inner = [item for item in items if isinstance(item, _CONTAINERS)]
        if inner and depth >= MAX_DEPTH:
            return f"the record nests deeper than {MAX_DEPTH} levels", _deep_path(data)
        todo.extend((item, depth + 1) for item in inner)
    return None


_NO_ITEMS: tuple[object, ...] = ()
_CONTAINERS = (list, tuple, Mapping)


def _items(value: object) -> Sequence[object]:
    """The values inside a list or mapping; nothing for anything else."""
    if isinstance(value, list | tuple):
        return value
    if isinstance(value, Mapping):
        return list(value.values())
    return _NO_ITEMS


def _deep_path(data: object) -> tuple[str | int, ...]:
    """The path, depth first, to a list or mapping nested past MAX_DEPTH (asked once found)."""
    todo: list[tuple[object, tuple[str | int, ...]]] = [(data, ())]
    while todo:
        value, path = todo.pop()
        if len(path) >= MAX_DEPTH:
            return path
        if isinstance(value, Mapping):
            todo.extend(
                (v, (*path, str(k))) for k, v in value.items() if isinstance(v, _CONTAINERS)
            )
        elif isinstance(value, list | tuple):
            todo.extend((v, (*path, i)) for i, v in enumerate(value) if isinstance(v, _CONTAINERS))
    return ()
