"""(door, generated)"""

from spinedx._authoring.coverage import Coverage, CoveragePoint, StageCoverage
from spinedx._authoring.diagram import build_diagram
from spinedx._authoring.diff import (
    diff_pathways,
    scenario_files_in,
)
from spinedx._authoring.diff_report import (
    report_markdown,
    report_text,
)
from spinedx._authoring.html import (
    render_html,
    render_svg,
)
from spinedx._authoring.jsonschemas import (
    KINDS,
    schema_text,
)
from spinedx._authoring.render import (
    GraphvizError,
    render_dot,
    render_mermaid,
)
from spinedx._authoring.scenario_results import (
    Failure,
    ScenarioReport,
    ScenarioResult,
)
from spinedx._authoring.scenario_run import (
    run_scenario,
    run_scenarios,
)
from spinedx._authoring.scenarios import (
    SCENARIO_FOLDER,
    SCENARIO_SUFFIXES,
    Expectations,
    ExpectedRecommendation,
    Scenario,
    load_scenario,
    load_scenarios,
    scenario_name,
)

__all__ = [
    "KINDS",
    "SCENARIO_FOLDER",
    "SCENARIO_SUFFIXES",
    "Coverage",
    "CoveragePoint",
    "Expectations",
    "ExpectedRecommendation",
    "Failure",
    "GraphvizError",
    "Scenario",
    "ScenarioReport",
    "ScenarioResult",
    "StageCoverage",
    "build_diagram",
    "diff_pathways",
    "load_scenario",
    "load_scenarios",
    "render_dot",
    "render_html",
    "render_mermaid",
    "render_svg",
    "report_markdown",
    "report_text",
    "run_scenario",
    "run_scenarios",
    "scenario_files_in",
    "scenario_name",
    "schema_text",
]
