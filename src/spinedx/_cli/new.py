"""``spinedx new``: write a small, valid pathway to start from."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from spinedx._authoring import BUILTIN_RECORD, ScaffoldError, scaffold_pathway

EXIT_OK = 0
EXIT_PROBLEMS = 1


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``spinedx new`` to the command line."""
    new = commands.add_parser(
        "new",
        help="write a new pathway to start from: manifest, one stage, scenarios",
        description="Write a small pathway that validates and whose scenarios reach every "
        "node and branch: a manifest, one stage with a decision, a recommendation and an "
        "end, and scenarios. Refuses a folder that is not empty.",
    )
    new.add_argument("folder", metavar="PATHWAY_DIR", help="a new or empty folder")
    new.add_argument(
        "--record",
        default=BUILTIN_RECORD,
        help=f"the registered record model the pathway reads (default {BUILTIN_RECORD})",
    )
    new.set_defaults(handler=_new)


def _new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    target = Path(args.folder)
    try:
        written = scaffold_pathway(target, args.record)
    except ScaffoldError as error:
        err.write(f"error: {error}\n")
        return EXIT_PROBLEMS
    except OSError as error:
        err.write(f"error: cannot write {target}: {error.strerror or error}\n")
        return EXIT_PROBLEMS
    out.writelines(f"wrote {path}\n" for path in written)
    out.write(f"next: spinedx validate {target} && spinedx test {target} --require-full-coverage\n")
    return EXIT_OK
