"""``spinedx validate`` and ``spinedx evaluate``."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from pydantic import BaseModel

from spinedx._authoring import load_scenario
from spinedx._diagnostics import PathwayError, PatientError, render_all
from spinedx._documents import YMap, read_yaml
from spinedx._pathway import Pathway, check_pathway_sources, load_pathway, load_patient

EXIT_OK = 0
EXIT_PROBLEMS = 1


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the commands of this module to the command line."""
    validate = commands.add_parser("validate", help="check a pathway and print every problem")
    validate.add_argument("pathway", help="the pathway folder (or its pathway.yaml)")
    validate.add_argument("--format", choices=["text", "json"], default="text")
    validate.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit 1 on any)"
    )
    validate.set_defaults(handler=_validate)

    evaluate = commands.add_parser("evaluate", help="evaluate a patient file against a pathway")
    evaluate.add_argument("pathway", help="the pathway folder (or its pathway.yaml)")
    evaluate.add_argument(
        "patient", help="a patient record in YAML (or JSON), or a scenario file (its patient:)"
    )
    evaluate.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    evaluate.set_defaults(handler=_evaluate)


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    diagnostics, texts = check_pathway_sources(args.pathway)
    failing = [d for d in diagnostics if d.is_error or args.strict]
    if args.format == "json":
        out.write(json.dumps([d.model_dump(mode="json") for d in diagnostics], indent=2) + "\n")
    elif diagnostics:
        err.write(render_all(diagnostics, texts) + "\n")
    if not failing and args.format == "text":
        out.write(f"{args.pathway}: ok\n")
    return EXIT_PROBLEMS if failing else EXIT_OK


def _evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        pathway = load_pathway(args.pathway)
        result = pathway.evaluate(_patient(pathway, args.patient))
    except (PathwayError, PatientError) as error:
        err.write(error.render() + "\n")
        return EXIT_PROBLEMS
    if args.format == "json":
        out.write(result.model_dump_json(indent=2) + "\n")
    else:
        out.write(result.explain(args.format) + "\n")
    return EXIT_OK


def _patient(pathway: Pathway, file: str) -> BaseModel:
    """The record in a patient file, or the ``patient:`` of a scenario file."""
    if _is_scenario(file):
        return load_scenario(pathway, file).patient
    return load_patient(file, pathway.record_model)


def _is_scenario(file: str) -> bool:
    """A scenario holds ``patient:`` and ``expect:`` at its top; a record holds neither."""
    if file.lower().endswith(".json"):
        return False
    tree, _, _ = read_yaml(file)
    if not isinstance(tree, YMap):
        return False
    return tree.get("patient") is not None and tree.get("expect") is not None
