"""What every check may read, whatever level it runs at."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx

from spinedx._compiled import Stage
from spinedx._conditions import RecordSchema, SchemaType
from spinedx._documents import ManifestDoc, Spans

Level = Literal["manifest", "stage", "graph"]
"""When a check runs: on the manifest alone (before any stage file is read), on
the compiled stages (whatever else is broken), or on the stage graphs (only when
every document is sound, since a broken one would only be echoed)."""


@dataclass(frozen=True)
class CheckContext:
    """What every check may read; the stages and graphs are empty before they exist."""

    manifest: ManifestDoc
    manifest_spans: Spans
    schema: RecordSchema
    facts: Mapping[str, SchemaType]
    stages: tuple[Stage, ...] = ()
    graphs: Mapping[str, nx.DiGraph[str]] = field(default_factory=dict)
