"""The imaging section: the studies performed and summaries over the lesions they show.

Summaries over all lesions (count, worst SINS, any high-grade compression) are
computed fields so a pathway can read them without quantifiers. They follow
Kleene logic: a study whose lesions were not recorded leaves the summary
unknown unless the recorded lesions already settle it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, computed_field

from spinedx.patient.common import ClinicalDate, Flag, Inputs, RecordModel, all_true, any_true
from spinedx.patient.lesion import (
    HIGH_GRADE_ESCC,
    BilskyGrade,
    Compartment,
    Lesion,
    LesionNature,
)
from spinedx.patient.sins import SINS_MAXIMUM, SinsCategory, category_within

__all__ = [
    "HIGH_GRADE_ESCC",
    "BilskyGrade",
    "Compartment",
    "Imaging",
    "ImagingRegion",
    "ImagingStudy",
    "Lesion",
    "LesionNature",
    "Modality",
]


class Modality(StrEnum):
    """Imaging modality."""

    MRI = "mri"
    CT = "ct"
    CT_MYELOGRAPHY = "ct_myelography"
    XRAY = "xray"
    PET_CT = "pet_ct"
    BONE_SCAN = "bone_scan"


class ImagingRegion(StrEnum):
    """Body region a study covers."""

    WHOLE_BODY = "whole_body"
    WHOLE_SPINE = "whole_spine"
    CERVICAL = "cervical"
    THORACIC = "thoracic"
    LUMBAR = "lumbar"
    SACRAL = "sacral"
    CHEST_ABDOMEN_PELVIS = "chest_abdomen_pelvis"


WHOLE_SPINE_REGIONS = frozenset({ImagingRegion.WHOLE_SPINE, ImagingRegion.WHOLE_BODY})


class ImagingStudy(RecordModel):
    """One imaging study that has been performed."""

    modality: Modality | None = Field(
        default=None,
        description="Which modality (mri, ct, ct_myelography, xray, pet_ct, bone_scan)?",
    )
    contrast: Flag | None = Field(
        default=None,
        description="Was intravenous contrast given (gadolinium for MRI, iodine for CT)?",
    )
    region: ImagingRegion | None = Field(
        default=None, description="Which region was imaged (whole_spine, lumbar, whole_body, ...)?"
    )
    performed_on: ClinicalDate | None = Field(default=None, description="When was the study done?")
    lesions: list[Lesion] | None = Field(
        default=None, description="Which lesions does the study show? An empty list means none."
    )
    report: str | None = Field(default=None, description="The radiologist's conclusion, free text.")


def _known_lesions(studies: Sequence[ImagingStudy] | None) -> tuple[list[list[Lesion]], bool]:
    """The recorded lesion lists, and whether every study's lesions were recorded.

    No studies at all (``None`` or ``[]``) also leaves the lesions unknown: nothing
    was imaged, so nothing is known to be absent.
    """
    if not studies:
        return [], False
    lists = [study.lesions for study in studies if study.lesions is not None]
    return lists, len(lists) == len(studies)


class Imaging(RecordModel):
    """Imaging studies performed so far."""

    spinedx_inputs: ClassVar[Inputs] = {
        **dict.fromkeys(("lesion_count", "solitary_lesion"),
                        ("studies", "studies[].lesions", "studies[].lesions[].level")),
        **dict.fromkeys(("max_sins_total", "worst_sins_category"),
                        ("studies", "studies[].lesions", "studies[].lesions[].sins_total")),
        "any_high_grade_escc": ("studies", "studies[].lesions", "studies[].lesions[].bilsky_grade"),
        "any_cord_compression": (
            "studies", "studies[].lesions", "studies[].lesions[].cord_compression",
        ),
        "any_intramedullary_lesion": (
            "studies", "studies[].lesions", "studies[].lesions[].compartment",
        ),
        **dict.fromkeys(("mri_performed", "ct_performed"), ("studies", "studies[].modality")),
        "whole_spine_mri_performed": ("studies", "studies[].modality", "studies[].region"),
    }  # fmt: skip

    studies: list[ImagingStudy] | None = Field(
        default=None, description="Which imaging studies have been done? An empty list means none."
    )

    def _lesion_findings(self, findings: Iterable[bool | None]) -> bool | None:
        complete = _known_lesions(self.studies)[1]
        return any_true((*findings, None if not complete else False))

    def _all_lesions(self) -> list[Lesion]:
        return [lesion for lesions in _known_lesions(self.studies)[0] for lesion in lesions]

    def _count_bounds(self) -> tuple[int, int | None]:
        """The least number of distinct lesions, and the exact number when it is known.

        A lesion at the same level on two studies is the same lesion seen twice.
        Within one study every listed lesion is distinct. A lesion without a level
        cannot be matched across studies, so it leaves the exact count unknown.
        """
        lists, complete = _known_lesions(self.studies)
        shown = [lesions for lesions in lists if lesions]
        per_level: Counter[str] = Counter()
        for lesions in shown:
            per_level |= Counter(lesion.level for lesion in lesions if lesion.level is not None)
        distinct = sum(per_level.values())
        least = max([distinct, *(len(lesions) for lesions in shown)])
        unmatched = any(lesion.level is None for lesions in shown for lesion in lesions)
        if not complete or (unmatched and len(shown) > 1):
            return least, None
        return least, (len(shown[0]) if len(shown) == 1 else distinct)

    @computed_field(  # type: ignore[prop-decorator]
        description="How many distinct spinal lesions do the studies show?"
    )
    @property
    def lesion_count(self) -> int | None:
        """Distinct lesions across studies; lesions at the same level count once."""
        return self._count_bounds()[1]

    @computed_field(  # type: ignore[prop-decorator]
        description="Is there exactly one lesion (solitary) on the studies done?"
    )
    @property
    def solitary_lesion(self) -> bool | None:
        """Whether ``lesion_count`` is 1; false as soon as two distinct lesions are known."""
        least, exact = self._count_bounds()
        if exact is not None:
            return exact == 1
        return False if least >= 2 else None

    def _sins_range(self) -> tuple[int, int] | None:
        ranges = [lesion.sins_range() for lesion in self._all_lesions()]
        if not _known_lesions(self.studies)[1]:
            ranges.append((0, SINS_MAXIMUM))
        if not ranges:
            return None
        return max(low for low, _ in ranges), max(high for _, high in ranges)

    @computed_field(  # type: ignore[prop-decorator]
        description="Highest SINS total of any lesion.",
        json_schema_extra={"unit": "SINS points"},
    )
    @property
    def max_sins_total(self) -> int | None:
        """The highest lesion SINS total, when the known components already fix it."""
        bounds = self._sins_range()
        return None if bounds is None or bounds[0] != bounds[1] else bounds[0]

    @computed_field(  # type: ignore[prop-decorator]
        description="SINS category of the least stable lesion."
    )
    @property
    def worst_sins_category(self) -> SinsCategory | None:
        """The category of ``max_sins_total``, known as soon as the ranges settle it."""
        bounds = self._sins_range()
        return None if bounds is None else category_within(*bounds)

    @computed_field(  # type: ignore[prop-decorator]
        description="Does any lesion cause high-grade cord compression (Bilsky 2 or 3)?"
    )
    @property
    def any_high_grade_escc(self) -> bool | None:
        """Kleene OR over all lesions of ``high_grade_escc``."""
        return self._lesion_findings(lesion.high_grade_escc for lesion in self._all_lesions())

    @computed_field(  # type: ignore[prop-decorator]
        description="Does any lesion compress the spinal cord?"
    )
    @property
    def any_cord_compression(self) -> bool | None:
        """Kleene OR over all lesions of ``cord_compression``."""
        return self._lesion_findings(lesion.cord_compression for lesion in self._all_lesions())

    @computed_field(  # type: ignore[prop-decorator]
        description="Is any lesion intramedullary (inside the spinal cord)?"
    )
    @property
    def any_intramedullary_lesion(self) -> bool | None:
        """Kleene OR over all lesions of ``compartment == 'intramedullary'``."""
        return self._lesion_findings(
            None if lesion.compartment is None else lesion.compartment == "intramedullary"
            for lesion in self._all_lesions()
        )

    def _any_study(self, finding: Iterable[bool | None]) -> bool | None:
        return None if self.studies is None else any_true(finding)

    @computed_field(description="Has an MRI been done?")  # type: ignore[prop-decorator]
    @property
    def mri_performed(self) -> bool | None:
        """Kleene OR over the studies of ``modality == 'mri'``."""
        return self._any_study(_is(study.modality, Modality.MRI) for study in self.studies or ())

    @computed_field(  # type: ignore[prop-decorator]
        description="Has an MRI of the whole spine (or whole body) been done?"
    )
    @property
    def whole_spine_mri_performed(self) -> bool | None:
        """Kleene OR over the studies of an MRI whose region covers the whole spine."""
        return self._any_study(
            all_true(
                (
                    _is(study.modality, Modality.MRI),
                    None if study.region is None else study.region in WHOLE_SPINE_REGIONS,
                )
            )
            for study in self.studies or ()
        )

    @computed_field(description="Has a CT been done?")  # type: ignore[prop-decorator]
    @property
    def ct_performed(self) -> bool | None:
        """Kleene OR over the studies of ``modality`` ct or ct_myelography."""
        return self._any_study(
            None
            if study.modality is None
            else study.modality in {Modality.CT, Modality.CT_MYELOGRAPHY}
            for study in self.studies or ()
        )


def _is(value: StrEnum | None, expected: StrEnum) -> bool | None:
    return None if value is None else value == expected
