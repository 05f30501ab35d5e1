"""A diagram laid out for reading on a screen and on paper: the HTML page's stages.

The plain diagram (Mermaid, DOT) draws each edge with its condition cut to
one line and every path of a stage running into one shared end. On a large
stage that makes a drawing several times wider than a screen, crossed by
long edges into the end, with conditions nobody can finish reading. For the
HTML page, :func:`for_reading` changes only the drawing, never what it says:

- a branch is numbered in the order the walk tries it ("1. …", "2. …"), so
  the first true branch can be told without the file; its condition is kept
  up to :data:`EDGE_TEXT_MAX` characters (the page lists every one in full);
- "then" edges carry no label: a node with one way out needs none;
- a decision with many ways out staggers its targets over a few ranks, so
  ten branches do not stand side by side in one row.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import networkx as nx

from spinedx._authoring.diagram import (
    Diagram,
    DiagramEdge,
    DiagramNode,
    DiagramStage,
    abbreviate,
)

EDGE_TEXT_MAX = 90
"""Characters of a branch's condition drawn on its edge; longer ones end with '…'."""
STAGGER_FROM = 4
"""A node with more ways out than this staggers its targets."""
STAGGER_RANKS = 3
"""Over how many ranks a staggered fan-out spreads."""
PART_NODES = 10
"""A stage with more nodes than this is drawn in parts (one page each when printed)."""
MIN_PART_NODES = 4
"""No part is cut smaller than this."""


def for_reading(diagram: Diagram) -> Diagram:
    """The same diagram, drawn to be read: numbered branches, one end per edge, staggered."""
    return dataclasses.replace(diagram, stages=tuple(_stage(stage) for stage in diagram.stages))


def branch_label(edge: DiagramEdge) -> str:
    """How the page names an edge: '1.', '2.' for branches, else its kind ('otherwise')."""
    return f"{edge.index}." if edge.index is not None else edge.kind


def _stage(stage: DiagramStage) -> DiagramStage:
    fan_out: dict[str, int] = defaultdict(int)
    for edge in stage.edges:
        fan_out[edge.source] += 1
    edges: list[DiagramEdge] = []
    seen: dict[str, int] = defaultdict(int)
    for edge in stage.edges:
        place = seen[edge.source]
        seen[edge.source] += 1
        staggered = fan_out[edge.source] > STAGGER_FROM
        edges.append(
            dataclasses.replace(
                edge,
                lines=_lines(edge),
                minlen=1 + place % STAGGER_RANKS if staggered else 1,
            )
        )
    return dataclasses.replace(stage, edges=tuple(edges))


def _lines(edge: DiagramEdge) -> tuple[str, ...]:
    if edge.kind == "branch":
        return (f"{branch_label(edge)} {abbreviate(edge.tooltip, EDGE_TEXT_MAX)}",)
    if edge.kind == "then":
        return ()
    return edge.lines


def parts(stage: DiagramStage) -> tuple[DiagramStage, ...]:
    """The stage in parts of at most about :data:`PART_NODES` nodes, each one a drawing.

    A stage is cut at a node every path to the rest passes through (it
    dominates the rest), so each part reads from its top; an edge to a node
    in another part ends at a small "continued" node that names it. One part
    keeps the stage's id; the next are ``<id>_part2``, ``<id>_part3``.
    """
    keys = _keys(stage)
    groups = _groups(stage, [stage.start, *(key for key in keys if key != stage.start)])
    if len(groups) == 1:
        return (stage,)
    where = {key: index for index, group in enumerate(groups) for key in group}
    return tuple(
        _part(stage, index, len(groups), group, where) for index, group in enumerate(groups)
    )


def _keys(stage: DiagramStage) -> list[str]:
    return [node.key for node in stage.nodes if node.kind != "sink"]


def _groups(stage: DiagramStage, keys: list[str]) -> list[list[str]]:
    """Node keys in parts, in drawing order; each part's first key is its top."""
    if len(keys) <= PART_NODES:
        return [keys]
    inside = set(keys)
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(keys)
    graph.add_edges_from(
        (e.source, e.target) for e in stage.edges if e.source in inside and e.target in inside
    )
    top = keys[0]
    dominators = nx.immediate_dominators(graph, top)
    below: dict[str, set[str]] = {key: {key} for key in keys}
    for key in reversed(list(nx.topological_sort(graph))):
        parent = dominators.get(key)
        if parent is not None and parent != key and key in dominators:
            below[parent] |= below[key]
    half = len(keys) / 2
    cuts = [
        key
        for key in keys[1:]
        if MIN_PART_NODES <= len(below.get(key, ())) <= len(keys) - MIN_PART_NODES
    ]
    if not cuts:
        return [keys]
    cut = min(cuts, key=lambda key: (abs(len(below[key]) - half), keys.index(key)))
    rest = [key for key in keys if key not in below[cut]]
    tail = [cut, *(key for key in keys if key in below[cut] and key != cut)]
    return _groups(stage, rest) + _groups(stage, tail)


def _part(
    stage: DiagramStage, index: int, total: int, group: list[str], where: dict[str, int]
) -> DiagramStage:
    mine = set(group)
    by_key = {node.key: node for node in stage.nodes}
    suffix = "" if index == 0 else f"_part{index + 1}"
    edges: list[DiagramEdge] = []
    outside: dict[str, DiagramNode] = {}
    for edge in stage.edges:
        if edge.source not in mine:
            continue
        target = edge.target
        if target not in mine:
            target = _outside(by_key[target], where.get(target), suffix, edge, outside)
        edges.append(dataclasses.replace(edge, target=target))
    exit_key = next((k for k, n in outside.items() if n.kind == "sink"), group[-1])
    return dataclasses.replace(
        stage,
        id=stage.id + suffix,
        title=f"{stage.title} (part {index + 1} of {total})",
        nodes=(*(by_key[key] for key in group), *outside.values()),
        edges=tuple(edges),
        start=group[0],
        exit=exit_key,
    )


def _outside(
    node: DiagramNode,
    part: int | None,
    suffix: str,
    edge: DiagramEdge,
    outside: dict[str, DiagramNode],
) -> str:
    """The key of the node drawn for an edge that leaves the part; adds it to ``outside``."""
    if part is None:  # the stage's end, drawn in each part that reaches it
        key, kind, lines = f"{node.key}{suffix}", node.kind, node.lines
    else:
        key, kind = f"{node.key}{suffix}_to", "end"
        lines = (f"→ part {part + 1}", node.lines[0] if node.lines else node.node)
    before = outside.get(key)
    outside[key] = dataclasses.replace(
        node,
        key=key,
        kind=kind,
        lines=lines,
        visited=edge.taken or (before is not None and before.visited),
        reached=False,
        stopped=False,
        urgency=None,
    )
    return key
