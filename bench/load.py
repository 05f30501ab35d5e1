"""Load and fully validate synthetic pathways of growing size, each in a fresh process.

A fresh interpreter per measurement gives a clean peak resident memory
(``ru_maxrss``) and keeps one size's heap from slowing the next. Run one
measurement by hand with ``python -m bench.load FOLDER``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import Report, Table, fmt, peak_rss_mb, python
from bench.synthetic import write_pathway

REPEATS = {1_000: 5, 10_000: 3, 100_000: 2}


def run(report: Report, sizes: list[int]) -> None:
    """Time and peak memory of ``load_pathway`` (which checks everything) per size."""
    with tempfile.TemporaryDirectory(prefix="spinedx-bench-") as tmp:
        folders = {}
        for size in sizes:
            folders[size] = Path(tmp) / f"nodes-{size}"
            write_pathway(folders[size], size)
        found: dict[int, list[dict[str, float]]] = {size: [] for size in sizes}
        for round_ in range(max(REPEATS.get(size, 1) for size in sizes)):
            for size in sizes:
                if round_ < REPEATS.get(size, 1):
                    found[size].append(_measure(folders[size]))
        _table(report, sizes, folders, found)


def _measure(folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [python(), "-m", "bench.load", str(folder)], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"loading {folder} failed:\n{done.stderr}")
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _table(
    report: Report,
    sizes: list[int],
    folders: dict[int, Path],
    found: dict[int, list[dict[str, float]]],
) -> None:
    table = Table(
        "Load and full validation of synthetic pathways (fresh process each, median)",
        ["nodes", "files", "YAML", "seconds", "× previous size", "µs / node", "peak memory"],
        notes=[
            "Ten stage files each; decisions, recommendations and conclusions in equal "
            "numbers; every check runs (types, references, cycles, reachability, facts).",
            "Peak memory: the growth of the process's peak resident set during the load.",
            "The cyclic garbage collector is paused during a load (it rescanned the growing "
            "heap over and over); see docs/performance.md.",
        ],
    )
    previous = None
    for size in sizes:
        seconds = statistics.median(m["seconds"] for m in found[size])
        peak = statistics.median(m["peak_mb"] for m in found[size])
        nodes = int(found[size][0]["nodes"])
        megabytes = sum(f.stat().st_size for f in folders[size].iterdir()) / 1e6
        ratio = "" if previous is None else fmt(seconds / previous)
        table.rows.append(
            [f"{nodes:,}", "11", f"{megabytes:.1f} MB", fmt(seconds, 3), ratio,
             fmt(seconds / nodes * 1e6, 0), f"{peak:,.0f} MB"]
        )  # fmt: skip
        previous = seconds
    report.add(table)


def _one(folder: Path) -> dict[str, float]:
    import bench.triage  # noqa: F401, PLC0415  (registers the record model)
    import spinedx  # noqa: PLC0415

    before = peak_rss_mb()
    start = time.perf_counter()
    pathway = spinedx.load_pathway(folder)
    seconds = time.perf_counter() - start
    after = peak_rss_mb()
    nodes = sum(len(stage.steps) for stage in pathway.stages)
    return {"seconds": seconds, "peak_mb": after - before, "nodes": nodes}


if __name__ == "__main__":
    print(json.dumps(_one(Path(sys.argv[1]))))
