"""``spinedx test``: run a pathway's scenarios, and report which nodes and branches they miss."""

from __future__ import annotations

import argparse
from typing import TextIO

from spinedx._authoring import load_scenarios, run_scenarios
from spinedx._diagnostics import PathwayError
from spinedx._pathway import load_pathway

EXIT_OK = 0
EXIT_PROBLEMS = 1


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``spinedx test`` to the command line."""
    test = commands.add_parser(
        "test",
        help="run the scenarios beside a pathway; exit 1 if any fails",
        description="Run each scenario (an example patient with the recommendations it must "
        "and must not get) and print PASS or FAIL, with expected and got for each failure.",
    )
    test.add_argument("pathway", help="the pathway folder (or its pathway.yaml)")
    test.add_argument(
        "--scenarios",
        metavar="DIR",
        help="the folder of scenario files (default: scenarios/ beside pathway.yaml)",
    )
    test.add_argument(
        "--coverage",
        action="store_true",
        help="also print which nodes and branches no scenario reaches",
    )
    test.add_argument(
        "--require-full-coverage",
        action="store_true",
        help="exit 1 unless every node and branch is reached (implies --coverage)",
    )
    test.add_argument("--format", choices=["text", "json"], default="text")
    test.set_defaults(handler=_test)


def _test(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        pathway = load_pathway(args.pathway)
        scenarios = load_scenarios(pathway, args.scenarios)
    except PathwayError as error:
        err.write(error.render() + "\n")
        return EXIT_PROBLEMS
    report = run_scenarios(pathway, scenarios)
    short = args.require_full_coverage and not report.coverage.full
    if args.format == "json":
        out.write(report.model_dump_json(indent=2) + "\n")
    else:
        out.write(report.explain(coverage=args.coverage or args.require_full_coverage) + "\n")
        if short:
            err.write("coverage is not full: some nodes or branches are never reached\n")
    return EXIT_PROBLEMS if short or not report.passed else EXIT_OK
