"""Scenarios: example patients beside a pathway, with what they must (and must not) get.

A scenario file lives in ``<pathway>/scenarios/`` and holds one example
patient and the expectations for it. Loading reads it with the strict YAML
reader, checks its shape with frozen document models, validates the patient
against the pathway's own record model, and checks every expectation against
the pathway (recommendation ids, facts and their types, record fields), so a
misspelt id fails when the scenario is loaded rather than passing silently
when it is run. Every problem, in every file, is reported at once.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, ValidationError

from spinedx._compiled import Checklist, Recommend, Step, Urgency
from spinedx._conditions import check_value, closest, fact_type
from spinedx._diagnostics import Diagnostic, PathPart, PathwayError, Span, diagnostic
from spinedx._documents import (
    DocumentModel,
    FactName,
    RecId,
    Spans,
    YMap,
    YScalar,
    document_error,
    files_in,
    is_folder,
    read_yaml,
    to_plain,
    validate_document,
)
from spinedx._pathway import Pathway

SCENARIO_FOLDER = "scenarios"
SCENARIO_SUFFIXES = (".yaml", ".yml")


def _one_line(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if "\n" in value:
        raise ValueError("must be one line; put longer notes in a YAML comment")
    return value


OneLine = Annotated[str, StringConstraints(max_length=1_000), AfterValidator(_one_line)]
FieldPath = Annotated[str, StringConstraints(min_length=1, max_length=500)]
FactValue = str | bool | int | float | None


class ExpectedRecommendation(DocumentModel):
    """A recommendation that must be reached, no slower than ``urgency`` when given."""

    id: RecId
    urgency: Urgency | None = None


class Expectations(DocumentModel):
    """What a scenario's patient must get; every key is optional."""

    recommendations: list[ExpectedRecommendation] = Field(default_factory=list)
    absent: list[RecId] = Field(default_factory=list)
    facts: dict[FactName, object] = Field(default_factory=dict)
    needs: list[FieldPath] = Field(default_factory=list)
    complete: bool | None = None


class _Header(DocumentModel):
    """A scenario file around its patient and expectations, which are checked on their own."""

    name: OneLine
    summary: OneLine
    patient: dict[str, object]
    expect: dict[str, object]


@dataclass(frozen=True)
class Scenario:
    """One example patient and what the pathway must give for it.

    Build it with :func:`load_scenarios`. ``where`` locates a part of the
    scenario file, e.g. ``scenario.where("expect", "facts", "suspicion")``.
    """

    name: str
    summary: str
    file: str
    patient: BaseModel
    expect: Expectations
    _spans: Spans = field(repr=False, compare=False)

    def where(self, *path: PathPart) -> Span:
        """The span of a part of the scenario file (of its nearest enclosing part)."""
        return self._spans.value(path)


def scenario_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The scenario files directly inside ``folder``, sorted by name.

    Raises:
        PathwayError: SPX100 when the folder exists but cannot be read.
    """
    return files_in(folder, SCENARIO_SUFFIXES) if is_folder(folder) else []


def load_scenarios(
    pathway: Pathway | str | os.PathLike[str],
    folder: str | os.PathLike[str] | None = None,
) -> list[Scenario]:
    """Load and check every scenario of a pathway.

    Args:
        pathway: The loaded pathway, or its folder (loaded first).
        folder: Where the scenario files are; by default ``scenarios/`` beside
            the pathway's manifest.

    Raises:
        PathwayError: With every problem in every scenario file, located and
            coded (SPX1xx YAML, SPX2xx shape, SPX6xx references), or SPX607
            when the folder holds no scenario.

    Example:
        >>> scenarios = load_scenarios("pathways/spinal_tumor")
        >>> all(s.name and s.summary for s in scenarios)
        True
    """
    loaded = _as_pathway(pathway)
    where = Path(folder) if folder is not None else default_folder(loaded)
    files = scenario_files(where)
    if not files:
        raise PathwayError(
            [
                diagnostic(
                    "SPX607",
                    f"no scenario files (*.yaml) in '{where}'",
                    Span.at(str(where), 1, 1),
                    hint="write one scenario per file in the pathway's 'scenarios/' folder",
                )
            ]
        )
    scenarios: list[Scenario] = []
    problems: list[Diagnostic] = []
    texts: dict[str, str] = {}
    for file in files:
        scenario, found, text = _read_scenario(loaded, file)
        texts[str(file)] = text
        problems += found
        if scenario is not None:
            scenarios.append(scenario)
    problems += _duplicate_names(scenarios)
    if any(d.is_error for d in problems):
        raise PathwayError(problems, texts)
    return scenarios


def load_scenario(pathway: Pathway, file: str | os.PathLike[str]) -> Scenario:
    """Load and check one scenario file.

    Raises:
        PathwayError: With every problem in the file.
    """
    scenario, problems, text = _read_scenario(pathway, Path(file))
    if scenario is None or any(d.is_error for d in problems):
        raise PathwayError(problems, {os.fspath(file): text})
    return scenario


def default_folder(pathway: Pathway) -> Path:
    """``scenarios/`` beside the pathway's manifest."""
    return pathway.source.parent / SCENARIO_FOLDER


def scenario_name(file: str | os.PathLike[str]) -> str | None:
    """The ``name:`` of a scenario file when it can be read at a glance, else None."""
    tree, _, _ = read_yaml(file)
    node = tree.get("name") if isinstance(tree, YMap) else None
    if isinstance(node, YScalar) and isinstance(node.value, str) and node.value.strip():
        return " ".join(node.value.split())
    return None


def _as_pathway(pathway: Pathway | str | os.PathLike[str]) -> Pathway:
    if isinstance(pathway, Pathway):
        return pathway
    from spinedx._pathway import load_pathway  # noqa: PLC0415  (loading is a higher layer)  # noqa: PLC0415  (loading is a higher layer

    return load_pathway(pathway)


def _read_scenario(pathway: Pathway, file: Path) -> tuple[Scenario | None, list[Diagnostic], str]:
    tree, problems, text = read_yaml(file)
    if tree is None or any(d.is_error for d in problems):
        return None, problems, text
    name = str(file)
    spans = Spans(tree, name)
    data = to_plain(tree)
    header, found = validate_document(_Header, data, spans, ())
    problems += found
    raw = data if isinstance(data, dict) else {}
    patient = _patient(pathway, raw.get("patient"), spans, problems)
    expect = _expectations(pathway, raw.get("expect"), spans, problems)
    if header is None or patient is None or expect is None:
        return None, problems, text
    scenario = Scenario(header.name, header.summary, name, patient, expect, spans)
    return scenario, problems, text


def _patient(
    pathway: Pathway, data: object, spans: Spans, out: list[Diagnostic]
) -> BaseModel | None:
    """The patient as a record, each problem an SPX601 located in the scenario file."""
    if not isinstance(data, dict):
        return None  # the header's own check reports it
    model = pathway.record_model
    try:
        return model.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as error:
        for err in error.errors(include_url=False):
            found = document_error(err, ("patient",), spans, model, code_override="SPX601")
            loc = [str(part) for part in err["loc"] if isinstance(part, str)]
            if err["type"] == "extra_forbidden" and pathway.schema.lookup(loc) is not None:
                # The schema knows the name, so it is a computed field: conditions read it,
                # but it is worked out from other fields and cannot be given.
                where = ".".join(("patient", *loc))
                found = found.model_copy(
                    update={
                        "message": f"'{where}' is computed by the record and cannot be given",
                        "hint": "give the fields it is computed from instead",
                    }
                )
            out.append(found)
        return None


def _expectations(
    pathway: Pathway, data: object, spans: Spans, out: list[Diagnostic]
) -> Expectations | None:
    if not isinstance(data, dict):
        return None
    data = dict(data)
    recs = data.get("recommendations")
    if isinstance(recs, list):  # a bare id is shorthand for {id: ...}
        data["recommendations"] = [{"id": r} if isinstance(r, str) else r for r in recs]
    expect, found = validate_document(Expectations, data, spans, ("expect",))
    out += found
    if expect is not None:
        out += _check_references(pathway, expect, spans)
    return expect


def _check_references(pathway: Pathway, expect: Expectations, spans: Spans) -> list[Diagnostic]:
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
    if isinstance(step, Recommend):
        return [step.rec.id]
    if isinstance(step, Checklist):
        return [item.rec.id for item in step.items]
    return []


def _unknown_recommendations(
    pathway: Pathway, expect: Expectations, spans: Spans
) -> Iterator[Diagnostic]:
    known = recommendation_ids(pathway)
    wanted: list[tuple[str, tuple[PathPart, ...]]] = [
        (rec.id, ("expect", "recommendations", i, "id"))
        for i, rec in enumerate(expect.recommendations)
    ]
    wanted += [(rec_id, ("expect", "absent", i)) for i, rec_id in enumerate(expect.absent)]
    for rec_id, path in wanted:
        if rec_id in known:
            continue
        near = closest(rec_id, known)
        yield diagnostic(
            "SPX602",
            f"the pathway has no recommendation '{rec_id}'",
            spans.value(path),
            path=path,
            hint=f"did you mean '{near}'?" if near else "recommendations: " + ", ".join(known),
        )


def _conflicts(expect: Expectations, spans: Spans) -> Iterator[Diagnostic]:
    required = {rec.id for rec in expect.recommendations}
    for i, rec_id in enumerate(expect.absent):
        if rec_id in required:
            path = ("expect", "absent", i)
            yield diagnostic(
                "SPX606",
                f"'{rec_id}' is listed both under 'recommendations' and under 'absent'",
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
            near = closest(name, declared)
            yield diagnostic(
                "SPX603",
                f"the pathway declares no fact '{name}'",
                spans.key(path),
                path=path,
                hint=f"did you mean '{near}'?" if near else "facts: " + ", ".join(declared),
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


def _field_problem(pathway: Pathway, wanted: str) -> tuple[str | None, str | None]:
    """Why ``wanted`` is neither a record field nor ``facts.<declared fact>``, with a hint."""
    if wanted.startswith("facts."):
        name = wanted.removeprefix("facts.")
        if name in pathway.manifest.facts:
            return None, None
        near = closest(name, pathway.manifest.facts)
        hint = f"did you mean 'facts.{near}'?" if near else None
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
    return (
        f"the record has no field '{wanted}'",
        f"did you mean '{near}'?" if near else None,
    )


def _duplicate_names(scenarios: Sequence[Scenario]) -> Iterator[Diagnostic]:
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
