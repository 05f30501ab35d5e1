"""Scenario files: the shape of one example patient and what it must get.

A scenario file lives in ``<pathway>/scenarios/`` and holds a name, a
summary, one example patient and the expectations for it. The models here
check the file's shape; the patient is validated against the pathway's own
record model when the file is loaded (``scenarios``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from spinedx._compiled import Urgency
from spinedx._diagnostics import PathPart, Span
from spinedx._documents import DocumentModel, FactName, RecId, Spans

SCENARIO_FOLDER = "scenarios"
SCENARIO_SUFFIXES = (".yaml", ".yml")


def _one_line(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if "\n" in value:
        raise ValueError("must be one line; put longer notes in a YAML comment")
    return value


OneLine = Annotated[str, StringConstraints(max_length=1_000), AfterValidator(_one_line)]
FieldPath = Annotated[str, StringConstraints(min_length=1, max_length=500)]


class ExpectedRecommendation(DocumentModel):
    """A recommendation that must be reached, no slower than ``urgency`` when given."""

    id: RecId
    urgency: Urgency | None = None


class Expectations(DocumentModel):
    """What a scenario's patient must get; every key is optional."""

    recommendations: list[ExpectedRecommendation] = Field(
        default_factory=list,
        description="Given definitely: whatever the patient's missing data turns out to be.",
    )
    conditional: list[RecId] = Field(
        default_factory=list,
        description="Given conditionally: only for some values of the patient's missing data.",
    )
    absent: list[RecId] = Field(
        default_factory=list, description="Not given at all, neither definitely nor conditionally."
    )
    facts: dict[FactName, object] = Field(default_factory=dict)
    needs: list[FieldPath] = Field(default_factory=list)
    complete: bool | None = None


class ScenarioHeader(DocumentModel):
    """A scenario file around its patient and expectations, which are checked on their own."""

    name: OneLine
    summary: OneLine
    patient: dict[str, object]
    expect: dict[str, object]


@dataclass(frozen=True)
class Scenario:
    """One example patient and what the pathway must give for it.

    Build it with :func:`load_scenarios`. ``where`` locates a part of the
    scenario file, e.g. ``scenario.where("expect", "facts", "suspicion")``.
    """

    name: str
    summary: str
    file: str
    patient: BaseModel
    expect: Expectations
    _spans: Spans = field(repr=False, compare=False)

    def where(self, *path: PathPart) -> Span:
        """The span of a part of the scenario file (of its nearest enclosing part)."""
        return self._spans.value(path)
