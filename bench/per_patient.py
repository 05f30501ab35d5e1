"""Per-patient evaluation: the triage workload on spinedx, by hand, and on peer engines.

Every implementation is first run on all the patients and must give exactly
the recommendation ids spinedx gives (the run stops otherwise); only then are
they timed, interleaved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import spinedx
from bench import peers
from bench.report import Report, Table, fmt
from bench.timing import interleaved
from bench.triage import PATHWAY
from bench.triage.handwritten import triage
from bench.triage.patients import generate

PATIENTS = 10_000
SLOW_SUBSET = 1_000
"""Pure-Python peers are timed on the first patients only (they take milliseconds each)."""
SLOW = ("rule-engine", "cel-python")


def run(report: Report, rounds: int) -> None:
    """Prove, then time; add both tables to ``report``."""
    pathway = spinedx.load_pathway(PATHWAY)
    patients = list(generate(PATIENTS))
    plain = [patient.model_dump(mode="json") for patient in patients]
    engines: dict[str, tuple[Callable[[Any], list[str]], list[Any]]] = {
        "spinedx `Pathway.recommend`": (pathway.recommend, patients),
        "spinedx `Pathway.evaluate` (with explanations)": (_ids(pathway), patients),
        "hand-written Python (if/else)": (triage, patients),
    }
    graph = peers.read_graph(PATHWAY)
    missing = peers.available()
    factories = {
        "zen-engine": peers.zen_variants,
        "rule-engine": lambda g: {"rule-engine `Rule.matches` + walker": peers.rule_engine(g)},
        "cel-python": lambda g: {"cel-python (celpy) + walker": peers.cel_python(g)},
        "common-expression-language": lambda g: {
            "common-expression-language (Rust) + walker": peers.cel_rust(g)
        },
    }
    for package, factory in factories.items():
        if missing[package] is None:
            for name, engine in factory(graph).items():
                engines[name] = (engine, plain)

    expected = [pathway.recommend(patient) for patient in patients]
    _prove(report, engines, expected, missing)
    _time(report, engines, rounds)


def _ids(pathway: spinedx.Pathway) -> Callable[[Any], list[str]]:
    return lambda patient: [rec.id for rec in pathway.evaluate(patient).recommendations]


def _prove(
    report: Report,
    engines: dict[str, tuple[Callable[[Any], list[str]], list[Any]]],
    expected: list[list[str]],
    missing: dict[str, str | None],
) -> None:
    outcomes = Counter(rec for ids in expected for rec in ids)
    table = Table(
        f"Triage workload: identical outputs on {len(expected):,} generated patients",
        ["implementation", "patients", "identical to spinedx"],
        notes=[
            f"{len(outcomes)} distinct recommendation ids reached; "
            f"{len({tuple(ids) for ids in expected})} distinct outputs "
            "(most common: "
            + ", ".join(f"{rec} {count:,}" for rec, count in outcomes.most_common(4))
            + ")",
            *(f"{package} is not available here: {why}" for package, why in missing.items() if why),
        ],
    )
    wrong = []
    for name, (engine, inputs) in engines.items():
        same = sum(engine(item) == want for item, want in zip(inputs, expected, strict=True))
        table.rows.append([name, f"{len(expected):,}", f"{same:,}"])
        if same != len(expected):
            wrong.append(name)
    report.add(table)
    if wrong:
        raise SystemExit(f"outputs differ from spinedx's: {', '.join(wrong)}")


def _time(
    report: Report,
    engines: dict[str, tuple[Callable[[Any], list[str]], list[Any]]],
    rounds: int,
) -> None:
    runs = {}
    for name, (engine, inputs) in engines.items():
        subset = inputs[:SLOW_SUBSET] if name.startswith(SLOW) else inputs
        runs[name] = _runner(engine, subset)
    medians = interleaved(runs, rounds)
    hand = medians["hand-written Python (if/else)"]
    ours = medians["spinedx `Pathway.recommend`"]
    table = Table(
        f"Triage workload: time per patient (median of {rounds} interleaved rounds)",
        ["implementation", "µs / patient", "× hand-written", "× spinedx recommend"],
        notes=[
            f"rule-engine and cel-python are timed on the first {SLOW_SUBSET:,} patients, "
            f"the others on all {PATIENTS:,}.",
            "Peers read the patients as JSON-shaped dicts made before timing; spinedx and "
            "the hand-written code read the pydantic records.",
        ],
    )
    for name, seconds in sorted(medians.items(), key=lambda item: item[1]):
        row = [name, fmt(seconds * 1e6), fmt(seconds / hand), fmt(seconds / ours)]
        table.rows.append(row)
    report.add(table)


def _runner(engine: Callable[[Any], list[str]], inputs: list[Any]) -> Callable[[], int]:
    def timed() -> int:
        for item in inputs:
            engine(item)
        return len(inputs)

    return timed
