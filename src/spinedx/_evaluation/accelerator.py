"""Generated functions for the fast path, built from the checked trees, never from text.

Closures cost a Python frame per node of a condition and per node of the
walk; hand-written ``if``/``elif`` costs none. For records whose values are
known, this module closes most of that gap: each stage becomes a few plain
functions whose ``if`` tests are the conditions themselves, assembled as a
Python ``ast`` from spinedx's own condition tree (``_tree``) and the compiled
steps, then compiled to code objects and made into functions with
``types.FunctionType``.

Why this is safe: nothing here parses or evaluates text. Field names are the
schema-checked names of the tree (never dunder: the whitelist refuses them),
they become attribute *names* in the tree, and every value is an
``ast.Constant`` or an object bound by name. The functions run with empty
builtins.

Three-valued logic is kept by not deciding on unknowns here at all: every
value read is checked, and an unknown one (a ``None`` value, a ``None`` on the
way along a path, a fact not set) raises ``Fallback``; ``run_known`` then
answers ``None`` and the caller walks the record with the interpreter
(``interpreter.interpret``), which settles unknowns exactly. With every value
read known, ``semantics``'s Kleene rules are two-valued logic, so Python's
``and``/``or``/``not`` with short-circuiting and its comparisons against
constants *are* those rules here. Shapes with no inline form (quantifiers,
dates, enums, arithmetic, functions, ``at_least``...) call that node's compiled
closure, which calls ``semantics``, and check its result the same way.
``tests/evaluation/test_differential.py`` proves the two paths agree and that
this one answers for most complete records.

Join nodes (reached from two places or more) start a function of their own,
unless they are a short run of recommendations and conclusions, which is
copied into each place instead; so is any node past a nesting limit.
"""

from __future__ import annotations

import ast
import itertools
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from pydantic import BaseModel

from spinedx._compiled import END, Checklist, Conclude, Decide, End, Recommend, Stage, Step
from spinedx._conditions import (
    BoolOp,
    Compare,
    Condition,
    Expr,
    FactRef,
    Literal,
    Not,
    Path,
    Types,
    compile_expr,
    literal_value,
    normaliser,
)

StageFunction = Callable[[Any, dict[str, object], list[str]], int]
"""``fn(record, facts, fired)``: runs part of a stage; returns the position of the
next part (of this stage or, at its end, of the next stage's start), or -1."""

Generated = tuple[tuple[StageFunction, ...], int]
"""The functions of every stage, and the position of the first to run (-1: none)."""

_MAX_DEPTH = 60
"""Nodes nested deeper than this start a function of their own (Python's compiler
recurses on nested blocks)."""

_MAX_COPIED_RUN = 4
"""A join that is a run of at most this many recommend/conclude steps is copied."""

_PLAIN = (str, int, float, bool)
_OPS: Mapping[str, type[ast.cmpop]] = {
    "==": ast.Eq,
    "!=": ast.NotEq,
    "<": ast.Lt,
    "<=": ast.LtE,
    ">": ast.Gt,
    ">=": ast.GtE,
    "in": ast.In,
    "not in": ast.NotIn,
}
_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class Fallback(Exception):  # noqa: N818  (a signal, not an error)
    """A value the generated code needs is unknown: walk this record on the closures."""


def _unknown() -> NoReturn:
    raise Fallback


def run_known(generated: Generated, record: BaseModel) -> list[str] | None:
    """The ids of the recommendations ``record`` reaches, by the generated functions,
    or ``None`` when they read an unknown value (the caller then interprets)."""
    functions, position = generated
    facts: dict[str, object] = {}
    fired: list[str] = []
    try:
        while position >= 0:  # the parts of validated stages form a DAG: this ends
            position = functions[position](record, facts, fired)
    except (Fallback, AttributeError, KeyError):  # an unknown value, path or fact
        return None
    return fired


def generate(stages: Sequence[Stage]) -> Generated:
    """The generated functions of every stage, in one table: each stage's end leads
    to the next stage's start, so one loop runs the whole pathway."""
    module = _Module()
    plans: list[_StagePlan] = []
    for stage in stages:
        plans.append(_StagePlan(stage, module, sum(len(plan.names) for plan in plans)))
    following = -1
    for plan in reversed(plans):
        for exit_ in plan.exits:
            exit_.value = following
        if plan.start >= 0:
            following = plan.start
    functions = module.compile()
    return tuple(functions[name] for plan in plans for name in plan.names), following


class _Module:
    """The functions of all stages, compiled together, and the names they share."""

    def __init__(self) -> None:
        self.names: dict[str, object] = {"__builtins__": {}, "_unknown": _unknown}
        self.defs: list[ast.FunctionDef] = []
        self._counter = itertools.count()

    def bind(self, value: object) -> ast.Name:
        name = f"_k{next(self._counter)}"
        self.names[name] = value
        return _load(name)

    def temp(self) -> str:
        return f"_v{next(self._counter)}"

    def add(self, body: list[ast.stmt]) -> str:
        name = f"_f{len(self.defs)}"
        args = ast.arguments(
            posonlyargs=[],
            args=[ast.arg("r"), ast.arg("f"), ast.arg("fired")],
            kwonlyargs=[],
            kw_defaults=[],
            defaults=[],
        )
        self.defs.append(ast.FunctionDef(name=name, args=args, body=body, decorator_list=[]))
        return name

    def compile(self) -> dict[str, StageFunction]:
        tree = ast.fix_missing_locations(ast.Module(body=list(self.defs), type_ignores=[]))
        code = compile(tree, "<spinedx generated>", "exec")
        found: dict[str, StageFunction] = {}
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                found[const.co_name] = types.FunctionType(const, self.names)
        return found


class _StagePlan:
    """One stage as functions: one per root (the start, each join not copied)."""

    def __init__(self, stage: Stage, module: _Module, offset: int) -> None:
        self.stage = stage
        self.module = module
        self.offset = offset
        self.roots: dict[str, int] = {}
        self.names: list[str] = []
        self.exits: list[ast.Constant] = []  # set to the next stage's start by generate()
        preds = _predecessor_counts(stage)
        self.joins = {
            node for node, count in preds.items() if count > 1 and not self._copyable(node)
        }
        pending: list[str] = []
        self.start = self._root(stage.start, pending) if stage.start in stage.steps else -1
        while pending:
            node = pending.pop()
            self.cond = _Conditions(module)
            body = self._emit(node, 0, pending)
            self.names[self.roots[node] - offset] = module.add([*self.cond.preamble(), *body])

    def _root(self, node: str, pending: list[str]) -> int:
        if node not in self.roots:
            self.roots[node] = self.offset + len(self.names)
            self.names.append("")
            pending.append(node)
        return self.roots[node]

    def _exit(self) -> list[ast.stmt]:
        """The end of this stage's walk (an end, or no ``otherwise``)."""
        position = ast.Constant(-1)
        self.exits.append(position)
        return [ast.Return(position)]

    def _copyable(self, node: str) -> bool:
        for _ in range(_MAX_COPIED_RUN):
            step = self.stage.steps.get(node)
            if not isinstance(step, Recommend | Conclude):
                return node == END or isinstance(step, End)
            node = step.then
        return False

    def _edge(self, target: str | None, depth: int, pending: list[str]) -> list[ast.stmt]:
        if target is None or target == END:
            return self._exit()
        if target in self.joins or depth > _MAX_DEPTH:
            return [ast.Return(ast.Constant(self._root(target, pending)))]
        return self._emit(target, depth, pending)

    def _emit(self, node: str, depth: int, pending: list[str]) -> list[ast.stmt]:
        step: Step = self.stage.steps[node]
        cond = self.cond
        if isinstance(step, Decide):
            tree: list[ast.stmt] = self._edge(step.otherwise, depth + 1, pending)
            for branch in reversed(step.branches):
                body = self._edge(branch.target, depth + 1, pending)
                tree = [ast.If(cond.test(branch.condition), body, tree)]
            return tree
        if isinstance(step, Recommend):
            return [_fire(step.rec.id), *self._edge(step.then, depth + 1, pending)]
        if isinstance(step, Conclude):
            value = (
                ast.Constant(step.value)
                if isinstance(step.value, _PLAIN)
                else self.module.bind(step.value)
            )
            target = ast.Subscript(_load("f"), ast.Constant(step.fact), ast.Store())
            return [ast.Assign([target], value), *self._edge(step.then, depth + 1, pending)]
        if isinstance(step, Checklist):
            items: list[ast.stmt] = [
                ast.If(cond.test(item.condition), [_fire(item.rec.id)], []) for item in step.items
            ]
            return [*items, *self._edge(step.then, depth + 1, pending)]
        return self._exit()


def _predecessor_counts(stage: Stage) -> dict[str, int]:
    counts: dict[str, int] = {}
    for step in stage.steps.values():
        for target in _targets(step):
            counts[target] = counts.get(target, 0) + 1
    return counts


def _targets(step: Step) -> list[str]:
    if isinstance(step, Decide):
        found = [b.target for b in step.branches]
        return found + [t for t in (step.otherwise, step.unknown) if t is not None]
    if isinstance(step, Recommend | Conclude | Checklist):
        return [step.then]
    return []


def _fire(rec_id: str) -> ast.stmt:
    append = ast.Attribute(_load("fired"), "append", ast.Load())
    return ast.Expr(ast.Call(append, [ast.Constant(rec_id)], []))


def _load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


class _Conditions:
    """Python expressions for the conditions of one function: true or false, or
    ``_unknown()`` raises.

    Each record section the function reads (``r.history``) is read once, into a
    local, at the top of the function, as hand-written code would.
    """

    def __init__(self, module: _Module) -> None:
        self.module = module
        self.types: Types = {}
        self.sections: dict[str, str] = {}

    def preamble(self) -> list[ast.stmt]:
        return [
            ast.Assign([ast.Name(local, ast.Store())], ast.Attribute(_load("r"), name, ast.Load()))
            for name, local in self.sections.items()
        ]

    def test(self, condition: Condition) -> ast.expr:
        self.types = condition.types
        return self.expr(condition.tree)

    def expr(self, node: Expr) -> ast.expr:
        if isinstance(node, BoolOp):
            op = ast.And() if node.op == "and" else ast.Or()
            return ast.BoolOp(op, [self.expr(operand) for operand in node.operands])
        if isinstance(node, Not):
            return ast.UnaryOp(ast.Not(), self.expr(node.operand))
        if isinstance(node, Path | FactRef) and self._plain(node):
            return self._known(self._read(node), None)
        if isinstance(node, Compare) and len(node.ops) == 1:
            found = self._compare(node)
            if found is not None:
                return found
        return self._known(self._closure(node), None)

    def _compare(self, node: Compare) -> ast.expr | None:
        op: str = node.ops[0]
        left, right = node.left, node.comparators[0]
        if isinstance(left, Literal) and op in _FLIPPED:
            op, left, right = _FLIPPED[op], right, left
        if not isinstance(left, Path | FactRef) or not self._plain(left):
            return None
        if not isinstance(right, Literal):
            return None
        value = literal_value(right, self.types)
        if op in ("in", "not in"):
            if not all(isinstance(item, _PLAIN) for item in value):
                return None
            constant: Any = frozenset(value)  # a constant to the compiler, not to typeshed
        elif isinstance(value, _PLAIN):
            constant = value
        else:
            return None
        return self._known(self._read(left), (_OPS[op](), ast.Constant(constant)))

    def _plain(self, node: Path | FactRef) -> bool:
        """Whether the value compares as it is read (no date or Enum conversion)."""
        return normaliser(self.types.get(id(node))) is None

    def _read(self, node: Path | FactRef) -> ast.expr:
        if isinstance(node, FactRef):
            return ast.Subscript(_load("f"), ast.Constant(node.name), ast.Load())
        first, *rest = node.parts
        local = self.sections.setdefault(first, f"_r_{first}")
        read: ast.expr = _load(local)
        for part in rest:
            read = ast.Attribute(read, part, ast.Load())
        return read

    def _closure(self, node: Expr) -> ast.expr:
        function = self.module.bind(compile_expr(node, self.types, safe=False))
        return ast.Call(function, [_load("r"), _load("f"), ast.Tuple([], ast.Load())], [])

    def _known(self, read: ast.expr, test: tuple[ast.cmpop, ast.expr] | None) -> ast.expr:
        """``(v <op> c) if (v := read) is not None else _unknown()``; ``v`` without a test."""
        name = self.module.temp()
        value: ast.expr = _load(name)
        if test is not None:
            value = ast.Compare(value, [test[0]], [test[1]])
        walrus = ast.NamedExpr(ast.Name(name, ast.Store()), read)
        known = ast.Compare(walrus, [ast.IsNot()], [ast.Constant(None)])
        return ast.IfExp(known, value, ast.Call(_load("_unknown"), [], []))
