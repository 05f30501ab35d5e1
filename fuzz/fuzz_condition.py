"""Coverage-guided fuzzing of the condition language: parse, type-check, compile, run.

Every input is a condition (UTF-8, invalid bytes replaced). What must hold:

- ``compile_condition`` never raises, and every problem lies inside the text;
- nothing is executed: no module is imported and the sentinel file never appears;
- a condition that compiles gives True, False or None on every sample patient
  and set of facts, its trace agrees with it, and ``missing`` names fields only
  when the result is unknown;
- when the input's first byte is a multiple of 8, the condition also goes
  through a stage file (plain, single- or double-quoted by the second byte) and
  every diagnostic about it lies on its line, inside the scalar that holds it.

Run (see docs/security.md):

    make fuzz                                        # every target, FUZZ_SECONDS each
    .venv/bin/python fuzz/fuzz_condition.py -max_total_time=300
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, instrumented, run, scratch

with instrumented():
    from spinedx import PathwayError, Patient, load_pathway, load_patient
    from spinedx._compiled.steps import Checklist, Decide
    from spinedx._conditions.condition import compile_condition
    from spinedx._conditions.schema import RecordSchema, fact_type

SHIPPED = load_pathway(ROOT / "pathways" / "spinal_tumor")
SCHEMA = RecordSchema.from_model(Patient)
FACTS = {name: fact_type(doc.type, doc.values) for name, doc in SHIPPED.manifest.facts.items()}
SAMPLE_FACTS: list[dict[str, object]] = [
    {},
    {
        name: (doc.values[0] if doc.values else True if doc.type == "bool" else 1)
        for name, doc in SHIPPED.manifest.facts.items()
    },
]
PATIENTS = [Patient()] + [
    load_patient(path) for path in sorted((ROOT / "examples" / "patients").glob("*.yaml"))
]
MODULES = frozenset(sys.modules)
WORK = scratch("condition")
SENTINEL = WORK / "executed"
MANIFEST = (
    "id: fuzz\nversion: '1'\ntitle: Fuzz\nrecord: spinedx.patient\nstages: [history]\n"
    "facts:\n  x: {type: bool}\nsources:\n  s: {title: S}\n"
)
STAGE = (
    "stage: history\nstart: ask\nnodes:\n  ask:\n    decide: Q?\n    branches:\n"
    "      - when: {when}\n        then: done\n    otherwise: done\n  done:\n    end: Done.\n"
)
(WORK / "pathway.yaml").write_text(MANIFEST)


def _run_compiled(text: str) -> None:
    condition, problems = compile_condition(text, SCHEMA, FACTS)
    for problem in problems:
        if problem.offset < 0 or problem.length < 1:
            raise AssertionError(f"bad problem span {problem} in {text!r}")
        if problem.offset + problem.length > max(len(text), 1):
            raise AssertionError(f"problem past the end {problem} in {text!r}")
    if condition is None:
        if not problems:
            raise AssertionError(f"neither a condition nor a problem for {text!r}")
        return
    for patient in PATIENTS:
        for facts in SAMPLE_FACTS:
            result = condition(patient, facts)
            if result not in (True, False, None):
                raise AssertionError(f"{text!r} gave {result!r}")
            traced, _ = condition.trace(patient, facts)
            if traced is not result:
                raise AssertionError(f"{text!r}: trace {traced!r} but call {result!r}")
            if result is not None and condition.missing(patient, facts):
                raise AssertionError(f"{text!r} is settled but names missing fields")


def _through_a_file(text: str, style: int) -> None:
    if "\n" in text or "\r" in text or not text.strip():
        return
    if style == 0:
        scalar = text  # plain: YAML may read it otherwise; the check only needs the line
    elif style == 1:
        scalar = "'" + text.replace("'", "''") + "'"
    else:
        scalar = json.dumps(text, ensure_ascii=False)
    (WORK / "history.yaml").write_text(STAGE.replace("{when}", scalar), encoding="utf-8")
    try:
        load_pathway(WORK)
    except PathwayError as error:
        first = len("      - when: ") + 1
        for d in error.diagnostics:
            if not (d.code.startswith("SPX4") and d.span.file.endswith("history.yaml")):
                continue
            if d.span.line != 7 or not first <= d.span.column <= first + len(scalar):
                raise AssertionError(f"{d} lies outside {scalar!r}") from error


def one_input(data: bytes) -> None:
    global MODULES  # noqa: PLW0603 - modules imported lazily become the new baseline
    text = data.decode("utf-8", "replace")
    _run_compiled(text)
    if len(data) > 2 and data[0] % 8 == 0:
        _through_a_file(data[2:].decode("utf-8", "replace"), data[1] % 3)
    if SENTINEL.exists():
        raise AssertionError(f"{text!r} wrote the sentinel file")
    imported = [name for name in frozenset(sys.modules) - MODULES if name in text]
    if imported:
        raise AssertionError(f"{text!r} imported {imported}")
    MODULES = frozenset(sys.modules)


def seeds() -> Iterator[bytes]:
    for stage in SHIPPED.stages:
        for step in stage.steps.values():
            conditions = []
            if isinstance(step, Decide):
                conditions = [branch.condition for branch in step.branches]
            elif isinstance(step, Checklist):
                conditions = [item.condition for item in step.items]
            for condition in conditions:
                yield condition.text.encode()
                yield b"\x00\x02" + condition.text.encode()
    for text in (
        "history.__class__",
        "__import__('os').system('true')",
        f"open('{SENTINEL}', 'w')",
        "[c for c in history.cancers]",
        "any(c.status == 'active' for c in history.cancers)",
        "(x := age) > 1",
        "f'{age}' == '1'",
        "lambda: 1",
        "age > 99999999999999999999",
        "((((((((((age))))))))))",
        "years_between(date_of_birth, '2024-01-01') > 50",
        "at_least(2, history.night_pain, history.fever, age > 50)",
    ):
        yield text.encode()


if __name__ == "__main__":
    run("condition", one_input, seeds)
