"""``map_bundle``: one FHIR R4 Bundle into one validated ``spinedx.Patient``.

What the record can hold is placed in it; everything else is reported in
``FhirMapping.unused`` with its reason. Nothing missing from the bundle is ever
read as "no": absent data stays unknown (``None``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spinedx.contrib.fhir import clinical, imaging, observations
from spinedx.contrib.fhir.context import Context, Entry, Put
from spinedx.contrib.fhir.elements import Json, Unused, compact, day, member, obj, reference, text
from spinedx.contrib.fhir.tables import CodingTables, FhirError, load_tables
from spinedx.patient import Patient

Handler = Callable[[Context, Entry], frozenset[str]]

HANDLERS: dict[str, Handler] = {
    "Patient": clinical.patient,
    "Condition": clinical.condition,
    "MedicationStatement": clinical.medication_use,
    "MedicationRequest": clinical.medication_use,
    "Procedure": clinical.procedure,
    "Observation": observations.observation,
    "ImagingStudy": imaging.imaging_study,
}
"""Resource type -> its mapper; these run first, in bundle order."""

DEPENDANTS: dict[str, Handler] = {"DiagnosticReport": imaging.diagnostic_report}
"""Mappers that run after the others, for the resources no other one has used."""


class FhirMapping(BaseModel):
    """The record mapped from a bundle, and every part of the bundle it does not hold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    record: Patient = Field(description="The validated record.")
    unused: list[Unused] = Field(description="What the record does not hold, and why.")


_tables: CodingTables | None = None


def _shipped() -> CodingTables:
    global _tables  # noqa: PLW0603 - the shipped tables are read once per process
    if _tables is None:
        _tables = load_tables()
    return _tables


def map_bundle(
    bundle: Mapping[str, object] | BaseModel,
    *,
    tables: CodingTables | None = None,
    assessed_on: date | None = None,
) -> FhirMapping:
    """Map a FHIR R4 Bundle about one patient to a validated record.

    Args:
        bundle: the Bundle as parsed JSON, or a ``fhir.resources`` Bundle.
        tables: the coding tables; the shipped ones (:func:`load_tables`) by default.
        assessed_on: the assessment date; by default the date of the bundle's
            ``timestamp``, if it has one.

    Returns:
        The record and the list of what it does not hold.

    Raises:
        FhirError: the input is not a Bundle, or holds more than one Patient.

    Example:
        >>> bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        ...     {"resource": {"resourceType": "Patient", "id": "p1", "gender": "female"}}]}
        >>> map_bundle(bundle).record.sex
        <Sex.FEMALE: 'female'>
    """
    data = _as_json(bundle)
    assessed_on = assessed_on or _timestamp(data)
    ctx = Context(tables or _shipped(), assessed_on, [])
    entries = _entries(ctx, data)
    ctx = Context(ctx.tables, assessed_on, entries, unused=ctx.unused)
    subject = _the_patient(entries)
    if assessed_on is not None:
        ctx.put(("assessed_on",), assessed_on, Entry(-1, data, "Bundle", text(data.get("id"))))
    for handlers in (HANDLERS, DEPENDANTS):
        for entry in entries:
            if entry.type in handlers and entry.index not in ctx.consumed:
                _map_one(ctx, entry, handlers[entry.type], subject)
    for entry in entries:
        if entry.type not in HANDLERS and entry.type not in DEPENDANTS:
            if entry.index in ctx.consumed:
                continue
            if entry.type == "Medication":
                ctx.skip(entry, "", "no medicine statement or request in the bundle refers to it")
            else:
                ctx.skip(entry, "", f"the mapper does not read {entry.type} resources")
    for step in ctx.later:
        step(ctx)
    observations.choose(ctx)
    return FhirMapping(record=_validated(ctx), unused=ctx.unused)


def _as_json(bundle: object) -> Json:
    if isinstance(bundle, BaseModel) and not isinstance(bundle, Patient):
        try:
            bundle = json.loads(bundle.model_dump_json(by_alias=True, exclude_none=True))
        except (TypeError, ValueError) as error:
            raise FhirError(f"cannot read the bundle as FHIR JSON: {error}") from None
    if not isinstance(bundle, Mapping):
        raise FhirError(f"expected a FHIR Bundle (a JSON object), found {type(bundle).__name__}")
    if bundle.get("resourceType") != "Bundle":
        raise FhirError(
            f"expected resourceType 'Bundle', found {compact(bundle.get('resourceType'))}"
        )
    return bundle


def _timestamp(data: Json) -> date | None:
    found, _ = day(data.get("timestamp"))
    return found


def _entries(ctx: Context, data: Json) -> list[Entry]:
    entries = []
    listed = data.get("entry")
    if listed is not None and not isinstance(listed, list):
        raise FhirError(f"Bundle.entry must be a list, found {compact(listed, 60)}")
    bundle = Entry(-1, data, "Bundle", text(data.get("id")))
    for index, item in enumerate(listed or []):
        resource = obj(member(item, "resource"))
        kind = text(resource.get("resourceType")) if resource is not None else None
        if resource is None or kind is None:
            ctx.skip(bundle, f"entry[{index}]", "not a resource with a resourceType", item)
            continue
        raw_id = resource.get("id")
        entries.append(
            Entry(
                index,
                resource,
                kind,
                raw_id if isinstance(raw_id, str) and raw_id else None,
                text(member(item, "fullUrl")),
            )
        )
    return entries


def _the_patient(entries: list[Entry]) -> frozenset[str] | None:
    """Every way a resource may refer to the bundle's Patient; None with no Patient."""
    patients = [e for e in entries if e.type == "Patient"]
    if len(patients) > 1:
        ids = ", ".join(str(p.id) for p in patients)
        raise FhirError(
            f"the bundle holds {len(patients)} Patient resources ({ids}); map one patient's "
            "bundle at a time"
        )
    if not patients:
        return None
    found = patients[0]
    return frozenset(n for n in (found.key if found.id else None, found.full_url) if n)


def _map_one(ctx: Context, entry: Entry, handler: Handler, subject: frozenset[str] | None) -> None:
    resource = entry.resource
    if "modifierExtension" in resource:
        ctx.skip(
            entry,
            "modifierExtension",
            "it carries a modifierExtension, which may change its meaning",
            resource["modifierExtension"],
        )
        return
    about = reference(resource.get("subject")) or reference(resource.get("patient"))
    if (
        subject is not None
        and entry.type != "Patient"
        and about is not None
        and about not in subject
    ):
        ctx.skip(entry, "subject", f"it is about {about}, not this bundle's Patient", about)
        return
    read = handler(ctx, entry)
    if read:
        ctx.report_unread(entry, read)


def _validated(ctx: Context) -> Patient:
    """The record, after moving each value it refuses to ``unused`` with pydantic's reason."""
    puts = list(ctx.puts)
    while True:
        data, owners = _build(puts)
        try:
            return Patient.model_validate(data)
        except ValidationError as error:
            refused: dict[int, str] = {}
            for problem in error.errors():
                owner = _owner(owners, tuple(problem["loc"]))
                if owner is None:
                    raise FhirError(f"the mapped record is invalid: {problem['msg']}") from None
                refused.setdefault(owner, problem["msg"])
            for index, message in sorted(refused.items()):
                put = puts[index]
                ctx.skip(
                    put.source, put.element, f"the record refused it: {message}", _plain(put.value)
                )
            puts = [put for index, put in enumerate(puts) if index not in refused]


def _build(puts: list[Put]) -> tuple[dict[str, object], dict[tuple[object, ...], int]]:
    data: dict[str, object] = {}
    owners: dict[tuple[object, ...], int] = {}
    for index, put in enumerate(puts):
        node = data
        for key in put.path[:-1]:
            node = node.setdefault(key, {})  # type: ignore[assignment]
        last = put.path[-1]
        if put.append:
            listed = node.setdefault(last, [])
            owners[(*put.path, len(listed))] = index  # type: ignore[arg-type]
            listed.append(put.value)  # type: ignore[attr-defined]
        elif last not in node:
            node[last] = put.value
            owners[put.path] = index
    return data, owners


def _owner(owners: dict[tuple[object, ...], int], loc: tuple[object, ...]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in owners:
            return owners[loc[:end]]
    return None


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


__all__ = ["FhirMapping", "map_bundle"]
