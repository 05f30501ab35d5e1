"""spinedx.contrib.fhir: FHIR R4 bundles into validated records, with nothing dropped silently."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinedx import Patient
from spinedx.contrib.fhir import (
    CodingTablesError,
    FhirError,
    FhirMapping,
    Unused,
    load_tables,
    map_bundle,
)

BUNDLES = Path(__file__).parent / "bundles"
SITE = BUNDLES / "site-codes.yaml"
UCUM = "http://unitsofmeasure.org"


def _bundle(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((BUNDLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def _unused(mapping: FhirMapping) -> dict[tuple[str, str | None], list[Unused]]:
    found: dict[tuple[str, str | None], list[Unused]] = {}
    for item in mapping.unused:
        found.setdefault((item.resource_type, item.resource_id), []).append(item)
    return found


def _lab_bundle(*observations: dict[str, Any], timestamp: str = "2024-06-01") -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timestamp,
        "entry": [{"resource": o} for o in observations],
    }


def _lab(oid: str, loinc: str, value: object, unit: str | None, **extra: Any) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": value}
    if unit is not None:
        quantity.update(unit=unit, system=UCUM, code=unit)
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
        "valueQuantity": quantity,
        **extra,
    }


# The bundles, mapped whole


def test_metastatic_breast_bundle() -> None:
    mapping = map_bundle(_bundle("metastatic-breast"))
    record = mapping.record
    assert isinstance(record, Patient)
    assert (record.patient_id, record.sex, record.date_of_birth) == (
        "bc-001",
        "female",
        date(1961, 9, 2),
    )
    assert record.assessed_on == date(2024, 3, 14)  # from Bundle.timestamp
    assert record.age == 62
    history = record.history
    (cancer,) = history.cancers or []
    assert (cancer.type, cancer.status, cancer.metastatic) == ("breast", "active", True)
    assert cancer.diagnosed_on == date(2019, 6, 10)
    assert history.osteoporosis is True
    assert [m.drug_class for m in history.medications or []] == [
        "anticoagulant_vka",
        "corticosteroid",
    ]
    assert history.on_anticoagulant is True
    assert history.on_corticosteroid is True
    assert record.exam.ecog_performance_status == 2
    (study,) = record.imaging.studies or []
    assert (study.modality, study.region, study.performed_on) == (
        "mri",
        "whole_spine",
        date(2024, 3, 13),
    )
    assert study.report is not None
    assert "T11" in study.report
    assert study.lesions is None  # FHIR R4 does not code lesions: unknown, not "none"
    labs = record.labs
    assert (labs.calcium.value, labs.calcium.flag) == (2.71, "high")  # type: ignore[union-attr]
    assert labs.haemoglobin.value == 112.0  # type: ignore[union-attr]  # 11.2 g/dL, exactly ×10
    assert labs.platelets.value == 245.0  # type: ignore[union-attr]  # 10*3/uL = 10^9/L
    assert labs.crp.value == 18.0  # type: ignore[union-attr]  # 1.8 mg/dL, exactly ×10
    assert labs.albumin.value == 34.0  # type: ignore[union-attr]
    assert labs.alkaline_phosphatase.unit == "U/L"  # type: ignore[union-attr]
    unused = _unused(mapping)
    assert "albumin-corrected" in unused[("Observation", "bc-ca-total")][0].reason
    assert unused[("AllergyIntolerance", "bc-allergy")][0].element == ""
    assert unused[("Patient", "bc-001")][0].element == "address, name"
    assert ("MedicationRequest", "bc-dex") not in unused
    assert ("Medication", "med-dex") not in unused  # read through the request
    assert ("DiagnosticReport", "bc-mri-report") not in unused  # read into the study


def test_prostate_bundle_with_unknown_codes_and_refused_unit() -> None:
    mapping = map_bundle(_bundle("prostate-follow-up"))
    record = mapping.record
    assert (record.sex, record.age) == ("male", 74)
    (cancer,) = record.history.cancers or []
    assert (cancer.type, cancer.status, cancer.diagnosed_on) == (
        "prostate",
        "remission",
        date(2016, 4, 1),
    )
    assert record.history.active_cancer is False
    assert [c.code for c in record.history.conditions or []] == ["38341003"]
    assert [c.code for c in record.history.past_illnesses or []] == ["14669001"]
    assert record.history.acute_kidney_injury is None  # resolved: not "now", and never "no"
    assert record.history.smoking_status == "former"
    (medicine,) = record.history.medications or []
    assert (medicine.name, medicine.drug_class) == ("amlodipine", None)
    assert record.history.on_anticoagulant is None  # an unclassified medicine might be one
    assert record.labs.psa.value == 18.6  # type: ignore[union-attr]  # the later of two
    assert record.labs.egfr.unit == "mL/min/1.73m2"  # type: ignore[union-attr]
    assert record.labs.calcium is None
    assert record.labs.wbc is None  # preliminary
    (biopsy,) = record.biopsy.biopsies or []
    assert (biopsy.performed, biopsy.technique, biopsy.level) == (
        True,
        "percutaneous_core_needle",
        "L2",
    )
    assert biopsy.histology is not None
    assert "adenocarcinoma" in biopsy.histology
    unused = _unused(mapping)
    (refused,) = unused[("Observation", "pr-ca")]
    assert refused.element == "valueQuantity"
    assert "'mg/dL'" in refused.reason
    assert "'mmol/L', 'mmol/l'" in refused.reason
    assert "×" not in refused.reason
    assert "multiply" not in refused.reason
    assert "refuted" in unused[("Condition", "pr-myeloma-refuted")][0].reason
    assert "later result" in unused[("Observation", "pr-psa-old")][0].reason
    assert "preliminary" in unused[("Observation", "pr-wbc-prelim")][0].reason
    assert "no record field" in unused[("Observation", "pr-vitd")][0].reason
    assert "completed" in unused[("MedicationStatement", "pr-goserelin")][0].reason
    assert "class unknown" in unused[("MedicationStatement", "pr-amlodipine")][0].reason
    assert "not a biopsy" in unused[("Procedure", "pr-turp")][0].reason
    assert "Observations" in unused[("DiagnosticReport", "pr-labs")][0].reason
    assert unused[("Encounter", "pr-visit")][0].element == ""
    assert ("DiagnosticReport", "pr-histology") not in unused


def test_sparse_bundle_leaves_everything_unknown() -> None:
    mapping = map_bundle(_bundle("sparse-record"))
    record = mapping.record
    assert (record.sex, record.date_of_birth, record.assessed_on, record.age) == (
        None,
        None,
        None,
        None,
    )
    assert record.history.cancers is None  # no Condition is not "never had cancer"
    assert record.history.medications is None
    assert record.history.on_anticoagulant is None
    assert record.labs.haemoglobin is None  # the one in the bundle is another patient's
    reasons = {(u.resource_id, u.element): u.reason for u in mapping.unused}
    assert "no day" in reasons[("sp-003", "birthDate")]
    assert "unknown" in reasons[("sp-003", "gender")]
    assert "Patient/someone-else" in reasons[("sp-hb-other", "subject")]
    assert "entered in error" in reasons[("sp-err", "")]
    assert "modifierExtension" in reasons[("sp-apixaban", "modifierExtension")]
    assert "no record field" in reasons[("sp-ca-local", "code")]
    assert "no record field" in reasons[("sp-bp", "code")]


@pytest.mark.parametrize("name", ["metastatic-breast", "prostate-follow-up", "sparse-record"])
def test_bundles_are_valid_fhir_and_map_the_same_from_fhir_resources(name: str) -> None:
    bundle_model = pytest.importorskip("fhir.resources.R4B.bundle")
    data = _bundle(name)
    parsed = bundle_model.Bundle.model_validate(data)
    assert map_bundle(parsed).model_dump_json() == map_bundle(data).model_dump_json()


@pytest.mark.parametrize("name", ["metastatic-breast", "prostate-follow-up", "sparse-record"])
def test_mapping_is_deterministic_and_leaves_the_bundle_alone(name: str) -> None:
    data = _bundle(name)
    before = copy.deepcopy(data)
    first = map_bundle(data).model_dump_json()
    assert map_bundle(data).model_dump_json() == first
    assert data == before
    assert json.loads(first)["unused"] == [u.model_dump() for u in map_bundle(data).unused]


# Site tables


def test_site_file_adds_a_local_lab_code_and_a_drug_class() -> None:
    tables = load_tables(SITE)
    sparse = map_bundle(_bundle("sparse-record"), tables=tables)
    assert sparse.record.labs.calcium.value == 2.9  # type: ignore[union-attr]
    assert sparse.record.labs.calcium.unit == "mmol/L"  # type: ignore[union-attr]
    prostate = map_bundle(_bundle("prostate-follow-up"), tables=tables)
    assert prostate.record.history.on_anticoagulant is False
    assert ("http://lab.st-elsewhere.example.org/codes", "CAADJ") not in load_tables().measurements
    assert tables.files[-1] == str(SITE)


def test_site_file_cannot_change_a_shipped_code(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(
        "codes:\n  history.cancers.type:\n    http://hl7.org/fhir/sid/icd-10:\n      C50: lung\n",
        encoding="utf-8",
    )
    with pytest.raises(CodingTablesError, match="'lung' here but 'breast'"):
        load_tables(site)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("codes:\n  history.night_pain: {}\n", "not a coded record field"),
        ("codes:\n  sex:\n    http://x: {f: woman}\n", "'woman' is not a value of sex"),
        ("measurements:\n  labs.calcium:\n    units: {mg/dL: about 0.25}\n", "exact positive"),
        ("measurements:\n  labs.calcium:\n    units: {mmol/l: '2'}\n", "factor must be 1"),
        ("measurements:\n  exam.ecog_performance_status:\n    units: {x: '1'}\n", "only lab"),
        ("codes:\n  sex:\n    http://x: {a: female, a: male}\n", "repeats the one on line"),
        ("colours: {}\n", "unknown section"),
        ("- a list\n", "expected a mapping"),
        ("codes: [\n", "cannot read"),
    ],
)
def test_bad_site_files_are_refused_with_a_reason(tmp_path: Path, text: str, message: str) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(text, encoding="utf-8")
    with pytest.raises(CodingTablesError, match=message):
        load_tables(site)


def test_hierarchical_systems_match_the_nearest_ancestor() -> None:
    tables = load_tables()
    icd, atc = "http://hl7.org/fhir/sid/icd-10", "http://www.whocc.no/atc"
    assert tables.value("history.cancers.type", icd, "C50.912") == "breast"
    assert tables.value("history.cancers.type", icd, "C90.0") == "myeloma"
    assert tables.value("history.cancers.type", icd, "C90.3") is None  # plasmacytoma
    assert tables.value("history.medications.drug_class", atc, "B01AF02") == "anticoagulant_doac"
    assert tables.value("history.medications.drug_class", atc, "B01AE03") is None  # argatroban
    assert tables.value("history.cancers.type", "http://snomed.info/sct", "25483700") is None


# Units


@pytest.mark.parametrize("unit", ["10*9/L", "10^9/L", "10*3/uL", "10*3/mm3", "/nL"])
def test_every_spelling_of_one_count_unit_gives_the_same_value(unit: str) -> None:
    mapping = map_bundle(_lab_bundle(_lab("p", "777-3", 245, unit)))
    assert mapping.record.labs.platelets.value == 245.0  # type: ignore[union-attr]
    assert mapping.unused == []


@pytest.mark.parametrize(("value", "expected"), [(1.1, 11.0), (13.7, 137.0), (0.3, 3.0)])
def test_declared_factors_are_exact_decimals(value: float, expected: float) -> None:
    mapping = map_bundle(_lab_bundle(_lab("h", "718-7", value, "g/dL")))
    assert mapping.record.labs.haemoglobin.value == expected  # type: ignore[union-attr]


@pytest.mark.parametrize("unit", ["10*6/L", "mg/dL", None, "g/L/h"])
def test_a_refused_unit_names_the_accepted_spellings(unit: str | None) -> None:
    mapping = map_bundle(_lab_bundle(_lab("p", "777-3", 245, unit)))
    assert mapping.record.labs.platelets is None
    (refused,) = mapping.unused
    assert "'10^9/L'" in refused.reason
    assert "'10*9/L'" in refused.reason
    assert "'10*3/uL'" in refused.reason
    assert "not converted" in refused.reason


def test_comparators_and_non_numbers_are_not_values() -> None:
    censored = _lab("c", "2857-1", 0.1, "ug/L")
    censored["valueQuantity"]["comparator"] = "<"
    text_value = _lab("t", "1988-5", 1, "mg/L")
    text_value.pop("valueQuantity")
    text_value["valueString"] = "<5"
    mapping = map_bundle(_lab_bundle(censored, text_value))
    assert (mapping.record.labs.psa, mapping.record.labs.crp) == (None, None)
    assert [u.resource_id for u in mapping.unused] == ["c", "t"]


# Choices and refusals


def test_a_result_after_the_assessment_is_not_used() -> None:
    early = _lab("early", "29265-6", 2.4, "mmol/L", effectiveDateTime="2024-05-01")
    late = _lab("late", "29265-6", 2.9, "mmol/L", effectiveDateTime="2024-05-20")
    mapping = map_bundle(_lab_bundle(early, late), assessed_on=date(2024, 5, 10))
    assert mapping.record.labs.calcium.value == 2.4  # type: ignore[union-attr]
    assert "after the assessment" in mapping.unused[0].reason


def test_disagreeing_undated_results_stay_unknown() -> None:
    mapping = map_bundle(
        _lab_bundle(_lab("a", "29265-6", 2.4, "mmol/L"), _lab("b", "29265-6", 2.9, "mmol/L"))
    )
    assert mapping.record.labs.calcium is None
    assert [u.resource_id for u in mapping.unused] == ["a", "b"]


def test_a_value_the_record_refuses_moves_to_unused() -> None:
    implausible = _lab("x", "29265-6", 27.1, "mmol/L")  # mg/dL mislabelled as mmol/L
    statement = {
        "resourceType": "MedicationStatement",
        "status": "active",
        "medicationCodeableConcept": {"text": "warfarin"},
    }
    mapping = map_bundle(
        _lab_bundle(implausible, {**statement, "id": "m1"}, {**statement, "id": "m2"})
    )
    assert mapping.record.labs.calcium is None
    assert len(mapping.record.history.medications or []) == 1
    reasons = {u.resource_id: u.reason for u in mapping.unused if "refused" in u.reason}
    assert "plausible range" in reasons["x"]
    assert "repeats entry 0" in reasons["m2"]


def test_a_secondary_without_its_primary_is_reported() -> None:
    secondary = {
        "resourceType": "Condition",
        "id": "met",
        "clinicalStatus": {"coding": [{"code": "active"}]},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "C79.5"}]},
    }
    mapping = map_bundle(_lab_bundle(secondary))
    assert mapping.record.history.cancers is None
    assert "primary" in mapping.unused[0].reason


def test_not_a_bundle_and_two_patients_raise_fhir_error() -> None:
    with pytest.raises(FhirError, match="expected resourceType 'Bundle'"):
        map_bundle({"resourceType": "Patient"})
    with pytest.raises(FhirError, match="expected a FHIR Bundle"):
        map_bundle([])  # type: ignore[arg-type]
    two = _lab_bundle({"resourceType": "Patient", "id": "a"}, {"resourceType": "Patient"})
    with pytest.raises(FhirError, match="2 Patient resources"):
        map_bundle(two)
    assert issubclass(FhirError, ValueError)


# Any JSON: a mapping or a FhirError, nothing else

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
_TYPES = [
    "Patient",
    "Condition",
    "Observation",
    "MedicationStatement",
    "MedicationRequest",
    "Medication",
    "Procedure",
    "ImagingStudy",
    "DiagnosticReport",
    "Encounter",
]
_KEYS = [
    "id",
    "status",
    "code",
    "gender",
    "birthDate",
    "clinicalStatus",
    "verificationStatus",
    "onsetDateTime",
    "valueQuantity",
    "valueInteger",
    "valueCodeableConcept",
    "subject",
    "effectiveDateTime",
    "interpretation",
    "medicationCodeableConcept",
    "medicationReference",
    "modality",
    "series",
    "started",
    "imagingStudy",
    "conclusion",
    "category",
    "report",
    "bodySite",
    "performedDateTime",
    "extension",
    "intent",
    "dosage",
    "contained",
]
_codings = st.fixed_dictionaries(
    {
        "coding": st.lists(
            st.fixed_dictionaries(
                {
                    "system": st.sampled_from(
                        [
                            "http://loinc.org",
                            "http://snomed.info/sct",
                            UCUM,
                            "http://hl7.org/fhir/sid/icd-10",
                            "http://www.whocc.no/atc",
                        ]
                    ),
                    "code": st.sampled_from(
                        [
                            "29265-6",
                            "718-7",
                            "777-3",
                            "C50.9",
                            "C79.5",
                            "B01AA03",
                            "254837009",
                            "89247-1",
                            "72166-2",
                            "8517006",
                            "x",
                        ]
                    ),
                }
            ),
            max_size=2,
        ),
    }
)
_values = (
    _json
    | _codings
    | st.sampled_from(
        ["final", "active", "completed", "available", "2024-01-02", "1950", "Patient/p", "female"]
    )
    | st.fixed_dictionaries(
        {
            "value": _json,
            "unit": st.sampled_from(["g/dL", "mmol/L", "x"]),
            "system": st.just(UCUM),
            "code": st.sampled_from(["g/dL", "10*9/L"]),
        }
    )
)
_resource = st.builds(
    lambda kind, body: {"resourceType": kind, **body},
    st.sampled_from(_TYPES),
    st.dictionaries(st.sampled_from(_KEYS), _values, max_size=8),
)
_bundles = st.fixed_dictionaries(
    {"resourceType": st.just("Bundle")},
    optional={
        "timestamp": st.sampled_from(["2024-06-01", "2024-13-01", "nope"]) | _json,
        "entry": st.lists(
            st.fixed_dictionaries({"resource": _resource | _json}, optional={"fullUrl": _json})
            | _json,
            max_size=6,
        )
        | _json,
    },
)


@given(_bundles | _json)
def test_mapping_any_json_gives_a_record_or_a_fhir_error(bundle: Any) -> None:
    try:
        mapping = map_bundle(bundle)
    except FhirError:
        return
    assert isinstance(mapping.record, Patient)
    assert all(isinstance(u, Unused) for u in mapping.unused)
    json.loads(mapping.model_dump_json())


@given(
    st.sampled_from(["metastatic-breast", "prostate-follow-up", "sparse-record"]),
    st.lists(st.tuples(st.integers(0, 30), st.sampled_from(_KEYS), _values), max_size=4),
)
def test_mapping_a_damaged_real_bundle_gives_a_record_or_a_fhir_error(
    name: str, damage: list[tuple[int, str, Any]]
) -> None:
    bundle = _bundle(name)
    for index, key, value in damage:
        bundle["entry"][index % len(bundle["entry"])]["resource"][key] = value
    try:
        mapping = map_bundle(bundle)
    except FhirError:
        return
    assert isinstance(mapping.record, Patient)
