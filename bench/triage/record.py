"""The triage record: 26 fields in three sections, each one optional as in spinedx."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Avpu(StrEnum):
    ALERT = "alert"
    VOICE = "voice"
    PAIN = "pain"
    UNRESPONSIVE = "unresponsive"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"


class History(_Model):
    age: int | None = Field(None, ge=0, le=120, description="Age in years")
    sex: Sex | None = Field(None, description="Sex recorded at birth")
    pregnant: bool | None = Field(None, description="Currently pregnant?")
    anticoagulated: bool | None = Field(None, description="Taking an anticoagulant?")
    immunosuppressed: bool | None = Field(None, description="Immunosuppressed?")
    cancer_history: bool | None = Field(None, description="Any history of cancer?")
    iv_drug_use: bool | None = Field(None, description="Intravenous drug use?")
    recent_trauma: bool | None = Field(None, description="Trauma in the last 4 weeks?")
    osteoporosis: bool | None = Field(None, description="Known osteoporosis?")


class Vitals(_Model):
    heart_rate: int | None = Field(None, ge=0, le=300, description="Heart rate, beats/min")
    systolic_bp: int | None = Field(None, ge=0, le=300, description="Systolic pressure, mmHg")
    resp_rate: int | None = Field(None, ge=0, le=80, description="Respiratory rate, breaths/min")
    spo2: int | None = Field(None, ge=0, le=100, description="Oxygen saturation, %")
    temperature: float | None = Field(None, ge=25, le=45, description="Temperature, °C")
    gcs: int | None = Field(None, ge=3, le=15, description="Glasgow coma scale, 3-15")
    avpu: Avpu | None = Field(None, description="Alert, voice, pain, unresponsive")


class Symptoms(_Model):
    pain_score: int | None = Field(None, ge=0, le=10, description="Pain score, 0-10")
    pain_weeks: int | None = Field(None, ge=0, description="How long the pain has lasted, weeks")
    chest_pain: bool | None = Field(None, description="Chest pain?")
    thoracic_pain: bool | None = Field(None, description="Thoracic spinal pain?")
    night_pain: bool | None = Field(None, description="Pain that wakes the patient at night?")
    weight_loss: bool | None = Field(None, description="Unexplained weight loss?")
    leg_weakness: bool | None = Field(None, description="New leg weakness?")
    saddle_anaesthesia: bool | None = Field(None, description="Saddle anaesthesia?")
    bladder_dysfunction: bool | None = Field(None, description="New bladder dysfunction?")
    fever: bool | None = Field(None, description="Does the patient report fevers?")


class TriageRecord(_Model):
    history: History = History()
    vitals: Vitals = Vitals()
    symptoms: Symptoms = Symptoms()
