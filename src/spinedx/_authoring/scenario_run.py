"""Running scenarios: evaluate each patient, compare with its expectations, measure coverage.

Each failed expectation says what was expected and what was got, and why the
walk went the way it did: for a recommendation that was reached, the
decisions taken to it (and, for a conditional one, what the missing data must
turn out to be); for one that was not, the way the walk went in the stage that
gives it, and where stages stopped for want of data.

A recommendation under ``recommendations`` must be given definitely, one under
``conditional`` conditionally, and one under ``absent`` not at all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator

from spinedx._authoring.coverage import measure_coverage
from spinedx._authoring.scenario_checks import step_recommendations
from spinedx._authoring.scenario_models import Scenario
from spinedx._authoring.scenario_results import Failure, FailureKind, ScenarioReport, ScenarioResult
from spinedx._authoring.scenarios import as_pathway, load_scenarios
from spinedx._compiled import Conclude
from spinedx._diagnostics import as_written
from spinedx._evaluation import (
    Check,
    Evaluation,
    FactValue,
    PathwayRef,
    Reason,
    Recommendation,
    TraceStep,
    Walk,
    walk,
)
from spinedx._pathway import Pathway

_MAX_CONDITION = 120
"""Conditions longer than this are shortened in failure notes: the trace has them in full."""
_FIELDS_SHOWN = 5
"""The missing fields named per assumption in failure notes; the JSON result has them all."""


def run_scenarios(
    pathway: Pathway | str | os.PathLike[str],
    scenarios: Iterable[Scenario] | None = None,
) -> ScenarioReport:
    """Run scenarios against a pathway and measure which nodes and branches they reach.

    Args:
        pathway: The loaded pathway, or its folder (loaded first).
        scenarios: The scenarios to run; by default those in the pathway's
            ``scenarios/`` folder (see :func:`load_scenarios`).

    Raises:
        PathwayError: When the pathway or its scenarios cannot be loaded.

    Example:
        >>> report = run_scenarios("pathways/spinal_tumor")
        >>> [result.name for result in report.failed]
        []
    """
    loaded = as_pathway(pathway)
    chosen = load_scenarios(loaded) if scenarios is None else list(scenarios)
    results: list[ScenarioResult] = []
    walks: list[tuple[str, Walk]] = []
    for scenario in chosen:
        # Coverage reads the bare walk; the comparison reads the explained result.
        # Walking twice costs microseconds and keeps Pathway's internals private.
        walks.append((scenario.name, walk(loaded.stages, scenario.patient)))
        results.append(run_scenario(loaded, scenario))
    return ScenarioReport(
        pathway=PathwayRef(
            id=loaded.id, version=loaded.version, title=loaded.title, digest=loaded.digest
        ),
        results=results,
        coverage=measure_coverage(loaded.stages, walks),
    )


def run_scenario(pathway: Pathway, scenario: Scenario) -> ScenarioResult:
    """Evaluate one scenario's patient and check every expectation."""
    evaluation = pathway.evaluate(scenario.patient)
    return ScenarioResult(
        name=scenario.name,
        summary=scenario.summary,
        file=scenario.file,
        failures=list(_Comparison(pathway, scenario, evaluation).failures()),
    )


class _Comparison:
    def __init__(self, pathway: Pathway, scenario: Scenario, evaluation: Evaluation) -> None:
        self.pathway = pathway
        self.scenario = scenario
        self.expect = scenario.expect
        self.result = evaluation

    def failures(self) -> Iterator[Failure]:
        yield from self._required()
        yield from self._conditional()
        yield from self._absent()
        yield from self._facts()
        yield from self._needs()
        yield from self._complete()

    def _failure(
        self,
        kind: FailureKind,
        subject: str,
        expected: str,
        got: str,
        notes: list[str],
        *where: str | int,
    ) -> Failure:
        return Failure(
            kind=kind,
            subject=subject,
            expected=expected,
            got=got,
            notes=notes,
            span=self.scenario.where("expect", *where),
        )

    def _required(self) -> Iterator[Failure]:
        for i, want in enumerate(self.expect.recommendations):
            got = given(self.result, want.id)
            sooner = f", {want.urgency.label} or sooner" if want.urgency else ""
            if got is None:
                yield self._failure(
                    "missing", want.id, "reached definitely" + sooner, "not reached",
                    self._why_not_reached(want.id), "recommendations", i,
                )  # fmt: skip
            elif got.certainty == "conditional":
                yield self._failure(
                    "conditional", want.id, "reached definitely" + sooner, reached_words(got),
                    [*conditions_of(got), *_reached_via(got)], "recommendations", i,
                )  # fmt: skip
            elif want.urgency is not None and not got.urgency.no_slower_than(want.urgency):
                yield self._failure(
                    "too-slow", want.id, f"{want.urgency.label} or sooner", got.urgency.label,
                    _reached_via(got), "recommendations", i,
                )  # fmt: skip

    def _conditional(self) -> Iterator[Failure]:
        for i, rec_id in enumerate(self.expect.conditional):
            got = given(self.result, rec_id)
            if got is None:
                yield self._failure(
                    "missing", rec_id, "reached conditionally", "not reached",
                    self._why_not_reached(rec_id), "conditional", i,
                )  # fmt: skip
            elif got.certainty == "definite":
                yield self._failure(
                    "definite", rec_id, "reached conditionally", reached_words(got),
                    _reached_via(got), "conditional", i,
                )  # fmt: skip

    def _absent(self) -> Iterator[Failure]:
        for i, rec_id in enumerate(self.expect.absent):
            got = given(self.result, rec_id)
            if got is not None:
                notes = [*conditions_of(got), *_reached_via(got)]
                yield self._failure(
                    "unexpected", rec_id, "not reached", reached_words(got), notes, "absent", i
                )

    def _facts(self) -> Iterator[Failure]:
        for name, want in self.expect.facts.items():
            got = self.result.facts.get(name)
            if got is None and want is not None:
                notes = [*self._open_fact(name), *self._stops()]
                yield self._failure(
                    "fact", name, as_written(want), "not concluded", notes, "facts", name
                )
            elif got is not None and (want is None or not same_value(want, got.value)):
                expected = "not concluded" if want is None else as_written(want)
                yield self._failure(
                    "fact", name, expected, as_written(got.value), _concluded_at(got), "facts", name
                )

    def _needs(self) -> Iterator[Failure]:
        fields = [need.field for need in self.result.needs]
        for i, wanted in enumerate(self.expect.needs):
            if not any(needs_match(wanted, found) for found in fields):
                notes = ["needed: " + ", ".join(fields)] if fields else ["no data was needed"]
                yield self._failure(
                    "need", wanted, "reported as needed", "not needed", notes, "needs", i
                )

    def _complete(self) -> Iterator[Failure]:
        want = self.expect.complete
        if want is None or want == self.result.complete:
            return
        notes = self._stops() or ["every stage walked to an end"]
        yield self._failure(
            "complete",
            "complete",
            as_written(want),
            as_written(self.result.complete),
            notes,
            "complete",
        )

    def _why_not_reached(self, rec_id: str) -> list[str]:
        reached = [f"  {r.id} ({_how(r)})" for r in self.result.recommendations]
        notes = ["reached instead:", *reached] if reached else ["no recommendation was reached"]
        for stage, node in _given_at(self.pathway, rec_id):
            notes.append(f"'{rec_id}' is given at {stage}/{node}; the walk of {stage} went:")
            taken = [_trace_line(s) for s in self.result.trace if s.stage == stage]
            notes += [f"  {line}" for line in taken if line] or ["  (not walked)"]
        return notes + self._stops()

    def _open_fact(self, name: str) -> list[str]:
        """The values the possible paths concluded for a fact they do not agree on."""
        visited = {(s.stage, s.node) for s in self.result.trace}
        seen = sorted(
            f"  {name} = {as_written(step.value)} ({stage.id}/{node})"
            for stage in self.pathway.stages
            for node, step in stage.steps.items()
            if isinstance(step, Conclude) and step.fact == name and (stage.id, node) in visited
        )
        return ["the possible paths do not all conclude the same:", *seen] if seen else []

    def _stops(self) -> list[str]:
        notes = []
        for stage in self.result.stages:
            if stage.status != "stopped":
                continue
            fields = [
                n.field
                for n in self.result.needs
                if n.stage == stage.id and n.node == stage.stopped_at
            ]
            needed = "; data needed: " + ", ".join(fields) if fields else ""
            notes.append(f"stage {stage.id} stopped at {stage.stopped_at}{needed}")
        return notes


def _given_at(pathway: Pathway, rec_id: str) -> list[tuple[str, str]]:
    """The (stage, node) pairs that give a recommendation."""
    return [
        (stage.id, node)
        for stage in pathway.stages
        for node, step in stage.steps.items()
        if rec_id in step_recommendations(step)
    ]


def given(result: Evaluation, rec_id: str) -> Recommendation | None:
    """The recommendation with this id, its definite giving first when the walk gave it twice."""
    found = [rec for rec in result.recommendations if rec.id == rec_id]
    return next((rec for rec in found if rec.certainty == "definite"), None) or next(
        iter(found), None
    )


def reached_words(rec: Recommendation) -> str:
    """'reached definitely (immediately)' or 'reached conditionally (…), only if …'."""
    head = f"reached {rec.certainty}ly ({rec.urgency.label})"
    if rec.certainty == "conditional" and rec.summary_if:
        return f"{head}, only {rec.summary_if}"
    return head


def _how(rec: Recommendation) -> str:
    return rec.urgency.label + (", conditionally" if rec.certainty == "conditional" else "")


def conditions_of(rec: Recommendation) -> list[str]:
    """For a conditional recommendation, the ways the missing data would lead to it."""
    if rec.certainty != "conditional":
        return []
    notes = ["given only when the missing data turns out so:"]
    for number, assumptions in enumerate(rec.when):
        lead = "  " if number == 0 else "  or "
        parts = []
        for made in assumptions:
            text = f"{made.stage}/{made.node} → {made.taken}"
            if made.condition:
                text += f": {_short(made.condition)}"
            if made.fields:
                more = len(made.fields) - _FIELDS_SHOWN
                shown = ", ".join(made.fields[:_FIELDS_SHOWN])
                text += f" [missing: {shown}{f' and {more} more' if more > 0 else ''}]"
            parts.append(text)
        notes.append(lead + " and ".join(parts))
    return notes


def _short(condition: str) -> str:
    text = " ".join(condition.split())
    return text if len(text) <= _MAX_CONDITION else text[: _MAX_CONDITION - 1] + "…"


def _reached_via(rec: Recommendation) -> list[str]:
    """The decisions taken to a recommendation, and the facts it relied on, one per line."""
    notes = ["reached via:"]
    notes += [f"  {_reason_line(r)}" for r in rec.reasons if r.kind != "rationale"]
    if rec.facts:
        facts = ", ".join(
            f"{f.name} = {as_written(f.value)} ({f.stage}/{f.node})" for f in rec.facts
        )
        notes.append(f"  facts relied on: {facts}")
    return notes


def _concluded_at(fact: FactValue) -> list[str]:
    notes = [f"concluded at {fact.stage}/{fact.node}: {fact.because}"]
    return notes + [f"  {_reason_line(r)}" for r in fact.reasons]


def _reason_line(reason: Reason) -> str:
    line = f"{reason.stage}/{reason.node} → {reason.taken}"
    if reason.kind == "checklist" or reason.taken.startswith("branch"):
        line += _decisive(reason.checks)
    return line


def _trace_line(step: TraceStep) -> str | None:
    """One line per decision or checklist the walk made in a stage; None for the others."""
    if step.kind not in ("decide", "checklist"):
        return None
    line = f"{step.stage}/{step.node} → {step.outcome}"
    decisive = step.kind == "decide" and step.outcome != "otherwise"
    return line + (_decisive(step.checks) if decisive else "")


def _decisive(checks: list[Check]) -> str:
    """The last condition evaluated (the one that decided), with the values it read."""
    if not checks:
        return ""
    last = checks[-1]
    text = _short(last.condition)
    values = "; ".join(v.text for v in last.values)
    return f": {text} is {last.result}" + (f" [{values}]" if values else "")


def needs_match(expected: str, field: str) -> bool:
    """Whether a needed field reported by an evaluation satisfies an expected path.

    ``history.cancers[].type`` (or ``history.cancers.type``) matches the field
    in any item; ``history.cancers[1].type`` only in the second; a path also
    matches the fields inside it (``labs.calcium`` matches ``labs.calcium.flag``).

    Example:
        >>> needs_match("history.cancers[].type", "history.cancers[2].type")
        True
        >>> needs_match("history.cancers[0].type", "history.cancers[2].type")
        False
    """
    if re.search(r"\[\d+\]", expected):
        target, probe = expected, field
    else:
        target, probe = _drop_index(expected), _drop_index(field)
    return probe == target or probe.startswith((target + ".", target + "["))


def _drop_index(path: str) -> str:
    return re.sub(r"\[\d*\]", "", path)


def same_value(expected: object, got: object) -> bool:
    """Equality where true is not 1 and false is not 0."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(expected) is type(got) and expected == got
    return expected == got
