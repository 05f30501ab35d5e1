"""``spinedx test``: PASS/FAIL per scenario, coverage, exit status."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from spinedx._cli.app import main
from tests.paths import CASES, MINI

BROKEN = CASES / "invalid" / "many-problems"


def test_all_pass_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(MINI)]) == 0
    out = capsys.readouterr().out
    assert out.count("PASS  ") == 4
    assert out.rstrip().endswith("4 scenarios: 4 passed, 0 failed")
    assert "COVERAGE" not in out


def test_coverage_prints_per_stage_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(MINI), "--coverage", "--require-full-coverage"]) == 0
    out = capsys.readouterr().out
    assert "COVERAGE  nodes 12/12 (100%), branches 9/9 (100%)" in out
    assert "  history  6/6 (100%)    3/3 (100%)" in out


def test_partial_coverage_lists_what_is_missed_and_can_fail_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(MINI / "scenarios" / "no-red-flags.yaml", tmp_path)
    assert main(["test", str(MINI), "--scenarios", str(tmp_path), "--coverage"]) == 0
    out = capsys.readouterr().out
    history = MINI / "history.yaml"
    assert f"{history}:7: node 'cancer' branch 1 never taken" in out
    assert f"{MINI / 'exam.yaml'}:10: node 'emergency' never reached" in out
    # calcium is not known: the item fires for some values, so it counts, but apart
    assert f"{MINI / 'labs.yaml'}:13: node 'panel' item 2 'myeloma-screen' by 1 scenario, " in out
    assert main(["test", str(MINI), "--scenarios", str(tmp_path), "--require-full-coverage"]) == 1
    captured = capsys.readouterr()
    assert "NOT COVERED" in captured.out
    assert "coverage is not full" in captured.err


def test_a_failing_scenario_exits_1_with_expected_and_got(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "wrong.yaml").write_text(
        "name: Wrong\nsummary: No red flags but expects an MRI.\n"
        "patient: {history: {age: 30, night_pain: false, cancers: []}}\n"
        "expect: {recommendations: [mri-whole-spine]}\n"
    )
    assert main(["test", str(MINI), "--scenarios", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"FAIL  Wrong ({tmp_path / 'wrong.yaml'})\n")
    assert f"{tmp_path / 'wrong.yaml'}:4: recommendation 'mri-whole-spine'" in out
    assert "    expected: reached definitely\n    got:      not reached\n" in out
    assert "      imaging/scan → otherwise" in out
    assert out.rstrip().endswith("1 scenario: 0 passed, 1 failed")


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(MINI), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["results"]) == 4
    assert data["coverage"]["stages"][0]["stage"] == "history"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (
            [
                "--scenarios",
                str(CASES / "scenario-invalid" / "unknown-recommendation" / "scenarios"),
            ],
            "SPX602",
        ),
        (["--scenarios", str(CASES / "missing-folder")], "SPX607"),
    ],
)
def test_invalid_scenarios_print_diagnostics_and_exit_1(
    args: list[str], code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["test", str(MINI), *args]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f": {code} " in captured.err
    assert captured.err.rstrip().endswith("0 warnings")


def test_a_broken_pathway_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(BROKEN)]) == 1
    assert "SPX305" in capsys.readouterr().err
