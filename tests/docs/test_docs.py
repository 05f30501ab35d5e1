"""The docs are tests: these fail when ``docs/`` and the code disagree.

- ``docs/errors.md`` has one section per registered code, in code order, each
  with its severity, the four parts and an example diagnostic.
- ``docs/pathway-format.md`` names every node kind, urgency, fact type and
  function; its YAML examples obey the strict subset; the example pathway
  spread over its ``File ...`` blocks loads clean; and every line of its
  ``condition`` blocks compiles against the built-in patient record; the
  missing-data example gives the output shown.
- Links between the two pages point at headings that exist.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from spinedx import Patient, Urgency, check_pathway, load_pathway, load_patient
from spinedx._conditions.condition import compile_condition
from spinedx._conditions.schema import RecordSchema, SchemaType, fact_type
from spinedx._conditions.tree import FUNCTIONS
from spinedx._diagnostics.codes import CODES
from spinedx._documents.models import NODE_KINDS, FactDoc
from spinedx._documents.strict_yaml import parse_yaml
from spinedx._documents.yaml_tree import to_plain
from tests.paths import ROOT

DOCS = ROOT / "docs"
ERRORS = DOCS / "errors.md"
FORMAT = DOCS / "pathway-format.md"

_HEADING = re.compile(r"^## (SPX\d{3}) (\S+)$", re.MULTILINE)
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_FILE_BLOCK = re.compile(
    r"^File `pathways/example/([\w.-]+)`:\n\n```yaml\n(.*?)^```$", re.MULTILINE | re.DOTALL
)
_PATIENT_BLOCK = re.compile(
    r"^Patient file `([\w.-]+)`:\n\n```yaml\n(.*?)^```$", re.MULTILINE | re.DOTALL
)
_LINK = re.compile(r"\]\(([\w.-]+\.md)?#([\w-]+)\)")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _blocks(path: Path, info: str) -> list[tuple[int, str]]:
    """Fenced blocks with this info string, each with the line its text starts on."""
    text = _text(path)
    return [
        (text.count("\n", 0, match.start(2)) + 1, match.group(2))
        for match in _FENCE.finditer(text)
        if match.group(1) == info
    ]


def _sections() -> dict[str, str]:
    """The text of each ``## SPXnnn name`` section of errors.md, by code."""
    text = _text(ERRORS)
    heads = list(_HEADING.finditer(text))
    ends = [h.start() for h in heads[1:]] + [len(text)]
    return {h.group(1): text[h.end() : end] for h, end in zip(heads, ends, strict=True)}


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    words = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return words.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {
        _slug(line.lstrip("#")) for line in _text(path).splitlines() if re.match(r"^#{1,6} ", line)
    }


# --------------------------------------------------------------- errors.md


def test_error_headings_are_exactly_the_registry_in_code_order() -> None:
    found = [(m.group(1), m.group(2)) for m in _HEADING.finditer(_text(ERRORS))]
    expected = [(code, CODES[code].name) for code in sorted(CODES)]
    assert found == expected


def test_every_heading_that_looks_like_a_code_is_well_formed() -> None:
    loose = [line for line in _text(ERRORS).splitlines() if re.match(r"^#+ .*SPX\d", line)]
    assert all(_HEADING.fullmatch(line) for line in loose), loose


@pytest.mark.parametrize("code", sorted(CODES))
def test_error_section_has_its_parts_and_an_example_of_its_own_code(code: str) -> None:
    section = _sections()[code]
    severity = CODES[code].severity
    assert f"**Severity:** {severity}\n" in section
    for part in ("**What it means.**", "**Why it matters.**", "**Example.**", "**Fix.**"):
        assert part in section, f"{code} lacks {part}"
    marker = "warning: " if severity == "warning" else ""
    printed = re.compile(rf"^\S+:\d+:\d+: {code} {marker}\S", re.MULTILINE)
    examples = [body for info, body in _FENCE.findall(section) if info == "text"]
    assert any(printed.search(body) for body in examples), f"{code} shows no diagnostic"


# ------------------------------------------------------- pathway-format.md


@pytest.mark.parametrize("kind", list(NODE_KINDS))
def test_every_node_kind_has_its_own_heading(kind: str) -> None:
    assert f"\n### `{kind}`\n" in _text(FORMAT)


@pytest.mark.parametrize("urgency", list(Urgency), ids=str)
def test_every_urgency_is_in_the_table_with_its_label_and_deadline(urgency: Urgency) -> None:
    rows = [line for line in _text(FORMAT).splitlines() if line.startswith(f"| `{urgency}` |")]
    assert len(rows) == 1, f"no single table row for {urgency}"
    value, label, deadline = (cell.strip() for cell in rows[0].strip("|").split("|"))
    assert label == urgency.label
    hours = "none" if urgency.max_hours is None else f"{urgency.max_hours} hours"
    assert deadline.startswith(hours), f"{value}: {deadline!r} should start with {hours!r}"


def test_urgencies_are_listed_fastest_first() -> None:
    text = _text(FORMAT)
    positions = [text.index(f"| `{urgency}` |") for urgency in Urgency]
    assert positions == sorted(positions)


def test_every_fact_type_is_documented() -> None:
    kinds = typing.get_args(FactDoc.model_fields["type"].annotation)
    text = _text(FORMAT)
    assert kinds
    for kind in kinds:
        assert f"| `{kind}` |" in text, kind


def test_every_condition_function_is_documented() -> None:
    text = _text(FORMAT)
    for name in FUNCTIONS:
        assert f"`{name}(" in text, name


_YAML_BLOCKS = _blocks(FORMAT, "yaml")


@pytest.mark.parametrize(
    ("line", "block"), _YAML_BLOCKS, ids=[f"line-{n}" for n, _ in _YAML_BLOCKS]
)
def test_yaml_example_obeys_the_strict_subset(line: int, block: str) -> None:
    tree, problems = parse_yaml(block, f"pathway-format.md:{line}")
    assert [str(p) for p in problems] == []
    assert tree is not None


def _example_files() -> dict[str, str]:
    return dict(_FILE_BLOCK.findall(_text(FORMAT)))


def test_the_example_pathway_loads_without_any_diagnostic(tmp_path: Path) -> None:
    files = _example_files()
    assert "pathway.yaml" in files
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert [str(d) for d in check_pathway(tmp_path)] == []


def _example_facts() -> dict[str, SchemaType]:
    manifest = to_plain(parse_yaml(_example_files()["pathway.yaml"], "pathway.yaml")[0])
    assert isinstance(manifest, dict)
    return {
        name: fact_type(spec["type"], spec.get("values"))
        for name, spec in manifest.get("facts", {}).items()
    }


_CONDITIONS = [
    line.strip()
    for _, block in _blocks(FORMAT, "condition")
    for line in block.splitlines()
    if line.strip()
]


def test_there_are_condition_examples() -> None:
    assert len(_CONDITIONS) >= 10


@pytest.mark.parametrize("condition", _CONDITIONS)
def test_condition_example_compiles_against_the_patient_record(condition: str) -> None:
    schema = RecordSchema.from_model(Patient)
    compiled, problems = compile_condition(condition, schema, _example_facts())
    assert [(p.code, p.message) for p in problems] == []
    assert compiled is not None


def test_the_missing_data_example_gives_the_output_shown(tmp_path: Path) -> None:
    text = _text(FORMAT)
    found = _PATIENT_BLOCK.search(text)
    assert found is not None, "no 'Patient file' example"
    name, record = found.groups()
    shown = _FENCE.search(text, found.end())
    while shown is not None and shown.group(1) != "text":
        shown = _FENCE.search(text, shown.end())
    assert shown is not None, "no output shown after the patient file"
    for file, body in _example_files().items():
        (tmp_path / file).write_text(body, encoding="utf-8")
    (tmp_path / name).write_text(record, encoding="utf-8")
    result = load_pathway(tmp_path).evaluate(load_patient(tmp_path / name))
    explained = result.explain("text")
    for line in shown.group(2).splitlines():
        assert line in explained, line


# -------------------------------------------------------------------- links


@pytest.mark.parametrize("page", [ERRORS, FORMAT, DOCS / "index.md"], ids=lambda p: p.name)
def test_anchors_between_the_pages_exist(page: Path) -> None:
    checked = {ERRORS.name: ERRORS, FORMAT.name: FORMAT}
    for target, anchor in _LINK.findall(_text(page)):
        goal = checked.get(target) if target else page
        if goal is None:
            continue  # pages written elsewhere (api.md, design.md, patient-record.md)
        assert anchor in _anchors(goal), f"{page.name}: no heading for {target}#{anchor}"


def test_index_links_the_pages_that_exist() -> None:
    index = _text(DOCS / "index.md")
    for page in (FORMAT, ERRORS):
        assert f"]({page.name})" in index
