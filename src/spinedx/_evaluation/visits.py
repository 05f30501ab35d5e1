"""What one visit says: its question, the way it went out, the conditions it evaluated
and what each of them read, in the words of explanations."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum

from pydantic import BaseModel

from spinedx._compiled import Checklist, Conclude, Decide, End, Recommend
from spinedx._conditions import Condition, Read
from spinedx._evaluation.program import OTHERWISE, Visit
from spinedx._evaluation.results import Check, Scalar, ValueRead


def evaluated_conditions(visit: Visit) -> list[Condition]:
    """The conditions a visit actually evaluated, in order."""
    step = visit.stage.steps[visit.node]
    if isinstance(step, Decide):
        last = visit.outcome if isinstance(visit.outcome, int) else None
        if visit.unknown_at is not None:
            last = visit.unknown_at
        count = len(step.branches) if last is None or last == OTHERWISE else last + 1
        return [branch.condition for branch in step.branches[:count]]
    if isinstance(step, Checklist):
        return [item.condition for item in step.items]
    return []


def check(condition: Condition, record: BaseModel, facts: Mapping[str, object]) -> Check:
    result, reads = condition.trace(record, facts)
    return Check(
        condition=condition.text,
        result="unknown" if result is None else ("true" if result else "false"),
        values=[_read(read) for read in reads],
    )


def _read(read: Read) -> ValueRead:
    return ValueRead(
        path=read.path, value=scalar(read.value), known=read.value is not None, text=read.display()
    )


def scalar(value: object) -> Scalar:
    if isinstance(value, Enum):
        return scalar(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return f"{len(value)} item" + ("" if len(value) == 1 else "s")
    return "recorded"


def question(visit: Visit) -> str:
    step = visit.stage.steps[visit.node]
    if isinstance(step, Decide):
        return step.question
    if isinstance(step, Checklist):
        return step.title
    return visit.node


def outcome(visit: Visit) -> str:
    step = visit.stage.steps[visit.node]
    if isinstance(step, Decide):
        if visit.unknown_at is not None:
            return "unknown" if step.unknown is not None else "stopped: data missing"
        if visit.outcome == OTHERWISE:
            return "otherwise"
        assert isinstance(visit.outcome, int)
        return f"branch {visit.outcome + 1}"
    if isinstance(step, Checklist) and isinstance(visit.outcome, tuple):
        fired = [str(i + 1) for i, r in enumerate(visit.outcome) if r]
        return "items fired: " + (", ".join(fired) if fired else "none")
    if isinstance(step, Recommend):
        return f"recommend {step.rec.id}"
    if isinstance(step, Conclude):
        return f"{step.fact} = {scalar(step.value)}"
    if isinstance(step, End):
        return "end"
    return ""
