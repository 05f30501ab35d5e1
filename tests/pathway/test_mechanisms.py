"""One way to do each thing: suggestions, words for values, walks over steps, checks.

Each mechanism has one home; these tests fail when a second one appears or
when the one home stops covering what it must.
"""

from __future__ import annotations

import ast
import shutil
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest

from spinedx import check_pathway, load_pathway
from spinedx._compiled import END, Checklist, Decide, Step
from spinedx._diagnostics import SUGGESTION, SuggestionBudget, closest, describe_value, suggest
from spinedx._pathway import checks, document_checks, registry
from spinedx._pathway.registry import CHECKS, Check
from tests.paths import MINI, ROOT

SRC = ROOT / "src" / "spinedx"

# Modules another change is rewriting; each must still import difflib (so the
# exception is dropped as soon as it routes its suggestion through suggest.py).
PENDING_DIFFLIB = {"_conditions/functions.py"}


def _imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


# ------------------------------------------------------------- suggestions


def test_only_the_suggestion_helper_imports_difflib() -> None:
    users = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if any(name.split(".")[0] == "difflib" for name in _imports(path))
    }
    assert users - PENDING_DIFFLIB == {"_diagnostics/suggest.py"}
    assert users >= PENDING_DIFFLIB, "drop the module from PENDING_DIFFLIB"


def test_closest_skips_names_too_different_in_length_but_finds_the_same() -> None:
    names = ["age", "night_pain", "weight_loss", "a" * 40]
    assert closest("nigth_pain", names) == "night_pain"
    assert closest("agee", names) == "age"
    assert closest("zzzz", names) is None
    assert closest("brsk", ["brisk", "absent"], cutoff=0.5) == "brisk"


def test_a_suggestion_budget_stops_searching_once_spent() -> None:
    budget = SuggestionBudget(names=3)
    names = ["alpha", "beta", "gamma"]
    assert budget.closest("alpah", names) == "alpha"  # the first search is always made
    assert budget.closest("btea", names) is None  # nothing left to search with


def test_suggest_gives_the_hint_and_the_value_or_the_plain_hint() -> None:
    found = suggest("hihg", ["low", "high"], otherwise="allowed: low, high", quote='"')
    assert found.hint == 'did you mean "high"?'
    assert found.value == "high"
    assert suggest("x", ["low"], otherwise="allowed: low") == ("allowed: low", None)
    assert suggest("cancer", ["cancers"], prefix="facts.").value == "facts.cancers"


def _mini_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return folder


def test_a_suggestion_is_data_in_the_diagnostic_context(tmp_path: Path) -> None:
    folder = _mini_copy(tmp_path)
    history = folder / "history.yaml"
    text = history.read_text(encoding="utf-8")
    target = next(
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.strip().startswith("then:") and line.split(":", 1)[1].strip() != END
    )
    history.write_text(text.replace(f"then: {target}", f"then: {target}x", 1), encoding="utf-8")
    found = [d for d in check_pathway(folder) if d.code == "SPX301"]
    assert found
    assert found[0].context[SUGGESTION] == target
    assert found[0].hint == f"did you mean '{target}'?"


def test_an_unknown_key_suggestion_is_data_too(tmp_path: Path) -> None:
    folder = _mini_copy(tmp_path)
    manifest = folder / "pathway.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("title:", "titel:", 1), encoding="utf-8")
    found = [d for d in check_pathway(folder) if d.code == "SPX202"]
    assert [d.context.get(SUGGESTION) for d in found] == ["title"]


# ------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("value", "words"),
    [(None, "nothing"), (True, "true"), ([1], "a list"), ({}, "a mapping"), (3, "the number 3")],
)
def test_a_found_value_is_named_in_the_authors_words(value: object, words: str) -> None:
    assert describe_value(value) == words


# ------------------------------------------------------------------- steps


def test_step_edges_cover_every_step_kind_and_match_the_graph() -> None:
    pathway = load_pathway(MINI)
    kinds = set()
    for stage in pathway.stages:
        graph = pathway.graphs[stage.id]
        for step_id, step in stage.steps.items():
            kinds.add(type(step))
            edges = step.edges()
            assert {e.target for e in edges} == set(graph.successors(step_id))
            assert all(e.label for e in edges)
            if isinstance(step, Decide):
                assert step.guards() == step.branches
                assert [e.label for e in edges[: len(step.branches)]] == [
                    f"branch {i + 1}" for i in range(len(step.branches))
                ]
            if isinstance(step, Checklist):
                assert step.recs() == tuple(item.rec for item in step.items)
    assert kinds == set(typing.get_args(Step))


# ------------------------------------------------------------------ checks


def test_the_registry_lists_every_check_function() -> None:
    defined = {
        name
        for module in (checks, document_checks)
        for name, value in vars(module).items()
        if callable(value)
        and getattr(value, "__module__", None) == module.__name__
        and not name.startswith("_")
        and name != "stage_graph"
    }
    registered = {check.run.__name__ for check in CHECKS.values()}
    assert registered == defined
    assert {check.level for check in CHECKS.values()} == {"manifest", "stage", "graph"}


def test_the_loader_runs_every_registered_check(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: set[str] = set()

    def counted(name: str, check: Check) -> Check:
        def run(ctx: typing.Any) -> typing.Any:
            ran.add(name)
            return check.run(ctx)

        return Check(check.level, run)

    wrapped = {name: counted(name, check) for name, check in CHECKS.items()}
    monkeypatch.setattr(registry, "CHECKS", wrapped)
    load_pathway(MINI)
    assert ran == set(CHECKS)
