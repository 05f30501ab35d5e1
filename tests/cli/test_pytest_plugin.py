"""The pytest plugin: scenario files beside a pathway are collected and run as tests.

pytest runs in a subprocess on a small pathway in a temporary folder, so the
plugin is loaded the way users load it: through its ``pytest11`` entry point.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from spinedx import pytest_plugin
from spinedx._authoring import SCENARIO_FOLDER, SCENARIO_SUFFIXES
from spinedx._pathway import MANIFEST

_FILES = {
    "pathway.yaml": """\
id: tiny
version: "1"
title: Tiny pathway
record: spinedx.patient
stages: [history]
sources:
  guide: {title: Guide}
""",
    "history.yaml": """\
stage: history
start: pain
nodes:
  pain:
    decide: Does the pain wake the patient at night?
    branches:
      - when: history.night_pain
        then: scan
    otherwise: end
  scan:
    recommend: scan
    action: Scan the spine.
    urgency: within-1-week
    because: Night pain.
    sources: [guide]
    then: end
""",
    "scenarios/night-pain.yaml": """\
name: Night pain gets a scan
summary: Pain at night.
patient: {history: {night_pain: true}}
expect: {recommendations: [{id: scan, urgency: within-2-weeks}]}
""",
    "scenarios/no-night-pain.yaml": """\
name: No night pain and still a scan
summary: A wrong expectation, to see the failure.
patient: {history: {night_pain: false}}
expect: {recommendations: [scan]}
""",
    "scenarios/typo.yaml": """\
name: Typo
summary: A recommendation id the pathway does not have.
patient: {}
expect: {absent: [scna]}
""",
    "scenarios/notes.txt": "not a scenario\n",
    "elsewhere/scenarios/ignored.yaml": "not: a scenario, no pathway.yaml above\n",
}


def _pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=folder,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    for name, text in _FILES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def run(tiny: Path) -> str:
    """One verbose pytest run over the tiny pathway, shared by the tests below."""
    done = _pytest(tiny, "-v")
    assert done.returncode == 1, done.stdout + done.stderr
    return done.stdout


def test_each_scenario_file_is_one_test_named_after_the_scenario(run: str) -> None:
    assert "scenarios/night-pain.yaml::Night pain gets a scan PASSED" in run
    assert "scenarios/no-night-pain.yaml::No night pain and still a scan FAILED" in run
    assert "scenarios/typo.yaml::Typo FAILED" in run
    assert "ignored" not in run
    assert "notes" not in run
    assert "2 failed, 1 passed" in run


def test_a_failing_scenario_prints_expected_and_got(run: str) -> None:
    assert "FAIL  No night pain and still a scan (scenarios/no-night-pain.yaml)" in run
    assert "scenarios/no-night-pain.yaml:4: recommendation 'scan'" in run
    assert "    expected: reached definitely\n    got:      not reached\n" in run
    assert "      history/pain → otherwise" in run
    assert "Traceback" not in run


def test_an_invalid_scenario_fails_with_its_diagnostics(run: str) -> None:
    (line,) = [line for line in run.splitlines() if line.startswith("scenarios/typo.yaml:4:19: ")]
    assert "SPX602" in line
    assert line.endswith("the pathway has no recommendation 'scna'")
    assert "help: did you mean 'scan'?" in run


def test_the_plugin_can_be_turned_off(tiny: Path) -> None:
    done = _pytest(tiny, "-p", "no:spinedx")
    assert done.returncode == 5  # no tests collected


def test_importing_the_plugin_loads_no_engine_module() -> None:
    script = "import sys, spinedx.pytest_plugin; print(*sorted(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert [m for m in done.stdout.split() if m.startswith("spinedx._")] == []


def test_a_project_without_scenarios_never_loads_the_engine(tmp_path: Path) -> None:
    (tmp_path / "elsewhere" / "scenarios").mkdir(parents=True)
    (tmp_path / "elsewhere" / "scenarios" / "ignored.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "test_light.py").write_text(
        "import sys\n\n\ndef test_light():\n"
        "    assert [m for m in sys.modules if m.startswith('spinedx._')] == []\n",
        encoding="utf-8",
    )
    done = _pytest(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_plugin_recognises_the_engines_layout() -> None:
    assert pytest_plugin.SCENARIO_FOLDER == SCENARIO_FOLDER
    assert pytest_plugin.SCENARIO_SUFFIXES == SCENARIO_SUFFIXES
    assert pytest_plugin.MANIFEST == MANIFEST
