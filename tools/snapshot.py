"""A behaviour snapshot: what spinedx says and decides, written to text files for diffing.

Refactors must leave behaviour unchanged. This tool records, through the public
API and the ``python -m spinedx`` command line only (so it survives any
internal move):

- ``diagnostics.txt``: code, file, line, column, message and hint of every
  diagnostic for every golden case under ``tests/cases`` and the shipped pathway;
- ``evaluations/``: ``evaluate(...).model_dump_json()`` for every example
  patient and every shipped scenario (in full), plus ``recommend`` ids;
- ``generated.txt``: for a few hundred seeded generated records (with and
  without missing data) the ``recommend`` ids, the ids and certainty-free
  summary of ``evaluate``, and a digest of its full JSON;
- ``cli/``: outputs of ``render`` (mermaid, dot), ``schema`` (every kind),
  ``test --coverage`` and ``diff`` between the shipped pathway and a copy with
  one edited branch.

Usage::

    python tools/snapshot.py write [DIR]    # default tools/snapshot-data; keeps its stored records
    python tools/snapshot.py check [DIR]    # exit 1 and show a diff when behaviour changed

The generated records come from ``tests/strategies.py`` drawn with a fixed
seed (``derandomize``), so they are the same on every run of the same
Hypothesis version.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

import spinedx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the golden cases' record and the strategies live in tests/

from tests.records import MiniRecord  # noqa: E402  (needs ROOT on the path)
from tests.strategies import patient_inputs  # noqa: E402


def _load_scenarios(pathway: Any, folder: Path | None = None) -> list[Any]:
    # The scenario API moved from spinedx to spinedx.scenarios in the layer refactor;
    # the snapshot must run on both sides of it.
    try:
        module = importlib.import_module("spinedx.scenarios")
    except ImportError:
        module = spinedx
    return module.load_scenarios(pathway, folder)  # type: ignore[no-any-return]


DEFAULT = ROOT / "tools" / "snapshot-data"
# SPINEDX_SNAPSHOT_PATHWAY: a frozen copy of the pathway, so engine work can be
# checked while the shipped pathway itself is being rewritten.
SHIPPED = Path(os.environ.get("SPINEDX_SNAPSHOT_PATHWAY") or ROOT / "pathways" / "spinal_tumor")
GENERATED = 300
RECORDS = "generated-records.jsonl"


CANONICAL = "pathways/spinal_tumor"


def _canonical(text: str) -> str:
    """Name a frozen copy (SPINEDX_SNAPSHOT_PATHWAY) as the shipped pathway it stands for."""
    frozen = str(SHIPPED.resolve())
    return text if frozen.startswith(str(ROOT)) else text.replace(frozen, CANONICAL)


def _relative(path: str | os.PathLike[str]) -> str:
    text = os.fspath(path)
    try:
        return str(Path(text).resolve().relative_to(ROOT))
    except ValueError:
        return _canonical(text)


def _portable(text: str | None) -> str | None:
    """A message may name another file by absolute path; the checkout's place is not behaviour."""
    return None if text is None else text.replace(str(ROOT), "<root>")


def _diagnostic_rows(folder: Path) -> Iterator[str]:
    for d in spinedx.check_pathway(folder):
        span = d.span
        yield (
            f"{d.code} {_relative(span.file)}:{span.line}:{span.column}"
            f" [{d.severity}] {_portable(d.message)} || hint: {_portable(d.hint)}"
        )


def _scenario_rows(folder: Path) -> Iterator[str]:
    # The invalid scenario cases are written against the valid mini pathway.
    pathway = spinedx.load_pathway(ROOT / "tests" / "cases" / "valid" / "mini")
    try:
        _load_scenarios(pathway, folder / "scenarios")
    except spinedx.SpinedxError as error:
        for d in getattr(error, "diagnostics", ()):
            span = d.span
            yield (
                f"{d.code} {_relative(span.file)}:{span.line}:{span.column}"
                f" [{d.severity}] {d.message} || hint: {d.hint}"
            )
    else:
        yield "(no diagnostics)"


def _register_test_records() -> None:
    """The golden cases use the test suite's small record, registered as in its conftest."""
    with contextlib.suppress(ValueError):  # registered already
        spinedx.register_record("tests.mini", MiniRecord)


def diagnostics() -> str:
    _register_test_records()
    lines: list[str] = []
    cases = ROOT / "tests" / "cases"
    for group in ("valid", "invalid"):
        for case in sorted(p for p in (cases / group).iterdir() if p.is_dir()):
            lines.append(f"## {group}/{case.name}")
            lines.extend(_diagnostic_rows(case) or ["(clean)"])
    for case in sorted(p for p in (cases / "scenario-invalid").iterdir() if p.is_dir()):
        lines.append(f"## scenario-invalid/{case.name}")
        lines.extend(_scenario_rows(case))
    lines.append("## shipped pathway")
    lines.extend(_diagnostic_rows(SHIPPED))
    return "\n".join(lines) + "\n"


def _patients() -> Iterator[tuple[str, Any]]:
    for path in sorted((ROOT / "examples" / "patients").glob("*.yaml")):
        yield f"example-{path.stem}", spinedx.load_patient(path)
    pathway = spinedx.load_pathway(SHIPPED)
    for scenario in _load_scenarios(pathway, SHIPPED / "scenarios"):
        yield f"scenario-{Path(scenario.file).stem}", scenario.patient


def evaluations(out: Path) -> None:
    pathway = spinedx.load_pathway(SHIPPED)
    target = out / "evaluations"
    target.mkdir(parents=True)
    for name, patient in _patients():
        result = pathway.evaluate(patient)
        ids = pathway.recommend(patient)
        body = json.loads(result.model_dump_json())
        body.pop("pathway", None)  # the digest changes whenever any pathway text does
        text = json.dumps({"recommend": ids, "evaluate": body}, indent=1, sort_keys=True)
        (target / f"{name}.json").write_text(text + "\n")


def _generated_records() -> list[dict[str, Any]]:
    drawn: list[dict[str, Any]] = []

    for allow_unknown in (True, False):

        @settings(
            derandomize=True,
            database=None,
            max_examples=GENERATED // 2,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            deadline=None,
        )
        @given(patient_inputs(allow_unknown=allow_unknown))
        def collect(record: dict[str, Any]) -> None:
            drawn.append(record)

        collect()
    return drawn


def generated(records: list[dict[str, Any]]) -> str:
    pathway = spinedx.load_pathway(SHIPPED)
    lines = []
    for index, record in enumerate(records):
        try:
            patient = spinedx.Patient.model_validate(record)
        except ValueError as error:
            lines.append(f"{index}: refused {type(error).__name__}")
            continue
        result = pathway.evaluate(patient)
        body = json.loads(result.model_dump_json())
        body.pop("pathway", None)
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
        ids = pathway.recommend(patient)
        evaluated = [rec.id for rec in result.recommendations]
        needs = [need.field for need in result.needs]
        lines.append(f"{index}: recommend={ids} evaluate={evaluated} needs={needs} json={digest}")
    return "\n".join(lines) + "\n"


def _cli(*args: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(  # noqa: S603 - fixed arguments, our own module
        [sys.executable, "-m", "spinedx", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    shown = f"$ spinedx {' '.join(args)}\n[exit {done.returncode}]\n{done.stdout}{done.stderr}"
    return _canonical(shown)


def cli(out: Path) -> None:
    target = out / "cli"
    target.mkdir(parents=True)
    shipped = _relative(SHIPPED)
    example = "examples/patients/metastatic-breast-leg-weakness.yaml"
    outputs = {
        "render-mermaid": _cli("render", shipped, "--format", "mermaid"),
        "render-dot": _cli("render", shipped, "--format", "dot"),
        "render-mermaid-patient": _cli(
            "render", shipped, "--format", "mermaid", "--patient", example
        ),
        "test-coverage": _cli("test", shipped, "--coverage"),
        "evaluate-text": _cli("evaluate", shipped, example),
        "evaluate-markdown": _cli("evaluate", shipped, example, "--format", "markdown"),
        "validate-shipped": _cli("validate", shipped),
        "validate-invalid": _cli("validate", "tests/cases/invalid/many-problems"),
    }
    for kind in ("pathway", "stage", "patient", "scenario"):
        outputs[f"schema-{kind}"] = _cli("schema", kind)
    with tempfile.TemporaryDirectory() as scratch:
        changed = Path(scratch) / "spinal_tumor"
        shutil.copytree(SHIPPED, changed)
        imaging = changed / "imaging.yaml"
        text = imaging.read_text()
        edited = text.replace("urgency: within-24-hours", "urgency: immediate", 1)
        imaging.write_text(edited)
        for fmt in ("text", "markdown"):
            raw = _cli("diff", shipped, str(changed), "--format", fmt)
            outputs[f"diff-{fmt}"] = raw.replace(str(changed), "<changed>")
    for name, text in outputs.items():
        (target / f"{name}.txt").write_text(text)


def write(out: Path, records: list[dict[str, Any]] | None = None) -> None:
    """Write a snapshot; the generated records are drawn anew unless given."""
    if records is None:
        drawn = _generated_records()
        records = [json.loads(json.dumps(r, default=str)) for r in drawn]
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    # The records are part of the snapshot: a check evaluates exactly these again.
    (out / RECORDS).write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in records))
    (out / "diagnostics.txt").write_text(diagnostics())
    evaluations(out)
    (out / "generated.txt").write_text(generated(records))
    cli(out)


def check(expected: Path) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        actual = Path(scratch) / "snapshot"
        lines = (expected / RECORDS).read_text().splitlines()
        write(actual, [json.loads(line) for line in lines])
        changed = 0
        names = sorted(
            {p.relative_to(expected) for p in expected.rglob("*") if p.is_file()}
            | {p.relative_to(actual) for p in actual.rglob("*") if p.is_file()}
        )
        for name in names:
            old = (expected / name).read_text() if (expected / name).exists() else ""
            new = (actual / name).read_text() if (actual / name).exists() else ""
            if old != new:
                changed += 1
                sys.stdout.writelines(
                    difflib.unified_diff(
                        old.splitlines(keepends=True),
                        new.splitlines(keepends=True),
                        f"expected/{name}",
                        f"actual/{name}",
                    )
                )
        print(f"snapshot: {len(names)} files, {changed} changed")
        return 1 if changed else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"write", "check"}:
        print(__doc__)
        return 2
    folder = Path(argv[1]) if len(argv) > 1 else DEFAULT
    if argv[0] == "write":
        # Keep the stored records (an intended change is judged on the same patients)
        # unless the folder has none yet.
        stored = folder / RECORDS
        records = None
        if stored.exists():
            records = [json.loads(line) for line in stored.read_text().splitlines()]
        write(folder, records)
        return 0
    return check(folder)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
