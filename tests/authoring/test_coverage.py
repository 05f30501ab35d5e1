"""Coverage: nodes and branches reached by scenarios, counted from the walks."""

from __future__ import annotations

from pathlib import Path

import pytest

import spinedx
from spinedx import load_pathway
from spinedx._authoring.coverage import measure_coverage
from spinedx._authoring.scenario_results import explain_coverage
from spinedx._evaluation.interpreter import walk
from spinedx.scenarios import load_scenarios, run_scenarios
from tests.paths import MINI
from tests.records import Exam, History, Labs, MiniRecord

_DEMO = {
    "pathway.yaml": """\
id: unknown-demo
version: "1"
title: Unknown branches
record: tests.mini
stages: [history, labs]
sources:
  g: {title: Guide}
""",
    "history.yaml": """\
stage: history
start: pain
nodes:
  pain:
    decide: Night pain?
    branches:
      - when: history.night_pain
        then: scan
    otherwise: end
    unknown: ask
  scan: {recommend: scan, action: Scan., urgency: routine, because: Pain., sources: [g], then: end}
  ask: {recommend: ask, action: Ask., urgency: routine, because: Unknown., sources: [g], then: end}
""",
    "labs.yaml": """\
stage: labs
start: calcium
nodes:
  calcium:
    decide: Calcium high?
    branches:
      - when: labs.calcium_high
        then: end
    otherwise: end
""",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> spinedx.Pathway:
    folder = tmp_path_factory.mktemp("demo")
    for name, text in _DEMO.items():
        (folder / name).write_text(text, encoding="utf-8")
    return load_pathway(folder)


def test_the_mini_scenarios_reach_every_node_and_branch() -> None:
    coverage = run_scenarios(MINI).coverage
    assert [p.describe() for p in coverage.uncovered] == []
    assert coverage.full
    assert coverage.totals() == (12, 12, 9, 9)
    counts = {s.stage: (s.nodes, s.branches) for s in coverage.stages}
    assert counts == {"history": (6, 3), "exam": (3, 2), "imaging": (2, 2), "labs": (1, 2)}


def test_one_scenario_leaves_the_rest_uncovered() -> None:
    pathway = load_pathway(MINI)
    (no_flags,) = [s for s in load_scenarios(pathway) if s.name == "No red flags"]
    coverage = run_scenarios(pathway, [no_flags]).coverage
    assert not coverage.full
    missed = [(p.stage, p.node, p.kind, p.index) for p in coverage.uncovered]
    assert ("history", "cancer", "branch", 1) in missed
    assert ("history", "cancer", "otherwise", None) not in missed
    assert ("labs", "panel", "item", 1) in missed
    assert ("exam", "emergency", "node", None) in missed
    hit = {(p.node, p.kind): p.scenarios for p in coverage.points if p.covered}
    assert hit[("reassure", "node")] == ["No red flags"]


def test_the_unknown_target_is_a_branch_and_an_open_decision_takes_every_possible_one(
    demo: spinedx.Pathway,
) -> None:
    unknown = MiniRecord()
    coverage = measure_coverage(demo.stages, [("unknown", walk(demo.stages, unknown))])
    described = {p.describe() for p in coverage.uncovered}
    assert described == {
        "node 'pain' branch 1 never taken",
        "node 'pain' branch 'otherwise' never taken",
        "node 'scan' never reached",
    }
    (history, labs) = coverage.stages
    assert (history.nodes, history.nodes_covered, history.branches, history.branches_covered) == (
        3,
        2,
        3,
        1,
    )
    # 'calcium' has no 'unknown:' target: the walk goes both ways, and both count
    assert (labs.nodes_covered, labs.branches_covered) == (1, 2)
    only = {(p.node, p.kind) for p in coverage.only_conditional}
    assert only == {("calcium", "branch"), ("calcium", "otherwise")}


def test_every_way_out_is_counted_once_per_scenario(demo: spinedx.Pathway) -> None:
    records = {
        "pain": MiniRecord(history=History(night_pain=True), labs=Labs(calcium_high=True)),
        "no pain": MiniRecord(history=History(night_pain=False), labs=Labs(calcium_high=False)),
        "unknown": MiniRecord(exam=Exam(leg_strength=5)),
    }
    walks = [(name, walk(demo.stages, record)) for name, record in records.items()]
    coverage = measure_coverage(demo.stages, walks)
    assert coverage.full
    by_point = {(p.node, p.kind): p for p in coverage.points}
    assert by_point[("pain", "node")].scenarios == ["pain", "no pain", "unknown"]
    assert by_point[("pain", "unknown")].scenarios == ["unknown"]
    assert by_point[("pain", "unknown")].definite == ["unknown"]  # the author's choice
    assert by_point[("calcium", "otherwise")].scenarios == ["no pain", "unknown"]
    assert by_point[("calcium", "otherwise")].definite == ["no pain"]
    assert coverage.only_conditional == []


def test_points_carry_the_line_of_what_they_cover(demo: spinedx.Pathway) -> None:
    coverage = measure_coverage(demo.stages, [])
    lines = {(p.node, p.kind): (Path(p.span.file).name, p.span.line) for p in coverage.points}
    assert lines[("pain", "node")] == ("history.yaml", 4)
    assert lines[("pain", "branch")] == ("history.yaml", 7)
    assert lines[("pain", "otherwise")] == ("history.yaml", 9)
    assert lines[("pain", "unknown")] == ("history.yaml", 10)
    assert lines[("calcium", "branch")] == ("labs.yaml", 7)


def test_checklist_items_are_counted_when_they_fire() -> None:
    pathway = load_pathway(MINI)
    no_cancer = History(age=40, night_pain=False, weight_loss=False, cancers=[])
    record = MiniRecord(history=no_cancer, labs=Labs(calcium_high=True))
    coverage = measure_coverage(pathway.stages, [("calcium", walk(pathway.stages, record))])
    items = {p.index: p.covered for p in coverage.points if p.kind == "item"}
    assert items == {1: False, 2: True}
    (item,) = [p for p in coverage.uncovered if p.kind == "item"]
    assert item.describe() == "node 'panel' item 1 'fbc' never fired"


def test_an_item_whose_condition_is_unknown_fires_for_some_values() -> None:
    pathway = load_pathway(MINI)
    record = MiniRecord(labs=Labs(calcium_high=True))  # the history leaves 'fbc' open
    coverage = measure_coverage(pathway.stages, [("calcium", walk(pathway.stages, record))])
    items = {p.index: (p.scenarios, p.definite) for p in coverage.points if p.kind == "item"}
    assert items == {1: (["calcium"], []), 2: (["calcium"], ["calcium"])}


def test_the_text_lists_an_unreached_node_once_and_not_its_branches(
    demo: spinedx.Pathway,
) -> None:
    text = explain_coverage(measure_coverage(demo.stages, []))
    history = demo.stages[0].file
    assert text.splitlines()[0] == "COVERAGE  nodes 0/4 (0%), branches 0/5 (0%)"
    assert f"{history}:4: node 'pain' never reached" in text
    assert "branch" not in text.split("NOT COVERED")[1]


def test_full_coverage_says_so() -> None:
    text = explain_coverage(run_scenarios(MINI).coverage)
    assert "NOT COVERED" not in text
    assert text.endswith("every node and branch is reached by some scenario")
