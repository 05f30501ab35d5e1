"""Hypothesis strategies for clinically plausible patient records.

``patients()`` draws valid ``spinedx.Patient`` instances; ``patient_inputs()``
draws the plain dictionaries they are validated from (dates as ``date``
objects), for tests that want to write a record to YAML or JSON first.

Any field may be unknown (``None``) unless ``allow_unknown=False``, which
fills in every field that the record's consistency rules allow, for
metamorphic tests of the form "filling in missing data never makes a definite
result unknown". Every enum value of the record can be drawn. All dates lie
between the date of birth and the assessment date, and consistency rules (no
weight-loss amount without weight loss, no biopsy result for a biopsy not
done, ...) are respected by construction rather than filtered, which keeps
generation fast.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from hypothesis import strategies as st

from spinedx.patient.biopsy import BiopsyGuidance, BiopsyResult, BiopsyTechnique
from spinedx.patient.common import Flag
from spinedx.patient.exam import Gait, PlantarResponse, Reflexes, Sensation
from spinedx.patient.history import (
    CareResponse,
    ContrastReaction,
    History,
    SmokingStatus,
    SpinalRegion,
)
from spinedx.patient.history_items import (
    CancerStatus,
    CancerType,
    CodeSystem,
    DeviceKind,
    MedicationClass,
    Relative,
)
from spinedx.patient.imaging import ImagingRegion, Modality
from spinedx.patient.labs import (
    LAB_SPECS,
    Detection,
    FreeLightChains,
    LabFlag,
    ProteinElectrophoresis,
)
from spinedx.patient.lesion import (
    HIGH_GRADE_ESCC,
    BilskyGrade,
    Compartment,
    LesionNature,
)
from spinedx.patient.record import Patient, Sex
from spinedx.patient.sins import (
    LEVEL_LOCATIONS,
    Alignment,
    BoneQuality,
    Collapse,
    LesionPain,
    Posterolateral,
    SinsLocation,
)

__all__ = ["patient_inputs", "patients"]

T = TypeVar("T")
Record = dict[str, Any]

EARLIEST = date(1910, 1, 1)
LATEST = date(2035, 12, 31)
LEVELS = sorted(LEVEL_LOCATIONS)
_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz -", min_size=1, max_size=24).filter(str.strip)


_CODES = st.from_regex(r"[0-9A-Z.]{3,10}", fullmatch=True)
_CARE_WEEKS = st.sampled_from([0.0, 1.0, 4.0, 6.0, 12.0]) | st.floats(0, 520)
_PAIN_SITES = st.lists(st.sampled_from([str(region) for region in SpinalRegion]), unique=True)
_LEVELS = st.sampled_from(LEVELS)
_LOCATION_OVERRIDE = st.none() | st.sampled_from([str(location) for location in SinsLocation])
_ZERO = st.just(0)
_TRUE = st.just(True)
# Extremes of the plausible range are drawn on purpose: they must validate.
_LAB_VALUES = {
    name: st.sampled_from([spec.minimum, spec.maximum])
    | st.floats(spec.minimum, min(spec.maximum, spec.minimum + 500), allow_nan=False)
    for name, spec in LAB_SPECS.items()
}
_LAB_UNITS = {name: st.sampled_from(sorted(spec.spellings)) for name, spec in LAB_SPECS.items()}
# Flags with no consistency rule are drawn independently; reading them from the
# model keeps the strategy complete when a flag is added to the history.
_HISTORY_FLAGS = [
    name
    for name, field in History.model_fields.items()
    if field.annotation == (Flag | None)
    and name
    not in {
        "unexplained_weight_loss",
        "recent_trauma",
        "claustrophobia",
        "claustrophobia_manageable",
    }
]
_KNOWN = st.booleans()  # shrinks towards False, so failing examples shrink to "unknown"


@functools.cache
def _members(enum: type[StrEnum]) -> st.SearchStrategy[str]:
    return st.sampled_from([str(member) for member in enum])


@functools.cache
def _numbers(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 2))


@functools.cache
def _wholes(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


@functools.cache
def _counts(most: int) -> st.SearchStrategy[int]:
    return st.sampled_from(range(most + 1))


@functools.lru_cache(maxsize=4096)
def _days(first: date, last: date) -> st.SearchStrategy[date]:
    return st.dates(first, last)


@dataclass(frozen=True)
class _Drawer:
    """One draw function plus what every field needs: unknown allowed, date window."""

    draw: st.DrawFn
    allow_unknown: bool
    first: date
    last: date

    def maybe(self, strategy: st.SearchStrategy[T]) -> T | None:
        # Drawing a flag and then the value is far faster than building
        # `st.none() | strategy` afresh for each of the ~200 fields.
        if self.allow_unknown and not self.draw(_KNOWN):
            return None
        return self.draw(strategy)

    def flag(self) -> bool | None:
        return self.maybe(_KNOWN)

    def pick(self, enum: type[StrEnum]) -> str | None:
        return self.maybe(_members(enum))

    def number(self, low: float, high: float) -> float | None:
        return self.maybe(_numbers(low, high))

    def whole(self, low: int, high: int) -> int | None:
        return self.maybe(_wholes(low, high))

    def day(self) -> date | None:
        return self.maybe(_days(self.first, self.last))

    def text(self) -> str | None:
        return self.maybe(_WORDS)

    def items(self, item: Callable[[_Drawer], Record], max_size: int = 3) -> list[Record] | None:
        # Uniform rather than integers(), which favours 0 and would rarely reach the
        # enum values of nested items (lesions inside studies).
        count = self.maybe(_counts(max_size))
        if count is None:
            return None
        drawn: list[Record] = []
        for _ in range(count):
            entry = item(self)
            if entry not in drawn:  # a record refuses an exact copy of an entry (SPX502)
                drawn.append(entry)
        return drawn

    def unless_false(self, switch: bool | None, value: T | None) -> T | None:
        """``value``, except ``None`` when ``switch`` is false (detail without the finding)."""
        return None if switch is False else value


def _drop_none(record: Record) -> Record:
    # Omitting an unknown key and writing `key: null` must mean the same thing;
    # dropping some of them exercises both spellings.
    return {key: value for key, value in record.items() if value is not None}


def _cancer(d: _Drawer) -> Record:
    metastatic = d.flag()
    return {
        "type": d.pick(CancerType),
        "histology": d.text(),
        "diagnosed_on": d.day(),
        "status": d.pick(CancerStatus),
        "metastatic": metastatic,
        "metastasis_histologically_confirmed": d.unless_false(metastatic, d.flag()),
        "metastases_widespread": d.unless_false(metastatic, d.flag()),
    }


def _medication(d: _Drawer) -> Record:
    return {
        "name": d.draw(_WORDS),
        "drug_class": d.pick(MedicationClass),
        "dose": d.text(),
    }


def _condition(d: _Drawer) -> Record:
    return {
        "name": d.draw(_WORDS),
        "code": d.maybe(_CODES),
        "code_system": d.pick(CodeSystem),
        "diagnosed_on": d.day(),
    }


def _device(d: _Drawer) -> Record:
    return {"kind": d.pick(DeviceKind), "description": d.text(), "mr_conditional": d.flag()}


def _relative(d: _Drawer) -> Record:
    cancer = d.flag()
    return {
        "relative": d.pick(Relative),
        "condition": d.text(),
        "cancer": cancer,
        "cancer_type": d.unless_false(cancer, d.pick(CancerType)),
    }


def _history(d: _Drawer) -> Record:
    weight_loss = d.flag()
    trauma = d.flag()
    claustrophobia = d.flag()
    care_weeks = d.maybe(_CARE_WEEKS)
    sites = d.maybe(_PAIN_SITES)
    symptoms = {name: d.flag() for name in _HISTORY_FLAGS}
    return {
        "pain_sites": sites,
        "pain_duration_weeks": d.number(0, 520),
        **symptoms,
        "unexplained_weight_loss": weight_loss,
        "weight_loss_kg": d.unless_false(weight_loss, d.number(0, 40)),
        "weight_loss_period_months": d.unless_false(weight_loss, d.number(0.5, 24)),
        "conservative_care_weeks": care_weeks,
        "conservative_care_response": None if care_weeks == 0 else d.pick(CareResponse),
        "conditions": d.items(_condition),
        "past_illnesses": d.items(_condition),
        "recent_trauma": trauma,
        "trauma_description": d.unless_false(trauma, d.text()),
        "medications": d.items(_medication, max_size=4),
        "smoking_status": d.pick(SmokingStatus),
        "alcohol_units_per_week": d.number(0, 100),
        "diet_notes": d.text(),
        "family_history": d.items(_relative),
        "cancers": d.items(_cancer),
        "implanted_devices": d.items(_device, max_size=2),
        "claustrophobia": claustrophobia,
        "claustrophobia_manageable": d.unless_false(claustrophobia, d.flag()),
        "gadolinium_reaction": d.pick(ContrastReaction),
        "iodinated_contrast_reaction": d.pick(ContrastReaction),
    }


def _limb(d: _Drawer, paralysed: bool = False) -> Record:
    strength = d.maybe(_ZERO) if paralysed else d.whole(0, 5)
    return {"strength": strength, "sensation": d.pick(Sensation), "reflexes": d.pick(Reflexes)}


def _exam(d: _Drawer) -> Record:
    level_present = d.flag()
    paraplegia = d.flag()
    return {
        **{name: d.flag() for name in ("spinal_tenderness", "palpable_mass", "spinal_deformity")},
        "instability_signs": d.flag(),
        "left_arm": _limb(d),
        "right_arm": _limb(d),
        "left_leg": _limb(d, paralysed=paraplegia is True),
        "right_leg": _limb(d, paralysed=paraplegia is True),
        "plantar_left": d.pick(PlantarResponse),
        "plantar_right": d.pick(PlantarResponse),
        "hoffmann_sign": d.flag(),
        "clonus": d.flag(),
        "sensory_level_present": level_present,
        "sensory_level": d.unless_false(level_present, d.maybe(_LEVELS)),
        "gait": d.pick(Gait),
        "bladder_dysfunction": d.flag(),
        "bowel_dysfunction": d.flag(),
        "saddle_anaesthesia": d.flag(),
        "complete_paraplegia": paraplegia,
        "paraplegia_duration_hours": d.unless_false(paraplegia, d.number(0, 2000)),
        "ecog_performance_status": d.whole(0, 4),
    }


def _lesion(d: _Drawer) -> Record:
    grade = d.pick(BilskyGrade)
    high_grade = grade in HIGH_GRADE_ESCC
    # Radiologists either score SINS or do not; scoring all six components at
    # once also makes every SINS category reachable.
    s = d if d.draw(_KNOWN) else _Drawer(d.draw, False, d.first, d.last)
    return {
        "level": s.maybe(_LEVELS),
        "location": d.draw(_LOCATION_OVERRIDE),
        "compartment": d.pick(Compartment),
        "suspected_nature": d.pick(LesionNature),
        "typical_of_known_cancer": d.flag(),
        "pain": s.pick(LesionPain),
        "bone_quality": s.pick(BoneQuality),
        "alignment": s.pick(Alignment),
        "collapse": s.pick(Collapse),
        "posterolateral": s.pick(Posterolateral),
        "bilsky_grade": grade,
        "cord_compression": d.maybe(_TRUE) if high_grade else d.flag(),
        "cord_expansion": d.flag(),
    }


def _study(d: _Drawer) -> Record:
    return {
        "modality": d.pick(Modality),
        "contrast": d.flag(),
        "region": d.pick(ImagingRegion),
        "performed_on": d.day(),
        "lesions": d.items(_lesion, max_size=4),
        "report": d.text(),
    }


def _biopsy(d: _Drawer) -> Record:
    performed = d.flag()
    result = d.unless_false(performed, d.pick(BiopsyResult))
    settled = result not in {BiopsyResult.NON_DIAGNOSTIC, BiopsyResult.PENDING}
    return {
        "performed": performed,
        "technique": d.pick(BiopsyTechnique),
        "guided_by": d.pick(BiopsyGuidance),
        "level": d.maybe(_LEVELS),
        "performed_on": d.unless_false(performed, d.day()),
        "result": result,
        "histology": d.unless_false(performed, d.text()),
        "malignant": d.unless_false(performed, d.flag()) if settled else None,
    }


def _lab(d: _Drawer, name: str) -> Record | None:
    if d.allow_unknown and d.draw(st.booleans()):
        return None
    return {
        "value": d.draw(_LAB_VALUES[name]),
        "unit": d.maybe(_LAB_UNITS[name]),
        "flag": d.pick(LabFlag),
        "taken_on": d.day(),
    }


def _labs(d: _Drawer) -> Record:
    return {
        **{name: _lab(d, name) for name in LAB_SPECS},
        "serum_protein_electrophoresis": d.pick(ProteinElectrophoresis),
        "serum_free_light_chains": d.pick(FreeLightChains),
        "urine_bence_jones": d.pick(Detection),
    }


def _birth_and_assessment(d: _Drawer) -> tuple[date | None, date | None]:
    assessed = d.maybe(_days(date(2000, 1, 1), date(2030, 12, 31)))
    latest_birth = assessed or LATEST
    earliest_birth = max(EARLIEST, latest_birth - timedelta(days=int(365.2425 * 100)))
    return d.maybe(_days(earliest_birth, latest_birth)), assessed


@st.composite
def patient_inputs(draw: st.DrawFn, *, allow_unknown: bool = True) -> Record:
    """Plain dictionaries that validate as ``Patient``; see the module docstring."""
    d = _Drawer(draw, allow_unknown, EARLIEST, LATEST)
    born, assessed = _birth_and_assessment(d)
    d = _Drawer(draw, allow_unknown, born or EARLIEST, assessed or LATEST)
    derived = None
    if born is not None and assessed is not None:
        derived = (
            assessed.year - born.year - ((assessed.month, assessed.day) < (born.month, born.day))
        )
    record: Record = {
        "patient_id": d.text(),
        "assessed_on": assessed,
        "sex": d.pick(Sex),
        "date_of_birth": born,
        "age_years": d.maybe(st.just(derived)) if derived is not None else d.whole(0, 120),
        "history": _history(d),
        "exam": _exam(d),
        "imaging": {"studies": d.items(_study)},
        "biopsy": {
            "biopsies": d.items(_biopsy, max_size=2),
            "surgery_planned": d.flag(),
            "suspected_primary_bone_tumour": d.flag(),
        },
        "labs": _labs(d),
    }
    if draw(st.booleans()):
        record = _drop_none(record)
    return record


@st.composite
def patients(draw: st.DrawFn, *, allow_unknown: bool = True) -> Patient:
    """Valid, clinically plausible ``Patient`` records; any field may be unknown."""
    return Patient.model_validate(draw(patient_inputs(allow_unknown=allow_unknown)))
