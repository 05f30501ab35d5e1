"""What changed in the files between two versions of a pathway: manifest, stages, nodes.

Each change says what changed in the words of the pathway format ("condition
of branch 2 changed", "urgency changed", "item added"), with the old and the
new text. Branches are matched by their condition text first (so a branch
moved up is "reordered", not "changed twice"), then by target, then in order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pydantic import BaseModel, ConfigDict, Field

from spinedx._compiled import (
    Branch,
    Checklist,
    Conclude,
    Decide,
    End,
    Recommend,
    RecSpec,
    Stage,
    Step,
)
from spinedx._diagnostics import as_written
from spinedx._pathway import Pathway

Triple = tuple[str, str | None, str | None]


class Change(BaseModel):
    """One change in the pathway files; ``stage`` and ``node`` are None for the manifest."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: str | None
    node: str | None
    what: str
    old: str | None = None
    new: str | None = None
    patients: int | None = Field(
        None,
        description="How many scenario patients' walks pass this node (None: not counted).",
    )


def structural_changes(old: Pathway, new: Pathway) -> Iterator[Change]:
    """Every change in the manifest and the stages, in manifest then stage order."""
    yield from _manifest_changes(old, new)
    old_stages = {s.id: s for s in old.stages}
    new_stages = {s.id: s for s in new.stages}
    for stage in new.stages:
        before = old_stages.get(stage.id)
        if before is None:
            yield Change(stage=stage.id, node=None, what="stage added", new=_stage_summary(stage))
            continue
        if (before.title or None) != (stage.title or None):
            yield Change(
                stage=stage.id,
                node=None,
                what="stage title changed",
                old=before.title,
                new=stage.title,
            )
        if before.start != stage.start:
            yield Change(
                stage=stage.id,
                node=None,
                what="start node changed",
                old=before.start,
                new=stage.start,
            )
        for node_id, step in before.steps.items():
            if node_id not in stage.steps:
                yield Change(
                    stage=stage.id, node=node_id, what="node removed", old=summary_of(step)
                )
        for node_id, step in stage.steps.items():
            was = before.steps.get(node_id)
            if was is None:
                yield Change(stage=stage.id, node=node_id, what="node added", new=summary_of(step))
            else:
                for what, was_text, now_text in node_changes(was, step):
                    yield Change(
                        stage=stage.id, node=node_id, what=what, old=was_text, new=now_text
                    )
    for stage in old.stages:
        if stage.id not in new_stages:
            yield Change(stage=stage.id, node=None, what="stage removed", old=_stage_summary(stage))


def _stage_summary(stage: Stage) -> str:
    count = len(stage.steps)
    return f"{stage.title or stage.id} ({count} node{'' if count == 1 else 's'})"


def _manifest_changes(old: Pathway, new: Pathway) -> Iterator[Change]:
    a, b = old.manifest, new.manifest
    for name in ("id", "version", "title", "description", "record"):
        if getattr(a, name) != getattr(b, name):
            yield Change(
                stage=None,
                node=None,
                what=f"{name} changed",
                old=_text(getattr(a, name)),
                new=_text(getattr(b, name)),
            )
    kept_old = [s.id for s in old.stages if s.id in {t.id for t in new.stages}]
    kept_new = [s.id for s in new.stages if s.id in {t.id for t in old.stages}]
    if kept_old != kept_new:
        yield Change(
            stage=None,
            node=None,
            what="stages reordered",
            old=" → ".join(kept_old),
            new=" → ".join(kept_new),
        )
    for kind, before, after in (
        ("fact", a.facts, b.facts),
        ("source", a.sources, b.sources),
    ):
        for key in before:
            if key not in after:
                yield Change(
                    stage=None,
                    node=None,
                    what=f"{kind} '{key}' removed",
                    old=_describe(before[key]),
                )
        for key, doc in after.items():
            if key not in before:
                yield Change(
                    stage=None, node=None, what=f"{kind} '{key}' added", new=_describe(doc)
                )
            elif before[key] != doc:
                yield Change(
                    stage=None,
                    node=None,
                    what=f"{kind} '{key}' changed",
                    old=_describe(before[key]),
                    new=_describe(doc),
                )


def _describe(doc: BaseModel) -> str:
    return "; ".join(
        f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
        for key, value in doc.model_dump(exclude_none=True).items()
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


# -------------------------------------------------------------------- nodes


def summary_of(step: Step) -> str:
    """One line saying what a node is and does."""
    match step:
        case Decide():
            return f"decision “{step.question}”"
        case Recommend():
            return f"recommendation {step.rec.id} [{step.rec.urgency.label}]: {step.rec.action}"
        case Conclude():
            return f"conclusion {step.fact} = {as_written(step.value)}"
        case Checklist():
            count = len(step.items)
            return f"checklist “{step.title}” with {count} item{'' if count == 1 else 's'}"
        case End():
            return "end" + (f": {step.note}" if step.note else "")


def node_changes(old: Step, new: Step) -> Iterator[Triple]:
    """Every change between two versions of the same node id."""
    if type(old) is not type(new):
        yield "node kind changed", summary_of(old), summary_of(new)
        return
    if isinstance(old, Decide) and isinstance(new, Decide):
        yield from _decision(old, new)
    elif isinstance(old, Recommend) and isinstance(new, Recommend):
        yield from rec_changes(old.rec, new.rec, "")
        yield from _same("next node changed", old.then, new.then)
    elif isinstance(old, Conclude) and isinstance(new, Conclude):
        yield from _same("fact changed", old.fact, new.fact)
        yield from _same("value changed", as_written(old.value), as_written(new.value))
        yield from _same("reason (because) changed", old.because, new.because)
        yield from _same("next node changed", old.then, new.then)
    elif isinstance(old, Checklist) and isinstance(new, Checklist):
        yield from _checklist(old, new)
    elif isinstance(old, End) and isinstance(new, End):
        yield from _same("end note changed", old.note, new.note)


def rec_changes(old: RecSpec, new: RecSpec, prefix: str) -> Iterator[Triple]:
    """Changes to what a recommendation says: id, action, urgency, reason, sources, codes."""
    yield from _same(f"{prefix}recommendation id changed", old.id, new.id)
    yield from _same(f"{prefix}action changed", old.action, new.action)
    yield from _same(f"{prefix}urgency changed", old.urgency.label, new.urgency.label)
    yield from _same(f"{prefix}reason (because) changed", old.because, new.because)
    yield from _same(f"{prefix}sources changed", _sources(old), _sources(new))
    yield from _same(f"{prefix}codes changed", _codes(old), _codes(new))


def normal(text: str) -> str:
    """A condition with its whitespace normalised: YAML folding is not a change."""
    return " ".join(text.split())


# ---------------------------------------------------------------- decisions


def _decision(old: Decide, new: Decide) -> Iterator[Triple]:
    yield from _same("question changed", old.question, new.question)
    yield from _branches(old.branches, new.branches)
    yield from _same("'otherwise' target changed", old.otherwise, new.otherwise)
    yield from _same("'unknown' target changed", old.unknown, new.unknown)


def _branches(old: Sequence[Branch], new: Sequence[Branch]) -> Iterator[Triple]:
    pairs = match_branches(old, new)
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    for i, j in pairs:
        a, b = old[i], new[j]
        where = f"branch {i + 1}" if i == j else f"branch {i + 1} (now {j + 1})"
        if normal(a.condition.text) != normal(b.condition.text):
            yield f"condition of {where} changed", a.condition.text, b.condition.text
        yield from _same(f"target of {where} changed", a.target, b.target)
    for i, branch in enumerate(old):
        if i not in matched_old:
            yield f"branch {i + 1} removed", _branch(branch), None
    for j, branch in enumerate(new):
        if j not in matched_new:
            yield f"branch {j + 1} added", None, _branch(branch)
    order = [j for _, j in sorted(pairs)]
    if order != sorted(order):
        yield (
            "branches reordered (the first that holds wins)",
            "; ".join(f"{n}. {_branch(old[i])}" for n, (i, _) in enumerate(sorted(pairs), 1)),
            "; ".join(f"{n}. {_branch(new[j])}" for n, j in enumerate(sorted(order), 1)),
        )


def match_branches(old: Sequence[Branch], new: Sequence[Branch]) -> list[tuple[int, int]]:
    """Pairs (old index, new index): same condition, else same target, else in order."""
    pairs: list[tuple[int, int]] = []
    free_new = list(range(len(new)))
    free_old: list[int] = []
    for i, branch in enumerate(old):
        text = normal(branch.condition.text)
        j = next((j for j in free_new if normal(new[j].condition.text) == text), None)
        if j is None:
            free_old.append(i)
        else:
            pairs.append((i, j))
            free_new.remove(j)
    still_old: list[int] = []
    for i in free_old:
        j = next((j for j in free_new if new[j].target == old[i].target), None)
        if j is None:
            still_old.append(i)
        else:
            pairs.append((i, j))
            free_new.remove(j)
    pairs.extend(zip(still_old, free_new, strict=False))
    return sorted(pairs)


def _branch(branch: Branch) -> str:
    return f"when {branch.condition.text} → {branch.target}"


# --------------------------------------------------------------- checklists


def _checklist(old: Checklist, new: Checklist) -> Iterator[Triple]:
    yield from _same("checklist title changed", old.title, new.title)
    before = {item.rec.id: item for item in old.items}
    after = {item.rec.id: item for item in new.items}
    for rec_id, item in before.items():
        if rec_id not in after:
            yield f"item {rec_id} removed", f"when {item.condition.text}: {item.rec.action}", None
    for rec_id, item in after.items():
        was = before.get(rec_id)
        if was is None:
            yield f"item {rec_id} added", None, f"when {item.condition.text}: {item.rec.action}"
            continue
        if normal(was.condition.text) != normal(item.condition.text):
            yield f"condition of item {rec_id} changed", was.condition.text, item.condition.text
        yield from rec_changes(was.rec, item.rec, f"item {rec_id}: ")
    yield from _same("next node changed", old.then, new.then)


# ------------------------------------------------------------------ helpers


def _same(what: str, old: str | None, new: str | None) -> Iterator[Triple]:
    if old != new:
        yield what, old, new


def _sources(rec: RecSpec) -> str:
    return ", ".join(c.id + (f" ({c.section})" if c.section else "") for c in rec.citations)


def _codes(rec: RecSpec) -> str:
    return ", ".join(f"{c.system}:{c.code}" for c in rec.codes) or "none"
