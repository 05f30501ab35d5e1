"""Hypothesis properties of the loader and the evaluator."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from spinedx import PathwayError, load_pathway
from spinedx._pathway.load import check_pathway
from tests.paths import ROOT
from tests.strategies import patients

SHIPPED = load_pathway(ROOT / "pathways" / "spinal_tumor")

CONDITIONS = [
    "history.age >= 50",
    "history.night_pain",
    "history.cancer_history",
    "exam.leg_strength < 5",
    'exam.reflexes in ["brisk", "absent"]',
    "not history.weight_loss",
]


def _write_pathway(folder: Path, stage_text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pathway.yaml").write_text(
        "id: prop\nversion: '1'\ntitle: Property pathway\nrecord: tests.mini\n"
        "stages: [history]\nsources:\n  s: {title: A source}\n"
    )
    (folder / "history.yaml").write_text(stage_text)


def _lines(text: str) -> int:
    """Lines as YAML counts them: CR LF, CR, LF, NEL, LS and PS all break a line."""
    return len(re.split("\r\n|[\r\n\x85\u2028\u2029]", text))


@given(text=st.text(max_size=300))
def test_loader_raises_only_pathway_error_on_any_stage_text(tmp_path_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("p")
    _write_pathway(folder, text)
    try:
        load_pathway(folder)
    except PathwayError as error:
        for diagnostic in error.diagnostics:
            source = (folder / Path(diagnostic.span.file).name).read_text()
            assert 1 <= diagnostic.span.line <= _lines(source)
            assert diagnostic.span.column >= 1


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12))
_trees = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["stage", "start", "nodes", "a", "decide", "branches", "when", "then"]),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=20,
)


@given(tree=_trees)
def test_loader_raises_only_pathway_error_on_yaml_shaped_trees(
    tmp_path_factory, tree: object
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("t")
    _write_pathway(folder, yaml.safe_dump(tree))
    try:
        load_pathway(folder)
    except PathwayError as error:
        assert error.diagnostics


@st.composite
def dag_stages(draw: st.DrawFn) -> tuple[int, list[list[tuple[str, str]]]]:
    """A chain d0 → d1 → … (by 'otherwise') plus forward branches: acyclic, all reachable."""
    size = draw(st.integers(min_value=1, max_value=12))
    nodes = []
    for i in range(size):
        branches = []
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            target = draw(st.sampled_from([*(f"d{j}" for j in range(i + 1, size)), "end"]))
            branches.append((draw(st.sampled_from(CONDITIONS)), target))
        nodes.append(branches)
    return size, nodes


def _stage_yaml(size: int, nodes: list[list[tuple[str, str]]]) -> str:
    lines = ["stage: history", "start: d0", "nodes:"]
    for i, branches in enumerate(nodes):
        lines += [f"  d{i}:", f"    decide: Question {i}?", "    branches:"]
        for condition, target in branches:
            lines += [f"      - when: '{condition}'", f"        then: {target}"]
        lines.append(f"    otherwise: {f'd{i + 1}' if i + 1 < size else 'end'}")
    return "\n".join(lines) + "\n"


@given(dag=dag_stages(), data=st.data())
def test_random_dags_load_clean_and_one_back_edge_is_one_cycle(tmp_path_factory, dag, data) -> None:  # type: ignore[no-untyped-def]
    size, nodes = dag
    folder = tmp_path_factory.mktemp("dag")
    _write_pathway(folder, _stage_yaml(size, nodes))
    assert [d for d in check_pathway(folder) if d.is_error] == []

    source = data.draw(st.integers(min_value=0, max_value=size - 1))
    target = data.draw(st.integers(min_value=0, max_value=source))
    condition, _ = nodes[source][0]
    nodes[source][0] = (condition, f"d{target}")
    _write_pathway(folder, _stage_yaml(size, nodes))
    errors = [d for d in check_pathway(folder) if d.is_error]
    assert [d.code for d in errors] == ["SPX303"]
    cycle = errors[0].context["cycle"].split(" → ")
    assert cycle[0] == cycle[-1]
    assert {f"d{target}", f"d{source}"} <= set(cycle)


def _real_nodes() -> set[tuple[str, str]]:
    return {(stage.id, node) for stage in SHIPPED.stages for node in stage.steps}


@given(patient=patients())
def test_evaluation_is_total_deterministic_and_explained(patient) -> None:  # type: ignore[no-untyped-def]
    first = SHIPPED.evaluate(patient)
    assert SHIPPED.evaluate(patient).model_dump_json() == first.model_dump_json()
    nodes = _real_nodes()
    for rec in first.recommendations:
        assert rec.reasons
        assert all((reason.stage, reason.node) in nodes for reason in rec.reasons)
        assert rec.sources
    for need in first.needs:
        assert (need.stage, need.node) in nodes
    stopped = [s for s in first.stages if s.status == "stopped"]
    assert not stopped or first.needs, "a walk that stopped must say what data it needs"


@given(patient=patients())
def test_threads_sharing_one_pathway_agree(patient) -> None:  # type: ignore[no-untyped-def]
    expected = SHIPPED.evaluate(patient).model_dump_json()
    results: list[str] = []

    def run() -> None:
        for _ in range(3):
            results.append(SHIPPED.evaluate(patient).model_dump_json())

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 24
