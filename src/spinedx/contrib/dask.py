"""Cohorts beyond one machine: a pathway over a ``dask.bag`` (``pip install spinedx[dask]``).

Dask is imported only by the caller's bag; spinedx itself never needs it.
Each partition is evaluated where it lives: the pathway travels to the workers
by pickling, once per worker process. It pickles by content (the texts of its
files, checked against its digest there), so the workers need no copy of the
pathway folder, only spinedx and the record model's module.

Example (a cluster of two local worker processes)::

    import dask.bag as db
    from dask.distributed import Client, LocalCluster

    import spinedx
    from spinedx.contrib.dask import evaluate_bag

    pathway = spinedx.load_pathway("pathways/spinal_tumor")
    with LocalCluster(n_workers=2, processes=True) as cluster, Client(cluster):
        lines = db.read_text("registry-*.jsonl")  # one JSON record per line
        ids = evaluate_bag(pathway, lines).compute()
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from typing import TYPE_CHECKING

from spinedx._pathway import CohortRecord, Pathway, evaluate_chunk

if TYPE_CHECKING:
    import dask.bag


def evaluate_bag(pathway: Pathway, records: dask.bag.Bag, *, needs: bool = False) -> dask.bag.Bag:
    """A bag of each record's recommendation ids, partition by partition, in order.

    Args:
        pathway: the loaded pathway.
        records: a bag of record model instances, plain data, or JSON text.
        needs: give ``(ids, needs)`` per record, as :func:`spinedx.evaluate_many` does.

    Returns:
        A lazy bag; ``.compute()`` it, or write it out with ``.to_textfiles()``.
    """
    bag: dask.bag.Bag = records.map_partitions(  # type: ignore[no-untyped-call]
        _partition, pickle.dumps(pathway), needs
    )
    return bag


def _partition(records: Iterable[CohortRecord], shipped: bytes, needs: bool) -> list[object]:
    return evaluate_chunk(shipped, list(records), needs)
