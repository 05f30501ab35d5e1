"""What running scenarios returns: per scenario, pass or fail and each failed expectation.

Frozen pydantic models like the evaluation's own results, so
``model_dump_json()`` serves tools and CI, and ``explain()`` serves people.
``passed`` (and the coverage's ``full`` and ``covered``) are computed fields:
they appear in the JSON, so a tool need not work them out. Reports are output
only; they are not meant to be validated back from JSON. Their text for
people (the command line and pytest print it) is at the end of this module.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

from spinedx._authoring.coverage import Coverage, CoveragePoint
from spinedx._diagnostics import Span
from spinedx._evaluation import PathwayRef

FailureKind = Literal[
    "missing", "conditional", "definite", "too-slow", "unexpected", "fact", "need", "complete"
]
"""``conditional``: expected definitely, given only conditionally; ``definite``: expected
conditionally, given definitely."""


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
        return explain_report(self, coverage=coverage)


# -- text for people --------------------------------------------------

_SUBJECT = {
    "missing": "recommendation '{}'",
    "conditional": "recommendation '{}'",
    "definite": "recommendation '{}'",
    "too-slow": "recommendation '{}'",
    "unexpected": "recommendation '{}'",
    "fact": "fact '{}'",
    "need": "needs '{}'",
    "complete": "complete",
}


def explain_result(result: ScenarioResult) -> str:
    """``PASS  name (file)``, or ``FAIL`` and, per failed expectation, expected and got.

    Example of a failure::

        FAIL  Suspected MSCC (scenarios/mscc.yaml)
          scenarios/mscc.yaml:9: recommendation 'mri-whole-spine-24h'
            expected: reached definitely, within 24 hours or sooner
            got:      not reached
            reached instead:
              contact-mscc-coordinator-immediately (immediately)
    """
    head = f"{'PASS' if result.passed else 'FAIL'}  {result.name} ({result.file})"
    return "\n".join([head, *(line for f in result.failures for line in _failure_lines(f))])


def _failure_lines(failure: Failure) -> list[str]:
    where = f"{failure.span.file}:{failure.span.line}"
    return [
        f"  {where}: {_SUBJECT[failure.kind].format(failure.subject)}",
        f"    expected: {failure.expected}",
        f"    got:      {failure.got}",
        *(f"    {note}" for note in failure.notes),
    ]


def explain_report(report: ScenarioReport, *, coverage: bool = False) -> str:
    """Every scenario's PASS or FAIL, a closing count, and the coverage when asked for."""
    lines: list[str] = []
    for result in report.results:
        lines.append(explain_result(result))
        if not result.passed:
            lines.append("")  # a blank line after each failure's details
    failed = len(report.failed)
    total = len(report.results)
    if lines and lines[-1]:
        lines.append("")
    lines.append(
        f"{total} scenario{'' if total == 1 else 's'}: {total - failed} passed, {failed} failed"
    )
    text = "\n".join(lines)
    return text + "\n\n" + explain_coverage(report.coverage) if coverage else text


def explain_coverage(coverage: Coverage) -> str:
    """Per-stage node and branch counts, then one line per node or branch never reached,
    and one per node or branch that scenarios reach only where their data is missing.

    A node that is never reached is listed once; its branches are counted as
    not covered but not listed again (and likewise for the second list).
    """
    nodes_hit, nodes, branches_hit, branches = coverage.totals()
    lines = [
        f"COVERAGE  nodes {_ratio(nodes_hit, nodes)}, branches {_ratio(branches_hit, branches)}"
    ]
    width = max([len("stage"), *(len(s.stage) for s in coverage.stages)])
    lines.append(f"  {'stage':<{width}}  {'nodes':<14}branches")
    for s in coverage.stages:
        nodes_text = _ratio(s.nodes_covered, s.nodes)
        branches_text = _ratio(s.branches_covered, s.branches)
        lines.append(f"  {s.stage:<{width}}  {nodes_text:<14}{branches_text}")
    missed = _listed(coverage.uncovered)
    if missed:
        lines += ["", "NOT COVERED"]
        lines += [f"{p.span.file}:{p.span.line}: {p.describe()}" for p in missed]
    else:
        lines.append("every node and branch is reached by some scenario")
    assumed = _listed(coverage.only_conditional)
    if assumed:
        lines += ["", "REACHED ONLY WHERE DATA IS MISSING (no scenario's data settles the way)"]
        lines += [
            f"{p.span.file}:{p.span.line}: {p.label} by {_count(p.scenarios)}, "
            "each only for some values of its missing data"
            for p in assumed
        ]
    return "\n".join(lines)


def _listed(points: list[CoveragePoint]) -> list[CoveragePoint]:
    """The points, but not the ways out of a node that is listed itself."""
    nodes = {(p.stage, p.node) for p in points if p.kind == "node"}
    return [p for p in points if p.kind == "node" or (p.stage, p.node) not in nodes]


def _count(scenarios: list[str]) -> str:
    return f"{len(scenarios)} scenario{'' if len(scenarios) == 1 else 's'}"


def _ratio(hit: int, total: int) -> str:
    if total == 0:
        return "0/0"
    return f"{hit}/{total} ({100 * hit // total}%)"
