"""A new pathway to start from: ``spinedx new``.

The scaffold is the smallest pathway that shows every habit of a good one: a
manifest with a declared source, one stage whose decision has a branch and an
``otherwise``, a recommendation that cites its source, an ``end`` with a note,
and scenarios that reach every node and branch. Every file starts with the
``yaml-language-server`` line that points the editor at its schema.

The decision reads the first yes/no field of the record (in the order the
record model declares its fields), so the scaffold suits any registered record
model; the author replaces it with the real question. No clinical content is
written here: every text says what to put in its place.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

from spinedx._authoring.jsonschemas import FILE_NAMES, KINDS, schema_text
from spinedx._conditions import BoolType, ObjectType, RecordSchema
from spinedx._diagnostics import SpinedxError
from spinedx._documents import record_model, record_names

BUILTIN_RECORD = "spinedx.patient"
STAGE = "first_stage"
REC = "example-recommendation"
SOURCE = "local-guideline"
SCHEMA_FOLDER = "schemas"


class ScaffoldError(SpinedxError, ValueError):
    """The target folder is not empty, or the record model cannot be used."""


def scaffold_pathway(target: Path, record: str = BUILTIN_RECORD) -> list[Path]:
    """Write a new, valid pathway into ``target`` (absent or empty); return the files written.

    Raises:
        ScaffoldError: when ``target`` is a file or a folder with something in
            it, when no record model is registered as ``record``, or when the
            record has no yes/no field for the example decision.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target} is not empty; give a new or empty folder")
    model = record_model(record)
    if model is None:
        known = ", ".join(record_names())
        raise ScaffoldError(f"no record model is registered as '{record}' (known: {known})")
    field = _first_yes_no(RecordSchema.from_model(model).root)
    if field is None:
        raise ScaffoldError(f"the record '{record}' has no yes/no field to start a decision from")
    files = _files(target, record, field)
    written: list[Path] = []
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    if not _shared_schemas(target, record):
        for kind in KINDS:
            path = target / SCHEMA_FOLDER / FILE_NAMES[kind]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(schema_text(kind, model), encoding="utf-8")
            written.append(path)
    return written


def _first_yes_no(root: ObjectType) -> str | None:
    """The first true/false field, depth first in declaration order, outside lists."""
    return next(_yes_no(root, "", frozenset()), None)


def _yes_no(obj: ObjectType, prefix: str, seen: frozenset[int]) -> Iterator[str]:
    for name, spec in obj.fields.items():
        if isinstance(spec.type, BoolType):
            yield prefix + name
        elif isinstance(spec.type, ObjectType) and id(spec.type) not in seen:
            yield from _yes_no(spec.type, f"{prefix}{name}.", seen | {id(obj)})


def _shared_schemas(target: Path, record: str) -> Path | None:
    """The project's committed ``schemas/`` folder above ``target``, if it suits ``record``."""
    if record != BUILTIN_RECORD:
        return None
    for folder in target.resolve().parents:
        if (folder / SCHEMA_FOLDER / "pathway.schema.json").is_file():
            return folder / SCHEMA_FOLDER
    return None


def _schema_line(target: Path, record: str, kind: str, within: str = ".") -> str:
    shared = _shared_schemas(target, record) or target.resolve() / SCHEMA_FOLDER
    relative = os.path.relpath(shared, (target.resolve() / within))
    return f"# yaml-language-server: $schema={Path(relative).as_posix()}/{kind}.schema.json\n"


def _pathway_id(target: Path) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", target.resolve().name.lower()).strip("-")
    return words if words else "new-pathway"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(text)


def _files(target: Path, record: str, field: str) -> dict[str, str]:
    pathway_id = _pathway_id(target)
    title = pathway_id.replace("-", " ").capitalize()
    section = field.split(".", 1)[0] if "." in field else None
    data = f"[{section}]" if section else "[]"
    manifest = (
        _schema_line(target, record, "pathway")
        + "# Made by `spinedx new`. Replace every example text with your own; see\n"
        + "# docs/pathway-format.md. Bump `version` with every change the committee signs off.\n"
        + f"id: {pathway_id}\n"
        + "version: 0.1.0\n"
        + f"title: {_quoted(title)}\n"
        + "description: >\n"
        + "  Who this pathway is for, what it decides, and which guideline it encodes.\n"
        + f"record: {record}\n"
        + "stages:\n"
        + f"  - id: {STAGE}\n"
        + "    title: First stage\n"
        + f"    data: {data}\n"
        + "sources:\n"
        + f"  {SOURCE}:\n"
        + "    title: The guideline this pathway encodes (replace with its full reference)\n"
    )
    question = f"Does the record say yes to {field}? (replace with your question)"
    stage = (
        _schema_line(target, record, "stage")
        + f"stage: {STAGE}\n"
        + "title: First stage\n"
        + "start: ask\n"
        + "nodes:\n"
        + "  ask:\n"
        + f"    decide: {_quoted(question)}\n"
        + "    branches:\n"
        + f"      - when: {field}\n"
        + "        then: act\n"
        + "    otherwise: nothing_to_do\n"
        + "  act:\n"
        + f"    recommend: {REC}\n"
        + "    action: The action to take (replace).\n"
        + "    urgency: routine\n"
        + "    because: Why, in clinical words (replace).\n"
        + f"    sources: [{SOURCE}]\n"
        + "    then: end\n"
        + "  nothing_to_do:\n"
        + "    end: Nothing to recommend at this stage.\n"
    )
    return {
        "pathway.yaml": manifest,
        f"{STAGE}.yaml": stage,
        "scenarios/01-yes.yaml": _scenario(target, record, field, yes=True),
        "scenarios/02-no.yaml": _scenario(target, record, field, yes=False),
    }


def _scenario(target: Path, record: str, field: str, *, yes: bool) -> str:
    *holders, leaf = field.split(".")
    lines = ["patient:"]
    for depth, holder in enumerate(holders, 1):
        lines.append(f"{'  ' * depth}{holder}:")
    lines.append(f"{'  ' * (len(holders) + 1)}{leaf}: {'true' if yes else 'false'}")
    expect = (
        f"  recommendations:\n  - {{id: {REC}, urgency: routine}}\n"
        if yes
        else f"  absent: [{REC}]\n"
    )
    word = "yes" if yes else "no"
    return (
        _schema_line(target, record, "scenario", within="scenarios")
        + f"name: {_quoted(f'{field} is {word}')}\n"
        + f"summary: {_quoted(f'A patient whose record says {word} to {field} (replace).')}\n"
        + "\n".join(lines)
        + "\nexpect:\n"
        + expect
        + "  complete: true\n"
    )
