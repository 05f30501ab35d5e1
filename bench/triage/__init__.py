"""The triage workload: a record model, a pathway, generated patients and the same
decisions written by hand.

Importing this package registers the record model as ``bench.triage``, which is
the name ``pathway.yaml`` beside this file asks for.
"""

from __future__ import annotations

from pathlib import Path

from bench.triage.record import TriageRecord
from spinedx import register_record

PATHWAY = Path(__file__).parent
"""The triage pathway folder."""

register_record("bench.triage", TriageRecord)

__all__ = ["PATHWAY", "TriageRecord"]
