"""The history section: symptoms, background, medicines, cancer history and MRI safety.

Fields are flat on purpose, so a pathway reads ``history.night_pain`` rather than
``history.symptoms.pain.night``. Lists of things the patient has (cancers,
medicines, devices) are ``None`` when nobody asked and ``[]`` when the answer
was "none"; the computed summaries keep that difference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

from pydantic import Field, computed_field, model_validator

from spinedx.patient.common import (
    Flag,
    Inputs,
    Number,
    Problems,
    RecordModel,
    any_true,
    given_without,
)
from spinedx.patient.history_items import (
    ANTICOAGULANTS,
    HISTORY_INPUTS,
    Cancer,
    CancerStatus,
    CareResponse,
    ContrastReaction,
    FamilyHistoryEntry,
    ImplantedDevice,
    MedicalCondition,
    Medication,
    MedicationClass,
    SmokingStatus,
    SpinalRegion,
)

# The enums live with the list items; importable from here, where they were.
__all__ = ["CareResponse", "ContrastReaction", "History", "SmokingStatus", "SpinalRegion"]

_Item = TypeVar("_Item")


def _any_item(
    items: Sequence[_Item] | None, finding: Callable[[_Item], bool | None]
) -> bool | None:
    """Kleene OR of ``finding`` over a list that is itself unknown when ``None``."""
    return None if items is None else any_true(finding(item) for item in items)


def _in_class(item: Medication, classes: frozenset[MedicationClass]) -> bool | None:
    return None if item.drug_class is None else item.drug_class in classes


def _not_mr_conditional(device: ImplantedDevice) -> bool | None:
    return None if device.mr_conditional is None else not device.mr_conditional


class History(RecordModel):
    """What the patient reports and what is known of their background."""

    spinedx_inputs: ClassVar[Inputs] = HISTORY_INPUTS

    pain_sites: list[SpinalRegion] | None = Field(
        default=None,
        description="Where in the spine is the pain (cervical, thoracic, lumbar, sacral)? "
        "An empty list means no spinal pain.",
    )
    pain_duration_weeks: Number | None = Field(
        default=None, ge=0, le=2600, description="How long has the pain been present, in weeks?"
    )
    night_pain: Flag | None = Field(default=None, description="Does the pain occur at night?")
    rest_pain: Flag | None = Field(default=None, description="Is there pain at rest?")
    pain_lying_supine: Flag | None = Field(
        default=None, description="Is the pain worse lying flat?"
    )
    mechanical_pain: Flag | None = Field(
        default=None, description="Is the pain mechanical (worse with movement or loading)?"
    )
    pain_on_straining: Flag | None = Field(
        default=None, description="Is the pain aggravated by straining (cough, sneeze, stool)?"
    )
    progressive_pain: Flag | None = Field(default=None, description="Is the pain getting worse?")
    severe_unremitting_pain: Flag | None = Field(
        default=None, description="Is the pain severe and unremitting?"
    )
    radicular_pain: Flag | None = Field(
        default=None, description="Is there radicular (nerve root, band-like or limb) pain?"
    )
    insidious_onset: Flag | None = Field(
        default=None, description="Did the pain start gradually, without a clear cause?"
    )
    limb_weakness_reported: Flag | None = Field(
        default=None, description="Does the patient report weakness of an arm or leg?"
    )
    numbness_or_paraesthesia: Flag | None = Field(
        default=None, description="Does the patient report numbness, tingling or sensory loss?"
    )
    walking_difficulty: Flag | None = Field(
        default=None, description="Does the patient report difficulty walking or unsteadiness?"
    )
    bladder_or_bowel_symptoms: Flag | None = Field(
        default=None, description="Does the patient report new bladder or bowel disturbance?"
    )
    unexplained_weight_loss: Flag | None = Field(
        default=None, description="Has the patient lost weight without explanation?"
    )
    weight_loss_kg: Number | None = Field(
        default=None,
        ge=0,
        le=150,
        description="How much unexplained weight was lost, in kg?",
        json_schema_extra={"unit": "kg"},
    )
    weight_loss_period_months: Number | None = Field(
        default=None,
        gt=0,
        le=120,
        description="Over how many months was that weight lost?",
        json_schema_extra={"unit": "months"},
    )
    fever: Flag | None = Field(default=None, description="Has the patient had a fever?")
    night_sweats: Flag | None = Field(
        default=None, description="Does the patient have night sweats?"
    )
    systemically_unwell: Flag | None = Field(
        default=None, description="Is the patient systemically unwell?"
    )
    constitutional_symptoms: Flag | None = Field(
        default=None, description="Are there constitutional symptoms (fatigue, anorexia, malaise)?"
    )
    conservative_care_weeks: Number | None = Field(
        default=None,
        ge=0,
        le=2600,
        description="How many weeks of conservative management (analgesia, physiotherapy) "
        "has the patient had?",
        json_schema_extra={"unit": "weeks"},
    )
    conservative_care_response: CareResponse | None = Field(
        default=None, description="Did the pain improve, stay the same or get worse with it?"
    )
    conditions: list[MedicalCondition] | None = Field(
        default=None, description="What pre-existing conditions does the patient have?"
    )
    past_illnesses: list[MedicalCondition] | None = Field(
        default=None, description="What past (resolved) illnesses has the patient had?"
    )
    osteoporosis: Flag | None = Field(
        default=None, description="Does the patient have osteoporosis?"
    )
    immunosuppressed: Flag | None = Field(
        default=None, description="Is the patient immunosuppressed?"
    )
    intravenous_drug_use: Flag | None = Field(
        default=None, description="Does the patient inject drugs?"
    )
    recent_trauma: Flag | None = Field(
        default=None, description="Has there been recent trauma to the spine?"
    )
    trauma_description: str | None = Field(default=None, description="What was the injury?")
    medications: list[Medication] | None = Field(
        default=None, description="Which medicines does the patient take now?"
    )
    smoking_status: SmokingStatus | None = Field(
        default=None, description="Does the patient smoke (never, former, current)?"
    )
    alcohol_units_per_week: Number | None = Field(
        default=None,
        ge=0,
        le=500,
        description="How many units of alcohol a week?",
        json_schema_extra={"unit": "UK units/week"},
    )
    diet_notes: str | None = Field(default=None, description="Diet and lifestyle notes, free text.")
    family_history: list[FamilyHistoryEntry] | None = Field(
        default=None, description="Which conditions run in the family?"
    )
    cancers: list[Cancer] | None = Field(
        default=None,
        description="Does the patient have a current or previous cancer? List each primary; "
        "an empty list means never had cancer.",
    )
    implanted_devices: list[ImplantedDevice] | None = Field(
        default=None, description="Which implanted devices does the patient have (MRI safety)?"
    )
    orbital_metallic_foreign_body: Flag | None = Field(
        default=None, description="Is there (or might there be) metal in the eye (e.g. metalwork)?"
    )
    retained_bullet_or_shrapnel: Flag | None = Field(
        default=None, description="Are there bullet fragments or shrapnel in the body?"
    )
    claustrophobia: Flag | None = Field(default=None, description="Is the patient claustrophobic?")
    claustrophobia_manageable: Flag | None = Field(
        default=None,
        description="Can the claustrophobia be managed (sedation, wide-bore or open scanner)?",
    )
    pregnant: Flag | None = Field(default=None, description="Is the patient pregnant?")
    gadolinium_reaction: ContrastReaction | None = Field(
        default=None, description="Worst previous reaction to gadolinium contrast (none/mild/...)?"
    )
    iodinated_contrast_reaction: ContrastReaction | None = Field(
        default=None,
        description="Worst previous reaction to iodinated (CT) contrast (none/mild/...)?",
    )
    renal_impairment: Flag | None = Field(
        default=None, description="Does the patient have known chronic kidney disease?"
    )
    on_dialysis: Flag | None = Field(default=None, description="Is the patient on dialysis?")
    acute_kidney_injury: Flag | None = Field(
        default=None, description="Does the patient have an acute kidney injury now?"
    )

    @model_validator(mode="after")
    def _details_agree_with_findings(self) -> History:
        problems = Problems("History")
        given_without(
            problems,
            self,
            "unexplained_weight_loss",
            ("weight_loss_kg", "weight_loss_period_months"),
        )
        given_without(problems, self, "recent_trauma", ("trauma_description",))
        given_without(problems, self, "claustrophobia", ("claustrophobia_manageable",))
        if self.conservative_care_weeks == 0 and self.conservative_care_response is not None:
            problems.add(
                ("conservative_care_response",),
                "a response to conservative care is given but 'conservative_care_weeks' is 0",
                self.conservative_care_response,
            )
        problems.raise_if_any()
        return self

    def _pain_in(self, region: SpinalRegion) -> bool | None:
        return None if self.pain_sites is None else region in self.pain_sites

    @computed_field(description="Does the patient have spinal pain anywhere?")  # type: ignore[prop-decorator]
    @property
    def spinal_pain(self) -> bool | None:
        """True if any pain site is listed, false for ``[]``, unknown for ``None``."""
        return None if self.pain_sites is None else bool(self.pain_sites)

    @computed_field(description="Is there cervical (neck) pain?")  # type: ignore[prop-decorator]
    @property
    def cervical_pain(self) -> bool | None:
        """Whether ``pain_sites`` includes cervical."""
        return self._pain_in(SpinalRegion.CERVICAL)

    @computed_field(description="Is there thoracic pain?")  # type: ignore[prop-decorator]
    @property
    def thoracic_pain(self) -> bool | None:
        """Whether ``pain_sites`` includes thoracic."""
        return self._pain_in(SpinalRegion.THORACIC)

    @computed_field(description="Is there lumbar pain?")  # type: ignore[prop-decorator]
    @property
    def lumbar_pain(self) -> bool | None:
        """Whether ``pain_sites`` includes lumbar."""
        return self._pain_in(SpinalRegion.LUMBAR)

    @computed_field(description="Is there sacral pain?")  # type: ignore[prop-decorator]
    @property
    def sacral_pain(self) -> bool | None:
        """Whether ``pain_sites`` includes sacral."""
        return self._pain_in(SpinalRegion.SACRAL)

    @computed_field(  # type: ignore[prop-decorator]
        description="Are there neurological symptoms (radicular pain, limb weakness, "
        "numbness, difficulty walking, bladder or bowel disturbance)?"
    )
    @property
    def neurological_symptoms(self) -> bool | None:
        """Kleene OR of the reported neurological symptoms; radicular pain alone counts."""
        return any_true(
            (
                self.radicular_pain,
                self.limb_weakness_reported,
                self.numbness_or_paraesthesia,
                self.walking_difficulty,
                self.bladder_or_bowel_symptoms,
            )
        )

    @computed_field(  # type: ignore[prop-decorator]
        description="Did the pain fail to improve with conservative care?"
    )
    @property
    def conservative_care_failed(self) -> bool | None:
        """True if the response was unchanged or worse; the duration is read separately."""
        if self.conservative_care_response is None:
            return None
        return self.conservative_care_response != CareResponse.IMPROVED

    @computed_field(  # type: ignore[prop-decorator]
        description="Does the patient have a current or previous cancer?"
    )
    @property
    def cancer_history(self) -> bool | None:
        """True if ``cancers`` lists any, false for ``[]``, unknown for ``None``."""
        return None if self.cancers is None else bool(self.cancers)

    @computed_field(  # type: ignore[prop-decorator]
        description="How many primary cancers has the patient had?"
    )
    @property
    def prior_primary_count(self) -> int | None:
        """The length of ``cancers``; each entry is one primary."""
        return None if self.cancers is None else len(self.cancers)

    @computed_field(  # type: ignore[prop-decorator]
        description="Has the patient had two or more primary cancers?"
    )
    @property
    def multiple_primary_cancers(self) -> bool | None:
        """Whether ``prior_primary_count`` is at least 2."""
        return None if self.cancers is None else len(self.cancers) >= 2

    @computed_field(description="Does the patient have an active cancer?")  # type: ignore[prop-decorator]
    @property
    def active_cancer(self) -> bool | None:
        """Kleene OR over the cancers of ``status == 'active'``."""
        return _any_item(
            self.cancers, lambda c: None if c.status is None else c.status == CancerStatus.ACTIVE
        )

    @computed_field(description="Has any cancer metastasised?")  # type: ignore[prop-decorator]
    @property
    def metastatic_cancer(self) -> bool | None:
        """Kleene OR over the cancers of ``metastatic``."""
        return _any_item(self.cancers, lambda c: c.metastatic)

    @computed_field(  # type: ignore[prop-decorator]
        description="Is there a cancer whose metastases are histologically confirmed and "
        "widespread?"
    )
    @property
    def widespread_confirmed_metastases(self) -> bool | None:
        """Kleene OR over the cancers of their ``widespread_confirmed_metastases``."""
        return _any_item(self.cancers, lambda c: c.widespread_confirmed_metastases)

    @computed_field(  # type: ignore[prop-decorator]
        description="Does the patient take an anticoagulant (warfarin, a DOAC or heparin)?"
    )
    @property
    def on_anticoagulant(self) -> bool | None:
        """Kleene OR over the medicines; a medicine of unknown class makes it unknown."""
        return _any_item(self.medications, lambda m: _in_class(m, ANTICOAGULANTS))

    @computed_field(  # type: ignore[prop-decorator]
        description="Does the patient take an antiplatelet drug?"
    )
    @property
    def on_antiplatelet(self) -> bool | None:
        """Kleene OR over the medicines of class antiplatelet."""
        return _any_item(
            self.medications, lambda m: _in_class(m, frozenset({MedicationClass.ANTIPLATELET}))
        )

    @computed_field(  # type: ignore[prop-decorator]
        description="Does the patient take a corticosteroid?"
    )
    @property
    def on_corticosteroid(self) -> bool | None:
        """Kleene OR over the medicines of class corticosteroid."""
        return _any_item(
            self.medications, lambda m: _in_class(m, frozenset({MedicationClass.CORTICOSTEROID}))
        )

    @computed_field(  # type: ignore[prop-decorator]
        description="Is there cancer in the family?"
    )
    @property
    def family_history_of_cancer(self) -> bool | None:
        """Kleene OR over the family-history entries of ``cancer``."""
        return _any_item(self.family_history, lambda entry: entry.cancer)

    @computed_field(  # type: ignore[prop-decorator]
        description="Does the patient have an implanted device that is not MR-conditional?"
    )
    @property
    def has_non_mr_conditional_device(self) -> bool | None:
        """True if any device is not MR-conditional, unknown if any device's status is."""
        return _any_item(self.implanted_devices, _not_mr_conditional)

    @computed_field(  # type: ignore[prop-decorator]
        description="Is there metal in the eye or bullet fragments in the body?"
    )
    @property
    def metallic_foreign_body(self) -> bool | None:
        """Kleene OR of the orbital and bullet/shrapnel findings."""
        return any_true((self.orbital_metallic_foreign_body, self.retained_bullet_or_shrapnel))
