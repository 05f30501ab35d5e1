"""Result models: what an evaluation returns, and how it explains itself.

Everything here is a frozen pydantic model, so ``model_dump_json()`` gives
machines the whole result and ``explain()`` gives people text or Markdown.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from spinedx._compiled import Urgency

Scalar = str | int | float | bool | None
Format = Literal["text", "markdown"]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ValueRead(_Result):
    """One value a condition read from the record or the facts."""

    path: str
    value: Scalar
    known: bool
    text: str = Field(description="The read as a person would say it: 'history.age = 62'.")


class Check(_Result):
    """One condition as written, what it gave, and the values it read."""

    condition: str
    result: Literal["true", "false", "unknown"]
    values: list[ValueRead]


class Reason(_Result):
    """Why the walk went where it went: a decision, a checklist item or the rationale."""

    kind: Literal["decision", "checklist", "rationale"]
    stage: str
    node: str
    question: str
    taken: str = Field(description="'branch 2', 'otherwise', 'unknown', 'item' or 'because'.")
    checks: list[Check] = Field(default_factory=list)


class SourceRef(_Result):
    """A cited source with the section or table the rule rests on."""

    id: str
    title: str
    year: int | None = None
    url: str | None = None
    section: str | None = None

    def label(self) -> str:
        """'NICE NG234 (2023), rec 1.5.2'."""
        text = self.title + (f" ({self.year})" if self.year else "")
        return text + (f", {self.section}" if self.section else "")


class TermCodeRef(_Result):
    """A terminology code for the recommended action."""

    system: str
    code: str
    display: str | None = None


class FactValue(_Result):
    """A conclusion drawn on the way, with where and why."""

    name: str
    value: Scalar
    stage: str
    node: str
    because: str
    reasons: list[Reason]


class Recommendation(_Result):
    """One recommended action and everything that led to it."""

    id: str
    stage: str
    node: str
    action: str
    urgency: Urgency
    because: str
    reasons: list[Reason] = Field(min_length=1)
    facts: list[FactValue]
    sources: list[SourceRef]
    codes: list[TermCodeRef]

    def explain(self, format: Format = "text") -> str:
        """Why this recommendation: decisions, values read, facts relied on, sources."""
        from spinedx._evaluation.explain import explain_recommendation  # noqa: PLC0415

        return explain_recommendation(self, format)


class Need(_Result):
    """Data that is missing and would let the work-up go on."""

    field: str
    stage: str
    node: str
    question: str
    description: str | None = None


class TraceStep(_Result):
    """One node the walk visited."""

    stage: str
    node: str
    kind: str
    outcome: str
    checks: list[Check] = Field(default_factory=list)


class StageOutcome(_Result):
    """How a stage's walk finished."""

    id: str
    status: Literal["complete", "stopped"]
    stopped_at: str | None = None


class PathwayRef(_Result):
    """Which pathway produced a result: for audit."""

    id: str
    version: str
    title: str
    digest: str = Field(description="sha256 of the manifest and stage files, in stage order.")


class Evaluation(_Result):
    """The result of walking every stage of a pathway for one patient."""

    pathway: PathwayRef
    record: str
    recommendations: list[Recommendation]
    needs: list[Need]
    facts: dict[str, FactValue]
    stages: list[StageOutcome]
    trace: list[TraceStep]

    @property
    def complete(self) -> bool:
        """Whether every stage walked to an end (nothing is missing that stopped a walk)."""
        return all(stage.status == "complete" for stage in self.stages)

    def recommendation(self, rec_id: str) -> Recommendation | None:
        """The first recommendation with this id, if it was reached."""
        return next((r for r in self.recommendations if r.id == rec_id), None)

    def explain(self, format: Format = "text") -> str:
        """The whole result for people: recommendations with reasons, then missing data."""
        from spinedx._evaluation.explain import explain_evaluation  # noqa: PLC0415

        return explain_evaluation(self, format)
