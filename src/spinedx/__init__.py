"""spinedx: declarative, checkable, explainable diagnostic pathways.

Example:
    >>> import spinedx
    >>> pathway = spinedx.load_pathway("pathways/spinal_tumor")
    >>> patient = spinedx.load_patient("examples/patients/metastatic-breast-leg-weakness.yaml")
    >>> result = pathway.evaluate(patient)
    >>> any(rec.urgency == "immediate" for rec in result.recommendations)
    True

The names below are imported on first use, so ``import spinedx`` costs little
more than importing pydantic: the command line, the diagrams, the diff and the
built-in record are loaded only when something asks for them. Result types
live in :mod:`spinedx.results`, the scenario API in :mod:`spinedx.scenarios`,
the built-in record in :mod:`spinedx.patient`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> the module that defines it (the layer's door)
_LAZY: dict[str, str] = {
    "Pathway": "spinedx._pathway",
    "load_pathway": "spinedx._pathway",
    "check_pathway": "spinedx._pathway",
    "load_patient": "spinedx._pathway",
    "evaluate_many": "spinedx._pathway",
    "register_record": "spinedx._documents",
    "Evaluation": "spinedx._evaluation",
    "Recommendation": "spinedx._evaluation",
    "Urgency": "spinedx._compiled",
    "Diagnostic": "spinedx._diagnostics",
    "SpinedxError": "spinedx._diagnostics",
    "PathwayError": "spinedx._diagnostics",
    "PatientError": "spinedx._diagnostics",
    "PathwayChangedError": "spinedx._diagnostics",
    "Patient": "spinedx.patient",
}

__all__ = [
    "Diagnostic",
    "Evaluation",
    "Pathway",
    "PathwayChangedError",
    "PathwayError",
    "Patient",
    "PatientError",
    "Recommendation",
    "SpinedxError",
    "Urgency",
    "check_pathway",
    "evaluate_many",
    "load_pathway",
    "load_patient",
    "register_record",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'spinedx' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


if TYPE_CHECKING:
    from spinedx._compiled import Urgency
    from spinedx._diagnostics import (
        Diagnostic,
        PathwayChangedError,
        PathwayError,
        PatientError,
        SpinedxError,
    )
    from spinedx._documents import register_record
    from spinedx._evaluation import Evaluation, Recommendation
    from spinedx._pathway import Pathway, check_pathway, evaluate_many, load_pathway, load_patient
    from spinedx.patient import Patient
