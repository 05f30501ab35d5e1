"""Explanations for people: a result as plain text or as Markdown."""

from __future__ import annotations

from spinedx._results import Check, Evaluation, FactValue, Format, Reason, Recommendation


def explain_recommendation(rec: Recommendation, format: Format = "text") -> str:
    """Why one recommendation: decisions and values, facts relied on, rationale, sources."""
    md = format == "markdown"
    lines: list[str] = []
    head = f"[{rec.urgency.label}] {rec.action}"
    lines.append(f"**{head}** (`{rec.id}`, stage {rec.stage})" if md else f"{head}  ({rec.id})")
    lines.append(f"{_bullet(md, 0)}Because: {rec.because}")
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
            link = f" <{source.url}>" if source.url else ""
            lines.append(f"{_bullet(md, 1)}{source.label()}{link}")
    return "\n".join(lines)


def explain_evaluation(result: Evaluation, format: Format = "text") -> str:
    """The whole result: recommendations by urgency, missing data, and how stages ended."""
    md = format == "markdown"
    p = result.pathway
    title = f"{p.title} — {p.id} {p.version}"
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
            about = f" — {need.description}" if need.description else ""
            field = f"`{need.field}`" if md else need.field
            lines.append(f"{_bullet(md, 0)}{field}{about} (asked at {need.stage}/{need.node}: "
                         f"{need.question})")  # fmt: skip
    stopped = [s for s in result.stages if s.status == "stopped"]
    if stopped:
        lines += ["", "## Stages stopped for missing data" if md else "STAGES STOPPED"]
        lines.extend(f"{_bullet(md, 0)}{s.id} at {s.stopped_at}" for s in stopped)
    lines += ["", f"pathway digest {p.digest}"]
    return "\n".join(lines)


def _reason_lines(reason: Reason, md: bool, depth: int) -> str:
    where = f"{reason.stage}/{reason.node}"
    lines = [f"{_bullet(md, depth)}{where} “{reason.question}” → {reason.taken}"]
    lines.extend(_check_line(check, md, depth + 1) for check in reason.checks)
    return "\n".join(lines)


def _check_line(check: Check, md: bool, depth: int) -> str:
    condition = f"`{check.condition}`" if md else check.condition
    values = "; ".join(v.text for v in check.values)
    return f"{_bullet(md, depth)}{condition} is {check.result}" + (f" [{values}]" if values else "")


def _fact_lines(fact: FactValue, md: bool, depth: int) -> str:
    value = str(fact.value).lower() if isinstance(fact.value, bool) else fact.value
    lines = [
        f"{_bullet(md, depth)}{fact.name} = {value} ({fact.stage}/{fact.node}: {fact.because})"
    ]
    lines.extend(_reason_lines(reason, md, depth + 1) for reason in fact.reasons)
    return "\n".join(lines)


def _bullet(md: bool, depth: int) -> str:
    return "  " * depth + ("- " if md else ("  " if depth == 0 else "- "))
