"""An evaluation as CDS Hooks cards: one per recommendation, one for the missing data.

A card says, in a clinician's words, what to do (``summary``), how urgent it
is (``indicator``), which guideline says so (``source``), why (``detail``: the
decisions taken and the values read, never condition syntax), and offers the
recommendation's codes as a one-click suggestion. Card and suggestion
``uuid``s are name-based (uuid5) over the pathway's digest, the recommendation
and the patient, so the same advice for the same patient from the same
pathway text keeps its uuid across calls, and feedback can be joined to it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from pydantic import JsonValue

from spinedx._compiled import Decide, Urgency
from spinedx._diagnostics import md_escape, md_link
from spinedx._evaluation import Evaluation, FactValue, Need, Reason, Recommendation, ValueRead
from spinedx._pathway import Pathway
from spinedx.contrib.cds_hooks.models import (
    MAX_SUMMARY,
    Action,
    Card,
    Coding,
    Indicator,
    Link,
    Source,
    Suggestion,
)

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:spinedx:cds-hooks")
"""The uuid5 namespace of every card and suggestion uuid."""

INDICATORS: dict[Urgency, Indicator] = {
    Urgency.IMMEDIATE: "critical",
    Urgency.WITHIN_24_HOURS: "critical",
    Urgency.WITHIN_48_HOURS: "warning",
    Urgency.WITHIN_1_WEEK: "warning",
    Urgency.WITHIN_2_WEEKS: "warning",
    Urgency.ROUTINE: "info",
    Urgency.ADVISORY: "info",
}
"""Urgency → indicator (docs/integration.md says why): act today is critical, act within
the next two weeks is a warning, the rest is information."""

FHIR_SYSTEMS: dict[str, str] = {
    "snomed-ct": "http://snomed.info/sct",
    "loinc": "http://loinc.org",
    "icd-10": "http://hl7.org/fhir/sid/icd-10",
    "icd-11": "http://id.who.int/icd/release/11/mms",
    "cpt": "http://www.ama-assn.org/go/cpt",
}
"""A pathway's code system → its FHIR URI; a system without one (opcs-4, other) is sent
as a code with its display and no system."""

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def summary_of(text: str, limit: int = MAX_SUMMARY) -> str:
    """At most ``limit`` characters: the whole text if it fits, else its first sentence if
    that fits, else the text cut at a word boundary with "…".

    Example:
        >>> summary_of("MRI of the whole spine. Then review.", 30)
        'MRI of the whole spine.'
        >>> summary_of("Contact the MSCC coordinator immediately", 20)
        'Contact the MSCC…'
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    first = _SENTENCE_END.split(flat, maxsplit=1)[0]
    if len(first) <= limit:
        return first
    room = flat[: limit - len(ELLIPSIS) + 1]
    cut = room.rsplit(" ", 1)[0] if " " in room else room[: limit - len(ELLIPSIS)]
    return cut.rstrip(" ,;:") + ELLIPSIS


def card_uuid(digest: str, key: str, patient_id: str) -> str:
    """The stable uuid of one card: the pathway text, what the card is about, the patient."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join((digest, key, patient_id))))


def cards_for(result: Evaluation, pathway: Pathway, patient_id: str) -> list[Card]:
    """The cards of one evaluation: recommendations by urgency, then the missing data.

    A recommendation reached at several nodes gives one card (its first explanation).
    Only definite recommendations become cards: a conditional one depends on data
    still missing, which the needs card asks for.
    """
    seen: set[str] = set()
    cards = []
    for rec in sorted(result.recommendations, key=lambda r: r.urgency.rank):
        if rec.id not in seen and rec.certainty == "definite":
            seen.add(rec.id)
            cards.append(recommendation_card(rec, result, pathway, patient_id))
    if result.needs:
        cards.append(needs_card(result, pathway, patient_id))
    return cards


def recommendation_card(
    rec: Recommendation, result: Evaluation, pathway: Pathway, patient_id: str
) -> Card:
    """One recommendation as a card."""
    digest = result.pathway.digest
    key = f"recommendation:{rec.id}"
    uid = card_uuid(digest, key, patient_id)
    suggestions = _suggestions(rec, digest, patient_id)
    links = [Link(label=s.label(), url=s.url, type="absolute") for s in rec.sources[1:] if s.url]
    return Card(
        uuid=uid,
        summary=summary_of(getattr(rec, "title", None) or rec.action),
        detail=_detail(rec, pathway),
        indicator=INDICATORS[rec.urgency],
        source=_source(rec, result),
        suggestions=suggestions or None,
        selection_behavior="at-most-one" if suggestions else None,
        links=links or None,
    )


def needs_card(result: Evaluation, pathway: Pathway, patient_id: str) -> Card:
    """One card listing the data the work-up needs to go on."""
    count = len({need.field for need in result.needs})
    noun = "item" if count == 1 else "items"
    stopped = [stage.id for stage in result.stages if stage.status == "stopped"]
    lines = [
        "The pathway could not decide everything: recording these would let it go on.",
        "",
        *(_need_line(need, pathway) for need in _unique_needs(result.needs)),
    ]
    if stopped:
        lines += ["", "Stages stopped for missing data: " + md_escape(", ".join(stopped)) + "."]
    p = result.pathway
    return Card(
        uuid=card_uuid(p.digest, "needs", patient_id),
        summary=summary_of(f"{count} {noun} of missing data would let the work-up go on."),
        detail="\n".join(lines),
        indicator="info",
        source=Source(label=f"{p.title} ({p.id} {p.version})"),
    )


# -- parts of a card ----------------------------------------------------------


def _source(rec: Recommendation, result: Evaluation) -> Source:
    topic = Coding(system=f"urn:spinedx:pathway:{result.pathway.id}", code=rec.id)
    if not rec.sources:
        p = result.pathway
        return Source(label=f"{p.title} ({p.id} {p.version})", topic=topic)
    first = rec.sources[0]
    return Source(label=first.label(), url=first.url, topic=topic)


def _suggestions(rec: Recommendation, digest: str, patient_id: str) -> list[Suggestion]:
    """The codes as one proposed FHIR ServiceRequest (status draft, intent proposal)."""
    if not rec.codes:
        return []
    codings: list[JsonValue] = []
    for code in rec.codes:
        coding: dict[str, JsonValue] = {"code": code.code}
        if code.system in FHIR_SYSTEMS:
            coding["system"] = FHIR_SYSTEMS[code.system]
        if code.display:
            coding["display"] = code.display
        codings.append(coding)
    request: dict[str, JsonValue] = {
        "resourceType": "ServiceRequest",
        "status": "draft",
        "intent": "proposal",
        "code": {"coding": codings, "text": rec.action},
        "subject": {"reference": f"Patient/{patient_id}"},
    }
    action = Action(type="create", description=rec.action, resource=request)
    uid = card_uuid(digest, f"suggestion:{rec.id}", patient_id)
    label = summary_of(rec.action)
    return [Suggestion(label=label, uuid=uid, is_recommended=True, actions=[action])]


def _detail(rec: Recommendation, pathway: Pathway) -> str:
    lines = [f"**{md_escape(rec.urgency.label.capitalize())}.** {md_escape(rec.because)}"]
    decisions = [r for r in rec.reasons if r.kind != "rationale"]
    if decisions:
        lines += ["", "**How the pathway got here**", ""]
        lines += [_reason_lines(reason, pathway, 0) for reason in decisions]
    if rec.facts:
        lines += ["", "**Conclusions relied on**", ""]
        lines += [_fact_line(fact, pathway) for fact in rec.facts]
    if rec.sources:
        lines += ["", "**Sources**", ""]
        for source in rec.sources:
            link = f" {md_link(source.url)}" if source.url else ""
            lines.append(f"- {md_escape(source.label())}{link}")
    return "\n".join(lines)


def _reason_lines(reason: Reason, pathway: Pathway, depth: int) -> str:
    answer = _answer(reason, pathway)
    head = f"{'  ' * depth}- {md_escape(reason.question)}" + (f" **{answer}**" if answer else "")
    values = [v for check in reason.checks for v in check.values]
    return "\n".join([head, *(f"{'  ' * (depth + 1)}- {_value_words(v, pathway)}" for v in values)])


def _answer(reason: Reason, pathway: Pathway) -> str | None:
    """'yes' / 'no' / 'not known' for a yes-or-no decision; None when it had several branches."""
    if reason.taken == "unknown":
        return "not known"
    stage = next((s for s in pathway.stages if s.id == reason.stage), None)
    step = stage.steps.get(reason.node) if stage else None
    if reason.kind != "decision" or not isinstance(step, Decide) or len(step.branches) != 1:
        return None
    return {"branch 1": "yes", "otherwise": "no"}.get(reason.taken)


def _fact_line(fact: FactValue, pathway: Pathway) -> str:
    declared = pathway.manifest.facts.get(fact.name)
    about = declared.description if declared and declared.description else fact.name
    return f"- {md_escape(_label(about))}: **{md_escape(_words(fact.value))}** — " + md_escape(
        fact.because
    )


def _value_words(read: ValueRead, pathway: Pathway) -> str:
    """One value read, as a clinician would say it: 'Does the pain occur at night? yes'."""
    label, unit = _field_words(read.path, pathway)
    value = _words(read.value) if read.known else "not recorded"
    if unit and read.known and not isinstance(read.value, bool):
        label, value = label.removesuffix(f", in {unit}"), f"{value} {unit}"
    return md_escape(f"{label}{' ' if label.endswith('?') else ': '}{value}")


def _field_words(path: str, pathway: Pathway) -> tuple[str, str | None]:
    if path.startswith("facts."):
        declared = pathway.manifest.facts.get(path.removeprefix("facts."))
        return _label(declared.description if declared and declared.description else path), None
    dotted = re.sub(r"\[\d+\]", "[]", path)
    spec = pathway.schema.lookup(dotted.split("."))
    parent, _, leaf = dotted.rpartition(".")
    owner = pathway.schema.lookup(parent.split(".")) if parent else None
    if owner is not None and owner.description and leaf in {"value", "flag", "taken_on"}:
        words = {"value": "", "flag": " (laboratory flag)", "taken_on": " (date taken)"}[leaf]
        label = _label(owner.description)
        if leaf != "value" and owner.unit:
            label = label.removesuffix(f", in {owner.unit}")
        return label + words, owner.unit if leaf == "value" else None
    if spec is not None and spec.description:
        return _label(spec.description), spec.unit
    return path, None


def _label(description: str) -> str:
    """A description as a label: without a closing full stop ('Platelet count, in 10^9/L')."""
    return description.strip().removesuffix(".")


def _words(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "not recorded"
    if isinstance(value, str):
        return value.replace("_", " ")
    return str(value)


def _unique_needs(needs: Sequence[Need]) -> list[Need]:
    seen: set[str] = set()
    unique = []
    for need in needs:
        if need.field not in seen:
            seen.add(need.field)
            unique.append(need)
    return unique


def _need_line(need: Need, pathway: Pathway) -> str:
    label = _label(need.description or _field_words(need.field, pathway)[0])
    asked = "" if label == _label(need.question) else f" (asked for: {md_escape(need.question)})"
    return f"- {md_escape(label)}{asked}"
