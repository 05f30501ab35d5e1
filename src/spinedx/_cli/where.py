"""``spinedx where``: which nodes read a field, give a recommendation, or conclude a fact."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from spinedx._authoring import where_json, where_text, where_used
from spinedx._diagnostics import PathwayError
from spinedx._pathway import load_pathway

EXIT_OK = 0
EXIT_PROBLEMS = 1


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``spinedx where`` to the command line."""
    where = commands.add_parser(
        "where",
        help="show which nodes read a record field, give a recommendation, or conclude a fact",
        description="Look a name up in a pathway: a record field (the nodes whose conditions "
        "read it or a field below it), a recommendation id (the node that gives it), or a "
        "fact (the nodes that conclude it and the nodes that read it). Exit 1 when the name "
        "is none of these, with the closest known name.",
    )
    where.add_argument("name", metavar="NAME", help="a record field, recommendation id or fact")
    where.add_argument(
        "--pathway",
        default=".",
        help="the pathway folder, its pathway.yaml, or a shipped pathway's name "
        "(default: the current folder)",
    )
    where.add_argument("--format", choices=["text", "json"], default="text")
    where.set_defaults(handler=_where)


def _where(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        pathway = load_pathway(args.pathway)
    except PathwayError as error:
        err.write(error.render() + "\n")
        return EXIT_PROBLEMS
    answer = where_used(pathway, args.name)
    if args.format == "json":
        out.write(json.dumps(where_json(answer), indent=2, ensure_ascii=False) + "\n")
    elif answer.found:
        out.write(where_text(answer) + "\n")
    else:
        err.write(f"error: {where_text(answer)}\n")
    return EXIT_OK if answer.found else EXIT_PROBLEMS
