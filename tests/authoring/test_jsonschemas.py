"""Editor schemas: generated from the document models, committed in ``schemas/``, and true
to the loader in both directions on real files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from spinedx._authoring.jsonschemas import FILE_NAMES, KINDS, SchemaKind, json_schema, schema_text
from spinedx._cli.app import main
from spinedx._documents.strict_yaml import parse_yaml, read_yaml
from spinedx._documents.yaml_tree import to_plain
from spinedx._pathway.load import MANIFEST
from tests.paths import MINI, ROOT
from tests.records import MiniRecord

SCHEMAS = ROOT / "schemas"
SHIPPED = ROOT / "pathways" / "spinal_tumor"


def _validator(kind: SchemaKind, record: type | None = None) -> Draft202012Validator:
    schema = json_schema(kind) if record is None else json_schema(kind, record)
    return Draft202012Validator(schema)


def _errors(kind: SchemaKind, data: object, record: type | None = None) -> list[str]:
    return [
        f"{list(e.absolute_path)}: {e.message}" for e in _validator(kind, record).iter_errors(data)
    ]


def _plain_if_clean(path: Path) -> object:
    """The file as plain data, or None when the strict reader refuses it (the loader would too)."""
    tree, problems, _ = read_yaml(path)
    if tree is None or any(d.is_error for d in problems):
        return None
    return to_plain(tree)


def _yaml(text: str) -> object:
    tree, problems = parse_yaml(text, "t.yaml")
    assert not problems
    return to_plain(tree)


# ------------------------------------------------------- committed schemas


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schema_is_up_to_date(kind: SchemaKind) -> None:
    committed = SCHEMAS / FILE_NAMES[kind]
    assert committed.exists(), f"{committed} is missing: run 'make schemas'"
    assert committed.read_text(encoding="utf-8") == schema_text(kind), (
        f"{committed.name} is stale: run 'make schemas' and commit the result"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_json_schema_2020_12(kind: SchemaKind) -> None:
    schema = json_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("kind", KINDS)
def test_cli_prints_the_committed_schema(
    kind: SchemaKind, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", kind]) == 0
    out = capsys.readouterr().out
    assert out == (SCHEMAS / FILE_NAMES[kind]).read_text(encoding="utf-8")
    json.loads(out)


def test_cli_schema_for_another_registered_record(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "patient", "--record", "tests.mini"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert set(schema["properties"]) == set(MiniRecord.model_fields)


def test_cli_schema_for_an_unknown_record_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "patient", "--record", "no.such"]) == 1
    assert "spinedx.patient" in capsys.readouterr().err


# ------------------------------------------- files that load must validate


def test_shipped_and_golden_manifests_validate() -> None:
    for manifest in (SHIPPED / MANIFEST, MINI / MANIFEST):
        assert _errors("pathway", _plain_if_clean(manifest)) == [], manifest


def test_shipped_and_golden_stage_files_validate() -> None:
    files = [p for p in [*SHIPPED.glob("*.yaml"), *MINI.glob("*.yaml")] if p.name != MANIFEST]
    assert len(files) >= 8
    for file in files:
        assert _errors("stage", _plain_if_clean(file)) == [], file


def test_example_patients_validate() -> None:
    files = sorted((ROOT / "examples" / "patients").glob("*.yaml"))
    assert files
    for file in files:
        assert _errors("patient", _plain_if_clean(file)) == [], file


def test_scenarios_validate() -> None:
    mini = sorted((MINI / "scenarios").glob("*.yaml"))
    assert mini
    for file in mini:
        assert _errors("scenario", _plain_if_clean(file), MiniRecord) == [], file
    for file in sorted((SHIPPED / "scenarios").glob("*.yaml")):
        data = _plain_if_clean(file)
        if data is not None:
            assert _errors("scenario", data) == [], file


# --------------------------------------------- and mistakes must be caught

_STAGE = """\
stage: exam
start: first
nodes:
  first:
    decide: Is there a deficit?
    branches:
      - when: exam.leg_strength < 5
        then: urgent
    otherwise: end
  urgent:
    recommend: call-now
    action: Call now.
    urgency: immediate
    because: Deficit.
    sources: [guide, {id: guide, section: "1.2"}]
    then: end
"""


def test_a_good_stage_file_validates_with_bare_and_mapped_sources() -> None:
    assert _errors("stage", _yaml(_STAGE)) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("    urgency: immediate", "    urgency: asap"),  # not on the scale
        ("    because: Deficit.\n", ""),  # a required key missing
        ("    action: Call now.", "    action: Call now.\n    actoin: typo"),  # unknown key
        ("  urgent:\n", "  end:\n"),  # the reserved name
        ("    decide: Is there a deficit?", "    decide: Is there a deficit?\n    end: x"),
        ('    sources: [guide, {id: guide, section: "1.2"}]', "    sources: []"),
        ("start: first", "start: 1st"),
    ],
)
def test_a_mistake_in_a_stage_file_is_caught(old: str, new: str) -> None:
    assert old in _STAGE
    assert _errors("stage", _yaml(_STAGE.replace(old, new))) != []


def test_an_empty_node_is_caught() -> None:
    assert _errors("stage", {"stage": "a", "start": "x", "nodes": {"x": {}}}) != []


def test_manifest_stage_entries_may_be_bare_ids() -> None:
    manifest = {"id": "p", "version": "1", "title": "T", "stages": ["history", {"id": "exam"}]}
    assert _errors("pathway", manifest) == []
    assert _errors("pathway", {**manifest, "stages": ["9x"]}) != []
    assert _errors("pathway", {**manifest, "colour": "red"}) != []


def test_scenario_mistakes_are_caught() -> None:
    good = {"name": "n", "summary": "s", "patient": {}, "expect": {"recommendations": ["x"]}}
    assert _errors("scenario", good) == []
    assert _errors("scenario", {**good, "name": "two\nlines"}) != []
    assert _errors("scenario", {**good, "patient": {"history": {"agee": 3}}}) != []
    assert _errors("scenario", {**good, "expect": {"recomendations": []}}) != []


_MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\s*$")


def _expected_kind(path: Path) -> SchemaKind:
    if path.name == MANIFEST:
        return "pathway"
    if path.parent.name == "scenarios":
        return "scenario"
    if path.parent.name == "patients":
        return "patient"
    return "stage"


def test_schema_comments_in_shipped_files_point_at_the_right_schema() -> None:
    files = [*ROOT.glob("pathways/**/*.yaml"), *ROOT.glob("examples/**/*.yaml")]
    assert files
    for path in files:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        found = _MODELINE.match(first)
        if found is None:
            continue
        target = (path.parent / found.group(1)).resolve()
        assert target.is_file(), f"{path}: {found.group(1)} does not exist"
        assert target == (SCHEMAS / FILE_NAMES[_expected_kind(path)]).resolve(), path
