"""Which parts of a diagram one patient's walk went through, and which only conditionally.

An :class:`Evaluation` says which nodes were visited, which way each decision
went and which recommendations were reached. When data is missing the walk
follows every branch still possible, so the trace holds several paths: a node
or edge on some of them but not on all is *conditional* (the missing data
decides), and a recommendation the evaluation gives only for some values of
the missing data is conditional too. ``diagram`` reads these marks.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from graphlib import TopologicalSorter

from spinedx._compiled import END, Stage
from spinedx._evaluation import Evaluation


@dataclass(frozen=True)
class Marks:
    """What one evaluation did, by (stage, node); ``definite`` holds the reached
    recommendations given whatever the missing data turns out to be."""

    visited: frozenset[tuple[str, str]]
    taken: frozenset[tuple[str, str, str]]
    reached: frozenset[tuple[str, str, str]]
    stopped: frozenset[tuple[str, str]]
    definite: frozenset[tuple[str, str, str]] = frozenset()

    @classmethod
    def of(cls, evaluation: Evaluation | None) -> Marks:
        if evaluation is None:
            return cls(frozenset(), frozenset(), frozenset(), frozenset())
        visited = {(step.stage, step.node) for step in evaluation.trace}
        # An outcome names the edge it took exactly as the stage graph labels it:
        # 'branch 2', 'otherwise', 'unknown'; every other visited step goes on by 'then'.
        # Under missing data the trace holds every possible path, so a decision may
        # show several outcomes.
        taken = {(step.stage, step.node, step.outcome) for step in evaluation.trace}
        taken |= {(step.stage, step.node, "then") for step in evaluation.trace}
        stopped = {(s.id, s.stopped_at) for s in evaluation.stages if s.stopped_at is not None}
        reached = {(rec.stage, rec.node, rec.id) for rec in evaluation.recommendations}
        definite = {
            (rec.stage, rec.node, rec.id)
            for rec in evaluation.recommendations
            if rec.certainty == "definite"
        }
        return cls(
            frozenset(visited),
            frozenset(taken),
            frozenset(reached),
            frozenset(stopped),
            frozenset(definite),
        )

    def visited_stage(self, stage: str) -> bool:
        return any(s == stage for s, _ in self.visited)

    def walked(self, stage: str) -> set[str]:
        """The nodes of one stage some path visited."""
        return {node for s, node in self.visited if s == stage}

    def ways(self, stage: str) -> set[tuple[str, str]]:
        """``(node, edge label)`` for each way out of a node of one stage some path took."""
        return {(node, label) for s, node, label in self.taken if s == stage}

    def sure(self, stage: str, node: str, rec_id: str) -> bool:
        """Whether a reached recommendation is given definitely."""
        return (stage, node, rec_id) in self.definite


@dataclass(frozen=True)
class Uncertain:
    """The parts of one stage's walk on some of the possible paths but not on all of them."""

    nodes: frozenset[str]
    edges: frozenset[tuple[str, str]]

    @classmethod
    def of(
        cls, stage: Stage, walked: Collection[str], taken: Collection[tuple[str, str]]
    ) -> Uncertain:
        """Count the paths of the walked part of the stage through each node and edge.

        ``walked`` are the nodes visited on some path, ``taken`` the ``(node,
        edge label)`` pairs some path went out by. The walked part is a DAG from
        the start; a node or edge that lies on fewer paths than there are in all
        is off some path, so conditional. Paths may differ in earlier facts and
        so combine differently from stage to stage, yet a node every real path
        passes is on every path through the union of their edges too (in a DAG,
        joining the start of one at a shared node to the end of another keeps it).
        """
        if stage.start not in walked:
            return cls(frozenset(), frozenset())
        out: dict[str, list[tuple[str, str]]] = {node: [] for node in walked}
        for node in walked:
            for label, target, _ in stage.steps[node].edges():
                if (node, label) in taken and (target in walked or target == END):
                    out[node].append((label, target))
        out.setdefault(END, [])  # the stage's end: a node like the others here
        order = list(TopologicalSorter({n: [t for _, t in ways] for n, ways in out.items()})
                     .static_order())  # fmt: skip
        ends = dict.fromkeys(out, 1)  # paths from a node to where the walk ends
        for node in order:  # targets before sources
            if out[node]:
                ends[node] = sum(ends[target] for _, target in out[node])
        starts = dict.fromkeys(out, 0)  # paths from the start to a node
        starts[stage.start] = 1
        for node in reversed(order):
            for _, target in out[node]:
                starts[target] += starts[node]
        total = ends[stage.start]
        return cls(
            frozenset(n for n in out if starts[n] * ends[n] < total),
            frozenset(
                (n, label)
                for n, ways in out.items()
                for label, target in ways
                if starts[n] * ends[target] < total
            ),
        )
