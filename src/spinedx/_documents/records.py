"""The registry of record models a manifest may name.

A manifest says ``record: spinedx.patient``; that name is looked up here and
nowhere else. A pathway file can never make spinedx import a dotted path of
its choosing, because that would let a YAML file run code. Applications add
their own models with :func:`register_record` before loading a pathway, and
installed packages declare theirs as entry points of the group
``spinedx.records`` (the built-in record is one of them). An entry point is
loaded only when its name is first asked for: the engine never imports a
record model it was not asked for, the built-in one included.
"""

from __future__ import annotations

import sys
import threading
from importlib.metadata import EntryPoint, entry_points

from pydantic import BaseModel

# Validation lives in _intake; these stay importable from here, where they were.
from spinedx._documents.intake import MAX_RECORD_VALUES, validate_record

__all__ = [
    "ENTRY_POINT_GROUP",
    "MAX_RECORD_VALUES",
    "record_model",
    "record_name",
    "record_names",
    "register_record",
    "validate_record",
]

ENTRY_POINT_GROUP = "spinedx.records"
"""The entry-point group in which installed packages declare record models by name."""

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
    """The model registered as ``name``, else declared as an entry point of that name, or None."""
    with _lock:
        model = _registry.get(name)
    if model is not None:
        return model
    declared = _declared().get(name)
    return None if declared is None else _load(declared)


def record_names() -> list[str]:
    """Every registered or declared name, sorted."""
    with _lock:
        registered = set(_registry)
    return sorted(registered | set(_declared()))


def record_name(model: type[BaseModel]) -> str:
    """The registered name of ``model``, or its qualified class name."""
    name = _registered_as(model)
    if name is not None:
        return name
    for entry in _declared().values():
        if entry.module in sys.modules:  # a model in hand was imported: loading costs nothing
            _load(entry)
    name = _registered_as(model)
    return name if name is not None else f"{model.__module__}.{model.__qualname__}"


def _registered_as(model: type[BaseModel]) -> str | None:
    with _lock:
        return next((name for name, known in _registry.items() if known is model), None)


def _declared() -> dict[str, EntryPoint]:
    """The entry points of the group, by name (read from installed metadata, nothing imported)."""
    return {entry.name: entry for entry in entry_points(group=ENTRY_POINT_GROUP)}


def _load(entry: EntryPoint) -> type[BaseModel]:
    model = entry.load()
    if not isinstance(model, type) or not issubclass(model, BaseModel):
        raise TypeError(
            f"the entry point {entry.name!r} ({entry.value}) in {ENTRY_POINT_GROUP!r} is not a "
            f"pydantic model class but {model!r}"
        )
    register_record(entry.name, model)
    return model
