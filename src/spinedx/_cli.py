"""The command line: one sub-command per module, registered in ``COMMAND_MODULES``.

Bad input never produces a Python traceback: every problem is printed as a
located diagnostic and the exit status is 1. Exit status 2 is a usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES: tuple[str, ...] = (
    "spinedx._cmd_check",
    "spinedx._cmd_diff",
    "spinedx._cmd_render",
    "spinedx._cmd_schema",
    "spinedx._cmd_test",
)
"""Each module has ``register(commands)``; its handlers take (args, out, err) -> int."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    return int(args.handler(args, sys.stdout, sys.stderr))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spinedx",
        description="Check and run declarative diagnostic pathways for suspected spinal tumours.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser
