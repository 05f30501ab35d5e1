"""Differential tests: the generated code is an accelerator of the one interpreter.

Three ways give a record's recommendation ids: the generated code
(``Pathway._answer``, which says whether it answered or met an unknown and
left the record to the interpreter), the interpreter without a log
(``interpret``), and ``Pathway.evaluate`` (the interpreter with a log, then the
explanation). They must agree on every record (on the *definite* ids; with
``conditional=True`` the interpreter and ``recommend`` give every id
``evaluate`` lists); and, so that the agreement is
not won by the accelerator always giving up, it must answer most complete
records itself. Below them, every condition of the pathway must give the same
result through its closures (what the walk calls) and through the tracer
(what the explanation reports), both built on ``_conditions/semantics.py``.
Records with unknowns are drawn too: they exercise the fallback. Each property
runs hypothesis inside a plain test so that it can count, over all the records
drawn, which path answered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import spinedx
from spinedx import Pathway, load_pathway
from spinedx._conditions.condition import Condition
from spinedx._conditions.functions import SPECS
from spinedx._conditions.tree import FUNCTIONS
from spinedx._evaluation.interpreter import interpret
from spinedx._evaluation.program import Walk
from spinedx.scenarios import load_scenarios
from tests.paths import MINI, ROOT
from tests.records import Cancer, Exam, History, Imaging, Labs, MiniRecord, Reflexes
from tests.strategies import patients

SHIPPED = ROOT / "pathways" / "spinal_tumor"
EXAMPLES = sorted((ROOT / "examples" / "patients").glob("*.yaml"))

DRAWN = 200
"""Records drawn per property."""

_DRAW = settings(
    max_examples=DRAWN,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def shipped() -> Pathway:
    return load_pathway(SHIPPED)


@pytest.fixture(scope="module")
def mini() -> Pathway:
    return load_pathway(MINI)


def agree(pathway: Pathway, record: BaseModel) -> bool:
    """Assert that the three ways agree on ``record``; whether the accelerator answered."""
    fast, accelerated = pathway._answer(record)
    log = Walk()
    logged = interpret(pathway._program, record, log)
    interpreted = interpret(pathway._program, record)
    recommendations = pathway.evaluate(record).recommendations
    definite = [rec.id for rec in recommendations if rec.certainty == "definite"]
    assert fast == interpreted == logged == definite
    assert pathway.recommend(record) == fast
    everywhere = interpret(pathway._program, record, conditional=True)
    explained = [rec.id for rec in recommendations]
    assert pathway.recommend(record, conditional=True) == everywhere == explained
    if accelerated:  # the generated code answers only records with nothing left open
        assert explained == definite
    for condition in conditions(pathway):  # with the facts the walk concluded
        assert condition(record, log.facts) == condition.trace(record, log.facts)[0], condition
    return accelerated


def conditions(pathway: Pathway) -> list[Condition]:
    return [
        guard.condition
        for stage in pathway.stages
        for step in stage.steps.values()
        for guard in step.guards()
    ]


def tally(pathway: Pathway, records: st.SearchStrategy[Any]) -> Counter[bool]:
    """Which path answered, over ``DRAWN`` records drawn, each checked by ``agree``."""
    answered: Counter[bool] = Counter()

    @_DRAW
    @given(records)
    def check(record: BaseModel) -> None:
        answered[agree(pathway, record)] += 1

    check()
    return answered


@st.composite
def mini_records(draw: st.DrawFn, *, allow_unknown: bool = True) -> MiniRecord:
    """Records for the mini pathway; every field known unless ``allow_unknown``."""

    def value(strategy: st.SearchStrategy[Any]) -> Any:
        return draw(st.none() | strategy if allow_unknown else strategy)

    cancers = st.builds(
        Cancer,
        site=st.sampled_from(["breast", "lung", "prostate"]),
        active=st.booleans(),
    )
    return MiniRecord(
        history=History(
            age=value(st.integers(0, 110)),
            night_pain=value(st.booleans()),
            weight_loss=value(st.booleans()),
            cancers=value(st.lists(cancers, max_size=3)),
        ),
        exam=Exam(leg_strength=value(st.integers(0, 5)), reflexes=value(st.sampled_from(Reflexes))),
        imaging=Imaging(cord_compression=value(st.booleans())),
        labs=Labs(calcium_high=value(st.booleans())),
    )


Draws = Callable[..., st.SearchStrategy[Any]]
CASES: list[tuple[str, Draws]] = [("shipped", patients), ("mini", mini_records)]


@pytest.mark.parametrize(("name", "draws"), CASES, ids=[name for name, _ in CASES])
def test_complete_records_agree_and_the_accelerator_answers_most(
    name: str, draws: Draws, request: pytest.FixtureRequest
) -> None:
    pathway: Pathway = request.getfixturevalue(name)
    answered = tally(pathway, draws(allow_unknown=False))
    assert answered.total() == DRAWN
    assert answered[True] > DRAWN // 2, answered  # the fast path ran, not just the fallback


@pytest.mark.parametrize(("name", "draws"), CASES, ids=[name for name, _ in CASES])
def test_records_with_unknowns_agree_through_the_fallback(
    name: str, draws: Draws, request: pytest.FixtureRequest
) -> None:
    pathway: Pathway = request.getfixturevalue(name)
    answered = tally(pathway, draws(allow_unknown=True))
    assert answered[False] > 0, answered  # the interpreter settled the unknowns


def test_examples_and_scenarios_agree(shipped: Pathway) -> None:
    records = [spinedx.load_patient(path) for path in EXAMPLES]
    records += [scenario.patient for scenario in load_scenarios(shipped)]
    answered = Counter(agree(shipped, record) for record in records)
    assert answered[True], answered  # both paths are exercised
    assert answered[False], answered


def test_every_function_is_one_spec() -> None:
    assert sorted(SPECS) == sorted(FUNCTIONS)
    documented = (ROOT / "docs" / "pathway-format.md").read_text(encoding="utf-8")
    for spec in SPECS.values():
        assert f"`{spec.usage}`" in documented, spec.name
        assert spec.hint.startswith("write "), spec.name
        assert (spec.arity is None) == (spec.value is None) == (spec.type_rule is None)
