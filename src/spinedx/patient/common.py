"""Building blocks shared by every section of the patient record.

The record reads "not known" as ``None`` everywhere, so the helpers here keep
three-valued (Kleene) logic in one place, and the scalar types are strict: a
YAML file that says ``night_pain: "no"`` or ``strength: "4"`` is an error, not a
silently converted value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Strict,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from spinedx._diagnostics import DUPLICATE_ENTRY, mark_validated

Inputs = Mapping[str, tuple[str, ...]]
"""A model's ``spinedx_inputs``: each computed field and the input fields (paths relative
to the model, ``items[].field`` for list items) it is computed from; a need for the
computed field asks for those inputs instead."""

Loc = tuple[str | int, ...]


class RecordModel(BaseModel):
    """Base of every model in the patient record: immutable, and no unknown keys.

    No list holds the same entry twice: a lesion listed twice would count as
    two lesions, and a cancer listed twice as two cancers. Entries that record
    nothing at all may repeat: there is nothing in them to have been copied. An instance given
    where a section is expected is validated again ("always"), so that one
    built with ``model_construct`` cannot ride inside a validated record.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", allow_inf_nan=False, revalidate_instances="always"
    )

    @model_validator(mode="after")
    def _each_entry_once(self) -> Self:
        problems = Problems(type(self).__name__)
        for name, value in self.__dict__.items():
            if isinstance(value, list) and len(value) > 1:
                _repeated_entries(problems, name, value)
        problems.raise_if_any()
        mark_validated(self)
        return self


def _repeated_entries(problems: Problems, name: str, entries: list[object]) -> None:
    first_at: dict[object, int] = {}
    for index, entry in enumerate(entries):
        if isinstance(entry, BaseModel) and _records_nothing(entry):
            continue  # "two lesions, neither described yet" is a finding, not a copy
        # Entries compare by their fields, as written: a frozen model holding a list
        # cannot be hashed, its JSON can.
        key = entry.model_dump_json() if isinstance(entry, BaseModel) else entry
        first = first_at.setdefault(key, index)
        if first != index:
            problems.add(
                (name, index),
                f"entry {index} repeats entry {first} exactly",
                None,
                kind=DUPLICATE_ENTRY,
                context={"first": first},
            )


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_date(value: object) -> object:
    # Parsed here rather than by pydantic for two reasons: lax pydantic reads a
    # number as a Unix timestamp (in a clinical file it is a typo), and in strict
    # JSON mode a before-validator hands the inner date validator a Python str,
    # which strict mode would reject.
    if isinstance(value, bool | int | float):
        raise PydanticCustomError(
            "date_type",
            "expected a date written as YYYY-MM-DD, found the number {value}",
            {"value": value},
        )
    if isinstance(value, str):
        try:
            if _ISO_DATE.match(value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        raise PydanticCustomError(
            "date_type",
            "expected a real date written as YYYY-MM-DD, found '{value}'",
            {"value": value},
        )
    return value


SPINAL_LEVEL_PATTERN = r"^(C[1-7]|T([1-9]|1[0-2])|L[1-5]|S[1-5])$"
_SPINAL_LEVEL = re.compile(SPINAL_LEVEL_PATTERN)


def _check_spinal_level(value: str) -> str:
    if not _SPINAL_LEVEL.match(value):
        raise PydanticCustomError(
            "spinal_level",
            "expected a spinal level such as 'C7', 'T12', 'L1' or 'S2' "
            "(C1–C7, T1–T12, L1–L5, S1–S5, capital letter first); found '{value}'",
            {"value": value},
        )
    return value


Flag = Annotated[bool, Strict()]
"""A yes/no finding; only ``true``/``false`` are accepted, never ``"no"`` or ``0``."""

WholeNumber = Annotated[int, Strict()]
Number = Annotated[float, Strict()]
ClinicalDate = Annotated[date, BeforeValidator(_parse_date)]
SpinalLevel = Annotated[
    str,
    Strict(),
    AfterValidator(_check_spinal_level),
    WithJsonSchema({"type": "string", "pattern": SPINAL_LEVEL_PATTERN}),
]
"""One vertebral level: ``C1``–``C7``, ``T1``–``T12``, ``L1``–``L5`` or ``S1``–``S5``."""


def any_true(values: Iterable[bool | None]) -> bool | None:
    """Kleene OR: true if any value is true, false if all are false, else unknown."""
    unknown = False
    for value in values:
        if value is True:
            return True
        if value is None:
            unknown = True
    return None if unknown else False


def all_true(values: Iterable[bool | None]) -> bool | None:
    """Kleene AND: false if any value is false, true if all are true, else unknown."""
    unknown = False
    for value in values:
        if value is False:
            return False
        if value is None:
            unknown = True
    return None if unknown else True


def whole_years(start: date, end: date) -> int:
    """Completed years from ``start`` to ``end``, as age is counted (birthday rule)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def _records_nothing(entry: BaseModel) -> bool:
    return all(value is None or value == [] for value in entry.__dict__.values())


class Problems:
    """Collects consistency errors so one validator reports all of them at once.

    Each error carries its own location relative to the model being validated,
    so pydantic prefixes it with the path to that model and the loader can map
    it to a line in the patient file.
    """

    def __init__(self, title: str) -> None:
        self._title = title
        self._errors: list[InitErrorDetails] = []

    def add(
        self,
        loc: Loc,
        message: str,
        value: object,
        kind: str = "inconsistent",
        context: Mapping[str, object] | None = None,
    ) -> None:
        """Record one problem at ``loc``; ``message`` is a plain sentence."""
        error = PydanticCustomError(kind, "{detail}", {"detail": message, **(context or {})})
        self._errors.append(InitErrorDetails(type=error, loc=loc, input=value))

    def raise_if_any(self) -> None:
        """Raise one ``ValidationError`` holding every problem recorded so far."""
        if self._errors:
            raise ValidationError.from_exception_data(self._title, self._errors)


def given_without(
    problems: Problems,
    model: BaseModel,
    switch: str,
    dependants: Iterable[str],
) -> None:
    """Report each of ``dependants`` that is asserted while ``switch`` is ``False``.

    Detail about a finding the record says is absent (a weight-loss amount with
    ``unexplained_weight_loss: false``) means one of the two is wrong; guessing
    which would hide a data-entry error from the clinician. A dependant that is
    ``None`` or ``False`` agrees with the switch and passes.
    """
    if getattr(model, switch) is not False:
        return
    for name in dependants:
        value = getattr(model, name)
        if value is not None and value is not False:
            problems.add(
                (name,), f"'{name}' is given but '{switch}' is false; correct one of them", value
            )
