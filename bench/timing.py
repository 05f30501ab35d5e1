"""Timing that survives a shared, noisy machine: interleaved rounds and medians."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable


def interleaved(runs: dict[str, Callable[[], int]], rounds: int) -> dict[str, float]:
    """Median seconds per item of each run, over ``rounds`` interleaved rounds.

    Each run processes some items and returns how many. In every round each run
    goes once, in an order rotated from the round before, so that a slow spell
    of the machine touches every run alike. The cyclic garbage collector is
    paused while a run is timed (as ``timeit`` does).
    """
    names = list(runs)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(rounds):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                items = runs[name]()
                elapsed = time.perf_counter() - start
            finally:
                gc.enable()
            seconds[name].append(elapsed / items)
    return {name: statistics.median(values) for name, values in seconds.items()}
