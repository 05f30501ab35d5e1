"""Reading FHIR JSON defensively: every accessor returns ``None`` for a wrong shape.

A bundle arrives as untrusted JSON. Nothing here raises on bad input; the
mapper decides what a missing or malformed element means (unknown, reported).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from datetime import date

from pydantic import BaseModel, Field

Json = Mapping[str, object]

UCUM = "http://unitsofmeasure.org"

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T.*)?$")
_PARTIAL = re.compile(r"^\d{4}(-\d{2})?$")


class Unused(BaseModel):
    """One part of a bundle that the record does not hold, and why.

    ``element`` is a FHIRPath-like path inside the resource (``code.coding[0]``,
    ``valueQuantity``), or ``""`` for the whole resource.
    """

    model_config = {"frozen": True, "extra": "forbid"}

    resource_type: str = Field(description="The resource's type, e.g. 'Observation'.")
    resource_id: str | None = Field(description="The resource's id, if it has one.")
    element: str = Field(description="Where in the resource; '' for the whole resource.")
    value: str | None = Field(None, description="The element as compact JSON, shortened.")
    reason: str = Field(description="Why the record does not hold it.")


def obj(value: object) -> Json | None:
    """``value`` if it is a JSON object."""
    return value if isinstance(value, Mapping) else None


def member(value: object, name: str) -> object:
    """``value[name]`` if ``value`` is a JSON object, else ``None``."""
    return value.get(name) if isinstance(value, Mapping) else None


def items(value: object) -> list[object]:
    """``value`` if it is a JSON array (a lone object counts as one item), else ``[]``."""
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, Mapping) else []


def text(value: object) -> str | None:
    """``value`` if it is a non-empty string."""
    return value if isinstance(value, str) and value.strip() else None


def number(value: object) -> int | float | None:
    """``value`` if it is a finite JSON number (never a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def compact(value: object, limit: int = 200) -> str:
    """``value`` as sorted compact JSON, cut to ``limit`` characters."""
    try:
        shown = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):
        shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def codings(concept: object) -> Iterator[tuple[str, str, str, Json]]:
    """(path, system, code, coding) of each coding in a CodeableConcept, Coding or list of them.

    A CodeableReference (R5) is read through its ``concept``.
    """
    for index, item in enumerate(items(concept)):
        node = obj(item)
        if node is None:
            continue
        node = obj(node.get("concept")) or node
        inner = node.get("coding")
        listed = items(inner) if inner is not None else [node]
        for position, coding in enumerate(listed):
            found = obj(coding)
            if found is None:
                continue
            system, code = text(found.get("system")), text(found.get("code"))
            if system is not None and code is not None:
                where = f"[{index}].coding[{position}]" if inner is not None else f"[{index}]"
                yield where, system, code.strip(), found


def label(concept: object) -> str | None:
    """The human name of a CodeableConcept: its ``text``, else the first coding's display."""
    node = obj(concept)
    if node is None:
        return None
    node = obj(node.get("concept")) or node
    found = text(node.get("text"))
    if found is not None:
        return found.strip()
    for coding in items(node.get("coding")):
        display = text(member(coding, "display"))
        if display is not None:
            return display.strip()
    return None


def status(resource: Json, name: str = "status") -> str | None:
    """A status written as a code, or as the first coding of a CodeableConcept."""
    direct = text(resource.get(name))
    if direct is not None:
        return direct
    for _, _, code, _ in codings(resource.get(name)):
        return code
    return None


def day(value: object) -> tuple[date | None, str | None]:
    """(the calendar date of a FHIR date or dateTime, why it is not usable)."""
    written = text(value)
    if written is None:
        return None, None if value is None else "not a date"
    match = _DATE.match(written.strip())
    if match is None:
        if _PARTIAL.match(written.strip()):
            return None, f"the date {written!r} gives no day; the record needs a full date"
        return None, f"{written!r} is not a FHIR date"
    try:
        return date(int(match[1]), int(match[2]), int(match[3])), None
    except ValueError:
        return None, f"{written!r} is not a real date"


def when(resource: Json, prefix: str) -> tuple[str, date | None, str | None]:
    """The first of ``<prefix>DateTime``, ``<prefix>Period.start``, ``<prefix>Instant``."""
    for name in (f"{prefix}DateTime", f"{prefix}Instant", f"{prefix}Date"):
        if name in resource:
            found, problem = day(resource[name])
            return name, found, problem
    period = obj(resource.get(f"{prefix}Period"))
    if period is not None:
        found, problem = day(period.get("start"))
        return f"{prefix}Period.start", found, problem
    return "", None, None


def reference(value: object) -> str | None:
    """The ``reference`` string of a Reference."""
    node = obj(value)
    return text(node.get("reference")) if node is not None else None
