"""Evaluation: walk the compiled stages for one record, then explain the walk.

The walk (``walk``) is the hot path: compiled conditions over the record's
attributes, first true branch wins, three-valued logic, no string formatting.
It records only which branch each node took. The explanation (``explain_walk``)
is built afterwards from that record of the walk, re-reading the values each
condition saw; evaluation is pure, so the values are the same ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from pydantic import BaseModel

from spinedx._compiled import END, Checklist, Conclude, Decide, End, Recommend, RecSpec, Stage
from spinedx._conditions import Condition, Read, RecordSchema
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

OTHERWISE = -1
"""A decision's outcome when no branch held."""


@dataclass(slots=True)
class Visit:
    """One node visited: ``outcome`` is a branch index, OTHERWISE, or, for a
    checklist, the tuple of its items' results; ``unknown_at`` is the branch
    whose unknown result stopped the decision."""

    stage: Stage
    node: str
    outcome: int | tuple[bool | None, ...] | None = None
    unknown_at: int | None = None


@dataclass(slots=True)
class Walk:
    """The bare record of a walk: what was visited, fired, concluded and stopped."""

    visits: list[Visit] = field(default_factory=list)
    fired: list[tuple[RecSpec, int]] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)
    fact_visits: dict[str, int] = field(default_factory=dict)
    stopped: dict[str, str] = field(default_factory=dict)


def walk(stages: Sequence[Stage], record: BaseModel) -> Walk:
    """Walk every stage in order; facts concluded by one stage flow to the next."""
    result = Walk()
    visits = result.visits
    facts = result.facts
    for stage in stages:
        steps = stage.steps
        node = stage.start
        for _ in range(len(steps) + 1):  # a validated stage is acyclic; this only bounds it
            if node == END:
                break
            step = steps[node]
            if isinstance(step, Decide):
                visit = Visit(stage, node)
                visits.append(visit)
                target = _decide(step, record, facts, visit)
                if target is None:
                    result.stopped[stage.id] = node
                    break
                node = target
            elif isinstance(step, Recommend):
                visits.append(Visit(stage, node))
                result.fired.append((step.rec, len(visits) - 1))
                node = step.then
            elif isinstance(step, Conclude):
                visits.append(Visit(stage, node))
                facts[step.fact] = step.value
                result.fact_visits[step.fact] = len(visits) - 1
                node = step.then
            elif isinstance(step, Checklist):
                outcomes = tuple(item.condition(record, facts) for item in step.items)
                visits.append(Visit(stage, node, outcomes))
                for item, fired in zip(step.items, outcomes, strict=True):
                    if fired:
                        result.fired.append((item.rec, len(visits) - 1))
                node = step.then
            else:
                visits.append(Visit(stage, node))
                break
    return result


def _decide(
    step: Decide, record: BaseModel, facts: Mapping[str, object], visit: Visit
) -> str | None:
    for index, branch in enumerate(step.branches):
        holds = branch.condition(record, facts)
        if holds:
            visit.outcome = index
            return branch.target
        if holds is None:
            visit.unknown_at = index
            return step.unknown
    visit.outcome = OTHERWISE
    return step.otherwise


# ------------------------------------------------------------ explanation


@dataclass(frozen=True)
class ExplainContext:
    """What the explanation needs beside the walk."""

    pathway: PathwayRef
    record_name: str
    schema: RecordSchema
    fact_descriptions: Mapping[str, str | None]


def explain_walk(
    done: Walk, stages: Sequence[Stage], record: BaseModel, ctx: ExplainContext
) -> Evaluation:
    """Build the full, explained result of a walk."""
    builder = _Explainer(done, record, ctx)
    return Evaluation(
        pathway=ctx.pathway,
        record=ctx.record_name,
        recommendations=[builder.recommendation(rec, at) for rec, at in done.fired],
        needs=builder.needs(),
        facts={name: builder.fact(name) for name in done.facts},
        stages=[
            StageOutcome(
                id=s.id,
                status="stopped" if s.id in done.stopped else "complete",
                stopped_at=done.stopped.get(s.id),
            )
            for s in stages
        ],
        trace=[builder.trace_step(i) for i in range(len(done.visits))],
    )


class _Explainer:
    def __init__(self, done: Walk, record: BaseModel, ctx: ExplainContext) -> None:
        self.done = done
        self.record = record
        self.ctx = ctx
        self._checks: dict[int, list[tuple[Check, Condition]]] = {}
        self._facts: dict[str, FactValue] = {}

    def recommendation(self, rec: RecSpec, at: int) -> Recommendation:
        reasons = self._path_reasons(at)
        if isinstance(self.done.visits[at].stage.steps[rec.node], Checklist):
            reasons.append(self._item_reason(rec, at))
        reasons.append(
            Reason(kind="rationale", stage=rec.stage, node=rec.node, question=rec.because,
                   taken="because")
        )  # fmt: skip
        return Recommendation(
            id=rec.id,
            stage=rec.stage,
            node=rec.node,
            action=rec.action,
            urgency=rec.urgency,
            because=rec.because,
            reasons=reasons,
            facts=self._facts_behind(at),
            sources=[
                SourceRef(id=c.id, title=c.title, year=c.year, url=c.url, section=c.section)
                for c in rec.citations
            ],
            codes=[TermCodeRef(system=c.system, code=c.code, display=c.display) for c in rec.codes],
        )

    def fact(self, name: str) -> FactValue:
        if name not in self._facts:
            at = self.done.fact_visits[name]
            visit = self.done.visits[at]
            step = visit.stage.steps[visit.node]
            assert isinstance(step, Conclude)
            self._facts[name] = FactValue(
                name=name,
                value=_scalar(self.done.facts[name]),
                stage=visit.stage.id,
                node=visit.node,
                because=step.because,
                reasons=self._path_reasons(at),
            )
        return self._facts[name]

    def needs(self) -> list[Need]:
        found: dict[str, Need] = {}
        for index, visit in enumerate(self.done.visits):
            for condition, _ in self._unknown_conditions(visit):
                for path in condition.missing(self.record, self._facts_at(index)):
                    if path not in found:
                        found[path] = Need(
                            field=path,
                            stage=visit.stage.id,
                            node=visit.node,
                            question=_question(visit),
                            description=self._describe(path),
                        )
        return list(found.values())

    def trace_step(self, index: int) -> TraceStep:
        visit = self.done.visits[index]
        step = visit.stage.steps[visit.node]
        return TraceStep(
            stage=visit.stage.id,
            node=visit.node,
            kind=type(step).__name__.lower(),
            outcome=_outcome(visit),
            checks=[check for check, _ in self._checks_of(index)],
        )

    # -- helpers

    def _path_reasons(self, upto: int) -> list[Reason]:
        """The decisions visited in the same stage before visit ``upto``."""
        stage = self.done.visits[upto].stage
        reasons = []
        for index in range(upto):
            visit = self.done.visits[index]
            if visit.stage is stage and isinstance(visit.stage.steps[visit.node], Decide):
                reasons.append(
                    Reason(
                        kind="decision",
                        stage=stage.id,
                        node=visit.node,
                        question=_question(visit),
                        taken=_outcome(visit),
                        checks=[check for check, _ in self._checks_of(index)],
                    )
                )
        return reasons

    def _item_reason(self, rec: RecSpec, at: int) -> Reason:
        visit = self.done.visits[at]
        step = visit.stage.steps[visit.node]
        assert isinstance(step, Checklist)
        checks = self._checks_of(at)
        index = next(i for i, item in enumerate(step.items) if item.rec is rec)
        return Reason(
            kind="checklist",
            stage=visit.stage.id,
            node=visit.node,
            question=step.title,
            taken=f"item {index + 1}",
            checks=[checks[index][0]],
        )

    def _checks_of(self, index: int) -> list[tuple[Check, Condition]]:
        if index not in self._checks:
            visit = self.done.visits[index]
            facts = self._facts_at(index)
            self._checks[index] = [
                (_check(condition, self.record, facts), condition)
                for condition in _evaluated_conditions(visit)
            ]
        return self._checks[index]

    def _facts_at(self, index: int) -> dict[str, object]:
        """The facts as they stood when visit ``index`` happened."""
        return {
            name: value
            for name, value in self.done.facts.items()
            if self.done.fact_visits[name] < index
        }

    def _facts_behind(self, at: int) -> list[FactValue]:
        """Facts read on the way to visit ``at``, and the facts behind those."""
        names: list[str] = []
        pending = [at]
        seen_visits: set[int] = set()
        while pending:
            upto = pending.pop()
            stage = self.done.visits[upto].stage
            for index in range(upto + 1):
                visit = self.done.visits[index]
                if visit.stage is not stage or index in seen_visits:
                    continue
                seen_visits.add(index)
                for condition in _evaluated_conditions(visit):
                    for name in condition.facts:
                        if name in self.done.fact_visits and name not in names:
                            names.append(name)
                            pending.append(self.done.fact_visits[name])
        return [self.fact(name) for name in names]

    def _unknown_conditions(self, visit: Visit) -> list[tuple[Condition, int]]:
        step = visit.stage.steps[visit.node]
        if isinstance(step, Decide) and visit.unknown_at is not None:
            return [(step.branches[visit.unknown_at].condition, visit.unknown_at)]
        if isinstance(step, Checklist) and isinstance(visit.outcome, tuple):
            return [
                (item.condition, i)
                for i, (item, result) in enumerate(zip(step.items, visit.outcome, strict=True))
                if result is None
            ]
        return []

    def _describe(self, path: str) -> str | None:
        if path.startswith("facts."):
            return self.ctx.fact_descriptions.get(path.removeprefix("facts."))
        dotted = _INDEX.sub("[]", path)
        own = self.ctx.schema.describe(dotted)
        parent, _, leaf = dotted.rpartition(".")
        about = self.ctx.schema.describe(parent) if parent else None
        if about and leaf in _DETAILS:
            return f"{about} ({leaf}: {own})" if own else about
        return own


_DETAILS = frozenset({"value", "flag", "unit", "taken_on"})
"""Parts of a measurement whose meaning is carried by the measurement's own field."""


_INDEX = re.compile(r"\[\d+\]")


def _evaluated_conditions(visit: Visit) -> list[Condition]:
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


def _check(condition: Condition, record: BaseModel, facts: Mapping[str, object]) -> Check:
    result, reads = condition.trace(record, facts)
    return Check(
        condition=condition.text,
        result="unknown" if result is None else ("true" if result else "false"),
        values=[_read(read) for read in reads],
    )


def _read(read: Read) -> ValueRead:
    return ValueRead(
        path=read.path, value=_scalar(read.value), known=read.value is not None, text=read.display()
    )


def _scalar(value: object) -> Scalar:
    if isinstance(value, Enum):
        return _scalar(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return f"{len(value)} item" + ("" if len(value) == 1 else "s")
    return "recorded"


def _question(visit: Visit) -> str:
    step = visit.stage.steps[visit.node]
    if isinstance(step, Decide):
        return step.question
    if isinstance(step, Checklist):
        return step.title
    return visit.node


def _outcome(visit: Visit) -> str:
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
        return f"{step.fact} = {_scalar(step.value)}"
    if isinstance(step, End):
        return "end"
    return ""
