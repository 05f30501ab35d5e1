"""Evaluation on the golden mini pathway: walks, reasons, facts, needs, purity."""

from __future__ import annotations

import copy

import pytest

from spinedx import PatientError, Urgency, load_pathway
from tests.paths import MINI
from tests.records import Cancer, Exam, History, Labs, MiniRecord


@pytest.fixture(scope="module")
def pathway():  # type: ignore[no-untyped-def]
    return load_pathway(MINI)


def _ids(result) -> list[str]:  # type: ignore[no-untyped-def]
    """The definite recommendations: what ``recommend`` gives."""
    return [r.id for r in result.recommendations if r.certainty == "definite"]


def _conditional(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.id for r in result.recommendations if r.certainty == "conditional"]


def test_cancer_with_weak_leg_walks_every_stage(pathway) -> None:  # type: ignore[no-untyped-def]
    record = MiniRecord(
        history=History(age=58, cancers=[Cancer(site="breast", active=False)]),
        exam=Exam(leg_strength=3),
        labs=Labs(calcium_high=False),
    )
    result = pathway.evaluate(record)
    assert _ids(result) == ["contact-coordinator", "mri-whole-spine", "fbc"]
    assert result.needs == []
    assert result.complete
    assert {name: fact.value for name, fact in result.facts.items()} == {
        "cancer_suspected": True,
        "suspicion": "high",
    }
    urgent = result.recommendation("contact-coordinator")
    assert urgent is not None
    assert urgent.urgency is Urgency.IMMEDIATE


def test_reasons_name_conditions_values_and_facts(pathway) -> None:  # type: ignore[no-untyped-def]
    record = MiniRecord(history=History(cancers=[Cancer(site="lung")]), exam=Exam(leg_strength=5))
    mri = pathway.evaluate(record).recommendation("mri-whole-spine")
    assert mri is not None
    decision = mri.reasons[0]
    assert (decision.stage, decision.node, decision.taken) == ("imaging", "scan", "branch 1")
    assert decision.checks[0].condition == 'facts.suspicion == "high"'
    assert decision.checks[0].result == "true"
    assert [v.text for v in decision.checks[0].values] == ['facts.suspicion = "high"']
    assert mri.reasons[-1].kind == "rationale"
    (fact,) = mri.facts
    assert (fact.name, fact.value, fact.stage, fact.node) == (
        "suspicion",
        "high",
        "history",
        "high",
    )
    assert fact.reasons[0].checks[0].condition == "history.cancer_history"
    assert [s.id for s in mri.sources] == ["guide"]
    text = mri.explain()
    assert "history.cancer_history is true" in text
    assert "Test guideline (2024)" in text
    assert "`facts.suspicion" in mri.explain("markdown")


def test_earlier_false_branches_are_part_of_the_reason(pathway) -> None:  # type: ignore[no-untyped-def]
    record = MiniRecord(history=History(age=70, night_pain=True, cancers=[]))
    suspicion = pathway.evaluate(record).facts["suspicion"]
    checks = suspicion.reasons[0].checks
    assert [(c.condition, c.result) for c in checks] == [
        ("history.cancer_history", "false"),
        ("history.age >= 50 and (history.night_pain or history.weight_loss)", "true"),
    ]


def test_missing_data_walks_every_possible_branch_and_is_reported(pathway) -> None:  # type: ignore[no-untyped-def]
    result = pathway.evaluate(MiniRecord())
    assert _ids(result) == []
    assert _conditional(result) == [
        "conservative-care",
        "contact-coordinator",
        "mri-whole-spine",
        "myeloma-screen",
        "fbc",
    ]
    assert result.complete  # every path walked every stage to its end
    need = result.needs[0]  # the input behind the computed history.cancer_history
    assert (need.field, need.stage, need.node) == ("history.cancers", "history", "cancer")
    assert need.question == "Has the patient had cancer?"
    assert need.description == "Current or previous cancers"


def test_unknown_is_never_read_as_no(pathway) -> None:  # type: ignore[no-untyped-def]
    # No cancer, but age and night pain unknown: the red-flag branch cannot be settled.
    result = pathway.evaluate(MiniRecord(history=History(cancers=[])))
    assert "conservative-care" not in _ids(result)
    assert "conservative-care" in _conditional(result)
    assert {n.field for n in result.needs} >= {"history.age"}


def test_checklist_fires_every_item_that_holds_and_asks_for_unknown_ones(pathway) -> None:  # type: ignore[no-untyped-def]
    record = MiniRecord(
        history=History(cancers=[Cancer()]), exam=Exam(leg_strength=5, reflexes="normal")
    )
    result = pathway.evaluate(record)
    assert "fbc" in _ids(result)
    assert "myeloma-screen" not in _ids(result)
    screen = result.recommendation("myeloma-screen")
    assert screen is not None
    assert [[(a.node, a.taken, a.fields) for a in alt] for alt in screen.when] == [
        [("panel", "item 2", ["labs.calcium_high"])]
    ]
    assert [n.field for n in result.needs] == ["labs.calcium_high"]
    fbc = result.recommendation("fbc")
    assert fbc is not None
    assert fbc.reasons[0].kind == "checklist"
    assert fbc.reasons[0].taken == "item 1"


def test_plain_dict_is_validated_strictly(pathway) -> None:  # type: ignore[no-untyped-def]
    result = pathway.evaluate({"history": {"age": 60, "cancers": []}})
    assert _conditional(result)[0] == "conservative-care"  # night pain, weight loss unknown
    assert pathway.evaluate({"history": {"age": 40, "cancers": []}}).stages[0].status == "complete"
    with pytest.raises(PatientError) as caught:
        pathway.evaluate({"history": {"age": "forty"}})
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "SPX501"
    assert diagnostic.path == ("history", "age")
    with pytest.raises(PatientError):
        pathway.evaluate({"history": {"night_pain": "yes"}})
    with pytest.raises(PatientError) as unknown_key:
        pathway.evaluate({"histroy": {}})
    assert unknown_key.value.diagnostics[0].hint == "did you mean 'history'?"


def test_evaluation_is_pure_and_deterministic(pathway) -> None:  # type: ignore[no-untyped-def]
    record = MiniRecord(
        history=History(age=58, cancers=[Cancer(site="x")]), exam=Exam(leg_strength=2)
    )
    before = copy.deepcopy(record)
    first = pathway.evaluate(record).model_dump_json()
    assert pathway.evaluate(record).model_dump_json() == first
    assert record == before


def test_result_records_pathway_identity(pathway) -> None:  # type: ignore[no-untyped-def]
    result = pathway.evaluate(MiniRecord())
    assert result.pathway.id == "mini-workup"
    assert result.pathway.version == "0.1.0"
    assert result.pathway.digest == pathway.digest
    assert result.record == "tests.mini"


def test_recommend_fast_path_matches_evaluate(pathway) -> None:  # type: ignore[no-untyped-def]
    record = MiniRecord(history=History(age=58, cancers=[Cancer()]), exam=Exam(leg_strength=3))
    assert pathway.recommend(record) == _ids(pathway.evaluate(record))


def test_other_record_type_is_refused(pathway) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="reads MiniRecord"):
        pathway.evaluate(History())


@pytest.mark.parametrize(
    "name", ["manifest", "stages", "graphs", "record_model", "schema", "_generated", "new_name"]
)
def test_a_pathway_refuses_to_set_or_delete_any_attribute(pathway, name: str) -> None:  # type: ignore[no-untyped-def]
    record = MiniRecord(history=History(age=58, cancers=[Cancer()]), exam=Exam(leg_strength=3))
    before = pathway.recommend(record)  # builds the fast path, the one thing built later
    with pytest.raises(AttributeError, match="immutable"):
        setattr(pathway, name, None)
    with pytest.raises(AttributeError, match="immutable"):
        delattr(pathway, name)
    assert pathway.recommend(record) == before == _ids(pathway.evaluate(record))
