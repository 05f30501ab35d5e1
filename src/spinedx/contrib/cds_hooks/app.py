"""The HTTP face: a FastAPI application with the three CDS Hooks endpoints.

- ``GET /cds-services``: discovery, one patient-view service per pathway;
- ``POST /cds-services/{id}``: call a service;
- ``POST /cds-services/{id}/feedback``: what became of the cards.

Every request that cannot be served is answered with an HTTP 4xx and an
:class:`~spinedx.contrib.cds_hooks.models.ErrorBody`: a malformed request is
400 (never FastAPI's 422), an unknown service 404.
"""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Callable, Mapping, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from spinedx._pathway import Pathway
from spinedx.contrib.cds_hooks.models import (
    CdsRequest,
    CdsResponse,
    Discovery,
    ErrorBody,
    Feedback,
    FeedbackItem,
    Problem,
)
from spinedx.contrib.cds_hooks.service import (
    MapBundle,
    PatientViewService,
    ServiceProblem,
)
from spinedx.contrib.fhir import CodingTables

MAX_FEEDBACK_KEPT = 1000
"""Feedback items kept in memory (``app.state.feedback``), newest last."""

_ERRORS = {404: "not-found", 405: "method-not-allowed"}
_PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorBody, "description": "The request is malformed."},
    404: {"model": ErrorBody, "description": "No service has this id."},
}


class FeedbackReceived(BaseModel):
    """The answer to feedback: how many items were recorded."""

    received: int


def create_app(
    pathways: Sequence[Pathway],
    *,
    tables: CodingTables | None = None,
    today: Callable[[], datetime.date] = datetime.date.today,
    map_bundle: MapBundle | None = None,
) -> FastAPI:
    """The CDS Hooks application for these pathways, one patient-view service each.

    Args:
        pathways: loaded pathways whose record is ``spinedx.Patient``; ids must differ.
        tables: the FHIR coding tables; by default the shipped ones.
        today: the assessment date of each call.
        map_bundle: the FHIR-to-record mapping; by default ``spinedx.contrib.fhir``'s.

    Raises:
        ValueError: for two pathways with one id.
    """
    services: dict[str, PatientViewService] = {}
    for pathway in pathways:
        if pathway.id in services:
            raise ValueError(f"two pathways have the id {pathway.id!r}; a service id is unique")
        services[pathway.id] = PatientViewService(
            pathway, tables, today=today, map_bundle=map_bundle
        )
    app = FastAPI(
        title="spinedx CDS Hooks services",
        version="2.0",
        description="CDS Hooks 2.0 patient-view services, one per spinedx pathway.",
    )
    app.state.feedback = deque(maxlen=MAX_FEEDBACK_KEPT)
    app.state.service_ids = tuple(services)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type"],
    )
    _add_error_handlers(app)
    _add_routes(app, services)
    return app


def _add_routes(app: FastAPI, services: Mapping[str, PatientViewService]) -> None:
    discovery = Discovery(services=[s.definition for s in services.values()])

    def service(service_id: str) -> PatientViewService:
        found = services.get(service_id)
        if found is None:
            known = ", ".join(sorted(services)) or "none"
            raise ServiceProblem.of(
                404, "not-found", f"no service {service_id!r} (services: {known})"
            )
        return found

    @app.get("/cds-services", response_model_exclude_none=True)
    def discover() -> Discovery:
        return discovery

    @app.post(
        "/cds-services/{service_id}",
        response_model_exclude_none=True,
        responses={
            **_PROBLEM_RESPONSES,
            412: {"model": ErrorBody, "description": "The Patient resource was not prefetched."},
            422: {"model": ErrorBody, "description": "The data does not fit the record."},
        },
    )
    def call(service_id: str, request: CdsRequest) -> CdsResponse:
        return service(service_id).call(request)

    @app.post("/cds-services/{service_id}/feedback", responses=_PROBLEM_RESPONSES)
    def feedback(service_id: str, body: Feedback) -> FeedbackReceived:
        service(service_id)
        kept: deque[tuple[str, FeedbackItem]] = app.state.feedback
        kept.extend((service_id, item) for item in body.feedback)
        return FeedbackReceived(received=len(body.feedback))


def _add_error_handlers(app: FastAPI) -> None:
    def answer(status: int, body: ErrorBody) -> JSONResponse:
        return JSONResponse(body.model_dump(mode="json"), status_code=status)

    async def problem(_: Request, error: Exception) -> JSONResponse:
        if not isinstance(error, ServiceProblem):  # registered for this type only
            raise error
        return answer(error.status, error.body)

    async def invalid(_: Request, error: Exception) -> JSONResponse:
        if not isinstance(error, RequestValidationError):
            raise error
        problems = [
            Problem(location=".".join(str(p) for p in e.get("loc", ())), message=str(e["msg"]))
            for e in error.errors()
        ]
        body = ErrorBody(error="bad-request", message="the request is malformed", problems=problems)
        return answer(400, body)

    async def http(_: Request, error: Exception) -> JSONResponse:
        if not isinstance(error, HTTPException):
            raise error
        status = error.status_code if 400 <= error.status_code < 500 else 400
        kind = _ERRORS.get(status, "bad-request")
        body = ErrorBody.model_validate({"error": kind, "message": str(error.detail)})
        return answer(status, body)

    app.add_exception_handler(ServiceProblem, problem)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http)
