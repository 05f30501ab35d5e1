"""Certainty under missing data: definite stays definite, conditions say what settles them.

Records are drawn complete, then some of their fields are left out; "filling
in" puts some back from the complete record. On the mini pathway (no
``unknown:`` target, no ``known()``) every recommendation is covered. On the
shipped pathway two constructs are left out, by design not monotone (see
``tests/properties/test_monotone.py``): what an ``unknown:`` target leads to,
and ``known(x)``, which turns "unknown" into a definite false.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from typing import Any

import networkx as nx
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from spinedx import Pathway, load_pathway
from spinedx._compiled import Decide
from spinedx._conditions import RecordSchema
from spinedx._evaluation.needs import is_input_field
from spinedx.patient import Patient
from spinedx.results import Evaluation
from tests.paths import MINI, ROOT
from tests.records import MiniRecord
from tests.strategies import patient_inputs

Data = dict[str, Any]


@functools.cache
def _pathway(name: str) -> Pathway:
    return load_pathway(MINI if name == "mini" else ROOT / "pathways" / "spinal_tumor")


@functools.cache
def _not_monotone(name: str) -> frozenset[str]:
    """Recommendations given on or after an ``unknown:`` target, or under a ``known()``."""
    pathway, found = _pathway(name), set()
    for stage in pathway.stages:
        graph = pathway.graphs[stage.id]
        for node, step in stage.steps.items():
            starts = []
            if isinstance(step, Decide) and step.unknown is not None:
                starts.append(step.unknown)
            if any("known(" in guard.condition.text for guard in step.guards()):
                starts.append(node)
            for start in starts:
                for reached in {start} | nx.descendants(graph, start):
                    if reached in stage.steps:
                        found |= {rec.id for rec in stage.steps[reached].recs()}
    return frozenset(found)


# -- records: complete, then with fields left out --------------------------------


def _keys(data: Data, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every key path into nested mappings (lists are left whole)."""
    for key, value in data.items():
        yield (*prefix, key)
        if isinstance(value, dict):
            yield from _keys(value, (*prefix, key))


def _without(data: Data, paths: list[tuple[str, ...]]) -> Data:
    out = copy.deepcopy(data)
    for path in paths:
        holder: Any = out
        for key in path[:-1]:
            holder = holder.get(key) if isinstance(holder, dict) else None
        if isinstance(holder, dict):
            holder.pop(path[-1], None)
    return out


@st.composite
def _mini_data(draw: st.DrawFn) -> Data:
    booleans = st.booleans()
    cancers = st.lists(st.fixed_dictionaries({"site": st.sampled_from(["breast", "lung"]),
                                              "active": booleans}), max_size=2)  # fmt: skip
    return {
        "history": {"age": draw(st.integers(20, 90)), "night_pain": draw(booleans),
                    "weight_loss": draw(booleans), "cancers": draw(cancers)},
        "exam": {"leg_strength": draw(st.integers(0, 5)),
                 "reflexes": draw(st.sampled_from(["normal", "brisk", "absent"]))},
        "imaging": {"cord_compression": draw(booleans)},
        "labs": {"calcium_high": draw(booleans)},
    }  # fmt: skip


def _complete(name: str) -> st.SearchStrategy[Data]:
    if name == "mini":
        return _mini_data()
    return patient_inputs(allow_unknown=False).map(
        lambda data: Patient.model_validate(data).model_dump(
            mode="json", exclude_computed_fields=True
        )
    )


def _model(name: str) -> type[BaseModel]:
    return MiniRecord if name == "mini" else Patient


def _evaluate(name: str, data: Data) -> Evaluation:
    try:
        record = _model(name).model_validate(data)
    except ValidationError:  # a required part left out alone (a lab's value): not a record
        assume(False)
        raise
    return _pathway(name).evaluate(record)


@st.composite
def _partial(draw: st.DrawFn, name: str) -> tuple[Data, Data, list[tuple[str, ...]]]:
    """A complete record, the same with some fields left out, and those fields."""
    complete = draw(_complete(name))
    keys = list(_keys(complete))
    left_out = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=8, unique=True))
    return complete, _without(complete, left_out), left_out


def _definite(result: Evaluation, leave_out: frozenset[str]) -> set[str]:
    return {r.id for r in result.recommendations if r.certainty == "definite"} - leave_out


NAMES = st.sampled_from(["mini", "shipped"])
_SETTINGS = settings(max_examples=80, deadline=None, database=None)


@_SETTINGS
@given(st.data())
def test_filling_in_a_field_never_removes_or_weakens_a_definite_recommendation(
    data: st.DataObject,
) -> None:
    name = data.draw(NAMES)
    complete, partial, left_out = data.draw(_partial(name))
    back = data.draw(st.sampled_from(left_out))
    fuller = _without(complete, [path for path in left_out if path != back])
    leave_out = _not_monotone(name)
    before = _definite(_evaluate(name, partial), leave_out)
    assert before <= _definite(_evaluate(name, fuller), leave_out)
    assert before <= _definite(_evaluate(name, complete), leave_out)


def _restore(partial: Data, complete: Data, field: str) -> None:
    """Put ``field`` (an input path, items as ``[i]``) back from the complete record;
    where a whole part is missing, that part."""
    here: Any = partial
    there: Any = complete
    for part in field.replace("[", ".[").split("."):
        key: Any = int(part[1:-1]) if part.startswith("[") else part
        if isinstance(key, int):
            if not isinstance(here, list) or key >= len(here):
                return
            here, there = here[key], there[key]
            continue
        if not isinstance(there, dict) or key not in there:
            return
        if key not in here or here[key] is None or not isinstance(there[key], dict):
            here[key] = copy.deepcopy(there[key])
            return
        here, there = here[key], there[key]


@_SETTINGS
@given(st.data())
def test_completing_the_fields_of_a_condition_settles_the_recommendation(
    data: st.DataObject,
) -> None:
    name = data.draw(NAMES)
    complete, partial, _ = data.draw(_partial(name))
    result = _evaluate(name, partial)
    conditional = [r for r in result.recommendations if r.certainty == "conditional"]
    assume(conditional)
    rec = data.draw(st.sampled_from(conditional))
    fields = {f for alternative in rec.when for a in alternative for f in a.fields}
    assert fields, rec.id  # a conditional recommendation names input fields
    completed = copy.deepcopy(partial)
    for field in sorted(fields):
        _restore(completed, complete, field)
    settled = _evaluate(name, completed)
    # A value that leaves its field's reading unknown ('no studies yet' for a lesion
    # count) completes nothing: such draws are left out.
    assume(not fields & {need.field for need in settled.needs})
    after = settled.recommendation(rec.id)
    assert after is None or after.certainty == "definite", (rec.id, rec.when)


@_SETTINGS
@given(st.data())
def test_needs_and_conditions_name_only_input_fields(data: st.DataObject) -> None:
    name = data.draw(NAMES)
    _, partial, _ = data.draw(_partial(name))
    result = _evaluate(name, partial)
    schema = RecordSchema.from_model(_model(name))
    named = [need.field for need in result.needs]
    named += [f for r in result.recommendations for alt in r.when for a in alt for f in a.fields]
    assert all(is_input_field(schema, field) for field in named), named
    if result.needs and name == "shipped":  # fail closed: missing data never means no action
        assert result.recommendations
