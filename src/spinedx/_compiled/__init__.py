"""(door, generated)"""

from spinedx._compiled.steps import (
    END,
    Branch,
    Checklist,
    ChecklistItem,
    Citation,
    Conclude,
    Decide,
    End,
    Recommend,
    RecSpec,
    Stage,
    Step,
    TermCode,
    successors,
)
from spinedx._compiled.urgency import Urgency

__all__ = [
    "END",
    "Branch",
    "Checklist",
    "ChecklistItem",
    "Citation",
    "Conclude",
    "Decide",
    "End",
    "RecSpec",
    "Recommend",
    "Stage",
    "Step",
    "TermCode",
    "Urgency",
    "successors",
]
