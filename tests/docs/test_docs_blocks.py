"""Code blocks in the docs run as tests, on every page that has no runner of its own.

Conventions, documented in ``docs/design.md`` ("Docs that run"):

- Every block fenced as ```` ```python ```` runs, in page order, from the
  repository root, in one namespace per page. A block fenced as
  ```` ```python title="not run" ```` (any info string beyond ``python``) is
  shown but not run. When a block is followed by a line ``Output:`` and a
  ```` ```text ```` block, each line shown must be a line the block printed
  (a line holding ``…`` stands for output left out).
- Pages listed in ``OWN_TEST`` are run by their own tests instead.
- A ```` ```sh ```` block whose first line starts with ``spinedx `` is a list of
  commands, one a line; each runs in-process (``spinedx._cli.app.main``) and must
  exit 0, or the status a trailing ``# exit N`` comment gives. They run in a
  scratch folder that links to the repository's ``pathways``, ``examples``,
  ``tests``, ``schemas`` and ``docs``, so relative paths work and the files
  they write stay in the scratch folder. Commands that need Graphviz skip when
  it is absent.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from pathlib import Path

import pytest

from spinedx._cli.app import main
from tests.paths import ROOT

DOCS = ROOT / "docs"
OWN_TEST = {
    "api.md": "tests/contract/test_docs_api.py",
    "scenarios.md": "tests/docs/test_scenario_docs.py",  # replays the page on the example pathway
}
"""Pages that a test of their own runs, with rules of its own."""
SEEN_BY_COMMANDS = ("pathways", "examples", "tests", "schemas", "docs")

_FENCE = re.compile(r"^(`{3,})([^\n`]*)\n(.*?)^\1[ \t]*$", re.MULTILINE | re.DOTALL)
# Matched at the end of a block with .match(text, pos), where \A would not hold.
_OUTPUT = re.compile(r"\n+Output:\n+```text\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")


def _pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if p.name not in OWN_TEST)


def test_blocks_are_found() -> None:
    blocks = [info for page in _pages() for _, info, _, _ in _blocks(page)]
    assert blocks.count("yaml") > 20  # the fence pattern still matches the pages
    assert "sh" in blocks


def _blocks(page: Path) -> list[tuple[int, str, str, str | None]]:
    """(line, info string, body, output shown after it) of each fenced block."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        shown = _OUTPUT.match(text, match.end())
        found.append(
            (
                text.count("\n", 0, match.start(3)) + 1,
                match.group(2).strip(),
                match.group(3),
                shown.group(1) if shown else None,
            )
        )
    return found


def _commands() -> list[tuple[str, int, str, int]]:
    """(page, line, command, expected exit status) of every CLI line in ```sh blocks."""
    found = []
    for page in _pages():
        for line, info, body, _ in _blocks(page):
            if info != "sh" or not body.startswith("spinedx "):
                continue
            for offset, command in enumerate(body.splitlines()):
                if not command.strip() or command.lstrip().startswith("#"):
                    continue
                status = _EXIT.search(command)
                found.append(
                    (
                        str(page.relative_to(DOCS)),
                        line + offset,
                        _EXIT.sub("", command).strip(),
                        int(status.group(1)) if status else 0,
                    )
                )
    return found


def _run_python_blocks(page: Path) -> int:
    """Run the page's python blocks in one namespace; returns how many ran."""
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    ran = 0
    for line, info, body, shown in _blocks(page):
        if info != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(body, f"{page.name}:{line}", "exec"), namespace)
        ran += 1
        lines = printed.getvalue().splitlines()
        for expected in (shown or "").splitlines():
            if expected.strip() and "…" not in expected:
                assert expected in lines, f"{page.name}:{line} no longer prints {expected!r}"
    return ran


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_python_blocks_run_and_print_what_is_shown(
    page: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _run_python_blocks(page)


def test_the_python_convention(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nx = 6 * 7\n```\n\n"
        '```python title="not run"\nraise SystemExit("shown, not run")\n```\n\n'
        "```python\nprint(x)\nprint('more')\n```\n\nOutput:\n\n```text\n42\n…\n```\n",
        encoding="utf-8",
    )
    assert _run_python_blocks(page) == 2
    assert _blocks(page)[2][3] == "42\n…\n"
    page.write_text("```python\nprint(1)\n```\n\nOutput:\n\n```text\n2\n```\n")
    with pytest.raises(AssertionError, match="no longer prints '2'"):
        _run_python_blocks(page)


_COMMANDS = _commands()


def test_the_pages_have_commands_to_run() -> None:
    pages = {page for page, _, _, _ in _COMMANDS}
    assert {"diagrams.md", "editor.md", "review.md"} <= pages


@pytest.mark.parametrize(
    ("page", "line", "command", "status"),
    _COMMANDS,
    ids=[f"{page}:{line}" for page, line, _, _ in _COMMANDS],
)
def test_shell_command_runs_with_the_documented_exit_status(
    page: str,
    line: int,
    command: str,
    status: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = shlex.split(command)
    assert argv[0] == "spinedx", f"{page}:{line}: a spinedx block holds only spinedx commands"
    assert not {">", "|", "<", "&&", ";"} & set(argv), f"{page}:{line}: no shell syntax"
    if _needs_graphviz(argv) and shutil.which("dot") is None:
        pytest.skip("Graphviz 'dot' not installed")
    for name in SEEN_BY_COMMANDS:
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    try:
        code = main(argv[1:])
    except SystemExit as stop:  # argparse: usage errors exit 2
        code = stop.code if isinstance(stop.code, int) else 1
    captured = capsys.readouterr()
    assert code == status, f"{page}:{line}: `{command}` exited {code}\n{captured.err[-3000:]}"


def _needs_graphviz(argv: list[str]) -> bool:
    return argv[1:2] == ["render"] and any(f in argv for f in ("svg", "html"))
