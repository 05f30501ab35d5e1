"""What the fuzz targets share: instrumented imports, the libFuzzer command line, span checks.

Not a test module: the targets import it from their own folder. atheris is
optional here, so that ``tests/properties/test_fuzz_targets.py`` can import every target
and run its ``one_input`` on seeds without it; only :func:`run` needs it.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import pkgutil
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType

atheris: ModuleType | None
try:
    import atheris
except ImportError:  # the smoke tests run the targets without it
    atheris = None

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # where YAML ends a line


@contextlib.contextmanager
def instrumented(*packages: str) -> Iterator[None]:
    """Import every spinedx module, and ``packages``, instrumented for coverage.

    libFuzzer sees coverage only in code imported inside atheris's block, so
    each target imports what it uses inside this one, before anything else
    imports spinedx; without atheris the imports are plain.
    """
    include = ["spinedx", *packages]
    block = atheris.instrument_imports(include=include) if atheris else contextlib.nullcontext()
    with block:
        for name in packages:
            importlib.import_module(name)
        spinedx = importlib.import_module("spinedx")
        for module in pkgutil.iter_modules(spinedx.__path__):
            if not module.name.startswith("__") and module.name != "pytest_plugin":
                importlib.import_module(f"spinedx.{module.name}")
        yield


def scratch(prefix: str) -> Path:
    """A fresh temporary folder, removed when the process ends."""
    folder = Path(tempfile.mkdtemp(prefix=f"spinedx-fuzz-{prefix}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def yaml_lines(text: str) -> list[str]:
    """The lines of a text as YAML counts them (and as diagnostics number them)."""
    return _BREAK.split(text)


def check_span(span: object, texts: dict[str, str], what: object) -> None:
    """``span`` lies inside the file it names; ``texts`` maps each file to its text."""
    file, line, column = span.file, span.line, span.column  # type: ignore[attr-defined]
    end = (span.end_line, span.end_column)  # type: ignore[attr-defined]
    if file not in texts:
        raise AssertionError(f"names a file that was not read: {what}")
    lines = yaml_lines(texts[file])
    if not 1 <= line <= len(lines):
        raise AssertionError(f"line outside the file ({len(lines)} lines): {what}")
    if not 1 <= column <= len(lines[line - 1]) + 1:
        raise AssertionError(f"column outside line {line}: {what}")
    if end < (line, column) or end[0] > len(lines):
        raise AssertionError(f"span ends before it starts or after the file: {what}")


def check_spans(diagnostics: Iterable[object], texts: dict[str, str]) -> None:
    """Every diagnostic's span lies inside the file it names."""
    for d in diagnostics:
        check_span(d.span, texts, d)  # type: ignore[attr-defined]


def run(name: str, test: Callable[[bytes], None], seeds: Callable[[], Iterable[bytes]]) -> None:
    """Start libFuzzer on ``test`` with a seeded corpus, a dictionary and safe defaults.

    Any libFuzzer flag may be given on the command line (``-max_total_time=300``,
    ``-runs=100000``, ``-jobs=4``); a file or folder given instead replaces the
    default corpus, and a single crash file reproduces that crash.
    """
    if atheris is None:
        raise SystemExit("atheris is not installed: pip install -e '.[fuzz]' (or make fuzz)")
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
