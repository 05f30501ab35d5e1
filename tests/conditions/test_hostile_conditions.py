"""Conditions that Python reads one way and a clinician another: refused at load, or
unknown at evaluation, never silently misread and never a crash.

Covers comments inside condition text (a ``#`` line in folded ``>-`` text), literal
forms the language does not document (``0x10``, ``5e1``, ``r"…"``, ``True``, texts
side by side), comparisons between two enums that share no value, and arithmetic
whose result is not a finite number (overflow, ``inf - inf``, division by zero).
"""

from __future__ import annotations

import enum
from pathlib import Path

import pytest
from pydantic import BaseModel

from spinedx import PathwayError, load_pathway
from spinedx._conditions.condition import compile_condition
from spinedx._conditions.schema import RecordSchema
from spinedx._documents.strict_yaml import parse_yaml
from spinedx._documents.yaml_tree import YMap, YScalar
from tests.conditions.test_typecheck import FACTS, SCHEMA, History, Labs, Record

HUGE = "1000000000000000"  # 10**15, the largest number a condition may write
TWENTY_ONE_HUGE = " * ".join([HUGE] * 21)  # 10**315: beyond any float
TEN_HUGE = "(" + " * ".join([HUGE] * 10) + ")"  # 10**150, a fixed number in range


def refused(text: str, schema: RecordSchema = SCHEMA) -> tuple[str, str, str | None]:
    """The one problem of ``text``: its code, the text it points at, and its hint."""
    condition, problems = compile_condition(text, schema, FACTS)
    assert condition is None
    assert len(problems) == 1, problems
    (problem,) = problems
    return problem.code, text[problem.offset : problem.offset + problem.length], problem.hint


def accepted(text: str, schema: RecordSchema = SCHEMA) -> None:
    condition, problems = compile_condition(text, schema, FACTS)
    assert problems == []
    assert condition is not None


# ------------------------------------------------------------ comments (item 1)


def test_a_comment_inside_a_condition_is_refused_at_the_hash() -> None:
    text = "history.age > 50 # night pain counts too or history.night_pain"
    code, found, hint = refused(text)
    assert (code, found) == ("SPX412", "#")
    assert hint is not None


def test_a_hash_inside_a_text_is_not_a_comment() -> None:
    accepted('"#1" in history.tags or "a # b" in history.tags')


def test_a_comment_line_in_folded_text_is_located_at_its_own_line_and_column() -> None:
    text = "when: >-\n  history.age > 50\n    # night pain counts too\n  or history.night_pain\n"
    tree, problems = parse_yaml(text, "stage.yaml")
    assert problems == []
    assert isinstance(tree, YMap)
    scalar = tree.get("when")
    assert isinstance(scalar, YScalar)
    offset = scalar.raw.index("#")
    span = scalar.offset_span(offset)
    assert (span.line, span.column) == (3, 5)
    words = scalar.raw.index("or history")
    assert (scalar.offset_span(words).line, scalar.offset_span(words).column) == (4, 3)


def test_a_comment_in_a_folded_condition_fails_the_load_at_the_hash(tmp_path: Path) -> None:
    folder = _pathway(
        tmp_path,
        "      - when: >-\n"
        "          history.age > 50\n"
        "          # night pain counts too\n"
        "          or history.night_pain\n",
    )
    with pytest.raises(PathwayError) as caught:
        load_pathway(folder)
    (error,) = [d for d in caught.value.diagnostics if d.is_error]
    assert (error.code, error.span.line, error.span.column) == ("SPX412", 9, 11)


# ------------------------------------------------------ literal forms (item 18)


@pytest.mark.parametrize(
    ("text", "found", "fix"),
    [
        ("history.age > 0x10", "0x10", "16"),
        ("history.age > 0o17", "0o17", "15"),
        ("history.age > 0b11", "0b11", "3"),
        ("history.age > 1_0", "1_0", "10"),
        ("history.age > 5e1", "5e1", "50.0"),
        ("history.age > 2.5E-1", "2.5E-1", "0.25"),
        ("history.age > .5", ".5", "0.5"),
        ("history.age > 5.", "5.", "5.0"),
    ],
)
def test_numbers_other_than_plain_decimals_are_refused_with_the_plain_form(
    text: str, found: str, fix: str
) -> None:
    code, located, hint = refused(text)
    assert (code, located) == ("SPX402", found)
    assert hint == f"write {fix}"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('exam.left_leg.reflexes == r"brisk"', 'r"brisk"'),
        ("exam.left_leg.reflexes == u'brisk'", "u'brisk'"),
        ('exam.left_leg.reflexes == R"brisk"', 'R"brisk"'),
        ('exam.left_leg.reflexes == """brisk"""', '"""brisk"""'),
        ("exam.left_leg.reflexes == '''brisk'''", "'''brisk'''"),
    ],
)
def test_texts_other_than_plain_quotes_are_refused(text: str, found: str) -> None:
    code, located, hint = refused(text)
    assert (code, located) == ("SPX402", found)
    assert hint == 'write the text in plain quotes: "brisk"'


def test_texts_side_by_side_are_refused_not_joined() -> None:
    code, located, hint = refused('exam.left_leg.reflexes in ["bri" "sk", "absent"]')
    assert (code, located) == ("SPX401", '"bri" "sk"')
    assert hint == 'write one text: "brisk"; to list several texts, separate them with commas'


@pytest.mark.parametrize(("word", "fix"), [("True", "true"), ("False", "false")])
def test_capitalised_true_and_false_are_refused(word: str, fix: str) -> None:
    code, located, hint = refused(f"history.night_pain == {word}")
    assert (code, located, hint) == ("SPX401", word, f"write '{fix}'")


def test_documented_literals_still_load() -> None:
    accepted('history.age > 50 and labs.crp >= 2.5 and exam.left_leg.reflexes != "brisk"')
    accepted("history.night_pain == true or labs.crp > -1 or labs.crp < 0.25")
    accepted("exam.left_leg.reflexes in ['brisk', \"absent\"]")


# ---------------------------------------------- enums that share no value (item 15)


class Sex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"


class Gait(enum.StrEnum):
    NORMAL = "normal"
    ABNORMAL = "abnormal"


class Site(enum.StrEnum):
    NECK = "neck"
    BACK = "back"


class Grade(enum.StrEnum):  # shares 'normal' with Gait
    NORMAL = "normal"
    BRISK = "brisk"


class Person(BaseModel):
    sex: Sex | None = None
    gait: Gait | None = None
    grade: Grade | None = None
    other_gait: Gait | None = None
    pain_sites: list[Site] | None = None


PERSON = RecordSchema.from_model(Person)


@pytest.mark.parametrize("op", ["==", "!="])
def test_two_enums_that_share_no_value_cannot_be_compared(op: str) -> None:
    text = f"sex {op} gait"
    code, located, hint = refused(text, PERSON)
    assert (code, located) == ("SPX405", text)
    assert hint == 'compare each with one of its own values, for example sex == "female"'


def test_an_enum_cannot_be_looked_for_among_items_of_another_enum() -> None:
    text = "sex in pain_sites"
    code, located, _ = refused(text, PERSON)
    assert (code, located) == ("SPX405", text)


def test_the_same_enum_or_enums_sharing_a_value_may_be_compared() -> None:
    accepted("gait == other_gait", PERSON)
    accepted("gait == grade", PERSON)
    accepted('gait == "normal" and "back" in pain_sites', PERSON)


# ------------------------------------- arithmetic without a finite number (item 5, 16)


def _both(text: str, record: Record) -> object:
    """The result, checking that the compiled closure and the tracer agree."""
    condition, problems = compile_condition(text, SCHEMA, FACTS)
    assert problems == []
    assert condition is not None
    result = condition(record, {})
    assert condition.trace(record, {})[0] == result
    return result


def test_integer_overflow_in_arithmetic_is_unknown_not_a_crash() -> None:
    text = f"history.age * {TEN_HUGE} * {TEN_HUGE} * {HUGE} / 3 > 1"
    assert _both(text, Record(history=History(age=1))) is None
    assert _both(text, Record(history=History(age=0))) is False


def test_infinity_minus_infinity_is_unknown_not_false() -> None:
    big = f"labs.crp * {TEN_HUGE} * {TEN_HUGE} * {HUGE}"
    text = f"{big} - {big} < 1"
    assert _both(text, Record(labs=Labs(crp=1.0))) is None
    assert _both(text, Record(labs=Labs(crp=0.0))) is True


def test_a_record_value_that_is_not_finite_makes_arithmetic_unknown() -> None:
    assert _both("labs.crp - labs.crp < 1", Record(labs=Labs(crp=float("inf")))) is None


def test_a_constant_calculation_without_a_finite_result_is_refused_at_load() -> None:
    code, located, _ = refused(f"history.age > ({TWENTY_ONE_HUGE})")
    assert (code, located) == ("SPX413", TWENTY_ONE_HUGE)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("history.age / 0 > 1", "history.age / 0"),
        ("history.age / (2 - 2) > 1", "history.age / (2 - 2)"),
    ],
)
def test_dividing_by_a_constant_zero_is_refused_at_load(text: str, found: str) -> None:
    code, located, hint = refused(text)
    assert (code, located) == ("SPX413", found)
    assert hint is not None


def test_division_by_zero_is_unknown_with_a_reason_the_explanation_shows() -> None:
    text = "labs.neutrophils / labs.lymphocytes > 3"
    record = Record(labs=Labs(neutrophils=5.0, lymphocytes=0.0))
    assert _both(text, record) is None
    condition, _ = compile_condition(text, SCHEMA, FACTS)
    assert condition is not None
    _, reads = condition.trace(record, {})
    shown = [read.display() for read in reads]
    assert "labs.neutrophils / labs.lymphocytes = not known (division by zero)" in shown
    assert condition.missing(record, {}) == ()


def test_division_by_zero_in_a_pathway_stops_with_the_reason_and_never_crashes(
    tmp_path: Path,
) -> None:
    folder = _pathway(tmp_path, "      - when: history.age / (history.age - 50) > 1\n")
    pathway = load_pathway(folder)
    patient = {"history": {"age": 50}}
    result = pathway.evaluate(patient)
    definite = [r.id for r in result.recommendations if r.certainty == "definite"]
    assert pathway.recommend(patient) == definite == []
    (check,) = result.trace[0].checks
    assert check.result == "unknown"
    assert any("division by zero" in value.text for value in check.values)


def test_overflow_in_a_pathway_is_unknown_on_the_fast_path_and_the_walk(tmp_path: Path) -> None:
    when = f"history.age * {TEN_HUGE} * {TEN_HUGE} * {HUGE} / 3 > 1"
    pathway = load_pathway(_pathway(tmp_path, f"      - when: {when}\n"))
    for age, unknown in ((1, True), (0, False)):
        patient = {"history": {"age": age}}
        result = pathway.evaluate(patient)
        definite = [r.id for r in result.recommendations if r.certainty == "definite"]
        assert pathway.recommend(patient) == definite
        first = result.trace[0].node  # unknown: the walk follows both of its ways
        assert (len({s.outcome for s in result.trace if s.node == first}) > 1) is unknown
        assert result.trace[0].checks[0].result == ("unknown" if unknown else "false")


# ----------------------------------------------------------------------- helpers

_MANIFEST = """\
id: hostile-conditions
version: '1'
title: One stage whose condition is under test
record: tests.mini
stages: [history]
facts:
  cancer_suspected: {type: bool}
sources:
  guide: {title: A source}
"""
_STAGE = """\
stage: history
start: ask
nodes:
  ask:
    decide: Is a cancer suspected?
    branches:
{when}        then: suspect
    otherwise: done
  suspect:
    conclude: cancer_suspected
    value: true
    because: A red flag.
    then: done
  done:
    end: Done.
"""


def _pathway(folder: Path, when: str) -> Path:
    """A one-stage pathway whose first branch is ``when``, starting on line 7."""
    (folder / "pathway.yaml").write_text(_MANIFEST, encoding="utf-8")
    (folder / "history.yaml").write_text(_STAGE.format(when=when), encoding="utf-8")
    return folder
