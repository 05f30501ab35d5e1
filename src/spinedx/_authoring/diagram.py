"""A pathway as a diagram: nodes, edges and stages, independent of any drawing format.

``build_diagram`` reads the compiled stages (for the question, action and
condition texts) and the frozen stage graphs (for which edges exist), and,
given an :class:`Evaluation`, marks the nodes one patient visited, the edges
the walk actually took and the recommendations it reached. When data is
missing the walk follows every branch still possible, so some of it is
*conditional*: a node or edge on some of the possible paths but not on all of
them, and a recommendation given only for some values of the missing data,
is marked ``conditional``; the rest is the definite path. The emitters in
``_render`` turn the result into Mermaid or Graphviz DOT; they only escape and
lay out text, they never decide what a node means.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from spinedx._authoring.diagram_marks import Marks, Uncertain
from spinedx._compiled import (
    END,
    Checklist,
    Conclude,
    Decide,
    End,
    Recommend,
    Stage,
    Step,
    Urgency,
)
from spinedx._evaluation import Evaluation
from spinedx._pathway import Pathway

NodeKind = Literal["decision", "recommendation", "conclusion", "checklist", "end", "sink"]
EdgeKind = Literal["branch", "otherwise", "unknown", "then", "next-stage"]

CONDITIONAL_MARK = "◐"
"""Beside a recommendation given only for some values of the missing data (✓: definitely)."""
EDGE_MAX = 52
"""Edge labels (conditions) longer than this are abbreviated with '…'; the full
text stays in the DOT tooltip."""
ACTION_MAX = 160


@dataclass(frozen=True, slots=True)
class DiagramNode:
    """One drawn node. ``key`` is unique in the whole diagram (``n0``, ``n1``...).

    ``lines`` are logical lines (a question, an urgency and an action, one line
    per checklist item); each format wraps them its own way.
    """

    key: str
    stage: str
    node: str
    kind: NodeKind
    lines: tuple[str, ...]
    tooltip: str
    urgency: Urgency | None = None
    visited: bool = False
    reached: bool = False
    stopped: bool = False
    conditional: bool = False
    """Visited (or reached) on some of the possible paths only: the missing data decides."""


@dataclass(frozen=True, slots=True)
class DiagramEdge:
    """One drawn edge between two node keys.

    ``index`` is a branch's 1-based place in its decision (the order the walk
    tries them); ``minlen`` asks the layout for at least that many ranks
    between the two ends (the HTML page staggers a wide fan-out with it).
    """

    source: str
    target: str
    kind: EdgeKind
    lines: tuple[str, ...]
    tooltip: str
    taken: bool = False
    index: int | None = None
    minlen: int = 1
    conditional: bool = False
    """Taken on some of the possible paths only: the missing data decides."""


@dataclass(frozen=True, slots=True)
class DiagramStage:
    """One stage: its nodes in file order, its edges, and where it starts and ends.

    ``file`` is the stage file's name, without its folder.
    """

    id: str
    number: int
    title: str
    file: str
    nodes: tuple[DiagramNode, ...]
    edges: tuple[DiagramEdge, ...]
    start: str
    exit: str

    @property
    def heading(self) -> str:
        """'2. Physical examination'."""
        return f"{self.number}. {self.title}"


@dataclass(frozen=True, slots=True)
class Diagram:
    """The whole pathway, stages in manifest order, chained by ``next-stage`` edges."""

    id: str
    version: str
    title: str
    digest: str
    stages: tuple[DiagramStage, ...]
    chain: tuple[DiagramEdge, ...]
    evaluation: Evaluation | None = None

    @property
    def highlighted(self) -> bool:
        """Whether a patient's path is marked."""
        return self.evaluation is not None


def build_diagram(pathway: Pathway, evaluation: Evaluation | None = None) -> Diagram:
    """The diagram of a pathway, with one patient's walk marked when ``evaluation`` is given."""
    walk = Marks.of(evaluation)
    keys = _Keys()
    stages: list[DiagramStage] = []
    for number, stage in enumerate(pathway.stages, 1):
        stages.append(_stage(pathway, stage, number, keys, walk))
    chain = tuple(
        DiagramEdge(
            source=before.exit,
            target=after.start,
            kind="next-stage",
            lines=("next stage",),
            tooltip=f"after {before.id}: {after.id}",
            taken=walk.visited_stage(after.id),
        )
        for before, after in itertools.pairwise(stages)
    )
    return Diagram(
        id=pathway.id,
        version=pathway.version,
        title=pathway.title,
        digest=pathway.digest,
        stages=tuple(stages),
        chain=chain,
        evaluation=evaluation,
    )


def abbreviate(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at a word with '…' where too long.

    Example:
        >>> abbreviate("history.age >= 50 and (history.night_pain or history.weight_loss)", 30)
        'history.age >= 50 and …'
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 3 else cut).rstrip() + " …"


# ----------------------------------------------------------------- helpers


class _Keys:
    """Diagram keys by (stage, node): drawing formats reserve words such as 'end'."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str], str] = {}

    def __call__(self, stage: str, node: str) -> str:
        return self._keys.setdefault((stage, node), f"n{len(self._keys)}")


def _stage(pathway: Pathway, stage: Stage, number: int, keys: _Keys, marks: Marks) -> DiagramStage:
    graph = pathway.graphs[stage.id]
    maybe = Uncertain.of(stage, marks.walked(stage.id), marks.ways(stage.id))
    nodes = [
        _node(stage, step_id, step, keys, marks, conditional=step_id in maybe.nodes)
        for step_id, step in stage.steps.items()
    ]
    edges: list[DiagramEdge] = []
    for step_id, step in stage.steps.items():
        for label, target, _ in step.edges():
            if not graph.has_edge(step_id, target):
                continue  # a loaded pathway has every edge; this guards a hand-built one
            edge = _edge(stage, step_id, step, target=target, label=label, keys=keys, marks=marks)
            if (step_id, label) in maybe.edges:
                edge = dataclasses.replace(edge, conditional=True)
            edges.append(edge)
    end_key = keys(stage.id, END)
    if any(edge.target == end_key for edge in edges):
        into_end = any(edge.taken for edge in edges if edge.target == end_key)
        nodes.append(
            DiagramNode(
                key=end_key,
                stage=stage.id,
                node=END,
                kind="sink",
                lines=("end",),
                tooltip=f"end of stage {stage.id}",
                visited=into_end,
                conditional=into_end and END in maybe.nodes,
            )
        )
    terminals = [n for n in nodes if n.kind in ("sink", "end")]
    entry = next((e for e in pathway.manifest.stages if e.id == stage.id), None)
    title = (
        stage.title or (entry.title if entry else None) or stage.id.replace("_", " ").capitalize()
    )
    return DiagramStage(
        id=stage.id,
        number=number,
        title=title,
        file=Path(stage.file).name,
        nodes=tuple(nodes),
        edges=tuple(edges),
        start=keys(stage.id, stage.start),
        exit=(terminals[-1] if terminals else nodes[-1]).key,
    )


def _node(
    stage: Stage, step_id: str, step: Step, keys: _Keys, marks: Marks, *, conditional: bool
) -> DiagramNode:
    key = keys(stage.id, step_id)
    visited = (stage.id, step_id) in marks.visited
    stopped = (stage.id, step_id) in marks.stopped
    match step:
        case Decide():
            lines: tuple[str, ...] = (step.question,)
            if stopped:
                lines = (*lines, "⚠ stopped: data missing")
            return DiagramNode(
                key,
                stage.id,
                step_id,
                "decision",
                lines,
                step.question,
                visited=visited,
                stopped=stopped,
                conditional=conditional,
            )
        case Recommend():
            reached = (stage.id, step_id, step.rec.id) in marks.reached
            sure = marks.sure(stage.id, step_id, step.rec.id)
            lines = (f"[{step.rec.urgency.label}]", abbreviate(step.rec.action, ACTION_MAX))
            if reached:
                lines = (
                    *lines,
                    "✓ reached" if sure else f"{CONDITIONAL_MARK} reached conditionally",
                )
            return DiagramNode(
                key,
                stage.id,
                step_id,
                "recommendation",
                lines,
                f"{step.rec.id}: {step.rec.action}",
                urgency=step.rec.urgency,
                visited=visited,
                reached=reached,
                conditional=conditional or (reached and not sure),
            )
        case Conclude():
            value = str(step.value).lower() if isinstance(step.value, bool) else str(step.value)
            lines = (f"{step.fact} = {value}",)
            return DiagramNode(
                key, stage.id, step_id, "conclusion", lines, step.because,
                visited=visited, conditional=conditional,
            )  # fmt: skip
        case Checklist():
            node = _checklist(stage, step_id, step, key=key, visited=visited, marks=marks)
            return dataclasses.replace(node, conditional=conditional or node.conditional)
        case End():
            lines = (step.note,) if step.note else ("end",)
            return DiagramNode(
                key, stage.id, step_id, "end", lines, step.note or "end",
                visited=visited, conditional=conditional,
            )  # fmt: skip


def _checklist(
    stage: Stage, step_id: str, step: Checklist, *, key: str, visited: bool, marks: Marks
) -> DiagramNode:
    lines = [step.title]
    fired = sure = 0
    for item in step.items:
        hit = (stage.id, step_id, item.rec.id) in marks.reached
        certain = hit and marks.sure(stage.id, step_id, item.rec.id)
        fired += hit
        sure += certain
        mark = "✓" if certain else CONDITIONAL_MARK if hit else "•"
        lines.append(f"{mark} {abbreviate(item.rec.action, 44)} [{item.rec.urgency.label}]")
        lines.append(f"   if {abbreviate(item.condition.text, 44)}")
    tooltip = "; ".join(f"{item.rec.id} if {item.condition.text}" for item in step.items)
    return DiagramNode(
        key,
        stage.id,
        step_id,
        "checklist",
        tuple(lines),
        tooltip,
        visited=visited,
        reached=fired > 0,
        conditional=fired > 0 and sure == 0,
    )


def _edge(
    stage: Stage, step_id: str, step: Step, *, target: str, label: str, keys: _Keys, marks: Marks
) -> DiagramEdge:
    kind: EdgeKind
    index = None
    if label.startswith("branch ") and isinstance(step, Decide):
        index = int(label.removeprefix("branch "))
        condition = step.branches[index - 1].condition.text
        kind, lines, tooltip = "branch", (abbreviate(condition, EDGE_MAX),), condition
    elif label in ("otherwise", "unknown"):
        kind = "otherwise" if label == "otherwise" else "unknown"
        lines, tooltip = (label,), label
    else:
        kind, lines, tooltip = "then", ("then",), "then"
    return DiagramEdge(
        source=keys(stage.id, step_id),
        target=keys(stage.id, target),
        kind=kind,
        lines=lines,
        tooltip=tooltip,
        taken=(stage.id, step_id, label) in marks.taken,
        index=index,
    )
