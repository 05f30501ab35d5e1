"""What the fuzz targets share: the libFuzzer command line, seeds, and span checks.

Not a test module: the targets import it from their own folder.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # where YAML ends a line


def yaml_lines(text: str) -> list[str]:
    """The lines of a text as YAML counts them (and as diagnostics number them)."""
    return _BREAK.split(text)


def check_spans(diagnostics: Iterable[object], texts: dict[str, str]) -> None:
    """Every span lies inside the file it names; ``texts`` maps each file to its text."""
    for d in diagnostics:
        span = d.span  # type: ignore[attr-defined]
        if span.file not in texts:
            raise AssertionError(f"a diagnostic names a file that was not read: {d}")
        lines = yaml_lines(texts[span.file])
        if not 1 <= span.line <= len(lines):
            raise AssertionError(f"line outside the file ({len(lines)} lines): {d}")
        if not 1 <= span.column <= len(lines[span.line - 1]) + 1:
            raise AssertionError(f"column outside line {span.line}: {d}")
        if (span.end_line, span.end_column) < (span.line, span.column) or span.end_line > len(
            lines
        ):
            raise AssertionError(f"span ends before it starts or after the file: {d}")


def run(name: str, test: Callable[[bytes], None], seeds: Callable[[], Iterable[bytes]]) -> None:
    """Start libFuzzer on ``test`` with a seeded corpus, a dictionary and safe defaults.

    Any libFuzzer flag may be given on the command line (``-max_total_time=300``,
    ``-runs=100000``, ``-jobs=4``); a file or folder given instead replaces the
    default corpus, and a single crash file reproduces that crash.
    """
    import atheris  # noqa: PLC0415 - imported by the caller's instrumentation block first

    corpus = FUZZ / "corpus" / name
    artifacts = FUZZ / "artifacts"
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    if not any(corpus.iterdir()):
        for index, seed in enumerate(seeds()):
            (corpus / f"seed-{index:04d}").write_bytes(seed)
    args = sys.argv[1:]
    flags = [a for a in args if a.startswith("-")]
    paths = [a for a in args if not a.startswith("-")]
    defaults = {
        "-dict": str(FUZZ / f"{name}.dict"),
        "-artifact_prefix": f"{artifacts}/{name}-",
        "-timeout": "2",  # seconds: an input this slow is a finding
        "-rss_limit_mb": "2048",
        "-max_len": "65536",
        "-print_final_stats": "1",
    }
    for flag, value in defaults.items():
        if not any(a.startswith(flag + "=") for a in flags):
            flags.append(f"{flag}={value}")
    atheris.Setup([sys.argv[0], *flags, *(paths or [str(corpus)])], test)
    atheris.Fuzz()
