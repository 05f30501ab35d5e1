"""The condition parser: the closed tree, the whitelist, syntax messages, limits."""

from __future__ import annotations

import ast
import sys
from collections import Counter
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinedx._conditions import parse as _expr
from spinedx._conditions.parse import (
    MAX_CONDITION_CHARS,
    MAX_NODES,
    AtLeast,
    BoolOp,
    Call,
    Compare,
    ExprProblem,
    FactRef,
    Literal,
    Neg,
    Path,
    Quantifier,
    Var,
    parse_condition,
)


def parsed(text: str) -> object:
    expr, problems = parse_condition(text)
    assert problems == [], problems
    return expr


def only_problem(text: str) -> ExprProblem:
    expr, problems = parse_condition(text)
    assert expr is None
    assert len(problems) == 1, problems
    return problems[0]


# -- the closed tree ------------------------------------------------------------


def test_paths_keep_each_part_offset() -> None:
    expr = parsed("history.age >= 50")
    assert isinstance(expr, Compare)
    assert expr.ops == (">=",)
    path = expr.left
    assert isinstance(path, Path)
    assert path.parts == ("history", "age")
    assert path.part_offsets == (0, 8)
    assert (path.offset, path.length) == (0, 11)
    assert expr.comparators[0] == Literal(value=50, offset=15, length=2)


def test_boolean_operators_nest_as_written() -> None:
    expr = parsed("a and (b or c) and not d")
    assert isinstance(expr, BoolOp)
    assert expr.op == "and"
    assert [type(o).__name__ for o in expr.operands] == ["Path", "BoolOp", "Not"]


def test_true_false_in_lowercase() -> None:
    for text, value in (("true", True), ("false", False)):
        expr = parsed(text)
        assert isinstance(expr, Literal)
        assert expr.value is value


def test_facts_are_fact_references() -> None:
    expr = parsed("facts.suspicion == 'high'")
    assert isinstance(expr, Compare)
    assert expr.left == FactRef(name="suspicion", name_offset=6, offset=0, length=15)


def test_quantifier_binds_its_variable_only_inside() -> None:
    expr = parsed('any(c.status == "active" for c in history.cancers) and c.x')
    assert isinstance(expr, BoolOp)
    quantifier, outside = expr.operands
    assert isinstance(quantifier, Quantifier)
    assert quantifier.kind == "any"
    assert quantifier.var == "c"
    assert isinstance(quantifier.source, Path)
    assert isinstance(quantifier.body, Compare)
    assert isinstance(quantifier.body.left, Var)
    assert quantifier.body.left.parts == ("status",)
    assert isinstance(outside, Path)  # the same name outside is a record field


def test_nested_quantifier_over_an_item_list() -> None:
    expr = parsed("all(any(s.done for s in c.steps) for c in history.cancers)")
    assert isinstance(expr, Quantifier)
    inner = expr.body
    assert isinstance(inner, Quantifier)
    assert isinstance(inner.source, Var)
    assert inner.source.name == "c"


def test_count_forms() -> None:
    assert isinstance(parsed("count(history.cancers) > 1"), Compare)
    expr = parsed("count(history.cancers)")
    assert isinstance(expr, Call)
    assert expr.func == "count"
    counted = parsed("count(c.active for c in history.cancers)")
    assert isinstance(counted, Quantifier)
    assert counted.kind == "count"


def test_at_least_keeps_its_number_and_its_conditions() -> None:
    expr = parsed("at_least(2, a > 50, b, not c)")
    assert isinstance(expr, AtLeast)
    assert (expr.n, expr.offset, expr.length) == (2, 0, 29)
    assert [type(o).__name__ for o in expr.operands] == ["Compare", "Path", "Not"]
    assert expr.operands[1] == Path(parts=("b",), part_offsets=(20,), offset=20, length=1)


def test_negative_numbers_fold_into_literals() -> None:
    expr = parsed("x > -5")
    assert isinstance(expr, Compare)
    assert expr.comparators[0] == Literal(value=-5, offset=4, length=2)
    assert isinstance(parsed("-x < 1"), Compare)
    assert isinstance(parsed("-x"), Neg)


def test_list_literals_keep_element_offsets() -> None:
    expr = parsed('x in ["a", "b"]')
    assert isinstance(expr, Compare)
    items = expr.comparators[0]
    assert isinstance(items, Literal)
    assert items.value == (
        Literal(value="a", offset=6, length=3),
        Literal(value="b", offset=11, length=3),
    )


def test_offsets_count_characters_not_utf8_bytes() -> None:
    expr = parsed('"éèê" == x.ümlaut and y')
    assert isinstance(expr, BoolOp)
    compare = expr.operands[0]
    assert isinstance(compare, Compare)
    path = compare.comparators[0]
    assert isinstance(path, Path)
    assert path.part_offsets == (9, 11)
    assert expr.operands[1] == Path(parts=("y",), part_offsets=(22,), offset=22, length=1)


def test_leading_space_and_line_breaks_are_allowed() -> None:
    expr = parsed("  a and\n   b")
    assert isinstance(expr, BoolOp)
    assert expr.operands[1] == Path(parts=("b",), part_offsets=(11,), offset=11, length=1)


# -- the whitelist ---------------------------------------------------------------

FORBIDDEN = [
    ("lambda: 1", 0, "lambda functions"),
    ("a and f'{b}'", 6, "f-strings"),
    ("(a := 1)", 1, "assignments"),
    ("{1: 2}", 0, "dictionaries"),
    ("x in {1, 2}", 5, "sets"),
    ("[c for c in xs]", 0, "list comprehensions"),
    ("{c for c in xs}", 0, "set comprehensions"),
    ("{c: 1 for c in xs}", 0, "dictionary comprehensions"),
    ("(c for c in xs)", 0, "'for … in' outside"),
    ("x[0] > 1", 0, "indexing"),
    ("history.cancers[0:2]", 0, "indexing"),
    ("a if b else c", 0, "conditional expressions"),
    ("x is None", 2, "'is' comparisons"),
    ("x is not y", 2, "'is not' comparisons"),
    ("a & b", 2, "bitwise operators ('&')"),
    ("a | b", 2, "'|'"),
    ("a ^ b", 2, "'^'"),
    ("a << 1 > 0", 2, "shifts"),
    ("~a", 0, "'~'"),
    ("+a > 0", 0, "leading plus signs"),
    ("a ** 2 > 1", 2, "powers"),
    ("a // 2 > 1", 2, "whole-number division"),
    ("a % 2 == 0", 2, "remainders"),
    ("x.__class__", 2, "'__class__'"),
    ("x._private", 2, "'_private'"),
    ("x.mro", 2, "'mro'"),
    ("__import__('os')", 0, "names starting with '_'"),
    ("_x > 1", 0, "names starting with '_'"),
    ("known(x=1)", 6, "keyword arguments"),
    ("any(*xs)", 4, "starred arguments"),
    ("x.upper() == 'A'", 0, "method calls"),
    ("x == None", 5, "'None' values"),
    ("x == null", 5, "'null' values"),
    ("x == b'a'", 5, "byte strings"),
    ("x == 1j", 5, "complex numbers"),
    ("x == ...", 5, "ellipses"),
    ("any(c for c in xs if c)", 21, "'if' clauses inside"),
    ("any(c for c in xs for d in c)", 18, "several 'for' clauses"),
    ("any(c for _c in xs)", 10, "'_c' cannot name the item"),
    ("any(c for facts in xs)", 10, "'facts' cannot name the item"),
    ("any(c for (a, b) in xs)", 10, "'(a, b)' cannot name the item"),
    ("x in [y, 1]", 6, "lists holding anything but fixed values"),
    ("x in [[1]]", 6, "lists holding anything but fixed values"),
    ('"a".upper == x', 0, "fields of computed values"),
    ("a \\\n and b", 2, "backslashes"),
    ("await x", 0, "'await' expressions"),
]


@pytest.mark.parametrize(("text", "offset", "words"), FORBIDDEN)
def test_forbidden_constructs_are_named_at_their_offset(text: str, offset: int, words: str) -> None:
    expr, problems = parse_condition(text)
    assert expr is None
    assert problems, text
    first = problems[0]
    assert first.code == "SPX402", problems
    assert first.offset == offset, problems
    assert words in first.message
    assert first.message.endswith(
        ("are not part of the condition language", "cannot name the item in a quantifier")
    )
    assert first.length >= 1
    assert first.offset + first.length <= len(text)


def test_a_forbidden_construct_says_the_language_lacks_it() -> None:
    problem = only_problem("lambda x: x")
    assert problem.message == "lambda functions are not part of the condition language"


def test_every_dunder_in_a_chain_is_reported() -> None:
    expr, problems = parse_condition("().__class__.__mro__")
    assert expr is None
    assert [(p.code, p.offset, p.length) for p in problems] == [
        ("SPX402", 3, 9),
        ("SPX402", 13, 7),
    ]


def test_nothing_is_imported_or_executed() -> None:
    name = "spinedx_sentinel_module_never_imported"
    for text in (
        f"__import__('{name}')",
        f"().__class__.__base__.__subclasses__()[0]('{name}')",
        f"(lambda: __import__('{name}'))()",
        f"[x for x in __import__('{name}').path]",
        f"getattr(x, '__import__')('{name}')",
    ):
        expr, problems = parse_condition(text)
        assert expr is None
        assert problems
    assert name not in sys.modules


def test_names_must_read_as_written() -> None:
    problem = only_problem("history.\ufb01eld > 1")  # the 'fi' ligature: Python would read 'field'
    assert (problem.code, problem.offset, problem.length) == ("SPX401", 0, 12)
    assert problem.hint == "write 'history.field'"


def test_unknown_function_lists_the_ones_there_are() -> None:
    problem = only_problem("foo(1) > 2")
    assert (problem.code, problem.offset, problem.length) == ("SPX404", 0, 3)
    assert problem.hint is not None
    assert "known" in problem.hint
    assert only_problem("knwon(x)").hint == "did you mean 'known'?"
    assert only_problem("atleast(2, a, b)").hint == "did you mean 'at_least'?"


@pytest.mark.parametrize(
    "text",
    [
        "known(a, b)",
        "years_between(a)",
        "count(a, b)",
        "any(x)",
        "all([a, b])",
        "known()",
        "at_least()",
        "at_least(1, a)",
        "at_least(a, b, c)",
        "at_least(3, a, b)",
        "at_least(0, a, b)",
    ],
)
def test_wrong_arity_is_spx408(text: str) -> None:
    assert only_problem(text).code == "SPX408"


def test_facts_need_one_name() -> None:
    assert only_problem("facts").code == "SPX410"
    problem = only_problem("facts.a.b")
    assert (problem.code, problem.offset) == ("SPX405", 8)


# -- syntax errors ---------------------------------------------------------------

SYNTAX = [
    ("history.age = 50", 12, "'=='"),
    ("a && b", 2, "'and'"),
    ("a || b", 2, "'or'"),
    ("!a", 0, "'not'"),
    ("a AND b", 2, "'and'"),
    ("x ≥ 5", 2, "'>='"),
    ("x <> 5", 2, "'!='"),
    ("x => 5", 2, "'>='"),
    ("5and x", 0, "space"),
]


@pytest.mark.parametrize(("text", "offset", "hint_words"), SYNTAX)
def test_common_slips_get_a_hint(text: str, offset: int, hint_words: str) -> None:
    problem = only_problem(text)
    assert problem.code == "SPX401"
    assert problem.offset == offset
    assert problem.hint is not None
    assert hint_words in problem.hint


@pytest.mark.parametrize(
    ("text", "offset", "words"),
    [
        ('x == "abc', 5, "not closed"),
        ("(a and b", 0, "'(' is never closed"),
        ("a and b)", 7, "closes nothing"),
        ("a and", 4, "ends too early"),
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ('x in ["a" "b" c]', 6, "side by side"),
        ("a b", 2, "unexpected 'b'"),
        ("a $ b", 2, "unexpected '$'"),
    ],
)
def test_syntax_errors_are_located(text: str, offset: int, words: str) -> None:
    problem = only_problem(text)
    assert problem.code == "SPX401"
    assert problem.offset == offset, problem
    assert words in problem.message


# -- limits ----------------------------------------------------------------------


def counted(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[ExprProblem, Counter[str]]:
    """The one problem with ``text``, and the work spent finding it, counted by stage.

    ``_prescan`` is the token scan, ``parse`` Python's parser, ``iter_child_nodes``
    one node visited by the size check, ``convert`` the recursive walk that
    builds spinedx's tree. Counts, not seconds: the same on every machine.
    """
    calls: Counter[str] = Counter()

    def spy(owner: object, name: str) -> None:
        real: Callable[..., object] = getattr(owner, name)

        def counting(*args: object, **kwargs: object) -> object:
            calls[name] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counting)

    for owner, name in [
        (_expr, "_prescan"),
        (ast, "parse"),
        (ast, "iter_child_nodes"),
        (_expr, "convert"),
    ]:
        spy(owner, name)
    return only_problem(text), calls


@pytest.mark.parametrize(
    "text",
    [
        " and ".join(["a"] * 10_000),
        "(" * 10_000 + "a" + ")" * 10_000,
        "x" * (MAX_CONDITION_CHARS + 1),
    ],
)
def test_huge_conditions_are_refused_fast(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    problem, calls = counted(text, monkeypatch)
    assert (problem.code, problem.offset) == ("SPX409", 0)
    assert calls == {}, "refused on its length alone, before any scan or parse"


@pytest.mark.parametrize(
    "text",
    [
        "(" * 300 + "a" + ")" * 300,
        "-" * 1990 + "1 > 0",
        "not " * 45 + "a",
        "+".join(["a"] * 450) + " > 0",
        "x in [" + "1," * 500 + "]",
        "[" * 100 + "]" * 100,
        "a." * 500 + "b",
    ],
)
def test_deep_or_large_conditions_are_spx409_not_a_crash(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem, calls = counted(text, monkeypatch)
    assert problem.code == "SPX409"
    assert 0 <= problem.offset < len(text)
    # One scan, at most one parse, at most MAX_NODES nodes visited, and refused
    # before the recursive conversion ever sees the tree.
    assert calls["_prescan"] == 1
    assert calls["parse"] <= 1
    assert calls["iter_child_nodes"] <= MAX_NODES
    assert calls["convert"] == 0


@pytest.mark.parametrize(
    "text", ["x > 10000000000000001", "x > " + "9" * 400 + ".5", "x > " + "9" * 1990]
)
def test_huge_numbers_are_spx409(text: str) -> None:
    problem = only_problem(text)
    assert (problem.code, problem.offset) == ("SPX409", 4)


def test_a_reasonable_condition_is_within_limits() -> None:
    text = " and ".join(f"(history.f{i} >= {i} or not facts.g{i})" for i in range(25))
    assert len(text) < MAX_CONDITION_CHARS
    parsed(text)


# -- totality --------------------------------------------------------------------

TOKENS = [
    "a", "history.age", "c.status", "facts.x", "(", ")", "[", "]", ",", "and", "or",
    "not", "==", "<", ">=", "in", "not in", "+", "-", "*", "/", "1", "2.5", '"x"',
    "true", "any(", "count(", "known(", "for c in", "history.cancers", "=", "&&", "é",
    "'", '"', ".", "__class__", "lambda", ":", "if", "else", "is", "None", "\n", "\\",
]  # fmt: skip


def check_total(text: str) -> None:
    expr, problems = parse_condition(text)
    assert (expr is None) == bool(problems)
    for problem in problems:
        assert problem.code.startswith("SPX4")
        assert problem.length >= 1
        assert problem.offset >= 0
        assert problem.offset + problem.length <= max(len(text), 1), (text, problem)


@given(st.text(max_size=300))
def test_parser_is_total_on_any_text(text: str) -> None:
    check_total(text)


@given(st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
def test_parser_is_total_on_token_soup(text: str) -> None:
    check_total(text)
