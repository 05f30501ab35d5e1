"""Building compiled stages from validated documents.

Conditions are compiled here against the record schema and the declared
facts; every problem they have is mapped from its offset inside the condition
text to the file, line and column of that character. Citations are resolved
against the manifest's sources; concluded values are checked by the registered
stage checks (``document_checks``), which read the spans kept here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from spinedx._compiled import (
    Branch,
    Checklist,
    ChecklistItem,
    Citation,
    Conclude,
    Decide,
    End,
    Recommend,
    RecSpec,
    Stage,
    Step,
    TermCode,
)
from spinedx._conditions import (
    Condition,
    RecordSchema,
    SchemaType,
    compile_condition,
)
from spinedx._diagnostics import Diagnostic, PathPart, diagnostic, suggest
from spinedx._documents import (
    ChecklistDoc,
    ConcludeDoc,
    DecideDoc,
    EndDoc,
    ManifestDoc,
    NodeDoc,
    RecommendDoc,
    RecommendFields,
    Spans,
    StageHeader,
    YMap,
    YNode,
    YScalar,
    YSeq,
)


@dataclass(frozen=True)
class StageSource:
    """A validated stage file, ready to compile."""

    file: str
    tree: YNode
    header: StageHeader
    nodes: Mapping[str, NodeDoc]
    owns: frozenset[str]


class StageBuilder:
    """Compiles the stages of one pathway against one record schema."""

    def __init__(
        self,
        manifest: ManifestDoc,
        schema: RecordSchema,
        facts: Mapping[str, SchemaType],
    ) -> None:
        self.manifest = manifest
        self.schema = schema
        self.facts = facts
        self.diagnostics: list[Diagnostic] = []

    def build(self, source: StageSource) -> Stage:
        """Compile one stage; problems are added to ``self.diagnostics``."""
        spans = Spans(source.tree, source.file)
        steps: dict[str, Step] = {}
        for node_id, doc in source.nodes.items():
            path: tuple[PathPart, ...] = ("nodes", node_id)
            step = self._step(node_id, doc, source, spans, path)
            if step is not None:
                steps[node_id] = step
        return Stage(
            id=source.header.stage,
            title=source.header.title,
            file=source.file,
            start=source.header.start,
            steps=steps,
            owns=source.owns,
            span=spans.value(("start",)),
        )

    def _step(
        self,
        node_id: str,
        doc: NodeDoc,
        source: StageSource,
        spans: Spans,
        path: tuple[PathPart, ...],
    ) -> Step | None:
        span = spans.key(path)
        stage = source.header.stage
        match doc:
            case DecideDoc():
                branches: list[Branch] = []
                for i, branch in enumerate(doc.branches):
                    where = (*path, "branches", i)
                    condition, written = self._condition(
                        branch.when, source.tree, spans, (*where, "when")
                    )
                    target_span = spans.value((*where, "then"))
                    cond_span = spans.value((*where, "when"))
                    branches.append(Branch(condition, branch.then, cond_span, target_span, written))
                return Decide(
                    id=node_id,
                    question=doc.decide,
                    branches=tuple(branches),
                    otherwise=doc.otherwise,
                    unknown=doc.unknown,
                    span=span,
                    otherwise_span=spans.value((*path, "otherwise")) if doc.otherwise else None,
                    unknown_span=spans.value((*path, "unknown")) if doc.unknown else None,
                )
            case RecommendDoc():
                rec = self._rec(doc, stage, node_id, spans, path)
                return Recommend(node_id, rec, doc.then, span, spans.value((*path, "then")))
            case ConcludeDoc():
                return Conclude(
                    node_id, doc.conclude, doc.value, doc.because, doc.then, span,
                    spans.value((*path, "then")), spans.value((*path, "conclude")),
                    spans.value((*path, "value")),
                )  # fmt: skip
            case ChecklistDoc():
                items: list[ChecklistItem] = []
                for i, item in enumerate(doc.items):
                    where = (*path, "items", i)
                    condition, written = self._condition(
                        item.when, source.tree, spans, (*where, "when")
                    )
                    rec = self._rec(item, stage, node_id, spans, where)
                    when = spans.value((*where, "when"))
                    items.append(ChecklistItem(condition, rec, when, written))
                return Checklist(
                    node_id, doc.checklist, tuple(items), doc.then, span,
                    spans.value((*path, "then")),
                )  # fmt: skip
            case EndDoc():
                return End(node_id, doc.end, span)

    def _condition(
        self, text: str, tree: YNode, spans: Spans, path: tuple[PathPart, ...]
    ) -> tuple[Condition, YScalar | None]:
        """The compiled condition and its text as written, which maps a character of it
        to its place in the file (for this compile's problems and the graph checks').

        A broken condition is reported and stood in for, so that the graph checks
        still run over the whole stage and report their problems too (the pathway
        will not load either way)."""
        condition, problems = compile_condition(text, self.schema, self.facts)
        found = node_at(tree, path)
        scalar = found if isinstance(found, YScalar) else None
        for problem in problems:
            if scalar is not None:
                where = scalar.offset_span(problem.offset, problem.length)
            else:
                where = spans.value(path)
            self.diagnostics.append(
                diagnostic(problem.code, problem.message, where, path=path, hint=problem.hint)
            )
        return (condition if condition is not None else self._stand_in()), scalar

    def _stand_in(self) -> Condition:
        condition, _ = compile_condition("false", self.schema, {})
        if condition is None:  # pragma: no cover - "false" always compiles
            raise RuntimeError("the condition language cannot compile 'false'")
        return condition

    def _rec(
        self,
        doc: RecommendFields,
        stage: str,
        node_id: str,
        spans: Spans,
        path: tuple[PathPart, ...],
    ) -> RecSpec:
        citations: list[Citation] = []
        for i, ref in enumerate(doc.sources):
            source = self.manifest.sources.get(ref.id)
            if source is None:
                self.diagnostics.append(_unknown_source(ref.id, self.manifest, spans, path, i))
                continue
            citations.append(Citation(ref.id, source.title, source.year, source.url, ref.section))
        return RecSpec(
            id=doc.recommend,
            stage=stage,
            node=node_id,
            action=doc.action,
            urgency=doc.urgency,
            because=doc.because,
            citations=tuple(citations),
            codes=tuple(TermCode(c.system, c.code, c.display) for c in doc.codes),
            span=spans.value((*path, "recommend")),
        )


def _unknown_source(
    ref: str, manifest: ManifestDoc, spans: Spans, path: tuple[PathPart, ...], index: int
) -> Diagnostic:
    where = (*path, "sources", index)
    near = suggest(ref, sorted(manifest.sources), otherwise="declare it under 'sources:'")
    return diagnostic(
        "SPX307",
        f"source '{ref}' is not declared in the manifest",
        spans.value(where),
        path=where,
        hint=near.hint,
        suggestion=near.value,
    )


def node_at(tree: YNode, path: Sequence[PathPart]) -> YNode | None:
    """The YAML node at ``path``, or None when the path does not exist."""
    node: YNode | None = tree
    for part in path:
        if isinstance(node, YMap) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, YSeq) and isinstance(part, int) and 0 <= part < len(node.items):
            node = node.items[part]
        else:
            return None
    return node
