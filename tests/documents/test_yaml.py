"""Strict YAML: values, positions and one diagnostic per problem, under both parsers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from spinedx._diagnostics.diagnostics import Diagnostic, Span
from spinedx._documents import strict_yaml as _yaml
from spinedx._documents.strict_yaml import MAX_FILE_BYTES, parse_yaml, read_yaml
from spinedx._documents.yaml_events import MAX_DEPTH
from spinedx._documents.yaml_tree import YMap, YScalar, YSeq, spans_by_path, to_plain
from tests.paths import CASES

CASES = CASES / "yaml"
LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


@contextmanager
def using(loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]) -> Iterator[None]:
    """Parse with one PyYAML back end (libyaml or pure Python) inside the block."""
    saved = _yaml._LOADER
    _yaml._LOADER = loader
    try:
        yield
    finally:
        _yaml._LOADER = saved


@contextmanager
def counting_events() -> Iterator[list[int]]:
    """Count the events spinedx takes from the parser (the back end in use) inside the block.

    Work is counted, never timed: an event is one node or one collection
    boundary, so the count bounds everything built from them on any machine.
    """
    taken = [0]
    base = _yaml._LOADER

    class Counting(base):  # type: ignore[valid-type, misc]
        def get_event(self) -> yaml.Event:
            taken[0] += 1
            return super().get_event()  # type: ignore[no-any-return]

    with using(Counting):
        yield taken


@pytest.fixture(params=LOADERS, ids=lambda loader: loader.__name__)
def loader(request: pytest.FixtureRequest) -> Iterator[None]:
    with using(request.param):
        yield


def where(diagnostics: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.column) for d in diagnostics]


def parse(text: str | bytes) -> tuple[object, list[tuple[str, int, int]]]:
    tree, diagnostics = parse_yaml(text, "t.yaml")
    return to_plain(tree), where(diagnostics)


# --- a normal document ---------------------------------------------------------------


@pytest.mark.usefixtures("loader")
def test_a_normal_document_keeps_values_types_and_positions() -> None:
    tree, diagnostics, text = read_yaml(CASES / "valid-stage.yaml")
    assert diagnostics == []
    assert text.startswith("# A stage")
    assert to_plain(tree) == {
        "stage": "imaging",
        "version": 2,
        "threshold": 7.5,
        "urgent": True,
        "note": None,
        "title": "MRI of the whole spine",
        "start_time": "12:30",
        "nodes": [
            {
                "id": "red_flags",
                "when": "age >= 50 and pain.night",
                "then": ["mri_whole_spine", "ct_chest"],
            },
            {"id": "mri_whole_spine", "text": "Contrast-enhanced MRI\nof the whole spine.\n"},
        ],
    }
    assert isinstance(tree, YMap)
    assert tree.keys()[:3] == ("stage", "version", "threshold")
    version = tree.get("version")
    assert isinstance(version, YScalar)
    assert (version.value, version.raw, version.style) == (2, "2", None)
    assert (version.span.line, version.span.column, version.span.end_column) == (3, 10, 11)
    key = tree.key_node("threshold")
    assert key is not None
    assert (key.span.line, key.span.column, key.span.end_column) == (4, 1, 10)
    title = tree.get("title")
    assert isinstance(title, YScalar)
    assert (title.style, title.span.column, title.span.end_column) == ('"', 8, 32)
    nodes = tree.get("nodes")
    assert isinstance(nodes, YSeq)
    assert (nodes.span.line, nodes.span.column, nodes.span.end_line) == (10, 3, 17)
    first = nodes.items[0]
    assert isinstance(first, YMap)
    then = first.get("then")
    assert isinstance(then, YSeq)
    assert (then.span.line, then.span.column, then.span.end_column) == (12, 11, 40)
    quoted = then.items[1]
    assert isinstance(quoted, YScalar)
    assert (quoted.style, quoted.span.column) == ("'", 29)
    text_node = nodes.items[1]
    assert isinstance(text_node, YMap)
    block = text_node.get("text")
    assert isinstance(block, YScalar)
    assert (block.style, block.span.line, block.span.column) == ("|", 14, 11)
    assert tree.get("absent") is None
    assert tree.key_node("absent") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("~", None),
        ("null", None),
        ("NULL", None),
        ("", None),
        ("true", True),
        ("False", False),
        ("0", 0),
        ("-0", 0),
        ("+12", 12),
        ("-3", -3),
        ("1.5", 1.5),
        ("1.", 1.0),
        (".5", 0.5),
        ("-2.5e-3", -0.0025),
        ("1.5E+3", 1500.0),
        ("12abc", "12abc"),
        ("1.2.3", "1.2.3"),
        ("'12:30'", "12:30"),
        ('"no"', "no"),
        ("'012'", "012"),
        ("'true'", "true"),
        ("yesterday", "yesterday"),
        ("a-b", "a-b"),
    ],
)
def test_plain_scalars_resolve_by_the_core_schema_and_quoted_ones_stay_text(
    text: str, value: object
) -> None:
    tree, diagnostics = parse_yaml(f"k: {text}\n", "t.yaml")
    assert diagnostics == []
    assert isinstance(tree, YMap)
    node = tree.get("k")
    assert isinstance(node, YScalar)
    assert node.value == value
    assert type(node.value) is type(value)  # 1 is not True, 0 is not 0.0


def test_keys_are_always_text() -> None:
    # ...and a plain key that other readers take for a boolean or null is refused (SPX113).
    assert parse("1: a\ntrue: b\nno: c\n~: d\n'x': e\n") == (
        {"1": "a", "true": "b", "no": "c", "~": "d", "x": "e"},
        [("SPX113", 2, 1), ("SPX113", 3, 1), ("SPX113", 4, 1)],
    )


# --- one code per problem, at its place ----------------------------------------------


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", [("SPX102", 3, 1)]),
        ("a: 1\n'a': 2\n", [("SPX102", 2, 1)]),
        ("x: {k: 1, k: 2}\n", [("SPX102", 1, 11)]),
        ("a: &anchor 1\n", [("SPX103", 1, 4)]),
        ("a: [1]\nb: *anchor\n", [("SPX103", 2, 4)]),
        ("a:\n  <<: {b: 1}\n", [("SPX104", 2, 3)]),
        ("'<<': 1\n", []),
        ("a: !!str 5\n", [("SPX105", 1, 4)]),
        ("a: !foo x\n", [("SPX105", 1, 4)]),
        ("a: ! x\n", [("SPX105", 1, 4)]),
        ("a: !!map {b: 1}\n", [("SPX105", 1, 4)]),
        ("a: !!seq [1]\n", [("SPX105", 1, 4)]),
        ("contrast: no\n", [("SPX106", 1, 11)]),
        ("- y\n- ON\n- Off\n", [("SPX106", 1, 3), ("SPX106", 2, 3), ("SPX106", 3, 3)]),
        ("time: 12:30\n", [("SPX107", 1, 7)]),
        ("t: 1:20:30\n", [("SPX107", 1, 4)]),
        ("n: 012\n", [("SPX107", 1, 4)]),
        ("n: 0o17\n", [("SPX107", 1, 4)]),
        ("n: 0x1F\n", [("SPX107", 1, 4)]),
        ("n: 0b101\n", [("SPX107", 1, 4)]),
        ("n: 1_000\n", [("SPX107", 1, 4)]),
        ("n: -.inf\n", [("SPX107", 1, 4)]),
        ("n: .NaN\n", [("SPX107", 1, 4)]),
        ("n: 1.0e+999\n", [("SPX107", 1, 4)]),
        ("n: 1e3\n", [("SPX107", 1, 4)]),
        ("n: 1.5e3\n", [("SPX107", 1, 4)]),
        ("a: 1\n---\nb: 2\n", [("SPX111", 2, 1)]),
        ("a: 1\n...\n", []),
        ("[x]: 1\n", [("SPX201", 1, 1)]),
        ("", [("SPX208", 1, 1)]),
        ("# only a comment\n\n", [("SPX208", 1, 1)]),
        ("---\n", [("SPX208", 1, 1)]),
        ("a: b: c\n", [("SPX101", 1, 5)]),
        ("a: 'open\n", [("SPX101", 2, 1)]),
        ("a: @x\n", [("SPX101", 1, 4)]),
    ],
)
def test_each_problem_has_its_code_and_position(
    text: str, expected: list[tuple[str, int, int]]
) -> None:
    assert parse(text)[1] == expected


def golden_cases() -> list[Path]:
    return sorted(CASES.glob("invalid-*.yaml"))


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize("path", golden_cases(), ids=lambda path: path.stem)
def test_golden_files_report_every_problem(path: Path) -> None:
    header = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    expected = []
    for item in header.split(", "):
        code, position = item.split()
        line, column = position.split(":")
        expected.append((code, int(line), int(column)))
    _, diagnostics, _ = read_yaml(path)
    assert where(diagnostics) == sorted(expected, key=lambda e: (e[1], e[2]))
    assert all(d.span.file == str(path) for d in diagnostics)


def test_diagnostics_carry_names_messages_and_hints() -> None:
    _, diagnostics = parse_yaml("a: 1\nmri: yes\na: 2\nt: 12:30\n", "t.yaml")
    by_code = {d.code: d for d in diagnostics}
    assert by_code["SPX106"].name == "yaml11-boolean"
    assert by_code["SPX106"].hint == "write true or false, or quote it if you mean the text"
    assert "'yes'" in by_code["SPX106"].message
    assert by_code["SPX102"].hint is not None
    assert "line 1" in by_code["SPX102"].hint
    assert "'12:30'" in by_code["SPX107"].message
    assert "quote" in (by_code["SPX107"].hint or "")


def test_a_problem_leaves_the_value_as_text_never_a_guess() -> None:
    assert parse("contrast: no\ntime: 12:30\nn: 012\n")[0] == {
        "contrast": "no",
        "time": "12:30",
        "n": "012",
    }


def test_time_quoted_is_text_and_unquoted_is_an_error() -> None:
    assert parse('time: "12:30"\n') == ({"time": "12:30"}, [])
    assert parse("time: 12:30\n")[1] == [("SPX107", 1, 7)]


# --- syntax errors -------------------------------------------------------------------


@pytest.mark.usefixtures("loader")
def test_a_tab_indent_is_a_syntax_error_with_a_hint() -> None:
    tree, diagnostics = parse_yaml("a:\n\tb: 1\n", "t.yaml")
    assert tree is None
    assert where(diagnostics) == [("SPX101", 2, 1)]
    assert diagnostics[0].hint == "indent with spaces, not tabs"
    assert "'\\t'" in diagnostics[0].message


@pytest.mark.usefixtures("loader")
def test_problems_before_a_syntax_error_are_kept() -> None:
    assert parse("a: 1\na: yes\nb: [1, 2\n")[1] == [
        ("SPX102", 2, 1),
        ("SPX106", 2, 4),
        ("SPX101", 4, 1),
    ]


# --- hostile input -------------------------------------------------------------------


@pytest.mark.usefixtures("loader")
def test_a_python_tag_is_refused_and_never_run(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    tree, diagnostics = parse_yaml(f'!!python/object/apply:os.system ["touch {target}"]', "t.yaml")
    assert where(diagnostics) == [("SPX105", 1, 1)]
    assert "!!python/object/apply:os.system" in diagnostics[0].message
    assert not target.exists()
    assert to_plain(tree) == [f"touch {target}"]


@pytest.mark.usefixtures("loader")
def test_billion_laughs_is_refused_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    with counting_events() as taken:
        tree, diagnostics = parse_yaml("\n".join(lines), "t.yaml")
    # The text's own ~120 nodes and boundaries, never the 9**9 strings of the expansion.
    assert taken[0] <= 130
    assert {d.code for d in diagnostics} == {"SPX103"}
    assert len(diagnostics) == 10 + 9 * 9  # every anchor and every alias
    assert isinstance(tree, YMap)
    assert len(tree.items) == 10


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize(
    "text",
    ["[" * 10_000 + "]" * 10_000, "{a: " * 10_000 + "}" * 10_000, "- " * 10_000 + "x"],
    ids=["flow-lists", "flow-mappings", "block-lists"],
)
def test_deep_nesting_stops_without_recursion(text: str) -> None:
    with counting_events() as taken:
        tree, diagnostics = parse_yaml(text, "t.yaml")
    # Reading stops at the level past the limit: a key and a collection per level at
    # most, plus the stream and document starts, not the 10,000 levels of the text.
    assert taken[0] <= 2 * (MAX_DEPTH + 1) + 2
    assert tree is None
    assert [d.code for d in diagnostics] == ["SPX110"]
    assert diagnostics[0].span.line == 1


@pytest.mark.usefixtures("loader")
def test_nesting_up_to_the_limit_is_fine() -> None:
    assert parse("[" * MAX_DEPTH + "]" * MAX_DEPTH)[1] == []
    deeper = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    assert parse(deeper)[1] == [("SPX110", 1, MAX_DEPTH + 1)]


def test_an_oversized_file_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*_: object) -> object:
        raise AssertionError("parsed an oversized file")

    monkeypatch.setattr(_yaml, "_LOADER", never)
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" * (6 * 1024 * 1024 // 5))
    tree, diagnostics, text = read_yaml(path)
    assert (tree, text) == (None, "")
    assert where(diagnostics) == [("SPX108", 1, 1)]
    assert str(MAX_FILE_BYTES) in diagnostics[0].message
    assert where(parse_yaml(b"a" * (MAX_FILE_BYTES + 1), "t.yaml")[1]) == [("SPX108", 1, 1)]
    assert where(parse_yaml("a" * (MAX_FILE_BYTES + 1), "t.yaml")[1]) == [("SPX108", 1, 1)]


# --- encodings and line ends ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a: 1\nb: \xff\n", ("SPX109", 2, 4)),
        (b"a: caf\xc3\xa9\nb: \xc3(\n", ("SPX109", 2, 4)),
        (b"\xff\xfea\x00:\x00", ("SPX109", 1, 1)),
        (b"a: 1\nb: x\x00y\n", ("SPX109", 2, 5)),
        (b"a: 1\r\nb: \x07\r\n", ("SPX109", 2, 4)),
        (b"\xef\xbb\xbfa: \x1b\n", ("SPX109", 1, 4)),
    ],
)
def test_bad_bytes_are_reported_with_a_position(
    data: bytes, expected: tuple[str, int, int]
) -> None:
    assert parse(data) == (None, [expected])


def test_text_with_a_lone_surrogate_or_control_character_is_spx109() -> None:
    assert parse("a: 1\nb: \ud800\n") == (None, [("SPX109", 2, 4)])
    assert parse("a: \x7f\n") == (None, [("SPX109", 1, 4)])
    # NEL is a line break to YAML 1.1 only, not a control character: refused as SPX112.
    assert parse("a: 1\x85b: yes\n") == (None, [("SPX112", 1, 5)])


def test_an_invalid_byte_names_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Müller\n".encode("latin-1"))
    tree, diagnostics, text = read_yaml(path)
    assert (tree, text) == (None, "")
    assert where(diagnostics) == [("SPX109", 1, 8)]
    assert "0xfc" in diagnostics[0].message
    assert "offset 7" in diagnostics[0].message


@pytest.mark.usefixtures("loader")
def test_a_bom_is_accepted_and_positions_are_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\nb: no\n")
    tree, diagnostics, text = read_yaml(path)
    assert to_plain(tree) == {"a": 1, "b": "no"}
    assert where(diagnostics) == [("SPX106", 2, 4)]
    assert text == "a: 1\nb: no\n"
    assert parse("\ufeffa: yes\n") == ({"a": "yes"}, [("SPX106", 1, 4)])


@pytest.mark.usefixtures("loader")
def test_crlf_line_ends_keep_line_numbers() -> None:
    text = "a: 1\r\nb:\r\n  - x\r\n  - yes\r\na: 2\r\n"
    value, diagnostics = parse(text.encode())
    assert value == {"a": 1, "b": ["x", "yes"]}
    assert diagnostics == [("SPX106", 4, 5), ("SPX102", 5, 1)]


def test_a_missing_or_unreadable_file_is_spx100(tmp_path: Path) -> None:
    for path in (tmp_path / "absent.yaml", tmp_path):
        tree, diagnostics, text = read_yaml(path)
        assert (tree, text) == (None, "")
        assert where(diagnostics) == [("SPX100", 1, 1)]
        assert diagnostics[0].span.file == str(path)


# --- paths and offsets ---------------------------------------------------------------


def test_spans_by_path_maps_nested_values_and_keys() -> None:
    tree, _ = parse_yaml("stage: x\nnodes:\n  - id: a\n    then: [b, c]\n", "t.yaml")
    assert tree is not None
    spans = spans_by_path(tree)

    def at(path: tuple[str | int, ...]) -> tuple[int, int]:
        return spans[path].line, spans[path].column

    assert at(()) == (1, 1)
    assert at(("stage",)) == (1, 8)
    assert at(("stage", "__key__")) == (1, 1)
    assert at(("nodes",)) == (3, 3)
    assert at(("nodes", 0)) == (3, 5)
    assert at(("nodes", 0, "id")) == (3, 9)
    assert at(("nodes", 0, "then", "__key__")) == (4, 5)
    assert at(("nodes", 0, "then", 1)) == (4, 15)
    assert len(spans) == 12


def test_a_repeated_key_keeps_its_first_value_everywhere() -> None:
    tree, _ = parse_yaml("a: 1\nb: 2\na: [3]\n", "t.yaml")
    assert isinstance(tree, YMap)
    assert len(tree.items) == 3
    assert tree.keys() == ("a", "b")
    assert to_plain(tree) == {"a": 1, "b": 2}
    assert spans_by_path(tree)[("a",)].line == 1


@pytest.mark.usefixtures("loader")
def test_offset_span_points_inside_a_scalar() -> None:
    tree, _ = parse_yaml(
        "p: age >= 50\nq: 'age >= 50'\nr: \"it''s\\t\"\ns: |\n  one\n  two >= 3\nt: >\n  x\n",
        "t.yaml",
    )
    assert isinstance(tree, YMap)

    def offset(key: str, index: int, length: int = 1) -> Span:
        node = tree.get(key)
        assert isinstance(node, YScalar)
        return node.offset_span(index, length)

    plain = offset("p", 4, 2)
    assert (plain.line, plain.column, plain.end_column) == (1, 8, 10)
    assert (offset("q", 4).line, offset("q", 4).column) == (2, 9)
    assert (offset("r", 3).line, offset("r", 3).column) == (3, 4)  # escapes: the start
    assert (offset("s", 6).line, offset("s", 6).column) == (6, 5)  # literal: exact
    assert (offset("t", 0).line, offset("t", 0).column) == (8, 3)  # folded: exact


# --- properties ----------------------------------------------------------------------


def assert_inside(diagnostics: list[Diagnostic], text: str) -> None:
    lines = text.splitlines()
    for d in diagnostics:
        span = d.span
        assert 1 <= span.line <= len(lines) + 1, d
        assert (span.line, span.column) <= (span.end_line, span.end_column), d
        assert span.end_line <= len(lines) + 1, d
        if span.line <= len(lines):
            assert span.column <= len(lines[span.line - 1]) + 1, d


YAMLISH = st.text(alphabet=st.sampled_from([*"ab01:-?[]{},&*!|>'\"#%@\t \n\r~.", "é"]))


@pytest.mark.parametrize("backend", LOADERS, ids=lambda loader: loader.__name__)
@given(text=st.one_of(st.text(), YAMLISH))
def test_any_text_gives_diagnostics_inside_it_and_never_raises(
    backend: type[yaml.SafeLoader], text: str
) -> None:
    with using(backend):
        tree, diagnostics = parse_yaml(text, "t.yaml")
    assert tree is not None or diagnostics
    assert_inside(diagnostics, text.removeprefix("\ufeff"))


@given(data=st.binary())
def test_any_bytes_give_diagnostics_inside_them_and_never_raise(data: bytes) -> None:
    tree, diagnostics = parse_yaml(data, "t.yaml")
    assert tree is not None or diagnostics
    assert_inside(diagnostics, data.decode("utf-8-sig", "replace"))


# PyYAML's emitter writes NEL and the Unicode line separators raw inside quotes,
# where its own reader then folds them: a PyYAML round-trip bug, not ours.
CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x85\u2028\u2029")
PLAIN_DATA = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(CHARACTERS),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(CHARACTERS, max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(value=PLAIN_DATA)
def test_what_safe_dump_writes_reads_back_the_same_or_is_flagged(value: object) -> None:
    # PyYAML writes YAML 1.1 and leaves some texts unquoted that other readers take for
    # numbers or booleans ('0o17', '1e3', '0:30', 'N'): those are flagged, none changes.
    text = yaml.safe_dump(value, allow_unicode=True)
    tree, diagnostics = parse_yaml(text, "t.yaml")
    assert {d.code for d in diagnostics} <= {"SPX106", "SPX107"}
    assert to_plain(tree) == value
