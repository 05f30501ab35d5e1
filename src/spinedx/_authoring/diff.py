"""Two versions of a pathway side by side: what changed in the files, and for which patients.

A guideline committee approving a change needs two answers. *What did the
authors change?* — stages, nodes, branches, conditions, targets, actions,
urgencies, sources, facts — is :func:`structural_changes`, which compares the
compiled stages node by node. *What does it change for patients?* is
:func:`diff_pathways` with scenario patients: each patient is evaluated by
both versions, and every recommendation that appears, disappears, changes
urgency, changes between definite and conditional (given whatever the missing
data turns out to be, or only for some values) or changes wording is listed
with the reasons on each side (the decisions taken, with the conditions as
written and the values they read). A change that may leave a patient with
less, later or less certain care is *safety-relevant*.
The file changes are computed in ``_diff_structure``; the reports for people
are in ``_diff_report``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from spinedx._authoring.diff_structure import Change, structural_changes
from spinedx._compiled import Checklist, Decide, Urgency
from spinedx._diagnostics import Diagnostic, PatientError, Span, describe_value, diagnostic
from spinedx._documents import (
    YMap,
    YNode,
    YScalar,
    files_in,
    read_yaml,
    to_plain,
    validate_record,
)
from spinedx._evaluation import Check, Evaluation, PathwayRef, Recommendation
from spinedx._pathway import Pathway


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


RecChangeKind = Literal[
    "appears", "disappears", "sooner", "later", "now-conditional", "now-definite", "reworded"
]
"""``now-conditional``: given definitely before and only for some values of the missing
data after; ``now-definite`` the other way round."""

SAFETY_RELEVANT: frozenset[RecChangeKind] = frozenset({"disappears", "later", "now-conditional"})
"""Changes that can leave a patient with less, later or less certain care than before."""


class Decision(_Model):
    """One decision (or checklist) on the walk, as it was taken, with its conditions."""

    stage: str
    node: str
    question: str
    taken: str
    checks: list[Check]


class Side(_Model):
    """One version's answer for one recommendation: reached or not, and why.

    ``certainty`` is None when not reached; ``condition`` says, for a
    conditional recommendation, on what it depends, in a clinician's words.
    """

    reached: bool
    urgency: Urgency | None = None
    action: str | None = None
    certainty: Literal["definite", "conditional"] | None = None
    condition: str | None = None
    decisions: list[Decision]
    note: str | None = None


class RecChange(_Model):
    """One recommendation that one scenario patient gets differently."""

    id: str
    change: RecChangeKind
    stage: str
    old: Side
    new: Side

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented pattern
    @property
    def safety_relevant(self) -> bool:
        """Whether the patient may now get less, later or less certain care."""
        return self.change in SAFETY_RELEVANT


class ScenarioDiff(_Model):
    """How one scenario patient fares under each version."""

    file: str
    name: str
    changes: list[RecChange]
    unchanged: list[str]
    needs_added: list[str]
    needs_removed: list[str]
    visited: list[str] = Field(
        default_factory=list,
        description="'stage/node' of every node either version's walk visited for this patient.",
    )
    diagnostics: list[Diagnostic] = Field(
        default_factory=list,
        description="Why the patient could not be evaluated, at its place in the file.",
    )

    @property
    def failed(self) -> bool:
        """Whether the patient could not be evaluated by both versions, so was not compared."""
        return bool(self.diagnostics)

    @property
    def changed(self) -> bool:
        """Whether the patient gets any different recommendation or data request."""
        return bool(self.changes or self.needs_added or self.needs_removed)


class PathwayDiff(_Model):
    """The whole review: both versions, the file changes, and every scenario patient."""

    old: PathwayRef
    new: PathwayRef
    structural: list[Change]
    scenarios: list[ScenarioDiff]
    scenario_folder: str | None = None


def diff_pathways(
    old: Pathway, new: Pathway, scenarios: Sequence[str | os.PathLike[str]] = ()
) -> PathwayDiff:
    """Compare two versions of a pathway, in structure and for each scenario patient.

    Args:
        old: The version in use.
        new: The proposed version.
        scenarios: Scenario files (YAML with a ``patient:`` block) or plain
            patient files; each is evaluated by both versions.

    Example:
        >>> from spinedx import load_pathway
        >>> same = load_pathway("pathways/spinal_tumor")
        >>> diff_pathways(same, same).structural
        []
    """
    compared = [diff_scenario(old, new, file) for file in scenarios]
    structural = list(structural_changes(old, new))
    if compared:
        structural = [_count_patients(change, compared) for change in structural]
    return PathwayDiff(old=_ref(old), new=_ref(new), structural=structural, scenarios=compared)


def _count_patients(change: Change, compared: Sequence[ScenarioDiff]) -> Change:
    """A node change with the number of scenario patients whose walk passes the node."""
    if change.stage is None or change.node is None:
        return change
    where = f"{change.stage}/{change.node}"
    count = sum(1 for scenario in compared if where in scenario.visited)
    return change.model_copy(update={"patients": count})


PATIENT_SUFFIXES = (".yaml", ".yml", ".json")


def scenario_files_in(folder: str | os.PathLike[str]) -> list[Path]:
    """The YAML and JSON files directly inside ``folder``, sorted by name.

    Raises:
        PathwayError: SPX100 when the folder cannot be read.
    """
    return files_in(folder, PATIENT_SUFFIXES)


# --------------------------------------------------------------- behaviour


def diff_scenario(old: Pathway, new: Pathway, file: str | os.PathLike[str]) -> ScenarioDiff:
    """Evaluate one scenario patient with both versions and list what differs.

    A patient that either version cannot evaluate is not compared: its
    diagnostics, located in its file, say why.
    """
    name, results, problems = _evaluate_both(old, new, file)
    if problems or len(results) != 2:
        return ScenarioDiff(
            file=str(file),
            name=name,
            changes=[],
            unchanged=[],
            needs_added=[],
            needs_removed=[],
            diagnostics=problems,
        )
    before, after = results
    changes, unchanged = _rec_changes(old, new, before, after)
    old_needs = [n.field for n in before.needs]
    new_needs = [n.field for n in after.needs]
    return ScenarioDiff(
        file=str(file),
        name=name,
        changes=changes,
        unchanged=unchanged,
        needs_added=[f for f in new_needs if f not in old_needs],
        needs_removed=[f for f in old_needs if f not in new_needs],
        visited=sorted({f"{s.stage}/{s.node}" for s in [*before.trace, *after.trace]}),
    )


def _evaluate_both(
    old: Pathway, new: Pathway, file: str | os.PathLike[str]
) -> tuple[str, list[Evaluation], list[Diagnostic]]:
    """The scenario's name, each version's result, and every error that stopped one."""
    tree, problems, text = read_yaml(file)
    errors = [d for d in problems if d.is_error]
    name = _scenario_name(tree, Path(file).stem)
    if errors:
        return name, [], errors
    patient = _patient_node(tree)
    if not isinstance(patient, YMap):
        return name, [], [_not_a_mapping(patient, str(file))]
    results: list[Evaluation] = []
    for pathway in (old, new):
        try:
            record = validate_record(
                pathway.record_model, to_plain(patient), file=str(file), tree=patient, text=text
            )
            results.append(pathway.evaluate(record))
        except PatientError as error:
            errors += [d for d in error.diagnostics if _not_in(d, errors)]
    return name, results, errors


def _scenario_name(tree: YNode | None, stem: str) -> str:
    """A scenario's ``name:`` on one line, or the file's stem for a plain patient file."""
    node = tree.get("name") if isinstance(tree, YMap) else None
    name = node.value if isinstance(node, YScalar) else None
    return " ".join(name.split()) if isinstance(name, str) and name.strip() else stem


def _patient_node(tree: YNode | None) -> YNode | None:
    """A scenario file's ``patient:`` block, or the whole of a plain patient file."""
    block = tree.get("patient") if isinstance(tree, YMap) else None
    return tree if block is None else block


def _not_a_mapping(patient: YNode | None, file: str) -> Diagnostic:
    """Refused here, not by validation: a text given as a record would be read as its file."""
    found = describe_value(to_plain(patient))
    span = patient.span if patient is not None else Span.at(file, 1, 1)
    return diagnostic(
        "SPX501",
        f"a patient must be a mapping of record fields, found {found}",
        span,
        hint="write the fields under 'patient:', e.g. 'history: {age: 55}'",
    )


def _not_in(found: Diagnostic, known: Sequence[Diagnostic]) -> bool:
    """Two versions with the same record model refuse a patient once, not twice."""
    return all(found.sort_key() != other.sort_key() for other in known)


def _rec_changes(
    old: Pathway, new: Pathway, before: Evaluation, after: Evaluation
) -> tuple[list[RecChange], list[str]]:
    was = _first_by_id(before.recommendations)
    now = _first_by_id(after.recommendations)
    changes: list[RecChange] = []
    unchanged: list[str] = []
    for rec_id, rec in was.items():
        other = now.get(rec_id)
        kind: RecChangeKind
        if other is None:
            kind = "disappears"
            new_side = why_not(new, after, rec.stage)
        else:
            new_side = reached(other)
            if other.certainty != rec.certainty:
                kind = "now-conditional" if other.certainty == "conditional" else "now-definite"
            elif other.urgency != rec.urgency:
                kind = "sooner" if other.urgency.rank < rec.urgency.rank else "later"
            elif other.action != rec.action:
                kind = "reworded"
            else:
                unchanged.append(rec_id)
                continue
        changes.append(
            RecChange(id=rec_id, change=kind, stage=rec.stage, old=reached(rec), new=new_side)
        )
    for rec_id, rec in now.items():
        if rec_id not in was:
            changes.append(
                RecChange(
                    id=rec_id,
                    change="appears",
                    stage=rec.stage,
                    old=why_not(old, before, rec.stage),
                    new=reached(rec),
                )
            )
    return changes, unchanged


def _first_by_id(recs: Sequence[Recommendation]) -> dict[str, Recommendation]:
    """Each id once, in order: its definite giving when the walk gave it twice."""
    found: dict[str, Recommendation] = {}
    for rec in recs:
        earlier = found.get(rec.id)
        if earlier is None or (earlier.certainty, rec.certainty) == ("conditional", "definite"):
            found[rec.id] = rec
    return found


def reached(rec: Recommendation) -> Side:
    """A recommendation reached, with the decisions (and checklist item) that led to it."""
    return Side(
        reached=True,
        urgency=rec.urgency,
        action=rec.action,
        certainty=rec.certainty,
        condition=rec.summary_if if rec.certainty == "conditional" else None,
        decisions=[
            Decision(
                stage=r.stage, node=r.node, question=r.question, taken=r.taken, checks=r.checks
            )
            for r in rec.reasons
            if r.kind != "rationale"
        ],
    )


def why_not(pathway: Pathway, result: Evaluation, stage_id: str) -> Side:
    """A recommendation not reached: how the walk went in the stage that would give it."""
    stage = next((s for s in pathway.stages if s.id == stage_id), None)
    if stage is None:
        return Side(reached=False, decisions=[], note=f"this version has no stage '{stage_id}'")
    decisions: list[Decision] = []
    for step in result.trace:
        node = stage.steps.get(step.node) if step.stage == stage_id else None
        if isinstance(node, Decide | Checklist):
            question = node.question if isinstance(node, Decide) else node.title
            decisions.append(
                Decision(
                    stage=step.stage,
                    node=step.node,
                    question=question,
                    taken=step.outcome,
                    checks=step.checks,
                )
            )
    stopped = next((s.stopped_at for s in result.stages if s.id == stage_id), None)
    note = f"the walk stopped at '{stopped}' for missing data" if stopped else None
    if not decisions and note is None:
        note = "no decision of this stage was visited"
    return Side(reached=False, decisions=decisions, note=note)


def _ref(pathway: Pathway) -> PathwayRef:
    return PathwayRef(
        id=pathway.id, version=pathway.version, title=pathway.title, digest=pathway.digest
    )
