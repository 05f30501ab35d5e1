"""Explanations for people: a result as plain text or as Markdown.

In Markdown every text from the pathway or the record is escaped, ids, fields
and conditions are code, and only a web address becomes a link, so a
pathway's words can never turn into markup, HTML or a ``javascript:`` link.
"""

from __future__ import annotations

from spinedx._diagnostics import md_code, md_escape, md_link
from spinedx._evaluation.results import Check, Evaluation, FactValue, Format, Reason, Recommendation


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
