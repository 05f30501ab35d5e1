"""The shipped pathway over its example and scenario patients."""

from __future__ import annotations

from pathlib import Path

import spinedx
from bench.report import Report, Table, fmt
from bench.timing import interleaved
from spinedx.scenarios import load_scenarios

ROOT = Path(__file__).resolve().parent.parent
PATHWAY = ROOT / "pathways" / "spinal_tumor"
EXAMPLES = ROOT / "examples" / "patients"


def run(report: Report, rounds: int) -> None:
    """Evaluations per second, with and without explanations."""
    pathway = spinedx.load_pathway(PATHWAY)
    patients = [spinedx.load_patient(path) for path in sorted(EXAMPLES.glob("*.yaml"))]
    examples = len(patients)
    if (PATHWAY / "scenarios").is_dir():
        patients += [scenario.patient for scenario in load_scenarios(pathway)]
    known = sum(pathway._known_ids(p) is not None for p in patients)
    repeat = max(1, 2000 // len(patients))

    def runner(function: object) -> object:
        def timed() -> int:
            for _ in range(repeat):
                for patient in patients:
                    function(patient)  # type: ignore[operator]
            return repeat * len(patients)

        return timed

    medians = interleaved(
        {"recommend": runner(pathway.recommend), "evaluate": runner(pathway.evaluate)},  # type: ignore[dict-item]
        rounds,
    )
    table = Table(
        f"Shipped pathway `{pathway.id}` over {len(patients)} patients "
        f"({examples} examples, {len(patients) - examples} scenarios)",
        ["call", "evaluations / s", "µs / patient", "× recommend"],
        notes=[
            f"{known} of {len(patients)} patients have every value the generated code reads; "
            "the others are walked again on the closures (three-valued logic).",
            "Much of the time is the patient model's own computed fields (SINS, ratios, "
            "neurological findings), which every read recomputes.",
        ],
    )
    for name in ("recommend", "evaluate"):
        seconds = medians[name]
        table.rows.append(
            [f"`Pathway.{name}`", fmt(1 / seconds, 0), fmt(seconds * 1e6, 1),
             fmt(seconds / medians["recommend"])]
        )  # fmt: skip
    report.add(table)
