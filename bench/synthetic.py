"""Synthetic pathways of any size, for the load-and-validate benchmark.

``write_pathway(folder, nodes)`` writes a valid pathway over the triage record
(``bench.triage``) with about ``nodes`` nodes in ten stage files, so that both
the number of files and the size of each stage graph grow with it. Each stage
is a chain of blocks, a decision, a recommendation and a conclusion, where a
decision may also skip the next block; conditions cycle through the shapes a
real pathway uses (comparisons, ``and``/``or``/``not``, ``in`` a list,
``known``, facts). Run it on its own to keep the files::

    python -m bench.synthetic 10000 /tmp/pathway-10k
"""

from __future__ import annotations

import sys
from pathlib import Path

STAGES = 10

_CONDITIONS = (
    "vitals.heart_rate > {a}",
    "history.age >= {b} and history.cancer_history",
    "symptoms.pain_score >= {c} or (vitals.spo2 < {d} and not history.osteoporosis)",
    'vitals.avpu in ["pain", "unresponsive"] or vitals.gcs <= {e}',
    'facts.level == "a" and symptoms.pain_weeks >= {f}',
    "known(vitals.temperature) and vitals.temperature >= {g}",
)


def write_pathway(folder: Path, nodes: int) -> int:
    """Write the pathway into ``folder``; return its exact number of nodes."""
    folder.mkdir(parents=True, exist_ok=True)
    per_stage = max(4, nodes // STAGES)
    total = 0
    names = []
    for stage in range(STAGES):
        name = f"part{stage}"
        names.append(name)
        text, count = _stage(stage, per_stage)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        total += count
    (folder / "pathway.yaml").write_text(_manifest(names, nodes), encoding="utf-8")
    return total


def _manifest(stages: list[str], nodes: int) -> str:
    listed = "\n".join(f"  - {name}" for name in stages)
    return f"""id: synthetic-{nodes}
version: 1.0.0
title: Synthetic pathway of about {nodes} nodes (benchmark only)
record: bench.triage
stages:
{listed}
facts:
  level: {{type: enum, values: [a, b], description: A level set at the start}}
sources:
  bench: {{title: Benchmark, year: 2026}}
"""


def _stage(stage: int, per_stage: int) -> tuple[str, int]:
    blocks = max(1, (per_stage - 1) // 3)
    prefix = f"s{stage}"
    lines = [
        f"stage: part{stage}",
        f"start: {prefix}_start",
        "nodes:",
        f"  {prefix}_start:",
        "    conclude: level",
        "    value: a",
        "    because: Every stage starts at level a.",
        f"    then: {prefix}_d0",
    ]
    for i in range(blocks):
        lines += _decision(prefix, stage, i, blocks)
        lines += _block_tail(prefix, i, blocks)
    return "\n".join(lines) + "\n", 1 + 3 * blocks


def _next(prefix: str, i: int, blocks: int) -> str:
    return f"{prefix}_d{i}" if i < blocks else "end"


def _decision(prefix: str, stage: int, i: int, blocks: int) -> list[str]:
    shape = _CONDITIONS[(i + stage) % len(_CONDITIONS)]
    condition = shape.format(
        a=60 + i % 80,
        b=20 + i % 70,
        c=i % 11,
        d=85 + i % 10,
        e=3 + i % 12,
        f=i % 26,
        g=f"{37 + i % 3}.5",
    )
    return [
        f"  {prefix}_d{i}:",
        f"    decide: Question {i} of {prefix}?",
        "    branches:",
        f"      - when: {condition}",
        f"        then: {prefix}_r{i}",
        f"      - when: vitals.resp_rate > {20 + i % 15}",
        f"        then: {_next(prefix, i + 2, blocks)}",
        f"    otherwise: {_next(prefix, i + 1, blocks)}",
    ]


def _block_tail(prefix: str, i: int, blocks: int) -> list[str]:
    return [
        f"  {prefix}_r{i}:",
        f"    recommend: {prefix}-rec-{i}",
        f"    action: Action {i} of {prefix}.",
        "    urgency: routine",
        "    because: The question above held.",
        "    sources: [bench]",
        f"    then: {prefix}_c{i}",
        f"  {prefix}_c{i}:",
        "    conclude: level",
        f"    value: {'a' if i % 2 else 'b'}",
        "    because: A recommendation was made.",
        f"    then: {_next(prefix, i + 1, blocks)}",
    ]


if __name__ == "__main__":
    size, out = int(sys.argv[1]), Path(sys.argv[2])
    print(f"{write_pathway(out, size)} nodes written to {out}")
