"""Run the benchmark suite: ``python -m bench`` (``make bench``); ``--help`` for options.

Everything runs in one invocation and reports ratios, which survive a noisy
machine better than absolute times. The Markdown it prints is what
docs/performance.md shows.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from bench import cohort, importtime, load, per_patient, shipped
from bench.report import Report

SECTIONS = ("per-patient", "shipped", "load", "cohort", "import")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run only these")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds")
    parser.add_argument(
        "--imports", type=int, default=21, help="fresh interpreters per import command (>= 15)"
    )
    parser.add_argument(
        "--cohort", type=int, default=200_000, help="cohort size (the issue's: 1000000)"
    )
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(size) for size in text.split(",")],
        default=[1_000, 10_000, 100_000],
        help="synthetic pathway sizes, comma-separated",
    )
    parser.add_argument("--json", type=Path, help="also write the tables as JSON here")
    parser.add_argument("--markdown", type=Path, help="also write the report as Markdown here")
    args = parser.parse_args(argv)
    report = Report("python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv))
    print(f"Machine: {report.machine()}\n", flush=True)
    started = time.perf_counter()
    sections = args.only or SECTIONS
    if "per-patient" in sections:
        per_patient.run(report, args.rounds)
    if "shipped" in sections:
        shipped.run(report, args.rounds)
    if "load" in sections:
        load.run(report, args.sizes)
    if "cohort" in sections:
        cohort.run(report, args.cohort, rounds=max(1, min(args.rounds, 3)))
    if "import" in sections:
        importtime.run(report, max(15, args.imports))
    print(f"Benchmark finished in {time.perf_counter() - started:.0f} s", flush=True)
    if args.json:
        report.save(args.json)
    if args.markdown:
        args.markdown.write_text(report.markdown(), encoding="utf-8")


if __name__ == "__main__":
    main()
