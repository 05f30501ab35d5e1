"""ImagingStudy and DiagnosticReport into ``imaging.studies``.

A study's modality and region come from its codings (DICOM modality, SNOMED CT
body structure, or whatever a site's tables add for ``procedureCode``). The
lesions a study shows are not coded in FHIR R4, so ``lesions`` stays unknown.
"""

from __future__ import annotations

from collections.abc import Callable

from spinedx.contrib.fhir.context import Context, Entry
from spinedx.contrib.fhir.elements import codings, day, items, obj, reference, status, text, when
from spinedx.contrib.fhir.observations import FINAL

RADIOLOGY = frozenset({"RAD", "imaging", "LP29684-5"})
_SPINE = frozenset({"cervical", "thoracic", "lumbar", "sacral", "whole_spine"})
_WHOLE_SPINE = frozenset({"cervical", "thoracic", "lumbar"})


def imaging_study(ctx: Context, entry: Entry) -> frozenset[str]:
    """A study that has been done: modality, region, date, and the report's conclusion."""
    resource = entry.resource
    state = status(resource)
    if state != "available":
        ctx.skip(entry, "", f"status {state!r}: not a study that has been done")
        return frozenset()
    series = [obj(s) or {} for s in items(resource.get("series"))]
    study = _study(
        ctx,
        entry,
        [
            resource.get("modality"),
            *(s.get("modality") for s in series),
            resource.get("procedureCode"),
        ],
        [*(s.get("bodySite") for s in series), resource.get("procedureCode")],
    )
    started, problem = day(resource.get("started"))
    if started is not None:
        study["performed_on"] = started
    elif problem is not None:
        ctx.skip(entry, "started", problem, resource.get("started"))
    conclusions = []
    for other in ctx.entries:
        if other.type != "DiagnosticReport" or status(other.resource) not in FINAL | {"appended"}:
            continue
        if any(
            ctx.resolve(reference(r), other) == entry
            for r in items(other.resource.get("imagingStudy"))
        ):
            ctx.consumed.add(other.index)
            conclusion = text(other.resource.get("conclusion"))
            if conclusion is not None:
                conclusions.append(conclusion.strip())
    if conclusions:
        study["report"] = "\n\n".join(conclusions)
    ctx.add(("imaging", "studies"), study, entry)
    return frozenset({"modality", "series", "started", "procedureCode"})


def diagnostic_report(ctx: Context, entry: Entry) -> frozenset[str]:
    """A radiology report with no ImagingStudy in the bundle becomes a study of its own."""
    resource = entry.resource
    state = status(resource)
    if state not in FINAL | {"appended"}:
        ctx.skip(entry, "", f"status {state!r}: not a final report")
        return frozenset()
    categories = {code for _, _, code, _ in codings(resource.get("category"))}
    if not categories & RADIOLOGY:
        reason = (
            "a laboratory report: its results are read from the Observations it lists"
            if "LAB" in categories
            else "not a radiology report, and no biopsy refers to it"
        )
        ctx.skip(entry, "", reason)
        return frozenset()
    concept = resource.get("code")
    study = _study(ctx, entry, [concept], [concept])
    element, performed_on, problem = when(resource, "effective")
    if performed_on is not None:
        study["performed_on"] = performed_on
    elif problem is not None:
        ctx.skip(entry, element, problem)
    conclusion = text(resource.get("conclusion"))
    if conclusion is not None:
        study["report"] = conclusion.strip()
    ctx.add(("imaging", "studies"), study, entry)
    return frozenset(
        {"code", "effectiveDateTime", "effectivePeriod", "conclusion", "imagingStudy", "result"}
    )


def _study(
    ctx: Context, entry: Entry, modalities: list[object], regions: list[object]
) -> dict[str, object]:
    study: dict[str, object] = {}
    modality = _one(ctx, entry, "imaging.studies.modality", modalities, _modality)
    if modality is not None:
        study["modality"] = modality
    region = _one(ctx, entry, "imaging.studies.region", regions, _region)
    if region is not None:
        study["region"] = region
    return study


def _one(
    ctx: Context,
    entry: Entry,
    record_field: str,
    concepts: list[object],
    settle: Callable[[set[str]], str | None],
) -> str | None:
    found: set[str] = set()
    unknown = []
    for concept in concepts:
        for _, system, code, coding in codings(concept):
            value = ctx.tables.value(record_field, system, code)
            if value is None:
                unknown.append(coding)
            else:
                found.add(value)
    chosen = settle(found)
    if chosen is None and (found or unknown):
        shown = sorted(found) or [f"{c.get('system')}|{c.get('code')}" for c in unknown]
        ctx.skip(
            entry,
            record_field.rsplit(".", 1)[1],
            f"these codings give no single {record_field} ({', '.join(map(str, shown))})",
        )
    return chosen


def _modality(found: set[str]) -> str | None:
    if found == {"pet_ct", "ct"}:
        return "pet_ct"  # a PET-CT lists both PT and CT
    return next(iter(found)) if len(found) == 1 else None


def _region(found: set[str]) -> str | None:
    if len(found) == 1:
        return next(iter(found))
    if found >= _WHOLE_SPINE and found <= _SPINE:
        return "whole_spine"  # one series per region: cervical, thoracic and lumbar
    return None
