"""Result models: what an evaluation returns, and how it explains itself.

Everything here is a frozen pydantic model, so ``model_dump_json()`` gives
machines the whole result and ``explain()`` gives people text or Markdown.

In Markdown every text from the pathway or the record is escaped, ids, fields
and conditions are code, and only a web address becomes a link, so a
pathway's words can never turn into markup, HTML or a ``javascript:`` link.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from spinedx._compiled import Urgency
from spinedx._diagnostics import md_code, md_escape, md_link

Scalar = str | int | float | bool | None
Format = Literal["text", "markdown"]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ValueRead(_Result):
    """One value a condition read from the record or the facts."""

    path: str
    value: Scalar
    known: bool
    text: str = Field(description="The read as a person would say it: 'history.age = 62'.")


class Check(_Result):
    """One condition as written, what it gave, and the values it read."""

    condition: str
    result: Literal["true", "false", "unknown"]
    values: list[ValueRead]


class Reason(_Result):
    """Why the walk went where it went: a decision, a checklist item or the rationale."""

    kind: Literal["decision", "checklist", "rationale"]
    stage: str
    node: str
    question: str
    taken: str = Field(description="'branch 2', 'otherwise', 'unknown', 'item' or 'because'.")
    checks: list[Check] = Field(default_factory=list)


class SourceRef(_Result):
    """A cited source with the section or table the rule rests on."""

    id: str
    title: str
    year: int | None = None
    url: str | None = None
    section: str | None = None

    def label(self) -> str:
        """'NICE NG234 (2023), rec 1.5.2'."""
        text = self.title + (f" ({self.year})" if self.year else "")
        return text + (f", {self.section}" if self.section else "")


class TermCodeRef(_Result):
    """A terminology code for the recommended action."""

    system: str
    code: str
    display: str | None = None


class FactValue(_Result):
    """A conclusion drawn on the way, with where and why."""

    name: str
    value: Scalar
    stage: str
    node: str
    because: str
    reasons: list[Reason]


class Assumption(_Result):
    """One decision's way taken because the data to settle it was missing."""

    stage: str
    node: str
    question: str
    taken: str = Field(description="The way as explanations name it: 'branch 2', 'otherwise', "
                       "'item 3'.")  # fmt: skip
    condition: str | None = Field(description="That branch's or item's condition; None for "
                                  "otherwise.")  # fmt: skip
    fields: list[str] = Field(description="The record input fields missing there.")


class Recommendation(_Result):
    """One recommended action and everything that led to it.

    ``certainty`` is ``definite`` when the recommendation is reached whatever
    the missing data turns out to be; ``conditional`` when only some values
    reach it, and ``when`` says which: alternatives (any one suffices), each a
    list of assumptions that must all hold. ``reasons`` are those of the first
    path that reaches it.
    """

    id: str
    stage: str
    node: str
    action: str
    urgency: Urgency
    because: str
    reasons: list[Reason] = Field(min_length=1)
    facts: list[FactValue]
    sources: list[SourceRef]
    codes: list[TermCodeRef]
    certainty: Literal["definite", "conditional"] = "definite"
    when: list[list[Assumption]] = Field(default_factory=list)
    summary_if: str | None = Field(default=None, description="The condition in words.")

    def explain(self, format: Format = "text") -> str:
        """Why this recommendation: decisions, values read, facts relied on, sources."""
        return explain_recommendation(self, format)


class Need(_Result):
    """Data that is missing and would let the work-up go on."""

    field: str
    stage: str
    node: str
    question: str
    description: str | None = None


class TraceStep(_Result):
    """One node the walk visited."""

    stage: str
    node: str
    kind: str
    outcome: str
    checks: list[Check] = Field(default_factory=list)


class StageOutcome(_Result):
    """How a stage's walk finished."""

    id: str
    status: Literal["complete", "stopped"]
    stopped_at: str | None = None


class PathwayRef(_Result):
    """Which pathway produced a result: for audit."""

    id: str
    version: str
    title: str
    digest: str = Field(description="sha256 of the manifest and stage files, in stage order.")


class Evaluation(_Result):
    """The result of walking every stage of a pathway for one patient."""

    pathway: PathwayRef
    record: str
    recommendations: list[Recommendation]
    needs: list[Need]
    facts: dict[str, FactValue]
    stages: list[StageOutcome]
    trace: list[TraceStep]
    bounded: bool = Field(default=False, description="Some open decisions stopped their stage: "
                          "the bound on paths explored was reached.")  # fmt: skip
    paths: int = Field(default=1, description="How many paths the walk explored.")

    @property
    def complete(self) -> bool:
        """Whether every stage walked to an end (nothing is missing that stopped a walk)."""
        return all(stage.status == "complete" for stage in self.stages)

    def recommendation(self, rec_id: str) -> Recommendation | None:
        """The first recommendation with this id, if it was reached."""
        return next((r for r in self.recommendations if r.id == rec_id), None)

    def explain(self, format: Format = "text") -> str:
        """The whole result for people: recommendations with reasons, then missing data."""
        return explain_evaluation(self, format)


# -- explanations for people --------------------------------------------


def explain_recommendation(rec: Recommendation, format: Format = "text") -> str:
    """Why one recommendation: decisions and values, facts relied on, rationale, sources."""
    md = format == "markdown"
    lines: list[str] = []
    head = f"[{rec.urgency.label}] {_text(rec.action, md)}"
    lines.append(
        f"**{head}** ({md_code(rec.id)}, stage {md_escape(rec.stage)})"
        if md
        else f"{head}  ({rec.id})"
    )
    lines.append(f"{_bullet(md, 0)}Because: {_text(rec.because, md)}")
    if rec.certainty == "conditional" and rec.summary_if:
        lines.append(f"{_bullet(md, 0)}Conditional: {_text(rec.summary_if, md)}")
    decisions = [r for r in rec.reasons if r.kind != "rationale"]
    if decisions:
        lines.append(f"{_bullet(md, 0)}On the way here:")
        lines.extend(_reason_lines(reason, md, 1) for reason in decisions)
    if rec.facts:
        lines.append(f"{_bullet(md, 0)}Facts relied on:")
        lines.extend(_fact_lines(fact, md, 1) for fact in rec.facts)
    if rec.sources:
        lines.append(f"{_bullet(md, 0)}Sources:")
        for source in rec.sources:
            url = "" if not source.url else md_link(source.url) if md else f"<{source.url}>"
            link = f" {url}" if url else ""
            lines.append(f"{_bullet(md, 1)}{_text(source.label(), md)}{link}")
    return "\n".join(lines)


def explain_evaluation(result: Evaluation, format: Format = "text") -> str:
    """The whole result: definite recommendations by urgency, then the top needs, then the
    conditional recommendations in short, grouped by the input that settles them (the
    JSON has everything), and how stages ended."""
    md = format == "markdown"
    p = result.pathway
    title = f"{_text(p.title, md)} — {_text(p.id, md)} {_text(p.version, md)}"
    lines = [f"# {title}" if md else title, ""]
    definite = [r for r in result.recommendations if r.certainty == "definite"]
    conditional = [r for r in result.recommendations if r.certainty == "conditional"]
    if definite:
        lines.append("## Recommendations" if md else "RECOMMENDATIONS")
        for number, rec in enumerate(sorted(definite, key=lambda r: r.urgency.rank), 1):
            body = explain_recommendation(rec, format)
            lines += ["", body if md else f"{number}. {body}"]
    elif conditional:
        lines.append("No recommendation is definite yet: the data below decides which apply.")
    else:
        lines.append("No recommendation was reached.")
    if result.needs:
        shown = result.needs[:_TOP_NEEDS]
        more = len(result.needs) - len(shown)
        lines += ["", "## Data needed to go on" if md else "DATA NEEDED TO GO ON"]
        for need in shown:
            about = f" — {_text(need.description, md)}" if need.description else ""
            field = _code(need.field, md)
            where = _text(f"{need.stage}/{need.node}", md)
            lines.append(f"{_bullet(md, 0)}{field}{about} (asked at {where}: "
                         f"{_text(need.question, md)})")  # fmt: skip
        if more > 0:
            lines.append(f"{_bullet(md, 0)}… and {more} more (all in the JSON result)")
    if conditional:
        lines += ["", "## If the missing data allows" if md else "IF THE MISSING DATA ALLOWS"]
        lines += _conditional_lines(conditional, [n.field for n in result.needs], md)
    stopped = [s for s in result.stages if s.status == "stopped"]
    if stopped:
        lines += ["", "## Stages stopped for missing data" if md else "STAGES STOPPED"]
        lines.extend(
            f"{_bullet(md, 0)}{_text(s.id, md)} at {_text(s.stopped_at or '', md)}" for s in stopped
        )
    if result.bounded:
        lines += ["", f"The walk explored {result.paths} paths and reached its bound: decisions "
                  "left open beyond it stopped their stage."]  # fmt: skip
    lines += ["", f"pathway digest {p.digest}"]
    return "\n".join(lines)


_TOP_NEEDS = 5
"""Needs shown in text and Markdown; the JSON has all of them."""

_PER_GROUP = 3
"""Conditional recommendations shown per settling input, most urgent first."""


def _conditional_lines(recs: list[Recommendation], needs: list[str], md: bool) -> list[str]:
    """One line per conditional recommendation, under the first (most urgent) need that
    settles it, most urgent first in each group."""
    groups: dict[str, list[Recommendation]] = {}
    for rec in sorted(recs, key=lambda r: r.urgency.rank):
        fields = {f for alternative in rec.when for a in alternative for f in a.fields}
        key = next((need for need in needs if need in fields), min(fields, default="other data"))
        groups.setdefault(key, []).append(rec)
    order = {need: i for i, need in enumerate(needs)}
    lines = []
    for key in sorted(groups, key=lambda k: order.get(k, len(order))):
        lines.append(f"{_bullet(md, 0)}depending on {_code(key, md)}:")
        lines.extend(
            f"{_bullet(md, 1)}[{rec.urgency.label}] {_text(rec.action, md)} ({_code(rec.id, md)})"
            for rec in groups[key][:_PER_GROUP]
        )
        if len(groups[key]) > _PER_GROUP:
            lines.append(f"{_bullet(md, 1)}… and {len(groups[key]) - _PER_GROUP} more")
    return lines


def _reason_lines(reason: Reason, md: bool, depth: int) -> str:
    where = _text(f"{reason.stage}/{reason.node}", md)
    question, taken = _text(reason.question, md), _text(reason.taken, md)
    lines = [f"{_bullet(md, depth)}{where} “{question}” → {taken}"]
    lines.extend(_check_line(check, md, depth + 1) for check in reason.checks)
    return "\n".join(lines)


def _check_line(check: Check, md: bool, depth: int) -> str:
    values = _text("; ".join(v.text for v in check.values), md)
    return f"{_bullet(md, depth)}{_code(check.condition, md)} is {check.result}" + (
        f" [{values}]" if values else ""
    )


def _fact_lines(fact: FactValue, md: bool, depth: int) -> str:
    value = str(fact.value).lower() if isinstance(fact.value, bool) else str(fact.value)
    said = _text(f"{fact.name} = {value} ({fact.stage}/{fact.node}: {fact.because})", md)
    lines = [f"{_bullet(md, depth)}{said}"]
    lines.extend(_reason_lines(reason, md, depth + 1) for reason in fact.reasons)
    return "\n".join(lines)


def _text(value: str, md: bool) -> str:
    return md_escape(value) if md else value


def _code(value: str, md: bool) -> str:
    return md_code(value) if md else value


def _bullet(md: bool, depth: int) -> str:
    return "  " * depth + ("- " if md else ("  " if depth == 0 else "- "))
