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
from spinedx._pathway import CohortRecord
from spinedx.results import RecordProblem
from tests.paths import MINI, ROOT
from tests.records import Cancer, Exam, History, Labs, MiniRecord
from tests.strategies import patients

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
    """The definite recommendations: what ``recommend`` and ``evaluate_many`` give."""
    result = pathway.evaluate(record)
    return [rec.id for rec in result.recommendations if rec.certainty == "definite"]


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
        assert ids == [rec.id for rec in result.recommendations if rec.certainty == "definite"]
        assert needs == [need.field for need in result.needs]
    assert any(needs for _, needs in rows)


@pytest.mark.parametrize("chunk_size", [1, 7, 1000])
def test_workers_keep_input_order_over_any_chunking(mini, chunk_size: int) -> None:  # type: ignore[no-untyped-def]
    records = [record.model_dump_json(exclude_computed_fields=True) for record in _records()]
    expected = list(evaluate_many(mini, records))
    assert list(evaluate_many(mini, records, workers=2, chunk_size=chunk_size)) == expected


def test_spawned_workers_build_the_pathway_from_its_pickle(mini) -> None:  # type: ignore[no-untyped-def]
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


def _one_bad_among_many() -> tuple[list[CohortRecord], int]:
    records: list[CohortRecord] = [
        record.model_dump_json(exclude_computed_fields=True) for record in _records()
    ]
    bad = 17
    records[bad] = {"record_id": "r-17", "history": {"age": "old"}}
    return records, bad


@pytest.mark.parametrize("workers", [None, 2])
def test_collect_reports_a_bad_record_in_its_place_and_goes_on(mini, workers: int | None) -> None:  # type: ignore[no-untyped-def]
    records, bad = _one_bad_among_many()
    rows = list(evaluate_many(mini, records, workers=workers, chunk_size=7, errors="collect"))
    assert len(rows) == len(records)
    problem = rows[bad]
    assert isinstance(problem, RecordProblem)
    assert (problem.index, problem.id) == (bad, "r-17")
    found = {(d.code, d.path) for d in problem.diagnostics}
    assert found == {("SPX501", ("record_id",)), ("SPX501", ("history", "age"))}
    assert all(d.span.line >= 1 for d in problem.diagnostics)
    good = [row for i, row in enumerate(rows) if i != bad]
    assert good == [_ids(mini, records[i]) for i in range(len(records)) if i != bad]
    with pytest.raises(PatientError):
        list(evaluate_many(mini, records, workers=workers, chunk_size=7))  # errors="raise"


def test_collect_gives_needs_rows_and_problems_without_an_id(mini) -> None:  # type: ignore[no-untyped-def]
    records: list[CohortRecord] = [MiniRecord(), "{not json", '{"labs": {"calcium_high": "yes"}}']
    first, *problems = evaluate_many(mini, records, needs=True, errors="collect")
    assert first == (
        _ids(mini, MiniRecord()),
        [need.field for need in mini.evaluate(MiniRecord()).needs],
    )
    assert all(isinstance(problem, RecordProblem) for problem in problems)
    assert [(p.index, p.id, p.diagnostics[0].code) for p in problems] == [
        (1, None, "SPX503"),
        (2, None, "SPX501"),
    ]


def test_arguments_are_checked(mini) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="chunk_size"):
        evaluate_many(mini, [], chunk_size=0)
    with pytest.raises(ValueError, match="errors"):
        evaluate_many(mini, [], errors="skip")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="workers"):
        evaluate_many(mini, [], workers=0)
    assert list(evaluate_many(mini, [], workers=2)) == []


# ----------------------------------------------------------------- pickling


def test_pathway_pickles_as_its_texts_and_digest(mini) -> None:  # type: ignore[no-untyped-def]
    copy = pickle.loads(pickle.dumps(mini))
    assert copy is not mini
    assert (copy.id, copy.digest, copy.record_name) == (mini.id, mini.digest, mini.record_name)
    assert (copy.source, dict(copy.texts), copy.warnings) == (
        mini.source,
        dict(mini.texts),
        mini.warnings,
    )
    record = MiniRecord(history=History(age=58, cancers=[Cancer()]), exam=Exam(leg_strength=3))
    assert copy.recommend(record) == mini.recommend(record)


def test_the_shipped_pathway_pickles_as_its_texts_not_its_compiled_form(shipped) -> None:  # type: ignore[no-untyped-def]
    size = len(pickle.dumps(shipped))
    texts = sum(len(text.encode()) for text in shipped.texts.values())
    assert next(Path(name).name for name in shipped.texts) == "pathway.yaml"
    assert texts <= size <= texts + 4000  # about 52 kB today: the texts and a little framing


def test_a_pickle_loads_after_its_files_changed_or_went(tmp_path: Path) -> None:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder, ignore=shutil.ignore_patterns("scenarios"))
    pathway = load_pathway(folder)
    shipped = pickle.dumps(pathway)
    stage = folder / "imaging.yaml"
    stage.write_text(stage.read_text().replace("within 1 week", "within 2 weeks"))
    assert pickle.loads(shipped).digest == pathway.digest
    shutil.rmtree(folder)
    copy = pickle.loads(shipped)
    assert copy.digest == pathway.digest
    record = MiniRecord(history=History(age=70, cancers=[Cancer()]), exam=Exam(leg_strength=3))
    assert _ids(copy, record) == _ids(pathway, record)


def test_a_pickle_whose_texts_do_not_match_its_digest_is_refused(mini) -> None:  # type: ignore[no-untyped-def]
    shipped = pickle.dumps(mini)
    assert shipped.count(b"within 1 week") == 1
    tampered = shipped.replace(b"within 1 week", b"within 3 week")  # the same length
    with pytest.raises(PathwayChangedError, match="does not match its digest") as error:
        pickle.loads(tampered)
    assert isinstance(error.value, spinedx.SpinedxError)


def test_a_spawned_worker_in_another_folder_builds_the_pathway_from_its_pickle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(SHIPPED, folder, ignore=shutil.ignore_patterns("scenarios", "acceptance"))
    pathway = load_pathway(folder)
    shutil.rmtree(folder)  # nothing left to read: the pickle must carry the texts
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    patients = [spinedx.load_patient(path) for path in EXAMPLES]
    rows = list(evaluate_many(pathway, patients, workers=1, start_method="spawn"))
    assert rows == [_ids(pathway, patient) for patient in patients]


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
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster),
    ):
        rows = evaluate_bag(mini, bag.from_sequence(records, npartitions=4)).compute()
        with_needs = evaluate_bag(mini, bag.from_sequence(records, npartitions=3), needs=True)
        assert [ids for ids, _ in with_needs.compute()] == expected
    assert rows == expected
