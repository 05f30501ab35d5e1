"""Document models: the shape of a manifest and of a stage file.

A YAML tree from ``_yaml`` is turned into plain data and validated here
against frozen pydantic models, in pydantic's strict JSON mode so nothing is
coerced (a ``version: 1.0`` is a number, not the text "1.0"). Every pydantic
error becomes a located SPX2xx diagnostic, and each node of a stage file is
validated on its own so that one broken node does not hide the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic import model_validator as _model_validator

from spinedx._compiled import END, Urgency
from spinedx._diagnostics import (
    SUGGESTION,
    Diagnostic,
    describe_value,
    diagnostic,
    is_web_address,
)
from spinedx._documents.located import Spans, document_error
from spinedx._documents.yaml_tree import YNode, to_plain

NODE_ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,99}$"
FACT_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,99}$"
REC_ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,99}$"
NodeId = Annotated[str, StringConstraints(pattern=NODE_ID_PATTERN)]
FactName = Annotated[str, StringConstraints(pattern=FACT_PATTERN)]
RecId = Annotated[str, StringConstraints(pattern=REC_ID_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
# No length limit here: the condition parser has its own (SPX409), and one limit
# must not be reported as two different numbers.
ConditionText = Annotated[str, StringConstraints(min_length=1)]
FileName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.ya?ml$")]


class DocumentModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


# ---------------------------------------------------------------- manifest


class SourceDoc(DocumentModel):
    """A document a recommendation may cite."""

    title: Text
    year: Annotated[int, Field(ge=1800, le=2200)] | None = None
    url: Text | None = None
    publisher: Text | None = None
    note: Text | None = None


class FactDoc(DocumentModel):
    """A conclusion one stage may draw for later stages."""

    type: Literal["bool", "enum", "number", "integer", "text", "date"]
    values: list[Text] | None = None
    description: Text | None = None

    @_model_validator(mode="after")
    def _values_match_type(self) -> FactDoc:
        if self.type == "enum" and not self.values:
            raise ValueError("an enum fact needs a non-empty list of 'values'")
        if self.type != "enum" and self.values is not None:
            raise ValueError(f"'values' only applies to enum facts, not to a {self.type} fact")
        if self.values is not None and len(set(self.values)) != len(self.values):
            raise ValueError("the 'values' of an enum fact must not repeat")
        return self


class StageEntry(DocumentModel):
    """One stage in the manifest's ordered list."""

    id: NodeId
    file: FileName | None = None
    title: Text | None = None
    data: list[NodeId] | None = None


class ManifestDoc(DocumentModel):
    """The pathway manifest (``pathway.yaml``)."""

    id: RecId
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$")]
    title: Text
    description: Text | None = None
    record: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$")] | None = (
        None
    )
    stages: Annotated[list[StageEntry], Field(min_length=1)]
    facts: dict[FactName, FactDoc] = Field(default_factory=dict)
    sources: dict[RecId, SourceDoc] = Field(default_factory=dict)

    def stage_file(self, entry: StageEntry) -> str:
        """The file name of a stage: its ``file`` key, or the stage id with ``.yaml``."""
        return entry.file or f"{entry.id}.yaml"


# -------------------------------------------------------------- stage file


class CitationDoc(DocumentModel):
    """A citation: a declared source id and, where useful, the section or table."""

    id: RecId
    section: Text | None = None


class CodeDoc(DocumentModel):
    """A terminology code for a recommended action."""

    system: Literal["snomed-ct", "loinc", "icd-10", "icd-11", "opcs-4", "cpt", "other"]
    code: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    display: Text | None = None


class BranchDoc(DocumentModel):
    """One branch of a decision: when the condition holds, go to ``then``."""

    when: ConditionText
    then: NodeId


class DecideDoc(DocumentModel):
    """Ordered branches; the first that holds wins."""

    decide: Text
    branches: Annotated[list[BranchDoc], Field(min_length=1)]
    otherwise: NodeId | None = None
    unknown: NodeId | None = None
    note: Text | None = None


class RecommendFields(DocumentModel):
    recommend: RecId
    action: Text
    urgency: Urgency
    because: Text
    sources: Annotated[list[CitationDoc], Field(min_length=1)]
    codes: list[CodeDoc] = Field(default_factory=list)


class RecommendDoc(RecommendFields):
    """One recommended action, then the next node."""

    then: NodeId


class ConcludeDoc(DocumentModel):
    """Set a declared fact, with the reason, then the next node."""

    conclude: FactName
    value: object
    because: Text
    then: NodeId

    @_model_validator(mode="after")
    def _value_is_scalar(self) -> ConcludeDoc:
        if self.value is None or isinstance(self.value, list | dict):
            raise ValueError("'value' must be true, false, a number or a text")
        return self


class ChecklistItemDoc(RecommendFields):
    """A checklist item: fires its recommendation when its condition holds."""

    when: ConditionText


class ChecklistDoc(DocumentModel):
    """Independent items: every one whose condition holds fires."""

    checklist: Text
    items: Annotated[list[ChecklistItemDoc], Field(min_length=1)]
    then: NodeId


class EndDoc(DocumentModel):
    """The end of a stage's walk, with an optional closing note."""

    end: Text | None = None


NodeDoc = DecideDoc | RecommendDoc | ConcludeDoc | ChecklistDoc | EndDoc
NODE_KINDS: dict[str, type[NodeDoc]] = {
    "decide": DecideDoc,
    "recommend": RecommendDoc,
    "conclude": ConcludeDoc,
    "checklist": ChecklistDoc,
    "end": EndDoc,
}


class StageHeader(DocumentModel):
    """The stage file around its nodes."""

    stage: NodeId
    title: Text | None = None
    start: NodeId
    nodes: Annotated[dict[str, object], Field(min_length=1)]


# -------------------------------------------------------------- validation

_M = TypeVar("_M", bound=DocumentModel)


def validate_manifest(tree: YNode, file: str) -> tuple[ManifestDoc | None, list[Diagnostic]]:
    """Validate a manifest tree; string stage entries are shorthand for ``{id: ...}``."""
    data = to_plain(tree)
    if isinstance(data, dict) and isinstance(data.get("stages"), list):
        data["stages"] = [{"id": s} if isinstance(s, str) else s for s in data["stages"]]
    spans = Spans(tree, file)
    manifest, diagnostics = validate_document(ManifestDoc, data, spans, ())
    return manifest, diagnostics + list(_non_web_urls(data, spans))


def _non_web_urls(data: object, spans: Spans) -> Iterator[Diagnostic]:
    """Source URLs that are not http(s) web addresses: they become links people click."""
    sources = data.get("sources") if isinstance(data, dict) else None
    for source_id, source in sources.items() if isinstance(sources, dict) else ():
        url = source.get("url") if isinstance(source, dict) else None
        if isinstance(url, str) and url and not is_web_address(url):
            path = ("sources", source_id, "url")
            yield diagnostic(
                "SPX209",
                f"the url of source '{source_id}' must be a web address starting with "
                f"http:// or https://, not {describe_value(url)}",
                spans.value(path),
                path=path,
                hint="write the whole address, starting with https:// (a space as %20), "
                "or leave 'url' out",
            )


def validate_stage(
    tree: YNode, file: str
) -> tuple[StageHeader | None, dict[str, NodeDoc], list[Diagnostic]]:
    """Validate a stage file: its header, then every node on its own."""
    data = to_plain(tree)
    spans = Spans(tree, file)
    header, diagnostics = validate_document(StageHeader, data, spans, ())
    nodes: dict[str, NodeDoc] = {}
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), dict):
        return header, nodes, diagnostics
    for node_id, raw in data["nodes"].items():
        path = ("nodes", node_id)
        if node_id == END:
            diagnostics.append(
                diagnostic(
                    "SPX204",
                    f"'{END}' is reserved for the end of a walk and cannot name a node",
                    spans.key(path),
                    path=path,
                    hint="rename the node, e.g. 'finish'",
                )
            )
            continue
        if not re.fullmatch(NODE_ID_PATTERN, node_id):
            diagnostics.append(
                diagnostic(
                    "SPX204",
                    f"node id {node_id!r} must start with a letter and hold only letters, "
                    "digits, '_' and '-'",
                    spans.key(path),
                    path=path,
                    hint="for example 'no_imaging'",
                )
            )
            continue
        kind = _node_kind(raw, path, spans, diagnostics)
        if kind is None:
            continue
        node, problems = validate_document(NODE_KINDS[kind], _normalise_node(raw), spans, path)
        diagnostics.extend(problems)
        if node is not None:
            nodes[node_id] = node
    return header, nodes, diagnostics


def _node_kind(
    raw: object,
    path: tuple[str, ...],
    spans: Spans,
    out: list[Diagnostic],
) -> str | None:
    if not isinstance(raw, dict):
        out.append(
            diagnostic(
                "SPX201",
                f"node '{path[-1]}' must be a mapping with one of the keys "
                + ", ".join(NODE_KINDS),
                spans.value(path),
                path=path,
            )
        )
        return None
    kinds: list[str] = [key for key in raw if key in NODE_KINDS]
    if len(kinds) == 1:
        return kinds[0]
    found = "none of them" if not kinds else "several: " + ", ".join(kinds)
    out.append(
        diagnostic(
            "SPX205",
            f"node '{path[-1]}' must have exactly one of the keys {', '.join(NODE_KINDS)}; "
            f"it has {found}",
            spans.key(path),
            path=path,
            hint="split a node that does two things into two nodes linked by 'then'"
            if kinds
            else "say what the node does with one of those keys",
        )
    )
    return None


def _normalise_node(raw: dict[str, object]) -> dict[str, object]:
    """Accept a bare source id where a citation mapping is expected."""
    node = dict(raw)
    node["sources"] = _normalise_sources(node.get("sources"))
    if node["sources"] is None:
        del node["sources"]
    items = node.get("items")
    if isinstance(items, list):
        node["items"] = [
            {**item, "sources": _normalise_sources(item.get("sources"))}
            if isinstance(item, dict) and "sources" in item
            else item
            for item in items
        ]
    return node


def _normalise_sources(value: object) -> object:
    if isinstance(value, list):
        return [{"id": item} if isinstance(item, str) else item for item in value]
    return value


def validate_document(
    model: type[_M],
    data: object,
    spans: Spans,
    prefix: tuple[str | int, ...],
) -> tuple[_M | None, list[Diagnostic]]:
    if not isinstance(data, dict):
        return None, [
            diagnostic(
                "SPX201",
                f"expected a mapping of keys to values, found {describe_value(data)}",
                spans.value(prefix),
                path=prefix,
            )
        ]
    try:
        return model.model_validate_json(json.dumps(data), strict=True), []
    except ValidationError as error:
        found = [
            document_error(err, prefix, spans, model) for err in error.errors(include_url=False)
        ]
        return None, _without_typo_echoes(found)


def _without_typo_echoes(found: list[Diagnostic]) -> list[Diagnostic]:
    """Drop "'because' is missing" when the same mapping has the typo 'becuase':
    the unknown-key diagnostic already says "did you mean 'because'?"."""
    suggested = {
        (d.path[:-1], d.context[SUGGESTION])
        for d in found
        if d.code == "SPX202" and SUGGESTION in d.context
    }
    return [d for d in found if not (d.code == "SPX203" and (d.path[:-1], d.path[-1]) in suggested)]
