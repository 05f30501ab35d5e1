"""Where a name is used in a pathway: a record field, a recommendation, a fact.

``spinedx where`` answers a reviewer's question without reading every stage
file: which nodes read ``history.night_pain`` (a condition mentions it, or a
field below it), which node gives ``mri-whole-spine-24h``, which node concludes
``suspicion`` and which nodes read it. The answer comes from the compiled
pathway (each condition's parsed fields and facts), never from searching text.

Example:
    >>> from spinedx import load_pathway
    >>> answer = where_used(load_pathway("spinal-tumor"), "spinal_signs")
    >>> [(p.node, p.role) for m in answer.matches for p in m.places]
    [('signs_present', 'concludes'), ('signs_absent', 'concludes'), ('indication', 'reads')]
    >>> where_used(load_pathway("spinal-tumor"), "facts.spinal_sign").suggestion
    'spinal_signs'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from spinedx._compiled import Checklist, Conclude, Decide, Stage, Step
from spinedx._conditions import Condition
from spinedx._diagnostics import Span, as_written, closest, did_you_mean
from spinedx._pathway import Pathway

MatchKind = Literal["field", "recommendation", "fact"]
Role = Literal["reads", "gives", "concludes"]
FACT_PREFIX = "facts."


@dataclass(frozen=True, slots=True)
class Place:
    """One node that uses the name: how (``role``), with what text, and where it is written.

    ``text`` is the condition that reads the name, the action given, or
    ``fact = value``; ``how`` says which part of the node (``branch 2``,
    ``item 1``).
    """

    stage: str
    node: str
    role: Role
    how: str
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Match:
    """What the name is in this pathway, and every place that uses it."""

    kind: MatchKind
    name: str
    description: str | None
    places: tuple[Place, ...]


@dataclass(frozen=True, slots=True)
class WhereAnswer:
    """The answer for one name: its matches, or a suggestion when there are none."""

    query: str
    matches: tuple[Match, ...]
    suggestion: str | None = None

    @property
    def found(self) -> bool:
        """Whether the name is a field, recommendation or fact of the pathway."""
        return bool(self.matches)


def where_used(pathway: Pathway, name: str) -> WhereAnswer:
    """Every use of ``name`` as a record field, a recommendation id or a fact.

    A field matches itself and every field below it (``labs.calcium`` matches
    ``labs.calcium.flag``); list items may be written with or without ``[]``.
    A fact may be written ``suspicion`` or ``facts.suspicion``.
    """
    query = name.strip()
    matches = [
        match
        for match in (
            _field(pathway, query),
            _recommendation(pathway, query),
            _fact(pathway, query),
        )
        if match is not None
    ]
    if matches:
        return WhereAnswer(query, tuple(matches))
    return WhereAnswer(query, (), closest(query, _known_names(pathway)))


def where_text(answer: WhereAnswer) -> str:
    """The answer as lines for a terminal (without a final newline)."""
    if not answer.found:
        hint = f"; {did_you_mean(answer.suggestion)}" if answer.suggestion else ""
        return (
            f"'{answer.query}' is not a record field, recommendation or fact of this pathway" + hint
        )
    out: list[str] = []
    for match in answer.matches:
        about = f" — {match.description}" if match.description else ""
        out.append(f"{match.kind} {match.name}{about}")
        if not match.places:
            out.append("  no node uses it")
        for place in match.places:
            out.append(
                f"  {place.role:<9} {place.stage}/{place.node} ({place.how}) at {place.span}"
            )
            out.append(f"            {place.text}")
    return "\n".join(out)


def where_json(answer: WhereAnswer) -> dict[str, object]:
    """The answer as plain data for ``--format json``."""
    return {
        "query": answer.query,
        "found": answer.found,
        "suggestion": answer.suggestion,
        "matches": [
            {
                "kind": match.kind,
                "name": match.name,
                "description": match.description,
                "places": [
                    {
                        "stage": place.stage,
                        "node": place.node,
                        "role": place.role,
                        "how": place.how,
                        "text": place.text,
                        "file": place.span.file,
                        "line": place.span.line,
                        "column": place.span.column,
                    }
                    for place in match.places
                ],
            }
            for match in answer.matches
        ],
    }


# ----------------------------------------------------------------- helpers


def _plain(path: str) -> str:
    return path.replace("[]", "")


def _steps(pathway: Pathway) -> list[tuple[Stage, str, Step]]:
    return [(stage, node, step) for stage in pathway.stages for node, step in stage.steps.items()]


def _readers(pathway: Pathway, reads: _Reads) -> tuple[Place, ...]:
    """Every condition that ``reads`` (a test on the condition) says uses the name."""
    places: list[Place] = []
    for stage, node, step in _steps(pathway):
        for index, guard in enumerate(step.guards(), 1):
            if reads(guard.condition):
                how = f"branch {index}" if isinstance(step, Decide) else f"item {index}"
                text = " ".join(guard.condition.text.split())
                places.append(Place(stage.id, node, "reads", how, text, guard.span))
    return tuple(places)


class _Reads:
    """Whether a condition reads a field (or a field below it) or a fact."""

    def __init__(self, *, field: str | None = None, fact: str | None = None) -> None:
        self.field = field
        self.fact = fact

    def __call__(self, condition: Condition) -> bool:
        if self.fact is not None:
            return self.fact in condition.facts
        below = f"{self.field}."
        return any(
            (plain := _plain(read)) == self.field or plain.startswith(below)
            for read in condition.fields
        )


def _field(pathway: Pathway, query: str) -> Match | None:
    plain = _plain(query)
    paths = {_plain(path): path for path in pathway.schema.all_paths()}
    if plain not in paths:
        return None
    description = pathway.schema.describe(paths[plain])
    return Match("field", plain, description, _readers(pathway, _Reads(field=plain)))


def _recommendation(pathway: Pathway, query: str) -> Match | None:
    places: list[Place] = []
    for stage, node, step in _steps(pathway):
        for index, rec in enumerate(step.recs(), 1):
            if rec.id == query:
                how = f"item {index}" if isinstance(step, Checklist) else "recommend"
                text = f"[{rec.urgency.label}] {' '.join(rec.action.split())}"
                places.append(Place(stage.id, node, "gives", how, text, rec.span))
    return Match("recommendation", query, None, tuple(places)) if places else None


def _fact(pathway: Pathway, query: str) -> Match | None:
    name = query.removeprefix(FACT_PREFIX)
    declared = pathway.manifest.facts.get(name)
    if declared is None:
        return None
    places = [
        Place(
            stage.id, node, "concludes", "conclude", f"{name} = {as_written(step.value)}", step.span
        )
        for stage, node, step in _steps(pathway)
        if isinstance(step, Conclude) and step.fact == name
    ]
    places += _readers(pathway, _Reads(fact=name))
    return Match("fact", name, declared.description, tuple(places))


def _known_names(pathway: Pathway) -> list[str]:
    names = {_plain(path) for path in pathway.schema.all_paths()}
    names |= set(pathway.manifest.facts)
    names |= {rec.id for _, _, step in _steps(pathway) for rec in step.recs()}
    return sorted(names)
