"""Cohorts: ``spinedx.evaluate_many`` over a stream of generated records.

The cohort is written first, lazily, as JSON lines into a temporary file (a
registry export); each measurement then streams it from the file in a fresh
process, so that the parent's and the workers' peak memory are their own. Run
one measurement by hand with ``python -m bench.cohort FILE WORKERS``.
"""

from __future__ import annotations

import hashlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.report import Report, Table, fmt, peak_rss_mb, python

CONFIGS = ("here", "1", "2")
"""In this process, one worker process, two worker processes."""


def run(report: Report, records: int, rounds: int) -> None:
    """Throughput with 0, 1 and 2 workers, and memory at a tenth of the cohort and all of it."""
    with tempfile.TemporaryDirectory(prefix="spinedx-cohort-") as tmp:
        full = Path(tmp) / "cohort.jsonl"
        tenth = Path(tmp) / "cohort-tenth.jsonl"
        started = time.perf_counter()
        write_cohort(full, records)
        write_cohort(tenth, records // 10)
        written = time.perf_counter() - started
        found: dict[str, list[dict[str, float]]] = {config: [] for config in CONFIGS}
        for round_ in range(rounds):
            order = CONFIGS[round_ % 3 :] + CONFIGS[: round_ % 3]
            for config in order:
                found[config].append(_measure(full, config))
        small = _measure(tenth, "2")
    _table(report, records, rounds, found, small, written)


def write_cohort(path: Path, records: int) -> None:
    """``records`` generated patients as JSON lines, written one at a time."""
    from bench.triage.patients import generate  # noqa: PLC0415

    with path.open("w", encoding="utf-8") as out:
        for patient in generate(records):
            out.write(patient.model_dump_json())
            out.write("\n")


def _measure(path: Path, config: str) -> dict[str, float]:
    done = subprocess.run(
        [python(), "-m", "bench.cohort", str(path), config],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"cohort run ({config}) failed:\n{done.stderr}")
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _table(
    report: Report,
    records: int,
    rounds: int,
    found: dict[str, list[dict[str, float]]],
    small: dict[str, float],
    written: float,
) -> None:
    seconds = {config: statistics.median(m["seconds"] for m in runs) for config, runs in
               found.items()}  # fmt: skip
    digests = {m["digest"] for runs in found.values() for m in runs} | {None}
    same = len(digests) == 2
    table = Table(
        f"Cohort: `evaluate_many` over {records:,} generated records "
        f"(JSON lines, median of {rounds} rounds)",
        ["workers", "seconds", "records / s", "× one worker", "parent peak", "worker peak"],
        notes=[
            f"Results identical and in input order in every configuration: {same}.",
            f"Peak memory, two workers, at {records // 10:,} records: parent "
            f"{small['parent_peak_mb']:.0f} MB, workers {small['children_peak_mb']:.0f} MB; "
            f"at {records:,}: parent {found['2'][0]['parent_peak_mb']:.0f} MB, workers "
            f"{found['2'][0]['children_peak_mb']:.0f} MB (flat: records stream).",
            f"Writing the cohort file took {written:.0f} s (not timed above).",
        ],
    )
    names = {"here": "none (this process)", "1": "1 process", "2": "2 processes"}
    for config in CONFIGS:
        median = seconds[config]
        runs = found[config]
        table.rows.append(
            [names[config], fmt(median, 2), f"{records / median:,.0f}",
             fmt(seconds["1"] / median), f"{runs[0]['parent_peak_mb']:.0f} MB",
             f"{runs[0]['children_peak_mb']:.0f} MB" if config != "here" else "–"]
        )  # fmt: skip
    report.add(table)


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        yield from stream


def _one(path: Path, config: str) -> dict[str, object]:
    import spinedx  # noqa: PLC0415
    from bench.triage import PATHWAY  # noqa: PLC0415

    pathway = spinedx.load_pathway(PATHWAY)
    workers = None if config == "here" else int(config)
    digest = hashlib.sha256()
    count = 0
    start = time.perf_counter()
    for ids in spinedx.evaluate_many(pathway, _lines(path), workers=workers, chunk_size=2000):
        digest.update(",".join(ids).encode() + b";")
        count += 1
    seconds = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": seconds,
        "records": count,
        "digest": digest.hexdigest(),
        "parent_peak_mb": peak_rss_mb(),
        "children_peak_mb": children / 1024,
    }


if __name__ == "__main__":
    print(json.dumps(_one(Path(sys.argv[1]), sys.argv[2])))
