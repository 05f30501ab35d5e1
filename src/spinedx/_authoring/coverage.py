"""Coverage: which nodes and branches of a pathway no scenario reaches.

A scenario suite only guards the parts of a pathway it walks through. This
module counts, from the walks themselves (never from text), which nodes were
visited and which way each node went out:

- each branch of a decision, ``otherwise``, and the ``unknown:`` target when
  the decision has one (a decision that stops its stage takes no branch);
- each item of a checklist that fired.

When a scenario's patient lacks data, the walk follows every branch still
possible, and every one of them counts as reached. A point is reached
*definitely* by a scenario when it lies on every path its walk explored
(whatever the missing data turns out to be); a point that every scenario
reaches only on some of their paths is listed apart, since no scenario's data
actually settles the way to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from spinedx._authoring.diagram_marks import Uncertain
from spinedx._compiled import Checklist, Decide, Stage, Step
from spinedx._diagnostics import Span
from spinedx._evaluation import OTHERWISE, Visit, Walk

PointKind = Literal["node", "branch", "otherwise", "unknown", "item"]
_Key = tuple[str, str, PointKind, int | None]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CoveragePoint(_Result):
    """A node, or one way out of it, and the scenarios that reach it.

    ``index`` is the 1-based branch or item number, None for the other kinds.
    """

    stage: str
    node: str
    kind: PointKind
    index: int | None = None
    label: str
    span: Span
    scenarios: list[str]
    definite: list[str] = Field(
        default_factory=list,
        description="The scenarios that reach it whatever their missing data turns out to be.",
    )

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented pattern
    @property
    def covered(self) -> bool:
        """Whether some scenario reaches it."""
        return bool(self.scenarios)

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented pattern
    @property
    def only_conditional(self) -> bool:
        """Reached, but by every scenario only on some of its possible paths."""
        return self.covered and not self.definite

    def describe(self) -> str:
        """``node 'x' branch 'otherwise' never taken`` (or what it is, when covered)."""
        if self.covered:
            return f"{self.label} covered by {len(self.scenarios)} scenario(s)"
        verb = {"node": "reached", "item": "fired"}.get(self.kind, "taken")
        return f"{self.label} never {verb}"


class StageCoverage(_Result):
    """Counts for one stage."""

    stage: str
    file: str
    nodes: int
    nodes_covered: int
    branches: int
    branches_covered: int


class Coverage(_Result):
    """Node and branch coverage of a pathway by a set of walks."""

    stages: list[StageCoverage]
    points: list[CoveragePoint]

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented pattern
    @property
    def full(self) -> bool:
        """Whether every node and every branch is reached."""
        return all(point.covered for point in self.points)

    @property
    def uncovered(self) -> list[CoveragePoint]:
        """Every node and branch no scenario reaches, in stage and file order."""
        return [point for point in self.points if not point.covered]

    @property
    def only_conditional(self) -> list[CoveragePoint]:
        """Every node and branch reached only where a scenario's data is missing."""
        return [point for point in self.points if point.only_conditional]

    def totals(self) -> tuple[int, int, int, int]:
        """(nodes covered, nodes, branches covered, branches) over all stages."""
        return (
            sum(s.nodes_covered for s in self.stages),
            sum(s.nodes for s in self.stages),
            sum(s.branches_covered for s in self.stages),
            sum(s.branches for s in self.stages),
        )


def measure_coverage(stages: Sequence[Stage], walks: Iterable[tuple[str, Walk]]) -> Coverage:
    """The coverage of ``stages`` by named walks (one per scenario).

    Example:
        >>> from spinedx import load_pathway, load_patient
        >>> from spinedx._evaluation.interpreter import walk
        >>> pathway = load_pathway("pathways/spinal_tumor")
        >>> patient = load_patient("examples/patients/no-red-flags.yaml")
        >>> coverage = measure_coverage(pathway.stages, [("a", walk(pathway.stages, patient))])
        >>> 0 < coverage.totals()[0] < coverage.totals()[1]
        True
    """
    hits: dict[_Key, list[str]] = {}
    sure: dict[_Key, list[str]] = {}
    for name, done in walks:
        for visit in done.visits:
            for kind, index in _taken(visit):
                names = hits.setdefault((visit.stage.id, visit.node, kind, index), [])
                if name not in names:
                    names.append(name)
        for key in _definite(stages, done):
            sure.setdefault(key, []).append(name)
    points: list[CoveragePoint] = []
    counts: list[StageCoverage] = []
    for stage in stages:
        own = [
            CoveragePoint(
                stage=stage.id,
                node=node,
                kind=kind,
                index=None if index is None else index + 1,
                label=_label(node, step, kind, index),
                span=span,
                scenarios=hits.get((stage.id, node, kind, index), []),
                definite=sure.get((stage.id, node, kind, index), []),
            )
            for node, step in stage.steps.items()
            for kind, index, span in _points(step)
        ]
        nodes = [p for p in own if p.kind == "node"]
        branches = [p for p in own if p.kind != "node"]
        counts.append(
            StageCoverage(
                stage=stage.id,
                file=stage.file,
                nodes=len(nodes),
                nodes_covered=sum(p.covered for p in nodes),
                branches=len(branches),
                branches_covered=sum(p.covered for p in branches),
            )
        )
        points += own
    return Coverage(stages=counts, points=points)


def _taken(visit: Visit) -> Iterator[tuple[PointKind, int | None]]:
    """The node itself, and the way the walk left it."""
    yield "node", None
    step = visit.stage.steps[visit.node]
    if isinstance(step, Decide):
        if visit.unknown_at is not None:
            if step.unknown is not None:
                yield "unknown", None
        elif visit.outcome == OTHERWISE:
            yield "otherwise", None
        elif isinstance(visit.outcome, int):
            yield "branch", visit.outcome
    elif isinstance(step, Checklist) and isinstance(visit.outcome, tuple):
        for index, fired in enumerate(visit.outcome):
            if fired or fired is None:  # unknown: the item fires for some values
                yield "item", index


def _definite(stages: Sequence[Stage], done: Walk) -> set[_Key]:
    """The points one walk reaches on every path it explored."""
    found: set[_Key] = set()
    for stage in stages:
        visits = [visit for visit in done.visits if visit.stage.id == stage.id]
        maybe = Uncertain.of(stage, {v.node for v in visits}, {(v.node, _way(v)) for v in visits})
        items: dict[str, list[bool]] = {}
        for visit in visits:
            if visit.node in maybe.nodes:
                continue
            found.add((stage.id, visit.node, "node", None))
            if isinstance(visit.outcome, tuple):  # a checklist: items that held on this path
                held = [result is True for result in visit.outcome]
                before = items.get(visit.node, held)
                items[visit.node] = [a and b for a, b in zip(before, held, strict=True)]
            elif (visit.node, _way(visit)) not in maybe.edges:
                found.update(
                    (stage.id, visit.node, kind, index)
                    for kind, index in _taken(visit)
                    if kind != "node"
                )
        for node, held in items.items():  # fired on every path through the node
            found.update((stage.id, node, "item", i) for i, fired in enumerate(held) if fired)
    return found


def _way(visit: Visit) -> str:
    """The label of the edge a visit left by, as the stage's edges name it."""
    if visit.unknown_at is not None:
        return "unknown"
    if isinstance(visit.stage.steps[visit.node], Decide):
        if visit.outcome == OTHERWISE:
            return "otherwise"
        if isinstance(visit.outcome, int):
            return f"branch {visit.outcome + 1}"
    return "then"


def _points(step: Step) -> Iterator[tuple[PointKind, int | None, Span]]:
    """Every coverage point of one step, with where it is written."""
    yield "node", None, step.span
    kind: PointKind = "item" if isinstance(step, Checklist) else "branch"
    for index, guard in enumerate(step.guards()):
        yield kind, index, guard.span
    for edge in step.edges():
        if edge.label in ("otherwise", "unknown"):
            yield ("otherwise" if edge.label == "otherwise" else "unknown"), None, edge.span


def _label(node: str, step: Step, kind: PointKind, index: int | None) -> str:
    if kind == "node":
        return f"node '{node}'"
    if kind == "branch" and index is not None:
        return f"node '{node}' branch {index + 1}"
    if kind == "item" and index is not None and isinstance(step, Checklist):
        return f"node '{node}' item {index + 1} '{step.items[index].rec.id}'"
    return f"node '{node}' branch '{kind}'"
