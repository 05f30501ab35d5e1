"""Observations into the record: laboratory results (LOINC, UCUM) and clinical findings.

Each record field holds one value, so of several Observations for one field the
latest on or before the assessment date is used and the others are reported.
A unit is accepted only in a spelling of the record's unit or with an exact
factor the coding tables declare; nothing else is converted.
"""

from __future__ import annotations

import math
from decimal import Decimal

from spinedx.contrib.fhir.context import Context, Entry, Reading
from spinedx.contrib.fhir.elements import UCUM, codings, number, obj, status, text, when
from spinedx.patient import LAB_SPECS

FINAL = frozenset({"final", "amended", "corrected"})
_VALUES = (
    "valueQuantity",
    "valueCodeableConcept",
    "valueInteger",
    "valueString",
    "valueBoolean",
    "valueRange",
    "valueRatio",
)


def observation(ctx: Context, entry: Entry) -> frozenset[str]:
    """One Observation whose code the tables measure; any other is reported unused."""
    resource = entry.resource
    state = status(resource)
    if state not in FINAL:
        ctx.skip(entry, "", f"status {state!r}: not a final result")
        return frozenset()
    concept = resource.get("code")
    record_field, reason = _field(ctx, concept)
    if record_field is None:
        ctx.skip(entry, "code", reason, concept)
        return frozenset()
    if "dataAbsentReason" in resource:
        ctx.skip(entry, "dataAbsentReason", "no value was reported", resource["dataAbsentReason"])
        return frozenset()
    element, taken_on, problem = when(resource, "effective")
    if problem is not None:
        ctx.skip(entry, element, problem)
    value: object
    if record_field.startswith("labs."):
        value = _lab(ctx, entry, record_field.removeprefix("labs."), taken_on)
    elif record_field == "exam.ecog_performance_status":
        value = _whole(ctx, entry)
    else:
        reported = len(ctx.unused)
        value = ctx.lookup(
            record_field, resource.get("valueCodeableConcept"), entry, "valueCodeableConcept"
        )
        if value is None and len(ctx.unused) == reported:  # not already reported as a conflict
            ctx.skip(
                entry,
                "value[x]",
                f"no value of {record_field} for this answer",
                _shown_value(resource),
            )
    if value is None:
        return frozenset()
    ctx.readings.setdefault(record_field, []).append(Reading(value, taken_on, entry, "value[x]"))
    return frozenset(
        {
            "code",
            "effectiveDateTime",
            "effectivePeriod",
            "effectiveInstant",
            "interpretation",
            *_VALUES,
        }
    )


def _field(ctx: Context, concept: object) -> tuple[str | None, str]:
    fields = {
        ctx.tables.measurements.get((system, code)) for _, system, code, _ in codings(concept)
    }
    fields.discard(None)
    if len(fields) > 1:
        return None, f"its codings name different record fields ({', '.join(sorted(fields))})"  # type: ignore[arg-type]
    if fields:
        return fields.pop(), ""
    for _, system, code, _ in codings(concept):
        held = ctx.tables.not_held.get((system, code))
        if held is not None:
            return None, held
    return None, "no record field for this code in the coding tables"


def _shown_value(resource: object) -> object:
    node = obj(resource)
    if node is None:
        return None
    return next((node[name] for name in _VALUES if name in node), None)


def _whole(ctx: Context, entry: Entry) -> int | None:
    value = entry.resource.get("valueInteger")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    ctx.skip(entry, "value[x]", "expected a valueInteger", _shown_value(entry.resource))
    return None


def _lab(ctx: Context, entry: Entry, lab: str, taken_on: object) -> dict[str, object] | None:
    resource = entry.resource
    quantity = obj(resource.get("valueQuantity"))
    if quantity is None:
        ctx.skip(
            entry, "value[x]", "a laboratory result needs a valueQuantity", _shown_value(resource)
        )
        return None
    if "comparator" in quantity:
        ctx.skip(
            entry,
            "valueQuantity",
            "a value with a comparator ('<', '>') is not a measured number",
            quantity,
        )
        return None
    value = number(quantity.get("value"))
    if value is None:
        ctx.skip(entry, "valueQuantity.value", "not a finite number", quantity)
        return None
    accepted = ctx.tables.accepted_units(lab)
    written = [u for u in _units(quantity) if u is not None]
    factor = next((accepted[u] for u in written if u in accepted), None)
    if factor is None:
        ctx.skip(entry, "valueQuantity", refused_unit(lab, written, accepted), quantity)
        return None
    converted = float(Decimal(repr(value) if isinstance(value, float) else value) * factor)
    if not math.isfinite(converted):
        ctx.skip(entry, "valueQuantity.value", "not a finite number", quantity)
        return None
    result: dict[str, object] = {"value": converted, "unit": LAB_SPECS[lab].unit}
    flag = ctx.lookup("labs.*.flag", resource.get("interpretation"), entry, "interpretation")
    if flag is not None:
        result["flag"] = flag
    if taken_on is not None:
        result["taken_on"] = taken_on
    return result


def _units(quantity: object) -> list[str | None]:
    node = obj(quantity) or {}
    code = text(node.get("code")) if node.get("system") == UCUM else None
    return [code, text(node.get("unit"))]


def refused_unit(lab: str, written: list[str], accepted: dict[str, Decimal]) -> str:
    """The message for a unit the record does not take: what was found, what is accepted."""
    found = " / ".join(repr(u) for u in dict.fromkeys(written)) or "no unit"
    spellings = ", ".join(
        repr(unit) if factor == 1 else f"{unit!r} (exactly ×{factor})"
        for unit, factor in accepted.items()
    )
    return (
        f"{lab} in {found} is not accepted: the record holds {lab} in {LAB_SPECS[lab].unit!r} "
        f"and accepts {spellings}. The value was not converted; spinedx converts only by an "
        "exact factor declared in the coding tables"
    )


def choose(ctx: Context) -> None:
    """Place the latest reading of each field on or before the assessment; report the rest."""
    for record_field, readings in sorted(ctx.readings.items()):
        usable = []
        for reading in readings:
            if ctx.assessed_on and reading.taken_on and reading.taken_on > ctx.assessed_on:
                ctx.skip(
                    reading.source,
                    "effective[x]",
                    f"taken after the assessment date {ctx.assessed_on.isoformat()}",
                )
            else:
                usable.append(reading)
        dated = [r for r in usable if r.taken_on is not None]
        latest = max((r.taken_on for r in dated if r.taken_on is not None), default=None)
        best = [r for r in usable if r.taken_on == latest]
        chosen = best[0] if best and all(r.value == best[0].value for r in best) else None
        for reading in usable:
            if reading is chosen:
                continue
            ctx.skip(reading.source, "value[x]", _why_not(record_field, reading, chosen))
        if chosen is not None:
            path = tuple(record_field.split("."))
            ctx.put(path, chosen.value, chosen.source, chosen.element)


def _why_not(record_field: str, reading: Reading, chosen: Reading | None) -> str:
    if chosen is None:
        return (
            f"several results for {record_field} of the same date (or undated) disagree; "
            "which is current is unknown, so it stays unknown"
        )
    used = f"{chosen.source.key}"
    if reading.value == chosen.value and reading.taken_on == chosen.taken_on:
        return f"the same result as {used}, which is used"
    if reading.taken_on is None:
        return f"undated; the dated result {used} is used for {record_field}"
    return f"a later result, {used}, is used for {record_field}"
