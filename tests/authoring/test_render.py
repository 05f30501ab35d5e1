"""Diagrams: Mermaid and DOT text, escaping, one patient's path, SVG, and the HTML page.

Graphviz and Chromium are system programs: the tests that need them skip when
they are absent (``.ci/run`` installs both).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from spinedx import load_pathway
from spinedx._authoring.diagram import abbreviate, build_diagram
from spinedx._authoring.html import render_html, render_svg
from spinedx._authoring.reading import PART_NODES, STAGGER_FROM, for_reading, parts
from spinedx._authoring.render import dot_text, mermaid_text, render_dot, render_mermaid
from spinedx._cli.app import main
from spinedx._evaluation.explain import explain_walk
from spinedx._evaluation.interpreter import walk
from tests.paths import CASES, MINI, ROOT

SHIPPED = ROOT / "pathways" / "spinal_tumor"
PATIENTS = ROOT / "examples" / "patients"
SVG = "{http://www.w3.org/2000/svg}"

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")
needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="headless Chromium not installed"
)

WEAK_LEGS = {
    "history": {"age": 58, "cancers": [{"site": "breast", "active": True}]},
    "exam": {"leg_strength": 3, "reflexes": "brisk"},
    "labs": {"calcium_high": True},
}
"""The mini pathway's emergency patient: every stage fires something."""

HOSTILE = 'Age ≥ 50 with "red flags" [x] {y} (z) <b>bold</b> a|b #1; \\N back\\slash `tick` & co'


def _mini_with(tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _hostile_pathway(tmp_path: Path) -> Path:
    quoted = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    folder = _mini_with(
        tmp_path, "history.yaml", "decide: Has the patient had cancer?", f'decide: "{quoted}"'
    )
    exam = folder / "exam.yaml"
    exam.write_text(
        exam.read_text(encoding="utf-8").replace(
            "action: Contact the MSCC coordinator now.",
            "action: |-\n      Line one “quoted”\n      line two ≤ 3",
        ),
        encoding="utf-8",
    )
    return folder


# ------------------------------------------------------------------ escaping


def test_mermaid_text_uses_entity_codes_for_every_special_character() -> None:
    escaped = mermaid_text([HOSTILE])
    for raw in '"<>|`':
        assert raw not in escaped
    assert "#quot;red flags#quot;" in escaped
    assert "#lt;b#gt;bold#lt;/b#gt;" in escaped
    assert "#35;1;" in escaped
    assert "#amp; co" in escaped
    assert "≥" in escaped  # unicode is written as is: Mermaid reads UTF-8


def test_mermaid_text_joins_lines_and_flattens_other_whitespace() -> None:
    assert mermaid_text(["a\tb", "c\rd"]) == "a b<br/>c d"


def test_dot_text_escapes_quotes_and_backslashes_and_ends_lines() -> None:
    assert dot_text(['say "no"', "a\\N"]) == '"say \\"no\\"\\na\\\\N"'
    assert dot_text(["x", "y"], left=True) == '"x\\ly\\l"'


def test_abbreviate_cuts_at_a_word_and_marks_the_cut() -> None:
    text = "history.age >= 50 and (history.night_pain or history.weight_loss)"
    short = abbreviate(text, 30)
    assert len(short) <= 30
    assert short.endswith(" …")
    assert text.startswith(short.removesuffix(" …"))
    assert abbreviate("short", 30) == "short"


# ------------------------------------------------------------------- Mermaid


def test_mermaid_has_one_subgraph_per_stage_chained_in_manifest_order() -> None:
    text = render_mermaid(build_diagram(load_pathway(MINI)))
    assert text.startswith("%% ")
    assert "\nflowchart TB\n" in text
    headings = re.findall(r'subgraph s\d+\["([^"]*)"\]', text)
    assert headings == ["1. History", "2. Exam", "3. Imaging", "4. Blood tests"]
    assert re.findall(r"^  s(\d) ==> s(\d)$", text, re.MULTILINE) == [
        ("0", "1"),
        ("1", "2"),
        ("2", "3"),
    ]


def test_mermaid_shapes_and_labels_say_what_each_node_is() -> None:
    text = render_mermaid(build_diagram(load_pathway(MINI)))
    assert '{"Has the patient had cancer?"}' in text  # decision: diamond
    assert '["[immediately]<br/>Contact the MSCC coordinator now."]' in text  # box + urgency
    assert '{{"cancer_suspected = true"}}' in text  # conclusion: hexagon
    assert '[["Blood tests<br/>• Full blood count. [within 2 weeks]' in text  # checklist
    assert '(["No emergency."])' in text  # end node
    assert '(("end"))' in text  # the stage's end
    assert '-->|"otherwise"|' in text
    assert '-->|"then"|' in text
    assert '-->|"facts.suspicion == #quot;high#quot;"|' in text


def test_mermaid_never_names_a_node_or_class_with_a_keyword() -> None:
    text = render_mermaid(build_diagram(load_pathway(MINI)))
    ids = set(re.findall(r"^\s+(\w+)[\[\{\(]", text, re.MULTILINE))
    assert ids
    assert all(re.fullmatch(r"n\d+", i) for i in ids)
    assert not re.search(r"classDef end\b|class [\w,]+ end$", text, re.MULTILINE)


def test_mermaid_labels_hold_no_raw_quote_whatever_the_text(tmp_path: Path) -> None:
    text = render_mermaid(build_diagram(load_pathway(_hostile_pathway(tmp_path))))
    labels = re.findall(r'"((?:[^"\n])*)"', text)
    joined = "\n".join(labels)
    assert "#quot;red flags#quot;" in joined
    assert "Line one “quoted”<br/>" not in joined  # a newline in the text is not a line break
    assert "Line one “quoted” line two ≤ 3" in joined
    for line in text.splitlines():
        assert line.count('"') % 2 == 0, line


def test_mermaid_marks_the_path_of_one_patient() -> None:
    pathway = load_pathway(MINI)
    text = render_mermaid(build_diagram(pathway, pathway.evaluate(WEAK_LEGS)))
    classes = {
        name: keys.split(",")
        for keys, name in re.findall(r"^  class ([\w,]+) (\w+)$", text, re.MULTILINE)
    }
    assert {"visited", "reached", "faded"} <= set(classes)
    links = re.findall(r'^\s+(n\d+ \S+\|".*"\| n\d+|s\d ==> s\d)$', text, re.MULTILINE)
    styled = re.search(r"^  linkStyle ([\d,]+) ", text, re.MULTILINE)
    assert styled is not None
    taken = [links[int(i)] for i in styled.group(1).split(",")]
    assert any('|"history.cancer_history"|' in link for link in taken)
    assert not any('|"otherwise"| n3' in link for link in taken)


# ----------------------------------------------------------------------- DOT


def test_dot_has_clusters_in_order_and_chains_them() -> None:
    text = render_dot(build_diagram(load_pathway(MINI)))
    assert re.findall(r"subgraph cluster_(\w+) \{", text) == ["history", "exam", "imaging", "labs"]
    assert text.count("lhead=cluster_") == 3
    assert "shape=diamond" in text
    assert "shape=hexagon" in text
    assert "shape=doublecircle" in text


def test_dot_marks_a_decision_stopped_at_the_bound_and_takes_none_of_its_edges() -> None:
    pathway = load_pathway(MINI)
    record = pathway.validate_patient({})
    # One live path only: the open first decision would need three, so it stops its stage.
    done = walk(pathway.stages, record, limit=1)
    evaluation = explain_walk(done, pathway.stages, record, pathway._explain)
    assert evaluation.bounded
    text = render_dot(build_diagram(pathway, evaluation))
    stopped = re.search(r'^\s+(n\d+) \[.*class="decision stopped"', text, re.MULTILINE)
    assert stopped is not None
    assert "⚠ stopped: data missing" in text
    # The history stage stopped, so none of its edges was taken.
    history = text[text.index("cluster_history") : text.index("cluster_exam")]
    assert 'class="then taken"' not in history
    assert 'class="branch taken"' not in history


@needs_dot
def test_dot_text_round_trips_through_graphviz(tmp_path: Path) -> None:
    pathway = load_pathway(_hostile_pathway(tmp_path))
    svg = render_svg(build_diagram(pathway))
    root = ET.fromstring(svg)
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for fragment in ('"red flags"', "[x] {y} (z)", "<b>bold</b>", "#1;", "\\N", "back\\slash"):
        assert fragment in texts, fragment
    assert "≥ 50" in texts
    assert "≤ 3" in texts


# ---------------------------------------------------------------- SVG, HTML


@needs_dot
def test_svg_is_one_document_with_every_node() -> None:
    pathway = load_pathway(MINI)
    diagram = build_diagram(pathway)
    root = ET.fromstring(render_svg(diagram))
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    keys = {node.key for stage in diagram.stages for node in stage.nodes}
    assert keys <= ids
    assert {f"cluster_{s.id}" for s in pathway.stages} <= ids


@needs_dot
def test_html_page_is_self_contained_and_lists_what_was_reached() -> None:
    pathway = load_pathway(MINI)
    evaluation = pathway.evaluate(WEAK_LEGS)
    page = render_html(build_diagram(pathway, evaluation), patient="weak-legs.yaml")
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page
    for loads in ("<script", "<link", "src=", "@import", "url("):
        assert loads not in page, loads
    assert pathway.digest in page
    assert len(re.findall(r'<section class="stage[ "]', page)) == len(pathway.stages)
    assert 'id="legend"' in page
    for rec in evaluation.recommendations:
        assert f'data-id="{rec.id}"' in page
    assert "weak-legs.yaml" in page
    assert "<?xml" not in page
    assert "<!DOCTYPE svg" not in page


@needs_dot
def test_html_escapes_pathway_text(tmp_path: Path) -> None:
    page = render_html(build_diagram(load_pathway(_hostile_pathway(tmp_path))))
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


# ----------------------------------------------------------------------- CLI


def test_cli_writes_mermaid_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(MINI)]) == 0
    assert "flowchart TB" in capsys.readouterr().out


def test_cli_writes_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mini.dot"
    assert main(["render", str(MINI), "--format", "dot", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("// ")
    assert f"wrote {out}" in capsys.readouterr().err


def test_cli_highlights_a_patient_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    patient = PATIENTS / "metastatic-breast-leg-weakness.yaml"
    assert main(["render", str(SHIPPED), "--format", "dot", "--patient", str(patient)]) == 0
    out = capsys.readouterr().out
    assert 'class="recommendation reached"' in out
    assert " taken" in out


def test_cli_reports_a_bad_patient_file_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patient = tmp_path / "bad.yaml"
    patient.write_text("history:\n  night_pain: yes\n", encoding="utf-8")
    assert main(["render", str(SHIPPED), "--patient", str(patient)]) == 1
    assert "bad.yaml:2:15" in capsys.readouterr().err


def test_cli_reports_a_broken_pathway(capsys: pytest.CaptureFixture[str]) -> None:
    broken = CASES / "invalid" / "many-problems"
    assert main(["render", str(broken)]) == 1
    assert "SPX305" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["svg", "html"])
def test_cli_without_graphviz_says_how_to_install_it(
    fmt: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("spinedx._authoring.render.shutil.which", lambda _name: None)
    assert main(["render", str(MINI), "--format", fmt]) == 1
    err = capsys.readouterr().err
    assert "apt-get install graphviz" in err
    assert "brew install graphviz" in err
    assert "--format mermaid" in err


# ------------------------------------------------------------------ Chromium


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]
    chromium = shutil.which("chromium")
    assert chromium is not None
    return subprocess.run(
        [chromium, *flags, *args], capture_output=True, text=True, timeout=180, check=False
    )


@needs_dot
@needs_chromium
def test_the_html_page_renders_in_a_browser(tmp_path: Path) -> None:
    pathway = load_pathway(MINI)
    evaluation = pathway.evaluate(WEAK_LEGS)
    page = tmp_path / "mini.html"
    page.write_text(
        render_html(build_diagram(pathway, evaluation), patient="weak legs"), encoding="utf-8"
    )
    done = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    # The browser parsed one inline SVG per stage plus the legend, with the nodes in it.
    assert dom.count("<svg") == len(pathway.stages) + 1
    for node_id in ("n0", "n7", "n14"):
        assert re.search(rf'<g id="{node_id}" class="node [^"]*"', dom), node_id
    assert re.search(r'<g id="n8" class="node recommendation reached"', dom)
    assert re.search(r'class="edge branch taken"', dom)
    # Texts from the pathway and the result reached the rendered DOM.
    for text in ("Has the patient had cancer?", "Contact the MSCC coordinator now.", "Legend"):
        assert text in dom, text
    for rec in evaluation.recommendations:
        assert f'data-id="{rec.id}"' in dom
    shot = tmp_path / "mini.png"
    done = _chromium(tmp_path, "--window-size=1280,2000", f"--screenshot={shot}", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000  # a blank page compresses to a few kilobytes


# ------------------------------------------------------- laid out for reading


def test_reading_numbers_branches_in_walk_order_and_drops_then_labels() -> None:
    diagram = for_reading(build_diagram(load_pathway(MINI)))
    history = diagram.stages[0]
    decision = history.start
    ways = [edge for edge in history.edges if edge.source == decision]
    assert [edge.lines[0].split(" ", 1)[0] for edge in ways] == ["1.", "2.", "otherwise"]
    assert (
        ways[1].lines[0] == "2. history.age >= 50 and (history.night_pain or history.weight_loss)"
    )
    assert all(edge.lines == () for edge in history.edges if edge.kind == "then")


def test_reading_wraps_long_conditions_over_lines_in_dot() -> None:
    diagram = for_reading(build_diagram(load_pathway(MINI)))
    dot = render_dot(diagram, [diagram.stages[0]])
    label = re.search(r'label="(2\. history\.age[^"]*)"', dot)
    assert label is not None
    assert "\\n" in label[1]  # wrapped, not cut
    assert "…" not in label[1]


def test_reading_staggers_a_wide_fan_out_over_ranks() -> None:
    diagram = for_reading(build_diagram(load_pathway(SHIPPED)))
    imaging = next(stage for stage in diagram.stages if stage.id == "imaging")
    fan = max(
        {edge.source for edge in imaging.edges},
        key=lambda key: sum(edge.source == key for edge in imaging.edges),
    )
    ways = [edge for edge in imaging.edges if edge.source == fan]
    assert len(ways) > STAGGER_FROM
    assert {edge.minlen for edge in ways} == {1, 2, 3}
    assert "minlen=2" in render_dot(diagram, [imaging])
    # The plain DOT output is not staggered: the snapshot of `render --format dot` holds.
    assert "minlen" not in render_dot(build_diagram(load_pathway(SHIPPED)))


def test_a_large_stage_is_drawn_in_parts_that_keep_every_node_and_edge() -> None:
    diagram = for_reading(build_diagram(load_pathway(SHIPPED)))
    imaging = next(stage for stage in diagram.stages if stage.id == "imaging")
    cut = parts(imaging)
    assert len(cut) > 1
    assert [part.id for part in cut] == ["imaging"] + [
        f"imaging_part{i}" for i in range(2, len(cut) + 1)
    ]
    assert cut[0].heading == f"3. Medical imaging (part 1 of {len(cut)})"
    real = [n.key for n in imaging.nodes if n.kind != "sink"]
    drawn = [n.key for part in cut for n in part.nodes if n.key in real]
    assert sorted(drawn) == sorted(real)  # each node in exactly one part
    assert sum(len(part.edges) for part in cut) == len(imaging.edges)
    for part in cut:
        keys = {n.key for n in part.nodes}
        assert {e.source for e in part.edges} | {e.target for e in part.edges} <= keys
        assert part.start in keys
    small = next(stage for stage in diagram.stages if stage.id == "blood_tests")
    assert parts(small) == (small,)
    assert len(real) > PART_NODES


@needs_dot
def test_html_lists_every_decision_with_numbered_branches_and_marks_the_path() -> None:
    pathway = load_pathway(MINI)
    evaluation = pathway.evaluate(WEAK_LEGS)
    page = render_html(build_diagram(pathway, evaluation), patient="weak-legs.yaml")
    branches = re.search(r'<dl class="branches">.*?</dl>', page)
    assert branches is not None
    items = re.findall(r'<span class="n">([^<]*)</span>', branches[0])
    assert items == ["1.", "2.", "otherwise"]
    assert (
        "<code>history.age &gt;= 50 and (history.night_pain or history.weight_loss)</code>" in page
    )
    # The first branch was taken by this patient; the path's first node is linked.
    assert '<li class="taken"><span class="n">1.</span>' in branches[0]
    start = re.search(
        r'<section class="stage[^"]*" id="stage-history" data-path-start="(n\d+)"', page
    )
    assert start is not None
    assert f'href="#{start[1]}"' in page
    assert re.search(rf'<g id="{start[1]}" class="node decision visited"', page)


@needs_dot
def test_html_fits_diagrams_to_the_column_and_prints_one_page_per_stage() -> None:
    page = render_html(build_diagram(load_pathway(SHIPPED)))
    css = page[page.index("<style>") : page.index("</style>")]
    assert ".diagram svg { max-width: 100%;" in css
    assert ".zoom:checked ~ .diagram svg { max-width: none; }" in css
    assert "@media print" in css
    assert "section.stage { break-before: page; }" in css
    assert "@page landscape { size: A4 landscape;" in css
    sections = re.findall(r'<section class="(stage[^"]*)" id="stage-([^"]+)"', page)
    assert sections[0][1] == "history"
    assert "imaging_part2" in {s for _, s in sections}
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids in the page are unique"
    assert "<script" not in page


@needs_dot
@needs_chromium
def test_the_html_page_prints_one_page_per_stage_part(tmp_path: Path) -> None:
    pathway = load_pathway(SHIPPED)
    patient = PATIENTS / "metastatic-breast-leg-weakness.yaml"
    from spinedx import load_patient  # noqa: PLC0415  # only this test reads a patient file

    evaluation = pathway.evaluate(load_patient(patient))
    text = render_html(build_diagram(pathway, evaluation), patient=patient.name)
    page = tmp_path / "shipped.html"
    page.write_text(text, encoding="utf-8")
    pdf = tmp_path / "shipped.pdf"
    done = _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", data)
    sections = re.findall(r'<section class="(stage[^"]*)"', text)
    assert len(boxes) >= len(sections)  # each stage part starts a page
    landscape = sum(float(w) > float(h) for w, h in boxes)
    assert landscape >= sum("landscape" in s for s in sections) > 0
