"""What a pathway reads, and the FHIR prefetch templates that bring it.

A pathway's compiled conditions know the record paths they read
(``Condition.fields``); the service asks the EHR to prefetch only the FHIR
resources that can fill those paths, and for laboratory results only the
codes of the tests and measurements the pathway reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from spinedx._compiled import Checklist, Decide, Stage
from spinedx._conditions import Condition
from spinedx._pathway import Pathway
from spinedx.contrib.cds_hooks.models import CdsService

PATIENT_KEY = "patient"
"""The prefetch key of the Patient resource, which every service asks for."""

_ME = "{{context.patientId}}"


@dataclass(frozen=True)
class Route:
    """A prefetch key, the FHIR query it stands for, and the record paths it can fill."""

    key: str
    query: str
    fills: tuple[str, ...]

    def serves(self, field: str) -> bool:
        """Whether this route can fill the record path ``field`` (dotted, ``[]`` for items)."""
        return any(field == p or field.startswith(p + ".") for p in self.fills)


ROUTES: tuple[Route, ...] = (
    Route("conditions", f"Condition?patient={_ME}", ("history",)),
    Route("medications", f"MedicationStatement?patient={_ME}", ("history",)),
    Route("medication-requests", f"MedicationRequest?patient={_ME}&status=active", ("history",)),
    Route("imaging-studies", f"ImagingStudy?patient={_ME}", ("imaging",)),
    Route(
        "imaging-reports",
        f"DiagnosticReport?patient={_ME}&category=http://loinc.org|LP29684-5",
        ("imaging",),
    ),
    Route("procedures", f"Procedure?patient={_ME}", ("biopsy",)),
)
"""Which FHIR resources ``spinedx.contrib.fhir.map_bundle`` reads into which record
sections; Observations are asked for by code (:func:`prefetch_for`)."""


def fields_read(stages: Sequence[Stage]) -> tuple[str, ...]:
    """Every record path the stages' conditions can read, sorted and unique.

    Example:
        >>> from spinedx import load_pathway
        >>> "labs.egfr.value" in fields_read(load_pathway("pathways/spinal_tumor").stages)
        True
    """
    return tuple(sorted({field for c in _conditions(stages) for field in c.fields}))


def prefetch_for(
    fields: Sequence[str], measured: Mapping[str, Sequence[tuple[str, str]]]
) -> dict[str, str]:
    """The prefetch templates that bring the FHIR data for ``fields``.

    Args:
        fields: record paths, as :func:`fields_read` gives them.
        measured: the Observation codings (system, code) whose value fills a record
            field (``labs.egfr``), as the FHIR coding tables declare them; only the
            codes of the fields read are asked for.

    Example:
        >>> prefetch_for(["labs.inr.value"], {"labs.inr": [("http://loinc.org", "6301-6")]})
        {'patient': 'Patient/{{context.patientId}}', \
'observations': 'Observation?patient={{context.patientId}}&code=http://loinc.org|6301-6'}
    """
    prefetch = {PATIENT_KEY: f"Patient/{_ME}"}
    for route in ROUTES:
        if any(route.serves(field) for field in fields):
            prefetch[route.key] = route.query
    wanted = sorted(
        {coding for name in _measured_read(fields, measured) for coding in measured[name]}
    )
    if wanted:
        codes = ",".join(f"{system}|{code}" for system, code in wanted)
        prefetch["observations"] = f"Observation?patient={_ME}&code={codes}"
    return prefetch


def describe_service(
    pathway: Pathway, service_id: str, measured: Mapping[str, Sequence[tuple[str, str]]]
) -> CdsService:
    """The discovery entry of the patient-view service of one pathway."""
    description = " ".join((pathway.manifest.description or pathway.title).split())
    return CdsService(
        hook="patient-view",
        id=service_id,
        title=f"{pathway.title} ({pathway.id} {pathway.version})",
        description=description,
        prefetch=prefetch_for(fields_read(pathway.stages), measured),
    )


_DERIVED = {
    "labs.nlr": ("labs.neutrophils", "labs.lymphocytes"),
    "labs.plr": ("labs.platelets", "labs.lymphocytes"),
}
"""Computed fields of the built-in record, and the measured fields they are made of."""


def _measured_read(fields: Sequence[str], measured: Mapping[str, object]) -> Iterator[str]:
    """The measured fields behind the paths read (``labs.inr.value`` → ``labs.inr``)."""
    for field in fields:
        for read in _DERIVED.get(field, (field,)):
            yield from (m for m in measured if read == m or read.startswith(m + "."))


def _conditions(stages: Sequence[Stage]) -> Iterator[Condition]:
    for stage in stages:
        for step in stage.steps.values():
            if isinstance(step, Decide):
                yield from (branch.condition for branch in step.branches)
            elif isinstance(step, Checklist):
                yield from (item.condition for item in step.items)
