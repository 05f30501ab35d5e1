"""Definite and conditional recommendations where they show: scenarios, coverage, diff, diagrams.

Every test runs the mini pathway with a record that leaves a decision open, so
the walk follows every branch still possible (issue 11). ``OPEN_HISTORY``
leaves the first decision open between all three of its ways;
``EITHER_WAY`` leaves it open between two branches that lead to the same
node, so what follows is definite.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from textwrap import dedent, indent

import pytest

import spinedx
from spinedx import load_pathway
from spinedx._authoring.coverage import measure_coverage
from spinedx._authoring.diagram import build_diagram
from spinedx._authoring.diff import diff_pathways, scenario_files_in
from spinedx._authoring.diff_report import report_markdown, report_text
from spinedx._authoring.html import render_html
from spinedx._authoring.legend import legend_dot
from spinedx._authoring.render import render_dot, render_mermaid
from spinedx._authoring.scenario_results import explain_coverage
from spinedx._evaluation.interpreter import walk
from spinedx.scenarios import ScenarioResult, load_scenarios, run_scenarios
from tests.paths import MINI
from tests.records import History, MiniRecord

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")

OPEN_HISTORY = {"history": {"age": 55}}
"""Cancers, night pain and weight loss unknown: 'cancer' may take branch 1, 2 or otherwise."""
EITHER_WAY = {"history": {"age": 70, "night_pain": True}}
"""Cancers unknown, but branch 2 holds: branch 1 or 2, both to 'suspect'."""
COMPLETE = {
    "history": {"age": 40, "night_pain": False, "weight_loss": False, "cancers": []},
    "exam": {"leg_strength": 5, "reflexes": "normal"},
    "labs": {"calcium_high": False},
}


@pytest.fixture(scope="module")
def mini() -> spinedx.Pathway:
    return load_pathway(MINI)


def _scenario(mini: spinedx.Pathway, folder: Path, patient: str, expect: str) -> ScenarioResult:
    folder.mkdir(parents=True, exist_ok=True)
    text = f"name: S\nsummary: s\npatient: {patient}\nexpect:\n{indent(dedent(expect), '  ')}"
    (folder / "s.yaml").write_text(text, encoding="utf-8")
    (result,) = run_scenarios(mini, load_scenarios(mini, folder)).results
    return result


# ---------------------------------------------------------------- scenarios


def test_the_three_lists_say_definite_conditional_and_not_at_all(
    mini: spinedx.Pathway, tmp_path: Path
) -> None:
    result = _scenario(
        mini,
        tmp_path,
        "{history: {age: 70, night_pain: true}}",
        """\
        recommendations: [mri-whole-spine]
        conditional: [contact-coordinator, myeloma-screen]
        absent: [conservative-care]
        """,
    )
    assert result.passed, result.explain()


def test_a_definite_expectation_given_only_conditionally_fails_with_its_condition(
    mini: spinedx.Pathway, tmp_path: Path
) -> None:
    result = _scenario(
        mini, tmp_path, "{history: {age: 55}}", "  recommendations: [mri-whole-spine]\n"
    )
    (failure,) = result.failures
    assert (failure.kind, failure.expected) == ("conditional", "reached definitely")
    assert failure.got.startswith("reached conditionally (within 1 week), only if ")
    assert "history.cancer_history" in failure.got
    assert failure.notes[0] == "given only when the missing data turns out so:"
    assert failure.notes[1].startswith("  history/cancer → branch 1: history.cancer_history")
    assert failure.notes[2].startswith("  or history/cancer → branch 2: history.age >= 50")
    text = result.explain()
    assert f"{tmp_path / 's.yaml'}:5: recommendation 'mri-whole-spine'" in text
    assert "    got:      reached conditionally (within 1 week), only if " in text


def test_a_conditional_expectation_given_definitely_fails(
    mini: spinedx.Pathway, tmp_path: Path
) -> None:
    expect = "  conditional: [mri-whole-spine, conservative-care]\n"
    result = _scenario(mini, tmp_path, "{history: {age: 70, night_pain: true}}", expect)
    definite, missing = result.failures
    assert (definite.kind, definite.subject) == ("definite", "mri-whole-spine")
    assert (definite.expected, definite.got) == (
        "reached conditionally",
        "reached definitely (within 1 week)",
    )
    assert definite.notes[0] == "reached via:"
    assert (missing.kind, missing.expected, missing.got) == (
        "missing",
        "reached conditionally",
        "not reached",
    )
    assert definite.span.line == 5
    assert missing.span.line == 5


def test_absent_means_not_even_conditionally(mini: spinedx.Pathway, tmp_path: Path) -> None:
    result = _scenario(mini, tmp_path, "{history: {age: 55}}", "  absent: [contact-coordinator]\n")
    (failure,) = result.failures
    assert failure.kind == "unexpected"
    assert failure.got.startswith("reached conditionally (immediately), only if ")
    assert "exam.leg_strength" in " ".join(failure.notes)


def test_reached_instead_lists_the_conditional_ones_as_such(
    mini: spinedx.Pathway, tmp_path: Path
) -> None:
    complete = "{history: {age: 40, night_pain: false, weight_loss: false, cancers: []}}"
    result = _scenario(mini, tmp_path, complete, "  recommendations: [mri-whole-spine]\n")
    (failure,) = result.failures
    assert "  conservative-care (routine)" in failure.notes
    assert "  myeloma-screen (within 48 hours, conditionally)" in failure.notes


def test_the_mini_scenario_expects_definite_and_conditional(mini: spinedx.Pathway) -> None:
    (scenario,) = [s for s in load_scenarios(mini) if s.name == "Cancer history not known"]
    assert scenario.expect.conditional == ["contact-coordinator"]
    assert run_scenarios(mini, [scenario]).passed


# ----------------------------------------------------------------- coverage


def test_coverage_counts_every_branch_the_walk_explored(mini: spinedx.Pathway) -> None:
    open_history = MiniRecord(history=History(age=55))
    coverage = measure_coverage(mini.stages, [("open", walk(mini.stages, open_history))])
    ways = {(p.node, p.kind, p.index) for p in coverage.points if p.covered}
    assert {("cancer", "branch", 1), ("cancer", "branch", 2), ("cancer", "otherwise", None)} <= (
        ways
    )
    assert ("panel", "item", 2) in ways  # calcium unknown: the item fires for some values
    only = {(p.node, p.kind, p.index) for p in coverage.only_conditional}
    assert ("cancer", "node", None) not in only  # the start is on every path
    assert ("cancer", "branch", 1) in only
    assert ("suspect", "node", None) in only
    assert ("neuro", "node", None) not in only  # every path goes on to the next stage


def test_a_node_both_open_ways_lead_to_is_reached_definitely(mini: spinedx.Pathway) -> None:
    either = MiniRecord(history=History(age=70, night_pain=True))
    coverage = measure_coverage(mini.stages, [("either", walk(mini.stages, either))])
    points = {(p.node, p.kind, p.index): p for p in coverage.points}
    assert points[("cancer", "branch", 1)].definite == []
    assert points[("cancer", "branch", 2)].definite == []
    assert points[("suspect", "node", None)].definite == ["either"]
    assert points[("mri", "node", None)].definite == ["either"]


def test_the_coverage_text_lists_what_only_missing_data_reaches(mini: spinedx.Pathway) -> None:
    open_history = MiniRecord(history=History(age=55))
    coverage = measure_coverage(mini.stages, [("open", walk(mini.stages, open_history))])
    text = explain_coverage(coverage)
    section = text.split("REACHED ONLY WHERE DATA IS MISSING (no scenario's data settles the way)")
    assert len(section) == 2
    lines = section[1].strip().splitlines()
    assert any(
        re.fullmatch(
            r".*history\.yaml:\d+: node 'suspect' by 1 scenario, "
            r"each only for some values of its missing data",
            line,
        )
        for line in lines
    )
    assert not any("node 'suspect' branch" in line for line in lines)
    complete = MiniRecord.model_validate(COMPLETE)
    settled = explain_coverage(measure_coverage(mini.stages, [("c", walk(mini.stages, complete))]))
    assert "REACHED ONLY WHERE DATA IS MISSING" not in settled


def test_the_coverage_json_says_which_scenarios_reach_a_point_definitely() -> None:
    report = run_scenarios(MINI)
    data = json.loads(report.model_dump_json())
    points = {(p["node"], p["kind"], p["index"]): p for p in data["coverage"]["points"]}
    emergency = points[("emergency", "node", None)]
    assert emergency["scenarios"] == [
        "Cancer history not known",
        "Cancer history with leg weakness",
    ]
    assert emergency["definite"] == ["Cancer history with leg weakness"]
    assert emergency["only_conditional"] is False


# --------------------------------------------------------------------- diff

RAISE_TO_75 = ("history.age >= 50 and", "history.age >= 75 and")


def _versions(tmp_path: Path, patient: str) -> tuple[spinedx.Pathway, spinedx.Pathway, Path]:
    folder = tmp_path / "new"
    shutil.copytree(MINI, folder)
    history = folder / "history.yaml"
    history.write_text(history.read_text(encoding="utf-8").replace(*RAISE_TO_75), encoding="utf-8")
    patients = tmp_path / "patients"
    patients.mkdir()
    (patients / "p.yaml").write_text(patient, encoding="utf-8")
    return load_pathway(MINI), load_pathway(folder), patients


def test_a_definite_recommendation_that_becomes_conditional_is_safety_relevant(
    tmp_path: Path,
) -> None:
    old, new, patients = _versions(tmp_path, "history: {age: 70, night_pain: true}\n")
    diff = diff_pathways(old, new, scenario_files_in(patients))
    (scenario,) = diff.scenarios
    changes = {c.id: c for c in scenario.changes}
    mri = changes["mri-whole-spine"]
    assert mri.change == "now-conditional"
    assert mri.safety_relevant
    assert (mri.old.certainty, mri.new.certainty) == ("definite", "conditional")
    assert mri.new.condition is not None
    assert mri.new.condition.startswith("if history.cancer_history is recorded as true")
    assert not changes["conservative-care"].safety_relevant  # appears, conditionally
    text = report_text(diff)
    assert "  - Now conditional: 2\n" in text
    assert "- 2 safety-relevant changes: " in text
    assert (
        "- Now conditional: mri-whole-spine — MRI of the whole spine within 1 week. "
        "(within 1 week) (safety-relevant)\n"
        "  - Now conditional: given only if history.cancer_history is recorded as true"
    ) in text
    assert "  - After: reached conditionally, by the same decisions" in text
    assert "  - After: reached conditionally (if none of its branches holds" in text
    markdown = report_markdown(diff)
    assert "- **2 safety-relevant changes**: " in markdown
    assert "  - **Now conditional**: given only if history.cancer_history is recorded" in (markdown)
    data = json.loads(diff.model_dump_json())
    kinds = {c["id"]: (c["change"], c["safety_relevant"]) for c in data["scenarios"][0]["changes"]}
    assert kinds["mri-whole-spine"] == ("now-conditional", True)


def test_a_conditional_recommendation_that_becomes_definite(tmp_path: Path) -> None:
    new, old, patients = _versions(tmp_path, "history: {age: 70, night_pain: true}\n")
    diff = diff_pathways(old, new, scenario_files_in(patients))
    changes = {c.id: c for c in diff.scenarios[0].changes}
    mri = changes["mri-whole-spine"]
    assert mri.change == "now-definite"
    assert not mri.safety_relevant
    text = report_text(diff)
    assert "  - Now definite: 2\n" in text
    assert (
        "  - Now definite: given whatever the missing data turns out to be "
        "(before: only if history.cancer_history is recorded as true"
    ) in text
    assert "- 1 safety-relevant change: " in text  # conservative-care, no longer given
    assert (
        "Now definite: mri-whole-spine — MRI of the whole spine within 1 week. (within 1 week)\n"
        in (text)
    )


def test_a_complete_record_has_no_certainty_change(tmp_path: Path) -> None:
    patient = "history: {age: 70, night_pain: true, cancers: []}\nexam: {leg_strength: 5}\n"
    old, new, patients = _versions(tmp_path, patient)
    diff = diff_pathways(old, new, scenario_files_in(patients))
    kinds = {c.change for s in diff.scenarios for c in s.changes}
    assert not kinds & {"now-conditional", "now-definite"}


# ----------------------------------------------------------------- diagrams


def _classes(mermaid: str) -> dict[str, set[str]]:
    return {
        name: set(keys.split(","))
        for keys, name in re.findall(r"^  class ([\w,]+) (\w+)$", mermaid, re.MULTILINE)
    }


def test_mermaid_gives_the_conditional_parts_their_own_class_and_dashes(
    mini: spinedx.Pathway,
) -> None:
    diagram = build_diagram(mini, mini.evaluate(OPEN_HISTORY))
    keys = {(n.stage, n.node): n.key for stage in diagram.stages for n in stage.nodes}
    text = render_mermaid(diagram)
    assert "  classDef conditional stroke-dasharray:6 4" in text
    classes = _classes(text)
    assert keys[("history", "suspect")] in classes["conditional"]
    assert keys[("imaging", "mri")] in classes["conditional"]
    assert keys[("imaging", "mri")] in classes["reached"]
    assert keys[("history", "cancer")] not in classes["conditional"]  # on every path
    assert keys[("history", "end")] not in classes["conditional"]  # every path ends there
    assert "◐ reached conditionally" in text
    solid, dashed = re.findall(r"^  linkStyle ([\d,]+) (.*)$", text, re.MULTILINE)
    assert "stroke-dasharray" not in solid[1]
    assert dashed[1].endswith("stroke-dasharray:6 4")
    links = re.findall(r'^\s+(n\d+ \S+\|".*"\| n\d+|s\d ==> s\d)$', text, re.MULTILINE)
    conditional = [links[int(i)] for i in dashed[0].split(",")]
    assert any('|"otherwise"|' in link for link in conditional)
    assert not any(link.startswith("s") for link in conditional)  # stage to stage: definite


def test_a_node_both_open_ways_lead_to_is_drawn_definite(mini: spinedx.Pathway) -> None:
    diagram = build_diagram(mini, mini.evaluate(EITHER_WAY))
    nodes = {(n.stage, n.node): n for stage in diagram.stages for n in stage.nodes}
    assert not nodes[("history", "suspect")].conditional
    assert nodes[("imaging", "mri")].reached
    assert not nodes[("imaging", "mri")].conditional
    assert "✓ reached" in nodes[("imaging", "mri")].lines
    history = diagram.stages[0]
    into_suspect = [e for e in history.edges if e.target == nodes[("history", "suspect")].key]
    assert [(e.taken, e.conditional) for e in into_suspect] == [(True, True), (True, True)]
    assert nodes[("exam", "emergency")].conditional  # the legs decide


def test_dot_marks_conditional_nodes_and_edges_dashed(mini: spinedx.Pathway) -> None:
    text = render_dot(build_diagram(mini, mini.evaluate(OPEN_HISTORY)))
    mri = re.search(r"^\s+n\d+ \[.*MRI of the whole spine.*$", text, re.MULTILINE)
    assert mri is not None
    assert 'style="rounded,filled,dashed"' in mri.group(0)
    assert 'class="recommendation reached conditional"' in mri.group(0)
    assert 'class="branch taken conditional"' in text
    assert 'class="otherwise taken conditional"' in text
    edge = re.search(r'^.*class="otherwise taken conditional".*$', text, re.MULTILINE)
    assert edge is not None
    assert "style=dashed" in edge.group(0)


def test_a_complete_record_draws_nothing_conditional(mini: spinedx.Pathway) -> None:
    diagram = build_diagram(mini, mini.evaluate(COMPLETE))
    assert not any(n.conditional for stage in diagram.stages for n in stage.nodes)
    mermaid = render_mermaid(diagram)
    assert "conditional" not in mermaid
    assert "stroke-dasharray:6 4" not in mermaid
    assert "conditional" not in render_dot(diagram)


@needs_dot
def test_the_html_page_lists_conditional_recommendations_and_explains_the_dashes(
    mini: spinedx.Pathway,
) -> None:
    page = render_html(build_diagram(mini, mini.evaluate(OPEN_HISTORY)), patient="p.yaml")
    assert "<h3>Recommendations reached (0)</h3>" in page
    assert "No recommendation is definite: each one below depends on missing data." in page
    assert "<h3>Conditional recommendations (5)</h3>" in page
    assert '<ol class="recs conditional">' in page
    assert (
        '<li class="rec conditional" data-id="mri-whole-spine" data-certainty="conditional">'
        in (page)
    )
    assert '<li class="only-if">Given only if history.cancer_history is recorded as true' in page
    assert "(missing: <code>history.cancers</code>)" in page  # the input behind the computed field
    assert 'class="taken conditional"' in page
    assert "(for some values of the missing data)" in page
    assert "are dashed" in page
    assert "◐" in page
    assert "reached conditionally" in page  # the legend's example, and the drawn nodes


@needs_dot
def test_the_html_page_of_a_complete_record_shows_no_conditional_section(
    mini: spinedx.Pathway,
) -> None:
    page = render_html(build_diagram(mini, mini.evaluate(COMPLETE)))
    assert "Conditional recommendations" not in page
    assert 'class="rec conditional"' not in page
    assert "<h3>Recommendations reached (1)</h3>" in page


def test_the_legend_shows_the_conditional_marks() -> None:
    legend = legend_dot(highlighted=True)
    assert 'style="rounded,dashed"' in legend
    assert "◐ reached conditionally" in legend
    assert 'label="edge taken for\\nsome values", style=dashed' in legend
    assert "conditional" not in legend_dot(highlighted=False)
