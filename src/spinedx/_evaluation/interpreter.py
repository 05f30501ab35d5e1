"""Evaluation: one interpreter walks the compiled program; explanations read its log.

``interpret`` is the only walker (first true branch wins, three-valued logic).
Without a log it collects the fired ids (the generated ``accelerator``'s
fallback); a ``Walk`` log also records branches, facts and stopped stages, from
which ``explain_walk`` builds the explanation, re-reading what each condition saw.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from pydantic import BaseModel

from spinedx._compiled import Checklist, Conclude, Decide, End, Recommend, RecSpec, Stage
from spinedx._conditions import Condition, Read, RecordSchema
from spinedx._evaluation.program import (
    CHECKLIST,
    CONCLUDE,
    DECIDE,
    OTHERWISE,
    RECOMMEND,
    STOPPED,
    Items,
    Program,
    Visit,
    Walk,
    compile_program,
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


def interpret(program: Program, record: BaseModel, log: Walk | None = None) -> list[str]:
    """The ids of the recommendations ``record`` reaches, in the order they fire;
    the facts a stage concludes flow to the next. ``log`` also records the walk."""
    fired: list[str] = []
    facts: dict[str, object] = {} if log is None else log.facts
    for stage, nodes, start, bound in program:
        index = start
        for _ in bound:  # a validated stage is acyclic; this only bounds it
            if index < 0:
                break
            kind, a, b, c, node = nodes[index]
            if log is not None:
                log.visits.append(Visit(stage, node))
            if kind == DECIDE:
                index, holds = b, False
                for fast, condition, target, at in a:  # noqa: B007 (the log reads 'at' after)
                    try:
                        holds = fast(record, facts, ())
                    except AttributeError:  # a None on the way along a path
                        holds = condition(record, facts)
                    if holds:
                        index = target
                        break
                    if holds is None:
                        index = c
                        break
                if log is not None:  # a decision has a branch: 'at' is the one it stopped at
                    visit = log.visits[-1]
                    if holds is None:
                        visit.unknown_at = at
                    else:
                        visit.outcome = at if holds else OTHERWISE
                    if index == STOPPED:
                        log.stopped[stage.id] = node
            elif kind == RECOMMEND:
                fired.append(a)
                if log is not None:
                    log.fired.append((c, len(log.visits) - 1))
                index = b
            elif kind == CONCLUDE:
                facts[a] = b
                if log is not None:
                    log.fact_visits[a] = len(log.visits) - 1
                index = c
            elif kind == CHECKLIST:
                _checklist(a, record, facts, fired, log)
                index = b
            else:
                break
    return fired


def _checklist(
    items: Items, record: BaseModel, facts: dict[str, object], fired: list[str], log: Walk | None
) -> None:
    outcomes: list[bool | None] | None = None if log is None else []  # for the log only
    for fast, condition, rec in items:
        try:
            holds = fast(record, facts, ())
        except AttributeError:
            holds = condition(record, facts)
        if holds:
            fired.append(rec.id)
        if outcomes is not None:
            outcomes.append(holds)
    if log is not None and outcomes is not None:
        at = len(log.visits) - 1
        log.fired += [(item[2], at) for item, held in zip(items, outcomes, strict=True) if held]
        log.visits[at].outcome = tuple(outcomes)


def walk(stages: Sequence[Stage], record: BaseModel) -> Walk:
    """``interpret`` with a log, returned: what explanations and coverage read."""
    interpret(compile_program(stages), record, log := Walk())
    return log


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
        stages=[_stage_outcome(s.id, done) for s in stages],
        trace=[builder.trace_step(i) for i in range(len(done.visits))],
    )


def _stage_outcome(stage: str, done: Walk) -> StageOutcome:
    at = done.stopped.get(stage)
    return StageOutcome(id=stage, status="complete" if at is None else "stopped", stopped_at=at)


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
        return self.ctx.schema.describe_need(_INDEX.sub("[]", path))


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
