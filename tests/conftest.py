"""Shared test set-up: hypothesis profiles and the golden-case record model."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from spinedx import register_record
from tests.records import MiniRecord

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "nightly", max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

register_record("tests.mini", MiniRecord)
