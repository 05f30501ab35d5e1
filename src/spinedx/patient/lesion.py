"""One spinal lesion: where it is, what it looks like, its SINS components and Bilsky grade.

The SINS total and category are computed from the six components (the
arithmetic lives in ``_patient_sins``); the location component is derived
from the vertebral level unless the radiologist states it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import BeforeValidator, Field, computed_field, model_validator
from pydantic_core import PydanticCustomError

from spinedx.patient.common import Flag, Inputs, Problems, RecordModel, SpinalLevel
from spinedx.patient.sins import (
    LEVEL_LOCATIONS,
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

    spinedx_inputs: ClassVar[Inputs] = {
        "sins_location": ("level",),
        **dict.fromkeys(("sins_total", "sins_category"), ("level", "pain", "bone_quality",
                        "alignment", "collapse", "posterolateral")),
        "high_grade_escc": ("bilsky_grade",),
    }  # fmt: skip

    level: SpinalLevel | None = Field(
        default=None,
        description="Vertebral level of the lesion (the most involved one), e.g. 'T12'.",
    )
    location: SinsLocation | None = Field(
        default=None,
        description="SINS location class, only if it should override the class derived "
        "from the level (junctional, mobile, semi_rigid, rigid).",
    )
    compartment: Compartment | None = Field(
        default=None,
        description="Is the lesion extradural, intradural extramedullary or intramedullary?",
    )
    suspected_nature: LesionNature | None = Field(
        default=None, description="What does the radiologist think the lesion is?"
    )
    typical_of_known_cancer: Flag | None = Field(
        default=None, description="Does the lesion look typical of the patient's known cancer?"
    )
    pain: LesionPain | None = Field(
        default=None,
        description="SINS pain: is it mechanical, occasional (non-mechanical), or none?",
    )
    bone_quality: BoneQuality | None = Field(
        default=None, description="SINS bone lesion: lytic, mixed or blastic?"
    )
    alignment: Alignment | None = Field(
        default=None,
        description="SINS alignment: subluxation/translation, de novo deformity, or normal?",
    )
    collapse: Collapse | None = Field(
        default=None,
        description="SINS vertebral body collapse: over 50%, under 50%, none with over 50% "
        "of the body involved, or none?",
    )
    posterolateral: Posterolateral | None = Field(
        default=None,
        description="SINS posterolateral involvement (facet, pedicle, costovertebral joint): "
        "bilateral, unilateral or none?",
    )
    bilsky_grade: Annotated[BilskyGrade | None, BeforeValidator(_parse_grade)] = Field(
        default=None,
        description="Bilsky ESCC grade on axial T2 MRI: '0', '1a', '1b', '1c', '2', '3'.",
    )
    cord_compression: Flag | None = Field(
        default=None, description="Does the lesion compress the spinal cord?"
    )
    cord_expansion: Flag | None = Field(
        default=None, description="Does the lesion expand the spinal cord?"
    )

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
