"""Cohorts: one pathway over a stream of records, in this process or in several.

Records stream in and results stream out, one per record and in input order;
at most a few chunks are in flight at once, so memory does not grow with the
size of the cohort. With worker processes, the pathway travels to each one by
pickling (by content: the texts of its files, rebuilt there and checked
against the digest; see ``load``), and records travel in chunks. Plain data (a
mapping) and JSON text are validated in the workers, which is where the work
should be: a JSON line is far cheaper to send than a pydantic object.

With ``errors="collect"`` a record that does not fit the record model gives a
:class:`RecordProblem` in its place, and the cohort goes on.
"""

from __future__ import annotations

import json
import multiprocessing
import pickle
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, Literal, TypeAlias, overload

from pydantic import BaseModel, ConfigDict

from spinedx._diagnostics import Diagnostic, PatientError
from spinedx._pathway.pathway import Pathway

CohortRecord: TypeAlias = BaseModel | Mapping[str, object] | str | bytes
"""A record model instance, plain data, or the record as JSON text."""

Row: TypeAlias = tuple[list[str], list[str]]
"""With ``needs=True``: the recommendation ids and the fields still needed."""

_IN_FLIGHT_PER_WORKER = 2


class RecordProblem(BaseModel):
    """A record that does not fit the record model, in its place among the results.

    ``evaluate_many(..., errors="collect")`` gives one for each such record
    and goes on with the next.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int
    """The record's position in the input, from 0."""
    id: str | None = None
    """The record's id, when it has one: its first top-level field named ``id``
    or ending in ``_id`` (``patient_id`` in the built-in record) that holds text
    or a whole number."""
    diagnostics: tuple[Diagnostic, ...]
    """Every problem with the record, located as :class:`spinedx.PatientError` locates them."""


@overload
def evaluate_many(
    pathway: Pathway,
    records: Iterable[CohortRecord],
    *,
    workers: int | None = None,
    chunk_size: int = 1000,
    needs: Literal[False] = False,
    errors: Literal["raise"] = "raise",
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
    errors: Literal["raise"] = "raise",
    start_method: str | None = None,
) -> Iterator[Row]: ...


@overload
def evaluate_many(
    pathway: Pathway,
    records: Iterable[CohortRecord],
    *,
    workers: int | None = None,
    chunk_size: int = 1000,
    needs: Literal[False] = False,
    errors: Literal["collect"],
    start_method: str | None = None,
) -> Iterator[list[str] | RecordProblem]: ...


@overload
def evaluate_many(
    pathway: Pathway,
    records: Iterable[CohortRecord],
    *,
    workers: int | None = None,
    chunk_size: int = 1000,
    needs: Literal[True],
    errors: Literal["collect"],
    start_method: str | None = None,
) -> Iterator[Row | RecordProblem]: ...


def evaluate_many(
    pathway: Pathway,
    records: Iterable[CohortRecord],
    *,
    workers: int | None = None,
    chunk_size: int = 1000,
    needs: bool = False,
    errors: Literal["raise", "collect"] = "raise",
    start_method: str | None = None,
) -> Iterator[Any]:
    """The recommendation ids of each record, in input order, streamed.

    Args:
        pathway: the loaded pathway.
        records: any iterable, read lazily: record model instances, plain data
            or JSON text, each validated by :meth:`Pathway.validate_patient`, the
            one way a record comes in.
        workers: how many worker processes; ``None`` evaluates in this process.
        chunk_size: records sent to a worker at a time.
        needs: also give, per record, the input fields whose absence left a
            decision open (``Evaluation.needs``); those records are explained in
            full. The ids are the definite ones either way, as
            :meth:`Pathway.recommend` gives them.
        errors: ``"raise"`` stops at the first record that does not fit the
            record model; ``"collect"`` gives a :class:`RecordProblem` in its
            place (its index, its id, its diagnostics) and goes on.
        start_method: the ``multiprocessing`` start method; the platform's
            default when ``None``.

    Raises:
        PatientError: with ``errors="raise"``, at the first record that does
            not fit the record model.

    Example:
        >>> import spinedx
        >>> pathway = spinedx.load_pathway("pathways/spinal_tumor")
        >>> patient = spinedx.load_patient("examples/patients/no-red-flags.yaml")
        >>> text = patient.model_dump_json(exclude_computed_fields=True)
        >>> rows = spinedx.evaluate_many(pathway, [patient, text])
        >>> [ids == pathway.recommend(patient) for ids in rows]
        [True, True]
        >>> bad = '{"patient_id": "p2", "age_years": "old"}'
        >>> rows = spinedx.evaluate_many(pathway, [text, bad], errors="collect")
        >>> [row.id if isinstance(row, RecordProblem) else "ok" for row in rows]
        ['ok', 'p2']
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors must be 'raise' or 'collect', not {errors!r}")
    collect = errors == "collect"
    if workers is None:
        return _here(pathway, iter(records), needs=needs, collect=collect)
    if workers < 1:
        raise ValueError(f"workers must be at least 1 (or None for this process), not {workers}")
    return _pool(
        pathway,
        iter(records),
        workers,
        chunk_size=chunk_size,
        needs=needs,
        collect=collect,
        method=start_method,
    )


def _here(
    pathway: Pathway, records: Iterator[CohortRecord], *, needs: bool, collect: bool
) -> Iterator[Any]:
    for index, record in enumerate(records):
        yield _one(pathway, record, needs, index if collect else None)


def _pool(
    pathway: Pathway,
    records: Iterator[CohortRecord],
    workers: int,
    *,
    chunk_size: int,
    needs: bool,
    collect: bool,
    method: str | None,
) -> Iterator[Any]:
    shipped = pickle.dumps(pathway)
    context = multiprocessing.get_context(method)
    pending: deque[Future[list[object]]] = deque()
    sent = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        try:
            while True:
                while len(pending) < workers * _IN_FLIGHT_PER_WORKER:
                    chunk = list(islice(records, chunk_size))
                    if not chunk:
                        break
                    start = sent if collect else None
                    pending.append(pool.submit(evaluate_chunk, shipped, chunk, needs, start))
                    sent += len(chunk)
                if not pending:
                    return
                yield from pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _one(pathway: Pathway, record: CohortRecord, needs: bool, index: int | None) -> object:
    """One record's row; with an ``index`` (collecting), a bad record's problem instead."""
    try:
        patient = pathway.validate_patient(record)
    except PatientError as error:
        if index is None:
            raise
        return RecordProblem(index=index, id=_record_id(record), diagnostics=error.diagnostics)
    if not needs:
        return pathway.recommend(patient)
    ids = pathway._known_ids(patient)
    if ids is not None:
        return ids, []  # every value read was known: nothing stopped a decision
    result = pathway.evaluate(patient)
    definite = [rec.id for rec in result.recommendations if rec.certainty == "definite"]
    return definite, [need.field for need in result.needs]  # the ids recommend() gives


# -------------------------------------------------------------- in a worker

_loaded: dict[bytes, Pathway] = {}
"""The pathways this worker process has unpickled, by their pickle."""


def evaluate_chunk(
    shipped: bytes, chunk: list[CohortRecord], needs: bool, start: int | None = None
) -> list[object]:
    """Evaluate a chunk in a worker process; ``shipped`` is the pickled pathway.

    With ``start``, the index of the chunk's first record, a record that does
    not fit gives a :class:`RecordProblem` instead of raising.
    """
    pathway = _loaded.get(shipped)
    if pathway is None:
        pathway = _loaded[shipped] = pickle.loads(shipped)  # noqa: S301  (our own pickle)
    return [
        _one(pathway, record, needs, None if start is None else start + offset)
        for offset, record in enumerate(chunk)
    ]


def _record_id(record: CohortRecord) -> str | None:
    """The id of a record that did not validate: its first top-level ``id``/``*_id`` value."""
    data: object = record
    if isinstance(record, BaseModel):
        data = {name: getattr(record, name, None) for name in type(record).model_fields}
    elif isinstance(record, str | bytes):
        try:
            data = json.loads(record)
        except (ValueError, RecursionError):  # not JSON: it has no id to read
            return None
    if not isinstance(data, Mapping):
        return None
    for key, value in data.items():
        if isinstance(key, str) and (key == "id" or key.endswith("_id")):
            if isinstance(value, str):
                return value
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value)
    return None
