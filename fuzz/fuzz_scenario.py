"""Coverage-guided fuzzing of scenario files, loaded and run against the shipped pathway.

Every input is one scenario file, the only one in a scenario folder, loaded
with ``load_scenarios`` against the shipped pathway (its recommendations,
facts and record model). What must hold: only ``PathwayError`` escapes, with
at least one error, every span inside the scenario file, rendering never
fails; a scenario that loads runs (``run_scenarios``), its report explains
itself with coverage, and every part ``Scenario.where`` names lies inside the
file. libFuzzer reports any input slower than 2 s or above 2 GB.

Run (see docs/security.md):

    make fuzz                                        # every target, FUZZ_SECONDS each
    .venv/bin/python fuzz/fuzz_scenario.py -max_total_time=300
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, check_span, check_spans, instrumented, run, scratch

with instrumented():
    from spinedx import PathwayError, load_pathway
    from spinedx.scenarios import Scenario, load_scenarios, run_scenarios

SHIPPED = load_pathway(ROOT / "pathways" / "spinal_tumor")
FOLDER = scratch("scenario")
FILE = FOLDER / "scenario.yaml"
# Parts of a scenario that ``where`` locates; a missing part gives its nearest parent.
PARTS: list[tuple[str | int, ...]] = [
    (),
    ("name",),
    ("patient",),
    ("patient", "history", "cancers", 0),
    ("expect",),
    ("expect", "recommendations", 0, "id"),
    ("expect", "facts", "suspicion"),
    ("expect", "needs", 0),
]


def _texts() -> dict[str, str]:
    # An undecodable file is reported at its first bad byte, which "replace" keeps in place.
    return {str(FILE): FILE.read_bytes().decode("utf-8-sig", "replace")}


def _ran(scenarios: list[Scenario]) -> None:
    report = run_scenarios(SHIPPED, scenarios)
    if [result.name for result in report.results] != [s.name for s in scenarios]:
        raise AssertionError("the report does not hold one result per scenario, in order")
    report.explain(coverage=True)
    report.model_dump_json()
    texts = _texts()
    for scenario in scenarios:
        for part in PARTS:
            check_span(scenario.where(*part), texts, f"{scenario.name!r} at {part}")


def one_input(data: bytes) -> None:
    FILE.write_bytes(data)
    try:
        scenarios = load_scenarios(SHIPPED, FOLDER)
    except PathwayError as error:
        if not any(d.is_error for d in error.diagnostics):
            raise AssertionError("a PathwayError without an error") from error
        check_spans(error.diagnostics, _texts())
        error.render()
        str(error)
        return
    _ran(scenarios)


def seeds() -> Iterator[bytes]:
    shipped = sorted((ROOT / "pathways" / "spinal_tumor" / "scenarios").glob("*.yaml"))
    for path in shipped:
        yield path.read_bytes()
    for path in sorted((ROOT / "tests" / "cases" / "scenario-invalid").rglob("*.yaml")):
        yield path.read_bytes()
    first = shipped[0].read_bytes()
    yield first.replace(b"\nsummary:", b"\nname: again\nsummary:", 1)  # a duplicate key
    yield first.replace(b"sex: female", b"sex: fem\x00ale", 1)
    yield first.replace(b"night_pain: false", b"night_pain: no", 1)
    yield first.replace(b"expect:", b"expect: &e", 1) + b"again: *e\n"
    yield first.replace(b"patient:", b"patient: !!python/object/apply:os.system ['true']", 1)
    yield b"name: x\nsummary: y\npatient: " + b"[" * 1000 + b"\nexpect: {}\n"
    yield b"name: x\nsummary: y\npatient: {}\nexpect: {recommendations: [nowhere]}\n"
    yield b"[" * 1000
    yield b""
    yield b"\xff\xfe"


if __name__ == "__main__":
    run("scenario", one_input, seeds)
