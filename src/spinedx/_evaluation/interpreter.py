"""Evaluation: one interpreter walks the compiled program along every possible path.

``interpret`` is the only walker. A decision takes its first true branch
(three-valued logic). When the missing data leaves its outcome open:

- with an ``unknown:`` target, it takes that target (the author's
  precautionary choice), as it always did;
- without one, the walk goes on along every branch still possible under
  first-true-wins: branch *i* when its condition is true or unknown and no
  earlier branch is definitely true, ``otherwise`` when no branch is. Each path
  carries its own facts and the *choices* that put it there; paths that reach
  the same node with the same facts merge, their conditions joined by OR.

A checklist item whose condition is unknown fires its recommendation on
that item's choice. A recommendation is *definite* when every path fires it
unconditionally; otherwise it is *conditional*, on the choices recorded in
``Walk.when``. At most ``LIMIT`` paths are alive at once; a decision that would
go past it stops its stage as a decision without data used to, and the walk
says so (``Walk.bounded``): never a silent truncation.

Why 64 suffices for the shipped pathway: paths merge at every stage's end
when they concluded the same facts, and its stages conclude at most one or two
facts each, so even a record with nothing filled in keeps a handful alive
(``docs/missing-data.md`` gives the measured figure). Each node handles at
most ``LIMIT`` paths, so the work is bounded by ``LIMIT`` times the nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from spinedx._compiled import RecSpec, Stage
from spinedx._conditions import Condition
from spinedx._evaluation.program import (
    ALWAYS,
    CHECKLIST,
    CONCLUDE,
    DECIDE,
    DONE,
    OTHERWISE,
    RECOMMEND,
    STOPPED,
    Choice,
    Items,
    Node,
    Program,
    Visit,
    Walk,
    When,
    compile_program,
)

LIMIT = 64
"""The most paths alive at once (see the module's docstring)."""


def interpret(
    program: Program,
    record: BaseModel,
    log: Walk | None = None,
    *,
    conditional: bool = False,
    limit: int = LIMIT,
) -> list[str]:
    """The ids of the recommendations ``record`` reaches for certain, in the order they
    first fire (with ``conditional``, those reached on some path too); the facts a stage
    concludes flow to the next. ``log`` also records the walk."""
    explorer = _Explorer(program, record, log, limit)
    ends = explorer.run()
    definite = frozenset.intersection(*(path.sure for path in ends))
    if log is not None:
        _finish(log, explorer, ends, definite)
    return [rec for rec in explorer.order if conditional or rec in definite]


def walk(stages: Sequence[Stage], record: BaseModel, limit: int = LIMIT) -> Walk:
    """``interpret`` with a log, returned: what explanations and coverage read."""
    interpret(compile_program(stages), record, log := Walk(), limit=limit)
    return log


@dataclass(slots=True)
class _Path:
    """One path (or several merged): its facts, the choices that lead here, the
    recommendations it fired on every merged route, and its last visit."""

    facts: dict[str, object]
    when: When
    sure: frozenset[str]
    last: int = -1
    mixed: frozenset[str] = frozenset()
    """Facts no longer read that differed between the routes merged here."""


class _Explorer:
    def __init__(self, program: Program, record: BaseModel, log: Walk | None, limit: int) -> None:
        self.program = program
        self.record = record
        self.log = log
        self.limit = limit
        self.order: list[str] = []
        self.when: dict[str, set[frozenset[Choice]]] = {}
        self.live = 0
        self.paths = 1
        self.bounded = False
        self.at: dict[int, list[_Path]] = {}
        self.ended: list[_Path] = []
        self.read_later = _read_later(program)
        self.number = 0

    def run(self) -> list[_Path]:
        entering = [_Path({}, ALWAYS, frozenset())]
        for number, (stage, nodes, start, order) in enumerate(self.program):
            self.at, self.ended, self.live, self.number = {}, [], 0, number
            for path in entering:
                self.place(start, path)
            for position in order:
                for path in self.at.pop(position, ()):
                    self.live -= 1
                    self.step(number, stage, position, nodes[position], path)
            entering = self.ended
        return entering

    def place(self, target: int, path: _Path) -> None:
        """Put ``path`` at ``target`` (or at the stage's end), merged with a path there
        that has the same facts."""
        # At a stage's end only the facts later stages read tell paths apart.
        read = self.read_later[self.number] if target < 0 else None
        bucket = self.ended if target < 0 else self.at.setdefault(target, [])
        for other in bucket:
            if other.facts == path.facts or (read is not None and _agree(other, path, read)):
                if self.log is not None:
                    other.when = simplify(other.when | path.when)
                other.sure &= path.sure
                other.mixed |= path.mixed | _differ(other.facts, path.facts)
                return
        bucket.append(path)
        self.live += 1

    def step(self, number: int, stage: Stage, position: int, node: Node, path: _Path) -> None:
        kind, a, b, c, node_id = node
        if kind == DECIDE:
            self.decide(number, stage, position, node, path)
            return
        path.last = self.visit(stage, node_id, path)
        if kind == RECOMMEND:
            self.fire(c, path, path.last)
            self.place(b, path)
        elif kind == CONCLUDE:
            path.facts = {**path.facts, a: b}
            self.place(c, path)
        elif kind == CHECKLIST:
            self.checklist(number, position, a, path)
            self.place(b, path)
        else:
            self.place(DONE, path)

    def decide(self, number: int, stage: Stage, position: int, node: Node, path: _Path) -> None:
        _, branches, otherwise, unknown, node_id = node
        possible: list[int] = []
        first_unknown: int | None = None
        for fast, condition, _, at in branches:
            holds = self.holds(fast, condition, path.facts)
            if holds:
                possible.append(at)
                break
            if holds is None:
                first_unknown = at if first_unknown is None else first_unknown
                if unknown != STOPPED:
                    break  # the author's 'unknown:' target: taken as it always was
                possible.append(at)
        else:
            possible.append(OTHERWISE)
        targets = [otherwise if at == OTHERWISE else branches[at][2] for at in possible]
        if first_unknown is None:
            path.last = self.visit(stage, node_id, path, outcome=possible[0])
            self.go(targets[0], path, stage, node_id)
        elif unknown != STOPPED or self.live + len(possible) > self.limit:
            self.bounded |= unknown == STOPPED
            path.last = self.visit(stage, node_id, path, unknown_at=first_unknown)
            self.go(unknown, path, stage, node_id)
        else:
            self.paths += len(possible) - 1
            among = frozenset(possible)
            for taken, target in zip(possible, targets, strict=True):
                choice = Choice(number, position, taken, among)
                when = path.when if self.log is None else frozenset(a | {choice} for a in path.when)
                child = _Path(path.facts, when, path.sure, mixed=path.mixed)
                child.last = self.visit(stage, node_id, path, outcome=taken, assumed=True)
                self.chosen(choice, child.last)
                self.go(target, child, stage, node_id)

    def checklist(self, number: int, position: int, items: Items, path: _Path) -> None:
        outcomes: list[bool | None] = []
        for index, (fast, condition, rec) in enumerate(items):
            holds = self.holds(fast, condition, path.facts)
            outcomes.append(holds)
            if holds:
                self.fire(rec, path, path.last)
            elif holds is None:
                choice = Choice(number, position, index, item=True)
                self.chosen(choice, path.last)
                self.fire(rec, path, path.last, choice)
        if self.log is not None:
            self.log.visits[path.last].outcome = tuple(outcomes)

    def fire(self, rec: RecSpec, path: _Path, at: int, choice: Choice | None = None) -> None:
        if rec.id not in self.when:
            self.when[rec.id] = set()
            self.order.append(rec.id)
        if choice is None:
            path.sure |= {rec.id}
        if self.log is None:  # only explanations need the conditions
            return
        self.when[rec.id] |= path.when if choice is None else {a | {choice} for a in path.when}
        self.log.fired.append((rec, at))

    def go(self, target: int, path: _Path, stage: Stage, node_id: str) -> None:
        if target == STOPPED and self.log is not None:
            self.log.stopped.setdefault(stage.id, node_id)
        self.place(target, path)

    def holds(self, fast: object, condition: Condition, facts: dict[str, object]) -> bool | None:
        try:
            return fast(self.record, facts, ())  # type: ignore[operator, no-any-return]
        except AttributeError:  # a None on the way along a path
            return condition(self.record, facts)

    def visit(
        self,
        stage: Stage,
        node_id: str,
        path: _Path,
        *,
        outcome: int | None = None,
        unknown_at: int | None = None,
        assumed: bool = False,
    ) -> int:
        if self.log is None:
            return -1
        visit = Visit(stage, node_id, outcome, unknown_at, previous=path.last, assumed=assumed)
        self.log.visits.append(visit)
        return len(self.log.visits) - 1

    def chosen(self, choice: Choice, at: int) -> None:
        if self.log is not None:
            self.log.choices.setdefault(choice, at)


def _finish(log: Walk, explorer: _Explorer, ends: list[_Path], definite: frozenset[str]) -> None:
    log.definite = set(definite)
    log.when = {rec: simplify(explorer.when[rec]) for rec in explorer.order}
    log.paths, log.bounded = explorer.paths, explorer.bounded
    first = ends[0]
    log.facts = {
        name: value
        for name, value in first.facts.items()
        if all(name in p.facts and p.facts[name] == value and name not in p.mixed for p in ends)
    }
    index = first.last
    while index >= 0:  # where the first path concluded each fact: its latest conclusion
        visit = log.visits[index]
        fact = getattr(visit.stage.steps[visit.node], "fact", None)
        if fact in log.facts and fact not in log.fact_visits:
            log.fact_visits[fact] = index
        index = visit.previous


def _read_later(program: Program) -> tuple[frozenset[str], ...]:
    """For each stage, the facts the stages after it read."""
    read: list[frozenset[str]] = []
    later: frozenset[str] = frozenset()
    for _, nodes, _, _ in reversed(program):
        read.append(later)
        for kind, a, _, _, _ in nodes:
            if kind == DECIDE:
                later |= {name for _, condition, _, _ in a for name in condition.facts}
            elif kind == CHECKLIST:
                later |= {name for _, condition, _ in a for name in condition.facts}
    return tuple(reversed(read))


def _agree(one: _Path, other: _Path, names: frozenset[str]) -> bool:
    return all(one.facts.get(name, _UNSET) == other.facts.get(name, _UNSET) for name in names)


def _differ(one: dict[str, object], other: dict[str, object]) -> frozenset[str]:
    return frozenset(
        k for k in one.keys() | other.keys() if one.get(k, _UNSET) != other.get(k, _UNSET)
    )


_UNSET = object()


def simplify(alternatives: Iterable[frozenset[Choice]]) -> When:
    """The same condition, smaller: the sets that differ only in the way one open decision
    went, and together cover every way it could go, become the set without it; a set
    that contains another goes (it adds nothing to the OR)."""
    found = set(alternatives)
    while True:
        merged: set[frozenset[Choice]] = set()
        for alternative in found:
            for choice in alternative:
                if choice.item:
                    continue
                rest = alternative - {choice}
                if rest in merged or rest in found:
                    continue
                if all(rest | {choice._replace(taken=t)} in found for t in choice.among):
                    merged.add(rest)
        if not merged:
            break
        found |= merged
        found = {a for a in found if not any(other < a for other in merged)}
    by_size = sorted(found, key=len)
    kept: list[frozenset[Choice]] = []
    for alternative in by_size:
        if not any(other <= alternative for other in kept):
            kept.append(alternative)
    return frozenset(kept)
