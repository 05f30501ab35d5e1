"""Hostile surroundings for the command line and the reports it writes.

The command line ends every run in one line on stderr and a documented exit
status, whatever happens around it: a full disk, a reader that went away, a
Ctrl-C. ``spinedx diff`` reports scenario patients it cannot evaluate as
located errors instead of counting them as changed. Text from a pathway never
becomes markup in a Markdown or HTML report, and a source URL can only be a
web address. The fixes that ``docs/errors.md`` gives for YAML problems load.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import IO

import pytest

from spinedx import load_pathway
from spinedx._authoring.diff import diff_pathways, diff_scenario, scenario_files_in
from spinedx._authoring.diff_report import report_markdown
from spinedx._authoring.html import _patient_section
from spinedx._cli.app import main
from spinedx._documents.strict_yaml import parse_yaml
from spinedx._pathway.load import check_pathway
from tests.paths import MINI, ROOT

SHIPPED = ROOT / "pathways" / "spinal_tumor"
PATIENT = ROOT / "examples" / "patients" / "metastatic-breast-leg-weakness.yaml"
ERRORS = ROOT / "docs" / "errors.md"

RAISE_AGE = ("history.age >= 50 and", "history.age >= 60 and")
HOSTILE = "<script>alert(1)</script> [click](javascript:alert(1)) *bold* <b>x</b>"


def _run(*args: str, stdout: int | IO[str] = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in the project folder, with stderr captured."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=120,
    )


def _copy(tmp_path: Path, *edits: tuple[str, str, str], name: str = "new") -> Path:
    """A copy of the mini pathway with (file, old text, new text) edits applied."""
    folder = tmp_path / name
    shutil.copytree(MINI, folder)
    for file, old, new in edits:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, (file, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


# ------------------------------------------------ output errors and Ctrl-C


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_on_stdout_ends_in_one_line_on_stderr_and_status_1() -> None:
    with Path("/dev/full").open("w") as full:
        done = _run("-m", "spinedx", "evaluate", str(SHIPPED), str(PATIENT), stdout=full)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert "No space left on device" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_reader_that_went_away_ends_quietly_with_status_141() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: the first write fails with EPIPE
    try:
        done = _run("-m", "spinedx", "evaluate", str(SHIPPED), str(PATIENT), stdout=write_end)
    finally:
        os.close(write_end)
    assert done.returncode == 141
    assert done.stderr == ""


def test_ctrl_c_in_a_running_process_ends_in_one_line_and_status_130() -> None:
    script = textwrap.dedent(
        """
        import runpy, signal, sys, time
        from spinedx._cli import check as _cmd_check

        def interrupted(args, out, err):
            out.write("half an answer\\n")
            signal.raise_signal(signal.SIGINT)  # as if Ctrl-C were pressed now
            time.sleep(60)
            return 0

        # Python's own Ctrl-C handler, even where the test runner ignores SIGINT.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _cmd_check._evaluate = interrupted
        sys.argv = ["spinedx", "evaluate", sys.argv[1], sys.argv[2]]
        runpy.run_module("spinedx", run_name="__main__")
        """
    )
    done = _run("-c", script, str(SHIPPED), str(PATIENT))
    assert done.returncode == 130
    assert done.stderr == "spinedx: interrupted\n"
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("module", "handler", "argv"),
    [
        ("spinedx._cli.check", "_validate", ["validate", str(MINI)]),
        ("spinedx._cli.check", "_evaluate", ["evaluate", str(SHIPPED), str(PATIENT)]),
        ("spinedx._cli.diff", "_diff", ["diff", str(MINI), str(MINI)]),
        ("spinedx._cli.render", "_render", ["render", str(MINI)]),
        ("spinedx._cli.schema", "_schema", ["schema", "stage"]),
        ("spinedx._cli.testing", "_test", ["test", str(MINI)]),
    ],
)
def test_ctrl_c_in_any_command_returns_130_with_one_line(
    module: str,
    handler: str,
    argv: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def interrupted(*_: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(f"{module}.{handler}", interrupted)
    assert main(argv) == 130
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "spinedx: interrupted\n")


# --------------------------------------- diff: patients that cannot be compared

UNFIT = """\
name: Misspelt field
summary: The age is under a key the record does not have.
patient:
  history: {agee: 55, night_pain: true, cancers: []}
"""


def test_diff_reports_an_unfit_patient_at_its_line_and_column_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "patients"
    folder.mkdir()
    (folder / "unfit.yaml").write_text(UNFIT, encoding="utf-8")
    assert main(["diff", str(MINI), str(MINI), "--scenarios", str(folder)]) == 1
    captured = capsys.readouterr()
    assert f"{folder / 'unfit.yaml'}:4:13: SPX501" in captured.err
    assert "<patient>" not in captured.err
    assert "1 error" in captured.err
    assert "could not be compared" in captured.out
    assert "get different recommendations" not in captured.out


def test_an_unreadable_patient_keeps_its_yaml_diagnostic_and_is_not_a_change(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("history:\n  age: yes\n", encoding="utf-8")
    pathway = load_pathway(MINI)
    found = diff_scenario(pathway, pathway, broken)
    assert [(d.code, d.span.file, d.span.line, d.span.column) for d in found.diagnostics] == [
        ("SPX106", str(broken), 2, 8)
    ]
    assert found.failed
    assert not found.changed


def test_a_patient_block_that_is_a_text_is_an_error_where_it_is(tmp_path: Path) -> None:
    scenario = tmp_path / "text.yaml"
    scenario.write_text("name: Typo\npatient: history age 55\n", encoding="utf-8")
    pathway = load_pathway(MINI)
    found = diff_scenario(pathway, pathway, scenario)
    assert [(d.code, d.span.line, d.span.column) for d in found.diagnostics] == [("SPX501", 2, 10)]
    assert found.name == "Typo"


def test_a_patient_only_the_new_version_cannot_read_is_an_error_at_its_field(
    tmp_path: Path,
) -> None:
    patient = tmp_path / "p.yaml"
    patient.write_text("history: {age: 55, night_pain: true, cancers: []}\n", encoding="utf-8")

    old = load_pathway(MINI)
    new = load_pathway(SHIPPED)  # another record model: the mini fields do not all fit
    found = diff_scenario(old, new, patient)
    assert found.failed
    assert not found.changed
    assert all(d.span.file == str(patient) and d.code == "SPX501" for d in found.diagnostics)


def test_diff_reads_json_patients_beside_yaml_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "patients"
    folder.mkdir()
    (folder / "older.json").write_text(
        '{"history": {"age": 55, "night_pain": true, "cancers": []}}\n', encoding="utf-8"
    )
    (folder / "notes.txt").write_text("not a patient\n", encoding="utf-8")
    assert [p.name for p in scenario_files_in(folder)] == ["older.json"]
    new = _copy(tmp_path, ("history.yaml", *RAISE_AGE))
    assert main(["diff", str(MINI), str(new), "--scenarios", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "1 of 1 scenario patients" in out
    assert "older.json" in out


# ------------------------------------------------------ markup in the reports


def _hostile_pathway(tmp_path: Path) -> Path:
    return _copy(
        tmp_path,
        ("imaging.yaml", "MRI of the whole spine within 1 week.", f'"{HOSTILE}"'),
        ("imaging.yaml", "Suspected spinal malignancy.", f'"{HOSTILE}"'),
        ("imaging.yaml", "Does the suspicion call for an MRI?", f'"{HOSTILE}"'),
        ("pathway.yaml", "title: Test guideline", f'title: "{HOSTILE}"'),
        ("pathway.yaml", "A small but complete", "<img src=x onerror=alert(1)> A small"),
    )


_REACHES_MRI = {"history": {"age": 70, "cancers": [{"site": "breast"}]}}


def _no_live_markup(text: str) -> None:
    """No HTML tag, link or emphasis made of pathway text survives unescaped."""
    assert not re.search(r"(?<!\\)<(?:script|/script|img|b>)", text), text
    assert not re.search(r"(?<!\\)\]\(javascript:", text), text
    assert not re.search(r"(?<!\\)\*bold", text), text


def test_evaluate_markdown_escapes_pathway_text(tmp_path: Path) -> None:
    pathway = load_pathway(_hostile_pathway(tmp_path))
    result = pathway.evaluate(_REACHES_MRI)
    assert result.recommendation("mri-whole-spine") is not None
    text = result.explain("markdown")
    _no_live_markup(text)
    assert "\\<script\\>" in text
    assert "<https://example.org/guide>" in text  # a checked web address stays a link


def test_diff_markdown_escapes_pathway_text(tmp_path: Path) -> None:
    patients = tmp_path / "patients"
    patients.mkdir()
    (patients / "p.yaml").write_text(
        "history: {age: 70, cancers: [{site: breast}]}\n", encoding="utf-8"
    )
    old = load_pathway(MINI)
    new = load_pathway(_hostile_pathway(tmp_path))
    text = report_markdown(diff_pathways(old, new, scenario_files_in(patients)))
    _no_live_markup(text)


def test_html_patient_section_escapes_pathway_text(tmp_path: Path) -> None:
    pathway = load_pathway(_hostile_pathway(tmp_path))
    section = _patient_section(pathway.evaluate(_REACHES_MRI), "<script>p</script>")
    assert "<script" not in section
    assert "&lt;script&gt;" in section


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/guide",
        "//example.org/guide",
        "https://",
        "https://example.org/a guide",
        "https://example.org/<script>",
        "example.org/guide",
    ],
)
def test_a_source_url_that_is_not_a_web_address_is_refused_where_it_is(
    tmp_path: Path, url: str
) -> None:
    escaped = url.replace("\\", "\\\\").replace('"', '\\"')
    folder = _copy(tmp_path, ("pathway.yaml", '"https://example.org/guide"', f'"{escaped}"'))
    found = [(d.code, Path(d.span.file).name, d.span.line, d.span.column)
             for d in check_pathway(folder) if d.is_error]  # fmt: skip
    assert found == [("SPX209", "pathway.yaml", 15, 51)]


@pytest.mark.parametrize(
    "url", ["https://example.org/guide", "http://example.org/a/b?c=d&e=f#g", "HTTPS://EXAMPLE.ORG"]
)
def test_a_web_address_is_accepted_as_a_source_url(tmp_path: Path, url: str) -> None:
    folder = _copy(tmp_path, ("pathway.yaml", '"https://example.org/guide"', f'"{url}"'))
    assert [d for d in check_pathway(folder) if d.is_error] == []


# --------------------------------------------------- docs: fixes that load

# Inline code in a Fix paragraph that shows the mistake, not the fix.
_MISTAKES_NAMED_IN_FIXES = {": ", "[a, b", '"text'}


def _yaml_fixes() -> list[tuple[str, str]]:
    text = ERRORS.read_text(encoding="utf-8")
    heads = list(re.finditer(r"^## (SPX1\d\d) \S+$", text, re.MULTILINE))
    found = []
    for head in heads:
        end = text.find("\n## ", head.end())
        fix = text[head.end() : end].split("**Fix.**", 1)[1]
        found += [(head.group(1), snippet) for snippet in re.findall(r"`([^`]+)`", fix)]
    return found


def test_the_fixes_include_an_exponent_that_loads() -> None:
    assert ("SPX107", "1.0e+3") in _yaml_fixes()


@pytest.mark.parametrize(("code", "snippet"), _yaml_fixes())
def test_every_yaml_fix_in_the_error_docs_loads(code: str, snippet: str) -> None:
    if snippet in _MISTAKES_NAMED_IN_FIXES:
        return
    document = snippet if re.match(r'^[\w"-]+: ', snippet) else f"value: {snippet}"
    tree, problems = parse_yaml(document, f"errors.md {code}")
    assert [str(p) for p in problems] == []
    assert tree is not None
