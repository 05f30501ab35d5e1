"""Hostile files and folders: unreadable places, swapped links, huge bad files, invisible breaks.

Each case goes through the public entry points (``check_pathway``,
``load_pathway``, ``load_patient``, ``load_scenarios``) and, where a command
exists, through the command line run in this process. Tests run as root, where
``chmod`` denies nothing, so a folder without permission is simulated by
making the operating system calls fail as they would. Work is bounded by
counting (comparisons, splits, file opens) and by ``tracemalloc`` peaks, never
by the clock.
"""

from __future__ import annotations

import difflib
import errno
import io
import os
import shutil
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from spinedx import PathwayError, PatientError, check_pathway, load_pathway, load_patient
from spinedx._authoring.scenarios import load_scenarios
from spinedx._cli.app import main
from spinedx._diagnostics.diagnostics import Diagnostic, Span, diagnostic, render_all
from spinedx._documents import strict_yaml as _yaml
from spinedx._documents.strict_yaml import MAX_FILE_BYTES, parse_yaml
from tests.paths import MINI

MB = 1024 * 1024


def copy_mini(folder: Path) -> Path:
    shutil.copytree(MINI, folder)
    return folder


def located(
    diagnostics: list[Diagnostic] | tuple[Diagnostic, ...],
) -> list[tuple[str, str, int, int]]:
    return [(d.code, Path(d.span.file).name, d.span.line, d.span.column) for d in diagnostics]


def errors_of(folder: Path) -> list[Diagnostic]:
    return [d for d in check_pathway(folder) if d.is_error]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    status = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# ------------------------------------------------ 7. folders without permission


def _inside(path: object, folder: Path, *, follow: bool = False) -> bool:
    """Whether ``path`` is inside ``folder``; with ``follow``, also where a link there leads.

    Paths are joined as text: the calls that ask the file system are the ones
    the lock replaces, so only the saved originals are used here.
    """
    if isinstance(path, int):  # a descriptor: already opened, so already allowed
        return False
    given = Path.cwd() / os.fsdecode(os.fspath(path))  # type: ignore[arg-type]
    if given.is_relative_to(folder) and given != folder:
        return True
    if follow and REAL_ISLINK(given):
        return (given.parent / REAL_READLINK(given)).is_relative_to(folder)
    return False


REAL_ISLINK = os.path.islink
REAL_READLINK = os.readlink


def _denied(path: object) -> PermissionError:
    return PermissionError(errno.EACCES, "Permission denied", str(path))


@pytest.fixture
def lock(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """``lock(folder)`` makes the folder behave as if it had mode 000 for the caller.

    Its own entry can still be looked at (its parent is readable), but it
    cannot be listed, and nothing inside it can be looked at or opened.
    """

    def apply(folder: Path) -> None:
        folder = folder.absolute()

        def guard(
            real: Callable[..., object], *, follow: bool = False, listing: bool = False
        ) -> Callable[..., object]:
            def call(path: object = ".", *args: object, **kwargs: object) -> object:
                listed = listing and _inside(Path(str(path)) / "x", folder)
                if listed or _inside(path, folder, follow=follow):
                    raise _denied(path)
                return real(path, *args, **kwargs)

            return call

        for name in ("lstat", "readlink"):
            monkeypatch.setattr(os, name, guard(getattr(os, name)))
        for name in ("stat", "open"):
            monkeypatch.setattr(os, name, guard(getattr(os, name), follow=True))
        for name in ("listdir", "scandir"):
            monkeypatch.setattr(os, name, guard(getattr(os, name), listing=True))
        monkeypatch.setattr(io, "open", guard(io.open, follow=True))

    return apply


def test_an_unreadable_pathway_folder_is_a_located_diagnostic(
    tmp_path: Path, lock: Callable[[Path], None]
) -> None:
    folder = copy_mini(tmp_path / "mini")
    lock(folder)
    found = check_pathway(folder)
    assert located(found) == [("SPX100", "pathway.yaml", 1, 1)]
    assert "Permission denied" in found[0].message
    with pytest.raises(PathwayError):
        load_pathway(folder)
    with pytest.raises(PathwayError):
        load_pathway(folder / "pathway.yaml")


def test_an_unreadable_stage_file_is_a_located_diagnostic(
    tmp_path: Path, lock: Callable[[Path], None]
) -> None:
    # The stage file is a link into a folder inside the pathway that cannot be searched.
    folder = copy_mini(tmp_path / "mini")
    (folder / "locked").mkdir()
    (folder / "history.yaml").rename(folder / "locked" / "history.yaml")
    (folder / "history.yaml").symlink_to(Path("locked") / "history.yaml")
    assert load_pathway(folder).id == "mini-workup"
    lock(folder / "locked")
    assert located(errors_of(folder)) == [("SPX100", "history.yaml", 1, 1)]


def test_unreadable_folders_on_the_command_line_exit_1_with_a_diagnostic(
    tmp_path: Path, lock: Callable[[Path], None], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_mini(tmp_path / "mini")
    patient = tmp_path / "patient.yaml"
    patient.write_text("history: {age: 40}\n")
    lock(folder)
    for args in (
        ("validate", folder),
        ("evaluate", folder, patient),
        ("test", folder),
        ("diff", folder, folder),
    ):
        status, _, err = run(capsys, *args)
        assert status == 1, args
        assert "SPX100 the file cannot be read: Permission denied" in err, args


def test_an_unreadable_scenarios_folder_is_a_located_diagnostic(
    tmp_path: Path, lock: Callable[[Path], None], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_mini(tmp_path / "mini")
    pathway = load_pathway(folder)
    scenarios = folder / "scenarios"
    lock(scenarios)
    with pytest.raises(PathwayError) as caught:
        load_scenarios(pathway)
    assert located(caught.value.diagnostics) == [("SPX100", "scenarios", 1, 1)]
    assert "Permission denied" in caught.value.diagnostics[0].message
    status, _, err = run(capsys, "test", folder)
    assert (status, "SPX100 the folder cannot be read: Permission denied" in err) == (1, True)
    status, _, err = run(capsys, "diff", folder, folder)
    assert (status, "SPX100 the folder cannot be read: Permission denied" in err) == (1, True)


# ------------------------------------------------------- 8. a link swapped mid-load


SECRET = "password: hunter2\n"


def _swap_at_open(
    monkeypatch: pytest.MonkeyPatch, link: Path, to: Path, *, back: Path | None = None
) -> None:
    """Point ``link`` at ``to`` just before it is opened (and at ``back`` just after)."""
    done: list[bool] = []

    def swapping(real: Callable[..., object]) -> Callable[..., object]:
        def call(path: object, *args: object, **kwargs: object) -> object:
            mine = not isinstance(path, int) and Path(os.fsdecode(path)) == link  # type: ignore[arg-type]
            if mine and not done:
                done.append(True)
                link.unlink()
                link.symlink_to(to)
                opened = real(path, *args, **kwargs)
                if back is not None:
                    link.unlink()
                    link.symlink_to(back)
                return opened
            return real(path, *args, **kwargs)

        return call

    monkeypatch.setattr(os, "open", swapping(os.open))
    monkeypatch.setattr(io, "open", swapping(io.open))


@pytest.mark.parametrize("swap_back", [False, True], ids=["swapped", "swapped-and-back"])
def test_a_link_swapped_between_check_and_open_shows_nothing_of_the_outside_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    swap_back: bool,
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(SECRET)
    folder = copy_mini(tmp_path / "mini")
    stage = folder / "history.yaml"
    stage.rename(folder / "shared.yaml")
    stage.symlink_to(folder / "shared.yaml")
    assert load_pathway(folder).id == "mini-workup"
    _swap_at_open(monkeypatch, stage, secret, back=folder / "shared.yaml" if swap_back else None)
    with pytest.raises(PathwayError) as caught:
        load_pathway(folder)
    assert located([d for d in caught.value.diagnostics if d.is_error]) == [
        ("SPX100", "history.yaml", 1, 1)
    ]
    assert "outside the pathway folder" in caught.value.diagnostics[0].message
    assert "hunter2" not in caught.value.render()
    assert all("hunter2" not in text for text in caught.value.sources.values())
    # The command line renders from what it read, never from the file again.
    stage.unlink()
    stage.symlink_to(folder / "shared.yaml")
    _swap_at_open(monkeypatch, stage, secret, back=folder / "shared.yaml" if swap_back else None)
    status, out, err = run(capsys, "validate", folder)
    assert status == 1
    assert "hunter2" not in out + err


def test_rendering_never_reads_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "history.yaml"
    source.write_text(SECRET)
    shown = diagnostic("SPX202", "unknown key 'password'", Span.at(str(source), 1, 1, 8))
    opened: list[object] = []
    monkeypatch.setattr(io, "open", lambda *a, **k: opened.append(a) or None)
    monkeypatch.setattr(os, "open", lambda *a, **k: opened.append(a) or None)
    rendered = render_all([shown])
    assert "hunter2" not in rendered
    assert opened == []
    # With the text that was read, the excerpt is shown.
    assert "1 | password: hunter2" in render_all([shown], {str(source): SECRET})


# ------------------------------------------------ 9. bounded work on big bad files


def test_thousands_of_diagnostics_render_a_bounded_number_from_one_split_per_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import spinedx._diagnostics.diagnostics as diagnostics_module  # noqa: PLC0415 - counts its one splitter

    lines = 8_000
    text = "".join(f"k{i}: v\n" for i in range(lines))
    found = [
        diagnostic("SPX202", f"unknown key 'k{i}'", Span.at("big.yaml", i + 1, 1, 2))
        for i in range(lines)
    ]
    splits: list[int] = []
    real = diagnostics_module._LINE_BREAK

    class Counting:
        def split(self, text: str) -> list[str]:
            splits.append(len(text))
            return real.split(text)

    monkeypatch.setattr(diagnostics_module, "_LINE_BREAK", Counting())
    rendered = render_all(found, {"big.yaml": text})
    assert len(splits) <= 1
    shown = sum(1 for line in rendered.splitlines() if line.lstrip().startswith("| ^"))
    assert 0 < shown <= 200
    assert f"... and {lines - shown} more not shown" in rendered
    assert rendered.endswith("8000 errors, 0 warnings")


def _stage_of_missing_targets(count: int) -> str:
    lines = ["stage: history", "start: step0", "nodes:"]
    for i in range(count):
        following = f"step{i + 1}" if i + 1 < count else "end"
        lines += [
            f"  step{i}:",
            "    decide: A question?",
            "    branches:",
            f"      - when: history.night_pain\n        then: stepp{i}",
            f"    otherwise: {following}",
        ]
    return "\n".join(lines) + "\n"


def test_thousands_of_missing_targets_cost_a_bounded_number_of_comparisons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_mini(tmp_path / "mini")
    count = 3_000
    (folder / "history.yaml").write_text(_stage_of_missing_targets(count))
    budget = 100_000  # names compared; one search per missing target made count * count
    compared: list[int] = []

    class Counting(difflib.SequenceMatcher[str]):
        def set_seq1(self, a: str) -> None:  # type: ignore[override]
            compared.append(1)
            if len(compared) > budget:
                raise AssertionError(f"more than {budget} name comparisons")
            super().set_seq1(a)

    monkeypatch.setattr(difflib, "SequenceMatcher", Counting)
    missing = [d for d in errors_of(folder) if d.code == "SPX301"]
    assert len(missing) == count
    assert missing[0].hint == "did you mean 'step0'?"
    assert len(compared) <= budget


def test_a_5mb_flow_list_is_refused_at_the_value_cap_in_bounded_memory(tmp_path: Path) -> None:
    items = (MAX_FILE_BYTES - 2) // 2
    folder = copy_mini(tmp_path / "mini")
    (folder / "history.yaml").write_text("[" + "a," * (items - 1) + "a]")
    tracemalloc.start()
    try:
        found = errors_of(folder)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert located(found) == [("SPX114", "history.yaml", 1, 2 + 2 * (_yaml.MAX_NODES - 1))]
    # The file's bytes and text, and little else: the values are counted, not built.
    assert peak < 64 * MB, f"peaked at {peak / MB:.0f} MB"


def test_a_file_at_the_value_cap_is_read_and_one_more_value_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cap = 1_000
    monkeypatch.setattr(_yaml, "MAX_NODES", cap)
    tree, problems = parse_yaml("[" + "1," * (cap - 2) + "1]", "f.yaml")  # the list and its items
    assert problems == []
    assert tree is not None
    _, problems = parse_yaml("[" + "1," * (cap - 1) + "1]", "f.yaml")
    assert located(problems) == [("SPX114", "f.yaml", 1, 2 + 2 * (cap - 1))]
    _, problems = parse_yaml("- {a: 1}\n" * (cap // 3) + "- {b: [x]}\n", "f.yaml")
    assert located(problems) == [("SPX114", "f.yaml", cap // 3 + 1, 3)]


# ------------------------------------- 13. characters only YAML 1.1 takes for a line break


BREAKS = [("\u2028", "U+2028"), ("\u2029", "U+2029"), ("\x85", "U+0085")]


@pytest.mark.parametrize(("char", "name"), BREAKS, ids=[name for _, name in BREAKS])
def test_a_line_break_only_yaml_11_sees_is_refused_at_the_character(
    tmp_path: Path, char: str, name: str
) -> None:
    folder = copy_mini(tmp_path / "mini")
    manifest = folder / "pathway.yaml"
    text = manifest.read_text()
    # An editor shows one comment line; YAML 1.1 reads a live 'draft' key after the break.
    text = text.replace("title: A small", f"# reviewed{char}draft: true\ntitle: A small")
    manifest.write_text(text, encoding="utf-8")
    found = errors_of(folder)
    assert located(found) == [("SPX112", "pathway.yaml", 3, 11)]
    assert name in found[0].message


@pytest.mark.parametrize(("char", "name"), BREAKS, ids=[name for _, name in BREAKS])
def test_a_yaml_patient_file_with_such_a_break_is_refused(
    tmp_path: Path, char: str, name: str
) -> None:
    patient = tmp_path / "patient.yaml"
    patient.write_text('{"patient_id": "a' + char + 'b"}\n', encoding="utf-8")
    with pytest.raises(PatientError) as caught:
        load_patient(patient)
    assert located(caught.value.diagnostics) == [("SPX112", patient.name, 1, 18)]
    assert name in caught.value.diagnostics[0].message


# ------------------------------------------ 16. what is at a stage path, in words


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda path: path.mkdir(), "is a directory"),
        (os.mkfifo, "is not a regular file"),
        (lambda path: path.symlink_to(path), "is a symlink loop"),
    ],
    ids=["directory", "fifo", "symlink-loop"],
)
def test_a_stage_path_that_is_not_a_file_says_what_it_is(
    tmp_path: Path, make: Callable[[Path], None], words: str
) -> None:
    folder = copy_mini(tmp_path / "mini")
    (folder / "history.yaml").unlink()
    make(folder / "history.yaml")
    [found] = errors_of(folder)
    assert located([found]) == [("SPX206", "pathway.yaml", 6, 5)]
    assert found.message == f"stage 'history' file 'history.yaml' {words}"
    assert "create the file" not in (found.hint or "")


# ------------------------------------------------ 19. keys other readers take for words


AMBIGUOUS_KEYS = ["true", "True", "FALSE", "yes", "No", "off", "ON", "null", "Null", "~"]


@pytest.mark.parametrize("key", AMBIGUOUS_KEYS)
def test_a_key_other_yaml_readers_read_as_a_boolean_or_null_is_refused(key: str) -> None:
    text = f"nodes:\n  {key}:\n    end: Done.\n"
    _, problems = parse_yaml(text, "s.yaml")
    assert located(problems) == [("SPX113", "s.yaml", 2, 3)]
    assert f"'{key}'" in problems[0].message
    assert problems[0].hint is not None
    assert "rename" in problems[0].hint


def test_one_letter_keys_stay_names_though_y_and_n_are_refused_as_values() -> None:
    tree, problems = parse_yaml("y: 1\nn: 2\nN: 3\nx: n\n", "s.yaml")
    assert located(problems) == [("SPX106", "s.yaml", 4, 4)]
    assert tree is not None


def test_true_and_True_are_each_refused_and_quoted_keys_are_text() -> None:
    text = "nodes:\n  true: {end: A}\n  True: {end: B}\n  'yes': {end: C}\n  \"null\": {end: D}\n"
    tree, problems = parse_yaml(text, "s.yaml")
    assert located(problems) == [("SPX113", "s.yaml", 2, 3), ("SPX113", "s.yaml", 3, 3)]
    assert tree is not None


def test_a_pathway_with_a_yes_node_is_refused_at_the_key(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path / "mini")
    stage = folder / "history.yaml"
    stage.write_text(
        stage.read_text().replace("  high:\n", "  yes:\n").replace("then: high", "then: 'yes'")
    )
    assert located(errors_of(folder)) == [("SPX113", "history.yaml", 17, 3)]
