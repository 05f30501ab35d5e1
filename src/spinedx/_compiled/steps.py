"""The compiled form of a stage: what the evaluator walks.

Documents (``_document``) describe what the author wrote; steps are what the
evaluator needs: conditions already compiled, targets resolved to ids,
citations resolved against the manifest. Nothing here refers to YAML or to
networkx, so evaluation never touches either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from spinedx._compiled.urgency import Urgency
from spinedx._conditions import Condition
from spinedx._diagnostics import Span

END = "end"
"""The reserved target that ends a stage's walk: a node id no stage may use."""


class WrittenText(Protocol):
    """A condition as written in its file: where each of its characters stands.

    The loader's YAML scalar is one; so a name the parse tree locates by
    character offset is reported at its own line and column.
    """

    def offset_span(self, offset: int, length: int = 1) -> Span:
        """The file span of characters ``[offset, offset + length)`` of the text."""
        ...


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


class Edge(NamedTuple):
    """One way out of a step: its label ("branch 1", "otherwise", "unknown", "then"),
    the target node id, and where the target is written."""

    label: str
    target: str
    span: Span


@dataclass(frozen=True, slots=True)
class Branch:
    """One branch of a decision."""

    condition: Condition
    target: str
    span: Span
    target_span: Span
    written: WrittenText | None = None


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

    def edges(self) -> tuple[Edge, ...]:
        """Every way out, in the order the walk tries them."""
        out = [
            Edge(f"branch {i + 1}", b.target, b.target_span) for i, b in enumerate(self.branches)
        ]
        if self.otherwise is not None:
            out.append(Edge("otherwise", self.otherwise, self.otherwise_span or self.span))
        if self.unknown is not None:
            out.append(Edge("unknown", self.unknown, self.unknown_span or self.span))
        return tuple(out)

    def guards(self) -> tuple[Branch, ...]:
        """The conditions it reads, each with where it is written."""
        return self.branches

    def recs(self) -> tuple[RecSpec, ...]:
        """The recommendations it can give."""
        return ()


@dataclass(frozen=True, slots=True)
class Recommend:
    """Emit one recommendation, then go on."""

    id: str
    rec: RecSpec
    then: str
    span: Span
    then_span: Span

    def edges(self) -> tuple[Edge, ...]:
        """Every way out, in the order the walk tries them."""
        return (Edge("then", self.then, self.then_span),)

    def guards(self) -> tuple[Branch | ChecklistItem, ...]:
        """The conditions it reads, each with where it is written."""
        return ()

    def recs(self) -> tuple[RecSpec, ...]:
        """The recommendations it can give."""
        return (self.rec,)


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
    fact_span: Span | None = None
    value_span: Span | None = None

    def edges(self) -> tuple[Edge, ...]:
        """Every way out, in the order the walk tries them."""
        return (Edge("then", self.then, self.then_span),)

    def guards(self) -> tuple[Branch | ChecklistItem, ...]:
        """The conditions it reads, each with where it is written."""
        return ()

    def recs(self) -> tuple[RecSpec, ...]:
        """The recommendations it can give."""
        return ()


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """A condition and the recommendation it fires."""

    condition: Condition
    rec: RecSpec
    span: Span
    written: WrittenText | None = None


@dataclass(frozen=True, slots=True)
class Checklist:
    """Independent items, all that hold fire."""

    id: str
    title: str
    items: tuple[ChecklistItem, ...]
    then: str
    span: Span
    then_span: Span

    def edges(self) -> tuple[Edge, ...]:
        """Every way out, in the order the walk tries them."""
        return (Edge("then", self.then, self.then_span),)

    def guards(self) -> tuple[ChecklistItem, ...]:
        """The conditions it reads, each with where it is written."""
        return self.items

    def recs(self) -> tuple[RecSpec, ...]:
        """The recommendations it can give."""
        return tuple(item.rec for item in self.items)


@dataclass(frozen=True, slots=True)
class End:
    """The end of the walk."""

    id: str
    note: str | None
    span: Span

    def edges(self) -> tuple[Edge, ...]:
        """Every way out: none."""
        return ()

    def guards(self) -> tuple[Branch | ChecklistItem, ...]:
        """The conditions it reads: none."""
        return ()

    def recs(self) -> tuple[RecSpec, ...]:
        """The recommendations it can give: none."""
        return ()


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
