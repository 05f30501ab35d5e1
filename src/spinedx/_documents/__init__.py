"""(door, generated)"""

from spinedx._documents.files import (
    files_in,
    is_folder,
    is_inside,
    what_is,
)
from spinedx._documents.intake import (
    load_record,
    validate_record,
)
from spinedx._documents.located import (
    Spans,
    document_error,
)
from spinedx._documents.models import (
    NODE_ID_PATTERN,
    REC_ID_PATTERN,
    ChecklistDoc,
    ConcludeDoc,
    DecideDoc,
    DocumentModel,
    EndDoc,
    FactName,
    ManifestDoc,
    NodeDoc,
    NodeId,
    RecId,
    RecommendDoc,
    RecommendFields,
    StageHeader,
    Text,
    validate_document,
    validate_manifest,
    validate_stage,
)
from spinedx._documents.records import (
    record_model,
    record_name,
    record_names,
    register_record,
)
from spinedx._documents.strict_yaml import parse_yaml, read_yaml
from spinedx._documents.yaml_tree import (
    YMap,
    YNode,
    YScalar,
    YSeq,
    to_plain,
)

__all__ = [
    "NODE_ID_PATTERN",
    "REC_ID_PATTERN",
    "ChecklistDoc",
    "ConcludeDoc",
    "DecideDoc",
    "DocumentModel",
    "EndDoc",
    "FactName",
    "ManifestDoc",
    "NodeDoc",
    "NodeId",
    "RecId",
    "RecommendDoc",
    "RecommendFields",
    "Spans",
    "StageHeader",
    "Text",
    "YMap",
    "YNode",
    "YScalar",
    "YSeq",
    "document_error",
    "files_in",
    "is_folder",
    "is_inside",
    "load_record",
    "parse_yaml",
    "read_yaml",
    "record_model",
    "record_name",
    "record_names",
    "register_record",
    "to_plain",
    "validate_document",
    "validate_manifest",
    "validate_record",
    "validate_stage",
    "what_is",
]
