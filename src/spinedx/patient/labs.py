"""The blood-test section: one ``LabResult`` per test, each in one declared unit.

Every numeric test has a single canonical unit, published in the JSON Schema as
``unit``. A result may restate its unit, but only in a spelling of that same
unit ("mmol/l" for "mmol/L", "ng/mL" for "ug/L"); anything else is an error
that names the expected unit. spinedx never converts units: a silent
mg/dL-to-mmol/L conversion is exactly the kind of error a clinician cannot see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field, ValidationInfo, computed_field, field_validator

from spinedx.patient.common import ClinicalDate, Inputs, Number, Problems, RecordModel


class LabFlag(StrEnum):
    """The laboratory's own flag against its reference range."""

    CRITICAL_LOW = "critical_low"
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL_HIGH = "critical_high"


class LabResult(RecordModel):
    """One numeric blood-test result."""

    spinedx_parts: ClassVar[frozenset[str]] = frozenset({"value", "unit", "flag", "taken_on"})
    """Parts of the one result: a need for ``labs.crp.flag`` names the test (``labs.crp``) first."""
    spinedx_inputs: ClassVar[Inputs] = dict.fromkeys(
        ("above_range", "below_range", "abnormal"), ("flag",)
    )

    value: Number = Field(description="The measured value, in the test's canonical unit.")
    unit: str | None = Field(
        default=None, description="The unit as reported; if given it must be the test's unit."
    )
    flag: LabFlag | None = Field(
        default=None,
        description="The laboratory's flag: critical_low, low, normal, high, critical_high.",
    )
    taken_on: ClinicalDate | None = Field(default=None, description="When was the sample taken?")

    @computed_field(  # type: ignore[prop-decorator]
        description="Is the result above the laboratory's reference range?"
    )
    @property
    def above_range(self) -> bool | None:
        """Whether ``flag`` is high or critical_high."""
        return None if self.flag is None else self.flag in {LabFlag.HIGH, LabFlag.CRITICAL_HIGH}

    @computed_field(  # type: ignore[prop-decorator]
        description="Is the result below the laboratory's reference range?"
    )
    @property
    def below_range(self) -> bool | None:
        """Whether ``flag`` is low or critical_low."""
        return None if self.flag is None else self.flag in {LabFlag.LOW, LabFlag.CRITICAL_LOW}

    @computed_field(  # type: ignore[prop-decorator]
        description="Is the result outside the laboratory's reference range?"
    )
    @property
    def abnormal(self) -> bool | None:
        """Whether ``flag`` is anything but normal."""
        return None if self.flag is None else self.flag != LabFlag.NORMAL


@dataclass(frozen=True)
class LabSpec:
    """The canonical unit of a test, its accepted spellings, and its plausible range."""

    unit: str
    spellings: frozenset[str]
    minimum: float
    maximum: float

    def field(self, test: str) -> Any:
        """A pydantic ``Field`` for this test, with the unit in its description and schema."""
        return Field(
            default=None,
            description=f"{test}, in {self.unit}.",
            json_schema_extra={"unit": self.unit, "plausible_range": [self.minimum, self.maximum]},
        )


def _spec(unit: str, *others: str, minimum: float = 0, maximum: float) -> LabSpec:
    return LabSpec(unit, frozenset({unit, *others}), minimum, maximum)


_G_L = ("g/L", "g/l")
_PER_NL = ("10^9/L", "10^9/l", "x10^9/L", "×10^9/L", "×10⁹/L", "10⁹/L", "10*9/L")
_MMOL_L = ("mmol/L", "mmol/l")
_U_L = ("U/L", "U/l", "IU/L", "IU/l")
_MG_L = ("mg/L", "mg/l")
_UG_L = ("ug/L", "ug/l", "µg/L", "µg/l", "μg/L", "μg/l", "ng/mL", "ng/ml")
_KU_L = ("kU/L", "kU/l", "U/mL", "U/ml")
_UMOL_L = ("umol/L", "umol/l", "µmol/L", "µmol/l", "μmol/L", "μmol/l")
_EGFR = (
    "mL/min/1.73m2",
    "mL/min/1.73 m2",
    "mL/min/1.73m²",
    "mL/min/1.73 m²",
    "ml/min/1.73m2",
    "ml/min/1.73 m2",
    "mL/min/{1.73_m2}",
)

LAB_SPECS: Mapping[str, LabSpec] = {
    "haemoglobin": _spec(*_G_L, maximum=250),
    "wbc": _spec(*_PER_NL, maximum=1000),
    "neutrophils": _spec(*_PER_NL, maximum=1000),
    "lymphocytes": _spec(*_PER_NL, maximum=1000),
    "platelets": _spec(*_PER_NL, maximum=2000),
    "calcium": _spec(*_MMOL_L, maximum=6),
    "alkaline_phosphatase": _spec(*_U_L, maximum=10_000),
    "esr": _spec("mm/h", "mm/hr", maximum=200),
    "crp": _spec(*_MG_L, maximum=1000),
    "plasma_viscosity": _spec("mPa.s", "mPa·s", "mPa s", "cP", maximum=10),
    "egfr": _spec(*_EGFR, maximum=200),
    "creatinine": _spec(*_UMOL_L, maximum=3000),
    "urea": _spec(*_MMOL_L, maximum=150),
    "sodium": _spec(*_MMOL_L, minimum=80, maximum=200),
    "potassium": _spec(*_MMOL_L, maximum=15),
    "glucose": _spec(*_MMOL_L, maximum=100),
    "phosphate": _spec(*_MMOL_L, maximum=10),
    "albumin": _spec(*_G_L, maximum=80),
    "total_protein": _spec(*_G_L, maximum=250),
    "inr": _spec("ratio", "1", minimum=0.5, maximum=20),
    "ldh": _spec(*_U_L, maximum=50_000),
    "psa": _spec(*_UG_L, maximum=100_000),
    "cea": _spec(*_UG_L, maximum=1_000_000),
    "ca15_3": _spec(*_KU_L, maximum=1_000_000),
    "ca125": _spec(*_KU_L, maximum=1_000_000),
    "ca19_9": _spec(*_KU_L, maximum=1_000_000),
    "afp": _spec(*_UG_L, maximum=1_000_000),
    "hcg": _spec("IU/L", "IU/l", "U/L", "mIU/mL", "mIU/ml", maximum=10_000_000),
}
"""Canonical unit and plausible range of every numeric test, by field name."""


class ProteinElectrophoresis(StrEnum):
    """Serum protein electrophoresis result."""

    NORMAL = "normal"
    PARAPROTEIN_DETECTED = "paraprotein_detected"
    HYPOGAMMAGLOBULINAEMIA = "hypogammaglobulinaemia"
    OTHER_ABNORMALITY = "other_abnormality"


class FreeLightChains(StrEnum):
    """Serum free light chain kappa:lambda ratio."""

    NORMAL = "normal"
    KAPPA_EXCESS = "kappa_excess"
    LAMBDA_EXCESS = "lambda_excess"


class Detection(StrEnum):
    """Whether a qualitative test found what it looks for."""

    DETECTED = "detected"
    NOT_DETECTED = "not_detected"


_S = LAB_SPECS


class Labs(RecordModel):
    """Blood and urine test results."""

    spinedx_inputs: ClassVar[Inputs] = {
        "nlr": ("neutrophils", "lymphocytes"),
        "plr": ("platelets", "lymphocytes"),
    }

    haemoglobin: LabResult | None = _S["haemoglobin"].field("Haemoglobin")
    wbc: LabResult | None = _S["wbc"].field("White cell count")
    neutrophils: LabResult | None = _S["neutrophils"].field("Neutrophil count")
    lymphocytes: LabResult | None = _S["lymphocytes"].field("Lymphocyte count")
    platelets: LabResult | None = _S["platelets"].field("Platelet count")
    calcium: LabResult | None = _S["calcium"].field("Adjusted (albumin-corrected) calcium")
    alkaline_phosphatase: LabResult | None = _S["alkaline_phosphatase"].field(
        "Alkaline phosphatase"
    )
    esr: LabResult | None = _S["esr"].field("Erythrocyte sedimentation rate")
    crp: LabResult | None = _S["crp"].field("C-reactive protein")
    plasma_viscosity: LabResult | None = _S["plasma_viscosity"].field("Plasma viscosity")
    egfr: LabResult | None = _S["egfr"].field("Estimated glomerular filtration rate")
    creatinine: LabResult | None = _S["creatinine"].field("Serum creatinine")
    urea: LabResult | None = _S["urea"].field("Serum urea")
    sodium: LabResult | None = _S["sodium"].field("Serum sodium")
    potassium: LabResult | None = _S["potassium"].field("Serum potassium")
    glucose: LabResult | None = _S["glucose"].field("Blood glucose")
    phosphate: LabResult | None = _S["phosphate"].field("Serum phosphate")
    albumin: LabResult | None = _S["albumin"].field("Serum albumin")
    total_protein: LabResult | None = _S["total_protein"].field("Serum total protein")
    inr: LabResult | None = _S["inr"].field("International normalised ratio (no unit)")
    ldh: LabResult | None = _S["ldh"].field("Lactate dehydrogenase")
    psa: LabResult | None = _S["psa"].field("Prostate-specific antigen (ug/L = ng/mL)")
    cea: LabResult | None = _S["cea"].field("Carcinoembryonic antigen (ug/L = ng/mL)")
    ca15_3: LabResult | None = _S["ca15_3"].field("CA 15-3 (kU/L = U/mL)")
    ca125: LabResult | None = _S["ca125"].field("CA-125 (kU/L = U/mL)")
    ca19_9: LabResult | None = _S["ca19_9"].field("CA 19-9 (kU/L = U/mL)")
    afp: LabResult | None = _S["afp"].field("Alpha-fetoprotein by mass (ug/L, not kU/L)")
    hcg: LabResult | None = _S["hcg"].field("Human chorionic gonadotropin (IU/L = mIU/mL)")
    serum_protein_electrophoresis: ProteinElectrophoresis | None = Field(
        default=None,
        description="Serum protein electrophoresis: normal, paraprotein_detected, ...?",
    )
    serum_free_light_chains: FreeLightChains | None = Field(
        default=None,
        description="Serum free light chain ratio: normal, kappa_excess or lambda_excess?",
    )
    urine_bence_jones: Detection | None = Field(
        default=None, description="Urine Bence Jones protein: detected or not_detected?"
    )

    @field_validator(*LAB_SPECS)
    @classmethod
    def _in_unit_and_range(cls, result: LabResult | None, info: ValidationInfo) -> LabResult | None:
        if result is None or info.field_name is None:
            return result
        spec = LAB_SPECS[info.field_name]
        problems = Problems("LabResult")
        if result.unit is not None and result.unit not in spec.spellings:
            problems.add(
                ("unit",),
                f"{info.field_name} is recorded in {spec.unit!r}, found {result.unit!r}; "
                f"convert the value to {spec.unit} (spinedx never converts units)",
                result.unit,
                kind="unexpected_unit",
            )
        if not spec.minimum <= result.value <= spec.maximum:
            problems.add(
                ("value",),
                f"{info.field_name} {result.value:g} {spec.unit} is outside the plausible "
                f"range {spec.minimum:g}–{spec.maximum:g}",
                result.value,
                kind="implausible_value",
            )
        problems.raise_if_any()
        return result

    def _ratio(self, numerator: LabResult | None, digits: int) -> float | None:
        if numerator is None or self.lymphocytes is None or self.lymphocytes.value == 0:
            return None
        return round(numerator.value / self.lymphocytes.value, digits)

    @computed_field(  # type: ignore[prop-decorator]
        description=(
            "Neutrophil-to-lymphocyte ratio (supporting information only); unknown when either "
            "count is missing or lymphocytes are 0, where the ratio has no value."
        ),
        json_schema_extra={"unit": "ratio"},
    )
    @property
    def nlr(self) -> float | None:
        """Neutrophils ÷ lymphocytes, to 2 decimals; unknown if either is missing or
        lymphocytes are 0 (Li et al., Medicine 2019;98(15):e14902)."""
        return self._ratio(self.neutrophils, 2)

    @computed_field(  # type: ignore[prop-decorator]
        description=(
            "Platelet-to-lymphocyte ratio (supporting information only); unknown when either "
            "count is missing or lymphocytes are 0, where the ratio has no value."
        ),
        json_schema_extra={"unit": "ratio"},
    )
    @property
    def plr(self) -> float | None:
        """Platelets ÷ lymphocytes, to 1 decimal; unknown if either is missing or
        lymphocytes are 0 (Li et al., Medicine 2019;98(15):e14902)."""
        return self._ratio(self.platelets, 1)
