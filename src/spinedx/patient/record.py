"""The patient record that the shipped pathways read: ``spinedx.Patient``.

One section per stage of the work-up (history, exam, imaging, biopsy, labs),
plus who the patient is and the date of the assessment. ``None`` always means
"not known"; absence is never read as "no". Everything that depends on the
date uses ``assessed_on``, never today's date, so evaluating a record gives
the same answer whenever it is run.

Example:
    >>> from datetime import date
    >>> p = Patient(assessed_on=date(2024, 5, 1), date_of_birth=date(1966, 7, 2))
    >>> p.age, Patient().history.cancer_history
    (57, None)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, Field, computed_field, model_validator

from spinedx.patient.biopsy import BiopsySection
from spinedx.patient.common import (
    ClinicalDate,
    Inputs,
    Loc,
    Problems,
    RecordModel,
    WholeNumber,
    whole_years,
)
from spinedx.patient.exam import Exam
from spinedx.patient.history import History
from spinedx.patient.imaging import Imaging
from spinedx.patient.labs import Labs

__all__ = ["BiopsySection", "Exam", "History", "Imaging", "Labs", "Patient", "Sex"]

MAXIMUM_AGE_YEARS = 120


class Sex(StrEnum):
    """Sex recorded for clinical purposes."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


def _dates(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, date]]:
    """Every date inside ``model`` with its location, walking sections and list items."""
    for name in type(model).model_fields:
        yield from _dates_in(getattr(model, name), (*loc, name))


def _dates_in(value: object, loc: Loc) -> Iterator[tuple[Loc, date]]:
    if isinstance(value, date):
        yield loc, value
    elif isinstance(value, BaseModel):
        yield from _dates(value, loc)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _dates_in(item, (*loc, index))


class Patient(RecordModel):
    """One patient at one assessment: who they are, and what each stage has found."""

    spinedx_inputs: ClassVar[Inputs] = {
        "age": ("age_years", "date_of_birth", "assessed_on"),
        "years_since_latest_cancer_diagnosis": (
            "assessed_on", "history.cancers", "history.cancers[].diagnosed_on",
        ),
    }  # fmt: skip

    patient_id: str | None = Field(
        default=None, min_length=1, description="Identifier of the patient in the source system."
    )
    assessed_on: ClinicalDate | None = Field(
        default=None,
        description="Date of this assessment; every date-relative value is counted to it.",
    )
    sex: Sex | None = Field(default=None, description="Sex of the patient (female, male, other)?")
    date_of_birth: ClinicalDate | None = Field(default=None, description="Date of birth?")
    age_years: WholeNumber | None = Field(
        default=None,
        ge=0,
        le=MAXIMUM_AGE_YEARS,
        description="Age in whole years, if stated rather than derived from the date of birth.",
        json_schema_extra={"unit": "years"},
    )
    history: History = Field(default_factory=History, description="History taking.")
    exam: Exam = Field(default_factory=Exam, description="Physical examination.")
    imaging: Imaging = Field(default_factory=Imaging, description="Imaging studies.")
    biopsy: BiopsySection = Field(default_factory=BiopsySection, description="Biopsy.")
    labs: Labs = Field(default_factory=Labs, description="Blood tests.")

    @computed_field(  # type: ignore[prop-decorator]
        description="How old is the patient, in whole years?",
        json_schema_extra={"unit": "years"},
    )
    @property
    def age(self) -> int | None:
        """``age_years`` if stated, else whole years from ``date_of_birth`` to ``assessed_on``."""
        if self.age_years is not None:
            return self.age_years
        if self.date_of_birth is None or self.assessed_on is None:
            return None
        return whole_years(self.date_of_birth, self.assessed_on)

    @computed_field(  # type: ignore[prop-decorator]
        description="Whole years from the most recent cancer diagnosis to this assessment.",
        json_schema_extra={"unit": "years"},
    )
    @property
    def years_since_latest_cancer_diagnosis(self) -> int | None:
        """Unknown unless every cancer has a diagnosis date and ``assessed_on`` is known.

        A cancer with no date could be the most recent one, so one missing date
        leaves the interval unknown; no cancers (``[]``) has no interval either.
        """
        cancers = self.history.cancers
        if not cancers or self.assessed_on is None:
            return None
        dates = [cancer.diagnosed_on for cancer in cancers]
        if any(diagnosed is None for diagnosed in dates):
            return None
        return whole_years(max(d for d in dates if d is not None), self.assessed_on)

    @model_validator(mode="after")
    def _dates_are_possible(self) -> Patient:
        problems = Problems("Patient")
        for loc, when in _dates(self, ()):
            if loc == ("assessed_on",):
                continue
            if self.assessed_on is not None and when > self.assessed_on:
                problems.add(
                    loc,
                    f"{when.isoformat()} is after the assessment date "
                    f"{self.assessed_on.isoformat()}",
                    when.isoformat(),
                    kind="date_after_assessment",
                )
            if self.date_of_birth is not None and when < self.date_of_birth:
                problems.add(
                    loc,
                    f"{when.isoformat()} is before the date of birth "
                    f"{self.date_of_birth.isoformat()}",
                    when.isoformat(),
                    kind="date_before_birth",
                )
        self._check_age(problems)
        problems.raise_if_any()
        return self

    def _check_age(self, problems: Problems) -> None:
        if self.date_of_birth is None or self.assessed_on is None:
            return
        derived = whole_years(self.date_of_birth, self.assessed_on)
        if derived > MAXIMUM_AGE_YEARS:
            problems.add(
                ("date_of_birth",),
                f"the date of birth makes the patient {derived} years old at the assessment",
                self.date_of_birth.isoformat(),
            )
        if self.age_years is not None and self.age_years != derived:
            problems.add(
                ("age_years",),
                f"age_years is {self.age_years} but the date of birth gives {derived} "
                "at the assessment; correct one of them or leave age_years out",
                self.age_years,
            )
