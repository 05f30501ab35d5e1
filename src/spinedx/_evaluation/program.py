"""The form the interpreter walks, and the log it can keep; no walker lives here.

At load the stages are flattened once into a *program*: per stage, a tuple
of nodes addressed by position, each a 5-tuple whose first item is its kind as
an int and whose targets are positions too, its conditions' compiled closures
at hand. ``interpreter.interpret`` runs it along every path the missing data leaves
possible, logging into a ``Walk`` when given one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from spinedx._compiled import END, Checklist, Conclude, Decide, End, Recommend, RecSpec, Stage
from spinedx._conditions import Condition

DECIDE, RECOMMEND, CONCLUDE, CHECKLIST, STOP = range(5)
"""Node kinds. ``STOP`` is an end node."""

DONE = -1
"""The position that ends a stage's walk: ``end``."""

STOPPED = -2
"""The position that stops a stage for want of data: no ``unknown:`` (or ``otherwise:``)
target to take."""

OTHERWISE = -1
"""A decision's outcome when no branch held."""

Node = tuple[int, Any, Any, Any, str]
"""``(kind, a, b, c, node id)``: DECIDE (branches, otherwise, unknown), RECOMMEND (id,
then, rec), CONCLUDE (fact, value, then), CHECKLIST (items, then, -), STOP (-, -, -)."""

Items = tuple[tuple[Any, Condition, RecSpec], ...]
"""A checklist's items: each condition's compiled closure, the condition, the recommendation."""

StageProgram = tuple[Stage, tuple[Node, ...], int, tuple[int, ...]]
"""A stage, its nodes, its start position, and its node positions in an order where
every node comes after all the nodes that lead to it (the walk visits them so)."""

Program = tuple[StageProgram, ...]


class Choice(NamedTuple):
    """One way taken because the data to settle it was missing: at the decision (or
    checklist item) at ``node`` of stage number ``stage``, ``taken`` (a branch index,
    OTHERWISE, or the item's index when ``item``), one of the ways ``among``."""

    stage: int
    node: int
    taken: int
    among: frozenset[int] = frozenset()
    item: bool = False


When = frozenset[frozenset[Choice]]
"""Alternatives (any one) of sets of choices (all of them); ``ALWAYS`` has one, empty."""

ALWAYS: When = frozenset({frozenset()})


@dataclass(slots=True)
class Visit:
    """One node visited on one path: ``outcome`` is a branch index, OTHERWISE, or a
    checklist's item results; ``unknown_at`` is the branch whose unknown result sent the
    decision to its ``unknown:`` target or stopped it; ``assumed`` marks a branch taken
    because the missing data left it possible; ``previous`` is the visit before it on
    the same path (-1 at the start)."""

    stage: Stage
    node: str
    outcome: int | tuple[bool | None, ...] | None = None
    unknown_at: int | None = None
    previous: int = -1
    assumed: bool = False


@dataclass(slots=True)
class Walk:
    """The log of a walk along every path the missing data leaves possible.

    ``visits`` holds the visits of every path (each links to the one before it);
    ``fired`` every firing, with its visit; ``when`` each recommendation's
    condition and ``definite`` those reached on every path; ``facts`` the facts
    concluded alike on every path, ``fact_visits`` where (on the first path);
    ``choices`` the visit where each choice was made; ``paths`` the paths
    explored, and ``bounded`` whether the bound on live paths stopped some.
    """

    visits: list[Visit] = field(default_factory=list)
    fired: list[tuple[RecSpec, int]] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)
    fact_visits: dict[str, int] = field(default_factory=dict)
    stopped: dict[str, str] = field(default_factory=dict)
    when: dict[str, When] = field(default_factory=dict)
    definite: set[str] = field(default_factory=set)
    choices: dict[Choice, int] = field(default_factory=dict)
    paths: int = 1
    bounded: bool = False


def compile_program(stages: Sequence[Stage]) -> Program:
    """Flatten compiled stages into the program the interpreter walks."""
    return tuple(_stage_program(stage) for stage in stages)


def _stage_program(stage: Stage) -> StageProgram:
    position = {node_id: index for index, node_id in enumerate(stage.steps)}

    def at(target: str | None) -> int:
        return STOPPED if target is None else DONE if target == END else position[target]

    nodes: list[Node] = []
    for node, step in stage.steps.items():
        if isinstance(step, Decide):
            branches = tuple(
                (branch.condition.fast, branch.condition, at(branch.target), i)
                for i, branch in enumerate(step.branches)
            )
            nodes.append((DECIDE, branches, at(step.otherwise), at(step.unknown), node))
        elif isinstance(step, Recommend):
            nodes.append((RECOMMEND, step.rec.id, at(step.then), step.rec, node))
        elif isinstance(step, Conclude):
            nodes.append((CONCLUDE, step.fact, step.value, at(step.then), node))
        elif isinstance(step, Checklist):
            items = tuple((item.condition.fast, item.condition, item.rec) for item in step.items)
            nodes.append((CHECKLIST, items, at(step.then), None, node))
        elif isinstance(step, End):
            nodes.append((STOP, None, None, None, node))
    start = position.get(stage.start, DONE)
    return stage, tuple(nodes), start, _ordered(nodes)


def _ordered(nodes: Sequence[Node]) -> tuple[int, ...]:
    """Positions such that each node follows every node that leads to it (Kahn's
    algorithm); a validated stage is acyclic, any rest is appended in file order."""
    targets = [_targets(node) for node in nodes]
    into = [0] * len(nodes)
    for out in targets:
        for target in out:
            into[target] += 1
    ready = [i for i, count in enumerate(into) if count == 0]
    order: list[int] = []
    while ready:
        order.append(current := ready.pop(0))
        for target in targets[current]:
            into[target] -= 1
            if into[target] == 0:
                ready.append(target)
    return (*order, *(i for i in range(len(nodes)) if i not in order))


def _targets(node: Node) -> set[int]:
    kind, a, b, c, _ = node
    found = {
        DECIDE: lambda: {target for _, _, target, _ in a} | {b, c},
        RECOMMEND: lambda: {b},
        CONCLUDE: lambda: {c},
        CHECKLIST: lambda: {b},
    }.get(kind, set)()
    return {target for target in found if target >= 0}
