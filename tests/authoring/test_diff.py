"""Version diff: structural changes between two pathways, and what changes for patients.

The second version is always the golden mini pathway copied to a temporary
folder and changed by text edits, as an author would change it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from spinedx import load_pathway
from spinedx._authoring.diff import PathwayDiff, diff_pathways, scenario_files_in
from spinedx._authoring.diff_report import md_code, md_escape, report_markdown, report_text
from spinedx._authoring.diff_structure import Change
from spinedx._cli.app import main
from tests.paths import CASES, MINI, ROOT

SCENARIOS = MINI / "scenarios"

RAISE_AGE = ("history.age >= 50 and", "history.age >= 60 and")
OLDER_NIGHT_PAIN = """\
name: Older with night pain
summary: 55-year-old with night pain and no cancer.
patient:
  history: {age: 55, night_pain: true, cancers: []}
expect:
  complete: true
"""


_REASSURE = """\
  reassure:
    recommend: conservative-care
    action: Conservative care and a safety net; no imaging.
    urgency: routine
    because: No red flags for malignancy.
    sources: [{id: guide, section: "1.1"}]
    then: end
"""


def _version(tmp_path: Path, *edits: tuple[str, str, str], name: str = "new") -> Path:
    """A copy of the mini pathway with (file, old text, new text) edits applied."""
    folder = tmp_path / name
    shutil.copytree(MINI, folder)
    for file, old, new in edits:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{file}: {old!r}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _diff(new: Path, scenarios: Path | None = SCENARIOS) -> PathwayDiff:
    files = scenario_files_in(scenarios) if scenarios else []
    return diff_pathways(load_pathway(MINI), load_pathway(new), files)


def _whats(changes: list[Change]) -> list[tuple[str | None, str | None, str]]:
    return [(c.stage, c.node, c.what) for c in changes]


# ---------------------------------------------------------------- structure


def test_a_pathway_compared_with_itself_has_no_change() -> None:
    diff = diff_pathways(load_pathway(MINI), load_pathway(MINI), scenario_files_in(SCENARIOS))
    assert diff.structural == []
    assert diff.scenarios
    assert not any(s.changed for s in diff.scenarios)
    assert all(s.unchanged or not s.changes for s in diff.scenarios)


def test_a_changed_threshold_is_shown_old_and_new(tmp_path: Path) -> None:
    diff = _diff(_version(tmp_path, ("history.yaml", *RAISE_AGE)), None)
    assert _whats(diff.structural) == [("history", "cancer", "condition of branch 2 changed")]
    change = diff.structural[0]
    assert change.old == "history.age >= 50 and (history.night_pain or history.weight_loss)"
    assert change.new == "history.age >= 60 and (history.night_pain or history.weight_loss)"


def test_reordered_branches_are_one_change_not_two(tmp_path: Path) -> None:
    first = "      - when: history.cancer_history\n        then: suspect\n"
    second = (
        "      - when: history.age >= 50 and (history.night_pain or history.weight_loss)\n"
        "        then: suspect\n"
    )
    new = _version(tmp_path, ("history.yaml", first + second, second + first))
    whats = _whats(_diff(new, None).structural)
    assert whats == [("history", "cancer", "branches reordered (the first that holds wins)")]


def test_added_and_removed_branches_and_changed_targets(tmp_path: Path) -> None:
    new = _version(
        tmp_path,
        (
            "imaging.yaml",
            '      - when: facts.suspicion == "high"\n        then: mri\n',
            '      - when: facts.suspicion == "high"\n        then: mri\n'
            "      - when: facts.cancer_suspected\n        then: mri\n",
        ),
        ("exam.yaml", "    otherwise: done", "    otherwise: end"),
        ("exam.yaml", "  done:\n    end: No emergency.\n", ""),
    )
    changes = _diff(new, None).structural
    assert _whats(changes) == [
        ("exam", "done", "node removed"),
        ("exam", "neuro", "'otherwise' target changed"),
        ("imaging", "scan", "branch 2 added"),
    ]
    assert changes[1].old == "done"
    assert changes[1].new == "end"
    assert changes[2].new == "when facts.cancer_suspected → mri"


def test_recommendation_fields_and_nodes(tmp_path: Path) -> None:
    new = _version(
        tmp_path,
        ("imaging.yaml", "urgency: within-1-week", "urgency: within-24-hours"),
        ("imaging.yaml", "sources: [guide]", "sources: [{id: guide, section: '2.1'}]"),
        ("exam.yaml", "action: Contact the MSCC coordinator now.", "action: Call the MSCC team."),
        (
            "history.yaml",
            "    then: reassure\n",
            "    then: note\n  note:\n    end: Nothing more to do.\n",
        ),
        ("history.yaml", _REASSURE, ""),
    )
    diff = _diff(new, None)
    by_what = {(c.node, c.what): c for c in diff.structural}
    assert by_what[("mri", "urgency changed")].old == "within 1 week"
    assert by_what[("mri", "urgency changed")].new == "within 24 hours"
    assert by_what[("mri", "sources changed")].new == "guide (2.1)"
    assert by_what[("emergency", "action changed")].new == "Call the MSCC team."
    assert by_what[("low", "next node changed")].new == "note"
    assert by_what[("note", "node added")].new == "end: Nothing more to do."
    assert by_what[("reassure", "node removed")].old.startswith("recommendation conservative-care")


def test_checklist_items_and_manifest_declarations(tmp_path: Path) -> None:
    new = _version(
        tmp_path,
        (
            "labs.yaml",
            "      - when: labs.calcium_high\n",
            "      - when: labs.calcium_high == true\n",
        ),
        ("pathway.yaml", "version: 0.1.0", "version: 0.2.0"),
        ("pathway.yaml", "year: 2024", "year: 2025"),
        ("pathway.yaml", "values: [low, high]", "values: [low, intermediate, high]"),
    )
    diff = _diff(new, None)
    whats = _whats(diff.structural)
    assert (None, None, "version changed") in whats
    assert (None, None, "source 'guide' changed") in whats
    assert (None, None, "fact 'suspicion' changed") in whats
    assert ("labs", "panel", "condition of item myeloma-screen changed") in whats


def test_a_stage_removed_and_reordered(tmp_path: Path) -> None:
    new = _version(
        tmp_path,
        ("pathway.yaml", "  - id: labs\n    title: Blood tests\n", ""),
        ("pathway.yaml", "  - exam\n  - imaging\n", "  - imaging\n  - exam\n"),
    )
    changes = {c.what: c for c in _diff(new, None).structural}
    assert changes["stage removed"].stage == "labs"
    assert changes["stage removed"].old == "labs (1 node)"
    assert changes["stages reordered"].old == "history → exam → imaging"
    assert changes["stages reordered"].new == "history → imaging → exam"


def test_a_node_that_changes_kind(tmp_path: Path) -> None:
    new = _version(
        tmp_path, ("exam.yaml", "  done:\n    end: No emergency.\n", "  done:\n    end:\n")
    )
    assert _whats(_diff(new, None).structural) == [("exam", "done", "end note changed")]
    new = _version(
        tmp_path,
        (
            "exam.yaml",
            "  done:\n    end: No emergency.\n",
            "  done:\n    conclude: suspicion\n    value: low\n    because: x\n    then: end\n",
        ),
        name="kind",
    )
    changes = _diff(new, None).structural
    assert _whats(changes) == [("exam", "done", "node kind changed")]
    assert changes[0].old == "end: No emergency."
    assert changes[0].new == "conclusion suspicion = low"


# ---------------------------------------------------------------- behaviour


def test_urgency_change_shows_as_sooner_for_each_patient_that_gets_it(tmp_path: Path) -> None:
    new = _version(tmp_path, ("imaging.yaml", "urgency: within-1-week", "urgency: within-24-hours"))
    diff = _diff(new)
    affected = {s.name: s for s in diff.scenarios if s.changed}
    assert set(affected) == {
        "Cancer history with leg weakness",
        "Cancer history not known",  # either answer leads to the MRI: definite
        "Red flags without a cancer history",
    }
    change = affected["Cancer history with leg weakness"].changes[0]
    assert (change.id, change.change) == ("mri-whole-spine", "sooner")
    assert (change.old.urgency, change.new.urgency) == ("within-1-week", "within-24-hours")
    assert change.old.decisions == change.new.decisions
    assert "contact-coordinator" in affected["Cancer history with leg weakness"].unchanged


def test_a_threshold_change_moves_recommendations_with_reasons_on_both_sides(
    tmp_path: Path,
) -> None:
    scenarios = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, scenarios)
    (scenarios / "older-night-pain.yaml").write_text(OLDER_NIGHT_PAIN, encoding="utf-8")
    diff = _diff(_version(tmp_path, ("history.yaml", *RAISE_AGE)), scenarios)
    [older] = [s for s in diff.scenarios if s.changed]
    assert older.name == "Older with night pain"
    kinds = {c.id: c.change for c in older.changes}
    assert kinds == {
        "contact-coordinator": "disappears",  # conditional on the unexamined legs before
        "mri-whole-spine": "disappears",
        "fbc": "disappears",
        "conservative-care": "appears",
    }
    urgent = next(c for c in older.changes if c.id == "contact-coordinator")
    assert (urgent.old.certainty, urgent.new.certainty) == ("conditional", None)
    assert urgent.old.condition is not None
    assert "exam.leg_strength" in urgent.old.condition
    gone = next(c for c in older.changes if c.id == "mri-whole-spine")
    assert gone.old.reached
    assert gone.old.certainty == "definite"
    assert gone.safety_relevant
    assert [d.taken for d in gone.old.decisions] == ["branch 1"]
    assert not gone.new.reached
    assert [(d.node, d.taken) for d in gone.new.decisions] == [("scan", "otherwise")]
    came = next(c for c in older.changes if c.id == "conservative-care")
    before = came.old.decisions[0]
    assert (before.node, before.taken) == ("cancer", "branch 2")
    assert before.checks[-1].condition.startswith("history.age >= 50")
    assert before.checks[-1].result == "true"
    after = came.new.decisions[0]
    assert after.checks[-1].condition.startswith("history.age >= 60")
    assert after.checks[-1].result == "false"
    assert {v.text for v in after.checks[-1].values} >= {"history.age = 55"}
    assert older.needs_removed == ["exam.leg_strength", "exam.reflexes"]


def test_changes_count_the_patients_that_reach_them(tmp_path: Path) -> None:
    folder = tmp_path / "patients"
    folder.mkdir()
    examined = OLDER_NIGHT_PAIN.replace(
        "cancers: []}", "cancers: []}\n  exam: {leg_strength: 5, reflexes: normal}"
    )
    (folder / "older.yaml").write_text(examined, encoding="utf-8")
    new = _version(
        tmp_path,
        ("history.yaml", *RAISE_AGE),
        ("exam.yaml", "action: Contact the MSCC coordinator now.", "action: Call the MSCC team."),
    )
    diff = _diff(new, folder)
    counts = {c.node: c.patients for c in diff.structural}
    assert counts == {"cancer": 1, "emergency": 0}
    text = report_markdown(diff)
    assert "**1 of them at nodes no scenario patient reaches**" in text
    assert "action changed (**no scenario patient reaches this node**)" in text
    assert "condition of branch 2 changed (1 scenario patient reaches this node)" in text
    assert _diff(new, None).structural[0].patients is None


def test_a_plain_patient_file_and_an_unreadable_one(tmp_path: Path) -> None:
    folder = tmp_path / "patients"
    folder.mkdir()
    (folder / "plain.yaml").write_text("history: {age: 55, night_pain: true, cancers: []}\n")
    (folder / "broken.yaml").write_text("history: {age: yes}\n")
    (folder / "wrong.yaml").write_text("patient: {history: {agee: 1}}\n")
    diff = _diff(_version(tmp_path, ("history.yaml", *RAISE_AGE)), folder)
    by_name = {s.name: s for s in diff.scenarios}
    assert {c.id for c in by_name["plain"].changes} == {
        "contact-coordinator",
        "mri-whole-spine",
        "fbc",
        "conservative-care",
    }
    assert [d.code for d in by_name["broken"].diagnostics] == ["SPX106"]
    assert [d.code for d in by_name["wrong"].diagnostics] == ["SPX501"]
    assert not by_name["broken"].changed
    assert not by_name["wrong"].changed


# ------------------------------------------------------------------ reports


def test_markdown_report_reads_in_the_committee_order(tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, scenarios)
    (scenarios / "older-night-pain.yaml").write_text(OLDER_NIGHT_PAIN, encoding="utf-8")
    new = _version(
        tmp_path,
        ("history.yaml", *RAISE_AGE),
        ("imaging.yaml", "urgency: within-1-week", "urgency: within-24-hours"),
    )
    text = report_markdown(_diff(new, scenarios))
    order = [
        "# Review of a pathway change: ",
        "| Version | `0.1.0` | `0.1.0` |",
        "## Summary",
        "## What changes for patients",
        "### Older with night pain (`older-night-pain.yaml`)",
        "- **No longer recommended**: `contact-coordinator`",
        "  - **Before**: reached conditionally (if ",
        "- **No longer recommended**: `mri-whole-spine`",
        "  - **Before**: reached",
        "    - `imaging/scan` “Does the suspicion call for an MRI?” → branch 1",
        '      - `facts.suspicion == "high"` is true',
        "  - **After**: not reached",
        "- **New recommendation**: `conservative-care`",
        "### Patients with no change (1)",
        "## Changes in the pathway files",
        "### Stage `history`",
        "- node `cancer`: condition of branch 2 changed",
        "  - before: `history.age >= 50 and (history.night_pain or history.weight_loss)`",
        "  - after: `history.age >= 60 and (history.night_pain or history.weight_loss)`",
        "### Stage `imaging`",
    ]
    at = 0
    for line in order:
        at = text.index(line, at)  # each line is found after the one before it
    assert "**4 of 5 scenario patients**" in text
    assert "Now sooner: 3" in text
    assert "- **3 safety-relevant changes**: " in text
    assert "  - **After**: reached, by the same decisions" in text


def test_text_report_has_the_same_content_without_markup(tmp_path: Path) -> None:
    text = report_text(_diff(_version(tmp_path, ("history.yaml", *RAISE_AGE))))
    assert "**" not in text
    assert "`" not in text.replace("``", "")
    assert "Review of a pathway change" in text
    assert "condition of branch 2 changed" in text
    assert "history.age >= 60 and (history.night_pain or history.weight_loss)" in text


def test_markdown_escapes_author_text(tmp_path: Path) -> None:
    new = _version(
        tmp_path,
        (
            "history.yaml",
            "decide: Has the patient had cancer?",
            'decide: "*Any* <cancer> | [ever]?"',
        ),
    )
    text = report_markdown(_diff(new, None))
    assert "\\*Any\\* \\<cancer\\> \\| \\[ever\\]?" in text
    assert md_escape("snake_case _lead") == "snake_case \\_lead"
    assert md_code("a `b` c") == "``a `b` c``"


# ---------------------------------------------------------------------- CLI


def test_cli_markdown_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = _version(tmp_path, ("history.yaml", *RAISE_AGE))
    assert main(["diff", str(MINI), str(new), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Review of a pathway change")
    assert f"Scenario patients from `{new / 'scenarios'}`." in out  # the new version's folder
    assert main(["diff", str(MINI), str(new), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"old", "new", "structural", "scenarios", "scenario_folder"}
    assert data["structural"][0]["what"] == "condition of branch 2 changed"


def test_cli_with_a_scenario_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "patients"
    folder.mkdir()
    (folder / "older.yaml").write_text(OLDER_NIGHT_PAIN, encoding="utf-8")
    new = _version(tmp_path, ("history.yaml", *RAISE_AGE))
    assert main(["diff", str(MINI), str(new), "--scenarios", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "1 of 1 scenario patients" in out
    assert "New recommendation: conservative-care" in out


def test_cli_errors_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = CASES / "invalid" / "many-problems"
    assert main(["diff", str(MINI), str(broken)]) == 1
    assert "SPX305" in capsys.readouterr().err
    assert main(["diff", str(MINI), str(MINI), "--scenarios", str(tmp_path / "none")]) == 1
    assert "no such folder" in capsys.readouterr().err


def test_the_example_in_the_docs_is_real_output(tmp_path: Path) -> None:
    page = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    shown = page.split("```markdown\n", 1)[1].split("\n```\n", 1)[0]
    patients = tmp_path / "patients"
    patients.mkdir()
    (patients / "older-night-pain.yaml").write_text(OLDER_NIGHT_PAIN, encoding="utf-8")
    shutil.copy(SCENARIOS / "no-red-flags.yaml", patients)
    new = _version(tmp_path, ("history.yaml", *RAISE_AGE), ("pathway.yaml", "0.1.0", "0.2.0"))
    result = diff_pathways(load_pathway(MINI), load_pathway(new), scenario_files_in(patients))
    made = report_markdown(result.model_copy(update={"scenario_folder": "patients"}))
    assert made.rstrip("\n").splitlines() == shown.splitlines()
