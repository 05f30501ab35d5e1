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


class Recommendation(_Result):
    """One recommended action and everything that led to it."""

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
    """The whole result: recommendations by urgency, missing data, and how stages ended."""
    md = format == "markdown"
    p = result.pathway
    title = f"{_text(p.title, md)} — {_text(p.id, md)} {_text(p.version, md)}"
    lines = [f"# {title}" if md else title, ""]
    if result.recommendations:
        lines.append("## Recommendations" if md else "RECOMMENDATIONS")
        ordered = sorted(result.recommendations, key=lambda r: r.urgency.rank)
        for number, rec in enumerate(ordered, 1):
            lines.append("")
            body = explain_recommendation(rec, format)
            lines.append(f"{number}. {body}" if not md else body)
    else:
        lines.append("No recommendation was reached.")
    if result.needs:
        lines += ["", "## Data needed to go on" if md else "DATA NEEDED TO GO ON"]
        for need in result.needs:
            about = f" — {_text(need.description, md)}" if need.description else ""
            field = _code(need.field, md)
            where = _text(f"{need.stage}/{need.node}", md)
            lines.append(f"{_bullet(md, 0)}{field}{about} (asked at {where}: "
                         f"{_text(need.question, md)})")  # fmt: skip
    stopped = [s for s in result.stages if s.status == "stopped"]
    if stopped:
        lines += ["", "## Stages stopped for missing data" if md else "STAGES STOPPED"]
        lines.extend(
            f"{_bullet(md, 0)}{_text(s.id, md)} at {_text(s.stopped_at or '', md)}" for s in stopped
        )
    lines += ["", f"pathway digest {p.digest}"]
    return "\n".join(lines)


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
