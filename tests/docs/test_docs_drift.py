"""Numbers and lists in the docs that the code or the files decide, and the committee recipe.

Each test reads a statement from a page and compares it with what it
describes: the count of shipped scenarios, the fact types the loader accepts.
``docs/committee-change.md`` is replayed step by step: its commands, its
edits (```` ```diff ```` blocks after "In `file`:") and its files
(```` ```yaml ```` blocks after "File `path`:"), in page order.
"""

from __future__ import annotations

import re
import shlex
import shutil
import typing
from pathlib import Path

import pytest

from spinedx._cli.app import main
from spinedx._documents.models import FactDoc
from tests.paths import ROOT

DOCS = ROOT / "docs"
SCENARIOS = ROOT / "pathways" / "spinal_tumor" / "scenarios"


def _text(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def test_the_shipped_pathway_page_counts_the_scenarios_in_the_folder() -> None:
    found = re.findall(
        r"(\d+) scenarios in `pathways/spinal_tumor/scenarios/`", _text("pathways/spinal-tumor.md")
    )
    assert found, "the page no longer says how many scenarios there are"
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert {int(n) for n in found} == {len(files)}, (
        f"docs/pathways/spinal-tumor.md says {found[0]} scenarios; the folder holds {len(files)}"
    )


def test_the_documented_fact_types_are_the_ones_the_loader_accepts() -> None:
    accepted = set(typing.get_args(FactDoc.model_fields["type"].annotation))
    text = _text("pathway-format.md")
    row = re.search(r"^\| `type` \| yes \| One of (.*?) \(see below\)\. \|$", text, re.MULTILINE)
    assert row is not None
    listed = set(re.findall(r"`(\w+)`", row[1]))
    assert listed == accepted
    facts = text[text.index("### Facts") : text.index("### Sources")]
    table = set(re.findall(r"^\| `(\w+)` \| (?!yes|no|for)", facts, re.MULTILINE))
    assert table == accepted


# ------------------------------------------------------ the committee recipe

_STEP = re.compile(
    r"(?:^In `(?P<edit>[^`]+)`:\n\n```diff\n(?P<diff>.*?)^```$)"
    r"|(?:^File `(?P<file>[^`]+)`:\n\n```yaml\n(?P<yaml>.*?)^```$)"
    r"|(?:^```console\n(?P<console>.*?)^```$)",
    re.MULTILINE | re.DOTALL,
)


def _steps() -> list[tuple[str, str, str]]:
    """(kind, target, body) of each step of the recipe, in page order."""
    out = []
    for match in _STEP.finditer(_text("committee-change.md")):
        if match["edit"]:
            out.append(("edit", match["edit"], match["diff"]))
        elif match["file"]:
            out.append(("file", match["file"], match["yaml"]))
        else:
            out += [("run", line[2:], "") for line in match["console"].splitlines()]
    return out


def test_the_recipe_has_every_step() -> None:
    kinds = [kind for kind, _, _ in _steps()]
    assert kinds.count("edit") == 2
    assert kinds.count("file") == 1
    commands = " ".join(target for kind, target, _ in _steps() if kind == "run")
    for step in ("where", "cp -r", "evaluate", "validate", "test", "diff", "render"):
        assert step in commands, step


def _edit(path: Path, diff: str) -> None:
    old = "".join(line[1:] + "\n" for line in diff.splitlines() if line.startswith("-"))
    new = "".join(line[1:] + "\n" for line in diff.splitlines() if line.startswith("+"))
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name} no longer holds exactly one {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _run(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    argv = shlex.split(command)
    output = None
    if ">" in argv:
        argv, output = argv[: argv.index(">")], argv[argv.index(">") + 1]
    match argv:
        case ["mkdir", "-p", folder]:
            Path(folder).mkdir(parents=True, exist_ok=True)
            return ""
        case ["cp", "-r", source, target]:
            shutil.copytree(source, target)
            return ""
        case ["spinedx", *rest]:
            status = main(rest)
            captured = capsys.readouterr()
            assert status == 0, f"`{command}` exited {status}\n{captured.err[-3000:]}"
            if output is not None:
                Path(output).write_text(captured.out, encoding="utf-8")
            return captured.out
    raise AssertionError(f"the recipe runs a command this test does not know: {command}")


def test_the_committee_recipe_works_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz 'dot' not installed (the recipe renders HTML)")
    (tmp_path / "pathways").mkdir()
    shutil.copytree(ROOT / "pathways" / "spinal_tumor", tmp_path / "pathways" / "spinal_tumor")
    (tmp_path / "schemas").symlink_to(ROOT / "schemas", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    printed: dict[str, str] = {}
    for kind, target, body in _steps():
        if kind == "edit":
            _edit(Path(target), body)
        elif kind == "file":
            Path(target).write_text(body, encoding="utf-8")
        else:
            printed[target] = _run(target, capsys)
    review = (tmp_path / "review.md").read_text(encoding="utf-8")
    count = len(list(SCENARIOS.glob("*.yaml"))) + 1
    changed = re.search(r"\*\*(\d+) of (\d+) scenario patients\*\*", review)
    assert changed is not None
    said = re.search(r"that (\d+) of (\d+) scenario patients get", _text("committee-change.md"))
    assert said is not None
    assert (changed[1], changed[2]) == (said[1], said[2]) == (changed[1], str(count))
    assert "| Version | `0.1.0` | `0.2.0` |" in review
    assert (tmp_path / "proposed.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (
        "blood_tests/tests (item 1)"
        in printed["spinedx where myeloma-screen-fbc-calcium-esr --pathway pathways/spinal_tumor"]
    )
