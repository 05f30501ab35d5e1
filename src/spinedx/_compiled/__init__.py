"""(door, generated)"""

from spinedx._compiled.steps import (
    END,
    Branch,
    Checklist,
    ChecklistItem,
    Citation,
    Conclude,
    Decide,
    Edge,
    End,
    Recommend,
    RecSpec,
    Stage,
    Step,
    TermCode,
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
    "Edge",
    "End",
    "RecSpec",
    "Recommend",
    "Stage",
    "Step",
    "TermCode",
    "Urgency",
]
