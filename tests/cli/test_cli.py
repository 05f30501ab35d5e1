"""The command line: exit codes, formats, and no traceback for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from spinedx._cli.app import main
from tests.paths import CASES, MINI, ROOT

BROKEN = CASES / "invalid" / "many-problems"
SHIPPED = ROOT / "pathways" / "spinal_tumor"
PATIENTS = ROOT / "examples" / "patients"


def test_validate_clean_pathway_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(MINI)]) == 0
    assert capsys.readouterr().out.strip().endswith(": ok")


def test_validate_broken_pathway_prints_every_problem_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", str(BROKEN)]) == 1
    err = capsys.readouterr().err
    for code in ("SPX305", "SPX302", "SPX403", "SPX307"):
        assert code in err
    assert "history.yaml:9:23: SPX403" in err
    assert "help: did you mean 'history.age'?" in err
    assert "^^^^" in err
    assert err.rstrip().endswith("4 errors, 0 warnings")


def test_validate_json_lists_diagnostics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BROKEN), "--format", "json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert {row["code"] for row in rows} == {"SPX305", "SPX302", "SPX403", "SPX307"}
    assert all({"file", "line", "column"} <= set(row["span"]) for row in rows)


def test_evaluate_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    patient = PATIENTS / "metastatic-breast-leg-weakness.yaml"
    assert main(["evaluate", str(SHIPPED), str(patient), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["pathway"]) >= {"id", "version", "digest"}
    assert out["recommendations"], "the MSCC example must reach recommendations"
    for rec in out["recommendations"]:
        assert set(rec) >= {"id", "stage", "action", "urgency", "reasons", "sources"}
        assert rec["reasons"]
        assert rec["sources"]
    assert isinstance(out["needs"], list)
    assert isinstance(out["facts"], dict)
    assert out["trace"]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_evaluate_text_and_markdown(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    patient = PATIENTS / "metastatic-breast-leg-weakness.yaml"
    assert main(["evaluate", str(SHIPPED), str(patient), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "MSCC coordinator" in out
    assert ("## Recommendations" in out) == (fmt == "markdown")


def test_evaluate_bad_patient_exits_1_with_field_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patient = tmp_path / "bad.yaml"
    patient.write_text("history:\n  night_pain: yes\nexam:\n  left_leg:\n    strength: 7\n")
    assert main(["evaluate", str(SHIPPED), str(patient)]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml:2:15" in err
    assert "SPX106" in err
    patient.write_text("exam:\n  left_leg:\n    strength: 7\n")
    assert main(["evaluate", str(SHIPPED), str(patient)]) == 1
    err = capsys.readouterr().err
    assert "SPX501" in err
    assert "exam.left_leg.strength" in err
    assert "bad.yaml:3:15" in err


def test_missing_patient_file_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(SHIPPED), "does-not-exist.yaml"]) == 1
    assert "SPX100" in capsys.readouterr().err


def test_python_dash_m_runs_the_same_commands_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("history: [not, a, mapping]\n")
    done = subprocess.run(
        [sys.executable, "-m", "spinedx", "evaluate", str(SHIPPED), str(bad)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "SPX501" in done.stderr


def test_usage_error_exits_2() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2
