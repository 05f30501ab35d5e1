"""The biopsy section: biopsies requested or done, and what bears on how to take one."""

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
    SpinalLevel,
    all_true,
    any_true,
)


class BiopsyTechnique(StrEnum):
    """How the tissue is obtained."""

    PERCUTANEOUS_CORE_NEEDLE = "percutaneous_core_needle"
    FINE_NEEDLE_ASPIRATION = "fine_needle_aspiration"
    OPEN_INCISIONAL = "open_incisional"
    OPEN_EXCISIONAL = "open_excisional"


NEEDLE_TECHNIQUES = frozenset(
    {BiopsyTechnique.PERCUTANEOUS_CORE_NEEDLE, BiopsyTechnique.FINE_NEEDLE_ASPIRATION}
)


class BiopsyGuidance(StrEnum):
    """What guides the needle, or direct vision at open surgery."""

    CT = "ct"
    FLUOROSCOPY = "fluoroscopy"
    ULTRASOUND = "ultrasound"
    MRI = "mri"
    DIRECT_VISION = "direct_vision"


class BiopsyResult(StrEnum):
    """Whether the tissue gave a diagnosis."""

    DIAGNOSTIC = "diagnostic"
    NON_DIAGNOSTIC = "non_diagnostic"
    PENDING = "pending"


_OUTCOME_FIELDS = ("performed_on", "result", "histology", "malignant")


class Biopsy(RecordModel):
    """One biopsy, done or only planned."""

    performed: Flag | None = Field(
        default=None, description="Has this biopsy been carried out (false if only planned)?"
    )
    technique: BiopsyTechnique | None = Field(
        default=None,
        description="Technique: percutaneous_core_needle, fine_needle_aspiration, "
        "open_incisional or open_excisional?",
    )
    guided_by: BiopsyGuidance | None = Field(
        default=None, description="Guidance: ct, fluoroscopy, ultrasound, mri or direct_vision?"
    )
    level: SpinalLevel | None = Field(
        default=None, description="Which vertebral level was sampled?"
    )
    performed_on: ClinicalDate | None = Field(
        default=None, description="When was the biopsy taken?"
    )
    result: BiopsyResult | None = Field(
        default=None, description="Was the biopsy diagnostic, non-diagnostic, or is it pending?"
    )
    histology: str | None = Field(default=None, description="Histology report, free text.")
    malignant: Flag | None = Field(default=None, description="Did the histology show malignancy?")

    @model_validator(mode="after")
    def _outcome_needs_biopsy(self) -> Biopsy:
        problems = Problems("Biopsy")
        if self.performed is False:
            for name in _OUTCOME_FIELDS:
                value = getattr(self, name)
                if value is not None:
                    problems.add((name,), f"'{name}' is given but 'performed' is false", value)
        if self.malignant is not None and self.result in {
            BiopsyResult.NON_DIAGNOSTIC,
            BiopsyResult.PENDING,
        }:
            problems.add(
                ("malignant",),
                f"'malignant' is given but the result is '{self.result}'",
                self.malignant,
            )
        problems.raise_if_any()
        return self

    def carried_out(self) -> bool | None:
        """``performed``, or true when a date or an outcome shows it was done."""
        if self.performed is not None:
            return self.performed
        if any(getattr(self, name) is not None for name in _OUTCOME_FIELDS):
            return True
        return None

    def outcome(self, result: BiopsyResult) -> bool | None:
        """Whether this biopsy was done and gave ``result``; unknown while pending."""
        if self.carried_out() is False:
            return False
        if self.result is None or self.result == BiopsyResult.PENDING:
            return None
        return self.result == result

    def shown_malignant(self) -> bool | None:
        """Whether this biopsy showed malignancy; a planned or non-diagnostic one did not."""
        if self.carried_out() is False or self.result == BiopsyResult.NON_DIAGNOSTIC:
            return False
        return self.malignant


class BiopsySection(RecordModel):
    """Biopsies and the facts that decide whether and how to biopsy."""

    spinedx_inputs: ClassVar[Inputs] = {
        "biopsy_performed": ("biopsies", "biopsies[].performed"),
        "diagnostic_biopsy": ("biopsies", "biopsies[].performed", "biopsies[].result"),
        "non_diagnostic_needle_biopsy": (
            "biopsies", "biopsies[].performed", "biopsies[].result", "biopsies[].technique",
        ),
        "malignancy_on_biopsy": (
            "biopsies", "biopsies[].performed", "biopsies[].result", "biopsies[].malignant",
        ),
    }  # fmt: skip

    biopsies: list[Biopsy] | None = Field(
        default=None,
        description="Which biopsies have been done or planned? An empty list means none.",
    )
    surgery_planned: Flag | None = Field(
        default=None,
        description="Is spinal surgery already planned (so an open biopsy can be taken)?",
    )
    suspected_primary_bone_tumour: Flag | None = Field(
        default=None, description="Is a primary bone tumour suspected (plan the biopsy tract)?"
    )

    def _any_biopsy(self, finding: list[bool | None]) -> bool | None:
        return None if self.biopsies is None else any_true(finding)

    @computed_field(description="Has a biopsy been carried out?")  # type: ignore[prop-decorator]
    @property
    def biopsy_performed(self) -> bool | None:
        """Kleene OR over the biopsies of having been carried out."""
        return self._any_biopsy([b.carried_out() for b in self.biopsies or ()])

    @computed_field(  # type: ignore[prop-decorator]
        description="Has a biopsy given a diagnosis?"
    )
    @property
    def diagnostic_biopsy(self) -> bool | None:
        """Kleene OR over the biopsies of a diagnostic result; a pending one is unknown."""
        return self._any_biopsy([b.outcome(BiopsyResult.DIAGNOSTIC) for b in self.biopsies or ()])

    @computed_field(  # type: ignore[prop-decorator]
        description="Has a needle (core or FNA) biopsy been non-diagnostic?"
    )
    @property
    def non_diagnostic_needle_biopsy(self) -> bool | None:
        """Kleene OR over the biopsies of: needle technique and a non-diagnostic result."""
        return self._any_biopsy(
            [
                all_true(
                    (
                        None if b.technique is None else b.technique in NEEDLE_TECHNIQUES,
                        b.outcome(BiopsyResult.NON_DIAGNOSTIC),
                    )
                )
                for b in self.biopsies or ()
            ]
        )

    @computed_field(  # type: ignore[prop-decorator]
        description="Has a biopsy shown malignancy?"
    )
    @property
    def malignancy_on_biopsy(self) -> bool | None:
        """Kleene OR over the biopsies of ``shown_malignant``."""
        return self._any_biopsy([b.shown_malignant() for b in self.biopsies or ()])
