"""Tests for the patient record ``spinedx.Patient`` and its sections."""

from __future__ import annotations

import functools
import inspect
import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from spinedx.patient import biopsy as _patient_biopsy
from spinedx.patient import exam as _patient_exam
from spinedx.patient import history as _patient_history
from spinedx.patient import history_items as _patient_history_items
from spinedx.patient import imaging as _patient_imaging
from spinedx.patient import labs as _patient_labs
from spinedx.patient import lesion as _patient_lesion
from spinedx.patient import record as _patient
from spinedx.patient import sins as _patient_sins
from spinedx.patient.labs import LAB_SPECS, LabResult, Labs
from spinedx.patient.lesion import Lesion
from spinedx.patient.record import Patient
from spinedx.patient.sins import SinsCategory, SinsLocation
from tests.paths import ROOT
from tests.strategies import patient_inputs, patients

EXAMPLES = sorted((ROOT / "examples" / "patients").glob("*.yaml"))
MODULES = (
    _patient,
    _patient_biopsy,
    _patient_exam,
    _patient_history,
    _patient_history_items,
    _patient_imaging,
    _patient_labs,
    _patient_lesion,
    _patient_sins,
)


def errors_of(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str, str]]:
    """Validate ``data`` expecting failure; return each error's (loc, type, message)."""
    with pytest.raises(ValidationError) as caught:
        Patient.model_validate(data)
    return [(err["loc"], err["type"], err["msg"]) for err in caught.value.errors()]


def locations(data: dict[str, Any]) -> list[tuple[str | int, ...]]:
    return [loc for loc, _, _ in errors_of(data)]


def load_example(path: Path) -> Patient:
    return Patient.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def example(name: str) -> Patient:
    return load_example(ROOT / "examples" / "patients" / f"{name}.yaml")


def record_models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for module in MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseModel) and cls.__module__.startswith("spinedx.patient."):
                found[cls.__qualname__] = cls
    return [model for name, model in sorted(found.items()) if name != "RecordModel"]


def record_enums() -> set[StrEnum]:
    members: set[StrEnum] = set()
    for module in MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, StrEnum) and cls.__module__ == module.__name__:
                members.update(cls)
    return members


# --- the empty record -------------------------------------------------------


def test_empty_patient_is_valid_and_knows_nothing() -> None:
    patient = Patient()
    assert patient.age is None
    assert patient.history.cancers is None
    assert patient.history.cancer_history is None
    assert patient.history.on_anticoagulant is None
    assert patient.exam.left_leg.strength is None
    assert patient.exam.neurological_deficit is None
    assert patient.exam.weakest_strength is None
    assert patient.imaging.lesion_count is None
    assert patient.imaging.solitary_lesion is None
    assert patient.biopsy.biopsy_performed is None
    assert patient.labs.nlr is None
    assert Patient.model_validate({}) == patient


@pytest.mark.parametrize("model", record_models(), ids=lambda m: m.__name__)
def test_every_model_is_frozen_and_forbids_unknown_keys(model: type[BaseModel]) -> None:
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"


@pytest.mark.parametrize("model", record_models(), ids=lambda m: m.__name__)
def test_every_field_has_a_description(model: type[BaseModel]) -> None:
    undescribed = [name for name, info in model.model_fields.items() if not info.description]
    undescribed += [
        name for name, info in model.model_computed_fields.items() if not info.description
    ]
    assert undescribed == []


@pytest.mark.parametrize("model", record_models(), ids=lambda m: m.__name__)
def test_no_clinical_field_defaults_to_a_value(model: type[BaseModel]) -> None:
    instance_defaults = {
        name: info.get_default(call_default_factory=True)
        for name, info in model.model_fields.items()
        if not info.is_required()
    }
    assert all(
        value is None or isinstance(value, BaseModel) for value in instance_defaults.values()
    ), instance_defaults


# --- rejected input ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({"weight": 70}, ("weight",)),
        ({"history": {"night_pains": True}}, ("history", "night_pains")),
        ({"history": {"cancers": [{"site": "breast"}]}}, ("history", "cancers", 0, "site")),
        ({"exam": {"left_leg": {"power": 4}}}, ("exam", "left_leg", "power")),
        ({"labs": {"inr": {"value": 1.1, "units": "ratio"}}}, ("labs", "inr", "units")),
    ],
)
def test_unknown_key_is_rejected_with_its_path(data: dict[str, Any], loc: tuple[Any, ...]) -> None:
    assert errors_of(data) == [(loc, "extra_forbidden", "Extra inputs are not permitted")]


@pytest.mark.parametrize("strength", [7, 6, -1])
def test_mrc_grade_outside_0_to_5_is_rejected(strength: int) -> None:
    assert locations({"exam": {"right_arm": {"strength": strength}}}) == [
        ("exam", "right_arm", "strength")
    ]


def test_negative_platelets_are_rejected() -> None:
    [(loc, kind, message)] = errors_of({"labs": {"platelets": {"value": -5}}})
    assert loc == ("labs", "platelets", "value")
    assert kind == "implausible_value"
    assert "0–2000" in message


@pytest.mark.parametrize(
    ("test", "value"), [("egfr", 900), ("inr", 0.2), ("inr", 25), ("haemoglobin", 300)]
)
def test_implausible_lab_value_is_rejected(test: str, value: float) -> None:
    assert locations({"labs": {test: {"value": value}}}) == [("labs", test, "value")]


def test_wrong_unit_is_rejected_naming_the_expected_unit() -> None:
    [(loc, kind, message)] = errors_of({"labs": {"calcium": {"value": 2.5, "unit": "mg/dL"}}})
    assert loc == ("labs", "calcium", "unit")
    assert kind == "unexpected_unit"
    assert "'mmol/L'" in message
    assert "'mg/dL'" in message


@pytest.mark.parametrize(
    ("test", "unit"),
    [("calcium", "mmol/L"), ("calcium", "mmol/l"), ("psa", "ng/mL"), ("platelets", "×10⁹/L")],
)
def test_known_spellings_of_the_canonical_unit_are_accepted(test: str, unit: str) -> None:
    result = Patient.model_validate({"labs": {test: {"value": 2.4, "unit": unit}}})
    assert getattr(result.labs, test).unit == unit


def test_every_lab_declares_one_canonical_unit() -> None:
    lab_fields = {
        name for name, info in Labs.model_fields.items() if info.annotation == (LabResult | None)
    }
    assert lab_fields == set(LAB_SPECS)
    for name in lab_fields:
        extra = Labs.model_fields[name].json_schema_extra
        assert isinstance(extra, dict)
        assert extra["unit"] == LAB_SPECS[name].unit
        assert LAB_SPECS[name].unit in (Labs.model_fields[name].description or "")


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({"history": {"night_pain": "no"}}, ("history", "night_pain")),
        ({"history": {"night_pain": 0}}, ("history", "night_pain")),
        ({"exam": {"left_leg": {"strength": "4"}}}, ("exam", "left_leg", "strength")),
        ({"assessed_on": 1_700_000_000}, ("assessed_on",)),
        ({"assessed_on": "2024-02-30"}, ("assessed_on",)),
        ({"exam": {"sensory_level": "t10"}}, ("exam", "sensory_level")),
        ({"exam": {"sensory_level": "T13"}}, ("exam", "sensory_level")),
        (
            {"imaging": {"studies": [{"lesions": [{"level": "L6"}]}]}},
            ("imaging", "studies", 0, "lesions", 0, "level"),
        ),
    ],
)
def test_values_are_never_coerced(data: dict[str, Any], loc: tuple[Any, ...]) -> None:
    assert locations(data) == [loc]


def test_bilsky_grade_written_as_a_number_says_how_to_write_it() -> None:
    [(_, kind, message)] = errors_of({"imaging": {"studies": [{"lesions": [{"bilsky_grade": 2}]}]}})
    assert kind == "bilsky_grade_text"
    assert '"2"' in message


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        (
            {"history": {"cancers": [{"diagnosed_on": "2024-06-01"}]}},
            ("history", "cancers", 0, "diagnosed_on"),
        ),
        (
            {"imaging": {"studies": [{}, {"performed_on": "2024-05-02"}]}},
            ("imaging", "studies", 1, "performed_on"),
        ),
        ({"labs": {"crp": {"value": 5, "taken_on": "2025-01-01"}}}, ("labs", "crp", "taken_on")),
        (
            {"biopsy": {"biopsies": [{"performed_on": "2024-05-02"}]}},
            ("biopsy", "biopsies", 0, "performed_on"),
        ),
        ({"date_of_birth": "2024-05-02"}, ("date_of_birth",)),
    ],
)
def test_date_after_the_assessment_is_rejected(data: dict[str, Any], loc: tuple[Any, ...]) -> None:
    [(found, kind, _)] = errors_of({"assessed_on": "2024-05-01", **data})
    assert (found, kind) == (loc, "date_after_assessment")


def test_dates_are_not_checked_without_an_assessment_date() -> None:
    patient = Patient.model_validate({"history": {"cancers": [{"diagnosed_on": "2099-01-01"}]}})
    assert patient.history.cancers is not None


def test_date_before_birth_is_rejected() -> None:
    [(loc, kind, _)] = errors_of(
        {"date_of_birth": "1960-01-01", "history": {"cancers": [{"diagnosed_on": "1950-01-01"}]}}
    )
    assert (loc, kind) == (("history", "cancers", 0, "diagnosed_on"), "date_before_birth")


def test_stated_age_must_agree_with_date_of_birth() -> None:
    base = {"assessed_on": "2024-05-01", "date_of_birth": "1960-05-02"}
    assert Patient.model_validate({**base, "age_years": 63}).age == 63
    assert locations({**base, "age_years": 64}) == [("age_years",)]


def test_all_problems_in_the_sections_are_reported_together() -> None:
    found = locations(
        {
            "assessed_on": "2024-05-01",
            "history": {"unexplained_weight_loss": False, "weight_loss_kg": 5},
            "labs": {"egfr": {"value": 900, "unit": "ml/min"}, "inr": {"value": 30}},
            "imaging": {"studies": [{"performed_on": "2024-06-01"}]},
        }
    )
    # Dates are compared across sections only once every section is valid.
    assert sorted(found) == [
        ("history", "weight_loss_kg"),
        ("labs", "egfr", "unit"),
        ("labs", "egfr", "value"),
        ("labs", "inr", "value"),
    ]


def test_all_date_problems_are_reported_together() -> None:
    found = locations(
        {
            "assessed_on": "2024-05-01",
            "date_of_birth": "1950-01-01",
            "history": {"cancers": [{"diagnosed_on": "1949-01-01"}]},
            "imaging": {"studies": [{"performed_on": "2024-06-01"}]},
        }
    )
    assert found == [
        ("history", "cancers", 0, "diagnosed_on"),
        ("imaging", "studies", 0, "performed_on"),
    ]


@pytest.mark.parametrize(
    ("biopsy", "loc"),
    [
        ({"performed": False, "result": "diagnostic"}, ("result",)),
        ({"performed": False, "performed_on": "2024-01-01"}, ("performed_on",)),
        ({"performed": False, "malignant": False}, ("malignant",)),
        ({"result": "pending", "malignant": True}, ("malignant",)),
        ({"result": "non_diagnostic", "malignant": False}, ("malignant",)),
    ],
)
def test_inconsistent_biopsy_is_rejected(biopsy: dict[str, Any], loc: tuple[str, ...]) -> None:
    [(found, kind, _)] = errors_of({"biopsy": {"biopsies": [biopsy]}})
    assert (found, kind) == (("biopsy", "biopsies", 0, *loc), "inconsistent")


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        (
            {"history": {"unexplained_weight_loss": False, "weight_loss_kg": 5}},
            ("history", "weight_loss_kg"),
        ),
        (
            {"history": {"unexplained_weight_loss": False, "weight_loss_period_months": 3}},
            ("history", "weight_loss_period_months"),
        ),
        (
            {"history": {"recent_trauma": False, "trauma_description": "fall"}},
            ("history", "trauma_description"),
        ),
        (
            {"history": {"claustrophobia": False, "claustrophobia_manageable": True}},
            ("history", "claustrophobia_manageable"),
        ),
        (
            {"history": {"conservative_care_weeks": 0, "conservative_care_response": "worse"}},
            ("history", "conservative_care_response"),
        ),
        (
            {"history": {"cancers": [{"metastatic": False, "metastases_widespread": True}]}},
            ("history", "cancers", 0, "metastases_widespread"),
        ),
        (
            {"history": {"family_history": [{"cancer": False, "cancer_type": "breast"}]}},
            ("history", "family_history", 0, "cancer_type"),
        ),
        ({"history": {"pain_sites": ["lumbar", "lumbar"]}}, ("history", "pain_sites", 1)),
        (
            {"exam": {"sensory_level_present": False, "sensory_level": "T10"}},
            ("exam", "sensory_level"),
        ),
        (
            {"exam": {"complete_paraplegia": True, "left_leg": {"strength": 2}}},
            ("exam", "left_leg", "strength"),
        ),
        (
            {
                "imaging": {
                    "studies": [{"lesions": [{"bilsky_grade": "3", "cord_compression": False}]}]
                }
            },
            ("imaging", "studies", 0, "lesions", 0, "cord_compression"),
        ),
    ],
)
def test_detail_contradicting_a_finding_is_rejected(
    data: dict[str, Any], loc: tuple[Any, ...]
) -> None:
    assert locations(data) == [loc]


def test_weight_loss_amount_is_accepted_with_weight_loss_or_unknown() -> None:
    for flag in (True, None):
        history = {"unexplained_weight_loss": flag, "weight_loss_kg": 5}
        assert Patient.model_validate({"history": history}).history.weight_loss_kg == 5


# --- example patients -------------------------------------------------------


def test_the_five_example_patients_exist() -> None:
    assert [path.stem for path in EXAMPLES] == [
        "metastatic-breast-leg-weakness",
        "mri-contraindicated-pacemaker",
        "no-red-flags",
        "unknown-cancer-history",
        "widespread-confirmed-metastases",
    ]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_patient_validates(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), "each example starts with a comment describing the vignette"
    patient = load_example(path)
    assert patient.assessed_on is not None
    # The project's loader validates strict JSON; the example must pass that too.
    as_json = json.dumps(yaml.safe_load(text), default=str)
    assert Patient.model_validate_json(as_json, strict=True) == patient


def test_example_mscc_reads_as_cancer_with_neurological_deficit() -> None:
    patient = example("metastatic-breast-leg-weakness")
    assert (patient.age, patient.sex) == (58, "female")
    assert patient.history.cancer_history is True
    assert patient.history.thoracic_pain is True
    assert patient.history.neurological_symptoms is True
    assert patient.exam.weakest_strength == 3
    assert patient.exam.upper_motor_neuron_signs is True
    assert patient.exam.neurological_deficit is True


def test_example_pacemaker_has_a_device_that_rules_out_mri() -> None:
    patient = example("mri-contraindicated-pacemaker")
    assert patient.history.has_non_mr_conditional_device is True
    assert patient.history.on_anticoagulant is True
    assert patient.exam.neurological_deficit is False


def test_example_without_red_flags_is_fully_negative() -> None:
    patient = example("no-red-flags")
    assert patient.age == 34
    assert patient.history.cancer_history is False
    assert patient.history.neurological_symptoms is False
    assert patient.exam.neurological_deficit is False
    assert patient.exam.weakest_strength == 5


def test_example_with_unknown_cancer_history_stays_unknown() -> None:
    patient = example("unknown-cancer-history")
    assert patient.history.cancers is None
    assert patient.history.cancer_history is None
    assert patient.history.prior_primary_count is None
    assert patient.exam.neurological_deficit is None


def test_example_with_widespread_metastases_scores_the_new_lesion() -> None:
    patient = example("widespread-confirmed-metastases")
    assert patient.history.widespread_confirmed_metastases is True
    assert patient.imaging.studies is not None
    lesions = patient.imaging.studies[0].lesions
    assert lesions is not None
    assert (lesions[0].level, lesions[0].sins_total) == ("L2", 10)
    assert patient.imaging.max_sins_total == 10
    assert patient.imaging.worst_sins_category == "potentially_unstable"
    assert patient.imaging.lesion_count == 3
    assert patient.imaging.solitary_lesion is False
    assert patient.biopsy.diagnostic_biopsy is True
    assert patient.labs.nlr == 5.67


# --- SINS ---------------------------------------------------------------------

SINS_EXAMPLES = {
    # clinical-reference §5a, worked examples E1–E7: findings, total, category
    "E1": (
        "L1",
        "mechanical",
        "lytic",
        "de_novo_deformity",
        "over_50",
        "bilateral",
        16,
        "unstable",
    ),
    "E2": ("T7", "mechanical", "lytic", "normal", "under_50", "none", 8, "potentially_unstable"),
    "E3": ("L3", "pain_free", "blastic", "normal", "none", "none", 2, "stable"),
    "E4": ("T8", "mechanical", "mixed", "normal", "none_over_50_involved", "none", 6, "stable"),
    "E5": (
        "C7",
        "occasional",
        "mixed",
        "normal",
        "none_over_50_involved",
        "unilateral",
        7,
        "potentially_unstable",
    ),
    "E6": (
        "L5",
        "mechanical",
        "lytic",
        "normal",
        "over_50",
        "unilateral",
        12,
        "potentially_unstable",
    ),
    "E7": (
        "T12",
        "mechanical",
        "lytic",
        "de_novo_deformity",
        "under_50",
        "unilateral",
        13,
        "unstable",
    ),
}


def sins_lesion(level: str, pain: str, bone: str, alignment: str, collapse: str, pl: str) -> Lesion:
    return Lesion.model_validate(
        {
            "level": level,
            "pain": pain,
            "bone_quality": bone,
            "alignment": alignment,
            "collapse": collapse,
            "posterolateral": pl,
        }
    )


@pytest.mark.parametrize("name", sorted(SINS_EXAMPLES))
def test_sins_worked_examples(name: str) -> None:
    *findings, total, category = SINS_EXAMPLES[name]
    lesion = sins_lesion(*findings)
    assert lesion.sins_total == total
    assert lesion.sins_category == category


@pytest.mark.parametrize(
    ("upper", "lower", "upper_class", "lower_class"),
    [
        ("C2", "C3", "junctional", "mobile"),
        ("C6", "C7", "mobile", "junctional"),
        ("T2", "T3", "junctional", "semi_rigid"),
        ("T10", "T11", "semi_rigid", "junctional"),
        ("L1", "L2", "junctional", "mobile"),
        ("L4", "L5", "mobile", "junctional"),
        ("S1", "S2", "junctional", "rigid"),
    ],
)
def test_sins_location_at_region_boundaries(
    upper: str, lower: str, upper_class: str, lower_class: str
) -> None:
    assert Lesion(level=upper).sins_location == upper_class
    assert Lesion(level=lower).sins_location == lower_class


def test_every_accepted_level_has_a_sins_location() -> None:
    levels = [f"C{n}" for n in range(1, 8)] + [f"T{n}" for n in range(1, 13)]
    levels += [f"L{n}" for n in range(1, 6)] + [f"S{n}" for n in range(1, 6)]
    assert sorted(_patient_sins.LEVEL_LOCATIONS) == sorted(levels)


def test_stated_sins_location_overrides_the_level() -> None:
    lesion = Lesion(level="T10", location=SinsLocation.JUNCTIONAL)
    assert lesion.sins_location == "junctional"
    assert Lesion().sins_location is None


def test_sins_total_is_unknown_while_a_component_is_missing() -> None:
    lesion = Lesion.model_validate({"level": "T7", "pain": "mechanical", "bone_quality": "lytic"})
    assert lesion.sins_total is None


def test_sins_category_is_known_once_the_known_components_settle_it() -> None:
    # Junctional 3 + mechanical 3 + subluxation 4 + collapse >50% 3 = 13: unstable
    # whatever the bone quality and posterolateral involvement turn out to be.
    settled = Lesion.model_validate(
        {
            "level": "T12",
            "pain": "mechanical",
            "alignment": "subluxation_translation",
            "collapse": "over_50",
        }
    )
    assert settled.sins_total is None
    assert settled.sins_category == SinsCategory.UNSTABLE
    # Rigid 0 + pain-free 0 + blastic 0 + normal 0 + no collapse 0: at most 3, so stable.
    stable = Lesion.model_validate(
        {
            "level": "S3",
            "pain": "pain_free",
            "bone_quality": "blastic",
            "alignment": "normal",
            "collapse": "none",
        }
    )
    assert stable.sins_category == SinsCategory.STABLE
    assert Lesion(level="T7").sins_category is None


def test_bilsky_high_grade() -> None:
    assert Lesion.model_validate({"bilsky_grade": "1c"}).high_grade_escc is False
    assert Lesion.model_validate({"bilsky_grade": "2"}).high_grade_escc is True
    assert Lesion.model_validate({"bilsky_grade": "3"}).high_grade_escc is True
    assert Lesion().high_grade_escc is None
    # Bone retropulsion can compress the cord without epidural tumour.
    assert Lesion.model_validate({"bilsky_grade": "0", "cord_compression": True})


# --- imaging summaries --------------------------------------------------------


def imaging(*studies: dict[str, Any] | None) -> Any:
    data = None if studies == (None,) else list(studies)
    return Patient.model_validate({"imaging": {"studies": data}}).imaging


def test_lesion_summaries_are_unknown_without_imaging() -> None:
    for summary in (imaging(None), imaging()):
        assert summary.lesion_count is None
        assert summary.solitary_lesion is None
        assert summary.max_sins_total is None
        assert summary.any_high_grade_escc is None


def test_lesion_summaries_of_a_clear_study() -> None:
    clear = imaging({"modality": "mri", "region": "whole_spine", "lesions": []})
    assert clear.lesion_count == 0
    assert clear.solitary_lesion is False
    assert clear.any_high_grade_escc is False
    assert clear.any_intramedullary_lesion is False
    assert clear.max_sins_total is None
    assert clear.whole_spine_mri_performed is True
    assert clear.ct_performed is False


def test_same_level_on_two_studies_is_one_lesion() -> None:
    summary = imaging(
        {"modality": "mri", "lesions": [{"level": "L2"}]},
        {"modality": "ct", "lesions": [{"level": "L2", "bone_quality": "lytic"}]},
    )
    assert summary.lesion_count == 1
    assert summary.solitary_lesion is True
    two = imaging({"lesions": [{"level": "L2"}]}, {"lesions": [{"level": "T4"}]})
    assert two.lesion_count == 2
    assert two.solitary_lesion is False


def test_unmatched_lesions_leave_the_count_unknown_but_not_solitary() -> None:
    summary = imaging({"lesions": [{"level": "L2"}, {"level": "T9"}]}, {"lesions": [{}]})
    assert summary.lesion_count is None
    assert summary.solitary_lesion is False
    one_study = imaging({"lesions": [{}, {}]})
    assert one_study.lesion_count == 2


def test_unrecorded_lesions_keep_summaries_unknown_unless_settled() -> None:
    summary = imaging({"lesions": [{"bilsky_grade": "1a"}]}, {"modality": "ct"})
    assert summary.any_high_grade_escc is None
    assert summary.lesion_count is None
    assert summary.solitary_lesion is None
    settled = imaging({"lesions": [{"bilsky_grade": "3"}]}, {"modality": "ct"})
    assert settled.any_high_grade_escc is True
    assert settled.any_cord_compression is None


def test_max_sins_needs_every_lesion_scored_unless_settled() -> None:
    e1 = dict(
        zip(
            ("level", "pain", "bone_quality", "alignment", "collapse", "posterolateral"),
            SINS_EXAMPLES["E1"][:6],
            strict=True,
        )
    )
    e3 = dict(
        zip(
            ("level", "pain", "bone_quality", "alignment", "collapse", "posterolateral"),
            SINS_EXAMPLES["E3"][:6],
            strict=True,
        )
    )
    assert imaging({"lesions": [e1, e3]}).max_sins_total == 16
    assert imaging({"lesions": [e3, {"level": "T4"}]}).max_sins_total is None
    # T4 scores at most 1+3+2+4+3+3 = 16, never above E1's 16.
    assert imaging({"lesions": [e1, {"level": "T4"}]}).max_sins_total == 16
    assert imaging({"lesions": [e1, {"level": "T4"}]}).worst_sins_category == "unstable"


# --- Kleene helpers -----------------------------------------------------------


def history(**fields: Any) -> Any:
    return Patient.model_validate({"history": fields}).history


def test_cancer_history_distinguishes_unknown_from_none() -> None:
    assert history().cancer_history is None
    assert history(cancers=[]).cancer_history is False
    assert history(cancers=[{}]).cancer_history is True
    assert history(cancers=[]).prior_primary_count == 0
    assert history(cancers=[{}, {"type": "lung"}]).multiple_primary_cancers is True
    assert history(cancers=[{"type": "lung"}]).multiple_primary_cancers is False


def test_widespread_confirmed_metastases() -> None:
    confirmed = {
        "metastatic": True,
        "metastasis_histologically_confirmed": True,
        "metastases_widespread": True,
    }
    assert history(cancers=[confirmed]).widespread_confirmed_metastases is True
    unconfirmed = {**confirmed, "metastasis_histologically_confirmed": False}
    assert history(cancers=[unconfirmed]).widespread_confirmed_metastases is False
    partial = {"metastatic": True, "metastases_widespread": True}
    assert history(cancers=[partial]).widespread_confirmed_metastases is None
    assert history(cancers=[partial, confirmed]).widespread_confirmed_metastases is True
    assert history(cancers=[]).widespread_confirmed_metastases is False


@pytest.mark.parametrize(
    ("medications", "expected"),
    [
        (None, None),
        ([], False),
        ([{"name": "paracetamol", "drug_class": "other"}], False),
        ([{"name": "warfarin", "drug_class": "anticoagulant_vka"}], True),
        ([{"name": "mystery pill"}], None),
        (
            [{"name": "mystery pill"}, {"name": "apixaban", "drug_class": "anticoagulant_doac"}],
            True,
        ),
    ],
)
def test_on_anticoagulant(medications: list[dict[str, Any]] | None, expected: bool | None) -> None:
    assert history(medications=medications).on_anticoagulant is expected


def test_on_antiplatelet_and_corticosteroid() -> None:
    meds = [{"name": "aspirin", "drug_class": "antiplatelet"}]
    assert history(medications=meds).on_antiplatelet is True
    assert history(medications=meds).on_corticosteroid is False
    assert history().on_antiplatelet is None


@pytest.mark.parametrize(
    ("devices", "expected"),
    [
        (None, None),
        ([], False),
        ([{"kind": "pacemaker", "mr_conditional": True}], False),
        ([{"kind": "pacemaker", "mr_conditional": False}], True),
        ([{"kind": "cochlear_implant"}], None),
        ([{"kind": "cochlear_implant"}, {"kind": "icd", "mr_conditional": False}], True),
    ],
)
def test_has_non_mr_conditional_device(
    devices: list[dict[str, Any]] | None, expected: bool | None
) -> None:
    assert history(implanted_devices=devices).has_non_mr_conditional_device is expected


def test_pain_site_flags() -> None:
    assert history().thoracic_pain is None
    assert history(pain_sites=[]).spinal_pain is False
    sites = history(pain_sites=["thoracic", "cervical"])
    assert (sites.thoracic_pain, sites.lumbar_pain, sites.spinal_pain) == (True, False, True)


def test_neurological_symptoms_count_radicular_pain_alone() -> None:
    assert history(radicular_pain=True).neurological_symptoms is True
    assert history(radicular_pain=False).neurological_symptoms is None
    negatives = dict.fromkeys(
        (
            "radicular_pain",
            "limb_weakness_reported",
            "numbness_or_paraesthesia",
            "walking_difficulty",
            "bladder_or_bowel_symptoms",
        ),
        False,
    )
    assert history(**negatives).neurological_symptoms is False


def exam(**fields: Any) -> Any:
    return Patient.model_validate({"exam": fields}).exam


NORMAL_LIMB = {"strength": 5, "sensation": "normal", "reflexes": "normal"}
NORMAL_EXAM = {
    "left_arm": NORMAL_LIMB,
    "right_arm": NORMAL_LIMB,
    "left_leg": NORMAL_LIMB,
    "right_leg": NORMAL_LIMB,
    "plantar_left": "flexor",
    "plantar_right": "flexor",
    "hoffmann_sign": False,
    "clonus": False,
    "sensory_level_present": False,
    "gait": "normal",
    "bladder_dysfunction": False,
    "bowel_dysfunction": False,
    "saddle_anaesthesia": False,
}


def test_weakest_strength() -> None:
    assert exam().weakest_strength is None
    assert exam(left_leg={"strength": 5}).weakest_strength is None
    assert exam(left_leg={"strength": 3}).weakest_strength == 3
    assert exam(left_leg={"strength": 3}, right_leg={"strength": 1}).weakest_strength == 1
    assert exam(**NORMAL_EXAM).weakest_strength == 5


def test_any_weakness() -> None:
    assert exam().any_weakness is None
    assert exam(left_leg={"strength": 5}).any_weakness is None
    assert exam(left_leg={"strength": 4}).any_weakness is True
    assert exam(**NORMAL_EXAM).any_weakness is False


def test_neurological_deficit_is_false_only_when_everything_is_normal() -> None:
    assert exam(**NORMAL_EXAM).neurological_deficit is False
    assert exam(**NORMAL_EXAM).upper_motor_neuron_signs is False
    for name in NORMAL_EXAM:
        partial = {key: value for key, value in NORMAL_EXAM.items() if key != name}
        assert exam(**partial).neurological_deficit is None, name


@pytest.mark.parametrize(
    "abnormal",
    [
        {"left_leg": {"strength": 4}},
        {"right_arm": {"sensation": "reduced"}},
        {"left_arm": {"reflexes": "absent"}},
        {"plantar_right": "extensor"},
        {"hoffmann_sign": True},
        {"sensory_level_present": True, "sensory_level": "T10"},
        {"gait": "unable"},
        {"saddle_anaesthesia": True},
    ],
)
def test_one_abnormal_finding_is_a_deficit_whatever_is_missing(abnormal: dict[str, Any]) -> None:
    assert exam(**abnormal).neurological_deficit is True
    assert exam(**{**NORMAL_EXAM, **abnormal}).neurological_deficit is True


def test_a_stated_sensory_level_is_a_deficit() -> None:
    assert exam(sensory_level="T10").neurological_deficit is True


def test_equivocal_plantar_is_not_an_upper_motor_neuron_sign() -> None:
    findings = {**NORMAL_EXAM, "plantar_left": "equivocal"}
    assert exam(**findings).upper_motor_neuron_signs is False
    assert exam(**findings).neurological_deficit is False


def test_brisk_reflexes_are_an_upper_motor_neuron_sign() -> None:
    assert exam(left_leg={"reflexes": "brisk"}).upper_motor_neuron_signs is True


def biopsy(*biopsies: dict[str, Any]) -> Any:
    return Patient.model_validate({"biopsy": {"biopsies": list(biopsies)}}).biopsy


def test_biopsy_summaries() -> None:
    assert Patient().biopsy.diagnostic_biopsy is None
    assert biopsy().biopsy_performed is False
    assert biopsy().diagnostic_biopsy is False
    planned = biopsy({"performed": False, "technique": "percutaneous_core_needle"})
    assert (planned.biopsy_performed, planned.diagnostic_biopsy) == (False, False)
    pending = biopsy({"result": "pending"})
    assert (pending.biopsy_performed, pending.diagnostic_biopsy) == (True, None)
    failed_needle = biopsy(
        {"technique": "fine_needle_aspiration", "result": "non_diagnostic"},
        {"technique": "open_incisional", "result": "diagnostic", "malignant": True},
    )
    assert failed_needle.non_diagnostic_needle_biopsy is True
    assert failed_needle.diagnostic_biopsy is True
    assert failed_needle.malignancy_on_biopsy is True
    assert biopsy({"result": "non_diagnostic"}).malignancy_on_biopsy is False


# --- labs -------------------------------------------------------------------


def labs(**tests: float) -> Any:
    return Patient.model_validate(
        {"labs": {name: {"value": value} for name, value in tests.items()}}
    ).labs


def test_nlr_and_plr() -> None:
    counts = labs(neutrophils=6.8, lymphocytes=1.2, platelets=312)
    assert counts.nlr == 5.67
    assert counts.plr == 260.0
    assert labs(neutrophils=4.0, lymphocytes=2.0).nlr == 2.0


@pytest.mark.parametrize(
    "tests",
    [
        {},
        {"neutrophils": 6.8, "platelets": 312},
        {"lymphocytes": 1.2},
        {"neutrophils": 6.8, "platelets": 312, "lymphocytes": 0},
    ],
)
def test_nlr_and_plr_are_unknown_without_their_inputs(tests: dict[str, float]) -> None:
    result = labs(**tests)
    assert (result.nlr, result.plr) == (None, None)


def test_lab_flags() -> None:
    result = Patient.model_validate(
        {"labs": {"calcium": {"value": 3.1, "flag": "critical_high"}, "crp": {"value": 3}}}
    ).labs
    assert result.calcium is not None
    assert (result.calcium.above_range, result.calcium.below_range) == (True, False)
    assert result.calcium.flag == "critical_high"
    assert result.crp is not None
    assert result.crp.abnormal is None


# --- age and dates ------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "assessed", "age"),
    [
        (date(1960, 5, 1), date(2024, 5, 1), 64),
        (date(1960, 5, 2), date(2024, 5, 1), 63),
        (date(2000, 2, 29), date(2024, 2, 28), 23),
        (date(2000, 2, 29), date(2024, 2, 29), 24),
    ],
)
def test_age_is_counted_to_the_assessment_date(born: date, assessed: date, age: int) -> None:
    assert Patient(date_of_birth=born, assessed_on=assessed).age == age


def test_age_needs_both_dates_or_a_stated_age() -> None:
    assert Patient(date_of_birth=date(1960, 1, 1)).age is None
    assert Patient(age_years=70).age == 70


def test_years_since_latest_cancer_diagnosis() -> None:
    cancers = [{"diagnosed_on": "2010-03-01"}, {"diagnosed_on": "2019-06-10"}]
    patient = Patient.model_validate({"assessed_on": "2024-03-14", "history": {"cancers": cancers}})
    assert patient.years_since_latest_cancer_diagnosis == 4
    undated = Patient.model_validate(
        {"assessed_on": "2024-03-14", "history": {"cancers": [*cancers, {}]}}
    )
    assert undated.years_since_latest_cancer_diagnosis is None


# --- serialisation ------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_round_trip_through_json(path: Path) -> None:
    patient = load_example(path)
    dumped = patient.model_dump_json(exclude_computed_fields=True)
    assert Patient.model_validate_json(dumped) == patient
    # The full dump carries the computed values too, for machines reading results.
    assert json.loads(patient.model_dump_json())["imaging"]["lesion_count"] == (
        patient.imaging.lesion_count
    )


def test_json_schema_includes_computed_fields_in_serialization_mode() -> None:
    schema = Patient.model_json_schema(mode="serialization")
    assert "age" in schema["properties"]
    lesion = schema["$defs"]["Lesion"]["properties"]
    assert {"sins_total", "sins_category", "sins_location"} <= set(lesion)
    validation = Patient.model_json_schema()
    assert "age" not in validation["properties"]
    assert validation["$defs"]["Labs"]["properties"]["calcium"]["unit"] == "mmol/L"


@given(patients())
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_generated_patients_round_trip(patient: Patient) -> None:
    dumped = patient.model_dump_json(exclude_computed_fields=True)
    assert Patient.model_validate_json(dumped, strict=True) == patient
    json.loads(patient.model_dump_json())  # computed fields serialise


@given(patient_inputs())
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_generated_inputs_validate_the_same_in_strict_json(data: dict[str, Any]) -> None:
    as_json = json.dumps(data, default=str)
    assert Patient.model_validate_json(as_json, strict=True) == Patient.model_validate(data)


@given(patients(allow_unknown=False))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_fully_known_patients_know_their_summaries(patient: Patient) -> None:
    assert patient.history.cancer_history is not None
    assert patient.history.on_anticoagulant is not None
    assert patient.exam.neurological_deficit is not None
    assert patient.exam.weakest_strength is not None


def test_strategies_can_draw_every_enum_value() -> None:
    # Hypothesis explores non-uniformly, so a sweep finds most values and a
    # targeted search finds the rest; a value no search finds is unreachable.
    quick = settings(
        database=None, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
    )
    seen: set[StrEnum] = set()

    @settings(quick, max_examples=300)
    @given(patients())
    def sweep(patient: Patient) -> None:
        seen.update(enum_values(patient))

    sweep()
    for member in sorted(record_enums() - seen):
        find(
            patients(),
            functools.partial(draws_value, member),
            settings=settings(quick, max_examples=5000, phases=[Phase.generate]),
        )


def draws_value(member: StrEnum, patient: Patient) -> bool:
    return member in enum_values(patient)


def enum_values(value: object) -> set[StrEnum]:
    if isinstance(value, StrEnum):
        return {value}
    if isinstance(value, BaseModel):
        names = [*type(value).model_fields, *type(value).model_computed_fields]
        return set().union(*(enum_values(getattr(value, name)) for name in names))
    if isinstance(value, list):
        return set().union(*(enum_values(item) for item in value))
    return set()


# --- monotonicity: filling in data never contradicts a known summary ----------

SINS_CHOICES: dict[str, list[str]] = {
    "level": sorted(_patient_sins.LEVEL_LOCATIONS),
    "pain": [str(v) for v in _patient_sins.LesionPain],
    "bone_quality": [str(v) for v in _patient_sins.BoneQuality],
    "alignment": [str(v) for v in _patient_sins.Alignment],
    "collapse": [str(v) for v in _patient_sins.Collapse],
    "posterolateral": [str(v) for v in _patient_sins.Posterolateral],
}

EXAM_CHOICES: dict[tuple[str, ...], list[Any]] = {
    **{
        (limb, part): values
        for limb in ("left_arm", "right_arm", "left_leg", "right_leg")
        for part, values in (
            ("strength", [0, 1, 2, 3, 4, 5, 5, 5]),
            ("sensation", ["normal", "normal", "reduced", "absent"]),
            ("reflexes", ["normal", "normal", "reduced", "absent", "brisk"]),
        )
    },
    ("plantar_left",): ["flexor", "flexor", "extensor", "equivocal"],
    ("plantar_right",): ["flexor", "flexor", "extensor", "equivocal"],
    ("gait",): ["normal", "normal", "abnormal", "unable"],
    **{
        (flag,): [False, False, False, True]
        for flag in (
            "hoffmann_sign",
            "clonus",
            "sensory_level_present",
            "bladder_dysfunction",
            "bowel_dysfunction",
            "saddle_anaesthesia",
        )
    },
}


def nested(flat: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for path, value in flat.items():
        target = result
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
    return result


@given(st.data())
def test_filling_in_sins_components_never_contradicts_a_known_category(data: Any) -> None:
    full = {name: data.draw(st.sampled_from(values)) for name, values in SINS_CHOICES.items()}
    kept = data.draw(st.sets(st.sampled_from(sorted(full))))
    partial = Lesion.model_validate({name: full[name] for name in kept})
    complete = Lesion.model_validate(full)
    assert complete.sins_total is not None
    low, high = partial.sins_range()
    assert low <= complete.sins_total <= high
    assert partial.sins_category in {None, complete.sins_category}


@given(st.data())
def test_filling_in_the_exam_never_contradicts_a_known_summary(data: Any) -> None:
    full = {path: data.draw(st.sampled_from(values)) for path, values in EXAM_CHOICES.items()}
    kept = data.draw(st.sets(st.sampled_from(sorted(full))))
    partial = exam(**nested({path: full[path] for path in kept}))
    complete = exam(**nested(full))
    for summary in ("any_weakness", "upper_motor_neuron_signs", "neurological_deficit"):
        assert getattr(complete, summary) is not None
        assert getattr(partial, summary) in {None, getattr(complete, summary)}, summary
    # weakest_strength is an upper bound: more limbs can only lower it.
    if partial.weakest_strength is not None:
        assert complete.weakest_strength <= partial.weakest_strength
