"""Tables for the benchmark report: Markdown for people, JSON for tools."""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Table:
    """One table of a section."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(self.columns) + " |")
        lines.append("|" + "|".join("---" for _ in self.columns) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        lines += ["", *(f"- {note}" for note in self.notes)] if self.notes else []
        return "\n".join(lines) + "\n"


@dataclass
class Report:
    """Every table of one run, with the machine it ran on."""

    command: str
    tables: list[Table] = field(default_factory=list)

    def add(self, table: Table) -> None:
        self.tables.append(table)
        print(table.markdown(), flush=True)

    def machine(self) -> str:
        return (
            f"{os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()} "
            f"({platform.python_implementation()}), {platform.system()} {platform.release()}"
        )

    def markdown(self) -> str:
        head = f"Command: `{self.command}`\n\nMachine: {self.machine()}\n\n"
        return head + "\n".join(table.markdown() for table in self.tables)

    def save(self, path: Path) -> None:
        data = {"command": self.command, "machine": self.machine()}
        data["tables"] = [asdict(table) for table in self.tables]
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def cpu_model() -> str:
    """The CPU's model name, from /proc/cpuinfo where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def fmt(value: float, digits: int = 2) -> str:
    """A number for a table cell."""
    return f"{value:,.{digits}f}"


def python() -> str:
    """The interpreter running the benchmark, for subprocesses."""
    return sys.executable


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    Linux's ``VmHWM`` starts afresh at ``exec``; ``ru_maxrss`` would carry the
    parent's peak over into a child process, hiding the child's own.
    """
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # noqa: PLC0415  (not on every platform)

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
