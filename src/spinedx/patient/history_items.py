"""The list items of the history section: cancers, medications, conditions, devices, relatives.

Each item is one thing the patient has or had. The identifying name of a
medication or condition is required (an unnamed entry says nothing); every
other attribute may be unknown.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field, computed_field, model_validator

from spinedx.patient.common import (
    ClinicalDate,
    Flag,
    Inputs,
    Problems,
    RecordModel,
    all_true,
    given_without,
)

HISTORY_INPUTS: Inputs = {
    **dict.fromkeys(("spinal_pain", "cervical_pain", "thoracic_pain", "lumbar_pain",
                     "sacral_pain"), ("pain_sites",)),
    "neurological_symptoms": ("radicular_pain", "limb_weakness_reported",
        "numbness_or_paraesthesia", "walking_difficulty", "bladder_or_bowel_symptoms"),
    "conservative_care_failed": ("conservative_care_response",),
    **dict.fromkeys(("cancer_history", "prior_primary_count", "multiple_primary_cancers"),
                    ("cancers",)),
    "active_cancer": ("cancers", "cancers[].status"),
    "metastatic_cancer": ("cancers", "cancers[].metastatic"),
    "widespread_confirmed_metastases": ("cancers", "cancers[].widespread_confirmed_metastases"),
    **dict.fromkeys(("on_anticoagulant", "on_antiplatelet", "on_corticosteroid"),
                    ("medications", "medications[].drug_class")),
    "family_history_of_cancer": ("family_history", "family_history[].cancer"),
    "has_non_mr_conditional_device": (
        "implanted_devices", "implanted_devices[].mr_conditional",
    ),
    "metallic_foreign_body": ("orbital_metallic_foreign_body", "retained_bullet_or_shrapnel"),
}  # fmt: skip
"""``History.spinedx_inputs``: the inputs behind each of its computed fields."""


class SpinalRegion(StrEnum):
    """Region of the spine where the patient has pain."""

    CERVICAL = "cervical"
    THORACIC = "thoracic"
    LUMBAR = "lumbar"
    SACRAL = "sacral"


class CareResponse(StrEnum):
    """How the pain responded to conservative management."""

    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    WORSE = "worse"


class SmokingStatus(StrEnum):
    """Tobacco smoking status."""

    NEVER = "never"
    FORMER = "former"
    CURRENT = "current"


class ContrastReaction(StrEnum):
    """Worst previous allergic-like reaction to a contrast agent (ACR severity grades)."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class CancerType(StrEnum):
    """Primary site of a cancer; the common sources of spinal metastases come first."""

    BREAST = "breast"
    PROSTATE = "prostate"
    LUNG = "lung"
    KIDNEY = "kidney"
    THYROID = "thyroid"
    MYELOMA = "myeloma"
    LYMPHOMA = "lymphoma"
    LEUKAEMIA = "leukaemia"
    MELANOMA = "melanoma"
    COLORECTAL = "colorectal"
    UPPER_GASTROINTESTINAL = "upper_gastrointestinal"
    PANCREATIC = "pancreatic"
    LIVER = "liver"
    BLADDER = "bladder"
    OVARIAN = "ovarian"
    UTERINE = "uterine"
    CERVICAL = "cervical"
    HEAD_AND_NECK = "head_and_neck"
    GERM_CELL = "germ_cell"
    SARCOMA = "sarcoma"
    BRAIN = "brain"
    UNKNOWN_PRIMARY = "unknown_primary"
    OTHER = "other"


class CancerStatus(StrEnum):
    """Disease status of a cancer at the time of the assessment."""

    ACTIVE = "active"
    REMISSION = "remission"
    NO_EVIDENCE_OF_DISEASE = "no_evidence_of_disease"


class Cancer(RecordModel):
    """One primary cancer, current or previous."""

    spinedx_inputs: ClassVar[Inputs] = {
        "widespread_confirmed_metastases": (
            "metastatic", "metastasis_histologically_confirmed", "metastases_widespread",
        ),
    }  # fmt: skip

    type: CancerType | None = Field(default=None, description="What type of cancer (primary site)?")
    histology: str | None = Field(
        default=None,
        description="Histological type of the primary, e.g. 'invasive ductal carcinoma'.",
    )
    diagnosed_on: ClinicalDate | None = Field(default=None, description="When was it diagnosed?")
    status: CancerStatus | None = Field(
        default=None,
        description="Is the cancer active, in remission, or with no evidence of disease?",
    )
    metastatic: Flag | None = Field(
        default=None, description="Has this cancer spread (metastasised)?"
    )
    metastasis_histologically_confirmed: Flag | None = Field(
        default=None, description="Has a metastasis of this cancer been confirmed by histology?"
    )
    metastases_widespread: Flag | None = Field(
        default=None, description="Are the metastases widespread (more than one site)?"
    )

    @computed_field(  # type: ignore[prop-decorator]
        description="Is this cancer metastatic, with histologically confirmed, widespread "
        "metastases?"
    )
    @property
    def widespread_confirmed_metastases(self) -> bool | None:
        """Kleene AND of ``metastatic``, ``metastasis_histologically_confirmed`` and
        ``metastases_widespread``."""
        return all_true(
            (self.metastatic, self.metastasis_histologically_confirmed, self.metastases_widespread)
        )

    @model_validator(mode="after")
    def _metastasis_details_need_metastases(self) -> Cancer:
        problems = Problems("Cancer")
        given_without(
            problems,
            self,
            "metastatic",
            ("metastasis_histologically_confirmed", "metastases_widespread"),
        )
        problems.raise_if_any()
        return self


class MedicationClass(StrEnum):
    """Drug class, as far as the work-up cares (bleeding risk, steroids, bone agents)."""

    ANTICOAGULANT_VKA = "anticoagulant_vka"
    ANTICOAGULANT_DOAC = "anticoagulant_doac"
    HEPARIN = "heparin"
    ANTIPLATELET = "antiplatelet"
    CORTICOSTEROID = "corticosteroid"
    NSAID = "nsaid"
    OPIOID = "opioid"
    BONE_ANTIRESORPTIVE = "bone_antiresorptive"
    IMMUNOSUPPRESSANT = "immunosuppressant"
    ANTICANCER = "anticancer"
    OTHER = "other"


ANTICOAGULANTS = frozenset(
    {
        MedicationClass.ANTICOAGULANT_VKA,
        MedicationClass.ANTICOAGULANT_DOAC,
        MedicationClass.HEPARIN,
    }
)


class Medication(RecordModel):
    """One medicine the patient currently takes."""

    name: str = Field(min_length=1, description="Name of the medicine, e.g. 'warfarin'.")
    drug_class: MedicationClass | None = Field(
        default=None,
        description="Drug class: anticoagulant_vka (e.g. warfarin), anticoagulant_doac, "
        "heparin, antiplatelet, corticosteroid, ... or other.",
    )
    dose: str | None = Field(
        default=None, description="Dose and frequency as prescribed, free text."
    )


class CodeSystem(StrEnum):
    """Terminology a condition code is taken from."""

    SNOMED_CT = "snomed_ct"
    ICD_10 = "icd_10"
    ICD_11 = "icd_11"
    OTHER = "other"


class MedicalCondition(RecordModel):
    """A pre-existing condition or past illness."""

    name: str = Field(min_length=1, description="Name of the condition, e.g. 'type 2 diabetes'.")
    code: str | None = Field(
        default=None, min_length=1, description="Code for the condition, if coded."
    )
    code_system: CodeSystem | None = Field(
        default=None,
        description="Terminology the code comes from (snomed_ct, icd_10, icd_11, other).",
    )
    diagnosed_on: ClinicalDate | None = Field(default=None, description="When was it diagnosed?")


class DeviceKind(StrEnum):
    """Kind of implanted device, as MRI safety screening asks about them."""

    PACEMAKER = "pacemaker"
    ICD = "icd"
    DEEP_BRAIN_STIMULATOR = "deep_brain_stimulator"
    COCHLEAR_IMPLANT = "cochlear_implant"
    ANEURYSM_CLIP = "aneurysm_clip"
    NEUROSTIMULATOR = "neurostimulator"
    DRUG_INFUSION_PUMP = "drug_infusion_pump"
    SPINAL_INSTRUMENTATION = "spinal_instrumentation"
    OTHER = "other"


class ImplantedDevice(RecordModel):
    """One implanted device or implant."""

    kind: DeviceKind | None = Field(
        default=None, description="What kind of device (pacemaker, icd, cochlear_implant, ...)?"
    )
    description: str | None = Field(
        default=None, description="Make, model or other detail, free text."
    )
    mr_conditional: Flag | None = Field(
        default=None,
        description="Is the device (the whole implanted system) labelled MR-conditional?",
    )


class Relative(StrEnum):
    """Family member a family-history entry is about."""

    MOTHER = "mother"
    FATHER = "father"
    SISTER = "sister"
    BROTHER = "brother"
    DAUGHTER = "daughter"
    SON = "son"
    GRANDPARENT = "grandparent"
    AUNT_OR_UNCLE = "aunt_or_uncle"
    COUSIN = "cousin"
    OTHER = "other"


class FamilyHistoryEntry(RecordModel):
    """One condition in one relative."""

    relative: Relative | None = Field(default=None, description="Which relative?")
    condition: str | None = Field(default=None, description="The relative's condition, free text.")
    cancer: Flag | None = Field(default=None, description="Is the condition a cancer?")
    cancer_type: CancerType | None = Field(default=None, description="If a cancer, which type?")

    @model_validator(mode="after")
    def _cancer_type_needs_cancer(self) -> FamilyHistoryEntry:
        problems = Problems("FamilyHistoryEntry")
        given_without(problems, self, "cancer", ("cancer_type",))
        problems.raise_if_any()
        return self
