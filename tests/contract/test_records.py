"""The record is content, not engine.

The built-in record is found by its entry point (group ``spinedx.records``),
loaded only when its name is asked for; whatever the engine knows about a
record model beyond field types comes from the model itself, so a record
model of another package gets the same treatment as the built-in one.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import BaseModel, ConfigDict, Field

from spinedx._conditions import RecordSchema
from spinedx._documents import records
from tests.records import MiniRecord

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout.split()


def test_the_built_in_record_is_declared_as_an_entry_point() -> None:
    declared = {e.name: e.value for e in entry_points(group=records.ENTRY_POINT_GROUP)}
    assert declared["spinedx.patient"] == "spinedx.patient:Patient"


def test_the_built_in_record_is_imported_only_when_its_name_is_asked_for() -> None:
    printed = _run(
        """
        import sys
        from spinedx._documents import record_model, record_names
        print("spinedx.patient" in record_names(), "spinedx.patient" in sys.modules)
        model = record_model("spinedx.patient")
        print(model.__module__, "spinedx.patient" in sys.modules)
        """
    )
    assert printed == ["True", "False", "spinedx.patient.record", "True"]


def test_a_record_model_in_hand_is_named_by_its_entry_point() -> None:
    printed = _run(
        """
        from spinedx.patient import Patient
        from spinedx._documents import record_name
        print(record_name(Patient))
        """
    )
    assert printed == ["spinedx.patient"]


@pytest.fixture
def declared(monkeypatch: pytest.MonkeyPatch) -> list[EntryPoint]:
    """Entry points of the group as this test declares them, in a registry of its own."""
    points: list[EntryPoint] = []
    monkeypatch.setattr(records, "_registry", dict(records._registry))
    monkeypatch.setattr(records, "entry_points", lambda group: list(points))
    return points


def test_a_model_another_package_declares_is_found_by_name(declared: list[EntryPoint]) -> None:
    group = records.ENTRY_POINT_GROUP
    declared.append(EntryPoint("other.mini", "tests.records:MiniRecord", group))
    assert "other.mini" in records.record_names()
    assert records.record_model("other.mini") is MiniRecord
    assert records.record_model("other.unknown") is None


def test_an_entry_point_that_is_not_a_model_is_refused(declared: list[EntryPoint]) -> None:
    declared.append(EntryPoint("other.bad", "os:getcwd", records.ENTRY_POINT_GROUP))
    with pytest.raises(TypeError, match=r"'other\.bad'"):
        records.record_model("other.bad")


class _Reading(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    spinedx_parts: ClassVar[frozenset[str]] = frozenset({"value"})

    value: float = Field(description="The measured value.")
    flag: str | None = Field(None, description="A flag of its own.")


class _Vitals(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pulse: _Reading | None = Field(None, description="Pulse, per minute.")
    silent: _Reading | None = None


def test_a_part_is_described_by_the_field_holding_it() -> None:
    schema = RecordSchema.from_model(_Vitals)
    assert schema.describe_need("pulse.value") == "Pulse, per minute. (value: The measured value.)"
    assert schema.describe_need("pulse") == "Pulse, per minute."
    assert schema.describe_need("silent.value") == "The measured value."
    assert schema.describe_need("no.such") is None


def test_the_engine_knows_no_part_by_name() -> None:
    # 'flag' is a part of the built-in lab result, but not of this model.
    schema = RecordSchema.from_model(_Vitals)
    assert schema.describe_need("pulse.flag") == "A flag of its own."


def test_parts_must_be_a_set_of_names() -> None:
    class Broken(BaseModel):
        spinedx_parts: ClassVar[str] = "value"
        value: float = 0

    with pytest.raises(TypeError, match="spinedx_parts"):
        RecordSchema.from_model(Broken)
