"""Explanations read the walk's log: reasons, facts, certainty, and needs.

Every visit links to the one before it on its path, so each recommendation is
explained by the first path that reaches it, re-reading what each condition
saw with that path's facts. A conditional recommendation's ``when`` turns the
walk's choices into assumptions; needs name record input fields only (a
computed field expands through the model's declarations, a fact through the
open decisions on the path that would have concluded it), ranked by the most
urgent conditional recommendation they would settle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from spinedx._compiled import Checklist, Conclude, Decide, RecSpec, Stage
from spinedx._conditions import Condition, RecordSchema
from spinedx._evaluation.needs import input_fields, summary_if
from spinedx._evaluation.program import OTHERWISE, Choice, Walk
from spinedx._evaluation.results import (
    Assumption,
    Check,
    Evaluation,
    FactValue,
    Need,
    PathwayRef,
    Reason,
    Recommendation,
    SourceRef,
    StageOutcome,
    TermCodeRef,
    TraceStep,
)
from spinedx._evaluation.visits import check, evaluated_conditions, outcome, question, scalar


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
    builder = _Explainer(done, stages, record, ctx)
    first: dict[str, tuple[RecSpec, int]] = {}
    for rec, at in done.fired:
        first.setdefault(rec.id, (rec, at))
    recommendations = [builder.recommendation(*first[rec_id]) for rec_id in done.when]
    return Evaluation(
        pathway=ctx.pathway,
        record=ctx.record_name,
        recommendations=recommendations,
        needs=builder.needs(recommendations),
        facts={name: builder.fact(done.fact_visits[name]) for name in done.facts},
        stages=[_stageoutcome(s.id, done) for s in stages],
        trace=[builder.trace_step(i) for i in range(len(done.visits))],
        bounded=done.bounded,
        paths=done.paths,
    )


def _stageoutcome(stage: str, done: Walk) -> StageOutcome:
    at = done.stopped.get(stage)
    return StageOutcome(id=stage, status="complete" if at is None else "stopped", stopped_at=at)


class _Explainer:
    def __init__(
        self, done: Walk, stages: Sequence[Stage], record: BaseModel, ctx: ExplainContext
    ) -> None:
        self.done = done
        self.record = record
        self.ctx = ctx
        self.concluders: dict[str, set[str]] = {}
        for stage in stages:
            for step in stage.steps.values():
                if isinstance(step, Conclude):
                    self.concluders.setdefault(step.fact, set()).add(stage.id)
        self._checks: dict[int, list[tuple[Check, Condition]]] = {}
        self._facts: dict[int, FactValue] = {}
        self._trails: dict[int, list[int]] = {}
        self._assumptions: dict[Choice, Assumption] = {}
        self._expanded: dict[tuple[str, int], list[str]] = {}

    def recommendation(self, rec: RecSpec, at: int) -> Recommendation:
        reasons = self._path_reasons(at)
        if isinstance(self.done.visits[at].stage.steps[rec.node], Checklist):
            reasons.append(self._item_reason(rec, at))
        reasons.append(
            Reason(kind="rationale", stage=rec.stage, node=rec.node, question=rec.because,
                   taken="because")
        )  # fmt: skip
        definite = rec.id in self.done.definite
        when = [] if definite else self._when(rec.id)
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
            certainty="definite" if definite else "conditional",
            when=when,
            summary_if=summary_if(when),
        )

    def fact(self, at: int) -> FactValue:
        """The fact concluded at visit ``at``, with the reasons on its path."""
        if at not in self._facts:
            visit = self.done.visits[at]
            step = visit.stage.steps[visit.node]
            assert isinstance(step, Conclude)
            self._facts[at] = FactValue(
                name=step.fact,
                value=scalar(step.value),
                stage=visit.stage.id,
                node=visit.node,
                because=step.because,
                reasons=self._path_reasons(at),
            )
        return self._facts[at]

    def needs(self, recommendations: Sequence[Recommendation]) -> list[Need]:
        """Every input field whose absence left a decision open, most urgent first."""
        found: dict[str, Need] = {}
        for index, visit in enumerate(self.done.visits):
            for condition in self._unknown_conditions(index):
                for path in condition.missing(self.record, self._facts_at(index)):
                    for field in self._expand(path, index):
                        if field not in found:
                            found[field] = Need(
                                field=field,
                                stage=visit.stage.id,
                                node=visit.node,
                                question=question(visit),
                                description=self._describe(field),
                            )
        rank: dict[str, int] = {}
        for rec in recommendations:
            urgency = rec.urgency.rank
            for field in {f for alternative in rec.when for a in alternative for f in a.fields}:
                rank[field] = min(rank.get(field, urgency), urgency)
        return sorted(found.values(), key=lambda need: rank.get(need.field, _UNRANKED))

    def trace_step(self, index: int) -> TraceStep:
        visit = self.done.visits[index]
        step = visit.stage.steps[visit.node]
        return TraceStep(
            stage=visit.stage.id,
            node=visit.node,
            kind=type(step).__name__.lower(),
            outcome=outcome(visit),
            checks=[check for check, _ in self._checks_of(index)],
        )

    # -- certainty

    def _when(self, rec_id: str) -> list[list[Assumption]]:
        at = self.done.choices
        alternatives = sorted(
            self.done.when[rec_id], key=lambda a: (len(a), sorted(at[c] for c in a))
        )
        return [
            [self._assumption(c) for c in sorted(a, key=lambda c: at[c])] for a in alternatives if a
        ]

    def _assumption(self, choice: Choice) -> Assumption:
        if choice not in self._assumptions:
            self._assumptions[choice] = self._new_assumption(choice)
        return self._assumptions[choice]

    def _new_assumption(self, choice: Choice) -> Assumption:
        at = self.done.choices[choice]
        visit = self.done.visits[at]
        step = visit.stage.steps[visit.node]
        text: str | None
        if isinstance(step, Checklist):
            item = step.items[choice.taken]
            conditions = [item.condition]
            taken, text = f"item {choice.taken + 1}", item.condition.text
        else:
            assert isinstance(step, Decide)
            conditions = self._unknown_conditions(at)
            other = choice.taken == OTHERWISE
            taken = "otherwise" if other else f"branch {choice.taken + 1}"
            text = None if other else step.branches[choice.taken].condition.text
        facts = self._facts_at(at)
        fields = [
            field
            for condition in conditions
            for path in condition.missing(self.record, facts)
            for field in self._expand(path, at)
        ]
        return Assumption(
            stage=visit.stage.id,
            node=visit.node,
            question=question(visit),
            taken=taken,
            condition=text,
            fields=list(dict.fromkeys(fields)),
        )

    # -- needs

    def _expand(self, path: str, index: int) -> list[str]:
        """The input fields behind a missing ``path`` read at visit ``index``."""
        key = (path, index if path.startswith("facts.") else -1)
        if key not in self._expanded:
            self._expanded[key] = self._expand_anew(path, index)
        return self._expanded[key]

    def _expand_anew(self, path: str, index: int) -> list[str]:
        if not path.startswith("facts."):
            return input_fields(self.ctx.schema, self.record, path)
        name = path.removeprefix("facts.")
        stages = self.concluders.get(name, set())
        found: list[str] = []
        for earlier in self._trail(index)[:-1]:
            visit = self.done.visits[earlier]
            if visit.stage.id not in stages or not (visit.assumed or visit.unknown_at is not None):
                continue
            for condition in self._unknown_conditions(earlier):
                for missing in condition.missing(self.record, self._facts_at(earlier)):
                    found += self._expand(missing, earlier)
        return list(dict.fromkeys(found))

    def _unknown_conditions(self, index: int) -> list[Condition]:
        """The conditions a visit evaluated that gave unknown."""
        return [
            condition for check, condition in self._checks_of(index) if check.result == "unknown"
        ]

    def _describe(self, path: str) -> str | None:
        return self.ctx.schema.describe_need(_INDEX.sub("[]", path))

    # -- one path

    def _trail(self, index: int) -> list[int]:
        """The visits of the path that led to visit ``index``, oldest first, with it."""
        if index not in self._trails:
            back = [index]
            while (previous := self.done.visits[back[-1]].previous) >= 0:
                if previous in self._trails:
                    self._trails[index] = [*self._trails[previous], *reversed(back)]
                    return self._trails[index]
                back.append(previous)
            self._trails[index] = back[::-1]
        return self._trails[index]

    def _concluded(self, index: int) -> dict[str, int]:
        """Where each fact standing at visit ``index`` was concluded on its path."""
        found: dict[str, int] = {}
        for earlier in self._trail(index)[:-1]:
            step = self.done.visits[earlier].stage.steps[self.done.visits[earlier].node]
            if isinstance(step, Conclude):
                found[step.fact] = earlier
        return found

    def _facts_at(self, index: int) -> dict[str, object]:
        """The facts as they stood on its path when visit ``index`` happened."""
        found: dict[str, object] = {}
        for name, at in self._concluded(index).items():
            step = self.done.visits[at].stage.steps[self.done.visits[at].node]
            assert isinstance(step, Conclude)
            found[name] = step.value
        return found

    def _path_reasons(self, upto: int) -> list[Reason]:
        """The decisions visited in the same stage before visit ``upto``, on its path."""
        stage = self.done.visits[upto].stage
        reasons = []
        for index in self._trail(upto)[:-1]:
            visit = self.done.visits[index]
            if visit.stage is stage and isinstance(visit.stage.steps[visit.node], Decide):
                reasons.append(
                    Reason(
                        kind="decision",
                        stage=stage.id,
                        node=visit.node,
                        question=question(visit),
                        taken=outcome(visit),
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
                (check(condition, self.record, facts), condition)
                for condition in evaluated_conditions(visit)
            ]
        return self._checks[index]

    def _facts_behind(self, at: int) -> list[FactValue]:
        """Facts read on the way to visit ``at``, and the facts behind those."""
        found: dict[str, int] = {}
        pending = [at]
        seen: set[int] = set()
        while pending:
            upto = pending.pop()
            stage = self.done.visits[upto].stage
            concluded = self._concluded(upto)
            for index in self._trail(upto):
                visit = self.done.visits[index]
                if visit.stage is not stage or index in seen:
                    continue
                seen.add(index)
                for condition in evaluated_conditions(visit):
                    for name in condition.facts:
                        if name in concluded and name not in found:
                            found[name] = concluded[name]
                            pending.append(concluded[name])
        return [self.fact(index) for index in found.values()]


_INDEX = re.compile(r"\[\d+\]")
_UNRANKED = 1_000
"""Needs that settle no conditional recommendation come after those that do."""
