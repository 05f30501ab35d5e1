"""Coding tables: FHIR codings to record values, declared per record field, as data.

The shipped tables live in ``spinedx/patient/codings.yaml``; a site adds its own
files of the same shape with :func:`load_tables`. Every file is checked when it
is loaded: the fields must be record fields that take coded values, the values
ones those fields accept, unit factors exact decimals. A site file may add codes,
never change one another file declares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from importlib.resources import files
from pathlib import Path

import yaml

from spinedx import SpinedxError
from spinedx.patient import (
    LAB_SPECS,
    BiopsyTechnique,
    CancerType,
    ImagingRegion,
    LabFlag,
    MedicationClass,
    Modality,
    Sex,
    SmokingStatus,
)


class FhirError(SpinedxError, ValueError):
    """A bundle or a coding table spinedx cannot read; the message says what and where."""


class CodingTablesError(FhirError):
    """A coding-tables file is malformed or contradicts another one."""


TRUE = "true"
"""The value of a finding that a coding asserts (a Condition that is present)."""

CONDITION_FLAGS = (
    "acute_kidney_injury",
    "claustrophobia",
    "immunosuppressed",
    "intravenous_drug_use",
    "on_dialysis",
    "osteoporosis",
    "pregnant",
    "renal_impairment",
)
"""History findings an active Condition can make true."""

_ENUMS: dict[str, type[StrEnum]] = {
    "sex": Sex,
    "history.cancers.type": CancerType,
    "history.medications.drug_class": MedicationClass,
    "history.smoking_status": SmokingStatus,
    "imaging.studies.modality": Modality,
    "imaging.studies.region": ImagingRegion,
    "biopsy.biopsies.technique": BiopsyTechnique,
    "labs.*.flag": LabFlag,
}
_FLAGS = frozenset(
    {"history.cancers.metastatic", "biopsy.biopsies", *(f"history.{f}" for f in CONDITION_FLAGS)}
)
CODED_FIELDS = frozenset({*_ENUMS, *_FLAGS})
"""Every field a ``codes`` table may declare."""

MEASURED_FIELDS = frozenset(
    {*(f"labs.{name}" for name in LAB_SPECS), "exam.ecog_performance_status"}
    | {"history.smoking_status"}
)
"""Every field a ``measurements`` entry may declare (an Observation's value fills it)."""

_SECTIONS = frozenset({"prefix_match", "codes", "measurements", "not_held"})
Coding = tuple[str, str]
"""(system URI, code)."""


@dataclass(frozen=True)
class CodingTables:
    """The coding tables in force: codes per record field, measurements, units.

    Build it with :func:`load_tables`; it is immutable and safe to share.
    """

    codes: Mapping[str, Mapping[str, Mapping[str, str]]]
    measurements: Mapping[Coding, str]
    units: Mapping[str, Mapping[str, Decimal]]
    not_held: Mapping[Coding, str]
    prefix_match: frozenset[str]
    files: tuple[str, ...] = field(default=())

    def value(self, record_field: str, system: str, code: str) -> str | None:
        """The record value ``record_field`` takes for one coding, or ``None``."""
        table = self.codes.get(record_field, {}).get(system)
        if not table:
            return None
        for candidate in _ancestors(code, system in self.prefix_match):
            if candidate in table:
                return table[candidate]
        return None

    def accepted_units(self, lab: str) -> dict[str, Decimal]:
        """Every unit a laboratory test is accepted in, with its exact factor into the record."""
        accepted = dict.fromkeys(sorted(LAB_SPECS[lab].spellings), Decimal(1))
        accepted.update(self.units.get(f"labs.{lab}", {}))
        return accepted

    def counts(self) -> dict[str, int]:
        """How many codes each system has across all tables (for documentation)."""
        found: dict[str, set[tuple[str, str]]] = {}
        for record_field, systems in self.codes.items():
            for system, table in systems.items():
                found.setdefault(system, set()).update((record_field, c) for c in table)
        for (system, code), record_field in self.measurements.items():
            found.setdefault(system, set()).add((record_field, code))
        for system, code in self.not_held:
            found.setdefault(system, set()).add(("", code))
        return {system: len(codes) for system, codes in sorted(found.items())}


def _ancestors(code: str, hierarchical: bool) -> Iterable[str]:
    yield code
    if not hierarchical:
        return
    stem = code.replace(".", "")
    for end in range(len(stem) - 1, 2, -1):
        shorter = stem[:end]
        yield shorter
        if len(shorter) > 3:  # ICD-10 writes a dot after the category: C90.0
            yield f"{shorter[:3]}.{shorter[3:]}"


class _Loader(yaml.BaseLoader):
    """Every scalar is text (no YAML 1.1 booleans or octal codes); duplicate keys are errors."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> dict[str, object]:
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise CodingTablesError(f"line {line}: key {key!r} repeats the one on line {seen[key]}")
        seen[key] = line
    return {str(key): value for key, value in loader.construct_mapping(node).items()}


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _read(path: Path | str) -> dict[str, object]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8") if isinstance(path, Path) else _shipped_text()
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - BaseLoader subclass: text only
    except CodingTablesError as error:
        raise CodingTablesError(f"{name}: {error}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CodingTablesError(f"{name}: cannot read the coding tables: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CodingTablesError(f"{name}: expected a mapping at the top of the file")
    unknown = sorted(set(data) - _SECTIONS)
    if unknown:
        raise CodingTablesError(
            f"{name}: unknown section {unknown[0]!r}; expected one of {sorted(_SECTIONS)}"
        )
    return data


SHIPPED = "spinedx/patient/codings.yaml"


def _shipped_text() -> str:
    return files("spinedx.patient").joinpath("codings.yaml").read_text(encoding="utf-8")


class _Builder:
    def __init__(self) -> None:
        self.codes: dict[str, dict[str, dict[str, str]]] = {}
        self.measurements: dict[Coding, str] = {}
        self.units: dict[str, dict[str, Decimal]] = {}
        self.not_held: dict[Coding, str] = {}
        self.prefix: set[str] = set()
        self.origin: dict[tuple[object, ...], str] = {}

    def put(self, where: tuple[object, ...], value: object, name: str) -> bool:
        """Record who declared ``where``; False if it was already declared alike."""
        old = self.origin.get(where)
        if old is None:
            self.origin[where] = f"{name}={value}"
            return True
        if old.split("=", 1)[1] != str(value):
            raise CodingTablesError(
                f"{name}: {' → '.join(map(str, where))} is {value!r} here but "
                f"{old.split('=', 1)[1]!r} in {old.split('=', 1)[0]}; a site file may add "
                "codes, not change them"
            )
        return False

    def add(self, name: str, data: Mapping[str, object]) -> None:
        prefix = data.get("prefix_match", [])
        if not isinstance(prefix, list) or not all(isinstance(s, str) for s in prefix):
            raise CodingTablesError(f"{name}: prefix_match must be a list of system URIs")
        self.prefix.update(prefix)
        for record_field, systems in _items(name, data.get("codes", {}), "codes"):
            self._codes(name, record_field, systems)
        for record_field, entry in _items(name, data.get("measurements", {}), "measurements"):
            self._measurement(name, record_field, entry)
        for system, table in _items(name, data.get("not_held", {}), "not_held"):
            for code, reason in _items(name, table, f"not_held → {system}"):
                if not isinstance(reason, str) or not reason:
                    raise CodingTablesError(f"{name}: not_held → {system} → {code}: give a reason")
                if self.put(("not_held", system, code), reason, name):
                    self.not_held[(system, code)] = reason

    def _codes(self, name: str, record_field: str, systems: object) -> None:
        if record_field not in CODED_FIELDS:
            raise CodingTablesError(
                f"{name}: codes → {record_field}: not a coded record field; "
                f"expected one of {sorted(CODED_FIELDS)}"
            )
        allowed = [TRUE] if record_field in _FLAGS else [m.value for m in _ENUMS[record_field]]
        for system, table in _items(name, systems, f"codes → {record_field}"):
            for code, value in _items(name, table, f"codes → {record_field} → {system}"):
                if value not in allowed:
                    raise CodingTablesError(
                        f"{name}: codes → {record_field} → {system} → {code}: {value!r} is not "
                        f"a value of {record_field}; expected one of {allowed}"
                    )
                if self.put(("codes", record_field, system, code), value, name):
                    self.codes.setdefault(record_field, {}).setdefault(system, {})[code] = value

    def _measurement(self, name: str, record_field: str, entry: object) -> None:
        where = f"measurements → {record_field}"
        if record_field not in MEASURED_FIELDS:
            raise CodingTablesError(
                f"{name}: {where}: not a measured record field; "
                f"expected one of {sorted(MEASURED_FIELDS)}"
            )
        parts = dict(_items(name, entry, where))
        if set(parts) - {"codes", "units"}:
            raise CodingTablesError(f"{name}: {where}: expected only 'codes' and 'units'")
        for system, codes in _items(name, parts.get("codes", {}), f"{where} → codes"):
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                raise CodingTablesError(f"{name}: {where} → codes → {system}: expected a list")
            for code in codes:
                if self.put(("measurements", system, code), record_field, name):
                    self.measurements[(system, code)] = record_field
        units = dict(_items(name, parts.get("units", {}), f"{where} → units"))
        if units and not record_field.startswith("labs."):
            raise CodingTablesError(f"{name}: {where}: only laboratory tests take units")
        for unit, factor in units.items():
            exact = _factor(name, f"{where} → units → {unit}", factor)
            spellings = LAB_SPECS[record_field.removeprefix("labs.")].spellings
            if unit in spellings and exact != 1:
                raise CodingTablesError(
                    f"{name}: {where} → units → {unit}: this is a spelling of the record's own "
                    "unit; its factor must be 1"
                )
            if self.put(("units", record_field, unit), exact, name):
                self.units.setdefault(record_field, {})[unit] = exact


def _items(name: str, value: object, where: str) -> list[tuple[str, object]]:
    if not isinstance(value, dict):
        raise CodingTablesError(f"{name}: {where}: expected a mapping")
    return [(str(k), v) for k, v in value.items()]


def _factor(name: str, where: str, text: object) -> Decimal:
    try:
        factor = Decimal(str(text))
    except InvalidOperation:
        factor = Decimal(0)
    if not isinstance(text, str) or not factor.is_finite() or factor <= 0:
        raise CodingTablesError(
            f"{name}: {where}: the factor must be an exact positive decimal, found {text!r}"
        )
    return factor


def load_tables(*extra_files: str | Path) -> CodingTables:
    """The shipped coding tables, extended by a site's own YAML files.

    Args:
        *extra_files: paths of site files, in the shape of ``spinedx/patient/codings.yaml``.

    Returns:
        The merged, checked tables.

    Raises:
        CodingTablesError: a file is malformed, or changes a code another file declares.

    Example:
        >>> tables = load_tables()
        >>> tables.value("history.cancers.type", "http://hl7.org/fhir/sid/icd-10", "C50.9")
        'breast'
    """
    builder = _Builder()
    builder.add(SHIPPED, _read(SHIPPED))
    for path in extra_files:
        builder.add(str(path), _read(Path(path)))
    return CodingTables(
        codes=builder.codes,
        measurements=builder.measurements,
        units=builder.units,
        not_held=builder.not_held,
        prefix_match=frozenset(builder.prefix),
        files=(SHIPPED, *map(str, extra_files)),
    )
