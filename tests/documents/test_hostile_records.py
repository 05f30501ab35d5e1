"""Hostile patient records: every way a record enters is read by the same rules.

A record can arrive as a file (YAML or JSON), plain data, JSON text, a line of
JSON in a cohort, or a record instance built in Python. Each is refused or
accepted alike, with the field path (and, where there is text, the line and
column) of every problem, and nothing the record says outside that field is
echoed back.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinedx import Patient, PatientError, evaluate_many, load_pathway, load_patient
from spinedx._diagnostics.diagnostics import Diagnostic
from spinedx._documents.jsontext import parse_json
from spinedx._documents.records import MAX_RECORD_VALUES
from spinedx._documents.strict_yaml import read_yaml
from spinedx._documents.yaml_events import MAX_DEPTH
from spinedx._documents.yaml_tree import to_plain
from spinedx.patient.labs import Labs
from tests.paths import ROOT

SHIPPED = load_pathway(ROOT / "pathways" / "spinal_tumor")
SCENARIOS = ROOT / "pathways" / "spinal_tumor" / "scenarios"
EXAMPLES = ROOT / "examples" / "patients"


def _scenario_patient(name: str) -> dict[str, Any]:
    tree, problems, _ = read_yaml(SCENARIOS / name)
    assert not problems
    data = to_plain(tree)
    assert isinstance(data, dict)
    patient = data["patient"]
    assert isinstance(patient, dict)
    return patient


def _example(name: str) -> dict[str, Any]:
    data = to_plain(read_yaml(EXAMPLES / name)[0])
    assert isinstance(data, dict)
    return data


def _refusal(call: Any, *args: Any, **kwargs: Any) -> list[Diagnostic]:
    """The diagnostics of the PatientError that ``call`` raises (a stream is read out)."""
    with pytest.raises(PatientError) as caught:
        _read_out(call(*args, **kwargs))
    return list(caught.value.diagnostics)


def _read_out(result: object) -> None:
    if isinstance(result, Iterator):
        list(result)


def _ids(record: object) -> list[str]:
    """The definite recommendations: what ``recommend`` and ``evaluate_many`` give."""
    result = SHIPPED.evaluate(record)  # type: ignore[arg-type]
    return [rec.id for rec in result.recommendations if rec.certainty == "definite"]


# ---------------------------------------------- item 2: one way in for every record


def _with_repeated_key() -> str:
    text = json.dumps(_example("widespread-confirmed-metastases.yaml"), indent=1)
    # A second "cancers" after the first: JSON readers that keep the last one
    # would read "no known cancer".
    return text.replace('"cancers": [', '"cancers": [],\n  "cancers": [', 1)


@pytest.mark.parametrize("workers", [None, 1])
def test_json_text_with_a_repeated_key_is_refused_in_a_cohort(workers: int | None) -> None:
    found = _refusal(evaluate_many, SHIPPED, [_with_repeated_key()], workers=workers)
    assert [d.code for d in found] == ["SPX102"]
    assert "'cancers' appears twice" in found[0].message
    assert found[0].span.line > 1


def test_json_text_and_json_file_give_the_same_refusal(tmp_path: Path) -> None:
    text = _with_repeated_key()
    file = tmp_path / "patient.json"
    file.write_text(text)
    from_file = _refusal(load_patient, file)
    from_text = _refusal(evaluate_many, SHIPPED, [text])
    assert [(d.code, d.span.line, d.span.column, d.message) for d in from_file] == [
        (d.code, d.span.line, d.span.column, d.message) for d in from_text
    ]


def test_every_way_in_accepts_the_same_record_and_gives_the_same_answer(tmp_path: Path) -> None:
    data = _example("widespread-confirmed-metastases.yaml")
    text = json.dumps(data)
    file = tmp_path / "patient.json"
    file.write_text(text)
    expected = _ids(load_patient(EXAMPLES / "widespread-confirmed-metastases.yaml"))
    assert _ids(load_patient(file)) == expected
    assert _ids(data) == expected
    assert SHIPPED.recommend(data) == expected
    assert list(evaluate_many(SHIPPED, [text, text.encode(), data])) == [expected] * 3


# ------------------------------------------------ item 3: exact duplicates in lists


def test_a_lesion_listed_twice_is_refused_at_the_second_copy() -> None:
    data = _scenario_patient("39-unknown-primary-man.yaml")
    assert "image-guided-core-needle-biopsy" in _ids(data)
    lesions = data["imaging"]["studies"][0]["lesions"]
    lesions.append(copy.deepcopy(lesions[0]))
    found = _refusal(SHIPPED.evaluate, data)
    assert [(d.code, d.path) for d in found] == [
        ("SPX502", ("imaging", "studies", 0, "lesions", 1))
    ]
    assert "imaging.studies[0].lesions[0]" in found[0].message


def test_a_cancer_listed_twice_is_refused_in_a_file_with_its_line(tmp_path: Path) -> None:
    data = _example("widespread-confirmed-metastases.yaml")
    data["history"]["cancers"] *= 2
    file = tmp_path / "patient.json"
    file.write_text(json.dumps(data, indent=1))
    found = _refusal(load_patient, file)
    assert [(d.code, d.path) for d in found] == [("SPX502", ("history", "cancers", 1))]
    line = file.read_text().splitlines()[found[0].span.line - 1]
    assert line.strip() == "{"  # the second cancer's own mapping
    assert found[0].hint


def test_a_pain_site_listed_twice_is_refused_like_any_list_entry() -> None:
    found = _refusal(
        SHIPPED.evaluate, {"history": {"pain_sites": ["lumbar", "cervical", "lumbar"]}}
    )
    assert [(d.code, d.path) for d in found] == [("SPX502", ("history", "pain_sites", 2))]


def test_entries_that_differ_in_any_field_are_all_kept() -> None:
    data = _scenario_patient("39-unknown-primary-man.yaml")
    lesions = data["imaging"]["studies"][0]["lesions"]
    other = copy.deepcopy(lesions[0])
    other["level"] = "T4" if other["level"] != "T4" else "T5"
    lesions.append(other)
    assert len(SHIPPED.validate_patient(data).imaging.studies[0].lesions) == 2  # type: ignore[attr-defined]


def test_shipped_examples_and_scenarios_still_load() -> None:
    for file in sorted(EXAMPLES.glob("*.yaml")):
        load_patient(file)
    for file in sorted(SCENARIOS.glob("*.yaml")):
        SHIPPED.validate_patient(_scenario_patient(file.name))


# ------------------------------------------ item 4: record instances are checked too


def _low_egfr() -> Patient:
    patient = SHIPPED.validate_patient(_scenario_patient("25-low-egfr.yaml"))
    assert isinstance(patient, Patient)
    assert "gadolinium-group-ii-renal" in _ids(patient)
    return patient


def _with_egfr(patient: Patient, value: object) -> Patient:
    egfr = patient.labs.egfr
    assert egfr is not None
    labs = patient.labs.model_copy(update={"egfr": egfr.model_copy(update={"value": value})})
    return patient.model_copy(update={"labs": labs})


@pytest.mark.parametrize("entry", ["evaluate", "recommend", "evaluate_many"])
def test_a_copied_patient_with_an_egfr_of_nan_is_refused(entry: str) -> None:
    patient = _with_egfr(_low_egfr(), math.nan)
    call = {
        "evaluate": lambda: SHIPPED.evaluate(patient),
        "recommend": lambda: SHIPPED.recommend(patient),
        "evaluate_many": lambda: list(evaluate_many(SHIPPED, [patient])),
    }[entry]
    found = _refusal(call)
    assert [d.path for d in found] == [("labs", "egfr", "value")]


@pytest.mark.parametrize("entry", ["evaluate", "recommend"])
def test_a_constructed_patient_with_a_wrong_type_is_a_patient_error(entry: str) -> None:
    patient = Patient.model_construct(age_years="71")
    found = _refusal(getattr(SHIPPED, entry), patient)
    assert [(d.code, d.path) for d in found] == [("SPX501", ("age_years",))]


def test_a_valid_copy_is_evaluated_with_its_update() -> None:
    patient = _with_egfr(_low_egfr(), 80.0)
    assert "gadolinium-group-ii-renal" not in _ids(patient)
    assert "gadolinium-group-ii-renal" not in SHIPPED.recommend(patient)


def test_a_validated_patient_is_not_validated_again(monkeypatch: pytest.MonkeyPatch) -> None:
    patient = _low_egfr()
    copied = patient.model_copy()
    checked: list[object] = []
    real = Patient.model_validate_json

    def counted(*args: Any, **kwargs: Any) -> Patient:
        checked.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(Patient, "model_validate_json", counted)
    for _ in range(3):
        SHIPPED.evaluate(patient)
        SHIPPED.recommend(patient)
        list(evaluate_many(SHIPPED, [patient]))
    assert checked == []
    SHIPPED.evaluate(copied)
    assert len(checked) == 1


# ------------------------------------------ item 6: JSON text is parsed with limits


def test_json_text_nested_past_the_limit_is_refused_where_it_goes_too_deep() -> None:
    found = _refusal(evaluate_many, SHIPPED, ["[" * 100_000])
    assert [(d.code, d.span.line, d.span.column) for d in found] == [("SPX110", 1, MAX_DEPTH + 1)]


def test_json_text_holding_too_many_values_is_refused_like_plain_data() -> None:
    # Each cancer is three values; every one differs, so the record is otherwise valid.
    cancers = [{"type": "breast", "histology": f"h{n}"} for n in range(MAX_RECORD_VALUES // 3 + 1)]
    data = {"history": {"cancers": cancers}}
    text = json.dumps(data)
    from_text = _refusal(evaluate_many, SHIPPED, [text])
    from_data = _refusal(SHIPPED.evaluate, data)
    assert [d.message for d in from_text] == [d.message for d in from_data]
    assert f"more than {MAX_RECORD_VALUES} values" in from_text[0].message


def test_json_text_with_nan_is_refused_as_not_json() -> None:
    found = _refusal(evaluate_many, SHIPPED, ['{"labs": {"egfr": {"value": NaN}}}'])
    assert [(d.code, d.span.column) for d in found] == [("SPX503", 29)]


# -------------------------------------------- item 11: lone surrogates in plain data


def test_a_lone_surrogate_is_reported_at_its_field_without_the_rest_of_the_record() -> None:
    data = {
        "patient_id": "MRN-0042",
        "history": {"cancers": [{"type": "breast", "histology": "ductal \ud800 carcinoma"}]},
        "labs": {"egfr": {"value": 70.0}},
    }
    found = _refusal(SHIPPED.evaluate, data)
    assert [(d.code, d.path) for d in found] == [("SPX501", ("history", "cancers", 0, "histology"))]
    said = found[0].message + (found[0].hint or "")
    assert "MRN-0042" not in said
    assert "column" not in said
    assert "D800" in said


# ------------------------------------------------ item 16: truncated JSON, NLR of 0


def test_truncated_json_text_says_it_ends_early_where_it_ends() -> None:
    found = _refusal(evaluate_many, SHIPPED, ['{\n  "patient_id": "x",\n  "history": {'])
    assert [(d.code, d.span.line, d.span.column) for d in found] == [("SPX503", 3, 15)]
    assert "ends early" in found[0].message


def test_nlr_with_no_lymphocytes_is_unknown_and_says_why() -> None:
    labs = Labs.model_validate_json(
        '{"neutrophils": {"value": 5.0}, "lymphocytes": {"value": 0.0}}', strict=True
    )
    assert labs.nlr is None
    described = SHIPPED.schema.lookup(["labs", "nlr"])
    assert described is not None
    assert "lymphocytes are 0" in (described.description or "")


# --------------------------------------------- item 17: JSON files follow JSON grammar


def test_a_json_patient_file_may_write_numbers_with_exponents(tmp_path: Path) -> None:
    data = {"labs": {"psa": {"value": 0.00001, "unit": "ug/L"}}}
    file = tmp_path / "patient.json"
    file.write_text(json.dumps(data))
    assert "1e-05" in file.read_text()
    patient = load_patient(file)
    assert isinstance(patient, Patient)
    assert patient.labs.psa is not None
    assert patient.labs.psa.value == 0.00001


def test_a_json_patient_file_refuses_what_json_does_not_allow(tmp_path: Path) -> None:
    file = tmp_path / "patient.json"
    file.write_text('{\n  "sex": female\n}\n')
    found = _refusal(load_patient, file)
    assert [(d.code, d.span.line, d.span.column) for d in found] == [("SPX503", 2, 10)]


def test_entries_that_record_nothing_may_repeat() -> None:
    # "Two lesions, neither described yet" is a finding: nothing in them was copied.
    imaging = SHIPPED.validate_patient({"imaging": {"studies": [{"lesions": [{}, {}]}]}})
    assert imaging.imaging.studies[0].lesions == [imaging.imaging.studies[0].lesions[0]] * 2  # type: ignore[attr-defined]


# ------------------------------------------------- the JSON reader against Python's

_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON_VALUES, st.sampled_from([None, 1]))
def test_the_json_reader_reads_what_json_dumps_writes(value: object, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    tree, problems, _ = parse_json(text, "t.json", max_values=MAX_RECORD_VALUES)
    assert problems == []
    assert to_plain(tree) == json.loads(text)


@given(st.text(alphabet="{}[],:\"\\ \n0123456789.eE+-truefalsnNI'x", max_size=40))
def test_the_json_reader_refuses_exactly_what_python_refuses(text: str) -> None:
    tree, problems, _ = parse_json(text, "t.json", max_values=MAX_RECORD_VALUES)
    try:
        expected: object = json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except ValueError:
        assert tree is None
        assert len(problems) == 1
        return
    if problems:  # a repeated key: Python keeps the last
        assert [d.code for d in problems] == ["SPX102"]
    else:
        assert to_plain(tree) == expected


def _not_json(word: str) -> object:
    raise ValueError(word)


def _finite(written: str) -> float:
    number = float(written)
    if not math.isfinite(number):
        raise ValueError(written)  # the reader refuses a number too large to hold
    return number
