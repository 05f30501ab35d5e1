"""spinedx benchmarks: run ``python -m bench`` (or ``make bench``); see docs/performance.md."""
