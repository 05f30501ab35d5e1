"""The imaging section: studies performed, the lesions they show, and SINS/Bilsky per lesion.

Summaries over all lesions (count, worst SINS, any high-grade compression) are
computed fields so a pathway can read them without quantifiers. They follow
Kleene logic: a study whose lesions were not recorded leaves the summary
unknown unless the recorded lesions already settle it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, computed_field, model_validator
from pydantic_core import PydanticCustomError

from spinedx._patient_common import (
    ClinicalDate,
    Flag,
    Problems,
    RecordModel,
    SpinalLevel,
    all_true,
    any_true,
)
from spinedx._patient_sins import (
    LEVEL_LOCATIONS,
    SINS_MAXIMUM,
    Alignment,
    BoneQuality,
    Collapse,
    LesionPain,
    Posterolateral,
    SinsCategory,
    SinsLocation,
    category_within,
    sins_bounds,
)


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


class Compartment(StrEnum):
    """Anatomical compartment of a spinal lesion."""

    EXTRADURAL = "extradural"
    INTRADURAL_EXTRAMEDULLARY = "intradural_extramedullary"
    INTRAMEDULLARY = "intramedullary"


class LesionNature(StrEnum):
    """What the reporting radiologist thinks a lesion most likely is."""

    METASTASIS = "metastasis"
    MYELOMA = "myeloma"
    LYMPHOMA = "lymphoma"
    PRIMARY_BONE_TUMOUR = "primary_bone_tumour"
    NERVE_SHEATH_TUMOUR = "nerve_sheath_tumour"
    MENINGIOMA = "meningioma"
    INTRAMEDULLARY_TUMOUR = "intramedullary_tumour"
    HAEMANGIOMA = "haemangioma"
    INFECTION = "infection"
    OSTEOPOROTIC_FRACTURE = "osteoporotic_fracture"
    INDETERMINATE = "indeterminate"


class BilskyGrade(StrEnum):
    """Bilsky epidural spinal cord compression (ESCC) grade (Bilsky 2010)."""

    GRADE_0 = "0"
    GRADE_1A = "1a"
    GRADE_1B = "1b"
    GRADE_1C = "1c"
    GRADE_2 = "2"
    GRADE_3 = "3"


HIGH_GRADE_ESCC = frozenset({BilskyGrade.GRADE_2, BilskyGrade.GRADE_3})
WHOLE_SPINE_REGIONS = frozenset({ImagingRegion.WHOLE_SPINE, ImagingRegion.WHOLE_BODY})


def _parse_grade(value: object) -> object:
    # YAML reads `bilsky_grade: 2` as a number, so say how to write it; and a
    # before-validator must hand strict mode the enum member, not the text.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError(
            "bilsky_grade_text",
            "write the Bilsky grade as quoted text ('0', '1a', '1b', '1c', '2' or '3'), "
            'e.g. "{value}"; found the number {value}',
            {"value": value},
        )
    if isinstance(value, str):
        try:
            return BilskyGrade(value)
        except ValueError:
            raise PydanticCustomError(
                "enum",
                "expected a Bilsky grade '0', '1a', '1b', '1c', '2' or '3'; found '{value}'",
                {"value": value},
            ) from None
    return value


class Lesion(RecordModel):
    """One spinal lesion as reported on one study, with its SINS components."""

    level: SpinalLevel | None = Field(
        None, description="Vertebral level of the lesion (the most involved one), e.g. 'T12'."
    )
    location: SinsLocation | None = Field(
        None,
        description="SINS location class, only if it should override the class derived "
        "from the level (junctional, mobile, semi_rigid, rigid).",
    )
    compartment: Compartment | None = Field(
        None,
        description="Is the lesion extradural, intradural extramedullary or intramedullary?",
    )
    suspected_nature: LesionNature | None = Field(
        None, description="What does the radiologist think the lesion is?"
    )
    typical_of_known_cancer: Flag | None = Field(
        None, description="Does the lesion look typical of the patient's known cancer?"
    )
    pain: LesionPain | None = Field(
        None, description="SINS pain: is it mechanical, occasional (non-mechanical), or none?"
    )
    bone_quality: BoneQuality | None = Field(
        None, description="SINS bone lesion: lytic, mixed or blastic?"
    )
    alignment: Alignment | None = Field(
        None,
        description="SINS alignment: subluxation/translation, de novo deformity, or normal?",
    )
    collapse: Collapse | None = Field(
        None,
        description="SINS vertebral body collapse: over 50%, under 50%, none with over 50% "
        "of the body involved, or none?",
    )
    posterolateral: Posterolateral | None = Field(
        None,
        description="SINS posterolateral involvement (facet, pedicle, costovertebral joint): "
        "bilateral, unilateral or none?",
    )
    bilsky_grade: Annotated[BilskyGrade | None, BeforeValidator(_parse_grade)] = Field(
        None, description="Bilsky ESCC grade on axial T2 MRI: '0', '1a', '1b', '1c', '2', '3'."
    )
    cord_compression: Flag | None = Field(
        None, description="Does the lesion compress the spinal cord?"
    )
    cord_expansion: Flag | None = Field(None, description="Does the lesion expand the spinal cord?")

    @model_validator(mode="after")
    def _compression_agrees_with_grade(self) -> Lesion:
        # Bilsky 2 and 3 are defined as cord compression. The converse is not
        # checked: bone retropulsion can compress the cord in a grade 0 lesion.
        problems = Problems("Lesion")
        if self.bilsky_grade in HIGH_GRADE_ESCC and self.cord_compression is False:
            problems.add(
                ("cord_compression",),
                f"Bilsky grade '{self.bilsky_grade}' means the cord is compressed, "
                "but 'cord_compression' is false",
                False,
            )
        problems.raise_if_any()
        return self

    def sins_range(self) -> tuple[int, int]:
        """The lowest and highest SINS total the known components allow."""
        return sins_bounds(
            location=self.sins_location,
            pain=self.pain,
            bone_quality=self.bone_quality,
            alignment=self.alignment,
            collapse=self.collapse,
            posterolateral=self.posterolateral,
        )

    @computed_field(  # type: ignore[prop-decorator]
        description="SINS location class: the stated one, else derived from the level."
    )
    @property
    def sins_location(self) -> SinsLocation | None:
        """``location`` if given, else the class of ``level`` (Fisher 2010, clinical
        reference §5a): occiput–C2, C7–T2, T11–L1, L5–S1 junctional; C3–C6 and L2–L4
        mobile; T3–T10 semi-rigid; S2–S5 rigid."""
        if self.location is not None:
            return self.location
        return None if self.level is None else LEVEL_LOCATIONS[self.level]

    @computed_field(  # type: ignore[prop-decorator]
        description="SINS total (0–18); unknown unless all six components are known.",
        json_schema_extra={"unit": "SINS points"},
    )
    @property
    def sins_total(self) -> int | None:
        """The sum of the six SINS components (Fisher 2010), or ``None`` if any is unknown."""
        low, high = self.sins_range()
        return low if low == high else None

    @computed_field(  # type: ignore[prop-decorator]
        description="SINS category: stable (0–6), potentially unstable (7–12), unstable (13–18)."
    )
    @property
    def sins_category(self) -> SinsCategory | None:
        """The SINS category, known as soon as the known components settle it.

        With a component missing the total lies in a range; when the whole range
        falls in one category (say the known components already sum to 13) that
        category is certain, and filling in the rest cannot change it.
        """
        return category_within(*self.sins_range())

    @computed_field(  # type: ignore[prop-decorator]
        description="Is this high-grade epidural spinal cord compression (Bilsky 2 or 3)?"
    )
    @property
    def high_grade_escc(self) -> bool | None:
        """Whether ``bilsky_grade`` is 2 or 3."""
        return None if self.bilsky_grade is None else self.bilsky_grade in HIGH_GRADE_ESCC


class ImagingStudy(RecordModel):
    """One imaging study that has been performed."""

    modality: Modality | None = Field(
        None, description="Which modality (mri, ct, ct_myelography, xray, pet_ct, bone_scan)?"
    )
    contrast: Flag | None = Field(
        None, description="Was intravenous contrast given (gadolinium for MRI, iodine for CT)?"
    )
    region: ImagingRegion | None = Field(
        None, description="Which region was imaged (whole_spine, lumbar, whole_body, ...)?"
    )
    performed_on: ClinicalDate | None = Field(None, description="When was the study done?")
    lesions: list[Lesion] | None = Field(
        None, description="Which lesions does the study show? An empty list means none."
    )
    report: str | None = Field(None, description="The radiologist's conclusion, free text.")


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

    studies: list[ImagingStudy] | None = Field(
        None, description="Which imaging studies have been done? An empty list means none."
    )

    def _lesion_findings(self, finding: Iterable[bool | None]) -> bool | None:
        complete = _known_lesions(self.studies)[1]
        return any_true((*finding, None if not complete else False))

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
