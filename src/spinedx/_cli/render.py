"""``spinedx render``: a pathway as a diagram, optionally with one patient's path."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from spinedx._authoring import (
    GraphvizError,
    build_diagram,
    render_dot,
    render_html,
    render_mermaid,
    render_svg,
)
from spinedx._diagnostics import PathwayError, PatientError
from spinedx._pathway import load_pathway, load_patient

EXIT_OK = 0
EXIT_PROBLEMS = 1
FORMATS = ("mermaid", "dot", "svg", "html")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``render`` to the command line."""
    render = commands.add_parser(
        "render",
        help="draw a pathway as Mermaid, Graphviz DOT, SVG or an HTML page",
        description="Draw every stage as a flowchart, stages in manifest order. "
        "SVG and HTML need Graphviz's 'dot' program.",
    )
    render.add_argument("pathway", help="the pathway folder (or its pathway.yaml)")
    render.add_argument("--format", choices=FORMATS, default="mermaid")
    render.add_argument(
        "--patient", help="a patient file: highlight the path it takes and what it reaches"
    )
    render.add_argument("--output", "-o", help="write to this file instead of standard output")
    render.set_defaults(handler=_render)


def _render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        pathway = load_pathway(args.pathway)
        evaluation = None
        if args.patient is not None:
            patient = load_patient(args.patient, pathway.record_model)
            evaluation = pathway.evaluate(patient)
    except (PathwayError, PatientError) as error:
        err.write(error.render() + "\n")
        return EXIT_PROBLEMS
    diagram = build_diagram(pathway, evaluation)
    try:
        match args.format:
            case "mermaid":
                text = render_mermaid(diagram)
            case "dot":
                text = render_dot(diagram)
            case "svg":
                text = render_svg(diagram)
            case _:
                label = Path(args.patient).name if args.patient else None
                text = render_html(diagram, patient=label)
    except GraphvizError as error:
        err.write(f"error: {error}\n")
        return EXIT_PROBLEMS
    if args.output is None:
        out.write(text)
        return EXIT_OK
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as error:
        err.write(f"error: cannot write {args.output}: {error.strerror or error}\n")
        return EXIT_PROBLEMS
    err.write(f"wrote {args.output}\n")
    return EXIT_OK
