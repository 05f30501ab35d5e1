"""The patient-view service of one pathway: prefetched FHIR in, cards out.

The service never calls the EHR's FHIR server: everything it reads comes in
the request's ``prefetch``. A request it cannot serve is answered with a
:class:`ServiceProblem` (an HTTP 4xx and a JSON body), never a crash: the
Patient resource missing is 412 (as the specification says for data the
service cannot get), a Patient or a resource about someone other than
``context.patientId`` is 400, data the record cannot hold is 422.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import JsonValue

from spinedx._diagnostics import SpinedxError
from spinedx._pathway import Pathway
from spinedx.contrib.cds_hooks.cards import cards_for
from spinedx.contrib.cds_hooks.discovery import PATIENT_KEY, describe_service
from spinedx.contrib.cds_hooks.models import (
    CdsRequest,
    CdsResponse,
    CdsService,
    ErrorBody,
    FhirResource,
    Problem,
)
from spinedx.contrib.fhir import CodingTables, FhirMapping, load_tables, map_bundle
from spinedx.patient import Patient

Resource = dict[str, JsonValue]


MapBundle = Callable[..., FhirMapping]
"""``map_bundle``'s signature: ``(bundle, *, tables, assessed_on) -> FhirMapping``."""


class ServiceProblem(Exception):  # noqa: N818  (a problem to answer, not a failure of ours)
    """A request this service will not serve: the HTTP status and the JSON body."""

    def __init__(self, status: int, body: ErrorBody) -> None:
        super().__init__(body.message)
        self.status = status
        self.body = body

    @classmethod
    def of(
        cls, status: int, error: str, message: str, problems: Sequence[Problem] = ()
    ) -> ServiceProblem:
        """A problem with its status, its kind (see :class:`ErrorBody`) and its message."""
        body = ErrorBody.model_validate(
            {"error": error, "message": message, "problems": list(problems)}
        )
        return cls(status, body)


@dataclass
class PatientViewService:
    """One pathway behind the patient-view hook.

    Args:
        pathway: the loaded pathway; its record must be the built-in ``spinedx.Patient``,
            the record the FHIR mapping fills.
        tables: the FHIR coding tables (by default the shipped ones): what to prefetch,
            and how the mapping reads codes.
        today: the assessment date of a call (a clock, so that tests can fix it).
        map_bundle: the FHIR-to-record mapping (``spinedx.contrib.fhir.map_bundle``).

    Raises:
        ValueError: for a pathway whose record is not ``spinedx.Patient``.
    """

    pathway: Pathway
    tables: CodingTables | None = None
    today: Callable[[], datetime.date] = datetime.date.today
    map_bundle: MapBundle | None = None
    definition: CdsService = field(init=False)

    def __post_init__(self) -> None:
        if self.pathway.record_model is not Patient:
            raise ValueError(
                f"pathway {self.pathway.id!r} reads the record {self.pathway.record_name!r}; "
                "the FHIR mapping fills spinedx.patient only"
            )
        if self.tables is None:
            self.tables = load_tables()
        measured: dict[str, list[tuple[str, str]]] = {}
        for coding, record_field in sorted(self.tables.measurements.items()):
            measured.setdefault(record_field, []).append(coding)
        self.definition = describe_service(self.pathway, self.pathway.id, measured)

    @property
    def id(self) -> str:
        """The service id: the pathway's id."""
        return self.definition.id

    def call(self, request: CdsRequest) -> CdsResponse:
        """Map the prefetch to a record, evaluate the pathway, answer with cards.

        Raises:
            ServiceProblem: for a request this service cannot serve.
        """
        patient_id = request.context.patient_id
        bundle = prefetch_bundle(request.prefetch, patient_id)
        mapper = self.map_bundle or map_bundle
        try:
            mapping = mapper(bundle, tables=self.tables, assessed_on=self.today())
            result = self.pathway.evaluate(mapping.record)
        except SpinedxError as error:
            raise ServiceProblem.of(
                422, "unprocessable", f"the prefetched data does not fit the record: {error}"
            ) from None
        return CdsResponse(cards=cards_for(result, self.pathway, patient_id))


def prefetch_bundle(
    prefetch: Mapping[str, FhirResource | None] | None, patient_id: str
) -> Resource:
    """The prefetched resources as one FHIR collection Bundle, checked to be this patient's.

    Raises:
        ServiceProblem: 412 without the Patient resource; 400 for a resource about
            another patient, or a search result that is not a Bundle of resources.
    """
    patient = (prefetch or {}).get(PATIENT_KEY)
    if patient is None:
        raise ServiceProblem.of(
            412,
            "precondition-failed",
            f"prefetch.{PATIENT_KEY} must hold the Patient resource: this service reads only "
            "prefetched data and never calls the FHIR server",
        )
    entries: list[JsonValue] = []
    problems: list[Problem] = []
    for key, resource in sorted((prefetch or {}).items()):
        if resource is None:
            continue  # the EHR could not or would not fetch it: the data stays unknown
        for where, item in _resources(key, resource.model_dump(mode="json", by_alias=True)):
            problem = _not_usable(item, patient_id, key == PATIENT_KEY)
            if problem:
                problems.append(Problem(location=where, message=problem))
            elif isinstance(item, dict):
                entries.append({"resource": item})
    if problems:
        raise ServiceProblem.of(
            400, "bad-request", "the prefetch holds data that cannot be this patient's", problems
        )
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _resources(key: str, resource: Resource) -> Iterator[tuple[str, JsonValue]]:
    """A prefetched resource, or each resource in a prefetched search Bundle."""
    if resource.get("resourceType") != "Bundle" or key == PATIENT_KEY:
        yield f"prefetch.{key}", resource
        return
    entries = resource.get("entry", [])
    if not isinstance(entries, list):
        yield f"prefetch.{key}.entry", entries
        return
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            yield f"prefetch.{key}.entry[{index}]", entry
        elif "resource" in entry:  # an entry without one carries nothing to read
            yield f"prefetch.{key}.entry[{index}].resource", entry["resource"]


def _not_usable(item: JsonValue, patient_id: str, is_patient_key: bool) -> str | None:
    """Why an item cannot be used as a resource of this patient, or None if it can."""
    if not isinstance(item, dict) or not isinstance(item.get("resourceType"), str):
        return "expected a FHIR resource (an object with a resourceType)"
    if item["resourceType"] == "Patient" or is_patient_key:
        if item["resourceType"] != "Patient" or item.get("id") != patient_id:
            return f"expected the Patient resource with id {patient_id!r}"
        return None
    me = f"Patient/{patient_id}"
    for name in ("subject", "patient"):
        reference = item.get(name)
        if isinstance(reference, dict) and reference.get("reference") not in {None, me}:
            return f"{name}.reference is {reference.get('reference')!r}, not {me!r}"
    return None
