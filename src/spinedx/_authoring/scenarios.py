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
from pathlib import Path

from pydantic import BaseModel, ValidationError

from spinedx._authoring.scenario_checks import check_expectations, duplicate_names
from spinedx._authoring.scenario_models import (
    SCENARIO_FOLDER,
    SCENARIO_SUFFIXES,
    Expectations,
    Scenario,
    ScenarioHeader,
)
from spinedx._diagnostics import Diagnostic, PathwayError, Span, diagnostic
from spinedx._documents import (
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
from spinedx._pathway import Pathway, load_pathway


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
    loaded = as_pathway(pathway)
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
    problems += duplicate_names(scenarios)
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


def as_pathway(pathway: Pathway | str | os.PathLike[str]) -> Pathway:
    """The pathway itself, or the pathway loaded from its folder."""
    return pathway if isinstance(pathway, Pathway) else load_pathway(pathway)


def _read_scenario(pathway: Pathway, file: Path) -> tuple[Scenario | None, list[Diagnostic], str]:
    tree, problems, text = read_yaml(file)
    if tree is None or any(d.is_error for d in problems):
        return None, problems, text
    name = str(file)
    spans = Spans(tree, name)
    data = to_plain(tree)
    header, found = validate_document(ScenarioHeader, data, spans, ())
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
        out += check_expectations(pathway, expect, spans)
    return expect
