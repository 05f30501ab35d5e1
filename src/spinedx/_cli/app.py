"""The command line: one sub-command per module, registered in ``COMMAND_MODULES``.

Bad input never produces a Python traceback: every problem is printed as a
located diagnostic. Neither does the world around the run: a full disk, a
reader that went away or a Ctrl-C ends in at most one line on stderr. The
exit status is the same for every command:

- 0: done, nothing to report;
- 1: problems were found (diagnostics, failing scenarios, patients that could
  not be compared), or the output could not be written (one line says why);
- 2: the command line itself is wrong (usage);
- 130: interrupted (Ctrl-C), as shells report SIGINT;
- 141: the reader of the output went away (``spinedx ... | head``); nothing
  more is printed, as shells report SIGPIPE.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES: tuple[str, ...] = (
    "spinedx._cli.check",
    "spinedx._cli.diff",
    "spinedx._cli.new",
    "spinedx._cli.render",
    "spinedx._cli.schema",
    "spinedx._cli.serve",
    "spinedx._cli.testing",
    "spinedx._cli.where",
)
"""Each module has ``register(commands)``; its handlers take (args, out, err) -> int."""

EXIT_PROBLEMS = 1
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
_EPILOG = (
    "exit status: 0 done; 1 problems found, or the output could not be written; "
    "2 usage error; 130 interrupted; 141 the reader of the output went away"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module docstring)."""
    try:
        args = _parser().parse_args(argv)
        # A handler writes into memory; only here does output meet the outside
        # world, so a write error is told apart from every other OSError.
        out, err = io.StringIO(), io.StringIO()
        status = int(args.handler(args, out, err))
        _tell(err.getvalue())
        return _emit(out.getvalue()) or status
    except KeyboardInterrupt:
        _tell("spinedx: interrupted\n")
        return EXIT_INTERRUPTED


def _emit(text: str) -> int | None:
    """Write the output; the exit status when it cannot be written, else None."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as error:
        _discard_stdout()
        _tell(f"spinedx: cannot write the output: {error.strerror or error}\n")
        return EXIT_PROBLEMS
    return None


def _tell(text: str) -> None:
    """Write to stderr; when even that fails there is nobody left to tell."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except OSError:
        pass


def _discard_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's own flush at exit
    does not fail again on what is still buffered and print a traceback."""
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (captured in tests): nothing buffered
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spinedx",
        description="Check and run declarative diagnostic pathways for suspected spinal tumours.",
        epilog=_EPILOG,
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser
