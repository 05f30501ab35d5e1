"""The form the interpreter walks, and the log it can keep; no walker lives here.

At load the stages are flattened once into a *program*: per stage, a tuple
of nodes addressed by position, each a 5-tuple whose first item is its kind as
an int and whose targets are positions too, its conditions' compiled closures
at hand. ``interpreter.interpret`` runs it: it dispatches on an int and
allocates nothing but the facts and the fired ids, unless it is given a
``Walk`` to log into.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

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

StageProgram = tuple[Stage, tuple[Node, ...], int, range]
"""A stage, its nodes, its start position, and a bound on the number of visits."""

Program = tuple[StageProgram, ...]


@dataclass(slots=True)
class Visit:
    """One node visited: ``outcome`` is a branch index, OTHERWISE, or a checklist's item
    results; ``unknown_at`` is the branch whose unknown result stopped the decision."""

    stage: Stage
    node: str
    outcome: int | tuple[bool | None, ...] | None = None
    unknown_at: int | None = None


@dataclass(slots=True)
class Walk:
    """The log of a walk: what was visited, fired, concluded and stopped."""

    visits: list[Visit] = field(default_factory=list)
    fired: list[tuple[RecSpec, int]] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)
    fact_visits: dict[str, int] = field(default_factory=dict)
    stopped: dict[str, str] = field(default_factory=dict)


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
    return stage, tuple(nodes), start, range(len(nodes) + 1)
