"""spinedx: declarative, checkable, explainable diagnostic pathways.

Example:
    >>> import spinedx
    >>> pathway = spinedx.load_pathway("pathways/spinal_tumor")
    >>> patient = spinedx.load_patient("examples/patients/metastatic-breast-leg-weakness.yaml")
    >>> result = pathway.evaluate(patient)
    >>> any(rec.urgency == "immediate" for rec in result.recommendations)
    True
"""

from spinedx._diagnostics import Diagnostic
from spinedx._errors import PathwayError, PatientError, SpinedxError
from spinedx._load import check_pathway, load_pathway, load_patient
from spinedx._pathway import Pathway
from spinedx._patient import Patient
from spinedx._records import register_record
from spinedx._results import Evaluation, Need, Reason, Recommendation
from spinedx._urgency import Urgency

__all__ = [
    "Diagnostic",
    "Evaluation",
    "Need",
    "Pathway",
    "PathwayError",
    "Patient",
    "PatientError",
    "Reason",
    "Recommendation",
    "SpinedxError",
    "Urgency",
    "check_pathway",
    "load_pathway",
    "load_patient",
    "register_record",
]
__version__ = "0.1.0"
