"""``docs/api.md`` is a test: its examples run, and the output it shows is real.

Every ```python block runs in order, from the repository root, in one
namespace that all blocks share. When a block is followed by a line
``Output:`` and a ```text block, each line shown there must be a line the
block printed; a line holding ``…`` stands for output left out.
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest

import spinedx
from tests.paths import ROOT

API = ROOT / "docs" / "api.md"

_EXAMPLE = re.compile(
    r"^```python\n(?P<code>.*?)^```\n(?:\nOutput:\n\n```text\n(?P<shown>.*?)^```$)?",
    re.MULTILINE | re.DOTALL,
)


def _examples() -> list[tuple[int, str, str | None]]:
    """Each python block with the line its code starts on and the output shown after it."""
    text = API.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, match.start("code")) + 1, match["code"], match["shown"])
        for match in _EXAMPLE.finditer(text)
    ]


def test_api_examples_run_in_order_and_print_what_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    examples = _examples()
    assert len(examples) >= 10, "docs/api.md lost its examples"
    namespace: dict[str, object] = {"__name__": "docs_api"}
    for line, code, shown in examples:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            # dont_inherit: the examples must not see this file's __future__ imports
            exec(compile(code, f"{API.name}:{line}", "exec", dont_inherit=True), namespace)
        if shown is None:
            continue
        lines = printed.getvalue().splitlines()
        for expected in shown.splitlines():
            if expected.strip() and "…" not in expected:
                assert expected in lines, f"api.md:{line} no longer prints {expected!r}"


def test_every_public_name_is_documented() -> None:
    text = API.read_text(encoding="utf-8")
    for name in spinedx.__all__:
        assert f"[`{name}`]" in text, f"{name} is missing from the table of public names"
