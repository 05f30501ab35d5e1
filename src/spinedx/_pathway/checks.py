"""Graph checks: small free functions over the stage graphs, each yielding diagnostics.

Each stage is a ``networkx.DiGraph`` whose nodes are step ids plus the
reserved sink ``end``; edges carry their label ("branch 1", "otherwise",
"then"...) and the span of the target as written. The checks are registered,
with the manifest and stage checks, in ``registry.CHECKS``; every check sees
the whole pathway and reports every problem it finds. All checks are linear in
the size of the graph.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from spinedx._compiled import END, Branch, ChecklistItem, Conclude, Decide, End, RecSpec, Stage
from spinedx._conditions import Expr, FactRef, Path, children
from spinedx._diagnostics import Diagnostic, Span, SuggestionBudget, diagnostic, suggest
from spinedx._pathway.context import CheckContext


def stage_graph(stage: Stage) -> nx.DiGraph[str]:
    """The stage as a directed graph; edges to missing nodes are left out."""
    graph: nx.DiGraph[str] = nx.DiGraph(stage=stage.id)
    graph.add_node(END, kind="sink")
    for step_id, step in stage.steps.items():
        graph.add_node(step_id, kind=type(step).__name__.lower())
    for step_id, step in stage.steps.items():
        for label, target, span in step.edges():
            if target == END or target in stage.steps:
                if graph.has_edge(step_id, target):
                    graph.edges[step_id, target]["label"] += f", {label}"
                else:
                    graph.add_edge(step_id, target, label=label, span=span)
    return graph


def missing_targets(ctx: CheckContext) -> Iterator[Diagnostic]:
    """SPX301: a start, branch or ``then`` names a node the stage lacks."""
    budget = SuggestionBudget()  # thousands of missing targets must not each search every node
    for stage in ctx.stages:
        names = sorted(stage.steps)
        choices = [*names, END]
        if stage.start not in stage.steps:
            near = suggest(
                stage.start, names, otherwise="add the node or correct 'start'", budget=budget
            )
            yield diagnostic(
                "SPX301",
                f"start node '{stage.start}' does not exist in stage '{stage.id}'",
                stage.span,
                hint=near.hint,
                suggestion=near.value,
            )
        for step_id, step in stage.steps.items():
            for label, target, span in step.edges():
                if target != END and target not in stage.steps:
                    near = suggest(
                        target, choices, otherwise=f"add a node '{target}'", budget=budget
                    )
                    yield diagnostic(
                        "SPX301",
                        f"{label} of node '{step_id}' goes to '{target}', which does not exist",
                        span,
                        hint=near.hint,
                        suggestion=near.value,
                    )


def cycles(ctx: CheckContext) -> Iterator[Diagnostic]:
    """SPX303: one diagnostic per cycle-containing strongly connected component."""
    for stage in ctx.stages:
        graph = ctx.graphs[stage.id]
        for component in _cyclic_components(graph):
            loop = nx.find_cycle(graph.subgraph(component))
            names = [edge[0] for edge in loop]
            first = min(names, key=lambda n: stage.steps[n].span.line)
            at = names.index(first)
            ordered = [*names[at:], *names[:at], first]
            yield diagnostic(
                "SPX303",
                "these nodes lead back to themselves: " + " → ".join(ordered),
                stage.steps[first].span,
                hint="a stage is a one-way flow; point one of these at a later node or at 'end'",
                cycle=" → ".join(ordered),
            )


def unreachable(ctx: CheckContext) -> Iterator[Diagnostic]:
    """SPX302: nodes no path from the stage's start reaches."""
    for stage in ctx.stages:
        if stage.start not in stage.steps:
            continue
        reached = _reachable(ctx.graphs[stage.id], stage.start)
        for step_id, step in stage.steps.items():
            if step_id not in reached:
                yield diagnostic(
                    "SPX302",
                    f"node '{step_id}' is unreachable from start '{stage.start}'",
                    step.span,
                    hint="link to it from a decision or a 'then', or delete it",
                )


def no_path_to_end(ctx: CheckContext) -> Iterator[Diagnostic]:
    """SPX304: nodes from which the walk can never finish (cycles are reported apart)."""
    for stage in ctx.stages:
        graph = ctx.graphs[stage.id]
        # A node whose target is missing is reported by missing_targets; count it as
        # finishing so that its predecessors are not reported a second time.
        terminals = [
            END,
            *(
                n
                for n, s in stage.steps.items()
                if isinstance(s, End)
                or any(e.target != END and e.target not in stage.steps for e in s.edges())
            ),
        ]
        finishing = _ancestors_of_many(graph, terminals)
        looping = set().union(*_cyclic_components(graph))
        for step_id, step in stage.steps.items():
            if step_id not in finishing and step_id not in looping:
                yield diagnostic(
                    "SPX304",
                    f"no path from node '{step_id}' reaches an end",
                    step.span,
                    hint="every path must finish at 'end' or at an end node",
                )


def missing_otherwise(ctx: CheckContext) -> Iterator[Diagnostic]:
    """SPX305: a decision with nowhere to go when no branch holds."""
    for stage in ctx.stages:
        for step_id, step in stage.steps.items():
            if isinstance(step, Decide) and step.otherwise is None:
                yield diagnostic(
                    "SPX305",
                    f"decision '{step_id}' has no 'otherwise': when no branch holds, "
                    "the walk has nowhere to go",
                    step.span,
                    hint="add 'otherwise: <node>' (use 'unknown: <node>' for missing data)",
                )


def facts_set_before_read(ctx: CheckContext) -> Iterator[Diagnostic]:
    """SPX306: a fact read where some path from the first stage has not set it."""
    carried: frozenset[str] = frozenset()
    for stage in ctx.stages:
        graph = ctx.graphs[stage.id]
        if stage.start not in stage.steps or _cyclic_components(graph):
            return  # the dataflow needs an acyclic stage; the cycle is reported already
        set_before = _facts_set_before(stage, graph, carried)
        for step_id, step in stage.steps.items():
            known = set_before.get(step_id)
            if known is None:
                continue
            for item in step.guards():
                for fact in item.condition.facts:
                    if fact not in known:
                        yield diagnostic(
                            "SPX306",
                            f"fact '{fact}' is read here, but some path to node '{step_id}' "
                            "does not set it",
                            _read_at(item, _fact_read(item.condition.tree, fact)),
                            hint=f"conclude '{fact}' on every path before this node "
                            "(including the 'otherwise' paths of earlier decisions)",
                        )
        carried = set_before.get(END, carried)


def later_stage_data(ctx: CheckContext) -> Iterator[Diagnostic]:
    """SPX308: a stage's condition reads record data a later stage owns."""
    owner = {section: i for i, stage in enumerate(ctx.stages) for section in stage.owns}
    for index, stage in enumerate(ctx.stages):
        for step in stage.steps.values():
            for item in step.guards():
                for section in sorted(item.condition.sections):
                    later = owner.get(section, -1)
                    if later > index:
                        yield diagnostic(
                            "SPX308",
                            f"stage '{stage.id}' reads '{section}', which belongs to the "
                            f"later stage '{ctx.stages[later].id}'",
                            _read_at(item, _section_read(item.condition.tree, section)),
                            hint="move this decision to that stage, or change the manifest's "
                            "'data:' list of the stages",
                        )


def duplicate_node_ids(ctx: CheckContext) -> Iterator[Diagnostic]:
    """SPX309: node ids are unique across the whole pathway."""
    first: dict[str, str] = {}
    for stage in ctx.stages:
        for step_id, step in stage.steps.items():
            if step_id in first:
                yield diagnostic(
                    "SPX309",
                    f"node id '{step_id}' is already used in stage '{first[step_id]}'",
                    step.span,
                    hint="node ids name places in reasons and traces; give this one its own",
                )
            else:
                first[step_id] = stage.id


def conflicting_recommendations(ctx: CheckContext) -> Iterator[Diagnostic]:
    """SPX310: one recommendation id must mean one action at one urgency."""
    seen: dict[str, RecSpec] = {}
    for stage in ctx.stages:
        for step in stage.steps.values():
            for rec in step.recs():
                earlier = seen.setdefault(rec.id, rec)
                if earlier is rec:
                    continue
                differs = [
                    name
                    for name in ("action", "urgency", "because", "citations", "codes")
                    if getattr(earlier, name) != getattr(rec, name)
                ]
                if differs:
                    yield diagnostic(
                        "SPX310",
                        f"recommendation '{rec.id}' differs in {', '.join(differs)} from its "
                        f"use at node '{earlier.node}' ({earlier.span.file}:{earlier.span.line})",
                        rec.span,
                        hint="give a different action its own recommendation id",
                    )


def unused_declarations(ctx: CheckContext) -> Iterator[Diagnostic]:
    """SPX311/SPX312: declared facts never concluded, sources never cited."""
    concluded = {
        step.fact
        for stage in ctx.stages
        for step in stage.steps.values()
        if isinstance(step, Conclude)
    }
    cited = {
        citation.id
        for stage in ctx.stages
        for step in stage.steps.values()
        for rec in step.recs()
        for citation in rec.citations
    }
    for fact in ctx.manifest.facts:
        if fact not in concluded:
            yield diagnostic(
                "SPX311",
                f"fact '{fact}' is declared but no stage concludes it",
                ctx.manifest_spans.key(("facts", fact)),
                hint="conclude it in a stage, or remove the declaration",
            )
    for source in ctx.manifest.sources:
        if source not in cited:
            yield diagnostic(
                "SPX312",
                f"source '{source}' is declared but never cited",
                ctx.manifest_spans.key(("sources", source)),
                hint="cite it from a recommendation, or remove it",
            )


# ----------------------------------------------------------------- helpers


def _cyclic_components(graph: nx.DiGraph[str]) -> list[set[str]]:
    return [
        component
        for component in nx.strongly_connected_components(graph)
        if len(component) > 1 or graph.has_edge(next(iter(component)), next(iter(component)))
    ]


def _read_at(item: Branch | ChecklistItem, read: tuple[int, int] | None) -> Span:
    """Where a condition reads a name, from the (offset, length) its parse tree keeps."""
    if read is None or item.written is None:
        return item.span
    return item.written.offset_span(*read)


def _fact_read(tree: Expr, fact: str) -> tuple[int, int] | None:
    """The first ``facts.<fact>`` in the condition's text."""
    reads = [
        (n.offset, n.length) for n in _nodes(tree) if isinstance(n, FactRef) and n.name == fact
    ]
    return min(reads, default=None)


def _section_read(tree: Expr, section: str) -> tuple[int, int] | None:
    """The first path into the record section ``section`` in the condition's text (a
    quantifier's items are read through its list, which is such a path)."""
    reads = [
        (n.part_offsets[0], len(section))
        for n in _nodes(tree)
        if isinstance(n, Path) and n.parts[0] == section
    ]
    return min(reads, default=None)


def _nodes(tree: Expr) -> Iterator[Expr]:
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(children(node))


def _reachable(graph: nx.DiGraph[str], start: str) -> set[str]:
    return {start, *nx.descendants(graph, start)}


def _ancestors_of_many(graph: nx.DiGraph[str], targets: list[str]) -> set[str]:
    found = set(targets)
    frontier = list(targets)
    while frontier:
        node = frontier.pop()
        for pred in graph.predecessors(node):
            if pred not in found:
                found.add(pred)
                frontier.append(pred)
    return found


def _facts_set_before(
    stage: Stage, graph: nx.DiGraph[str], carried: frozenset[str]
) -> dict[str, frozenset[str]]:
    """For each reachable node: the facts set on every path from the start to it."""
    before: dict[str, frozenset[str]] = {}
    after: dict[str, frozenset[str]] = {}
    # The whole graph is sorted, not a view of the reached part (a view filters every
    # step of the sort): an unreached node has no reached predecessor, so it is skipped.
    for node in nx.topological_sort(graph):
        # A walk that took an 'unknown:' edge lacks data; the facts it could not set
        # read as unknown later and the missing data is already reported, so only
        # the paths taken with the data known must set every fact they later read.
        preds = [
            p for p, edge in graph.pred[node].items() if p in after and edge["label"] != "unknown"
        ]
        if node == stage.start:
            incoming = carried
        elif preds:
            incoming = frozenset.intersection(*(after[p] for p in preds))
        else:
            continue
        before[node] = incoming
        step = stage.steps.get(node)
        after[node] = incoming | {step.fact} if isinstance(step, Conclude) else incoming
    ends = [before[n] for n, s in stage.steps.items() if isinstance(s, End) and n in before]
    if END in before:
        ends.append(before[END])
    if ends:
        before[END] = frozenset.intersection(*ends)
    return before
