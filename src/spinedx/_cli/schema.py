"""``spinedx schema``: JSON Schema for editors (the YAML language server and others)."""

from __future__ import annotations

import argparse
from typing import TextIO

from spinedx._authoring import KINDS, schema_text
from spinedx._documents import record_model, record_names

EXIT_OK = 0
EXIT_PROBLEMS = 1
DEFAULT_RECORD = "spinedx.patient"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``schema`` to the command line."""
    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of a kind of file, for editor completion and checking",
        description="Print JSON Schema for pathway manifests, stage files, patient records "
        "or scenarios. 'make schemas' writes all four into schemas/.",
    )
    schema.add_argument("kind", choices=KINDS, help="which kind of file")
    schema.add_argument(
        "--record",
        default=DEFAULT_RECORD,
        help=f"the registered record model for 'patient' and 'scenario' (default {DEFAULT_RECORD})",
    )
    schema.set_defaults(handler=_schema)


def _schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    model = record_model(args.record)
    if model is None:
        known = ", ".join(record_names())
        err.write(f"error: no record model is registered as '{args.record}' (known: {known})\n")
        return EXIT_PROBLEMS
    out.write(schema_text(args.kind, model))
    return EXIT_OK
