"""docs/scenarios.md is a script: replayed top to bottom, it prints what it shows.

The example pathway is built from docs/pathway-format.md. Then, in the order
of the page, each ``File `...`:`` block is written, each ``$ spinedx ...``
command in a ``text`` block is run and its output compared line for line
(``$ echo $?`` checks the exit status), and each ``python`` block is run with
its ``Output:`` compared.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from spinedx._cli.app import main
from spinedx._documents.strict_yaml import parse_yaml
from tests.paths import ROOT

DOCS = ROOT / "docs"
PAGE = DOCS / "scenarios.md"
FORMAT = DOCS / "pathway-format.md"

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_FILE = re.compile(r"File `([\w./-]+)`:\n\n\Z")
_EXAMPLE_FILE = re.compile(
    r"^File `(pathways/example/[\w.-]+)`:\n\n```yaml\n(.*?)^```$", re.MULTILINE | re.DOTALL
)


def _run(command: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(shlex.split(command)[1:])
    return status, out.getvalue() + err.getvalue()


def _check_session(block: str) -> None:
    """Run each ``$ spinedx`` line; what follows it, up to the next ``$``, is its output."""
    status = 0
    for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
        command, _, shown = chunk.partition("\n")
        if command == "echo $?":
            assert shown.strip() == str(status)
            continue
        status, printed = _run(command)
        assert printed.rstrip("\n").splitlines() == shown.rstrip("\n").splitlines(), command


def test_the_page_prints_what_it_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in _EXAMPLE_FILE.findall(FORMAT.read_text(encoding="utf-8")):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(text, encoding="utf-8")
    page = PAGE.read_text(encoding="utf-8")
    sessions = files = 0
    for match in _FENCE.finditer(page):
        info, body = match.groups()
        before = _FILE.search(page, 0, match.start())
        if info == "yaml" and before is not None:
            path = Path(before.group(1))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
            files += 1
        elif info == "text" and body.startswith("$ spinedx "):
            _check_session(body)
            sessions += 1
        elif info == "python":
            shown = _FENCE.search(page, match.end())
            assert shown is not None
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(body, f"{PAGE.name}:python", "exec"), {"__name__": "docs"})
            assert printed.getvalue().splitlines() == shown.group(2).splitlines()
    assert files >= 5
    assert sessions >= 4


@pytest.mark.parametrize(
    "block",
    [body for info, body in _FENCE.findall(PAGE.read_text(encoding="utf-8")) if info == "yaml"],
)
def test_every_yaml_example_obeys_the_strict_subset(block: str) -> None:
    tree, problems = parse_yaml(block, "scenarios.md")
    assert [str(p) for p in problems] == []
    assert tree is not None


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a page."""
    return {
        re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"^#{1,6} ", line)
    }


@pytest.mark.parametrize("page", [PAGE, DOCS / "api.md", DOCS / "errors.md"], ids=lambda p: p.name)
def test_links_into_and_out_of_the_scenarios_page_exist(page: Path) -> None:
    links = re.findall(r"\]\(([\w.-]+\.md)?#([\w-]+)\)", page.read_text(encoding="utf-8"))
    checked = {PAGE.name, "errors.md", "pathway-format.md"}
    for target, anchor in links:
        goal = DOCS / target if target else page
        if goal.name in checked and (page == PAGE or goal == PAGE):
            assert anchor in _anchors(goal), f"{page.name}: no heading for {target}#{anchor}"
