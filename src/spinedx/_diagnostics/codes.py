"""The closed registry of diagnostic codes.

Every problem spinedx can report has one stable code here. The ranges follow
the layers: 1xx YAML text, 2xx document shape, 3xx graph, 4xx conditions and
types, 5xx patient records and evaluation, 6xx scenarios. ``docs/errors.md`` has one section
per code and a test fails when the two disagree, so a code is never renamed or
reused: retire it instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What one diagnostic code means."""

    code: str
    name: str
    severity: Severity
    summary: str


_ENTRIES: tuple[tuple[str, str, Severity, str], ...] = (
    # 1xx: the YAML text itself
    ("SPX100", "file-unreadable", "error", "The file cannot be found or read."),
    ("SPX101", "yaml-syntax", "error", "The text is not well-formed YAML."),
    ("SPX102", "duplicate-key", "error", "A mapping states the same key twice."),
    ("SPX103", "anchor-or-alias", "error", "YAML anchors (&) and aliases (*) are not allowed."),
    ("SPX104", "merge-key", "error", "The YAML merge key (<<) is not allowed."),
    ("SPX105", "explicit-tag", "error", "Explicit YAML tags (!tag, !!type) are not allowed."),
    ("SPX106", "yaml11-boolean", "error", "yes/no/on/off are ambiguous; write true or false."),
    (
        "SPX107",
        "ambiguous-number",
        "error",
        "A number with a leading zero, base prefix or colons reads differently"
        " across YAML versions.",
    ),
    ("SPX108", "file-too-large", "error", "The file exceeds the size limit."),
    ("SPX109", "invalid-encoding", "error", "The file is not valid UTF-8 text."),
    ("SPX110", "nesting-too-deep", "error", "Mappings and lists are nested too deeply."),
    ("SPX111", "multiple-documents", "error", "A file holds more than one YAML document."),
    (
        "SPX112",
        "yaml11-line-break",
        "error",
        "U+0085, U+2028 or U+2029: a line break to YAML 1.1, not to other readers.",
    ),
    (
        "SPX113",
        "ambiguous-key",
        "error",
        "A plain key that other YAML readers read as a boolean or null.",
    ),
    ("SPX114", "too-many-values", "error", "A file holds too many keys, values and list items."),
    # 2xx: the shape of pathway, stage and patient documents
    (
        "SPX201",
        "wrong-type",
        "error",
        "A value has the wrong type (for example a list for a text).",
    ),
    ("SPX202", "unknown-key", "error", "A key that this document does not define."),
    ("SPX203", "missing-key", "error", "A required key is absent."),
    ("SPX204", "invalid-value", "error", "A value is outside what the key allows."),
    ("SPX205", "unknown-node-kind", "error", "A node is not exactly one of the node kinds."),
    ("SPX206", "stage-mismatch", "error", "A stage file and the manifest disagree."),
    ("SPX207", "unknown-record-model", "error", "The manifest names an unregistered record model."),
    ("SPX208", "empty-document", "error", "A file holds no content."),
    ("SPX209", "not-a-web-address", "error", "A source URL is not an http(s) web address."),
    # 3xx: the decision graph
    (
        "SPX301",
        "missing-target",
        "error",
        "A branch or `then` points at a node that does not exist.",
    ),
    ("SPX302", "unreachable-node", "error", "No path from the stage's start reaches this node."),
    ("SPX303", "cycle", "error", "Nodes lead back to themselves; a walk would never finish."),
    ("SPX304", "no-path-to-end", "error", "No path from this node reaches an end."),
    ("SPX305", "missing-otherwise", "error", "A decision has no `otherwise` target."),
    ("SPX306", "fact-not-set", "error", "A fact is read where some path has not set it."),
    ("SPX307", "unknown-source", "error", "A recommendation cites a source the manifest lacks."),
    ("SPX308", "later-stage-data", "error", "A stage reads data that belongs to a later stage."),
    ("SPX309", "duplicate-node-id", "error", "Two stage files use the same node id."),
    (
        "SPX310",
        "conflicting-recommendation",
        "error",
        "One recommendation id is given different action, urgency or text.",
    ),
    ("SPX311", "unused-fact", "warning", "A declared fact is never set by any stage."),
    ("SPX312", "unused-source", "warning", "A declared source is never cited."),
    # 4xx: conditions and types
    ("SPX401", "condition-syntax", "error", "A condition is not a well-formed expression."),
    ("SPX402", "forbidden-construct", "error", "A condition uses a construct the language lacks."),
    ("SPX403", "unknown-field", "error", "A condition reads a field the record does not have."),
    ("SPX404", "unknown-function", "error", "A condition calls a function that is not provided."),
    ("SPX405", "type-mismatch", "error", "Operand types do not fit the operator."),
    (
        "SPX406",
        "not-an-enum-value",
        "error",
        "A text is compared with a field that cannot hold it.",
    ),
    ("SPX407", "not-a-condition", "error", "A condition does not give true or false."),
    ("SPX408", "wrong-arguments", "error", "A function is called with the wrong arguments."),
    ("SPX409", "condition-too-complex", "error", "A condition exceeds the size or depth limit."),
    ("SPX410", "unknown-fact", "error", "A fact is used that the manifest does not declare."),
    ("SPX411", "fact-value-mismatch", "error", "A concluded value does not fit the fact's type."),
    (
        "SPX412",
        "comment-in-condition",
        "error",
        "A '#' inside a condition would make the rest of it a comment.",
    ),
    (
        "SPX413",
        "not-a-finite-number",
        "error",
        "A calculation on fixed numbers gives no finite number, or divides by zero.",
    ),
    # 5xx: patient records and evaluation
    ("SPX501", "invalid-patient", "error", "A patient record does not fit the record model."),
    (
        "SPX502",
        "duplicate-entry",
        "error",
        "A list in a patient record holds the same entry twice.",
    ),
    ("SPX503", "json-syntax", "error", "A patient record's JSON text is not well-formed JSON."),
    # 6xx: scenarios (example patients with expected results)
    (
        "SPX601",
        "invalid-scenario-patient",
        "error",
        "A scenario's patient does not fit the pathway's record model.",
    ),
    (
        "SPX602",
        "unknown-recommendation",
        "error",
        "A scenario names a recommendation the pathway never gives.",
    ),
    (
        "SPX603",
        "invalid-expected-fact",
        "error",
        "A scenario expects a fact the pathway lacks, or a value the fact cannot hold.",
    ),
    (
        "SPX604",
        "unknown-needs-field",
        "error",
        "A scenario expects a needed field that is not a record field or a declared fact.",
    ),
    ("SPX605", "duplicate-scenario-name", "error", "Two scenarios have the same name."),
    (
        "SPX606",
        "conflicting-expectation",
        "error",
        "A recommendation is both required and forbidden.",
    ),
    ("SPX607", "no-scenarios", "error", "The scenarios folder is missing or holds no scenario."),
    (
        "SPX608",
        "conflicting-certainty",
        "error",
        "A recommendation is expected both definitely and conditionally.",
    ),
    (
        "SPX609",
        "needs-not-an-input",
        "error",
        "A scenario expects a computed field or a fact as needed; needs name input fields.",
    ),
)

CODES: dict[str, CodeInfo] = {
    code: CodeInfo(code, name, severity, summary) for code, name, severity, summary in _ENTRIES
}
NAMES: dict[str, str] = {info.name: code for code, info in CODES.items()}


def info(code: str) -> CodeInfo:
    """Return the registry entry for ``code``; an unknown code is a programming error."""
    try:
        return CODES[code]
    except KeyError:
        raise LookupError(f"unregistered diagnostic code {code!r}") from None
