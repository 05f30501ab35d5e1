"""Cohorts: one pathway over a stream of records, in this process or in several.

Records stream in and results stream out, one per record and in input order;
at most a few chunks are in flight at once, so memory does not grow with the
size of the cohort. With worker processes, the pathway travels to each one by
pickling (``Pathway.__reduce__`` reloads it there from its files and checks
the digest), and records travel in chunks. Plain data (a mapping) and JSON
text are validated in the workers, which is where the work should be: a JSON
line is far cheaper to send than a pydantic object.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, Literal, TypeAlias, overload

from pydantic import BaseModel

from spinedx._pathway.pathway import Pathway

CohortRecord: TypeAlias = BaseModel | Mapping[str, object] | str | bytes
"""A record model instance, plain data, or the record as JSON text."""

Row: TypeAlias = tuple[list[str], list[str]]
"""With ``needs=True``: the recommendation ids and the fields still needed."""

_IN_FLIGHT_PER_WORKER = 2


@overload
def evaluate_many(
    pathway: Pathway,
    records: Iterable[CohortRecord],
    *,
    workers: int | None = None,
    chunk_size: int = 1000,
    needs: Literal[False] = False,
    start_method: str | None = None,
) -> Iterator[list[str]]: ...


@overload
def evaluate_many(
    pathway: Pathway,
    records: Iterable[CohortRecord],
    *,
    workers: int | None = None,
    chunk_size: int = 1000,
    needs: Literal[True],
    start_method: str | None = None,
) -> Iterator[Row]: ...


def evaluate_many(
    pathway: Pathway,
    records: Iterable[CohortRecord],
    *,
    workers: int | None = None,
    chunk_size: int = 1000,
    needs: bool = False,
    start_method: str | None = None,
) -> Iterator[list[str]] | Iterator[Row]:
    """The recommendation ids of each record, in input order, streamed.

    Args:
        pathway: the loaded pathway.
        records: any iterable, read lazily: record model instances, plain data
            or JSON text, each validated by :meth:`Pathway.validate`, the
            one way a record comes in.
        workers: how many worker processes; ``None`` evaluates in this process.
        chunk_size: records sent to a worker at a time.
        needs: also give, per record, the fields whose absence stopped a
            decision (``Evaluation.needs``); those records are explained in full.
        start_method: the ``multiprocessing`` start method; the platform's
            default when ``None``.

    Raises:
        PatientError: at the first record that does not fit the record model.
        PathwayChangedError: in a worker, when the pathway's files have changed
            since it was loaded.

    Example:
        >>> import spinedx
        >>> pathway = spinedx.load_pathway("pathways/spinal_tumor")
        >>> patient = spinedx.load_patient("examples/patients/no-red-flags.yaml")
        >>> text = patient.model_dump_json(exclude_computed_fields=True)
        >>> rows = spinedx.evaluate_many(pathway, [patient, text])
        >>> [ids == pathway.recommend(patient) for ids in rows]
        [True, True]
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
    if workers is None:
        return _here(pathway, iter(records), needs=needs)
    if workers < 1:
        raise ValueError(f"workers must be at least 1 (or None for this process), not {workers}")
    return _pool(
        pathway, iter(records), workers, chunk_size=chunk_size, needs=needs, method=start_method
    )


def _here(pathway: Pathway, records: Iterator[CohortRecord], *, needs: bool) -> Iterator[Any]:
    for record in records:
        yield _one(pathway, record, needs)


def _pool(
    pathway: Pathway,
    records: Iterator[CohortRecord],
    workers: int,
    *,
    chunk_size: int,
    needs: bool,
    method: str | None,
) -> Iterator[Any]:
    shipped = pickle.dumps(pathway)
    context = multiprocessing.get_context(method)
    pending: deque[Future[list[object]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        try:
            while True:
                while len(pending) < workers * _IN_FLIGHT_PER_WORKER:
                    chunk = list(islice(records, chunk_size))
                    if not chunk:
                        break
                    pending.append(pool.submit(evaluate_chunk, shipped, chunk, needs))
                if not pending:
                    return
                yield from pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _one(pathway: Pathway, record: CohortRecord, needs: bool) -> object:
    patient = pathway.validate(record)
    if not needs:
        return pathway.recommend(patient)
    ids = pathway._known_ids(patient)
    if ids is not None:
        return ids, []  # every value read was known: nothing stopped a decision
    result = pathway.evaluate(patient)
    return [rec.id for rec in result.recommendations], [need.field for need in result.needs]


# -------------------------------------------------------------- in a worker

_loaded: dict[bytes, Pathway] = {}
"""The pathways this worker process has unpickled, by their pickle."""


def evaluate_chunk(shipped: bytes, chunk: list[CohortRecord], needs: bool) -> list[object]:
    """Evaluate a chunk in a worker process; ``shipped`` is the pickled pathway."""
    pathway = _loaded.get(shipped)
    if pathway is None:
        pathway = _loaded[shipped] = pickle.loads(shipped)  # noqa: S301  (our own pickle)
    return [_one(pathway, record, needs) for record in chunk]
