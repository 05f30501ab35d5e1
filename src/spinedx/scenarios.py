"""Scenarios: example patients with the results a pathway must give them, and coverage.

Example:
    >>> import spinedx
    >>> from spinedx.scenarios import load_scenarios, run_scenarios
    >>> pathway = spinedx.load_pathway("pathways/spinal_tumor")
    >>> report = run_scenarios(pathway, load_scenarios(pathway))
    >>> report.passed
    True
"""

from spinedx._authoring import (
    Coverage,
    CoveragePoint,
    Expectations,
    ExpectedRecommendation,
    Failure,
    Scenario,
    ScenarioReport,
    ScenarioResult,
    StageCoverage,
    load_scenarios,
    run_scenarios,
)

__all__ = [
    "Coverage",
    "CoveragePoint",
    "Expectations",
    "ExpectedRecommendation",
    "Failure",
    "Scenario",
    "ScenarioReport",
    "ScenarioResult",
    "StageCoverage",
    "load_scenarios",
    "run_scenarios",
]
