"""The wheel: it carries the shipped pathway, installs, and loads it by name anywhere.

The wheel is built with pip (hatchling, the build backend, comes from the
machine's package index in pip's isolated build, or from this environment when
it is installed here). It is installed without its dependencies into a fresh
virtual environment that reads them from this environment's site-packages
through a ``.pth`` line, so nothing is downloaded to install it. Then, from
another folder, the Python call and the ``spinedx`` command load the pathway
by name and evaluate a shipped example patient.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

import spinedx
from spinedx._pathway.shipped import locate, shipped_pathways
from tests.paths import ROOT

EXAMPLE = "no-red-flags.yaml"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out)]
    command += ["--retries", "0", "--timeout", "15"]  # offline, fail fast and skip
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-build-isolation")  # offline: the backend is already here
    done = subprocess.run([*command, str(ROOT)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(
            "cannot build the wheel: pip could not get hatchling, the build backend "
            f"(no network or package index?): {done.stderr.strip()[-300:]}"
        )
    (found,) = out.glob("spinedx-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; its ``bin`` folder."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=False)
    python = home / ("Scripts" if os.name == "nt" else "bin") / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install"]
    subprocess.run(
        [*install, "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies (pydantic, PyYAML, networkx) from this environment, after the
    # wheel's own files: a plain line adds the folder, and runs none of its .pth files
    # (so this checkout's editable install stays out).
    (Path(site) / "_spinedx_test_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    return python.parent


def _clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def test_the_wheel_carries_the_pathway_its_scenarios_and_the_examples(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    base = "spinedx/pathways/spinal-tumor/"
    source = ROOT / "pathways" / "spinal_tumor"
    expected = {base + path.relative_to(source).as_posix() for path in source.rglob("*.yaml")}
    expected |= {base + "examples/" + path.name for path in (ROOT / "examples/patients").glob("*")}
    assert expected <= names
    assert base + "scenarios/01-no-red-flags.yaml" in names
    assert not [name for name in names if "__pycache__" in name]


def test_the_checkout_keeps_one_copy_and_loads_it_by_name() -> None:
    assert not (ROOT / "src" / "spinedx" / "pathways").exists()  # the wheel's copy is built
    assert shipped_pathways() == {"spinal-tumor": ROOT / "pathways" / "spinal_tumor"}
    assert locate("spinal-tumor-diagnosis") == ROOT / "pathways" / "spinal_tumor"
    assert (
        spinedx.load_pathway("spinal-tumor").digest
        == spinedx.load_pathway(ROOT / "pathways" / "spinal_tumor").digest
    )


def test_an_unknown_name_is_spx100_with_a_did_you_mean(tmp_path: Path) -> None:
    with pytest.raises(spinedx.PathwayError) as error:
        spinedx.load_pathway("spinal-tumour")
    (found,) = error.value.diagnostics
    assert (found.code, found.span.file, found.hint) == (
        "SPX100",
        "spinal-tumour",
        "did you mean 'spinal-tumor'?",
    )
    far = spinedx.check_pathway("cardiology")
    assert [d.code for d in far] == ["SPX100"]
    assert far[0].hint is not None
    assert "spinal-tumor" in far[0].hint
    (tmp_path / "spinal-tumor").mkdir()  # an existing path is a path, never a name
    assert [d.code for d in spinedx.check_pathway(tmp_path / "spinal-tumor")] == ["SPX100"]


def test_the_installed_wheel_loads_the_pathway_by_name_from_another_folder(
    installed: Path, tmp_path: Path
) -> None:
    script = (
        "import json, pathlib, spinedx\n"
        "pathway = spinedx.load_pathway('spinal-tumor')\n"
        "folder = pathlib.Path(spinedx.__file__).parent / 'pathways' / 'spinal-tumor'\n"
        f"patient = spinedx.load_patient(folder / 'examples' / '{EXAMPLE}', spinedx.Patient)\n"
        "ids = [rec.id for rec in pathway.evaluate(patient).recommendations]\n"
        "print(json.dumps([spinedx.__file__, pathway.digest, str(folder), ids]))\n"
    )
    done = subprocess.run(
        [str(installed / "python"), "-c", script],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    module, digest, folder, ids = json.loads(done.stdout)
    assert Path(module).is_relative_to(installed.parent)  # the wheel, not this checkout
    here = spinedx.load_pathway(ROOT / "pathways" / "spinal_tumor")
    patient = spinedx.load_patient(ROOT / "examples" / "patients" / EXAMPLE)
    assert digest == here.digest
    assert ids == here.recommend(patient)

    command = [str(installed / "spinedx"), "evaluate", "spinal-tumor"]
    shown = subprocess.run(
        [*command, str(Path(folder) / "examples" / EXAMPLE), "--format", "json"],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(shown.stdout)
    assert [rec["id"] for rec in result["recommendations"]] == ids
    unknown = subprocess.run(
        [*command[:-1], "spinal-tumour", str(Path(folder) / "examples" / EXAMPLE)],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert unknown.returncode == 1
    assert "did you mean 'spinal-tumor'?" in unknown.stderr


CLIENT = """
from datetime import date

import spinedx
from spinedx.patient import Cancer, History
from spinedx.results import RecordProblem


def main() -> None:
    patient = spinedx.Patient(
        patient_id="p-1",
        assessed_on=date(2026, 1, 5),
        age_years=70,
        history=History(night_pain=True, cancers=[Cancer()]),
    )
    loaded: spinedx.Patient = spinedx.load_patient("p.yaml", spinedx.Patient)
    age: int | None = loaded.age_years
    pathway = spinedx.load_pathway("spinal-tumor")
    ids: list[str] = [rec.id for rec in pathway.evaluate(patient).recommendations]
    for row in spinedx.evaluate_many(pathway, [patient, loaded], errors="collect"):
        if isinstance(row, RecordProblem):
            print(row.index, row.id, [d.code for d in row.diagnostics])
        else:
            ids += row
    print(age, ids)
"""


def test_a_client_passes_mypy_strict_without_the_pydantic_plugin(tmp_path: Path) -> None:
    """Keyword construction of the record, and ``load_patient`` typed by the model it is given.

    Without pydantic's mypy plugin, mypy reads a model's ``__init__`` from the
    ``dataclass_transform`` on ``BaseModel``: a field has a default only when its
    ``Field(...)`` says ``default=`` by keyword, so the record models always do.
    """
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install .[test])")
    (tmp_path / "client.py").write_text(CLIENT)
    (tmp_path / "mypy.ini").write_text("[mypy]\nstrict = True\n")  # no plugins
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "client.py"],
        cwd=tmp_path,  # away from this repository's pyproject.toml and its plugin
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
