"""Draw a pathway: Mermaid and Graphviz DOT text, and SVG through Graphviz's ``dot``.

Both text formats come from one :class:`~spinedx._authoring.diagram.Diagram`; this
module only chooses shapes and colours and escapes text; a patient's path is
drawn in blue, its conditional parts (on some possible paths only, when data
is missing) dashed. Clinical text is full
of characters the formats treat specially (quotes, brackets, ``<`` and ``>``,
``#``, backslashes) and of unicode (``≥``): every label passes through
:func:`mermaid_text` or :func:`dot_text`, never into the output raw.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from collections.abc import Iterable, Iterator

from spinedx._authoring.diagram import Diagram, DiagramEdge, DiagramNode, DiagramStage
from spinedx._compiled import Urgency
from spinedx._diagnostics import SpinedxError

INSTALL_GRAPHVIZ = (
    "Graphviz's 'dot' program is needed for SVG and HTML output and was not found on PATH; "
    "install Graphviz (Debian/Ubuntu: 'apt-get install graphviz'; macOS: 'brew install graphviz') "
    "or use --format mermaid or --format dot"
)
DOT_TIMEOUT_SECONDS = 120
LABEL_WIDTH = 30
"""Characters per line in DOT node labels (Mermaid wraps by itself)."""
EDGE_WIDTH = 26
CHECKLIST_WIDTH = 64

TAKEN = "#1f5fbf"
"""The colour of one patient's path."""
STOPPED = "#d9822b"
DASHES = "6 4"
"""The dash pattern (Mermaid, CSS) of the conditional parts of a path; DOT draws them dashed."""
FADED = "#9a9a9a"

URGENCY_FILL: dict[Urgency, tuple[str, str]] = {
    Urgency.IMMEDIATE: ("#b2182b", "#ffffff"),
    Urgency.WITHIN_24_HOURS: ("#e34a33", "#ffffff"),
    Urgency.WITHIN_48_HOURS: ("#fc8d59", "#000000"),
    Urgency.WITHIN_1_WEEK: ("#fdcc8a", "#000000"),
    Urgency.WITHIN_2_WEEKS: ("#fef0d9", "#000000"),
    Urgency.ROUTINE: ("#e8f1e4", "#000000"),
    Urgency.ADVISORY: ("#f4f4f4", "#000000"),
}
"""Recommendation fill and text colour by urgency: the sooner, the redder."""

KIND_FILL = {
    "decision": "#fff6d5",
    "conclusion": "#e4eefa",
    "checklist": "#f3e8f7",
    "end": "#ffffff",
    "sink": "#ffffff",
}


class GraphvizError(SpinedxError, RuntimeError):
    """Graphviz is not installed, or ``dot`` failed on the generated text."""


# ------------------------------------------------------------------ Mermaid

_MERMAID_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "|": "#124;",
    "`": "#96;",
}
_MERMAID_SHAPES = {
    "decision": ("{", "}"),
    "recommendation": ("[", "]"),
    "conclusion": ("{{", "}}"),
    "checklist": ("[[", "]]"),
    "end": ("([", "])"),
    "sink": ("((", "))"),
}
_MERMAID_ARROWS = {
    "branch": "-->",
    "otherwise": "-->",
    "unknown": "-.->",
    "then": "-->",
    "next-stage": "==>",
}


def mermaid_text(lines: Iterable[str]) -> str:
    """Lines as the inside of a quoted Mermaid label.

    Mermaid's entity codes stand for the characters that would end the string
    or be read as HTML; lines are joined with ``<br/>``.

    Example:
        >>> mermaid_text(['Age ≥ 50 and "red flag"', "x < 5 # note"])
        'Age ≥ 50 and #quot;red flag#quot;<br/>x #lt; 5 #35; note'
    """
    return "<br/>".join(
        "".join(_MERMAID_ENTITIES.get(ch, " " if ch.isspace() else ch) for ch in line)
        for line in lines
    )


def render_mermaid(diagram: Diagram) -> str:
    """The diagram as a Mermaid flowchart, one subgraph per stage, stages chained."""
    out = [f"%% {_comment(diagram)}", "flowchart TB"]
    links: list[DiagramEdge] = []
    for index, stage in enumerate(diagram.stages):
        out.append(f'  subgraph s{index}["{mermaid_text([stage.heading])}"]')
        out.append("    direction TB")
        for node in stage.nodes:
            left, right = _MERMAID_SHAPES[node.kind]
            out.append(f'    {node.key}{left}"{mermaid_text(node.lines)}"{right}')
        for edge in stage.edges:
            arrow = _MERMAID_ARROWS[edge.kind]
            out.append(f'    {edge.source} {arrow}|"{mermaid_text(edge.lines)}"| {edge.target}')
            links.append(edge)
        out.append("  end")
    for index, edge in enumerate(diagram.chain):
        out.append(f"  s{index} ==> s{index + 1}")
        links.append(edge)
    out.extend(_mermaid_styles(diagram, links))
    return "\n".join(out) + "\n"


def _mermaid_styles(diagram: Diagram, links: list[DiagramEdge]) -> Iterator[str]:
    for kind, fill in KIND_FILL.items():
        yield f"  classDef k_{kind} fill:{fill},stroke:#555,color:#000"
    for urgency, (fill, ink) in URGENCY_FILL.items():
        yield f"  classDef {_urgency_class(urgency)} fill:{fill},stroke:#555,color:{ink}"
    yield f"  classDef visited stroke:{TAKEN},stroke-width:3px"
    yield f"  classDef reached stroke:{TAKEN},stroke-width:5px"
    yield f"  classDef stopped stroke:{STOPPED},stroke-width:4px,stroke-dasharray:6 3"
    yield f"  classDef faded color:{FADED},stroke:#bbb"
    nodes = [node for stage in diagram.stages for node in stage.nodes]
    if any(node.conditional for node in nodes):  # complete records draw as they always did
        yield f"  classDef conditional stroke-dasharray:{DASHES}"
    groups: dict[str, list[str]] = {}
    for node in nodes:
        base = _urgency_class(node.urgency) if node.urgency is not None else f"k_{node.kind}"
        groups.setdefault(base, []).append(node.key)
        for mark in _marks(node, diagram.highlighted):
            groups.setdefault(mark, []).append(node.key)
    for name, keys in groups.items():
        yield f"  class {','.join(keys)} {name}"
    taken = [str(i) for i, edge in enumerate(links) if edge.taken and not edge.conditional]
    maybe = [str(i) for i, edge in enumerate(links) if edge.taken and edge.conditional]
    if diagram.highlighted and taken:
        yield f"  linkStyle {','.join(taken)} stroke:{TAKEN},stroke-width:4px"
    if diagram.highlighted and maybe:
        yield (
            f"  linkStyle {','.join(maybe)} stroke:{TAKEN},stroke-width:3px,"
            f"stroke-dasharray:{DASHES}"
        )


def _urgency_class(urgency: Urgency) -> str:
    return "u_" + urgency.value.replace("-", "_")


def _marks(node: DiagramNode, highlighted: bool) -> list[str]:
    if not highlighted:
        return []
    if node.stopped:
        return ["stopped"]
    maybe = ["conditional"] if node.conditional else []
    if node.reached:
        return ["reached", *maybe]
    return ["visited", *maybe] if node.visited else ["faded"]


# ---------------------------------------------------------------------- DOT

DOT_SHAPES = {
    "decision": 'shape=diamond, style="filled", margin="0.05,0.02"',
    "recommendation": 'shape=box, style="rounded,filled"',
    "conclusion": 'shape=hexagon, style="filled"',
    "checklist": 'shape=box, style="filled", peripheries=2',
    "end": 'shape=oval, style="filled"',
    "sink": 'shape=doublecircle, style="filled", width=0.3, fontsize=9',
}


def dot_text(lines: Iterable[str], *, left: bool = False) -> str:
    """Lines as a double-quoted DOT string: backslashes and quotes escaped.

    Graphviz reads ``\\N``, ``\\G`` and the like inside labels as names, so
    every backslash in the text is doubled; lines end with ``\\n`` (centred) or
    ``\\l`` (left-aligned).

    Example:
        >>> print(dot_text(['Say "no" \\\\N', "age ≥ 50"]))
        "Say \\"no\\" \\\\N\\nage ≥ 50"
    """
    escaped = [
        "".join(" " if ch.isspace() else ch for ch in line)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        for line in lines
    ]
    if left:
        return '"' + "".join(line + "\\l" for line in escaped) + '"'
    return '"' + "\\n".join(escaped) + '"'


def wrap(lines: Iterable[str], width: int) -> list[str]:
    """Each logical line wrapped at about ``width`` characters; long words are not broken.

    Example:
        >>> wrap(["Is there a neurological deficit?", "x"], 20)
        ['Is there a', 'neurological', 'deficit?', 'x']
    """
    out: list[str] = []
    for line in lines:
        indent = line[: len(line) - len(line.lstrip())]
        out += textwrap.wrap(
            line,
            width,
            initial_indent="",
            subsequent_indent=indent + "  " if indent else "",
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return out


def render_dot(diagram: Diagram, stages: Iterable[DiagramStage] | None = None) -> str:
    """The diagram (or some of its stages) as a Graphviz digraph, one cluster per stage."""
    chosen = list(diagram.stages if stages is None else stages)
    keys = {node.key for stage in chosen for node in stage.nodes}
    out = [
        f"// {_comment(diagram)}",
        "digraph pathway {",
        "  graph [rankdir=TB, compound=true, newrank=true, nodesep=0.35, ranksep=0.45,",
        '         fontname="Helvetica", fontsize=16, labeljust=l];',
        '  node [fontname="Helvetica", fontsize=11, color="#555555", penwidth=1.2];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555", arrowsize=0.7];',
    ]
    for stage in chosen:
        out.append(f"  subgraph cluster_{stage.id} {{")
        out.append(
            f"    graph [label={dot_text([stage.heading])}, "
            f'style="rounded", color="#999999", id="cluster_{stage.id}"];'
        )
        out.extend(f"    {_dot_node(node, diagram.highlighted)}" for node in stage.nodes)
        out.extend(
            f"    {_dot_edge(edge, diagram.highlighted, f'{stage.id}_e{i}')}"
            for i, edge in enumerate(stage.edges)
        )
        out.append("  }")
    for index, (edge, tail, head) in enumerate(
        zip(diagram.chain, diagram.stages, diagram.stages[1:], strict=False)
    ):
        if edge.source in keys and edge.target in keys:
            out.append(
                f"  {edge.source} -> {edge.target} [ltail=cluster_{tail.id}, "
                f'lhead=cluster_{head.id}, style=bold, color="#777777", '
                f'label={dot_text(edge.lines)}, id="chain_{index}", class="next-stage"];'
            )
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_node(node: DiagramNode, highlighted: bool) -> str:
    attrs = [DOT_SHAPES[node.kind]]
    if node.urgency is not None:
        fill, ink = URGENCY_FILL[node.urgency]
        attrs.append(f'fillcolor="{fill}", fontcolor="{ink}"')
    else:
        attrs.append(f'fillcolor="{KIND_FILL[node.kind]}"')
    if highlighted:
        dashed = f', style="{_dashed(node)}"' if node.conditional else ""
        if node.stopped:
            attrs.append(f'color="{STOPPED}", penwidth=3, style="filled,dashed"')
        elif node.reached:
            attrs.append(f'color="{TAKEN}", penwidth=4.5{dashed}')
        elif node.visited:
            attrs.append(f'color="{TAKEN}", penwidth=3{dashed}')
        elif node.urgency is None:
            attrs.append(f'color="#bbbbbb", fontcolor="{FADED}"')
        else:  # text stays legible on the urgency colour
            attrs.append('color="#bbbbbb", style="rounded,filled,dashed"')
    checklist = node.kind == "checklist"
    label = dot_text(
        wrap(node.lines, CHECKLIST_WIDTH if checklist else LABEL_WIDTH), left=checklist
    )
    attrs.append(f"label={label}, tooltip={dot_text([node.tooltip])}")
    classes = " ".join([node.kind, *_marks(node, highlighted)])
    attrs.append(f'id="{node.key}", class="{classes}"')
    return f"{node.key} [{', '.join(attrs)}];"


def _dashed(node: DiagramNode) -> str:
    """The node's own style, dashed: a conditional part of the path."""
    return "rounded,filled,dashed" if node.kind == "recommendation" else "filled,dashed"


def _dot_edge(edge: DiagramEdge, highlighted: bool, ident: str) -> str:
    taken = " taken" if highlighted and edge.taken else ""
    if taken and edge.conditional:
        taken += " conditional"
    attrs = [
        f"label={dot_text(wrap(edge.lines, EDGE_WIDTH))}",
        f"tooltip={dot_text([edge.tooltip])}",
        f'id="{ident}", class="{edge.kind}{taken}"',
    ]
    if edge.minlen != 1:
        attrs.append(f"minlen={edge.minlen}")
    if edge.kind == "unknown" or (highlighted and edge.taken and edge.conditional):
        attrs.append("style=dashed")
    if highlighted and edge.taken:
        attrs.append(f'color="{TAKEN}", fontcolor="{TAKEN}", penwidth=3')
    elif highlighted:
        attrs.append('color="#bbbbbb", fontcolor="#9a9a9a"')
    return f"{edge.source} -> {edge.target} [{', '.join(attrs)}];"


def _comment(diagram: Diagram) -> str:
    # Comments are one line: a title with a newline would end the comment early.
    text = f"{diagram.title} — {diagram.id} {diagram.version} ({diagram.digest})"
    return " ".join(text.split())


# ---------------------------------------------------------------------- SVG


def dot_program() -> str | None:
    """The path of Graphviz's ``dot``, or None when it is not installed."""
    return shutil.which("dot")


def dot_to_svg(source: str) -> str:
    """Run Graphviz's ``dot`` on DOT text and return the SVG document.

    Raises:
        GraphvizError: when ``dot`` is not installed (the message says how to
            install it) or fails.
    """
    program = dot_program()
    if program is None:
        raise GraphvizError(INSTALL_GRAPHVIZ)
    try:
        # The argument list is fixed and the DOT text goes to stdin: no shell, no user argument.
        done = subprocess.run(  # noqa: S603
            [program, "-Tsvg"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GraphvizError(f"Graphviz's dot could not run: {error}") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise GraphvizError(f"Graphviz's dot failed (exit status {done.returncode}): {message}")
    return done.stdout.decode("utf-8")


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)


def inline_svg(document: str) -> str:
    """An SVG document without its XML prologue, doctype and comments, for use inside HTML."""
    return _PROLOGUE.sub("", document, count=1).strip()
