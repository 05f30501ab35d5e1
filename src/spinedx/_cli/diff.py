"""``spinedx diff``: review a change to a pathway, in its files and for scenario patients."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from spinedx._authoring import diff_pathways, report_markdown, report_text, scenario_files_in
from spinedx._diagnostics import PathwayError, render_all
from spinedx._documents import is_folder
from spinedx._pathway import load_pathway

EXIT_OK = 0
EXIT_PROBLEMS = 1
SCENARIO_FOLDER = "scenarios"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``diff`` to the command line."""
    diff = commands.add_parser(
        "diff",
        help="compare two versions of a pathway: file changes and changes for patients",
        description="Compare two versions of a pathway. Every scenario patient is evaluated by "
        "both, and each recommendation that appears, disappears or changes urgency is listed "
        "with the reasons on both sides. Scenarios come from --scenarios, else from the new "
        "version's scenarios/ folder, else from the old one's. Exit status: 0 when every "
        "scenario patient was compared; 1 when a version does not load or some scenario "
        "patient could not be evaluated (the review is still written, the errors go to stderr).",
    )
    diff.add_argument("old", help="the version in use (folder or pathway.yaml)")
    diff.add_argument("new", help="the proposed version (folder or pathway.yaml)")
    diff.add_argument(
        "--scenarios",
        metavar="DIR",
        help="a folder of scenario files (YAML with a 'patient:' block) or patient files "
        "(YAML or JSON)",
    )
    diff.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    diff.set_defaults(handler=_diff)


def _diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        old = load_pathway(args.old)
        new = load_pathway(args.new)
    except PathwayError as error:
        err.write(error.render() + "\n")
        return EXIT_PROBLEMS
    folder = _scenario_folder(args.scenarios, new.source.parent, old.source.parent)
    if args.scenarios is not None and folder is None:
        err.write(f"error: --scenarios {args.scenarios}: no such folder\n")
        return EXIT_PROBLEMS
    try:
        files = scenario_files_in(folder) if folder is not None else []
    except PathwayError as error:
        err.write(error.render() + "\n")
        return EXIT_PROBLEMS
    result = diff_pathways(old, new, files).model_copy(
        update={"scenario_folder": None if folder is None else str(folder)}
    )
    if args.format == "json":
        out.write(result.model_dump_json(indent=2) + "\n")
    elif args.format == "markdown":
        out.write(report_markdown(result))
    else:
        out.write(report_text(result))
    problems = [d for scenario in result.scenarios for d in scenario.diagnostics]
    if problems:
        err.write(render_all(problems) + "\n")
        return EXIT_PROBLEMS
    return EXIT_OK


def _scenario_folder(given: str | None, *pathway_folders: Path) -> Path | None:
    if given is not None:
        return Path(given) if is_folder(given) else None
    for folder in pathway_folders:
        candidate = folder / SCENARIO_FOLDER
        if is_folder(candidate):
            return candidate
    return None
