"""Scenario expectations checked against the pathway, so a misspelt id fails at load.

Every recommendation id, fact (and its value's type) and record field that a
scenario expects must exist in the pathway; each that does not is a located
SPX6xx diagnostic with a hint.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from spinedx._authoring.scenario_models import Expectations, Scenario
from spinedx._compiled import Step
from spinedx._conditions import check_value, fact_type
from spinedx._diagnostics import Diagnostic, PathPart, diagnostic, did_you_mean, suggest
from spinedx._documents import Spans
from spinedx._pathway import Pathway


def check_expectations(pathway: Pathway, expect: Expectations, spans: Spans) -> list[Diagnostic]:
    return [
        *_unknown_recommendations(pathway, expect, spans),
        *_conflicts(expect, spans),
        *_bad_facts(pathway, expect, spans),
        *_unknown_needs(pathway, expect, spans),
    ]


def recommendation_ids(pathway: Pathway) -> list[str]:
    """Every recommendation id the pathway can give, in stage and file order, once each."""
    found: dict[str, None] = {}
    for stage in pathway.stages:
        for step in stage.steps.values():
            found.update(dict.fromkeys(step_recommendations(step)))
    return list(found)


def step_recommendations(step: Step) -> list[str]:
    """The ids of the recommendations one step can give."""
    return [rec.id for rec in step.recs()]


def _unknown_recommendations(
    pathway: Pathway, expect: Expectations, spans: Spans
) -> Iterator[Diagnostic]:
    known = recommendation_ids(pathway)
    wanted: list[tuple[str, tuple[PathPart, ...]]] = [
        (rec.id, ("expect", "recommendations", i, "id"))
        for i, rec in enumerate(expect.recommendations)
    ]
    for key, ids in (("conditional", expect.conditional), ("absent", expect.absent)):
        wanted += [(rec_id, ("expect", key, i)) for i, rec_id in enumerate(ids)]
    for rec_id, path in wanted:
        if rec_id in known:
            continue
        near = suggest(rec_id, known, otherwise="recommendations: " + ", ".join(known))
        yield diagnostic(
            "SPX602",
            f"the pathway has no recommendation '{rec_id}'",
            spans.value(path),
            path=path,
            hint=near.hint,
            suggestion=near.value,
        )


def _conflicts(expect: Expectations, spans: Spans) -> Iterator[Diagnostic]:
    """An id in two of the three lists: each list says something the others contradict."""
    definite = {rec.id for rec in expect.recommendations}
    conditional = set(expect.conditional)
    for i, rec_id in enumerate(expect.conditional):
        if rec_id in definite:
            path = ("expect", "conditional", i)
            yield diagnostic(
                "SPX608",
                f"'{rec_id}' is listed both under 'recommendations' (definitely given) "
                "and under 'conditional' (given only for some values of the missing data)",
                spans.value(path),
                path=path,
                hint="keep it in one of the two lists",
            )
    for i, rec_id in enumerate(expect.absent):
        other = (
            "recommendations" if rec_id in definite
            else "conditional" if rec_id in conditional
            else None
        )  # fmt: skip
        if other is not None:
            path = ("expect", "absent", i)
            yield diagnostic(
                "SPX606",
                f"'{rec_id}' is listed both under '{other}' and under 'absent'",
                spans.value(path),
                path=path,
                hint="keep it in one of the two lists",
            )


def _bad_facts(pathway: Pathway, expect: Expectations, spans: Spans) -> Iterator[Diagnostic]:
    declared = pathway.manifest.facts
    for name, value in expect.facts.items():
        path = ("expect", "facts", name)
        doc = declared.get(name)
        if doc is None:
            near = suggest(name, declared, otherwise="facts: " + ", ".join(declared))
            yield diagnostic(
                "SPX603",
                f"the pathway declares no fact '{name}'",
                spans.key(path),
                path=path,
                hint=near.hint,
                suggestion=near.value,
            )
            continue
        if value is None:  # null: the fact must not be concluded
            continue
        problem = check_value(value, fact_type(doc.type, doc.values))
        if problem is not None:
            yield diagnostic(
                "SPX603", f"fact '{name}': {problem}", spans.value(path), path=path,
                hint=_fact_hint(doc.type, doc.values, value),
            )  # fmt: skip


def _fact_hint(kind: str, values: Sequence[str] | None, value: object) -> str | None:
    if values:
        return "allowed values: " + ", ".join(values)
    if kind == "bool":
        return "write true or false, without quotes"
    if kind in ("number", "integer") and isinstance(value, str):
        return "write the number without quotes"
    return None


_FIELD_PATH = re.compile(r"[A-Za-z_]\w*(\[\d*\])*(\.[A-Za-z_]\w*(\[\d*\])*)*")


def _unknown_needs(pathway: Pathway, expect: Expectations, spans: Spans) -> Iterator[Diagnostic]:
    for i, wanted in enumerate(expect.needs):
        path = ("expect", "needs", i)
        problem, hint = _field_problem(pathway, wanted)
        if problem is not None:
            yield diagnostic("SPX604", problem, spans.value(path), path=path, hint=hint)
            continue
        problem, hint = _not_an_input(pathway, wanted)
        if problem is not None:
            yield diagnostic("SPX609", problem, spans.value(path), path=path, hint=hint)


def _not_an_input(pathway: Pathway, wanted: str) -> tuple[str | None, str | None]:
    """Why an existing field or fact can never be reported as needed: needs name inputs."""
    if wanted.startswith("facts."):
        return (
            f"'{wanted}' is a fact the pathway concludes; needs name record fields one can enter",
            "expect the record fields the decisions that conclude it read",
        )
    parts = [re.sub(r"\[\d*\]", "", part) for part in wanted.split(".")]
    spec = pathway.schema.lookup(parts)
    if spec is None or spec.inputs is None:
        return None, None
    holder = wanted.rpartition(".")[0]
    inputs = [".".join(filter(None, (holder, name))) for name in spec.inputs]
    hint = (
        "expect what it is computed from: " + ", ".join(inputs)
        if inputs
        else "expect the fields it is computed from"
    )
    return f"'{wanted}' is computed by the record; needs name the fields one can enter", hint


def _field_problem(pathway: Pathway, wanted: str) -> tuple[str | None, str | None]:
    """Why ``wanted`` is neither a record field nor ``facts.<declared fact>``, with a hint."""
    if wanted.startswith("facts."):
        name = wanted.removeprefix("facts.")
        if name in pathway.manifest.facts:
            return None, None
        hint = suggest(name, pathway.manifest.facts, prefix="facts.").hint
        return f"the pathway declares no fact '{name}'", hint
    if not _FIELD_PATH.fullmatch(wanted):
        return (
            f"'{wanted}' is not a field path",
            "write it as in a condition, e.g. 'history.night_pain' or 'history.cancers[].type'",
        )
    parts = [re.sub(r"\[\d*\]", "", part) for part in wanted.split(".")]
    if pathway.schema.lookup(parts) is not None:
        return None, None
    near = pathway.schema.suggest(parts)
    return f"the record has no field '{wanted}'", did_you_mean(near) if near else None


def duplicate_names(scenarios: Sequence[Scenario]) -> Iterator[Diagnostic]:
    first: dict[str, Scenario] = {}
    for scenario in scenarios:
        earlier = first.setdefault(scenario.name, scenario)
        if earlier is not scenario:
            yield diagnostic(
                "SPX605",
                f"the scenario name '{scenario.name}' is already used",
                scenario.where("name"),
                path=("name",),
                hint=f"'{Path(earlier.file).name}' has the same name; give each scenario its own",
            )
