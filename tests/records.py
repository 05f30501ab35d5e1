"""A small record model for golden pathway cases, independent of ``spinedx.Patient``."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, computed_field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reflexes(StrEnum):
    NORMAL = "normal"
    BRISK = "brisk"
    ABSENT = "absent"


class Cancer(_Model):
    site: str | None = Field(None, description="Primary site of the cancer")
    active: bool | None = Field(None, description="Is the cancer active?")


class History(_Model):
    spinedx_inputs: ClassVar[dict[str, tuple[str, ...]]] = {"cancer_history": ("cancers",)}

    age: int | None = Field(None, description="Age in years")
    night_pain: bool | None = Field(None, description="Does the pain wake the patient at night?")
    weight_loss: bool | None = Field(None, description="Unexplained weight loss?")
    cancers: list[Cancer] | None = Field(None, description="Current or previous cancers")

    @computed_field(description="Has the patient had cancer?")  # type: ignore[prop-decorator]
    @property
    def cancer_history(self) -> bool | None:
        return None if self.cancers is None else bool(self.cancers)


class Exam(_Model):
    leg_strength: int | None = Field(None, ge=0, le=5, description="Weakest leg, MRC 0-5")
    reflexes: Reflexes | None = Field(None, description="Lower-limb reflexes")


class Imaging(_Model):
    cord_compression: bool | None = Field(None, description="Cord compression on MRI?")


class Labs(_Model):
    calcium_high: bool | None = Field(None, description="Is the adjusted calcium raised?")


class MiniRecord(_Model):
    history: History = History()
    exam: Exam = Exam()
    imaging: Imaging = Imaging()
    labs: Labs = Labs()
