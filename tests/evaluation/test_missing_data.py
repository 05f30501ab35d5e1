"""Missing data: the walk goes on along every possible branch (docs/missing-data.md).

Golden pathways in tests/cases/missing/ pin each rule on the mini record; the
last tests check the three situations of issue 11 on the shipped pathway.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import spinedx
from spinedx import Pathway, load_pathway
from spinedx._evaluation import LIMIT, walk
from spinedx.results import Assumption, Evaluation
from tests.paths import CASES, ROOT
from tests.records import Cancer, History, MiniRecord

MISSING = CASES / "missing"
SHIPPED = ROOT / "pathways" / "spinal_tumor"


def _load(name: str) -> Pathway:
    return load_pathway(MISSING / name)


def _certainty(result: Evaluation) -> dict[str, str]:
    return {rec.id: rec.certainty for rec in result.recommendations}


def test_complete_data_takes_one_path_and_everything_is_definite() -> None:
    result = _load("different").evaluate(MiniRecord(history=History(cancers=[])))
    assert _certainty(result) == {"reassure": "definite"}
    assert (result.paths, result.bounded, result.needs) == (1, False, [])
    assert result.recommendations[0].when == []
    assert result.recommendations[0].summary_if is None


def test_both_ways_to_the_same_recommendation_make_it_definite() -> None:
    result = _load("same").evaluate(MiniRecord())
    assert _certainty(result) == {"pain-diary": "conditional", "mri": "definite"}
    assert result.paths == 2
    assert [need.field for need in result.needs] == ["history.night_pain"]
    assert _load("same").recommend(MiniRecord()) == ["mri"]
    assert _load("same").recommend(MiniRecord(), conditional=True) == ["pain-diary", "mri"]


def test_different_recommendations_are_each_conditional_on_their_branch() -> None:
    result = _load("different").evaluate(MiniRecord())
    assert _certainty(result) == {"mri": "conditional", "reassure": "conditional"}
    question = "Has the patient had cancer?"
    mri, reassure = result.recommendations
    assert mri.when == [
        [
            Assumption(stage="history", node="cancer", question=question, taken="branch 1",
                       condition="history.cancer_history", fields=["history.cancers"])
        ]
    ]  # fmt: skip
    assert reassure.when == [
        [
            Assumption(stage="history", node="cancer", question=question, taken="otherwise",
                       condition=None, fields=["history.cancers"])
        ]
    ]  # fmt: skip
    assert mri.summary_if == (
        "if history.cancer_history is recorded as true (Has the patient had cancer? → branch 1; "
        "settled by history.cancers)"
    )
    assert mri.reasons[0].taken == "branch 1"  # the reasons of its path, in full
    assert spinedx.load_pathway(MISSING / "different").recommend(MiniRecord()) == []


def test_a_fact_with_two_possible_values_is_read_by_each_path() -> None:
    pathway = _load("fact")
    result = pathway.evaluate(MiniRecord())
    assert _certainty(result) == {"mri": "conditional", "review": "conditional"}
    assert result.facts == {}  # 'level' differs between the paths
    (mri_when,) = result.recommendation("mri").when  # type: ignore[union-attr]
    assert [(a.stage, a.node, a.taken, a.fields) for a in mri_when] == [
        ("history", "weight", "branch 1", ["history.weight_loss"])
    ]
    (fact,) = result.recommendation("mri").facts  # type: ignore[union-attr]
    assert (fact.name, fact.value) == ("level", "high")
    settled = pathway.evaluate(MiniRecord(history=History(weight_loss=True)))
    assert _certainty(settled) == {"mri": "definite"}
    assert settled.facts["level"].value == "high"


def test_an_explicit_unknown_target_is_still_taken() -> None:
    result = _load("unknown-target").evaluate(MiniRecord())
    assert _certainty(result) == {"ask-cancer-history": "definite", "mri": "conditional"}
    history = [step for step in result.trace if step.stage == "history"]
    assert [(step.node, step.outcome) for step in history] == [
        ("cancer", "unknown"),
        ("ask", "recommend ask-cancer-history"),
    ]


def test_needs_expand_a_computed_field_and_a_fact_to_record_inputs() -> None:
    result = _load("unknown-target").evaluate(MiniRecord())
    assert [need.field for need in result.needs] == ["history.cancers"]
    (alternative,) = result.recommendation("mri").when  # type: ignore[union-attr]
    (assumption,) = alternative
    # The imaging decision reads facts.suspected; the history decision that would
    # conclude it reads history.cancer_history, computed from history.cancers.
    assert (assumption.node, assumption.condition) == ("scan", "facts.suspected")
    assert assumption.fields == ["history.cancers"]
    known = MiniRecord(history=History(cancers=[Cancer(site="lung")]))
    assert _certainty(_load("unknown-target").evaluate(known)) == {"mri": "definite"}


def test_the_bound_is_reported_never_silent() -> None:
    pathway = _load("bound")
    result = pathway.evaluate(MiniRecord())
    assert result.bounded
    assert LIMIT < result.paths < 2 * LIMIT  # paths that end make room for others
    # Stopped paths never reach it, so it cannot be definite.
    assert _certainty(result) == {"follow-up": "conditional"}
    assert [(s.id, s.status, s.stopped_at) for s in result.stages] == [("history", "stopped", "d7")]
    assert len(result.needs) == 7  # every open decision's data, the stopped ones too
    assert "reached its bound" in result.explain()
    wider = walk(pathway.stages, MiniRecord(), limit=2 * LIMIT)
    assert (wider.bounded, wider.paths, wider.definite) == (False, 2 * LIMIT, {"follow-up"})


# -- the shipped pathway: the three situations of issue 11 -------------------


@pytest.fixture(scope="module")
def shipped() -> Pathway:
    return load_pathway(SHIPPED)


def _mscc_patient() -> dict[str, Any]:
    """Breast cancer, thoracic night pain, legs MRC 3/5: the MSCC scenario's patient."""
    text = (SHIPPED / "scenarios" / "12-mscc-breast-leg-weakness.yaml").read_text("utf-8")
    return copy.deepcopy(yaml.safe_load(text)["patient"])


def _mri(result: Evaluation) -> list[tuple[str, str, list[list[str]]]]:
    return [
        (rec.id, rec.certainty, [[f for a in alt for f in a.fields] for alt in rec.when])
        for rec in result.recommendations
        if rec.id.startswith("mri-")
    ]


def test_metastatic_cancer_with_a_cord_deficit_and_no_pain_character(shipped: Pathway) -> None:
    patient = _mscc_patient()
    patient["history"]["cancers"][0]["metastatic"] = True
    for name in ("night_pain", "mechanical_pain", "progressive_pain", "pain_sites",
                 "severe_unremitting_pain", "pain_on_straining"):  # fmt: skip
        del patient["history"][name]
    result = shipped.evaluate(patient)
    assert ("mri-whole-spine-24h", "definite", []) in _mri(result)
    assert _certainty(result)["contact-mscc-coordinator-immediately"] == "definite"


def test_a_cord_syndrome_before_the_cancer_history_is_taken(shipped: Pathway) -> None:
    patient = _mscc_patient()
    del patient["history"]["cancers"]
    result = shipped.evaluate(patient)
    mri = _mri(result)
    assert mri, "no MRI at all"
    assert all(certainty == "conditional" for _, certainty, _ in mri)
    assert all("history.cancers" in fields for _, _, when in mri for fields in when)
    assert result.needs[0].field == "history.cancers"
    assert "take-cancer-history" in shipped.recommend(patient)


def test_one_sign_undocumented_with_a_lesion_already_on_mri(shipped: Pathway) -> None:
    patient = _mscc_patient()
    patient["history"].update(limb_weakness_reported=False, walking_difficulty=False)
    normal = {"strength": 5, "sensation": "normal", "reflexes": "normal"}
    patient["exam"].update(left_leg=normal, right_leg=normal, gait="normal",
                           plantar_left="flexor", plantar_right="flexor")  # fmt: skip
    del patient["exam"]["clonus"]
    lesion = {"level": "T8", "compartment": "extradural"}
    patient["imaging"] = {"studies": [{"modality": "mri", "region": "thoracic",
                                       "lesions": [lesion]}]}  # fmt: skip
    result = shipped.evaluate(patient)
    assert ("mri-whole-spine-24h", "conditional", [["exam.clonus"]]) in _mri(result)
    assert [need.field for need in result.needs] == ["exam.clonus"]
    assert any(step.stage == "biopsy" for step in result.trace)  # the later stages ran


# -- readable ------------------------------------------------------------------


def test_text_lists_definite_then_top_needs_then_conditional_in_groups(shipped: Pathway) -> None:
    scenario = SHIPPED / "scenarios" / "55-everything-missing.yaml"
    patient = yaml.safe_load(Path(scenario).read_text("utf-8"))["patient"]
    result = shipped.evaluate(patient)
    text = result.explain()
    sections = ["RECOMMENDATIONS", "DATA NEEDED TO GO ON", "IF THE MISSING DATA ALLOWS"]
    assert [text.index(s) for s in sections] == sorted(text.index(s) for s in sections)
    assert len(text.splitlines()) <= 43  # no longer than the old stopped walk's output
    assert "depending on history.cancers:" in text
    conditional = [r for r in result.recommendations if r.certainty == "conditional"]
    assert len(conditional) > 20  # everything stays in JSON
    markdown = result.explain("markdown")
    assert "## If the missing data allows" in markdown
    assert result.recommendation("mri-whole-spine-24h").explain().count("Conditional: if ") == 1  # type: ignore[union-attr]
