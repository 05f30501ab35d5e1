"""(door, generated)"""

from spinedx._evaluation.accelerator import (
    Generated,
    generate,
)
from spinedx._evaluation.interpreter import (
    OTHERWISE,
    ExplainContext,
    Visit,
    Walk,
    explain_walk,
    walk,
)
from spinedx._evaluation.program import (
    compile_program,
    run,
    run_known,
)
from spinedx._evaluation.results import (
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

__all__ = [
    "OTHERWISE",
    "Check",
    "Evaluation",
    "ExplainContext",
    "FactValue",
    "Generated",
    "Need",
    "PathwayRef",
    "Reason",
    "Recommendation",
    "Scalar",
    "SourceRef",
    "StageOutcome",
    "TermCodeRef",
    "TraceStep",
    "ValueRead",
    "Visit",
    "Walk",
    "compile_program",
    "explain_walk",
    "generate",
    "run",
    "run_known",
    "walk",
]
