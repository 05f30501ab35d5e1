"""Types read from pydantic models, and the type checker's diagnostics.

The small record models here are also used by ``test_conditions``.
"""

from __future__ import annotations

import datetime
import enum
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, computed_field

from spinedx._conditions.condition import compile_condition
from spinedx._conditions.parse import ExprProblem
from spinedx._conditions.schema import (
    BoolType,
    DateType,
    EnumType,
    ListType,
    NumberType,
    ObjectType,
    OpaqueType,
    RecordSchema,
    SchemaType,
    TextType,
    fact_type,
)


class Status(enum.StrEnum):
    ACTIVE = "active"
    RESOLVED = "resolved"
    SUSPECTED = "suspected"


class Side(enum.Enum):  # a plain Enum: members are not equal to their values
    LEFT = "left"
    RIGHT = "right"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Cancer(_Model):
    status: Status | None = Field(None, description="Whether the cancer is active")
    site: str | None = None
    diagnosed: datetime.date | None = None
    grade: int | None = None
    markers: list[str] | None = None


class Leg(_Model):
    reflexes: Literal["brisk", "normal", "absent"] | None = None
    strength: int | None = Field(None, json_schema_extra={"unit": "MRC grade"})


class History(_Model):
    age: int | None = Field(None, description="Age in years", json_schema_extra={"unit": "years"})
    night_pain: bool | None = None
    weight_loss: bool | None = None
    cancers: list[Cancer] | None = None
    date_of_birth: datetime.date | None = None
    seen_at: datetime.datetime | None = None
    tags: list[str] | None = None
    notes: dict[str, str] | None = None


class Exam(_Model):
    left_leg: Leg | None = None
    right_leg: Leg | None = None
    side: Side | None = None


class Labs(_Model):
    crp: Annotated[float | None, Field(ge=0, json_schema_extra={"unit": "mg/L"})] = None
    neutrophils: float | None = None
    lymphocytes: float | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def nlr(self) -> float | None:
        """Neutrophil-to-lymphocyte ratio."""
        if self.neutrophils is None or not self.lymphocytes:
            return None
        return self.neutrophils / self.lymphocytes


class Record(_Model):
    history: History | None = None
    exam: Exam | None = None
    labs: Labs | None = None


class Node(BaseModel):  # a model that contains itself
    name: str
    children: list[Node] = []
    parent: Node | None = None


FACTS: dict[str, SchemaType] = {
    "suspicion": fact_type("enum", ["low", "intermediate", "high"]),
    "cord_compression": fact_type("bool"),
    "score": fact_type("integer"),
    "onset": fact_type("date"),
}
SCHEMA = RecordSchema.from_model(Record)


def problems_of(text: str, facts: dict[str, SchemaType] | None = None) -> list[ExprProblem]:
    condition, problems = compile_condition(text, SCHEMA, FACTS if facts is None else facts)
    assert (condition is None) == bool(problems)
    return problems


def one(text: str, facts: dict[str, SchemaType] | None = None) -> ExprProblem:
    problems = problems_of(text, facts)
    assert len(problems) == 1, problems
    return problems[0]


def located(problem: ExprProblem, text: str) -> str:
    return text[problem.offset : problem.offset + problem.length]


# -- the schema ------------------------------------------------------------------


def test_field_types_are_read_from_annotations() -> None:
    def kind(path: str) -> SchemaType:
        spec = SCHEMA.lookup(path.split("."))
        assert spec is not None, path
        return spec.type

    assert kind("history.age") == NumberType(integer=True)
    assert kind("labs.crp") == NumberType()
    assert kind("history.night_pain") == BoolType()
    assert kind("history.date_of_birth") == DateType()
    assert kind("history.seen_at") == DateType()
    assert kind("history.cancers.status") == EnumType(("active", "resolved", "suspected"))
    assert kind("exam.left_leg.reflexes") == EnumType(("brisk", "normal", "absent"))
    assert kind("exam.side") == EnumType(("left", "right"))
    assert kind("history.tags") == ListType(TextType())
    assert isinstance(kind("history.notes"), OpaqueType)
    assert isinstance(kind("history"), ObjectType)
    cancers = kind("history.cancers")
    assert isinstance(cancers, ListType)
    assert isinstance(cancers.item, ObjectType)


def test_computed_fields_descriptions_and_units() -> None:
    nlr = SCHEMA.lookup(["labs", "nlr"])
    assert nlr is not None
    assert nlr.type == NumberType()
    assert nlr.description == "Neutrophil-to-lymphocyte ratio."
    age = SCHEMA.lookup(["history", "age"])
    assert age is not None
    assert (age.description, age.unit) == ("Age in years", "years")
    crp = SCHEMA.lookup(["labs", "crp"])
    assert crp is not None
    assert crp.unit == "mg/L"
    assert SCHEMA.describe("history.cancers[].status") == "Whether the cancer is active"
    assert SCHEMA.describe("history.cancers[1].status") == "Whether the cancer is active"
    assert SCHEMA.describe("history.nothing") is None


def test_recursive_models_terminate() -> None:
    schema = RecordSchema.from_model(Node)
    children = schema.root.fields["children"].type
    assert isinstance(children, ListType)
    assert children.item is schema.root
    assert schema.all_paths() == ["children", "name", "parent"]  # a cycle is listed once
    assert schema.lookup(["children", "children", "parent", "name"]) is not None


def test_schema_is_cached_per_model() -> None:
    assert RecordSchema.from_model(Record) is SCHEMA
    assert RecordSchema.from_model(Node) is RecordSchema.from_model(Node)


def test_all_paths_and_suggestions() -> None:
    paths = SCHEMA.all_paths()
    assert "history.cancers[].status" in paths
    assert "labs.nlr" in paths
    assert paths == sorted(paths)
    assert SCHEMA.suggest(["history", "agee"]) == "history.age"
    assert SCHEMA.suggest(["age"]) == "history.age"  # the same name one level down
    assert SCHEMA.suggest(["exam", "left_leg", "reflex"]) == "exam.left_leg.reflexes"
    assert SCHEMA.suggest(["history", "zzzzzz"]) is None


def test_fact_types() -> None:
    assert fact_type("bool") == BoolType()
    assert fact_type("integer") == NumberType(integer=True)
    assert fact_type("enum", ["a", "b"]) == EnumType(("a", "b"))
    with pytest.raises(ValueError, match="values"):
        fact_type("enum")
    with pytest.raises(ValueError, match="unknown fact type"):
        fact_type("colour")


# -- diagnostics, each at its exact place ----------------------------------------


def test_unknown_field_points_at_the_name_and_suggests() -> None:
    text = "history.agee > 50"
    problem = one(text)
    assert (problem.code, problem.offset, problem.length) == ("SPX403", 8, 4)
    assert problem.message == "'history' has no field 'agee'"
    assert problem.hint == "did you mean 'history.age'?"


def test_unknown_top_level_name_suggests_the_full_path() -> None:
    problem = one("age >= 50")
    assert (problem.code, problem.offset, problem.length) == ("SPX403", 0, 3)
    assert problem.hint == "did you mean 'history.age'?"


def test_unknown_item_field_suggests_within_the_item() -> None:
    text = 'any(c.stauts == "active" for c in history.cancers)'
    problem = one(text)
    assert (problem.code, located(problem, text)) == ("SPX403", "stauts")
    assert problem.hint == "did you mean 'c.status'?"


def test_field_of_a_scalar_and_of_a_list() -> None:
    problem = one("history.age.value > 1")
    assert (problem.code, problem.offset) == ("SPX403", 12)
    text = 'history.cancers.status == "active"'
    problem = one(text)
    assert (problem.code, located(problem, text)) == ("SPX405", "status")
    assert problem.hint is not None
    assert "any(" in problem.hint


def test_unknown_fact() -> None:
    text = 'facts.suspicon == "high"'
    problem = one(text)
    assert (problem.code, located(problem, text)) == ("SPX410", "suspicon")
    assert problem.hint == "did you mean 'facts.suspicion'?"
    problem = one("facts.anything", facts={})
    assert problem.hint == "declare it under 'facts:' in the manifest"


def test_text_outside_the_enum_values() -> None:
    text = 'exam.left_leg.reflexes == "brsk"'
    problem = one(text)
    assert (problem.code, located(problem, text)) == ("SPX406", '"brsk"')
    assert problem.hint == 'did you mean "brisk"?'
    problem = one('exam.left_leg.reflexes == "zzz"')
    assert problem.hint == 'the allowed values are "brisk", "normal", "absent"'
    problem = one('"zzz" != facts.suspicion')
    assert (problem.code, problem.offset) == ("SPX406", 0)


def test_each_wrong_list_value_is_reported() -> None:
    text = 'exam.left_leg.reflexes in ["brisk", "hyper", "absent", "gone"]'
    problems = problems_of(text)
    assert [(p.code, located(p, text)) for p in problems] == [
        ("SPX406", '"hyper"'),
        ("SPX406", '"gone"'),
    ]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('history.age == "old"', '"old"'),
        ("history.night_pain < 3", "history.night_pain"),
        ('exam.left_leg.reflexes > "brisk"', "exam.left_leg.reflexes"),
        ("history.cancers.x", "x"),
        ('history.date_of_birth > "2024-02-30"', '"2024-02-30"'),
        ("history.date_of_birth > 5", "5"),
        ('history.age + "x" > 1', '"x"'),
        ("-history.night_pain > 1", "history.night_pain"),
        ("not history.age", "history.age"),
        ("history.age and history.night_pain", "history.age"),
        ("history.age in history.age", "history.age"),
        ("history.tags in [1]", "history.tags"),
        ('x in [1, "a"]', '"a"'),
        ("[1, 2] == history.age", "[1, 2]"),
        ("facts.cord_compression == 1", "1"),
        ("history.notes == 1", "history.notes"),
        ('"x" in history.cancers', "history.cancers"),
        ("history == exam", "history"),
    ],
)
def test_type_mismatches_point_at_the_culprit(text: str, where: str) -> None:
    problems = problems_of(text)
    assert problems, text
    assert problems[-1].code == "SPX405" or problems[0].code in ("SPX403", "SPX405"), problems
    assert where in {located(p, text) for p in problems}, problems


def test_not_a_condition() -> None:
    problem = one("history.age")
    assert (problem.code, problem.offset, problem.length) == ("SPX407", 0, 11)
    assert problem.hint == "compare it with a number, for example history.age >= 1"
    problem = one("exam.left_leg.reflexes")
    assert (
        problem.hint
        == 'compare it with one of its values, for example exam.left_leg.reflexes == "brisk"'
    )
    assert one("history").code == "SPX407"
    assert one("history.cancers").hint is not None
    text = "any(c.grade for c in history.cancers)"
    problem = one(text)
    assert (problem.code, located(problem, text)) == ("SPX407", "c.grade")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("known(1)", "1"),
        ("known(history.age + 1)", "history.age + 1"),
        ("count(history.age) > 1", "history.age"),
        ("years_between(history.age, history.date_of_birth) > 1", "history.age"),
        ("days_between(history.date_of_birth, 5) > 1", "5"),
        ("any(x for x in history.age)", "history.age"),
        ("count(c for c in history.cancers) > 1", "c"),
    ],
)
def test_wrong_arguments(text: str, where: str) -> None:
    problem = one(text)
    assert (problem.code, located(problem, text)) == ("SPX408", where)


def test_every_problem_is_reported_not_only_the_first() -> None:
    text = 'history.agee > 50 and exam.left_leg.reflexes == "brsk" or facts.nope'
    problems = problems_of(text)
    assert [p.code for p in problems] == ["SPX403", "SPX406", "SPX410"]
    assert [p.offset for p in problems] == sorted(p.offset for p in problems)


def test_one_mistake_is_reported_once() -> None:
    problems = problems_of("(history.agee + 1) * 2 > 3 and not (history.agee > 1)")
    assert [p.code for p in problems] == ["SPX403", "SPX403"]


@pytest.mark.parametrize(
    "text",
    [
        'history.date_of_birth < "2024-03-31"',
        '"2024-03-31" > history.seen_at',
        "history.date_of_birth == facts.onset",
        'years_between(history.date_of_birth, "2024-01-01") >= 50',
        "days_between(history.date_of_birth, history.seen_at) > 30",
        "exam.left_leg.reflexes == exam.right_leg.reflexes",
        'exam.side == "left"',
        'facts.suspicion in ["high", "intermediate"]',
        '"urgent" in history.tags',
        'any(any(m == "PSA" for m in c.markers) for c in history.cancers)',
        "labs.nlr > 3.5 and labs.crp / 2 >= 1",
        "0 <= history.age < 120",
        "count(history.cancers) == 0 or all(c.grade > 1 for c in history.cancers)",
        "known(facts.suspicion) and not known(exam.left_leg)",
        "history.night_pain == true",
        "facts.score + 1 > history.age * 2 - -1",
    ],
)
def test_well_typed_conditions_compile(text: str) -> None:
    assert problems_of(text) == []


def test_date_literal_must_be_a_real_date() -> None:
    text = 'history.date_of_birth < "31/03/2024"'
    problem = one(text)
    assert (problem.code, located(problem, text)) == ("SPX405", '"31/03/2024"')
    assert problem.hint is not None
    assert "YYYY-MM-DD" in problem.hint


# -- at_least(n, …) ---------------------------------------------------------------

RED_FLAGS = "at_least(2, history.age > 50, history.weight_loss, history.night_pain)"


@pytest.mark.parametrize(
    "text",
    [
        RED_FLAGS,
        "at_least(1, facts.cord_compression, labs.crp > 10)",
        "at_least(2, history.night_pain, history.weight_loss)",  # n may equal the count
        'not at_least(2, any(c.status == "active" for c in history.cancers), '
        "known(labs.crp), history.night_pain == true) or history.age > 80",
        "any(at_least(1, c.grade > 2, c.diagnosed < history.seen_at) for c in history.cancers)",
        "at_least(2, at_least(1, history.night_pain, history.weight_loss), labs.nlr > 3, true)",
    ],
)
def test_at_least_well_typed(text: str) -> None:
    assert problems_of(text) == []


@pytest.mark.parametrize(
    ("text", "where", "message", "hint"),
    [
        (
            "at_least(2, history.age, history.weight_loss, history.night_pain)",
            "history.age",
            "at_least() counts conditions, but 'history.age' is a whole number",
            "compare it with a number, for example history.age >= 1",
        ),
        (
            "at_least(1, history.night_pain, exam.left_leg.reflexes)",
            "exam.left_leg.reflexes",
            "at_least() counts conditions, but 'exam.left_leg.reflexes' is one of "
            "'brisk', 'normal', 'absent'",
            'compare it with one of its values, for example exam.left_leg.reflexes == "brisk"',
        ),
        (
            'at_least(1, history.night_pain, "yes")',
            '"yes"',
            'at_least() counts conditions, but "yes" is a text',
            None,
        ),
        (
            "at_least(1, history.cancers, history.night_pain)",
            "history.cancers",
            "at_least() counts conditions, but 'history.cancers' is a list",
            "use any(…), all(…) or count(…) on a list, for example count(history.cancers) > 0",
        ),
    ],
)
def test_at_least_needs_conditions(text: str, where: str, message: str, hint: str | None) -> None:
    problem = one(text)
    assert (problem.code, located(problem, text)) == ("SPX405", where)
    assert problem.offset == text.index(where)
    assert (problem.message, problem.hint) == (message, hint)


def test_at_least_reports_every_wrong_condition_and_field() -> None:
    text = "at_least(2, labs.crp, history.agee > 1, facts.score)"
    problems = problems_of(text)
    assert [(p.code, p.offset, p.length) for p in problems] == [
        ("SPX405", 12, 8),
        ("SPX403", 30, 4),
        ("SPX405", 40, 11),
    ]
    assert [located(p, text) for p in problems] == ["labs.crp", "agee", "facts.score"]


def test_at_least_as_a_whole_is_a_condition() -> None:
    problem = one(f"{RED_FLAGS} + 1 > 2")
    assert (problem.code, problem.offset, problem.length) == ("SPX405", 0, len(RED_FLAGS))
    assert problem.message.startswith("'+' works on numbers, but 'at_least(2, ")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("at_least()", 0),
        ("at_least(2)", 1),
        ("at_least(1, history.night_pain)", 2),
    ],
)
def test_at_least_arity(text: str, found: int) -> None:
    problem = one(text)
    assert (problem.code, problem.offset, problem.length) == ("SPX408", 0, len(text))
    assert problem.message == (
        f"at_least() takes a number and two or more conditions, found {found} "
        f"argument{'s' * (found != 1)}"
    )
    assert problem.hint == (
        "write at_least(2, history.age > 50, history.weight_loss, history.night_pain)"
    )
    example = problem.hint.removeprefix("write ")
    assert problems_of(example) == []  # the hint's example compiles against this record


@pytest.mark.parametrize(
    ("first", "message"),
    [
        ("history.age", "as a whole number written out, found 'history.age'"),
        ("facts.score", "as a whole number written out, found 'facts.score'"),
        ("1 + 1", "as a whole number written out, found '1 + 1'"),
        ("2.0", "as a whole number written out, found '2.0'"),
        ("true", "as a whole number written out, found 'true'"),
        ('"2"', "as a whole number written out, found '\"2\"'"),
        ("0", "needs at least 1 of the conditions to hold, found 0"),
        ("-1", "needs at least 1 of the conditions to hold, found -1"),
        ("4", "at_least(4, …) can never hold: it is given only 3 conditions"),
    ],
)
def test_at_least_number_must_be_written_out_and_fit(first: str, message: str) -> None:
    text = f"at_least({first}, history.night_pain, history.weight_loss, labs.crp > 1)"
    problem = one(text)
    assert (problem.code, located(problem, text)) == ("SPX408", first)
    assert problem.offset == len("at_least(")
    assert message in problem.message
    assert problem.hint is not None


def test_at_least_number_and_conditions_are_both_reported() -> None:
    text = "at_least(x, __import__('os'), history.night_pain)"
    problems = problems_of(text)
    assert [(p.code, located(p, text)) for p in problems] == [
        ("SPX408", "x"),
        ("SPX402", "__import__"),
    ]


def test_unknown_function_hint_lists_at_least() -> None:
    problem = one("max(history.age, 1) > 2")
    assert problem.code == "SPX404"
    assert problem.hint == (
        "the functions are: all, any, at_least, count, days_between, known, years_between"
    )
    assert one("atleast(2, history.night_pain, history.weight_loss)").hint == (
        "did you mean 'at_least'?"
    )
    assert one("at_least_n(2, history.night_pain, history.weight_loss)").hint == (
        "did you mean 'at_least'?"
    )


def test_at_least_is_reserved_as_a_quantifier_name() -> None:
    text = "any(at_least for at_least in history.tags)"
    assert problems_of(text)[0].code == "SPX402"
