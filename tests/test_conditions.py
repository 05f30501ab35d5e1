"""Compiled conditions at run time: Kleene logic, quantifiers, tracing, what is missing."""

from __future__ import annotations

import copy
import datetime
import threading
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, computed_field

from spinedx._conditions import Condition, Read, check_value, compile_condition
from spinedx._schema import RecordSchema, SchemaType, fact_type
from tests.test_typecheck import (
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
    tags = Record(history=History.model_construct(tags=["a", None]))  # an unknown item
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
        condition.text = "x"  # type: ignore[misc]
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
    "history.cancers", "=", "__class__", "lambda", ".", "'", "é",
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
