"""What one mapping run collects: values placed in the record, and what was left unused."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from spinedx.contrib.fhir.elements import Json, Unused, codings, compact, items, obj, text
from spinedx.contrib.fhir.tables import CodingTables

Path = tuple[str, ...]

BOOKKEEPING = frozenset(
    {
        "resourceType",
        "id",
        "meta",
        "implicitRules",
        "language",
        "text",
        "contained",
        "extension",
        "identifier",
        "subject",
        "patient",
        "encounter",
        "context",
        "status",
        "statusReason",
        "category",
        "recorder",
        "asserter",
        "performer",
        "requester",
        "informationSource",
        "basedOn",
        "partOf",
        "recordedDate",
        "issued",
        "authoredOn",
        "dateAsserted",
        "intent",
        "note",
        "active",
    }
)
"""Elements about the record-keeping itself, not the patient: never reported."""


@dataclass(frozen=True)
class Entry:
    """One resource of the bundle (or one contained in another, ``index`` -1)."""

    index: int
    resource: Json
    type: str
    id: str | None
    full_url: str | None = None

    @property
    def key(self) -> str:
        """``Type/id``, the usual relative reference to this resource."""
        return f"{self.type}/{self.id}"


@dataclass
class Put:
    """One value placed at ``path`` in the record, and the resource it came from."""

    path: Path
    value: object
    source: Entry
    element: str
    append: bool = False


@dataclass(frozen=True)
class Reading:
    """One Observation's value for a single-valued field; the latest reading is used."""

    value: object
    taken_on: date | None
    source: Entry
    element: str


@dataclass
class Context:
    """Everything one ``map_bundle`` call reads from and writes to."""

    tables: CodingTables
    assessed_on: date | None
    entries: list[Entry]
    puts: list[Put] = field(default_factory=list)
    unused: list[Unused] = field(default_factory=list)
    by_ref: dict[str, Entry] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)
    later: list[Callable[[Context], None]] = field(default_factory=list)
    readings: dict[str, list[Reading]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for entry in self.entries:
            if entry.id is not None:
                self.by_ref.setdefault(entry.key, entry)
            if entry.full_url is not None:
                self.by_ref.setdefault(entry.full_url, entry)

    def skip(self, entry: Entry, element: str, reason: str, value: object = None) -> None:
        """Report one element (or, with ``element=""``, the whole resource) as unused."""
        shown = None if value is None else compact(value)
        self.unused.append(
            Unused(
                resource_type=entry.type,
                resource_id=entry.id,
                element=element,
                value=shown,
                reason=reason,
            )
        )

    def put(self, path: Path, value: object, entry: Entry, element: str = "") -> None:
        """Place one value in the record."""
        self.puts.append(Put(path, value, entry, element))

    def add(self, path: Path, item: dict[str, object], entry: Entry) -> None:
        """Append one item to a list of the record; ``item`` may still be filled in."""
        self.puts.append(Put(path, item, entry, "", append=True))

    def resolve(self, ref: str | None, start: Entry) -> Entry | None:
        """The resource a reference names, in the bundle or contained in ``start``."""
        if ref is None:
            return None
        if ref.startswith("#"):
            for item in items(start.resource.get("contained")):
                node = obj(item)
                if node is not None and node.get("id") == ref[1:]:
                    kind = text(node.get("resourceType")) or "?"
                    return Entry(-1, node, kind, ref[1:])
            return None
        return self.by_ref.get(ref) or self.by_ref.get("/".join(ref.rstrip("/").split("/")[-2:]))

    def lookup(self, record_field: str, concept: object, entry: Entry, element: str) -> str | None:
        """The one value the codings of ``concept`` give ``record_field``; report a conflict."""
        found: dict[str, str] = {}
        for where, system, code, _ in codings(concept):
            value = self.tables.value(record_field, system, code)
            if value is not None:
                found.setdefault(value, f"{element}{where}")
        if len(found) > 1:
            self.skip(
                entry,
                element,
                f"its codings disagree about {record_field} ({', '.join(sorted(found))}); "
                "it stays unknown",
                concept,
            )
            return None
        return next(iter(found), None)

    def report_unread(self, entry: Entry, read: Iterable[str]) -> None:
        """One entry naming the resource's elements that the record has no field for."""
        left = sorted(
            name
            for name in entry.resource
            if name not in BOOKKEEPING and name not in read and not name.startswith("_")
        )
        if left:
            self.skip(
                entry,
                ", ".join(left),
                "the record has no field for these elements",
            )
