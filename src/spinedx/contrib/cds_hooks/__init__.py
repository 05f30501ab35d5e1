"""CDS Hooks 2.0 out: each pathway as a patient-view service (``pip install spinedx[serve]``).

An EHR discovers the services (``GET /cds-services``), calls one with the
patient's prefetched FHIR data, and shows the cards it answers: one per
recommendation reached, one for the missing data. ``spinedx serve PATHWAY``
runs them; :func:`create_app` gives the FastAPI application to mount
elsewhere. docs/integration.md ("CDS Hooks") describes the cards.

The pieces that need no web framework (the wire models, :func:`cards_for`,
:func:`fields_read`, :class:`PatientViewService`) import without FastAPI;
:func:`create_app` and :func:`serve` import it when first used.

Example::

    from spinedx import load_pathway
    from spinedx.contrib.cds_hooks import create_app

    app = create_app([load_pathway("pathways/spinal_tumor")])  # uvicorn module:app
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from spinedx.contrib.cds_hooks.cards import INDICATORS, card_uuid, cards_for, summary_of
from spinedx.contrib.cds_hooks.discovery import fields_read, prefetch_for
from spinedx.contrib.cds_hooks.models import (
    Card,
    CdsRequest,
    CdsResponse,
    CdsService,
    Discovery,
    ErrorBody,
    Feedback,
)
from spinedx.contrib.cds_hooks.server import is_loopback
from spinedx.contrib.cds_hooks.service import PatientViewService, ServiceProblem

if TYPE_CHECKING:
    from spinedx.contrib.cds_hooks.app import create_app
    from spinedx.contrib.cds_hooks.server import serve

_LAZY = {"create_app": "spinedx.contrib.cds_hooks.app", "serve": "spinedx.contrib.cds_hooks.server"}

__all__ = [
    "INDICATORS",
    "Card",
    "CdsRequest",
    "CdsResponse",
    "CdsService",
    "Discovery",
    "ErrorBody",
    "Feedback",
    "PatientViewService",
    "ServiceProblem",
    "card_uuid",
    "cards_for",
    "create_app",
    "fields_read",
    "is_loopback",
    "prefetch_for",
    "serve",
    "summary_of",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'spinedx.contrib.cds_hooks' has no attribute {name!r}")
    return getattr(import_module(module), name)
