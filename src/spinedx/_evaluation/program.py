"""The fast path: the ids of the recommendations a record reaches, and nothing else.

``walk`` in ``_evaluate`` records every visit so that the explanation can be
built afterwards; that costs an object per node. Cohorts and audits only need
the ids, so the stages are flattened once, at load, into a *program*: per
stage, a tuple of nodes addressed by position, each a 4-tuple whose first item
is its kind as an int and whose targets are positions too. Running it
allocates nothing but the facts dict and the list of ids, dispatches on an int,
and calls each condition's compiled closures directly.

The semantics are ``walk``'s exactly (first true branch wins, an unknown result
takes the ``unknown:`` target or stops the stage, a checklist fires every item
that holds); ``tests/test_cohort.py`` checks the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from spinedx._compiled import END, Checklist, Conclude, Decide, End, Recommend, Stage
from spinedx._conditions import Condition
from spinedx._evaluation.accelerator import Fallback, Generated

DECIDE, RECOMMEND, CONCLUDE, CHECKLIST, STOP = range(5)
"""Node kinds. ``STOP`` is an end node."""

_END = -1
"""The position that ends a stage's walk (``end``, a missing ``otherwise``, an unknown)."""

Node = tuple[int, Any, Any, Any]
"""``(kind, a, b, c)``: DECIDE (branches, otherwise, unknown), RECOMMEND (id, then, -),
CONCLUDE (fact, value, then), CHECKLIST (items, then, -), STOP (-, -, -)."""

StageProgram = tuple[tuple[Node, ...], int, range]
"""A stage's nodes, its start position, and a bound on the number of visits."""

Program = tuple[StageProgram, ...]


def compile_program(stages: Sequence[Stage]) -> Program:
    """Flatten compiled stages into the program ``run`` executes."""
    return tuple(_stage_program(stage) for stage in stages)


def _stage_program(stage: Stage) -> StageProgram:
    position = {node_id: index for index, node_id in enumerate(stage.steps)}

    def at(target: str | None) -> int:
        return _END if target is None or target == END else position[target]

    nodes: list[Node] = []
    for step in stage.steps.values():
        if isinstance(step, Decide):
            branches = tuple((*_calls(b.condition), at(b.target)) for b in step.branches)
            nodes.append((DECIDE, branches, at(step.otherwise), at(step.unknown)))
        elif isinstance(step, Recommend):
            nodes.append((RECOMMEND, step.rec.id, at(step.then), None))
        elif isinstance(step, Conclude):
            nodes.append((CONCLUDE, step.fact, step.value, at(step.then)))
        elif isinstance(step, Checklist):
            items = tuple((*_calls(item.condition), item.rec.id) for item in step.items)
            nodes.append((CHECKLIST, items, at(step.then), None))
        elif isinstance(step, End):
            nodes.append((STOP, None, None, None))
    start = position.get(stage.start, _END)
    return tuple(nodes), start, range(len(nodes) + 1)


def _calls(condition: Condition) -> tuple[Any, Condition]:
    return condition.fast, condition


def run(program: Program, record: BaseModel) -> list[str]:
    """The ids of the recommendations ``record`` reaches, in the order they fire."""
    facts: dict[str, object] = {}
    fired: list[str] = []
    for nodes, start, bound in program:
        index = start
        for _ in bound:  # a validated stage is acyclic; this only bounds it
            if index < 0:
                break
            kind, a, b, c = nodes[index]
            if kind == DECIDE:
                index = b
                for fast, condition, target in a:
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
            elif kind == RECOMMEND:
                fired.append(a)
                index = b
            elif kind == CONCLUDE:
                facts[a] = b
                index = c
            elif kind == CHECKLIST:
                _checklist(a, record, facts, fired)
                index = b
            else:
                break
    return fired


def _checklist(
    items: tuple[tuple[Any, Condition, str], ...],
    record: BaseModel,
    facts: Mapping[str, object],
    fired: list[str],
) -> None:
    for fast, condition, rec_id in items:
        try:
            holds = fast(record, facts, ())
        except AttributeError:
            holds = condition(record, facts)
        if holds:
            fired.append(rec_id)


def run_known(generated: Generated, record: BaseModel) -> list[str] | None:
    """``run``'s result through the generated functions (``_codegen``), or ``None``
    when they read an unknown value (the caller then uses ``run``)."""
    functions, position = generated
    facts: dict[str, object] = {}
    fired: list[str] = []
    try:
        while position >= 0:  # the parts of validated stages form a DAG: this ends
            position = functions[position](record, facts, fired)
    except (Fallback, AttributeError, KeyError):  # an unknown value, path or fact
        return None
    return fired
