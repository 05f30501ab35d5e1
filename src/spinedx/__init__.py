"""spinedx: declarative, checkable, explainable diagnostic pathways.

Example:
    >>> import spinedx
    >>> pathway = spinedx.load_pathway("pathways/spinal_tumor")
    >>> patient = spinedx.load_patient("examples/patients/metastatic-breast-leg-weakness.yaml")
    >>> result = pathway.evaluate(patient)
    >>> any(rec.urgency == "immediate" for rec in result.recommendations)
    True
"""

from spinedx._authoring import (
    Coverage,
    Scenario,
    ScenarioReport,
    ScenarioResult,
    load_scenarios,
    run_scenarios,
)
from spinedx._compiled import Urgency
from spinedx._diagnostics import Diagnostic, PathwayError, PatientError, SpinedxError
from spinedx._documents import register_record
from spinedx._evaluation import Evaluation, Need, Reason, Recommendation
from spinedx._pathway import Pathway, check_pathway, evaluate_many, load_pathway, load_patient
from spinedx.patient.record import Patient

__all__ = [
    "Coverage",
    "Diagnostic",
    "Evaluation",
    "Need",
    "Pathway",
    "PathwayError",
    "Patient",
    "PatientError",
    "Reason",
    "Recommendation",
    "Scenario",
    "ScenarioReport",
    "ScenarioResult",
    "SpinedxError",
    "Urgency",
    "check_pathway",
    "evaluate_many",
    "load_pathway",
    "load_patient",
    "load_scenarios",
    "register_record",
    "run_scenarios",
]
__version__ = "0.1.0"
