"""Scenario results and coverage as text for people: the command line and pytest print these."""

from __future__ import annotations

from spinedx._authoring.coverage import Coverage, CoveragePoint
from spinedx._authoring.scenario_results import Failure, ScenarioReport, ScenarioResult

_SUBJECT = {
    "missing": "recommendation '{}'",
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
            expected: reached, within 24 hours or sooner
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
    """Per-stage node and branch counts, then one line per node or branch never reached.

    A node that is never reached is listed once; its branches are counted as
    not covered but not listed again.
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
    return "\n".join(lines)


def _listed(uncovered: list[CoveragePoint]) -> list[CoveragePoint]:
    unreached = {(p.stage, p.node) for p in uncovered if p.kind == "node"}
    return [p for p in uncovered if p.kind == "node" or (p.stage, p.node) not in unreached]


def _ratio(hit: int, total: int) -> str:
    if total == 0:
        return "0/0"
    return f"{hit}/{total} ({100 * hit // total}%)"
