"""Patients as an EHR would prefetch them for the patient-view hook: FHIR R4 JSON.

Each patient is a Patient resource and searchset Bundles keyed as the
service's discovery asks (``conditions``, ``medications``, ``observations``,
...). The codes are the ones the shipped coding tables read
(``spinedx/patient/codings.yaml``).
"""

from __future__ import annotations

import copy
from typing import Any

ICD10 = "http://hl7.org/fhir/sid/icd-10"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"


def _searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [{"resource": r, "search": {"mode": "match"}} for r in resources],
    }


def _patient(pid: str, gender: str, born: str) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, "gender": gender, "birthDate": born}


def _condition(pid: str, cid: str, system: str, code: str, onset: str) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": cid,
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]},
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": {"reference": f"Patient/{pid}"},
        "onsetDateTime": onset,
    }


def _lab(
    pid: str, oid: str, code: str, value: float, unit: str, flag: str, when: str
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": {"reference": f"Patient/{pid}"},
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
        "interpretation": [{"coding": [{"system": INTERPRETATION, "code": flag}]}],
    }


def _medication(pid: str, mid: str, atc: str, name: str) -> dict[str, Any]:
    return {
        "resourceType": "MedicationStatement",
        "id": mid,
        "status": "active",
        "medicationCodeableConcept": {"coding": [{"system": ATC, "code": atc, "display": name}]},
        "subject": {"reference": f"Patient/{pid}"},
    }


def _breast_cancer_on_warfarin() -> dict[str, Any]:
    pid = "breast-cancer-on-warfarin"
    return {
        "patient": _patient(pid, "female", "1966-03-02"),
        "conditions": _searchset([_condition(pid, "c1", ICD10, "C50.9", "2019-06-10")]),
        "medications": _searchset([_medication(pid, "m1", "B01AA03", "warfarin")]),
        "medication-requests": None,
        "observations": _searchset(
            [
                _lab(pid, "o1", "62238-1", 38, "mL/min/{1.73_m2}", "L", "2024-04-28"),
                _lab(pid, "o2", "777-3", 92, "10*9/L", "L", "2024-04-28"),
                _lab(pid, "o3", "6301-6", 2.8, "{INR}", "H", "2024-04-28"),
                _lab(pid, "o4", "29265-6", 2.9, "mmol/L", "H", "2024-04-28"),
            ]
        ),
        "procedures": _searchset([]),
    }


def _myeloma_screen() -> dict[str, Any]:
    pid = "older-man-high-esr"
    return {
        "patient": _patient(pid, "male", "1950-11-20"),
        "conditions": _searchset([]),
        "medications": _searchset([]),
        "observations": _searchset(
            [
                _lab(pid, "o1", "4537-7", 88, "mm/h", "H", "2024-04-20"),
                _lab(pid, "o2", "718-7", 101, "g/L", "L", "2024-04-20"),
                _lab(pid, "o3", "29265-6", 2.71, "mmol/L", "H", "2024-04-20"),
            ]
        ),
    }


def _sparse() -> dict[str, Any]:
    pid = "sparse-record"
    return {"patient": _patient(pid, "female", "1980-01-15")}


_PATIENTS: dict[str, dict[str, Any]] = {
    "breast-cancer-on-warfarin": _breast_cancer_on_warfarin(),
    "older-man-high-esr": _myeloma_screen(),
    "sparse-record": _sparse(),
}
PATIENTS = frozenset(_PATIENTS)
"""The ids of the patients below."""


def bundle_prefetch(patient_id: str) -> dict[str, Any]:
    """A fresh copy of one patient's prefetch (tests may change it)."""
    return copy.deepcopy(_PATIENTS[patient_id])
