"""The registry of record models a manifest may name.

A manifest says ``record: spinedx.patient``; that name is looked up here and
nowhere else. A pathway file can never make spinedx import a dotted path of
its choosing, because that would let a YAML file run code. Applications add
their own models with :func:`register_record` before loading a pathway.
"""

from __future__ import annotations

import threading

from pydantic import BaseModel

# Validation lives in _intake; these stay importable from here, where they were.
from spinedx._documents.intake import MAX_RECORD_VALUES, validate_record

__all__ = [
    "MAX_RECORD_VALUES",
    "record_model",
    "record_name",
    "record_names",
    "register_record",
    "validate_record",
]

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
    from spinedx.patient.record import Patient  # noqa: PLC0415  (keeps the model off import-time paths)

    register_record("spinedx.patient", Patient)
