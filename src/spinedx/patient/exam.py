"""The physical examination: palpation of the spine and the neurological examination.

Each limb is examined on its own (a ``LimbExam``); the computed summaries combine
the four limbs and the long-tract and sphincter signs with Kleene logic, so an
unexamined limb never counts as a normal one.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, computed_field, model_validator

from spinedx.patient.common import (
    Flag,
    Inputs,
    Number,
    Problems,
    RecordModel,
    SpinalLevel,
    WholeNumber,
    any_true,
    given_without,
)


class Sensation(StrEnum):
    """Sensation in a limb."""

    NORMAL = "normal"
    REDUCED = "reduced"
    ABSENT = "absent"


class Reflexes(StrEnum):
    """Deep tendon reflexes of a limb."""

    NORMAL = "normal"
    REDUCED = "reduced"
    ABSENT = "absent"
    BRISK = "brisk"


class PlantarResponse(StrEnum):
    """Plantar (Babinski) response of one foot."""

    FLEXOR = "flexor"
    EXTENSOR = "extensor"
    EQUIVOCAL = "equivocal"


class Gait(StrEnum):
    """Gait on examination."""

    NORMAL = "normal"
    ABNORMAL = "abnormal"
    UNABLE = "unable"


class LimbExam(RecordModel):
    """Power, sensation and reflexes of one limb."""

    spinedx_inputs: ClassVar[Inputs] = {
        "weak": ("strength",),
        "abnormal": ("strength", "sensation", "reflexes"),
    }

    strength: WholeNumber | None = Field(
        default=None,
        ge=0,
        le=5,
        description="Power of the weakest muscle group on the MRC scale, 0 (none) to 5 (normal).",
        json_schema_extra={"unit": "MRC grade"},
    )
    sensation: Sensation | None = Field(
        default=None, description="Is sensation normal, reduced or absent?"
    )
    reflexes: Reflexes | None = Field(
        default=None, description="Are the reflexes normal, reduced, absent or brisk?"
    )

    @computed_field(description="Is this limb weak (MRC below 5)?")  # type: ignore[prop-decorator]
    @property
    def weak(self) -> bool | None:
        """Whether ``strength`` is below 5."""
        return None if self.strength is None else self.strength < 5

    @computed_field(  # type: ignore[prop-decorator]
        description="Is anything abnormal in this limb (power, sensation or reflexes)?"
    )
    @property
    def abnormal(self) -> bool | None:
        """Kleene OR of weakness, abnormal sensation and abnormal reflexes."""
        return any_true((self.weak, _abnormal(self.sensation), _abnormal(self.reflexes)))


_LIMBS = ("left_arm", "right_arm", "left_leg", "right_leg")


def _abnormal(finding: Sensation | Reflexes | Gait | None) -> bool | None:
    # Every graded finding in this module names its normal grade "normal".
    return None if finding is None else finding != "normal"


def _upper_motor_neuron(plantar: PlantarResponse | None) -> bool | None:
    # An equivocal plantar is a finding, not a missing one: it neither shows nor
    # excludes an upper motor neuron lesion, and asking again will not settle it.
    return None if plantar is None else plantar == PlantarResponse.EXTENSOR


class Exam(RecordModel):
    """Findings of the physical examination."""

    spinedx_inputs: ClassVar[Inputs] = {
        **dict.fromkeys(("weakest_strength", "any_weakness"),
                        tuple(f"{limb}.strength" for limb in _LIMBS)),
        "upper_motor_neuron_signs": ("plantar_left", "plantar_right", "hoffmann_sign", "clonus",
                                     *(f"{limb}.reflexes" for limb in _LIMBS)),
        "neurological_deficit": (*(f"{limb}.abnormal" for limb in _LIMBS),
            "upper_motor_neuron_signs", "sensory_level_present", "gait", "bladder_dysfunction",
            "bowel_dysfunction", "saddle_anaesthesia"),
    }  # fmt: skip

    spinal_tenderness: Flag | None = Field(
        default=None, description="Is there midline (spinal) tenderness on palpation?"
    )
    palpable_mass: Flag | None = Field(
        default=None, description="Is there a palpable lump or mass?"
    )
    spinal_deformity: Flag | None = Field(
        default=None,
        description="Is there a visible or palpable spinal deformity (e.g. new kyphosis)?",
    )
    instability_signs: Flag | None = Field(
        default=None,
        description="Are there signs of spinal instability (pain on movement or loading)?",
    )
    left_arm: LimbExam = Field(default_factory=LimbExam, description="Left arm examination.")
    right_arm: LimbExam = Field(default_factory=LimbExam, description="Right arm examination.")
    left_leg: LimbExam = Field(default_factory=LimbExam, description="Left leg examination.")
    right_leg: LimbExam = Field(default_factory=LimbExam, description="Right leg examination.")
    plantar_left: PlantarResponse | None = Field(
        default=None, description="Left plantar response (flexor, extensor, equivocal)?"
    )
    plantar_right: PlantarResponse | None = Field(
        default=None, description="Right plantar response (flexor, extensor, equivocal)?"
    )
    hoffmann_sign: Flag | None = Field(default=None, description="Is Hoffmann's sign present?")
    clonus: Flag | None = Field(default=None, description="Is there sustained clonus?")
    sensory_level_present: Flag | None = Field(
        default=None, description="Is there a sensory level on the trunk?"
    )
    sensory_level: SpinalLevel | None = Field(
        default=None, description="At which dermatome is the sensory level, e.g. 'T10'?"
    )
    gait: Gait | None = Field(
        default=None, description="Is the gait normal, abnormal, or unable to walk?"
    )
    bladder_dysfunction: Flag | None = Field(
        default=None, description="Is there bladder dysfunction (retention or incontinence)?"
    )
    bowel_dysfunction: Flag | None = Field(
        default=None, description="Is there bowel dysfunction (incontinence or reduced anal tone)?"
    )
    saddle_anaesthesia: Flag | None = Field(
        default=None, description="Is there saddle anaesthesia?"
    )
    complete_paraplegia: Flag | None = Field(
        default=None, description="Is there complete loss of motor function in both legs?"
    )
    paraplegia_duration_hours: Number | None = Field(
        default=None,
        ge=0,
        le=100_000,
        description="For how many hours has the paraplegia been complete?",
        json_schema_extra={"unit": "hours"},
    )
    ecog_performance_status: WholeNumber | None = Field(
        default=None,
        ge=0,
        le=4,
        description="ECOG/WHO performance status, 0 (fully active) to 4 (bedbound).",
        json_schema_extra={"unit": "ECOG grade"},
    )

    @model_validator(mode="after")
    def _details_agree_with_findings(self) -> Exam:
        problems = Problems("Exam")
        given_without(problems, self, "sensory_level_present", ("sensory_level",))
        given_without(problems, self, "complete_paraplegia", ("paraplegia_duration_hours",))
        if self.complete_paraplegia:
            for name in ("left_leg", "right_leg"):
                strength = getattr(self, name).strength
                if strength is not None and strength > 0:
                    problems.add(
                        (name, "strength"),
                        f"complete paraplegia means MRC 0 in both legs, found {strength}",
                        strength,
                    )
        problems.raise_if_any()
        return self

    def limbs(self) -> Iterator[LimbExam]:
        """The four limbs, arms first."""
        yield from (self.left_arm, self.right_arm, self.left_leg, self.right_leg)

    @computed_field(  # type: ignore[prop-decorator]
        description="Power of the weakest limb examined (MRC 0–5); an upper bound while "
        "some limbs are unrecorded.",
        json_schema_extra={"unit": "MRC grade"},
    )
    @property
    def weakest_strength(self) -> int | None:
        """The lowest MRC grade of the four limbs, an upper bound while some are unknown.

        - all four limbs known: their minimum;
        - some unknown, and a known limb is weaker than 5: the minimum of the known
          limbs, which the unknown limbs can only lower;
        - otherwise (all unknown, or every known limb is 5): ``None``.

        So ``weakest_strength <= k`` is never wrongly true, while ``>=``, ``>`` and
        ``==`` comparisons are only exact when all four limbs are recorded.
        """
        known = [limb.strength for limb in self.limbs() if limb.strength is not None]
        if len(known) == 4 or (known and min(known) < 5):
            return min(known)
        return None

    @computed_field(description="Is any limb weak (MRC below 5)?")  # type: ignore[prop-decorator]
    @property
    def any_weakness(self) -> bool | None:
        """Kleene OR over the four limbs of ``weak``."""
        return any_true(limb.weak for limb in self.limbs())

    @computed_field(  # type: ignore[prop-decorator]
        description="Are there upper motor neuron signs (extensor plantar, Hoffmann, "
        "clonus, brisk reflexes)?"
    )
    @property
    def upper_motor_neuron_signs(self) -> bool | None:
        """Kleene OR of the long-tract signs; an equivocal plantar counts as not extensor."""
        return any_true(
            (
                _upper_motor_neuron(self.plantar_left),
                _upper_motor_neuron(self.plantar_right),
                self.hoffmann_sign,
                self.clonus,
                *(
                    None if limb.reflexes is None else limb.reflexes == Reflexes.BRISK
                    for limb in self.limbs()
                ),
            )
        )

    @computed_field(  # type: ignore[prop-decorator]
        description="Is there any neurological deficit on examination?"
    )
    @property
    def neurological_deficit(self) -> bool | None:
        """Kleene OR of every neurological finding.

        True as soon as one known finding is abnormal (weakness, abnormal sensation or
        reflexes in any limb, an upper motor neuron sign, a sensory level, abnormal
        gait, bladder or bowel dysfunction, saddle anaesthesia); false only when every
        one of them is recorded and normal; otherwise unknown.
        """
        return any_true(
            (
                *(limb.abnormal for limb in self.limbs()),
                self.upper_motor_neuron_signs,
                True if self.sensory_level is not None else self.sensory_level_present,
                _abnormal(self.gait),
                self.bladder_dysfunction,
                self.bowel_dysfunction,
                self.saddle_anaesthesia,
            )
        )
