"""The fuzz targets, without atheris: each ``one_input`` on seeds and on hostile inputs.

libFuzzer runs are long and need atheris (``make fuzz``, docs/security.md).
These tests keep the targets from rotting between runs: every target imports
without atheris, its own seeds pass its checks, and the hostile inputs below
reach only the errors its target allows. Each target raises AssertionError (or
whatever escaped spinedx) for a finding, so a passing call is a clean input.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from types import ModuleType

import pytest

from tests.paths import ROOT

FUZZ = ROOT / "fuzz"
TARGETS = sorted(path.stem.removeprefix("fuzz_") for path in FUZZ.glob("fuzz_*.py"))
SEEDS_PER_TARGET = 12


@functools.cache
def target(name: str) -> ModuleType:
    """The target ``fuzz/fuzz_<name>.py``, imported once (it finds ``common`` itself)."""
    spec = importlib.util.spec_from_file_location(f"fuzz_{name}", FUZZ / f"fuzz_{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def some_seeds(name: str) -> list[bytes]:
    """About SEEDS_PER_TARGET seeds, spread over the target's whole seed list."""
    seeds = list(target(name).seeds())
    return seeds[:: max(1, len(seeds) // SEEDS_PER_TARGET)]


def test_every_target_is_run_by_make_fuzz_and_documented() -> None:
    assert TARGETS == ["cohort", "condition", "loader", "scenario"]
    makefile = (ROOT / "Makefile").read_text()
    security = (ROOT / "docs" / "security.md").read_text()
    for name in TARGETS:
        assert f"$(BIN)/python fuzz/fuzz_{name}.py -max_total_time=$(FUZZ_SECONDS)" in makefile
        assert f"`fuzz/fuzz_{name}.py`" in security
        assert (FUZZ / f"{name}.dict").is_file(), f"fuzz/{name}.dict: libFuzzer's dictionary"


@pytest.mark.parametrize("name", TARGETS)
def test_a_target_imports_without_atheris_and_passes_its_seeds(name: str) -> None:
    module = target(name)
    seeds = some_seeds(name)
    assert len(seeds) >= min(SEEDS_PER_TARGET, len(list(module.seeds())))
    for seed in seeds:
        module.one_input(seed)


def test_without_atheris_run_says_how_to_install_it() -> None:
    loader = target("loader")
    common = sys.modules["common"]  # fuzz/common.py, as every target imports it
    if common.atheris is not None:
        pytest.skip("atheris is installed: run() would start libFuzzer")
    with pytest.raises(SystemExit, match=re.escape("pip install -e '.[fuzz]'")):
        common.run("loader", loader.one_input, loader.seeds)


STAGE = b"stage: history\nstart: done\nnodes:\n  done:\n    end: Done.\n"
PATIENT = b'{"sex": "female", "history": {"night_pain": true}}'
SCENARIO = (ROOT / "pathways" / "spinal_tumor" / "scenarios" / "01-no-red-flags.yaml").read_bytes()

# (target, id, input): the first byte picks the mode where the target has modes.
HOSTILE: list[tuple[str, str, bytes]] = [
    ("loader", "deep-flow-stage", b"\x00" + b"[" * 1000),
    ("loader", "deep-flow-manifest", b"\x06" + b"[" * 1000),
    ("loader", "deep-flow-patient", b"\x07history: " + b"[" * 1000),
    ("loader", "deep-pure-python", b"\x08" + b"{a: " * 1000),
    ("loader", "duplicate-key-stage", b"\x00" + STAGE + b"start: done\n"),
    ("loader", "duplicate-key-patient", b"\x07sex: male\nsex: female\n"),
    ("loader", "nul-byte", b"\x00" + STAGE.replace(b"Done.", b"Do\x00ne.")),
    ("loader", "bom-then-bad-byte", b"\x07\xef\xbb\xbf\x00\xf0-&d]\n"),
    ("loader", "alias", b"\x07history: &h {night_pain: true}\nexam: *h\n"),
    ("loader", "empty", b""),
    ("condition", "deep-parentheses", b"(" * 1000 + b"age" + b")" * 1000),
    ("condition", "deep-in-a-file", b"\x00\x01" + b"(" * 1000 + b"age > 1" + b")" * 1000),
    ("condition", "nul-byte", b"age\x00 > 1"),
    ("condition", "import", b"__import__('os').system('true')"),
    ("condition", "dunder", b"history.__class__.__subclasses__()"),
    ("condition", "not-utf-8", b"\x00\x02age > \xff\xfe"),
    # Duplicate keys and deep nesting in JSON text are the regression seeds of issue #9:
    # before its fix, evaluate_many raised RecursionError from json.loads on a deep text
    # and silently kept the last value of a key given twice.
    ("cohort", "deep-list-bytes", b"\x00" + b"[" * 1000),
    ("cohort", "deep-list-text", b"\x01" + b"[" * 100_000),
    ("cohort", "deep-list-lines", b"\x02" + PATIENT + b"\n" + b"[" * 1000),
    ("cohort", "deep-object-text", b"\x01" + b'{"a": ' * 1000),
    ("cohort", "deep-list-plain", b"\x03" + b"[" * 100_000),  # json itself refuses it
    ("cohort", "duplicate-key-bytes", b'\x00{"sex": "female", "sex": "male"}'),
    ("cohort", "duplicate-key-text", b'\x01{"history": {"night_pain": true, "night_pain": false}}'),
    ("cohort", "duplicate-key-escaped", b'\x01{"sex": "female", "s\\u0065x": "male"}'),
    ("cohort", "duplicate-key-line", b"\x02" + PATIENT + b'\n{"sex": "male", "sex": "male"}'),
    ("cohort", "duplicate-key-plain", b'\x03{"sex": "female", "sex": "male"}'),
    ("cohort", "nul-byte-in-text", b'\x01{"sex": "fem\x00ale"}'),
    ("cohort", "nul-byte-after", b"\x00" + PATIENT + b"\x00"),
    ("cohort", "not-utf-8", b'\x00{"patient_id": "M\xfcller"}'),
    ("cohort", "bom", b"\x00\xef\xbb\xbf" + PATIENT),
    ("cohort", "nan", b'\x01{"age_years": NaN}'),
    ("cohort", "huge-number", b'\x01{"age_years": 1e400}'),
    ("cohort", "lone-surrogate", b'\x01{"patient_id": "\\ud800"}'),
    ("cohort", "empty-lines", b"\x02\n\n"),
    ("cohort", "nothing", b"\x01"),
    ("scenario", "deep-flow", b"[" * 1000),
    ("scenario", "deep-patient", SCENARIO.replace(b"patient:", b"patient: " + b"[" * 1000, 1)),
    ("scenario", "duplicate-key", SCENARIO.replace(b"\nsummary:", b"\nname: again\nsummary:", 1)),
    (
        "scenario",
        "duplicate-patient-key",
        SCENARIO.replace(b"  sex: female\n", b"  sex: female\n" * 2),
    ),
    ("scenario", "nul-byte", SCENARIO.replace(b"sex: female", b"sex: fem\x00ale", 1)),
    ("scenario", "yes-no", SCENARIO.replace(b"night_pain: false", b"night_pain: no", 1)),
    ("scenario", "alias", SCENARIO.replace(b"expect:", b"expect: &e", 1) + b"again: *e\n"),
    (
        "scenario",
        "tag",
        SCENARIO.replace(b"patient:", b"patient: !!python/object/apply:os.system", 1),
    ),
    ("scenario", "unknown-recommendation", SCENARIO.replace(b"id: conservative", b"id: kons", 1)),
    ("scenario", "not-utf-8", b"\xff\xfe" + SCENARIO),
    ("scenario", "empty", b""),
]


@pytest.mark.parametrize(
    ("name", "data"),
    [pytest.param(name, data, id=f"{name}-{case}") for name, case, data in HOSTILE],
)
def test_a_hostile_input_reaches_only_the_errors_its_target_allows(name: str, data: bytes) -> None:
    target(name).one_input(data)


def test_the_cohort_target_catches_a_duplicate_key_accepted() -> None:
    # The check behind the duplicate-key seeds: keys are compared after escapes are read.
    cohort = target("cohort")
    assert cohort.has_duplicate_key('{"a": {"b": 1, "\\u0062": 2}}')
    assert not cohort.has_duplicate_key('{"a": {"b": 1}, "b": 2}')
    assert not cohort.has_duplicate_key("[" * 100_000)
