"""(door, generated)"""

from spinedx._evaluation.accelerator import (
    Generated,
    generate,
    run_known,
)
from spinedx._evaluation.explain import (
    ExplainContext,
    explain_walk,
)
from spinedx._evaluation.interpreter import (
    LIMIT,
    interpret,
    walk,
)
from spinedx._evaluation.program import (
    OTHERWISE,
    Program,
    Visit,
    Walk,
    compile_program,
)
from spinedx._evaluation.results import (
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

__all__ = [
    "LIMIT",
    "OTHERWISE",
    "Assumption",
    "Check",
    "Evaluation",
    "ExplainContext",
    "FactValue",
    "Generated",
    "Need",
    "PathwayRef",
    "Program",
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
    "interpret",
    "run_known",
    "walk",
]
