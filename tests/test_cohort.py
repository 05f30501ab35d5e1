"""Cohorts: ``evaluate_many`` in this process and in workers, pickling, and Dask."""

from __future__ import annotations

import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import spinedx
from spinedx import PatientError, evaluate_many, load_pathway
from spinedx._diagnostics.errors import PathwayChangedError
from tests.records import Cancer, Exam, History, Labs, MiniRecord
from tests.strategies import patients

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "cases" / "valid" / "mini"
SHIPPED = ROOT / "pathways" / "spinal_tumor"
EXAMPLES = sorted((ROOT / "examples" / "patients").glob("*.yaml"))


@pytest.fixture(scope="module")
def mini():  # type: ignore[no-untyped-def]
    return load_pathway(MINI)


@pytest.fixture(scope="module")
def shipped():  # type: ignore[no-untyped-def]
    return load_pathway(SHIPPED)


def _records() -> list[MiniRecord]:
    """A small cohort covering known, unknown and partly known records."""
    found = []
    for age in (None, 30, 55, 80):
        for cancers in (None, [], [Cancer(site="breast")]):
            for strength in (None, 3, 5):
                for calcium in (None, True, False):
                    found.append(
                        MiniRecord(
                            history=History(age=age, cancers=cancers, night_pain=age == 80),
                            exam=Exam(leg_strength=strength),
                            labs=Labs(calcium_high=calcium),
                        )
                    )
    return found


def _ids(pathway, record) -> list[str]:  # type: ignore[no-untyped-def]
    return [rec.id for rec in pathway.evaluate(record).recommendations]


def test_in_process_equals_evaluate_for_models_data_and_json(mini) -> None:  # type: ignore[no-untyped-def]
    records = _records()
    expected = [_ids(mini, record) for record in records]
    assert list(evaluate_many(mini, records)) == expected
    as_data = [record.model_dump(mode="json", exclude_computed_fields=True) for record in records]
    assert list(evaluate_many(mini, as_data)) == expected
    as_json = [record.model_dump_json(exclude_computed_fields=True) for record in records]
    assert list(evaluate_many(mini, as_json)) == expected
    assert list(evaluate_many(mini, (line.encode() for line in as_json))) == expected


def test_needs_are_the_fields_evaluate_lists(mini) -> None:  # type: ignore[no-untyped-def]
    records = _records()
    rows = list(evaluate_many(mini, records, needs=True))
    for record, (ids, needs) in zip(records, rows, strict=True):
        result = mini.evaluate(record)
        assert ids == [rec.id for rec in result.recommendations]
        assert needs == [need.field for need in result.needs]
    assert any(needs for _, needs in rows)


@pytest.mark.parametrize("chunk_size", [1, 7, 1000])
def test_workers_keep_input_order_over_any_chunking(mini, chunk_size: int) -> None:  # type: ignore[no-untyped-def]
    records = [record.model_dump_json(exclude_computed_fields=True) for record in _records()]
    expected = list(evaluate_many(mini, records))
    assert list(evaluate_many(mini, records, workers=2, chunk_size=chunk_size)) == expected


def test_spawned_workers_reload_the_pathway_from_its_files(mini) -> None:  # type: ignore[no-untyped-def]
    records = _records()[:20]
    rows = list(evaluate_many(mini, records, workers=1, chunk_size=6, start_method="spawn"))
    assert rows == [_ids(mini, record) for record in records]


def test_records_stream_in_and_results_stream_out(mini) -> None:  # type: ignore[no-untyped-def]
    taken = 0

    def cohort() -> Iterator[MiniRecord]:
        nonlocal taken
        for _ in range(10_000):
            taken += 1
            yield MiniRecord(history=History(age=60, cancers=[]))

    rows = evaluate_many(mini, cohort())
    next(rows)
    assert taken == 1
    rows = evaluate_many(mini, cohort(), workers=2, chunk_size=10)
    taken = 0
    next(rows)
    assert taken <= 2 * 2 * 10 + 10  # the chunks in flight, and no more
    rows.close()


def test_a_bad_record_raises_patient_error_in_and_out_of_process(mini) -> None:  # type: ignore[no-untyped-def]
    bad = ['{"history": {"age": "old"}}']
    with pytest.raises(PatientError):
        list(evaluate_many(mini, ["{not json"]))
    with pytest.raises(PatientError):
        list(evaluate_many(mini, bad))
    with pytest.raises(PatientError):
        list(evaluate_many(mini, bad, workers=1))


def test_arguments_are_checked(mini) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="chunk_size"):
        evaluate_many(mini, [], chunk_size=0)
    with pytest.raises(ValueError, match="workers"):
        evaluate_many(mini, [], workers=0)
    assert list(evaluate_many(mini, [], workers=2)) == []


# ----------------------------------------------------------------- pickling


def test_pathway_pickles_as_its_files_and_digest(mini) -> None:  # type: ignore[no-untyped-def]
    copy = pickle.loads(pickle.dumps(mini))
    assert copy is not mini
    assert (copy.id, copy.digest, copy.record_name) == (mini.id, mini.digest, mini.record_name)
    record = MiniRecord(history=History(age=58, cancers=[Cancer()]), exam=Exam(leg_strength=3))
    assert copy.recommend(record) == mini.recommend(record)
    assert len(pickle.dumps(mini)) < 2000  # the reference, not the compiled pathway


def test_unpickling_after_the_files_changed_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder, ignore=shutil.ignore_patterns("scenarios"))
    pathway = load_pathway(folder)
    shipped = pickle.dumps(pathway)
    stage = folder / "imaging.yaml"
    stage.write_text(stage.read_text().replace("within 1 week", "within 2 weeks"))
    with pytest.raises(PathwayChangedError, match="has changed since it was loaded") as error:
        pickle.loads(shipped)
    assert isinstance(error.value, spinedx.SpinedxError)
    with pytest.raises(PathwayChangedError):
        list(evaluate_many(pathway, [MiniRecord()], workers=1))


# ---------------------------------------------------------- the fast path


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_recommend_equals_evaluate_on_the_shipped_pathway(patient) -> None:  # type: ignore[no-untyped-def]
    pathway = load_pathway(SHIPPED)
    assert pathway.recommend(patient) == _ids(pathway, patient)


def test_recommend_equals_evaluate_on_the_examples(shipped) -> None:  # type: ignore[no-untyped-def]
    for path in EXAMPLES:
        patient = spinedx.load_patient(path)
        assert shipped.recommend(patient) == _ids(shipped, patient)


def test_deep_chains_and_joins_compile(tmp_path: Path) -> None:
    """More nested decisions than the generated code nests, and a join reached twice."""
    chain = 150
    nodes = []
    for i in range(chain):
        after = f"d{i + 1}" if i + 1 < chain else "last"
        nodes.append(
            f"  d{i}:\n    decide: Q{i}?\n    branches:\n"
            f"      - when: history.age == {i}\n        then: hit\n"
            f"    otherwise: {after}\n"
        )
    nodes.append(
        "  hit:\n    recommend: hit\n    action: A.\n    urgency: routine\n"
        "    because: B.\n    sources: [s]\n    then: last\n"
        "  last:\n    checklist: Items\n    items:\n"
        "      - when: labs.calcium_high\n        recommend: calcium\n        action: C.\n"
        "        urgency: routine\n        because: D.\n        sources: [s]\n    then: end\n"
    )
    (tmp_path / "pathway.yaml").write_text(
        "id: deep\nversion: 1.0.0\ntitle: Deep\nrecord: tests.mini\nstages: [history]\n"
        "sources:\n  s: {title: S}\n"
    )
    (tmp_path / "history.yaml").write_text("stage: history\nstart: d0\nnodes:\n" + "".join(nodes))
    pathway = load_pathway(tmp_path)
    for age in (None, 0, 75, 149, 150):
        for calcium in (None, True, False):
            record = MiniRecord(history=History(age=age), labs=Labs(calcium_high=calcium))
            assert pathway.recommend(record) == _ids(pathway, record)
    both = MiniRecord(history=History(age=149), labs=Labs(calcium_high=True))
    assert pathway.recommend(both) == ["hit", "calcium"]


# --------------------------------------------------------------------- dask


def test_dask_bag_on_two_local_worker_processes_equals_one_process(mini) -> None:  # type: ignore[no-untyped-def]
    bag = pytest.importorskip("dask.bag", reason="dask is not installed (pip install .[dask])")
    distributed = pytest.importorskip("dask.distributed", reason="dask.distributed is missing")
    from spinedx.contrib.dask import evaluate_bag  # noqa: PLC0415

    records = [record.model_dump_json(exclude_computed_fields=True) for record in _records()]
    expected = list(evaluate_many(mini, records))
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        rows = evaluate_bag(mini, bag.from_sequence(records, npartitions=4)).compute()
        with_needs = evaluate_bag(mini, bag.from_sequence(records, npartitions=3), needs=True)
        assert [ids for ids, _ in with_needs.compute()] == expected
    assert rows == expected
