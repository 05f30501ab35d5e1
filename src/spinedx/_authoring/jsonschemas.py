"""JSON Schema for the files people edit, so editors can complete and check them as they type.

The schemas are generated from the same pydantic models the loader validates
with, then adjusted where the loader accepts more than the models say: a bare
id where a citation or a stage entry is expected, one node kind per node, the
reserved node name ``end``. A schema never accepts less than the loader does
(a shipped file that loads must never be underlined in an editor); it can
accept more, because the loader's checks (graph, types, references) go
beyond what JSON Schema can say. ``tests/authoring/test_jsonschemas.py`` holds both
directions to the shipped files.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from spinedx._authoring.scenario_models import Expectations
from spinedx._compiled import END
from spinedx._documents import (
    NODE_ID_PATTERN,
    REC_ID_PATTERN,
    ChecklistDoc,
    ConcludeDoc,
    DecideDoc,
    DocumentModel,
    EndDoc,
    ManifestDoc,
    NodeId,
    RecommendDoc,
    Text,
    record_model,
)

SchemaKind = Literal["pathway", "stage", "patient", "scenario"]
KINDS: tuple[SchemaKind, ...] = ("pathway", "stage", "patient", "scenario")
DIALECT = "https://json-schema.org/draft/2020-12/schema"
FILE_NAMES: dict[SchemaKind, str] = {kind: f"{kind}.schema.json" for kind in KINDS}
"""The committed file of each schema, in ``schemas/``."""

JsonObject = dict[str, object]
BUILTIN_RECORD = "spinedx.patient"
"""The record model's registered name when no model is given (looked up, never imported)."""


class StageFile(DocumentModel):
    """A stage file: one stage's decision graph (the manifest lists the stages in order)."""

    stage: NodeId = Field(description="The stage id, as listed in the manifest's 'stages'.")
    title: Text | None = Field(None, description="A title for people; the stage id by default.")
    start: NodeId = Field(description="The node the walk of this stage starts at.")
    nodes: dict[NodeId, DecideDoc | RecommendDoc | ConcludeDoc | ChecklistDoc | EndDoc] = Field(
        min_length=1,
        description="The nodes by id. Each has exactly one of the keys decide, recommend, "
        "conclude, checklist or end.",
    )


def json_schema(kind: SchemaKind, record: type[BaseModel] | None = None) -> JsonObject:
    """The JSON Schema of one kind of file.

    Args:
        kind: ``pathway`` (the manifest ``pathway.yaml``), ``stage`` (a stage
            file), ``patient`` (a patient record) or ``scenario``.
        record: The record model for ``patient`` and ``scenario``; by
            default the model registered as ``spinedx.patient`` (the
            built-in :class:`spinedx.Patient`).

    Example:
        >>> sorted(json_schema("stage")["properties"])
        ['nodes', 'stage', 'start', 'title']
    """
    match kind:
        case "pathway":
            schema = _manifest()
        case "stage":
            schema = _stage()
        case "patient":
            schema = (record or _builtin_record()).model_json_schema(mode="validation")
        case "scenario":
            schema = _scenario(record or _builtin_record())
    return {"$schema": DIALECT, **schema}


def schema_text(kind: SchemaKind, record: type[BaseModel] | None = None) -> str:
    """The schema as the committed file holds it: JSON indented by 2, UTF-8, one final newline."""
    return json.dumps(json_schema(kind, record), indent=2, ensure_ascii=False) + "\n"


def _builtin_record() -> type[BaseModel]:
    model = record_model(BUILTIN_RECORD)
    if model is None:
        raise LookupError(
            f"no record model is registered or installed as '{BUILTIN_RECORD}'; pass record="
        )
    return model


# -------------------------------------------------------------------- kinds


def _manifest() -> JsonObject:
    schema = ManifestDoc.model_json_schema(mode="validation")
    defs = _defs(schema)
    # 'stages: [history, exam]' is shorthand for '{id: history}' entries.
    _or_bare_id(defs, "StageEntry", NODE_ID_PATTERN, "a stage id; its file is <id>.yaml")
    return schema


def _stage() -> JsonObject:
    schema = StageFile.model_json_schema(mode="validation")
    defs = _defs(schema)
    _describe(defs)
    # 'sources: [nice-ng234]' is shorthand for '{id: nice-ng234}'.
    _or_bare_id(defs, "CitationDoc", REC_ID_PATTERN, "a source id declared in the manifest")
    end = defs["EndDoc"]
    if isinstance(end, dict):
        end["required"] = ["end"]  # every node names its kind; an empty mapping is no node
    nodes = _properties(schema)["nodes"]
    if isinstance(nodes, dict):
        nodes["propertyNames"] = {
            "pattern": NODE_ID_PATTERN,
            "not": {"const": END},
            "description": f"a node id; '{END}' is reserved for the end of a walk",
        }
    conclude = _properties(defs["ConcludeDoc"])
    conclude["value"] = {
        "type": ["boolean", "number", "string"],
        "description": "The value of the fact: true, false, a number or a text.",
    }
    return schema


def _scenario(record: type[BaseModel]) -> JsonObject:
    refs, top = models_json_schema(
        [(record, "validation"), (Expectations, "validation")],
        ref_template="#/$defs/{model}",
    )
    defs = _defs(top)
    expected = defs.get("ExpectedRecommendation")
    if isinstance(expected, dict):
        _or_bare_id(defs, "ExpectedRecommendation", REC_ID_PATTERN, "a recommendation id")
    one_line = {"type": "string", "minLength": 1, "maxLength": 1000, "pattern": r"^[^\n]*\S[^\n]*$"}
    return {
        "title": "Scenario",
        "description": "An example patient and the recommendations it must (and must not) get.",
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "summary", "patient", "expect"],
        "properties": {
            "name": {**one_line, "description": "A unique name, one line."},
            "summary": {**one_line, "description": "Who the patient is, one line."},
            "patient": {**refs[(record, "validation")], "description": "The patient record."},
            "expect": {
                **refs[(Expectations, "validation")],
                "description": "What the patient must get; every key is optional.",
            },
        },
        "$defs": defs,
    }


_RECOMMEND_KEYS = {
    "recommend": "The recommendation id, e.g. 'contact-mscc-coordinator'; results and "
    "scenarios refer to it.",
    "action": "What to do, in one sentence.",
    "urgency": "How soon: immediate, within-24-hours, within-48-hours, within-1-week, "
    "within-2-weeks, routine or advisory.",
    "because": "The reason, in clinical words.",
    "sources": "At least one citation: a source id from the manifest, or {id: ..., section: ...}.",
    "codes": "Terminology codes for the action, each {system, code, display}.",
}
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "DecideDoc": {
        "decide": "The question, in clinical words; shown in reasons and traces.",
        "branches": "Tried in order; the first whose condition is true wins.",
        "otherwise": "Where to go when no branch is true (a node id, or 'end').",
        "unknown": "Where to go when the data to decide is missing; without it the stage "
        "stops and lists the missing data.",
        "note": "A note for reviewers.",
    },
    "BranchDoc": {
        "when": "A condition, e.g. history.age >= 50 and history.night_pain.",
        "then": "The node to go to when the condition is true (or 'end').",
    },
    "RecommendDoc": {**_RECOMMEND_KEYS, "then": "The next node, or 'end'."},
    "ChecklistItemDoc": {
        **_RECOMMEND_KEYS,
        "when": "The condition under which this item's recommendation fires.",
    },
    "ChecklistDoc": {
        "checklist": "The title of the checklist, e.g. 'Which blood tests?'.",
        "items": "Independent items: every one whose condition is true fires.",
        "then": "The next node, or 'end'.",
    },
    "ConcludeDoc": {
        "conclude": "The fact to set; it must be declared in the manifest's 'facts'.",
        "because": "Why the fact holds, in clinical words.",
        "then": "The next node, or 'end'.",
    },
    "EndDoc": {"end": "Ends the stage's walk; the text is an optional closing note."},
    "CitationDoc": {
        "id": "A source id declared in the manifest's 'sources'.",
        "section": "The section, table or recommendation number that supports the rule.",
    },
}
"""Hover help for keys the document models leave undescribed, by definition and key."""


def _describe(defs: JsonObject) -> None:
    for name, keys in DESCRIPTIONS.items():
        definition = defs.get(name)
        if not isinstance(definition, dict) or "properties" not in definition:
            continue
        for key, text in keys.items():
            prop = _properties(definition).get(key)
            if isinstance(prop, dict):
                prop.setdefault("description", text)


# ------------------------------------------------------------------ helpers


def _defs(schema: JsonObject) -> JsonObject:
    defs = schema.setdefault("$defs", {})
    assert isinstance(defs, dict)
    return defs


def _properties(schema: object) -> JsonObject:
    assert isinstance(schema, dict)
    properties = schema["properties"]
    assert isinstance(properties, dict)
    return properties


def _or_bare_id(defs: JsonObject, name: str, pattern: str, description: str) -> None:
    """Let definition ``name`` also be written as a bare id string."""
    original = defs[name]
    defs[name] = {
        "anyOf": [{"type": "string", "pattern": pattern, "description": description}, original]
    }
