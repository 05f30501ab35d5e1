"""Coverage-guided fuzzing of the loaders: pathway files and patient files.

The first byte of an input picks what the rest is:

- 0-5: a stage file, loaded as the only stage of a pathway whose manifest is
  the shipped one (its facts and sources) listing that stage (read from a
  ``stage:`` line; ``history`` if there is none);
- 6: a manifest beside the shipped stage files;
- 7: a patient file, loaded with ``load_patient``;
- 8-255: a stage file parsed by PyYAML's pure-Python parser (the coverage
  the fuzzer sees inside PyYAML comes from there; libyaml is C).

What must hold for every input: only ``PathwayError``/``PatientError`` escape,
each with at least one error, every span inside the file it names, rendering
never fails; a pathway that loads evaluates an all-unknown patient. libFuzzer
reports any input slower than 2 s (``-timeout``) or above 2 GB.

Run (see docs/security.md):

    make fuzz                                      # every target, FUZZ_SECONDS each
    .venv/bin/python fuzz/fuzz_loader.py -max_total_time=300
    .venv/bin/python fuzz/fuzz_loader.py fuzz/artifacts/loader-crash-...   # replay one
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, check_spans, instrumented, run, scratch

with instrumented("yaml"):
    import yaml

    from spinedx import PathwayError, Patient, PatientError, load_pathway, load_patient
    from spinedx._documents import strict_yaml as _yaml

SHIPPED = ROOT / "pathways" / "spinal_tumor"
MANIFEST: dict[str, object] = yaml.safe_load((SHIPPED / "pathway.yaml").read_text())
STAGE_LINE = re.compile(rb"^stage:[ \t]*([A-Za-z][A-Za-z0-9_-]{0,40})[ \t]*$", re.MULTILINE)
WORK = scratch("loader")
for _path in SHIPPED.glob("*.yaml"):
    (WORK / "shipped").mkdir(exist_ok=True)
    (WORK / "shipped" / _path.name).write_bytes(_path.read_bytes())
(WORK / "one").mkdir()
PATIENT = WORK / "patient.yaml"
ALL_UNKNOWN = Patient()


def _texts(folder: Path) -> dict[str, str]:
    # An undecodable file is reported at its first bad byte, which "replace" keeps in place.
    return {
        str(path): path.read_bytes().decode("utf-8-sig", "replace")
        for path in folder.glob("*.yaml")
    }


def _load(folder: Path) -> None:
    try:
        pathway = load_pathway(folder)
    except PathwayError as error:
        if not any(d.is_error for d in error.diagnostics):
            raise AssertionError("a PathwayError without an error") from error
        check_spans(error.diagnostics, _texts(folder))
        error.render()
        str(error)
        return
    check_spans(pathway.warnings, _texts(folder))
    pathway.evaluate(ALL_UNKNOWN)


@functools.cache
def _manifest(stage: str) -> str:
    return yaml.safe_dump({**MANIFEST, "stages": [stage]}, sort_keys=False)


def one_input(data: bytes) -> None:
    if not data:
        return
    mode, body = data[0], data[1:]
    if mode <= 5:
        found = STAGE_LINE.search(body)
        stage = found.group(1).decode() if found else "history"
        folder = WORK / "one"
        for old in folder.glob("*.yaml"):
            old.unlink()
        (folder / "pathway.yaml").write_text(_manifest(stage))
        (folder / f"{stage}.yaml").write_bytes(body)
        _load(folder)
    elif mode == 6:
        folder = WORK / "shipped"
        (folder / "pathway.yaml").write_bytes(body)
        _load(folder)
    elif mode == 7:
        PATIENT.write_bytes(body)
        try:
            load_patient(PATIENT)
        except PatientError as error:
            if not any(d.is_error for d in error.diagnostics):
                raise AssertionError("a PatientError without an error") from error
            check_spans(error.diagnostics, _texts(WORK))
            error.render()
    else:
        saved = _yaml._LOADER
        _yaml._LOADER = yaml.SafeLoader
        try:
            tree, diagnostics = _yaml.parse_yaml(body, "fuzz.yaml")
        finally:
            _yaml._LOADER = saved
        if tree is None and not diagnostics:
            raise AssertionError("no tree and no diagnostic")
        check_spans(diagnostics, {"fuzz.yaml": body.decode("utf-8-sig", "replace")})


def seeds() -> Iterator[bytes]:
    for path in sorted(SHIPPED.glob("*.yaml")):
        data = path.read_bytes()
        yield (bytes([6]) if path.name == "pathway.yaml" else bytes([0])) + data
        yield bytes([8]) + data
    for path in sorted((ROOT / "tests" / "cases").rglob("*.yaml")):
        data = path.read_bytes()
        yield (bytes([6]) if path.name == "pathway.yaml" else bytes([1])) + data
    for path in sorted((ROOT / "examples" / "patients").glob("*.yaml")):
        yield bytes([7]) + path.read_bytes()
    for path in sorted((SHIPPED / "scenarios").glob("*.yaml"))[:10]:
        yield bytes([7]) + path.read_bytes()


if __name__ == "__main__":
    run("loader", one_input, seeds)
