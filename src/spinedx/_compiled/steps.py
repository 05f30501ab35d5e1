"""The compiled form of a stage: what the evaluator walks.

Documents (``_document``) describe what the author wrote; steps are what the
evaluator needs: conditions already compiled, targets resolved to ids,
citations resolved against the manifest. Nothing here refers to YAML or to
networkx, so evaluation never touches either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from spinedx._compiled.urgency import Urgency
from spinedx._conditions import Condition
from spinedx._diagnostics import Span

END = "end"
"""The reserved target that ends a stage's walk: a node id no stage may use."""


@dataclass(frozen=True, slots=True)
class Citation:
    """A source as cited by one recommendation, with the section where given."""

    id: str
    title: str
    year: int | None
    url: str | None
    section: str | None


@dataclass(frozen=True, slots=True)
class TermCode:
    """A terminology code (SNOMED CT, LOINC, ...) for a recommended action."""

    system: str
    code: str
    display: str | None


@dataclass(frozen=True, slots=True)
class RecSpec:
    """What a recommendation says, wherever in the graph it fires."""

    id: str
    stage: str
    node: str
    action: str
    urgency: Urgency
    because: str
    citations: tuple[Citation, ...]
    codes: tuple[TermCode, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Branch:
    """One branch of a decision."""

    condition: Condition
    target: str
    span: Span
    target_span: Span


@dataclass(frozen=True, slots=True)
class Decide:
    """Ordered branches, first true wins; ``otherwise`` and ``unknown`` targets."""

    id: str
    question: str
    branches: tuple[Branch, ...]
    otherwise: str | None
    unknown: str | None
    span: Span
    otherwise_span: Span | None
    unknown_span: Span | None


@dataclass(frozen=True, slots=True)
class Recommend:
    """Emit one recommendation, then go on."""

    id: str
    rec: RecSpec
    then: str
    span: Span
    then_span: Span


@dataclass(frozen=True, slots=True)
class Conclude:
    """Set a fact, then go on."""

    id: str
    fact: str
    value: object
    because: str
    then: str
    span: Span
    then_span: Span


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """A condition and the recommendation it fires."""

    condition: Condition
    rec: RecSpec
    span: Span


@dataclass(frozen=True, slots=True)
class Checklist:
    """Independent items, all that hold fire."""

    id: str
    title: str
    items: tuple[ChecklistItem, ...]
    then: str
    span: Span
    then_span: Span


@dataclass(frozen=True, slots=True)
class End:
    """The end of the walk."""

    id: str
    note: str | None
    span: Span


Step = Decide | Recommend | Conclude | Checklist | End


@dataclass(frozen=True, slots=True)
class Stage:
    """One compiled stage: its steps by id and the record sections it owns."""

    id: str
    title: str | None
    file: str
    start: str
    steps: Mapping[str, Step]
    owns: frozenset[str]
    span: Span


def successors(step: Step) -> list[tuple[str, str, Span]]:
    """Every (target, label, span) edge out of a step, in the order the walk tries them."""
    match step:
        case Decide():
            edges = [
                (b.target, f"branch {i + 1}", b.target_span) for i, b in enumerate(step.branches)
            ]
            if step.otherwise is not None:
                edges.append((step.otherwise, "otherwise", step.otherwise_span or step.span))
            if step.unknown is not None:
                edges.append((step.unknown, "unknown", step.unknown_span or step.span))
            return edges
        case Recommend() | Conclude() | Checklist():
            return [(step.then, "then", step.then_span)]
        case End():
            return []
