"""Hostile and broken input: nothing crashes, nothing hangs, nothing is silently misread.

Every case goes through the public entry points (``load_pathway``,
``load_patient``, ``Pathway.evaluate`` and the command line), not only the
YAML layer, and asserts the code, the file, the line and the column, and that
the work stayed within a budget of function calls. Memory is bounded with
``tracemalloc`` where an input is built to exhaust it. Nothing here reads a
clock: work is counted, so a busy machine cannot fail a test.
"""

from __future__ import annotations

import copy
import functools
import re
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from spinedx import PathwayError, Patient, PatientError, load_pathway, load_patient
from spinedx._diagnostics.diagnostics import Diagnostic
from spinedx._documents.records import MAX_RECORD_VALUES
from spinedx._documents.strict_yaml import MAX_FILE_BYTES, parse_yaml
from spinedx._documents.yaml_events import MAX_DEPTH
from tests.paths import ROOT

SHIPPED = ROOT / "pathways" / "spinal_tumor"
SHIPPED_PATHWAY = load_pathway(SHIPPED)
# Function calls (Python and built-in) that refusing one hostile input may make: about
# seven times the costliest case here (a condition of 500 parts, ~7,000 calls).
CALLS = 50_000
MB = 1024 * 1024

# --------------------------------------------------------------------- helpers

MANIFEST = """\
id: hostile
version: '1'
title: A one-stage pathway that hostile stage files are dropped into
record: tests.mini
stages: [history]
facts:
  cancer_suspected: {type: bool}
sources:
  guide: {title: A source}
"""

STAGE = """\
stage: history
start: ask
nodes:
  ask:
    decide: Has the patient had cancer?
    branches:
      - when: "history.cancer_history"
        then: suspect
    otherwise: done
  suspect:
    conclude: cancer_suspected
    value: true
    because: A history of cancer.
    then: done
  done:
    end: Done.
"""
WHEN_LINE = 7
WHEN_COLUMN = len('      - when: "') + 1  # the first character inside the quotes


def write_pathway(folder: Path, stage: str | bytes = STAGE, manifest: str = MANIFEST) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pathway.yaml").write_text(manifest, encoding="utf-8", newline="")
    target = folder / "history.yaml"
    if isinstance(stage, bytes):
        target.write_bytes(stage)
    else:
        target.write_text(stage, encoding="utf-8", newline="")
    return folder


@dataclass
class Work:
    """What a block did: the calls it made."""

    calls: int = 0


class OverBudget(BaseException):
    """Raised inside the code under test past its call budget; no ``except Exception`` stops it."""


@contextmanager
def bounded(calls: int = CALLS, megabytes: float | None = None) -> Iterator[Work]:
    """Fail unless the block makes at most ``calls`` calls and peaks under ``megabytes``.

    A profile hook counts every Python and built-in call, the same on every
    machine however busy; past the budget it raises inside the code, so runaway
    work fails the test instead of hanging it. Work inside one C call (libyaml,
    a regular expression) counts once: memory and the inputs' sizes bound that.
    """
    work = Work()

    def count(_frame: FrameType, event: str, _arg: object) -> None:
        if event in ("call", "c_call"):
            work.calls += 1
            if work.calls > calls:
                raise OverBudget

    previous = sys.getprofile()
    if megabytes is not None:
        tracemalloc.start()
    sys.setprofile(count)
    try:
        yield work
    except OverBudget:
        pass  # reported below, with the same message as when something swallowed it
    finally:
        sys.setprofile(previous)
        peak = 0
        if megabytes is not None:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    assert work.calls <= calls, f"made more than {calls} calls"
    if megabytes is not None:
        assert peak < megabytes * MB, f"peaked at {peak / MB:.1f} MB"


def pathway_errors(folder: Path, megabytes: float | None = None) -> list[Diagnostic]:
    with bounded(megabytes=megabytes), pytest.raises(PathwayError) as caught:
        load_pathway(folder)
    return list(caught.value.diagnostics)


def patient_errors(path: Path, megabytes: float | None = None) -> list[Diagnostic]:
    with bounded(megabytes=megabytes), pytest.raises(PatientError) as caught:
        load_patient(path)
    return list(caught.value.diagnostics)


def located(diagnostics: list[Diagnostic]) -> list[tuple[str, str, int, int]]:
    return [(d.code, Path(d.span.file).name, d.span.line, d.span.column) for d in diagnostics]


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spinedx", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=60,
    )


# ----------------------------------------------------- hostile YAML: pathway files


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def deep_block_mappings(levels: int) -> str:
    return "".join(" " * level + "k:\n" for level in range(levels))


def stage_with(old: str, new: str) -> str:
    assert STAGE.count(old) == 1, old
    return STAGE.replace(old, new)


# (id, stage file, expected first error as (code, line, column))
HOSTILE_STAGES: list[tuple[str, Callable[[], str | bytes], tuple[str, int, int]]] = [
    ("alias-bomb", billion_laughs, ("SPX103", 1, 4)),
    (
        "python-tag",
        lambda: stage_with(
            "nodes:\n", "nodes: !!python/object/apply:os.system ['echo pwned']\n  other:\n"
        ),
        ("SPX105", 3, 8),
    ),
    ("python-name-tag", lambda: "!!python/name:os.system\n", ("SPX105", 1, 1)),
    ("verbatim-tag", lambda: "stage: !<tag:yaml.org,2002:str> history\n", ("SPX105", 1, 8)),
    ("local-tag", lambda: stage_with("value: true", "value: !bool yes"), ("SPX105", 12, 12)),
    ("binary-tag", lambda: "stage: !!binary aGlzdG9yeQ==\n", ("SPX105", 1, 8)),
    ("deep-flow-lists", lambda: "[" * 10_000 + "]" * 10_000, ("SPX110", 1, MAX_DEPTH + 1)),
    ("deep-flow-maps", lambda: "{a: " * 10_000 + "}" * 10_000, ("SPX110", 1, 4 * MAX_DEPTH + 1)),
    ("deep-block-lists", lambda: "- " * 10_000 + "x\n", ("SPX110", 1, 2 * MAX_DEPTH + 1)),
    ("deep-block-maps", lambda: deep_block_mappings(2000), ("SPX110", MAX_DEPTH + 1, 65)),
    (
        "deep-inside-a-value",
        lambda: stage_with("value: true", "value: [{a: [" + "[" * 10_000),
        # Three block levels, then '[{a: [' at columns 12-17: level 65 is 59 brackets on.
        ("SPX110", 12, 18 + MAX_DEPTH - 6),
    ),
    (
        "nul-byte",
        lambda: stage_with("stage: history", "stage: hist\x00ory").encode(),
        ("SPX109", 1, 12),
    ),
    ("nul-in-value", lambda: STAGE.replace("Done.", "Do\x00ne.").encode(), ("SPX109", 16, 12)),
    ("invalid-utf8", lambda: STAGE.encode().replace(b"Done.", b"D\xffne."), ("SPX109", 16, 11)),
    ("latin-1", lambda: STAGE.replace("Done.", "Fini, ça.").encode("latin-1"), ("SPX109", 16, 16)),
    ("utf-16", lambda: STAGE.encode("utf-16"), ("SPX109", 1, 1)),
    # Found by fuzz/fuzz_loader.py: a BOM, then a byte that is not UTF-8, crashed the reader.
    ("bom-then-bad-byte", lambda: b"\xef\xbb\xbf\x00\xf0-&d]\n", ("SPX109", 1, 1)),
    (
        "bom-then-invalid-utf8",
        lambda: b"\xef\xbb\xbf" + STAGE.encode().replace(b"Done.", b"D\xffne."),
        ("SPX109", 16, 11),
    ),
    ("control-char", lambda: STAGE.replace("Done.", "Done.\x1b[31m"), ("SPX109", 16, 15)),
    ("tab-indent", lambda: STAGE.replace("    decide:", "\tdecide:"), ("SPX101", 5, 1)),
    ("top-level-duplicate", lambda: STAGE + "start: done\n", ("SPX102", 17, 1)),
    (
        "duplicate-node",
        lambda: stage_with("  done:\n", "  suspect:\n    end: x\n  done:\n"),
        ("SPX102", 15, 3),
    ),
    (
        "duplicate-in-node",
        lambda: stage_with("    otherwise", "    decide: Again?\n    otherwise"),
        ("SPX102", 9, 5),
    ),
    (
        "duplicate-in-list-item",
        lambda: stage_with(
            "        then: suspect\n", "        then: suspect\n        then: done\n"
        ),
        ("SPX102", 9, 9),
    ),
    (
        "duplicate-in-flow",
        lambda: stage_with("end: Done.", "end: {a: 1, a: 2}"),
        ("SPX102", 16, 17),
    ),
    ("yaml11-boolean", lambda: stage_with("value: true", "value: yes"), ("SPX106", 12, 12)),
    ("yaml11-off", lambda: stage_with("value: true", "value: Off"), ("SPX106", 12, 12)),
    ("octal", lambda: stage_with("value: true", "value: 0755"), ("SPX107", 12, 12)),
    ("sexagesimal", lambda: stage_with("value: true", "value: 12:30"), ("SPX107", 12, 12)),
    ("hex", lambda: stage_with("value: true", "value: 0x1F"), ("SPX107", 12, 12)),
    ("infinite", lambda: stage_with("value: true", "value: .inf"), ("SPX107", 12, 12)),
    (
        "merge-key",
        lambda: stage_with("  done:\n", "  done:\n    <<: {end: x}\n"),
        ("SPX104", 16, 5),
    ),
    ("two-documents", lambda: STAGE + "---\nstage: history\n", ("SPX111", 17, 1)),
    (
        "very-long-line",
        lambda: stage_with("end: Done.", "end: " + "x" * 1_000_000),
        ("SPX204", 16, 10),
    ),
    ("empty", lambda: "", ("SPX208", 1, 1)),
    ("only-whitespace", lambda: "\n\n   \n", ("SPX208", 1, 1)),
    ("only-comments", lambda: "# a stage\n# nothing else\n", ("SPX208", 1, 1)),
    ("a-list", lambda: "- stage: history\n- start: ask\n", ("SPX201", 1, 1)),
    ("a-scalar", lambda: "history\n", ("SPX201", 1, 1)),
    ("a-number", lambda: "12:30\n", ("SPX107", 1, 1)),
    ("null-document", lambda: "~\n", ("SPX201", 1, 1)),
]


@pytest.mark.parametrize(
    ("make", "expected"),
    [pytest.param(make, expected, id=name) for name, make, expected in HOSTILE_STAGES],
)
def test_hostile_stage_file_is_refused_at_its_place(
    tmp_path: Path, make: Callable[[], str | bytes], expected: tuple[str, int, int]
) -> None:
    folder = write_pathway(tmp_path, make())
    errors = [d for d in pathway_errors(folder, megabytes=64) if d.is_error]
    code, line, column = expected
    assert located(errors)[0] == (code, "history.yaml", line, column), located(errors)
    for d in errors:
        assert Path(d.span.file) in {folder / "history.yaml", folder / "pathway.yaml"}


def test_bombs_are_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    # Expanded, the document would hold 9**9 (387 million) strings.
    folder = write_pathway(tmp_path, billion_laughs())
    errors = pathway_errors(folder, megabytes=8)
    assert {d.code for d in errors} == {"SPX103"}
    assert len(errors) == 10 + 9 * 9  # every anchor and every alias, each at its place
    # The same through a patient file.
    patient = tmp_path / "patient.yaml"
    patient.write_text(billion_laughs())
    assert {d.code for d in patient_errors(patient, megabytes=8)} == {"SPX103"}


def test_a_python_tag_never_runs_anything(tmp_path: Path) -> None:
    witness = tmp_path / "pwned"
    payloads = [
        f"!!python/object/apply:os.system ['touch {witness}']\n",
        f"stage: !!python/object/apply:subprocess.check_call [['touch', '{witness}']]\n",
        f"!!python/object/new:os.system ['touch {witness}']\n",
        "!!python/module:spinedx_sentinel_never_imported\n",
        "!!python/name:spinedx_sentinel_never_imported.x\n",
    ]
    for payload in payloads:
        folder = write_pathway(tmp_path / str(len(payload)), payload)
        assert "SPX105" in {d.code for d in pathway_errors(folder)}
        patient = folder / "patient.yaml"
        patient.write_text(payload)
        assert "SPX105" in {d.code for d in patient_errors(patient)}
    assert not witness.exists()
    assert "spinedx_sentinel_never_imported" not in sys.modules


@pytest.mark.parametrize("size", [6 * MB, 50 * MB])
def test_an_oversized_file_is_refused_unread(tmp_path: Path, size: int) -> None:
    folder = write_pathway(tmp_path)
    with (folder / "history.yaml").open("wb") as stream:
        stream.truncate(size)  # sparse: the size is real, the disk is not used
    errors = pathway_errors(folder, megabytes=16)
    assert located(errors) == [("SPX108", "history.yaml", 1, 1)]
    assert errors[0].message == f"the file has {size} bytes; the limit is {MAX_FILE_BYTES}"
    assert errors[0].hint == "split the pathway into smaller stage files"
    assert located(patient_errors(folder / "history.yaml", megabytes=16)) == [
        ("SPX108", "history.yaml", 1, 1)
    ]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_stream_is_refused_as_not_a_file_without_reading_it() -> None:
    # A device reports size 0 and never ends; it is refused from its descriptor
    # before a byte is read (it used to be read up to the size limit).
    errors = patient_errors(Path("/dev/zero"), megabytes=1)
    assert [(d.code, d.span.line, d.span.column) for d in errors] == [("SPX100", 1, 1)]
    assert "not a regular file" in errors[0].message


def test_a_bom_is_accepted_and_positions_are_unchanged(tmp_path: Path) -> None:
    assert load_pathway(write_pathway(tmp_path / "ok", "\ufeff" + STAGE)).id == "hostile"
    broken = stage_with("then: suspect", "then: nowhere")
    plain = located(pathway_errors(write_pathway(tmp_path / "plain", broken)))
    with_bom = located(pathway_errors(write_pathway(tmp_path / "bom", "\ufeff" + broken)))
    assert with_bom == plain
    assert plain[0] == ("SPX301", "history.yaml", 8, 15)


def test_a_bad_byte_after_a_bom_is_named_at_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "patient.yaml"
    for prefix in (b"", b"\xef\xbb\xbf"):
        path.write_bytes(prefix + b"sex: female\npatient_id: caf\xe9\n")
        [error] = patient_errors(path)
        assert (error.code, error.span.line, error.span.column) == ("SPX109", 2, 16)
        assert error.message == f"byte 0xe9 at offset {len(prefix) + 27} is not valid UTF-8"


@given(data=st.binary(max_size=64))
def test_any_bytes_after_a_bom_give_diagnostics_never_an_exception(data: bytes) -> None:
    tree, diagnostics = parse_yaml(b"\xef\xbb\xbf" + data, "t.yaml")
    assert tree is not None or diagnostics


def test_crlf_line_ends_are_accepted_with_correct_positions(tmp_path: Path) -> None:
    crlf = STAGE.replace("\n", "\r\n")
    assert load_pathway(write_pathway(tmp_path / "ok", crlf)).id == "hostile"
    broken = stage_with("then: suspect", "then: nowhere").replace("\n", "\r\n")
    errors = pathway_errors(write_pathway(tmp_path / "crlf", broken))
    assert located(errors)[0] == ("SPX301", "history.yaml", 8, 15)
    mixed = stage_with("value: true", "value: yes").replace("\n", "\r\n", 5)
    assert located(pathway_errors(write_pathway(tmp_path / "mixed", mixed)))[0] == (
        "SPX106",
        "history.yaml",
        12,
        12,
    )


def test_a_long_comment_line_is_fine_and_fast(tmp_path: Path) -> None:
    folder = write_pathway(tmp_path, "# " + "x" * 4_000_000 + "\n" + STAGE)
    with bounded(megabytes=64):
        assert load_pathway(folder).id == "hostile"


def test_duplicate_keys_in_the_manifest_at_every_level(tmp_path: Path) -> None:
    cases = [
        (MANIFEST + "id: again\n", (10, 1)),
        (MANIFEST.replace("{type: bool}", "{type: bool, type: enum}"), (7, 34)),
        (MANIFEST + "  guide: {title: Again}\n", (10, 3)),
        (MANIFEST.replace("[history]", "[{id: history, id: history}]"), (5, 24)),
    ]
    for index, (manifest, (line, column)) in enumerate(cases):
        folder = write_pathway(tmp_path / str(index), manifest=manifest)
        errors = located(pathway_errors(folder))
        assert errors[0] == ("SPX102", "pathway.yaml", line, column), errors


def test_a_manifest_that_is_a_list_or_a_scalar_is_refused(tmp_path: Path) -> None:
    for index, text in enumerate(["- id: x\n", "hostile\n", "", "!!python/none ''\n"]):
        folder = write_pathway(tmp_path / str(index), manifest=text)
        errors = located(pathway_errors(folder))
        assert errors[0][1:] == ("pathway.yaml", 1, 1), errors
        assert errors[0][0] in {"SPX201", "SPX208", "SPX105"}


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000,
        "a:\n  b: [{c: [" + "[" * 5_000,
        "a: ['[[[[', " + "[" * 2_000,
        'x: ["a\\"[", # [[[\n ' + "[ " * 3_000,
        "[it's, " + "[" * 3_000,
        "{a: " * 10_000,
    ],
    ids=["run", "after-blocks", "quoted-brackets", "escapes-and-comment", "apostrophe", "maps"],
)
def test_both_yaml_parsers_put_too_deep_at_the_same_bracket(text: str) -> None:
    # libyaml reads runs of '[' ahead to its own limit of 1000 levels; the
    # diagnostic must still name the bracket that passed spinedx's 64.
    import yaml  # noqa: PLC0415 - only this test swaps the parser

    from spinedx._documents import strict_yaml as _yaml  # noqa: PLC0415

    found = []
    saved = _yaml._LOADER
    try:
        for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            _yaml._LOADER = loader
            # Linear in the text: the pure-Python scanner reads the brackets ahead, each a
            # token of up to ~18 calls; a rescan per bracket would be millions.
            with bounded(calls=50 * len(text)):
                _, diagnostics = _yaml.parse_yaml(text, "t.yaml")
            found.append([(d.code, d.span.line, d.span.column) for d in diagnostics])
    finally:
        _yaml._LOADER = saved
    assert found[0] == found[1]
    [(code, line, column)] = found[0]
    opened = text.splitlines()[line - 1][: column - 1]
    assert code == "SPX110"
    assert text.splitlines()[line - 1][column - 1] in "[{"
    assert opened.count("[") + opened.count("{") >= MAX_DEPTH - 2


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs named pipes")
def test_a_manifest_that_is_a_device_or_a_pipe_is_refused_unopened(tmp_path: Path) -> None:
    import os  # noqa: PLC0415 - only this test makes a pipe

    pipe = tmp_path / "pathway.yaml"
    os.mkfifo(pipe)  # opening it for reading would wait for a writer forever
    for target in (tmp_path, pipe, Path("/dev/zero")):
        if not target.exists():
            continue
        errors = pathway_errors(target)
        assert [(d.code, d.span.line, d.span.column) for d in errors] == [("SPX100", 1, 1)]
        assert "not a regular file" in errors[0].message
    done = cli("validate", tmp_path)
    assert (done.returncode, "Traceback" in done.stderr) == (1, False)
    assert "SPX100 the file cannot be read: it is not a regular file" in done.stderr


def test_a_stage_file_linked_from_outside_the_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n")
    folder = write_pathway(tmp_path / "pathway")
    (folder / "history.yaml").unlink()
    (folder / "history.yaml").symlink_to(secret)
    errors = pathway_errors(folder)
    assert located(errors) == [("SPX206", "pathway.yaml", 5, 10)]
    assert "outside the pathway folder" in errors[0].message
    rendered = PathwayError(errors).render()
    assert "hunter2" not in rendered
    # A link that stays inside the folder is fine.
    (folder / "history.yaml").unlink()
    (folder / "shared.yaml").write_text(STAGE)
    (folder / "history.yaml").symlink_to(folder / "shared.yaml")
    assert load_pathway(folder).id == "hostile"


def test_excerpts_are_never_read_from_devices_pipes_or_huge_files(tmp_path: Path) -> None:
    from spinedx._diagnostics.diagnostics import Span, diagnostic, render  # noqa: PLC0415

    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as stream:
        stream.truncate(64 * MB)
    for file in (str(huge), "/dev/zero"):
        shown = diagnostic("SPX108", "too large", Span.at(file, 1, 1))
        with bounded(megabytes=16):
            assert render(shown) == f"{file}:1:1: SPX108 too large"


def test_excerpts_break_lines_where_yaml_does(tmp_path: Path) -> None:
    # A lone CR ends a line for YAML; the excerpt must show the line the position names.
    # (NEL and U+2028/U+2029, line breaks to YAML 1.1 only, are refused: SPX112.)
    folder = write_pathway(tmp_path, STAGE.replace("    value: true\n", "\r    value: yes\n"))
    with pytest.raises(PathwayError) as caught:
        load_pathway(folder)
    [error] = [d for d in caught.value.diagnostics if d.is_error]
    assert (error.code, error.span.line, error.span.column) == ("SPX106", 13, 12)
    assert "13 |     value: yes" in caught.value.render()


# ------------------------------------------------------ hostile YAML: patient files

HOSTILE_PATIENTS: list[tuple[str, Callable[[], str | bytes], tuple[str, int, int]]] = [
    ("alias", lambda: "history: &h {night_pain: true}\nexam: *h\n", ("SPX103", 1, 10)),
    ("merge", lambda: "history:\n  <<: {night_pain: true}\n", ("SPX104", 2, 3)),
    ("tag", lambda: "history:\n  night_pain: !!bool 'true'\n", ("SPX105", 2, 15)),
    ("deep", lambda: "history: " + "[" * 10_000, ("SPX110", 1, 10 + MAX_DEPTH - 1)),
    ("nul", lambda: b"history:\n  night_pain: tr\x00ue\n", ("SPX109", 2, 17)),
    ("invalid-utf8", lambda: b"patient_id: M\xfcller\n", ("SPX109", 1, 14)),
    ("bom-then-invalid-utf8", lambda: b"\xef\xbb\xbfpatient_id: M\xfcller\n", ("SPX109", 1, 14)),
    ("tab", lambda: "history:\n\tnight_pain: true\n", ("SPX101", 2, 1)),
    ("duplicate-top", lambda: "sex: male\nsex: female\n", ("SPX102", 2, 1)),
    (
        "duplicate-nested",
        lambda: "exam:\n  left_leg:\n    strength: 4\n    strength: 5\n",
        ("SPX102", 4, 5),
    ),
    (
        "duplicate-in-list",
        lambda: "imaging:\n  studies:\n    - modality: mri\n      modality: ct\n",
        ("SPX102", 4, 7),
    ),
    ("yes-no", lambda: "history:\n  night_pain: no\n", ("SPX106", 2, 15)),
    ("on-off", lambda: "history:\n  weight_loss: ON\n", ("SPX106", 2, 16)),
    ("sexagesimal", lambda: "history:\n  pain_duration_weeks: 12:30\n", ("SPX107", 2, 24)),
    ("octal", lambda: "exam:\n  left_leg: {strength: 04}\n", ("SPX107", 2, 24)),
    ("empty", lambda: "", ("SPX208", 1, 1)),
    ("a-list", lambda: "- history: {}\n", ("SPX501", 1, 1)),
    ("a-scalar", lambda: "patient 42\n", ("SPX501", 1, 1)),
    # YAML allows keys of at most 1024 characters: a longer one is a syntax error.
    ("very-long-key", lambda: "x" * 1_000_000 + ": 1\n", ("SPX101", 1, 1_000_001)),
    ("very-long-value", lambda: "patient_id: " + "x" * 4_000_000 + "\nsex: 1\n", ("SPX501", 2, 6)),
]


@pytest.mark.parametrize(
    ("make", "expected"),
    [pytest.param(make, expected, id=name) for name, make, expected in HOSTILE_PATIENTS],
)
def test_hostile_patient_file_is_refused_at_its_place(
    tmp_path: Path, make: Callable[[], str | bytes], expected: tuple[str, int, int]
) -> None:
    path = tmp_path / "patient.yaml"
    content = make()
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    errors = patient_errors(path, megabytes=64)
    code, line, column = expected
    assert located(errors)[0] == (code, "patient.yaml", line, column), located(errors)


def test_12_30_never_becomes_750_anywhere(tmp_path: Path) -> None:
    path = tmp_path / "patient.yaml"
    path.write_text("history:\n  pain_duration_weeks: 12:30\n")
    [error] = patient_errors(path)
    assert "'12:30' is a base-60 number to YAML 1.1, not a time" in error.message
    assert "750" not in error.message
    path.write_text("history:\n  pain_duration_weeks: '12:30'\n")  # quoted: text, wrong type
    [error] = patient_errors(path)
    assert (error.code, error.path) == ("SPX501", ("history", "pain_duration_weeks"))
    assert "must be a number, found the text '12:30'" in error.message


def test_crlf_and_bom_patient_files_keep_line_numbers(tmp_path: Path) -> None:
    text = "sex: female\nexam:\n  left_leg:\n    strength: 7\n"
    for name, data in [
        ("lf", text.encode()),
        ("crlf", text.replace("\n", "\r\n").encode()),
        ("bom", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()),
    ]:
        path = tmp_path / f"{name}.yaml"
        path.write_bytes(data)
        [error] = patient_errors(path)
        assert (error.code, error.span.line, error.span.column) == ("SPX501", 4, 15), name
    ok = tmp_path / "ok.yaml"
    ok.write_bytes(b"\xef\xbb\xbfsex: female\r\nexam:\r\n  left_leg: {strength: 4}\r\n")
    patient = load_patient(ok)
    assert isinstance(patient, Patient)
    assert patient.exam.left_leg.strength == 4


# ------------------------------------------------------------ hostile conditions

# (condition, code, offset inside the condition of the first problem)
HOSTILE_CONDITIONS: list[tuple[str, str, int]] = [
    ("history.__class__", "SPX402", 8),
    ("history.age.__globals__", "SPX402", 12),
    ("history.mro", "SPX402", 8),
    ("history.__dict__", "SPX402", 8),
    ("facts.__class__", "SPX402", 6),
    ("history.night_pain.__class__.__subclasses__()", "SPX402", 0),
    ("__builtins__", "SPX402", 0),
    ("open('/etc/passwd')", "SPX404", 0),
    ("eval('1 == 1')", "SPX404", 0),
    ("exec('import os')", "SPX404", 0),
    ("getattr(history, 'age') > 1", "SPX404", 0),
    ("breakpoint()", "SPX404", 0),
    ("__import__('os').system('true')", "SPX402", 0),
    ("history.age.bit_length() > 1", "SPX402", 0),
    ("lambda: history.night_pain", "SPX402", 0),
    ("(lambda: history.night_pain)()", "SPX402", 1),
    ("[c for c in history.cancers]", "SPX402", 0),
    ("{c for c in history.cancers}", "SPX402", 0),
    ("any(x for x in range(10))", "SPX404", 15),
    ("any(c for c in [1, 2])", "SPX408", 15),
    ("any(c.active for c in history.cancers if c.active)", "SPX402", 41),
    ("f'{history.age}' == '50'", "SPX402", 0),
    ("(x := history.age) > 1", "SPX402", 1),
    ("history.age if history.night_pain else 1", "SPX402", 0),
    ("history.cancers[0].active", "SPX402", 0),
    ("history.age > 1 and (yield)", "SPX402", 21),
    ("history.age is None", "SPX402", 12),
    ("history.age > " + "9" * 30, "SPX409", 14),
    ("history.age > " + "9" * 1980, "SPX409", 14),
    (" or ".join(["history.night_pain"] * 10_000), "SPX409", 0),
    ("(" * 10_000 + "history.night_pain" + ")" * 10_000, "SPX409", 0),
    ("(" * 50 + "history.night_pain" + ")" * 50, "SPX409", 40),
    ("not " * 450 + "history.night_pain", "SPX409", 160),
    ("history.age > " + "+".join(["1"] * 500), "SPX409", 936),
    ("history.age in " + "[" * 45 + "1" + "]" * 45, "SPX409", 55),
]


class _Spy(BaseModel):
    """A record whose every non-field member leaves a trace if anything touches it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    touched: ClassVar[list[str]] = []

    flag: bool | None = Field(None, description="A plain field.")

    @property
    def boom(self) -> bool:
        _Spy.touched.append("boom")
        return True

    def run(self) -> bool:
        _Spy.touched.append("run")
        return True


@pytest.mark.parametrize(
    ("condition", "code", "offset"),
    HOSTILE_CONDITIONS,
    ids=[f"{i:02d}-{c[:24]}" for i, (c, _, _) in enumerate(HOSTILE_CONDITIONS)],
)
def test_hostile_condition_is_refused_inside_the_expression(
    tmp_path: Path, condition: str, code: str, offset: int
) -> None:
    assert '"' not in condition  # written inside double quotes
    assert "\\" not in condition
    folder = write_pathway(tmp_path, stage_with("history.cancer_history", condition))
    errors = [d for d in pathway_errors(folder) if d.is_error]
    first = errors[0]
    assert (first.code, Path(first.span.file).name) == (code, "history.yaml"), located(errors)
    assert (first.span.line, first.span.column) == (WHEN_LINE, WHEN_COLUMN + offset)
    for d in errors:  # every problem lies inside the quoted condition on its line
        assert d.span.line == WHEN_LINE
        assert WHEN_COLUMN <= d.span.column <= WHEN_COLUMN + len(condition)


def test_a_condition_in_single_quotes_with_escapes_keeps_exact_columns(tmp_path: Path) -> None:
    stage = stage_with('"history.cancer_history"', "'open(''x'') or history.__class__'")
    errors = pathway_errors(write_pathway(tmp_path, stage))
    column = WHEN_COLUMN  # the quote is where the double quote was
    errors = [d for d in errors if d.is_error]
    assert located(errors) == [
        ("SPX404", "history.yaml", WHEN_LINE, column),
        ("SPX402", "history.yaml", WHEN_LINE, column + len("open(''x'') or history.")),
    ]
    assert [d.span.end_column - d.span.column for d in errors] == [4, 9]


def test_no_condition_is_ever_executed(tmp_path: Path) -> None:
    witness = tmp_path / "executed"
    module = "spinedx_sentinel_module_never_imported"
    hostile = [
        f"__import__('os').system('touch {witness}')",
        f"open('{witness}', 'w')",
        f"__import__('{module}')",
        f"().__class__.__base__.__subclasses__()[0]('{module}')",
        f"[x for x in __import__('{module}').path]",
        f"(lambda: open('{witness}', 'w'))()",
        "boom",
        "run()",
        "flag.__class__",
        "boom and flag",
        "flag and run() == true",
    ]
    manifest = MANIFEST.replace("record: tests.mini\n", "")
    for index, condition in enumerate(hostile):
        folder = write_pathway(
            tmp_path / str(index),
            stage_with('"history.cancer_history"', "'" + condition.replace("'", "''") + "'"),
            manifest=manifest,
        )
        with bounded(), pytest.raises(PathwayError) as caught:
            load_pathway(folder, record=_Spy)
        assert all(d.span.line == WHEN_LINE for d in caught.value.diagnostics if d.is_error)
    # A valid condition over the same record reads the field and nothing else.
    folder = write_pathway(
        tmp_path / "valid", stage_with("history.cancer_history", "flag"), manifest=manifest
    )
    pathway = load_pathway(folder, record=_Spy)
    assert [r.id for r in pathway.evaluate(_Spy(flag=True)).recommendations] == []
    assert not witness.exists()
    assert module not in sys.modules
    assert _Spy.touched == []


# ------------------------------------------------------------ broken patient records

# (id, YAML text, the same as plain data, field path, words of the expectation, line, column)
BROKEN_RECORDS: list[tuple[str, str, dict[str, object], tuple[str | int, ...], str, int, int]] = [
    (
        "mrc-7",
        "exam:\n  left_leg:\n    strength: 7\n",
        {"exam": {"left_leg": {"strength": 7}}},
        ("exam", "left_leg", "strength"),
        "less than or equal to 5",
        3,
        15,
    ),
    (
        "negative-platelets",
        "labs:\n  platelets: {value: -20}\n",
        {"labs": {"platelets": {"value": -20}}},
        ("labs", "platelets", "value"),
        "outside the plausible range 0–2000",
        2,
        22,
    ),
    (
        "egfr-900",
        "labs:\n  egfr:\n    value: 900\n",
        {"labs": {"egfr": {"value": 900}}},
        ("labs", "egfr", "value"),
        "outside the plausible range 0–200",
        3,
        12,
    ),
    (
        "unknown-enum",
        "sex: femal\n",
        {"sex": "femal"},
        ("sex",),
        "'female', 'male' or 'other'",
        1,
        6,
    ),
    (
        "unknown-enum-nested",
        "imaging:\n  studies:\n    - modality: photograph\n",
        {"imaging": {"studies": [{"modality": "photograph"}]}},
        ("imaging", "studies", 0, "modality"),
        "input should be",
        3,
        17,
    ),
    (
        "unknown-key",
        "history:\n  nite_pain: true\n",
        {"history": {"nite_pain": True}},
        ("history", "nite_pain"),
        "unknown key 'history.nite_pain'",
        2,
        3,
    ),
    (
        "unknown-section",
        "histroy: {}\n",
        {"histroy": {}},
        ("histroy",),
        "unknown key 'histroy'",
        1,
        1,
    ),
    (
        "text-for-a-flag",
        "history:\n  night_pain: 'true'\n",
        {"history": {"night_pain": "true"}},
        ("history", "night_pain"),
        "must be true or false, found the text 'true'",
        2,
        15,
    ),
    (
        "text-for-a-number",
        "exam:\n  left_leg: {strength: '4'}\n",
        {"exam": {"left_leg": {"strength": "4"}}},
        ("exam", "left_leg", "strength"),
        "must be a whole number, found the text '4'",
        2,
        24,
    ),
    (
        "list-for-a-section",
        "history: [night_pain]\n",
        {"history": ["night_pain"]},
        ("history",),
        "must be a mapping of keys to values, found a list",
        1,
        10,
    ),
    (
        "date-after-the-assessment",
        "assessed_on: 2024-03-01\nimaging:\n  studies:\n"
        "    - {modality: mri, performed_on: 2031-01-01}\n",
        {
            "assessed_on": "2024-03-01",
            "imaging": {"studies": [{"modality": "mri", "performed_on": "2031-01-01"}]},
        },
        ("imaging", "studies", 0, "performed_on"),
        "2031-01-01 is after the assessment date 2024-03-01",
        4,
        37,
    ),
    (
        "impossible-date",
        "date_of_birth: 1960-02-30\n",
        {"date_of_birth": "1960-02-30"},
        ("date_of_birth",),
        "must be a real date written YYYY-MM-DD",
        1,
        16,
    ),
    (
        "biopsy-result-without-biopsy",
        "biopsy:\n  biopsies:\n    - performed: false\n      result: diagnostic\n",
        {"biopsy": {"biopsies": [{"performed": False, "result": "diagnostic"}]}},
        ("biopsy", "biopsies", 0, "result"),
        "'result' is given but 'performed' is false",
        4,
        15,
    ),
    (
        "list-in-a-list",
        "history:\n  cancers:\n    - [[]]\n",
        {"history": {"cancers": [[[]]]}},
        ("history", "cancers", 0),
        "must be a mapping of keys to values, found a list",
        3,
        7,
    ),
]


@pytest.mark.parametrize(
    ("text", "data", "path", "words", "line", "column"),
    [pytest.param(*case[1:], id=case[0]) for case in BROKEN_RECORDS],
)
def test_broken_record_names_the_field_and_the_expectation(
    tmp_path: Path,
    text: str,
    data: dict[str, object],
    path: tuple[str | int, ...],
    words: str,
    line: int,
    column: int,
) -> None:
    file = tmp_path / "patient.yaml"
    file.write_text(text, encoding="utf-8")
    from_file = patient_errors(file)
    assert from_file[0].code == "SPX501"
    assert from_file[0].path == path
    assert words in from_file[0].message
    assert (from_file[0].span.file, from_file[0].span.line, from_file[0].span.column) == (
        str(file),
        line,
        column,
    )
    given_data = copy.deepcopy(data)
    with bounded(), pytest.raises(PatientError) as caught:
        SHIPPED_PATHWAY.evaluate(data)
    assert data == given_data, "validation must not change the caller's data"
    from_dict = caught.value.diagnostics[0]
    assert (from_dict.code, from_dict.path) == ("SPX501", path)
    assert words in from_dict.message


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in BROKEN_RECORDS
        if c[0]
        in {
            "mrc-7",
            "negative-platelets",
            "egfr-900",
            "unknown-enum",
            "unknown-key",
            "text-for-a-flag",
            "date-after-the-assessment",
            "biopsy-result-without-biopsy",
        }
    ],
    ids=lambda case: case[0],
)
def test_broken_record_on_the_command_line_exits_1_without_traceback(
    tmp_path: Path, case: tuple[str, str, dict[str, object], tuple[str | int, ...], str, int, int]
) -> None:
    _, text, _, path, words, line, column = case
    file = tmp_path / "patient.yaml"
    file.write_text(text, encoding="utf-8")
    done = cli("evaluate", SHIPPED, file)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert f"patient.yaml:{line}:{column}: SPX501" in done.stderr
    assert words in done.stderr
    assert str(path[-1]) in done.stderr


def deep_dict(levels: int) -> dict[str, object]:
    data: dict[str, object] = {}
    current = data
    for _ in range(levels):
        current["history"] = {}
        current = current["history"]  # type: ignore[assignment]
    return data


def shared_lists(levels: int) -> list[object]:
    data: list[object] = []
    for _ in range(levels):
        data = [data, data]  # 2**levels leaves, in a few hundred bytes
    return data


@pytest.mark.parametrize(
    ("data", "words"),
    [
        pytest.param(deep_dict(5_000), f"nests deeper than {MAX_DEPTH} levels", id="deep-dict"),
        pytest.param(
            {"history": {"cancers": shared_lists(60)}},
            f"more than {MAX_RECORD_VALUES} values",
            id="shared-lists",
        ),
        pytest.param({"age_years": 10**5000}, "cannot be read as data", id="huge-int"),
        pytest.param({"sex": object()}, "object is not record data", id="an-object"),
        pytest.param({("a", 1): 1}, "cannot be read as data", id="tuple-key"),
        pytest.param({"labs": {"crp": {"value": float("nan")}}}, "finite number", id="nan"),
        pytest.param({"labs": {"crp": {"value": float("inf")}}}, "finite number", id="inf"),
        pytest.param([1, 2, 3], "must be a mapping", id="a-list"),
        pytest.param(None, "must be a mapping", id="none"),
    ],
)
def test_hostile_plain_data_is_a_patient_error(data: object, words: str) -> None:
    # At most MAX_RECORD_VALUES values are visited, each a few calls (shared-lists has 2**60).
    with bounded(calls=30 * MAX_RECORD_VALUES, megabytes=64), pytest.raises(PatientError) as caught:
        SHIPPED_PATHWAY.evaluate(data)  # type: ignore[arg-type]
    assert [d.code for d in caught.value.diagnostics] == ["SPX501"]
    assert words in caught.value.diagnostics[0].message


def test_plain_data_nests_as_deep_as_a_yaml_file_may() -> None:
    # 64 mappings inside each other, as in a file: refused by the record model, not the limit.
    with pytest.raises(PatientError) as caught:
        SHIPPED_PATHWAY.evaluate(deep_dict(MAX_DEPTH - 1))
    assert "nests deeper" not in caught.value.diagnostics[0].message
    with pytest.raises(PatientError) as caught:
        SHIPPED_PATHWAY.evaluate(deep_dict(MAX_DEPTH))
    [error] = caught.value.diagnostics
    assert error.message == f"the record nests deeper than {MAX_DEPTH} levels"
    assert error.path == ("history",) * MAX_DEPTH


def test_a_cyclic_record_is_a_patient_error() -> None:
    cyclic: dict[str, object] = {}
    cyclic["history"] = cyclic
    with bounded(), pytest.raises(PatientError):
        SHIPPED_PATHWAY.evaluate(cyclic)


def test_a_mapping_that_is_not_a_dict_is_read_as_a_record() -> None:
    from types import MappingProxyType  # noqa: PLC0415 - only this test needs it

    result = SHIPPED_PATHWAY.evaluate(MappingProxyType({"sex": "female", "history": {}}))
    assert result.pathway.id == SHIPPED_PATHWAY.id


# ------------------------------------------------------------ the command line


def test_hostile_pathway_on_the_command_line_exits_1_without_traceback(tmp_path: Path) -> None:
    # The child process has only the registered models of spinedx itself.
    manifest = MANIFEST.replace("tests.mini", "spinedx.patient")
    folder = write_pathway(tmp_path / "ok", manifest=manifest)
    assert cli("validate", folder).returncode == 0
    tag = "!!python/object/apply:os.system ['true']\n"
    folder = write_pathway(tmp_path / "tag", tag, manifest=manifest)
    done = cli("validate", folder)
    assert (done.returncode, "Traceback" in done.stderr) == (1, False)
    assert "history.yaml:1:1: SPX105 the explicit tag" in done.stderr
    deep = write_pathway(tmp_path / "deep", "[" * 10_000, manifest=manifest)
    done = cli("validate", deep, "--format", "json")
    assert (done.returncode, "Traceback" in done.stderr) == (1, False)
    assert '"code": "SPX110"' in done.stdout


@pytest.mark.parametrize(
    ("content", "code"),
    [
        pytest.param(billion_laughs(), "SPX103", id="bomb"),
        pytest.param("history: " + "[" * 10_000, "SPX110", id="deep"),
        pytest.param(b"\xff\xfe\x00\x00", "SPX109", id="binary"),
        pytest.param("- just\n- a list\n", "SPX501", id="a-list"),
        pytest.param("", "SPX208", id="empty"),
    ],
)
def test_hostile_patient_file_on_the_command_line(
    tmp_path: Path, content: str | bytes, code: str
) -> None:
    file = tmp_path / "patient.yaml"
    if isinstance(content, bytes):
        file.write_bytes(content)
    else:
        file.write_text(content)
    done = cli("evaluate", SHIPPED, file)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert re.search(rf"patient\.yaml:\d+:\d+: {code}", done.stderr), done.stderr


def test_an_oversized_patient_file_on_the_command_line(tmp_path: Path) -> None:
    file = tmp_path / "patient.yaml"
    with file.open("wb") as stream:
        stream.truncate(50 * MB)
    done = cli("evaluate", SHIPPED, file)
    assert (done.returncode, "Traceback" in done.stderr) == (1, False)
    assert f"patient.yaml:1:1: SPX108 the file has {50 * MB} bytes" in done.stderr


# ------------------------------------------- properties: mutated shipped pathway files


def yaml_lines(text: str) -> list[str]:
    """Lines as YAML counts them: CR LF, CR, LF, NEL, LS and PS each end one."""
    return re.split("\r\n|[\r\n\x85\u2028\u2029]", text)


def assert_spans_inside(diagnostics: tuple[Diagnostic, ...], folder: Path) -> None:
    for d in diagnostics:
        path = Path(d.span.file)
        assert path.parent == folder, d
        lines = yaml_lines(path.read_text(encoding="utf-8-sig")) if path.is_file() else [""]
        span = d.span
        assert 1 <= span.line <= len(lines), d
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1, d
        assert (span.line, span.column) <= (span.end_line, span.end_column), d
        assert span.end_line <= len(lines), d


SHIPPED_FILES = sorted(path.name for path in SHIPPED.glob("*.yaml"))


@functools.cache
def calls_to_load_the_shipped_pathway() -> int:
    """The calls to load, check and evaluate the unmutated pathway: the unit of work below."""
    with bounded(calls=10**9) as work:
        load_pathway(SHIPPED).evaluate(Patient())
    return work.calls


HOSTILE_VALUES = [
    "yes", "no", "12:30", "0755", "0x1F", "1e3", ".nan", "~", "''", "[]", "{}", "[[[",
    "{a: 1, a: 2}", "&anchor x", "*alias", "!!python/object/apply:os.system ['true']", "!tag x",
    "-1", "7", "1" * 40, "true", "'history.__class__'", "'open(1)'", "'(' * 50", '"\\t"', "end",
    "[end]", "{when: 'true', then: end}", "|\n  text", "- a\n- b",
]  # fmt: skip
KEY_LIKE = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w-]*):(.*)$")


@st.composite
def mutations(draw: st.DrawFn, text: str) -> str:
    """One to three edits of a YAML text: drop, duplicate, retype, rename, swap, indent."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        kind = draw(st.sampled_from(["drop", "duplicate", "retype", "rename", "swap", "indent"]))
        match = KEY_LIKE.match(line)
        if kind == "drop":
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, line)
        elif kind == "retype" and match:
            lines[index] = f"{match[1]}{match[2]}: {draw(st.sampled_from(HOSTILE_VALUES))}"
        elif kind == "rename" and match:
            name = draw(
                st.sampled_from(["when", "then", "decide", "end", "stage", "x", match[2] * 2])
            )
            lines[index] = f"{match[1]}{name}:{match[3]}"
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif kind == "indent":
            lines[index] = draw(st.sampled_from([" ", "  ", "\t", "    "])) + line
        if not lines:
            lines = [""]
    return "\n".join(lines)


@settings(
    max_examples=max(30, settings.default.max_examples // 3),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), name=st.sampled_from(SHIPPED_FILES))
def test_mutated_shipped_files_raise_only_located_pathway_errors(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, name: str
) -> None:
    folder = tmp_path_factory.mktemp("mutated")
    for path in SHIPPED.glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    original = (SHIPPED / name).read_text(encoding="utf-8")
    mutated = data.draw(mutations(original), label="mutated")
    (folder / name).write_text(mutated, encoding="utf-8")
    # A few edited lines never cost more than a few loads of the whole original pathway.
    with bounded(calls=5 * calls_to_load_the_shipped_pathway()):
        try:
            pathway = load_pathway(folder)
        except PathwayError as error:
            assert error.diagnostics
            assert any(d.is_error for d in error.diagnostics)
            assert_spans_inside(error.diagnostics, folder)
            assert str(error).split(" ", 1)[0].isdigit()
            error.render()  # rendering every diagnostic with its excerpt never fails
        else:  # a harmless edit (a blank or a comment line): the pathway must still work
            assert_spans_inside(pathway.warnings, folder)
            pathway.evaluate(Patient())
