"""(door, generated)"""

from spinedx._pathway.cohort import (
    CohortRecord,
    RecordProblem,
    evaluate_chunk,
    evaluate_many,
)
from spinedx._pathway.load import (
    MANIFEST,
    check_pathway,
    check_pathway_sources,
    load_pathway,
    load_patient,
)
from spinedx._pathway.pathway import Pathway

__all__ = [
    "MANIFEST",
    "CohortRecord",
    "Pathway",
    "RecordProblem",
    "check_pathway",
    "check_pathway_sources",
    "evaluate_chunk",
    "evaluate_many",
    "load_pathway",
    "load_patient",
]
