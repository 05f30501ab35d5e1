"""SVG and a self-contained HTML page for a pathway diagram.

The page holds everything inline (SVG drawn by Graphviz, CSS) and loads
nothing: its Content-Security-Policy forbids every network request, so it can
be mailed, archived with a guideline review, or opened on a ward PC offline.
All text from the pathway or the result is HTML-escaped here; the SVG text is
escaped by Graphviz.
"""

from __future__ import annotations

import html
import re

from spinedx._authoring.diagram import CONDITIONAL_MARK, Diagram, DiagramStage, abbreviate
from spinedx._authoring.legend import legend_section
from spinedx._authoring.reading import branch_label, for_reading, parts
from spinedx._authoring.render import (
    URGENCY_FILL,
    dot_to_svg,
    inline_svg,
    render_dot,
)
from spinedx._evaluation import Evaluation, Recommendation

_SIZE = re.compile(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       margin: 0 auto; max-width: 1200px; padding: 1.5rem; color: #1d1d1d; line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 .4rem; }
h2 { font-size: 1.3rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .92em;
       background: #f4f4f4; padding: 0 .2em; border-radius: 3px; overflow-wrap: anywhere; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem;
          margin: .5rem 0; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
.caution { background: #fff8e1; border-left: 4px solid #d9822b; padding: .5rem .8rem; }
nav ul { columns: 2; list-style: none; padding-left: 0; }
.diagram { overflow-x: auto; border: 1px solid #e3e3e3; border-radius: 6px; padding: .5rem;
           background: #fff; }
/* Fitted to the column; "actual size" (a checkbox, no script) lets it scroll sideways. */
.diagram svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
.zoom:checked ~ .diagram svg { max-width: none; }
.zoom { margin-left: 0; }
.zoom + label { font-size: .85rem; color: #444; margin-right: 1rem; }
.to-path { font-size: .9rem; }
svg g.node:target > polygon, svg g.node:target > path, svg g.node:target > ellipse {
  stroke: #1f5fbf; stroke-width: 7; }
:target { scroll-margin-top: 4rem; }
.branches { font-size: .92rem; margin: .8rem 0 0; }
.branches dt { font-weight: 600; margin-top: .5rem; }
.branches dd { margin: 0 0 0 1rem; }
.branches ul { list-style: none; padding-left: 0; margin: .1rem 0; }
.branches .n { display: inline-block; min-width: 4.6em; font-weight: 600; }
.branches .taken { color: #1f5fbf; font-weight: 600; }
.branches .taken.conditional { font-weight: 400; font-style: italic; }
.file { color: #555; font-size: .9rem; margin: 0 0 .5rem; }
ol.recs > li { margin-bottom: .7rem; }
.urgency { display: inline-block; border-radius: 3px; padding: 0 .4em; font-size: .85rem;
           font-weight: 600; border: 1px solid #888; margin-right: .3rem; }
.why { margin: .2rem 0 0 1rem; font-size: .92rem; }
ol.recs.conditional > li { border-left: 3px dashed #1f5fbf; padding-left: .5rem; }
.legend-keys { display: flex; flex-wrap: wrap; gap: .4rem 1rem; list-style: none; padding: 0; }
.swatch { display: inline-block; width: 1.1em; height: 1.1em; vertical-align: -.2em;
          border: 1px solid #777; border-radius: 2px; margin-right: .3em; }
footer { margin-top: 2.5rem; color: #666; font-size: .85rem; }
@page { size: A4 portrait; margin: 12mm; }
@page landscape { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav, .zoom, .zoom + label, .to-path { display: none; }
  section.stage { break-before: page; }
  section.stage.landscape { page: landscape; }
  .diagram { border: none; padding: 0; overflow: visible; break-inside: avoid; }
  /* One page per stage (or part): the drawing fits the page, the list below may follow. */
  .diagram svg { max-width: 100%; max-height: 240mm; width: auto; }
  section.landscape .diagram svg { max-height: 160mm; }
  .branches { break-before: auto; font-size: 9pt; }
  h2 { margin-top: 0; }
}
"""

PAGE_POINTS = (527.0, 680.0, 774.0, 453.0)
"""The room for a drawing on an A4 page with 12 mm margins, below its heading, in points:
portrait width and height, then landscape (the print stylesheet's max-height)."""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def render_svg(diagram: Diagram) -> str:
    """The whole diagram as one SVG document (needs Graphviz's ``dot``)."""
    return dot_to_svg(render_dot(diagram))


def render_html(diagram: Diagram, *, patient: str | None = None) -> str:
    """A self-contained HTML page: header, legend, one section per stage.

    With an evaluation in the diagram, the page also lists the recommendations
    reached (most urgent first, each with its reasons), the data still needed
    and the stages that stopped; ``patient`` names the record in the heading.
    """
    esc = html.escape
    title = f"{diagram.title} — {diagram.id} {diagram.version}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{esc(diagram.title)}</h1>",
        '<dl class="meta">',
        f"<dt>Pathway</dt><dd><code>{esc(diagram.id)}</code></dd>",
        f"<dt>Version</dt><dd>{esc(diagram.version)}</dd>",
        f'<dt>Digest</dt><dd><code class="digest">{esc(diagram.digest)}</code></dd>',
    ]
    if diagram.evaluation is not None:
        parts.append(f"<dt>Patient</dt><dd>{esc(patient or 'one patient record')}</dd>")
    parts += [
        "</dl>",
        '<p class="caution">spinedx supports clinical decisions; it does not make them. '
        "A clinician stays responsible for every decision.</p>",
        "</header>",
        _contents(diagram),
    ]
    if diagram.evaluation is not None:
        parts.append(_patient_section(diagram.evaluation, patient))
    parts.append(legend_section(diagram.highlighted))
    reading = for_reading(diagram)
    parts.extend(_stage_section(reading, stage) for stage in reading.stages)
    parts += [
        "<footer>Drawn by spinedx from the pathway files; the digest names the exact text "
        "drawn.</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


# ----------------------------------------------------------------- sections


def _contents(diagram: Diagram) -> str:
    items = [
        f'<li><a href="#stage-{html.escape(s.id)}">{html.escape(s.heading)}</a></li>'
        for s in diagram.stages
    ]
    if diagram.evaluation is not None:
        items.insert(0, '<li><a href="#patient">The patient\'s path</a></li>')
    return '<nav aria-label="Contents"><ul>' + "".join(items) + "</ul></nav>"


def _stage_section(diagram: Diagram, stage: DiagramStage) -> str:
    return "".join(_part_section(diagram, part) for part in parts(stage))


def _part_section(diagram: Diagram, part: DiagramStage) -> str:
    esc = html.escape
    # Graphviz names every drawing's root "graph0"; one page holds many drawings.
    svg = inline_svg(dot_to_svg(render_dot(diagram, [part]))).replace(
        'id="graph0"', f'id="drawing-{part.id}"', 1
    )
    size = _SIZE.search(svg)
    wide = size is not None and _landscape(float(size[1]), float(size[2]))
    sid = esc(part.id)
    path = next((node.key for node in part.nodes if node.visited), None)
    out = [
        f'<section class="stage{" landscape" if wide else ""}" id="stage-{sid}"'
        + (f' data-path-start="{esc(path)}"' if path else "")
        + ">",
        f"<h2>{esc(part.heading)}</h2>",
        f'<p class="file">Stage <code>{esc(part.id.split("_part")[0])}</code>, '
        f"file <code>{esc(part.file)}</code></p>",
    ]
    if path is not None:
        out.append(
            f'<p class="to-path"><a href="#{esc(path)}">Go to the patient\'s path here</a></p>'
        )
    out += [
        f'<input type="checkbox" class="zoom" id="zoom-{sid}">'
        f'<label for="zoom-{sid}">actual size</label>',
        f'<div class="diagram">{svg}</div>',
        _branches(part),
        "</section>",
    ]
    return "".join(out)


def _landscape(width: float, height: float) -> bool:
    """Whether a drawing of this size (in points) prints larger on a landscape page."""
    portrait = min(PAGE_POINTS[0] / width, PAGE_POINTS[1] / height)
    landscape = min(PAGE_POINTS[2] / width, PAGE_POINTS[3] / height)
    return landscape > portrait


def _branches(part: DiagramStage) -> str:
    """Every decision of the part with its ways out in the order the walk tries them."""
    names = {node.key: node for node in part.nodes}
    out: list[str] = []
    for node in part.nodes:
        ways = [edge for edge in part.edges if edge.source == node.key]
        if node.kind != "decision" or not ways:
            continue
        items = []
        for edge in ways:
            target = names[edge.target]
            goes = abbreviate(target.lines[0], 70) if target.lines else target.node
            when = f"<code>{html.escape(edge.tooltip)}</code> → " if edge.kind == "branch" else "→ "
            taken = (
                ' class="taken conditional"' if edge.taken and edge.conditional
                else ' class="taken"' if edge.taken
                else ""
            )  # fmt: skip
            maybe = (
                " <small>(for some values of the missing data)</small>" if edge.conditional else ""
            )
            items.append(
                f'<li{taken}><span class="n">{html.escape(branch_label(edge))}</span>'
                f"{when}{html.escape(goes)}{maybe}</li>"
            )
        out.append(
            f"<dt>{html.escape(node.lines[0])} <small>({html.escape(node.node)})</small></dt>"
            f"<dd><ul>{''.join(items)}</ul></dd>"
        )
    if not out:
        return ""
    return '<dl class="branches">' + "".join(out) + "</dl>"


def _patient_section(evaluation: Evaluation, patient: str | None) -> str:
    esc = html.escape
    who = f" for {esc(patient)}" if patient else ""
    out = [f'<section id="patient"><h2>The patient\'s path{who}</h2>']
    out.append(
        "<p>The diagrams below draw the nodes this patient visited and the edges the walk "
        "took in blue; the recommendations reached have a thick blue border and a ✓.</p>"
    )
    ordered = sorted(evaluation.recommendations, key=lambda r: r.urgency.rank)
    recs = [rec for rec in ordered if rec.certainty == "definite"]
    maybe = [rec for rec in ordered if rec.certainty == "conditional"]
    if maybe:
        out.append(
            "<p>Some data is missing, so the walk followed every branch still possible. "
            "The parts of the path that only some values of the missing data lead to are "
            f"dashed, and a recommendation given only for some values has a {CONDITIONAL_MARK} "
            "instead of a ✓.</p>"
        )
    out.append(f"<h3>Recommendations reached ({len(recs)})</h3>")
    if recs:
        out.append('<ol class="recs">' + "".join(_rec_item(rec) for rec in recs) + "</ol>")
    elif maybe:
        out.append("<p>No recommendation is definite: each one below depends on missing data.</p>")
    else:
        out.append("<p>No recommendation was reached.</p>")
    if maybe:
        out.append(f"<h3>Conditional recommendations ({len(maybe)})</h3>")
        out.append(
            '<ol class="recs conditional">' + "".join(_rec_item(rec) for rec in maybe) + "</ol>"
        )
    if evaluation.needs:
        out.append("<h3>Data needed to go on</h3><ul>")
        for need in evaluation.needs:
            about = f" — {esc(need.description)}" if need.description else ""
            out.append(
                f"<li><code>{esc(need.field)}</code>{about} "
                f"(asked at {esc(need.stage)}/{esc(need.node)}: {esc(need.question)})</li>"
            )
        out.append("</ul>")
    stopped = [s for s in evaluation.stages if s.status == "stopped"]
    if stopped:
        out.append("<h3>Stages stopped for missing data</h3><ul>")
        out.extend(
            f"<li>{esc(s.id)} at <code>{esc(s.stopped_at or '')}</code></li>" for s in stopped
        )
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


def _rec_item(rec: Recommendation) -> str:
    esc = html.escape
    fill, ink = URGENCY_FILL[rec.urgency]
    badge = (
        f'<span class="urgency" style="background:{fill};color:{ink}">'
        f"{esc(rec.urgency.label)}</span>"
    )
    why = []
    for reason in rec.reasons:
        if reason.kind == "rationale":
            continue
        checks = "; ".join(
            f"<code>{esc(c.condition)}</code> is {esc(c.result)}"
            + (f" [{esc('; '.join(v.text for v in c.values))}]" if c.values else "")
            for c in reason.checks
        )
        why.append(
            f"<li>{esc(reason.stage)}/{esc(reason.node)} “{esc(reason.question)}” → "
            f"{esc(reason.taken)}{': ' + checks if checks else ''}</li>"
        )
    why.append(f"<li>Because: {esc(rec.because)}</li>")
    sources = "; ".join(esc(s.label()) for s in rec.sources)
    why.append(f"<li>Sources: {sources}</li>")
    if rec.certainty == "conditional":
        why.insert(0, _only_if(rec))
        return (
            f'<li class="rec conditional" data-id="{esc(rec.id)}" data-certainty="conditional">'
            f"{CONDITIONAL_MARK} {badge}{esc(rec.action)} "
            f"<code>{esc(rec.id)}</code> <small>({esc(rec.stage)}/{esc(rec.node)})</small>"
            f'<ul class="why">{"".join(why)}</ul></li>'
        )
    return (
        f'<li class="rec" data-id="{esc(rec.id)}">{badge}{esc(rec.action)} '
        f"<code>{esc(rec.id)}</code> <small>({esc(rec.stage)}/{esc(rec.node)})</small>"
        f'<ul class="why">{"".join(why)}</ul></li>'
    )


def _only_if(rec: Recommendation) -> str:
    """What the missing data must turn out to be for a conditional recommendation."""
    esc = html.escape
    ways = []
    for assumptions in rec.when:
        parts = [
            f"{esc(made.stage)}/{esc(made.node)} “{esc(made.question)}” → {esc(made.taken)}"
            + (f": <code>{esc(made.condition)}</code>" if made.condition else "")
            + (
                " (missing: " + ", ".join(f"<code>{esc(f)}</code>" for f in made.fields) + ")"
                if made.fields
                else ""
            )
            for made in assumptions
        ]
        ways.append("<li>" + " and ".join(parts) + "</li>")
    summary = esc(rec.summary_if or "for some values of the missing data")
    listed = f'<ul class="when">{"".join(ways)}</ul>' if ways else ""
    return f'<li class="only-if">Given only {summary}{listed}</li>'
