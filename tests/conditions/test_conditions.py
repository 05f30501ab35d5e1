"""Compiled conditions at run time: Kleene logic, quantifiers, tracing, what is missing."""

from __future__ import annotations

import copy
import datetime
import itertools
import threading
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, computed_field

from spinedx._conditions.condition import Condition, Read, check_value, compile_condition
from spinedx._conditions.schema import RecordSchema, SchemaType, fact_type
from tests.conditions.test_typecheck import (
    FACTS,
    SCHEMA,
    Cancer,
    Exam,
    History,
    Labs,
    Leg,
    Record,
    Side,
    Status,
)

Truth = bool | None


class Flags(BaseModel):
    p: bool | None = None
    q: bool | None = None
    s: bool | None = None
    n: int | None = None
    m: int | None = None


FLAGS = RecordSchema.from_model(Flags)


def compiled(
    text: str, schema: RecordSchema = SCHEMA, facts: Mapping[str, SchemaType] = FACTS
) -> Condition:
    condition, problems = compile_condition(text, schema, facts)
    assert problems == [], problems
    assert condition is not None
    return condition


def run(text: str, record: BaseModel, facts: Mapping[str, object] | None = None) -> Truth:
    """Call the condition and check that tracing gives the same result."""
    schema = FLAGS if isinstance(record, Flags) else SCHEMA
    condition = compiled(text, schema)
    result = condition(record, facts or {})
    assert condition.trace(record, facts or {})[0] == result
    return result


# -- Kleene logic ------------------------------------------------------------------


def k_and(*xs: Truth) -> Truth:
    if False in xs:
        return False
    return None if None in xs else True


def k_or(*xs: Truth) -> Truth:
    if True in xs:
        return True
    return None if None in xs else False


truth = st.sampled_from([True, False, None])


@given(truth, truth, truth)
def test_kleene_truth_tables(p: Truth, q: Truth, s: Truth) -> None:
    record = Flags(p=p, q=q, s=s)
    assert run("p and q", record) is k_and(p, q)
    assert run("p or q", record) is k_or(p, q)
    assert run("not p", record) is (None if p is None else not p)
    assert run("p and q and s", record) is k_and(p, q, s)
    assert run("p or q or s", record) is k_or(p, q, s)
    assert run("(p and q) or s", record) is k_or(k_and(p, q), s)
    assert run("p and (q or n > 1)", record) is k_and(p, k_or(q, None))
    assert run("not (p or q) and (s or m == 2)", record) is k_and(
        None if k_or(p, q) is None else not k_or(p, q), k_or(s, None)
    )


def test_false_and_unknown_is_false_true_or_unknown_is_true() -> None:
    assert run("p and q", Flags(p=False)) is False
    assert run("q and p", Flags(p=False)) is False
    assert run("p or q", Flags(p=True)) is True
    assert run("q or p", Flags(p=True)) is True


# -- at_least(n, …) ----------------------------------------------------------------


class Signs(BaseModel):
    """Six true/false/unknown signs for ``at_least``."""

    x0: bool | None = None
    x1: bool | None = None
    x2: bool | None = None
    x3: bool | None = None
    x4: bool | None = None
    x5: bool | None = None


SIGNS = RecordSchema.from_model(Signs)


def at_least_reference(n: int, xs: list[Truth]) -> Truth:
    """Brute force: the results over every way of filling in the unknowns, if they agree."""
    gaps = [i for i, x in enumerate(xs) if x is None]
    results = set()
    for filling in itertools.product([True, False], repeat=len(gaps)):
        filled = list(xs)
        for i, value in zip(gaps, filling, strict=True):
            filled[i] = value
        results.add(sum(1 for x in filled if x) >= n)
    return results.pop() if len(results) == 1 else None


def signs(xs: list[Truth]) -> Signs:
    return Signs(**{f"x{i}": x for i, x in enumerate(xs)})


def run_signs(text: str, record: Signs) -> Truth:
    condition = compiled(text, SIGNS, {})
    result = condition(record, {})
    assert condition.trace(record, {})[0] is result
    return result


def at_least_text(n: int, count: int, wrapped: list[bool]) -> str:
    """``at_least(n, x0, …)``; a wrapped operand is compiled as a closure, not a bare read."""
    operands = [f"(x{i} == true)" if wrap else f"x{i}" for i, wrap in enumerate(wrapped[:count])]
    return f"at_least({n}, {', '.join(operands)})"


@given(
    st.lists(truth, min_size=2, max_size=6),
    st.data(),
)
def test_at_least_matches_a_brute_force_reference(xs: list[Truth], data: st.DataObject) -> None:
    n = data.draw(st.integers(1, len(xs)), label="n")
    wrapped = data.draw(st.lists(st.booleans(), min_size=len(xs), max_size=len(xs)))
    text = at_least_text(n, len(xs), wrapped)
    assert run_signs(text, signs(xs)) is at_least_reference(n, xs)


@pytest.mark.parametrize(
    ("n", "xs", "expected"),
    [
        (2, [True, True, None], True),
        (2, [True, None, None], None),
        (2, [False, False, None], False),
        (2, [False, None, True], None),
        (1, [False, False], False),  # at_least(1, …) is 'or'
        (1, [None, True], True),
        (2, [True, None], None),  # at_least(count, …) is 'and'
        (2, [None, False], False),
        (3, [True, None, None, False, True], None),
        (3, [True, False, None, False, True], None),
        (3, [True, False, None, False, False], False),
    ],
)
def test_at_least_examples(n: int, xs: list[Truth], expected: Truth) -> None:
    text = at_least_text(n, len(xs), [False] * len(xs))
    assert run_signs(text, signs(xs)) is expected
    assert at_least_reference(n, xs) is expected


class Lazy(BaseModel):
    """A model whose ``boom`` fails when read: what is read after the answer is settled."""

    p: bool | None = None
    q: bool | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def boom(self) -> bool | None:
        raise RuntimeError("read after the answer was settled")


LAZY = RecordSchema.from_model(Lazy)


@pytest.mark.parametrize(
    ("text", "p", "q", "expected"),
    [
        ("at_least(1, p, boom, q)", True, None, True),
        ("at_least(2, p, q, boom)", True, True, True),
        ("at_least(2, p, q, boom)", False, False, False),  # boom alone cannot make two
        ("at_least(2, p, q, boom)", None, None, None),  # two unknowns: boom cannot settle it
        ("at_least(2, p, q, boom == true)", None, None, None),  # a closure operand, likewise
        ("at_least(2, boom == true, p, q)", False, False, False),  # read operands come first
    ],
)
def test_at_least_stops_once_settled(text: str, p: Truth, q: Truth, expected: Truth) -> None:
    assert compiled(text, LAZY, {})(Lazy(p=p, q=q), {}) is expected


def test_at_least_reads_on_while_unsettled() -> None:
    with pytest.raises(RuntimeError, match="settled"):
        compiled("at_least(2, p, q, boom)", LAZY, {})(Lazy(p=True), {})


def test_at_least_trace_stops_when_true_or_false() -> None:
    condition = compiled("at_least(2, p, q, s)", FLAGS, {})
    assert condition.trace(Flags(p=True, q=True), {}) == (True, (Read("p", True), Read("q", True)))
    assert condition.trace(Flags(p=False, q=False), {}) == (
        False,
        (Read("p", False), Read("q", False)),
    )
    assert condition.missing(Flags(p=True, q=True), {}) == ()
    assert condition.trace(Flags(p=False, q=True), {}) == (
        None,
        (Read("p", False), Read("q", True), Read("s", None)),
    )


@pytest.mark.parametrize(
    ("text", "record", "missing"),
    [
        ("at_least(2, p, q, s)", Flags(p=True), ("q", "s")),
        ("at_least(2, p, q, s)", Flags(p=False, s=True), ("q",)),
        ("at_least(2, p, q, s)", Flags(), ("p", "q", "s")),
        ("at_least(2, p, q, s)", Flags(q=True, s=True), ()),  # settled: nothing is missing
        # 'p and q' is false whatever p is, so p is not missing
        ("at_least(2, p and q, s, n > 1)", Flags(q=False), ("s", "n")),
        ("at_least(1, n == m, s)", Flags(n=1, s=False), ("m",)),
        ("at_least(2, p, n > 1, n < 3)", Flags(p=False), ("n",)),  # each read listed once
    ],
)
def test_at_least_missing_names_what_could_settle_it(
    text: str, record: Flags, missing: tuple[str, ...]
) -> None:
    condition = compiled(text, FLAGS, {})
    assert condition.missing(record, {}) == missing
    assert (condition(record, {}) is None) == bool(missing)


@given(
    st.lists(truth, min_size=2, max_size=6),
    st.data(),
)
def test_at_least_filled_in_values_never_undo_a_result_and_missing_can_settle_it(
    xs: list[Truth], data: st.DataObject
) -> None:
    n = data.draw(st.integers(1, len(xs)), label="n")
    wrapped = data.draw(st.lists(st.booleans(), min_size=len(xs), max_size=len(xs)))
    condition = compiled(at_least_text(n, len(xs), wrapped), SIGNS, {})
    record = signs(xs)
    before = condition(record, {})
    missing = condition.missing(record, {})
    gaps = [f"x{i}" for i, x in enumerate(xs) if x is None]
    filled = {name: data.draw(st.booleans(), label=name) for name in gaps}
    after = condition(record.model_copy(update=filled), {})
    assert after is not None  # every value known: always settled
    if before is not None:
        assert after is before
        assert missing == ()
    else:
        assert sorted(missing) == gaps  # every unknown sign could help settle it
        for value in (True, False):  # ... and filling in just those does
            update = dict.fromkeys(missing, value)
            assert condition(record.model_copy(update=update), {}) is value


def test_at_least_fields_and_sections() -> None:
    condition = compiled(
        "at_least(2, history.age > 50, history.weight_loss, facts.cord_compression, "
        "any(c.grade > 2 for c in history.cancers))"
    )
    assert condition.fields == (
        "history.age",
        "history.cancers",
        "history.cancers[].grade",
        "history.weight_loss",
    )
    assert condition.facts == ("cord_compression",)


def test_red_flags_on_the_test_record() -> None:
    text = "at_least(2, history.age > 50, history.weight_loss, history.night_pain)"
    assert run(text, Record(history=History(age=62, night_pain=True))) is True
    assert run(text, Record(history=History(age=40, night_pain=False))) is False
    assert run(text, Record(history=History(age=62))) is None
    assert run(text, Record()) is None  # no history at all: the safe path
    assert compiled(text).missing(Record(history=History(age=40, night_pain=True)), {}) == (
        "history.weight_loss",
    )


@pytest.mark.parametrize(
    ("text", "n", "m", "expected"),
    [
        ("n > 1", None, 1, None),
        ("n == m", 2, None, None),
        ("n == m", 2, 2, True),
        ("1 < n < 5", 3, None, True),
        ("1 < n < m", 0, None, False),  # one false link settles a chain
        ("1 < n < m", 3, None, None),
        ("n + m > 3", 2, None, None),
        ("n / m > 1", 2, 0, None),  # division by zero is unknown, never an error
        ("n / m == 0.5", 1, 2, True),
        ("-n < 0", 1, None, True),
        ("n * 2 - m == 3", 4, 5, True),
        ("n in [1, 2]", None, None, None),
        ("n not in [1, 2]", 3, None, True),
        ("known(n)", None, None, False),
        ("known(n)", 0, None, True),
        ("not known(n) or n > 1", None, None, True),
        ("50 <= n", 62, None, True),
    ],
)
def test_comparisons_and_arithmetic(
    text: str, n: int | None, m: int | None, expected: Truth
) -> None:
    assert run(text, Flags(n=n, m=m)) is expected


# -- record paths -------------------------------------------------------------------


def test_a_missing_section_reads_unknown() -> None:
    assert run("history.age >= 50", Record()) is None
    assert run("history.age >= 50 or labs.crp > 10", Record(labs=Labs(crp=20))) is True
    assert run("exam.left_leg.strength < 5", Record(exam=Exam())) is None
    assert run("not known(exam.left_leg.strength)", Record()) is True


def test_genuine_attribute_errors_are_not_hidden() -> None:
    class Broken(BaseModel):
        x: int | None = None

        @computed_field  # type: ignore[prop-decorator]
        @property
        def ratio(self) -> float:
            raise AttributeError("bug in the model")

    condition = compiled("ratio > 1", RecordSchema.from_model(Broken), {})
    with pytest.raises(AttributeError, match="bug in the model"):
        condition(Broken(), {})


def test_enums_literals_and_dates() -> None:
    record = Record(
        history=History(
            date_of_birth=datetime.date(1960, 5, 20),
            seen_at=datetime.datetime(2024, 5, 19, 23, 59),
            cancers=[Cancer(status=Status.ACTIVE)],
        ),
        exam=Exam(left_leg=Leg(reflexes="brisk"), side=Side.LEFT),
    )
    assert run('exam.left_leg.reflexes in ["brisk", "absent"]', record) is True
    assert run('exam.left_leg.reflexes == "normal"', record) is False
    assert run('exam.side == "left"', record) is True  # a plain Enum compares by value
    assert run('exam.side in ["right"]', record) is False
    assert run('any(c.status == "active" for c in history.cancers)', record) is True
    assert run("years_between(history.date_of_birth, history.seen_at) == 63", record) is True
    assert run('years_between(history.date_of_birth, "2024-05-20") == 64', record) is True
    assert run('days_between(history.date_of_birth, "1960-06-01") == 12', record) is True
    assert run('history.seen_at < "2024-05-20"', record) is True
    assert run('history.seen_at == "2024-05-19"', record) is True
    assert run("history.date_of_birth < history.seen_at", record) is True


def test_facts() -> None:
    facts = {"suspicion": "high", "cord_compression": False, "onset": "2024-01-02"}
    record = Record(history=History(date_of_birth=datetime.date(2024, 1, 1)))
    assert run('facts.suspicion == "high"', record, facts) is True
    assert run('facts.suspicion in ["low"]', record, facts) is False
    assert run("facts.cord_compression", record, facts) is False
    assert run("facts.score > 1", record, facts) is None
    assert run("known(facts.score)", record, facts) is False
    assert run("history.date_of_birth < facts.onset", record, facts) is True


# -- quantifiers --------------------------------------------------------------------

ANY = 'any(c.status == "active" for c in history.cancers)'
ALL = 'all(c.status == "active" for c in history.cancers)'
COUNT = 'count(c.status == "active" for c in history.cancers)'


def with_statuses(*statuses: Status | None) -> Record:
    return Record(history=History(cancers=[Cancer(status=s) for s in statuses]))


@pytest.mark.parametrize(
    ("record", "any_", "all_", "count"),
    [
        (Record(history=History()), None, None, None),  # the list itself is not known
        (with_statuses(), False, True, 0),  # known to be empty
        (with_statuses(Status.ACTIVE), True, True, 1),
        (with_statuses(Status.RESOLVED), False, False, 0),
        (with_statuses(None), None, None, None),
        (with_statuses(None, Status.ACTIVE), True, None, None),
        (with_statuses(None, Status.RESOLVED), None, False, None),
        (with_statuses(Status.ACTIVE, Status.ACTIVE, Status.RESOLVED), True, False, 2),
    ],
)
def test_quantifiers(record: Record, any_: Truth, all_: Truth, count: int | None) -> None:
    assert run(ANY, record) is any_
    assert run(ALL, record) is all_
    counted = compiled(COUNT + " >= 0")(record, {})
    assert counted is (None if count is None else True)
    if count is not None:
        assert run(COUNT + f" == {count}", record) is True


def test_count_of_a_list_and_nested_quantifiers() -> None:
    record = Record(
        history=History(cancers=[Cancer(markers=["PSA"]), Cancer(markers=[]), Cancer()])
    )
    assert run("count(history.cancers) == 3", record) is True
    assert run("count(history.tags) == 0", record) is None
    assert run('any(any(m == "PSA" for m in c.markers) for c in history.cancers)', record) is True
    assert run('all(any(m == "PSA" for m in c.markers) for c in history.cancers)', record) is False
    assert run('"PSA" in history.tags', Record(history=History(tags=["PSA"]))) is True
    assert run('"x" not in history.tags', Record(history=History(tags=[]))) is True


# -- trace and missing --------------------------------------------------------------


def test_trace_lists_reads_in_order_without_repeats() -> None:
    condition = compiled("history.age >= 50 and (history.night_pain or history.age > 80)")
    record = Record(history=History(age=62))
    result, reads = condition.trace(record, {})
    assert result is None
    assert reads == (Read("history.age", 62), Read("history.night_pain", None))
    assert [r.display() for r in reads] == ["history.age = 62", "history.night_pain = not known"]


def test_trace_shows_items_with_their_index() -> None:
    condition = compiled(ANY)
    _, reads = condition.trace(with_statuses(Status.RESOLVED, None), {})
    assert [r.display() for r in reads] == [
        "history.cancers = 2 items",
        'history.cancers[0].status = "resolved"',
        "history.cancers[1].status = not known",
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "true"),
        (2.5, "2.5"),
        ("brisk", '"brisk"'),
        (Side.LEFT, '"left"'),
        (Status.ACTIVE, '"active"'),
        (datetime.date(2024, 3, 31), "2024-03-31"),
        ((), "none"),
        ((1,), "1 item"),
        (None, "not known"),
        (Leg(), "recorded"),
    ],
)
def test_read_display(value: object, shown: str) -> None:
    assert Read("x.y", value).display() == f"x.y = {shown}"


def test_missing_names_only_what_matters() -> None:
    condition = compiled("(p and q) or s", FLAGS, {})
    record = Flags(p=None, q=False, s=None)
    assert condition(record, {}) is None
    assert condition.missing(record, {}) == ("s",)
    assert compiled("p and q", FLAGS, {}).missing(Flags(), {}) == ("p", "q")
    assert compiled("n == m", FLAGS, {}).missing(Flags(), {}) == ("n", "m")
    assert compiled("p or q", FLAGS, {}).missing(Flags(q=True), {}) == ()  # settled


def test_missing_in_lists_and_facts() -> None:
    assert compiled(ANY).missing(with_statuses(Status.RESOLVED, None, None), {}) == (
        "history.cancers[1].status",
        "history.cancers[2].status",
    )
    assert compiled(ANY).missing(Record(), {}) == ("history.cancers",)
    text = 'facts.suspicion == "high" and exam.left_leg.strength < 5'
    assert compiled(text).missing(Record(), {}) == ("facts.suspicion", "exam.left_leg.strength")
    assert compiled("labs.crp / labs.nlr > 1").missing(Record(labs=Labs(crp=1)), {}) == (
        "labs.nlr",
    )
    unknown_item = ["a", None]  # an unknown item, which validation would refuse
    tags = Record(history=History.model_construct(tags=unknown_item))  # type: ignore[arg-type]
    assert compiled('"b" in history.tags').missing(tags, {}) == ("history.tags[1]",)


def test_what_a_condition_reads() -> None:
    condition = compiled(
        'any(c.status == "active" for c in history.cancers) and labs.nlr > 3 '
        "and facts.suspicion == 'high' and known(facts.score)"
    )
    assert condition.fields == ("history.cancers", "history.cancers[].status", "labs.nlr")
    assert condition.facts == ("score", "suspicion")
    assert condition.sections == frozenset({"history", "labs"})
    assert condition.text.startswith("any(")


def test_conditions_are_immutable_and_pure() -> None:
    condition = compiled(ANY)
    with pytest.raises(AttributeError):
        condition.text = "x"
    record = with_statuses(Status.ACTIVE, None)
    before = copy.deepcopy(record.model_dump())
    condition(record, {})
    condition.trace(record, {})
    condition.missing(record, {})
    assert record.model_dump() == before


def test_one_condition_serves_many_threads() -> None:
    condition = compiled(ANY + " and history.age > 10")
    records = [with_statuses(Status.ACTIVE), with_statuses(Status.RESOLVED), Record()]
    expected = [condition(r, {}) for r in records]
    failures: list[object] = []

    def work() -> None:
        for _ in range(300):
            for record, want in zip(records, expected, strict=True):
                if condition(record, {}) is not want:
                    failures.append(record)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


# -- fact values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "values", "ok"),
    [
        (True, "bool", None, True),
        (1, "bool", None, False),
        (3, "integer", None, True),
        (3.5, "integer", None, False),
        (True, "number", None, False),
        (float("nan"), "number", None, False),
        (2.5, "number", None, True),
        ("x", "text", None, True),
        ("high", "enum", ["low", "high"], True),
        ("hihg", "enum", ["low", "high"], False),
        (datetime.date(2024, 1, 1), "date", None, True),
        ("2024-01-01", "date", None, True),
        ("01/01/2024", "date", None, False),
    ],
)
def test_check_value(value: object, kind: str, values: list[str] | None, ok: bool) -> None:
    problem = check_value(value, fact_type(kind, values))
    assert (problem is None) is ok, problem


def test_check_value_suggests_the_closest_enum_value() -> None:
    problem = check_value("hihg", fact_type("enum", ["low", "high"]))
    assert problem == "expected one of 'low', 'high', found \"hihg\" (did you mean 'high'?)"


# -- properties -------------------------------------------------------------------------

TOKENS = [
    "history.age", "history.night_pain", "labs.crp", "facts.suspicion", "facts.score",
    "exam.left_leg.reflexes", "c.status", "(", ")", "[", "]", ",", "and", "or", "not",
    "==", "!=", "<", ">=", "in", "+", "/", "-", "1", "2.5", '"brisk"', '"high"', "true",
    "any(", "all(", "count(", "known(", "years_between(", "for c in history.cancers",
    "history.cancers", "=", "__class__", "lambda", ".", "'", "é", "at_least(",
]  # fmt: skip


def check_total(text: str) -> None:
    condition, problems = compile_condition(text, SCHEMA, FACTS)
    assert (condition is None) == bool(problems)
    for problem in problems:
        assert problem.length >= 1
        assert problem.offset >= 0
        assert problem.offset + problem.length <= max(len(text), 1), (text, problem)


@given(st.text(max_size=200))
def test_compile_never_raises_on_any_text(text: str) -> None:
    check_total(text)


@given(st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join))
def test_compile_never_raises_on_token_soup(text: str) -> None:
    check_total(text)


maybe_bool = st.none() | st.booleans()
maybe_int = st.none() | st.integers(-3, 3)
flags = st.builds(Flags, p=maybe_bool, q=maybe_bool, s=maybe_bool, n=maybe_int, m=maybe_int)
FLAG_CONDITIONS = [
    "p and (q or not s)",
    "not (p or q) or n > m",
    "n / m > 0 or (p and s)",
    "0 <= n < m and q",
    "n + m == 2 or n - m == 0 or p",
    "n in [1, 2] and not q",
    "at_least(2, p, q, s)",
    "at_least(2, p and q, not s, n > m)",
    "at_least(1, n > 1, q) and at_least(2, p, s, m == 0)",
    "not at_least(3, p, q or s, n == 1, m / n > 0)",
]


@given(flags, st.sampled_from(FLAG_CONDITIONS))
def test_trace_agrees_with_the_call_and_missing_only_when_unknown(record: Flags, text: str) -> None:
    condition = compiled(text, FLAGS, {})
    result = condition(record, {})
    assert condition.trace(record, {})[0] is result
    missing = condition.missing(record, {})
    if result is not None:
        assert missing == ()
    assert set(missing) <= {"p", "q", "s", "n", "m"}
    for name in missing:
        assert getattr(record, name) is None


@given(flags, st.sampled_from(FLAG_CONDITIONS), st.data())
def test_filling_in_data_never_undoes_a_definite_result(
    record: Flags, text: str, data: st.DataObject
) -> None:
    condition = compiled(text, FLAGS, {})
    before = condition(record, {})
    filled = {
        name: data.draw(st.booleans() if name in "pqs" else st.integers(-3, 3))
        for name, value in record.model_dump().items()
        if value is None
    }
    after = condition(record.model_copy(update=filled), {})
    if before is not None:
        assert after is before


ATOMS = [
    "history.age", "history.night_pain", "labs.crp", "labs.nlr", "facts.suspicion",
    "facts.score", "facts.onset", "exam.left_leg.reflexes", "exam.side", "history.seen_at",
    "history.date_of_birth", "1", "0", "-2.5", '"brisk"', '"left"', '"high"', '"2024-01-01"',
    "true", "count(history.cancers)", "years_between(history.date_of_birth, history.seen_at)",
    'any(c.status == "active" for c in history.cancers)',
    "all(c.grade > 1 for c in history.cancers)",
    "count(c.diagnosed < history.seen_at for c in history.cancers)", '"x" in history.tags',
    "at_least(2, history.night_pain, labs.crp > 1, facts.cord_compression)",
]  # fmt: skip
BINARY = ["and", "or", "==", "!=", "<", ">=", "+", "-", "*", "/"]
conditions = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.one_of(
        inner.map(lambda a: f"not {a}"),
        inner.map(lambda a: f"known({a})" if "(" not in a and not a[0].isdigit() else a),
        st.tuples(inner, st.sampled_from(BINARY), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda a: f'{a} in ["brisk", "high", "left"]'),
    ),
    max_leaves=6,
)
RECORDS = [
    Record(),
    Record(history=History(), exam=Exam(), labs=Labs()),
    Record(
        history=History(
            age=62,
            night_pain=True,
            cancers=[
                Cancer(status=Status.ACTIVE, grade=2, diagnosed=datetime.date(2020, 1, 1)),
                Cancer(),
            ],
            date_of_birth=datetime.date(1960, 1, 1),
            seen_at=datetime.datetime(2024, 1, 1, 10, 30),
            tags=["x"],
        ),
        exam=Exam(left_leg=Leg(reflexes="brisk", strength=3), side=Side.LEFT),
        labs=Labs(crp=0.0, neutrophils=5, lymphocytes=0),
    ),
    Record(
        history=History(age=0, cancers=[], tags=[]),
        labs=Labs(crp=12.5, neutrophils=5, lymphocytes=2),
    ),
]
FACT_SETS: list[dict[str, object]] = [
    {},
    {"suspicion": "high", "score": 0, "onset": "2024-01-01"},
    {"score": 3, "onset": datetime.date(2020, 5, 1)},
]


@given(conditions, st.sampled_from(RECORDS), st.sampled_from(FACT_SETS))
def test_every_compiled_condition_evaluates_without_raising(
    text: str, record: Record, facts: dict[str, object]
) -> None:
    condition, problems = compile_condition(text, SCHEMA, FACTS)
    if condition is None:
        assert problems
        return
    result = condition(record, facts)
    assert result in (True, False, None)
    traced, reads = condition.trace(record, facts)
    assert traced is result
    for read in reads:
        assert read.display().startswith(read.path + " = ")
    if result is not None:
        assert condition.missing(record, facts) == ()
