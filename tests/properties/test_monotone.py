"""What more data can and cannot change, and what no data can make the engine do.

The engine's logic is three-valued (Kleene), so filling in a missing field can
settle an unknown condition but never change a settled one. Above conditions,
that gives exactly this, and these tests check exactly this:

- every decision that was settled (a branch, or ``otherwise``) is settled the
  same way with more data, given the same facts;
- the walk is the same up to the first decision that was *not* settled, and
  every recommendation and conclusion before it still stands;
- two constructs are not monotone, by design, and the properties leave them
  out. What a decision's ``unknown:`` target did is not kept: that branch is a
  safe default for missing data (ask for it, examine, screen), and with the
  data the walk rightly goes elsewhere. And ``known(x)`` turns "unknown" into a
  definite false, so it flips when ``x`` is filled in: it exists to ask for
  data (``not known(labs.inr)`` → check the INR). So "a recommendation present
  stays present" and "a stage complete stays complete" are false in general;
  ``test_an_unknown_fallback_is_rightly_not_monotone`` and
  ``test_known_is_rightly_not_monotone`` show both.

Besides: fields a pathway never reads do not change its result, evaluation
never mutates the record, and missing data never reaches a "no action"
recommendation (fail closed).
"""

from __future__ import annotations

import ast
import copy
import functools
import inspect
import textwrap
from collections.abc import Iterator, Mapping

from hypothesis import assume, event, given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from spinedx import Patient, load_pathway
from spinedx._compiled.steps import Checklist, Conclude, Decide, Stage, Step
from spinedx._conditions.condition import Condition, compile_condition
from spinedx._conditions.parse import parse_condition
from spinedx._conditions.tree import Call, children
from spinedx._documents.records import validate_record
from spinedx._documents.strict_yaml import read_yaml
from spinedx._documents.yaml_tree import to_plain
from spinedx._evaluation.interpreter import OTHERWISE, walk
from spinedx._evaluation.results import Evaluation, Reason
from tests.paths import ROOT
from tests.strategies import patient_inputs, patients

SHIPPED = load_pathway(ROOT / "pathways" / "spinal_tumor")
UNSETTLED = frozenset({"unknown", "stopped: data missing"})
NO_ACTION = frozenset({"conservative-care-no-imaging", "defer-imaging-trial-of-therapy"})
Path_ = tuple[str | int, ...]
_MISSING = object()


def conditions_of(step: Step) -> list[Condition]:
    if isinstance(step, Decide):
        return [branch.condition for branch in step.branches]
    if isinstance(step, Checklist):
        return [item.condition for item in step.items]
    return []


@functools.cache
def asks_known(condition: Condition) -> bool:
    """Whether the condition calls ``known()``, the one operator that is not monotone."""
    expr, _ = parse_condition(condition.text)
    todo = [expr] if expr is not None else []
    while todo:
        node = todo.pop()
        if isinstance(node, Call) and node.func == "known":
            return True
        todo.extend(children(node))
    return False


def monotone_decision(step: Step, outcome: object) -> bool:
    """Whether a visited step's outcome must survive more data: a settled decision whose
    evaluated branches do not ask ``known()``."""
    if not isinstance(step, Decide) or not isinstance(outcome, int):
        return False
    evaluated = step.branches if outcome == OTHERWISE else step.branches[: outcome + 1]
    return not any(asks_known(branch.condition) for branch in evaluated)


def read_fields(stages: tuple[Stage, ...]) -> frozenset[str]:
    """The record paths a pathway reads: the union of ``Condition.fields``."""
    return frozenset(
        field
        for stage in stages
        for step in stage.steps.values()
        for condition in conditions_of(step)
        for field in condition.fields
    )


# ------------------------------------------------------------ record surgery


def none_leaves(model: BaseModel, prefix: Path_ = ()) -> Iterator[Path_]:
    """The path of every field that is ``None`` (unknown), inside list items too."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = (*prefix, name)
        if value is None:
            yield path
        elif isinstance(value, BaseModel):
            yield from none_leaves(value, path)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from none_leaves(item, (*path, index))


def value_at(node: object, path: Path_) -> object:
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return _MISSING
            node = node[part]
        elif isinstance(node, BaseModel):
            node = getattr(node, part)
        else:
            return _MISSING
    return node


def with_value(node: object, path: Path_, value: object) -> object:
    """``node`` with ``value`` at ``path``, built with ``model_copy(update=...)``."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        assert isinstance(node, list)
        items = list(node)
        items[head] = with_value(items[head], rest, value)
        return items
    assert isinstance(node, BaseModel)
    return node.model_copy(update={head: with_value(getattr(node, head), rest, value)})


def known_leaves(model: BaseModel, prefix: Path_ = ()) -> Iterator[Path_]:
    """The path of every known value: scalars, whole lists, and fields inside list items."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = (*prefix, name)
        if isinstance(value, BaseModel):
            yield from known_leaves(value, path)
        elif value is not None:
            yield path
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, BaseModel):
                        yield from known_leaves(item, (*path, index))


def revalidated(record: object) -> Patient | None:
    """The record validated afresh (``model_copy`` does not validate), or None if invalid."""
    assert isinstance(record, Patient)
    try:
        return Patient.model_validate(record.model_dump(exclude_computed_fields=True))
    except ValidationError:
        return None


def _scenario_patients() -> list[Patient]:
    """The patients of the shipped pathway's scenarios: records that reach every node."""
    found = []
    for path in sorted((ROOT / "pathways" / "spinal_tumor" / "scenarios").glob("*.yaml")):
        tree, _, _ = read_yaml(path)
        data = to_plain(tree)
        if isinstance(data, dict) and isinstance(data.get("patient"), dict):
            record = validate_record(Patient, data["patient"])
            assert isinstance(record, Patient)
            found.append(record)
    return found


SCENARIOS = [record for record in _scenario_patients() if record != Patient()]
NO_ACTION_SCENARIOS = [
    record
    for record in SCENARIOS
    if {rec.id for rec in SHIPPED.evaluate(record).recommendations} & NO_ACTION
]


@st.composite
def forgotten(
    draw: st.DrawFn, pool: tuple[Patient, ...] = tuple(SCENARIOS)
) -> tuple[Patient, Patient]:
    """A patient from ``pool`` with some known values forgotten, and the patient as it was."""
    full = draw(st.sampled_from(pool))
    leaves = list(known_leaves(full))
    chosen = draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=20, unique=True))
    patient = full
    for path in sorted(chosen, key=len, reverse=True):  # items before the lists holding them
        candidate = revalidated(with_value(patient, path, None))
        patient = candidate if candidate is not None else patient
    return patient, full


def partial_patients() -> st.SearchStrategy[Patient]:
    """Generated patients, and scenario patients with some values forgotten."""
    return st.one_of(patients(), forgotten().map(lambda pair: pair[0]))


# ------------------------------------------------------- filling in missing data


def outcomes(
    stages: tuple[Stage, ...], record: BaseModel
) -> list[tuple[Step, object, dict[str, object]]]:
    """Each visit's step, its outcome (None when the data left it open: an ``unknown:``
    target, a stop, or one of the branches the walk followed under uncertainty), and
    the facts as they stood on its path when it was visited."""
    done = walk(stages, record)
    found: list[tuple[Step, object, dict[str, object]]] = []
    for visit in done.visits:
        step = visit.stage.steps[visit.node]
        open_ = visit.unknown_at is not None or visit.assumed
        facts: dict[str, object] = {}
        earlier = visit.previous
        while earlier >= 0:  # back along this visit's own path
            before = done.visits[earlier]
            concluded = before.stage.steps[before.node]
            if isinstance(concluded, Conclude):
                facts.setdefault(concluded.fact, concluded.value)
            earlier = before.previous
        found.append((step, None if open_ else visit.outcome, facts))
    return found


def decide(step: Decide, record: BaseModel, facts: Mapping[str, object]) -> int | None:
    """The branch a decision takes (OTHERWISE when none holds), or None when unknown."""
    for index, branch in enumerate(step.branches):
        holds = branch.condition(record, facts)
        if holds is None:
            return None
        if holds:
            return index
    return OTHERWISE


def settled_prefix(stages: tuple[Stage, ...], record: BaseModel) -> int:
    """How many visits come before the first decision that is not a monotone settled one."""
    for index, (step, outcome, _) in enumerate(outcomes(stages, record)):
        if isinstance(step, Decide) and not monotone_decision(step, outcome):
            return index
    return len(walk(stages, record).visits)


@st.composite
def filled_in(draw: st.DrawFn) -> tuple[Patient, Patient, list[Path_]]:
    """A patient, and the same patient with one to five missing fields filled in."""
    if draw(st.booleans()):
        patient, donor = draw(forgotten())  # fill back in what was forgotten
    else:
        patient, donor = draw(patients()), draw(patients(allow_unknown=False))
    gaps = [path for path in none_leaves(patient) if value_at(donor, path) not in (None, _MISSING)]
    assume(gaps)
    tries = draw(st.lists(st.sampled_from(gaps), min_size=1, max_size=12, unique=True))
    wanted = draw(st.integers(1, 5))
    filled, done = patient, []
    for path in tries:
        candidate = revalidated(with_value(filled, path, value_at(donor, path)))
        if candidate is not None:  # a value the record's consistency rules allow here
            filled, done = candidate, [*done, path]
            if len(done) == wanted:
                break
    assume(done)
    return patient, filled, done


@given(case=filled_in())
def test_filling_in_missing_fields_never_unsettles_a_decision(
    case: tuple[Patient, Patient, list[Path_]],
) -> None:
    patient, filled, _ = case
    for step, outcome, facts in outcomes(SHIPPED.stages, patient):
        if monotone_decision(step, outcome):
            assert isinstance(step, Decide)
            assert decide(step, filled, facts) == outcome, step.id
        elif isinstance(step, Checklist):
            assert isinstance(outcome, tuple)
            for item, fired in zip(step.items, outcome, strict=True):
                if fired is not None and not asks_known(item.condition):
                    assert item.condition(filled, facts) is fired, item.rec.id


@given(case=filled_in())
def test_filling_in_missing_fields_keeps_the_walk_up_to_the_first_unsettled_decision(
    case: tuple[Patient, Patient, list[Path_]],
) -> None:
    patient, filled, _ = case
    before, after = SHIPPED.evaluate(patient), SHIPPED.evaluate(filled)
    settled = settled_prefix(SHIPPED.stages, patient)
    event("the walk met an unsettled decision" if settled < len(before.trace) else "all settled")
    assert len(after.trace) >= settled
    fired_before: list[str] = []
    for old, new in zip(before.trace[:settled], after.trace[:settled], strict=True):
        assert (new.stage, new.node, new.kind) == (old.stage, old.node, old.kind)
        if old.kind == "checklist":  # items that were settled stay so; unknown ones may fire
            for old_check, new_check in zip(old.checks, new.checks, strict=True):
                if old_check.result != "unknown" and "known(" not in old_check.condition:
                    assert new_check.result == old_check.result
        else:
            assert new.outcome == old.outcome
            assert [c.result for c in new.checks] == [c.result for c in old.checks]
        if old.kind == "recommend":
            fired_before += [r.id for r in before.recommendations if r.node == old.node]
    if settled < len(before.trace):
        stop = before.trace[settled]
        assert (after.trace[settled].stage, after.trace[settled].node) == (stop.stage, stop.node)
    assert set(fired_before) <= {r.id for r in after.recommendations}
    # Facts concluded before the first unsettled decision keep their values.
    concluded = {
        name: fact.value
        for name, fact in before.facts.items()
        if any((s.stage, s.node) == (fact.stage, fact.node) for s in before.trace[:settled])
    }
    assert {name: after.facts[name].value for name in concluded} == concluded


def test_an_unknown_fallback_is_rightly_not_monotone() -> None:
    # Cancer history unknown: the history stage takes its `unknown:` target, asks
    # for the history and completes. Told "no cancer", it goes on to the red flags,
    # which need data the record lacks, and follows each way they leave open. That
    # is what fallbacks are for, and why monotonicity is stated per settled
    # decision, not per outcome.
    unknown = SHIPPED.evaluate(Patient())
    known = SHIPPED.evaluate(Patient.model_validate({"history": {"cancers": []}}))
    assert "take-cancer-history" in {r.id for r in unknown.recommendations}
    assert "take-cancer-history" not in {r.id for r in known.recommendations}
    assert unknown.trace[0].outcome == "unknown"
    assert known.trace[0].outcome == "otherwise"
    red_flags = {s.outcome for s in known.trace if s.node == "red_flags"}
    assert red_flags == {"branch 1", "branch 2", "otherwise"}
    assert all(s.node != "red_flags" for s in unknown.trace)


def test_known_is_rightly_not_monotone() -> None:
    schema, no_facts = SHIPPED.schema, {}
    condition, problems = compile_condition("not known(labs.inr)", schema, no_facts)
    assert condition is not None, problems
    assert asks_known(condition)
    unknown = Patient()
    measured = Patient.model_validate({"labs": {"inr": {"value": 1.1}}})
    assert (condition(unknown, {}), condition(measured, {})) == (True, False)


# -------------------------------------------------- fields the pathway never reads


def _member(model: type[BaseModel], name: str) -> object:
    for cls in model.__mro__:
        if name in vars(cls):
            member = vars(cls)[name]
            return member.fget if isinstance(member, property) else member
    return None


@functools.cache
def depends_on(
    model: type[BaseModel], name: str, seen: frozenset[str] = frozenset()
) -> frozenset[str]:
    """The stored fields of ``model`` that field, computed field or helper ``name`` reads.

    Read from the source: every ``self.x`` is followed, and ``self`` used any
    other way (passed to a function) counts as reading every field.
    """
    if name in model.model_fields:
        return frozenset({name})
    everything = frozenset(model.model_fields)
    function = _member(model, name)
    if name in seen or not inspect.isfunction(function):
        return frozenset() if name in seen else everything
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    bases = {
        id(node.value): node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }
    parameters = {id(arg) for arg in ast.walk(tree) if isinstance(arg, ast.arg)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "self" and id(node) not in parameters:
            if id(node) not in bases:
                return everything
            found |= depends_on(model, bases[id(node)], seen | {name})
    return frozenset(found)


def _stored_field_paths() -> list[str]:
    """Each stored field of the record, one level into each section: ``labs.crp``."""
    paths = []
    for name, info in Patient.model_fields.items():
        section = info.annotation
        if isinstance(section, type) and issubclass(section, BaseModel):
            paths += [f"{name}.{field}" for field in section.model_fields]
        else:
            paths.append(name)
    return paths


def unread_fields(read: frozenset[str]) -> list[str]:
    """Stored fields that neither the pathway nor any computed field it reads can see."""
    seen: set[str] = set()
    for path in read:
        parts = [part.removesuffix("[]") for part in path.split(".")]
        if len(parts) == 1:
            seen |= depends_on(Patient, parts[0])
            continue
        section = Patient.model_fields[parts[0]].annotation
        assert isinstance(section, type)
        seen |= {f"{parts[0]}.{field}" for field in depends_on(section, parts[1])}
    return [p for p in _stored_field_paths() if p not in seen and p.split(".")[0] not in seen]


UNREAD = unread_fields(read_fields(SHIPPED.stages))


def test_the_unread_fields_are_worked_out_soundly() -> None:
    assert depends_on(Patient, "age") == {"age_years", "date_of_birth", "assessed_on"}
    assert "history.cancers" not in UNREAD  # read through history.cancer_history
    assert "labs.neutrophils" not in UNREAD  # read through labs.nlr
    assert "patient_id" in UNREAD
    assert len(UNREAD) >= 10, UNREAD


@given(patient=partial_patients(), donor=patients(), data=st.data())
def test_fields_the_pathway_never_reads_do_not_change_its_result(
    patient: Patient, donor: Patient, data: st.DataObject
) -> None:
    order = data.draw(st.permutations(UNREAD))
    changed, count = patient, 0
    for dotted in order[: data.draw(st.integers(1, 8))]:
        path = tuple(dotted.split("."))
        candidate = revalidated(with_value(changed, path, value_at(donor, path)))
        if candidate is not None:
            changed, count = candidate, count + 1
    assume(count)
    before = SHIPPED.evaluate(patient).model_dump_json()
    assert SHIPPED.evaluate(changed).model_dump_json() == before


# ------------------------------------------------------------ totality, purity


def test_every_field_missing_is_total_and_says_what_it_needs() -> None:
    for given_record in (Patient(), {}, {"history": {}, "exam": {}, "labs": {}}):
        result = SHIPPED.evaluate(given_record)
        assert result.needs, "an all-unknown record must say what data is needed"
        assert {"history.cancers"} <= {need.field for need in result.needs}
        assert all(need.question and need.stage and need.node for need in result.needs)
        for stage in result.stages:
            if stage.status == "stopped":
                assert any(need.stage == stage.id for need in result.needs), stage.id
        Evaluation.model_validate_json(result.model_dump_json())


def test_an_all_unknown_record_never_gets_no_action() -> None:
    assert NO_ACTION_SCENARIOS, "some scenario must reach a no-action outcome to test against"
    result = SHIPPED.evaluate(Patient())
    definite = {r.id for r in result.recommendations if r.certainty == "definite"}
    assert "conservative-care-no-imaging" not in definite
    assert not definite & NO_ACTION
    # No action is only ever one possibility among others, on the data asked for.
    rest = result.recommendation("conservative-care-no-imaging")
    assert rest is not None
    assert rest.certainty == "conditional"


def _unsettled_reasons(reasons: list[Reason]) -> list[Reason]:
    return [
        reason
        for reason in reasons
        if reason.kind == "decision"
        and (reason.taken in UNSETTLED or any(check.result == "unknown" for check in reason.checks))
    ]


@given(
    patient=st.one_of(
        partial_patients(), forgotten(tuple(NO_ACTION_SCENARIOS)).map(lambda pair: pair[0])
    )
)
def test_definite_no_action_is_reached_only_through_settled_decisions(patient: Patient) -> None:
    result = SHIPPED.evaluate(patient)
    for rec in result.recommendations:
        if rec.id not in NO_ACTION or rec.certainty == "conditional":
            continue  # a conditional one says on which missing data it rests
        event(f"reached {rec.id}")
        assert not _unsettled_reasons(rec.reasons), rec.id
        for fact in rec.facts:  # and every conclusion it rests on, across stages
            assert not _unsettled_reasons(fact.reasons), (rec.id, fact.name)


@given(patient=patients())
def test_evaluation_never_mutates_the_record(patient: Patient) -> None:
    before = patient.model_dump_json()
    lists = {
        path: id(value)
        for path in (("history", "cancers"), ("imaging", "studies"), ("biopsy", "biopsies"))
        if isinstance(value := value_at(patient, path), list)
    }
    SHIPPED.evaluate(patient)
    SHIPPED.recommend(patient)
    assert patient.model_dump_json() == before
    assert {path: id(value_at(patient, path)) for path in lists} == lists


@given(data=patient_inputs())
def test_evaluating_plain_data_never_mutates_it(data: dict[str, object]) -> None:
    kept = copy.deepcopy(data)
    SHIPPED.evaluate(data)
    assert data == kept
