"""The import contract: layers run one way, no circles, and ``import spinedx`` stays light.

``make lint`` runs import-linter on the contracts in ``pyproject.toml``; these
tests check the same contract from inside the suite and add what import-linter
cannot say: that no import circle exists anywhere in ``src/`` (not only
between the contract's packages), and what importing the public faces loads.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import grimp
import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "spinedx"


def _import_graph() -> nx.DiGraph:
    graph = grimp.build_graph("spinedx", cache_dir=None)
    imports = nx.DiGraph()
    for module in graph.modules:
        imports.add_node(module)
        for imported in graph.find_modules_directly_imported_by(module):
            imports.add_edge(module, imported)
    return imports


def test_no_import_circle_anywhere_in_src() -> None:
    imports = _import_graph()
    circles = sorted(sorted(cycle) for cycle in nx.simple_cycles(imports))
    assert circles == []


def test_the_graph_sees_every_module_in_src() -> None:
    # A module missing from the graph would make the circle test pass vacuously.
    files = {
        ".".join(("spinedx", *p.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")
        for p in SRC.rglob("*.py")
    }
    assert files <= set(_import_graph().nodes)


def test_the_import_linter_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint_imports), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _loaded_after(code: str) -> set[str]:
    script = textwrap.dedent(code) + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(done.stdout.split())


def test_import_spinedx_loads_no_layer_until_a_name_is_used() -> None:
    loaded = _loaded_after("import spinedx")
    assert {m for m in loaded if m.startswith("spinedx.")} == set()


@pytest.mark.parametrize(
    "code",
    [
        "import spinedx; spinedx.load_pathway",
        "import spinedx; spinedx.Pathway; spinedx.Evaluation; spinedx.PathwayError",
    ],
)
def test_the_engine_does_not_load_cli_authoring_or_the_record(code: str) -> None:
    loaded = _loaded_after(code)
    for heavy in ("spinedx._cli", "spinedx._authoring", "spinedx.patient"):
        assert heavy not in loaded


def test_every_public_name_resolves_and_every_raised_error_is_importable() -> None:
    import spinedx  # noqa: PLC0415  (the other tests check what this import loads)

    for name in spinedx.__all__:
        assert getattr(spinedx, name) is not None
    assert issubclass(spinedx.PathwayChangedError, spinedx.SpinedxError)
    with pytest.raises(AttributeError):
        _ = spinedx.no_such_name
