"""``spinedx where``, ``spinedx new``, and ``spinedx evaluate`` with a scenario file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinedx import load_pathway
from spinedx._authoring.where import where_text, where_used
from spinedx._cli.app import main
from tests.paths import CASES, MINI, ROOT

SHIPPED = ROOT / "pathways" / "spinal_tumor"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# -------------------------------------------------------------------- where


def test_where_a_field_lists_the_conditions_that_read_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = _run(capsys, "where", "history.night_pain", "--pathway", str(MINI))
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("field history.night_pain")
    assert "reads     history/cancer (branch 2) at " in lines[1]
    assert lines[1].endswith("history.yaml:9:15")
    assert lines[2].strip() == "history.age >= 50 and (history.night_pain or history.weight_loss)"


def test_where_a_section_matches_every_field_below_it(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "where", "exam", "--pathway", str(MINI))
    assert status == 0
    assert "exam/neuro (branch 1)" in out


def test_where_a_recommendation_names_the_node_that_gives_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = _run(capsys, "where", "myeloma-screen", "--pathway", str(MINI))
    assert status == 0
    assert out.splitlines()[0] == "recommendation myeloma-screen"
    assert "gives     labs/panel (item 2)" in out
    assert "[within 48 hours] Protein electrophoresis and serum free light chains." in out


def test_where_a_fact_lists_who_concludes_and_who_reads_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = _run(capsys, "where", "facts.suspicion", "--pathway", str(MINI))
    assert status == 0
    roles = [line.split()[:2] for line in out.splitlines()[1:] if not line.startswith("   ")]
    assert roles == [
        ["concludes", "history/high"],
        ["concludes", "history/low"],
        ["reads", "imaging/scan"],
    ]
    assert "suspicion = high" in out


def test_where_json_holds_each_place_with_its_position(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = _run(
        capsys, "where", "cancer_suspected", "--pathway", str(MINI), "--format", "json"
    )
    assert status == 0
    data = json.loads(out)
    assert data["found"] is True
    [match] = data["matches"]
    assert match["kind"] == "fact"
    assert {p["role"] for p in match["places"]} == {"concludes", "reads"}
    first = match["places"][0]
    assert first["file"].endswith("history.yaml")
    assert (first["line"], first["column"]) == (12, 3)


def test_where_an_unknown_name_suggests_the_closest_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = _run(capsys, "where", "history.nigth_pain", "--pathway", str(MINI))
    assert status == 1
    assert out == ""
    assert err == (
        "error: 'history.nigth_pain' is not a record field, recommendation or fact of this "
        "pathway; did you mean 'history.night_pain'?\n"
    )
    status, out, _ = _run(capsys, "where", "zzz", "--pathway", str(MINI), "--format", "json")
    assert status == 1
    assert json.loads(out) == {"query": "zzz", "found": False, "suggestion": None, "matches": []}


def test_where_on_a_broken_pathway_reports_its_diagnostics(
    capsys: pytest.CaptureFixture[str],
) -> None:
    broken = CASES / "invalid" / "many-problems"
    status, _, err = _run(capsys, "where", "history.age", "--pathway", str(broken))
    assert status == 1
    assert "SPX" in err


def test_where_list_fields_match_with_or_without_brackets() -> None:
    pathway = load_pathway(SHIPPED)
    plain = where_used(pathway, "history.cancers.status")
    written = where_used(pathway, "history.cancers[].status")
    assert plain.matches == written.matches
    assert plain.matches[0].places
    assert "biopsy/" in where_text(plain)


# ----------------------------------------------------------------- evaluate


def test_evaluate_reads_the_patient_of_a_scenario_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scenario = SHIPPED / "scenarios" / "01-no-red-flags.yaml"
    status, out, err = _run(capsys, "evaluate", str(SHIPPED), str(scenario), "--format", "json")
    assert (status, err) == (0, "")
    ids = [rec["id"] for rec in json.loads(out)["recommendations"]]
    assert ids == ["conservative-care-no-imaging"]


def test_evaluate_reports_a_broken_scenario_file_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "broken.yaml"
    scenario.write_text(
        "name: x\nsummary: z\npatient:\n  history:\n    night_pain: maybe\nexpect: {}\n",
        encoding="utf-8",
    )
    status, _, err = _run(capsys, "evaluate", str(SHIPPED), str(scenario))
    assert status == 1
    assert "broken.yaml:5:17" in err


# ---------------------------------------------------------------------- new


def test_new_writes_a_pathway_that_validates_and_is_fully_covered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "back_pain"
    status, out, err = _run(capsys, "new", str(folder))
    assert (status, err) == (0, "")
    assert f"wrote {folder / 'pathway.yaml'}" in out
    status, out, err = _run(capsys, "validate", str(folder), "--strict")
    assert (status, out, err) == (0, f"{folder}: ok\n", "")
    status, out, err = _run(capsys, "test", str(folder), "--coverage", "--require-full-coverage")
    assert status == 0, out + err
    assert "nodes 3/3 (100%), branches 2/2 (100%)" in out
    manifest = (folder / "pathway.yaml").read_text(encoding="utf-8")
    assert "id: back-pain\n" in manifest
    assert "otherwise: nothing_to_do" in (folder / "first_stage.yaml").read_text(encoding="utf-8")


def test_new_points_every_file_at_its_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "p"
    assert main(["new", str(folder)]) == 0
    capsys.readouterr()
    files = [folder / "pathway.yaml", folder / "first_stage.yaml"]
    files += sorted((folder / "scenarios").glob("*.yaml"))
    for file in files:
        first = file.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), file
        schema = (file.parent / first.split("$schema=", 1)[1]).resolve()
        assert schema.is_file(), first
        kind = "scenario" if file.parent.name == "scenarios" else None
        assert kind is None or schema.name == "scenario.schema.json"


def test_new_inside_the_project_uses_its_committed_schemas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "pathway.schema.json").write_text("{}", encoding="utf-8")
    folder = tmp_path / "pathways" / "new_one"
    assert main(["new", str(folder)]) == 0
    capsys.readouterr()
    first = (folder / "pathway.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/pathway.schema.json"
    assert not (folder / "schemas").exists()


def test_new_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    status, out, err = _run(capsys, "new", str(tmp_path))
    assert (status, out) == (1, "")
    assert err == f"error: {tmp_path} is not empty; give a new or empty folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_new_refuses_an_unknown_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, "new", str(tmp_path / "p"), "--record", "no.such.record")
    assert status == 1
    assert "no record model is registered as 'no.such.record'" in err
    assert not (tmp_path / "p").exists()
