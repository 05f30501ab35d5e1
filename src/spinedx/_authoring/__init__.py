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
from spinedx._authoring.scaffold import (
    BUILTIN_RECORD,
    ScaffoldError,
    scaffold_pathway,
)
from spinedx._authoring.scenario_models import (
    SCENARIO_FOLDER,
    SCENARIO_SUFFIXES,
    Expectations,
    ExpectedRecommendation,
    Scenario,
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
    load_scenario,
    load_scenarios,
    scenario_name,
)
from spinedx._authoring.where import (
    WhereAnswer,
    where_json,
    where_text,
    where_used,
)

__all__ = [
    "BUILTIN_RECORD",
    "KINDS",
    "SCENARIO_FOLDER",
    "SCENARIO_SUFFIXES",
    "Coverage",
    "CoveragePoint",
    "Expectations",
    "ExpectedRecommendation",
    "Failure",
    "GraphvizError",
    "ScaffoldError",
    "Scenario",
    "ScenarioReport",
    "ScenarioResult",
    "StageCoverage",
    "WhereAnswer",
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
    "scaffold_pathway",
    "scenario_files_in",
    "scenario_name",
    "schema_text",
    "where_json",
    "where_text",
    "where_used",
]
