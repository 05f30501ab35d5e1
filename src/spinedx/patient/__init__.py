"""The built-in patient record for the spinal tumour work-up: content, not engine.

``Patient`` is registered under the name ``spinedx.patient`` by the entry point
of the same name (group ``spinedx.records`` in ``pyproject.toml``); pathways
name it in their manifest (``record: spinedx.patient``). The engine reads it
like any other pydantic model and never imports this package.

Example:
    >>> from spinedx.patient import Patient
    >>> Patient(age_years=64).age
    64
"""

from spinedx.patient.biopsy import (
    Biopsy,
    BiopsyGuidance,
    BiopsyResult,
    BiopsySection,
    BiopsyTechnique,
)
from spinedx.patient.common import RecordModel
from spinedx.patient.exam import Exam, Gait, LimbExam, PlantarResponse, Reflexes, Sensation
from spinedx.patient.history import (
    CareResponse,
    ContrastReaction,
    History,
    SmokingStatus,
    SpinalRegion,
)
from spinedx.patient.history_items import (
    Cancer,
    CancerStatus,
    CancerType,
    CodeSystem,
    DeviceKind,
    FamilyHistoryEntry,
    ImplantedDevice,
    MedicalCondition,
    Medication,
    MedicationClass,
    Relative,
)
from spinedx.patient.imaging import Imaging, ImagingRegion, ImagingStudy, Modality
from spinedx.patient.labs import (
    LAB_SPECS,
    Detection,
    FreeLightChains,
    LabFlag,
    LabResult,
    Labs,
    LabSpec,
    ProteinElectrophoresis,
)
from spinedx.patient.lesion import BilskyGrade, Compartment, Lesion, LesionNature
from spinedx.patient.record import Patient, Sex
from spinedx.patient.sins import (
    Alignment,
    BoneQuality,
    Collapse,
    LesionPain,
    Posterolateral,
    SinsCategory,
    SinsLocation,
)

__all__ = [
    "LAB_SPECS",
    "Alignment",
    "BilskyGrade",
    "Biopsy",
    "BiopsyGuidance",
    "BiopsyResult",
    "BiopsySection",
    "BiopsyTechnique",
    "BoneQuality",
    "Cancer",
    "CancerStatus",
    "CancerType",
    "CareResponse",
    "CodeSystem",
    "Collapse",
    "Compartment",
    "ContrastReaction",
    "Detection",
    "DeviceKind",
    "Exam",
    "FamilyHistoryEntry",
    "FreeLightChains",
    "Gait",
    "History",
    "Imaging",
    "ImagingRegion",
    "ImagingStudy",
    "ImplantedDevice",
    "LabFlag",
    "LabResult",
    "LabSpec",
    "Labs",
    "Lesion",
    "LesionNature",
    "LesionPain",
    "LimbExam",
    "MedicalCondition",
    "Medication",
    "MedicationClass",
    "Modality",
    "Patient",
    "PlantarResponse",
    "Posterolateral",
    "ProteinElectrophoresis",
    "RecordModel",
    "Reflexes",
    "Relative",
    "Sensation",
    "Sex",
    "SinsCategory",
    "SinsLocation",
    "SmokingStatus",
    "SpinalRegion",
]
