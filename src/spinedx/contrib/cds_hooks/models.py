"""The CDS Hooks 2.0 wire format: what an EHR sends and what a service answers.

Field names follow https://cds-hooks.hl7.org/2.0/ exactly (``hookInstance``,
``selectionBehavior``, ...); Python reads them in snake case. Every model is
frozen; what the service *answers* forbids extra fields, so a typo can never
reach an EHR. What an EHR *sends* forbids unknown top-level fields too (the
specification puts vendor additions under ``extension``), while a hook's
``context`` and a FHIR resource keep whatever they carry.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue, model_validator
from pydantic.alias_generators import to_camel

Indicator = Literal["info", "warning", "critical"]
"""How urgent a card is, as the specification names it."""

FHIR_ID = r"^[A-Za-z0-9\-\.]{1,64}$"
"""A FHIR resource id (FHIR R4, datatypes: id)."""

USER_ID = r"^(Practitioner|PractitionerRole|Patient|RelatedPerson)/[A-Za-z0-9\-\.]{1,64}$"
"""``context.userId`` of patient-view: a relative reference to the user."""

MAX_SUMMARY = 139
"""The specification asks for a summary of "<140 characters"."""


class _Wire(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True
    )


class _Open(BaseModel):
    """A part of a request whose content other standards define: extra fields are kept."""

    model_config = ConfigDict(
        frozen=True, extra="allow", alias_generator=to_camel, populate_by_name=True
    )


# -- discovery ---------------------------------------------------------------


class CdsService(_Wire):
    """One service as listed by ``GET /cds-services``."""

    hook: str = Field(description="The hook this service should be invoked on.")
    title: str | None = Field(None, description="The human-friendly name of this service.")
    description: str = Field(description="The description of this service.")
    id: str = Field(description="The {id} portion of the URL to this service.")
    prefetch: dict[str, str] | None = Field(
        None, description="Key/value pairs of FHIR queries that this service requests."
    )
    usage_requirements: str | None = Field(
        None, description="What a CDS Client needs to do before using this service."
    )


class Discovery(_Wire):
    """The answer of the discovery endpoint."""

    services: list[CdsService]


# -- request -----------------------------------------------------------------


class PatientViewContext(_Open):
    """The context of the patient-view hook."""

    user_id: str = Field(pattern=USER_ID, description="The current user, e.g. Practitioner/123.")
    patient_id: str = Field(pattern=FHIR_ID, description="The FHIR Patient.id of the patient.")
    encounter_id: str | None = Field(
        None, pattern=FHIR_ID, description="The FHIR Encounter.id, if any."
    )


class FhirAuthorization(BaseModel):
    """An OAuth 2.0 bearer token the service could use to call the FHIR server (snake case
    on the wire, as OAuth names its fields)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
    subject: str
    patient: str | None = None


class FhirResource(_Open):
    """Any FHIR resource in JSON: a ``resourceType`` and whatever else it holds."""

    resource_type: str = Field(pattern=r"^[A-Z][A-Za-z]{1,63}$")


class CdsRequest(_Wire):
    """A call of a patient-view service."""

    hook: Literal["patient-view"]
    hook_instance: uuid.UUID = Field(description="A UUID for this particular hook call.")
    fhir_server: str | None = Field(None, max_length=2048)
    fhir_authorization: FhirAuthorization | None = None
    context: PatientViewContext
    prefetch: dict[str, FhirResource | None] | None = Field(
        None, description="The FHIR data prefetched by the CDS Client, by prefetch key."
    )
    extension: dict[str, JsonValue] | None = None


# -- response ----------------------------------------------------------------


class Coding(_Wire):
    """A code from a terminology, as CDS Hooks uses it (``source.topic``, override reasons)."""

    code: str
    system: str
    display: str | None = None


class Source(_Wire):
    """Where a card's guidance comes from."""

    label: str = Field(min_length=1)
    url: str | None = None
    icon: str | None = None
    topic: Coding | None = None


class Action(_Wire):
    """A change the EHR may make when a suggestion is accepted."""

    type: Literal["create", "update", "delete"]
    description: str
    resource: dict[str, JsonValue] | None = None
    resource_id: str | None = None


class Suggestion(_Wire):
    """A suggested action the user can accept with one click."""

    label: str
    uuid: str | None = None
    is_recommended: bool | None = None
    actions: list[Action] | None = None


class Link(_Wire):
    """A link to further reading (``absolute``) or a SMART app (``smart``)."""

    label: str
    url: str
    type: Literal["absolute", "smart"]
    app_context: str | None = None


class Card(_Wire):
    """One card: a summary, how urgent, where from, and what to do."""

    uuid: str | None = None
    summary: str = Field(min_length=1, max_length=MAX_SUMMARY)
    detail: str | None = None
    indicator: Indicator
    source: Source
    suggestions: list[Suggestion] | None = None
    selection_behavior: Literal["at-most-one", "any"] | None = None
    override_reasons: list[Coding] | None = None
    links: list[Link] | None = None


class CdsResponse(_Wire):
    """The answer of a service call."""

    cards: list[Card]


# -- feedback ----------------------------------------------------------------


class AcceptedSuggestion(_Wire):
    """Which suggestion of a card the user accepted."""

    id: str = Field(min_length=1)


class OverrideReason(_Wire):
    """Why the user did not follow a card."""

    reason: Coding | None = None
    user_comment: str | None = Field(None, max_length=4000)


class FeedbackItem(_Wire):
    """What became of one card."""

    card: str = Field(min_length=1, max_length=200)
    outcome: Literal["accepted", "overridden"]
    accepted_suggestions: list[AcceptedSuggestion] | None = None
    override_reason: OverrideReason | None = None
    outcome_timestamp: AwareDatetime

    @model_validator(mode="after")
    def _accepted_names_its_suggestions(self) -> FeedbackItem:
        if self.outcome == "accepted" and not self.accepted_suggestions:
            raise ValueError("an accepted outcome names the accepted suggestions")
        return self


class Feedback(_Wire):
    """The body of ``POST /cds-services/{id}/feedback``."""

    feedback: Annotated[list[FeedbackItem], Field(min_length=1, max_length=100)]


# -- errors ------------------------------------------------------------------


class Problem(_Wire):
    """One thing wrong with a request, and where."""

    location: str
    message: str


class ErrorBody(_Wire):
    """The JSON body of every 4xx answer."""

    error: Literal[
        "bad-request", "not-found", "method-not-allowed", "precondition-failed", "unprocessable"
    ]
    message: str
    problems: list[Problem] = Field(default_factory=list)
