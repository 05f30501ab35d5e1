"""Scenarios: loading (every mistake located and coded), running, and the failure text.

Invalid scenario cases live in ``cases/scenario-invalid/<case>/scenarios/``,
each checked against the mini pathway, with an ``expected.yaml`` listing the
``[code, file, line, column]`` of every error it must produce.
"""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest
import yaml

import spinedx
from spinedx import PathwayError, load_pathway
from spinedx._authoring.scenario_run import needs_match, same_value
from spinedx.scenarios import ScenarioResult, load_scenarios, run_scenarios
from tests.paths import CASES, MINI

INVALID = sorted(p for p in (CASES / "scenario-invalid").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def mini() -> spinedx.Pathway:
    return load_pathway(MINI)


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _report(mini: spinedx.Pathway, folder: Path, text: str) -> ScenarioResult:
    _write(folder, "s.yaml", text)
    report = run_scenarios(mini, load_scenarios(mini, folder))
    (result,) = report.results
    return result


# ------------------------------------------------------------------ loading


def _expected(case: Path) -> list[tuple[str, str, int, int]]:
    rows = yaml.safe_load((case / "expected.yaml").read_text())
    return sorted((code, file, line, column) for code, file, line, column in rows)


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.name)
def test_invalid_scenarios_report_exactly_their_errors(mini: spinedx.Pathway, case: Path) -> None:
    with pytest.raises(PathwayError) as caught:
        load_scenarios(mini, case / "scenarios")
    found = sorted(
        (d.code, Path(d.span.file).name, d.span.line, d.span.column)
        for d in caught.value.diagnostics
        if d.is_error
    )
    assert found == _expected(case)
    assert str(caught.value).startswith(f"{len(found)} error")
    assert "^" in caught.value.render(), "diagnostics show the source line with a caret"


def test_misspelt_ids_fields_and_facts_come_with_did_you_mean(mini: spinedx.Pathway) -> None:
    hints = {}
    for case in ("unknown-recommendation", "expected-facts", "needs-fields", "patient-fields"):
        with pytest.raises(PathwayError) as caught:
            load_scenarios(mini, CASES / "scenario-invalid" / case / "scenarios")
        hints.update({d.message: d.hint for d in caught.value.diagnostics})
    assert hints["the pathway has no recommendation 'fbcc'"] == "did you mean 'fbc'?"
    assert hints["the pathway declares no fact 'cancer_suspect'"] == (
        "did you mean 'cancer_suspected'?"
    )
    assert hints["the record has no field 'history.agee'"] == "did you mean 'history.age'?"
    assert hints["unknown key 'patient.histroy'"] == "did you mean 'history'?"


def test_the_mini_scenarios_load_from_the_default_folder(mini: spinedx.Pathway) -> None:
    scenarios = load_scenarios(mini)
    assert len(scenarios) >= 4
    assert all(Path(s.file).parent == MINI / "scenarios" for s in scenarios)
    assert all(isinstance(s.patient, mini.record_model) for s in scenarios)
    by_name = {s.name: s for s in scenarios}
    first = by_name["Cancer history with leg weakness"]
    assert [r.id for r in first.expect.recommendations][:2] == [
        "contact-coordinator",
        "mri-whole-spine",
    ]
    assert first.expect.recommendations[2].urgency is None  # a bare id
    assert first.where("expect", "absent", 0).line == 16


def test_a_pathway_folder_can_be_given_instead_of_a_pathway() -> None:
    assert [s.name for s in load_scenarios(MINI)] == [s.name for s in load_scenarios(str(MINI))]


def test_no_scenario_folder_or_an_empty_one_is_spx607(
    mini: spinedx.Pathway, tmp_path: Path
) -> None:
    for folder in (tmp_path / "missing", tmp_path):
        with pytest.raises(PathwayError) as caught:
            load_scenarios(mini, folder)
        assert [d.code for d in caught.value.diagnostics] == ["SPX607"]


def test_every_file_is_checked_before_failing(mini: spinedx.Pathway, tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", "name: A\nsummary: a\npatient: {}\nexpect: {absent: [fbcc]}\n")
    _write(
        tmp_path, "b.yaml", "name: B\nsummary: b\npatient: {exam: {leg_strength: 9}}\nexpect: {}\n"
    )
    with pytest.raises(PathwayError) as caught:
        load_scenarios(mini, tmp_path)
    assert [(Path(d.span.file).name, d.code) for d in caught.value.diagnostics] == [
        ("a.yaml", "SPX602"),
        ("b.yaml", "SPX601"),
    ]


# ------------------------------------------------------------------ running


def test_every_mini_scenario_passes(mini: spinedx.Pathway) -> None:
    report = run_scenarios(mini)
    assert [r.name for r in report.failed] == []
    assert report.passed
    assert report.pathway.id == "mini-workup"


_RED_FLAGS = dedent(
    """\
    name: Red flags
    summary: 62 with night pain, no cancer.
    patient:
      history: {age: 62, night_pain: true, cancers: []}
      exam: {leg_strength: 5, reflexes: normal}
    expect:
    """
)


def test_a_missing_recommendation_shows_what_was_reached_and_the_walk_of_its_stage(
    mini: spinedx.Pathway, tmp_path: Path
) -> None:
    result = _report(mini, tmp_path, _RED_FLAGS + "  recommendations: [contact-coordinator]\n")
    (failure,) = result.failures
    assert (failure.kind, failure.subject, failure.expected, failure.got) == (
        "missing",
        "contact-coordinator",
        "reached definitely",
        "not reached",
    )
    assert failure.span.line == 7
    assert "  mri-whole-spine (within 1 week)" in failure.notes
    assert "'contact-coordinator' is given at exam/emergency; the walk of exam went:" in (
        failure.notes
    )
    assert "  exam/neuro → otherwise" in failure.notes


def test_urgency_means_no_slower_than(mini: spinedx.Pathway, tmp_path: Path) -> None:
    slower = "  recommendations: [{id: mri-whole-spine, urgency: within-2-weeks}]\n"
    assert _report(mini, tmp_path, _RED_FLAGS + slower).passed
    sooner = "  recommendations: [{id: mri-whole-spine, urgency: within-48-hours}]\n"
    (failure,) = _report(mini, tmp_path, _RED_FLAGS + sooner).failures
    assert (failure.kind, failure.expected, failure.got) == (
        "too-slow",
        "within 48 hours or sooner",
        "within 1 week",
    )
    assert failure.notes[0] == "reached via:"
    assert any("imaging/scan → branch 1: facts.suspicion" in note for note in failure.notes)


def test_an_absent_recommendation_that_is_reached_shows_its_reasons(
    mini: spinedx.Pathway, tmp_path: Path
) -> None:
    (failure,) = _report(mini, tmp_path, _RED_FLAGS + "  absent: [fbc]\n").failures
    assert (failure.kind, failure.got) == ("unexpected", "reached definitely (within 2 weeks)")
    assert any(note.strip().startswith("labs/panel → item 1") for note in failure.notes)
    assert any("facts relied on: cancer_suspected = true" in note for note in failure.notes)


def test_facts_compare_by_value_and_type(mini: spinedx.Pathway, tmp_path: Path) -> None:
    wrong = "  facts: {suspicion: low, cancer_suspected: true}\n"
    (failure,) = _report(mini, tmp_path, _RED_FLAGS + wrong).failures
    assert (failure.kind, failure.subject, failure.expected, failure.got) == (
        "fact",
        "suspicion",
        "low",
        "high",
    )
    assert failure.notes[0] == "concluded at history/high: Cancer is suspected."
    assert "history/cancer → branch 2" in failure.notes[1]


def test_null_expects_a_fact_not_to_be_concluded(mini: spinedx.Pathway, tmp_path: Path) -> None:
    # Night pain and cancers unknown: the history can go either way, and the paths disagree.
    unknown_history = _RED_FLAGS.replace("night_pain: true, cancers: []", "weight_loss: false")
    assert _report(mini, tmp_path, unknown_history + "  facts: {suspicion: null}\n").passed
    (failure,) = _report(mini, tmp_path, _RED_FLAGS + "  facts: {suspicion: null}\n").failures
    assert (failure.expected, failure.got) == ("not concluded", "high")
    (failure,) = _report(mini, tmp_path, unknown_history + "  facts: {suspicion: high}\n").failures
    assert failure.got == "not concluded"
    assert failure.notes == [
        "the possible paths do not all conclude the same:",
        "  suspicion = high (history/high)",
        "  suspicion = low (history/low)",
    ]


def test_needs_and_complete(mini: spinedx.Pathway, tmp_path: Path) -> None:
    text = _RED_FLAGS + "  needs: [labs.calcium_high, history.weight_loss]\n  complete: false\n"
    need, complete = _report(mini, tmp_path, text).failures
    assert (need.kind, need.subject, need.got) == ("need", "history.weight_loss", "not needed")
    assert need.notes == ["needed: labs.calcium_high"]
    assert (complete.kind, complete.expected, complete.got) == ("complete", "false", "true")
    assert complete.notes == ["every stage walked to an end"]


@pytest.mark.parametrize(
    ("expected", "field", "matches"),
    [
        ("history.age", "history.age", True),
        ("history.age", "history.age_years", False),
        ("labs.calcium", "labs.calcium.flag", True),
        ("history.cancers[].site", "history.cancers[3].site", True),
        ("history.cancers.site", "history.cancers[3].site", True),
        ("history.cancers", "history.cancers[0].site", True),
        ("history.cancers[0].site", "history.cancers[0].site", True),
        ("history.cancers[0].site", "history.cancers[1].site", False),
        ("facts.suspicion", "facts.suspicion", True),
    ],
)
def test_needs_paths_match_items_and_parts(expected: str, field: str, matches: bool) -> None:
    assert needs_match(expected, field) is matches


def test_true_is_not_one() -> None:
    assert same_value(True, True)
    assert not same_value(True, 1)
    assert not same_value(0, False)
    assert same_value(3, 3.0)


# ------------------------------------------------------------------ output


def test_failure_text_shows_expected_and_got_at_the_line(
    mini: spinedx.Pathway, tmp_path: Path
) -> None:
    result = _report(mini, tmp_path, _RED_FLAGS + "  absent: [mri-whole-spine]\n")
    lines = result.explain().splitlines()
    assert lines[0] == f"FAIL  Red flags ({tmp_path / 's.yaml'})"
    assert lines[1] == f"  {tmp_path / 's.yaml'}:7: recommendation 'mri-whole-spine'"
    assert lines[2:4] == [
        "    expected: not reached",
        "    got:      reached definitely (within 1 week)",
    ]


def test_report_text_and_json(mini: spinedx.Pathway) -> None:
    report = run_scenarios(mini)
    text = report.explain()
    assert text.splitlines()[0].startswith("PASS  ")
    assert text.endswith(f"{len(report.results)} scenarios: {len(report.results)} passed, 0 failed")
    assert "COVERAGE" in report.explain(coverage=True)
    data = json.loads(report.model_dump_json())
    assert {"pathway", "results", "coverage"} <= set(data)
    assert data["passed"] is True
    assert all(r["passed"] and r["failures"] == [] for r in data["results"])
    assert data["coverage"]["full"] is True
    assert all(point["covered"] for point in data["coverage"]["points"])
