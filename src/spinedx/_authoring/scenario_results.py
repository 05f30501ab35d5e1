"""What running scenarios returns: per scenario, pass or fail and each failed expectation.

Frozen pydantic models like the evaluation's own results, so
``model_dump_json()`` serves tools and CI, and ``explain()`` serves people.
``passed`` (and the coverage's ``full`` and ``covered``) are computed fields:
they appear in the JSON, so a tool need not work them out. Reports are output
only; they are not meant to be validated back from JSON.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

from spinedx._authoring.coverage import Coverage
from spinedx._diagnostics import Span
from spinedx._evaluation import PathwayRef

FailureKind = Literal["missing", "too-slow", "unexpected", "fact", "need", "complete"]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Failure(_Result):
    """One expectation that did not hold: what was expected, what was got, and why.

    ``notes`` are lines for people: the decisions taken to a recommendation
    that was got, where a stage stopped, what was reached instead.
    """

    kind: FailureKind
    subject: str
    expected: str
    got: str
    notes: list[str]
    span: Span


class ScenarioResult(_Result):
    """One scenario: passed, or the expectations that failed."""

    name: str
    summary: str
    file: str
    failures: list[Failure]

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented pattern
    @property
    def passed(self) -> bool:
        """Whether every expectation held."""
        return not self.failures

    def explain(self) -> str:
        """``PASS name`` or ``FAIL name`` followed by expected and got for each failure."""
        from spinedx._authoring.scenario_text import explain_result  # noqa: PLC0415

        return explain_result(self)


class ScenarioReport(_Result):
    """Every scenario of a pathway, run, with the pathway's coverage."""

    pathway: PathwayRef
    results: list[ScenarioResult]
    coverage: Coverage

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented pattern
    @property
    def passed(self) -> bool:
        """Whether every scenario passed."""
        return all(result.passed for result in self.results)

    @property
    def failed(self) -> list[ScenarioResult]:
        """The scenarios that failed."""
        return [result for result in self.results if not result.passed]

    def explain(self, *, coverage: bool = False) -> str:
        """PASS/FAIL per scenario, a count, and with ``coverage`` the coverage report."""
        from spinedx._authoring.scenario_text import explain_report  # noqa: PLC0415

        return explain_report(self, coverage=coverage)
