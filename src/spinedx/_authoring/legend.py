"""The legend of the HTML page: one example of every shape, and of a patient's path.

A patient's path is drawn in blue; where data is missing, the parts of it that
lie on some of the possible paths only (the missing data decides) are dashed,
and a recommendation given only for some values of the missing data carries
a ◐ instead of a ✓.
"""

from __future__ import annotations

import html

from spinedx._authoring.diagram import CONDITIONAL_MARK, DiagramEdge, DiagramNode
from spinedx._authoring.render import (
    DOT_SHAPES,
    FADED,
    KIND_FILL,
    STOPPED,
    TAKEN,
    URGENCY_FILL,
    dot_text,
    dot_to_svg,
    inline_svg,
)
from spinedx._compiled import Urgency


def legend_section(highlighted: bool) -> str:
    swatches = "".join(
        f'<li><span class="swatch" style="background:{fill}"></span>{html.escape(u.label)}</li>'
        for u, (fill, _) in URGENCY_FILL.items()
    )
    svg = inline_svg(dot_to_svg(legend_dot(highlighted))).replace(
        'id="graph0"', 'id="legend-drawing"', 1
    )
    return (
        '<section id="legend"><h2>Legend</h2>'
        f'<div class="diagram">{svg}</div>'
        f'<p>Recommendations are coloured by urgency:</p><ul class="legend-keys">{swatches}</ul>'
        "</section>"
    )


def legend_dot(highlighted: bool) -> str:
    """A small DOT graph with one example of every shape (and of a patient's path)."""
    samples = [
        DiagramNode("legend_decide", "", "", "decision", ("decision:", "a question"), "decision"),
        DiagramNode(
            "legend_rec",
            "",
            "",
            "recommendation",
            ("[urgency]", "recommendation"),
            "recommendation",
            urgency=Urgency.WITHIN_1_WEEK,
        ),
        DiagramNode("legend_fact", "", "", "conclusion", ("fact = value",), "conclusion"),
        DiagramNode(
            "legend_list",
            "",
            "",
            "checklist",
            ("checklist", "• item [urgency]", "   if condition"),
            "checklist",
        ),
        DiagramNode("legend_end", "", "", "end", ("end (with a note)",), "end"),
        DiagramNode("legend_sink", "", "", "sink", ("end",), "end of stage"),
    ]
    edges = [
        DiagramEdge("legend_decide", "legend_rec", "branch", ("1. condition",), "branch"),
        DiagramEdge("legend_decide", "legend_fact", "otherwise", ("otherwise",), "otherwise"),
        DiagramEdge("legend_decide", "legend_end", "unknown", ("unknown",), "unknown"),
        DiagramEdge("legend_fact", "legend_list", "then", ("then",), "then"),
        DiagramEdge("legend_list", "legend_sink", "then", ("then",), "then"),
    ]
    lines = [
        "digraph legend {",
        "  graph [rankdir=LR, nodesep=0.25, ranksep=0.35];",
        '  node [fontname="Helvetica", fontsize=10, color="#555555"];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555", arrowsize=0.7];',
        '  subgraph cluster_legend_shapes { graph [label="Shapes", style="rounded", '
        'color="#999999", fontname="Helvetica", fontsize=11];',
    ]
    for node in samples:
        fill = URGENCY_FILL[node.urgency][0] if node.urgency else KIND_FILL[node.kind]
        left = node.kind == "checklist"
        lines.append(
            f'  {node.key} [{DOT_SHAPES[node.kind]}, fillcolor="{fill}", '
            f'label={dot_text(node.lines, left=left)}, id="{node.key}"];'
        )
    for edge in edges:
        style = ", style=dashed" if edge.kind == "unknown" else ""
        lines.append(f"  {edge.source} -> {edge.target} [label={dot_text(edge.lines)}{style}];")
    lines.append("  }")
    if highlighted:
        lines += [
            '  subgraph cluster_legend_path { graph [label="One patient\'s path", '
            'style="rounded", color="#999999", fontname="Helvetica", fontsize=11];',
            f'  legend_seen [shape=box, style="rounded", color="{TAKEN}", penwidth=3, '
            'label="visited"];',
            f'  legend_hit [shape=box, style="rounded", color="{TAKEN}", penwidth=4.5, '
            'label="recommendation\\n✓ reached"];',
            f'  legend_stop [shape=diamond, style="dashed", color="{STOPPED}", penwidth=3, '
            'label="stopped:\\ndata missing"];',
            f'  legend_off [shape=box, style="rounded", color="#bbbbbb", fontcolor="{FADED}", '
            'label="not visited"];',
            f'  legend_seen -> legend_hit [label="edge taken", color="{TAKEN}", '
            f'fontcolor="{TAKEN}", penwidth=3];',
            "  legend_hit -> legend_stop -> legend_off [style=invis];",
            f'  legend_maybe [shape=box, style="rounded,dashed", color="{TAKEN}", penwidth=3, '
            'label="visited for some\\nvalues of the\\nmissing data", class="conditional"];',
            f'  legend_maybe_hit [shape=box, style="rounded,dashed", color="{TAKEN}", '
            f'penwidth=4.5, label="recommendation\\n{CONDITIONAL_MARK} reached conditionally", '
            'class="conditional"];',
            f'  legend_maybe -> legend_maybe_hit [label="edge taken for\\nsome values", '
            f'style=dashed, color="{TAKEN}", fontcolor="{TAKEN}", penwidth=3];',
            "  legend_off -> legend_maybe [style=invis];",
            "  }",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"
