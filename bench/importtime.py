"""What importing spinedx costs, over the libraries it is built on.

Every measurement is a fresh interpreter (``python -c ...``), timed from
outside, so it counts what a user's process pays: start-up, imports, and
nothing cached from a run before. The commands run in interleaved rounds
(each once per round, in rotating order) and each keeps its median; the
figures are the differences from the baseline, which imports pydantic,
networkx and yaml, so interpreter start-up and those libraries cancel out.

``python -X importtime`` then says which modules the engine's first use
loads, and how much of the difference each takes (its own time, children
apart), grouped by spinedx layer or by library.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import time
from collections import defaultdict

from bench.report import Report, Table, fmt, python

BASE = "import pydantic, networkx, yaml"
LAZY = BASE + ", spinedx"
ENGINE = LAZY + "; spinedx.load_pathway"
COMMANDS = {"baseline": BASE, "import spinedx": LAZY, "engine": ENGINE}
BUDGET_MS = 150
"""``import spinedx`` may cost at most this much over the baseline."""
PROFILES = 5
"""``-X importtime`` runs whose per-group medians make the breakdown."""

_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")


def run(report: Report, runs: int) -> None:
    """The import figures (medians of ``runs`` interleaved runs) and what dominates."""
    medians = _interleaved(runs)
    base = medians["baseline"]
    table = Table(
        f"Import time over pydantic, networkx and yaml (fresh process each, median of {runs})",
        ["python -c", "ms", "over the baseline"],
        notes=[
            "Each command runs in a fresh interpreter, timed from outside; the rounds are "
            "interleaved, and each command keeps its median.",
            f"`import spinedx` is lazy and may cost at most {BUDGET_MS} ms over the baseline; "
            "the first use of a name (here `spinedx.load_pathway`) loads the engine.",
        ],
    )
    for name, code in COMMANDS.items():
        over = "" if name == "baseline" else f"{fmt((medians[name] - base) * 1e3, 1)} ms"
        table.rows.append([f"`{code}`", fmt(medians[name] * 1e3, 1), over])
    report.add(table)
    report.add(_breakdown((medians["engine"] - base) * 1e3))


def _interleaved(runs: int) -> dict[str, float]:
    names = list(COMMANDS)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(runs):
        for name in names[round_ % 3 :] + names[: round_ % 3]:
            start = time.perf_counter()
            subprocess.run([python(), "-c", COMMANDS[name]], check=True)
            seconds[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in seconds.items()}


def _breakdown(engine_ms: float) -> Table:
    """Own import time of what the engine loads beyond the baseline, by layer or library."""
    loaded_by_base = set(_importtime(BASE))
    found: dict[str, list[float]] = defaultdict(list)
    for _ in range(PROFILES):
        groups: dict[str, float] = defaultdict(float)
        for module, own_us in _importtime(ENGINE).items():
            if module not in loaded_by_base:
                groups[_group(module)] += own_us / 1e3
        for group, ms in groups.items():
            found[group].append(ms)
    own = {group: statistics.median(values) for group, values in found.items()}
    table = Table(
        f"What the engine's first use loads (python -X importtime, median of {PROFILES})",
        ["modules", "own ms", "share"],
        notes=[
            "Own time: each module's import without its children, summed by spinedx layer or "
            "by library, for modules the baseline does not load.",
            "A spinedx module's own time includes building the pydantic models it defines "
            "(their validators and schemas are generated when the class is created).",
            f"The shares are of the sum of own times; the engine measured {fmt(engine_ms, 1)} ms "
            "over the baseline from outside.",
        ],
    )
    total = sum(own.values())
    for group, ms in sorted(own.items(), key=lambda item: -item[1])[:12]:
        table.rows.append([f"`{group}`", fmt(ms, 1), f"{ms / total:.0%}"])
    table.rows.append(["all", fmt(total, 1), "100%"])
    return table


def _importtime(code: str) -> dict[str, float]:
    """Each module's own import time in µs, from ``python -X importtime -c code``."""
    done = subprocess.run(
        [python(), "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )
    found: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = _LINE.match(line)
        if match:
            found[match.group(4)] = float(match.group(1))
    return found


def _group(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "spinedx":
        return ".".join(parts[:2])  # a layer (spinedx._conditions) or a public face
    return parts[0]
