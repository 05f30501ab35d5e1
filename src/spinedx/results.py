"""The result types of an evaluation: what ``Pathway.evaluate`` returns and its parts.

All are frozen pydantic models: ``model_dump_json()`` for machines,
``explain()`` for people (on ``Evaluation`` and ``Recommendation``).

Example:
    >>> import spinedx
    >>> from spinedx.results import Evaluation
    >>> pathway = spinedx.load_pathway("pathways/spinal_tumor")
    >>> isinstance(pathway.evaluate({}), Evaluation)
    True
"""

from spinedx._evaluation import (
    Assumption,
    Check,
    Evaluation,
    FactValue,
    Need,
    PathwayRef,
    Reason,
    Recommendation,
    Scalar,
    SourceRef,
    StageOutcome,
    TermCodeRef,
    TraceStep,
    ValueRead,
)
from spinedx._pathway import RecordProblem

__all__ = [
    "Assumption",
    "Check",
    "Evaluation",
    "FactValue",
    "Need",
    "PathwayRef",
    "Reason",
    "Recommendation",
    "RecordProblem",
    "Scalar",
    "SourceRef",
    "StageOutcome",
    "TermCodeRef",
    "TraceStep",
    "ValueRead",
]
